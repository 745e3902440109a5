//! The 3D page's upload form. Without JavaScript it is a plain multipart
//! post (the page comes back when the model is in place). Hydrated, it sends
//! the file with an XHR (the one browser API that reports upload progress)
//! to the admin API with `Accept: text/event-stream`, shows the bytes going
//! up, then each processing stage the server streams back, and reloads the
//! page once the new model is in place.

use crate::model::model_desk::{ImportStage, UploadEvent, format_bytes};
use leptos::prelude::*;

/// Upload limits are whole mebibytes, as the server states them ("200 MB").
const MIB: u64 = 1024 * 1024;

/// Where an upload is. (Only the browser moves it past `Idle`/`Failed`.)
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum UploadView {
    Idle,
    Sending { sent: f64, total: f64 },
    Processing(ImportStage),
    Done { levels: usize, bytes: u64 },
    Failed(String),
}

impl UploadView {
    /// `data-upload-state`, for tests and styles.
    fn state(&self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Sending { .. } => "sending",
            Self::Processing(_) => "processing",
            Self::Done { .. } => "done",
            Self::Failed(_) => "failed",
        }
    }

    /// Takes in one event from the server.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn on_event(&mut self, event: UploadEvent) {
        *self = match event {
            UploadEvent::Stage(stage) => Self::Processing(stage),
            UploadEvent::Done { levels, bytes } => Self::Done { levels, bytes },
            UploadEvent::Failed { message, .. } => Self::Failed(message),
        };
    }

    /// Whether `stage` is finished, running or still to come.
    fn stage_state(&self, stage: ImportStage) -> &'static str {
        match self {
            Self::Processing(now) if *now == stage => "running",
            Self::Processing(now) if now.index() > stage.index() => "done",
            Self::Done { .. } => "done",
            _ => "waiting",
        }
    }
}

