//! `/admin/products/:slug/model`: a product's 3D model. Upload or replace
//! it (with progress), preview it in the shop's own viewer at any level of
//! detail, read each level's figures, choose its poster, or remove it.

use super::staffed;
use crate::api::{ModelDesk, ModelOnShow, admin_model};
use crate::components::{FormAlert, ModelUploader, ProductViewer};
use crate::model::model_desk::format_bytes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AdminModelPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let lod = move || query.read().get("lod").unwrap_or_default();
    let data = Resource::new(
        move || (slug(), lod()),
        |(slug, lod)| admin_model(slug, lod),
    );
    view! {
        <Title text="3D model · Admin" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let saved = query.read_untracked().get("saved");
                staffed(data.await, "products", move |desk| match desk {
                    None => view! { <crate::pages::NotFound /> }.into_any(),
                    Some(desk) => view! { <Desk desk saved /> }.into_any(),
                })
            })}
        </Suspense>
    }
}

/// What a `?saved=` after a successful post says.
fn saved_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "model" => "The new 3D model is in place.",
        "removed" => "The 3D model was removed: the product page shows its photos only.",
        "poster" => "The poster is changed.",
        "poster-rendered" => "The poster is the rendered still again.",
        _ => return None,
    })
}

#[component]
fn Desk(desk: ModelDesk, saved: Option<String>) -> impl IntoView {
    let ModelDesk {
        slug,
        title,
        model,
        max_upload_bytes,
        feedback,
    } = desk;
    let feedback = feedback.unwrap_or_default();
    let message_for = |form: &str| {
        (feedback.form == form)
            .then(|| {
                feedback
                    .message
                    .clone()
                    .or_else(|| Some(feedback.errors.summary()))
            })
            .flatten()
            .filter(|m| !m.is_empty())
    };
    let upload_error = message_for("model");
    let poster_error = message_for("poster");
    let remove_error = message_for("remove");
    let replacing = model.is_some();
    view! {
        <h1>{format!("3D model · {title}")}</h1>
        <p class="admin-links">
            <a href=format!("/admin/products/{slug}")>"← Back to the product"</a>
            " · "
            <a href=format!("/p/{slug}")>"See it in the shop"</a>
        </p>
        {saved.as_deref().and_then(saved_message).map(|m| view! {
            <p class="form-saved" role="status" data-testid="saved">{m}</p>
        })}
        {match model {
            Some(model) => view! {
                <Preview slug=slug.clone() model=model.clone() />
                <Levels model=model.clone() />
                <Poster slug=slug.clone() model error=poster_error />
            }.into_any(),
            None => view! {
                <p data-testid="no-model">"This product has no 3D model yet: shoppers see its photos only."</p>
            }.into_any(),
        }}
        <section class="admin-section">
            <h2>{if replacing { "Replace the model" } else { "Upload a model" }}</h2>
            <ModelUploader slug=slug.clone() max_bytes=max_upload_bytes error=upload_error replacing />
        </section>
        {replacing.then(|| view! {
            <section class="admin-section">
                <h2>"Remove the model"</h2>
                <form method="post" action=format!("/admin/products/{slug}/model/remove")
                    class="admin-form" data-testid="remove-model-form">
                    <FormAlert message=remove_error />
                    <label class="check">
                        <input type="checkbox" name="confirm" value="yes" required />
                        " Yes, take the 3D view off the product page"
                    </label>
                    <button type="submit" data-testid="remove-model">"Remove the model"</button>
                </form>
            </section>
        })}
    }
}

