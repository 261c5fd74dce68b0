//! Placement: for every DaemonSet and node, what the DaemonSet controller decides
//! (`shouldRun`, `shouldContinueRunning`, as `NodeShouldRunDaemonPod` computes them), what
//! the scheduler then does with the pod, and why, in Kubernetes' words.

pub mod fit;
pub mod label_selector;
pub mod report;
pub mod selector;
pub mod taints;

pub use report::{DaemonSetPlacement, NodePlacement, PlacementReport, PodOutcome, Reason};

use crate::lint::admission;
use crate::manifest::{self, Diagnostic, Manifests, Source};
use crate::parallel;
use fit::{HostPort, Resources, Scheduling};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, Toleration};
use rustc_hash::FxHashMap;
use selector::RequiredNodeSelection;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The controller's two answers for one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// A new daemon pod is created on the node if none is there.
    pub should_run: bool,
    /// A daemon pod already on the node may stay.
    pub should_continue_running: bool,
}

/// A DaemonSet prepared for evaluation against many nodes: its template's selection and
/// tolerations compiled once.
pub struct CompiledDaemonSet<'a> {
    ds: &'a DaemonSet,
    spec: Option<&'a PodSpec>,
    selection: RequiredNodeSelection,
    tolerations: Vec<Toleration>,
    requests: Resources,
    ports: Vec<HostPort>,
}

impl<'a> CompiledDaemonSet<'a> {
    /// Compiles the template of `ds`.
    pub fn new(ds: &'a DaemonSet) -> Self {
        let spec = ds.spec.template.spec.as_ref();
        let empty = PodSpec::default();
        let pod_spec = spec.unwrap_or(&empty);
        Self {
            ds,
            spec,
            selection: RequiredNodeSelection::new(pod_spec),
            tolerations: taints::daemon_pod_tolerations(pod_spec),
            requests: fit::pod_requests(pod_spec),
            ports: fit::host_ports(pod_spec),
        }
    }

    /// `NodeShouldRunDaemonPod`: the decision for `node`, and the reasons behind a no.
    pub fn evaluate(&self, node: &Node) -> (Decision, Vec<Reason>) {
        self.evaluate_facts(&NodeFacts::new(node), &mut ReasonCache::default())
    }

