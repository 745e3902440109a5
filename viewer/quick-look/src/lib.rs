//! The quick look: the product's model in 3D before the full viewer arrives.
//!
//! The Bevy viewer is a 3 MB module; on a 20 Mbit/s line its download alone
//! takes over a second, and it needs as long again to start. The model's
//! coarsest level is tens of kilobytes. So this small module of its own
//! (tens of kilobytes too) fetches that level and draws it at once with a
//! small WebGL2 renderer on a canvas over the viewer's: the viewer's framing,
//! studio light, shading and tone mapping, turned by the same drags, wheel
//! and keys (`vitrine_viewer_core::Orbit`).
//!
//! The product page's HTML starts it (`start`) as soon as the canvas has
//! been parsed, so it does not wait for the page's own bundle to download
//! and hydrate; the hydrated page starts it too, for pages it renders
//! itself (client-side navigation), and a second start is a no-op.
//!
//! When the viewer draws its own first frame it says so
//! (`vitrine:viewer-ready`): it has been following the quick look's view
//! (`data-quick-look-orbit`), so it takes over where the shopper left it, and
//! the quick look steps aside and frees its GPU memory.
//!
//! On the canvas, `data-quick-look` says where it is: `loading`, `drawing`,
//! `done` (the viewer took over) or `unavailable` (with the reason in
//! `data-quick-look-error`); the page then simply waits for the viewer.

mod renderer;
mod shaders;

use renderer::{FOV_Y, Renderer};
use std::cell::RefCell;
use std::rc::Rc;
use vitrine_domain::viewer::{ModelManifest, ViewerConfig, dom};
use vitrine_viewer_core::orbit::AUTO_ROTATE_RADIANS_PER_SECOND;
use vitrine_viewer_core::{Orbit, ViewKey, glb};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlCanvasElement, HtmlElement};

/// Pixels of wheel movement that count as one notch (as in the viewer).
const PIXELS_PER_NOTCH: f64 = 100.0;

/// Starts the quick look for the viewer canvas with this id, unless it has
/// started there already. It fetches the manifest and the coarsest level at
/// once (the viewer then reads both from the browser's cache), and never
/// throws: failures are reported on the canvas.
#[wasm_bindgen]
pub fn start(canvas_id: &str) {
    let Some(canvas) = element::<HtmlCanvasElement>(canvas_id) else {
        return;
    };
    if canvas.has_attribute(dom::QUICK_LOOK_ATTR) {
        return;
    }
    mark("start");
    wasm_bindgen_futures::spawn_local(async move {
        set(&canvas, dom::QUICK_LOOK_ATTR, "loading");
        if let Err(reason) = run(&canvas).await {
            // The viewer got there first, or cannot be helped: either way the
            // page carries on with the poster and the viewer.
            set(&canvas, dom::QUICK_LOOK_ATTR, "unavailable");
            set(&canvas, dom::QUICK_LOOK_ERROR_ATTR, &reason);
        }
    });
}

