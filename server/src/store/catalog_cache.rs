//! Hot catalog reads kept in memory, in front of the SQL catalog.
//!
//! Nearly every page reads the same few things: the product list, the
//! categories, a product. They change only when someone edits the catalog,
//! which bumps the database's catalog revision (triggers in migration
//! 0015, so every writer counts). The cache keeps what it read and, at most
//! once per `check_every`, asks the database for the revision: when it has
//! moved, everything is dropped. So an edit made through any task reaches
//! every task's shoppers within `check_every` (one second by default), and
//! this task's own edits at once ([`CachedCatalog::forget`]).
//!
//! Stock is not part of the revision (it moves with every order): a cached
//! product gets its variants' stock read fresh, one small query instead of
//! three. Searches, carts and checkout read the database directly.

use crate::observability::MetricSource;
use async_trait::async_trait;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vitrine_domain::back_office::NewAuditEntry;
use vitrine_domain::cart::VariantId;
use vitrine_domain::merchandising::{
    EditableProduct, ImageEdit, ProductDraft, SaveError, StockAdjustment, VariantDraft,
};
use vitrine_domain::product::CatalogVariant;
use vitrine_domain::store::{
    CatalogStore, MerchandisingStore, NewImage, NewProduct, ProductModel, StoreError,
};
use vitrine_domain::{Category, ProductDetail, ProductSummary, SearchQuery, Sku, Slug};

/// Beyond this many products or categories kept, the cache starts over
/// (slugs come from URLs; this bounds what a crawler can make it hold).
const MAX_ENTRIES: usize = 5_000;

pub struct CachedCatalog {
    inner: Arc<dyn CatalogStore>,
    check_every: Duration,
    state: Mutex<State>,
    /// Held while one request asks for the revision; others go on with
    /// what is cached rather than all asking at once.
    checking: tokio::sync::Mutex<()>,
    hits: AtomicU64,
    misses: AtomicU64,
    invalidations: AtomicU64,
}

#[derive(Default)]
struct State {
    /// The revision the entries were read at; `None` before the first check.
    revision: Option<i64>,
    checked: Option<Instant>,
    /// Bumped each time the entries are dropped: a read that started
    /// before then does not store what it read.
    generation: u64,
    products: Option<Arc<Vec<ProductSummary>>>,
    categories: Option<Arc<Vec<Category>>>,
    category: HashMap<Slug, Arc<(Category, Vec<ProductSummary>)>>,
    product: HashMap<Slug, Arc<ProductDetail>>,
}

impl State {
    fn clear(&mut self) {
        self.generation += 1;
        self.products = None;
        self.categories = None;
        self.category.clear();
        self.product.clear();
    }
}

impl CachedCatalog {
    pub fn new(inner: Arc<dyn CatalogStore>, check_every: Duration) -> Self {
        Self {
            inner,
            check_every,
            state: Mutex::new(State::default()),
            checking: tokio::sync::Mutex::new(()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
        }
    }

    /// Drops everything cached: this process has just changed the catalog.
    pub fn forget(&self) {
        let mut state = self.lock();
        state.clear();
        // Ask for the revision again at the next read.
        state.checked = None;
        self.invalidations.fetch_add(1, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .expect("the catalog cache lock is never poisoned")
    }

    /// Drops the entries if the catalog has changed since they were read
    /// (asking the database at most once per `check_every`); returns the
    /// generation that reads may store into.
    async fn fresh_generation(&self) -> Result<u64, StoreError> {
        let due = |state: &State| {
            state
                .checked
                .is_none_or(|checked| checked.elapsed() >= self.check_every)
        };
        if !due(&self.lock()) {
            return Ok(self.lock().generation);
        }
        let _checking = match self.checking.try_lock() {
            Ok(guard) => guard,
            // Another request is asking; the cache is at most a moment older.
            Err(_) if self.lock().revision.is_some() => return Ok(self.lock().generation),
            Err(_) => self.checking.lock().await,
        };
        if !due(&self.lock()) {
            return Ok(self.lock().generation);
        }
        let started = self.lock().generation;
        let revision = self.inner.catalog_revision().await?;
        let mut state = self.lock();
        if state.revision != Some(revision) {
            if state.revision.is_some() {
                self.invalidations.fetch_add(1, Ordering::Relaxed);
            }
            state.clear();
            state.revision = Some(revision);
        } else if state.generation != started {
            // Forgotten while asking: the next read asks again.
            return Ok(state.generation);
        }
        state.checked = Some(Instant::now());
        Ok(state.generation)
    }

    /// The cached value `get` finds, else `load`s it and keeps it with `put`
    /// (unless the cache was dropped meanwhile).
    async fn read<T: Clone, F>(
        &self,
        get: impl Fn(&State) -> Option<T>,
        load: impl FnOnce() -> F,
        put: impl FnOnce(&mut State, T),
    ) -> Result<T, StoreError>
    where
        F: std::future::Future<Output = Result<T, StoreError>>,
    {
        let generation = self.fresh_generation().await?;
        if let Some(found) = get(&self.lock()) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(found);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let loaded = load().await?;
        let mut state = self.lock();
        if state.generation == generation {
            put(&mut state, loaded.clone());
        }
        Ok(loaded)
    }
}

#[async_trait]
impl CatalogStore for CachedCatalog {
    async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
        let products = self
            .read(
                |state| state.products.clone(),
                || async { self.inner.list_products().await.map(Arc::new) },
                |state, products| state.products = Some(products),
            )
            .await?;
        Ok(products.as_ref().clone())
    }

    async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        let categories = self
            .read(
                |state| state.categories.clone(),
                || async { self.inner.categories().await.map(Arc::new) },
                |state, categories| state.categories = Some(categories),
            )
            .await?;
        Ok(categories.as_ref().clone())
    }

