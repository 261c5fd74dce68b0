//! What the API server and the kubelet fill in that a manifest leaves out, so objects read
//! back look as a cluster shows them: the defaulting of `SetDefaults_DaemonSet`
//! (`pkg/apis/apps/v1/defaults.go`) and of pod templates and containers
//! (`pkg/apis/core/v1/defaults.go`), object metadata (uid, generation, creation time), and
//! for Nodes without a status the Ready condition, addresses, pod CIDR and system info a
//! kubelet would report. Nothing here changes a placement decision: node labels, taints
//! and allocatable resources are left as given.

use super::clock::{Clock, DAY};
use crate::rollout::Millis;
use k8s_openapi::api::apps::v1::{DaemonSet, RollingUpdateDaemonSet};
use k8s_openapi::api::core::v1::{
    Container, Node, NodeAddress, NodeCondition, NodeSpec, NodeStatus, NodeSystemInfo,
    PodSecurityContext, PodSpec, Probe, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The annotation holding a DaemonSet's template generation.
pub const TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// The annotation `kubectl apply` keeps the applied object in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// How long before the session Nodes without a creation time were created.
pub const NODE_AGE: Millis = 30 * DAY;

/// How long before the session DaemonSets without a creation time were created.
pub const DAEMON_SET_AGE: Millis = 10 * DAY;

/// How long before the session other Pods without a creation time were created.
pub const POD_AGE: Millis = 2 * DAY;

/// The kubelet version shown for Nodes whose input has no `status.nodeInfo`.
pub const SIMULATED_KUBELET_VERSION: &str = "v1.33.1";

/// FNV-64a, for stable made-up identifiers.
pub fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A stable UUID-shaped uid for an object, derived from its kind, namespace and name.
pub fn uid(kind: &str, namespace: &str, name: &str) -> String {
    let a = fnv64(format!("{kind}/{namespace}/{name}").as_bytes());
    let b = fnv64(format!("{name}/{namespace}/{kind}").as_bytes());
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Sets the creation time (when missing) and uid of an object's metadata; returns the
/// creation time in session time.
pub fn stamp(meta: &mut ObjectMeta, kind: &str, clock: Clock, default_created: Millis) -> Millis {
    let created = match &meta.creation_timestamp {
        Some(t) => clock.session_time(t),
        None => {
            meta.creation_timestamp = Some(clock.time(default_created));
            default_created
        }
    };
    if meta.uid.as_deref().is_none_or(str::is_empty) {
        meta.uid = Some(uid(
            kind,
            meta.namespace.as_deref().unwrap_or(""),
            meta.name.as_deref().unwrap_or(""),
        ));
    }
    created
}

/// `SetDefaults_DaemonSet` and the pod template defaults, plus `metadata.generation` and the
/// template-generation annotation the controller expects.
pub fn default_daemon_set(ds: &mut DaemonSet) {
    if ds.metadata.namespace.as_deref().is_none_or(str::is_empty) {
        ds.metadata.namespace = Some("default".to_owned());
    }
    let generation = ds.metadata.generation.unwrap_or(1).max(1);
    ds.metadata.generation = Some(generation);
    ds.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .entry(TEMPLATE_GENERATION.to_owned())
        .or_insert_with(|| generation.to_string());
    let strategy = ds.spec.update_strategy.get_or_insert_with(Default::default);
    let kind = strategy
        .type_
        .get_or_insert_with(|| "RollingUpdate".to_owned())
        .clone();
    if kind == "RollingUpdate" {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        rolling.max_unavailable.get_or_insert(IntOrString::Int(1));
        rolling.max_surge.get_or_insert(IntOrString::Int(0));
    }
    ds.spec.revision_history_limit.get_or_insert(10);
    if let Some(spec) = ds.spec.template.spec.as_mut() {
        default_pod_spec(spec);
    }
}

/// `SetDefaults_PodSpec`, `SetDefaults_Container` and the volume defaults.
pub fn default_pod_spec(spec: &mut PodSpec) {
    spec.dns_policy
        .get_or_insert_with(|| "ClusterFirst".to_owned());
    spec.restart_policy
        .get_or_insert_with(|| "Always".to_owned());
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".to_owned());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.security_context
        .get_or_insert_with(PodSecurityContext::default);
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        default_container(c);
    }
    for v in spec.volumes.iter_mut().flatten() {
        if let Some(host_path) = v.host_path.as_mut() {
            host_path.type_.get_or_insert_with(String::new);
        }
        if let Some(config_map) = v.config_map.as_mut() {
            config_map.default_mode.get_or_insert(420);
        }
        if let Some(secret) = v.secret.as_mut() {
            secret.default_mode.get_or_insert(420);
        }
    }
}

fn default_container(c: &mut Container) {
    if c.image_pull_policy.is_none() {
        let image = c.image.as_deref().unwrap_or("");
        let policy = if image_tag(image) == "latest" {
            "Always"
        } else {
            "IfNotPresent"
        };
        c.image_pull_policy = Some(policy.to_owned());
    }
    c.termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".to_owned());
    c.termination_message_policy
        .get_or_insert_with(|| "File".to_owned());
    c.resources
        .get_or_insert_with(ResourceRequirements::default);
    for p in c.ports.iter_mut().flatten() {
        p.protocol.get_or_insert_with(|| "TCP".to_owned());
    }
    for probe in [
        c.liveness_probe.as_mut(),
        c.readiness_probe.as_mut(),
        c.startup_probe.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
}

fn default_probe(p: &mut Probe) {
    p.timeout_seconds.get_or_insert(1);
    p.period_seconds.get_or_insert(10);
    p.success_threshold.get_or_insert(1);
    p.failure_threshold.get_or_insert(3);
}

/// The tag `parsers.ParseImageName` finds: `latest` when there is neither tag nor digest.
pub fn image_tag(image: &str) -> &str {
    if image.contains('@') {
        return "";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag,
        None => "latest",
    }
}

/// Fills in what a kubelet reports for a Node whose input has no status of that kind:
/// conditions, addresses, system info, and a pod CIDR. `index` is the node's position by
/// name, used for addresses.
pub fn default_node(node: &mut Node, index: usize, clock: Clock, created: Millis) {
    let name = node.metadata.name.clone().unwrap_or_default();
    let spec = node.spec.get_or_insert_with(NodeSpec::default);
    if spec.pod_cidr.is_none() {
        let cidr = format!("10.244.{}.0/24", index % 256);
        spec.pod_cidr = Some(cidr.clone());
        spec.pod_cidrs = Some(vec![cidr]);
    }
    let status = node.status.get_or_insert_with(NodeStatus::default);
    if status.conditions.as_ref().is_none_or(Vec::is_empty) {
        let condition = |type_: &str, value: &str, reason: &str, message: &str| NodeCondition {
            type_: type_.to_owned(),
            status: value.to_owned(),
            reason: Some(reason.to_owned()),
            message: Some(message.to_owned()),
            last_heartbeat_time: None,
            last_transition_time: Some(clock.time(created)),
        };
        status.conditions = Some(vec![
            condition(
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            condition(
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            ),
            condition(
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            condition(
                "Ready",
                "True",
                "KubeletReady",
                "kubelet is posting ready status",
            ),
        ]);
    }
    if status.addresses.as_ref().is_none_or(Vec::is_empty) {
        status.addresses = Some(vec![
            NodeAddress {
                type_: "InternalIP".to_owned(),
                address: format!("172.18.{}.{}", index / 250, index % 250 + 2),
            },
            NodeAddress {
                type_: "Hostname".to_owned(),
                address: name.clone(),
            },
        ]);
    }
    if status.node_info.is_none() {
        let id = format!(
            "{:016x}{:016x}",
            fnv64(name.as_bytes()),
            fnv64(format!("{name}.id").as_bytes())
        );
        status.node_info = Some(NodeSystemInfo {
            architecture: "amd64".to_owned(),
            boot_id: uid("Boot", "", &name),
            container_runtime_version: "containerd://2.0.5".to_owned(),
            kernel_version: "6.8.0-60-generic".to_owned(),
            kube_proxy_version: String::new(),
            kubelet_version: SIMULATED_KUBELET_VERSION.to_owned(),
            machine_id: id,
            operating_system: "linux".to_owned(),
            os_image: "Ubuntu 24.04.2 LTS".to_owned(),
            system_uuid: uid("System", "", &name),
            ..NodeSystemInfo::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pull_policy_follows_the_tag() {
        assert_eq!(image_tag("nginx"), "latest");
        assert_eq!(image_tag("prom/node-exporter:latest"), "latest");
        assert_eq!(image_tag("registry:5000/fluentd:v1.14"), "v1.14");
        assert_eq!(image_tag("registry:5000/fluentd"), "latest");
        assert_eq!(image_tag("fluentd@sha256:abc"), "");
    }

    #[test]
    fn uids_are_stable_and_uuid_shaped() {
        let a = uid("DaemonSet", "default", "x");
        assert_eq!(a, uid("DaemonSet", "default", "x"));
        assert_ne!(a, uid("DaemonSet", "default", "y"));
        assert_eq!(a.len(), 36);
    }
}
