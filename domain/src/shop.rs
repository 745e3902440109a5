//! The storefront's use cases: sessions, sign-in, cart, checkout, orders.
//! Pages (server functions) and the JSON API both call these, so the rules
//! live in one place; storage and payment come in through the traits.

use crate::cart::{Cart, CartError, MergeAdjustment, VariantId};
use crate::customer::{Customer, PasswordHasher, Registration};
use crate::form::FieldErrors;
use crate::order::{OrderAction, OrderDetail, OrderId, OrderSummary};
use crate::payment::{Card, ChargeRequest, PaymentError, PaymentProvider};
use crate::pricing::{PricedLine, PricingRules, Totals, price};
use crate::store::{
    CartOwner, CartSaveError, CartStore, CatalogStore, CustomerStore, NewOrder, OrderStore,
    PlaceOrderError, Placement, Session, SessionStore, SignInThrottle, StatusChange, StoreError,
    StoredCart, TransitionError,
};
use crate::{Email, Money, Quantity, ShippingAddress, Sku, Slug};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How long a session lasts without use: 30 days.
pub const SESSION_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// How often a cart change is redone on a fresh read when other requests
/// keep saving the same cart first. Each lost race means another change was
/// saved, so of n requests changing one cart at once the last saves within n
/// attempts. 8 was too few: 13 adds fired at once on SQLite (tests/carts.rs)
/// had one or two answered 503 in 2 runs of 15. An attempt is one read and
/// one conditional write.
const CART_WRITE_ATTEMPTS: usize = 32;

/// Everything the use cases need, wired by the server at start.
#[derive(Clone)]
pub struct Shop {
    pub catalog: Arc<dyn CatalogStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub carts: Arc<dyn CartStore>,
    pub orders: Arc<dyn OrderStore>,
    pub payments: Arc<dyn PaymentProvider>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub throttle: Arc<dyn SignInThrottle>,
    pub pricing: PricingRules,
    /// Unix seconds now (the server passes the system clock).
    pub clock: fn() -> i64,
}

/// Why a use case refused; each maps to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// 422: fix the named fields.
    #[error("{}", .0.summary())]
    Invalid(FieldErrors),
    /// 404
    #[error("{0}")]
    NotFound(String),
    /// 409: stock ran out (between adding to cart and checking out).
    #[error("{0}")]
    OutOfStock(String),
    /// 422: an idempotency key reused for another cart.
    #[error("this idempotency key was already used to order a different cart")]
    KeyReused,
    /// 402
    #[error("payment declined: {0}")]
    PaymentDeclined(String),
    /// 401
    #[error("sign in to see this")]
    SignInRequired,
    /// 401, shown next to the password field.
    #[error("wrong email or password")]
    BadCredentials,
    /// 429: too many failed sign-ins for this account; wait this many seconds.
    #[error("too many failed sign-ins for this account: try again in {}", crate::throttle::wait_in_words(*.0))]
    TooManyAttempts(i64),
    /// 503: storage or payment is down; nothing was changed.
    #[error("{0}")]
    Unavailable(String),
}

impl From<StoreError> for ShopError {
    fn from(e: StoreError) -> Self {
        ShopError::Unavailable(format!("the store is unavailable right now ({e})"))
    }
}

/// One cart line as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartItem {
    pub variant_id: VariantId,
    pub sku: Sku,
    pub product_slug: Slug,
    pub product_title: String,
    pub variant_name: String,
    pub unit_price: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = u32))]
    pub quantity: Quantity,
    pub line_total: Money,
    pub stock_on_hand: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartView {
    pub items: Vec<CartItem>,
    pub item_count: u32,
    /// Estimated totals (the order's are computed again when it is placed).
    pub totals: Option<Totals>,
    /// What changed on its own, e.g. when carts merged at sign-in.
    pub notices: Vec<String>,
}

/// The checkout form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutForm {
    /// Unique per checkout attempt: a retry with the same key returns the first order.
    pub idempotency_key: String,
    pub email: String,
    #[serde(flatten)]
    pub shipping: ShippingAddress,
    pub card_number: String,
    /// `MM/YY`
    pub card_expiry: String,
    pub card_cvc: String,
}

