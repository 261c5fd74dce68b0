//! Best practices from the study guide ("use appropriate resource limits, implement
//! proper health checks, use tolerations for system nodes, consider security
//! implications"): findings about a pod spec, and about a DaemonSet's scheduling and
//! update strategy. Each says why in a sentence and gives a concrete fix.

use super::pod_security::visit::PodView;
use super::report::{Finding, Severity};
use crate::placement::taints;
use crate::rollout::budget::{scaled, Strategy};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{PodSpec, Taint};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The taint kubeadm and most distributions put on control-plane nodes.
pub const CONTROL_PLANE_TAINT: &str = "node-role.kubernetes.io/control-plane";

fn finding(
    code: &'static str,
    severity: Severity,
    path: String,
    message: String,
    fix: String,
) -> Finding {
    Finding {
        code,
        severity,
        path,
        message,
        fix,
    }
}

/// The findings about a pod spec, with paths relative to the pod (`spec.containers[0]`).
/// `daemon` says whether the pod is a DaemonSet's (a rollout waits for readiness).
pub fn pod_findings(meta: &ObjectMeta, spec: &PodSpec, daemon: bool) -> Vec<Finding> {
    let pod = PodView::new(meta, spec);
    let mut out = Vec::new();
    images(spec, &mut out);
    resources(spec, &mut out);
    probes(spec, daemon, &mut out);
    writable_host_root(&pod, &mut out);
    default_service_account(spec, &mut out);
    out
}

/// How an image names its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageVersion<'a> {
    /// `name@sha256:...`.
    Digest,
    /// `name:tag`.
    Tag(&'a str),
    /// No tag: the runtime pulls `latest`.
    Untagged,
}

/// Splits the version off an image reference (a `:` after the last `/` starts the tag; a
/// registry's port comes before a `/`).
pub fn image_version(image: &str) -> ImageVersion<'_> {
    if image.contains('@') {
        return ImageVersion::Digest;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => ImageVersion::Tag(tag),
        None => ImageVersion::Untagged,
    }
}

fn images(spec: &PodSpec, out: &mut Vec<Finding>) {
    let all = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| (format!("spec.initContainers[{i}]"), c))
        .chain(
            spec.containers
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("spec.containers[{i}]"), c)),
        );
    for (path, c) in all {
        let Some(image) = c.image.as_deref().filter(|i| !i.is_empty()) else {
            continue;
        };
        let how = match image_version(image) {
            ImageVersion::Tag("latest") => "the tag latest",
            ImageVersion::Untagged => "no tag, so latest",
            ImageVersion::Tag(_) | ImageVersion::Digest => continue,
        };
        out.push(finding(
            "LatestTag",
            Severity::Warning,
            format!("{path}.image"),
            format!(
                "container \"{}\" uses image \"{image}\" with {how}: latest moves, so nodes run whatever build each pulled when its pod started, and a new build changes nothing in the template, so no rollout happens",
                c.name
            ),
            format!(
                "pin {} to a released version tag (or to a digest, @sha256:...), and change the tag with kubectl set image to roll out a new version",
                repository(image)
            ),
        ));
    }
}

/// The image without its tag.
fn repository(image: &str) -> &str {
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => image,
    }
}

/// Whether a resource list names CPU or memory (limits alone also set requests: the API
/// server copies them, `SetDefaults_Pod`).
fn sets_cpu_or_memory(list: Option<&std::collections::BTreeMap<String, Quantity>>) -> bool {
    list.is_some_and(|q| q.contains_key("cpu") || q.contains_key("memory"))
}

fn resources(spec: &PodSpec, out: &mut Vec<Finding>) {
    for (i, c) in spec.containers.iter().enumerate() {
        let r = c.resources.as_ref();
        let requests = r.is_some_and(|r| sets_cpu_or_memory(r.requests.as_ref()));
        let limits = r.is_some_and(|r| sets_cpu_or_memory(r.limits.as_ref()));
        let memory_limit = r
            .and_then(|r| r.limits.as_ref())
            .is_some_and(|q| q.contains_key("memory"));
        let path = format!("spec.containers[{i}].resources");
        if !requests && !limits {
            out.push(finding(
                "NoResourceRequests",
                Severity::Warning,
                path,
                format!(
                    "container \"{}\" requests no CPU or memory: the scheduler reserves nothing for it, so it lands on full nodes too, and a pod without requests is BestEffort, the first the kubelet evicts under node pressure",
                    c.name
                ),
                "set resources.requests to what the agent uses on a busy node, and a memory limit, e.g. requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}".to_owned(),
            ));
        } else if !memory_limit {
            out.push(finding(
                "NoMemoryLimit",
                Severity::Info,
                path,
                format!(
                    "container \"{}\" has no memory limit: a leak in a node agent grows until the node itself runs out of memory, on every node at once",
                    c.name
                ),
                "set resources.limits.memory above the agent's measured peak, e.g. limits: {memory: 256Mi}".to_owned(),
            ));
        }
    }
}

