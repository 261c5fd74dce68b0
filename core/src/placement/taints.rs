//! Taints against tolerations, as `Toleration.ToleratesTaint` and
//! `FindMatchingUntoleratedTaint` do, and the tolerations the DaemonSet controller adds to
//! every daemon pod (`AddOrUpdateDaemonPodTolerations`).

use k8s_openapi::api::core::v1::{PodSpec, Taint, Toleration};

/// Taint key of nodes whose Ready condition is False.
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
/// Taint key of nodes whose Ready condition is Unknown.
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// Taint key of nodes under disk pressure.
pub const DISK_PRESSURE: &str = "node.kubernetes.io/disk-pressure";
/// Taint key of nodes under memory pressure.
pub const MEMORY_PRESSURE: &str = "node.kubernetes.io/memory-pressure";
/// Taint key of nodes under PID pressure.
pub const PID_PRESSURE: &str = "node.kubernetes.io/pid-pressure";
/// Taint key of cordoned nodes.
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
/// Taint key of nodes whose network is not configured yet.
pub const NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";

/// Whether `toleration` tolerates `taint`: effect (empty matches all), key (empty matches
/// all, with `Exists`), then operator (`Exists`, or `Equal`/empty comparing values).
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = toleration.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = toleration.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("") {
        "Exists" => true,
        "" | "Equal" => {
            toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        _ => false,
    }
}

