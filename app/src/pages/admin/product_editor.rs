//! `/admin/products/new` and `/admin/products/:slug`: a product's own fields,
//! its variants (SKU, options, price, the 3D material variant each shows),
//! stock adjustments with their reasons, and the stock log. Every form posts
//! to the server (it works without JavaScript); a refused form comes back
//! with the message at the field and nothing saved.

use super::staffed;
use crate::api::{ProductEditor, admin_new_product, admin_product};
use crate::components::FormAlert;
use crate::forms::FormFeedback;
use crate::model::Category;
use crate::model::merchandising::{EditableImage, EditableProduct, StockReason, options_text};
use crate::model::product::Variant;
use crate::model::time::format_utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AdminNewProductPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| admin_new_product());
    view! {
        <Title text="New product · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                staffed(data.await, "products", |editor| {
                    let ProductEditor { categories, feedback, .. } = editor;
                    let f = feedback.filter(|f| f.form == "product").unwrap_or_default();
                    view! {
                        <h1>"New product"</h1>
                        <form method="post" action="/admin/products/new" class="admin-form" data-testid="new-product-form">
                            <FormAlert message=f.message.clone() />
                            <ProductFields product=None categories f=f.clone() />
                            <fieldset>
                                <legend>"First variant"</legend>
                                <VariantFields variant=None f=f.clone() with_stock=true />
                            </fieldset>
                            <button type="submit" class="primary" data-testid="create-product">"Create product"</button>
                        </form>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminProductPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, admin_product);
    view! {
        <Title text="Edit product · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let saved = query.read_untracked().get("saved");
                staffed(data.await, "products", move |editor| match editor {
                    None => view! { <crate::pages::NotFound /> }.into_any(),
                    Some(editor) => view! { <Editor editor saved /> }.into_any(),
                })
            })}
        </Suspense>
    }
}

/// What a `?saved=` after a successful post says.
fn saved_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "created" => "Product created.",
        "product" => "Product saved.",
        "variant" => "Variant saved.",
        "variant-added" => "Variant added.",
        "stock" => "Stock adjusted.",
        "photo-added" => "Photo added.",
        "photo" => "Photo saved.",
        "photo-removed" => "Photo removed.",
        _ => return None,
    })
}

