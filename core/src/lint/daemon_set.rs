//! Findings only a DaemonSet has, decided by the simulator itself: the tainted nodes it
//! skips in the given cluster (placement), how many waves and how long an update takes
//! (the rollout simulation), and a host port that a surge pod cannot get.

use super::pod_security::visit::PodView;
use super::report::{Finding, Severity};
use crate::manifest::{Located, Manifests};
use crate::placement::{self, taints, CompiledDaemonSet};
use crate::rollout::budget::{self, Strategy};
use crate::rollout::{self, Millis, Outcome, RolloutOptions, Update};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Below this many nodes an update is quick whatever its budget, and is not simulated.
pub const SLOW_ROLLOUT_MIN_NODES: i64 = 20;

/// An update in more than this many waves is reported (a budget of 10% of the nodes,
/// the usual advice, makes at most 10).
pub const SLOW_ROLLOUT_MAX_QUICK_WAVES: i64 = 10;

/// An update in at least this many waves is a warning rather than info.
pub const SLOW_ROLLOUT_WARNING_WAVES: i64 = 100;

/// The largest update simulated, in nodes times waves (each wave is a sync over every
/// node): about a tenth of a second natively. Larger ones get a lower bound instead.
pub const SLOW_ROLLOUT_MAX_WORK: i64 = 1_000_000;

/// At most this many nodes are named in a message.
const NAMED_NODES: usize = 10;

/// What the DaemonSet controller decides for a DaemonSet over the input's nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeSurvey {
    /// Nodes that should run a daemon pod (`desiredNumberScheduled`).
    pub desired: i64,
    /// Nodes in the input.
    pub total: usize,
    /// Nodes that match the node selection but carry taints the pods do not tolerate,
    /// with those taints as `kubectl taint` writes them.
    pub tainted: Vec<(String, Vec<String>)>,
}

/// Asks placement about every node.
pub fn survey(ds: &DaemonSet, nodes: &[Located<Node>]) -> NodeSurvey {
    let compiled = CompiledDaemonSet::new(ds);
    let tolerations = ds
        .spec
        .template
        .spec
        .as_ref()
        .map(taints::daemon_pod_tolerations)
        .unwrap_or_default();
    let mut survey = NodeSurvey {
        total: nodes.len(),
        ..NodeSurvey::default()
    };
    for node in nodes.iter().map(|l| &l.object) {
        let (decision, reasons) = compiled.evaluate(node);
        if decision.should_run {
            survey.desired += 1;
            continue;
        }
        if !reasons.iter().any(|r| r.code == "UntoleratedTaint") {
            continue;
        }
        let untolerated = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_deref())
            .unwrap_or_default()
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .filter(|t| !taints::tolerated_by_any(&tolerations, t))
            .map(taints::kubectl_form)
            .collect();
        survey
            .tainted
            .push((node.metadata.name.clone().unwrap_or_default(), untolerated));
    }
    survey
}

/// `SkipsTaintedNodes`: the nodes of the input the DaemonSet runs no pod on because of
/// taints it does not tolerate.
pub fn tainted_nodes(survey: &NodeSurvey) -> Option<Finding> {
    if survey.tainted.is_empty() {
        return None;
    }
    let mut named: Vec<String> = survey
        .tainted
        .iter()
        .take(NAMED_NODES)
        .map(|(node, taints)| format!("{node} ({})", taints.join(", ")))
        .collect();
    if survey.tainted.len() > NAMED_NODES {
        named.push(format!("and {} more", survey.tainted.len() - NAMED_NODES));
    }
    let mut distinct: Vec<(&str, &str)> = Vec::new();
    for taint in survey.tainted.iter().flat_map(|(_, t)| t) {
        let (key, effect) = taint.rsplit_once(':').unwrap_or((taint, ""));
        let key = key.split_once('=').map_or(key, |(k, _)| k);
        if !distinct.contains(&(key, effect)) {
            distinct.push((key, effect));
        }
    }
    let tolerations: Vec<String> = distinct
        .iter()
        .map(|(key, effect)| format!("{{key: {key}, operator: Exists, effect: {effect}}}"))
        .collect();
    Some(Finding {
        code: "SkipsTaintedNodes",
        severity: Severity::Warning,
        path: "spec.template.spec.tolerations".to_owned(),
        message: format!(
            "the DaemonSet runs no pod on {} of {} node(s) because of taints it does not tolerate, and nothing reports it (desired just counts the other nodes): {}",
            survey.tainted.len(),
            survey.total,
            named.join(", ")
        ),
        fix: format!(
            "if the agent must run on those nodes, add tolerations: [{}]",
            tolerations.join(", ")
        ),
    })
}

