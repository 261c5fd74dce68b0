//! The simulated cluster behind the kubectl emulator: Nodes, DaemonSets with their
//! simulations, the other Pods of the input, Namespaces, events, and a clock.
//!
//! The cluster's Namespaces are the input's Namespace objects, the four every cluster
//! has (`default`, `kube-system`, `kube-public`, `kube-node-lease`), and every namespace
//! a DaemonSet or Pod of the session is in (the emulator lets `apply` create a DaemonSet
//! in a namespace the input does not have, so that namespace exists too). Those without
//! a creation time were created with the cluster ([`Session::cluster_created`]).

use super::clock::{Clock, SESSION_START};
use super::defaults::{self, DAEMON_SET_AGE, NODE_AGE, POD_AGE, TEMPLATE_GENERATION};
use super::pods::{daemon_pod, DaemonPod};
use super::sim::{Behaviour, Sim};
use super::Output;
use crate::lint::admission::{self, Mode};
use crate::lint::pod_security::evaluate_template;
use crate::manifest::{Diagnostic, Located, Manifests};
use crate::placement::{self, CompiledDaemonSet};
use crate::rollout::history::{template_data, template_hash};
use crate::rollout::{Action, Millis, Status};
use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Namespace, NamespaceSpec, NamespaceStatus, Node, Pod, PodTemplateSpec,
};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;
use std::sync::Arc;

fn located<T>(object: T) -> Located<T> {
    Located {
        object,
        file: Arc::from("cluster"),
    }
}

/// How pods behave in a session.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seconds, in milliseconds, a started pod takes to become Ready.
    pub ready_after: Millis,
    /// Images that cannot be pulled: pods using them stay in ImagePullBackOff.
    pub fail_images: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            ready_after: crate::rollout::DEFAULT_READY_AFTER,
            fail_images: Vec::new(),
        }
    }
}

/// A Node and when it was created.
#[derive(Debug, Clone)]
pub struct NodeEntry {
    /// The object as a cluster would show it.
    pub object: Node,
    /// Creation time in session time.
    pub created: Millis,
}

/// A Namespace and when it was created.
#[derive(Debug, Clone)]
pub struct NamespaceEntry {
    /// The object as the API server shows it: the `kubernetes.io/metadata.name` label,
    /// the `kubernetes` finalizer, phase `Active`.
    pub object: Namespace,
    /// Creation time in session time.
    pub created: Millis,
}

impl NamespaceEntry {
    /// The namespace's name.
    pub fn name(&self) -> &str {
        self.object.metadata.name.as_deref().unwrap_or("")
    }
}

/// The label the API server sets on every Namespace to its name (`LabelMetadataName`,
/// set in the namespace strategy's `PrepareForCreate` and `PrepareForUpdate`).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The namespaces every cluster has.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-node-lease", "kube-public", "kube-system"];

/// A Namespace as the API server keeps it: with its name label, the `kubernetes`
/// finalizer and phase `Active` (`SetDefaults_Namespace`, `PrepareForCreate`), stamped
/// with a uid and, when it has none, the creation time `created`.
fn namespace_entry(mut object: Namespace, clock: Clock, created: Millis) -> NamespaceEntry {
    let created = defaults::stamp(&mut object.metadata, "Namespace", clock, created);
    let name = object.metadata.name.clone().unwrap_or_default();
    object
        .metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert(NAMESPACE_NAME_LABEL.to_owned(), name);
    let spec = object.spec.get_or_insert_with(NamespaceSpec::default);
    if spec.finalizers.as_ref().is_none_or(Vec::is_empty) {
        spec.finalizers = Some(vec!["kubernetes".to_owned()]);
    }
    let status = object.status.get_or_insert_with(NamespaceStatus::default);
    status.phase.get_or_insert_with(|| "Active".to_owned());
    NamespaceEntry { object, created }
}

/// A Pod of the input that belongs to no DaemonSet.
#[derive(Debug, Clone)]
pub struct OtherPod {
    /// The object.
    pub object: Pod,
    /// Creation time in session time.
    pub created: Millis,
}

/// A revision of a DaemonSet's pod template that the session knows.
#[derive(Debug, Clone)]
pub struct KnownTemplate {
    /// Its `controller-revision-hash`.
    pub hash: String,
    /// The template.
    pub template: PodTemplateSpec,
    /// The template generation it last became current at.
    pub generation: i64,
}