async fn run(canvas: &HtmlCanvasElement) -> Result<(), String> {
    let config: ViewerConfig = canvas
        .get_attribute(dom::CONFIG_ATTR)
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or("no viewer config")?;
    let manifest_url = config.manifest_url.ok_or("the model has no levels")?;
    let manifest_url = absolute(&manifest_url)?;
    let overlay = canvas
        .parent_element()
        .and_then(|parent| {
            parent
                .query_selector(&format!("canvas.{}", dom::QUICK_LOOK_CANVAS_CLASS))
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
        .ok_or("no quick-look canvas")?;
    // The page's head preloads the manifest and the coarsest level: they
    // travel while the context is made (which holds the page up for a while
    // on a software renderer) and the shaders are built.
    let manifest = fetch(&manifest_url)?;
    let gl = renderer::context(&overlay)?;
    mark("context");
    let program = renderer::start_program(&gl);
    let loaded = async {
        let manifest: ModelManifest =
            serde_json::from_slice(&manifest.await?).map_err(|e| format!("bad manifest: {e}"))?;
        let coarsest = manifest
            .coarsest_level()
            .ok_or("the manifest has no levels")?;
        let level_url = web_sys::Url::new_with_base(&coarsest.file, &manifest_url)
            .map_err(|_| "bad level URL")?
            .href();
        let program = program?;
        let bytes = fetch(&level_url)?.await?;
        mark("level");
        if viewer_ready(canvas) {
            return Err("the viewer drew first".to_string());
        }
        let scene = glb::read(&bytes).map_err(|e| e.to_string())?;
        let renderer = Renderer::new(gl.clone(), program, scene, &bytes).await?;
        mark("uploaded");
        Ok((manifest, renderer))
    };
    let (manifest, renderer) = match loaded.await {
        Ok(loaded) => loaded,
        Err(reason) => {
            // Nothing will be drawn: give the GPU memory back now.
            renderer::lose_context(&gl);
            return Err(reason);
        }
    };
    if viewer_ready(canvas) {
        renderer.release();
        return Err("the viewer drew first".into());
    }
    let home = Orbit::framing(manifest.bounds_min, manifest.bounds_max, FOV_Y);
    let view = Rc::new(RefCell::new(View {
        renderer: Some(renderer),
        orbit: home,
        home,
        interacted: false,
        auto_rotate: !prefers_reduced_motion(),
        resets_seen: canvas.get_attribute(dom::VIEW_RESETS_ATTR),
        pointers: Vec::new(),
        last_frame_ms: None,
        frames_drawn: 0,
    }));
    listen(canvas, &overlay, &view);
    frame_loop(canvas.clone(), overlay, view);
    Ok(())
}

/// What the quick look shows and how the shopper has moved it.
struct View {
    /// `None` once the viewer has taken over.
    renderer: Option<Renderer>,
    orbit: Orbit,
    home: Orbit,
    interacted: bool,
    auto_rotate: bool,
    resets_seen: Option<String>,
    /// Pointers down on the canvas: (id, button, x, y).
    pointers: Vec<(i32, i16, f64, f64)>,
    last_frame_ms: Option<f64>,
    frames_drawn: u64,
}

impl View {
    fn moved(&mut self, canvas: &HtmlCanvasElement) {
        if !self.interacted {
            self.interacted = true;
            set(canvas, dom::AUTO_ROTATE_ATTR, "false");
        }
    }
}

/// A `requestAnimationFrame` callback; it re-requests itself.
type FrameCallback = Closure<dyn FnMut(f64)>;

/// Draws every animation frame until the viewer takes over or the page
/// leaves (client-side navigation removes the canvas).
fn frame_loop(canvas: HtmlCanvasElement, overlay: HtmlCanvasElement, view: Rc<RefCell<View>>) {
    let tick: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let next = tick.clone();
    *tick.borrow_mut() = Some(Closure::new(move |now: f64| {
        let mut view = view.borrow_mut();
        if view.renderer.is_none() {
            // Taken over: drop the closure (and with it this loop).
            next.borrow_mut().take();
            return;
        }
        if !canvas.is_connected() || viewer_ready(&canvas) {
            hand_over(&canvas, &mut view);
            next.borrow_mut().take();
            return;
        }
        let elapsed = view.last_frame_ms.map_or(0.0, |last| (now - last) / 1000.0);
        view.last_frame_ms = Some(now);
        if view.auto_rotate && !view.interacted {
            view.orbit
                .spin(AUTO_ROTATE_RADIANS_PER_SECOND * elapsed as f32);
        }
        let resets = canvas.get_attribute(dom::VIEW_RESETS_ATTR);
        if resets != view.resets_seen {
            view.resets_seen = resets;
            view.orbit = view.home;
            view.moved(&canvas);
        }
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let width = ((overlay.client_width() as f64 * ratio).round() as u32).max(1);
        let height = ((overlay.client_height() as f64 * ratio).round() as u32).max(1);
        if overlay.width() != width || overlay.height() != height {
            overlay.set_width(width);
            overlay.set_height(height);
        }
        let variant = canvas
            .get_attribute(dom::MATERIAL_VARIANT_ATTR)
            .unwrap_or_default();
        if let Some(renderer) = &view.renderer {
            renderer.draw(&view.orbit, width as i32, height as i32, &variant);
        }
        set(
            &canvas,
            dom::QUICK_LOOK_ORBIT_ATTR,
            &view.orbit.to_handoff(),
        );
        view.frames_drawn += 1;
        match view.frames_drawn {
            // Shown from this frame on.
            1 => {
                mark("drawn");
                set(&canvas, dom::QUICK_LOOK_ATTR, "drawing");
            }
            // The next frame has begun: the first one is on screen.
            2 => report_first_frame(&canvas),
            _ => {}
        }
        if let Some(closure) = next.borrow().as_ref() {
            request_frame(closure);
        }
    }));
    if let Some(closure) = tick.borrow().as_ref() {
        request_frame(closure);
    }
}

fn request_frame(closure: &FrameCallback) {
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(closure.as_ref().unchecked_ref());
    }
}

/// The viewer has drawn (or the page has gone): free the GPU and step aside.
fn hand_over(canvas: &HtmlCanvasElement, view: &mut View) {
    if let Some(renderer) = view.renderer.take() {
        renderer.release();
    }
    set(canvas, dom::QUICK_LOOK_ATTR, "done");
}

/// The first frame with the model drawn, unless the viewer's came first.
fn report_first_frame(canvas: &HtmlCanvasElement) {
    let ms = web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
        .round();
    set(canvas, dom::QUICK_LOOK_MS_ATTR, &ms.to_string());
    if canvas.get_attribute(dom::FIRST_FRAME_ATTR).is_some() {
        return;
    }
    set(canvas, dom::FIRST_FRAME_ATTR, &ms.to_string());
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"ms".into(), &ms.into());
    let _ = js_sys::Reflect::set(&detail, &"by".into(), &"quick-look".into());
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    init.set_bubbles(true);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(dom::FIRST_FRAME_EVENT, &init)
    {
        let _ = canvas.dispatch_event(&event);
    }
}

