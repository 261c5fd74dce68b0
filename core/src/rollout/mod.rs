//! Rollouts: a discrete-event simulation of the DaemonSet controller moving pods from
//! one revision to the next, faithful to `pkg/controller/daemon/update.go` and
//! `daemon_controller.go`, with pod start-up, readiness, failures and node faults on a
//! clock. See `docs/rollout.md` for the rules in prose.
//!
//! As in the controller's own tests, pods created or deleted by a sync are seen by the
//! next sync at once, and a deleted pod is gone at once (no graceful termination).

pub mod budget;
mod controller;
mod engine;
pub mod history;
pub mod model;
pub mod options_json;
pub mod report;
pub mod scenario;
pub mod status;

pub use engine::{generated_name, set_images, BURST_REPLICAS};
pub use model::{Millis, NodeState, SimPod, State, Status};
pub use options_json::{options_from_json, options_from_json_text};
pub use report::{Event, EventKind, FailedCreate, Outcome, Rollout, Step};
pub use scenario::{Action, Timed};

use crate::lint::admission;
use crate::manifest::{Diagnostic, Manifests};
use crate::placement::{self, CompiledDaemonSet, Evaluator};
use budget::Strategy;
use engine::{sort_pods, Engine, Settings, NODE_DOWN};
use history::History;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use report::{HistoryEntry, InitialPod, Revisions};
use std::sync::Arc;

/// How long a new pod takes to become Ready when `--ready-after` is not given.
pub const DEFAULT_READY_AFTER: Millis = 5_000;

/// The longest `--ready-after` simulated: a year.
pub const MAX_READY_AFTER: Millis = 366 * 86_400 * 1000;

/// The label that ties a pod to its ControllerRevision.
pub const HASH_LABEL: &str = "controller-revision-hash";

/// The update that starts the rollout.
#[derive(Debug, Clone)]
pub enum Update {
    /// `kubectl set image daemonset/NAME CONTAINER=IMAGE ...`.
    SetImage(Vec<(String, String)>),
    /// `kubectl apply -f NEW.yaml` with a changed DaemonSet.
    Apply {
        /// The changed DaemonSet.
        daemon_set: Box<DaemonSet>,
        /// The file it came from, for errors.
        file: String,
    },
    /// No update: only the scenario (e.g. OnDelete pods deleted by hand, or faults).
    None,
}

impl Update {
    /// `kubectl apply -f FILE` where `text` is the file's content: the one DaemonSet it
    /// holds, changed.
    ///
    /// # Errors
    /// The input's errors (with `file`, line and column), or a diagnostic about `file` when
    /// it holds no DaemonSet or more than one.
    pub fn apply_text(text: &str, file: &str) -> Result<Self, Vec<Diagnostic>> {
        let manifests = crate::manifest::read(&[crate::manifest::Source { name: file, text }])?;
        let mut sets = manifests.daemon_sets.into_iter().map(|l| l.object);
        let Some(daemon_set) = sets.next() else {
            return Err(vec![Diagnostic::file(
                file,
                "no DaemonSet found (expected a document with apiVersion: apps/v1 and kind: DaemonSet)",
            )]);
        };
        if sets.next().is_some() {
            return Err(vec![Diagnostic::file(
                file,
                "the update must hold one DaemonSet, not several",
            )]);
        }
        Ok(Self::Apply {
            daemon_set: Box::new(daemon_set),
            file: file.to_owned(),
        })
    }
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct RolloutOptions {
    /// Which DaemonSet: `NAME` or `NAMESPACE/NAME` (needed when the input has several).
    pub daemon_set: Option<String>,
    /// The update applied at time 0.
    pub update: Update,
    /// How long a started pod takes to turn Ready.
    pub ready_after: Millis,
    /// Images that never pull: pods using them stay not Ready (ImagePullBackOff).
    pub fail_images: Vec<String>,
    /// Nodes whose daemon pods are deleted right after the update (`kubectl delete pod`).
    pub delete_pods: Vec<String>,
    /// More things that happen, each at a moment.
    pub at: Vec<Timed>,
    /// `kubectl rollout undo --to-revision=N` once the update has completed or stalled.
    pub undo: Option<i64>,
    /// Leave out Pod Security Admission: a Namespace of the input whose `enforce` level
    /// the pods do not meet makes the API server refuse every pod the controller creates,
    /// unless this is set (to ask how an update would pace once the pods are admitted).
    pub ignore_pod_security: bool,
}

impl Default for RolloutOptions {
    fn default() -> Self {
        Self {
            daemon_set: None,
            update: Update::None,
            ready_after: DEFAULT_READY_AFTER,
            fail_images: Vec::new(),
            delete_pods: Vec::new(),
            at: Vec::new(),
            undo: None,
            ignore_pod_security: false,
        }
    }
}

/// Why a rollout could not be simulated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutError {
    /// The input or the options have problems; each says where.
    Input(Vec<Diagnostic>),
}

