//! Daemon pods as the API server would show them: the revision's template, the node, the
//! labels and owner reference the controller sets (`controller-revision-hash`,
//! `pod-template-generation`), the tolerations and node affinity it adds, the service
//! account volume admission adds, and a status that follows the simulated pod (Pending
//! while unscheduled or starting, Running once started, waiting reasons such as
//! `ContainerCreating` and `ImagePullBackOff`).
//!
//! Identifiers no simulation can know (pod IPs, container and image IDs) are made up
//! deterministically from names: pod IPs come from the node's pod CIDR.

use super::clock::Clock;
use super::defaults::{fnv64, uid};
use crate::placement::{taints, target_node_name};
use crate::rollout::{Millis, SimPod, HASH_LABEL};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapProjection, ContainerState, ContainerStateRunning, ContainerStateWaiting,
    ContainerStatus, DownwardAPIProjection, DownwardAPIVolumeFile, HostIP, KeyToPath, Node,
    NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ObjectFieldSelector,
    Pod, PodCondition, PodIP, PodSpec, PodStatus, PodTemplateSpec, ProjectedVolumeSource,
    ServiceAccountTokenProjection, Volume, VolumeMount, VolumeProjection,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

/// Everything needed to show one daemon pod.
pub struct DaemonPod<'a> {
    /// The DaemonSet as stored now.
    pub daemon_set: &'a DaemonSet,
    /// The pod template of the pod's revision.
    pub template: &'a PodTemplateSpec,
    /// The template generation the revision was made current at.
    pub template_generation: i64,
    /// The node object.
    pub node: &'a Node,
    /// The simulated pod.
    pub pod: &'a SimPod,
    /// Its creation time in session time.
    pub created: Millis,
    /// When it turned Ready, in session time.
    pub ready_since: Option<Millis>,
    /// Its priority (from its PriorityClass).
    pub priority: i32,
}

/// How a pod that cannot get Ready by itself is stuck, from the simulator's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// Unschedulable, with the scheduler's message.
    FailedScheduling(String),
    /// Waiting in a container state (`ImagePullBackOff`, `CrashLoopBackOff`, ...), with a
    /// message.
    Waiting(String, String),
    /// The node stopped reporting.
    NodeDown,
}

/// Reads the simulator's problem text.
pub fn trouble(problem: &str) -> Trouble {
    if let Some(message) = problem.strip_prefix("FailedScheduling: ") {
        return Trouble::FailedScheduling(message.to_owned());
    }
    if problem.starts_with("NodeNotReady") {
        return Trouble::NodeDown;
    }
    let end = problem.find([':', ' ', '(']).unwrap_or(problem.len());
    let reason = &problem[..end];
    let message = problem[end..].trim_start_matches([':', ' ']).to_owned();
    Trouble::Waiting(reason.to_owned(), message)
}

/// The node's InternalIP address, if any.
pub fn internal_ip(node: &Node) -> Option<&str> {
    node.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
        .map(|a| a.address.as_str())
}

/// A made-up pod IP inside the node's pod CIDR.
fn pod_ip(node: &Node, name: &str) -> String {
    let cidr = node
        .spec
        .as_ref()
        .and_then(|s| s.pod_cidr.as_deref())
        .unwrap_or("10.244.0.0/24");
    let prefix: Vec<&str> = cidr.split('/').next().unwrap_or("").split('.').collect();
    let host = 2 + fnv64(name.as_bytes()) % 250;
    match prefix.as_slice() {
        [a, b, c, _] => format!("{a}.{b}.{c}.{host}"),
        _ => format!("10.244.0.{host}"),
    }
}

fn hex64(seed: &str) -> String {
    let a = fnv64(seed.as_bytes());
    let b = fnv64(format!("{seed}#2").as_bytes());
    let c = fnv64(format!("{seed}#3").as_bytes());
    let d = fnv64(format!("{seed}#4").as_bytes());
    format!("{a:016x}{b:016x}{c:016x}{d:016x}")
}

