//! WebAssembly bindings of daemonset-sim for JavaScript and the browser playground.
//!
//! Built by `cargo xtask serve` (and `cargo xtask test`) with `wasm-bindgen --target web` into
//! `target/site/pkg/daemonset_sim_web.js`, which `www/index.html` imports. The typed npm API
//! grows from here: the placement report, the rollout timeline, the lint report (as the same
//! JSON and text the CLI prints) and a kubectl session over the simulated cluster.

#[cfg(feature = "kubectl")]
use daemonset_sim::kubectl::{self, Output, Session};
use daemonset_sim::lint::lint;
use daemonset_sim::manifest::{read, read_for_placement, utf8, Diagnostic, Source};
use daemonset_sim::placement::{place_sources, PlaceError, PlaceOptions, PlacementReport};
use daemonset_sim::rollout::{
    options_from_json_text, simulate, Rollout, RolloutError, RolloutOptions,
};
use wasm_bindgen::prelude::{wasm_bindgen, JsError};

#[cfg(any(feature = "kubectl", feature = "playground"))]
pub mod cluster;
#[cfg(any(feature = "kubectl", feature = "playground"))]
pub mod edits;
#[cfg(feature = "playground")]
pub mod playground;

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

/// A rollout of the DaemonSet in `yaml` over its nodes, as pretty JSON: the contract
/// `dsim rollout -o json` prints. `options` is JSON: `{ "setImage": "c=img", "to": "<yaml
/// of the updated DaemonSet>", "readyAfter": seconds, "failImages": [..], "deletePods":
/// [..], "at": ["30:notready:node-1", ..], "undo": revision, "daemonSet": "ns/name" }`,
/// every key optional.
///
/// # Errors
/// Input or option errors, one per line as `FILE:LINE:COL: path: message`.
#[wasm_bindgen(js_name = rolloutJson)]
pub fn rollout_json(yaml: &str, options: &str) -> Result<String, JsError> {
    rollout(yaml, options).map(|r| r.to_json())
}

/// The same rollout as a readable timeline, as `dsim rollout` prints it.
///
/// # Errors
/// As [`rollout_json`].
#[wasm_bindgen(js_name = rolloutText)]
pub fn rollout_text(yaml: &str, options: &str) -> Result<String, JsError> {
    rollout(yaml, options).map(|r| r.to_text())
}

fn js_errors(errors: &[Diagnostic]) -> JsError {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    JsError::new(&lines.join("\n"))
}

fn rollout_options(options: &str) -> Result<RolloutOptions, JsError> {
    parse_rollout_options(options).map_err(|errors| js_errors(&errors))
}

/// Reads the options JSON; errors name the option (`setImage`, `at`, ...) and say why.
fn parse_rollout_options(options: &str) -> Result<RolloutOptions, Vec<Diagnostic>> {
    options_from_json_text(options, "to.yaml")
}

fn rollout(yaml: &str, options: &str) -> Result<Rollout, JsError> {
    let options = rollout_options(options)?;
    let manifests = read_for_placement(&[Source {
        name: "input.yaml",
        text: yaml,
    }])
    .map_err(|e| js_errors(&e))?;
    simulate(&manifests, &["input.yaml"], &options)
        .map_err(|RolloutError::Input(errors)| js_errors(&errors))
}

/// Errors as the npm wrapper reads them: `{"errors": [{file, line, column, path, message}]}`.
fn structured(errors: &[Diagnostic]) -> JsError {
    JsError::new(&serde_json::json!({ "errors": errors }).to_string())
}

/// The text of `yaml` as the npm wrapper passes it: UTF-8 bytes from a `TextEncoder`,
/// which the browser and Node.js make natively (passing a JS string instead costs a loop in
/// JavaScript over every character: a tenth of a second for a 5,000-node dump).
fn input_text(yaml: &[u8]) -> Result<&str, JsError> {
    utf8("input.yaml", yaml).map_err(|e| structured(&[e]))
}

/// [`place_json`] for the npm package: the input as UTF-8 bytes, the report as compact
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
    /// Simulates `options` (JSON, as [`rollout_json`] takes them) over `yaml` (UTF-8 bytes).
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

