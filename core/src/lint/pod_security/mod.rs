//! The Pod Security Standards, as Pod Security Admission checks them at policy version
//! `latest` of Kubernetes 1.37 (`staging/src/k8s.io/pod-security-admission/policy`): the
//! level a pod satisfies, every control it violates in the check's own words, and what
//! the API server says when a namespace enforces, or warns or audits at, a level the pod
//! does not meet.
//!
//! Pods are checked as the API server sees them once created: a `hostNetwork` pod's
//! container ports are also host ports (`SetDefaults_Pod`), and a volume without a source
//! is an emptyDir (`SetDefaults_Volume`). A workload's pod template, which the warn and
//! audit modes check on the workload's own requests, gets only the second.

pub mod baseline;
pub mod controls;
pub mod restricted;
pub mod visit;

pub use controls::Control;

/// A violated control, ready to report (`Some`, for the checks' `Option` results).
fn violation(control: Control, reason: &str, detail: String, path: String) -> Option<Violation> {
    Some(Violation {
        control,
        reason: reason.to_owned(),
        detail,
        path,
    })
}

use super::report::Level;
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use visit::PodView;

/// A failed check: its control, Pod Security Admission's reason and detail, and the first
/// field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The control.
    pub control: Control,
    /// `ForbiddenReason`, e.g. `host namespaces`.
    pub reason: String,
    /// `ForbiddenDetail`, e.g. `hostNetwork=true`.
    pub detail: String,
    /// The first offending field, relative to the pod (`spec.hostNetwork`,
    /// `metadata.annotations[...]`).
    pub path: String,
}

impl Violation {
    /// How Pod Security Admission writes it: `reason (detail)`.
    pub fn message(&self) -> String {
        if self.detail.is_empty() {
            self.reason.clone()
        } else {
            format!("{} ({})", self.reason, self.detail)
        }
    }
}

/// The outcome of checking one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The most restrictive level the pod satisfies.
    pub level: Level,
    /// Every failed check, in the order Pod Security Admission runs them.
    pub violations: Vec<Violation>,
    /// Failed Restricted checks that say nothing the Baseline check they replace has not
    /// already said (e.g. a hostPath volume is both a hostPath volume and a restricted
    /// volume type); they count for enforcement but make no finding of their own.
    pub repeats: Vec<Control>,
}

impl Evaluation {
    /// The violations Pod Security Admission reports when a namespace enforces `level`.
    pub fn enforced(&self, level: Level) -> Vec<&Violation> {
        self.violations
            .iter()
            .filter(|v| v.control.enforced_at(level))
            .collect()
    }

    /// `violates PodSecurity "LEVEL:VERSION": reason (detail), ...` for `level`.
    pub fn violates(&self, level: Level, version: &str) -> String {
        format!(
            "violates PodSecurity \"{}:{version}\": {}",
            level.as_str(),
            self.forbidden_detail(level)
        )
    }

    /// `AggregateCheckResult.ForbiddenDetail()` for `level`: `reason (detail), ...`.
    fn forbidden_detail(&self, level: Level) -> String {
        let reasons: Vec<String> = self.enforced(level).iter().map(|v| v.message()).collect();
        reasons.join(", ")
    }

    /// What the API server returns for the warn and audit modes when the pod does not meet
    /// `level`: `would violate PodSecurity "LEVEL:VERSION": reason (detail), ...`
    /// (`EvaluatePod` in `staging/src/k8s.io/pod-security-admission/admission/admission.go`);
    /// `None` when it meets it.
    pub fn would_violate(&self, level: Level, version: &str) -> Option<String> {
        (self.level < level).then(|| {
            format!(
                "would violate PodSecurity \"{}:{version}\": {}",
                level.as_str(),
                self.forbidden_detail(level)
            )
        })
    }

    /// The violations that each deserve a finding.
    pub fn reported(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| !self.repeats.contains(&v.control))
    }
}

/// Checks a pod (or the pod a template creates) against every control.
pub fn evaluate(meta: &ObjectMeta, spec: &PodSpec) -> Evaluation {
    evaluate_view(&PodView::new(meta, spec))
}

/// Checks a workload's pod template as it is on the workload's own request, which Pod
/// Security Admission checks for its warn and audit modes (enforce applies to pods only):
/// the same as [`evaluate`] but for the host ports only pods get from `hostNetwork`.
pub fn evaluate_template(meta: &ObjectMeta, spec: &PodSpec) -> Evaluation {
    evaluate_view(&PodView::template(meta, spec))
}

