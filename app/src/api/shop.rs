//! Server functions for the shopper's own pages: cart, checkout, orders,
//! account. Every change goes through a form post (see the server's
//! `routes::forms`); these only read, so pages render the same with or
//! without JavaScript.

use crate::forms::FormFeedback;
use crate::model::shop::CartView;
use crate::model::{Customer, OrderDetail, OrderSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The header's view of the visitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitorSummary {
    pub customer_name: Option<String>,
    /// A merchandiser or admin: the header links to the admin pages.
    pub runs_the_store: bool,
    pub cart_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartPageData {
    pub cart: CartView,
    pub feedback: Option<FormFeedback>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutPageData {
    pub cart: CartView,
    pub customer: Option<Customer>,
    /// Fresh for every rendering of the form: a resubmission of the same
    /// form (double click, retry after a timeout) places one order.
    pub idempotency_key: String,
    pub feedback: Option<FormFeedback>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountPageData {
    pub customer: Customer,
    pub orders: Vec<OrderSummary>,
}

#[cfg(feature = "ssr")]
fn failed(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "shop query failed");
    ServerFnError::new("The store is unavailable right now.")
}

#[server]
pub async fn visitor() -> Result<VisitorSummary, ServerFnError> {
    use crate::services::{current_session, services};
    let Some(session) = current_session().await? else {
        return Ok(VisitorSummary::default());
    };
    let shop = services()?.shop;
    let customer = shop.customer(Some(&session)).await.map_err(failed)?;
    Ok(VisitorSummary {
        runs_the_store: customer.as_ref().is_some_and(|c| c.role.runs_the_store()),
        customer_name: customer.map(|c| c.name),
        cart_count: shop.cart_count(Some(&session)).await.map_err(failed)?,
    })
}

#[server]
pub async fn cart_page() -> Result<CartPageData, ServerFnError> {
    use crate::services::{current_session, form_feedback, services};
    let session = current_session().await?;
    let cart = services()?
        .shop
        .cart(session.as_ref())
        .await
        .map_err(failed)?;
    Ok(CartPageData {
        cart,
        feedback: form_feedback("cart"),
    })
}

#[server]
pub async fn checkout_page() -> Result<CheckoutPageData, ServerFnError> {
    use crate::services::{current_session, form_feedback, services};
    let session = current_session().await?;
    let shop = services()?.shop;
    let cart = shop.cart(session.as_ref()).await.map_err(failed)?;
    let customer = shop.customer(session.as_ref()).await.map_err(failed)?;
    Ok(CheckoutPageData {
        cart,
        customer,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        feedback: form_feedback("checkout"),
    })
}

/// `Ok(None)` when there is no such order or it is not this visitor's (404).
#[server]
pub async fn order_page(id: i64) -> Result<Option<OrderDetail>, ServerFnError> {
    use crate::model::shop::ShopError;
    use crate::services::{current_session, services};
    let session = current_session().await?;
    match services()?.shop.order(session.as_ref(), id).await {
        Ok(order) => Ok(Some(order)),
        Err(ShopError::NotFound(_)) => Ok(None),
        Err(e) => Err(failed(e)),
    }
}

/// `Ok(None)` when nobody is signed in (the page offers to sign in).
#[server]
pub async fn account_page() -> Result<Option<AccountPageData>, ServerFnError> {
    use crate::services::{current_session, services};
    let session = current_session().await?;
    let shop = services()?.shop;
    let Some(customer) = shop.customer(session.as_ref()).await.map_err(failed)? else {
        return Ok(None);
    };
    let orders = shop.order_history(session.as_ref()).await.map_err(failed)?;
    Ok(Some(AccountPageData { customer, orders }))
}

/// A failed sign-in or registration post, for the form to show.
#[server]
pub async fn account_form_feedback(form: String) -> Result<Option<FormFeedback>, ServerFnError> {
    Ok(crate::services::form_feedback(&form))
}
