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

/// A node's allocatable resources, read once.
#[derive(Debug, Clone, Default)]
pub struct Allocatable {
    /// CPU, memory, storage and scalar resources.
    pub resources: Resources,
    /// How many pods the node takes.
    pub pods: i128,
}

impl Allocatable {
    /// The node's `status.allocatable`; `None` when the node lists none at all.
    pub fn of(node: &Node) -> Option<Self> {
        let list = node.status.as_ref()?.allocatable.as_ref()?;
        Some(Self {
            resources: Resources::from_list(list),
            pods: list
                .get("pods")
                .and_then(|q| quantity::value(&q.0).ok())
                .unwrap_or(0),
        })
    }
}

/// Runs the scheduler's filters that can fail for a daemon pod on its own node, in the
/// scheduler's order, stopping at the first plugin that fails as the framework does:
/// NodePorts, then NodeResourcesFit (which reports every insufficient resource at once).
/// Empty when the pod fits. A node that lists no allocatable resources at all is not
/// checked for resources (its capacity is unknown).
pub fn check_fit(
    allocatable: Option<&Allocatable>,
    usage: &NodeUsage,
    request: &Resources,
    ports: &[HostPort],
) -> Vec<Misfit> {
    let taken: Vec<&HostPort> = ports
        .iter()
        .filter(|want| usage.ports.iter().any(|used| want.conflicts(used)))
        .collect();
    if !taken.is_empty() {
        return vec![Misfit {
            reason: "node(s) didn't have free ports for the requested pod ports".to_owned(),
            detail: format!(
                "host port {} is already in use on the node",
                taken
                    .iter()
                    .map(|p| format!("{}/{}", p.port, p.protocol))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }];
    }
    let mut misfits = Vec::new();
    let Some(allocatable) = allocatable else {
        return misfits;
    };
    let allowed_pods = allocatable.pods;
    if usage.pods + 1 > allowed_pods {
        misfits.push(Misfit {
            reason: "Too many pods".to_owned(),
            detail: format!(
                "the node allows {allowed_pods} pods and {} are already there",
                usage.pods
            ),
        });
    }
    if request.is_zero() {
        return misfits;
    }
    let free = &allocatable.resources;
    let mut check = |name: &str, want: i128, have: i128, used: i128, show: fn(i128) -> String| {
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
    misfits
}

/// Another pod on the node, as preemption sees it.
#[derive(Debug, Clone)]
pub struct OtherPod<'a> {
    /// `namespace/name`.
    pub name: String,
    /// Its priority.
    pub priority: i32,
    /// Its spec.
    pub spec: &'a PodSpec,
}

/// The daemon pod's priority and whether it may preempt (`preemptionPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    /// The numeric priority.
    pub value: i32,
    /// False for `preemptionPolicy: Never`.
    pub may_preempt: bool,
}

/// What the scheduler does with a daemon pod on its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheduling {
    /// It fits and is bound.
    Fits,
    /// It fits once these lower-priority pods (`namespace/name`) are preempted.
    Preempts(Vec<String>),
    /// It stays Pending: the misfits and the scheduler's event message.
    Unschedulable {
        /// Why it does not fit, one per failing check.
        misfits: Vec<Misfit>,
        /// The `FailedScheduling` message.
        message: String,
    },
}

/// Schedules the daemon pod on its node among `others`, preempting lower-priority pods
/// as `SelectVictimsOnNode` does when that makes room: remove every lower-priority pod,
/// then give back the most important ones first while the pod still fits.
pub fn schedule(
    allocatable: Option<&Allocatable>,
    others: &[OtherPod<'_>],
    request: &Resources,
    ports: &[HostPort],
    priority: Priority,
    total_nodes: usize,
) -> Scheduling {
    let usage_of = |pods: &mut dyn Iterator<Item = &OtherPod<'_>>| {
        let mut usage = NodeUsage::default();
        for pod in pods {
            usage.add_pod(pod.spec);
        }
        usage
    };
    let misfits = check_fit(allocatable, &usage_of(&mut others.iter()), request, ports);
    if misfits.is_empty() {
        return Scheduling::Fits;
    }
    let preemption = if !priority.may_preempt {
        "preemption: not eligible due to preemptionPolicy=Never.".to_owned()
    } else {
        let (mut kept, mut candidates): (Vec<&OtherPod<'_>>, Vec<&OtherPod<'_>>) =
            others.iter().partition(|p| p.priority >= priority.value);
        if !candidates.is_empty()
            && check_fit(
                allocatable,
                &usage_of(&mut kept.iter().copied()),
                request,
                ports,
            )
            .is_empty()
        {
            crate::order::sort_by(&mut candidates, |a, b| {
                b.priority
                    .cmp(&a.priority)
                    .then_with(|| a.name.cmp(&b.name))
            });
            let mut victims = Vec::new();
            for candidate in candidates {
                kept.push(candidate);
                if !check_fit(
                    allocatable,
                    &usage_of(&mut kept.iter().copied()),
                    request,
                    ports,
                )
                .is_empty()
                {
                    kept.pop();
                    victims.push(candidate.name.clone());
                }
            }
            return Scheduling::Preempts(victims);
        }
        let mut parts = vec!["1 No preemption victims found for incoming pod".to_owned()];
        if total_nodes > 1 {
            parts.push(format!(
                "{} Preemption is not helpful for scheduling",
                total_nodes - 1
            ));
        }
        format!(
            "preemption: 0/{total_nodes} nodes are available: {}.",
            parts.join(", ")
        )
    };
    let message = format!("{} {preemption}", fit_error_message(total_nodes, &misfits));
    Scheduling::Unschedulable { misfits, message }
}

