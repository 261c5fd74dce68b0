//! The lessons' task checks. Each reads the learner's state, asks the simulator (placement,
//! the lint, the finished rollout) and says what is still missing in Kubernetes' words.

use super::{LessonState, TaskResult, CLUSTER, CLUSTER_FILE, DAEMON_SET_FILE};
use crate::kubectl::describe::qos_class;
use crate::lint::pod_security::Control;
use crate::lint::{self, Level, Severity};
use crate::manifest::{self, Diagnostic, Manifests, Source};
use crate::placement::{
    self, DaemonSetPlacement, NodePlacement, PlaceError, PlaceOptions, PodOutcome,
};
use crate::quantity::milli_value;
use crate::rollout::budget::Strategy;
use crate::rollout::history::{template_data, template_hash};
use crate::rollout::report::format_seconds;
use crate::rollout::{set_images, Outcome, Rollout, Status};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, PodSpec};
use std::borrow::Cow;
use std::collections::HashSet;

/// The files the two texts are read as.
const FILES: [&str; 2] = [DAEMON_SET_FILE, CLUSTER_FILE];

/// The most diagnostics quoted when the texts do not read.
const MAX_QUOTED: usize = 3;

/// The learner's DaemonSet and cluster, read and placed.
struct View<'s> {
    manifests: Cow<'s, Manifests>,
    /// The first DaemonSet of the texts.
    ds: DaemonSet,
    /// Its placement over the nodes.
    placement: DaemonSetPlacement,
}

impl View<'_> {
    /// `namespace/name` of the DaemonSet.
    fn key(&self) -> String {
        format!("{}/{}", self.placement.namespace, self.placement.name)
    }

    /// The nodes with a running (or bindable) daemon pod.
    fn running(&self) -> Vec<&NodePlacement> {
        self.placement
            .nodes
            .iter()
            .filter(|n| n.pod == PodOutcome::Running)
            .collect()
    }

    /// Nodes that should run the pod but whose pod the scheduler cannot bind.
    fn not_running_where_wanted(&self) -> Vec<&NodePlacement> {
        self.placement
            .nodes
            .iter()
            .filter(|n| n.should_run && n.pod != PodOutcome::Running)
            .collect()
    }

    /// The placement of the node named `name`.
    fn node(&self, name: &str) -> Option<&NodePlacement> {
        self.placement.nodes.iter().find(|n| &*n.node == name)
    }
}

/// Reads the state (unless already read) and places its first DaemonSet; when that is
/// not possible, the task result saying why.
fn view<'s>(state: &LessonState<'s>) -> Result<View<'s>, TaskResult> {
    let manifests = match state.manifests {
        Some(m) => Cow::Borrowed(m),
        None => Cow::Owned(
            manifest::read(&[
                Source {
                    name: DAEMON_SET_FILE,
                    text: state.daemon_set,
                },
                Source {
                    name: CLUSTER_FILE,
                    text: state.cluster,
                },
            ])
            .map_err(|errors| unreadable(&errors))?,
        ),
    };
    let Some(ds) = manifests.daemon_sets.first().map(|l| l.object.clone()) else {
        return Err(TaskResult::missing(
            "there is no DaemonSet in the DaemonSet editor (a document with apiVersion: apps/v1 and kind: DaemonSet)",
        ));
    };
    let options = PlaceOptions {
        daemon_set: Some(format!(
            "{}/{}",
            placement::namespace(&ds),
            ds.metadata.name.as_deref().unwrap_or("")
        )),
    };
    let report = placement::place(&manifests, &options, &FILES)
        .map_err(|PlaceError::Input(errors)| unreadable(&errors))?;
    let Some(placement) = report.daemon_sets.into_iter().next() else {
        return Err(TaskResult::missing(
            "there is no DaemonSet in the DaemonSet editor",
        ));
    };
    if manifests.nodes.is_empty() {
        return Err(TaskResult::missing(
            "the cluster has no Node, so no node gets a daemon pod: load the sample cluster",
        ));
    }
    Ok(View {
        manifests,
        ds,
        placement,
    })
}

/// The task result for texts that do not read, quoting the first errors.
fn unreadable(errors: &[Diagnostic]) -> TaskResult {
    let mut lines = vec!["the texts cannot be used yet:".to_owned()];
    lines.extend(errors.iter().take(MAX_QUOTED).map(ToString::to_string));
    if errors.len() > MAX_QUOTED {
        lines.push(format!("and {} more", errors.len() - MAX_QUOTED));
    }
    TaskResult::missing(lines.join("\n"))
}

