//! `kubectl label namespace NAME KEY=VALUE... KEY-...`, and what the API server does with
//! the update: the namespace strategy keeps the `kubernetes.io/metadata.name` label,
//! validation checks the labels' syntax, and Pod Security Admission's `ValidateNamespace`
//! (`staging/src/k8s.io/pod-security-admission/admission/admission.go`) rejects invalid
//! `pod-security.kubernetes.io/*` values and, when the `enforce` level gets stricter,
//! warns about the namespace's existing pods that violate it (`EvaluatePodsInNamespace`).
//!
//! A new `enforce` policy reaches the DaemonSets of the namespace at their controller's
//! next sync: existing pods stay, pods the controller creates from then on are judged by
//! it (`FailedCreate` when refused, as for a namespace labelled from the start).

use super::nodes::{invalid_object, relabel, LabelChange};
use crate::kubectl::args::Parsed;
use crate::kubectl::describe::daemon_set::pending_retry;
use crate::kubectl::resources::{not_found, Kind};
use crate::kubectl::session::{Session, NAMESPACE_NAME_LABEL};
use crate::kubectl::Output;
use crate::lint::admission::{
    enforced_by, valid_version, Enforced, AUDIT_LABEL, AUDIT_VERSION_LABEL, ENFORCE_LABEL,
    ENFORCE_VERSION_LABEL, WARN_LABEL, WARN_VERSION_LABEL,
};
use crate::lint::pod_security::evaluate;
use crate::lint::report::Level;
use crate::manifest::validate;
use crate::rollout::{Action, Millis};
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

type Labels = BTreeMap<String, String>;

/// `PolicyToEvaluate`'s errors for these labels, in its order (`enforce`, `warn`,
/// `audit`, each level then version), as `path: Invalid value: "VALUE": message`
/// (`field.Invalid` at `metadata.labels[LABEL]`; `ParseLevel` and `ParseVersion`).
pub fn policy_errors(labels: &Labels) -> Vec<String> {
    let mut errors = Vec::new();
    for (level_label, version_label) in [
        (ENFORCE_LABEL, ENFORCE_VERSION_LABEL),
        (WARN_LABEL, WARN_VERSION_LABEL),
        (AUDIT_LABEL, AUDIT_VERSION_LABEL),
    ] {
        if let Some(value) = labels.get(level_label) {
            if Level::parse(value).is_none() {
                errors.push(format!(
                    "metadata.labels[{level_label}]: Invalid value: \"{value}\": must be one of privileged, baseline, restricted"
                ));
            }
        }
        if let Some(value) = labels.get(version_label) {
            if !valid_version(value) {
                errors.push(format!(
                    "metadata.labels[{version_label}]: Invalid value: \"{value}\": must be \"latest\" or \"v1.x\""
                ));
            }
        }
    }
    errors
}

/// The enforced level and version a namespace with these labels has: the default
/// `privileged:latest` without an `enforce` label.
fn enforce_level(namespace: &str, labels: &Labels) -> (Level, String) {
    enforced_by(namespace, labels).map_or_else(
        || (Level::Privileged, "latest".to_owned()),
        |e| (e.level, e.version),
    )
}

/// What `ValidateNamespace` answers to an update of the namespace `name` from labels
/// `old` to `new`: `Err` with kubectl's text when the new Pod Security labels are invalid
/// (and their errors are new), otherwise the warnings about existing pods, which it
/// checks only when the `enforce` policy changes to one that is not `privileged` and not
/// merely a less strict level at the same version.
pub fn validate_namespace_update(
    session: &Session,
    name: &str,
    old: &Labels,
    new: &Labels,
) -> Result<Vec<String>, String> {
    let new_errors = policy_errors(new);
    if !new_errors.is_empty() {
        let old_errors = policy_errors(old);
        if old_errors.is_empty() || old_errors != new_errors {
            return Err(invalid_object("Namespace", name, &new_errors));
        }
    }
    let (old_level, old_version) = enforce_level(name, old);
    let (level, version) = enforce_level(name, new);
    if (level, &version) == (old_level, &old_version)
        || level == Level::Privileged
        || (version == old_version && level <= old_level)
    {
        return Ok(Vec::new());
    }
    Ok(existing_pod_warnings(session, name, level, &version))
}

