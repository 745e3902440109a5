//! The viewer's side of the page contract (`vitrine_domain::viewer::dom`):
//! read the config from the canvas, report state, first frame and errors
//! as attributes and DOM events that the page and Playwright observe.

use bevy::prelude::*;
// `tracing`'s own macros, not Bevy's re-export: release builds leave out
// Bevy's log plugin (see the `console-log` feature).
use tracing::{error, info, warn};
use vitrine_domain::viewer::{ViewerConfig, dom};

pub struct PageBridgePlugin {
    pub canvas_id: String,
}

/// Which canvas this app reports to.
#[derive(Resource, Clone)]
pub struct Canvas {
    pub id: String,
}

impl Plugin for PageBridgePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Canvas {
            id: self.canvas_id.clone(),
        })
        .add_systems(First, stop_when_context_lost);
    }
}

/// Set (from a DOM event listener) when the browser takes the canvas's WebGL
/// context away.
static CONTEXT_LOST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Without its context the viewer can draw nothing more: it exits (the page
/// shows the poster again) rather than render into the void or panic.
fn stop_when_context_lost(mut exit: MessageWriter<AppExit>) {
    if CONTEXT_LOST.load(std::sync::atomic::Ordering::Relaxed) {
        exit.write(AppExit::Success);
    }
}

/// Watches the canvas for `webglcontextlost`: reports it on the canvas and
/// stops the app at its next frame.
pub fn watch_context_loss(canvas_id: &str) {
    #[cfg(target_arch = "wasm32")]
    imp::on_context_lost(canvas_id, {
        let canvas_id = canvas_id.to_string();
        move || {
            CONTEXT_LOST.store(true, std::sync::atomic::Ordering::Relaxed);
            warn!("viewer #{canvas_id}: the WebGL context was lost; stopping");
            imp::set_attr(&canvas_id, dom::STATE_ATTR, dom::STATE_LOST);
            imp::set_attr(&canvas_id, dom::ERROR_ATTR, dom::LOST_MESSAGE);
            imp::dispatch(
                &canvas_id,
                dom::ERROR_EVENT,
                &imp::detail("message", dom::LOST_MESSAGE.into()),
            );
        }
    });
    #[cfg(not(target_arch = "wasm32"))]
    let _ = canvas_id;
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use wasm_bindgen::{JsCast, JsValue};

    fn canvas(id: &str) -> Option<web_sys::HtmlElement> {
        web_sys::window()?
            .document()?
            .get_element_by_id(id)?
            .dyn_into::<web_sys::HtmlElement>()
            .ok()
    }

    pub fn read_config(canvas_id: &str) -> Result<ViewerConfig, String> {
        let canvas = canvas(canvas_id).ok_or_else(|| format!("no element #{canvas_id}"))?;
        let json = canvas
            .get_attribute(dom::CONFIG_ATTR)
            .ok_or_else(|| format!("#{canvas_id} has no {} attribute", dom::CONFIG_ATTR))?;
        serde_json::from_str(&json).map_err(|e| format!("bad viewer config: {e}"))
    }

    pub fn on_context_lost(canvas_id: &str, handler: impl FnMut() + 'static) {
        if let Some(canvas) = canvas(canvas_id) {
            let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(handler);
            let _ = canvas.add_event_listener_with_callback(
                "webglcontextlost",
                closure.as_ref().unchecked_ref(),
            );
            // The listener lives as long as the page.
            closure.forget();
        }
    }

    pub fn webgl2_available() -> bool {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return false;
        };
        let Ok(probe) = document.create_element("canvas") else {
            return false;
        };
        probe
            .dyn_into::<web_sys::HtmlCanvasElement>()
            .ok()
            .and_then(|c| c.get_context("webgl2").ok().flatten())
            .is_some()
    }

    pub fn get_attr(canvas_id: &str, name: &str) -> Option<String> {
        canvas(canvas_id)?.get_attribute(name)
    }

    pub fn set_attr(canvas_id: &str, name: &str, value: &str) {
        if let Some(canvas) = canvas(canvas_id) {
            let _ = canvas.set_attribute(name, value);
        }
    }

    pub fn dispatch(canvas_id: &str, event: &str, detail: &JsValue) {
        let Some(canvas) = canvas(canvas_id) else {
            return;
        };
        let init = web_sys::CustomEventInit::new();
        init.set_detail(detail);
        init.set_bubbles(true);
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(event, &init) {
            let _ = canvas.dispatch_event(&event);
        }
    }

    pub fn prefers_reduced_motion() -> bool {
        web_sys::window()
            .and_then(|w| {
                w.match_media("(prefers-reduced-motion: reduce)")
                    .ok()
                    .flatten()
            })
            .is_some_and(|query| query.matches())
    }

    /// The canvas's size in CSS pixels and the device pixel ratio.
    pub fn canvas_size(canvas_id: &str) -> Option<(f32, f32, f32)> {
        let element = canvas(canvas_id)?;
        let ratio = web_sys::window()?.device_pixel_ratio() as f32;
        Some((
            element.client_width() as f32,
            element.client_height() as f32,
            ratio,
        ))
    }

    /// Fetches `url` as text (the manifest: small, and cached immutably).
    pub async fn fetch_text(url: &str) -> Result<String, String> {
        use wasm_bindgen_futures::JsFuture;
        let window = web_sys::window().ok_or("no window")?;
        let response = JsFuture::from(window.fetch_with_str(url))
            .await
            .map_err(|e| format!("{e:?}"))?;
        let response: web_sys::Response = response.dyn_into().map_err(|e| format!("{e:?}"))?;
        if !response.ok() {
            return Err(format!("HTTP {}", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?)
            .await
            .map_err(|e| format!("{e:?}"))?;
        text.as_string().ok_or_else(|| "not text".to_string())
    }

    pub fn now_ms() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or_default()
    }

    pub fn detail(key: &str, value: JsValue) -> JsValue {
        let object = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&object, &key.into(), &value);
        object.into()
    }
}