fn probes(spec: &PodSpec, daemon: bool, out: &mut Vec<Finding>) {
    for (i, c) in spec.containers.iter().enumerate() {
        let path = format!("spec.containers[{i}]");
        if c.readiness_probe.is_none() {
            let (severity, why) = if daemon {
                (
                    Severity::Warning,
                    "the pod counts as Ready as soon as its containers start, so a rolling update moves on to the next nodes even when the new version does not work",
                )
            } else {
                (
                    Severity::Info,
                    "the pod counts as Ready as soon as its containers start, whether or not it serves",
                )
            };
            out.push(finding(
                "NoReadinessProbe",
                severity,
                format!("{path}.readinessProbe"),
                format!("container \"{}\" has no readinessProbe: {why}", c.name),
                "add a readinessProbe that checks the agent works, e.g. readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 10}, using the agent's own health endpoint".to_owned(),
            ));
        }
        if c.liveness_probe.is_none() {
            out.push(finding(
                "NoLivenessProbe",
                Severity::Info,
                format!("{path}.livenessProbe"),
                format!(
                    "container \"{}\" has no livenessProbe: if the agent hangs without exiting, the kubelet never restarts it",
                    c.name
                ),
                "add a livenessProbe on the agent's health endpoint, with a failureThreshold generous enough for slow starts (or a startupProbe)".to_owned(),
            ));
        }
    }
}

/// Whether a hostPath points at the node's root directory.
fn is_root(path: &str) -> bool {
    !path.is_empty() && path.chars().all(|c| c == '/')
}

fn writable_host_root(pod: &PodView<'_>, out: &mut Vec<Finding>) {
    let roots: Vec<&str> = pod
        .spec
        .volumes
        .iter()
        .flatten()
        .filter(|v| v.host_path.as_ref().is_some_and(|h| is_root(&h.path)))
        .map(|v| v.name.as_str())
        .collect();
    for c in &pod.containers {
        for (j, mount) in c.volume_mounts.iter().enumerate() {
            if roots.contains(&mount.name.as_str()) && mount.read_only != Some(true) {
                out.push(finding(
                    "WritableHostRoot",
                    Severity::Warning,
                    c.field(&format!("volumeMounts[{j}].readOnly")),
                    format!(
                        "container \"{}\" mounts the node's root filesystem (volume \"{}\", hostPath /) writable at {}: whoever controls the agent can change any file on the node",
                        c.name, mount.name, mount.mount_path
                    ),
                    "set readOnly: true on the mount, and mount writable only the directories the agent must write to".to_owned(),
                ));
            }
        }
    }
}

fn default_service_account(spec: &PodSpec, out: &mut Vec<Finding>) {
    let account = spec
        .service_account_name
        .as_deref()
        .or(spec.service_account.as_deref())
        .unwrap_or("");
    if !(account.is_empty() || account == "default") {
        return;
    }
    if spec.automount_service_account_token == Some(false) {
        return;
    }
    out.push(finding(
        "DefaultServiceAccount",
        Severity::Info,
        "spec.serviceAccountName".to_owned(),
        "the pod runs as the namespace's default ServiceAccount with its API token mounted: if the agent reads the API (e.g. pod metadata for logs), permissions granted to it are granted to every pod in the namespace; if it does not, the token is a needless credential on every node".to_owned(),
        "create a ServiceAccount for the agent and set serviceAccountName (bind only the Role it needs), or set automountServiceAccountToken: false if it never calls the API".to_owned(),
    ));
}

/// Whether the template has privileges that make it a node-critical agent (host network
/// or process namespace, or a privileged container).
pub fn node_critical(spec: &PodSpec) -> bool {
    spec.host_network == Some(true)
        || spec.host_pid == Some(true)
        || spec
            .init_containers
            .iter()
            .flatten()
            .chain(&spec.containers)
            .any(|c| c.security_context.as_ref().and_then(|s| s.privileged) == Some(true))
}

