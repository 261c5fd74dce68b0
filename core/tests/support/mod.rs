//! Shared checks for the Kubernetes-derived placement cases, used by the native test and
//! by the same test compiled to WebAssembly and run in a browser.

use daemonset_sim::manifest::Source;
use daemonset_sim::placement::{place_sources, PlaceError, PlaceOptions};
use serde_json::Value;

/// Runs one case (`NAME.yaml` against `NAME.expect.json`); `Err` says what differs.
pub fn check_case(name: &str, yaml: &str, expect: &str) -> Result<(), String> {
    let expect: Value =
        serde_json::from_str(expect).map_err(|e| format!("{name}: bad expect file: {e}"))?;
    let sources = [Source {
        name: &format!("{name}.yaml"),
        text: yaml,
    }];
    let report = place_sources(&sources, &PlaceOptions::default()).map_err(|e| match e {
        PlaceError::Input(errors) => format!(
            "{name}: input errors: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    })?;
    let [ds] = report.daemon_sets.as_slice() else {
        return Err(format!("{name}: expected exactly one DaemonSet"));
    };
    let id = format!("{}/{}", ds.namespace, ds.name);
    if expect["daemonSet"].as_str() != Some(id.as_str()) {
        return Err(format!(
            "{name}: DaemonSet is {id}, expected {}",
            expect["daemonSet"]
        ));
    }
    let nodes = expect["nodes"]
        .as_object()
        .ok_or(format!("{name}: no nodes in expect file"))?;
    if nodes.len() != ds.nodes.len() {
        return Err(format!(
            "{name}: {} nodes placed, {} expected",
            ds.nodes.len(),
            nodes.len()
        ));
    }
    let mut desired = 0;
    for placed in &ds.nodes {
        let want = &nodes
            .get(&*placed.node)
            .ok_or(format!("{name}: unexpected node {}", placed.node))?;
        let should_run = want["shouldRun"].as_bool();
        let should_continue = want["shouldContinueRunning"].as_bool();
        if should_run == Some(true) {
            desired += 1;
        }
        if should_run != Some(placed.should_run)
            || should_continue != Some(placed.should_continue_running)
        {
            return Err(format!(
                "{name}: node {}: got shouldRun={} shouldContinueRunning={}, Kubernetes gives {want} ({})",
                placed.node, placed.should_run, placed.should_continue_running, expect["source"]
            ));
        }
        if let Some(pod) = want.get("pod").and_then(Value::as_str) {
            if pod != placed.pod.as_str() {
                return Err(format!(
                    "{name}: node {}: pod is {}, expected {pod}",
                    placed.node,
                    placed.pod.as_str()
                ));
            }
        }
        if let Some(codes) = want.get("reasonCodes").and_then(Value::as_array) {
            let got: Vec<&str> = placed.reasons.iter().map(|r| r.code).collect();
            let wanted: Vec<&str> = codes.iter().filter_map(Value::as_str).collect();
            if got != wanted {
                return Err(format!(
                    "{name}: node {}: reason codes {got:?}, expected {wanted:?}",
                    placed.node
                ));
            }
        }
        if let Some(text) = want.get("messageContains").and_then(Value::as_str) {
            if !placed.reasons.iter().any(|r| r.message.contains(text)) {
                return Err(format!(
                    "{name}: node {}: no reason mentions {text:?}; reasons: {:?}",
                    placed.node, placed.reasons
                ));
            }
        }
    }
    if ds.desired_number_scheduled != desired {
        return Err(format!(
            "{name}: desiredNumberScheduled {} but {desired} nodes have shouldRun",
            ds.desired_number_scheduled
        ));
    }
    Ok(())
}

macro_rules! case {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../tests/cases/", $name, ".yaml")),
            include_str!(concat!("../../../tests/cases/", $name, ".expect.json")),
        )
    };
}

/// Every case, embedded so the WebAssembly build needs no file system.
pub const CASES: &[(&str, &str, &str)] = &[
    case!("placement/affinity-in"),
    case!("placement/affinity-terms-ored"),
    case!("placement/control-plane-taint-tolerated"),
    case!("placement/control-plane-taint-untolerated"),
    case!("placement/cordoned-node-still-runs"),
    case!("placement/insufficient-resources-and-hostport-ignored"),
    case!("placement/list-gke-nodepools-logging-agent"),
    case!("placement/network-unavailable-with-hostnetwork"),
    case!("placement/nodeselector-match-mismatch"),
    case!("placement/noexecute-untolerated"),
    case!("placement/plain-all-nodes"),
    case!("placement/prefer-no-schedule-ignored"),
    case!("placement/spec-nodename-single-node"),
    case!("placement/tolerate-all-exists"),
    case!("placement-own/affinity-mismatch-overrides-taint"),
    case!("placement-own/all-terms-empty-matches-nothing"),
    case!("placement-own/cordoned-with-taint"),
    case!("placement-own/doesnotexist-empty-value-counts-as-present"),
    case!("placement-own/empty-effect-toleration-matches-all-effects"),
    case!("placement-own/empty-term-never-matches-but-other-term-does"),
    case!("placement-own/equal-operator-empty-value"),
    case!("placement-own/existing-daemon-pods"),
    case!("placement-own/gt-lt-operators"),
    case!("placement-own/hostport-and-cpu-first-failing-filter"),
    case!("placement-own/hostport-conflict-with-other-pod"),
    case!("placement-own/matchfields-metadata-name"),
    case!("placement-own/mixed-list"),
    case!("placement-own/mixed-taints"),
    case!("placement-own/network-unavailable-without-hostnetwork"),
    case!("placement-own/nodelist-kind"),
    case!("placement-own/nodename-on-tainted-control-plane"),
    case!("placement-own/nodeselector-and-affinity-both-required"),
    case!("placement-own/noschedule-toleration-does-not-cover-noexecute"),
    case!("placement-own/notin-matches-missing-label"),
    case!("placement-own/notready-noexecute-only"),
    case!("placement-own/pressure-taints"),
    case!("placement-own/real-notready-node"),
    case!("placement-own/relabeled-daemon-pod-released"),
    case!("placement-own/requests-default-to-limits"),
    case!("placement-own/resources-other-pods"),
    case!("placement-own/scheduler-fit-error-message"),
    case!("placement-own/toleration-seconds-still-tolerates"),
    case!("placement-own/extended-resource-gpu"),
];