/// Whether any of `tolerations` tolerates `taint`.
pub fn tolerated_by_any(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

fn exists(key: &str, effect: &str) -> Toleration {
    Toleration {
        key: Some(key.to_owned()),
        operator: Some("Exists".to_owned()),
        effect: Some(effect.to_owned()),
        ..Toleration::default()
    }
}

/// The tolerations of a daemon pod: the template's own plus those the controller adds
/// (not-ready and unreachable NoExecute; disk-, memory-, pid-pressure and unschedulable
/// NoSchedule; network-unavailable NoSchedule for hostNetwork pods). Like
/// `AddOrUpdateTolerationInPodSpec`, an added toleration replaces a template toleration with
/// the same key, operator, value and effect (dropping its tolerationSeconds), and is appended
/// otherwise.
pub fn daemon_pod_tolerations(spec: &PodSpec) -> Vec<Toleration> {
    let mut added = vec![
        exists(NOT_READY, "NoExecute"),
        exists(UNREACHABLE, "NoExecute"),
        exists(DISK_PRESSURE, "NoSchedule"),
        exists(MEMORY_PRESSURE, "NoSchedule"),
        exists(PID_PRESSURE, "NoSchedule"),
        exists(UNSCHEDULABLE, "NoSchedule"),
    ];
    if spec.host_network == Some(true) {
        added.push(exists(NETWORK_UNAVAILABLE, "NoSchedule"));
    }
    let mut tolerations = spec.tolerations.clone().unwrap_or_default();
    for toleration in added {
        let same = tolerations.iter_mut().find(|t| {
            t.key == toleration.key
                && t.operator == toleration.operator
                && t.value.as_deref().unwrap_or("").is_empty()
                && t.effect == toleration.effect
        });
        match same {
            Some(existing) => *existing = toleration,
            None => tolerations.push(toleration),
        }
    }
    tolerations
}

/// How a taint reads in the scheduler's messages: `{key: value}`.
pub fn describe(taint: &Taint) -> String {
    format!(
        "{{{}: {}}}",
        taint.key,
        taint.value.as_deref().unwrap_or("")
    )
}

/// A taint as `kubectl taint` and `kubectl describe node` write it: `key=value:Effect`
/// (`key:Effect` without a value).
pub fn kubectl_form(taint: &Taint) -> String {
    match taint.value.as_deref().filter(|v| !v.is_empty()) {
        Some(value) => format!("{}={value}:{}", taint.key, taint.effect),
        None => format!("{}:{}", taint.key, taint.effect),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_form_is_key_value_effect() {
        assert_eq!(
            kubectl_form(&taint("dedicated", Some("gpu"), "NoSchedule")),
            "dedicated=gpu:NoSchedule"
        );
        assert_eq!(
            kubectl_form(&taint("node.kubernetes.io/unreachable", None, "NoExecute")),
            "node.kubernetes.io/unreachable:NoExecute"
        );
    }

    fn taint(key: &str, value: Option<&str>, effect: &str) -> Taint {
        Taint {
            key: key.to_owned(),
            value: value.map(str::to_owned),
            effect: effect.to_owned(),
            time_added: None,
        }
    }

    fn toleration(key: &str, operator: &str, value: Option<&str>, effect: &str) -> Toleration {
        Toleration {
            key: (!key.is_empty()).then(|| key.to_owned()),
            operator: (!operator.is_empty()).then(|| operator.to_owned()),
            value: value.map(str::to_owned),
            effect: (!effect.is_empty()).then(|| effect.to_owned()),
            toleration_seconds: None,
        }
    }

    /// Cases from `TestTolerationToleratesTaint` (staging/src/k8s.io/api/core/v1/toleration_test.go)
    /// and section 4 of the placement notes.
    #[test]
    fn toleration_matching_follows_kubernetes() {
        let cp = taint("node-role.kubernetes.io/control-plane", None, "NoSchedule");
        let cases = [
            (
                toleration("", "Exists", None, ""),
                &cp,
                true,
                "empty key with Exists tolerates all",
            ),
            (
                toleration(
                    "node-role.kubernetes.io/control-plane",
                    "Equal",
                    None,
                    "NoSchedule",
                ),
                &cp,
                true,
                "Equal with no value matches empty value",
            ),
            (
                toleration("node-role.kubernetes.io/control-plane", "", None, ""),
                &cp,
                true,
                "empty operator means Equal",
            ),
            (
                toleration(
                    "node-role.kubernetes.io/control-plane",
                    "Exists",
                    None,
                    "NoExecute",
                ),
                &cp,
                false,
                "effect must match",
            ),
            (
                toleration("other", "Exists", None, ""),
                &cp,
                false,
                "key must match",
            ),
            (
                toleration(
                    "node-role.kubernetes.io/control-plane",
                    "Equal",
                    Some("true"),
                    "",
                ),
                &cp,
                false,
                "value must match",
            ),
            (
                toleration("node-role.kubernetes.io/control-plane", "Lt", Some("1"), ""),
                &cp,
                false,
                "unknown operators never match",
            ),
        ];
        for (tol, t, want, why) in cases {
            assert_eq!(tolerates(&tol, t), want, "{why}");
        }
        let valued = taint("dedicated", Some("infra"), "NoExecute");
        assert!(tolerates(
            &toleration("dedicated", "Equal", Some("infra"), "NoExecute"),
            &valued
        ));
        assert!(!tolerates(
            &toleration("dedicated", "Equal", Some("batch"), ""),
            &valued
        ));
    }

    #[test]
    fn daemon_pods_get_the_controllers_tolerations() {
        let plain = daemon_pod_tolerations(&PodSpec::default());
        assert_eq!(plain.len(), 6);
        assert!(tolerated_by_any(
            &plain,
            &taint(UNSCHEDULABLE, None, "NoSchedule")
        ));
        assert!(tolerated_by_any(
            &plain,
            &taint(NOT_READY, None, "NoExecute")
        ));
        assert!(
            !tolerated_by_any(&plain, &taint(NOT_READY, None, "NoSchedule")),
            "only NoExecute is added"
        );
        assert!(!tolerated_by_any(
            &plain,
            &taint(NETWORK_UNAVAILABLE, None, "NoSchedule")
        ));
        let host = PodSpec {
            host_network: Some(true),
            ..PodSpec::default()
        };
        assert!(tolerated_by_any(
            &daemon_pod_tolerations(&host),
            &taint(NETWORK_UNAVAILABLE, None, "NoSchedule")
        ));
    }
}