/// `NODE: reason; reason`, or what the pod does when there is no reason.
fn why(node: &NodePlacement) -> String {
    let reasons: Vec<&str> = node.reasons.iter().map(|r| &*r.message).collect();
    if reasons.is_empty() {
        format!("{}: pod {}", node.node, node.pod.as_str())
    } else {
        format!("{}: {}", node.node, reasons.join("; "))
    }
}

/// Node names, comma-separated.
fn names<'n>(nodes: impl IntoIterator<Item = &'n NodePlacement>) -> String {
    nodes
        .into_iter()
        .map(|n| &*n.node)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The placements of the `wanted` nodes: done when each runs the pod.
fn each_runs(view: &View<'_>, wanted: &[&Node], what: &str) -> TaskResult {
    let placed: Vec<&NodePlacement> = wanted
        .iter()
        .filter_map(|n| view.node(n.metadata.name.as_deref().unwrap_or("")))
        .collect();
    let missing: Vec<String> = placed
        .iter()
        .filter(|n| n.pod != PodOutcome::Running)
        .map(|n| why(n))
        .collect();
    if missing.is_empty() {
        TaskResult::done(format!(
            "{} runs a pod on the {what}: {}",
            view.key(),
            names(placed)
        ))
    } else {
        TaskResult::missing(format!(
            "no running pod of {} on the {what} yet:\n{}",
            view.key(),
            missing.join("\n")
        ))
    }
}

/// The DaemonSet runs somewhere, and on every node that should run it.
fn runs_where_wanted(view: &View<'_>) -> Result<(), TaskResult> {
    if view.placement.desired_number_scheduled == 0 {
        let sample: Vec<String> = view.placement.nodes.iter().take(3).map(why).collect();
        return Err(TaskResult::missing(format!(
            "no node should run a pod of {} (desired 0):\n{}",
            view.key(),
            sample.join("\n")
        )));
    }
    let stuck = view.not_running_where_wanted();
    if !stuck.is_empty() {
        let lines: Vec<String> = stuck.iter().map(|n| why(n)).collect();
        return Err(TaskResult::missing(format!(
            "the scheduler cannot bind the pod of {} on {} node(s) that should run it:\n{}",
            view.key(),
            stuck.len(),
            lines.join("\n")
        )));
    }
    Ok(())
}

/// The lint of the view's DaemonSet: its Pod Security level and findings.
fn linted(view: &View<'_>) -> Option<lint::LintedObject> {
    lint::lint(&view.manifests, &FILES)
        .objects
        .into_iter()
        .find(|o| {
            o.kind == "DaemonSet"
                && o.namespace == view.placement.namespace
                && o.name == view.placement.name
        })
}

/// Whether `node` carries the `node-role.kubernetes.io/control-plane` (or the older
/// `master`) role label.
fn is_control_plane(node: &Node) -> bool {
    node.metadata.labels.as_ref().is_some_and(|l| {
        l.contains_key("node-role.kubernetes.io/control-plane")
            || l.contains_key("node-role.kubernetes.io/master")
    })
}

/// Whether `node` is a GPU node: labelled `nvidia.com/gpu.present=true` or tainted
/// `nvidia.com/gpu`.
fn is_gpu(node: &Node) -> bool {
    let labelled = node
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("nvidia.com/gpu.present"))
        .is_some_and(|v| v == "true");
    labelled || taints(node).iter().any(|t| t.key == "nvidia.com/gpu")
}

fn taints(node: &Node) -> &[k8s_openapi::api::core::v1::Taint] {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default()
}

// ---- The update the learner ran ----

/// The finished rollout, when it is one of the view's DaemonSet with its current update
/// strategy (a rollout run before the text changed does not count).
fn rollout_of<'r>(
    state: &LessonState<'r>,
    view: &View<'_>,
    start: &str,
) -> Result<&'r Rollout, TaskResult> {
    let Some(rollout) = state.rollout else {
        return Err(TaskResult::missing(format!(
            "no update has been followed to its end yet: {start}, then step or play the rollout to its last step"
        )));
    };
    if rollout.daemon_set != view.key() {
        return Err(TaskResult::missing(format!(
            "the rollout shown is of {}, not of {}: start the update again",
            rollout.daemon_set,
            view.key()
        )));
    }
    let strategy = Strategy::of(&view.ds).describe();
    if rollout.strategy != strategy {
        return Err(TaskResult::missing(format!(
            "the rollout shown ran with {}, but the DaemonSet now says {strategy}: start the update again",
            rollout.strategy
        )));
    }
    Ok(rollout)
}