/// A DaemonSet and its simulation.
#[derive(Debug, Clone)]
pub struct DaemonSetEntry {
    /// The object as stored (no status; see [`Session::daemon_set_with_status`]).
    pub object: DaemonSet,
    /// Creation time in session time.
    pub created: Millis,
    /// The simulation.
    pub sim: Sim,
    /// Every template the DaemonSet has had in the session.
    pub templates: Vec<KnownTemplate>,
    /// Its pods read from the input, by name (for their creation times).
    pub input_pods: BTreeMap<String, Pod>,
}

impl DaemonSetEntry {
    /// `namespace/name`.
    pub fn key(&self) -> (String, String) {
        key_of(&self.object)
    }

    /// The template of a revision, or the current one.
    pub fn template(&self, hash: &str) -> (&PodTemplateSpec, i64) {
        self.templates.iter().find(|t| t.hash == hash).map_or_else(
            || (&self.object.spec.template, self.template_generation()),
            |t| (&t.template, t.generation),
        )
    }

    /// The current template generation.
    pub fn template_generation(&self) -> i64 {
        self.object
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(TEMPLATE_GENERATION))
            .and_then(|g| g.parse().ok())
            .unwrap_or(1)
    }

    /// Records a new current template (set image, apply, undo): bumps the generation and
    /// the template-generation annotation, remembers the revision.
    pub fn set_template(&mut self, template: PodTemplateSpec) {
        if template_data(&template) == template_data(&self.object.spec.template) {
            return;
        }
        let generation = self.template_generation() + 1;
        self.object.metadata.generation = Some(self.object.metadata.generation.unwrap_or(1) + 1);
        self.object
            .metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(TEMPLATE_GENERATION.to_owned(), generation.to_string());
        let data = template_data(&template);
        let collision = self.object.status.as_ref().and_then(|s| s.collision_count);
        let known = self
            .templates
            .iter()
            .position(|t| template_data(&t.template) == data);
        match known {
            Some(i) => self.templates[i].generation = generation,
            None => self.templates.push(KnownTemplate {
                hash: template_hash(&data, collision),
                template: template.clone(),
                generation,
            }),
        }
        self.object.spec.template = template;
    }
}

/// A recorded event about a Node or Pod (DaemonSet events come from its simulation).
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `Node` or `Pod`.
    pub kind: &'static str,
    /// Namespace (empty for nodes).
    pub namespace: String,
    /// Object name.
    pub name: String,
    /// `Normal` or `Warning`.
    pub type_: &'static str,
    /// The reason.
    pub reason: String,
    /// The component.
    pub from: String,
    /// The message.
    pub message: String,
    /// Session time.
    pub at: Millis,
}

/// A simulated cluster that kubectl commands read and change.
#[derive(Debug, Clone)]
pub struct Session {
    /// Session time to wall clock.
    pub clock: Clock,
    /// The current session time.
    pub now: Millis,
    /// How pods behave.
    pub behaviour: Behaviour,
    /// Nodes, by name.
    pub nodes: Vec<NodeEntry>,
    /// Pods that belong to no DaemonSet.
    pub others: Vec<OtherPod>,
    /// PriorityClasses.
    pub priority_classes: Vec<PriorityClass>,
    /// DaemonSets, by namespace and name.
    pub daemon_sets: Vec<DaemonSetEntry>,
    /// Events about nodes and pods.
    pub events: Vec<Recorded>,
    /// The Namespaces the input has or every cluster has, and those labelled in the
    /// session, by name; see [`Session::all_namespaces`] for every namespace that exists.
    pub namespaces: Vec<NamespaceEntry>,
    /// When the cluster was created, in session time: the system namespaces' creation
    /// time, 30 days before the session or with the oldest node.
    pub cluster_created: Millis,
}

/// A Namespace that has no object of its own in the input, created at `created`.
fn implicit_namespace(name: &str, clock: Clock, created: Millis) -> NamespaceEntry {
    let object = Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    namespace_entry(object, clock, created)
}

/// `(namespace, name)` of a DaemonSet.
pub fn key_of(ds: &DaemonSet) -> (String, String) {
    (
        placement::namespace(ds).to_owned(),
        ds.metadata.name.clone().unwrap_or_default(),
    )
}