/// A fresh session after signing in or registering.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: Session,
    pub customer: Customer,
    pub notices: Vec<String>,
}

impl Session {
    pub fn cart_owner(&self) -> CartOwner {
        match self.customer {
            Some(id) => CartOwner::Customer(id),
            None => CartOwner::Session(self.id.clone()),
        }
    }
}

fn cart_error(e: CartError) -> ShopError {
    ShopError::Invalid(FieldErrors::one("quantity", e))
}

impl Shop {
    fn now(&self) -> i64 {
        (self.clock)()
    }

    // --- sessions -------------------------------------------------------

    /// The session a cookie's token names, if it is live.
    pub async fn session(&self, token: Option<&str>) -> Result<Option<Session>, ShopError> {
        match token {
            Some(token) if !token.is_empty() && token.len() <= 128 => {
                Ok(self.sessions.find_session(token, self.now()).await?)
            }
            _ => Ok(None),
        }
    }

    /// The visitor's session, starting one (and returning its new token) if needed.
    pub async fn ensure_session(
        &self,
        session: Option<Session>,
    ) -> Result<(Option<String>, Session), ShopError> {
        match session {
            Some(session) => Ok((None, session)),
            None => {
                let (token, session) = self
                    .sessions
                    .start_session(None, self.now(), SESSION_TTL_SECONDS)
                    .await?;
                Ok((Some(token), session))
            }
        }
    }

    pub async fn customer(&self, session: Option<&Session>) -> Result<Option<Customer>, ShopError> {
        match session.and_then(|s| s.customer) {
            Some(id) => Ok(self.customers.customer(id).await?),
            None => Ok(None),
        }
    }

    // --- accounts -------------------------------------------------------

