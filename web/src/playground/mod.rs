//! The playground: a Yew app over the core. Paste a DaemonSet and a cluster, see where the
//! pods land and why, start an update and step through the rollout.
//!
//! Mounted by `mountPlayground(element, options)` from the page's script (`www/index.html`),
//! which reads `#yaml=` share links and the text saved in `localStorage` and passes them in.

mod analysis;
use crate::edits;
mod app;
mod cards;
mod editor;
mod faults;
mod lessons;
mod presets;
mod rest;
mod scenario;
mod storage;
mod terminal;

use app::{App, AppProps, LargeSaved, ShareTo};
use std::rc::Rc;

/// An `Rc` compared by address: the same text, manifests or rollout, not equal copies.
/// (`Rc<str>`'s own `==` compares the text, all of it when it is the same text: tens of
/// milliseconds for a large dump, on every render that looks at it.)
#[derive(Clone)]
struct Same<T: ?Sized>(Rc<T>);

impl<T: ?Sized> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
use wasm_bindgen::prelude::{wasm_bindgen, JsError};

/// `bytes` as text, without copying them when they are UTF-8; bytes that are not become
/// U+FFFD, as `File.text()` would make them.
fn lossy_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Mounts the playground into `element`. `options` is JSON: `{ "daemonSet": "<yaml>",
/// "cluster": "<yaml>", "setImage": "c=img", "to": "<yaml of the edited DaemonSet>",
/// "brokenImage": true, "faults":
/// ["5:drain:node-1", ...], "step": 3, "edits": ["kubectl cordon node-1", ...],
/// "storageKey": "..." }`, every key optional (without either text, the guide's first
/// example and the sample cluster). `setImage` starts that update (`to` instead applies the
/// edited DaemonSet as the update), with its new image
/// unpullable under `brokenImage`, the faults (as `dsim rollout --at` takes them) and
/// shown at `step`; `edits` are node edits as the kubectl box takes them, applied in
/// order. `"share"` says where the share button's links lead: `"address-bar"` (the page's
/// own address, set when the button is pressed), or the address of a playground page (the
/// link is copied and shown; the page's address is left alone); without it, there is no
/// share button. With `storageKey`, whatever the user types is saved in the browser under it
/// (`localStorage`, and IndexedDB for texts over 2 MB); with `"restore": true` as well, the
/// texts saved there, if any, replace the ones given.
///
///
/// `kubectl`, when given, is a function that loads the kubectl module (this crate built
/// with the `kubectl` feature alone) and resolves to its JavaScript module, initialised:
/// the terminal calls it on its first command, so the emulator is not part of the page's
/// first download. Without it, the terminal says kubectl is not available.
///
/// # Errors
/// When `options` is not JSON.
#[wasm_bindgen(js_name = mountPlayground)]
pub fn mount_playground(
    element: web_sys::Element,
    options: &str,
    kubectl: Option<js_sys::Function>,
) -> Result<(), JsError> {
    let o: serde_json::Value = if options.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(options).map_err(|e| JsError::new(&format!("options: {e}")))?
    };
    let text = |key: &str| o[key].as_str().map(str::to_owned);
    let storage_key = text("storageKey");
    let restore = o["restore"].as_bool() == Some(true);
    let saved = |name: &str| {
        storage_key
            .as_deref()
            .filter(|_| restore)
            .and_then(|key| storage::saved(key, name))
    };
    let (saved_ds, saved_cluster) = (saved("daemonset"), saved("cluster"));
    let mut large_saved = LargeSaved::default();
    let fresh = text("daemonSet").is_none() && text("cluster").is_none();
    let (daemon_set, cluster) = if saved_ds.is_some() || saved_cluster.is_some() {
        let local = |saved: Option<storage::Saved>, large: &mut Option<usize>| match saved {
            Some(storage::Saved::Local(text)) => text,
            Some(storage::Saved::Large(size)) => {
                *large = Some(size);
                String::new()
            }
            None => String::new(),
        };
        (
            local(saved_ds, &mut large_saved.daemon_set),
            local(saved_cluster, &mut large_saved.cluster),
        )
    } else if fresh {
        (
            presets::PRESETS[0].daemon_set.to_owned(),
            presets::CLUSTER.to_owned(),
        )
    } else {
        (
            text("daemonSet").unwrap_or_default(),
            text("cluster").unwrap_or_default(),
        )
    };
    let strings = |key: &str| {
        daemonset_sim::rollout::options_json::strings(&o, key)
            .map_err(|e| JsError::new(&format!("options: {key}: {e}")))
    };
    let props = AppProps {
        daemon_set,
        cluster,
        set_image: text("setImage").filter(|s| !s.is_empty()),
        to: text("to").filter(|s| !s.is_empty()),
        to_draft: match saved("updated") {
            Some(storage::Saved::Local(text)) => Some(text),
            _ => None,
        },
        broken_image: o["brokenImage"].as_bool() == Some(true),
        faults: strings("faults")?,
        step: o["step"]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0),
        edits: strings("edits")?,
        storage_key,
        large_saved,
        share: match text("share").as_deref() {
            None | Some("") => ShareTo::Nowhere,
            Some("address-bar") => ShareTo::AddressBar,
            Some(page) => ShareTo::Page(page.to_owned()),
        },
        kubectl,
    };
    yew::Renderer::<App>::with_root_and_props(element, props).render();
    rest::prefetch();
    Ok(())
}
