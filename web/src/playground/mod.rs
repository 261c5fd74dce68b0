//! The playground: a Yew app over the core. Paste a DaemonSet and a cluster, see where the
//! pods land and why, start an update and step through the rollout.
//!
//! Mounted by `mountPlayground(element, options)` from the page's script (`www/index.html`),
//! which reads `#yaml=` share links and the text saved in `localStorage` and passes them in.

mod analysis;
mod app;
mod cards;
mod edits;

use app::{App, AppProps};
use wasm_bindgen::prelude::{wasm_bindgen, JsError};

/// Mounts the playground into `element`. `options` is JSON: `{ "daemonSet": "<yaml>",
/// "cluster": "<yaml>", "setImage": "c=img", "storageKey": "..." }`, every key optional;
/// with `storageKey`, whatever the user types is saved in `localStorage` under it.
///
/// # Errors
/// When `options` is not JSON.
#[wasm_bindgen(js_name = mountPlayground)]
pub fn mount_playground(element: web_sys::Element, options: &str) -> Result<(), JsError> {
    let o: serde_json::Value = if options.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(options).map_err(|e| JsError::new(&format!("options: {e}")))?
    };
    let text = |key: &str| o[key].as_str().map(str::to_owned);
    let props = AppProps {
        daemon_set: text("daemonSet").unwrap_or_default(),
        cluster: text("cluster").unwrap_or_default(),
        set_image: text("setImage"),
        storage_key: text("storageKey"),
    };
    yew::Renderer::<App>::with_root_and_props(element, props).render();
    Ok(())
}
