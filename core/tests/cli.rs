//! The `dsim` command line as a user meets it: exit codes, output formats, and errors that
//! name the file, line, column and field for every class of bad input.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Writes `text` to a file named `name` in a fresh directory and returns its path.
fn file(name: &str, text: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dsim-cli-{}-{}",
        std::process::id(),
        name.replace(['/', '.'], "_")
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn dsim(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run dsim: {e}"));
    if let Some(input) = stdin {
        if let Some(mut pipe) = child.stdin.take() {
            pipe.write_all(input).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `dsim place` on `text` saved as `name`; asserts exit code 2 and that stderr holds
/// `name:LINE:COL: PATH: ` followed by a message containing `message`.
fn assert_input_error(name: &str, text: &str, line_col_path: &str, message: &str) {
    let path = file(name, text.as_bytes());
    let p = path.to_string_lossy().into_owned();
    let out = dsim(&["place", &p], None);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit code for {name}; stderr: {err}"
    );
    let wanted = if line_col_path.is_empty() {
        format!("{p}: ")
    } else {
        format!("{p}:{line_col_path}: ")
    };
    let line = err
        .lines()
        .find(|l| l.starts_with(&wanted))
        .unwrap_or_else(|| panic!("no error starting with {wanted:?} in:\n{err}"));
    assert!(
        line.contains(message),
        "{line:?} should contain {message:?}"
    );
}

const DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-collector
spec:
  selector:
    matchLabels:
      app: log-collector
  template:
    metadata:
      labels:
        app: log-collector
    spec:
      containers:
      - name: fluentd
        image: fluentd:v1.14
";

const NODE: &str = "---
apiVersion: v1
kind: Node
metadata:
  name: worker-1
";

#[test]
fn places_and_prints_a_table_by_default() {
    let p = file("ok.yaml", format!("{DS}{NODE}").as_bytes());
    let out = dsim(&["place", &p.to_string_lossy()], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("DaemonSet default/log-collector: desired 1 of 1 node(s)\n"),
        "{text}"
    );
    assert!(
        text.contains("worker-1   true         true       running"),
        "{text}"
    );
}

#[test]
fn json_output_follows_the_contract() {
    let p = file("ok.json.yaml", format!("{DS}{NODE}").as_bytes());
    let out = dsim(&["place", &p.to_string_lossy(), "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["daemonSets"][0]["namespace"], "default");
    assert_eq!(v["daemonSets"][0]["name"], "log-collector");
    assert_eq!(v["daemonSets"][0]["desiredNumberScheduled"], 1);
    let node = &v["daemonSets"][0]["nodes"][0];
    assert_eq!(node["node"], "worker-1");
    assert_eq!(node["shouldRun"], true);
    assert_eq!(node["shouldContinueRunning"], true);
    assert_eq!(node["pod"], "running");
    assert_eq!(node["reasons"], serde_json::json!([]));
    assert_eq!(v["warnings"], serde_json::json!([]));
}

/// A Namespace whose `pod-security.kubernetes.io/enforce` level the pods do not meet:
/// placement still says where the pods should run, and a warning says that the API
/// server refuses every one of them, with Pod Security Admission's words.
#[test]
fn enforced_pod_security_is_a_warning_beside_the_placement() {
    let namespace = "apiVersion: v1
kind: Namespace
metadata:
  name: default
  labels: {pod-security.kubernetes.io/enforce: baseline}
---
";
    let privileged = DS.replace(
        "      containers:\n",
        "      hostNetwork: true\n      containers:\n",
    );
    assert_ne!(privileged, DS);
    let p = file(
        "enforced.yaml",
        format!("{namespace}{privileged}{NODE}").as_bytes(),
    );
    let out = dsim(&["place", &p.to_string_lossy(), "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["daemonSets"][0]["desiredNumberScheduled"], 1);
    assert_eq!(v["daemonSets"][0]["nodes"][0]["pod"], "running");
    assert_eq!(v["warnings"].as_array().map(Vec::len), Some(1), "{v}");
    let warning = &v["warnings"][0];
    assert_eq!(warning["path"], "spec.template.spec.hostNetwork");
    assert_eq!(
        warning["message"],
        "namespace \"default\" has pod-security.kubernetes.io/enforce: baseline, and the pods meet only the privileged level: the API server accepts daemonset default/log-collector but refuses every pod the controller creates, so none of the nodes that should run one gets it (FailedCreate: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true))"
    );
    // A template that meets the level: no warning.
    let p = file("admitted.yaml", format!("{namespace}{DS}{NODE}").as_bytes());
    let out = dsim(&["place", &p.to_string_lossy(), "-o", "json"], None);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn reads_standard_input_and_several_files() {
    let nodes = file("nodes.yaml", NODE.as_bytes());
    let out = dsim(
        &["place", "-", &nodes.to_string_lossy(), "-o", "json"],
        Some(DS.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"worker-1\""));
}

#[test]
fn other_kinds_are_skipped_with_a_warning() {
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: daemonset-sa\n---\n";
    let p = file("sa.yaml", format!("{sa}{DS}{NODE}").as_bytes());
    let out = dsim(&["place", &p.to_string_lossy(), "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let warning = &v["warnings"][0];
    assert_eq!(warning["line"], 1);
    assert!(
        warning["message"]
            .as_str()
            .unwrap_or("")
            .contains("skipping ServiceAccount \"daemonset-sa\""),
        "{warning}"
    );
}

#[test]
fn daemonset_filter_selects_and_reports_not_found() {
    let p = file("filter.yaml", format!("{DS}{NODE}").as_bytes());
    let p = p.to_string_lossy();
    let out = dsim(&["place", &p, "--daemonset", "default/log-collector"], None);
    assert_eq!(out.status.code(), Some(0));
    let out = dsim(
        &["place", &p, "--daemonset", "kube-system/log-collector"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("daemonsets.apps \"kube-system/log-collector\" not found"));
}

#[test]
fn unknown_field_is_an_error_at_its_line() {
    let text = DS.replace("  template:", "  tempalte:");
    assert_input_error(
        "typo.yaml",
        &text,
        "9:3: spec.tempalte",
        "unknown field \"spec.tempalte\"",
    );
}

#[test]
fn wrong_type_is_an_error_naming_the_field() {
    let text = DS.replace("image: fluentd:v1.14", "image: [fluentd]");
    assert_input_error(
        "type.yaml",
        &text,
        "16:9: spec.template.spec.containers[0].image",
        "invalid type: sequence, expected a string",
    );
}

#[test]
fn syntax_error_points_at_the_line() {
    assert_input_error(
        "syntax.yaml",
        "apiVersion: v1\nkind: Node\nmetadata: {name: [a\n",
        "4:1",
        "yaml:",
    );
}

#[test]
fn tab_indentation_is_a_syntax_error() {
    assert_input_error(
        "tab.yaml",
        "apiVersion: v1\nkind: Node\nmetadata:\n\tname: a\n",
        "4:1",
        "tab",
    );
}

#[test]
fn missing_kind_and_api_version_are_named() {
    assert_input_error(
        "nokind.yaml",
        "apiVersion: v1\nmetadata: {name: a}\n",
        "1:1",
        "kind not set",
    );
    assert_input_error(
        "noapi.yaml",
        "kind: Node\nmetadata: {name: a}\n",
        "1:1",
        "apiVersion not set",
    );
}

#[test]
fn old_api_versions_are_rejected_like_the_api_server() {
    let text = DS.replace("apps/v1", "extensions/v1beta1");
    assert_input_error(
        "old.yaml",
        &text,
        "1:1: apiVersion",
        "no matches for kind \"DaemonSet\" in version \"extensions/v1beta1\"",
    );
}

#[test]
fn a_document_that_is_not_an_object_is_an_error() {
    assert_input_error(
        "list.yaml",
        "- a\n- b\n",
        "1:1",
        "expected a Kubernetes object",
    );
}

#[test]
fn input_without_a_daemonset_is_an_error() {
    let p = file("nods.yaml", NODE.as_bytes());
    let out = dsim(&["place", &p.to_string_lossy()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no DaemonSet found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_errors_carry_position_and_path() {
    let text = "{\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": {\"name\": 5}}";
    let p = file("bad.json", text.as_bytes());
    let out = dsim(&["place", &p.to_string_lossy(), "-o", "json"], None);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let e = &v["errors"][0];
    assert_eq!(e["path"], "metadata.name");
    assert_eq!(e["line"], 1);
    assert!(e["column"].as_u64().is_some_and(|c| c > 40), "{e}");
    assert_eq!(e["message"], "invalid type: integer `5`, expected a string");
}

#[test]
fn binary_junk_missing_files_and_bombs_fail_cleanly() {
    let junk: Vec<u8> = (0..2000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let p = file("junk.bin", &junk);
    let out = dsim(&["place", &p.to_string_lossy()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));

    let out = dsim(&["place", "/nonexistent/ds.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not exist"));

    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        bomb.push_str(&format!(
            "{next}: &{next} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    assert_input_error("bomb.yaml", &bomb, "", "repetition limit exceeded");

    let deep = format!("a: {}\n", "[".repeat(100_000));
    assert_input_error(
        "deep.yaml",
        &deep,
        "1:132",
        "nested more than 128 levels deep",
    );
}