#[component]
fn Editor(editor: ProductEditor, saved: Option<String>) -> impl IntoView {
    let ProductEditor {
        product,
        categories,
        feedback,
    } = editor;
    let product = product.expect("the editor page has a product");
    let feedback = feedback.unwrap_or_default();
    let for_form = |id: &str| {
        Some(feedback.clone())
            .filter(|f| f.form == id)
            .unwrap_or_default()
    };
    let product_form = for_form("product");
    let new_variant_form = for_form("variant-new");
    let photo_form = for_form("photo-new");
    let photo_forms = feedback.clone();
    let slug = product.slug.as_str().to_string();
    let EditableProduct {
        variants,
        stock_log,
        model,
        model_poster_url,
        images,
        published,
        ..
    } = product.clone();
    view! {
        <h1>{product.title.clone()}</h1>
        <p class="admin-links">
            <a href=format!("/p/{slug}") data-testid="view-in-shop">
                {if published { "View in the shop" } else { "Preview (draft: shoppers cannot see it)" }}
            </a>
        </p>
        {saved.as_deref().and_then(saved_message).map(|m| view! {
            <p class="form-saved" role="status" data-testid="saved">{m}</p>
        })}

        <section class="admin-section">
            <h2>"Product"</h2>
            <form method="post" action=format!("/admin/products/{slug}") class="admin-form" data-testid="product-form">
                <FormAlert message=product_form.message.clone() />
                <ProductFields product=Some(product.clone()) categories f=product_form />
                <button type="submit" class="primary" data-testid="save-product">"Save product"</button>
            </form>
        </section>

        <section class="admin-section">
            <h2>"3D model"</h2>
            {if model.is_some() {
                view! {
                    {model_poster_url.map(|src| view! { <img class="admin-poster" src=src alt="The model's poster" /> })}
                    <p><a href=format!("/admin/products/{slug}/model") data-testid="manage-model">
                        "Preview, levels of detail, poster, replace or remove"
                    </a></p>
                }.into_any()
            } else {
                view! {
                    <p data-testid="no-model">"No 3D model yet."</p>
                    <p><a href=format!("/admin/products/{slug}/model") data-testid="manage-model">"Upload a 3D model"</a></p>
                }.into_any()
            }}
        </section>

        <section class="admin-section">
            <h2>"Photos"</h2>
            <Photos slug=slug.clone() images photo_form photo_forms />
        </section>

        <section class="admin-section">
            <h2>"Variants"</h2>
            <div class="admin-variants" data-testid="variants">
                {variants.into_iter().map(|v| {
                    let variant_form = for_form(&format!("variant:{}", v.sku));
                    let stock_form = for_form(&format!("stock:{}", v.sku));
                    view! { <VariantEditor product=slug.clone() variant=v variant_form stock_form /> }
                }).collect_view()}
            </div>
            <h3>"Add a variant"</h3>
            <form method="post" action=format!("/admin/products/{slug}/variants") class="admin-form" data-testid="add-variant-form">
                <FormAlert message=new_variant_form.message.clone() />
                <VariantFields variant=None f=new_variant_form with_stock=true />
                <button type="submit" data-testid="add-variant">"Add variant"</button>
            </form>
        </section>

        <section class="admin-section">
            <h2>"Stock log"</h2>
            {if stock_log.is_empty() {
                view! { <p data-testid="stock-log-empty">"No adjustments yet."</p> }.into_any()
            } else {
                view! {
                    <table class="admin-table" data-testid="stock-log">
                        <thead><tr>
                            <th scope="col">"When"</th><th scope="col">"SKU"</th><th scope="col">"Change"</th>
                            <th scope="col">"After"</th><th scope="col">"Why"</th><th scope="col">"Who"</th>
                        </tr></thead>
                        <tbody>
                            {stock_log.into_iter().map(|m| {
                                let why = StockReason::parse(&m.reason).map_or(m.reason.clone(), |r| r.label().to_string());
                                let why = if m.note.is_empty() { why } else { format!("{why}: {}", m.note) };
                                view! {
                                    <tr data-testid="stock-log-row">
                                        <td>{format_utc(m.at)}</td>
                                        <td><code>{m.sku}</code></td>
                                        <td class="number">{format!("{:+}", m.change)}</td>
                                        <td class="number">{m.after}</td>
                                        <td>{why}</td>
                                        <td>{m.actor_email}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// A text input with its label and error, named `name`, id'd per form.
#[component]
fn Input(
    form_id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(default = 200)] maxlength: usize,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("{form_id}-{name}");
    let error_id = format!("{id}-error");
    let invalid = error.is_some();
    view! {
        <div class=if invalid { "field invalid" } else { "field" }>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="field-hint">{hint}</p> })}
            <input id=id type=kind name=name value=value required=required
                maxlength=maxlength.to_string()
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| error_id.clone())
                data-testid=format!("{form_id}-{name}") />
            {error.map(|message| view! {
                <p class="field-error" id=error_id data-testid=format!("{form_id}-{name}-error")>{message}</p>
            })}
        </div>
    }
}

#[component]
fn ProductFields(
    product: Option<EditableProduct>,
    categories: Vec<Category>,
    f: FormFeedback,
) -> impl IntoView {
    let typed = |name: &str, stored: String| f.value(name).unwrap_or(stored);
    let title = typed(
        "title",
        product
            .as_ref()
            .map(|p| p.title.clone())
            .unwrap_or_default(),
    );
    let slug = typed(
        "slug",
        product
            .as_ref()
            .map(|p| p.slug.as_str().to_string())
            .unwrap_or_default(),
    );
    let description = typed(
        "description",
        product
            .as_ref()
            .map(|p| p.description.clone())
            .unwrap_or_default(),
    );
    let category = typed(
        "category",
        product
            .as_ref()
            .and_then(|p| p.category.as_ref().map(|c| c.as_str().to_string()))
            .unwrap_or_default(),
    );
    let published = if f.form.is_empty() {
        product.as_ref().is_some_and(|p| p.published)
    } else {
        f.value("published").is_some_and(|v| !v.is_empty())
    };
    let form_id = "product".to_string();
    view! {
        <Input form_id=form_id.clone() name="title" label="Title" value=title error=f.error("title") />
        <Input form_id=form_id.clone() name="slug" label="Address (slug)" value=slug error=f.error("slug")
            required=false maxlength=80 hint="Lowercase letters, digits and hyphens; left empty, it is made from the title." />
        <div class=if f.error("description").is_some() { "field invalid" } else { "field" }>
            <label for="product-description">"Description"</label>
            <textarea id="product-description" name="description" rows="5" maxlength="5000"
                data-testid="product-description">{description}</textarea>
            {f.error("description").map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
        <div class=if f.error("category").is_some() { "field invalid" } else { "field" }>
            <label for="product-category">"Category"</label>
            <select id="product-category" name="category" data-testid="product-category">
                <option value="">"None"</option>
                {categories.into_iter().map(|c| {
                    let value = c.slug.as_str().to_string();
                    let chosen = value == category;
                    view! { <option value=value selected=chosen>{c.name}</option> }
                }).collect_view()}
            </select>
            {f.error("category").map(|m| view! { <p class="field-error" data-testid="product-category-error">{m}</p> })}
        </div>
        <div class=if f.error("published").is_some() { "field invalid" } else { "field" }>
            <label>
                <input type="checkbox" name="published" value="on" checked=published data-testid="product-published" />
                " Published (shoppers can see and buy it)"
            </label>
            {f.error("published").map(|m| view! { <p class="field-error" data-testid="product-published-error">{m}</p> })}
        </div>
    }
}

#[component]
fn VariantFields(variant: Option<Variant>, f: FormFeedback, with_stock: bool) -> impl IntoView {
    let form_id = match &variant {
        Some(v) => format!("variant-{}", v.sku),
        None => "variant-new".to_string(),
    };
    let typed = |name: &str, stored: String| f.value(name).unwrap_or(stored);
    let v = variant.as_ref();
    let sku = typed("sku", v.map(|v| v.sku.to_string()).unwrap_or_default());
    let name = typed("name", v.map(|v| v.name.clone()).unwrap_or_default());
    let options = typed(
        "options",
        v.map(|v| options_text(&v.options)).unwrap_or_default(),
    );
    let price = typed(
        "price",
        v.map(|v| v.price.decimal_string()).unwrap_or_default(),
    );
    let currency = typed(
        "currency",
        v.map_or("USD".to_string(), |v| v.price.currency.code().to_string()),
    );
    let material = typed(
        "material_variant",
        v.and_then(|v| v.material_variant.clone())
            .unwrap_or_default(),
    );
    let stock = typed("stock", "0".to_string());
    view! {
        {if variant.is_none() {
            view! { <Input form_id=form_id.clone() name="sku" label="SKU" value=sku error=f.error("sku") maxlength=64 /> }.into_any()
        } else {
            view! { <input type="hidden" name="sku" value=sku /> }.into_any()
        }}
        <Input form_id=form_id.clone() name="name" label="Variant name" value=name error=f.error("name") maxlength=100 />
        <Input form_id=form_id.clone() name="options" label="Options" value=options error=f.error("options")
            required=false hint="e.g. Colour: Navy; Size: M" />
        <div class="field-row">
            <Input form_id=form_id.clone() name="price" label="Price" value=price error=f.error("price") maxlength=20 />
            <div class="field">
                <label for=format!("{form_id}-currency")>"Currency"</label>
                <select id=format!("{form_id}-currency") name="currency" data-testid=format!("{form_id}-currency")>
                    {["USD", "EUR", "GBP"].into_iter().map(|code| view! {
                        <option value=code selected=code == currency>{code}</option>
                    }).collect_view()}
                </select>
                {f.error("currency").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
        </div>
        <Input form_id=form_id.clone() name="material_variant" label="3D material variant" value=material
            error=f.error("material_variant") required=false maxlength=100
            hint="The glTF KHR_materials_variants name the 3D view shows for it (empty: the model's default)." />
        {with_stock.then(|| view! {
            <Input form_id=form_id.clone() name="stock" label="Stock on hand" value=stock.clone()
                error=f.error("stock") kind="number" maxlength=9 />
        })}
    }
}

#[component]
fn VariantEditor(
    product: String,
    variant: Variant,
    variant_form: FormFeedback,
    stock_form: FormFeedback,
) -> impl IntoView {
    let sku = variant.sku.to_string();
    let stock_id = format!("stock-{sku}");
    let reason = stock_form.value("reason").unwrap_or_default();
    view! {
        <article class="admin-variant" data-testid="variant" data-sku=sku.clone()>
            <h3>
                {variant.name.clone()} " " <code>{sku.clone()}</code>
                <span class="variant-stock" data-testid="variant-stock">{format!(" · {} in stock", variant.stock_on_hand)}</span>
            </h3>
            <form method="post" action=format!("/admin/variants/{sku}") class="admin-form" data-testid="variant-form">
                <FormAlert message=variant_form.message.clone() />
                <input type="hidden" name="product" value=product.clone() />
                <VariantFields variant=Some(variant.clone()) f=variant_form with_stock=false />
                <button type="submit" data-testid="save-variant">"Save variant"</button>
            </form>
            <form method="post" action=format!("/admin/variants/{sku}/stock") class="admin-form stock-form" data-testid="stock-form">
                <FormAlert message=stock_form.message.clone() />
                <input type="hidden" name="product" value=product />
                <div class="field-row">
                    <Input form_id=stock_id.clone() name="change" label="Add or take away"
                        value=stock_form.value("change").unwrap_or_default() error=stock_form.error("change")
                        maxlength=9 hint="e.g. 12 or -3" />
                    <div class=if stock_form.error("reason").is_some() { "field invalid" } else { "field" }>
                        <label for=format!("{stock_id}-reason")>"Why"</label>
                        <select id=format!("{stock_id}-reason") name="reason" required=true data-testid=format!("{stock_id}-reason")>
                            <option value="">"Choose…"</option>
                            {StockReason::ALL.into_iter().map(|r| view! {
                                <option value=r.as_str() selected=r.as_str() == reason>{r.label()}</option>
                            }).collect_view()}
                        </select>
                        {stock_form.error("reason").map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <Input form_id=stock_id.clone() name="note" label="Note" required=false
                        value=stock_form.value("note").unwrap_or_default() error=stock_form.error("note") />
                </div>
                <button type="submit" data-testid="adjust-stock">"Adjust stock"</button>
            </form>
        </article>
    }
}

/// The product's photos in page order: alt text, order, removal, and a
/// form to add one.
#[component]
fn Photos(
    slug: String,
    images: Vec<EditableImage>,
    photo_form: FormFeedback,
    /// A refused edit of one photo (`form` is `photo:<id>`).
    photo_forms: FormFeedback,
) -> impl IntoView {
    let count = images.len();
    view! {
        {if images.is_empty() {
            view! { <p data-testid="no-photos">"No photos yet."</p> }.into_any()
        } else {
            view! {
                <ol class="admin-photos" data-testid="photos">
                    {images.into_iter().enumerate().map(|(i, image)| {
                        let form_id = format!("photo:{}", image.id);
                        let f = Some(photo_forms.clone()).filter(|f| f.form == form_id).unwrap_or_default();
                        let alt = f.value("alt").unwrap_or(image.alt.clone());
                        let error = f.message.clone().or_else(|| f.error("alt")).or_else(|| f.error("action"));
                        let action = format!("/admin/products/{slug}/images/{}", image.id);
                        view! {
                            <li class="admin-photo" data-testid="photo">
                                <img src=image.url.clone() alt=image.alt.clone() />
                                <form method="post" action=action.clone() class="admin-form">
                                    <FormAlert message=error />
                                    <label for=format!("alt-{}", image.id)>"Description (alt text)"</label>
                                    <input id=format!("alt-{}", image.id) name="alt" value=alt maxlength="300" />
                                    <div class="photo-actions">
                                        <button type="submit" name="action" value="describe">"Save description"</button>
                                        {(i > 0).then(|| view! { <button type="submit" name="action" value="earlier" formnovalidate>"Move earlier"</button> })}
                                        {(i + 1 < count).then(|| view! { <button type="submit" name="action" value="later" formnovalidate>"Move later"</button> })}
                                        <button type="submit" name="action" value="remove" formnovalidate data-testid="remove-photo">"Remove"</button>
                                    </div>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        <form method="post" enctype="multipart/form-data" action=format!("/admin/products/{slug}/images")
            class="admin-form" data-testid="add-photo-form">
            <FormAlert message=photo_form.message.clone().or_else(|| photo_form.error("photo")) />
            <label for="photo-file">"Add a photo (JPEG or PNG)"</label>
            <input id="photo-file" type="file" name="photo" accept="image/jpeg,image/png" required />
            <label for="photo-alt">"Description (alt text)"</label>
            <input id="photo-alt" name="alt" maxlength="300" value=photo_form.value("alt").unwrap_or_default()
                data-testid="photo-alt" />
            <button type="submit" data-testid="add-photo">"Add photo"</button>
        </form>
    }
}
