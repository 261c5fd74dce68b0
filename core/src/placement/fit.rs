//! The scheduler's side: once the controller creates a daemon pod for a node, does it fit?
//! Follows the NodeResourcesFit (`fitsRequest`) and NodePorts filter plugins, and words the
//! result as the scheduler's `FitError` does.

use crate::quantity;
use k8s_openapi::api::core::v1::{Container, Node, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// Resource amounts: CPU in millicores, the rest in whole units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// CPU in millicores.
    pub milli_cpu: i128,
    /// Memory in bytes.
    pub memory: i128,
    /// Ephemeral storage in bytes.
    pub ephemeral_storage: i128,
    /// Extended and other scalar resources (`nvidia.com/gpu`, `hugepages-2Mi`), by name.
    pub scalar: BTreeMap<String, i128>,
}

impl Resources {
    /// Reads a `ResourceList`; unreadable quantities count as zero (validation reports them).
    pub fn from_list(list: &BTreeMap<String, Quantity>) -> Self {
        let mut out = Self::default();
        for (name, q) in list {
            out.add_one(name, &q.0);
        }
        out
    }

    fn add_one(&mut self, name: &str, text: &str) {
        match name {
            "cpu" => self.milli_cpu += quantity::milli_value(text).unwrap_or(0),
            "memory" => self.memory += quantity::value(text).unwrap_or(0),
            "ephemeral-storage" => self.ephemeral_storage += quantity::value(text).unwrap_or(0),
            "pods" | "storage" => {}
            other => {
                *self.scalar.entry(other.to_owned()).or_default() +=
                    quantity::value(text).unwrap_or(0)
            }
        }
    }

    /// Adds `other` to this.
    pub fn add(&mut self, other: &Resources) {
        self.milli_cpu += other.milli_cpu;
        self.memory += other.memory;
        self.ephemeral_storage += other.ephemeral_storage;
        for (k, v) in &other.scalar {
            *self.scalar.entry(k.clone()).or_default() += v;
        }
    }

    /// Takes the larger of each amount.
    fn max_with(&mut self, other: &Resources) {
        self.milli_cpu = self.milli_cpu.max(other.milli_cpu);
        self.memory = self.memory.max(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(other.ephemeral_storage);
        for (k, v) in &other.scalar {
            let e = self.scalar.entry(k.clone()).or_default();
            *e = (*e).max(*v);
        }
    }

    /// True when nothing at all is requested.
    pub fn is_zero(&self) -> bool {
        self.milli_cpu == 0
            && self.memory == 0
            && self.ephemeral_storage == 0
            && self.scalar.values().all(|v| *v == 0)
    }
}

/// A container's requests after API defaulting: a resource with a limit and no request
/// is requested at its limit.
fn container_requests(container: &Container) -> Resources {
    let Some(resources) = &container.resources else {
        return Resources::default();
    };
    let mut merged: BTreeMap<String, Quantity> = resources.limits.clone().unwrap_or_default();
    for (k, v) in resources.requests.iter().flatten() {
        merged.insert(k.clone(), v.clone());
    }
    Resources::from_list(&merged)
}

/// The pod's effective request, as `resourcehelper.PodRequests` computes it: the sum of the
/// app containers and sidecars (restartable init containers), or the largest single init
/// container step if that is more, plus the pod overhead.
pub fn pod_requests(spec: &PodSpec) -> Resources {
    let mut total = Resources::default();
    for c in &spec.containers {
        total.add(&container_requests(c));
    }
    let mut sidecars = Resources::default();
    let mut init_peak = Resources::default();
    for c in spec.init_containers.iter().flatten() {
        let request = container_requests(c);
        if c.restart_policy.as_deref() == Some("Always") {
            sidecars.add(&request);
            total.add(&request);
            init_peak.max_with(&sidecars);
        } else {
            let mut step = request;
            step.add(&sidecars);
            init_peak.max_with(&step);
        }
    }
    total.max_with(&init_peak);
    if let Some(overhead) = &spec.overhead {
        total.add(&Resources::from_list(overhead));
    }
    total
}

/// A host port in use or wanted: (host IP, protocol, port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    /// Host IP; `0.0.0.0` when not given.
    pub ip: String,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// The port number.
    pub port: i32,
}

impl HostPort {
    fn conflicts(&self, other: &HostPort) -> bool {
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == "0.0.0.0" || other.ip == "0.0.0.0" || self.ip == other.ip)
    }
}

/// The host ports a pod asks for.
pub fn host_ports(spec: &PodSpec) -> Vec<HostPort> {
    spec.init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| {
            let port = p.host_port.filter(|p| *p > 0)?;
            Some(HostPort {
                ip: p
                    .host_ip
                    .clone()
                    .filter(|ip| !ip.is_empty())
                    .unwrap_or_else(|| "0.0.0.0".to_owned()),
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".to_owned()),
                port,
            })
        })
        .collect()
}

/// What other pods already take on a node.
#[derive(Debug, Clone, Default)]
pub struct NodeUsage {
    /// Sum of their requests.
    pub requested: Resources,
    /// How many there are.
    pub pods: i128,
    /// Host ports they hold.
    pub ports: Vec<HostPort>,
}

impl NodeUsage {
    /// Counts one more pod on the node.
    pub fn add_pod(&mut self, spec: &PodSpec) {
        self.requested.add(&pod_requests(spec));
        self.pods += 1;
        self.ports.extend(host_ports(spec));
    }
}

/// One reason a pod does not fit, as the scheduler's plugins word it, with the numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// The scheduler's reason, e.g. `Insufficient cpu`.
    pub reason: String,
    /// The numbers behind it.
    pub detail: String,
}

