//! The storage ports: one small trait per aggregate. The server implements
//! them over SQLite and PostgreSQL (sqlx); pages reach them through server
//! functions, never directly.

use crate::address::ShippingAddress;
use crate::cart::{Cart, CartLine, VariantId};
use crate::customer::{Customer, CustomerId, Role};
use crate::order::{InvalidTransition, OrderAction, OrderDetail, OrderId, OrderSummary};
use crate::payment::Payment;
use crate::pricing::{PricingError, PricingRules};
use crate::product::CatalogVariant;
use crate::{Category, Email, Money, ProductDetail, ProductSummary, SearchQuery, Sku, Slug};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// A storage failure the caller cannot fix by changing its input.
#[derive(Debug, thiserror::Error)]
#[error("storage unavailable: {0}")]
pub struct StoreError(pub String);

/// A product to add to the catalog, with its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub slug: Slug,
    pub title: String,
    pub description: String,
    pub category: Option<Category>,
    pub variants: Vec<NewVariant>,
    /// Key of the product's GLB in the asset store.
    pub model_key: Option<String>,
    pub model_credit: Option<String>,
    /// Photos: asset-store keys and their alt text, in order.
    pub images: Vec<NewImage>,
}

/// A product's 3D model in the asset store: the original GLB, and what the
/// asset pipeline made from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductModel {
    pub model_key: String,
    /// The levels of detail's [`crate::viewer::ModelManifest`].
    pub manifest_key: Option<String>,
    /// A still of the model.
    pub poster_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImage {
    pub key: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewVariant {
    pub sku: Sku,
    pub name: String,
    pub options: Vec<(String, String)>,
    pub price: Money,
    pub stock_on_hand: i64,
    pub material_variant: Option<String>,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Published products, newest first.
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError>;
    /// Categories with at least one published product, by name.
    async fn categories(&self) -> Result<Vec<Category>, StoreError>;
    /// A category and its published products, newest first; `None` if there is no such category.
    async fn category(
        &self,
        slug: &Slug,
    ) -> Result<Option<(Category, Vec<ProductSummary>)>, StoreError>;
    /// Published products matching every word (title, description, variant names), best first.
    async fn search(&self, query: &SearchQuery) -> Result<Vec<ProductSummary>, StoreError>;
    /// A published product, or `None` when no published product has this slug.
    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError>;
    /// Variants by id, with their products (published or not: carts may hold them).
    async fn variants(&self, ids: &[VariantId]) -> Result<Vec<CatalogVariant>, StoreError>;
    /// A variant of a published product, by SKU.
    async fn variant_by_sku(&self, sku: &Sku) -> Result<Option<CatalogVariant>, StoreError>;
    /// Makes `model` the product's 3D model (published or not); `false`
    /// when there is no product with this slug.
    async fn set_product_model(
        &self,
        slug: &Slug,
        model: &ProductModel,
    ) -> Result<bool, StoreError>;
    /// Adds `products` in one transaction, but only into an empty catalog
    /// (first-start seeding); returns how many were added.
    async fn seed_if_empty(&self, products: &[NewProduct]) -> Result<usize, StoreError>;
    /// Round-trips to the database; backs `/readyz`.
    async fn ping(&self) -> Result<(), StoreError>;
    /// A number that changes whenever anything a shopper reads from the
    /// catalog changes, except stock (the database bumps it on every such
    /// write, whoever makes it): caches compare it to know they are stale.
    async fn catalog_revision(&self) -> Result<i64, StoreError>;
    /// Stock on hand of these variants (those that exist), now.
    async fn stock_levels(&self, ids: &[VariantId]) -> Result<Vec<(VariantId, i64)>, StoreError>;
}

/// Where the viewer's clickstream goes (Kinesis in production, the
/// database locally).
#[async_trait]
pub trait ClickstreamSink: Send + Sync {
    /// Keeps a batch (at most 500 events); an error means none of it was kept.
    async fn put(&self, events: &[crate::clickstream::ViewerEvent]) -> Result<(), StoreError>;
}

/// Customer accounts.
#[async_trait]
pub trait CustomerStore: Send + Sync {
    /// Creates an account; `None` when the email (compared case-insensitively) is taken.
    async fn create_customer(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<Customer>, StoreError>;
    /// The account and its password hash, for signing in.
    async fn credentials(&self, email: &Email) -> Result<Option<(Customer, String)>, StoreError>;
    async fn customer(&self, id: CustomerId) -> Result<Option<Customer>, StoreError>;
    /// Gives the account with this email `role`, with `audit` written in
    /// the same transaction; `None` (and nothing written) when there is none.
    async fn set_role(
        &self,
        email: &Email,
        role: Role,
        audit: Option<&crate::back_office::NewAuditEntry>,
    ) -> Result<Option<Customer>, StoreError>;
    /// Merchandisers and admins, by email.
    async fn staff(&self) -> Result<Vec<Customer>, StoreError>;
    /// Gives `email` `role` when it registers (replacing an earlier
    /// invitation), with `audit` written in the same transaction.
    async fn invite(
        &self,
        email: &Email,
        role: Role,
        now: i64,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), StoreError>;
    /// Invitations not yet taken up, newest first.
    async fn invitations(&self) -> Result<Vec<crate::back_office::Invitation>, StoreError>;
}

/// A signed-in or anonymous visitor's server-side session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Opaque and stable for the session's life (not the cookie's token).
    pub id: String,
    pub customer: Option<CustomerId>,
}

/// Sessions: the cookie carries a random token; stores keep only its hash,
/// so a leaked database cannot be replayed as live sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Starts a session lasting `ttl_seconds`; returns the token for the cookie.
    async fn start_session(
        &self,
        customer: Option<CustomerId>,
        now: i64,
        ttl_seconds: i64,
    ) -> Result<(String, Session), StoreError>;
    /// The live session for a cookie's token (`None` if unknown or expired).
    async fn find_session(&self, token: &str, now: i64) -> Result<Option<Session>, StoreError>;
    async fn end_session(&self, session_id: &str) -> Result<(), StoreError>;
}

