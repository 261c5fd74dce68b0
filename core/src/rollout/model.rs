//! The simulated cluster at one moment: daemon pods with their revision and readiness,
//! nodes with what the controller decides for them, and the DaemonSet's status.

use crate::placement::Reason;
use serde::Serialize;
use std::sync::Arc;

/// Simulated time in milliseconds since the update was applied.
pub type Millis = i64;

/// One daemon pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimPod {
    /// `metadata.name`.
    pub name: Arc<str>,
    /// Its `controller-revision-hash` label.
    pub revision: Arc<str>,
    /// `metadata.creationTimestamp`.
    pub created: Millis,
    /// Bound to its node by the scheduler (`spec.nodeName` set).
    pub scheduled: bool,
    /// The `lastTransitionTime` of its Ready=True condition, while it is Ready.
    pub ready_since: Option<Millis>,
    /// Why it is not Ready, when it cannot get there by itself (image pull failure,
    /// unschedulable, node down).
    pub problem: Option<Arc<str>>,
}

impl SimPod {
    /// Its Ready condition is True.
    pub fn ready(&self) -> bool {
        self.ready_since.is_some()
    }

    /// `IsPodAvailable`: Ready, and Ready for at least `min_ready` (inclusive, as current
    /// Kubernetes compares; see [`AVAILABLE_AT_EXACT_INSTANT`]).
    pub fn available(&self, min_ready: Millis, now: Millis) -> bool {
        match self.ready_since {
            None => false,
            Some(_) if min_ready == 0 => true,
            Some(since) if AVAILABLE_AT_EXACT_INSTANT => since.saturating_add(min_ready) <= now,
            Some(since) => since.saturating_add(min_ready) < now,
        }
    }
}

/// Whether a pod Ready since `t` is available at exactly `t + minReadySeconds`. Current
/// Kubernetes (`podutil.IsPodAvailable`) says yes; releases before 1.22 said no.
pub const AVAILABLE_AT_EXACT_INSTANT: bool = true;

/// One node as the rollout sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeState {
    /// The node's name.
    pub name: Arc<str>,
    /// Still in the cluster (false once removed by a scenario).
    pub present: bool,
    /// `spec.unschedulable`.
    pub cordoned: bool,
    /// The kubelet reports Ready.
    pub ready: bool,
    /// The controller wants a pod of the current template here.
    pub should_run: bool,
    /// A pod already here may stay.
    pub should_continue_running: bool,
    /// The node's taints, as `key=value:Effect`.
    pub taints: Vec<String>,
    /// Why no pod of the current template would run here (or notes on a surprising yes),
    /// as placement words it, at this moment.
    pub reasons: Vec<Reason>,
    /// The daemon pods on the node, in the controller's order (scheduled first, oldest
    /// first, then by name).
    pub pods: Vec<SimPod>,
}

const CHUNK: usize = 64;

/// Every node at one moment. Nodes are kept in chunks shared between moments, so a long
/// timeline stores only what changed from step to step.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Simulated time.
    pub time: Millis,
    /// The DaemonSet's minReadySeconds at this moment, in milliseconds.
    pub min_ready: Millis,
    len: usize,
    chunks: Vec<Arc<Vec<Arc<NodeState>>>>,
}

impl State {
    /// A state holding `nodes` in this order.
    pub fn new(time: Millis, nodes: Vec<NodeState>) -> Self {
        let len = nodes.len();
        let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK));
        let mut nodes = nodes.into_iter().map(Arc::new).peekable();
        while nodes.peek().is_some() {
            chunks.push(Arc::new(nodes.by_ref().take(CHUNK).collect()));
        }
        Self {
            time,
            min_ready: 0,
            len,
            chunks,
        }
    }

    /// The number of nodes, removed ones included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The node at `index`.
    pub fn node(&self, index: usize) -> Option<&NodeState> {
        self.chunks
            .get(index / CHUNK)
            .and_then(|c| c.get(index % CHUNK))
            .map(|n| &**n)
    }

    /// Every node, in order.
    pub fn nodes(&self) -> impl Iterator<Item = &NodeState> {
        self.chunks.iter().flat_map(|c| c.iter().map(|n| &**n))
    }

    /// This state at `time` with some nodes replaced or appended (index == len); the
    /// chunks that did not change are shared.
    pub fn with_changes(&self, time: Millis, changes: Vec<(usize, NodeState)>) -> Self {
        let mut next = Self {
            time,
            min_ready: self.min_ready,
            len: self.len,
            chunks: self.chunks.clone(),
        };
        for (index, node) in changes {
            let chunk = index / CHUNK;
            if chunk == next.chunks.len() {
                next.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
            }
            let Some(slot) = next.chunks.get_mut(chunk) else {
                continue;
            };
            let nodes = Arc::make_mut(slot);
            let node = Arc::new(node);
            match nodes.get_mut(index % CHUNK) {
                Some(existing) => *existing = node,
                None => {
                    nodes.push(node);
                    next.len += 1;
                }
            }
        }
        next
    }
}

