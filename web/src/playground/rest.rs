//! Loading the rest of the playground's module.
//!
//! The build splits the shipped module in two (`xtask/src/wasm_split.rs`): the functions
//! a user's first moments run (the first render, a first update), which load with the
//! page, and the rest
//! (`daemonset_sim_web_rest.<stamp>.wasm`, next to the bindings), which [`prefetch`] fetches once
//! the first render is done. Until it is there, calling any of its functions goes through
//! a stub that loads it at once (the JavaScript below, synchronously), so nothing a user
//! does has to wait for the download to finish, and nothing fails when it has not. When
//! it cannot be loaded at all (the network gone on a first visit), the stub throws an
//! error that says so; the page shows it (`www/index.html`).
//!
//! A module that was not split (the wasm tests' builds, or a build without Chromium) has
//! no `~loaded` export; then the loader does nothing.

use wasm_bindgen::prelude::{wasm_bindgen, JsValue};

#[wasm_bindgen(inline_js = r#"
let first = null;
let compiled = null;
let fetching = null;
// The file is named with the split's stamp, which the build writes into this literal
// (`daemonset_sim_web_rest.<stamp>.wasm`); a bundler that copies the files a module names
// with `new URL("...", import.meta.url)` finds it here.
const restUrl = () => new URL("../../daemonset_sim_web_rest.wasm", import.meta.url);
// This page's first part and the rest it names come from one build.
const paired = () => restUrl().pathname.includes("." + (first["~rest"].value >>> 0).toString(16).padStart(8, "0"));
const split = () => first !== null && first["~loaded"] !== undefined;

function instantiate(module) {
  if (first["~loaded"].value) return;
  new WebAssembly.Instance(module, { p: first });
  first["~loaded"].value = 1;
}

export function dsimRestInit(exports) {
  first = exports;
}

function download() {
  if (fetching || !paired()) return;
  fetching = fetch(restUrl())
    .then((response) => {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes))
    .then((module) => {
      compiled = module;
      instantiate(module);
    })
    .catch(() => {
      fetching = null;
    });
}

export function dsimRestLoad(now) {
  if (!split() || first["~loaded"].value) return;
  if (!now) {
    setTimeout(download, 0);
    return;
  }
  if (compiled === null) {
    const request = new XMLHttpRequest();
    let failure = null;
    if (!paired()) {
      failure = "the page's files come from two builds";
    } else {
      try {
        request.open("GET", restUrl(), false);
        request.overrideMimeType("text/plain; charset=x-user-defined");
        request.send();
        if (request.status !== 200 && request.status !== 0) failure = "HTTP " + request.status;
        else if (request.responseText.length === 0) failure = "no response";
      } catch (err) {
        failure = err.message;
      }
    }
    if (failure !== null) {
      throw new Error("daemonset-sim could not load the rest of its module (" + restUrl() + ": " +
        failure + "). Reload the page; what you typed is kept.");
    }
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    compiled = new WebAssembly.Module(bytes);
  }
  instantiate(compiled);
}
"#)]
extern "C" {
    /// Hands the module's exports to the loader.
    #[wasm_bindgen(js_name = dsimRestInit)]
    fn rest_init(exports: JsValue);
    /// Loads the rest if it is not loaded yet: with `now`, at once (the stubs call this
    /// import so); without, in the background after the running task.
    #[wasm_bindgen(js_name = dsimRestLoad)]
    fn rest_load(now: bool);
}

/// Hands the module's exports to the loader when the module is instantiated, before
/// anything can call a stub.
#[wasm_bindgen(start)]
pub fn start() {
    rest_init(wasm_bindgen::exports());
}

/// Schedules the download of the rest of the module, after the running task (the first
/// render).
pub fn prefetch() {
    rest_load(false);
}