fn input_error(file: &str, message: impl Into<String>) -> RolloutError {
    RolloutError::Input(vec![Diagnostic::file(file, message)])
}

/// Simulates the update of one DaemonSet of `manifests` over its nodes.
///
/// # Errors
/// No or several DaemonSets to choose from, an update the API server would refuse
/// (a changed selector), a container or node that does not exist, a rollback to a
/// revision that does not exist.
pub fn simulate(
    manifests: &Manifests,
    files: &[&str],
    options: &RolloutOptions,
) -> Result<Rollout, RolloutError> {
    let file = files.join(", ");
    let ds = select(manifests, &file, options)?;
    let scenario = scenario(ds, manifests, options)?;
    if !(0..=MAX_READY_AFTER).contains(&options.ready_after) {
        return Err(input_error(
            "--ready-after",
            "must be 0 or more seconds, and at most a year",
        ));
    }
    let compiled = CompiledDaemonSet::new(ds);
    let own: Vec<&Pod> = manifests
        .pods
        .iter()
        .map(|l| &l.object)
        .filter(|p| compiled.owns(p))
        .collect();
    let live_hash = live_hash(ds, &own);
    let cause = ds
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("kubernetes.io/change-cause"))
        .map(String::as_str);
    let collision = ds.status.as_ref().and_then(|s| s.collision_count);
    let (history, from) = History::start(&ds.spec.template, cause, live_hash.as_deref(), collision);
    let enforced = if options.ignore_pod_security {
        None
    } else {
        admission::enforced(manifests, placement::namespace(ds))
    };
    let settings = Settings {
        ready_after: options.ready_after,
        fail_images: options.fail_images.clone(),
        scenario,
        undo_when_settled: options.undo,
        enforced,
    };
    let nodes = manifests.nodes.iter().map(|l| l.object.clone()).collect();
    let mut engine = Engine::new(
        ds.clone(),
        Evaluator::new(manifests),
        nodes,
        history,
        Arc::clone(&from),
        settings,
    );
    let mut warnings = manifests.warnings.clone();
    seed(&mut engine, &own, &from, &mut warnings, &file);
    let initial_status = engine.status();
    let initial_message = status::rollout_status_message(
        &engine.name,
        &engine.strategy,
        engine.generation,
        &initial_status,
    );
    let run = engine
        .run()
        .map_err(|message| input_error("scenario", message))?;
    let initial = run
        .states
        .first()
        .map(|s| {
            s.nodes()
                .flat_map(|n| {
                    n.pods.iter().map(|p| InitialPod {
                        node: Arc::clone(&n.name),
                        pod: Arc::clone(&p.name),
                        revision: Arc::clone(&p.revision),
                        ready: p.ready(),
                        available: p.available(engine.min_ready, 0),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let (outcome, reason) = outcome(&engine, &run.steps);
    let history = engine
        .history
        .revisions()
        .iter()
        .map(|r| HistoryEntry {
            revision: r.number,
            hash: Arc::clone(&r.hash),
            change_cause: r.change_cause.clone(),
        })
        .collect();
    Ok(Rollout {
        daemon_set: format!("{}/{}", placement::namespace(ds), engine.name),
        strategy: engine.strategy.describe(),
        revisions: Revisions {
            from,
            to: Arc::clone(&engine.current),
        },
        initial,
        initial_status,
        initial_message,
        steps: run.steps,
        outcome,
        reason,
        history,
        warnings,
        states: run.states,
    })
}

fn select<'m>(
    manifests: &'m Manifests,
    file: &str,
    options: &RolloutOptions,
) -> Result<&'m DaemonSet, RolloutError> {
    let all: Vec<&DaemonSet> = manifests.daemon_sets.iter().map(|l| &l.object).collect();
    if all.is_empty() {
        return Err(input_error(
            file,
            "no DaemonSet found in the input (expected a document with apiVersion: apps/v1 and kind: DaemonSet)",
        ));
    }
    let wanted = options
        .daemon_set
        .clone()
        .or_else(|| match &options.update {
            Update::Apply { daemon_set, .. } if all.len() > 1 => daemon_set.metadata.name.clone(),
            _ => None,
        });
    let Some(wanted) = wanted else {
        if let [one] = all.as_slice() {
            return Ok(one);
        }
        let names: Vec<String> = all
            .iter()
            .map(|d| {
                format!(
                    "{}/{}",
                    placement::namespace(d),
                    d.metadata.name.as_deref().unwrap_or("")
                )
            })
            .collect();
        return Err(input_error(
            file,
            format!(
                "the input has {} DaemonSets ({}); choose one with --daemonset NAMESPACE/NAME",
                all.len(),
                names.join(", ")
            ),
        ));
    };
    all.into_iter()
        .find(|ds| {
            let name = ds.metadata.name.as_deref().unwrap_or("");
            match wanted.split_once('/') {
                Some((ns, n)) => ns == placement::namespace(ds) && n == name,
                None => wanted == name,
            }
        })
        .ok_or_else(|| input_error(file, format!("daemonsets.apps \"{wanted}\" not found")))
}

/// The scenario in time order, checked before anything runs: the update is one the API
/// server accepts, the containers and nodes it names exist when it names them.
fn scenario(
    ds: &DaemonSet,
    manifests: &Manifests,
    options: &RolloutOptions,
) -> Result<Vec<Timed>, RolloutError> {
    let mut list = Vec::new();
    match &options.update {
        Update::SetImage(pairs) => list.push(Timed {
            at: 0,
            action: Action::SetImage(pairs.clone()),
        }),
        Update::Apply { daemon_set, file } => {
            check_apply(ds, daemon_set, file)?;
            list.push(Timed {
                at: 0,
                action: Action::Apply(daemon_set.clone()),
            });
        }
        Update::None => {}
    }
    for node in &options.delete_pods {
        list.push(Timed {
            at: 0,
            action: Action::DeletePod(node.clone()),
        });
    }
    let mut later = options.at.clone();
    crate::order::sort_by_key(&mut later, |t| t.at);
    list.extend(later);
    let mut nodes: Vec<String> = manifests
        .nodes
        .iter()
        .filter_map(|l| l.object.metadata.name.clone())
        .collect();
    let mut template = Some(ds.spec.template.clone());
    for timed in &list {
        let flag = if timed.at == 0 && list.iter().take(1).any(|t| std::ptr::eq(t, timed)) {
            "--set-image"
        } else {
            "--at"
        };
        match &timed.action {
            Action::SetImage(pairs) => {
                if let Some(t) = template.as_mut() {
                    set_images(t, pairs).map_err(|e| input_error(flag, e))?;
                }
            }
            Action::Apply(new) => template = Some(new.spec.template.clone()),
            Action::Undo(_) => template = None,
            Action::AddNode { name, .. } => {
                if nodes.contains(name) {
                    return Err(input_error(
                        "--at",
                        format!(
                            "Error from server (AlreadyExists): nodes \"{name}\" already exists"
                        ),
                    ));
                }
                if nodes.is_empty() {
                    return Err(input_error(
                        "--at",
                        "add-node copies an existing node, and the input has none",
                    ));
                }
            }
            _ => {}
        }
        if let Some(node) = scenario::node_of(&timed.action) {
            if !nodes.iter().any(|n| n == node) {
                let flag = if matches!(timed.action, Action::DeletePod(_)) && timed.at == 0 {
                    "--delete-pods"
                } else {
                    "--at"
                };
                return Err(input_error(
                    flag,
                    format!("Error from server (NotFound): nodes \"{node}\" not found"),
                ));
            }
        }
        match &timed.action {
            Action::AddNode { name, .. } => nodes.push(name.clone()),
            Action::RemoveNode(name) => nodes.retain(|n| n != name),
            _ => {}
        }
    }
    Ok(list)
}

/// What the API server says to an update of `old` with `new`.
fn check_apply(old: &DaemonSet, new: &DaemonSet, file: &str) -> Result<(), RolloutError> {
    let name = old.metadata.name.as_deref().unwrap_or("");
    let new_name = new.metadata.name.as_deref().unwrap_or("");
    if name != new_name || placement::namespace(old) != placement::namespace(new) {
        return Err(input_error(
            file,
            format!(
                "the DaemonSet in --to is {}/{new_name}, but the one being updated is {}/{name}",
                placement::namespace(new),
                placement::namespace(old)
            ),
        ));
    }
    if old.spec.selector != new.spec.selector {
        return Err(RolloutError::Input(vec![Diagnostic {
            file: file.to_owned(),
            line: None,
            column: None,
            path: "spec.selector".to_owned(),
            message: format!(
                "The DaemonSet \"{name}\" is invalid: spec.selector: Invalid value: {}: field is immutable",
                go_selector(&new.spec.selector)
            ),
        }]));
    }
    Ok(())
}

/// A label selector as the API server prints it in errors (Go's `%#v`).
fn go_selector(selector: &LabelSelector) -> String {
    let labels: Vec<String> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k:?}:{v:?}"))
        .collect();
    let labels = if selector.match_labels.is_some() {
        format!("map[string]string{{{}}}", labels.join(", "))
    } else {
        "map[string]string(nil)".to_owned()
    };
    let expressions: Vec<String> = selector
        .match_expressions
        .iter()
        .flatten()
        .map(|e| {
            let values: Vec<String> = e
                .values
                .iter()
                .flatten()
                .map(|v| format!("{v:?}"))
                .collect();
            format!(
                "v1.LabelSelectorRequirement{{Key:{:?}, Operator:{:?}, Values:[]string{{{}}}}}",
                e.key,
                e.operator,
                values.join(", ")
            )
        })
        .collect();
    let expressions = if selector.match_expressions.is_some() {
        format!(
            "[]v1.LabelSelectorRequirement{{{}}}",
            expressions.join(", ")
        )
    } else {
        "[]v1.LabelSelectorRequirement(nil)".to_owned()
    };
    format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{expressions}}}")
}

