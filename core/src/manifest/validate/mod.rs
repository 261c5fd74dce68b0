//! API validation: what the Kubernetes API server would reject in a DaemonSet or Node,
//! reported as field paths with the API server's messages.

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
pub fn validate_daemon_set(_ds: &DaemonSet) -> Vec<FieldError> {
    Vec::new()
}

/// Validates the parts of a Node that placement depends on (labels, taints).
pub fn validate_node(_node: &Node) -> Vec<FieldError> {
    Vec::new()
}
