//! `kubectl describe daemonset` (`describeDaemonSet`), with the controller's
//! `SuccessfulCreate`, `SuccessfulDelete` and `FailedCreate` events from the simulation,
//! as client-go's recorder keeps them (see [`recorder`]).

use super::{annotations_multiline, events, labels_multiline, pod_template, EventRow, Writer};
use crate::kubectl::labels::{format_labels, selector_string};
use crate::kubectl::pods::phase;
use crate::kubectl::recorder::{self, Correlator, Emitted};
use crate::kubectl::session::Session;
use crate::kubectl::sim::Sim;
use crate::lint::admission::forbidden;
use crate::rollout::{generated_name, EventKind, Millis, State, Step};

/// How far back the recorder is replayed: its aggregation looks ten minutes back, its
/// spam filter refills within about two hours, and events are kept for an hour.
const RECORDER_MEMORY: Millis = 86_400_000;

/// The Pod Security refusal the last sync of these steps got, if it failed.
fn refusal(steps: &[Step]) -> Option<String> {
    steps
        .last()
        .and_then(|s| s.failed_creates.last())
        .map(|f| f.refusal().to_owned())
}

/// Whether what happened in steps `start..end` (one moment) makes the controller sync the
/// DaemonSet: a pod event, an update of the DaemonSet (its generation goes up), or a node
/// change that changes whether the node should run the pod (`updateNode` enqueues only
/// then).
fn prompted(sim: &Sim, start: usize, end: usize) -> bool {
    let steps = &sim.rollout.steps;
    if steps[start..end].iter().any(|s| !s.events.is_empty()) {
        return true;
    }
    let generation = |i: usize| {
        i.checked_sub(1)
            .map_or(sim.rollout.initial_status.observed_generation, |i| {
                steps[i].status.observed_generation
            })
    };
    if generation(end) > generation(start) {
        return true;
    }
    let (Some(before), Some(after)) = (sim.rollout.state_at(start), sim.rollout.state_at(end))
    else {
        return false;
    };
    let verdicts = |state: &State| -> Vec<(bool, bool, bool)> {
        state
            .nodes()
            .map(|n| (n.present, n.should_run, n.should_continue_running))
            .collect()
    };
    verdicts(before) != verdicts(after)
}

/// The moments up to `until` that make the controller sync the DaemonSet: its creation,
/// each moment something changed that it acts on ([`prompted`]), and each change of its
/// Namespace's Pod Security labels taking effect (placed at a sync, see
/// [`pending_retry`]); each with the refusal its syncs get until the next one.
fn prompts(session: &Session, index: usize, until: Millis) -> Vec<(Millis, Option<String>)> {
    let entry = &session.daemon_sets[index];
    let sim = &entry.sim;
    let steps = &sim.rollout.steps;
    let at_start = steps.partition_point(|s| s.time == 0);
    let mut prompts: Vec<(Millis, Option<String>)> =
        vec![(entry.created.min(sim.start), refusal(&steps[..at_start]))];
    // Only a refused create fails a sync; without one the prompts do not matter.
    if steps.iter().all(|s| s.failed_creates.is_empty()) {
        return prompts;
    }
    let mut i = 0;
    while i < steps.len() {
        let time = steps[i].time;
        let start = i;
        let end = i + steps[i..].partition_point(|s| s.time == time);
        i = end;
        let at = sim.step_time(&steps[start]);
        if at > until {
            break;
        }
        let synced = prompted(sim, start, end) || sim.pod_security_at(time);
        if synced && !(time == 0 && entry.created >= sim.start) {
            prompts.push((at, refusal(&steps[start..end])));
        }
    }
    prompts
}

/// When the controller syncs the DaemonSet next after session time `at` of its own accord:
/// the work queue's retry of a sync the API server's refusal failed, if the last one did
/// (`None` when it succeeded). A change of the Namespace's Pod Security labels makes no
/// sync (the controller does not watch Namespaces), so the new policy meets the
/// DaemonSet's pods at this retry, or at an earlier change that makes a sync.
pub fn pending_retry(session: &Session, index: usize, at: Millis) -> Option<Millis> {
    recorder::pending_retry(&prompts(session, index, at), at)
}