/// The finished rollout of `container=image` on the view's DaemonSet as it is now.
fn rollout_to<'r>(
    state: &LessonState<'r>,
    view: &View<'_>,
    container: &str,
    image: &str,
) -> Result<&'r Rollout, TaskResult> {
    let set = format!(
        "kubectl set image daemonset/{} {container}={image}",
        view.placement.name
    );
    let rollout = rollout_of(state, view, &format!("run `{set}`"))?;
    let mut target = view.ds.spec.template.clone();
    set_images(&mut target, &[(container.to_owned(), image.to_owned())]).map_err(|e| {
        TaskResult::missing(format!("{} has no container to update: {e}", view.key()))
    })?;
    let collision = view.ds.status.as_ref().and_then(|s| s.collision_count);
    let expected = template_hash(&template_data(&target), collision);
    if rollout.revisions.from == rollout.revisions.to {
        return Err(TaskResult::missing(format!(
            "the update changed nothing (revision {} stays): the pod template already says {image}; start from the older image and run `{set}`",
            rollout.revisions.to
        )));
    }
    if *rollout.revisions.to != *expected {
        return Err(TaskResult::missing(format!(
            "the rollout went to revision {}, which is not the template with {container}={image} (revision {expected}): run `{set}`",
            rollout.revisions.to
        )));
    }
    Ok(rollout)
}

/// The status after the rollout's last step.
fn final_status(rollout: &Rollout) -> Status {
    rollout
        .steps
        .last()
        .map_or(rollout.initial_status, |s| s.status)
}

/// `DESIRED d, CURRENT c, READY r, UP-TO-DATE u, AVAILABLE a`, as `kubectl get ds` has them.
fn counters(s: &Status) -> String {
    format!(
        "DESIRED {}, CURRENT {}, READY {}, UP-TO-DATE {}, AVAILABLE {}",
        s.desired_number_scheduled,
        s.current_number_scheduled,
        s.number_ready,
        s.updated_number_scheduled,
        s.number_available
    )
}

// ---- The checks, one per lesson ----

/// Concepts: a node added to the cluster gets a daemon pod from the controller.
pub fn added_node_gets_pod(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let sample: HashSet<String> = manifest::read(&[Source {
        name: CLUSTER_FILE,
        text: CLUSTER,
    }])
    .map(|m| {
        m.nodes
            .iter()
            .filter_map(|n| n.object.metadata.name.clone())
            .collect()
    })
    .unwrap_or_default();
    let added: Vec<&NodePlacement> = view
        .placement
        .nodes
        .iter()
        .filter(|n| !sample.contains(&*n.node))
        .collect();
    if added.is_empty() {
        let mut known: Vec<&str> = sample.iter().map(String::as_str).collect();
        known.sort_unstable();
        return TaskResult::missing(format!(
            "no node has joined yet: the cluster has only the sample's nodes ({}); add one",
            known.join(", ")
        ));
    }
    let without: Vec<String> = added
        .iter()
        .filter(|n| n.pod != PodOutcome::Running)
        .map(|n| why(n))
        .collect();
    if !without.is_empty() {
        return TaskResult::missing(format!(
            "the controller gives no running pod to the new node(s):\n{}\n(a copy of a worker without taints qualifies)",
            without.join("\n")
        ));
    }
    TaskResult::done(format!(
        "the controller created a pod of {} on the new node(s) {}: desired is now {}",
        view.key(),
        names(added),
        view.placement.desired_number_scheduled
    ))
}

/// Configuration: the DaemonSet is one the API server accepts, and its pods run.
pub fn valid_and_running(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Err(r) = runs_where_wanted(&view) {
        return r;
    }
    TaskResult::done(format!(
        "the API server accepts {}, and its pods run on {} node(s): {}",
        view.key(),
        view.placement.desired_number_scheduled,
        names(view.running())
    ))
}

/// Scheduling: every control-plane node runs the pod.
pub fn runs_on_control_plane(state: &LessonState<'_>) -> TaskResult {
    every_node_runs(
        state,
        is_control_plane,
        "the cluster has no control-plane node (a node labelled node-role.kubernetes.io/control-plane): load the sample cluster",
        "control-plane node(s)",
    )
}

/// Every node that `wanted` picks runs the pod; `none` says what to do when no node does.
fn every_node_runs(
    state: &LessonState<'_>,
    wanted: fn(&Node) -> bool,
    none: &str,
    what: &str,
) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let nodes: Vec<&Node> = view
        .manifests
        .nodes
        .iter()
        .map(|l| &l.object)
        .filter(|n| wanted(n))
        .collect();
    if nodes.is_empty() {
        return TaskResult::missing(none);
    }
    each_runs(&view, &nodes, what)
}

