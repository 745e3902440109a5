use leptos::prelude::*;
use leptos_meta::Link;

/// The store's public origin, loaded once per page by [`crate::App`].
pub type PublicUrl = Resource<Result<String, ServerFnError>>;

/// `<link rel="canonical">` for `path` on the store's public origin, so
/// search engines index one URL per page (e.g. a product, not each `?variant=`).
#[component]
pub fn Canonical(#[prop(into)] path: String) -> impl IntoView {
    let origin = expect_context::<PublicUrl>();
    view! {
        <Suspense fallback=|| ()>
            {
                let path = path.clone();
                move || {
                    let path = path.clone();
                    Suspend::new(async move {
                        origin
                            .await
                            .ok()
                            .map(|origin| view! { <Link rel="canonical" href=format!("{origin}{path}") /> })
                    })
                }
            }
        </Suspense>
    }
}
