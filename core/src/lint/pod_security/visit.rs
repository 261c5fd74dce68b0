//! The pod as the checks see it: every container (init containers, containers, ephemeral
//! containers, in that order, as `visitContainers` walks them) with its field path, and
//! the text helpers the checks share (`pluralize`, `joinQuote`).

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, Lifecycle, PodSpec, Probe, SecurityContext, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// One container of any of the three kinds, with where it sits in the pod.
pub struct ContainerRef<'a> {
    /// The container's name.
    pub name: &'a str,
    /// Its path in the pod, e.g. `spec.initContainers[0]`.
    pub path: String,
    /// `securityContext`.
    pub security_context: Option<&'a SecurityContext>,
    /// `ports`.
    pub ports: &'a [ContainerPort],
    /// `livenessProbe`, `readinessProbe`, `startupProbe` by field name.
    pub probes: [(&'static str, Option<&'a Probe>); 3],
    /// `lifecycle`.
    pub lifecycle: Option<&'a Lifecycle>,
    /// `volumeMounts`.
    pub volume_mounts: &'a [VolumeMount],
    /// Whether this is an ephemeral container (the API server does not default its ports).
    pub ephemeral: bool,
}

impl ContainerRef<'_> {
    /// The path of a field of the container, e.g. `securityContext.privileged`.
    pub fn field(&self, rest: &str) -> String {
        format!("{}.{rest}", self.path)
    }
}

/// A pod (or a pod template) to check: its metadata, its spec and its containers.
pub struct PodView<'a> {
    /// `metadata` (annotations matter to AppArmor).
    pub meta: &'a ObjectMeta,
    /// `spec`.
    pub spec: &'a PodSpec,
    /// Every container, in `visitContainers` order.
    pub containers: Vec<ContainerRef<'a>>,
    /// Whether the API server's pod defaults apply (a pod), or only those of a workload's
    /// pod template: since Kubernetes 1.28 a `hostNetwork` template's container ports are
    /// not given host ports, only the pods created from it are (kubernetes/kubernetes#117696,
    /// `defaultHostNetworkPorts` moved from `SetDefaults_PodSpec` to `SetDefaults_Pod`).
    pub is_pod: bool,
}

impl<'a> ContainerRef<'a> {
    /// An init or regular container at `path`.
    fn of(c: &'a Container, path: String) -> Self {
        Self {
            name: &c.name,
            path,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref().unwrap_or_default(),
            probes: [
                ("livenessProbe", c.liveness_probe.as_ref()),
                ("readinessProbe", c.readiness_probe.as_ref()),
                ("startupProbe", c.startup_probe.as_ref()),
            ],
            lifecycle: c.lifecycle.as_ref(),
            volume_mounts: c.volume_mounts.as_deref().unwrap_or_default(),
            ephemeral: false,
        }
    }
}

impl<'a> PodView<'a> {
    /// A pod: collects the containers of `spec`.
    pub fn new(meta: &'a ObjectMeta, spec: &'a PodSpec) -> Self {
        let mut containers = Vec::new();
        for (i, c) in spec.init_containers.iter().flatten().enumerate() {
            containers.push(ContainerRef::of(c, format!("spec.initContainers[{i}]")));
        }
        for (i, c) in spec.containers.iter().enumerate() {
            containers.push(ContainerRef::of(c, format!("spec.containers[{i}]")));
        }
        for (i, c) in spec.ephemeral_containers.iter().flatten().enumerate() {
            containers.push(ContainerRef {
                name: &c.name,
                path: format!("spec.ephemeralContainers[{i}]"),
                security_context: c.security_context.as_ref(),
                ports: c.ports.as_deref().unwrap_or_default(),
                probes: [
                    ("livenessProbe", c.liveness_probe.as_ref()),
                    ("readinessProbe", c.readiness_probe.as_ref()),
                    ("startupProbe", c.startup_probe.as_ref()),
                ],
                lifecycle: c.lifecycle.as_ref(),
                volume_mounts: c.volume_mounts.as_deref().unwrap_or_default(),
                ephemeral: true,
            });
        }
        Self {
            meta,
            spec,
            containers,
            is_pod: true,
        }
    }

    /// A workload's pod template, as Pod Security Admission sees it on the workload's own
    /// create or update request (its warn and audit modes).
    pub fn template(meta: &'a ObjectMeta, spec: &'a PodSpec) -> Self {
        Self {
            is_pod: false,
            ..Self::new(meta, spec)
        }
    }

    /// `relaxPolicyForUserNamespacePod`: the pod runs in a user namespace
    /// (`hostUsers: false`), which from policy version 1.35 relaxes runAsNonRoot,
    /// runAsUser and the Baseline procMount check.
    pub fn in_user_namespace(&self) -> bool {
        self.spec.host_users == Some(false)
    }

    /// `spec.os.name` is `windows` (from policy version 1.25, some Restricted checks do not
    /// apply to Windows pods).
    pub fn is_windows(&self) -> bool {
        self.spec.os.as_ref().is_some_and(|os| os.name == "windows")
    }

    /// The host port a container port takes once the API server has defaulted the pod:
    /// `hostPort`, or for a `hostNetwork` pod's containers and init containers the
    /// `containerPort` (`defaultHostNetworkPorts` in `SetDefaults_Pod`; not for a
    /// template), with the field it comes from.
    pub fn host_port(
        &self,
        container: &ContainerRef<'_>,
        port: &ContainerPort,
    ) -> Option<(i32, &'static str)> {
        match port.host_port {
            Some(p) if p != 0 => Some((p, "hostPort")),
            _ if self.is_pod
                && self.spec.host_network == Some(true)
                && !container.ephemeral
                && port.container_port != 0 =>
            {
                Some((port.container_port, "containerPort"))
            }
            _ => None,
        }
    }
}

/// `pluralize`: `singular` for a count of one, `plural` otherwise.
pub fn pluralize<'s>(singular: &'s str, plural: &'s str, count: usize) -> &'s str {
    if count == 1 {
        singular
    } else {
        plural
    }
}

/// `joinQuote`: `"a", "b"` (Go's `"` + strings.Join(items, `", "`) + `"`).
pub fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

/// `container "a"` or `containers "a", "b"`.
pub fn containers_phrase<S: AsRef<str>>(names: &[S]) -> String {
    format!(
        "{} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names)
    )
}

/// Sorts and removes duplicates, as `sets.List` returns a set's items.
pub fn sorted_set(mut items: Vec<String>) -> Vec<String> {
    crate::order::sort(&mut items);
    items.dedup();
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_write_like_psa() {
        assert_eq!(join_quote(&["a", "b"]), "\"a\", \"b\"");
        assert_eq!(join_quote::<&str>(&[]), "");
        assert_eq!(containers_phrase(&["x"]), "container \"x\"");
        assert_eq!(containers_phrase(&["x", "y"]), "containers \"x\", \"y\"");
        assert_eq!(
            sorted_set(vec!["b".into(), "a".into(), "b".into()]),
            ["a", "b"]
        );
    }
}