/// Updates: `fluentd:v1.15` rolled out completely, never more than one node without an
/// available pod.
pub fn rolled_out_one_at_a_time(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rollout = match rollout_to(state, &view, "fluentd", "fluentd:v1.15") {
        Ok(r) => r,
        Err(r) => return r,
    };
    if rollout.outcome != Outcome::Complete {
        return TaskResult::missing(format!("the update did not complete: {}", rollout.reason));
    }
    let (worst, at) = rollout.steps.iter().fold(
        (rollout.initial_status.number_unavailable, 0),
        |(worst, at), step| {
            if step.status.number_unavailable > worst {
                (step.status.number_unavailable, step.time)
            } else {
                (worst, at)
            }
        },
    );
    if worst > 1 {
        return TaskResult::missing(format!(
            "at {} {worst} nodes had no available pod at once ({}): allow at most one",
            format_seconds(at),
            rollout.strategy
        ));
    }
    let status = final_status(rollout);
    TaskResult::done(format!(
        "fluentd:v1.15 runs on all {} node(s), and never more than {worst} was without an available pod ({})",
        status.desired_number_scheduled, rollout.strategy
    ))
}

/// Operations: after `kubectl set image ... fluentd=fluentd:v1.15`, `rollout status`
/// reports success.
pub fn set_image_completes(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rollout = match rollout_to(state, &view, "fluentd", "fluentd:v1.15") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let message = rollout
        .steps
        .last()
        .map_or(rollout.initial_message.as_str(), |s| s.message.as_str());
    if rollout.outcome != Outcome::Complete {
        return TaskResult::missing(format!(
            "kubectl rollout status still says: {message}\n{}",
            rollout.reason
        ));
    }
    TaskResult::done(format!(
        "kubectl rollout status says: {message} ({})",
        counters(&final_status(rollout))
    ))
}

/// Comparison: at least three running pods, by node selection (a DaemonSet has no
/// replica count).
pub fn three_pods_without_replicas(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(mut r) => {
            if r.detail.contains(": spec.replicas:") {
                r.detail.insert_str(
                    0,
                    "a DaemonSet has no replicas field: the nodes that qualify decide how many pods it runs.\n",
                );
            }
            return r;
        }
    };
    let running = view.running();
    if running.len() < 3 {
        let left_out: Vec<String> = view
            .placement
            .nodes
            .iter()
            .filter(|n| n.pod != PodOutcome::Running)
            .map(why)
            .collect();
        return TaskResult::missing(format!(
            "{} pod(s) of {} run ({}), at least 3 are wanted; the others are left out:\n{}",
            running.len(),
            view.key(),
            names(running),
            left_out.join("\n")
        ));
    }
    TaskResult::done(format!(
        "{} pods of {} run, one on each node that qualifies: {}",
        running.len(),
        view.key(),
        names(running)
    ))
}

/// Monitoring: a finished update that stalled with READY below DESIRED.
pub fn stalled_rollout_seen(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rollout = match rollout_of(
        state,
        &view,
        "start an update whose new image cannot be pulled",
    ) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let status = final_status(rollout);
    if rollout.outcome == Outcome::Complete {
        return TaskResult::missing(format!(
            "this update completed ({}): every new pod became ready; start one whose new image cannot be pulled",
            counters(&status)
        ));
    }
    if status.number_ready >= status.desired_number_scheduled {
        return TaskResult::missing(format!(
            "the update stalled, but READY equals DESIRED ({}): {}",
            counters(&status),
            rollout.reason
        ));
    }
    TaskResult::done(format!(
        "stalled at {}: {}",
        counters(&status),
        rollout.reason
    ))
}

/// Troubleshooting: every GPU node runs the pod.
pub fn runs_on_gpu_node(state: &LessonState<'_>) -> TaskResult {
    every_node_runs(
        state,
        is_gpu,
        "the cluster has no GPU node (labelled nvidia.com/gpu.present=true or tainted nvidia.com/gpu): load the sample cluster",
        "GPU node(s)",
    )
}

