//! Server functions for the admin pages. Each checks on the server, for
//! every call, that the caller is a merchandiser or admin: the browser's
//! word counts for nothing.

use crate::forms::FormFeedback;
use crate::model::OrderDetail;
use crate::model::back_office::{AuditEntry, Dashboard, ListPage, ProductRow};
use crate::model::merchandising::EditableProduct;
use crate::model::order::OrderAction;
use crate::model::order_desk::{OrderEvent, OrderRow};
use crate::model::{Category, Customer};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An admin page's data, or why this visitor may not see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Staffed<T> {
    Allowed {
        staff: Customer,
        data: T,
    },
    /// Not signed in.
    SignIn,
    /// Signed in, but as a shopper.
    Forbidden,
}

#[cfg(feature = "ssr")]
fn unavailable(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "admin query failed");
    ServerFnError::new("The store's admin data is unavailable right now.")
}

/// Runs `load` for a merchandiser or admin; anyone else gets why not.
#[cfg(feature = "ssr")]
async fn for_staff<T, F>(
    load: impl FnOnce(crate::services::Services) -> F,
) -> Result<Staffed<T>, ServerFnError>
where
    F: std::future::Future<Output = Result<T, vitrine_domain::store::StoreError>>,
{
    use crate::services::{StaffAccess, current_staff, services};
    // The refusal's status goes on the response, whether it is this call's
    // (from the browser) or the page's that made it (server rendering).
    let refuse = |status: http::StatusCode| {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    };
    match current_staff().await? {
        Ok(staff) => Ok(Staffed::Allowed {
            staff,
            data: load(services()?).await.map_err(unavailable)?,
        }),
        Err(StaffAccess::SignIn) => {
            refuse(http::StatusCode::UNAUTHORIZED);
            Ok(Staffed::SignIn)
        }
        Err(StaffAccess::Forbidden) => {
            refuse(http::StatusCode::FORBIDDEN);
            Ok(Staffed::Forbidden)
        }
    }
}

/// Like [`for_staff`], for what only admins may do (merchandisers get 403).
#[cfg(feature = "ssr")]
async fn for_admins<T, F>(
    load: impl FnOnce(crate::services::Services) -> F,
) -> Result<Staffed<T>, ServerFnError>
where
    F: std::future::Future<Output = Result<T, vitrine_domain::store::StoreError>>,
{
    use crate::model::customer::Role;
    match for_staff(|s| async move { Ok(s) }).await? {
        Staffed::Allowed { staff, data } if staff.role == Role::Admin => Ok(Staffed::Allowed {
            data: load(data).await.map_err(unavailable)?,
            staff,
        }),
        Staffed::Allowed { .. } | Staffed::Forbidden => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::FORBIDDEN);
            }
            Ok(Staffed::Forbidden)
        }
        Staffed::SignIn => Ok(Staffed::SignIn),
    }
}

#[server(endpoint = "admin/dashboard")]
pub async fn admin_dashboard() -> Result<Staffed<Dashboard>, ServerFnError> {
    for_staff(|s| async move {
        // Midnight UTC today, by the shop's clock.
        let now = (s.shop.clock)();
        s.back_office.dashboard(now - now.rem_euclid(86_400)).await
    })
    .await
}

/// The product list; the arguments are the page's query string.
#[server(endpoint = "admin/products")]
pub async fn admin_products(
    q: String,
    status: String,
    category: String,
    stock: String,
    page: String,
) -> Result<Staffed<ListPage<ProductRow>>, ServerFnError> {
    use crate::model::back_office::ProductFilter;
    let pairs: Vec<(String, String)> = [
        ("q", q),
        ("status", status),
        ("category", category),
        ("stock", stock),
        ("page", page),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let filter = ProductFilter::from_query(&pairs);
    for_staff(|s| async move { s.back_office.products(&filter).await }).await
}

/// The audit log, newest first; the arguments are the page's query string.
#[server(endpoint = "admin/audit")]
pub async fn admin_audit_log(
    entity: String,
    actor: String,
    page: String,
) -> Result<Staffed<ListPage<AuditEntry>>, ServerFnError> {
    use crate::model::back_office::AuditFilter;
    let pairs: Vec<(String, String)> = [("entity", entity), ("actor", actor), ("page", page)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let filter = AuditFilter::from_query(&pairs);
    for_staff(|s| async move { s.audit.entries(&filter).await }).await
}

/// What the product editor shows: the product (none on the "new" page), the
/// categories to choose from, and what a failed form post left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductEditor {
    pub product: Option<EditableProduct>,
    pub categories: Vec<Category>,
    pub feedback: Option<FormFeedback>,
}

/// The editor for a product; `Allowed { data: None }` when there is no such product.
#[server(endpoint = "admin/product")]
pub async fn admin_product(slug: String) -> Result<Staffed<Option<ProductEditor>>, ServerFnError> {
    use crate::model::Slug;
    let feedback = use_context::<FormFeedback>();
    for_staff(|s| async move {
        let Ok(slug) = Slug::parse(&slug) else {
            return Ok(None);
        };
        let Some(product) = s.merchandising.editable_product(&slug).await? else {
            return Ok(None);
        };
        Ok(Some(ProductEditor {
            product: Some(product),
            categories: s.merchandising.all_categories().await?,
            feedback,
        }))
    })
    .await
}

/// The editor for a new product.
#[server(endpoint = "admin/new_product")]
pub async fn admin_new_product() -> Result<Staffed<ProductEditor>, ServerFnError> {
    let feedback = use_context::<FormFeedback>();
    for_staff(|s| async move {
        Ok(ProductEditor {
            product: None,
            categories: s.merchandising.all_categories().await?,
            feedback,
        })
    })
    .await
}

/// The order list; the arguments are the page's query string.
#[server(endpoint = "admin/orders")]
pub async fn admin_orders(
    status: String,
    from: String,
    to: String,
    customer: String,
    page: String,
) -> Result<Staffed<ListPage<OrderRow>>, ServerFnError> {
    use crate::model::order_desk::OrderFilter;
    let pairs: Vec<(String, String)> = [
        ("status", status),
        ("from", from),
        ("to", to),
        ("customer", customer),
        ("page", page),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let filter = OrderFilter::from_query(&pairs);
    for_staff(|s| async move { s.order_desk.orders(&filter).await }).await
}

/// One order for the desk: its detail, history and what may happen next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderDesk {
    pub order: OrderDetail,
    pub events: Vec<OrderEvent>,
    pub actions: Vec<OrderAction>,
    pub feedback: Option<FormFeedback>,
}

/// `Allowed { data: None }` when there is no such order.
#[server(endpoint = "admin/order")]
pub async fn admin_order(id: String) -> Result<Staffed<Option<OrderDesk>>, ServerFnError> {
    let feedback = use_context::<FormFeedback>();
    for_staff(|s| async move {
        let Ok(id) = id.trim().parse::<i64>() else {
            return Ok(None);
        };
        let Some(order) = s.shop.orders.order(id).await? else {
            return Ok(None);
        };
        Ok(Some(OrderDesk {
            actions: crate::model::order_desk::actions_for(order.status),
            events: s.order_desk.order_events(id).await?,
            order,
            feedback,
        }))
    })
    .await
}

/// The staff page: who runs the store, and who is invited to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPage {
    pub members: Vec<Customer>,
    pub invitations: Vec<crate::model::back_office::Invitation>,
    pub feedback: Option<FormFeedback>,
}

