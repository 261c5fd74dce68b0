//! What happens to the cluster during a simulation: the update itself, pods deleted by
//! hand, rollbacks, and node faults, each at a moment. Written on the command line as
//! `SECONDS:ACTION[:ARGUMENTS]`, e.g. `30:notready:worker-2`.

use super::model::Millis;
use crate::lint::admission::Enforced;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Taint;

/// One thing that happens to the cluster.
#[derive(Debug, Clone)]
pub enum Action {
    /// `kubectl set image daemonset/NAME CONTAINER=IMAGE ...` (`*` names every container).
    SetImage(Vec<(String, String)>),
    /// `kubectl apply -f` of a changed DaemonSet.
    Apply(Box<DaemonSet>),
    /// `kubectl rollout undo daemonset/NAME --to-revision=N` (0: the previous revision).
    Undo(i64),
    /// `kubectl delete pod` of the daemon pods on a node.
    DeletePod(String),
    /// `kubectl delete pod NAME` of one daemon pod: (node, pod name).
    DeleteNamedPod(String, String),
    /// `kubectl label nodes NODE KEY=VALUE` (`None`: `KEY-`, the label removed).
    Label {
        /// The node.
        node: String,
        /// The label key.
        key: String,
        /// The new value, or `None` to remove the label.
        value: Option<String>,
    },
    /// A pod that is not a daemon pod leaves the node (`kubectl delete pod`, or an
    /// eviction): its resources and host ports are free again.
    RemoveOtherPod {
        /// The node.
        node: String,
        /// The pod's namespace.
        namespace: String,
        /// The pod's name.
        name: String,
    },
    /// `kubectl cordon NODE`.
    Cordon(String),
    /// `kubectl uncordon NODE`.
    Uncordon(String),
    /// `kubectl drain NODE --ignore-daemonsets`: cordon, and evict the node's other pods.
    Drain(String),
    /// `kubectl taint nodes NODE key=value:Effect`.
    Taint(String, Taint),
    /// `kubectl taint nodes NODE key[:Effect]-`.
    Untaint(String, String, Option<String>),
    /// The node's kubelet stops reporting: Ready becomes Unknown, the node lifecycle
    /// controller taints it unreachable and marks its pods not Ready.
    NotReady(String),
    /// The kubelet reports again.
    Ready(String),
    /// A node joins, a copy of an existing one (the first node when not named).
    AddNode {
        /// The new node's name.
        name: String,
        /// The node whose labels, taints and capacity it copies.
        like: Option<String>,
    },
    /// A node is deleted (`kubectl delete node`); the pod garbage collector deletes its pods.
    RemoveNode(String),
    /// The DaemonSet's Namespace was relabelled (`kubectl label namespace`): the policy Pod
    /// Security Admission enforces on the pods the controller creates from now on (`None`:
    /// nothing, `privileged`). It makes no sync of its own, so the kubectl emulator places
    /// it at the controller's next sync. Not an `--at` action.
    PodSecurity(Option<Enforced>),
}

/// An action at a moment.
#[derive(Debug, Clone)]
pub struct Timed {
    /// When, in milliseconds since the update.
    pub at: Millis,
    /// What.
    pub action: Action,
}

/// The node an action is about, if any.
pub fn node_of(action: &Action) -> Option<&str> {
    match action {
        Action::DeletePod(n)
        | Action::DeleteNamedPod(n, _)
        | Action::Label { node: n, .. }
        | Action::RemoveOtherPod { node: n, .. }
        | Action::Cordon(n)
        | Action::Uncordon(n)
        | Action::Drain(n)
        | Action::Taint(n, _)
        | Action::Untaint(n, _, _)
        | Action::NotReady(n)
        | Action::Ready(n)
        | Action::RemoveNode(n) => Some(n),
        Action::AddNode { like, .. } => like.as_deref(),
        Action::SetImage(_) | Action::Apply(_) | Action::Undo(_) | Action::PodSecurity(_) => None,
    }
}

/// The actions `--at` understands, for help and errors.
pub const ACTIONS: &str = "set-image:C=IMG[,C=IMG], undo[:REVISION], delete-pod:NODE, cordon:NODE, uncordon:NODE, drain:NODE, taint:NODE:KEY[=VALUE]:EFFECT, untaint:NODE:KEY[:EFFECT], notready:NODE, ready:NODE, add-node:NAME[:LIKE-NODE], remove-node:NODE";

/// Parses seconds as the CLI takes them: a non-negative number, fractions allowed.
///
/// # Errors
/// Not a number, negative, or beyond a simulated year.
pub fn parse_seconds(text: &str) -> Result<Millis, String> {
    let seconds: f64 = text
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(format!("{text:?}: seconds must be 0 or more"));
    }
    if seconds > 366.0 * 86_400.0 {
        return Err(format!("{text:?}: more than a year is not simulated"));
    }
    // The bound above keeps the product far inside i64.
    #[allow(clippy::cast_possible_truncation)]
    Ok((seconds * 1000.0).round() as Millis)
}

/// Parses `C=IMG[,C=IMG]` as `kubectl set image` takes its arguments.
///
/// # Errors
/// A pair without `=` or with an empty side.
pub fn parse_images(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .map(|pair| match pair.split_once('=') {
            Some((c, i)) if !c.is_empty() && !i.is_empty() => Ok((c.to_owned(), i.to_owned())),
            _ => Err(format!("expected CONTAINER=IMAGE, got {pair:?}")),
        })
        .collect()
}

