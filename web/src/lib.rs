//! WebAssembly bindings of daemonset-sim for JavaScript and the browser playground.
//!
//! Built by `cargo xtask serve` (and `cargo xtask test`) with `wasm-bindgen --target web` into
//! `target/site/pkg/daemonset_sim_web.js`, which `www/index.html` imports. The typed npm API
//! grows from here: the placement report, the rollout timeline, the lint report (as the same
//! JSON and text the CLI prints) and a kubectl session over the simulated cluster.

#[cfg(feature = "kubectl")]
use daemonset_sim::kubectl::{self, Output, Session};
#[cfg(feature = "kubectl")]
use daemonset_sim::manifest::{read, Source};
#[cfg(any(feature = "kubectl", not(feature = "playground")))]
use daemonset_sim::manifest::{utf8, Diagnostic};
#[cfg(feature = "kubectl")]
use daemonset_sim::rollout::options_from_json_text;
use wasm_bindgen::prelude::wasm_bindgen;
#[cfg(any(feature = "kubectl", not(feature = "playground")))]
use wasm_bindgen::prelude::JsError;

#[cfg(not(any(feature = "kubectl", feature = "playground")))]
mod api;
#[cfg(not(any(feature = "kubectl", feature = "playground")))]
pub use api::*;
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

#[cfg(any(feature = "kubectl", not(feature = "playground")))]
/// Errors as the npm wrapper reads them: `{"errors": [{file, line, column, path, message}]}`.
fn structured(errors: &[Diagnostic]) -> JsError {
    JsError::new(&serde_json::json!({ "errors": errors }).to_string())
}

#[cfg(any(feature = "kubectl", not(feature = "playground")))]
/// The text of `yaml` as the npm wrapper passes it: UTF-8 bytes from a `TextEncoder`,
/// which the browser and Node.js make natively (passing a JS string instead costs a loop in
/// JavaScript over every character: a tenth of a second for a 5,000-node dump).
fn input_text(yaml: &[u8]) -> Result<&str, JsError> {
    utf8("input.yaml", yaml).map_err(|e| structured(&[e]))
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

#[cfg(test)]
mod tests {
    /// The exported version is the crate's.
    #[test]
    fn version_is_the_package_version() {
        assert_eq!(super::version(), env!("CARGO_PKG_VERSION"));
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