    /// [`Self::evaluate`] over facts read from the node beforehand, sharing the text of
    /// reasons that repeat from node to node through `cache`.
    pub fn evaluate_facts<'r>(
        &'r self,
        facts: &'r NodeFacts<'r>,
        cache: &mut ReasonCache<'r>,
    ) -> (Decision, Vec<Reason>) {
        let node = facts.node;
        let name = facts.name;
        let no = Decision {
            should_run: false,
            should_continue_running: false,
        };
        let wanted_name = self.spec.and_then(|s| s.node_name.as_deref()).unwrap_or("");
        if !wanted_name.is_empty() && wanted_name != name {
            return (
                no,
                vec![Reason::new(
                    "NodeNameMismatch",
                    format!(
                        "node(s) didn't match the requested node name: spec.template.spec.nodeName is {wanted_name:?}"
                    ),
                )],
            );
        }
        let labels = node.metadata.labels.as_ref().unwrap_or(&NO_LABELS);
        if let Err(why) = self.selection.check(name, labels) {
            let message = cache
                .mismatches
                .entry(why)
                .or_insert_with_key(|why| {
                    Arc::from(format!(
                        "node(s) didn't match Pod's node affinity/selector: {why}"
                    ))
                })
                .clone();
            return (no, vec![Reason::shared("NodeAffinityMismatch", message)]);
        }
        let node_taints = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_deref())
            .unwrap_or_default();
        let mut reasons = Vec::new();
        let mut blocked = false;
        let mut evicted = false;
        for taint in node_taints {
            let effect = taint.effect.as_str();
            if effect != "NoSchedule" && effect != "NoExecute" {
                continue;
            }
            if taints::tolerated_by_any(&self.tolerations, taint) {
                continue;
            }
            blocked = true;
            let consequence = if effect == "NoExecute" {
                evicted = true;
                "NoExecute: no new daemon pod, and one already on the node is evicted"
            } else {
                "NoSchedule: no new daemon pod, but one already on the node may stay"
            };
            let message = cache
                .taints
                .entry((&taint.key, taint.value.as_deref(), effect))
                .or_insert_with(|| {
                    Arc::from(format!(
                        "node(s) had untolerated taint {} ({consequence})",
                        taints::describe(taint)
                    ))
                })
                .clone();
            reasons.push(Reason::shared("UntoleratedTaint", message));
        }
        let decision = Decision {
            should_run: !blocked,
            should_continue_running: !evicted,
        };
        if decision.should_run {
            reasons.extend(facts.notes.iter().cloned());
        }
        (decision, reasons)
    }

    /// Whether `pod` belongs to this DaemonSet, as the controller's `ClaimPods` decides:
    /// a pod whose controller reference is this DaemonSet is kept while it matches the
    /// selector (and released otherwise); an orphan in the namespace that matches the
    /// selector is adopted; a pod controlled by anything else is not ours.
    pub fn owns(&self, pod: &Pod) -> bool {
        if pod.metadata.namespace.as_deref().unwrap_or("default") != namespace(self.ds) {
            return false;
        }
        let selector = &self.ds.spec.selector;
        let empty = BTreeMap::new();
        let labels = pod.metadata.labels.as_ref().unwrap_or(&empty);
        let matches = !is_empty_selector(selector) && label_selector::matches(selector, labels);
        let controller = pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true));
        match controller {
            Some(owner) => self.is_controller_ref(owner) && matches,
            None => matches && pod.metadata.deletion_timestamp.is_none(),
        }
    }

    fn is_controller_ref(
        &self,
        owner: &k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference,
    ) -> bool {
        if owner.kind != "DaemonSet" {
            return false;
        }
        match self.ds.metadata.uid.as_deref() {
            Some(uid) if !uid.is_empty() && !owner.uid.is_empty() => owner.uid == uid,
            _ => Some(owner.name.as_str()) == self.ds.metadata.name.as_deref(),
        }
    }
}

fn is_empty_selector(s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> bool {
    s.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
        && s.match_expressions.as_ref().is_none_or(Vec::is_empty)
}

/// The labels of a node that has none.
static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// Reason texts already written for one DaemonSet, shared by every node they apply to
/// (thousands of nodes often fail the same way).
#[derive(Default)]
pub struct ReasonCache<'a> {
    mismatches: FxHashMap<selector::Mismatch<'a>, Arc<str>>,
    taints: FxHashMap<(&'a str, Option<&'a str>, &'a str), Arc<str>>,
}

/// What placement reads from a node, read once and shared by every DaemonSet.
pub struct NodeFacts<'a> {
    /// The node.
    pub node: &'a Node,
    /// Its name.
    pub name: &'a str,
    /// Its name, shared by every report line about it.
    pub shared_name: Arc<str>,
    /// Its allocatable resources, if it lists any.
    pub allocatable: Option<fit::Allocatable>,
    /// Notes that explain a surprising yes (cordoned, not ready).
    pub notes: Vec<Reason>,
}

impl<'a> NodeFacts<'a> {
    /// Reads the facts of `node`.
    pub fn new(node: &'a Node) -> Self {
        Self {
            node,
            name: node.metadata.name.as_deref().unwrap_or(""),
            shared_name: Arc::from(node.metadata.name.as_deref().unwrap_or("")),
            allocatable: fit::Allocatable::of(node),
            notes: notes(node),
        }
    }
}

