//! Resource type names as kubectl resolves them (`ds`, `daemonset`, `daemonsets.apps`,
//! `po`, `no`, `ns`, ...), the `TYPE NAME` and `TYPE/NAME` argument forms, and the
//! API server's words for what does not exist.

/// A kind the emulator simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `apps/v1` DaemonSet.
    DaemonSet,
    /// `v1` Pod.
    Pod,
    /// `v1` Node.
    Node,
    /// `v1` Namespace.
    Namespace,
}

impl Kind {
    /// The plural with group, as errors name it: `daemonsets.apps`, `pods`, `nodes`,
    /// `namespaces`.
    pub fn plural(self) -> &'static str {
        match self {
            Self::DaemonSet => "daemonsets.apps",
            Self::Pod => "pods",
            Self::Node => "nodes",
            Self::Namespace => "namespaces",
        }
    }

    /// The singular with group, as `-o name` and success messages write it.
    pub fn singular(self) -> &'static str {
        match self {
            Self::DaemonSet => "daemonset.apps",
            Self::Pod => "pod",
            Self::Node => "node",
            Self::Namespace => "namespace",
        }
    }

    /// The kind as Go writes an object's type in errors: `Pod`, `Node`, `Namespace`.
    pub fn kind_name(self) -> &'static str {
        match self {
            Self::DaemonSet => "DaemonSet",
            Self::Pod => "Pod",
            Self::Node => "Node",
            Self::Namespace => "Namespace",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(self, Self::Node | Self::Namespace)
    }
}

/// Resource types real clusters have that the emulator does not simulate.
const OTHER_TYPES: &[&str] = &[
    "all",
    "deployments",
    "deployment",
    "deploy",
    "replicasets",
    "replicaset",
    "rs",
    "statefulsets",
    "statefulset",
    "sts",
    "services",
    "service",
    "svc",
    "configmaps",
    "configmap",
    "cm",
    "secrets",
    "secret",
    "serviceaccounts",
    "serviceaccount",
    "sa",
    "events",
    "event",
    "ev",
    "jobs",
    "job",
    "cronjobs",
    "cronjob",
    "cj",
    "ingresses",
    "ingress",
    "ing",
    "persistentvolumes",
    "persistentvolume",
    "pv",
    "persistentvolumeclaims",
    "persistentvolumeclaim",
    "pvc",
    "endpoints",
    "ep",
    "endpointslices",
    "priorityclasses",
    "priorityclass",
    "pc",
    "controllerrevisions",
    "controllerrevision",
    "roles",
    "role",
    "rolebindings",
    "rolebinding",
    "clusterroles",
    "clusterrole",
    "clusterrolebindings",
    "clusterrolebinding",
    "networkpolicies",
    "networkpolicy",
    "netpol",
    "poddisruptionbudgets",
    "poddisruptionbudget",
    "pdb",
    "storageclasses",
    "storageclass",
    "sc",
    "limitranges",
    "limitrange",
    "limits",
    "resourcequotas",
    "resourcequota",
    "quota",
    "horizontalpodautoscalers",
    "horizontalpodautoscaler",
    "hpa",
    "leases",
    "lease",
    "customresourcedefinitions",
    "customresourcedefinition",
    "crd",
    "crds",
    "replicationcontrollers",
    "replicationcontroller",
    "rc",
    "componentstatuses",
    "cs",
];

/// What a resource type name means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A simulated kind.
    Kind(Kind),
    /// A real kind the emulator does not simulate.
    NotSimulated(String),
    /// Not a resource type at all.
    Unknown(String),
}

/// Resolves a resource type as kubectl's RESTMapper would.
pub fn resolve(name: &str) -> Resolved {
    let lower = name.to_lowercase();
    let base = lower
        .strip_suffix(".apps")
        .or_else(|| lower.strip_suffix(".apps/v1"))
        .or_else(|| lower.strip_suffix(".v1.apps"))
        .unwrap_or(&lower);
    match base {
        "daemonsets" | "daemonset" | "ds" => Resolved::Kind(Kind::DaemonSet),
        "pods" | "pod" | "po" => Resolved::Kind(Kind::Pod),
        "nodes" | "node" | "no" => Resolved::Kind(Kind::Node),
        "namespaces" | "namespace" | "ns" => Resolved::Kind(Kind::Namespace),
        other if OTHER_TYPES.contains(&other) => Resolved::NotSimulated(other.to_owned()),
        _ => Resolved::Unknown(name.to_owned()),
    }
}