/// Parses `KEY[=VALUE]:EFFECT` as `kubectl taint` takes it.
///
/// # Errors
/// kubectl's messages for a missing or unknown effect.
pub fn parse_taint(text: &str) -> Result<Taint, String> {
    let (kv, effect) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("invalid taint spec: {text}"))?;
    if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        return Err(format!(
            "invalid taint effect: {effect}, unsupported taint effect"
        ));
    }
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k, Some(v.to_owned())),
        None => (kv, None),
    };
    if key.is_empty() {
        return Err(format!("invalid taint spec: {text}"));
    }
    Ok(Taint {
        key: key.to_owned(),
        value,
        effect: effect.to_owned(),
        time_added: None,
    })
}

/// Parses one `--at SECONDS:ACTION[:ARGUMENTS]`.
///
/// # Errors
/// What is wrong with it, naming the accepted actions.
pub fn parse_at(text: &str) -> Result<Timed, String> {
    let (seconds, rest) = text
        .split_once(':')
        .ok_or_else(|| format!("--at {text:?}: expected SECONDS:ACTION, one of {ACTIONS}"))?;
    let at = parse_seconds(seconds).map_err(|e| format!("--at {text:?}: {e}"))?;
    let (name, args) = rest.split_once(':').unwrap_or((rest, ""));
    let need = |what: &str| {
        if args.is_empty() {
            Err(format!("--at {text:?}: {name} needs {what}"))
        } else {
            Ok(args.to_owned())
        }
    };
    let action = match name {
        "set-image" => Action::SetImage(parse_images(&need("CONTAINER=IMAGE")?)?),
        "undo" if args.is_empty() => Action::Undo(0),
        "undo" => Action::Undo(
            args.parse()
                .map_err(|_| format!("--at {text:?}: the revision must be a number"))?,
        ),
        "delete-pod" => Action::DeletePod(need("a node name")?),
        "cordon" => Action::Cordon(need("a node name")?),
        "uncordon" => Action::Uncordon(need("a node name")?),
        "drain" => Action::Drain(need("a node name")?),
        "notready" => Action::NotReady(need("a node name")?),
        "ready" => Action::Ready(need("a node name")?),
        "remove-node" => Action::RemoveNode(need("a node name")?),
        "add-node" => {
            let args = need("a node name")?;
            match args.split_once(':') {
                Some((name, like)) => Action::AddNode {
                    name: name.to_owned(),
                    like: Some(like.to_owned()),
                },
                None => Action::AddNode {
                    name: args,
                    like: None,
                },
            }
        }
        "taint" => {
            let args = need("NODE:KEY[=VALUE]:EFFECT")?;
            let (node, taint) = args
                .split_once(':')
                .ok_or_else(|| format!("--at {text:?}: taint needs NODE:KEY[=VALUE]:EFFECT"))?;
            Action::Taint(node.to_owned(), parse_taint(taint)?)
        }
        "untaint" => {
            let args = need("NODE:KEY[:EFFECT]")?;
            let mut parts = args.splitn(3, ':');
            let node = parts.next().unwrap_or_default().to_owned();
            let key = parts.next().unwrap_or_default().to_owned();
            if key.is_empty() {
                return Err(format!("--at {text:?}: untaint needs NODE:KEY[:EFFECT]"));
            }
            Action::Untaint(node, key, parts.next().map(str::to_owned))
        }
        other => {
            return Err(format!(
                "--at {text:?}: unknown action {other:?}; expected one of {ACTIONS}"
            ))
        }
    };
    Ok(Timed { at, action })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let t = parse_at("30:notready:worker-2").expect("valid");
        assert_eq!(t.at, 30_000);
        assert!(matches!(t.action, Action::NotReady(ref n) if n == "worker-2"));
        let t = parse_at("1.5:taint:w1:dedicated=gpu:NoExecute").expect("valid");
        assert_eq!(t.at, 1500);
        match t.action {
            Action::Taint(node, taint) => {
                assert_eq!(node, "w1");
                assert_eq!(
                    (
                        taint.key.as_str(),
                        taint.value.as_deref(),
                        taint.effect.as_str()
                    ),
                    ("dedicated", Some("gpu"), "NoExecute")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_at("0:undo:3").map(|t| t.action),
            Ok(Action::Undo(3))
        ));
        assert!(matches!(
            parse_at("5:add-node:w9:w1").map(|t| t.action),
            Ok(Action::AddNode { ref name, like: Some(ref l) }) if name == "w9" && l == "w1"
        ));
    }

    #[test]
    fn refuses_bad_forms_with_a_reason() {
        for (bad, says) in [
            ("-1:cordon:a", "0 or more"),
            ("x:cordon:a", "not a number"),
            ("5:explode:a", "unknown action"),
            ("5:cordon", "needs a node name"),
            ("5:taint:a:k=v:Sometimes", "invalid taint effect"),
            ("5:set-image:nginx", "CONTAINER=IMAGE"),
            ("5", "SECONDS:ACTION"),
        ] {
            let error = parse_at(bad).map(|_| ()).expect_err(bad);
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
