//! WebAssembly bindings of daemonset-sim for JavaScript and the browser playground.
//!
//! Built by `cargo xtask serve` (and `cargo xtask test`) with `wasm-bindgen --target web` into
//! `target/site/pkg/daemonset_sim_web.js`, which `www/index.html` imports.
//!
//! Placement is to be exported here as `placeJson(yaml: &str) -> Result<String, String>`,
//! a thin wrapper over the core's `daemonset_sim::place_json` once the core provides it:
//!
//! ```text
//! #[wasm_bindgen(js_name = placeJson)]
//! pub fn place_json(yaml: &str) -> Result<String, String> {
//!     daemonset_sim::place_json(yaml)
//! }
//! ```

use wasm_bindgen::prelude::wasm_bindgen;

/// The version of this package (the workspace version), e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    /// The exported version is the crate's.
    #[test]
    fn version_is_the_package_version() {
        assert_eq!(super::version(), env!("CARGO_PKG_VERSION"));
    }
}