/// Drags turn (right-drag pans), two fingers pinch and pan, the wheel zooms;
/// keys work on the viewer's canvas, which a press on the quick look focuses.
/// The viewer's arrival and a lost context end the quick look.
fn listen(canvas: &HtmlCanvasElement, overlay: &HtmlCanvasElement, view: &Rc<RefCell<View>>) {
    let (state, page, height_of) = (view.clone(), canvas.clone(), overlay.clone());
    on(
        overlay,
        "pointerdown",
        true,
        move |event: web_sys::PointerEvent| {
            let _ = page.focus();
            let _ = height_of.set_pointer_capture(event.pointer_id());
            let mut view = state.borrow_mut();
            view.pointers.retain(|p| p.0 != event.pointer_id());
            view.pointers.push((
                event.pointer_id(),
                event.button(),
                event.client_x() as f64,
                event.client_y() as f64,
            ));
        },
    );
    let (state, page, height_of) = (view.clone(), canvas.clone(), overlay.clone());
    on(
        overlay,
        "pointermove",
        true,
        move |event: web_sys::PointerEvent| {
            let mut view = state.borrow_mut();
            let Some(at) = view.pointers.iter().position(|p| p.0 == event.pointer_id()) else {
                return;
            };
            let (x, y) = (event.client_x() as f64, event.client_y() as f64);
            let before = view.pointers.clone();
            let (_, button, px, py) = before[at];
            view.pointers[at].2 = x;
            view.pointers[at].3 = y;
            let (dx, dy) = ((x - px) as f32, (y - py) as f32);
            if dx == 0.0 && dy == 0.0 {
                return;
            }
            let height = height_of.client_height() as f32;
            match before.len() {
                1 if button == 2 => view.orbit.pan(dx, dy, height, FOV_Y),
                1 => view.orbit.drag(dx, dy),
                _ => {
                    // Two fingers: the spread zooms, half the move pans.
                    let other = before[if at == 0 { 1 } else { 0 }];
                    let spread = |ax: f64, ay: f64| (ax - other.2).hypot(ay - other.3);
                    let (was, now) = (spread(px, py), spread(x, y));
                    if was > 0.0 && now > 0.0 {
                        view.orbit
                            .zoom(((now / was).ln() / (1.0f64 / 0.9).ln()) as f32);
                    }
                    view.orbit.pan(dx / 2.0, dy / 2.0, height, FOV_Y);
                }
            }
            view.moved(&page);
        },
    );
    for name in ["pointerup", "pointercancel"] {
        let state = view.clone();
        on(overlay, name, true, move |event: web_sys::PointerEvent| {
            let mut view = state.borrow_mut();
            view.pointers.retain(|p| p.0 != event.pointer_id());
        });
    }
    let (state, page) = (view.clone(), canvas.clone());
    on(
        overlay,
        "wheel",
        false,
        move |event: web_sys::WheelEvent| {
            event.prevent_default();
            let notches = match event.delta_mode() {
                web_sys::WheelEvent::DOM_DELTA_PIXEL => -event.delta_y() / PIXELS_PER_NOTCH,
                _ => -event.delta_y(),
            };
            let mut view = state.borrow_mut();
            view.orbit.zoom(notches as f32);
            view.moved(&page);
        },
    );
    on(overlay, "contextmenu", false, |event: web_sys::Event| {
        event.prevent_default()
    });
    // The viewer's first frame is about to show: step aside now, not at
    // the next animation frame, so nothing covers the viewer once it is ready.
    let (state, page) = (view.clone(), canvas.clone());
    on(
        canvas,
        dom::VIEWER_READY_EVENT,
        true,
        move |_: web_sys::Event| hand_over(&page, &mut state.borrow_mut()),
    );
    // A GPU reset takes the quick look's context: step aside, so the
    // poster (or the viewer) shows instead of an empty canvas. Our own
    // release after the hand-over loses the context too, with nothing left.
    let (state, page) = (view.clone(), canvas.clone());
    on(
        overlay,
        "webglcontextlost",
        true,
        move |_: web_sys::Event| {
            if state.borrow_mut().renderer.take().is_some() {
                set(&page, dom::QUICK_LOOK_ATTR, "unavailable");
                set(
                    &page,
                    dom::QUICK_LOOK_ERROR_ATTR,
                    "the browser took the graphics away",
                );
            }
        },
    );
    let (state, page) = (view.clone(), canvas.clone());
    on(
        canvas,
        "keydown",
        true,
        move |event: web_sys::KeyboardEvent| {
            let mut view = state.borrow_mut();
            if view.renderer.is_none() {
                return;
            }
            if let Some(key) = ViewKey::from_key(&event.key()) {
                let home = view.home;
                view.orbit.key(key, &home);
                view.moved(&page);
            }
        },
    );
}

