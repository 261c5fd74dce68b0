//! The bindings as JavaScript sees them, compiled to wasm and run in headless Chromium:
//! the exports the npm package's wrapper calls, with their JSON and their errors.
// The JSON API is in the module built without `kubectl` and `playground` (the npm
// package's main module).
#![cfg(all(
    target_arch = "wasm32",
    not(any(feature = "kubectl", feature = "playground"))
))]

use daemonset_sim_web::{place_raw, RolloutHandle};
use serde_json::Value;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CLUSTER: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: ops}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\n  labels: {x: y}\n";

const GOOD: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: ops}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\n";

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[wasm_bindgen_test]
fn place_raw_returns_the_report() {
    let report = place_raw(GOOD.as_bytes())
        .map(|t| json(&t))
        .unwrap_or(Value::Null);
    assert_eq!(report["daemonSets"][0]["desiredNumberScheduled"], 2);
    assert_eq!(report["daemonSets"][0]["nodes"][1]["node"], "n2");
}

#[wasm_bindgen_test]
fn place_raw_rejects_bad_yaml() {
    // The indentation error on the last line is a syntax error.
    assert!(place_raw(CLUSTER.as_bytes()).is_err());
    // Bytes that are not UTF-8 are an input error, not a panic.
    assert!(place_raw(b"kind: Node\nmetadata: {name: \xff}\n").is_err());
}

#[wasm_bindgen_test]
fn rollout_handle_steps_through_states() {
    let handle = RolloutHandle::new(
        GOOD.as_bytes(),
        r#"{"setImage": "a=agent:2", "readyAfter": 1}"#,
    );
    let Ok(handle) = handle else {
        panic!("the rollout should simulate");
    };
    let rollout = json(&handle.to_json());
    assert_eq!(rollout["outcome"], "complete");
    let steps = handle.length();
    assert!(steps >= 4, "{rollout}");
    let first = json(&handle.state_json(0));
    let last = json(&handle.state_json(steps));
    let to = rollout["revisions"]["to"].clone();
    assert_ne!(first["nodes"][0]["pods"][0]["revision"], to);
    assert_eq!(last["nodes"][0]["pods"][0]["revision"], to);
    assert_eq!(last["nodes"][1]["pods"][0]["available"], true);
    assert_eq!(handle.state_json(steps + 1), "");
}

#[wasm_bindgen_test]
fn a_rollout_reads_every_option() {
    let text = RolloutHandle::new(
        GOOD.as_bytes(),
        r#"{"setImage": "a=agent:2", "failImages": ["agent:2"], "readyAfter": 2}"#,
    )
    .map(|handle| handle.to_json())
    .unwrap_or_default();
    let rollout = json(&text);
    assert_eq!(rollout["outcome"], "stalled");
    assert!(rollout["reason"]
        .as_str()
        .is_some_and(|r| r.contains("ImagePullBackOff")));
}
