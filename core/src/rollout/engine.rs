//! The discrete-event engine: a clock, a queue of things due (pods turning Ready or
//! failing, availability after minReadySeconds, scenario actions), and the controller's
//! sync after each of them, recorded as steps.

use super::budget::Strategy;
use super::history::History;
use super::model::{Millis, NodeState, SimPod, State, Status};
use super::report::{Event, EventKind, FailedCreate, Step};
use super::scenario::{Action, Timed};
use super::status::rollout_status_message;
use crate::lint::admission::{Enforced, Refusal};
use crate::placement::{taints, CompiledDaemonSet, Evaluator, NodeVerdict};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, NodeCondition, PodTemplateSpec, Taint};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

/// `burstReplicas`: the most pods one `syncNodes` call creates, and deletes.
pub const BURST_REPLICAS: usize = 250;

/// Syncs at one instant before the engine gives up on the controller settling.
const MAX_SYNCS_PER_INSTANT: usize = 10_000;

/// A node in the engine: the object, which scenarios change, and its daemon pods.
pub(super) struct EngineNode {
    pub object: Node,
    pub name: Arc<str>,
    pub present: bool,
    pub ready: bool,
    pub verdict: NodeVerdict,
    pub pods: Vec<SimPod>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum What {
    Ready {
        node: usize,
        pod: Arc<str>,
    },
    Fail {
        node: usize,
        pod: Arc<str>,
        reason: Arc<str>,
    },
    Available {
        node: usize,
        pod: Arc<str>,
        since: Millis,
    },
    Act(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Due {
    at: Millis,
    seq: u64,
    what: What,
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Settings of one run.
pub(super) struct Settings {
    pub ready_after: Millis,
    pub fail_images: Vec<String>,
    pub scenario: Vec<Timed>,
    pub undo_when_settled: Option<i64>,
    /// The policy the DaemonSet's namespace enforces, if the input has the namespace.
    pub enforced: Option<Enforced>,
}

/// The simulation in progress.
pub(super) struct Engine<'m> {
    pub ds: DaemonSet,
    pub name: String,
    pub strategy: Strategy,
    pub min_ready: Millis,
    pub evaluator: Evaluator<'m>,
    pub nodes: Vec<EngineNode>,
    pub order: Vec<usize>,
    pub by_name: FxHashMap<Arc<str>, usize>,
    pub current: Arc<str>,
    pub history: History,
    pub generation: i64,
    pub observed: i64,
    pub now: Millis,
    /// Pod Security Admission refusing the pods of the current template, if it does.
    pub refusal: Option<Refusal>,
    settings: Settings,
    queue: BinaryHeap<Reverse<Due>>,
    seq: u64,
    names_made: u64,
    names_used: FxHashSet<Arc<str>>,
    dirty: FxHashSet<usize>,
    events: Vec<Event>,
    failed_creates: Vec<FailedCreate>,
    notes: Vec<String>,
    actions: usize,
}

/// What a run produced.
pub(super) struct Run {
    pub steps: Vec<Step>,
    pub states: Vec<State>,
}

impl<'m> Engine<'m> {
    /// An engine over `nodes` with the DaemonSet's live revision already in `history`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ds: DaemonSet,
        evaluator: Evaluator<'m>,
        nodes: Vec<Node>,
        history: History,
        current: Arc<str>,
        settings: Settings,
    ) -> Self {
        let name = ds.metadata.name.clone().unwrap_or_default();
        let generation = ds.metadata.generation.unwrap_or(1).max(1);
        let observed = ds
            .status
            .as_ref()
            .and_then(|s| s.observed_generation)
            .unwrap_or(generation)
            .min(generation);
        let mut engine = Self {
            strategy: Strategy::of(&ds),
            min_ready: i64::from(ds.spec.min_ready_seconds.unwrap_or(0).max(0)) * 1000,
            name,
            ds,
            evaluator,
            nodes: Vec::new(),
            order: Vec::new(),
            by_name: FxHashMap::default(),
            current,
            history,
            generation,
            observed,
            now: 0,
            refusal: None,
            settings,
            queue: BinaryHeap::new(),
            seq: 0,
            names_made: 0,
            names_used: FxHashSet::default(),
            dirty: FxHashSet::default(),
            events: Vec::new(),
            failed_creates: Vec::new(),
            notes: Vec::new(),
            actions: 0,
        };
        for node in nodes {
            engine.add_node(node);
        }
        engine.refresh_all();
        engine.refresh_admission();
        engine
    }

    /// Asks Pod Security Admission about the pods of the current template.
    fn refresh_admission(&mut self) {
        self.refusal = self
            .settings
            .enforced
            .as_ref()
            .and_then(|e| e.refuses(&self.ds.spec.template));
    }

    fn add_node(&mut self, object: Node) -> usize {
        let name: Arc<str> = Arc::from(object.metadata.name.as_deref().unwrap_or(""));
        let index = self.nodes.len();
        self.nodes.push(EngineNode {
            ready: node_ready(&object),
            object,
            name: Arc::clone(&name),
            present: true,
            verdict: NodeVerdict {
                decision: crate::placement::Decision {
                    should_run: false,
                    should_continue_running: false,
                },
                unschedulable: None,
                reasons: Vec::new(),
            },
            pods: Vec::new(),
        });
        let at = self.order.partition_point(|&i| self.nodes[i].name < name);
        self.order.insert(at, index);
        self.by_name.insert(name, index);
        self.dirty.insert(index);
        index
    }

    /// Recomputes every node's verdict for the current template.
    fn refresh_all(&mut self) {
        let compiled = CompiledDaemonSet::new(&self.ds);
        let total = self.present_count();
        for (i, node) in self.nodes.iter_mut().enumerate() {
            if node.present {
                node.verdict = self.evaluator.verdict(&compiled, &node.object, total);
                self.dirty.insert(i);
            }
        }
    }

    /// Recomputes one node's verdict after it changed, and lets the scheduler retry the
    /// pods there that were waiting for room (of any revision: the scheduler does not look
    /// at revisions; the room is judged for the current template).
    fn refresh_node(&mut self, index: usize) {
        let compiled = CompiledDaemonSet::new(&self.ds);
        let total = self.present_count();
        let verdict = self
            .evaluator
            .verdict(&compiled, &self.nodes[index].object, total);
        self.nodes[index].verdict = verdict;
        self.dirty.insert(index);
        if self.nodes[index].verdict.unschedulable.is_none() {
            let waiting: Vec<SimPod> = self.nodes[index]
                .pods
                .iter()
                .filter(|p| !p.scheduled)
                .cloned()
                .collect();
            for pod in waiting {
                if let Some(p) = self.pod_mut(index, &pod.name) {
                    p.scheduled = true;
                    p.problem = None;
                }
                self.start(index, &pod.name, &pod.revision);
            }
            sort_pods(&mut self.nodes[index].pods);
        }
    }

    fn present_count(&self) -> usize {
        self.nodes.iter().filter(|n| n.present).count()
    }

    /// Puts the daemon pods read from the input, or made for the initial state, on a node.
    pub fn seed_pod(&mut self, node: usize, pod: SimPod, starting: bool) {
        self.names_used.insert(Arc::clone(&pod.name));
        let name = Arc::clone(&pod.name);
        let revision = Arc::clone(&pod.revision);
        self.nodes[node].pods.push(pod);
        sort_pods(&mut self.nodes[node].pods);
        if starting {
            self.start(node, &name, &revision);
        }
    }

    /// A generated pod name, `NAME-xxxxx` as `generateName` makes them.
    pub fn next_pod_name(&mut self) -> Arc<str> {
        loop {
            self.names_made += 1;
            let name: Arc<str> = Arc::from(generated_name(&self.name, self.names_made));
            if self.names_used.insert(Arc::clone(&name)) {
                return name;
            }
        }
    }

    fn push(&mut self, at: Millis, what: What) {
        self.seq += 1;
        self.queue.push(Reverse(Due {
            at,
            seq: self.seq,
            what,
        }));
    }

    fn emit(&mut self, kind: EventKind, node: usize, pod: &SimPod, reason: impl Into<Arc<str>>) {
        self.events.push(Event {
            kind,
            node: Arc::clone(&self.nodes[node].name),
            pod: Arc::clone(&pod.name),
            revision: Arc::clone(&pod.revision),
            reason: reason.into(),
        });
        self.dirty.insert(node);
    }

    fn pod_mut(&mut self, node: usize, name: &str) -> Option<&mut SimPod> {
        self.nodes[node].pods.iter_mut().find(|p| &*p.name == name)
    }

    /// The image among the pod template of `revision` that `--fail-image` names.
    fn failing_image(&self, revision: &str) -> Option<String> {
        let template = self.history.by_hash(revision)?.template.spec.as_ref()?;
        template
            .containers
            .iter()
            .chain(template.init_containers.iter().flatten())
            .filter_map(|c| c.image.as_deref())
            .find(|image| self.settings.fail_images.iter().any(|f| f == image))
            .map(str::to_owned)
    }

    /// The kubelet starts a bound pod: it turns Ready after `--ready-after`, or fails to
    /// pull a `--fail-image`. Nothing happens on a node that is down.
    fn start(&mut self, node: usize, pod: &Arc<str>, revision: &str) {
        if !self.nodes[node].ready {
            if let Some(p) = self.pod_mut(node, pod) {
                p.problem = Some(Arc::from(NODE_DOWN));
            }
            return;
        }
        let at = self.now.saturating_add(self.settings.ready_after);
        match self.failing_image(revision) {
            Some(image) => {
                let reason = Arc::from(format!(
                    "ImagePullBackOff: Back-off pulling image \"{image}\" (--fail-image)"
                ));
                self.push(
                    at,
                    What::Fail {
                        node,
                        pod: Arc::clone(pod),
                        reason,
                    },
                );
            }
            None => self.push(
                at,
                What::Ready {
                    node,
                    pod: Arc::clone(pod),
                },
            ),
        }
    }

    /// The controller creates a pod of the current revision on a node.
    fn create_pod(&mut self, node: usize, reason: &str) {
        let name = self.next_pod_name();
        let unschedulable = self.nodes[node].verdict.unschedulable.clone();
        let mut pod = SimPod {
            name: Arc::clone(&name),
            revision: Arc::clone(&self.current),
            created: self.now,
            scheduled: unschedulable.is_none(),
            ready_since: None,
            problem: None,
        };
        self.emit(EventKind::Create, node, &pod, reason);
        if let Some(message) = unschedulable {
            let problem: Arc<str> = Arc::from(format!("FailedScheduling: {message}"));
            pod.problem = Some(Arc::clone(&problem));
            self.emit(EventKind::Failed, node, &pod, problem);
        }
        let scheduled = pod.scheduled;
        let revision = Arc::clone(&pod.revision);
        self.nodes[node].pods.push(pod);
        sort_pods(&mut self.nodes[node].pods);
        if scheduled {
            self.start(node, &name, &revision);
        }
        self.actions += 1;
    }

    /// A pod is deleted; as in the controller's tests, it is gone at once.
    fn delete_pod(&mut self, node: usize, name: &str, reason: &str) {
        let Some(at) = self.nodes[node].pods.iter().position(|p| &*p.name == name) else {
            return;
        };
        let pod = self.nodes[node].pods.remove(at);
        self.emit(EventKind::Delete, node, &pod, reason);
        self.actions += 1;
    }

    /// `syncNodes`: at most [`BURST_REPLICAS`] creates and as many deletes per call.
    /// Creates go in slow-start batches, the first of one pod; when the API server refuses
    /// it (Pod Security Admission), the rest are skipped and the deletes still happen.
    /// Returns whether a create was refused (the sync then fails and is retried).
    pub(super) fn sync_nodes(
        &mut self,
        deletes: Vec<(usize, Arc<str>, String)>,
        creates: Vec<(usize, String)>,
    ) -> bool {
        let first = creates.first().map(|&(node, _)| node);
        let refused = match first.filter(|_| self.refusal.is_some()) {
            Some(node) => {
                let pod = self.next_pod_name();
                let reason = self
                    .refusal
                    .as_ref()
                    .map_or_else(String::new, |r| r.forbidden(&pod));
                self.failed_creates.push(FailedCreate {
                    node: Arc::clone(&self.nodes[node].name),
                    pod,
                    revision: Arc::clone(&self.current),
                    reason: Arc::from(reason),
                });
                true
            }
            None => {
                for (node, reason) in creates.into_iter().take(BURST_REPLICAS) {
                    self.create_pod(node, &reason);
                }
                false
            }
        };
        for (node, pod, reason) in deletes.into_iter().take(BURST_REPLICAS) {
            self.delete_pod(node, &pod, &reason);
        }
        refused
    }

    /// Runs the scenario to the end.
    pub fn run(&mut self) -> Result<Run, String> {
        let scenario = std::mem::take(&mut self.settings.scenario);
        for (i, timed) in scenario.iter().enumerate() {
            self.push(timed.at, What::Act(i));
        }
        let mut states = vec![self.snapshot(None)];
        let mut steps: Vec<Step> = Vec::new();
        // The controller syncs the DaemonSet as soon as it sees it (informer list, pod
        // events), so a state that needs action is acted on at time 0 even when nothing
        // is scheduled then (no update, only later `--at` actions).
        if self.queue.peek().is_none_or(|Reverse(due)| due.at > 0) {
            self.settle(&mut steps, &mut states)?;
        }
        loop {
            let Some(Reverse(top)) = self.queue.peek() else {
                if let Some(revision) = self.settings.undo_when_settled.take() {
                    self.undo(revision)?;
                    self.record(&mut steps, &mut states);
                    self.settle(&mut steps, &mut states)?;
                    continue;
                }
                break;
            };
            self.now = top.at;
            while let Some(Reverse(due)) = self.queue.peek() {
                if due.at != self.now {
                    break;
                }
                let Some(Reverse(due)) = self.queue.pop() else {
                    break;
                };
                self.handle(due.what, &scenario)?;
            }
            self.settle(&mut steps, &mut states)?;
        }
        Ok(Run { steps, states })
    }

    /// Syncs at the current instant until the controller has nothing more to do,
    /// recording a step for each sync that changed something.
    fn settle(&mut self, steps: &mut Vec<Step>, states: &mut Vec<State>) -> Result<(), String> {
        for _ in 0..MAX_SYNCS_PER_INSTANT {
            let before = self.actions;
            self.sync();
            let acted = self.actions != before;
            if !self.events.is_empty() || !self.notes.is_empty() || !self.failed_creates.is_empty()
            {
                self.record(steps, states);
            }
            if !acted {
                return Ok(());
            }
        }
        Err(format!(
            "the controller did not settle after {MAX_SYNCS_PER_INSTANT} syncs at {} ms; please report this scenario",
            self.now
        ))
    }

    fn record(&mut self, steps: &mut Vec<Step>, states: &mut Vec<State>) {
        let status = self.status();
        let message = rollout_status_message(&self.name, &self.strategy, self.generation, &status);
        steps.push(Step {
            time: self.now,
            scenario: std::mem::take(&mut self.notes),
            events: std::mem::take(&mut self.events),
            failed_creates: std::mem::take(&mut self.failed_creates),
            status,
            message,
        });
        let previous = states.last().cloned();
        states.push(self.snapshot(previous.as_ref()));
    }

    /// The cluster now, sharing unchanged nodes with `previous`.
    fn snapshot(&mut self, previous: Option<&State>) -> State {
        let dirty = std::mem::take(&mut self.dirty);
        let mut state = match previous {
            None => State::new(
                self.now,
                (0..self.nodes.len()).map(|i| self.node_state(i)).collect(),
            ),
            Some(previous) => {
                let mut changed: Vec<usize> = dirty.into_iter().collect();
                changed.sort_unstable();
                let changes = changed
                    .into_iter()
                    .map(|i| (i, self.node_state(i)))
                    .collect();
                previous.with_changes(self.now, changes)
            }
        };
        state.min_ready = self.min_ready;
        state
    }

    fn node_state(&self, index: usize) -> NodeState {
        let node = &self.nodes[index];
        let spec = node.object.spec.as_ref();
        NodeState {
            name: Arc::clone(&node.name),
            present: node.present,
            cordoned: spec.and_then(|s| s.unschedulable) == Some(true),
            ready: node.ready,
            should_run: node.present && node.verdict.decision.should_run,
            should_continue_running: node.present && node.verdict.decision.should_continue_running,
            taints: spec
                .and_then(|s| s.taints.as_deref())
                .unwrap_or_default()
                .iter()
                .map(taints::kubectl_form)
                .collect(),
            reasons: if node.present {
                node.verdict.reasons.clone()
            } else {
                Vec::new()
            },
            pods: node.pods.clone(),
        }
    }

    fn handle(&mut self, what: What, scenario: &[Timed]) -> Result<(), String> {
        match what {
            What::Ready { node, pod } => {
                let ready = self.nodes[node].ready;
                let now = self.now;
                let min_ready = self.min_ready;
                let Some(p) = self.pod_mut(node, &pod) else {
                    return Ok(());
                };
                if !ready || p.problem.is_some() || p.ready_since.is_some() {
                    return Ok(());
                }
                p.ready_since = Some(now);
                let p = p.clone();
                self.emit(
                    EventKind::Ready,
                    node,
                    &p,
                    "containers started; the kubelet reports the pod Ready",
                );
                if min_ready == 0 {
                    self.emit(
                        EventKind::Available,
                        node,
                        &p,
                        "Ready, and minReadySeconds is 0",
                    );
                } else {
                    self.push(
                        now.saturating_add(min_ready),
                        What::Available {
                            node,
                            pod,
                            since: now,
                        },
                    );
                }
            }
            What::Available { node, pod, since } => {
                let min_ready = self.min_ready;
                let Some(p) = self.pod_mut(node, &pod) else {
                    return Ok(());
                };
                if p.ready_since != Some(since) {
                    return Ok(());
                }
                let p = p.clone();
                self.emit(
                    EventKind::Available,
                    node,
                    &p,
                    format!(
                        "Ready for minReadySeconds ({})",
                        super::report::format_seconds(min_ready)
                    ),
                );
            }
            What::Fail { node, pod, reason } => {
                let Some(p) = self.pod_mut(node, &pod) else {
                    return Ok(());
                };
                if p.problem.is_some() || p.ready_since.is_some() {
                    return Ok(());
                }
                p.problem = Some(Arc::clone(&reason));
                let p = p.clone();
                self.emit(EventKind::Failed, node, &p, reason);
            }
            What::Act(i) => {
                if let Some(timed) = scenario.get(i) {
                    self.act(&timed.action)?;
                }
            }
        }
        Ok(())
    }

    fn node_index(&self, name: &str) -> Result<usize, String> {
        self.by_name
            .get(name)
            .copied()
            .filter(|&i| self.nodes[i].present)
            .ok_or_else(|| format!("Error from server (NotFound): nodes \"{name}\" not found"))
    }

    /// Makes `template` the DaemonSet's template, as an update through the API server:
    /// the generation goes up and the controller finds or makes the revision.
    pub(super) fn set_template(&mut self, template: PodTemplateSpec) -> bool {
        if super::history::template_data(&template)
            == super::history::template_data(&self.ds.spec.template)
        {
            return false;
        }
        self.ds.spec.template = template;
        self.generation += 1;
        let cause = self
            .ds
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("kubernetes.io/change-cause"))
            .cloned();
        self.current = self
            .history
            .current(&self.ds.spec.template, cause.as_deref());
        self.refresh_all();
        self.refresh_admission();
        true
    }

    fn undo(&mut self, to_revision: i64) -> Result<(), String> {
        let target = self
            .history
            .rollback_target(&self.current, to_revision)
            .map_err(|e| format!("error: {e}"))?;
        let number = target.number;
        let template = target.template.clone();
        if self.set_template(template) {
            self.notes.push(format!(
                "kubectl rollout undo daemonset/{} --to-revision={number}: daemonset.apps/{} rolled back; revision {} is current again",
                self.name, self.name, self.current
            ));
        } else {
            self.notes.push(format!(
                "kubectl rollout undo daemonset/{}: daemonset.apps/{} skipped rollback (current template already matches revision {number})",
                self.name, self.name
            ));
        }
        Ok(())
    }

    fn act(&mut self, action: &Action) -> Result<(), String> {
        match action {
            Action::SetImage(pairs) => {
                let mut template = self.ds.spec.template.clone();
                set_images(&mut template, pairs)?;
                let args: Vec<String> = pairs.iter().map(|(c, i)| format!("{c}={i}")).collect();
                let changed = self.set_template(template);
                self.notes.push(format!(
                    "kubectl set image daemonset/{} {}: {}",
                    self.name,
                    args.join(" "),
                    if changed {
                        format!("new revision {}", self.current)
                    } else {
                        "no change to the template, so no new revision".to_owned()
                    }
                ));
            }
            Action::Apply(ds) => {
                let old_strategy = self.strategy.clone();
                self.strategy = Strategy::of(ds);
                self.min_ready = i64::from(ds.spec.min_ready_seconds.unwrap_or(0).max(0)) * 1000;
                if let Some(limit) = ds.spec.revision_history_limit {
                    self.ds.spec.revision_history_limit = Some(limit);
                }
                self.ds
                    .spec
                    .update_strategy
                    .clone_from(&ds.spec.update_strategy);
                self.ds.spec.min_ready_seconds = ds.spec.min_ready_seconds;
                if ds.metadata.annotations.is_some() {
                    self.ds
                        .metadata
                        .annotations
                        .clone_from(&ds.metadata.annotations);
                }
                let changed = self.set_template(ds.spec.template.clone());
                if !changed && old_strategy != self.strategy {
                    self.generation += 1;
                }
                self.notes.push(format!(
                    "kubectl apply: daemonset.apps/{} configured{}",
                    self.name,
                    if changed {
                        format!("; new revision {}", self.current)
                    } else {
                        "; the template is unchanged, so no new revision".to_owned()
                    }
                ));
            }
            Action::Undo(revision) => self.undo(*revision)?,
            Action::DeletePod(node) => {
                let i = self.node_index(node)?;
                let names: Vec<Arc<str>> = self.nodes[i]
                    .pods
                    .iter()
                    .map(|p| Arc::clone(&p.name))
                    .collect();
                if names.is_empty() {
                    self.notes
                        .push(format!("kubectl delete pod: no daemon pod on node {node}"));
                }
                for name in names {
                    self.notes.push(format!("kubectl delete pod {name}"));
                    self.delete_pod(i, &name, "deleted by the user (kubectl delete pod)");
                }
            }
            Action::DeleteNamedPod(node, pod) => {
                let i = self.node_index(node)?;
                if self.nodes[i].pods.iter().any(|p| &*p.name == pod) {
                    self.notes.push(format!("kubectl delete pod {pod}"));
                    self.delete_pod(i, pod, "deleted by the user (kubectl delete pod)");
                } else {
                    self.notes.push(format!(
                        "kubectl delete pod {pod}: no such daemon pod on node {node}"
                    ));
                }
            }
            Action::Label { node, key, value } => {
                let i = self.node_index(node)?;
                let labels = self.nodes[i]
                    .object
                    .metadata
                    .labels
                    .get_or_insert_with(Default::default);
                match value {
                    Some(v) => {
                        labels.insert(key.clone(), v.clone());
                        self.notes.push(format!(
                            "kubectl label nodes {node} {key}={v}: node/{node} labeled"
                        ));
                    }
                    None => {
                        labels.remove(key);
                        self.notes.push(format!(
                            "kubectl label nodes {node} {key}-: node/{node} unlabeled"
                        ));
                    }
                }
                self.refresh_node(i);
            }
            Action::RemoveOtherPod {
                node,
                namespace,
                name,
            } => {
                let i = self.node_index(node)?;
                self.evaluator.forget_pod(node, namespace, name);
                self.notes.push(format!(
                    "pod {namespace}/{name} left node {node}; its resources are free"
                ));
                self.refresh_node(i);
            }
            Action::Cordon(node) => {
                let i = self.node_index(node)?;
                cordon(&mut self.nodes[i].object, true);
                self.notes
                    .push(format!("kubectl cordon {node}: node/{node} cordoned"));
                self.refresh_node(i);
            }
            Action::Uncordon(node) => {
                let i = self.node_index(node)?;
                cordon(&mut self.nodes[i].object, false);
                self.notes
                    .push(format!("kubectl uncordon {node}: node/{node} uncordoned"));
                self.refresh_node(i);
            }
            Action::Drain(node) => {
                let i = self.node_index(node)?;
                cordon(&mut self.nodes[i].object, true);
                let compiled = CompiledDaemonSet::new(&self.ds);
                self.evaluator.evict_others(node, &compiled);
                self.notes.push(format!(
                    "kubectl drain {node} --ignore-daemonsets: node/{node} cordoned, its other pods evicted; daemon pods stay"
                ));
                self.refresh_node(i);
            }
            Action::Taint(node, taint) => {
                let i = self.node_index(node)?;
                add_taint(&mut self.nodes[i].object, taint.clone());
                self.notes.push(format!(
                    "kubectl taint nodes {node} {}: node/{node} tainted",
                    taints::kubectl_form(taint)
                ));
                self.refresh_node(i);
            }
            Action::Untaint(node, key, effect) => {
                let i = self.node_index(node)?;
                let removed = remove_taints(&mut self.nodes[i].object, |t| {
                    t.key == *key && effect.as_ref().is_none_or(|e| *e == t.effect)
                });
                self.notes.push(if removed {
                    format!("kubectl taint nodes {node} {key}-: node/{node} untainted")
                } else {
                    format!("kubectl taint nodes {node} {key}-: error: taint \"{key}\" not found")
                });
                self.refresh_node(i);
            }
            Action::NotReady(node) => {
                let i = self.node_index(node)?;
                self.node_down(i);
            }
            Action::Ready(node) => {
                let i = self.node_index(node)?;
                self.node_up(i);
            }
            Action::AddNode { name, like } => {
                if self.node_index(name).is_ok() {
                    return Err(format!(
                        "Error from server (AlreadyExists): nodes \"{name}\" already exists"
                    ));
                }
                let source = match like {
                    Some(like) => self.node_index(like)?,
                    None => *self
                        .order
                        .iter()
                        .find(|&&i| self.nodes[i].present)
                        .ok_or("there is no node to copy for add-node")?,
                };
                let mut object = self.nodes[source].object.clone();
                object.metadata.name = Some(name.clone());
                object.metadata.uid = None;
                if let Some(labels) = object.metadata.labels.as_mut() {
                    if labels.contains_key("kubernetes.io/hostname") {
                        labels.insert("kubernetes.io/hostname".into(), name.clone());
                    }
                }
                let copied = Arc::clone(&self.nodes[source].name);
                let i = self.add_node(object);
                self.notes.push(format!(
                    "node/{name} joined the cluster (a copy of {copied}'s labels, taints and capacity)"
                ));
                self.refresh_node(i);
            }
            Action::PodSecurity(enforced) => {
                self.settings.enforced.clone_from(enforced);
                self.refresh_admission();
                self.notes.push(match enforced {
                    Some(e) => format!(
                        "namespace {} relabelled: Pod Security Admission enforces \"{}:{}\" on the pods the controller creates",
                        e.namespace,
                        e.level.as_str(),
                        e.version
                    ),
                    None => "namespace relabelled: Pod Security Admission enforces nothing on the pods the controller creates".to_owned(),
                });
            }
            Action::RemoveNode(node) => {
                let i = self.node_index(node)?;
                self.nodes[i].present = false;
                self.dirty.insert(i);
                self.notes.push(format!(
                    "kubectl delete node {node}: node \"{node}\" deleted"
                ));
                let names: Vec<Arc<str>> = self.nodes[i]
                    .pods
                    .iter()
                    .map(|p| Arc::clone(&p.name))
                    .collect();
                for name in names {
                    self.delete_pod(
                        i,
                        &name,
                        "the node was deleted; the pod garbage collector deletes pods bound to a node that no longer exists",
                    );
                }
            }
        }
        Ok(())
    }

    /// The kubelet stops reporting: the node lifecycle controller sets Ready to Unknown,
    /// taints the node `unreachable` with both effects (`doNoScheduleTaintingPass` and the
    /// NoExecute pass of `node_lifecycle_controller.go`) and marks its pods not Ready.
    /// Daemon pods tolerate only the NoExecute taint, so the node keeps its pod but should
    /// not run a new one (`NodeShouldRunDaemonPod` gives false, true).
    fn node_down(&mut self, index: usize) {
        let node = &mut self.nodes[index];
        node.ready = false;
        set_ready_condition(&mut node.object, "Unknown");
        for effect in ["NoSchedule", "NoExecute"] {
            add_taint(
                &mut node.object,
                Taint {
                    key: "node.kubernetes.io/unreachable".into(),
                    value: None,
                    effect: effect.into(),
                    time_added: None,
                },
            );
        }
        let name = Arc::clone(&node.name);
        self.notes.push(format!(
            "node/{name} stopped reporting: Ready is Unknown, tainted node.kubernetes.io/unreachable:NoSchedule and :NoExecute (daemon pods tolerate only NoExecute: the pod stays, no new one is created)"
        ));
        let pods: Vec<Arc<str>> = node.pods.iter().map(|p| Arc::clone(&p.name)).collect();
        for pod in pods {
            let Some(p) = self.pod_mut(index, &pod) else {
                continue;
            };
            if p.problem.is_some() && p.ready_since.is_none() {
                continue;
            }
            p.ready_since = None;
            p.problem = Some(Arc::from(NODE_DOWN));
            let p = p.clone();
            self.emit(EventKind::Failed, index, &p, NODE_DOWN);
        }
        self.refresh_node(index);
    }

    /// The kubelet reports again: the taint goes, and the pods start over.
    fn node_up(&mut self, index: usize) {
        let node = &mut self.nodes[index];
        if node.ready {
            self.notes
                .push(format!("node/{} is already Ready", node.name));
            return;
        }
        node.ready = true;
        set_ready_condition(&mut node.object, "True");
        remove_taints(&mut node.object, |t| {
            t.key == "node.kubernetes.io/unreachable" || t.key == "node.kubernetes.io/not-ready"
        });
        self.notes
            .push(format!("node/{} is Ready again", node.name));
        let waiting: Vec<(Arc<str>, Arc<str>)> = node
            .pods
            .iter()
            .filter(|p| p.scheduled && p.problem.as_deref() == Some(NODE_DOWN))
            .map(|p| (Arc::clone(&p.name), Arc::clone(&p.revision)))
            .collect();
        for (pod, revision) in waiting {
            if let Some(p) = self.pod_mut(index, &pod) {
                p.problem = None;
            }
            self.start(index, &pod, &revision);
        }
        self.refresh_node(index);
    }

    /// The DaemonSet status as `updateDaemonSetStatus` counts it.
    pub fn status(&self) -> Status {
        let mut s = Status {
            observed_generation: self.observed,
            ..Status::default()
        };
        // A slice, as in `manage`: indexing it is no call.
        let nodes: &[EngineNode] = &self.nodes;
        for &i in &self.order {
            let node = &nodes[i];
            if !node.present {
                continue;
            }
            if node.verdict.decision.should_run {
                s.desired_number_scheduled += 1;
                if let Some(first) = node.pods.first() {
                    s.current_number_scheduled += 1;
                    if first.ready() {
                        s.number_ready += 1;
                        if first.available(self.min_ready, self.now) {
                            s.number_available += 1;
                        }
                    }
                    if first.revision == self.current {
                        s.updated_number_scheduled += 1;
                    }
                }
            } else if !node.pods.is_empty() {
                s.number_misscheduled += 1;
            }
        }
        s.number_unavailable = s.desired_number_scheduled - s.number_available;
        s
    }

    /// One controller sync: manage, the strategy's step, history cleanup, status. A
    /// refused create fails the sync (`updateDaemonSet` returns the error): what comes
    /// after it is left for the retry, and only the status is updated.
    fn sync(&mut self) {
        let mut refused = self.manage();
        if !refused && matches!(self.strategy, Strategy::RollingUpdate { .. }) {
            refused = self.rolling_update();
        }
        if refused {
            self.observed = self.generation;
            return;
        }
        let limit = i64::from(self.ds.spec.revision_history_limit.unwrap_or(10));
        // Only when there are more old revisions than the limit is there anything to
        // clean; the live hashes are collected then, not on every sync.
        if i64::try_from(self.history.len()).unwrap_or(i64::MAX) > limit.max(0) + 1 {
            let live: FxHashSet<Arc<str>> = self
                .nodes
                .iter()
                .flat_map(|n| n.pods.iter().map(|p| Arc::clone(&p.revision)))
                .collect();
            let current = Arc::clone(&self.current);
            self.history
                .cleanup(&current, limit, &|hash| live.contains(hash));
        }
        self.observed = self.generation;
    }
}

/// Why a pod on a node that stopped reporting is not Ready.
pub const NODE_DOWN: &str =
    "NodeNotReady: the node stopped reporting, so its pods are not Ready (the kubelet cannot start them)";

/// The controller's order of pods on a node: scheduled first, then oldest, then by name.
pub(super) fn sort_pods(pods: &mut [SimPod]) {
    crate::order::sort_by(pods, |a, b| {
        (!a.scheduled, a.created, &a.name).cmp(&(!b.scheduled, b.created, &b.name))
    });
}

/// The name `generateName` gives the `seed`-th pod of the DaemonSet `daemon_set`:
/// `NAME-xxxxx`, five characters of the alphabet Kubernetes generates names from, made up
/// deterministically.
pub fn generated_name(daemon_set: &str, seed: u64) -> String {
    let mut x = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(fnv64(daemon_set.as_bytes()));
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    let alphabet = super::history::SAFE_ALPHABET;
    let suffix: String = (0..5)
        .map(|i| {
            let digit = (x >> (i * 8)) % alphabet.len() as u64;
            char::from(alphabet[usize::try_from(digit).unwrap_or(0)])
        })
        .collect();
    format!("{daemon_set}-{suffix}")
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether a node's Ready condition is True (a node without conditions counts as Ready).
pub(super) fn node_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .is_none_or(|c| c.status == "True")
}

fn set_ready_condition(node: &mut Node, status: &str) {
    let conditions = node
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == "Ready") {
        Some(c) => c.status = status.to_owned(),
        None => conditions.push(NodeCondition {
            type_: "Ready".into(),
            status: status.to_owned(),
            ..NodeCondition::default()
        }),
    }
}