/// A kubectl session over the cluster of some YAML text (DaemonSets, Nodes, Pods), kept in
/// WebAssembly memory so that changes (`set image`, `cordon`, ...) and the simulated clock
/// carry over from one command to the next, as `dsim kubectl` runs them. With the
/// `kubectl` feature only.
#[cfg(feature = "kubectl")]
#[wasm_bindgen]
pub struct KubectlSession {
    session: Session,
}

#[cfg(feature = "kubectl")]
#[wasm_bindgen]
impl KubectlSession {
    /// Reads the cluster in `yaml` (UTF-8 bytes). `options` is JSON: `{ "readyAfter":
    /// seconds, "failImages": [..] }`, every key optional (`""` for none).
    ///
    /// # Errors
    /// Input or option errors as JSON (`{"errors": [...]}`).
    #[wasm_bindgen(constructor)]
    pub fn new(yaml: &[u8], options: &str) -> Result<KubectlSession, JsError> {
        kubectl_session(input_text(yaml)?, options)
            .map(|session| Self { session })
            .map_err(|errors| structured(&errors))
    }

    /// The playground terminal's session: the DaemonSet editor's text (`daemonset.yaml`),
    /// the cluster editor's text (`cluster.yaml`), both UTF-8 bytes, and the node edits made
    /// in the page, as a JSON array of their commands (`["kubectl cordon worker-1", "add
    /// node new-node-1 worker-1"]`), applied in order as the page applies them. The
    /// playground module loads this one on the terminal's first command.
    ///
    /// # Errors
    /// Input errors as JSON (`{"errors": [...]}`), or an edit that does not parse.
    #[wasm_bindgen(js_name = forCluster)]
    pub fn for_cluster(
        daemon_set: &[u8],
        cluster: &[u8],
        edits: &str,
    ) -> Result<KubectlSession, JsError> {
        let daemon_set = utf8(cluster::DS_FILE, daemon_set).map_err(|e| structured(&[e]))?;
        let cluster = utf8(cluster::CLUSTER_FILE, cluster).map_err(|e| structured(&[e]))?;
        cluster_session(daemon_set, cluster, edits)
            .map(|session| Self { session })
            .map_err(|errors| structured(&errors))
    }

    /// Runs one kubectl command line (`get ds -A`, or with a leading `kubectl`; shell-style
    /// quoting, `| grep ...` filters, several commands on separate lines or separated by
    /// `;;`) and returns JSON `{"stdout", "stderr", "exitCode", "transcript"}`, where
    /// `transcript` is both streams interleaved as a terminal shows them. `files` is JSON
    /// `{"PATH": "text"}`: the files `apply -f PATH` reads.
    pub fn run(&mut self, command_line: &str, files: Option<String>) -> String {
        let files: std::collections::BTreeMap<String, String> = files
            .and_then(|f| serde_json::from_str(&f).ok())
            .unwrap_or_default();
        let output = run_line(&mut self.session, command_line, &files);
        serde_json::json!({
            "stdout": output.stdout(),
            "stderr": output.stderr(),
            "exitCode": output.code,
            "transcript": output.transcript(),
        })
        .to_string()
    }
}

#[cfg(feature = "kubectl")]
fn kubectl_session(yaml: &str, options: &str) -> Result<Session, Vec<Diagnostic>> {
    // The session takes the rollout options' `readyAfter` and `failImages`/`failImage`.
    let parsed = options_from_json_text(options, "to.yaml")?;
    let session_options = kubectl::Options {
        ready_after: parsed.ready_after,
        fail_images: parsed.fail_images,
    };
    let manifests = read(&[Source {
        name: "input.yaml",
        text: yaml,
    }])?;
    Session::new(&manifests, &session_options)
}

