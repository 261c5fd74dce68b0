//! API validation: what the Kubernetes API server would reject in a DaemonSet or Node,
//! reported as field paths with the API server's messages.
//!
//! The rules follow the Kubernetes 1.37 sources, applied after the apps/v1 and core/v1
//! defaults as the API server applies them on create:
//!
//! - `pkg/apis/apps/validation/validation.go` for DaemonSets (`daemonset.rs`),
//! - `pkg/apis/core/validation/validation.go` for pod templates (`pod_template.rs`),
//!   tolerations (`tolerations.rs`), node affinity (`node_affinity.rs`), taints
//!   (`taints.rs`) and Nodes (`node.rs`),
//! - `staging/src/k8s.io/apimachinery` for object metadata (`object_meta.rs`), label
//!   selectors (`label_selector.rs`), name and label syntax (`labels.rs`), int-or-percent
//!   values (`int_or_percent.rs`) and the wording of messages (`errors.rs`, `render.rs`).
//!
//! Only what matters to the simulator is checked; container-level validation other than
//! "a name and an image" is left out.

mod daemonset;
mod errors;
mod int_or_percent;
mod label_selector;
mod labels;
mod node;
mod node_affinity;
mod object_meta;
mod pod_template;
mod render;
mod taints;
mod tolerations;

use super::path::FieldPath;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Node;

/// One validation failure: the field and the API server's message for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path from the object's root, e.g. `spec.template.spec.tolerations[0].effect`.
    pub path: FieldPath,
    /// The API server's wording, e.g. `Unsupported value: "NoSchedul": supported values: ...`.
    pub message: String,
}

/// Validates a DaemonSet as the API server would on create.
pub fn validate_daemon_set(ds: &DaemonSet) -> Vec<FieldError> {
    daemonset::validate_daemon_set(ds)
}

/// Validates the parts of a Node that placement depends on (labels, taints).
pub fn validate_node(node: &Node) -> Vec<FieldError> {
    node::validate_node(node)
}
