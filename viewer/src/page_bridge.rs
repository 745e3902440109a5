//! The viewer's side of the page contract (`vitrine_domain::viewer::dom`):
//! read the config from the canvas, report state, first frame and errors
//! as attributes and DOM events that the page and Playwright observe.

use bevy::prelude::*;
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
        });
    }
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
pub use imp::{read_config, webgl2_available};

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
        imp::set_attr(canvas_id, dom::STATE_ATTR, "ready");
        imp::set_attr(canvas_id, dom::FIRST_FRAME_ATTR, &ms.to_string());
        imp::dispatch(
            canvas_id,
            dom::FIRST_FRAME_EVENT,
            &imp::detail("ms", ms.into()),
        );
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
