//! The object kinds the simulator reads, and decoding a tree or a list item into them.

use super::document::{DecodeError, Decoded, Document};
use super::path::FieldPath;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::api::scheduling::v1::PriorityClass;

/// A kind the simulator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `apps/v1` DaemonSet.
    DaemonSet,
    /// `v1` Node.
    Node,
    /// `v1` Pod.
    Pod,
    /// `scheduling.k8s.io/v1` PriorityClass.
    PriorityClass,
    /// `v1` Namespace (its Pod Security labels matter to the lint).
    Namespace,
}

/// A decoded object of one of the simulated kinds.
#[derive(Debug)]
pub enum Typed {
    /// A DaemonSet.
    DaemonSet(Box<DaemonSet>),
    /// A Node.
    Node(Box<Node>),
    /// A Pod.
    Pod(Box<Pod>),
    /// A PriorityClass.
    PriorityClass(Box<PriorityClass>),
    /// A Namespace.
    Namespace(Box<Namespace>),
}

/// A decoded object and the paths of fields its type does not know.
pub type DecodedObject = (Typed, Vec<FieldPath>);

impl Kind {
    /// The kind named `kind`, and the apiVersion it must come with.
    pub fn from_kind(kind: &str) -> Option<(Self, &'static str)> {
        match kind {
            "DaemonSet" => Some((Self::DaemonSet, "apps/v1")),
            "Node" => Some((Self::Node, "v1")),
            "Pod" => Some((Self::Pod, "v1")),
            "PriorityClass" => Some((Self::PriorityClass, "scheduling.k8s.io/v1")),
            "Namespace" => Some((Self::Namespace, "v1")),
            _ => None,
        }
    }

    /// The kind's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::DaemonSet => "DaemonSet",
            Self::Node => "Node",
            Self::Pod => "Pod",
            Self::PriorityClass => "PriorityClass",
            Self::Namespace => "Namespace",
        }
    }

    /// Whether unknown fields are errors (what users write) rather than warnings (what
    /// clusters print, which may come from a newer Kubernetes).
    pub fn strict(self) -> bool {
        matches!(self, Self::DaemonSet | Self::PriorityClass)
    }

    /// Decodes a parsed tree as this kind.
    ///
    /// # Errors
    /// Type errors, with the field path.
    pub fn decode(self, document: Document<'_>) -> Result<DecodedObject, DecodeError> {
        match self {
            Self::DaemonSet => document.decode().map(|d| wrap(d, Typed::DaemonSet)),
            Self::Node => document.decode().map(|d| wrap(d, Typed::Node)),
            Self::Pod => document.decode().map(|d| wrap(d, Typed::Pod)),
            Self::PriorityClass => document.decode().map(|d| wrap(d, Typed::PriorityClass)),
            Self::Namespace => document.decode().map(|d| wrap(d, Typed::Namespace)),
        }
    }
}

fn wrap<T>(decoded: Decoded<T>, f: fn(Box<T>) -> Typed) -> DecodedObject {
    (f(Box::new(decoded.object)), decoded.unknown_fields)
}
