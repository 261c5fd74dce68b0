//! One DaemonSet's life in a session as a single rollout simulation: the cluster as it was
//! when the DaemonSet appeared (its *base*), and every change made since, each at its
//! moment. A command that changes something appends an action and replays the whole
//! simulation, so the controller's timers (pods turning Ready, minReadySeconds) carry on
//! exactly as if the change had happened in a live cluster.

use crate::manifest::{Located, Manifests};
use crate::rollout::{
    self, Action, Millis, RolloutError, RolloutOptions, SimPod, State, Status, Timed, Update,
};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How pods behave in every simulation of a session.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// How long a started pod takes to become Ready.
    pub ready_after: Millis,
    /// Images that cannot be pulled.
    pub fail_images: Vec<String>,
}

/// What a DaemonSet's simulation starts from.
pub struct Base<'a> {
    /// The DaemonSet as stored (defaulted).
    pub daemon_set: &'a DaemonSet,
    /// The nodes at that moment.
    pub nodes: &'a [Node],
    /// Pods that are not this DaemonSet's, using node resources.
    pub others: &'a [Pod],
    /// This DaemonSet's pods read from the input (none for a DaemonSet created in the
    /// session).
    pub own: &'a [Pod],
    /// PriorityClasses.
    pub priority_classes: &'a [PriorityClass],
    /// The labels of the DaemonSet's Namespace, when the cluster has it (Pod Security
    /// Admission reads them).
    pub namespace_labels: Option<&'a BTreeMap<String, String>>,
    /// Whether the DaemonSet is new: it starts without pods and the controller creates
    /// them, instead of starting with a Ready pod on every node that should run one.
    pub fresh: bool,
}

/// A DaemonSet's simulation in session time.
#[derive(Debug, Clone)]
pub struct Sim {
    /// The session time of the simulation's time 0.
    pub start: Millis,
    /// The cluster it starts from, shared by the DaemonSets read together.
    base: Arc<Manifests>,
    /// `namespace/name` of the DaemonSet in `base`.
    selection: String,
    actions: Vec<Timed>,
    /// The latest replay.
    pub rollout: rollout::Rollout,
}

fn located<T>(object: T) -> Located<T> {
    Located {
        object,
        file: Arc::from("cluster"),
    }
}

/// A pod that claims a new DaemonSet without being on any node: the rollout engine seeds
/// no pods when the input has pods of the DaemonSet, and leaves this one out because it
/// names no node, so the controller starts from nothing and creates every pod.
fn unplaced_claim(ds: &DaemonSet) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(format!(
                "{}-unplaced",
                ds.metadata.name.as_deref().unwrap_or("")
            )),
            namespace: ds.metadata.namespace.clone(),
            labels: ds
                .spec
                .template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.clone()),
            owner_references: Some(vec![OwnerReference {
                api_version: "apps/v1".into(),
                kind: "DaemonSet".into(),
                name: ds.metadata.name.clone().unwrap_or_default(),
                uid: ds.metadata.uid.clone().unwrap_or_default(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }]),
            ..ObjectMeta::default()
        },
        spec: Some(Default::default()),
        status: None,
    }
}

impl Sim {
    /// Simulates a DaemonSet from `base`, starting at session time `start`.
    ///
    /// # Errors
    /// The simulator's message when the input cannot be simulated.
    pub fn new(base: &Base<'_>, start: Millis, behaviour: &Behaviour) -> Result<Self, String> {
        let mut manifests = Manifests::default();
        manifests.daemon_sets.push(located(base.daemon_set.clone()));
        manifests
            .nodes
            .extend(base.nodes.iter().cloned().map(located));
        manifests
            .pods
            .extend(base.others.iter().cloned().map(located));
        manifests.pods.extend(base.own.iter().cloned().map(located));
        if base.fresh {
            manifests
                .pods
                .push(located(unplaced_claim(base.daemon_set)));
        }
        manifests
            .priority_classes
            .extend(base.priority_classes.iter().cloned().map(located));
        let (namespace, name) = super::session::key_of(base.daemon_set);
        if let Some(labels) = base.namespace_labels {
            manifests.namespaces.push(located(Namespace {
                metadata: ObjectMeta {
                    name: Some(namespace.clone()),
                    labels: Some(labels.clone()),
                    ..ObjectMeta::default()
                },
                ..Namespace::default()
            }));
        }
        Self::shared(
            Arc::new(manifests),
            &format!("{namespace}/{name}"),
            start,
            behaviour,
        )
    }

