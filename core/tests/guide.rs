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

fn roll(
    name: &str,
    options: &daemonset_sim::rollout::RolloutOptions,
    edit: impl Fn(String) -> String,
) -> daemonset_sim::rollout::Rollout {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/guide");
    let text =
        edit(std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")));
    let sources = [
        Source { name, text: &text },
        Source {
            name: "nodes.yaml",
            text: NODES,
        },
    ];
    let manifests = daemonset_sim::manifest::read(&sources).unwrap_or_else(|e| panic!("{e:?}"));
    daemonset_sim::rollout::simulate(&manifests, &[name, "nodes.yaml"], options)
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// The guide's `kubectl set image daemonset/log-collector fluentd=fluentd:v1.15`, then
/// `kubectl rollout status daemonset/log-collector`.
#[test]
fn guide_set_image_rolls_out_and_rollout_status_says_so() {
    use daemonset_sim::rollout::{Outcome, RolloutOptions, Update};
    let options = RolloutOptions {
        update: Update::SetImage(vec![("fluentd".into(), "fluentd:v1.15".into())]),
        ..RolloutOptions::default()
    };
    let rollout = roll("basic-daemonset.yaml", &options, |t| t);
    assert_eq!(rollout.outcome, Outcome::Complete, "{}", rollout.reason);
    let messages: Vec<&str> = rollout.steps.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(
        messages.first().copied(),
        Some("Waiting for daemon set \"log-collector\" rollout to finish: 0 out of 2 new pods have been updated...")
    );
    assert_eq!(
        messages.last().copied(),
        Some("daemon set \"log-collector\" successfully rolled out")
    );
    // maxUnavailable defaults to 1: never more than one of the two nodes without an
    // available pod.
    assert!(rollout
        .steps
        .iter()
        .all(|s| s.status.number_unavailable <= 1));
}

/// The guide's OnDelete fragment: nothing is replaced until a pod is deleted by hand.
#[test]
fn guide_on_delete_replaces_only_deleted_pods() {
    use daemonset_sim::rollout::{Outcome, RolloutOptions, Update};
    let on_delete = |t: String| {
        t.replace(
            "type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1",
            "type: OnDelete",
        )
    };
    let mut options = RolloutOptions {
        update: Update::SetImage(vec![("calico-node".into(), "calico/node:v3.25.0".into())]),
        ..RolloutOptions::default()
    };
    let untouched = roll("rolling-update.yaml", &options, on_delete);
    assert_eq!(untouched.outcome, Outcome::Stalled);
    assert!(
        untouched.reason.contains("OnDelete"),
        "{}",
        untouched.reason
    );
    assert_eq!(
        untouched.steps.last().map(|s| s.message.as_str()),
        Some("error: rollout status is only available for RollingUpdate strategy type")
    );
    options.delete_pods = vec!["worker-1".into(), "worker-2".into()];
    let replaced = roll("rolling-update.yaml", &options, on_delete);
    assert_eq!(replaced.outcome, Outcome::Complete, "{}", replaced.reason);
}

/// Every preset of the playground: the guide's complete examples and its fragments merged
/// into complete DaemonSets (`tests/fixtures/guide/merged/`), against the sample cluster.
#[test]
fn guide_presets_place_on_the_sample_cluster() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/guide");
    let cluster =
        std::fs::read_to_string(dir.join("cluster.yaml")).unwrap_or_else(|e| panic!("{e}"));
    for (file, desired) in [
        ("basic-daemonset.yaml", 3),
        ("node-selection.yaml", 2),
        ("rolling-update.yaml", 3),
        ("merged/control-plane-tolerations.yaml", 4),
        ("merged/on-delete.yaml", 3),
        ("merged/privileged-agent.yaml", 3),
        ("merged/resources.yaml", 3),
        ("merged/priority-class.yaml", 3),
        ("merged/system-pattern.yaml", 5),
    ] {
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let sources = [
            Source {
                name: file,
                text: &text,
            },
            Source {
                name: "cluster.yaml",
                text: &cluster,
            },
        ];
        let report = place_sources(&sources, &PlaceOptions::default())
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!(
            report.daemon_sets[0].desired_number_scheduled, desired,
            "{file}"
        );
        assert_eq!(report.daemon_sets[0].nodes.len(), 5, "{file}");
    }
    let merged = std::fs::read_dir(dir.join("merged"))
        .map(Iterator::count)
        .unwrap_or(0);
    assert_eq!(merged, 6, "every merged preset is checked above");
}
