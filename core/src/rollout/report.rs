//! The rollout result: the timeline as stable JSON (camelCase) and as readable text, and
//! the cluster at any step for stepping back and forth.

use super::model::{Millis, State, Status};
use crate::manifest::Diagnostic;
use serde::{Serialize, Serializer};
use std::fmt::Write as _;
use std::sync::Arc;

/// What happened to one pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    /// The controller created the pod.
    Create,
    /// The pod was deleted (by the controller, a user, eviction or garbage collection).
    Delete,
    /// Its Ready condition became True.
    Ready,
    /// It became available (Ready for minReadySeconds).
    Available,
    /// It cannot become Ready by itself: image pull failure, unschedulable, node down.
    Failed,
}

impl EventKind {
    /// The name used in JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Delete => "delete",
            Self::Ready => "ready",
            Self::Available => "available",
            Self::Failed => "failed",
        }
    }
}

/// One change to one pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// The node.
    pub node: Arc<str>,
    /// The pod.
    pub pod: Arc<str>,
    /// The pod's revision hash.
    pub revision: Arc<str>,
    /// Why, in words.
    pub reason: Arc<str>,
}

/// A pod the controller tried to create and the API server refused (the namespace's Pod
/// Security Admission `enforce` level): the controller records a `FailedCreate` event and
/// retries the sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedCreate {
    /// The node the pod was for.
    pub node: Arc<str>,
    /// The name `generateName` gave it.
    pub pod: Arc<str>,
    /// The revision it was made from.
    pub revision: Arc<str>,
    /// The API server's answer: `pods "NAME" is forbidden: violates PodSecurity ...`.
    pub reason: Arc<str>,
}

impl FailedCreate {
    /// The admission's part of the answer, without the pod's name
    /// (`violates PodSecurity ...`).
    pub fn refusal(&self) -> &str {
        self.reason
            .split_once(" is forbidden: ")
            .map_or(&*self.reason, |(_, r)| r)
    }
}

/// One controller sync, or one moment when pods or nodes changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Seconds since the update.
    #[serde(serialize_with = "seconds")]
    pub time: Millis,
    /// What users and faults did to the cluster at this moment (updates, rollbacks,
    /// node changes), in words; left out when nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenario: Vec<String>,
    /// Changes to pods.
    pub events: Vec<Event>,
    /// Pods the controller tried to create at this moment and the API server refused;
    /// left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed_creates: Vec<FailedCreate>,
    /// The DaemonSet status after the step.
    pub status: Status,
    /// What `kubectl rollout status` prints at this moment.
    pub message: String,
}

/// A pod before the update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitialPod {
    /// The node.
    pub node: Arc<str>,
    /// The pod.
    pub pod: Arc<str>,
    /// Its revision hash.
    pub revision: Arc<str>,
    /// Ready.
    pub ready: bool,
    /// Available.
    pub available: bool,
}

/// The revisions the update goes between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revisions {
    /// The hash before the update.
    pub from: Arc<str>,
    /// The hash the update (or the last rollback) makes current.
    pub to: Arc<str>,
}

/// One ControllerRevision at the end, as `kubectl rollout history` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// The revision number.
    pub revision: i64,
    /// Its hash.
    pub hash: Arc<str>,
    /// `kubernetes.io/change-cause`, if any.
    pub change_cause: Option<String>,
}

/// How the rollout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Every node that should run the pod runs the new revision, available.
    Complete,
    /// Nothing more will happen and it is not complete.
    Stalled,
}

/// A whole simulated rollout.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollout {
    /// `namespace/name`.
    pub daemon_set: String,
    /// The update strategy, e.g. `RollingUpdate (maxUnavailable 1, maxSurge 0)`.
    pub strategy: String,
    /// From and to which revision.
    pub revisions: Revisions,
    /// The pods before the update.
    pub initial: Vec<InitialPod>,
    /// The DaemonSet status before the update.
    pub initial_status: Status,
    /// What `kubectl rollout status` printed before the update.
    pub initial_message: String,
    /// The timeline.
    pub steps: Vec<Step>,
    /// Complete or stalled.
    pub outcome: Outcome,
    /// Why it stalled, or how it completed, in words.
    pub reason: String,
    /// The revision history at the end.
    pub history: Vec<HistoryEntry>,
    /// Problems that did not stop the simulation.
    pub warnings: Vec<Diagnostic>,
    /// The cluster before the first step and after each step (index `i + 1` is after
    /// step `i`); nodes unchanged between steps are shared.
    #[serde(skip)]
    pub states: Vec<State>,
}

impl Rollout {
    /// The cluster after `step` steps (0: before the update).
    pub fn state_at(&self, step: usize) -> Option<&State> {
        self.states.get(step)
    }

    /// The rollout as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The rollout as a readable timeline.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "daemonset {}: {} -> {} ({})",
            self.daemon_set, self.revisions.from, self.revisions.to, self.strategy
        );
        let _ = writeln!(out, "before: {} pods", self.initial.len());
        let mut last_message = String::new();
        for step in &self.steps {
            let time = format_seconds(step.time);
            for note in &step.scenario {
                let _ = writeln!(out, "{time:>8}  * {note}");
            }
            for event in &step.events {
                let _ = writeln!(
                    out,
                    "{time:>8}  {:<9} {} on {} ({}): {}",
                    event.kind.as_str(),
                    event.pod,
                    event.node,
                    event.revision,
                    event.reason
                );
            }
            for failed in &step.failed_creates {
                let _ = writeln!(
                    out,
                    "{time:>8}  {:<9} {} on {} ({}): Error creating: {}",
                    "refused", failed.pod, failed.node, failed.revision, failed.reason
                );
            }
            if step.message != last_message {
                let _ = writeln!(out, "{:>8}  > {}", "", step.message);
                last_message.clone_from(&step.message);
            }
        }
        let outcome = match self.outcome {
            Outcome::Complete => "complete",
            Outcome::Stalled => "stalled",
        };
        let _ = writeln!(out, "{outcome}: {}", self.reason);
        out
    }
}

/// Milliseconds as seconds for reading: `12s`, `2.5s`.
pub fn format_seconds(ms: Millis) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{}s", seconds_f64(ms))
    }
}

fn seconds_f64(ms: Millis) -> f64 {
    // Simulated times stay far below 2^53 milliseconds.
    #[allow(clippy::cast_precision_loss)]
    let ms = ms as f64;
    ms / 1000.0
}

/// Serializes milliseconds as a number of seconds, whole when it is whole.
fn seconds<S: Serializer>(ms: &Millis, serializer: S) -> Result<S::Ok, S::Error> {
    if ms % 1000 == 0 {
        serializer.serialize_i64(ms / 1000)
    } else {
        serializer.serialize_f64(seconds_f64(*ms))
    }
}
