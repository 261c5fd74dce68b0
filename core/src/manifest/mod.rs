//! Reading manifests: text to typed Kubernetes objects, with errors that point at the line.
//!
//! Accepts YAML and JSON, multi-document streams, and `kind: List` documents as
//! `kubectl get nodes -o yaml` prints them. DaemonSets, Nodes, Pods, PriorityClasses and
//! Namespaces become k8s-openapi objects; other kinds are skipped with a warning.

pub mod decode;
pub mod diagnostic;
pub mod document;
pub mod locate;
pub mod path;
pub mod read;
pub mod typed;
pub mod validate;

pub use daemonset_sim_text::{block, split, tree};
pub use diagnostic::{utf8, Diagnostic};
pub use path::FieldPath;
pub use read::{read, read_for_placement, Source};

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use std::sync::Arc;

/// A typed object and the file it came from.
#[derive(Debug, Clone)]
pub struct Located<T> {
    /// The object.
    pub object: T,
    /// The name of the source it was read from.
    pub file: Arc<str>,
}

/// Everything read from the input, in input order.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    /// DaemonSets (`apps/v1`).
    pub daemon_sets: Vec<Located<DaemonSet>>,
    /// Nodes (`v1`).
    pub nodes: Vec<Located<Node>>,
    /// Pods (`v1`): existing daemon pods, and other pods that use node resources.
    pub pods: Vec<Located<Pod>>,
    /// PriorityClasses (`scheduling.k8s.io/v1`).
    pub priority_classes: Vec<Located<PriorityClass>>,
    /// Namespaces (`v1`): their Pod Security Admission labels.
    pub namespaces: Vec<Located<Namespace>>,
    /// Problems that did not stop reading: skipped kinds, unknown fields in cluster dumps.
    pub warnings: Vec<Diagnostic>,
    /// True when Nodes were read for placement only ([`read_for_placement`]): fields only
    /// `kubectl describe node` shows were skipped.
    pub lean: bool,
}
