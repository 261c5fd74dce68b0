//! Pod Security Admission in the object's namespace, from the labels of a Namespace of the
//! input, resolved as `PolicyToEvaluate`
//! (`staging/src/k8s.io/pod-security-admission/api/helpers.go`) resolves them over the
//! default configuration (`privileged:latest` for every mode):
//!
//! - `enforce` rejects pods below its level. For a DaemonSet the trap is that the API
//!   server accepts the DaemonSet itself (enforce applies to pods, not to templates) and
//!   then refuses every pod the controller creates.
//! - `warn` blocks nothing: the API server returns a warning, which kubectl prints, on a
//!   pod's create request and on every create or update of a workload (a DaemonSet),
//!   checking its pod template. Without a `warn` label it takes the `enforce` level
//!   (kubernetes/kubernetes#113491, Kubernetes 1.26).
//! - `audit` blocks nothing and shows nothing: it adds the annotation
//!   `pod-security.kubernetes.io/audit-violations` to the request's audit event, for pods
//!   and for workloads alike.
//!
//! A `warn` or `audit` value that is not a level checks nothing (both fail open to
//! `privileged`); one for `enforce` enforces `restricted`.

use super::pod_security::{evaluate, Evaluation};
use super::report::{Finding, Level, Severity};
use crate::manifest::Manifests;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use std::collections::BTreeMap;

/// The label that sets the enforced level.
pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";

/// The label that pins the enforced policy version.
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";

/// The label that sets the level Pod Security Admission warns about.
pub const WARN_LABEL: &str = "pod-security.kubernetes.io/warn";

/// The label that pins the warn mode's policy version.
pub const WARN_VERSION_LABEL: &str = "pod-security.kubernetes.io/warn-version";

/// The label that sets the level Pod Security Admission audits.
pub const AUDIT_LABEL: &str = "pod-security.kubernetes.io/audit";

/// The label that pins the audit mode's policy version.
pub const AUDIT_VERSION_LABEL: &str = "pod-security.kubernetes.io/audit-version";

/// The audit annotation Pod Security Admission records a violation of the audit level in
/// (`AuditAnnotationPrefix` + `AuditViolationsAnnotationKey`, `api/constants.go`).
pub const AUDIT_VIOLATIONS_ANNOTATION: &str = "pod-security.kubernetes.io/audit-violations";

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

impl Enforced {
    /// Pod Security Admission's refusal of pods evaluated as `evaluation` when they do
    /// not meet the enforced level: `violates PodSecurity "LEVEL:VERSION": reason
    /// (detail), ...` (`EvaluatePod` with enforce, in
    /// `staging/src/k8s.io/pod-security-admission/admission/admission.go`); `None` when
    /// they meet it.
    pub fn violates(&self, evaluation: &Evaluation) -> Option<String> {
        (evaluation.level < self.level).then(|| evaluation.violates(self.level, &self.version))
    }

    /// Whether the API server refuses the pods a workload creates from `template` (checked
    /// as the pods are once created, see [`evaluate`]), and in which words.
    pub fn refuses(&self, template: &PodTemplateSpec) -> Option<Refusal> {
        let empty_meta = Default::default();
        let empty_spec = Default::default();
        let evaluation = evaluate(
            template.metadata.as_ref().unwrap_or(&empty_meta),
            template.spec.as_ref().unwrap_or(&empty_spec),
        );
        let violates = self.violates(&evaluation)?;
        Some(Refusal {
            enforced: self.clone(),
            violates,
            level: evaluation.level,
            path: evaluation
                .enforced(self.level)
                .first()
                .map(|v| v.path.clone())
                .unwrap_or_default(),
        })
    }
}

/// The enforced policy refusing a workload's pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The policy.
    pub enforced: Enforced,
    /// `violates PodSecurity "LEVEL:VERSION": reason (detail), ...`.
    pub violates: String,
    /// The most restrictive level the pods meet.
    pub level: Level,
    /// The first offending field, relative to the pod (`spec.hostNetwork`).
    pub path: String,
}

impl Refusal {
    /// The API server's answer to the create of the pod `name`:
    /// `pods "NAME" is forbidden: violates PodSecurity ...`.
    pub fn forbidden(&self, name: &str) -> String {
        forbidden(name, &self.violates)
    }