/// kubectl's error for a type the server does not have.
pub fn unknown_type(name: &str) -> String {
    format!("error: the server doesn't have a resource type \"{name}\"\n")
}

/// The emulator's note for a real type it does not simulate.
pub fn not_simulated(name: &str) -> String {
    format!(
        "dsim: \"{name}\" is a real resource type, but this emulator simulates only daemonsets, pods, nodes and namespaces\n"
    )
}

/// `Error from server (NotFound): pods "x" not found`.
pub fn not_found(kind: Kind, name: &str) -> String {
    format!(
        "Error from server (NotFound): {} \"{name}\" not found\n",
        kind.plural()
    )
}

/// kubectl's error for `TYPE TYPE/NAME`.
const TYPE_TWICE: &str = "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n";

/// The objects named by arguments: `TYPE NAME...` or `TYPE/NAME...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// The kind.
    pub kind: Kind,
    /// The names (empty: all).
    pub names: Vec<String>,
}

/// Reads `TYPE [NAME...]` or `TYPE/NAME...` into a kind and names.
///
/// # Errors
/// The text to print (kubectl's or the emulator's), for a missing, unknown or
/// unsimulated type, or mixed types.
pub fn targets(args: &[String]) -> Result<Targets, String> {
    let Some(first) = args.first() else {
        return Err(
            "error: You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n"
                .to_owned(),
        );
    };
    let kind_of = |t: &str| match resolve(t) {
        Resolved::Kind(k) => Ok(k),
        Resolved::NotSimulated(n) => Err(not_simulated(&n)),
        Resolved::Unknown(n) => Err(unknown_type(&n)),
    };
    if first.contains('/') {
        let mut kind = None;
        let mut names = Vec::new();
        for arg in args {
            let Some((t, n)) = arg.split_once('/') else {
                return Err(TYPE_TWICE.to_owned());
            };
            let k = kind_of(t)?;
            if kind.is_some_and(|existing| existing != k) {
                return Err(
                    "dsim: one resource type at a time, please (the emulator prints one table)\n"
                        .to_owned(),
                );
            }
            kind = Some(k);
            names.push(n.to_owned());
        }
        return kind
            .map(|kind| Targets { kind, names })
            .ok_or_else(|| unknown_type(first));
    }
    if first.contains(',') {
        return Err(
            "dsim: one resource type at a time, please (the emulator prints one table)\n"
                .to_owned(),
        );
    }
    let kind = kind_of(first)?;
    let names: Vec<String> = args[1..].to_vec();
    if names.iter().any(|n| n.contains('/')) {
        return Err(TYPE_TWICE.to_owned());
    }
    Ok(Targets { kind, names })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn types_resolve_like_kubectl() {
        assert_eq!(resolve("ds"), Resolved::Kind(Kind::DaemonSet));
        assert_eq!(resolve("daemonsets.apps"), Resolved::Kind(Kind::DaemonSet));
        assert_eq!(resolve("po"), Resolved::Kind(Kind::Pod));
        assert_eq!(resolve("deploy"), Resolved::NotSimulated("deploy".into()));
        assert_eq!(resolve("foos"), Resolved::Unknown("foos".into()));
        assert_eq!(
            targets(&strings(&["daemonset/a", "ds/b"])),
            Ok(Targets {
                kind: Kind::DaemonSet,
                names: strings(&["a", "b"])
            })
        );
        assert_eq!(
            targets(&strings(&["nodes", "w1"])),
            Ok(Targets {
                kind: Kind::Node,
                names: strings(&["w1"])
            })
        );
        assert_eq!(resolve("ns"), Resolved::Kind(Kind::Namespace));
        assert_eq!(
            targets(&strings(&["ns/monitoring", "namespace/default"])),
            Ok(Targets {
                kind: Kind::Namespace,
                names: strings(&["monitoring", "default"])
            })
        );
        assert_eq!(
            targets(&strings(&["x"])),
            Err("error: the server doesn't have a resource type \"x\"\n".into())
        );
    }
}