/// `SlowRollout`: with `desired` nodes, a budget of a few nodes at a time makes an update
/// take many waves; the simulated rollout says how long. Info above
/// [`SLOW_ROLLOUT_MAX_QUICK_WAVES`] waves, a warning from [`SLOW_ROLLOUT_WARNING_WAVES`].
pub fn slow_rollout(
    ds: &DaemonSet,
    manifests: &Manifests,
    files: &[&str],
    desired: i64,
) -> Option<Finding> {
    let strategy = Strategy::of(ds);
    let Strategy::RollingUpdate {
        max_unavailable,
        max_surge,
    } = &strategy
    else {
        return None;
    };
    if desired < SLOW_ROLLOUT_MIN_NODES {
        return None;
    }
    let limits = strategy.limits(desired);
    let (budget, field, value) = if limits.max_surge > 0 {
        (limits.max_surge, "maxSurge", max_surge)
    } else {
        (limits.max_unavailable, "maxUnavailable", max_unavailable)
    };
    if budget <= 0 {
        return None;
    }
    let waves = (desired + budget - 1) / budget;
    let written = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
        .is_some_and(|r| {
            if field == "maxSurge" {
                r.max_surge.is_some()
            } else {
                r.max_unavailable.is_some()
            }
        });
    let shown = if written {
        show(value)
    } else {
        format!("{} (the default)", show(value))
    };
    if waves <= SLOW_ROLLOUT_MAX_QUICK_WAVES {
        return None;
    }
    let spec = ds.spec.template.spec.as_ref()?;
    let first = spec.containers.first()?;
    let image = first.image.as_deref().unwrap_or("");
    let options = RolloutOptions {
        daemon_set: Some(format!(
            "{}/{}",
            placement::namespace(ds),
            ds.metadata.name.as_deref().unwrap_or("")
        )),
        update: Update::SetImage(vec![(first.name.clone(), changed_image(image))]),
        // How an update paces once the pods are admitted; a namespace that refuses them
        // is RejectedByPodSecurity's finding.
        ignore_pod_security: true,
        ..RolloutOptions::default()
    };
    let min_ready = i64::from(ds.spec.min_ready_seconds.unwrap_or(0).max(0));
    if desired.saturating_mul(waves) > SLOW_ROLLOUT_MAX_WORK {
        let wave: Millis = options.ready_after + min_ready * 1000;
        let simulated = format!(
            "with pods Ready {} after they start and minReadySeconds {min_ready}, each wave takes at least {}, so the update takes at least {} (too large to simulate here: dsim rollout shows it step by step), and real pods take longer to pull images and pass probes",
            duration(options.ready_after),
            duration(wave),
            duration(wave.saturating_mul(waves))
        );
        return Some(slow_rollout_finding(
            field, &shown, budget, desired, waves, &simulated,
        ));
    }
    let simulated = match rollout::simulate(manifests, files, &options) {
        Ok(run) => match (run.outcome, run.steps.last()) {
            (Outcome::Complete, Some(last)) => format!(
                "the simulated update (a new image for container \"{}\", pods Ready {} after they start, minReadySeconds {}) completes after {}, and real pods take longer to pull images and pass probes",
                first.name,
                duration(options.ready_after),
                min_ready,
                duration(last.time)
            ),
            _ => format!("the simulated update does not complete: {}", run.reason),
        },
        Err(_) => return None,
    };
    Some(slow_rollout_finding(
        field, &shown, budget, desired, waves, &simulated,
    ))
}