    /// `namespace "NS" has pod-security.kubernetes.io/enforce: VALUE, and the pods meet
    /// only the LEVEL level`, the cause in words.
    pub fn cause(&self) -> String {
        format!(
            "namespace \"{}\" has {ENFORCE_LABEL}: {}, and the pods meet only the {} level",
            self.enforced.namespace,
            self.enforced.label,
            self.level.as_str()
        )
    }
}

/// What the API server answers to the create of the pod `name` that admission refuses
/// with `message`: `pods "NAME" is forbidden: MESSAGE` (`apierrors.NewForbidden`, which
/// Pod Security Admission's `forbiddenResponse` returns). A pod made with `generateName`
/// is named before validating admission sees it (`AdmissionToValidateObjectFunc`), so the
/// message carries the generated name.
pub fn forbidden(name: &str, message: &str) -> String {
    format!("pods \"{name}\" is forbidden: {message}")
}

/// A mode that does not block: `warn` or `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `pod-security.kubernetes.io/warn`: a warning to the client.
    Warn,
    /// `pod-security.kubernetes.io/audit`: an audit annotation.
    Audit,
}

impl Mode {
    /// The label that sets the mode's level.
    pub fn label(self) -> &'static str {
        match self {
            Self::Warn => WARN_LABEL,
            Self::Audit => AUDIT_LABEL,
        }
    }

    fn version_label(self) -> &'static str {
        match self {
            Self::Warn => WARN_VERSION_LABEL,
            Self::Audit => AUDIT_VERSION_LABEL,
        }
    }
}

/// The level a namespace warns or audits at, when it is not `privileged` (which checks
/// nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The namespace.
    pub namespace: String,
    /// Warn or audit.
    pub mode: Mode,
    /// The level.
    pub level: Level,
    /// The policy version as Pod Security Admission prints it (`latest` or `v1.N`).
    pub version: String,
    /// Whether the level comes from the `enforce` label because there is no `warn` label.
    pub from_enforce: bool,
}

impl Checked {
    /// What the API server says when the pods do not meet the level:
    /// `would violate PodSecurity "LEVEL:VERSION": ...`, or `None`.
    pub fn would_violate(&self, evaluation: &Evaluation) -> Option<String> {
        evaluation.would_violate(self.level, &self.version)
    }
}

/// The labels of the input's Namespace `namespace`, if it is in the input and labelled.
fn labels<'m>(manifests: &'m Manifests, namespace: &str) -> Option<&'m BTreeMap<String, String>> {
    manifests
        .namespaces
        .iter()
        .map(|l| &l.object)
        .find(|ns| ns.metadata.name.as_deref() == Some(namespace))?
        .metadata
        .labels
        .as_ref()
}

/// The policy the input's Namespace `namespace` enforces, if it is in the input and
/// labelled.
pub fn enforced(manifests: &Manifests, namespace: &str) -> Option<Enforced> {
    enforced_by(namespace, labels(manifests, namespace)?)
}

/// The policy a namespace with these labels enforces, if any.
pub fn enforced_by(namespace: &str, labels: &BTreeMap<String, String>) -> Option<Enforced> {
    let label = labels.get(ENFORCE_LABEL)?;
    Some(Enforced {
        namespace: namespace.to_owned(),
        level: Level::parse(label).unwrap_or(Level::Restricted),
        label: label.clone(),
        version: version(labels, ENFORCE_VERSION_LABEL).unwrap_or_else(latest),
    })
}

/// The level the input's Namespace `namespace` warns or audits at, if it is in the input
/// and that level is not `privileged`.
pub fn checked(manifests: &Manifests, namespace: &str, mode: Mode) -> Option<Checked> {
    checked_by(namespace, labels(manifests, namespace)?, mode)
}

