//! `kubectl rollout status daemonset/NAME` at one moment, in kubectl's words
//! (`DaemonSetStatusViewer` in `staging/src/k8s.io/kubectl/pkg/polymorphichelpers`).

use super::budget::Strategy;
use super::model::Status;

/// kubectl's error for a DaemonSet with the OnDelete strategy.
pub const ON_DELETE_ERROR: &str =
    "error: rollout status is only available for RollingUpdate strategy type";

/// The line `kubectl rollout status` prints for this status (without the newline).
pub fn rollout_status_message(
    name: &str,
    strategy: &Strategy,
    generation: i64,
    status: &Status,
) -> String {
    if *strategy == Strategy::OnDelete {
        return ON_DELETE_ERROR.to_owned();
    }
    if generation > status.observed_generation {
        return "Waiting for daemon set spec update to be observed...".to_owned();
    }
    let desired = status.desired_number_scheduled;
    if status.updated_number_scheduled < desired {
        return format!(
            "Waiting for daemon set {name:?} rollout to finish: {} out of {desired} new pods have been updated...",
            status.updated_number_scheduled
        );
    }
    if status.number_available < desired {
        return format!(
            "Waiting for daemon set {name:?} rollout to finish: {} of {desired} updated pods are available...",
            status.number_available
        );
    }
    format!("daemon set {name:?} successfully rolled out")
}

/// Whether the message says the rollout is done.
pub fn is_rolled_out(message: &str) -> bool {
    message.ends_with("successfully rolled out")
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    fn rolling() -> Strategy {
        Strategy::RollingUpdate {
            max_unavailable: IntOrString::Int(1),
            max_surge: IntOrString::Int(0),
        }
    }

    #[test]
    fn messages_in_kubectl_words() {
        let mut s = Status {
            desired_number_scheduled: 6,
            updated_number_scheduled: 2,
            number_available: 5,
            observed_generation: 2,
            ..Status::default()
        };
        assert_eq!(
            rollout_status_message("x", &rolling(), 2, &s),
            "Waiting for daemon set \"x\" rollout to finish: 2 out of 6 new pods have been updated..."
        );
        s.updated_number_scheduled = 6;
        s.number_available = 3;
        assert_eq!(
            rollout_status_message("x", &rolling(), 2, &s),
            "Waiting for daemon set \"x\" rollout to finish: 3 of 6 updated pods are available..."
        );
        s.number_available = 6;
        assert_eq!(
            rollout_status_message("x", &rolling(), 2, &s),
            "daemon set \"x\" successfully rolled out"
        );
        assert_eq!(
            rollout_status_message("x", &rolling(), 3, &s),
            "Waiting for daemon set spec update to be observed..."
        );
        assert_eq!(
            rollout_status_message("x", &Strategy::OnDelete, 2, &s),
            ON_DELETE_ERROR
        );
    }
}