/// Listens for `name` events on `target`, handed over as `E` (an event of
/// another type is ignored). The listeners live as long as the canvases;
/// they do nothing once the viewer has taken over.
fn on<E: JsCast + 'static>(
    target: &web_sys::EventTarget,
    name: &str,
    passive: bool,
    mut handler: impl FnMut(E) + 'static,
) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        if let Ok(event) = event.dyn_into::<E>() {
            handler(event);
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(passive);
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        name,
        closure.as_ref().unchecked_ref(),
        &options,
    );
    closure.forget();
}

/// Whether the full viewer has drawn its first frame.
fn viewer_ready(canvas: &HtmlCanvasElement) -> bool {
    canvas.get_attribute(dom::STATE_ATTR).as_deref() == Some("ready")
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

fn element<T: JsCast>(id: &str) -> Option<T> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<T>()
        .ok()
}

/// A `performance.mark` named `vitrine:quick-look:<step>`: where the time
/// to the first frame goes shows in the browser's performance panel (and
/// in `bench/first-frame-timeline.mjs`).
fn mark(step: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(&format!("vitrine:quick-look:{step}"));
    }
}

fn set(element: &HtmlElement, name: &str, value: &str) {
    let _ = element.set_attribute(name, value);
}

fn absolute(url: &str) -> Result<String, String> {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .ok_or("no document")?;
    Ok(web_sys::Url::new_with_base(url, &base)
        .map_err(|_| format!("bad URL {url}"))?
        .href())
}

/// GETs `url` (immutable, so the viewer's own request is a cache hit).
/// Starts fetching `url` now (an `async fn` would start only when awaited);
/// the future gives its bytes.
fn fetch(url: &str) -> Result<impl std::future::Future<Output = Result<Vec<u8>, String>>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let request = JsFuture::from(window.fetch_with_str(url));
    let url = url.to_string();
    Ok(async move {
        let response: web_sys::Response = request
            .await
            .map_err(|e| format!("cannot fetch {url}: {e:?}"))?
            .unchecked_into();
        if !response.ok() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        let buffer = JsFuture::from(response.array_buffer().map_err(|e| format!("{e:?}"))?)
            .await
            .map_err(|e| format!("cannot read {url}: {e:?}"))?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    })
}