/// The level a namespace with these labels warns or audits at, if not `privileged`:
/// the mode's label (a value that is not a level fails open to `privileged`), or for warn
/// without a label a valid `enforce` level, with the enforce version unless `warn-version`
/// is set.
pub fn checked_by(
    namespace: &str,
    labels: &BTreeMap<String, String>,
    mode: Mode,
) -> Option<Checked> {
    let own_version = version(labels, mode.version_label());
    let (level, version, from_enforce) = match labels.get(mode.label()) {
        Some(value) => (
            Level::parse(value)?,
            own_version.unwrap_or_else(latest),
            false,
        ),
        None if mode == Mode::Warn => {
            let enforce = Level::parse(labels.get(ENFORCE_LABEL)?)?;
            let version = own_version
                .or_else(|| version(labels, ENFORCE_VERSION_LABEL))
                .unwrap_or_else(latest);
            (enforce, version, true)
        }
        None => return None,
    };
    (level != Level::Privileged).then(|| Checked {
        namespace: namespace.to_owned(),
        mode,
        level,
        version,
        from_enforce,
    })
}

fn latest() -> String {
    "latest".to_owned()
}

/// A version label's policy version: its value, or `latest` for a value `ParseVersion`
/// rejects; `None` without the label.
fn version(labels: &BTreeMap<String, String>, label: &str) -> Option<String> {
    labels.get(label).map(|v| {
        if valid_version(v) {
            v.clone()
        } else {
            latest()
        }
    })
}