#[cfg(target_arch = "wasm32")]
pub use imp::{fetch_text, read_config, webgl2_available};

/// The canvas's size in CSS pixels and the device pixel ratio.
pub fn canvas_size(canvas_id: &str) -> Option<(f32, f32, f32)> {
    #[cfg(target_arch = "wasm32")]
    return imp::canvas_size(canvas_id);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = canvas_id;
        None
    }
}

/// Whether the shopper's system asks for reduced motion (no auto-rotation).
pub fn prefers_reduced_motion() -> bool {
    #[cfg(target_arch = "wasm32")]
    return imp::prefers_reduced_motion();
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// While the page's quick look is drawing: its view (`Orbit::to_handoff`'s
/// text), and whether the shopper has moved it. The viewer follows it until
/// its own first frame, so it takes over where the shopper left off.
pub fn quick_look_view(canvas_id: &str) -> Option<(String, bool)> {
    #[cfg(target_arch = "wasm32")]
    {
        if imp::get_attr(canvas_id, dom::QUICK_LOOK_ATTR).as_deref() != Some("drawing") {
            return None;
        }
        let orbit = imp::get_attr(canvas_id, dom::QUICK_LOOK_ORBIT_ATTR)?;
        let moved = imp::get_attr(canvas_id, dom::AUTO_ROTATE_ATTR).as_deref() == Some("false");
        Some((orbit, moved))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = canvas_id;
        None
    }
}

/// Says whether the view is turning by itself.
pub fn report_auto_rotate(canvas_id: &str, rotating: bool) {
    #[cfg(target_arch = "wasm32")]
    imp::set_attr(
        canvas_id,
        dom::AUTO_ROTATE_ATTR,
        if rotating { "true" } else { "false" },
    );
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (canvas_id, rotating);
}

/// The page's reset-view counter (it changes each time the button is pressed).
pub fn view_resets(canvas_id: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    return imp::get_attr(canvas_id, dom::VIEW_RESETS_ATTR);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = canvas_id;
        None
    }
}

/// Milliseconds since navigation started.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return imp::now_ms();
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}

/// Publishes the streaming plan: the finest level the canvas warrants.
pub fn report_lod_target(canvas_id: &str, level: usize) {
    #[cfg(target_arch = "wasm32")]
    imp::set_attr(canvas_id, dom::LOD_TARGET_ATTR, &level.to_string());
    #[cfg(not(target_arch = "wasm32"))]
    info!("viewer #{canvas_id}: streaming down to level {level}");
}

/// Says whether a level is being fetched (the page shows a progress bar).
pub fn report_lod_loading(canvas_id: &str, loading: bool) {
    #[cfg(target_arch = "wasm32")]
    imp::set_attr(
        canvas_id,
        dom::LOD_LOADING_ATTR,
        if loading { "true" } else { "false" },
    );
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (canvas_id, loading);
}