/// `EvaluatePodsInNamespace`: every pod of the namespace checked against the new level;
/// pods that violate it with the same reasons (`ForbiddenReason`: the reasons, joined by
/// `, `) are one warning, named after the first pod by name (`decoratePodWarnings`), the
/// warnings sorted, after `existing pods in namespace "NAME" violate the new PodSecurity
/// enforce level "LEVEL:VERSION"`.
fn existing_pod_warnings(
    session: &Session,
    namespace: &str,
    level: Level,
    version: &str,
) -> Vec<String> {
    // (reasons, first pod by name, pods)
    let mut groups: Vec<(String, String, usize)> = Vec::new();
    for (pod, _) in session.pods() {
        if pod.metadata.namespace.as_deref() != Some(namespace) {
            continue;
        }
        let empty = Default::default();
        let evaluation = evaluate(&pod.metadata, pod.spec.as_ref().unwrap_or(&empty));
        if evaluation.level >= level {
            continue;
        }
        let reasons: Vec<&str> = evaluation
            .enforced(level)
            .iter()
            .map(|v| v.reason.as_str())
            .collect();
        let reasons = reasons.join(", ");
        let name = pod.metadata.name.clone().unwrap_or_default();
        match groups.iter_mut().find(|(r, _, _)| *r == reasons) {
            Some((_, first, count)) => {
                if name < *first {
                    *first = name;
                }
                *count += 1;
            }
            None => groups.push((reasons, name, 1)),
        }
    }
    if groups.is_empty() {
        return Vec::new();
    }
    let mut pods: Vec<String> = groups
        .into_iter()
        .map(|(reasons, first, count)| match count {
            1 => format!("{first}: {reasons}"),
            2 => format!("{first} (and 1 other pod): {reasons}"),
            n => format!("{first} (and {} other pods): {reasons}", n - 1),
        })
        .collect();
    crate::order::sort(&mut pods);
    let mut warnings = vec![format!(
        "existing pods in namespace \"{namespace}\" violate the new PodSecurity enforce level \"{}:{version}\"",
        level.as_str()
    )];
    warnings.extend(pods);
    warnings
}

/// The API server's validation of a Namespace's labels (`ValidateObjectMeta`'s label
/// checks, the same as for any object's labels).
fn invalid_labels(name: &str, labels: &Labels) -> Option<String> {
    // The Node validation checks object metadata as every object's is checked; only its
    // label errors concern the Namespace.
    let probe = Node {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        ..Node::default()
    };
    let parts: Vec<String> = validate::validate_node(&probe)
        .into_iter()
        .map(|e| (e.path.to_string(), e.message))
        .filter(|(path, _)| path.starts_with("metadata.labels"))
        .map(|(path, message)| format!("{path}: {message}"))
        .collect();
    (!parts.is_empty()).then(|| invalid_object("Namespace", name, &parts))
}

/// The new `enforce` policy reaches each DaemonSet of the namespace at its controller's
/// next sync: the pending retry of a sync the old policy failed, or now (the next sync
/// will find it; a change that makes one sooner brings it forward, see
/// [`crate::kubectl::sim::Sim::act`]).
fn follow_policy(
    session: &mut Session,
    namespace: &str,
    old: Option<Enforced>,
    new: Option<Enforced>,
    at: Millis,
) -> Result<(), String> {
    if old == new {
        return Ok(());
    }
    let mut first_error = None;
    for index in 0..session.daemon_sets.len() {
        if session.daemon_sets[index].key().0 != namespace {
            continue;
        }
        let when = pending_retry(session, index, at).unwrap_or(at);
        let behaviour = session.behaviour.clone();
        let sim = &mut session.daemon_sets[index].sim;
        if let Err(e) = sim.act(when, Action::PodSecurity(new.clone()), &behaviour) {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// `kubectl label namespace NAME ...`: the changes as `labelFunc` makes them, then the
/// update through the API server (unless a client dry run): validation, Pod Security
/// Admission's answer (an error, or warnings on standard error before the result line),
/// and, unless a dry run, the new labels kept and the new policy followed by the
/// namespace's DaemonSets.
pub fn label(
    session: &mut Session,
    name: &str,
    changes: &[LabelChange],
    parsed: &Parsed,
) -> Output {
    let Some(mut entry) = session.find_namespace(name) else {
        return Output::fail(not_found(Kind::Namespace, name));
    };
    let mut notes = String::new();
    let old = entry.object.metadata.labels.clone().unwrap_or_default();
    let (mut labels, message) =
        match relabel(Some(&old), changes, parsed.is_set("overwrite"), &mut notes) {
            Ok(r) => r,
            Err(e) => return Output::fail(e),
        };
    let mut out = Output::default();
    // `labelFunc` prints what it could not remove as it goes, before any request.
    out.eprint(notes);
    let dry_run = match parsed.value("dry-run") {
        Some("client") => Some(" (dry run)"),
        Some("server") => Some(" (server dry run)"),
        _ => None,
    };
    if dry_run == Some(" (dry run)") {
        out.print(format!("namespace/{name} {message} (dry run)\n"));
        return out;
    }
    // The namespace strategy sets the name label on every update.
    labels.insert(NAMESPACE_NAME_LABEL.to_owned(), name.to_owned());
    if let Some(e) = invalid_labels(name, &labels) {
        out.push(Output::fail(e));
        return out;
    }
    let warnings = match validate_namespace_update(session, name, &old, &labels) {
        Ok(w) => w,
        Err(e) => {
            out.push(Output::fail(e));
            return out;
        }
    };
    for warning in &warnings {
        out.eprint(format!("Warning: {warning}\n"));
    }
    let suffix = dry_run.unwrap_or("");
    out.print(format!("namespace/{name} {message}{suffix}\n"));
    if dry_run.is_some() || labels == old {
        return out;
    }
    let at = session.tick();
    let old_policy = enforced_by(name, &old);
    let new_policy = enforced_by(name, &labels);
    entry.object.metadata.labels = Some(labels);
    session.store_namespace(entry);
    if let Err(e) = follow_policy(session, name, old_policy, new_policy, at) {
        out.eprint(format!("dsim: {e}\n"));
    }
    out
}
