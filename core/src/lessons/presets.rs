//! The study guide's YAML examples as presets, each runnable against a sample cluster, and
//! the sample cluster itself: the one place the fixture texts are compiled in (the
//! playground's preset menu and the lessons both read them from here).
//!
//! Fragments of the guide are merged into complete DaemonSets; each merged file says in a
//! comment what was added around the guide's lines.

/// One preset: the file it comes from, a label, the DaemonSet text, and what it teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The file under `tests/fixtures/guide/`, e.g. `merged/on-delete.yaml`.
    pub file: &'static str,
    /// The menu label.
    pub label: &'static str,
    /// The DaemonSet editor's text.
    pub daemon_set: &'static str,
    /// One sentence on what to look at.
    pub note: &'static str,
}

macro_rules! guide {
    ($path:literal) => {
        include_str!(concat!("../../../tests/fixtures/guide/", $path))
    };
}

/// The file name of the sample cluster under `tests/fixtures/guide/`.
pub const CLUSTER_FILE: &str = "cluster.yaml";

/// The sample cluster: a control-plane node, three workers (two labelled
/// `monitoring=enabled`, one cordoned) and a tainted GPU node.
pub const CLUSTER: &str = guide!("cluster.yaml");

/// Every YAML example of the guide, in the guide's order.
pub const PRESETS: &[Preset] = &[
    Preset {
        file: "basic-daemonset.yaml",
        label: "Basic DaemonSet (log collector)",
        daemon_set: guide!("basic-daemonset.yaml"),
        note: "No tolerations: the control-plane and GPU nodes are skipped; the cordoned worker still runs a pod.",
    },
    Preset {
        file: "node-selection.yaml",
        label: "Node selection (nodeSelector)",
        daemon_set: guide!("node-selection.yaml"),
        note: "Only nodes labelled monitoring=enabled get a pod.",
    },
    Preset {
        file: "merged/control-plane-tolerations.yaml",
        label: "Node tolerations (control plane)",
        daemon_set: guide!("merged/control-plane-tolerations.yaml"),
        note: "Tolerating the control-plane taint adds that node.",
    },
    Preset {
        file: "rolling-update.yaml",
        label: "RollingUpdate strategy",
        daemon_set: guide!("rolling-update.yaml"),
        note: "maxUnavailable 1: start an update and step through it one node at a time.",
    },
    Preset {
        file: "merged/on-delete.yaml",
        label: "OnDelete strategy",
        daemon_set: guide!("merged/on-delete.yaml"),
        note: "An update replaces nothing until pods are deleted.",
    },
    Preset {
        file: "merged/privileged-agent.yaml",
        label: "Privileged agent (security context, hostPath /)",
        daemon_set: guide!("merged/privileged-agent.yaml"),
        note: "Runs as root, privileged, with the node's root filesystem mounted.",
    },
    Preset {
        file: "service-account.yaml",
        label: "ServiceAccount (as in the guide: no selector)",
        daemon_set: guide!("service-account.yaml"),
        note: "The guide's example has no spec.selector: the API server rejects it, and so does the simulator.",
    },
    Preset {
        file: "merged/resources.yaml",
        label: "Resource requests and limits",
        daemon_set: guide!("merged/resources.yaml"),
        note: "The scheduler needs 100m CPU and 128Mi memory free on each node.",
    },
    Preset {
        file: "merged/priority-class.yaml",
        label: "Priority class (system-node-critical)",
        daemon_set: guide!("merged/priority-class.yaml"),
        note: "A node-critical priority lets the pod preempt others on a full node.",
    },
    Preset {
        file: "merged/system-pattern.yaml",
        label: "System pattern (tolerate everything, host network and PID)",
        daemon_set: guide!("merged/system-pattern.yaml"),
        note: "Tolerating every taint puts a pod on every node.",
    },
];

/// The preset made from `file` (a name under `tests/fixtures/guide/`), if there is one.
pub fn preset(file: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.file == file)
}