    async fn category(
        &self,
        slug: &Slug,
    ) -> Result<Option<(Category, Vec<ProductSummary>)>, StoreError> {
        // Unknown slugs are not kept: each costs a query, as without a cache.
        let found = self
            .read(
                |state| state.category.get(slug).cloned().map(Some),
                || async { Ok(self.inner.category(slug).await?.map(Arc::new)) },
                |state, found| {
                    if let Some(found) = found {
                        if state.category.len() >= MAX_ENTRIES {
                            state.category.clear();
                        }
                        state.category.insert(slug.clone(), found);
                    }
                },
            )
            .await?;
        Ok(found.map(|found| found.as_ref().clone()))
    }

    async fn search(&self, query: &SearchQuery) -> Result<Vec<ProductSummary>, StoreError> {
        self.inner.search(query).await
    }

    async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError> {
        let found = self
            .read(
                |state| state.product.get(slug).cloned().map(Some),
                || async { Ok(self.inner.product_by_slug(slug).await?.map(Arc::new)) },
                |state, found| {
                    if let Some(found) = found {
                        if state.product.len() >= MAX_ENTRIES {
                            state.product.clear();
                        }
                        state.product.insert(slug.clone(), found);
                    }
                },
            )
            .await?;
        let Some(cached) = found else { return Ok(None) };
        let mut product = cached.as_ref().clone();
        // Stock now, whatever the cache holds.
        let ids: Vec<VariantId> = product.variants.iter().map(|v| v.id).collect();
        let stock: HashMap<VariantId, i64> =
            self.inner.stock_levels(&ids).await?.into_iter().collect();
        for variant in &mut product.variants {
            variant.stock_on_hand = stock.get(&variant.id).copied().unwrap_or(0);
        }
        Ok(Some(product))
    }

    async fn variants(&self, ids: &[VariantId]) -> Result<Vec<CatalogVariant>, StoreError> {
        self.inner.variants(ids).await
    }

    async fn variant_by_sku(&self, sku: &Sku) -> Result<Option<CatalogVariant>, StoreError> {
        self.inner.variant_by_sku(sku).await
    }

    async fn set_product_model(
        &self,
        slug: &Slug,
        model: &ProductModel,
    ) -> Result<bool, StoreError> {
        let set = self.inner.set_product_model(slug, model).await;
        self.forget();
        set
    }

    async fn seed_if_empty(&self, products: &[NewProduct]) -> Result<usize, StoreError> {
        let added = self.inner.seed_if_empty(products).await;
        self.forget();
        added
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn catalog_revision(&self) -> Result<i64, StoreError> {
        self.inner.catalog_revision().await
    }

    async fn stock_levels(&self, ids: &[VariantId]) -> Result<Vec<(VariantId, i64)>, StoreError> {
        self.inner.stock_levels(ids).await
    }
}

/// The merchandising store, dropping the cached catalog after each change
/// it makes, so this process's own edits show at once (other tasks see
/// them at their next revision check).
pub struct ForgetOnEdit {
    pub inner: Arc<dyn MerchandisingStore>,
    pub cache: Arc<CachedCatalog>,
}

impl ForgetOnEdit {
    /// Passes `outcome` on, after dropping the cache (even after an error:
    /// part of a failed write may be unknown).
    fn forgetting<T>(&self, outcome: T) -> T {
        self.cache.forget();
        outcome
    }
}

#[async_trait]
impl MerchandisingStore for ForgetOnEdit {
    async fn editable_product(&self, slug: &Slug) -> Result<Option<EditableProduct>, StoreError> {
        self.inner.editable_product(slug).await
    }

    async fn all_categories(&self) -> Result<Vec<Category>, StoreError> {
        self.inner.all_categories().await
    }