/// Reports a level now on screen, with what it cost.
pub fn report_lod_shown(canvas_id: &str, level: usize, bytes: u64, triangles: u64) {
    info!("viewer #{canvas_id}: level {level} shown ({bytes} bytes, {triangles} triangles)");
    #[cfg(target_arch = "wasm32")]
    {
        let history = match imp::get_attr(canvas_id, dom::LOD_HISTORY_ATTR) {
            Some(history) if !history.is_empty() => format!("{history},{level}"),
            _ => level.to_string(),
        };
        imp::set_attr(canvas_id, dom::LOD_HISTORY_ATTR, &history);
        imp::set_attr(canvas_id, dom::LOD_SHOWN_ATTR, &level.to_string());
        let detail = js_sys::Object::new();
        for (key, value) in [
            ("level", level as f64),
            ("bytes", bytes as f64),
            ("triangles", triangles as f64),
            ("ms", imp::now_ms().round()),
        ] {
            let _ = js_sys::Reflect::set(&detail, &key.into(), &value.into());
        }
        imp::dispatch(canvas_id, dom::LOD_SHOWN_EVENT, &detail.into());
    }
}

/// A level could not be fetched; the view stays on the last good one.
pub fn report_lod_error(canvas_id: &str, message: &str) {
    warn!("viewer #{canvas_id}: {message}");
    #[cfg(target_arch = "wasm32")]
    imp::set_attr(canvas_id, dom::LOD_ERROR_ATTR, message);
}

/// Sets the viewer's state attribute (`loading`, `ready`, `error`).
pub fn set_state(canvas_id: &str, state: &str) {
    #[cfg(target_arch = "wasm32")]
    imp::set_attr(canvas_id, dom::STATE_ATTR, state);
    #[cfg(not(target_arch = "wasm32"))]
    info!("viewer #{canvas_id}: {state}");
}

/// Reports a failure people can read; the page keeps its poster.
pub fn report_error(canvas_id: &str, message: &str) {
    error!("viewer #{canvas_id}: {message}");
    #[cfg(target_arch = "wasm32")]
    {
        imp::set_attr(canvas_id, dom::STATE_ATTR, "error");
        imp::set_attr(canvas_id, dom::ERROR_ATTR, message);
        imp::dispatch(
            canvas_id,
            dom::ERROR_EVENT,
            &imp::detail("message", message.into()),
        );
    }
}

/// Reports the first frame with the model drawn; returns ms since navigation start.
pub fn report_first_frame(canvas_id: &str) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = imp::now_ms().round();
        // The page's quick look steps aside first (synchronously, in its
        // handler): once the state says `ready`, the viewer is what shows.
        imp::dispatch(
            canvas_id,
            dom::VIEWER_READY_EVENT,
            &imp::detail("ms", ms.into()),
        );
        imp::set_attr(canvas_id, dom::VIEWER_FIRST_FRAME_ATTR, &ms.to_string());
        imp::set_attr(canvas_id, dom::STATE_ATTR, "ready");
        // The page's quick look may have shown the model first: that was
        // the shopper's first frame, and it has been reported.
        if imp::get_attr(canvas_id, dom::FIRST_FRAME_ATTR).is_none() {
            imp::set_attr(canvas_id, dom::FIRST_FRAME_ATTR, &ms.to_string());
            let detail = imp::detail("ms", ms.into());
            let _ = js_sys::Reflect::set(&detail, &"by".into(), &"viewer".into());
            imp::dispatch(canvas_id, dom::FIRST_FRAME_EVENT, &detail);
        }
        ms
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        info!("viewer #{canvas_id}: first frame");
        0.0
    }
}

/// Publishes the count of frames drawn since the model appeared, so tests can
/// wait for a fresh frame after input instead of sleeping.
pub fn report_frames(canvas_id: &str, frames: u64) {
    #[cfg(target_arch = "wasm32")]
    imp::set_attr(canvas_id, dom::FRAMES_ATTR, &frames.to_string());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (canvas_id, frames);
}

/// The material variant the page has selected (`None`: the model's default).
pub fn requested_material_variant(canvas_id: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    return imp::get_attr(canvas_id, dom::MATERIAL_VARIANT_ATTR).filter(|v| !v.is_empty());
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = canvas_id;
        None
    }
}

/// Reports the material variant now on screen (`""`: the default).
pub fn report_material_variant(canvas_id: &str, name: &str) {
    #[cfg(target_arch = "wasm32")]
    imp::set_attr(canvas_id, dom::MATERIAL_VARIANT_SHOWN_ATTR, name);
    #[cfg(not(target_arch = "wasm32"))]
    info!("viewer #{canvas_id}: showing material variant {name:?}");
}