/// The session of [`KubectlSession::for_cluster`]: the two texts read in full, the node
/// edits (a JSON array of their commands) applied in order, as the playground applies them.
#[cfg(feature = "kubectl")]
fn cluster_session(
    daemon_set: &str,
    cluster: &str,
    edits: &str,
) -> Result<Session, Vec<Diagnostic>> {
    let problem = |message: String| vec![Diagnostic::file("edits", message)];
    let commands: Vec<String> = serde_json::from_str(edits)
        .map_err(|e| problem(format!("expected a JSON array of commands: {e}")))?;
    let edits = commands
        .iter()
        .map(|line| edits::parse(line).map_err(|e| problem(format!("{line:?}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let manifests = cluster::read_cluster(daemon_set, cluster, &edits, false)?;
    Session::new(&manifests, &kubectl::Options::default())
}

/// Runs every command of `line` in `session`, as `dsim kubectl --script` reads a script.
#[cfg(feature = "kubectl")]
fn run_line(session: &mut Session, line: &str, files: &dyn kubectl::Files) -> Output {
    let commands = match kubectl::parse_script(line) {
        Ok(lines) => lines
            .iter()
            .flat_map(|words| kubectl::split_commands(words))
            .collect::<Vec<_>>(),
        Err(e) => return Output::fail(format!("error: {e}\n")),
    };
    let mut output = Output::default();
    for command in &commands {
        output.push(session.run(command, files));
    }
    output
}

fn rollout_options_structured(options: &str) -> Result<RolloutOptions, JsError> {
    parse_rollout_options(options).map_err(|errors| structured(&errors))
}

#[cfg(test)]
mod tests {
    /// The exported version is the crate's.
    #[test]
    fn version_is_the_package_version() {
        assert_eq!(super::version(), env!("CARGO_PKG_VERSION"));
    }

    /// The rollout binding runs the core's simulation with the options given as JSON.
    #[test]
    fn rolls_out_through_the_core() {
        let yaml = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\n";
        let text = super::rollout(yaml, r#"{"setImage": "a=agent:2", "readyAfter": 2}"#)
            .map(|r| r.to_text())
            .unwrap_or_default();
        assert!(text.contains("2s  ready"), "{text}");
        assert!(text.ends_with("2s after the update\n"), "{text}");
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

    /// A kubectl session keeps its state between command lines.
    #[cfg(feature = "kubectl")]
    #[test]
    fn runs_kubectl_commands_in_one_session() {
        let yaml = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\n";
        let Ok(mut session) = super::kubectl_session(yaml, "") else {
            panic!("the cluster is valid");
        };
        let files = std::collections::BTreeMap::new();
        let get = super::run_line(&mut session, "kubectl get ds", &files);
        assert_eq!(get.code, 0);
        assert!(
            get.stdout().starts_with("NAME    DESIRED"),
            "{}",
            get.stdout()
        );
        let set = super::run_line(&mut session, "set image ds/agent a=agent:2", &files);
        assert_eq!(set.code, 0, "{}", set.stderr());
        let status = super::run_line(&mut session, "rollout status ds/agent", &files);
        assert!(
            status.stdout().ends_with("successfully rolled out\n"),
            "{}",
            status.stdout()
        );
        let unknown = super::run_line(&mut session, "get nope", &files);
        assert_eq!(unknown.code, 1);
        assert!(
            unknown.stderr().starts_with("error: "),
            "{}",
            unknown.stderr()
        );
        let quote = super::run_line(&mut session, "get 'ds", &files);
        assert_eq!(quote.code, 1);
        assert!(super::kubectl_session("kind: DaemonSet\n", "").is_err());
    }

    /// The playground terminal's session sees the page's node edits, a copied node too.
    #[cfg(feature = "kubectl")]
    #[test]
    fn a_cluster_session_applies_the_node_edits() {
        let daemon_set = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: agent:1}]}\n";
        let cluster = "apiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-2}\n";
        let edits = r#"["kubectl cordon worker-1", "add node new-node-1 (a copy of worker-2)"]"#;
        let Ok(mut session) = super::cluster_session(daemon_set, cluster, edits) else {
            panic!("the cluster and the edits are valid");
        };
        let files = std::collections::BTreeMap::new();
        let nodes = super::run_line(&mut session, "get nodes", &files).stdout();
        let status = |name: &str| {
            nodes
                .lines()
                .find(|l| l.starts_with(&format!("{name} ")))
                .and_then(|l| l.split_whitespace().nth(1))
                .map(str::to_owned)
        };
        assert_eq!(
            status("worker-1").as_deref(),
            Some("Ready,SchedulingDisabled"),
            "{nodes}"
        );
        assert_eq!(status("new-node-1").as_deref(), Some("Ready"), "{nodes}");
        let ds = super::run_line(&mut session, "get ds agent", &files).stdout();
        let desired = ds.lines().nth(1).and_then(|l| l.split_whitespace().nth(1));
        assert_eq!(desired, Some("3"), "{ds}");
        let bad = super::cluster_session(daemon_set, cluster, r#"["kubectl frobnicate"]"#);
        assert!(bad.is_err());
    }
}