/// Facts about a node that explain a surprising yes.
fn notes(node: &Node) -> Vec<Reason> {
    let mut notes = Vec::new();
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        notes.push(Reason::new(
            "Cordoned",
            "the node is cordoned (spec.unschedulable), but daemon pods tolerate node.kubernetes.io/unschedulable:NoSchedule, so the DaemonSet still runs a pod here",
        ));
    }
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"));
    if let Some(ready) = ready.filter(|r| r.status != "True") {
        notes.push(Reason::new(
            "NodeNotReady",
            format!(
                "the node's Ready condition is {}; the controller goes by taints, not conditions, and daemon pods tolerate the not-ready and unreachable NoExecute taints",
                ready.status
            ),
        ));
    }
    notes
}

/// The namespace of an object, `default` when unset.
pub fn namespace(ds: &DaemonSet) -> &str {
    ds.metadata
        .namespace
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or("default")
}

/// Which DaemonSets to report on.
#[derive(Debug, Clone, Default)]
pub struct PlaceOptions {
    /// Only this DaemonSet: `NAME` or `NAMESPACE/NAME`.
    pub daemon_set: Option<String>,
}

/// Why placement could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceError {
    /// The input has problems; each says where.
    Input(Vec<Diagnostic>),
}

/// Reads sources and computes placement for every DaemonSet in them.
///
/// # Errors
/// Input errors (syntax, types, validation), no DaemonSet in the input, or a
/// `--daemonset` that names none of them.
pub fn place_sources(
    sources: &[Source<'_>],
    options: &PlaceOptions,
) -> Result<PlacementReport, PlaceError> {
    let manifests = manifest::read_for_placement(sources).map_err(PlaceError::Input)?;
    let files: Vec<&str> = sources.iter().map(|s| s.name).collect();
    place(&manifests, options, &files)
}

/// Computes placement for the DaemonSets of `manifests` over its nodes.
///
/// # Errors
/// When there is no DaemonSet, or `options.daemon_set` names none of them.
pub fn place(
    manifests: &Manifests,
    options: &PlaceOptions,
    files: &[&str],
) -> Result<PlacementReport, PlaceError> {
    let file = files.join(", ");
    if manifests.daemon_sets.is_empty() {
        return Err(PlaceError::Input(vec![Diagnostic::file(
            &file,
            "no DaemonSet found in the input (expected a document with apiVersion: apps/v1 and kind: DaemonSet)",
        )]));
    }
    let selected: Vec<&DaemonSet> = manifests
        .daemon_sets
        .iter()
        .map(|l| &l.object)
        .filter(|ds| match &options.daemon_set {
            None => true,
            Some(wanted) => {
                let name = ds.metadata.name.as_deref().unwrap_or("");
                match wanted.split_once('/') {
                    Some((ns, n)) => ns == namespace(ds) && n == name,
                    None => wanted == name,
                }
            }
        })
        .collect();
    if selected.is_empty() {
        let wanted = options.daemon_set.as_deref().unwrap_or("");
        return Err(PlaceError::Input(vec![Diagnostic::file(
            &file,
            format!("daemonsets.apps \"{wanted}\" not found"),
        )]));
    }
    let selected_names: Vec<(String, String)> = selected.iter().map(|ds| ds_key(ds)).collect();
    let nodes: Vec<NodeFacts<'_>> =
        parallel::map(&manifests.nodes, 1000, |l| NodeFacts::new(&l.object));
    let pods_by_node = pods_by_node(manifests);
    let priorities = Priorities::new(manifests);
    let daemon_sets = parallel::map(&selected, 2, |ds| {
        place_one(ds, &nodes, &pods_by_node, &priorities)
    });
    let mut warnings = manifests.warnings.clone();
    if manifests.nodes.is_empty() {
        warnings.push(Diagnostic::file(
            &file,
            "no Node objects in the input, so no node gets a daemon pod; add Nodes or a `kubectl get nodes -o yaml` dump",
        ));
    }
    for ds in manifests
        .daemon_sets
        .iter()
        .filter(|l| selected_names.contains(&ds_key(&l.object)))
    {
        let class = ds
            .object
            .spec
            .template
            .spec
            .as_ref()
            .and_then(|s| s.priority_class_name.as_deref());
        if let Some(class) = class.filter(|c| !c.is_empty() && !priorities.knows(c)) {
            warnings.push(Diagnostic {
                file: ds.file.to_string(),
                line: None,
                column: None,
                path: "spec.template.spec.priorityClassName".to_owned(),
                message: format!(
                    "no PriorityClass with name {class} was found in the input (the API server would refuse to create the pods); assuming priority 0"
                ),
            });
        }
        let refusal = admission::enforced(manifests, namespace(&ds.object))
            .and_then(|enforced| enforced.refuses(&ds.object.spec.template));
        if let Some(refusal) = refusal {
            warnings.push(Diagnostic {
                file: ds.file.to_string(),
                line: None,
                column: None,
                path: format!("spec.template.{}", refusal.path),
                message: format!(
                    "{}: the API server accepts daemonset {}/{} but refuses every pod the controller creates, so none of the nodes that should run one gets it (FailedCreate: {})",
                    refusal.cause(),
                    refusal.enforced.namespace,
                    ds.object.metadata.name.as_deref().unwrap_or(""),
                    refusal.violates
                ),
            });
        }
    }
    Ok(PlacementReport {
        daemon_sets,
        warnings,
    })
}

fn ds_key(ds: &DaemonSet) -> (String, String) {
    (
        namespace(ds).to_owned(),
        ds.metadata.name.clone().unwrap_or_default(),
    )
}

/// Pod priorities: the built-in system classes, the PriorityClasses in the input, and
/// the global default, as the Priority admission plugin resolves them.
struct Priorities {
    classes: HashMap<String, fit::Priority>,
    default: fit::Priority,
}

impl Priorities {
    fn new(manifests: &Manifests) -> Self {
        let preempting = |value| fit::Priority {
            value,
            may_preempt: true,
        };
        let mut classes = HashMap::from([
            ("system-node-critical".to_owned(), preempting(2_000_001_000)),
            (
                "system-cluster-critical".to_owned(),
                preempting(2_000_000_000),
            ),
        ]);
        let mut default = preempting(0);
        for pc in manifests.priority_classes.iter().map(|l| &l.object) {
            let priority = fit::Priority {
                value: pc.value.unwrap_or(0),
                may_preempt: pc.preemption_policy.as_deref() != Some("Never"),
            };
            if pc.global_default == Some(true) {
                default = priority;
            }
            if let Some(name) = &pc.metadata.name {
                classes.insert(name.clone(), priority);
            }
        }
        Self { classes, default }
    }

    fn knows(&self, class: &str) -> bool {
        self.classes.contains_key(class)
    }

    fn of_template(&self, spec: &PodSpec) -> fit::Priority {
        let class = spec
            .priority_class_name
            .as_deref()
            .filter(|c| !c.is_empty());
        let mut priority = match class {
            Some(c) => self.classes.get(c).copied().unwrap_or(fit::Priority {
                value: 0,
                may_preempt: true,
            }),
            None => self.default,
        };
        if let Some(value) = spec.priority {
            priority.value = value;
        }
        if let Some(policy) = spec.preemption_policy.as_deref() {
            priority.may_preempt = policy != "Never";
        }
        priority
    }

    fn of_pod(&self, spec: &PodSpec) -> i32 {
        self.of_template(spec).value
    }
}

/// Pods bound to each node that still hold resources (not Succeeded or Failed).
fn pods_by_node(manifests: &Manifests) -> HashMap<&str, Vec<&Pod>> {
    let mut map: HashMap<&str, Vec<&Pod>> = HashMap::new();
    for pod in manifests.pods.iter().map(|l| &l.object) {
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("");
        if phase == "Succeeded" || phase == "Failed" {
            continue;
        }
        if let Some(node) = pod.spec.as_ref().and_then(target_node_name) {
            map.entry(node).or_default().push(pod);
        }
    }
    map
}

/// The node a pod is on or is meant for, as `util.GetTargetNodeName` finds it:
/// `spec.nodeName`, or for a daemon pod not yet scheduled, the single node its required
/// node affinity names through `matchFields` `metadata.name In [node]`.
pub fn target_node_name(spec: &PodSpec) -> Option<&str> {
    if let Some(name) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        return Some(name);
    }
    let terms = &spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    terms.iter().find_map(|term| {
        term.match_fields.iter().flatten().find_map(|f| {
            match (f.key.as_str(), f.operator.as_str(), f.values.as_deref()) {
                ("metadata.name", "In", Some([one])) => Some(one.as_str()),
                _ => None,
            }
        })
    })
}