/// `ParseVersion`: `latest` or `v1.N`.
pub fn valid_version(text: &str) -> bool {
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
    let violates = enforced.violates(evaluation)?;
    let first = evaluation.enforced(enforced.level).first()?.path.clone();
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
        format!(
            "the API server rejects the pod: {}",
            forbidden(name, &violates)
        )
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

/// `PodSecurityWarning`: the namespace's `warn` label names a level the pods do not meet,
/// so the API server returns kubectl a warning on every create or update of the object.
/// For a DaemonSet `evaluation` is its template's ([`evaluate_template`]); for a Pod,
/// `rejected` says enforce refuses it (a refused request gets no warnings). A warn level
/// that only repeats `enforce` makes no finding: `RejectedByPodSecurity` says it.
///
/// [`evaluate_template`]: super::pod_security::evaluate_template
pub fn warning(
    kind: &str,
    checked: &Checked,
    evaluation: &Evaluation,
    prefix: &str,
    rejected: bool,
) -> Option<Finding> {
    if checked.mode != Mode::Warn || checked.from_enforce || rejected {
        return None;
    }
    let text = checked.would_violate(evaluation)?;
    let first = evaluation.enforced(checked.level).first()?.path.clone();
    let what = if kind == "DaemonSet" {
        "the API server still accepts the DaemonSet (warn blocks nothing), and on every create or update of it kubectl prints"
    } else {
        "the API server still creates the pod (warn blocks nothing), and kubectl prints"
    };
    Some(Finding {
        code: "PodSecurityWarning",
        severity: Severity::Warning,
        path: format!("{prefix}{first}"),
        message: format!(
            "namespace \"{}\" has {WARN_LABEL}: {}, and the pods meet only the {} level: {what}: Warning: {text}",
            checked.namespace,
            checked.level.as_str(),
            evaluation.level.as_str()
        ),
        fix: format!(
            "make the {} meet {} (see the other findings), or, if the agent needs what it asks for, warn at the level it meets: kubectl label namespace {} {WARN_LABEL}={} --overwrite",
            if kind == "DaemonSet" { "pod template" } else { "pod" },
            checked.level.as_str(),
            checked.namespace,
            evaluation.level.as_str()
        ),
    })
}

/// `PodSecurityAudit`: the namespace's `audit` label names a level the pods do not meet,
/// so the API server records the violation in its audit log. For a DaemonSet, `template`
/// is its template's evaluation (the DaemonSet's own requests) and `pods` the pods'
/// (every pod the controller creates); for a Pod both are the pod's.
pub fn audit(
    kind: &str,
    checked: &Checked,
    template: &Evaluation,
    pods: &Evaluation,
    prefix: &str,
) -> Option<Finding> {
    if checked.mode != Mode::Audit {
        return None;
    }
    let text = checked.would_violate(template)?;
    let first = template.enforced(checked.level).first()?.path.clone();
    let recorded = if kind == "DaemonSet" {
        match checked.would_violate(pods) {
            Some(on_pods) if on_pods != text => format!(
                "on every create or update of the DaemonSet the annotation {AUDIT_VIOLATIONS_ANNOTATION}: {text}; and on every pod the controller creates: {on_pods}"
            ),
            _ => format!(
                "on every create or update of the DaemonSet, and on every pod the controller creates, the annotation {AUDIT_VIOLATIONS_ANNOTATION}: {text}"
            ),
        }
    } else {
        format!("on the pod's create request the annotation {AUDIT_VIOLATIONS_ANNOTATION}: {text}")
    };
    Some(Finding {
        code: "PodSecurityAudit",
        severity: Severity::Info,
        path: format!("{prefix}{first}"),
        message: format!(
            "namespace \"{}\" has {AUDIT_LABEL}: {}, and the pods meet only the {} level: nothing is blocked or shown to the client, but the API server's audit log (where its audit policy records these requests) gets {recorded}",
            checked.namespace,
            checked.level.as_str(),
            template.level.as_str()
        ),
        fix: format!(
            "make the {} meet {} (see the other findings), or audit at the level the agent meets: kubectl label namespace {} {AUDIT_LABEL}={} --overwrite",
            if kind == "DaemonSet" { "pod template" } else { "pod" },
            checked.level.as_str(),
            checked.namespace,
            template.level.as_str()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn warn(pairs: &[(&str, &str)]) -> Option<(Level, String, bool)> {
        checked_by("ns", &labels(pairs), Mode::Warn).map(|c| (c.level, c.version, c.from_enforce))
    }

    /// `PolicyToEvaluate` over the default `privileged:latest`, with warn defaulted to a
    /// valid enforce level (kubernetes/kubernetes#113491).
    #[test]
    fn modes_resolve_like_policy_to_evaluate() {
        let latest = || "latest".to_owned();
        assert_eq!(
            warn(&[(WARN_LABEL, "baseline")]),
            Some((Level::Baseline, latest(), false))
        );
        assert_eq!(
            warn(&[
                (ENFORCE_LABEL, "restricted"),
                (ENFORCE_VERSION_LABEL, "v1.30")
            ]),
            Some((Level::Restricted, "v1.30".to_owned(), true))
        );
        assert_eq!(
            warn(&[
                (ENFORCE_LABEL, "restricted"),
                (ENFORCE_VERSION_LABEL, "v1.30"),
                (WARN_VERSION_LABEL, "v1.31")
            ]),
            Some((Level::Restricted, "v1.31".to_owned(), true))
        );
        // An explicit warn level wins, even a less restrictive one.
        assert_eq!(
            warn(&[(ENFORCE_LABEL, "restricted"), (WARN_LABEL, "privileged")]),
            None
        );
        // A warn value that is not a level fails open; an invalid enforce level is not
        // copied; privileged checks nothing.
        assert_eq!(warn(&[(WARN_LABEL, "strict")]), None);
        assert_eq!(warn(&[(ENFORCE_LABEL, "strict")]), None);
        assert_eq!(warn(&[(ENFORCE_LABEL, "privileged")]), None);
        assert_eq!(
            warn(&[(WARN_LABEL, "baseline"), (WARN_VERSION_LABEL, "1.30")]),
            Some((Level::Baseline, latest(), false))
        );
        // Audit has no such default.
        let audit = |pairs: &[(&str, &str)]| {
            checked_by("ns", &labels(pairs), Mode::Audit).map(|c| (c.level, c.version))
        };
        assert_eq!(audit(&[(ENFORCE_LABEL, "restricted")]), None);
        assert_eq!(
            audit(&[(AUDIT_LABEL, "restricted"), (AUDIT_VERSION_LABEL, "v1.36")]),
            Some((Level::Restricted, "v1.36".to_owned()))
        );
        assert_eq!(audit(&[(AUDIT_LABEL, "strict")]), None);
        // Enforce is as before: a value that is not a level enforces restricted.
        let enforced = enforced_by("ns", &labels(&[(ENFORCE_LABEL, "strict")]));
        assert_eq!(
            enforced.map(|e| (e.level, e.version)),
            Some((Level::Restricted, latest()))
        );
    }

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