/// The controller's events for the DaemonSet: a created pod is `SuccessfulCreate`, a pod
/// the controller deleted is `SuccessfulDelete` (pods deleted by users or the garbage
/// collector are not the controller's), and every sync whose pod create the API server
/// refused is a `FailedCreate` (`Error creating: pods "NAME-xxxxx" is forbidden: ...`),
/// retried with the work queue's backoff; then correlated as client-go's recorder does.
pub fn controller_events(session: &Session, index: usize) -> Vec<EventRow> {
    let entry = &session.daemon_sets[index];
    let sim = &entry.sim;
    let now = session.now;
    let from = now.saturating_sub(RECORDER_MEMORY);
    let name = entry.key().1;
    let mut emitted = Vec::new();
    let steps = &sim.rollout.steps;
    let mut i = 0;
    while i < steps.len() {
        let time = steps[i].time;
        let end = i + steps[i..].partition_point(|s| s.time == time);
        let group = &steps[i..end];
        i = end;
        let at = sim.step_time(&group[0]);
        if at > now {
            break;
        }
        if at < from {
            continue;
        }
        for e in group.iter().flat_map(|s| &s.events) {
            let (reason, verb) = match e.kind {
                EventKind::Create => ("SuccessfulCreate", "Created"),
                EventKind::Delete
                    if !e.reason.starts_with("deleted by the user")
                        && !e.reason.starts_with("the node was deleted") =>
                {
                    ("SuccessfulDelete", "Deleted")
                }
                _ => continue,
            };
            emitted.push(Emitted {
                at,
                type_: "Normal",
                reason,
                message: format!("{verb} pod: {}", e.pod),
            });
        }
    }
    let prompts = prompts(session, index, now);
    for (at, refusal) in recorder::failed_syncs(&prompts, from, now) {
        // The API server names the pod (`generateName`) before admission refuses it.
        let seed = u64::from_le_bytes(at.to_le_bytes()) | 1 << 63;
        emitted.push(Emitted {
            at,
            type_: "Warning",
            reason: "FailedCreate",
            message: format!(
                "Error creating: {}",
                forbidden(&generated_name(&name, seed), refusal)
            ),
        });
    }
    crate::order::sort_by_key(&mut emitted, |e| e.at);
    let mut correlator = Correlator::new("daemonset-controller");
    for e in emitted {
        correlator.record(e);
    }
    correlator.rows()
}

/// The description of the DaemonSet at index `index`.
pub fn describe(session: &Session, index: usize) -> String {
    let ds = session.daemon_set_with_status(index);
    let status = ds.status.clone().unwrap_or_default();
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for (pod, owner) in session.pods() {
        if owner != Some(index) {
            continue;
        }
        match phase(&pod) {
            "Running" => running += 1,
            "Pending" => waiting += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => {}
        }
    }
    let mut w = Writer::default();
    w.write(
        0,
        &format!("Name:\t{}\n", ds.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        0,
        &format!(
            "Namespace:\t{}\n",
            ds.metadata.namespace.as_deref().unwrap_or("")
        ),
    );
    w.write(
        0,
        &format!("Selector:\t{}\n", selector_string(&ds.spec.selector)),
    );
    let node_selector = ds
        .spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref());
    w.write(
        0,
        &format!("Node-Selector:\t{}\n", format_labels(node_selector)),
    );
    labels_multiline(&mut w, "Labels", ds.metadata.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", ds.metadata.annotations.as_ref());
    w.write(
        0,
        &format!(
            "Desired Number of Nodes Scheduled: {}\n",
            status.desired_number_scheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Current Number of Nodes Scheduled: {}\n",
            status.current_number_scheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
            status.updated_number_scheduled.unwrap_or(0)
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}\n",
            status.number_available.unwrap_or(0)
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Misscheduled: {}\n",
            status.number_misscheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"
        ),
    );
    pod_template(&mut w, &ds.spec.template);
    events(&mut w, &controller_events(session, index), session.now);
    w.finish()
}