/// What a new daemon pod of one DaemonSet meets on one node: the controller's decision
/// and, when it wants a pod there, whether the scheduler binds it.
#[derive(Debug, Clone)]
pub struct NodeVerdict {
    /// `shouldRun` and `shouldContinueRunning`.
    pub decision: Decision,
    /// The scheduler's `FailedScheduling` message when a new pod would stay Pending.
    pub unschedulable: Option<String>,
    /// Why not, or notes on a surprising yes, in Kubernetes' words.
    pub reasons: Vec<Reason>,
}

/// Evaluates DaemonSets node by node for a pod not yet on the node, counting the other
/// pods of the input that use the node's resources; what a rollout needs when templates
/// and nodes change under it.
pub struct Evaluator<'m> {
    others_by_node: HashMap<&'m str, Vec<&'m Pod>>,
    priorities: Priorities,
}

impl<'m> Evaluator<'m> {
    /// Prepares the pods and priority classes of `manifests`.
    pub fn new(manifests: &'m Manifests) -> Self {
        Self {
            others_by_node: pods_by_node(manifests),
            priorities: Priorities::new(manifests),
        }
    }

    /// Forgets the pods on `node` other than daemon pods, as `kubectl drain
    /// --ignore-daemonsets` evicts them.
    pub fn evict_others(&mut self, node: &str, compiled: &CompiledDaemonSet<'_>) {
        if let Some(pods) = self.others_by_node.get_mut(node) {
            pods.retain(|p| compiled.owns(p) || is_daemon_pod(p));
        }
    }