/// The image reference a container runtime reports, with a made-up digest.
fn image_id(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let repo = match last.rsplit_once(':') {
        Some((name, _)) => &without_digest[..without_digest.len() - last.len() + name.len()],
        None => without_digest,
    };
    let first = repo.split('/').next().unwrap_or("");
    let qualified = if !repo.contains('/') {
        format!("docker.io/library/{repo}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        repo.to_owned()
    } else {
        format!("docker.io/{repo}")
    };
    format!("{qualified}@sha256:{}", hex64(image))
}

/// The `kube-api-access-xxxxx` volume and mount the ServiceAccount admission plugin adds.
fn service_account_volume(pod_name: &str) -> (Volume, VolumeMount) {
    let alphabet = crate::rollout::history::SAFE_ALPHABET;
    let mut x = fnv64(format!("{pod_name}/kube-api-access").as_bytes());
    let suffix: String = (0..5)
        .map(|_| {
            let i = usize::try_from(x % alphabet.len() as u64).unwrap_or(0);
            x /= alphabet.len() as u64;
            char::from(alphabet[i])
        })
        .collect();
    let name = format!("kube-api-access-{suffix}");
    let volume = Volume {
        name: name.clone(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath {
                            key: "ca.crt".into(),
                            path: "ca.crt".into(),
                            ..Default::default()
                        }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            path: "namespace".into(),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mount = VolumeMount {
        mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
        name,
        read_only: Some(true),
        ..Default::default()
    };
    (volume, mount)
}

/// The pod spec after admission and the controller: service account, priority, the
/// controller's tolerations and node affinity, the node once bound.
fn pod_spec(d: &DaemonPod<'_>, node_name: &str, pod_name: &str) -> PodSpec {
    let mut spec = d.template.spec.clone().unwrap_or_default();
    spec.tolerations = Some(taints::daemon_pod_tolerations(&spec));
    let term = NodeSelectorTerm {
        match_fields: Some(vec![NodeSelectorRequirement {
            key: "metadata.name".into(),
            operator: "In".into(),
            values: Some(vec![node_name.to_owned()]),
        }]),
        ..Default::default()
    };
    let affinity = spec.affinity.get_or_insert_with(Affinity::default);
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    node_affinity.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![term],
    });
    if d.pod.scheduled {
        spec.node_name = Some(node_name.to_owned());
    }
    if spec.service_account_name.is_none() {
        spec.service_account_name = Some("default".into());
    }
    spec.service_account = spec.service_account_name.clone();
    spec.enable_service_links.get_or_insert(true);
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    spec.priority = Some(d.priority);
    if spec.automount_service_account_token != Some(false) {
        let (volume, mount) = service_account_volume(pod_name);
        spec.volumes.get_or_insert_with(Vec::new).push(volume);
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            c.volume_mounts
                .get_or_insert_with(Vec::new)
                .push(mount.clone());
        }
    }
    spec
}

fn condition(kind: &str, ok: bool, at: Millis, clock: Clock) -> PodCondition {
    PodCondition {
        type_: kind.to_owned(),
        status: if ok { "True" } else { "False" }.to_owned(),
        last_transition_time: Some(clock.time(at)),
        ..Default::default()
    }
}

/// The daemon pod as an API object at session time `now`.
pub fn daemon_pod(d: &DaemonPod<'_>, clock: Clock) -> Pod {
    let name = d.pod.name.to_string();
    let node_name = d.node.metadata.name.clone().unwrap_or_default();
    let ds_name = d.daemon_set.metadata.name.clone().unwrap_or_default();
    let namespace = d
        .daemon_set
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let mut labels = d
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert(HASH_LABEL.to_owned(), d.pod.revision.to_string());
    labels.insert(
        "pod-template-generation".to_owned(),
        d.template_generation.to_string(),
    );
    let metadata = ObjectMeta {
        name: Some(name.clone()),
        generate_name: Some(format!("{ds_name}-")),
        namespace: Some(namespace.clone()),
        labels: Some(labels),
        annotations: d
            .template
            .metadata
            .as_ref()
            .and_then(|m| m.annotations.clone()),
        owner_references: Some(vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "DaemonSet".into(),
            name: ds_name,
            uid: d.daemon_set.metadata.uid.clone().unwrap_or_default(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }]),
        creation_timestamp: Some(clock.time(d.created)),
        uid: Some(uid("Pod", &namespace, &name)),
        ..ObjectMeta::default()
    };
    let spec = pod_spec(d, &node_name, &name);
    let status = pod_status(d, &spec, clock);
    Pod {
        metadata,
        spec: Some(spec),
        status: Some(status),
    }
}