    async fn create_product(
        &self,
        product: &ProductDraft,
        first_variant: &VariantDraft,
        stock: i64,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = (self.inner)
            .create_product(product, first_variant, stock, audit)
            .await;
        self.forgetting(done)
    }

    async fn update_product(
        &self,
        slug: &Slug,
        product: &ProductDraft,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = self.inner.update_product(slug, product, audit).await;
        self.forgetting(done)
    }

    async fn add_variant(
        &self,
        product: &Slug,
        variant: &VariantDraft,
        stock: i64,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = self.inner.add_variant(product, variant, stock, audit).await;
        self.forgetting(done)
    }

    async fn update_variant(
        &self,
        sku: &Sku,
        variant: &VariantDraft,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = self.inner.update_variant(sku, variant, audit).await;
        self.forgetting(done)
    }

    // Stock is never cached.
    async fn adjust_stock(
        &self,
        sku: &Sku,
        adjustment: &StockAdjustment,
        audit: &NewAuditEntry,
    ) -> Result<i64, SaveError> {
        self.inner.adjust_stock(sku, adjustment, audit).await
    }

    async fn set_model(
        &self,
        product: &Slug,
        model: Option<&ProductModel>,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = self.inner.set_model(product, model, audit).await;
        self.forgetting(done)
    }

    async fn set_poster(
        &self,
        product: &Slug,
        poster_key: &str,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = self.inner.set_poster(product, poster_key, audit).await;
        self.forgetting(done)
    }

    async fn add_image(
        &self,
        product: &Slug,
        image: &NewImage,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = self.inner.add_image(product, image, audit).await;
        self.forgetting(done)
    }