/// Checks a pod against a node's allocatable resources and free host ports, given what
/// other pods use. Empty when it fits. A node that lists no allocatable resources at all is
/// not checked for resources (its capacity is unknown).
pub fn check_fit(
    node: &Node,
    usage: &NodeUsage,
    request: &Resources,
    ports: &[HostPort],
) -> Vec<Misfit> {
    let mut misfits = Vec::new();
    if let Some(allocatable) = node.status.as_ref().and_then(|s| s.allocatable.as_ref()) {
        let allowed_pods = allocatable
            .get("pods")
            .and_then(|q| quantity::value(&q.0).ok())
            .unwrap_or(0);
        if usage.pods + 1 > allowed_pods {
            misfits.push(Misfit {
                reason: "Too many pods".to_owned(),
                detail: format!(
                    "the node allows {allowed_pods} pods and {} are already there",
                    usage.pods
                ),
            });
        }
        if !request.is_zero() {
            let free = Resources::from_list(allocatable);
            let mut check = |name: &str,
                             want: i128,
                             have: i128,
                             used: i128,
                             show: fn(i128) -> String| {
                if want > 0 && want > have - used {
                    misfits.push(Misfit {
                        reason: format!("Insufficient {name}"),
                        detail: format!(
                            "the pod requests {name} {}; the node has {} allocatable and {} requested by other pods",
                            show(want),
                            show(have),
                            show(used)
                        ),
                    });
                }
            };
            check(
                "cpu",
                request.milli_cpu,
                free.milli_cpu,
                usage.requested.milli_cpu,
                show_milli,
            );
            check(
                "memory",
                request.memory,
                free.memory,
                usage.requested.memory,
                show_bytes,
            );
            check(
                "ephemeral-storage",
                request.ephemeral_storage,
                free.ephemeral_storage,
                usage.requested.ephemeral_storage,
                show_bytes,
            );
            for (name, want) in &request.scalar {
                let have = free.scalar.get(name).copied().unwrap_or(0);
                let used = usage.requested.scalar.get(name).copied().unwrap_or(0);
                check(name, *want, have, used, show_units);
            }
        }
    }
    if ports
        .iter()
        .any(|want| usage.ports.iter().any(|used| want.conflicts(used)))
    {
        misfits.push(Misfit {
            reason: "node(s) didn't have free ports for the requested pod ports".to_owned(),
            detail: format!(
                "host port {} is already in use on the node",
                ports
                    .iter()
                    .filter(|w| usage.ports.iter().any(|u| w.conflicts(u)))
                    .map(|p| format!("{}/{}", p.port, p.protocol))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    misfits
}

/// The scheduler's `FitError` message for a daemon pod: the pod's node affinity names one
/// node, so every other node counts as not matching it.
pub fn fit_error_message(total_nodes: usize, misfits: &[Misfit]) -> String {
    let mut reasons: Vec<String> = misfits.iter().map(|m| format!("1 {}", m.reason)).collect();
    if total_nodes > 1 {
        reasons.push(format!(
            "{} node(s) didn't match Pod's node affinity/selector",
            total_nodes - 1
        ));
    }
    reasons.sort();
    format!(
        "0/{total_nodes} nodes are available: {}.",
        reasons.join(", ")
    )
}

fn show_milli(m: i128) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

fn show_bytes(b: i128) -> String {
    const UNITS: [(&str, i128); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (unit, size) in UNITS {
        if b != 0 && b % size == 0 {
            return format!("{}{unit}", b / size);
        }
    }
    b.to_string()
}

fn show_units(n: i128) -> String {
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> PodSpec {
        serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("bad test spec: {e}"))
    }

    #[test]
    fn requests_default_to_limits_and_count_init_containers() {
        let s = spec("containers:\n- name: a\n  resources: {limits: {cpu: 200m, memory: 256Mi}, requests: {cpu: 100m}}\n- name: b\n  resources: {requests: {cpu: 50m}}\ninitContainers:\n- name: init\n  resources: {requests: {cpu: '1'}}\n");
        let r = pod_requests(&s);
        assert_eq!(r.milli_cpu, 1000, "the init container's step is the peak");
        assert_eq!(r.memory, 256 << 20, "memory request defaults to the limit");
    }

    #[test]
    fn sidecars_add_to_the_sum() {
        let s = spec("containers:\n- name: a\n  resources: {requests: {cpu: 100m}}\ninitContainers:\n- name: proxy\n  restartPolicy: Always\n  resources: {requests: {cpu: 100m}}\n");
        assert_eq!(pod_requests(&s).milli_cpu, 200);
    }

    #[test]
    fn host_port_conflicts_need_same_port_protocol_and_overlapping_ip() {
        let a = HostPort {
            ip: "0.0.0.0".into(),
            protocol: "TCP".into(),
            port: 80,
        };
        let b = HostPort {
            ip: "10.0.0.1".into(),
            protocol: "TCP".into(),
            port: 80,
        };
        let c = HostPort {
            ip: "10.0.0.2".into(),
            protocol: "TCP".into(),
            port: 80,
        };
        let d = HostPort {
            ip: "0.0.0.0".into(),
            protocol: "UDP".into(),
            port: 80,
        };
        assert!(a.conflicts(&b));
        assert!(!b.conflicts(&c));
        assert!(!a.conflicts(&d));
    }

    #[test]
    fn fit_error_reads_like_the_scheduler() {
        let cpu = Misfit {
            reason: "Insufficient cpu".into(),
            detail: String::new(),
        };
        let mem = Misfit {
            reason: "Insufficient memory".into(),
            detail: String::new(),
        };
        assert_eq!(
            fit_error_message(1, std::slice::from_ref(&cpu)),
            "0/1 nodes are available: 1 Insufficient cpu."
        );
        assert_eq!(
            fit_error_message(3, &[cpu, mem]),
            "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector."
        );
    }
}
