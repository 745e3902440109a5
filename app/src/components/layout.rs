use leptos::prelude::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Vitrine"</a>
            // A plain GET form: search works before (and without) JavaScript.
            <form class="site-search" action="/search" method="get" role="search">
                <label for="site-search-q" class="visually-hidden">"Search products"</label>
                <input
                    id="site-search-q"
                    type="search"
                    name="q"
                    placeholder="Search products"
                    maxlength="100"
                    data-testid="search-input"
                />
                <button type="submit">"Search"</button>
            </form>
            <VisitorLinks />
        </header>
    }
}

/// The account and cart links, with the cart's item count.
#[component]
fn VisitorLinks() -> impl IntoView {
    let visitor = Resource::new(|| (), |_| crate::api::visitor());
    view! {
        <nav class="visitor-links" aria-label="Your account and cart">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let visitor = visitor.await.unwrap_or_default();
                    view! {
                        {visitor.runs_the_store.then(|| view! {
                            <a href="/admin" data-testid="admin-link">"Admin"</a>
                        })}
                        {match visitor.customer_name {
                            Some(name) => {
                                view! { <a href="/account" data-testid="account-link">{name}</a> }.into_any()
                            }
                            None => {
                                view! { <a href="/account/login" data-testid="account-link">"Sign in"</a> }
                                    .into_any()
                            }
                        }}
                        <a href="/cart" data-testid="cart-link">
                            "Cart " <span class="cart-count" data-testid="cart-count">{visitor.cart_count}</span>
                        </a>
                    }
                })}
            </Suspense>
        </nav>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Vitrine — 3D models are third-party samples; each product page credits its model's authors and licence."</p>
        </footer>
    }
}