    pub async fn register(
        &self,
        current: Option<&Session>,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<SignedIn, ShopError> {
        let registration =
            Registration::parse(email, name, password).map_err(ShopError::Invalid)?;
        let hash = self.passwords.hash(&registration.password).await;
        let customer = self
            .customers
            .create_customer(&registration.email, &registration.name, &hash, self.now())
            .await?
            .ok_or_else(|| {
                ShopError::Invalid(FieldErrors::one(
                    "email",
                    "an account with this email already exists: sign in instead",
                ))
            })?;
        self.sign_in(current, customer).await
    }

    pub async fn log_in(
        &self,
        current: Option<&Session>,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, ShopError> {
        let email =
            Email::parse(email).map_err(|e| ShopError::Invalid(FieldErrors::one("email", e)))?;
        if password.is_empty() || password.len() > 4 * crate::customer::PASSWORD_MAX {
            return Err(ShopError::BadCredentials);
        }
        // Counted per email whether or not the account exists, so the
        // answer never tells a guesser which emails have accounts.
        let key = crate::throttle::key_for_email(&email);
        let now = self.now();
        let recent = self
            .throttle
            .recent_failures(&key, now - crate::throttle::WINDOW_SECONDS)
            .await?;
        crate::throttle::check(recent, now).map_err(ShopError::TooManyAttempts)?;
        let verified = match self.customers.credentials(&email).await? {
            Some((customer, hash)) if self.passwords.verify(password, &hash).await => {
                Some(customer)
            }
            _ => None,
        };
        let Some(customer) = verified else {
            self.throttle.record_failure(&key, now).await?;
            return Err(ShopError::BadCredentials);
        };
        self.throttle.clear_failures(&key).await?;
        self.sign_in(current, customer).await
    }

    /// Starts a new session for `customer` (a new token defeats session
    /// fixation), ends the old one and merges its cart into the customer's.
    async fn sign_in(
        &self,
        current: Option<&Session>,
        customer: Customer,
    ) -> Result<SignedIn, ShopError> {
        let mut notices = Vec::new();
        if let Some(old) = current {
            if old.customer.is_none() {
                notices = self.merge_carts(old, customer.id).await?;
            }
            self.sessions.end_session(&old.id).await?;
        }
        let (token, session) = self
            .sessions
            .start_session(Some(customer.id), self.now(), SESSION_TTL_SECONDS)
            .await?;
        Ok(SignedIn {
            token,
            session,
            customer,
            notices,
        })
    }

    async fn merge_carts(
        &self,
        visitor: &Session,
        customer: i64,
    ) -> Result<Vec<String>, ShopError> {
        let visitor_owner = visitor.cart_owner();
        let StoredCart {
            cart: anonymous,
            version: anonymous_version,
        } = self.carts.load_cart(&visitor_owner).await?;
        if anonymous.lines.is_empty() {
            return Ok(Vec::new());
        }
        let owner = CartOwner::Customer(customer);
        // Stock for every variant either cart holds.
        let held = self.carts.load_cart(&owner).await?.cart;
        let ids: Vec<VariantId> = held
            .lines
            .iter()
            .chain(&anonymous.lines)
            .map(|l| l.variant_id)
            .collect();
        let variants = self.catalog.variants(&ids).await?;
        let find = |id| variants.iter().find(|v| v.variant.id == id);
        let stock_of = |id| find(id).map_or(0, |v| v.variant.stock_on_hand);
        let (_, adjustments) = self
            .change_cart(&owner, |cart| Ok(cart.merge(&anonymous, stock_of)))
            .await?;
        // The visitor's session ends with the sign-in, so its cart is only
        // tidied away: if it changed meanwhile (another tab), it is left.
        let now = self.now();
        match self
            .carts
            .save_cart(&visitor_owner, &Default::default(), anonymous_version, now)
            .await
        {
            Ok(()) | Err(CartSaveError::Conflict) => {}
            Err(CartSaveError::Store(e)) => return Err(e.into()),
        }
        Ok(adjustments
            .into_iter()
            .map(|a| {
                let (id, what) = match a {
                    MergeAdjustment::Reduced { variant_id, to } => {
                        (variant_id, format!("reduced to {to}, as many as we have"))
                    }
                    MergeAdjustment::Removed { variant_id } => {
                        (variant_id, "removed: it sold out".to_string())
                    }
                };
                let title = find(id).map_or("An item".into(), |v| {
                    format!("{} ({})", v.product_title, v.variant.name)
                });
                format!("{title} was {what}.")
            })
            .collect())
    }

    pub async fn log_out(&self, session: &Session) -> Result<(), ShopError> {
        Ok(self.sessions.end_session(&session.id).await?)
    }

    // --- cart -----------------------------------------------------------

    pub async fn cart(&self, session: Option<&Session>) -> Result<CartView, ShopError> {
        let Some(session) = session else {
            return Ok(CartView::default());
        };
        let cart = self.carts.load_cart(&session.cart_owner()).await?.cart;
        self.view(&cart).await
    }

    /// How many items the session's cart holds (the header's badge): one
    /// read, without the catalog lookups a full view needs.
    pub async fn cart_count(&self, session: Option<&Session>) -> Result<u32, ShopError> {
        match session {
            Some(session) => Ok(self
                .carts
                .load_cart(&session.cart_owner())
                .await?
                .cart
                .item_count()),
            None => Ok(0),
        }
    }

    /// A cart as pages show it: its lines with today's names, prices and stock.
    async fn view(&self, cart: &crate::cart::Cart) -> Result<CartView, ShopError> {
        let ids: Vec<VariantId> = cart.lines.iter().map(|l| l.variant_id).collect();
        let variants = self.catalog.variants(&ids).await?;
        let mut items = Vec::new();
        for line in &cart.lines {
            // Lines whose variant was deleted since simply disappear.
            let Some(v) = variants.iter().find(|v| v.variant.id == line.variant_id) else {
                continue;
            };
            let line_total = Money::new(
                v.variant.price.amount_minor * i64::from(line.quantity.get()),
                v.variant.price.currency,
            );
            items.push(CartItem {
                variant_id: line.variant_id,
                sku: v.variant.sku.clone(),
                product_slug: v.product_slug.clone(),
                product_title: v.product_title.clone(),
                variant_name: v.variant.name.clone(),
                unit_price: v.variant.price,
                quantity: line.quantity,
                line_total,
                stock_on_hand: v.variant.stock_on_hand,
            });
        }
        let priced: Vec<PricedLine> = items
            .iter()
            .map(|i| PricedLine {
                unit_price: i.unit_price,
                quantity: i.quantity,
            })
            .collect();
        Ok(CartView {
            item_count: items.iter().map(|i| i.quantity.get()).sum(),
            totals: price(&priced, self.pricing).ok(),
            items,
            notices: Vec::new(),
        })
    }

    /// Adds `quantity` (form text) of the variant with `sku`.
    pub async fn add_to_cart(
        &self,
        session: &Session,
        sku: &str,
        quantity: &str,
    ) -> Result<CartView, ShopError> {
        let quantity = Quantity::parse(quantity)
            .map_err(|e| ShopError::Invalid(FieldErrors::one("quantity", e)))?;
        let not_found = || ShopError::NotFound(format!("no product variant with SKU {sku:?}"));
        let sku = Sku::parse(sku).map_err(|_| not_found())?;
        let variant = self
            .catalog
            .variant_by_sku(&sku)
            .await?
            .ok_or_else(not_found)?;
        let (cart, _) = self
            .change_cart(&session.cart_owner(), |cart| {
                cart.add(variant.variant.id, quantity, variant.variant.stock_on_hand)
                    .map_err(cart_error)
            })
            .await?;
        self.view(&cart).await
    }

    /// Sets a line's quantity (form text; 0 removes the line).
    pub async fn set_cart_quantity(
        &self,
        session: &Session,
        variant_id: VariantId,
        quantity: &str,
    ) -> Result<CartView, ShopError> {
        let wanted: u32 = quantity.trim().parse().map_err(|_| {
            ShopError::Invalid(FieldErrors::one(
                "quantity",
                "the quantity must be a whole number from 0 to 10",
            ))
        })?;
        let stock = self
            .catalog
            .variants(&[variant_id])
            .await?
            .first()
            .map_or(0, |v| v.variant.stock_on_hand);
        let (cart, _) = self
            .change_cart(&session.cart_owner(), |cart| {
                if cart.quantity_of(variant_id) == 0 {
                    return Err(ShopError::NotFound("that item is not in your cart".into()));
                }
                cart.set(variant_id, wanted, stock).map_err(cart_error)
            })
            .await?;
        self.view(&cart).await
    }

    /// Reads the owner's cart, applies `change` and saves it, naming the
    /// version read. When another request saved the cart first (on this
    /// server or another), it starts again from a fresh read, so neither
    /// change is lost. Returns the saved cart and what `change` returned.
    async fn change_cart<T>(
        &self,
        owner: &CartOwner,
        mut change: impl FnMut(&mut Cart) -> Result<T, ShopError> + Send,
    ) -> Result<(Cart, T), ShopError>
    where
        T: Send,
    {
        for _ in 0..CART_WRITE_ATTEMPTS {
            let StoredCart { mut cart, version } = self.carts.load_cart(owner).await?;
            let outcome = change(&mut cart)?;
            match self
                .carts
                .save_cart(owner, &cart, version, self.now())
                .await
            {
                Ok(()) => return Ok((cart, outcome)),
                Err(CartSaveError::Conflict) => continue,
                Err(CartSaveError::Store(e)) => return Err(e.into()),
            }
        }
        Err(ShopError::Unavailable(
            "your cart is being changed from elsewhere right now; try again".into(),
        ))
    }

    // --- checkout -------------------------------------------------------

    /// Places the session's cart as an order and takes payment. A retry with
    /// the same idempotency key returns the first order (or its decline)
    /// without charging again; the same key with a different cart is refused.
    pub async fn checkout(
        &self,
        session: &Session,
        form: &CheckoutForm,
    ) -> Result<OrderDetail, ShopError> {
        let key = form.idempotency_key.trim();
        if key.is_empty()
            || key.len() > 100
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ShopError::Invalid(FieldErrors::one(
                "idempotency_key",
                "the checkout form expired: reload the page and try again",
            )));
        }
        let owner = session.cart_owner();
        let scoped_key = format!("{}:{key}", owner.key());
        let cart = self.carts.load_cart(&owner).await?.cart;
        if let Some((order, fingerprint)) =
            self.orders.order_by_idempotency_key(&scoped_key).await?
        {
            return replay(order, &fingerprint, &cart);
        }

        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(&form.email));
        let shipping = match ShippingAddress::parse(&form.shipping) {
            Ok(address) => Some(address),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let (year, month, ..) = crate::time::utc_parts(self.now());
        let card = match Card::parse(
            &form.card_number,
            &form.card_expiry,
            &form.card_cvc,
            (year, month),
        ) {
            Ok(card) => Some(card),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let (Some(email), Some(shipping), Some(card)) = (email, shipping, card) else {
            return Err(ShopError::Invalid(errors));
        };
        if cart.lines.is_empty() {
            return Err(ShopError::Invalid(FieldErrors::one(
                "cart",
                "your cart is empty",
            )));
        }

        let new_order = NewOrder {
            idempotency_key: scoped_key,
            cart_fingerprint: cart.fingerprint(),
            customer: session.customer,
            session_id: Some(session.id.clone()),
            email,
            shipping,
            lines: cart.lines.clone(),
            pricing: self.pricing,
            placed_at: self.now(),
        };
        let order = match self.orders.place_order(&new_order).await {
            Ok(Placement::New(order)) => order,
            Ok(Placement::Existing {
                order,
                cart_fingerprint,
            }) => {
                return replay(order, &cart_fingerprint, &cart);
            }
            Err(PlaceOrderError::OutOfStock {
                title, available, ..
            }) => {
                return Err(ShopError::OutOfStock(if available > 0 {
                    format!("only {available} of {title} left in stock: update your cart")
                } else {
                    format!("{title} is out of stock: remove it from your cart")
                }));
            }
            Err(PlaceOrderError::UnknownVariant(_)) => {
                return Err(ShopError::OutOfStock(
                    "an item in your cart is no longer sold: remove it from your cart".into(),
                ));
            }
            Err(PlaceOrderError::Pricing(e)) => {
                return Err(ShopError::Invalid(FieldErrors::one("cart", e)));
            }
            Err(PlaceOrderError::Store(e)) => return Err(e.into()),
        };

        // Payment happens outside the stock transaction: no lock is held
        // while the gateway answers. The order's reference makes the charge
        // idempotent at the provider.
        let charge = ChargeRequest {
            order_reference: order.reference.clone(),
            amount: order.totals.total,
            card,
        };
        let now = self.now();
        match self.payments.charge(&charge).await {
            Ok(payment) => {
                let paid = self
                    .orders
                    .change_status(
                        order.id,
                        &StatusChange {
                            action: OrderAction::Pay,
                            payment: Some(payment),
                            declined: None,
                            note: None,
                            by: None,
                            at: now,
                        },
                    )
                    .await
                    .map_err(transition_error)?;
                // Best effort: the order stands even if the cart cannot be cleared.
                let cleared = self
                    .change_cart(&owner, |cart| {
                        *cart = Default::default();
                        Ok(())
                    })
                    .await;
                if let Err(e) = cleared {
                    tracing::warn!(order = %paid.reference, error = %e, "could not clear the cart");
                }
                Ok(paid)
            }
            Err(error) => {
                let reason = error.to_string();
                self.orders
                    .change_status(
                        order.id,
                        &StatusChange {
                            action: OrderAction::Cancel,
                            payment: None,
                            declined: Some(reason.clone()),
                            note: None,
                            by: None,
                            at: now,
                        },
                    )
                    .await
                    .map_err(transition_error)?;
                Err(match error {
                    PaymentError::Declined(reason) => ShopError::PaymentDeclined(reason),
                    PaymentError::Unavailable(_) => ShopError::Unavailable(
                        "the payment service is unavailable: you have not been charged, try again"
                            .into(),
                    ),
                })
            }
        }
    }

    // --- orders ---------------------------------------------------------

    /// An order, if this session may see it: its customer's, or the guest
    /// session's that placed it.
    pub async fn order(
        &self,
        session: Option<&Session>,
        id: OrderId,
    ) -> Result<OrderDetail, ShopError> {
        let not_found =
            || ShopError::NotFound(format!("no order {}", crate::order::order_reference(id)));
        let session = session.ok_or_else(not_found)?;
        let order = self.orders.order(id).await?.ok_or_else(not_found)?;
        let mine = match (order.customer_id, session.customer) {
            (Some(owner), Some(me)) => owner == me,
            (None, _) => order.session_id.as_deref() == Some(session.id.as_str()),
            _ => false,
        };
        if mine { Ok(order) } else { Err(not_found()) }
    }

    pub async fn order_history(
        &self,
        session: Option<&Session>,
    ) -> Result<Vec<OrderSummary>, ShopError> {
        let customer = session
            .and_then(|s| s.customer)
            .ok_or(ShopError::SignInRequired)?;
        Ok(self.orders.orders_of(customer).await?)
    }

    /// Moves an order on (the system); a refund gives the money back first.
    pub async fn change_order_status(
        &self,
        id: OrderId,
        action: OrderAction,
    ) -> Result<OrderDetail, ShopError> {
        self.move_order(id, action, None, None).await
    }

    /// Moves an order on as `staff` asked (their audit entry is written with
    /// the change); `note` goes into the order's history (a tracking number).
    /// Cancelling or refunding gives a paid order's money back first.
    pub async fn move_order(
        &self,
        id: OrderId,
        action: OrderAction,
        note: Option<String>,
        staff: Option<&Customer>,
    ) -> Result<OrderDetail, ShopError> {
        let order = self.orders.order(id).await?.ok_or_else(|| {
            ShopError::NotFound(format!("no order {}", crate::order::order_reference(id)))
        })?;
        let next = order
            .status
            .transition(action)
            .map_err(|e| ShopError::Invalid(FieldErrors::one("action", e)))?;
        // Cancelling or refunding a paid order gives the money back first.
        if let (true, Some(reference)) = (next.restocks(), &order.payment_reference) {
            self.payments
                .refund(reference, order.totals.total)
                .await
                .map_err(|e| ShopError::Unavailable(format!("the refund failed: {e}")))?;
        }
        self.orders
            .change_status(
                id,
                &StatusChange {
                    action,
                    payment: None,
                    declined: None,
                    by: staff.map(|who| {
                        crate::back_office::NewAuditEntry::by(
                            who,
                            self.now(),
                            &format!("order.{}", crate::order_desk::action_str(action)),
                            "order",
                            &order.reference,
                            match &note {
                                Some(note) => format!("{} → {next} ({note})", order.status),
                                None => format!("{} → {next}", order.status),
                            },
                        )
                    }),
                    note,
                    at: self.now(),
                },
            )
            .await
            .map_err(transition_error)
    }
}

fn replay(
    order: OrderDetail,
    fingerprint: &str,
    cart: &crate::cart::Cart,
) -> Result<OrderDetail, ShopError> {
    // The same cart, or the cart that order emptied: it is a retry.
    if fingerprint != cart.fingerprint() && !cart.lines.is_empty() {
        return Err(ShopError::KeyReused);
    }
    match &order.payment_declined {
        Some(reason) => Err(ShopError::PaymentDeclined(reason.clone())),
        None => Ok(order),
    }
}

fn transition_error(e: TransitionError) -> ShopError {
    match e {
        TransitionError::NotFound => ShopError::NotFound("no such order".into()),
        TransitionError::Invalid(e) => ShopError::Invalid(FieldErrors::one("action", e)),
        TransitionError::Store(e) => e.into(),
    }
}
