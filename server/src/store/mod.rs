//! Storage adapters behind the domain's store traits: SQLite (the embedded
//! default) and PostgreSQL, chosen by `DATABASE_URL`. Each store is written
//! once over sqlx (`catalog`, `accounts`, `carts`, `orders`), with row shapes
//! in `rows`; `sqlite` and `postgres` open their database and say what their
//! SQL does differently.

/// The columns of a product card, after `SELECT`, over `products p JOIN
/// variants v` grouped by product: one macro so every listing (and each
/// database's search) reads the same shape.
macro_rules! card_columns {
    () => {
        "p.slug, p.title, MIN(v.price_minor) AS price_minor, MIN(v.currency) AS currency,
        p.model_key IS NOT NULL AS has_model,
        (SELECT i.asset_key FROM product_images i WHERE i.product_id = p.id
            ORDER BY i.position, i.id LIMIT 1) AS image_key,
        (SELECT i.alt FROM product_images i WHERE i.product_id = p.id
            ORDER BY i.position, i.id LIMIT 1) AS image_alt"
    };
}
pub(crate) use card_columns;

pub mod accounts;
pub mod back_office;
pub mod carts;
pub mod catalog;
pub mod catalog_cache;
pub mod clickstream;
pub mod dynamo;
pub mod kinesis;
pub mod merchandising;
pub mod order_desk;
pub mod orders;
pub mod postgres;
mod rows;
pub mod sqlite;

use std::sync::Arc;
use std::time::Duration;
use vitrine_domain::store::{
    AuditLog, BackOfficeStore, CartStore, CatalogStore, ClickstreamSink, CustomerStore,
    MerchandisingStore, OrderDeskStore, OrderOutbox, OrderStore, SessionStore, SignInThrottle,
};

/// The stores the server runs with.
#[derive(Clone)]
pub struct Stores {
    pub catalog: Arc<dyn CatalogStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub throttle: Arc<dyn SignInThrottle>,
    pub carts: Arc<dyn CartStore>,
    pub orders: Arc<dyn OrderStore>,
    pub back_office: Arc<dyn BackOfficeStore>,
    pub audit: Arc<dyn AuditLog>,
    pub merchandising: Arc<dyn MerchandisingStore>,
    pub order_desk: Arc<dyn OrderDeskStore>,
    /// Order events waiting to be relayed (the transactional outbox).
    pub outbox: Arc<dyn OrderOutbox>,
    /// Where the viewer's clickstream goes (the database unless Kinesis is configured).
    pub clickstream: Arc<dyn ClickstreamSink>,
    /// The in-memory catalog in front of `catalog`'s database, unless turned off.
    pub catalog_cache: Option<Arc<catalog_cache::CachedCatalog>>,
    /// The connection pools' use, for `/metrics`.
    pub pools: crate::observability::PoolGauge,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot open the database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Moves carts and sessions to DynamoDB when their tables are configured
/// (production: every task shares them; the database keeps the rest).
pub async fn use_dynamodb(
    stores: &mut Stores,
    carts_table: Option<&str>,
    sessions_table: Option<&str>,
    endpoint_url: Option<&str>,
) {
    if carts_table.is_none() && sessions_table.is_none() {
        return;
    }
    let client = dynamo::client(endpoint_url).await;
    if let Some(table) = carts_table {
        stores.carts = Arc::new(dynamo::DynamoCarts::new(client.clone(), table));
    }
    if let Some(table) = sessions_table {
        stores.sessions = Arc::new(dynamo::DynamoSessions::new(client, table));
    }
}

/// Opens (creating an SQLite file if needed) and migrates the database at
/// `url`. Catalog reads go to `read_url` (a read replica) when given, and
/// are kept in memory, checked against the catalog's revision every
/// `catalog_cache` (zero: not kept).
pub async fn connect(
    url: &str,
    read_url: Option<&str>,
    asset_base_url: &str,
    catalog_cache: Duration,
) -> Result<Stores, ConnectError> {
    let mut stores = if url.starts_with("postgres") {
        let pool = postgres::open(url).await?;
        let read_pool = match read_url {
            Some(read_url) => postgres::open_replica(read_url).await?,
            None => pool.clone(),
        };
        stores(pool, read_pool, asset_base_url)
    } else {
        let pool = sqlite::open(url).await?;
        let read_pool = match read_url {
            Some(read_url) => sqlite::open(read_url).await?,
            None => pool.clone(),
        };
        stores(pool, read_pool, asset_base_url)
    };
    if !catalog_cache.is_zero() {
        let cache = Arc::new(catalog_cache::CachedCatalog::new(
            stores.catalog.clone(),
            catalog_cache,
        ));
        stores.catalog = cache.clone();
        stores.merchandising = Arc::new(catalog_cache::ForgetOnEdit {
            inner: stores.merchandising.clone(),
            cache: cache.clone(),
        });
        stores.catalog_cache = Some(cache);
    }
    Ok(stores)
}

fn stores<DB>(pool: sqlx::Pool<DB>, read_pool: sqlx::Pool<DB>, asset_base_url: &str) -> Stores
where
    DB: catalog::Dialect,
    catalog::SqlCatalog<DB>: CatalogStore + 'static,
    accounts::SqlAccounts<DB>: CustomerStore + SessionStore + SignInThrottle + 'static,
    carts::SqlCarts<DB>: CartStore + 'static,
    orders::SqlOrders<DB>: OrderStore + OrderOutbox + 'static,
    back_office::SqlBackOffice<DB>: BackOfficeStore + AuditLog + 'static,
    merchandising::SqlMerchandising<DB>: MerchandisingStore + 'static,
    order_desk::SqlOrderDesk<DB>: OrderDeskStore + 'static,
    clickstream::SqlClickstream<DB>: ClickstreamSink + 'static,
{
    let back_office = Arc::new(back_office::SqlBackOffice::new(pool.clone()));
    let accounts = Arc::new(accounts::SqlAccounts::new(pool.clone()));
    let orders = Arc::new(orders::SqlOrders::new(pool.clone()));
    let (write, read) = (pool.clone(), read_pool.clone());
    let pools: crate::observability::PoolGauge = Arc::new(move || {
        let of = |name, pool: &sqlx::Pool<DB>| crate::observability::PoolUse {
            pool: name,
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        };
        vec![of("write", &write), of("read", &read)]
    });
    Stores {
        pools,
        catalog: Arc::new(catalog::SqlCatalog::new(
            pool.clone(),
            read_pool,
            asset_base_url,
        )),
        customers: accounts.clone(),
        sessions: accounts.clone(),
        throttle: accounts,
        carts: Arc::new(carts::SqlCarts::new(pool.clone())),
        orders: orders.clone(),
        outbox: orders,
        order_desk: Arc::new(order_desk::SqlOrderDesk::new(pool.clone())),
        clickstream: Arc::new(clickstream::SqlClickstream::new(pool.clone())),
        catalog_cache: None,
        back_office: back_office.clone(),
        audit: back_office,
        merchandising: Arc::new(merchandising::SqlMerchandising::new(pool, asset_base_url)),
    }
}
