//! The JSON API the npm package's main entry wraps: placement, rollouts (whole, or step by
//! step through [`RolloutHandle`]) and lint. Only in the modules that export it: the
//! playground's module and the kubectl module are built without it, since nothing there
//! calls it.

use crate::{input_text, structured};
use daemonset_sim::lint::lint;
use daemonset_sim::manifest::{read, read_for_placement, Diagnostic, Source};
use daemonset_sim::placement::{place_sources, PlaceError, PlaceOptions};
use daemonset_sim::rollout::{
    options_from_json_text, simulate, Rollout, RolloutError, RolloutOptions,
};
use wasm_bindgen::prelude::{wasm_bindgen, JsError};

/// Reads the options JSON; errors name the option (`setImage`, `at`, ...) and say why.
fn parse_rollout_options(options: &str) -> Result<RolloutOptions, Vec<Diagnostic>> {
    options_from_json_text(options, "to.yaml")
}

/// Placement for the npm package (`dsim place -o json`'s report): the input as UTF-8 bytes, the report as compact
/// JSON, and errors thrown as JSON (`{"errors": [...]}`) for the wrapper to turn into an
/// `Error` with an `errors` array.
///
/// # Errors
/// Input errors, as JSON.
#[wasm_bindgen(js_name = placeRaw)]
pub fn place_raw(yaml: &[u8]) -> Result<String, JsError> {
    let sources = [Source {
        name: "input.yaml",
        text: input_text(yaml)?,
    }];
    place_sources(&sources, &PlaceOptions::default())
        .map(|r| r.to_compact_json())
        .map_err(|PlaceError::Input(errors)| structured(&errors))
}

/// A simulated rollout kept in WebAssembly memory, so that the npm package's
/// `Simulation` can step back and forth and seek without copying every state.
#[wasm_bindgen]
pub struct RolloutHandle {
    rollout: Rollout,
}

#[wasm_bindgen]
impl RolloutHandle {
    /// Simulates `options` (JSON: `setImage`, `to`, `readyAfter`, `failImages`, `at`, ...) over `yaml` (UTF-8 bytes).
    ///
    /// # Errors
    /// Input or option errors as JSON (`{"errors": [...]}`).
    #[wasm_bindgen(constructor)]
    pub fn new(yaml: &[u8], options: &str) -> Result<RolloutHandle, JsError> {
        let options = rollout_options_structured(options)?;
        let manifests = read_for_placement(&[Source {
            name: "input.yaml",
            text: input_text(yaml)?,
        }])
        .map_err(|e| structured(&e))?;
        simulate(&manifests, &["input.yaml"], &options)
            .map(|rollout| Self { rollout })
            .map_err(|RolloutError::Input(errors)| structured(&errors))
    }

    /// The whole rollout as JSON (the `dsim rollout -o json` contract).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.rollout).unwrap_or_default()
    }

    /// The number of steps.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.rollout.steps.len()
    }

    /// The cluster after `index` steps (0: before the update) as JSON:
    /// `{"time", "nodes": [...]}`; `""` beyond the end.
    #[wasm_bindgen(js_name = stateJson)]
    pub fn state_json(&self, index: usize) -> String {
        self.rollout
            .state_at(index)
            .map(|s| s.to_json())
            .unwrap_or_default()
    }
}

/// The lint of every DaemonSet and standalone Pod in `yaml` (UTF-8 bytes), as pretty JSON: what
/// `dsim lint -o json` prints (`{"objects": [...]}`), plus the input's `warnings` (which
/// the CLI prints to standard error).
///
/// # Errors
/// Input errors, and input without a DaemonSet or Pod, as JSON (`{"errors": [...]}`).
#[wasm_bindgen(js_name = lintRaw)]
pub fn lint_raw(yaml: &[u8]) -> Result<String, JsError> {
    lint_json(input_text(yaml)?).map_err(|errors| structured(&errors))
}

fn lint_json(yaml: &str) -> Result<String, Vec<Diagnostic>> {
    let manifests = read(&[Source {
        name: "input.yaml",
        text: yaml,
    }])?;
    let report = lint(&manifests, &["input.yaml"]);
    if report.objects.is_empty() {
        return Err(vec![Diagnostic::file(
            "input.yaml",
            "no DaemonSet or Pod found in the input (expected a document with apiVersion: apps/v1 and kind: DaemonSet)",
        )]);
    }
    let json = serde_json::json!({ "objects": report.objects, "warnings": report.warnings });
    Ok(serde_json::to_string_pretty(&json).unwrap_or_default())
}

fn rollout_options_structured(options: &str) -> Result<RolloutOptions, JsError> {
    parse_rollout_options(options).map_err(|errors| structured(&errors))
}

#[cfg(test)]
mod tests {
    /// The rollout binding runs the core's simulation with the options given as JSON.
    #[test]
    fn rolls_out_through_the_core() {
        let yaml = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\n";
        let options = r#"{"setImage": "a=agent:2", "readyAfter": 2}"#;
        let Ok(handle) = super::RolloutHandle::new(yaml.as_bytes(), options) else {
            panic!("the cluster and the options are valid");
        };
        let json: serde_json::Value = serde_json::from_str(&handle.to_json()).unwrap_or_default();
        assert_eq!(json["outcome"], "complete", "{json}");
        let reason = json["reason"].as_str().unwrap_or_default();
        assert!(reason.ends_with("2s after the update"), "{reason}");
        let last = handle.state_json(handle.length());
        let last: serde_json::Value = serde_json::from_str(&last).unwrap_or_default();
        let pod = &last["nodes"][0]["pods"][0];
        assert_eq!(
            (&pod["revision"], &pod["available"]),
            (&json["revisions"]["to"], &serde_json::Value::Bool(true)),
            "{last}"
        );
    }

    /// The bindings return the core's report for a DaemonSet and a node.
    #[test]
    fn places_through_the_core() {
        let yaml = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\n";
        let text = super::place_raw(yaml.as_bytes()).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(json["daemonSets"][0]["desiredNumberScheduled"], 1, "{json}");
        assert_eq!(
            json["daemonSets"][0]["nodes"][0]["node"], "worker-1",
            "{json}"
        );
    }

    /// The lint binding gives the CLI's JSON, with the level and the findings.
    #[test]
    fn lints_through_the_core() {
        let yaml = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {hostNetwork: true, containers: [{name: a, image: agent:1}]}\n";
        let json: serde_json::Value =
            serde_json::from_str(&super::lint_json(yaml).unwrap_or_default()).unwrap_or_default();
        assert_eq!(json["objects"][0]["podSecurity"], "privileged", "{json}");
        assert_eq!(json["warnings"], serde_json::json!([]));
        let codes: Vec<&str> = json["objects"][0]["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(codes.contains(&"HostNamespaces"), "{codes:?}");
        assert!(super::lint_json("apiVersion: v1\nkind: Node\nmetadata: {name: n}\n").is_err());
    }
}