/// The scheduler's `FitError` message for a daemon pod. Its node affinity names one node,
/// so the NodeAffinity PreFilter leaves every other node out, and those count as
/// `node(s) didn't satisfy plugin(s) [NodeAffinity]`.
pub fn fit_error_message(total_nodes: usize, misfits: &[Misfit]) -> String {
    let mut reasons: Vec<String> = misfits.iter().map(|m| format!("1 {}", m.reason)).collect();
    if total_nodes > 1 {
        reasons.push(format!(
            "{} node(s) didn't satisfy plugin(s) [NodeAffinity]",
            total_nodes - 1
        ));
    }
    crate::order::sort(&mut reasons);
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

    fn node(cpu: &str, pods: &str) -> Node {
        serde_yaml::from_str(&format!(
            "metadata: {{name: n}}\nstatus: {{allocatable: {{cpu: '{cpu}', memory: 1Gi, pods: '{pods}'}}}}"
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn ports_are_checked_before_resources_and_stop_the_filters() {
        let other = spec("containers:\n- name: a\n  ports: [{containerPort: 80, hostPort: 80}]\n");
        let mut usage = NodeUsage::default();
        usage.add_pod(&other);
        let mine = spec("containers:\n- name: b\n  resources: {requests: {cpu: '8'}}\n  ports: [{containerPort: 80, hostPort: 80}]\n");
        let misfits = check_fit(
            Allocatable::of(&node("1", "110")).as_ref(),
            &usage,
            &pod_requests(&mine),
            &host_ports(&mine),
        );
        assert_eq!(misfits.len(), 1);
        assert_eq!(
            misfits[0].reason,
            "node(s) didn't have free ports for the requested pod ports"
        );
    }

    #[test]
    fn higher_priority_daemon_pods_preempt_just_enough() {
        let hog = spec("containers:\n- name: a\n  resources: {requests: {cpu: 600m}}\n");
        let small = spec("containers:\n- name: a\n  resources: {requests: {cpu: 300m}}\n");
        let others = [
            OtherPod {
                name: "apps/hog".into(),
                priority: 0,
                spec: &hog,
            },
            OtherPod {
                name: "apps/small".into(),
                priority: 100,
                spec: &small,
            },
        ];
        let mine = spec("containers:\n- name: b\n  resources: {requests: {cpu: 500m}}\n");
        let request = pod_requests(&mine);
        let high = Priority {
            value: 2_000_001_000,
            may_preempt: true,
        };
        assert_eq!(
            schedule(
                Allocatable::of(&node("1", "110")).as_ref(),
                &others,
                &request,
                &[],
                high,
                1
            ),
            Scheduling::Preempts(vec!["apps/hog".into()])
        );
        let low = Priority {
            value: 0,
            may_preempt: true,
        };
        let Scheduling::Unschedulable { message, .. } = schedule(
            Allocatable::of(&node("1", "110")).as_ref(),
            &others,
            &request,
            &[],
            low,
            2,
        ) else {
            panic!("a priority-0 pod cannot preempt");
        };
        assert_eq!(
            message,
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
        );
        let never = Priority {
            value: 2_000_001_000,
            may_preempt: false,
        };
        assert!(matches!(
            schedule(Allocatable::of(&node("1", "110")).as_ref(), &others, &request, &[], never, 1),
            Scheduling::Unschedulable { message, .. } if message.ends_with("preemption: not eligible due to preemptionPolicy=Never.")
        ));
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
            "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."
        );
    }
}