/// Security: Pod Security level baseline or restricted, and the pods still run.
pub fn baseline_and_running(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(object) = linted(&view) else {
        return TaskResult::missing(format!("{} was not linted", view.key()));
    };
    if object.pod_security < Level::Baseline {
        let baseline: Vec<String> = object
            .findings
            .iter()
            .filter(|f| {
                Control::ALL
                    .iter()
                    .any(|c| c.code() == f.code && c.level() == Level::Baseline)
            })
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect();
        return TaskResult::missing(format!(
            "the pods meet only the privileged level; baseline forbids:\n{}",
            baseline.join("\n")
        ));
    }
    if let Err(r) = runs_where_wanted(&view) {
        return r;
    }
    TaskResult::done(format!(
        "the pods meet the {} level and run on {} node(s): {}",
        object.pod_security.as_str(),
        view.placement.desired_number_scheduled,
        names(view.running())
    ))
}

/// What keeps a pod from the Guaranteed QoS class: per container, a resource without a
/// limit, or with a request other than its limit.
fn qos_gaps(spec: &PodSpec) -> Vec<String> {
    let mut gaps = Vec::new();
    for c in spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
    {
        let resources = c.resources.as_ref();
        for name in ["cpu", "memory"] {
            let limit = resources
                .and_then(|r| r.limits.as_ref())
                .and_then(|l| l.get(name));
            let request = resources
                .and_then(|r| r.requests.as_ref())
                .and_then(|l| l.get(name));
            let amount = |q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity| {
                milli_value(&q.0).unwrap_or(0)
            };
            match (request, limit) {
                (_, None) => gaps.push(format!("container {:?} has no {name} limit", c.name)),
                (_, Some(l)) if amount(l) == 0 => {
                    gaps.push(format!("container {:?} has a zero {name} limit", c.name));
                }
                (Some(r), Some(l)) if amount(r) != amount(l) => gaps.push(format!(
                    "container {:?} requests {} {name} but is limited to {}",
                    c.name, r.0, l.0
                )),
                _ => {}
            }
        }
    }
    gaps
}

/// Resources: the Guaranteed QoS class, and the requests fit on every node that should
/// run the pod.
pub fn guaranteed_and_fits(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(spec) = view.ds.spec.template.spec.as_ref() else {
        return TaskResult::missing(format!("{} has no pod spec", view.key()));
    };
    let qos = qos_class(spec);
    if qos != "Guaranteed" {
        return TaskResult::missing(format!(
            "QoS Class: {qos}; for Guaranteed, every container needs CPU and memory limits, with requests equal to them:\n{}",
            qos_gaps(spec).join("\n")
        ));
    }
    if let Err(r) = runs_where_wanted(&view) {
        return r;
    }
    TaskResult::done(format!(
        "QoS Class: Guaranteed, and the requests fit on all {} node(s) that should run the pod: {}",
        view.placement.desired_number_scheduled,
        names(view.running())
    ))
}

/// Best practices: no lint error or warning, and a memory limit, while the pods run.
pub fn lint_clean(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(object) = linted(&view) else {
        return TaskResult::missing(format!("{} was not linted", view.key()));
    };
    let left: Vec<String> = object
        .findings
        .iter()
        .filter(|f| f.severity <= Severity::Warning || f.code == "NoMemoryLimit")
        .map(|f| format!("{} {}: {}", f.severity.as_str(), f.code, f.message))
        .collect();
    if !left.is_empty() {
        return TaskResult::missing(format!(
            "{} finding(s) left:\n{}",
            left.len(),
            left.join("\n")
        ));
    }
    if let Err(r) = runs_where_wanted(&view) {
        return r;
    }
    TaskResult::done(format!(
        "no lint error or warning, a memory limit, and pods on all {} node(s): {}",
        view.placement.desired_number_scheduled,
        names(view.running())
    ))
}

/// Patterns: some node is tainted NoExecute, and every node still runs the pod.
pub fn survives_no_execute(state: &LessonState<'_>) -> TaskResult {
    let view = match view(state) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let tainted: Vec<String> = view
        .manifests
        .nodes
        .iter()
        .map(|l| &l.object)
        .filter(|n| taints(n).iter().any(|t| t.effect == "NoExecute"))
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    if tainted.is_empty() {
        return TaskResult::missing(
            "no node has a NoExecute taint yet: taint one, e.g. kubectl taint nodes worker-1 maintenance=true:NoExecute",
        );
    }
    let without: Vec<String> = view
        .placement
        .nodes
        .iter()
        .filter(|n| n.pod != PodOutcome::Running)
        .map(why)
        .collect();
    if !without.is_empty() {
        return TaskResult::missing(format!(
            "{} has no running pod on {} node(s):\n{}",
            view.key(),
            without.len(),
            without.join("\n")
        ));
    }
    TaskResult::done(format!(
        "{} runs on all {} nodes, also on {} tainted NoExecute",
        view.key(),
        view.placement.nodes.len(),
        tainted.join(", ")
    ))
}
