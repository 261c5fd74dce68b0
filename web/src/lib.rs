//! WebAssembly bindings of daemonset-sim for JavaScript and the browser playground.
//!
//! Built by `cargo xtask serve` (and `cargo xtask test`) with `wasm-bindgen --target web` into
//! `target/site/pkg/daemonset_sim_web.js`, which `www/index.html` imports. The typed npm API
//! grows from here; for now it offers the placement report as the same JSON the CLI prints.

use daemonset_sim::manifest::Source;
use daemonset_sim::placement::{place_sources, PlaceError, PlaceOptions, PlacementReport};
use wasm_bindgen::prelude::{wasm_bindgen, JsError};

/// The version of this package (the workspace version), e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Placement of every DaemonSet in `yaml` (manifests, or a `kubectl get -o yaml` dump) over
/// its nodes, as pretty JSON: the contract `dsim place -o json` prints.
///
/// # Errors
/// Input errors, one per line as `input.yaml:LINE:COL: path: message`.
#[wasm_bindgen(js_name = placeJson)]
pub fn place_json(yaml: &str) -> Result<String, JsError> {
    place(yaml).map(|report| report.to_json())
}

/// The same placement as a readable table with reasons, as `dsim place` prints it.
///
/// # Errors
/// As [`place_json`].
#[wasm_bindgen(js_name = placeText)]
pub fn place_text(yaml: &str) -> Result<String, JsError> {
    place(yaml).map(|report| report.to_text())
}

fn place(yaml: &str) -> Result<PlacementReport, JsError> {
    let sources = [Source {
        name: "input.yaml",
        text: yaml,
    }];
    place_sources(&sources, &PlaceOptions::default()).map_err(|PlaceError::Input(errors)| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        JsError::new(&lines.join("\n"))
    })
}

#[cfg(test)]
mod tests {
    /// The exported version is the crate's.
    #[test]
    fn version_is_the_package_version() {
        assert_eq!(super::version(), env!("CARGO_PKG_VERSION"));
    }

    /// The bindings return the core's report for a DaemonSet and a node.
    #[test]
    fn places_through_the_core() {
        let yaml = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\n";
        let text = super::place(yaml).map(|r| r.to_text()).unwrap_or_default();
        assert!(
            text.starts_with("DaemonSet default/agent: desired 1 of 1 node(s)"),
            "{text}"
        );
    }
}
