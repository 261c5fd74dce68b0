//! Placement: for every DaemonSet and node, what the DaemonSet controller decides
//! (`shouldRun`, `shouldContinueRunning`, as `NodeShouldRunDaemonPod` computes them), what
//! the scheduler then does with the pod, and why, in Kubernetes' words.

pub mod fit;
pub mod label_selector;
pub mod report;
pub mod selector;
pub mod taints;

pub use report::{DaemonSetPlacement, NodePlacement, PlacementReport, PodOutcome, Reason};

use crate::manifest::{self, Diagnostic, Manifests, Source};
use fit::{HostPort, NodeUsage, Resources};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, Toleration};
use selector::RequiredNodeSelection;
use std::collections::{BTreeMap, HashMap};

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
        let name = node.metadata.name.as_deref().unwrap_or("");
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
        let empty = BTreeMap::new();
        let labels = node.metadata.labels.as_ref().unwrap_or(&empty);
        if let Err(why) = self.selection.check(name, labels) {
            return (
                no,
                vec![Reason::new(
                    "NodeAffinityMismatch",
                    format!("node(s) didn't match Pod's node affinity/selector: {why}"),
                )],
            );
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
            reasons.push(Reason::new(
                "UntoleratedTaint",
                format!(
                    "node(s) had untolerated taint {} ({consequence})",
                    taints::describe(taint)
                ),
            ));
        }
        let decision = Decision {
            should_run: !blocked,
            should_continue_running: !evicted,
        };
        if decision.should_run {
            reasons.extend(notes(node));
        }
        (decision, reasons)
    }

    /// Whether `pod` belongs to this DaemonSet: owned by it, or (unowned) in its namespace
    /// and matching its selector, as the controller would adopt it.
    pub fn owns(&self, pod: &Pod) -> bool {
        let ds_name = self.ds.metadata.name.as_deref().unwrap_or("");
        if pod.metadata.namespace.as_deref().unwrap_or("default") != namespace(self.ds) {
            return false;
        }
        if let Some(owners) = &pod.metadata.owner_references {
            if let Some(controller) = owners.iter().find(|o| o.controller == Some(true)) {
                return controller.kind == "DaemonSet" && controller.name == ds_name;
            }
        }
        let empty = BTreeMap::new();
        let labels = pod.metadata.labels.as_ref().unwrap_or(&empty);
        let selector = &self.ds.spec.selector;
        !is_empty_selector(selector) && label_selector::matches(selector, labels)
    }
}

fn is_empty_selector(s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> bool {
    s.match_labels.as_ref().is_none_or(BTreeMap::is_empty)
        && s.match_expressions.as_ref().is_none_or(Vec::is_empty)
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
    let manifests = manifest::read(sources).map_err(PlaceError::Input)?;
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
    let nodes: Vec<&Node> = manifests.nodes.iter().map(|l| &l.object).collect();
    let pods_by_node = pods_by_node(manifests);
    let daemon_sets = selected
        .into_iter()
        .map(|ds| place_one(ds, &nodes, &pods_by_node))
        .collect();
    Ok(PlacementReport {
        daemon_sets,
        warnings: manifests.warnings.clone(),
    })
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
        if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            map.entry(node).or_default().push(pod);
        }
    }
    map
}

fn place_one(
    ds: &DaemonSet,
    nodes: &[&Node],
    pods_by_node: &HashMap<&str, Vec<&Pod>>,
) -> DaemonSetPlacement {
    let compiled = CompiledDaemonSet::new(ds);
    let mut desired = 0;
    let placements = nodes
        .iter()
        .map(|node| {
            let name = node.metadata.name.as_deref().unwrap_or("");
            let (decision, mut reasons) = compiled.evaluate(node);
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
                    let mut usage = NodeUsage::default();
                    for other in &others {
                        if let Some(spec) = &other.spec {
                            usage.add_pod(spec);
                        }
                    }
                    let misfits = fit::check_fit(node, &usage, &compiled.requests, &compiled.ports);
                    if misfits.is_empty() {
                        PodOutcome::Running
                    } else {
                        reasons.push(Reason::new(
                            "Unschedulable",
                            fit::fit_error_message(nodes.len(), &misfits),
                        ));
                        for misfit in misfits {
                            reasons.push(Reason::new("Unschedulable", misfit.detail));
                        }
                        PodOutcome::Pending
                    }
                }
                (true, false, Some(_)) => PodOutcome::None,
            };
            NodePlacement {
                node: name.to_owned(),
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
