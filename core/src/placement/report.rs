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

impl PlacementReport {
    /// The report as pretty JSON, the contract shared by the CLI and JS.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
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
                let first = node
                    .reasons
                    .first()
                    .map(|r| &*r.message)
                    .unwrap_or("");
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