fn slow_rollout_finding(
    field: &str,
    shown: &str,
    budget: i64,
    desired: i64,
    waves: i64,
    simulated: &str,
) -> Finding {
    let ten = budget::scaled(&IntOrString::String("10%".to_owned()), desired);
    let ten_waves = (desired + ten - 1) / ten.max(1);
    Finding {
        code: "SlowRollout",
        severity: if waves >= SLOW_ROLLOUT_WARNING_WAVES {
            Severity::Warning
        } else {
            Severity::Info
        },
        path: format!("spec.updateStrategy.rollingUpdate.{field}"),
        message: format!(
            "{field} {shown} on {desired} nodes: the controller replaces {budget} pod(s) at a time, so an update takes {waves} waves; {simulated}"
        ),
        fix: format!(
            "raise the budget to what the cluster can spare, e.g. maxUnavailable: 10% ({ten} nodes at a time here, {ten_waves} waves), or use maxSurge to start new pods before old ones stop"
        ),
    }
}

fn show(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// An image with another tag, for simulating an update.
fn changed_image(image: &str) -> String {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    if last.contains(':') {
        format!("{image}-next")
    } else {
        format!("{image}:next")
    }
}

/// Milliseconds as `1h2m3s`, `41m40s`, `5s`.
pub fn duration(ms: Millis) -> String {
    let seconds = ms / 1000;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if ms % 1000 == 0 {
        out.push_str(&format!("{s}s"));
    } else {
        let fraction = format!("{:03}", ms % 1000);
        out.push_str(&format!("{s}.{}s", fraction.trim_end_matches('0')));
    }
    out
}

/// `HostPortWithSurge`: a surge pod needs the host port the old pod on the node holds.
pub fn host_port_with_surge(ds: &DaemonSet) -> Option<Finding> {
    let strategy = Strategy::of(ds);
    if !strategy.allows_surge() {
        return None;
    }
    let spec = ds.spec.template.spec.as_ref()?;
    let empty = ObjectMeta::default();
    let meta = ds.spec.template.metadata.as_ref().unwrap_or(&empty);
    let pod = PodView::new(meta, spec);
    let mut ports = Vec::new();
    for c in &pod.containers {
        for port in c.ports {
            if let Some((number, field)) = pod.host_port(c, port) {
                let protocol = port.protocol.as_deref().unwrap_or("TCP");
                let how = if field == "hostPort" {
                    String::new()
                } else {
                    " through hostNetwork".to_owned()
                };
                ports.push(format!(
                    "{number}/{protocol} (container \"{}\"{how})",
                    c.name
                ));
            }
        }
    }
    if ports.is_empty() {
        return None;
    }
    let Strategy::RollingUpdate { max_surge, .. } = &strategy else {
        return None;
    };
    Some(Finding {
        code: "HostPortWithSurge",
        severity: Severity::Warning,
        path: "spec.updateStrategy.rollingUpdate.maxSurge".to_owned(),
        message: format!(
            "maxSurge {} with host port {}: during an update the controller starts the new pod on a node while the old one still runs there and holds the port, so the scheduler cannot bind it (node(s) didn't have free ports for the requested pod ports), it stays Pending, and the rollout stalls",
            show(max_surge),
            ports.join(", ")
        ),
        fix: "for agents that bind host ports, update with maxSurge: 0 and maxUnavailable (the old pod stops before the new one starts)".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectl_ages() {
        assert_eq!(duration(5_000), "5s");
        assert_eq!(duration(2_500_000), "41m40s");
        assert_eq!(duration(3_723_000), "1h2m3s");
        assert_eq!(duration(1_500), "1.5s");
    }

    #[test]
    fn changed_images_differ() {
        assert_eq!(changed_image("fluentd:v1.14"), "fluentd:v1.14-next");
        assert_eq!(
            changed_image("localhost:5000/agent"),
            "localhost:5000/agent:next"
        );
        assert_eq!(changed_image("agent@sha256:abc"), "agent:next");
    }
}
