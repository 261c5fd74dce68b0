//! The cluster as a rollout shows it at each step: what a node looks like at that moment,
//! and why the DaemonSet wants no pod there.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::manifest::{read, Source};
use daemonset_sim::rollout::{scenario, simulate, RolloutOptions, Update};

const CLUSTER: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: \"agent:1\"}]
---
apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Node
metadata: {name: n2}
";

#[test]
fn a_taint_during_the_rollout_is_the_reason_from_then_on() {
    let manifests = read(&[Source {
        name: "c.yaml",
        text: CLUSTER,
    }])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let options = RolloutOptions {
        update: Update::SetImage(vec![("agent".into(), "agent:2".into())]),
        at: vec![scenario::parse_at("1:taint:n2:dedicated=db:NoExecute")
            .unwrap_or_else(|e| panic!("{e}"))],
        ..RolloutOptions::default()
    };
    let rollout = simulate(&manifests, &["c.yaml"], &options).unwrap_or_else(|e| panic!("{e:?}"));
    let reasons = |index: usize, node: &str| -> Vec<String> {
        let state = rollout
            .state_at(index)
            .unwrap_or_else(|| panic!("no state {index}"));
        let n = state
            .nodes()
            .find(|n| &*n.name == node)
            .unwrap_or_else(|| panic!("no {node}"));
        n.reasons.iter().map(|r| r.message.to_string()).collect()
    };
    assert_eq!(reasons(0, "n2"), Vec::<String>::new());
    let end = rollout.steps.len();
    let after = reasons(end, "n2");
    assert!(
        after
            .iter()
            .any(|r| r.starts_with("node(s) had untolerated taint {dedicated: db}")),
        "{after:?}"
    );
    assert_eq!(reasons(end, "n1"), Vec::<String>::new());
    // The JSON view carries them too, as the npm package's Simulation shows them.
    let json = rollout
        .state_at(end)
        .map(|s| s.to_json())
        .unwrap_or_default();
    assert!(
        json.contains("\"reasons\":[{\"code\":\"UntoleratedTaint\""),
        "{json}"
    );
}
