//! The complete YAML examples of the study guide the project teaches from
//! (`tests/fixtures/guide/`): the valid ones are read and placed, and the one the API
//! server would reject (a DaemonSet without a selector) is rejected the same way.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::manifest::Source;
use daemonset_sim::placement::{place_sources, PlaceError, PlaceOptions};
use std::path::Path;

fn run(name: &str, nodes: &str) -> Result<daemonset_sim::placement::PlacementReport, PlaceError> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/guide");
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let sources = [
        Source { name, text: &text },
        Source {
            name: "nodes.yaml",
            text: nodes,
        },
    ];
    place_sources(&sources, &PlaceOptions::default())
}

const NODES: &str = "apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-1\n  labels: {monitoring: enabled}\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: worker-2\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: control-plane-1\nspec:\n  taints:\n  - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}\n";

#[test]
fn guide_daemonsets_land_where_the_guide_says() {
    for (file, name, desired) in [
        ("basic-daemonset.yaml", "log-collector", 2),
        ("node-selection.yaml", "monitoring-agent", 1),
        ("rolling-update.yaml", "network-plugin", 2),
    ] {
        let report = run(file, NODES).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let ds = &report.daemon_sets[0];
        assert_eq!(
            (ds.name.as_str(), ds.desired_number_scheduled),
            (name, desired),
            "{file}"
        );
        assert_eq!(ds.nodes.len(), 3);
    }
}

#[test]
fn guide_daemonset_without_selector_is_rejected_like_the_api_server() {
    let Err(PlaceError::Input(errors)) = run("service-account.yaml", NODES) else {
        panic!("a DaemonSet without spec.selector must be rejected");
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "spec.selector");
    assert_eq!(
        errors[0].message,
        "Invalid value: {}: empty selector is invalid for daemonset"
    );
}
