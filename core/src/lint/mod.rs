//! Lint: for every DaemonSet (and every standalone Pod) of the input, the Pod Security
//! Standards level its pods satisfy and each control they violate, best-practice findings
//! from the study guide, and findings only a DaemonSet simulator can make: the tainted
//! nodes it skips, how long an update takes, a host port a surge pod cannot get, a
//! namespace whose Pod Security enforcement rejects every pod, and the warnings and audit
//! annotations its `warn` and `audit` labels make. See `docs/lint.md`.

pub mod admission;
pub mod daemon_set;
pub mod pod_security;
pub mod practices;
pub mod report;

pub use report::{Finding, Level, LintReport, LintedObject, Severity};

use crate::manifest::Manifests;
use crate::{parallel, placement};
use admission::Mode;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use pod_security::{evaluate, evaluate_template, Control, Evaluation};

/// The fix for a host port that only `hostNetwork` creates.
const HOST_NETWORK_PORT_FIX: &str = "with hostNetwork: true the API server gives every containerPort a hostPort of the same number when it creates the pod: remove hostNetwork (and reach the agent through a Service), or keep it knowing the pod needs the privileged level anyway";

/// How the paths of a DaemonSet's pod template start.
const TEMPLATE: &str = "spec.template.";

/// Lints every DaemonSet of `manifests` (natively on several cores), then every Pod no
/// controller owns, in input order. `files` names the sources, for the rollout
/// simulation's messages.
pub fn lint(manifests: &Manifests, files: &[&str]) -> LintReport {
    let mut objects = parallel::map(&manifests.daemon_sets, 2, |l| {
        lint_daemon_set(&l.object, manifests, files)
    });
    objects.extend(
        manifests
            .pods
            .iter()
            .map(|l| &l.object)
            .filter(|pod| standalone(pod))
            .map(|pod| lint_pod(pod, manifests)),
    );
    LintReport {
        objects,
        warnings: manifests.warnings.clone(),
    }
}

/// A pod no controller owns (a controller's pods are linted through their template).
fn standalone(pod: &Pod) -> bool {
    !pod.metadata
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.controller == Some(true))
}

/// The Pod Security findings of an evaluation: a warning for each Baseline control
/// violated (each makes the pods privileged), info for each Restricted one.
fn pod_security_findings(evaluation: &Evaluation, prefix: &str) -> Vec<Finding> {
    evaluation
        .reported()
        .map(|v| Finding {
            code: v.control.code(),
            severity: if v.control.level() == Level::Baseline {
                Severity::Warning
            } else {
                Severity::Info
            },
            path: format!("{prefix}{}", v.path),
            message: v.message(),
            fix: if v.control == Control::HostPorts && v.path.ends_with(".containerPort") {
                HOST_NETWORK_PORT_FIX.to_owned()
            } else {
                v.control.fix().to_owned()
            },
        })
        .collect()
}

/// Prefixes the pod-relative paths of `findings`.
fn under(prefix: &str, findings: Vec<Finding>) -> impl Iterator<Item = Finding> + '_ {
    findings.into_iter().map(move |mut f| {
        f.path = format!("{prefix}{}", f.path);
        f
    })
}

/// Errors first, then warnings, then info; a stable sort keeps the checks' order within.
fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    crate::order::sort_by_key(&mut findings, |f| f.severity);
    findings
}

fn lint_daemon_set(ds: &DaemonSet, manifests: &Manifests, files: &[&str]) -> LintedObject {
    let namespace = placement::namespace(ds).to_owned();
    let name = ds.metadata.name.clone().unwrap_or_default();
    let empty_meta = ObjectMeta::default();
    let meta = ds.spec.template.metadata.as_ref().unwrap_or(&empty_meta);
    let default_spec = Default::default();
    let spec = ds.spec.template.spec.as_ref().unwrap_or(&default_spec);
    let evaluation = evaluate(meta, spec);
    let mut findings = Vec::new();
    if let Some(enforced) = admission::enforced(manifests, &namespace) {
        findings.extend(admission::rejection(
            "DaemonSet",
            &name,
            &enforced,
            &evaluation,
            TEMPLATE,
        ));
    }
    findings.extend(pod_security_findings(&evaluation, TEMPLATE));
    let survey = (!manifests.nodes.is_empty()).then(|| daemon_set::survey(ds, &manifests.nodes));
    if let Some(survey) = &survey {
        findings.extend(daemon_set::tainted_nodes(survey));
    }
    findings.extend(under(TEMPLATE, practices::pod_findings(meta, spec, true)));
    findings.extend(practices::daemon_set_findings(
        ds,
        survey.as_ref().map(|s| s.desired),
    ));
    findings.extend(daemon_set::host_port_with_surge(ds));
    if let Some(survey) = &survey {
        findings.extend(daemon_set::slow_rollout(
            ds,
            manifests,
            files,
            survey.desired,
        ));
    }
    // Warn and audit check the DaemonSet's own requests, so its template as sent.
    let warned = admission::checked(manifests, &namespace, Mode::Warn);
    let audited = admission::checked(manifests, &namespace, Mode::Audit);
    if warned.is_some() || audited.is_some() {
        let template = evaluate_template(meta, spec);
        if let Some(warned) = &warned {
            findings.extend(admission::warning(
                "DaemonSet",
                warned,
                &template,
                TEMPLATE,
                false,
            ));
        }
        if let Some(audited) = &audited {
            findings.extend(admission::audit(
                "DaemonSet",
                audited,
                &template,
                &evaluation,
                TEMPLATE,
            ));
        }
    }
    LintedObject {
        kind: "DaemonSet",
        namespace,
        name,
        pod_security: evaluation.level,
        findings: sorted(findings),
    }
}

fn lint_pod(pod: &Pod, manifests: &Manifests) -> LintedObject {
    let namespace = pod
        .metadata
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_owned());
    let name = pod.metadata.name.clone().unwrap_or_default();
    let default_spec = Default::default();
    let spec = pod.spec.as_ref().unwrap_or(&default_spec);
    let evaluation = evaluate(&pod.metadata, spec);
    let mut findings = Vec::new();
    let mut rejected = false;
    if let Some(enforced) = admission::enforced(manifests, &namespace) {
        let rejection = admission::rejection("Pod", &name, &enforced, &evaluation, "");
        rejected = rejection.is_some();
        findings.extend(rejection);
    }
    findings.extend(pod_security_findings(&evaluation, ""));
    findings.extend(practices::pod_findings(&pod.metadata, spec, false));
    if let Some(warned) = admission::checked(manifests, &namespace, Mode::Warn) {
        findings.extend(admission::warning(
            "Pod",
            &warned,
            &evaluation,
            "",
            rejected,
        ));
    }
    if let Some(audited) = admission::checked(manifests, &namespace, Mode::Audit) {
        findings.extend(admission::audit(
            "Pod",
            &audited,
            &evaluation,
            &evaluation,
            "",
        ));
    }
    LintedObject {
        kind: "Pod",
        namespace,
        name,
        pod_security: evaluation.level,
        findings: sorted(findings),
    }
}