impl Session {
    /// Starts a session on the cluster read from the input.
    ///
    /// # Errors
    /// When a DaemonSet of the input cannot be simulated.
    pub fn new(manifests: &Manifests, options: &Options) -> Result<Self, Vec<Diagnostic>> {
        let newest = manifests
            .daemon_sets
            .iter()
            .filter_map(|l| l.object.metadata.creation_timestamp.as_ref())
            .chain(
                manifests
                    .nodes
                    .iter()
                    .filter_map(|l| l.object.metadata.creation_timestamp.as_ref()),
            )
            .chain(
                manifests
                    .pods
                    .iter()
                    .filter_map(|l| l.object.metadata.creation_timestamp.as_ref()),
            )
            .chain(
                manifests
                    .namespaces
                    .iter()
                    .filter_map(|l| l.object.metadata.creation_timestamp.as_ref()),
            )
            .map(|t| t.0.as_millisecond())
            .max()
            .unwrap_or(SESSION_START);
        let clock = Clock {
            start: newest.max(SESSION_START),
        };
        let behaviour = Behaviour {
            ready_after: options.ready_after,
            fail_images: options.fail_images.clone(),
        };
        let mut nodes: Vec<Node> = manifests.nodes.iter().map(|l| l.object.clone()).collect();
        crate::order::sort_by(&mut nodes, |a, b| a.metadata.name.cmp(&b.metadata.name));
        let nodes: Vec<NodeEntry> = nodes
            .into_iter()
            .enumerate()
            .map(|(i, mut object)| {
                let created = defaults::stamp(&mut object.metadata, "Node", clock, -NODE_AGE);
                defaults::default_node(&mut object, i, clock, created);
                NodeEntry { object, created }
            })
            .collect();
        let mut daemon_sets: Vec<DaemonSet> = manifests
            .daemon_sets
            .iter()
            .map(|l| {
                let mut ds = l.object.clone();
                defaults::default_daemon_set(&mut ds);
                ds
            })
            .collect();
        crate::order::sort_by_key(&mut daemon_sets, key_of);
        let mut owned: Vec<Vec<Pod>> = vec![Vec::new(); daemon_sets.len()];
        let mut others = Vec::new();
        {
            let compiled: Vec<CompiledDaemonSet<'_>> =
                daemon_sets.iter().map(CompiledDaemonSet::new).collect();
            for pod in manifests.pods.iter().map(|l| &l.object) {
                match compiled.iter().position(|c| c.owns(pod)) {
                    Some(i) => owned[i].push(pod.clone()),
                    None => {
                        let mut object = pod.clone();
                        if object.metadata.namespace.is_none() {
                            object.metadata.namespace = Some("default".into());
                        }
                        let created = defaults::stamp(&mut object.metadata, "Pod", clock, -POD_AGE);
                        others.push(OtherPod { object, created });
                    }
                }
            }
        }
        crate::order::sort_by(&mut others, |a, b| {
            (&a.object.metadata.namespace, &a.object.metadata.name)
                .cmp(&(&b.object.metadata.namespace, &b.object.metadata.name))
        });
        let priority_classes: Vec<PriorityClass> = manifests
            .priority_classes
            .iter()
            .map(|l| l.object.clone())
            .collect();
        let mut stamped = Vec::with_capacity(daemon_sets.len());
        for mut ds in daemon_sets {
            let created = defaults::stamp(&mut ds.metadata, "DaemonSet", clock, -DAEMON_SET_AGE);
            stamped.push((ds, created));
        }
        // The input as the simulations see it, shared by all of them: every DaemonSet's
        // pods are pods on their nodes.
        let mut shared = Manifests::default();
        for (ds, _) in &stamped {
            shared.daemon_sets.push(located(ds.clone()));
        }
        shared
            .nodes
            .extend(nodes.iter().map(|n| located(n.object.clone())));
        shared
            .pods
            .extend(others.iter().map(|p| located(p.object.clone())));
        shared
            .pods
            .extend(owned.iter().flatten().cloned().map(located));
        shared
            .priority_classes
            .extend(priority_classes.iter().cloned().map(located));
        shared
            .namespaces
            .extend(manifests.namespaces.iter().cloned());
        let shared = Arc::new(shared);
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for ((ds, created), own) in stamped.into_iter().zip(owned) {
            let (namespace, name) = key_of(&ds);
            match Sim::shared(
                Arc::clone(&shared),
                &format!("{namespace}/{name}"),
                0,
                &behaviour,
            ) {
                Ok(sim) => {
                    let template = ds.spec.template.clone();
                    let generation = ds
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(TEMPLATE_GENERATION))
                        .and_then(|g| g.parse().ok())
                        .unwrap_or(1);
                    let hash = sim.rollout.revisions.from.to_string();
                    entries.push(DaemonSetEntry {
                        templates: vec![KnownTemplate {
                            hash,
                            template,
                            generation,
                        }],
                        input_pods: own
                            .into_iter()
                            .map(|p| (p.metadata.name.clone().unwrap_or_default(), p))
                            .collect(),
                        object: ds,
                        created,
                        sim,
                    });
                }
                Err(message) => errors.push(Diagnostic::file(
                    &format!("daemonset {namespace}/{name}"),
                    message,
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let cluster_created = nodes
            .iter()
            .map(|n| n.created)
            .min()
            .map_or(-NODE_AGE, |oldest| oldest.min(-NODE_AGE));
        let mut namespaces: Vec<NamespaceEntry> = Vec::new();
        for located in &manifests.namespaces {
            let entry = namespace_entry(located.object.clone(), clock, cluster_created);
            if !namespaces.iter().any(|n| n.name() == entry.name()) {
                namespaces.push(entry);
            }
        }
        for name in SYSTEM_NAMESPACES {
            if !namespaces.iter().any(|n| n.name() == name) {
                namespaces.push(implicit_namespace(name, clock, cluster_created));
            }
        }
        crate::order::sort_by(&mut namespaces, |a, b| a.name().cmp(b.name()));
        Ok(Self {
            clock,
            now: 0,
            behaviour,
            nodes,
            others,
            priority_classes,
            daemon_sets: entries,
            events: Vec::new(),
            namespaces,
            cluster_created,
        })
    }

    /// Every Namespace of the cluster, by name: those kept in [`Session::namespaces`] and
    /// those a DaemonSet or Pod is in, created with the cluster.
    pub fn all_namespaces(&self) -> Vec<NamespaceEntry> {
        let mut all = self.namespaces.clone();
        let used = self.daemon_sets.iter().map(|e| e.key().0).chain(
            self.others
                .iter()
                .filter_map(|p| p.object.metadata.namespace.clone()),
        );
        for name in used {
            if !all.iter().any(|n| n.name() == name) {
                all.push(implicit_namespace(&name, self.clock, self.cluster_created));
            }
        }
        crate::order::sort_by(&mut all, |a, b| a.name().cmp(b.name()));
        all
    }

    /// The Namespace `name`, if the cluster has it (see [`Session::all_namespaces`]).
    pub fn find_namespace(&self, name: &str) -> Option<NamespaceEntry> {
        self.all_namespaces().into_iter().find(|n| n.name() == name)
    }

    /// Keeps `entry` as the Namespace of its name, replacing the one kept before.
    pub fn store_namespace(&mut self, entry: NamespaceEntry) {
        match self
            .namespaces
            .iter()
            .position(|n| n.name() == entry.name())
        {
            Some(i) => self.namespaces[i] = entry,
            None => {
                let at = self.namespaces.partition_point(|n| n.name() < entry.name());
                self.namespaces.insert(at, entry);
            }
        }
    }

    /// The labels of the Namespace `name`, when it is kept with labels (Pod Security
    /// Admission reads them).
    pub fn namespace_labels(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.namespaces
            .iter()
            .find(|n| n.name() == name)?
            .object
            .metadata
            .labels
            .as_ref()
    }

    /// What kubectl prints on standard error when the API server takes a create or update
    /// of `ds` (its namespace set): Pod Security Admission's `Warning: would violate
    /// PodSecurity "LEVEL:VERSION": ...` when the namespace's `warn` level (or, without a
    /// `warn` label, its `enforce` level) is one the pod template does not meet. Nothing
    /// for a namespace without Pod Security labels.
    pub fn pod_security_warnings(&self, ds: &DaemonSet) -> Output {
        let mut out = Output::default();
        let namespace = placement::namespace(ds);
        let Some(labels) = self.namespace_labels(namespace) else {
            return out;
        };
        let Some(warned) = admission::checked_by(namespace, labels, Mode::Warn) else {
            return out;
        };
        let template = &ds.spec.template;
        let empty_meta = Default::default();
        let empty_spec = Default::default();
        let evaluation = evaluate_template(
            template.metadata.as_ref().unwrap_or(&empty_meta),
            template.spec.as_ref().unwrap_or(&empty_spec),
        );
        if let Some(text) = warned.would_violate(&evaluation) {
            out.eprint(format!("Warning: {text}\n"));
        }
        out
    }

    /// Moves the clock on by one millisecond and returns the new time: each change
    /// happens after the previous command, in order, even at the same second.
    pub fn tick(&mut self) -> Millis {
        self.now += 1;
        self.now
    }

    /// The DaemonSet `namespace/name`.
    pub fn daemon_set(&self, namespace: &str, name: &str) -> Option<usize> {
        self.daemon_sets
            .iter()
            .position(|e| e.key() == (namespace.to_owned(), name.to_owned()))
    }

    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.object.metadata.name.as_deref() == Some(name))
    }

    /// Applies a node change to every DaemonSet's simulation at session time `at`.
    ///
    /// # Errors
    /// The first simulation that fails (the others keep the change).
    pub fn act_on_nodes(&mut self, at: Millis, action: &Action) -> Result<(), String> {
        let mut first_error = None;
        for entry in &mut self.daemon_sets {
            if let Err(e) = entry.sim.act(at, action.clone(), &self.behaviour) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// The DaemonSet's status fields at the current time.
    pub fn status(&self, index: usize) -> Status {
        self.daemon_sets[index].sim.status(self.now)
    }

    /// The DaemonSet with its status at the current time, as `kubectl get` shows it.
    pub fn daemon_set_with_status(&self, index: usize) -> DaemonSet {
        let entry = &self.daemon_sets[index];
        let s = self.status(index);
        let narrow = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        let optional = |v: i64| Some(narrow(v)).filter(|v| *v != 0);
        let mut ds = entry.object.clone();
        ds.status = Some(DaemonSetStatus {
            current_number_scheduled: narrow(s.current_number_scheduled),
            desired_number_scheduled: narrow(s.desired_number_scheduled),
            number_misscheduled: narrow(s.number_misscheduled),
            number_ready: narrow(s.number_ready),
            number_available: optional(s.number_available),
            number_unavailable: optional(s.number_unavailable),
            updated_number_scheduled: optional(s.updated_number_scheduled),
            observed_generation: entry.object.metadata.generation,
            collision_count: entry.object.status.as_ref().and_then(|s| s.collision_count),
            conditions: None,
        });
        ds
    }

    /// The priority of a pod template, as the Priority admission plugin resolves it.
    pub fn priority(&self, template: &PodTemplateSpec) -> i32 {
        let spec = template.spec.as_ref();
        if let Some(p) = spec.and_then(|s| s.priority) {
            return p;
        }
        match spec.and_then(|s| s.priority_class_name.as_deref()) {
            Some("system-node-critical") => 2_000_001_000,
            Some("system-cluster-critical") => 2_000_000_000,
            Some(name) => self
                .priority_classes
                .iter()
                .find(|c| c.metadata.name.as_deref() == Some(name))
                .map_or(0, |c| c.value.unwrap_or(0)),
            None => self
                .priority_classes
                .iter()
                .find(|c| c.global_default == Some(true))
                .map_or(0, |c| c.value.unwrap_or(0)),
        }
    }

    /// Every pod of the cluster at the current time, by namespace and name, with the index
    /// of the DaemonSet that owns it.
    pub fn pods(&self) -> Vec<(Pod, Option<usize>)> {
        let mut out: Vec<(Pod, Option<usize>)> = self
            .others
            .iter()
            .map(|p| (p.object.clone(), None))
            .collect();
        for (index, entry) in self.daemon_sets.iter().enumerate() {
            for (node_name, sim_pod) in entry.sim.pods(self.now) {
                let Some(node) = self.node(&node_name).map(|i| &self.nodes[i]) else {
                    continue;
                };
                let (template, generation) = entry.template(&sim_pod.revision);
                let created = self.pod_created(entry, node, &sim_pod);
                let ready_since = sim_pod.ready_since.map(|r| {
                    if sim_pod.created < 0 {
                        created
                    } else {
                        entry.sim.start + r
                    }
                });
                let pod = daemon_pod(
                    &DaemonPod {
                        daemon_set: &entry.object,
                        template,
                        template_generation: generation,
                        node: &node.object,
                        pod: &sim_pod,
                        created,
                        ready_since,
                        priority: self.priority(template),
                    },
                    self.clock,
                );
                out.push((pod, Some(index)));
            }
        }
        crate::order::sort_by(&mut out, |a, b| {
            (&a.0.metadata.namespace, &a.0.metadata.name)
                .cmp(&(&b.0.metadata.namespace, &b.0.metadata.name))
        });
        out
    }

    /// When a daemon pod was created: pods present when the session began are as old as
    /// the input says, or as their DaemonSet (or node, if younger).
    fn pod_created(
        &self,
        entry: &DaemonSetEntry,
        node: &NodeEntry,
        pod: &crate::rollout::SimPod,
    ) -> Millis {
        if pod.created >= 0 {
            return entry.sim.start + pod.created;
        }
        entry
            .input_pods
            .get(&*pod.name)
            .and_then(|p| p.metadata.creation_timestamp.as_ref())
            .map_or_else(
                || entry.created.max(node.created),
                |t| self.clock.session_time(t),
            )
    }

    /// Records an event.
    pub fn record(&mut self, event: Recorded) {
        self.events.push(event);
    }
}