#[component]
pub fn ModelUploader(
    slug: String,
    max_bytes: u64,
    /// A refused plain (no-JS) post's message.
    error: Option<String>,
    replacing: bool,
) -> impl IntoView {
    let view_state = RwSignal::new(match error {
        Some(message) => UploadView::Failed(message),
        None => UploadView::Idle,
    });
    let form = NodeRef::<leptos::html::Form>::new();
    let action = format!("/admin/products/{slug}/model");
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form.get() {
            event.prevent_default();
            if matches!(
                view_state.get_untracked(),
                UploadView::Sending { .. } | UploadView::Processing(_)
            ) {
                return;
            }
            browser::upload(&form, &slug, max_bytes, view_state);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, &slug, form);
    };
    let busy = move || {
        matches!(
            view_state.get(),
            UploadView::Sending { .. } | UploadView::Processing(_)
        )
    };
    let percent = move || match view_state.get() {
        UploadView::Sending { sent, total } if total > 0.0 => (sent / total * 100.0).round(),
        UploadView::Idle | UploadView::Sending { .. } | UploadView::Failed(_) => 0.0,
        _ => 100.0,
    };
    view! {
        <form
            method="post"
            enctype="multipart/form-data"
            action=action
            class="admin-form model-upload"
            node_ref=form
            on:submit=on_submit
            data-testid="model-upload"
            data-upload-state=move || view_state.get().state()
        >
            <label for="model-file">
                {if replacing { "Replace the model with a GLB file" } else { "Upload a GLB file" }}
            </label>
            <input id="model-file" type="file" name="model" accept=".glb,model/gltf-binary" required />
            <p class="field-hint">
                {format!(
                    "Up to {} MB. The server checks it, builds its levels of detail and renders a poster; \
                     the shop shows the old model until the new one is ready.",
                    max_bytes / MIB
                )}
            </p>
            <button type="submit" class="primary" data-testid="upload-model" disabled=busy>
                {if replacing { "Upload and replace" } else { "Upload" }}
            </button>
            <div class="upload-progress" hidden=move || view_state.get() == UploadView::Idle>
                <progress max="100" value=move || percent().to_string() data-testid="upload-bytes" aria-label="Upload"></progress>
                <p class="upload-bytes-text" aria-live="polite">
                    {move || match view_state.get() {
                        UploadView::Sending { sent, total } => format!(
                            "Sending: {} of {} ({}%)",
                            format_bytes(sent as u64),
                            format_bytes(total as u64),
                            percent()
                        ),
                        UploadView::Idle | UploadView::Failed(_) => String::new(),
                        _ => "Sent.".to_string(),
                    }}
                </p>
                <ol class="upload-stages" data-testid="upload-stages">
                    {ImportStage::ALL.into_iter().map(|stage| view! {
                        <li data-stage=stage.as_str() data-state=move || view_state.get().stage_state(stage)>
                            {stage.label()}
                        </li>
                    }).collect_view()}
                </ol>
                {move || match view_state.get() {
                    UploadView::Done { levels, bytes } => Some(view! {
                        <p class="form-saved" role="status" data-testid="upload-done">
                            {format!("Done: {levels} levels of detail, {} in all. Showing it…", format_bytes(bytes))}
                        </p>
                    }.into_any()),
                    UploadView::Failed(message) => Some(view! {
                        <p class="form-alert" role="alert" data-testid="upload-error">{message}</p>
                    }.into_any()),
                    _ => None,
                }}
            </div>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::UploadView;
    use crate::model::model_desk::{EventStreamReader, UploadEvent};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{FormData, HtmlFormElement, HtmlInputElement, ProgressEvent, XmlHttpRequest};

    /// Sends the form's file; `view` follows it to the end.
    pub fn upload(form: &HtmlFormElement, slug: &str, max_bytes: u64, view: RwSignal<UploadView>) {
        let fail = |message: &str| view.set(UploadView::Failed(message.to_string()));
        let file = form
            .query_selector("input[type=file]")
            .ok()
            .flatten()
            .and_then(|input| input.dyn_into::<HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            return fail("Choose a GLB file first.");
        };
        if file.size() > max_bytes as f64 {
            return fail(&format!(
                "The file is {} MB: the upload limit is {} MB.",
                (file.size() / super::MIB as f64 * 10.0).round() / 10.0,
                max_bytes / super::MIB
            ));
        }
        let Ok(data) = FormData::new_with_form(form) else {
            return fail("This browser cannot send the file.");
        };
        let Ok(xhr) = XmlHttpRequest::new() else {
            return fail("This browser cannot send the file.");
        };
        let url = format!("/api/v1/admin/products/{slug}/model");
        if xhr.open("PUT", &url).is_err()
            || xhr
                .set_request_header("Accept", "text/event-stream")
                .is_err()
        {
            return fail("This browser cannot send the file.");
        }
        view.set(UploadView::Sending {
            sent: 0.0,
            total: file.size(),
        });

        // Bytes going up.
        if let Ok(upload) = xhr.upload() {
            let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
                if e.length_computable() {
                    view.set(UploadView::Sending {
                        sent: e.loaded(),
                        total: e.total(),
                    });
                }
            });
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            // One closure per upload, kept for the page's life.
            on_progress.forget();
        }

        // Stages coming down, as the event stream grows.
        let reader = Rc::new(RefCell::new(EventStreamReader::default()));
        let read_events = {
            let xhr = xhr.clone();
            let reader = reader.clone();
            move || {
                let body = xhr.response_text().ok().flatten().unwrap_or_default();
                for (name, data) in reader.borrow_mut().read(&body) {
                    if let Some(event) = UploadEvent::parse(&name, &data) {
                        view.update(|v| v.on_event(event));
                    }
                }
            }
        };
        let on_download = {
            let xhr = xhr.clone();
            let read_events = read_events.clone();
            Closure::<dyn FnMut()>::new(move || {
                if xhr.status().unwrap_or(0) == 200 {
                    read_events();
                }
            })
        };
        xhr.set_onprogress(Some(on_download.as_ref().unchecked_ref()));
        on_download.forget();

        let on_load = {
            let xhr = xhr.clone();
            let slug = slug.to_string();
            Closure::<dyn FnMut()>::new(move || {
                let status = xhr.status().unwrap_or(0);
                if status == 200 {
                    read_events();
                } else {
                    // Refused before processing began: the body is JSON.
                    let body = xhr.response_text().ok().flatten().unwrap_or_default();
                    let message = serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["error"].as_str().map(str::to_string))
                        .unwrap_or_else(|| format!("The upload was refused (HTTP {status})."));
                    view.set(UploadView::Failed(capitalised(&message)));
                    return;
                }
                match view.get_untracked() {
                    UploadView::Done { .. } => show_new_model(&slug),
                    UploadView::Failed(message) => view.set(UploadView::Failed(capitalised(&message))),
                    _ => view.set(UploadView::Failed(
                        "The connection ended before the server finished. Reload the page to see whether the model changed.".into(),
                    )),
                }
            })
        };
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();

        let on_error = Closure::<dyn FnMut()>::new(move || {
            view.set(UploadView::Failed(
                "The upload failed: check the connection and try again. The product keeps its model."
                    .into(),
            ))
        });
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();

        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            fail("This browser cannot send the file.");
        }
    }

    /// Loads the page again (after a moment to read "Done") with the new
    /// model's preview and level table.
    fn show_new_model(slug: &str) {
        let target = format!("/admin/products/{slug}/model?saved=model");
        let go = Closure::once_into_js(move || {
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(&target);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(go.unchecked_ref(), 2_500);
        }
    }

    fn capitalised(message: &str) -> String {
        let mut chars = message.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_done_running_or_waiting() {
        let view = UploadView::Processing(ImportStage::BuildingLevels);
        assert_eq!(view.stage_state(ImportStage::Checking), "done");
        assert_eq!(view.stage_state(ImportStage::BuildingLevels), "running");
        assert_eq!(view.stage_state(ImportStage::Storing), "waiting");
        let done = UploadView::Done {
            levels: 4,
            bytes: 10,
        };
        assert_eq!(done.stage_state(ImportStage::Storing), "done");
    }

    #[test]
    fn events_move_the_view_on() {
        let mut view = UploadView::Sending {
            sent: 1.0,
            total: 2.0,
        };
        view.on_event(UploadEvent::Stage(ImportStage::Received));
        assert_eq!(view.state(), "processing");
        view.on_event(UploadEvent::Failed {
            status: 422,
            message: "no".into(),
        });
        assert_eq!(view, UploadView::Failed("no".into()));
    }
}