fn add_taint(node: &mut Node, taint: Taint) {
    let taints = node
        .spec
        .get_or_insert_with(Default::default)
        .taints
        .get_or_insert_with(Vec::new);
    taints.retain(|t| !(t.key == taint.key && t.effect == taint.effect));
    taints.push(taint);
}

fn remove_taints(node: &mut Node, matches: impl Fn(&Taint) -> bool) -> bool {
    let Some(taints) = node.spec.as_mut().and_then(|s| s.taints.as_mut()) else {
        return false;
    };
    let before = taints.len();
    taints.retain(|t| !matches(t));
    taints.len() != before
}

/// `kubectl cordon`/`uncordon`: `spec.unschedulable`, and the taint the node lifecycle
/// controller keeps in step with it.
fn cordon(node: &mut Node, on: bool) {
    node.spec.get_or_insert_with(Default::default).unschedulable = Some(on).filter(|&o| o);
    if on {
        add_taint(
            node,
            Taint {
                key: "node.kubernetes.io/unschedulable".into(),
                value: None,
                effect: "NoSchedule".into(),
                time_added: None,
            },
        );
    } else {
        remove_taints(node, |t| t.key == "node.kubernetes.io/unschedulable");
    }
}

/// `kubectl set image`: sets the image of the named containers and init containers
/// (`*`: all of them).
///
/// # Errors
/// kubectl's message when a name matches no container.
pub fn set_images(
    template: &mut PodTemplateSpec,
    pairs: &[(String, String)],
) -> Result<(), String> {
    let spec = template.spec.get_or_insert_with(Default::default);
    for (container, image) in pairs {
        let mut found = false;
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            if container == "*" || c.name == *container {
                c.image = Some(image.clone());
                found = true;
            }
        }
        if !found {
            return Err(format!(
                "error: unable to find container named \"{container}\""
            ));
        }
    }
    Ok(())
}