fn pod_status(d: &DaemonPod<'_>, spec: &PodSpec, clock: Clock) -> PodStatus {
    let trouble = d.pod.problem.as_deref().map(trouble);
    let qos = super::describe::qos_class(spec);
    if !d.pod.scheduled {
        let message = match &trouble {
            Some(Trouble::FailedScheduling(m)) => m.clone(),
            _ => String::new(),
        };
        return PodStatus {
            phase: Some("Pending".into()),
            conditions: Some(vec![PodCondition {
                reason: Some("Unschedulable".into()),
                message: Some(message),
                ..condition("PodScheduled", false, d.created, clock)
            }]),
            qos_class: Some(qos),
            ..Default::default()
        };
    }
    let ready = d.ready_since.is_some();
    let host_ip = internal_ip(d.node).unwrap_or("").to_owned();
    let ip = if spec.host_network == Some(true) {
        host_ip.clone()
    } else {
        pod_ip(d.node, &d.pod.name)
    };
    let waiting = match &trouble {
        Some(Trouble::Waiting(reason, message)) => Some((reason.clone(), message.clone())),
        Some(Trouble::FailedScheduling(_) | Trouble::NodeDown) => None,
        None if !ready => Some(("ContainerCreating".to_owned(), String::new())),
        None => None,
    };
    let started = d.ready_since.unwrap_or(d.created);
    let sandbox_ready = !matches!(&waiting, Some((r, _)) if r == "ContainerCreating");
    let running = waiting.is_none() || matches!(&waiting, Some((r, _)) if r == "CrashLoopBackOff");
    let phase = if running || matches!(trouble, Some(Trouble::NodeDown)) {
        "Running"
    } else {
        "Pending"
    };
    let statuses = spec
        .containers
        .iter()
        .map(|c| {
            let image = c.image.clone().unwrap_or_default();
            let state = match &waiting {
                Some((reason, message)) => ContainerState {
                    waiting: Some(ContainerStateWaiting {
                        reason: Some(reason.clone()),
                        message: Some(message.clone()).filter(|m| !m.is_empty()),
                    }),
                    ..Default::default()
                },
                None => ContainerState {
                    running: Some(ContainerStateRunning {
                        started_at: Some(clock.time(started)),
                    }),
                    ..Default::default()
                },
            };
            let has_run = waiting.is_none();
            ContainerStatus {
                name: c.name.clone(),
                image: image.clone(),
                image_id: if has_run {
                    image_id(&image)
                } else {
                    String::new()
                },
                container_id: has_run.then(|| {
                    format!(
                        "containerd://{}",
                        hex64(&format!("{}/{}", d.pod.name, c.name))
                    )
                }),
                ready,
                restart_count: 0,
                started: Some(has_run),
                state: Some(state),
                ..Default::default()
            }
        })
        .collect();
    let unready: Vec<&str> = if ready {
        Vec::new()
    } else {
        spec.containers.iter().map(|c| c.name.as_str()).collect()
    };
    let not_ready = |kind: &str| PodCondition {
        reason: Some("ContainersNotReady".into()),
        message: Some(format!(
            "containers with unready status: [{}]",
            unready.join(" ")
        )),
        ..condition(kind, false, d.created, clock)
    };
    let ready_at = d.ready_since.unwrap_or(d.created);
    PodStatus {
        phase: Some(phase.into()),
        conditions: Some(vec![
            condition("PodReadyToStartContainers", sandbox_ready, d.created, clock),
            condition("Initialized", true, d.created, clock),
            if ready {
                condition("Ready", true, ready_at, clock)
            } else {
                not_ready("Ready")
            },
            if ready {
                condition("ContainersReady", true, ready_at, clock)
            } else {
                not_ready("ContainersReady")
            },
            condition("PodScheduled", true, d.created, clock),
        ]),
        container_statuses: Some(statuses),
        host_ip: Some(host_ip.clone()).filter(|h| !h.is_empty()),
        host_ips: Some(vec![HostIP { ip: host_ip }]).filter(|h| !h[0].ip.is_empty()),
        pod_ip: Some(ip.clone()).filter(|i| !i.is_empty()),
        pod_ips: Some(vec![PodIP { ip }]).filter(|i| !i[0].ip.is_empty()),
        qos_class: Some(qos),
        start_time: Some(clock.time(d.created)),
        ..Default::default()
    }
}

/// The node a pod is on or meant for.
pub fn pod_node(pod: &Pod) -> Option<&str> {
    pod.spec.as_ref().and_then(target_node_name)
}

/// The pod's phase (`Pending` when unknown).
pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_as_pod_states() {
        assert_eq!(
            trouble("FailedScheduling: 0/3 nodes are available"),
            Trouble::FailedScheduling("0/3 nodes are available".into())
        );
        assert_eq!(
            trouble("ImagePullBackOff: Back-off pulling image \"x\" (--fail-image)"),
            Trouble::Waiting(
                "ImagePullBackOff".into(),
                "Back-off pulling image \"x\" (--fail-image)".into()
            )
        );
        assert_eq!(
            trouble("CrashLoopBackOff (as read from the input)"),
            Trouble::Waiting("CrashLoopBackOff".into(), "(as read from the input)".into())
        );
    }

    #[test]
    fn image_ids_are_qualified() {
        assert!(image_id("fluentd:v1.14").starts_with("docker.io/library/fluentd@sha256:"));
        assert!(image_id("prom/node-exporter:latest")
            .starts_with("docker.io/prom/node-exporter@sha256:"));
        assert!(image_id("registry.k8s.io/pause:3.9").starts_with("registry.k8s.io/pause@sha256:"));
    }
}