/// The findings about a DaemonSet's own fields (paths relative to the DaemonSet).
/// `desired` is the number of nodes that should run it when the input has nodes.
pub fn daemon_set_findings(ds: &DaemonSet, desired: Option<i64>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(spec) = ds.spec.template.spec.as_ref() else {
        return out;
    };
    if desired.is_none() {
        control_plane_toleration(spec, &mut out);
    }
    priority_class(spec, &mut out);
    max_unavailable(ds, desired, &mut out);
    out
}

fn control_plane_toleration(spec: &PodSpec, out: &mut Vec<Finding>) {
    let selects_nodes = spec.node_name.as_deref().is_some_and(|n| !n.is_empty())
        || spec.node_selector.as_ref().is_some_and(|s| !s.is_empty())
        || spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .is_some();
    if selects_nodes {
        return;
    }
    let taint = Taint {
        key: CONTROL_PLANE_TAINT.to_owned(),
        effect: "NoSchedule".to_owned(),
        ..Taint::default()
    };
    if taints::tolerated_by_any(&taints::daemon_pod_tolerations(spec), &taint) {
        return;
    }
    out.push(finding(
        "NoControlPlaneToleration",
        Severity::Info,
        "spec.template.spec.tolerations".to_owned(),
        format!(
            "the DaemonSet does not tolerate {CONTROL_PLANE_TAINT}:NoSchedule, the taint kubeadm and most distributions put on control-plane nodes, so it runs no pod there; node agents (logs, metrics, security) usually belong on every node (give the input's Nodes to see exactly which nodes it skips)"
        ),
        format!(
            "if the agent must run on control-plane nodes, add tolerations: [{{key: {CONTROL_PLANE_TAINT}, operator: Exists, effect: NoSchedule}}]"
        ),
    ));
}

fn priority_class(spec: &PodSpec, out: &mut Vec<Finding>) {
    if !node_critical(spec)
        || spec
            .priority_class_name
            .as_deref()
            .is_some_and(|p| !p.is_empty())
    {
        return;
    }
    out.push(finding(
        "NoPriorityClass",
        Severity::Warning,
        "spec.template.spec.priorityClassName".to_owned(),
        "a node-level agent (host network, host PID or privileged) runs at priority 0: on a full node its new pod cannot preempt ordinary pods and stays Pending, and under node pressure the kubelet may evict it like any other pod".to_owned(),
        "set priorityClassName: system-node-critical (or a PriorityClass of your own with a high value) so the agent is scheduled first and evicted last".to_owned(),
    ));
}

fn max_unavailable(ds: &DaemonSet, desired: Option<i64>, out: &mut Vec<Finding>) {
    let Strategy::RollingUpdate {
        max_unavailable, ..
    } = Strategy::of(ds)
    else {
        return;
    };
    let path = "spec.updateStrategy.rollingUpdate.maxUnavailable".to_owned();
    let (too_high, what) = match (&max_unavailable, desired) {
        (IntOrString::String(text), _) => {
            let percent = text
                .strip_suffix('%')
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(0);
            let nodes = desired.map_or_else(String::new, |d| {
                format!(" ({} of {d} nodes)", scaled(&max_unavailable, d))
            });
            (percent > 50, format!("maxUnavailable {text}{nodes}"))
        }
        (IntOrString::Int(n), Some(d)) if d >= 2 => (
            i64::from(*n) * 2 > d,
            format!("maxUnavailable {n} of {d} nodes"),
        ),
        (IntOrString::Int(_), _) => (false, String::new()),
    };
    if too_high {
        out.push(finding(
            "MaxUnavailableTooHigh",
            Severity::Warning,
            path,
            format!(
                "{what}: an update takes the agent off more than half of the nodes at once, so a bad version breaks logging, monitoring or networking on most of the cluster before anyone notices"
            ),
            "lower maxUnavailable to a share you can lose, e.g. maxUnavailable: 10% (or 1 on small clusters), and add a readinessProbe so a broken version stops the rollout".to_owned(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_versions() {
        assert_eq!(image_version("fluentd:v1.14"), ImageVersion::Tag("v1.14"));
        assert_eq!(
            image_version("localhost:5000/agent"),
            ImageVersion::Untagged
        );
        assert_eq!(
            image_version("localhost:5000/agent:1.0"),
            ImageVersion::Tag("1.0")
        );
        assert_eq!(image_version("agent@sha256:abc"), ImageVersion::Digest);
        assert_eq!(repository("localhost:5000/agent"), "localhost:5000/agent");
        assert_eq!(
            repository("prom/node-exporter:latest"),
            "prom/node-exporter"
        );
    }

    #[test]
    fn root_paths() {
        assert!(is_root("/"));
        assert!(is_root("//"));
        assert!(!is_root("/var/log"));
        assert!(!is_root(""));
    }
}