/// A pod as the state's JSON shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodView<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// Its revision hash.
    pub revision: &'a str,
    /// Bound to the node.
    pub scheduled: bool,
    /// Ready.
    pub ready: bool,
    /// Available.
    pub available: bool,
    /// Why it cannot become Ready, if it cannot.
    pub problem: Option<&'a str>,
}

/// A node as the state's JSON shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView<'a> {
    /// The node's name.
    pub name: &'a str,
    /// Still in the cluster.
    pub present: bool,
    /// `spec.unschedulable`.
    pub cordoned: bool,
    /// The kubelet reports Ready.
    pub ready: bool,
    /// The controller wants a pod here.
    pub should_run: bool,
    /// A pod here may stay.
    pub should_continue_running: bool,
    /// Taints as `key=value:Effect`.
    pub taints: &'a [String],
    /// Why no pod of the current template would run here, at this moment.
    pub reasons: &'a [Reason],
    /// Daemon pods, in the controller's order.
    pub pods: Vec<PodView<'a>>,
}

/// The cluster at one moment as JSON: `{ "time", "nodes": [...] }`.
#[derive(Debug, Clone, Serialize)]
pub struct StateView<'a> {
    /// Seconds since the update.
    pub time: f64,
    /// Every node, removed ones included (with `present: false`).
    pub nodes: Vec<NodeView<'a>>,
}

impl State {
    /// The state as JSON-ready views.
    pub fn view(&self) -> StateView<'_> {
        // Simulated times stay far below 2^53 milliseconds.
        #[allow(clippy::cast_precision_loss)]
        let time = self.time as f64 / 1000.0;
        StateView {
            time,
            nodes: self
                .nodes()
                .map(|n| NodeView {
                    name: &n.name,
                    present: n.present,
                    cordoned: n.cordoned,
                    ready: n.ready,
                    should_run: n.should_run,
                    should_continue_running: n.should_continue_running,
                    taints: &n.taints,
                    reasons: &n.reasons,
                    pods: n
                        .pods
                        .iter()
                        .map(|p| PodView {
                            name: &p.name,
                            revision: &p.revision,
                            scheduled: p.scheduled,
                            ready: p.ready(),
                            available: p.available(self.min_ready, self.time),
                            problem: p.problem.as_deref(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The state as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.view()).unwrap_or_default()
    }
}

/// The DaemonSet's status fields, as `updateDaemonSetStatus` counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Nodes that should run the pod.
    pub desired_number_scheduled: i64,
    /// Such nodes that have a daemon pod.
    pub current_number_scheduled: i64,
    /// Such nodes whose (first) daemon pod is Ready.
    pub number_ready: i64,
    /// Such nodes whose (first) daemon pod is of the current revision.
    pub updated_number_scheduled: i64,
    /// Such nodes whose (first) daemon pod is available.
    pub number_available: i64,
    /// desired minus available.
    pub number_unavailable: i64,
    /// Nodes that should not run the pod but have one.
    pub number_misscheduled: i64,
    /// The generation the controller has acted on.
    pub observed_generation: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str) -> NodeState {
        NodeState {
            name: Arc::from(name),
            present: true,
            cordoned: false,
            ready: true,
            should_run: true,
            should_continue_running: true,
            taints: Vec::new(),
            reasons: Vec::new(),
            pods: Vec::new(),
        }
    }

    #[test]
    fn changes_share_untouched_chunks() {
        let nodes: Vec<NodeState> = (0..200).map(|i| node(&format!("n{i}"))).collect();
        let a = State::new(0, nodes);
        let mut changed = node("n5");
        changed.cordoned = true;
        let b = a.with_changes(1, vec![(5, changed), (200, node("n200"))]);
        assert_eq!(a.len(), 200);
        assert_eq!(b.len(), 201);
        assert!(!a.node(5).is_some_and(|n| n.cordoned));
        assert!(b.node(5).is_some_and(|n| n.cordoned));
        assert_eq!(b.node(200).map(|n| &*n.name), Some("n200"));
        assert!(Arc::ptr_eq(&a.chunks[1], &b.chunks[1]));
        assert!(!Arc::ptr_eq(&a.chunks[0], &b.chunks[0]));
        assert_eq!(b.nodes().count(), 201);
    }

    #[test]
    fn availability_edge_is_inclusive() {
        let pod = SimPod {
            name: Arc::from("p"),
            revision: Arc::from("h"),
            created: 0,
            scheduled: true,
            ready_since: Some(1000),
            problem: None,
        };
        assert!(!pod.available(10_000, 10_999));
        assert!(pod.available(10_000, 11_000));
        assert!(pod.available(0, 1000));
    }
}
