//! `dsim rollout` as a user meets it: the JSON contract, the text timeline, and a clear
//! error with exit code 2 for every kind of bad option.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/quickstart.yaml");

fn case(name: &str) -> String {
    format!(
        "{}/../tests/cases/rollout/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn dsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run dsim: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dsim-rollout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// Asserts exit code 2 and that stderr contains `wanted`.
fn assert_refused(args: &[&str], wanted: &str) {
    let out = dsim(args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {err}");
    assert!(
        err.contains(wanted),
        "{args:?}: stderr {err:?} lacks {wanted:?}"
    );
}

#[test]
fn json_follows_the_contract() {
    let input = case("update-max-unavailable-2");
    let out = dsim(&["rollout", &input, "--set-image", "foo=foo:2", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["daemonSet"], "default/foo");
    let from = json["revisions"]["from"].as_str().unwrap_or_default();
    let to = json["revisions"]["to"].as_str().unwrap_or_default();
    assert!(!from.is_empty() && !to.is_empty() && from != to, "{json}");
    let initial = json["initial"].as_array().map(Vec::len);
    assert_eq!(initial, Some(5));
    for pod in json["initial"].as_array().into_iter().flatten() {
        for key in ["node", "pod", "revision", "ready", "available"] {
            assert!(pod.get(key).is_some(), "initial pod lacks {key}: {pod}");
        }
        assert_eq!(pod["revision"], from);
    }
    let steps = json["steps"].as_array().cloned().unwrap_or_default();
    assert!(steps.len() >= 6, "{json}");
    let mut last_time = 0.0;
    for step in &steps {
        let time = step["time"].as_f64().unwrap_or(-1.0);
        assert!(time >= last_time, "time goes back: {step}");
        last_time = time;
        for key in [
            "desiredNumberScheduled",
            "currentNumberScheduled",
            "numberReady",
            "updatedNumberScheduled",
            "numberAvailable",
            "numberUnavailable",
            "numberMisscheduled",
        ] {
            assert!(step["status"][key].is_i64(), "status lacks {key}: {step}");
        }
        for event in step["events"].as_array().into_iter().flatten() {
            let kind = event["type"].as_str().unwrap_or_default();
            assert!(
                ["create", "delete", "ready", "available", "failed"].contains(&kind),
                "{event}"
            );
            for key in ["node", "pod", "revision", "reason"] {
                assert!(event[key].is_string(), "event lacks {key}: {event}");
            }
        }
        assert!(step["message"].is_string());
    }
    assert_eq!(json["outcome"], "complete");
    assert_eq!(
        steps.last().map(|s| s["message"].clone()),
        Some(Value::from("daemon set \"foo\" successfully rolled out"))
    );
    assert_eq!(json["steps"][0]["time"], 0);
    assert!(
        json["steps"][2]["time"].is_u64(),
        "whole seconds are integers"
    );
}

#[test]
fn text_is_a_readable_timeline() {
    let out = dsim(&[
        "rollout",
        QUICKSTART,
        "--set-image",
        "node-exporter=prom/node-exporter:v1.9.0",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("daemonset monitoring/monitoring-agent: "),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "kubectl set image daemonset/monitoring-agent node-exporter=prom/node-exporter:v1.9.0"
        ),
        "{stdout}"
    );
    // worker-2 has 64Mi allocatable and the pod requests 128Mi: its pod stays Pending, is
    // replaced at once as unavailable, and the new one cannot be scheduled either.
    assert!(
        stdout.contains("FailedScheduling: 0/4 nodes are available: 1 Insufficient memory"),
        "{stdout}"
    );
    assert!(
        stdout.contains("stalled: 0 of 2 nodes run revision"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 out of 2 new pods have been updated..."),
        "{stdout}"
    );
}

#[test]
fn a_broken_image_stalls_at_the_budget_and_says_why() {
    let input = case("update-max-unavailable-2");
    let out = dsim(&[
        "rollout",
        &input,
        "--set-image",
        "foo=foo:broken",
        "--fail-image",
        "foo:broken",
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["outcome"], "stalled");
    let reason = json["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("ImagePullBackOff"), "{reason}");
    assert!(reason.contains("maxUnavailable 2"), "{reason}");
    let last = &json["steps"]
        .as_array()
        .and_then(|s| s.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["status"]["updatedNumberScheduled"], 2);
    assert_eq!(last["status"]["numberAvailable"], 3);
}

/// An update to a template the namespace's Pod Security `enforce` level refuses: the
/// controller deletes an old pod within maxUnavailable, the API server refuses the new
/// one (`FailedCreate`), and the node is left without the agent.
#[test]
fn an_update_that_pod_security_refuses_stalls_with_a_node_down() {
    let ds = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - {name: agent, image: agent:1}
";
    let cluster = format!(
        "apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
  labels: {{pod-security.kubernetes.io/enforce: baseline}}
---
{ds}---
apiVersion: v1
kind: Node
metadata: {{name: node-1}}
---
apiVersion: v1
kind: Node
metadata: {{name: node-2}}
"
    );
    let input = temp("enforced.yaml", &cluster);
    let to = temp(
        "privileged.yaml",
        &ds.replace(
            "{name: agent, image: agent:1}",
            "{name: agent, image: agent:2, securityContext: {privileged: true}}",
        ),
    );
    let input = input.to_string_lossy();
    let to = to.to_string_lossy();
    let out = dsim(&["rollout", &input, "--to", &to, "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["initial"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["outcome"], "stalled");
    let violates = "violates PodSecurity \"baseline:latest\": privileged (container \"agent\" must not set securityContext.privileged=true)";
    let reason = json["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("namespace \"monitoring\" has pod-security.kubernetes.io/enforce: baseline, and the pods meet only the privileged level, so the API server refuses every pod the controller creates (FailedCreate: {violates})")),
        "{reason}"
    );
    let steps = json["steps"].as_array().cloned().unwrap_or_default();
    let refused: Vec<&Value> = steps
        .iter()
        .flat_map(|s| s["failedCreates"].as_array().into_iter().flatten())
        .collect();
    assert!(!refused.is_empty(), "{json}");
    for failed in &refused {
        let pod = failed["pod"].as_str().unwrap_or_default();
        assert!(pod.starts_with("agent-"), "{failed}");
        assert_eq!(
            failed["reason"],
            format!("pods \"{pod}\" is forbidden: {violates}")
        );
        assert_eq!(failed["revision"], json["revisions"]["to"]);
    }
    // Steps without refusals carry no failedCreates key.
    assert!(steps.iter().any(|s| s.get("failedCreates").is_none()));
    let last = steps.last().cloned().unwrap_or_default();
    assert_eq!(last["status"]["desiredNumberScheduled"], 2);
    assert_eq!(last["status"]["currentNumberScheduled"], 1);
    assert_eq!(last["status"]["updatedNumberScheduled"], 0);
    assert_eq!(last["status"]["numberAvailable"], 1);
    let out = dsim(&["rollout", &input, "--to", &to]);
    let timeline = text(&out.stdout);
    assert!(
        timeline.contains(&format!(" is forbidden: {violates}\n"))
            && timeline.contains("  refused   agent-"),
        "{timeline}"
    );
}

#[test]
fn undo_rolls_back_as_a_new_rollout() {
    let input = case("update-max-unavailable-2");
    let out = dsim(&[
        "rollout",
        &input,
        "--set-image",
        "foo=foo:broken",
        "--fail-image",
        "foo:broken",
        "--undo",
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["outcome"], "complete", "{}", json["reason"]);
    assert_eq!(json["revisions"]["to"], json["revisions"]["from"]);
    let history: Vec<i64> = json["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["revision"].as_i64())
        .collect();
    assert_eq!(
        history,
        vec![2, 3],
        "the rolled-back revision is renumbered: {json}"
    );
}

#[test]
fn bad_options_are_refused_with_exit_code_2() {
    let input = case("update-max-unavailable-2");
    assert_refused(
        &["rollout", &input, "--set-image", "nope=foo:2"],
        "--set-image: error: unable to find container named \"nope\"",
    );
    assert_refused(
        &[
            "rollout",
            &input,
            "--set-image",
            "foo=foo:2",
            "--ready-after",
            "-1",
        ],
        "--ready-after: \"-1\": seconds must be 0 or more",
    );
    assert_refused(
        &[
            "rollout",
            &input,
            "--set-image",
            "foo=foo:2",
            "--delete-pods",
            "node-9",
        ],
        "--delete-pods: Error from server (NotFound): nodes \"node-9\" not found",
    );
    assert_refused(
        &[
            "rollout",
            &input,
            "--set-image",
            "foo=foo:2",
            "--at",
            "5:explode:node-1",
        ],
        "unknown action \"explode\"",
    );
    assert_refused(
        &["rollout", &input, "--set-image", "foo"],
        "--set-image: expected CONTAINER=IMAGE",
    );
    let moved = std::fs::read_to_string(&input)
        .unwrap_or_default()
        .replacen("matchLabels: {app: foo}", "matchLabels: {app: bar}", 1)
        .replacen("labels: {app: foo}", "labels: {app: bar}", 1);
    let to = temp("moved.yaml", &moved);
    let to = to.to_string_lossy();
    assert_refused(
        &["rollout", &input, "--to", &to],
        "spec.selector: The DaemonSet \"foo\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"bar\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
    );
    let out = dsim(&["rollout", &input]);
    assert_eq!(out.status.code(), Some(2), "an update is required");
}

#[test]
fn bad_options_in_json_mode_are_json_errors() {
    let input = case("update-max-unavailable-2");
    let out = dsim(&["rollout", &input, "--set-image", "nope=x", "-o", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["errors"][0]["file"], "--set-image");
    assert!(Path::new(&input).exists());
}