/// The hash of the live revision as a cluster dump shows it: the hash label of a pod
/// whose `pod-template-generation` equals the DaemonSet's template generation (such a
/// pod is up to date for `IsPodUpdated`).
fn live_hash(ds: &DaemonSet, own: &[&Pod]) -> Option<String> {
    let generation = ds
        .metadata
        .annotations
        .as_ref()?
        .get("deprecated.daemonset.template.generation")?;
    own.iter().find_map(|p| {
        let labels = p.metadata.labels.as_ref()?;
        (labels.get("pod-template-generation") == Some(generation))
            .then(|| labels.get(HASH_LABEL).cloned())
            .flatten()
    })
}

/// An hour before the update: when the pods already running started and turned Ready.
const LONG_AGO: Millis = -3_600_000;

/// The pods before the update: the DaemonSet's pods in the input, or, when it has none
/// there, a pod on every node that should run one, Ready long ago, unless the namespace's
/// Pod Security enforcement refuses them (then none could have been created).
fn seed(
    engine: &mut Engine<'_>,
    own: &[&Pod],
    from: &Arc<str>,
    warnings: &mut Vec<Diagnostic>,
    file: &str,
) {
    if own.is_empty() {
        if let Some(refusal) = &engine.refusal {
            warnings.push(Diagnostic::file(
                file,
                format!(
                    "{}, so the API server refuses every pod of daemonset {}/{} ({}); the input has none of its pods, so none is assumed to run",
                    refusal.cause(),
                    refusal.enforced.namespace,
                    engine.name,
                    refusal.violates
                ),
            ));
            return;
        }
        for i in engine.order.clone() {
            let node = &engine.nodes[i];
            if !node.verdict.decision.should_run {
                continue;
            }
            let name = engine.next_pod_name();
            let ready = engine.nodes[i].ready;
            let unschedulable = engine.nodes[i].verdict.unschedulable.clone();
            let pod = SimPod {
                name,
                revision: Arc::clone(from),
                created: LONG_AGO,
                scheduled: unschedulable.is_none(),
                ready_since: (ready && unschedulable.is_none()).then_some(LONG_AGO),
                problem: match (unschedulable, ready) {
                    (Some(message), _) => Some(Arc::from(format!("FailedScheduling: {message}"))),
                    (None, false) => Some(Arc::from(NODE_DOWN)),
                    (None, true) => None,
                },
            };
            engine.seed_pod(i, pod, false);
        }
        return;
    }
    for pod in own {
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let Some(node_name) = pod.spec.as_ref().and_then(placement::target_node_name) else {
            warnings.push(Diagnostic::file(
                file,
                format!("pod {pod_name} names no node; it is left out of the simulation"),
            ));
            continue;
        };
        let Some(&i) = engine.by_name.get(node_name) else {
            warnings.push(Diagnostic::file(
                file,
                format!("pod {pod_name} is on node {node_name}, which is not in the input; it is left out of the simulation"),
            ));
            continue;
        };
        let hash: Arc<str> = pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(HASH_LABEL))
            .map_or_else(|| Arc::from(""), |h| Arc::from(h.as_str()));
        let status = pod.status.as_ref();
        let ready = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .is_some_and(|c| c.status == "True");
        let waiting = status
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone())
            .find(|r| {
                matches!(
                    r.as_str(),
                    "ErrImagePull"
                        | "ImagePullBackOff"
                        | "CrashLoopBackOff"
                        | "CreateContainerConfigError"
                        | "InvalidImageName"
                        | "CreateContainerError"
                )
            });
        let scheduled = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty());
        let starting = !ready && waiting.is_none() && scheduled;
        let sim = SimPod {
            name: Arc::from(pod_name.as_str()),
            revision: if hash.is_empty() {
                Arc::clone(from)
            } else {
                hash
            },
            created: LONG_AGO,
            scheduled,
            ready_since: ready.then_some(LONG_AGO),
            problem: waiting.map(|w| Arc::from(format!("{w} (as read from the input)"))),
        };
        engine.seed_pod(i, sim, starting);
    }
    for node in &mut engine.nodes {
        sort_pods(&mut node.pods);
    }
}

