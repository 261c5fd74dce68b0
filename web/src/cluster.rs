//! The playground's cluster: the DaemonSet editor's text and the cluster editor's text,
//! read together, with the node edits (`kubectl cordon`, `label`, `add node`, ...) applied
//! over them. Shared by the playground and the kubectl module its terminal loads on first
//! use (`KubectlSession::forCluster`, with the `kubectl` feature), so both see the same cluster.

use crate::edits::{apply, NodeEdit};
use daemonset_sim::manifest::{read, read_for_placement, Diagnostic, Manifests, Source};

/// The name the DaemonSet editor's text goes by in errors (and in `kubectl apply -f`).
pub const DS_FILE: &str = daemonset_sim::lessons::DAEMON_SET_FILE;
/// The name the cluster editor's text goes by in errors.
pub const CLUSTER_FILE: &str = daemonset_sim::lessons::CLUSTER_FILE;

/// Reads the two texts and applies the node edits. With `for_placement`, a large cluster
/// dump skips the Node fields only `kubectl describe node` shows
/// ([`read_for_placement`]); the kubectl terminal's session reads it in full.
///
/// # Errors
/// Input errors with file, line and column.
pub fn read_cluster(
    daemon_set: &str,
    cluster: &str,
    edits: &[NodeEdit],
    for_placement: bool,
) -> Result<Manifests, Vec<Diagnostic>> {
    let sources = [
        Source {
            name: DS_FILE,
            text: daemon_set,
        },
        Source {
            name: CLUSTER_FILE,
            text: cluster,
        },
    ];
    let mut manifests = if for_placement {
        read_for_placement(&sources)?
    } else {
        read(&sources)?
    };
    for edit in edits {
        if let Err(e) = apply(&mut manifests.nodes, edit) {
            manifests.warnings.push(Diagnostic::file(
                CLUSTER_FILE,
                format!("`{}` no longer applies: {e}", edit.command()),
            ));
        }
    }
    Ok(manifests)
}
