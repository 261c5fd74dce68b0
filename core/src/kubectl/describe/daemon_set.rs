//! `kubectl describe daemonset` (`describeDaemonSet`), with the controller's
//! `SuccessfulCreate` and `SuccessfulDelete` events from the simulation.

use super::{annotations_multiline, events, labels_multiline, pod_template, EventRow, Writer};
use crate::kubectl::labels::{format_labels, selector_string};
use crate::kubectl::pods::phase;
use crate::kubectl::session::Session;
use crate::rollout::EventKind;

/// The controller's events for the DaemonSet: a created pod is `SuccessfulCreate`, a pod
/// the controller deleted is `SuccessfulDelete` (pods deleted by users or the garbage
/// collector are not the controller's).
pub fn controller_events(session: &Session, index: usize) -> Vec<EventRow> {
    let entry = &session.daemon_sets[index];
    let mut rows = Vec::new();
    for step in &entry.sim.rollout.steps {
        let at = entry.sim.step_time(step);
        if at > session.now {
            break;
        }
        for e in &step.events {
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
            rows.push(EventRow {
                type_: "Normal".into(),
                reason: reason.into(),
                first: at,
                last: at,
                count: 1,
                from: "daemonset-controller".into(),
                message: format!("{verb} pod: {}", e.pod),
            });
        }
    }
    rows
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