    /// Forgets one pod on `node` (deleted or evicted), so its requests and host ports no
    /// longer count.
    pub fn forget_pod(&mut self, node: &str, namespace: &str, name: &str) {
        if let Some(pods) = self.others_by_node.get_mut(node) {
            pods.retain(|p| {
                p.metadata.namespace.as_deref().unwrap_or("default") != namespace
                    || p.metadata.name.as_deref() != Some(name)
            });
        }
    }

    /// The verdict for a new pod of `compiled` on `node`, among `total_nodes` nodes.
    pub fn verdict(
        &self,
        compiled: &CompiledDaemonSet<'_>,
        node: &Node,
        total_nodes: usize,
    ) -> NodeVerdict {
        let facts = NodeFacts::new(node);
        let mut cache = ReasonCache::default();
        let (decision, reasons) = compiled.evaluate_facts(&facts, &mut cache);
        let mut verdict = NodeVerdict {
            decision,
            unschedulable: None,
            reasons,
        };
        if !decision.should_run {
            return verdict;
        }
        let on_node = self
            .others_by_node
            .get(facts.name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let others: Vec<fit::OtherPod<'_>> = on_node
            .iter()
            .filter(|p| !compiled.owns(p))
            .filter_map(|p| other_pod(p, &self.priorities))
            .collect();
        let priority = compiled.spec.map_or(
            fit::Priority {
                value: 0,
                may_preempt: true,
            },
            |spec| self.priorities.of_template(spec),
        );
        if let Scheduling::Unschedulable { message, .. } = fit::schedule(
            facts.allocatable.as_ref(),
            &others,
            &compiled.requests,
            &compiled.ports,
            priority,
            total_nodes,
        ) {
            verdict.unschedulable = Some(message);
        }
        verdict
    }
}

/// Whether a pod is controlled by some DaemonSet (drain leaves those alone).
fn is_daemon_pod(pod: &Pod) -> bool {
    pod.metadata
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.controller == Some(true) && o.kind == "DaemonSet")
}

