//! Property tests over generated nodes, tolerations and text: adding a toleration never
//! takes a daemon pod away, the JSON output round-trips, and no input makes the reader panic.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::manifest::{read, Source};
use daemonset_sim::placement::{place_sources, CompiledDaemonSet, PlaceOptions};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, NodeSpec, PodSpec, Taint, Toleration};
use proptest::prelude::*;
use std::collections::BTreeMap;

const KEYS: [&str; 4] = [
    "dedicated",
    "node-role.kubernetes.io/control-plane",
    "gpu",
    "node.kubernetes.io/not-ready",
];
const VALUES: [&str; 3] = ["", "infra", "true"];
const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

fn taint() -> impl Strategy<Value = Taint> {
    (0..KEYS.len(), 0..VALUES.len(), 0..EFFECTS.len()).prop_map(|(k, v, e)| Taint {
        key: KEYS[k].to_owned(),
        value: (!VALUES[v].is_empty()).then(|| VALUES[v].to_owned()),
        effect: EFFECTS[e].to_owned(),
        time_added: None,
    })
}

fn toleration() -> impl Strategy<Value = Toleration> {
    (
        0..=KEYS.len(),
        0..2usize,
        0..VALUES.len(),
        0..=EFFECTS.len(),
    )
        .prop_map(|(k, op, v, e)| {
            let exists = op == 0 || k == KEYS.len();
            Toleration {
                key: KEYS.get(k).map(|k| (*k).to_owned()),
                operator: Some(if exists { "Exists" } else { "Equal" }.to_owned()),
                value: (!exists && !VALUES[v].is_empty()).then(|| VALUES[v].to_owned()),
                effect: EFFECTS.get(e).map(|e| (*e).to_owned()),
                toleration_seconds: None,
            }
        })
}

fn node() -> impl Strategy<Value = Node> {
    (
        prop::collection::vec(taint(), 0..4),
        prop::collection::btree_map("[a-c]", "[x-z]", 0..3),
        any::<bool>(),
    )
        .prop_map(|(taints, labels, cordoned)| {
            let mut node = Node::default();
            node.metadata.name = Some("node-1".to_owned());
            node.metadata.labels = Some(labels);
            node.spec = Some(NodeSpec {
                taints: Some(taints),
                unschedulable: Some(cordoned),
                ..NodeSpec::default()
            });
            node
        })
}

fn daemon_set(tolerations: Vec<Toleration>, selector: BTreeMap<String, String>) -> DaemonSet {
    let mut ds = DaemonSet::default();
    ds.metadata.name = Some("agent".to_owned());
    ds.spec.template.spec = Some(PodSpec {
        tolerations: Some(tolerations),
        node_selector: Some(selector),
        ..PodSpec::default()
    });
    ds
}

proptest! {
    #[test]
    fn adding_a_toleration_never_takes_a_pod_away(
        node in node(),
        tolerations in prop::collection::vec(toleration(), 0..3),
        extra in toleration(),
        selector in prop::collection::btree_map("[a-c]", "[x-z]", 0..2),
    ) {
        let before = daemon_set(tolerations.clone(), selector.clone());
        let mut more = tolerations;
        more.push(extra);
        let after = daemon_set(more, selector);
        let (b, _) = CompiledDaemonSet::new(&before).evaluate(&node);
        let (a, _) = CompiledDaemonSet::new(&after).evaluate(&node);
        prop_assert!(!b.should_run || a.should_run, "shouldRun went from true to false");
        prop_assert!(!b.should_continue_running || a.should_continue_running);
        prop_assert!(!a.should_run || a.should_continue_running, "(true, false) never occurs");
    }

    #[test]
    fn tolerating_everything_runs_wherever_the_selector_matches(node in node()) {
        let all = Toleration { operator: Some("Exists".to_owned()), ..Toleration::default() };
        let ds = daemon_set(vec![all], BTreeMap::new());
        let (d, reasons) = CompiledDaemonSet::new(&ds).evaluate(&node);
        prop_assert!(d.should_run && d.should_continue_running, "{reasons:?}");
    }

    #[test]
    fn placement_json_round_trips(nodes in prop::collection::vec(node(), 1..5)) {
        let mut text = String::from("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      nodeSelector: {a: x}\n      containers: [{name: a, image: agent:1}]\n");
        for (i, mut node) in nodes.into_iter().enumerate() {
            node.metadata.name = Some(format!("node-{i}"));
            let yaml = serde_yaml::to_string(&node).unwrap_or_default();
            text.push_str(&format!("---\n{yaml}"));
        }
        let report = place_sources(&[Source { name: "gen.yaml", text: &text }], &PlaceOptions::default());
        // Generated nodes may repeat a taint, which the API server rejects: not this property.
        let Ok(report) = report else { return Ok(()) };
        let json = report.to_json();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        prop_assert_eq!(&parsed, &serde_json::to_value(&report).unwrap_or_default());
        let ds = &parsed["daemonSets"][0];
        let nodes = ds["nodes"].as_array().cloned().unwrap_or_default();
        let running = nodes.iter().filter(|n| n["shouldRun"] == true).count();
        prop_assert_eq!(ds["desiredNumberScheduled"].as_u64(), Some(running as u64));
        for n in &nodes {
            prop_assert!(["running", "pending", "none"].contains(&n["pod"].as_str().unwrap_or("")));
            prop_assert!(n["shouldRun"] == false || n["shouldContinueRunning"] == true);
        }
    }

    #[test]
    fn no_text_makes_the_reader_panic(text in "\\PC{0,200}") {
        let _ = read(&[Source { name: "x.yaml", text: &text }]);
    }

    #[test]
    fn damaged_manifests_give_errors_inside_the_text(cut in 0usize..400, junk in "[ :\\-\\[\\]{}#&*!|>'\"\\t\\n]{0,3}") {
        let good = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      tolerations:\n      - {key: a, operator: Exists}\n      containers:\n      - name: a\n        image: agent:1\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n";
        let at = good.char_indices().map(|(i, _)| i).nth(cut % good.len()).unwrap_or(0);
        let text = format!("{}{}{}", &good[..at], junk, &good[at..]);
        let lines = u32::try_from(text.lines().count()).unwrap_or(u32::MAX) + 1;
        if let Err(errors) = read(&[Source { name: "x.yaml", text: &text }]) {
            for e in errors {
                prop_assert!(e.line.is_none_or(|l| l >= 1 && l <= lines), "{e}");
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}
