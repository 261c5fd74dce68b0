//! The placement result: stable JSON (camelCase) and a kubectl-style text table.

use crate::manifest::Diagnostic;
use serde::Serialize;
use std::fmt::Write as _;
use std::sync::Arc;

/// Placement of every selected DaemonSet, and the warnings from reading the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacementReport {
    /// One entry per DaemonSet, in input order.
    pub daemon_sets: Vec<DaemonSetPlacement>,
    /// Problems that did not stop the simulation.
    pub warnings: Vec<Diagnostic>,
}

/// Placement of one DaemonSet over every node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetPlacement {
    /// Namespace (`default` when the manifest has none).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Nodes where the controller wants a pod (`shouldRun`), as in the DaemonSet's status.
    pub desired_number_scheduled: u32,
    /// One entry per node, in input order.
    pub nodes: Vec<NodePlacement>,
}

/// The outcome on one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePlacement {
    /// Node name.
    pub node: Arc<str>,
    /// The controller creates a daemon pod here when there is none.
    pub should_run: bool,
    /// A daemon pod already here may stay.
    pub should_continue_running: bool,
    /// What the pod on this node ends up as.
    pub pod: PodOutcome,
    /// Why, in Kubernetes' words.
    pub reasons: Vec<Reason>,
}

/// The daemon pod on a node, after the controller and the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PodOutcome {
    /// A pod runs (or will, once created and bound).
    Running,
    /// A pod is created but the scheduler cannot bind it.
    Pending,
    /// No pod.
    None,
}

impl PodOutcome {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Pending => "pending",
            Self::None => "none",
        }
    }
}

/// One reason: a stable code and a message naming the taint, label or field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable identifier, e.g. `UntoleratedTaint`.
    pub code: &'static str,
    /// Human wording, starting with Kubernetes' own where it has one.
    pub message: Arc<str>,
}

impl Reason {
    /// A reason with this code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: Arc::from(message.into()),
        }
    }

    /// A reason whose text is shared with other nodes.
    pub fn shared(code: &'static str, message: Arc<str>) -> Self {
        Self { code, message }
    }
}

/// Pretty JSON of a value. JSON strings never hold a raw newline, so the text can be
/// re-indented line by line.
fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("\"{e}\""))
}

impl PlacementReport {
    /// The report as pretty JSON, the contract shared by the CLI and JS. Exactly
    /// `serde_json::to_string_pretty(self)`, with the DaemonSets written in parallel.
    pub fn to_json(&self) -> String {
        let sets: Vec<String> = crate::parallel::map(&self.daemon_sets, 2, pretty);
        let mut out = String::with_capacity(sets.iter().map(|s| s.len() + 16).sum::<usize>() + 64);
        out.push_str("{\n  \"daemonSets\": [");
        for (i, set) in sets.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            for (j, line) in set.lines().enumerate() {
                if j > 0 {
                    out.push('\n');
                }
                out.push_str("    ");
                out.push_str(line);
            }
        }
        out.push_str(if sets.is_empty() { "],\n" } else { "\n  ],\n" });
        let warnings = pretty(&self.warnings);
        out.push_str("  \"warnings\": ");
        for (j, line) in warnings.lines().enumerate() {
            if j > 0 {
                out.push_str("\n  ");
            }
            out.push_str(line);
        }
        out.push_str("\n}");
        out
    }

    /// The report as compact JSON (no indentation): the same document as [`Self::to_json`],
    /// a third of its size, for programs rather than people (the npm package).
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("\"{e}\""))
    }

    /// A kubectl-style table per DaemonSet, reasons under each node, warnings last.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (i, ds) in self.daemon_sets.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "DaemonSet {}/{}: desired {} of {} node(s)",
                ds.namespace,
                ds.name,
                ds.desired_number_scheduled,
                ds.nodes.len()
            );
            let width = ds
                .nodes
                .iter()
                .map(|n| n.node.len())
                .max()
                .unwrap_or(0)
                .max(4);
            let _ = writeln!(
                out,
                "{:<width$}   SHOULD-RUN   CONTINUE   POD       REASONS",
                "NODE"
            );
            for node in &ds.nodes {
                let first = node.reasons.first().map(|r| &*r.message).unwrap_or("");
                let line = format!(
                    "{:<width$}   {:<10}   {:<8}   {:<7}   {}",
                    node.node,
                    node.should_run,
                    node.should_continue_running,
                    node.pod.as_str(),
                    first
                );
                let _ = writeln!(out, "{}", line.trim_end());
                for reason in node.reasons.iter().skip(1) {
                    let _ = writeln!(
                        out,
                        "{:width$}   {:10}   {:8}   {:7}   {}",
                        "", "", "", "", reason.message
                    );
                }
            }
        }
        for warning in &self.warnings {
            let _ = writeln!(out, "warning: {warning}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(sets: usize, warnings: usize) -> PlacementReport {
        let node = NodePlacement {
            node: Arc::from("worker-1"),
            should_run: false,
            should_continue_running: true,
            pod: PodOutcome::None,
            reasons: vec![Reason::new(
                "UntoleratedTaint",
                "node(s) had untolerated taint {a: \"b\"}\n",
            )],
        };
        PlacementReport {
            daemon_sets: (0..sets)
                .map(|i| DaemonSetPlacement {
                    namespace: "default".into(),
                    name: format!("ds-{i}"),
                    desired_number_scheduled: 0,
                    nodes: vec![node.clone(); i],
                })
                .collect(),
            warnings: (0..warnings)
                .map(|i| Diagnostic::file("a.yaml", format!("warning {i}")))
                .collect(),
        }
    }

    #[test]
    fn json_is_exactly_serde_jsons_pretty_output() {
        for (sets, warnings) in [(0, 0), (1, 0), (3, 2), (0, 1)] {
            let r = report(sets, warnings);
            assert_eq!(
                r.to_json(),
                serde_json::to_string_pretty(&r).unwrap_or_default(),
                "{sets} sets, {warnings} warnings"
            );
        }
    }

    #[test]
    fn compact_json_is_the_same_document_without_indentation() {
        let r = report(3, 2);
        let compact = r.to_compact_json();
        assert!(!compact.contains('\n'), "{compact}");
        let a: serde_json::Value = serde_json::from_str(&compact).unwrap_or_default();
        let b: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap_or_default();
        assert_eq!(a, b);
        assert_eq!(a["daemonSets"].as_array().map(Vec::len), Some(3));
    }
}