    /// Simulates the DaemonSet `namespace/name` of a cluster that several simulations
    /// share (the input: every DaemonSet's pods count as pods on their nodes).
    ///
    /// # Errors
    /// The simulator's message when the input cannot be simulated.
    pub fn shared(
        base: Arc<Manifests>,
        selection: &str,
        start: Millis,
        behaviour: &Behaviour,
    ) -> Result<Self, String> {
        let rollout = replay(&base, selection, &[], behaviour)?;
        Ok(Self {
            start,
            base,
            selection: selection.to_owned(),
            actions: Vec::new(),
            rollout,
        })
    }

    /// Adds an action at session time `at` and replays; on failure nothing changes.
    ///
    /// A namespace change waiting for the controller's next sync ([`Action::PodSecurity`]
    /// placed later than `at`) comes to `at`, just before this action: any change is a
    /// moment the controller syncs.
    ///
    /// # Errors
    /// The simulator's message (a container or node that does not exist, no revision to
    /// roll back to).
    pub fn act(&mut self, at: Millis, action: Action, behaviour: &Behaviour) -> Result<(), String> {
        let at = at.saturating_sub(self.start).max(0);
        let mut actions = self.actions.clone();
        for waiting in &mut actions {
            if matches!(waiting.action, Action::PodSecurity(_)) && waiting.at > at {
                waiting.at = at;
            }
        }
        actions.push(Timed { at, action });
        let rollout = replay(&self.base, &self.selection, &actions, behaviour)?;
        self.actions = actions;
        self.rollout = rollout;
        Ok(())
    }

    /// Whether a namespace change ([`Action::PodSecurity`]) takes effect at `time`, in the
    /// simulation's time.
    pub fn pod_security_at(&self, time: Millis) -> bool {
        self.actions
            .iter()
            .any(|t| t.at == time && matches!(t.action, Action::PodSecurity(_)))
    }

    /// The index into `rollout.states` of the cluster at session time `now`.
    fn state_index(&self, now: Millis) -> usize {
        let t = now - self.start;
        self.rollout.steps.partition_point(|s| s.time <= t)
    }

    /// The cluster at session time `now`.
    pub fn state(&self, now: Millis) -> Option<&State> {
        self.rollout.state_at(self.state_index(now))
    }

    /// The DaemonSet status at session time `now`.
    pub fn status(&self, now: Millis) -> Status {
        match self.state_index(now) {
            0 => self.rollout.initial_status,
            i => self
                .rollout
                .steps
                .get(i - 1)
                .map_or(self.rollout.initial_status, |s| s.status),
        }
    }

    /// What `kubectl rollout status` says at session time `now`.
    pub fn message(&self, now: Millis) -> &str {
        match self.state_index(now) {
            0 => &self.rollout.initial_message,
            i => self
                .rollout
                .steps
                .get(i - 1)
                .map_or(&self.rollout.initial_message, |s| &s.message),
        }
    }

    /// The daemon pods at session time `now`, with their node, in node order.
    pub fn pods(&self, now: Millis) -> Vec<(Arc<str>, SimPod)> {
        self.state(now)
            .map(|state| {
                state
                    .nodes()
                    .filter(|n| n.present)
                    .flat_map(|n| n.pods.iter().map(|p| (Arc::clone(&n.name), p.clone())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The session time of a step.
    pub fn step_time(&self, step: &rollout::Step) -> Millis {
        self.start + step.time
    }

    /// The session time of the last step, or the start.
    pub fn end(&self) -> Millis {
        self.rollout
            .steps
            .last()
            .map_or(self.start, |s| self.start + s.time)
    }
}

fn replay(
    manifests: &Manifests,
    selection: &str,
    actions: &[Timed],
    behaviour: &Behaviour,
) -> Result<rollout::Rollout, String> {
    let options = RolloutOptions {
        daemon_set: Some(selection.to_owned()),
        update: Update::None,
        ready_after: behaviour.ready_after,
        fail_images: behaviour.fail_images.clone(),
        at: actions.to_vec(),
        ..RolloutOptions::default()
    };
    rollout::simulate(manifests, &["cluster"], &options).map_err(|RolloutError::Input(errors)| {
        errors
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join("; ")
    })
}