/// The shop's viewer, pinned to one level (`?lod=N`) or choosing by size,
/// with the material variants to try.
#[component]
fn Preview(slug: String, model: ModelOnShow) -> impl IntoView {
    let pinned = model.boot.config.pinned_level;
    let material = RwSignal::new(None::<String>);
    let level_link = |level: Option<usize>, label: String| {
        let href = match level {
            Some(n) => format!("/admin/products/{slug}/model?lod={n}"),
            None => format!("/admin/products/{slug}/model"),
        };
        let current = (level == pinned).then_some("page");
        // A full load: the viewer starts again with the new level.
        view! { <li><a href=href rel="external" aria-current=current data-testid="level-link">{label}</a></li> }
    };
    let levels = model.levels.len();
    view! {
        <section class="admin-section">
            <h2>"Preview"</h2>
            <nav class="level-picker" aria-label="Level of detail">
                <ul>
                    {level_link(None, "Automatic (by view size)".to_string())}
                    {(0..levels).map(|n| {
                        let label = match n {
                            0 => "Level 0 (finest)".to_string(),
                            n if n + 1 == levels => format!("Level {n} (coarsest)"),
                            n => format!("Level {n}"),
                        };
                        level_link(Some(n), label)
                    }).collect_view()}
                </ul>
            </nav>
            {(!model.material_variants.is_empty()).then(|| {
                let variants = model.material_variants.clone();
                view! {
                    <label for="preview-material">"Material variant "</label>
                    <select id="preview-material" data-testid="preview-material"
                        on:change=move |e| {
                            let value = event_target_value(&e);
                            material.set((!value.is_empty()).then_some(value));
                        }>
                        <option value="">"Default"</option>
                        {variants.into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                    </select>
                }
            })}
            <div class="admin-preview">
                <ProductViewer boot=model.boot.clone() material_variant=material />
            </div>
        </section>
    }
}

/// One row per level: what the viewer streams, coarsest last.
#[component]
fn Levels(model: ModelOnShow) -> impl IntoView {
    let ModelOnShow {
        levels,
        level_urls,
        model_url,
        ..
    } = model;
    view! {
        <section class="admin-section">
            <h2>"Levels of detail"</h2>
            {if levels.is_empty() {
                view! { <p data-testid="no-levels">"This model has no levels of detail yet: the viewer loads the whole file."</p> }.into_any()
            } else {
                view! {
                    <table class="admin-table" data-testid="level-table">
                        <thead><tr>
                            <th scope="col">"Level"</th>
                            <th scope="col">"Triangles"</th>
                            <th scope="col">"Of level 0"</th>
                            <th scope="col">"File size"</th>
                            <th scope="col">"Largest texture"</th>
                            <th scope="col">"Geometric error"</th>
                            <th scope="col">"File"</th>
                        </tr></thead>
                        <tbody>
                            {levels.into_iter().zip(level_urls).map(|(row, url)| view! {
                                <tr data-testid="level-row">
                                    <td>{row.index}</td>
                                    <td class="number" data-testid="level-triangles">{row.triangles}</td>
                                    <td class="number">{format!("{:.1} %", row.triangles_percent)}</td>
                                    <td class="number" data-testid="level-bytes">{format_bytes(row.bytes)}</td>
                                    <td class="number">{if row.max_texture_edge == 0 {
                                        "none".to_string()
                                    } else {
                                        format!("{0}×{0} px", row.max_texture_edge)
                                    }}</td>
                                    <td class="number">{format!("{:.2} % of its size", row.error_percent)}</td>
                                    <td><a href=url download>"GLB"</a></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="field-hint">
                        "The error is how far a level's surface may stray from level 0's, against the model's bounding-box diagonal. "
                        "The viewer shows the coarsest level first, then finer ones as far as the view's size needs."
                    </p>
                }.into_any()
            }}
            <p><a href=model_url download data-testid="original-model">"Download the uploaded GLB"</a></p>
        </section>
    }
}

/// The still shown until the first 3D frame: the rendered one, or a photo.
#[component]
fn Poster(slug: String, model: ModelOnShow, error: Option<String>) -> impl IntoView {
    view! {
        <section class="admin-section">
            <h2>"Poster"</h2>
            <p class="field-hint">
                "Shoppers see the poster while the 3D view loads, and if their browser cannot show 3D."
            </p>
            {model.poster_url.map(|src| view! {
                <img class="admin-poster" src=src alt="The current poster" data-testid="current-poster" />
            })}
            <form method="post" enctype="multipart/form-data"
                action=format!("/admin/products/{slug}/poster")
                class="admin-form" data-testid="poster-form">
                <FormAlert message=error />
                <label for="poster-file">"Use a photo instead (JPEG or PNG)"</label>
                <input id="poster-file" type="file" name="poster" accept="image/jpeg,image/png" required />
                <p class="field-hint">"It is cropped to the 4:3 frame of the 3D view."</p>
                <button type="submit" data-testid="upload-poster">"Set as poster"</button>
            </form>
            {model.rendered_poster_url.map(|src| view! {
                <form method="post" action=format!("/admin/products/{slug}/poster/rendered")
                    class="admin-form" data-testid="rendered-poster-form">
                    <img class="admin-poster small" src=src alt="The rendered poster" />
                    <button type="submit" data-testid="use-rendered-poster">"Use the rendered poster again"</button>
                </form>
            })}
        </section>
    }
}