/// Admins only.
#[server(endpoint = "admin/staff")]
pub async fn admin_staff() -> Result<Staffed<StaffPage>, ServerFnError> {
    let feedback = use_context::<FormFeedback>();
    for_admins(|s| async move {
        Ok(StaffPage {
            members: s.shop.customers.staff().await?,
            invitations: s.shop.customers.invitations().await?,
            feedback,
        })
    })
    .await
}

/// The 3D page: the product's model, its levels and poster, and what a
/// failed form post left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelDesk {
    pub slug: String,
    pub title: String,
    pub model: Option<ModelOnShow>,
    /// The largest GLB the server takes, for the page to say (and check
    /// before sending).
    pub max_upload_bytes: u64,
    pub feedback: Option<FormFeedback>,
}

/// A product's model as the 3D page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelOnShow {
    /// The viewer, pinned to the level chosen (`?lod=N`) if any.
    pub boot: crate::api::ViewerBoot,
    pub model_url: String,
    /// Finest first; empty when the model has no levels of detail yet.
    pub levels: Vec<crate::model::model_desk::LevelRow>,
    pub level_urls: Vec<String>,
    pub material_variants: Vec<String>,
    pub poster_url: Option<String>,
    /// The still the pipeline rendered, when the product shows another one.
    pub rendered_poster_url: Option<String>,
}

/// `Allowed { data: None }` when there is no such product. `lod` is the
/// page's `?lod=` (empty: the viewer picks levels by canvas size).
#[server(endpoint = "admin/model")]
pub async fn admin_model(
    slug: String,
    lod: String,
) -> Result<Staffed<Option<ModelDesk>>, ServerFnError> {
    use crate::model::Slug;
    use crate::model::model_desk::level_rows;
    use crate::model::viewer::ViewerConfig;
    let feedback = use_context::<FormFeedback>();
    for_staff(|s| async move {
        let Ok(slug) = Slug::parse(&slug) else {
            return Ok(None);
        };
        let Some(product) = s.merchandising.editable_product(&slug).await? else {
            return Ok(None);
        };
        let url = |key: &str| s.asset_url(key);
        let model = match &product.model {
            None => None,
            Some(files) => {
                let manifest = match &files.manifest_key {
                    Some(key) => s.manifests.manifest(key).await?,
                    None => None,
                };
                let manifest_url = files.manifest_key.as_deref().map(url);
                let levels = manifest.as_ref().map(level_rows).unwrap_or_default();
                let pinned_level = lod.trim().parse().ok().filter(|l| *l < levels.len());
                let rendered = manifest.as_ref().and_then(|m| m.poster.clone());
                Some(ModelOnShow {
                    boot: s.viewer_boot(
                        ViewerConfig {
                            model_url: url(&files.model_key),
                            manifest_url,
                            pinned_level,
                            label: format!("3D preview of {}", product.title),
                        },
                        manifest
                            .as_ref()
                            .and_then(|m| m.coarsest_level())
                            .map(|level| url(&level.file)),
                        product.model_poster_url.clone(),
                    ),
                    model_url: url(&files.model_key),
                    level_urls: manifest
                        .as_ref()
                        .map(|m| m.levels.iter().map(|l| url(&l.file)).collect())
                        .unwrap_or_default(),
                    levels,
                    material_variants: manifest
                        .as_ref()
                        .map(|m| m.material_variants.clone())
                        .unwrap_or_default(),
                    poster_url: product.model_poster_url.clone(),
                    rendered_poster_url: rendered
                        .filter(|key| files.poster_key.as_ref() != Some(key))
                        .map(|key| url(&key)),
                })
            }
        };
        Ok(Some(ModelDesk {
            slug: slug.to_string(),
            title: product.title,
            model,
            max_upload_bytes: s.max_upload_bytes,
            feedback,
        }))
    })
    .await
}