/// Failed sign-ins, counted in the database so that every server instance
/// sees the same count (`crate::throttle` decides what the count means).
#[async_trait]
pub trait SignInThrottle: Send + Sync {
    /// Failures recorded for `key` at or after `since`.
    async fn recent_failures(
        &self,
        key: &str,
        since: i64,
    ) -> Result<crate::throttle::RecentFailures, StoreError>;
    /// Records a failure (and forgets this key's failures older than a day).
    async fn record_failure(&self, key: &str, at: i64) -> Result<(), StoreError>;
    /// Forgets the key's failures (after a successful sign-in).
    async fn clear_failures(&self, key: &str) -> Result<(), StoreError>;
}

/// What the admin pages read (every product, published or not).
#[async_trait]
pub trait BackOfficeStore: Send + Sync {
    /// Figures since `since` (unix seconds; midnight UTC for "today").
    async fn dashboard(&self, since: i64) -> Result<crate::back_office::Dashboard, StoreError>;
    async fn products(
        &self,
        filter: &crate::back_office::ProductFilter,
    ) -> Result<crate::back_office::ListPage<crate::back_office::ProductRow>, StoreError>;
    /// Counts a view of a published product's page (by day); `false` when
    /// there is no such published product.
    async fn record_view(&self, product: &Slug, at: i64) -> Result<bool, StoreError>;
}

