//! Faults injected into a running rollout from a node card, at the moment shown. Each is
//! one of the core's scenario actions written as `dsim rollout --at` takes them
//! (`SECONDS:ACTION:ARGS`, e.g. `5:drain:worker-2`), so the list is simulated by the core
//! as it stands and travels in share links as text.

use daemonset_sim::placement::taints::kubectl_form;
use daemonset_sim::rollout::scenario::{parse_at, Action};
use daemonset_sim::rollout::Millis;

/// The taint of the NoExecute fault: what an administrator puts on a node that is shut
/// down for good (non-graceful node shutdown). Daemon pods do not tolerate it unless their
/// template says so: the controller's own tolerations leave it out.
pub const OUT_OF_SERVICE: &str = "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute";

/// A fault a node card offers during a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The node's kubelet stops reporting (`notready`).
    NotReady,
    /// `kubectl cordon` (`cordon`).
    Cordon,
    /// `kubectl drain --ignore-daemonsets` (`drain`).
    Drain,
    /// `kubectl delete pod` of the node's daemon pod (`delete-pod`).
    DeletePod,
    /// `kubectl taint` with [`OUT_OF_SERVICE`] (`taint`).
    NoExecute,
}

impl Fault {
    /// Every fault, in the order the card shows them.
    pub const ALL: [Fault; 5] = [
        Fault::NotReady,
        Fault::Cordon,
        Fault::Drain,
        Fault::DeletePod,
        Fault::NoExecute,
    ];

    /// The button's `data-action` hook.
    pub fn hook(self) -> &'static str {
        match self {
            Fault::NotReady => "notready",
            Fault::Cordon => "fault-cordon",
            Fault::Drain => "fault-drain",
            Fault::DeletePod => "fault-delete-pod",
            Fault::NoExecute => "fault-noexecute",
        }
    }

    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            Fault::NotReady => "goes NotReady",
            Fault::Cordon => "cordon",
            Fault::Drain => "drain",
            Fault::DeletePod => "delete its pod",
            Fault::NoExecute => "NoExecute taint",
        }
    }

    /// The button's tooltip: what happens.
    pub fn title(self) -> &'static str {
        match self {
            Fault::NotReady => "The node's kubelet stops reporting at this moment of the rollout",
            Fault::Cordon => "kubectl cordon at this moment: daemon pods tolerate it and stay",
            Fault::Drain => {
                "kubectl drain --ignore-daemonsets at this moment: cordoned, other pods evicted, daemon pods stay"
            }
            Fault::DeletePod => {
                "kubectl delete pod of the node's daemon pod at this moment: the controller creates it again"
            }
            Fault::NoExecute => {
                "kubectl taint node.kubernetes.io/out-of-service=nodeshutdown:NoExecute at this moment: the daemon pod is evicted and none comes back"
            }
        }
    }

    /// The fault on `node` at `at` (milliseconds since the update), as `--at` takes it.
    pub fn at(self, at: Millis, node: &str) -> String {
        let when = seconds(at);
        match self {
            Fault::NotReady => format!("{when}:notready:{node}"),
            Fault::Cordon => format!("{when}:cordon:{node}"),
            Fault::Drain => format!("{when}:drain:{node}"),
            Fault::DeletePod => format!("{when}:delete-pod:{node}"),
            Fault::NoExecute => format!("{when}:taint:{node}:{OUT_OF_SERVICE}"),
        }
    }
}

/// Milliseconds as seconds, without a fraction when whole (`5`, `2.5`).
fn seconds(millis: Millis) -> String {
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        // Simulated times stay far below 2^53 ms, where f64 is exact.
        #[allow(clippy::cast_precision_loss)]
        let s = millis as f64 / 1000.0;
        s.to_string()
    }
}

/// How the fault list shows one fault: `worker-2 goes NotReady at 5s`. Any other `--at`
/// action (a share link may carry one) is shown as written.
pub fn describe(at: &str) -> String {
    let Ok(timed) = parse_at(at) else {
        return at.to_owned();
    };
    let when = seconds(timed.at);
    match &timed.action {
        Action::NotReady(n) => format!("{n} goes NotReady at {when}s"),
        Action::Ready(n) => format!("{n} is Ready again at {when}s"),
        Action::Cordon(n) => format!("{n} cordoned at {when}s"),
        Action::Uncordon(n) => format!("{n} uncordoned at {when}s"),
        Action::Drain(n) => format!("{n} drained at {when}s"),
        Action::DeletePod(n) => format!("{n}: its daemon pod deleted at {when}s"),
        Action::Taint(n, taint) => format!("{n} tainted {} at {when}s", kubectl_form(taint)),
        _ => {
            let action = at.split_once(':').map_or(at, |(_, rest)| rest);
            format!("{action} at {when}s")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_is_an_action_the_core_reads() {
        for fault in Fault::ALL {
            for at in [0, 5000, 2500] {
                let text = fault.at(at, "worker-2");
                let timed = parse_at(&text).expect(&text);
                assert_eq!(timed.at, at, "{text}");
                assert!(describe(&text).contains("worker-2"), "{text}");
            }
        }
        assert_eq!(
            describe(&Fault::NotReady.at(0, "worker-2")),
            "worker-2 goes NotReady at 0s"
        );
        assert_eq!(
            describe(&Fault::NoExecute.at(2500, "w")),
            "w tainted node.kubernetes.io/out-of-service=nodeshutdown:NoExecute at 2.5s"
        );
        assert_eq!(describe("3:undo"), "undo at 3s");
    }
}
