//! Pod Security Admission in the object's namespace: a Namespace of the input labelled
//! `pod-security.kubernetes.io/enforce` rejects pods below its level. For a DaemonSet the
//! trap is that the API server accepts the DaemonSet itself (enforce applies to pods, not
//! to templates) and then refuses every pod the controller creates.

use super::pod_security::Evaluation;
use super::report::{Finding, Level, Severity};
use crate::manifest::Manifests;

/// The label that sets the enforced level.
pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";

/// The label that pins the enforced policy version.
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";

/// The policy a namespace enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enforced {
    /// The namespace.
    pub namespace: String,
    /// The level (`restricted` when the label's value is not a level, as `ParseLevel`
    /// falls back).
    pub level: Level,
    /// The label's value as written.
    pub label: String,
    /// The policy version as Pod Security Admission prints it (`latest` or `v1.N`).
    pub version: String,
}

/// The policy the input's Namespace `namespace` enforces, if it is in the input and
/// labelled.
pub fn enforced(manifests: &Manifests, namespace: &str) -> Option<Enforced> {
    let ns = manifests
        .namespaces
        .iter()
        .map(|l| &l.object)
        .find(|ns| ns.metadata.name.as_deref() == Some(namespace))?;
    let labels = ns.metadata.labels.as_ref()?;
    let label = labels.get(ENFORCE_LABEL)?;
    let version = labels
        .get(ENFORCE_VERSION_LABEL)
        .filter(|v| valid_version(v))
        .cloned()
        .unwrap_or_else(|| "latest".to_owned());
    Some(Enforced {
        namespace: namespace.to_owned(),
        level: Level::parse(label).unwrap_or(Level::Restricted),
        label: label.clone(),
        version,
    })
}

/// `ParseVersion`: `latest` or `v1.N`.
fn valid_version(text: &str) -> bool {
    text == "latest"
        || text.strip_prefix("v1.").is_some_and(|n| {
            !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n == "0" || !n.starts_with('0'))
        })
}

/// `RejectedByPodSecurity`: the namespace enforces a level the pods do not meet.
/// `kind` and `name` name the object; `prefix` turns pod paths into the object's paths.
pub fn rejection(
    kind: &str,
    name: &str,
    enforced: &Enforced,
    evaluation: &Evaluation,
    prefix: &str,
) -> Option<Finding> {
    if evaluation.level >= enforced.level {
        return None;
    }
    let first = evaluation.enforced(enforced.level).first()?.path.clone();
    let violates = evaluation.violates(enforced.level, &enforced.version);
    let invalid = if Level::parse(&enforced.label).is_none() {
        format!(
            " (\"{}\" is not a level, so Pod Security Admission enforces restricted)",
            enforced.label
        )
    } else {
        String::new()
    };
    let what = if kind == "DaemonSet" {
        format!(
            "the API server accepts the DaemonSet but rejects every pod it creates, so no node gets the agent, and its FailedCreate events say the pods are forbidden: {violates}"
        )
    } else {
        format!("the API server rejects the pod: pods \"{name}\" is forbidden: {violates}")
    };
    Some(Finding {
        code: "RejectedByPodSecurity",
        severity: Severity::Error,
        path: format!("{prefix}{first}"),
        message: format!(
            "namespace \"{}\" has {ENFORCE_LABEL}: {}{invalid}, and the pods meet only the {} level: {what}",
            enforced.namespace,
            enforced.label,
            evaluation.level.as_str()
        ),
        fix: format!(
            "make the pod template meet {} (see the other findings), or, for an agent that needs the host, run it in a namespace that allows it: kubectl label namespace {} {ENFORCE_LABEL}={} --overwrite",
            enforced.level.as_str(),
            enforced.namespace,
            evaluation.level.as_str()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_psa() {
        assert!(valid_version("latest"));
        assert!(valid_version("v1.30"));
        assert!(valid_version("v1.0"));
        assert!(!valid_version("v1.030"));
        assert!(!valid_version("1.30"));
        assert!(!valid_version("v1."));
    }
}