/// What merchandisers change. Every change is written in one transaction
/// with its audit-log entry: either both are saved or neither.
#[async_trait]
pub trait MerchandisingStore: Send + Sync {
    /// A product with every variant (published or not) and its stock log.
    async fn editable_product(
        &self,
        slug: &Slug,
    ) -> Result<Option<crate::merchandising::EditableProduct>, StoreError>;
    /// Every category, by name (including those with no product yet).
    async fn all_categories(&self) -> Result<Vec<Category>, StoreError>;
    /// Adds a product with its first variant.
    async fn create_product(
        &self,
        product: &crate::merchandising::ProductDraft,
        first_variant: &crate::merchandising::VariantDraft,
        stock: i64,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
    /// Changes a product's own fields (its slug included).
    async fn update_product(
        &self,
        slug: &Slug,
        product: &crate::merchandising::ProductDraft,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
    async fn add_variant(
        &self,
        product: &Slug,
        variant: &crate::merchandising::VariantDraft,
        stock: i64,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
    /// Changes a variant's name, options, price and material (not its SKU or stock).
    async fn update_variant(
        &self,
        sku: &Sku,
        variant: &crate::merchandising::VariantDraft,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
    /// Moves a variant's stock and logs why; returns the stock after.
    async fn adjust_stock(
        &self,
        sku: &Sku,
        adjustment: &crate::merchandising::StockAdjustment,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<i64, crate::merchandising::SaveError>;
    /// Makes `model` the product's 3D model (published or not), or takes
    /// its model away (`None`). The files stay in the asset store: they are
    /// content-addressed and may be shared.
    async fn set_model(
        &self,
        product: &Slug,
        model: Option<&ProductModel>,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
    /// Shows the image at `poster_key` in place of the 3D view until its
    /// first frame; refused when the product has no model.
    async fn set_poster(
        &self,
        product: &Slug,
        poster_key: &str,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
    /// Adds a photo after the product's others.
    async fn add_image(
        &self,
        product: &Slug,
        image: &NewImage,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
    async fn edit_image(
        &self,
        product: &Slug,
        image_id: i64,
        edit: &crate::merchandising::ImageEdit,
        audit: &crate::back_office::NewAuditEntry,
    ) -> Result<(), crate::merchandising::SaveError>;
}

/// One order event as the queue carries it (JSON), from the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEventMessage {
    /// The outbox row's id: consumers may see an event more than once.
    pub event_id: i64,
    pub order_id: OrderId,
    pub reference: String,
    /// The status the order moved to, e.g. `paid`.
    pub status: String,
    pub at: i64,
}

/// The transactional outbox of order events, and the fulfilment mark its
/// consumer sets. Events are written with the order's own changes (see
/// [`OrderStore`]); a relay hands them on and marks them published, so an
/// acknowledged order's events are eventually sent, at least once.
#[async_trait]
pub trait OrderOutbox: Send + Sync {
    /// Events not yet handed on, oldest first.
    async fn unpublished(&self, limit: u32) -> Result<Vec<OrderEventMessage>, StoreError>;
    async fn mark_published(&self, event_ids: &[i64], at: i64) -> Result<(), StoreError>;
    /// Marks a paid order as handed to the warehouse; `false` when it
    /// already was (a repeated event) or is not paid.
    async fn request_fulfilment(&self, order: OrderId, at: i64) -> Result<bool, StoreError>;
}

/// Reads model manifests back from the asset store (the admin's level table).
#[async_trait]
pub trait ManifestSource: Send + Sync {
    /// `None` when there is no file under `key`.
    async fn manifest(&self, key: &str)
    -> Result<Option<crate::viewer::ModelManifest>, StoreError>;
}

/// The order desk's reads: every order (with filters) and an order's history.
#[async_trait]
pub trait OrderDeskStore: Send + Sync {
    async fn orders(
        &self,
        filter: &crate::order_desk::OrderFilter,
    ) -> Result<crate::back_office::ListPage<crate::order_desk::OrderRow>, StoreError>;
    /// The order's status changes, oldest first.
    async fn order_events(
        &self,
        order: OrderId,
    ) -> Result<Vec<crate::order_desk::OrderEvent>, StoreError>;
}

/// Who did what: one entry for every change made from the admin side.
#[async_trait]
pub trait AuditLog: Send + Sync {
    async fn record(&self, entry: &crate::back_office::NewAuditEntry) -> Result<(), StoreError>;
    /// Newest first.
    async fn entries(
        &self,
        filter: &crate::back_office::AuditFilter,
    ) -> Result<crate::back_office::ListPage<crate::back_office::AuditEntry>, StoreError>;
}

/// Whose cart: a visitor's (by session) or a customer's (kept across sessions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartOwner {
    Session(String),
    Customer(CustomerId),
}

impl CartOwner {
    /// One string key, e.g. `s:…` or `c:42`.
    pub fn key(&self) -> String {
        match self {
            CartOwner::Session(id) => format!("s:{id}"),
            CartOwner::Customer(id) => format!("c:{id}"),
        }
    }
}

/// A cart as stored, with the version a save must name to replace it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredCart {
    pub cart: Cart,
    /// 0 when the owner has no stored cart.
    pub version: i64,
}

/// Why a cart was not saved.
#[derive(Debug, thiserror::Error)]
pub enum CartSaveError {
    /// Another request (on this server or another) saved the cart after it
    /// was read: read it again and redo the change.
    #[error("the cart changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Carts, stored whole (one row or item per cart): a write is all or
/// nothing, and names the version it read (optimistic concurrency), so two
/// servers changing one cart at once never lose either change.
#[async_trait]
pub trait CartStore: Send + Sync {
    /// The owner's cart (empty, version 0, if none).
    async fn load_cart(&self, owner: &CartOwner) -> Result<StoredCart, StoreError>;
    /// Replaces the owner's cart if it is still at `version`; an empty cart
    /// is deleted. [`CartSaveError::Conflict`] when it is not.
    async fn save_cart(
        &self,
        owner: &CartOwner,
        cart: &Cart,
        version: i64,
        now: i64,
    ) -> Result<(), CartSaveError>;
    /// Whether the store answers (readiness); stores inside the database
    /// are covered by its own check.
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// An order to place: the store prices it from current variant prices (and
/// snapshots them) in the same transaction that takes the stock.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Already scoped to its owner, so two shoppers' keys never collide.
    pub idempotency_key: String,
    pub cart_fingerprint: String,
    pub customer: Option<CustomerId>,
    pub session_id: Option<String>,
    pub email: Email,
    pub shipping: ShippingAddress,
    pub lines: Vec<CartLine>,
    pub pricing: PricingRules,
    pub placed_at: i64,
}

pub enum Placement {
    /// Placed now: stock taken, status `placed`, awaiting payment.
    New(OrderDetail),
    /// The idempotency key was used before: the order it placed, and the
    /// fingerprint of the cart it was placed for.
    Existing {
        order: OrderDetail,
        cart_fingerprint: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PlaceOrderError {
    #[error("{title} is out of stock ({available} left)")]
    OutOfStock {
        sku: Sku,
        title: String,
        available: i64,
    },
    #[error("an item in the cart is no longer sold")]
    UnknownVariant(VariantId),
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A status change, with what came with it.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub action: OrderAction,
    /// With `Pay`: the charge.
    pub payment: Option<Payment>,
    /// With `Cancel` after a failed payment: why it failed.
    pub declined: Option<String>,
    /// Kept in the order's history, e.g. a shipment's tracking number.
    pub note: Option<String>,
    /// When a person asked for it: their audit entry, written in the same
    /// transaction (restocked items are logged as theirs too).
    pub by: Option<crate::back_office::NewAuditEntry>,
    pub at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("no such order")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] InvalidTransition),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    /// In one transaction: takes the stock of every line (only if enough is
    /// left: nothing oversells), snapshots prices, prices the order and
    /// records it under its idempotency key.
    async fn place_order(&self, order: &NewOrder) -> Result<Placement, PlaceOrderError>;
    /// The order placed under an idempotency key, and its cart fingerprint.
    async fn order_by_idempotency_key(
        &self,
        key: &str,
    ) -> Result<Option<(OrderDetail, String)>, StoreError>;
    /// Moves an order through the status machine; statuses that restock put
    /// the stock back in the same transaction.
    async fn change_status(
        &self,
        id: OrderId,
        change: &StatusChange,
    ) -> Result<OrderDetail, TransitionError>;
    async fn order(&self, id: OrderId) -> Result<Option<OrderDetail>, StoreError>;
    /// A customer's orders, newest first (failed payments left out).
    async fn orders_of(&self, customer: CustomerId) -> Result<Vec<OrderSummary>, StoreError>;
}