fn other_pod<'p>(pod: &'p Pod, priorities: &Priorities) -> Option<fit::OtherPod<'p>> {
    Some(fit::OtherPod {
        name: format!(
            "{}/{}",
            pod.metadata.namespace.as_deref().unwrap_or("default"),
            pod.metadata.name.as_deref().unwrap_or("")
        ),
        priority: priorities.of_pod(pod.spec.as_ref()?),
        spec: pod.spec.as_ref()?,
    })
}

fn place_one(
    ds: &DaemonSet,
    nodes: &[NodeFacts<'_>],
    pods_by_node: &HashMap<&str, Vec<&Pod>>,
    priorities: &Priorities,
) -> DaemonSetPlacement {
    let compiled = CompiledDaemonSet::new(ds);
    let priority = compiled.spec.map_or(
        fit::Priority {
            value: 0,
            may_preempt: true,
        },
        |spec| priorities.of_template(spec),
    );
    let mut desired = 0;
    let mut cache = ReasonCache::default();
    let placements = nodes
        .iter()
        .map(|facts| {
            let name = facts.name;
            let (decision, mut reasons) = compiled.evaluate_facts(facts, &mut cache);
            if decision.should_run {
                desired += 1;
            }
            let on_node = pods_by_node
                .get(name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let (own, others): (Vec<&Pod>, Vec<&Pod>) =
                on_node.iter().partition(|p| compiled.owns(p));
            let existing = own.first();
            let pod = match (
                decision.should_run,
                decision.should_continue_running,
                existing,
            ) {
                (_, true, Some(existing)) => existing_outcome(existing),
                (false, _, None) => PodOutcome::None,
                (false, false, Some(existing)) => {
                    reasons.push(Reason::new(
                        "DaemonPodDeleted",
                        format!(
                            "the daemon pod {} on this node is deleted by the controller",
                            existing.metadata.name.as_deref().unwrap_or("")
                        ),
                    ));
                    PodOutcome::None
                }
                (true, _, None) => {
                    let others: Vec<fit::OtherPod<'_>> = others
                        .iter()
                        .filter_map(|p| other_pod(p, priorities))
                        .collect();
                    match fit::schedule(facts.allocatable.as_ref(), &others, &compiled.requests, &compiled.ports, priority, nodes.len()) {
                        Scheduling::Fits => PodOutcome::Running,
                        Scheduling::Preempts(victims) => {
                            reasons.push(Reason::new(
                                "Preemption",
                                format!(
                                    "the pod does not fit until the scheduler preempts lower-priority pod(s): {}",
                                    victims.join(", ")
                                ),
                            ));
                            PodOutcome::Running
                        }
                        Scheduling::Unschedulable { misfits, message } => {
                            reasons.push(Reason::new("Unschedulable", message));
                            for misfit in misfits {
                                reasons.push(Reason::new("Unschedulable", misfit.detail));
                            }
                            PodOutcome::Pending
                        }
                    }
                }
                (true, false, Some(_)) => PodOutcome::None,
            };
            NodePlacement {
                node: Arc::clone(&facts.shared_name),
                should_run: decision.should_run,
                should_continue_running: decision.should_continue_running,
                pod,
                reasons,
            }
        })
        .collect();
    DaemonSetPlacement {
        namespace: namespace(ds).to_owned(),
        name: ds.metadata.name.clone().unwrap_or_default(),
        desired_number_scheduled: desired,
        nodes: placements,
    }
}

fn existing_outcome(pod: &Pod) -> PodOutcome {
    match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Pending") => PodOutcome::Pending,
        _ => PodOutcome::Running,
    }
}