fn evaluate_view(pod: &PodView<'_>) -> Evaluation {
    let mut violations = baseline::check_all(pod);
    violations.extend(restricted::check_all(pod));
    crate::order::sort_by_key(&mut violations, |v| {
        Control::ALL.iter().position(|c| *c == v.control)
    });
    let level = if violations
        .iter()
        .any(|v| v.control.level() == Level::Baseline)
    {
        Level::Privileged
    } else if violations.is_empty() {
        Level::Restricted
    } else {
        Level::Baseline
    };
    let failed = |control: Control| violations.iter().any(|v| v.control == control);
    let mut repeats = Vec::new();
    if failed(Control::VolumeTypes)
        && failed(Control::HostPathVolumes)
        && restricted::restricted_volume_types(pod)
            .iter()
            .all(|t| *t == "hostPath")
    {
        repeats.push(Control::VolumeTypes);
    }
    if failed(Control::RestrictedCapabilities)
        && failed(Control::Capabilities)
        && only_baseline_capability_problems(pod)
    {
        repeats.push(Control::RestrictedCapabilities);
    }
    if failed(Control::RestrictedProcMount) && failed(Control::ProcMount) {
        repeats.push(Control::RestrictedProcMount);
    }
    if failed(Control::RestrictedSeccomp) && failed(Control::Seccomp) {
        // With an explicit bad profile, the Restricted check reports exactly that profile.
        repeats.push(Control::RestrictedSeccomp);
    }
    Evaluation {
        level,
        violations,
        repeats,
    }
}

/// Whether every container drops ALL and adds nothing but NET_BIND_SERVICE and
/// capabilities outside the Baseline set (which the Baseline check already names).
fn only_baseline_capability_problems(pod: &PodView<'_>) -> bool {
    pod.containers.iter().all(|c| {
        let caps = c.security_context.and_then(|s| s.capabilities.as_ref());
        let drops_all = caps
            .and_then(|caps| caps.drop.as_deref())
            .unwrap_or_default()
            .iter()
            .any(|d| d == "ALL");
        let adds_ok = caps
            .and_then(|caps| caps.add.as_deref())
            .unwrap_or_default()
            .iter()
            .all(|a| {
                a == "NET_BIND_SERVICE" || !baseline::BASELINE_CAPABILITIES.contains(&a.as_str())
            });
        drops_all && adds_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, HostPathVolumeSource, Volume};

    fn spec(containers: Vec<Container>) -> PodSpec {
        PodSpec {
            containers,
            ..PodSpec::default()
        }
    }

    #[test]
    fn a_default_pod_is_baseline_and_misses_four_restricted_controls() {
        let spec = spec(vec![Container {
            name: "a".into(),
            ..Container::default()
        }]);
        let e = evaluate(&ObjectMeta::default(), &spec);
        assert_eq!(e.level, Level::Baseline);
        let reasons: Vec<String> = e.violations.iter().map(Violation::message).collect();
        assert_eq!(
            reasons,
            [
                "allowPrivilegeEscalation != false (container \"a\" must set securityContext.allowPrivilegeEscalation=false)",
                "unrestricted capabilities (container \"a\" must set securityContext.capabilities.drop=[\"ALL\"])",
                "runAsNonRoot != true (pod or container \"a\" must set securityContext.runAsNonRoot=true)",
                "seccompProfile (pod or container \"a\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            ]
        );
        assert_eq!(
            e.violates(Level::Baseline, "latest"),
            "violates PodSecurity \"baseline:latest\": "
        );
    }

    #[test]
    fn only_pods_get_host_ports_from_host_network() {
        let mut spec = spec(vec![Container {
            name: "a".into(),
            ports: Some(vec![k8s_openapi::api::core::v1::ContainerPort {
                container_port: 8080,
                ..Default::default()
            }]),
            ..Container::default()
        }]);
        spec.host_network = Some(true);
        let meta = ObjectMeta::default();
        let pod = evaluate(&meta, &spec);
        let template = evaluate_template(&meta, &spec);
        assert_eq!(
            (pod.level, template.level),
            (Level::Privileged, Level::Privileged)
        );
        assert!(pod
            .violations
            .iter()
            .any(|v| v.control == Control::HostPorts));
        assert!(template
            .violations
            .iter()
            .all(|v| v.control != Control::HostPorts));
        assert_eq!(
            template.would_violate(Level::Baseline, "latest").as_deref(),
            Some(
                "would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)"
            )
        );
        assert_eq!(template.would_violate(Level::Privileged, "latest"), None);
    }

    #[test]
    fn host_path_is_said_once() {
        let mut spec = spec(vec![Container {
            name: "a".into(),
            ..Container::default()
        }]);
        spec.volumes = Some(vec![Volume {
            name: "root".into(),
            host_path: Some(HostPathVolumeSource {
                path: "/".into(),
                ..HostPathVolumeSource::default()
            }),
            ..Volume::default()
        }]);
        let e = evaluate(&ObjectMeta::default(), &spec);
        assert_eq!(e.level, Level::Privileged);
        assert!(e.repeats.contains(&Control::VolumeTypes));
        assert!(e.reported().all(|v| v.control != Control::VolumeTypes));
        assert!(e.violates(Level::Restricted, "latest").contains(
            "restricted volume types (volume \"root\" uses restricted volume type \"hostPath\")"
        ));
    }
}
