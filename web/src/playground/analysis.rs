//! What the playground shows, computed from the two texts: the manifests read, the
//! placement of the first DaemonSet, and facts about each node for its card.

pub use crate::cluster::{read_cluster, CLUSTER_FILE, DS_FILE};
use crate::edits::NodeEdit;
use daemonset_sim::manifest::{Diagnostic, Manifests};
use daemonset_sim::placement::taints::kubectl_form;
use daemonset_sim::placement::{place, DaemonSetPlacement, PlaceError, PlaceOptions};
use std::rc::Rc;

/// A node as its card shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeInfo {
    /// Its name.
    pub name: String,
    /// `control-plane`, `worker`, or the `node-role.kubernetes.io/*` roles.
    pub role: String,
    /// Up to a few labels worth showing (not the well-known noise).
    pub labels: Vec<String>,
    /// Taints as `key=value:Effect`.
    pub taints: Vec<String>,
    /// Cordoned.
    pub cordoned: bool,
}

/// Everything the page derives from the texts (equal when read from the same texts).
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The manifests, for rollouts.
    pub manifests: Rc<Manifests>,
    /// The first DaemonSet's placement.
    pub placement: DaemonSetPlacement,
    /// Card facts, in placement order.
    pub nodes: Vec<NodeInfo>,
    /// Warnings from reading.
    pub warnings: Vec<Diagnostic>,
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.manifests, &other.manifests)
    }
}

/// Reads the two texts (for placement) and places the first DaemonSet.
///
/// # Errors
/// Input errors with file, line and column.
pub fn analyse(
    daemon_set: &str,
    cluster: &str,
    edits: &[NodeEdit],
) -> Result<Analysis, Vec<Diagnostic>> {
    let manifests = read_cluster(daemon_set, cluster, edits, true)?;
    let report = place(
        &manifests,
        &PlaceOptions::default(),
        &[DS_FILE, CLUSTER_FILE],
    )
    .map_err(|PlaceError::Input(errors)| errors)?;
    let warnings = report.warnings.clone();
    let Some(placement) = report.daemon_sets.into_iter().next() else {
        return Err(vec![Diagnostic::file(DS_FILE, "no DaemonSet found")]);
    };
    let nodes = manifests
        .nodes
        .iter()
        .map(|l| {
            let node = &l.object;
            let labels = node.metadata.labels.clone().unwrap_or_default();
            let mut roles: Vec<String> = labels
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect();
            if roles.is_empty() {
                roles.push("worker".to_owned());
            }
            let spec = node.spec.as_ref();
            NodeInfo {
                name: node.metadata.name.clone().unwrap_or_default(),
                role: roles.join(","),
                labels: labels
                    .iter()
                    .filter(|(k, _)| !is_noise(k))
                    .take(4)
                    .map(|(k, v)| {
                        if v.is_empty() {
                            k.clone()
                        } else {
                            format!("{k}={v}")
                        }
                    })
                    .collect(),
                taints: spec
                    .and_then(|s| s.taints.as_deref())
                    .unwrap_or_default()
                    .iter()
                    .map(kubectl_form)
                    .collect(),
                cordoned: spec.and_then(|s| s.unschedulable) == Some(true),
            }
        })
        .collect();
    Ok(Analysis {
        manifests: Rc::new(manifests),
        placement,
        nodes,
        warnings,
    })
}

/// Labels every node has, which say nothing on a card.
fn is_noise(key: &str) -> bool {
    key.starts_with("node-role.kubernetes.io/")
        || key.starts_with("beta.kubernetes.io/")
        || key == "kubernetes.io/hostname"
        || key == "kubernetes.io/os"
        || key == "kubernetes.io/arch"
}

/// An error as the page prints it: `daemonset.yaml line 7, column 3: path: message`.
pub fn describe(d: &Diagnostic) -> String {
    let mut text = d.file.clone();
    if let Some(line) = d.line {
        text.push_str(&format!(" line {line}"));
        if let Some(column) = d.column {
            text.push_str(&format!(", column {column}"));
        }
    }
    text.push_str(": ");
    if !d.path.is_empty() {
        text.push_str(&d.path);
        text.push_str(": ");
    }
    text.push_str(&d.message);
    text
}