    async fn edit_image(
        &self,
        product: &Slug,
        image_id: i64,
        edit: &ImageEdit,
        audit: &NewAuditEntry,
    ) -> Result<(), SaveError> {
        let done = self.inner.edit_image(product, image_id, edit, audit).await;
        self.forgetting(done)
    }
}

impl MetricSource for CachedCatalog {
    fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP vitrine_catalog_cache_reads_total Catalog reads answered from memory (hit) or the database (miss).\n\
             # TYPE vitrine_catalog_cache_reads_total counter\n\
             vitrine_catalog_cache_reads_total{{result=\"hit\"}} {}\n\
             vitrine_catalog_cache_reads_total{{result=\"miss\"}} {}\n\
             # HELP vitrine_catalog_cache_invalidations_total Times the cached catalog was dropped after an edit.\n\
             # TYPE vitrine_catalog_cache_invalidations_total counter\n\
             vitrine_catalog_cache_invalidations_total {}",
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.invalidations.load(Ordering::Relaxed),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicI64;
    use vitrine_domain::{Currency, Money, Sku, Variant};

    /// A catalog in memory that counts the reads reaching it.
    #[derive(Default)]
    struct CountingCatalog {
        revision: AtomicI64,
        price: AtomicI64,
        stock: AtomicI64,
        product_reads: AtomicU64,
        revision_reads: AtomicU64,
    }

    impl CountingCatalog {
        fn product(&self) -> ProductDetail {
            ProductDetail {
                slug: Slug::parse("lamp").unwrap(),
                title: "Lamp".into(),
                description: String::new(),
                category: None,
                variants: vec![Variant {
                    id: 7,
                    sku: Sku::parse("LAMP-1").unwrap(),
                    name: "Brass".into(),
                    options: Vec::new(),
                    price: Money::new(self.price.load(Ordering::SeqCst), Currency::Usd),
                    stock_on_hand: -1,
                    material_variant: None,
                }],
                model_url: None,
                model_credit: None,
                model_manifest_url: None,
                model_poster_url: None,
                images: Vec::new(),
            }
        }
    }

    #[async_trait]
    impl CatalogStore for CountingCatalog {
        async fn list_products(&self) -> Result<Vec<ProductSummary>, StoreError> {
            Ok(Vec::new())
        }
        async fn categories(&self) -> Result<Vec<Category>, StoreError> {
            Ok(Vec::new())
        }
        async fn category(
            &self,
            _: &Slug,
        ) -> Result<Option<(Category, Vec<ProductSummary>)>, StoreError> {
            Ok(None)
        }
        async fn search(&self, _: &SearchQuery) -> Result<Vec<ProductSummary>, StoreError> {
            Ok(Vec::new())
        }
        async fn product_by_slug(&self, slug: &Slug) -> Result<Option<ProductDetail>, StoreError> {
            self.product_reads.fetch_add(1, Ordering::SeqCst);
            Ok((slug.as_str() == "lamp").then(|| self.product()))
        }
        async fn variants(&self, _: &[VariantId]) -> Result<Vec<CatalogVariant>, StoreError> {
            Ok(Vec::new())
        }
        async fn variant_by_sku(&self, _: &Sku) -> Result<Option<CatalogVariant>, StoreError> {
            Ok(None)
        }
        async fn set_product_model(&self, _: &Slug, _: &ProductModel) -> Result<bool, StoreError> {
            Ok(true)
        }
        async fn seed_if_empty(&self, _: &[NewProduct]) -> Result<usize, StoreError> {
            Ok(0)
        }
        async fn ping(&self) -> Result<(), StoreError> {
            Ok(())
        }
        async fn catalog_revision(&self) -> Result<i64, StoreError> {
            self.revision_reads.fetch_add(1, Ordering::SeqCst);
            Ok(self.revision.load(Ordering::SeqCst))
        }
        async fn stock_levels(
            &self,
            ids: &[VariantId],
        ) -> Result<Vec<(VariantId, i64)>, StoreError> {
            Ok(ids
                .iter()
                .map(|id| (*id, self.stock.load(Ordering::SeqCst)))
                .collect())
        }
    }

    fn cached(check_every: Duration) -> (Arc<CountingCatalog>, CachedCatalog) {
        let inner = Arc::new(CountingCatalog::default());
        inner.price.store(1_000, Ordering::SeqCst);
        let cache = CachedCatalog::new(inner.clone(), check_every);
        (inner, cache)
    }

    fn lamp() -> Slug {
        Slug::parse("lamp").unwrap()
    }

    #[tokio::test]
    async fn a_product_is_read_once_until_the_revision_moves() {
        let (inner, cache) = cached(Duration::ZERO);
        for _ in 0..3 {
            let product = cache.product_by_slug(&lamp()).await.unwrap().unwrap();
            assert_eq!(product.variants[0].price.amount_minor, 1_000);
        }
        assert_eq!(inner.product_reads.load(Ordering::SeqCst), 1);

        // Someone edits the price (anywhere): the revision moves.
        inner.price.store(1_250, Ordering::SeqCst);
        inner.revision.fetch_add(1, Ordering::SeqCst);
        let product = cache.product_by_slug(&lamp()).await.unwrap().unwrap();
        assert_eq!(product.variants[0].price.amount_minor, 1_250);
        assert_eq!(inner.product_reads.load(Ordering::SeqCst), 2);
        assert_eq!(cache.invalidations.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_revision_is_asked_at_most_once_per_interval() {
        let (inner, cache) = cached(Duration::from_secs(3600));
        for _ in 0..5 {
            cache.product_by_slug(&lamp()).await.unwrap();
        }
        assert_eq!(inner.revision_reads.load(Ordering::SeqCst), 1);
        // An edit elsewhere waits for the next check…
        inner.price.store(900, Ordering::SeqCst);
        inner.revision.fetch_add(1, Ordering::SeqCst);
        let stale = cache.product_by_slug(&lamp()).await.unwrap().unwrap();
        assert_eq!(stale.variants[0].price.amount_minor, 1_000);
        // …while this process's own edits show at once.
        cache.forget();
        let fresh = cache.product_by_slug(&lamp()).await.unwrap().unwrap();
        assert_eq!(fresh.variants[0].price.amount_minor, 900);
    }

    #[tokio::test]
    async fn stock_is_always_read_fresh() {
        let (inner, cache) = cached(Duration::from_secs(3600));
        inner.stock.store(5, Ordering::SeqCst);
        let first = cache.product_by_slug(&lamp()).await.unwrap().unwrap();
        assert_eq!(first.variants[0].stock_on_hand, 5);
        inner.stock.store(4, Ordering::SeqCst);
        let second = cache.product_by_slug(&lamp()).await.unwrap().unwrap();
        assert_eq!(second.variants[0].stock_on_hand, 4);
        assert_eq!(inner.product_reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn unknown_products_are_not_kept() {
        let (inner, cache) = cached(Duration::from_secs(3600));
        let missing = Slug::parse("no-such-thing").unwrap();
        for _ in 0..2 {
            assert!(cache.product_by_slug(&missing).await.unwrap().is_none());
        }
        assert_eq!(inner.product_reads.load(Ordering::SeqCst), 2);
        assert!(cache.lock().product.is_empty());
    }

    #[test]
    fn hits_and_misses_show_in_metrics() {
        let (_, cache) = cached(Duration::ZERO);
        cache.hits.store(3, Ordering::SeqCst);
        cache.misses.store(1, Ordering::SeqCst);
        let mut out = String::new();
        cache.render(&mut out);
        assert!(out.contains("vitrine_catalog_cache_reads_total{result=\"hit\"} 3"));
        assert!(out.contains("vitrine_catalog_cache_reads_total{result=\"miss\"} 1"));
    }
}