/// Complete or stalled, and why, in words.
fn outcome(engine: &Engine<'_>, steps: &[Step]) -> (Outcome, String) {
    let status = engine.status();
    let desired = status.desired_number_scheduled;
    let end = steps.last().map_or(0, |s| s.time);
    let current = &engine.current;
    let done = status.updated_number_scheduled == desired && status.number_available == desired;
    if done {
        return (
            Outcome::Complete,
            format!(
                "daemon set {:?} successfully rolled out: all {desired} nodes that should run the pod run revision {current}, available, {} after the update",
                engine.name,
                report::format_seconds(end)
            ),
        );
    }
    let mut stuck: Vec<(Arc<str>, usize)> = Vec::new();
    let mut old_nodes = 0usize;
    let mut empty = 0usize;
    let mut done_nodes = 0usize;
    for &i in &engine.order {
        let node = &engine.nodes[i];
        if !node.present || !node.verdict.decision.should_run {
            continue;
        }
        if node.pods.is_empty() {
            empty += 1;
        }
        if node.pods.first().is_some_and(|p| p.revision != *current) {
            old_nodes += 1;
        }
        if node
            .pods
            .first()
            .is_some_and(|p| p.revision == *current && p.available(engine.min_ready, engine.now))
        {
            done_nodes += 1;
        }
        for pod in node
            .pods
            .iter()
            .filter(|p| p.revision == *current && !p.ready())
        {
            let problem = pod
                .problem
                .clone()
                .unwrap_or_else(|| Arc::from("not Ready"));
            match stuck.iter_mut().find(|(p, _)| *p == problem) {
                Some((_, n)) => *n += 1,
                None => stuck.push((problem, 1)),
            }
        }
    }
    let stuck_total: usize = stuck.iter().map(|(_, n)| n).sum();
    let problems: Vec<String> = stuck.iter().map(|(p, n)| format!("{n} x {p}")).collect();
    let mut parts = Vec::new();
    if stuck_total > 0 {
        parts.push(format!(
            "{stuck_total} new pod(s) cannot become Ready ({})",
            problems.join("; ")
        ));
    }
    match &engine.strategy {
        Strategy::OnDelete => parts.push(format!(
            "the strategy is OnDelete: old pods are replaced only when deleted, and {old_nodes} node(s) still run an old revision (delete their pods, e.g. --delete-pods NODE)"
        )),
        strategy @ Strategy::RollingUpdate { .. } => {
            let limits = strategy.limits(desired);
            if old_nodes > 0 {
                if limits.max_surge > 0 {
                    parts.push(format!(
                        "new pods that are not available hold all of maxSurge {}, so no new pod starts beside the {old_nodes} old one(s) left",
                        limits.max_surge
                    ));
                } else {
                    parts.push(format!(
                        "nodes without an available pod use up maxUnavailable {}, so the controller deletes none of the {old_nodes} old pod(s) left",
                        limits.max_unavailable
                    ));
                }
            }
        }
    }
    if empty > 0 {
        parts.push(format!("{empty} node(s) that should run the pod have none"));
    }
    let refused = steps.last().is_some_and(|s| !s.failed_creates.is_empty());
    if let Some(refusal) = engine.refusal.as_ref().filter(|_| refused) {
        parts.push(format!(
            "{}, so the API server refuses every pod the controller creates (FailedCreate: {}); the controller retries with backoff and is refused each time",
            refusal.cause(),
            refusal.violates
        ));
    }
    if parts.is_empty() {
        parts.push(steps.last().map_or_else(String::new, |s| {
            format!("the rollout stopped at: {}", s.message)
        }));
    }
    (
        Outcome::Stalled,
        format!(
            "{done_nodes} of {desired} nodes run revision {current} available; {}. Nothing else happens without a change (Kubernetes has no rollout timeout for DaemonSets).",
            parts.join("; ")
        ),
    )
}
