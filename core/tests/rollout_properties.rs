//! Property tests of the rollout simulator over generated clusters: random nodes (some
//! tainted with taints the DaemonSet does or does not tolerate, some cordoned, some not
//! Ready, some too full for a daemon pod), a DaemonSet with a random update strategy and
//! minReadySeconds, an image update with random timing, image failures and node faults.
//! Each test checks one rule of `pkg/controller/daemon` (see `docs/rollout.md`) or of the
//! simulator's own contract, at every step of the timeline.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::manifest::{read, Source};
use daemonset_sim::rollout::{
    scenario, simulate, EventKind, Outcome, Rollout, RolloutOptions, SimPod, State, Status, Update,
};
use proptest::prelude::*;
use std::fmt::Write as _;

/// Cases per property: 64, enough to find the usual mistakes and few enough to stay fast;
/// `PROPTEST_CASES=N` runs more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// The DaemonSet's container and its images before and after the update.
const CONTAINER: &str = "agent";
const OLD_IMAGE: &str = "agent:1";
const NEW_IMAGE: &str = "agent:2";

/// Node taints, as `key=value:Effect`, and whether the DaemonSet tolerates them.
const TAINTS: [(&str, &str, &str, bool); 6] = [
    ("dedicated", "infra", "NoSchedule", true),
    ("tolerated", "yes", "NoExecute", true),
    ("gpu", "true", "NoSchedule", false),
    ("evict", "true", "NoExecute", false),
    ("soft", "true", "PreferNoSchedule", false),
    ("other", "x", "NoSchedule", false),
];

/// A maxUnavailable or maxSurge value.
#[derive(Debug, Clone, Copy)]
enum Amount {
    Int(i64),
    Percent(i64),
}

impl Amount {
    /// `intstr.GetScaledValueFromIntOrPercent(value, desired, roundUp=true)`.
    fn scaled(self, desired: i64) -> i64 {
        match self {
            Self::Int(i) => i,
            Self::Percent(p) => (p * desired + 99) / 100,
        }
    }

    fn yaml(self) -> String {
        match self {
            Self::Int(i) => i.to_string(),
            Self::Percent(p) => format!("\"{p}%\""),
        }
    }
}

/// The DaemonSet's update strategy, always one validation accepts.
#[derive(Debug, Clone, Copy)]
enum Strat {
    /// RollingUpdate, maxUnavailable as given, maxSurge 0.
    Unavailable(Amount),
    /// RollingUpdate, maxUnavailable 0, maxSurge as given.
    Surge(Amount),
    OnDelete,
}

impl Strat {
    /// The scaled maxUnavailable as `rollingUpdate` uses it (both zero means 1).
    fn max_unavailable(self, desired: i64) -> i64 {
        match self {
            Self::Unavailable(a) => a.scaled(desired),
            Self::Surge(a) if desired > 0 && a.scaled(desired) == 0 => 1,
            Self::Surge(_) | Self::OnDelete => 0,
        }
    }

    fn max_surge(self, desired: i64) -> i64 {
        match self {
            Self::Surge(a) => a.scaled(desired),
            Self::Unavailable(_) | Self::OnDelete => 0,
        }
    }

    fn surge(self) -> bool {
        matches!(self, Self::Surge(_))
    }

    fn yaml(self) -> String {
        match self {
            Self::Unavailable(a) => format!(
                "{{type: RollingUpdate, rollingUpdate: {{maxUnavailable: {}, maxSurge: 0}}}}",
                a.yaml()
            ),
            Self::Surge(a) => format!(
                "{{type: RollingUpdate, rollingUpdate: {{maxUnavailable: 0, maxSurge: {}}}}}",
                a.yaml()
            ),
            Self::OnDelete => "{type: OnDelete}".to_owned(),
        }
    }
}

/// One generated node.
#[derive(Debug, Clone)]
struct GenNode {
    /// Indexes into [`TAINTS`], without repeats.
    taints: Vec<usize>,
    cordoned: bool,
    /// The kubelet reports Ready (otherwise Ready is False and the node carries the
    /// not-ready taint, as the node lifecycle controller sets it).
    ready: bool,
    /// Another pod on the node takes so much CPU that a daemon pod does not fit: daemon
    /// pods there stay Pending (FailedScheduling) until a drain evicts it.
    full: bool,
}

/// One `--at` fault before it is written out: when (ms), which kind, which node.
type GenFault = (i64, usize, usize);

/// One generated rollout.
#[derive(Debug, Clone)]
struct Case {
    nodes: Vec<GenNode>,
    strategy: Strat,
    min_ready_seconds: i64,
    ready_after: i64,
    fail_new_image: bool,
    faults: Vec<GenFault>,
    /// Nodes whose daemon pods the user deletes right after the update (modulo the
    /// number of nodes).
    delete_pods: Vec<usize>,
}

impl Case {
    fn min_ready(&self) -> i64 {
        self.min_ready_seconds * 1000
    }

    fn node_name(i: usize) -> String {
        format!("node-{i:02}")
    }

    /// Whether the node of that name is one where a daemon pod does not fit.
    fn full(&self, name: &str) -> bool {
        self.nodes
            .iter()
            .enumerate()
            .any(|(i, n)| n.full && Self::node_name(i) == name)
    }

    /// The DaemonSet and the nodes as one YAML text.
    fn yaml(&self) -> String {
        let mut text = format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent, namespace: kube-system}}\nspec:\n  selector: {{matchLabels: {{app: agent}}}}\n  minReadySeconds: {}\n  updateStrategy: {}\n  template:\n    metadata: {{labels: {{app: agent}}}}\n    spec:\n      tolerations:\n      - {{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}}\n      - {{key: tolerated, operator: Exists, effect: NoExecute}}\n      containers:\n      - {{name: {CONTAINER}, image: \"{OLD_IMAGE}\", resources: {{requests: {{cpu: 500m}}}}}}\n",
            self.min_ready_seconds,
            self.strategy.yaml()
        );
        for (i, node) in self.nodes.iter().enumerate() {
            let name = Self::node_name(i);
            let _ = write!(
                text,
                "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/hostname: {name}}}\nspec:\n"
            );
            if node.cordoned {
                text.push_str("  unschedulable: true\n");
            }
            let mut taints: Vec<String> = node
                .taints
                .iter()
                .map(|&t| {
                    let (key, value, effect, _) = TAINTS[t];
                    format!("  - {{key: {key}, value: \"{value}\", effect: {effect}}}\n")
                })
                .collect();
            if node.cordoned {
                taints.push(
                    "  - {key: node.kubernetes.io/unschedulable, effect: NoSchedule}\n".to_owned(),
                );
            }
            if !node.ready {
                taints.push(
                    "  - {key: node.kubernetes.io/not-ready, effect: NoExecute}\n".to_owned(),
                );
            }
            if taints.is_empty() {
                text.push_str("  taints: []\n");
            } else {
                text.push_str("  taints:\n");
                for t in taints {
                    text.push_str(&t);
                }
            }
            let _ = write!(
                text,
                "status:\n  allocatable: {{cpu: \"4\", memory: 16Gi, pods: \"110\"}}\n  conditions:\n  - {{type: Ready, status: \"{}\"}}\n",
                if node.ready { "True" } else { "False" }
            );
            if node.full {
                let _ = write!(
                    text,
                    "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: hog-{i:02}, namespace: default}}\nspec:\n  nodeName: {name}\n  containers:\n  - {{name: hog, image: hog, resources: {{requests: {{cpu: 3800m}}}}}}\nstatus: {{phase: Running}}\n"
                );
            }
        }
        text
    }

    /// The faults as `--at` texts, in time order, leaving out any that name a node
    /// removed earlier (the CLI refuses those).
    fn at_texts(&self) -> Vec<String> {
        let n = self.nodes.len();
        let mut faults = self.faults.clone();
        daemonset_sim::order::sort_by_key(&mut faults, |f| f.0);
        let mut removed = vec![false; n];
        let mut added = 0;
        let mut texts = Vec::new();
        for (at, kind, node) in faults {
            let i = node % n;
            if removed[i] {
                continue;
            }
            let name = Self::node_name(i);
            let action = match kind {
                0 => format!("notready:{name}"),
                1 => format!("ready:{name}"),
                2 => format!("cordon:{name}"),
                3 => format!("uncordon:{name}"),
                4 => format!("drain:{name}"),
                5 => format!("delete-pod:{name}"),
                6 => format!("taint:{name}:evict=true:NoExecute"),
                7 => format!("taint:{name}:tolerated=late:NoExecute"),
                8 => format!("taint:{name}:gpu=true:NoSchedule"),
                9 => format!("taint:{name}:dedicated=infra:NoSchedule"),
                10 => format!("untaint:{name}:gpu"),
                11 => format!("untaint:{name}:evict:NoExecute"),
                12 => {
                    added += 1;
                    format!("add-node:extra-{added}:{name}")
                }
                _ => {
                    removed[i] = true;
                    format!("remove-node:{name}")
                }
            };
            texts.push(format!("{}.{:03}:{action}", at / 1000, at % 1000));
        }
        texts
    }

    fn options(&self) -> RolloutOptions {
        let n = self.nodes.len();
        let mut delete_pods: Vec<String> = self
            .delete_pods
            .iter()
            .map(|i| Self::node_name(i % n))
            .collect();
        daemonset_sim::order::sort(&mut delete_pods);
        delete_pods.dedup();
        RolloutOptions {
            update: Update::SetImage(vec![(CONTAINER.to_owned(), NEW_IMAGE.to_owned())]),
            ready_after: self.ready_after,
            fail_images: if self.fail_new_image {
                vec![NEW_IMAGE.to_owned()]
            } else {
                Vec::new()
            },
            delete_pods,
            at: self
                .at_texts()
                .iter()
                .filter_map(|t| scenario::parse_at(t).ok())
                .collect(),
            ..RolloutOptions::default()
        }
    }

    /// What to print when a property fails: the input and the options as the CLI takes them.
    fn describe(&self) -> String {
        let o = self.options();
        format!(
            "{}\n# --set-image {CONTAINER}={NEW_IMAGE} --ready-after {}ms{}{}{}",
            self.yaml(),
            self.ready_after,
            if self.fail_new_image {
                format!(" --fail-image {NEW_IMAGE}")
            } else {
                String::new()
            },
            o.delete_pods
                .iter()
                .map(|n| format!(" --delete-pods {n}"))
                .collect::<String>(),
            self.at_texts()
                .iter()
                .map(|t| format!(" --at {t}"))
                .collect::<String>(),
        )
    }

    fn run(&self) -> Result<Rollout, String> {
        let text = self.yaml();
        let manifests = read(&[Source {
            name: "gen.yaml",
            text: &text,
        }])
        .map_err(|e| format!("input errors: {e:?}"))?;
        simulate(&manifests, &["gen.yaml"], &self.options()).map_err(|e| format!("{e:?}"))
    }
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        3 => (1i64..=6).prop_map(Amount::Int),
        1 => (7i64..=50).prop_map(Amount::Int),
        3 => (1i64..=100).prop_map(Amount::Percent),
    ]
}

fn no_surge() -> BoxedStrategy<Strat> {
    amount().prop_map(Strat::Unavailable).boxed()
}

fn with_surge() -> BoxedStrategy<Strat> {
    amount().prop_map(Strat::Surge).boxed()
}

fn rolling() -> BoxedStrategy<Strat> {
    prop_oneof![no_surge(), with_surge()].boxed()
}

fn any_strategy() -> BoxedStrategy<Strat> {
    prop_oneof![2 => no_surge(), 2 => with_surge(), 1 => Just(Strat::OnDelete)].boxed()
}

fn gen_node() -> impl Strategy<Value = GenNode> {
    (
        prop_oneof![
            3 => Just(Vec::new()),
            1 => prop::collection::btree_set(0..TAINTS.len(), 1..3)
                .prop_map(|s| s.into_iter().collect::<Vec<_>>()),
        ],
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(taints, cordoned, ready, full)| GenNode {
            taints,
            cordoned,
            ready,
            full,
        })
}

/// Kinds of faults [`Case::at_texts`] knows (the last one removes the node).
const FAULT_KINDS: usize = 14;

fn fault() -> impl Strategy<Value = GenFault> {
    (
        (0i64..120).prop_map(|h| h * 500),
        0..FAULT_KINDS,
        0..40usize,
    )
}

/// Generated rollouts with `strategy`; with `faults`, some `--at` faults; `fail` says
/// whether the new image may fail to pull.
fn case(strategy: BoxedStrategy<Strat>, faults: bool, fail: bool) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(gen_node(), 1..=40),
        strategy,
        0i64..=20,
        prop_oneof![Just(0i64), 0i64..30_000, (0i64..30).prop_map(|s| s * 1000)],
        if fail {
            prop::bool::weighted(0.3).boxed()
        } else {
            Just(false).boxed()
        },
        if faults {
            prop::collection::vec(fault(), 0..6).boxed()
        } else {
            Just(Vec::new()).boxed()
        },
    )
        .prop_map(
            |(nodes, strategy, min_ready_seconds, ready_after, fail_new_image, faults)| Case {
                nodes,
                strategy,
                min_ready_seconds,
                ready_after,
                fail_new_image,
                faults,
                delete_pods: Vec::new(),
            },
        )
}

/// Simulates `case`, turning errors into a failure that shows the input.
fn simulated(case: &Case) -> Result<Rollout, TestCaseError> {
    case.run()
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", case.describe())))
}

/// `IsPodAvailable` at `now`, written out here rather than taken from the simulator.
fn available(pod: &SimPod, min_ready: i64, now: i64) -> bool {
    pod.ready_since
        .is_some_and(|since| min_ready == 0 || since + min_ready <= now)
}

/// The pod status counts in manage order: scheduled first, then oldest, then by name.
fn first_pod(pods: &[SimPod]) -> Option<&SimPod> {
    pods.iter()
        .min_by(|a, b| (!a.scheduled, a.created, &a.name).cmp(&(!b.scheduled, b.created, &b.name)))
}

/// The DaemonSet status counted again from a state (observedGeneration left at 0).
fn recount(state: &State, current: &str, min_ready: i64) -> Status {
    let mut s = Status::default();
    for node in state.nodes().filter(|n| n.present) {
        if node.should_run {
            s.desired_number_scheduled += 1;
            if let Some(first) = first_pod(&node.pods) {
                s.current_number_scheduled += 1;
                if first.ready_since.is_some() {
                    s.number_ready += 1;
                }
                if available(first, min_ready, state.time) {
                    s.number_available += 1;
                }
                if &*first.revision == current {
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

fn desired(state: &State) -> i64 {
    i64::try_from(state.nodes().filter(|n| n.present && n.should_run).count()).unwrap_or(i64::MAX)
}

/// Nodes without an available pod as `rollingUpdate` (maxSurge 0) counts them: every
/// present node that should run the pod or has one, unless it holds exactly one pod, available.
fn rolling_unavailable(state: &State, current: &str, min_ready: i64) -> i64 {
    let mut count = 0;
    for node in state
        .nodes()
        .filter(|n| n.present && (n.should_run || !n.pods.is_empty()))
    {
        let new: Vec<&SimPod> = node
            .pods
            .iter()
            .filter(|p| &*p.revision == current)
            .collect();
        let old: Vec<&SimPod> = node
            .pods
            .iter()
            .filter(|p| &*p.revision != current)
            .collect();
        let ok = match (new.as_slice(), old.as_slice()) {
            ([one], []) | ([], [one]) => available(one, min_ready, state.time),
            _ => false,
        };
        if !ok {
            count += 1;
        }
    }
    count
}

/// Nodes holding two daemon pods, and those among them whose old pod is available.
fn surged(state: &State, current: &str, min_ready: i64) -> (i64, i64) {
    let mut pairs = 0;
    let mut old_available = 0;
    for node in state.nodes().filter(|n| n.present && n.pods.len() >= 2) {
        pairs += 1;
        if node
            .pods
            .iter()
            .any(|p| &*p.revision != current && available(p, min_ready, state.time))
        {
            old_available += 1;
        }
    }
    (pairs, old_available)
}

/// Whether every node that should run the pod starts with exactly one pod, available.
fn all_start_available(rollout: &Rollout, min_ready: i64) -> bool {
    rollout.state_at(0).is_some_and(|s| {
        s.nodes()
            .filter(|n| n.present && n.should_run)
            .all(|n| matches!(n.pods.as_slice(), [p] if available(p, min_ready, 0)))
    })
}

/// Should-run nodes before the update whose pod is not available.
fn initially_unavailable(rollout: &Rollout, min_ready: i64) -> i64 {
    rollout.state_at(0).map_or(0, |s| {
        let n = s
            .nodes()
            .filter(|n| n.present && n.should_run)
            .filter(|n| !first_pod(&n.pods).is_some_and(|p| available(p, min_ready, 0)))
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    })
}

fn states(rollout: &Rollout) -> impl Iterator<Item = (usize, &State)> {
    (0..=rollout.steps.len()).filter_map(|i| rollout.state_at(i).map(|s| (i, s)))
}

/// `case` with every other fault turned into a drain of its node.
fn with_drains(case: Case) -> Case {
    let faults = case
        .faults
        .iter()
        .enumerate()
        .map(|(k, &(at, kind, node))| (at, if k % 2 == 0 { 4 } else { kind }, node))
        .collect();
    Case { faults, ..case }
}

/// After each drain, no daemon pod (of the current revision, unless `any_revision`) is
/// left unscheduled on the drained node while it should run the pod.
fn check_bound_after_drains(
    case: &Case,
    rollout: &Rollout,
    any_revision: bool,
) -> Result<(), TestCaseError> {
    let current = &*rollout.revisions.to;
    for (i, step) in rollout.steps.iter().enumerate() {
        for note in &step.scenario {
            let Some(node) = note
                .strip_prefix("kubectl drain ")
                .and_then(|rest| rest.split(' ').next())
            else {
                continue;
            };
            let Some(after) = rollout.state_at(i + 1) else {
                return Err(TestCaseError::fail(format!("no state after step {i}")));
            };
            let Some(n) = after.nodes().find(|n| &*n.name == node) else {
                continue;
            };
            if !n.should_run {
                continue;
            }
            for pod in &n.pods {
                if pod.scheduled || !(any_revision || &*pod.revision == current) {
                    continue;
                }
                return Err(TestCaseError::fail(format!(
                    "after step {i} at {} ms (drain {node}): pod {} ({}) is still Pending: {:?}\n{}\n{}",
                    step.time,
                    pod.name,
                    pod.revision,
                    pod.problem,
                    case.describe(),
                    rollout.to_text()
                )));
            }
        }
    }
    Ok(())
}

/// What the controller would do to `state` at `now`, per sections 2 and 3 (`manage`, then
/// `rollingUpdate` for RollingUpdate), in words; `None` when nothing. Whether anything is
/// due does not depend on the order nodes are walked in: the unavailable and surge counts
/// only grow along the walk, so a candidate is taken exactly when the final count leaves
/// room.
fn due(state: &State, now: i64, current: &str, strategy: Strat, min_ready: i64) -> Option<String> {
    let available = |p: &SimPod| available(p, min_ready, now);
    let nodes: Vec<_> = state.nodes().filter(|n| n.present).collect();
    // manage; AllowsSurge scales maxSurge to one node.
    let allows_surge = strategy.max_surge(1) > 0;
    for n in &nodes {
        let new: Vec<&SimPod> = n.pods.iter().filter(|p| &*p.revision == current).collect();
        let old: Vec<&SimPod> = n.pods.iter().filter(|p| &*p.revision != current).collect();
        let why = if n.should_run && n.pods.is_empty() {
            Some("manage: create on an empty node")
        } else if !n.should_continue_running && !n.pods.is_empty() {
            Some("manage: delete from a node that may not keep its pod")
        } else if n.should_continue_running && !allows_surge && n.pods.len() > 1 {
            Some("manage: delete a second pod")
        } else if n.should_continue_running && allows_surge && (new.len() > 1 || old.len() > 1) {
            Some("manage: delete a second pod of a kind")
        } else if n.should_continue_running
            && allows_surge
            && !new.is_empty()
            && old.first().is_some_and(|o| o.ready_since.is_none())
        {
            Some("manage: delete an old pod that is not Ready beside a new one")
        } else if n.should_continue_running
            && allows_surge
            && !old.is_empty()
            && new.first().is_some_and(|p| available(p))
        {
            Some("manage: delete an old pod beside an available new one")
        } else {
            None
        };
        if let Some(why) = why {
            return Some(format!("{why} ({})", n.name));
        }
    }
    if matches!(strategy, Strat::OnDelete) {
        return None;
    }
    let desired = desired(state);
    let max_surge = strategy.max_surge(desired);
    let walk = nodes.iter().filter(|n| n.should_run || !n.pods.is_empty());
    if max_surge == 0 {
        let max_unavailable = strategy.max_unavailable(desired);
        let mut unavailable = 0;
        let mut candidates = Vec::new();
        for n in walk {
            let new: Vec<&SimPod> = n.pods.iter().filter(|p| &*p.revision == current).collect();
            let old: Vec<&SimPod> = n.pods.iter().filter(|p| &*p.revision != current).collect();
            match (new.as_slice(), old.as_slice()) {
                ([], [o]) if !available(o) => {
                    return Some(format!(
                        "rollingUpdate: replace the unavailable old pod on {}",
                        n.name
                    ))
                }
                ([], [_]) => candidates.push(&n.name),
                ([p], []) if available(p) => {}
                _ => unavailable += 1,
            }
        }
        return (unavailable < max_unavailable && !candidates.is_empty()).then(|| {
            format!(
                "rollingUpdate: {unavailable} of maxUnavailable {max_unavailable} unavailable, delete an old pod on one of {candidates:?}"
            )
        });
    }
    let mut surge = 0;
    let mut number_available = 0;
    let mut candidates = Vec::new();
    let mut should_not_run = 0;
    for n in walk {
        let new: Vec<&SimPod> = n.pods.iter().filter(|p| &*p.revision == current).collect();
        let old: Vec<&SimPod> = n.pods.iter().filter(|p| &*p.revision != current).collect();
        if new.len() > 1 || old.len() > 1 {
            surge += 1;
            continue;
        }
        match (old.first(), new.first()) {
            (Some(o), _) if available(o) => number_available += 1,
            (None, Some(p)) if available(p) => number_available += 1,
            _ => {}
        }
        match (old.first(), new.first()) {
            (Some(o), None) if !available(o) => {
                return Some(format!(
                    "rollingUpdate: surge onto, or delete, the unavailable old pod on {}",
                    n.name
                ))
            }
            (Some(_), None) if !n.should_run => should_not_run += 1,
            (Some(_), None) => candidates.push(&n.name),
            (Some(_), Some(p)) if available(p) => {
                return Some(format!(
                    "rollingUpdate: delete the old pod beside an available new one on {}",
                    n.name
                ))
            }
            (Some(_), Some(_)) => surge += 1,
            (None, _) => {}
        }
    }
    if number_available > desired && should_not_run > 0 {
        return Some(format!(
            "rollingUpdate: {number_available} available > {desired} desired, delete an old pod from a node that should not run it"
        ));
    }
    (surge < max_surge && !candidates.is_empty()).then(|| {
        format!("rollingUpdate: {surge} of maxSurge {max_surge} surging, surge onto one of {candidates:?}")
    })
}

/// What `kubectl rollout status` prints for `status` (section 6), the generation observed.
fn rollout_status(strategy: Strat, status: &Status) -> String {
    let desired = status.desired_number_scheduled;
    if matches!(strategy, Strat::OnDelete) {
        "error: rollout status is only available for RollingUpdate strategy type".to_owned()
    } else if status.updated_number_scheduled < desired {
        format!(
            "Waiting for daemon set \"agent\" rollout to finish: {} out of {desired} new pods have been updated...",
            status.updated_number_scheduled
        )
    } else if status.number_available < desired {
        format!(
            "Waiting for daemon set \"agent\" rollout to finish: {} of {desired} updated pods are available...",
            status.number_available
        )
    } else {
        "daemon set \"agent\" successfully rolled out".to_owned()
    }
}

/// A year in milliseconds: the longest time the CLI (`parse_seconds`) accepts.
const YEAR: i64 = 366 * 86_400_000;

/// Options a user could get wrong, each mostly right so that many runs get far.
#[derive(Debug, Clone)]
struct Garbage {
    min_ready_seconds: i64,
    container: &'static str,
    image: &'static str,
    fail_images: Vec<&'static str>,
    delete_pods: Vec<String>,
    at: Vec<String>,
    undo: Option<i64>,
    daemon_set: Option<&'static str>,
}

fn garbage() -> impl Strategy<Value = Garbage> {
    (
        prop_oneof![4 => 0i64..=20, 1 => 0i64..=i64::from(i32::MAX)],
        prop_oneof![8 => Just("agent"), 1 => Just("*"), 1 => Just("nope")],
        prop_oneof![6 => Just("agent:2"), 2 => Just("agent:1"), 1 => Just("")],
        prop::collection::vec(prop::sample::select(vec!["agent:2", "agent:1", "", "*"]), 0..3),
        prop::collection::vec(
            prop_oneof![6 => "node-0[0-3]", 1 => "node-[0-9]{2}|extra-[0-9]|[a-z]{0,3}"],
            0..3,
        ),
        prop::collection::vec(
            prop_oneof![
                3 => "[0-9]{1,3}:(notready|ready|cordon|uncordon|drain|delete-pod|remove-node):node-0[0-3]",
                1 => "[0-9]{1,3}(\\.[0-9]{1,3})?:taint:node-0[0-3]:[a-z]{1,3}(=[a-z]{1,3})?:(NoSchedule|NoExecute|PreferNoSchedule)",
                1 => "[0-9]{1,3}:untaint:node-0[0-3]:[a-z]{1,3}(:NoExecute)?",
                1 => "[0-9]{1,3}:add-node:extra-[0-9](:node-0[0-3])?",
                1 => "[0-9]{1,3}:undo(:[0-9])?",
                1 => "[0-9]{1,3}:set-image:(agent|\\*)=agent:[0-9]",
                1 => "[0-9]{1,9}(\\.[0-9]{1,4})?:[a-z-]{0,10}(:[a-z0-9=:*.-]{0,20})?",
                1 => "\\PC{0,20}",
            ],
            0..4,
        ),
        prop_oneof![6 => Just(None), 2 => (0i64..=3).prop_map(Some), 1 => any::<i64>().prop_map(Some)],
        prop_oneof![
            6 => Just(None),
            2 => Just(Some("kube-system/agent")),
            1 => prop::sample::select(vec!["agent", "default/agent", "x", ""]).prop_map(Some),
        ],
    )
        .prop_map(
            |(min_ready_seconds, container, image, fail_images, delete_pods, at, undo, daemon_set)| {
                Garbage {
                    min_ready_seconds,
                    container,
                    image,
                    fail_images,
                    delete_pods,
                    at,
                    undo,
                    daemon_set,
                }
            },
        )
}

/// Simulates `case` with `garbage` options and `ready_after`; panics are the only failure.
/// Whatever comes out is rendered too. Returns whether the simulation ran.
fn try_everything(case: &Case, garbage: Garbage, ready_after: i64) -> bool {
    let case = Case {
        min_ready_seconds: garbage.min_ready_seconds,
        ..case.clone()
    };
    let text = case.yaml();
    let Ok(manifests) = read(&[Source {
        name: "gen.yaml",
        text: &text,
    }]) else {
        return false;
    };
    let mut options = case.options();
    options.ready_after = ready_after;
    options.update = Update::SetImage(vec![(
        garbage.container.to_owned(),
        garbage.image.to_owned(),
    )]);
    options.fail_images = garbage.fail_images.into_iter().map(str::to_owned).collect();
    options.delete_pods = garbage.delete_pods;
    options
        .at
        .extend(garbage.at.iter().filter_map(|t| scenario::parse_at(t).ok()));
    options.undo = garbage.undo;
    options.daemon_set = garbage.daemon_set.map(str::to_owned);
    match simulate(&manifests, &["gen.yaml"], &options) {
        Ok(rollout) => {
            let _ = rollout.to_text();
            let _ = rollout.to_json();
            true
        }
        Err(_) => false,
    }
}

proptest! {
    // Failures are printed with the input they shrank to; no regression file is written.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases())
    })]

    /// maxUnavailable (section 3a): in a run without faults and without surge, the
    /// status never shows more unavailable nodes than maxUnavailable (scaled: percent of
    /// desired, rounded up), or than the nodes already unavailable before the update, since
    /// only those are replaced beyond the budget. With every old pod available at the start,
    /// this is `numberUnavailable <= maxUnavailable` at every step.
    #[test]
    fn fault_free_unavailable_stays_within_max_unavailable(case in case(no_surge(), false, true)) {
        let rollout = simulated(&case)?;
        let min_ready = case.min_ready();
        let before = initially_unavailable(&rollout, min_ready);
        for (i, step) in rollout.steps.iter().enumerate() {
            let max = case.strategy.max_unavailable(step.status.desired_number_scheduled);
            prop_assert!(
                step.status.number_unavailable <= max.max(before),
                "step {i} at {} ms: numberUnavailable {} > maxUnavailable {max} (unavailable before the update: {before})\n{}\n{}",
                step.time, step.status.number_unavailable, case.describe(), rollout.to_text()
            );
        }
    }

    /// maxUnavailable with faults (section 3a): whenever the controller deletes an
    /// available old pod for the rolling update, the nodes without an available pod after
    /// that sync (counted as `rollingUpdate` counts them) are at most maxUnavailable,
    /// scaled to the nodes that should run the pod at that moment.
    #[test]
    fn rolling_deletes_stay_within_max_unavailable(case in case(no_surge(), true, true)) {
        let rollout = simulated(&case)?;
        let current = &*rollout.revisions.to;
        for (i, step) in rollout.steps.iter().enumerate() {
            let budgeted = step.events.iter().any(|e| {
                e.kind == EventKind::Delete && e.reason.starts_with("rolling update: old revision")
            });
            if !budgeted {
                continue;
            }
            let Some(after) = rollout.state_at(i + 1) else {
                return Err(TestCaseError::fail(format!("no state after step {i}")));
            };
            let max = case.strategy.max_unavailable(desired(after));
            let unavailable = rolling_unavailable(after, current, case.min_ready());
            prop_assert!(
                unavailable <= max,
                "after step {i} at {} ms: {unavailable} nodes unavailable > maxUnavailable {max}\n{}\n{}",
                step.time, case.describe(), rollout.to_text()
            );
        }
    }

    /// One pod per node (section 2): without surge manage keeps one daemon pod per node,
    /// with surge at most one of the current revision and one other, at every state,
    /// faults included.
    #[test]
    fn at_most_one_pod_per_node_or_two_with_surge(case in case(any_strategy(), true, true)) {
        let rollout = simulated(&case)?;
        let current = &*rollout.revisions.to;
        let most = if case.strategy.surge() { 2 } else { 1 };
        for (i, state) in states(&rollout) {
            for node in state.nodes() {
                prop_assert!(
                    node.pods.len() <= most,
                    "state {i}: node {} has {} daemon pods (at most {most})\n{}\n{}",
                    node.name, node.pods.len(), case.describe(), rollout.to_text()
                );
                if node.pods.len() == 2 {
                    let new = node.pods.iter().filter(|p| &*p.revision == current).count();
                    prop_assert_eq!(new, 1, "state {}: node {} holds two pods of one kind", i, node.name);
                }
                prop_assert!(node.present || node.pods.is_empty(), "state {}: removed node {} has pods", i, node.name);
            }
        }
    }

    /// maxSurge (section 3b): in a run without faults, nodes holding an old pod that is
    /// available beside a new one never exceed maxSurge (scaled, rounded up); when every
    /// old pod starts available, no more than maxSurge nodes ever hold two pods.
    #[test]
    fn fault_free_surge_stays_within_max_surge(case in case(with_surge(), false, true)) {
        let rollout = simulated(&case)?;
        let current = &*rollout.revisions.to;
        let min_ready = case.min_ready();
        let healthy = all_start_available(&rollout, min_ready);
        for (i, state) in states(&rollout) {
            let max = case.strategy.max_surge(desired(state));
            let (pairs, old_available) = surged(state, current, min_ready);
            prop_assert!(
                old_available <= max && (!healthy || pairs <= max),
                "state {i} at {} ms: {pairs} nodes with two pods ({old_available} beside an available old pod), maxSurge {max}\n{}\n{}",
                state.time, case.describe(), rollout.to_text()
            );
        }
    }

    /// maxSurge with faults (section 3b): after a sync that surges within the budget, the
    /// nodes holding a new pod beside an available old one are at most maxSurge, scaled to
    /// the nodes that should run the pod at that moment (surges onto nodes whose old pod is
    /// unavailable are beyond the budget and not counted).
    #[test]
    fn surge_creates_stay_within_max_surge(case in case(with_surge(), true, true)) {
        let rollout = simulated(&case)?;
        let current = &*rollout.revisions.to;
        for (i, step) in rollout.steps.iter().enumerate() {
            let budgeted = step.events.iter().any(|e| {
                e.kind == EventKind::Create && e.reason.starts_with("surge: a new pod beside the old one")
            });
            if !budgeted {
                continue;
            }
            let Some(after) = rollout.state_at(i + 1) else {
                return Err(TestCaseError::fail(format!("no state after step {i}")));
            };
            let max = case.strategy.max_surge(desired(after));
            let (_, old_available) = surged(after, current, case.min_ready());
            prop_assert!(
                old_available <= max,
                "after step {i} at {} ms: {old_available} surged nodes beside an available old pod > maxSurge {max}\n{}\n{}",
                step.time, case.describe(), rollout.to_text()
            );
        }
    }

    /// Completion (sections 3 and 3c): a RollingUpdate without image failures or faults
    /// completes exactly when every node that should run the pod is Ready and has room for
    /// it (a new pod on a node that is down never starts, one that does not fit stays
    /// Pending); with the new image failing it stalls whenever some node should run the pod.
    #[test]
    fn rolling_update_completes_unless_something_fails(case in case(rolling(), false, true)) {
        let rollout = simulated(&case)?;
        let start = rollout.state_at(0).cloned().unwrap_or_default();
        let desired = desired(&start);
        let down = start
            .nodes()
            .filter(|n| n.present && n.should_run && (!n.ready || case.full(&n.name)))
            .count();
        let complete = rollout.outcome == Outcome::Complete;
        let expected = desired == 0 || (!case.fail_new_image && down == 0);
        prop_assert_eq!(
            complete, expected,
            "desired {}, nodes down or full {}, new image fails {}\n{}\n{}",
            desired, down, case.fail_new_image, case.describe(), rollout.to_text()
        );
        if complete {
            let last = rollout.steps.last().map(|s| s.status).unwrap_or_default();
            prop_assert_eq!(last.updated_number_scheduled, desired);
            prop_assert_eq!(last.number_available, desired);
        }
    }

    /// OnDelete (section 4): the controller never deletes a pod for being old; only the
    /// nodes whose pods the user deleted get the new revision, so the rollout completes
    /// exactly when every node that should run the pod had its pod deleted, is Ready and
    /// has room, and the new image pulls.
    #[test]
    fn on_delete_replaces_only_deleted_pods(
        case in case(Just(Strat::OnDelete).boxed(), false, true),
        deletes in prop::collection::vec(0..40usize, 0..50),
    ) {
        let case = Case { delete_pods: deletes, ..case };
        let rollout = simulated(&case)?;
        let deleted = case.options().delete_pods;
        for step in &rollout.steps {
            for e in step.events.iter().filter(|e| e.kind == EventKind::Delete) {
                prop_assert!(
                    deleted.iter().any(|n| *n == *e.node) && step.time == 0,
                    "the controller deleted {} on {}: {}\n{}", e.pod, e.node, e.reason, case.describe()
                );
            }
        }
        let start = rollout.state_at(0).cloned().unwrap_or_default();
        let should_run: Vec<_> = start.nodes().filter(|n| n.present && n.should_run).collect();
        let expected = should_run.is_empty()
            || (!case.fail_new_image
                && should_run.iter().all(|n| {
                    n.ready && !case.full(&n.name) && deleted.iter().any(|d| *d == *n.name)
                }));
        prop_assert_eq!(
            rollout.outcome == Outcome::Complete, expected,
            "\n{}\n{}", case.describe(), rollout.to_text()
        );
    }

    /// Scheduling: once a drain evicts the pod that filled a node, the scheduler binds the
    /// Pending daemon pods of the current revision there (they tolerate the cordon), so right
    /// after the drain no such pod on a node that should run the pod is left unscheduled.
    #[test]
    fn pending_current_pods_are_bound_after_a_drain(case in case(any_strategy(), true, true)) {
        let case = with_drains(case);
        let rollout = simulated(&case)?;
        check_bound_after_drains(&case, &rollout, false)?;
    }

    /// Scheduling: the scheduler binds any Pending pod whose node has room, whatever its
    /// revision; after a drain evicts the pod that filled a node, an old-revision daemon pod
    /// Pending there (kept by OnDelete) is bound and started too.
    #[test]
    fn pending_old_pods_are_bound_after_a_drain(case in case(any_strategy(), true, true)) {
        let case = with_drains(case);
        let rollout = simulated(&case)?;
        check_bound_after_drains(&case, &rollout, true)?;
    }

    /// No missed sync (sections 2, 3 and 3c): whenever nothing is recorded the controller
    /// has nothing to do. After the last sync at each instant, and at every moment up to
    /// the next step when a pod turns available (Ready + minReadySeconds), `manage` and
    /// `rollingUpdate` as section 2 and 3 describe them find nothing to create or delete;
    /// after the last step, never again.
    #[test]
    fn the_controller_never_leaves_work_undone(case in case(any_strategy(), true, true)) {
        let rollout = simulated(&case)?;
        let current = &*rollout.revisions.to;
        let min_ready = case.min_ready();
        let all: Vec<(usize, &State)> = states(&rollout).collect();
        for (k, &(i, state)) in all.iter().enumerate() {
            let next = all.get(k + 1).map(|(_, s)| s.time);
            if next == Some(state.time) {
                continue;
            }
            let mut moments = vec![state.time];
            if min_ready > 0 {
                moments.extend(
                    state
                        .nodes()
                        .flat_map(|n| n.pods.iter())
                        .filter_map(|p| p.ready_since.map(|s| s + min_ready))
                        .filter(|&t| t > state.time && next.is_none_or(|next| t < next)),
                );
            }
            for now in moments {
                if let Some(what) = due(state, now, current, case.strategy, min_ready) {
                    return Err(TestCaseError::fail(format!(
                        "state {i} (at {} ms) at {now} ms: {what}, but nothing happens until {next:?}\n{}\n{}",
                        state.time,
                        case.describe(),
                        rollout.to_text()
                    )));
                }
            }
        }
    }

    /// Status (section 5): every step's status equals a recount from the state after it:
    /// desired = present should-run nodes, current = those with a pod, and for the first
    /// pod in manage order updated (current revision), ready, available (minReadySeconds at
    /// the state's time); misscheduled = other present nodes with a pod. The states also
    /// keep each node's pods in manage order, each step's message is what `kubectl rollout
    /// status` prints for its status (section 6), and the outcome is Complete exactly when
    /// the last status shows every desired node updated and available.
    #[test]
    fn status_matches_a_recount_of_every_state(case in case(any_strategy(), true, true)) {
        let rollout = simulated(&case)?;
        let current = &*rollout.revisions.to;
        for (i, step) in rollout.steps.iter().enumerate() {
            let Some(state) = rollout.state_at(i + 1) else {
                return Err(TestCaseError::fail(format!("no state after step {i}")));
            };
            let want = Status {
                observed_generation: step.status.observed_generation,
                ..recount(state, current, case.min_ready())
            };
            prop_assert_eq!(
                step.status, want,
                "step {} at {} ms\n{}\n{}", i, step.time, case.describe(), rollout.to_text()
            );
            for node in state.nodes() {
                let order: Vec<_> = node.pods.iter().map(|p| (!p.scheduled, p.created, p.name.clone())).collect();
                let mut sorted = order.clone();
                daemonset_sim::order::sort(&mut sorted);
                prop_assert_eq!(order, sorted, "state {}: pods of {} out of manage order", i + 1, node.name);
            }
            prop_assert_eq!(&step.message, &rollout_status(case.strategy, &step.status));
        }
        let last = rollout.steps.last().map(|s| s.status).unwrap_or_default();
        let done = last.updated_number_scheduled == last.desired_number_scheduled
            && last.number_available == last.desired_number_scheduled;
        prop_assert_eq!(rollout.outcome == Outcome::Complete, done, "{}", rollout.reason);
    }

    /// The timeline is consistent: there is a state before the update and one after each
    /// step, at the step's time; step times never decrease; a created pod is on its node
    /// (with the event's revision) in the state after the step, a deleted pod is nowhere;
    /// a pod whose last change in the step was turning Ready (or available) is Ready (and
    /// available) after it, unless deleted in the same step, and one that failed is not Ready.
    #[test]
    fn steps_are_ordered_and_events_match_the_states(case in case(any_strategy(), true, true)) {
        let rollout = simulated(&case)?;
        prop_assert_eq!(rollout.states.len(), rollout.steps.len() + 1);
        prop_assert_eq!(rollout.state_at(0).map(|s| s.time), Some(0));
        let mut last = 0;
        for (i, step) in rollout.steps.iter().enumerate() {
            prop_assert!(step.time >= last, "step {} at {} ms after {} ms", i, step.time, last);
            last = step.time;
            let Some(state) = rollout.state_at(i + 1) else {
                return Err(TestCaseError::fail(format!("no state after step {i}")));
            };
            prop_assert_eq!(state.time, step.time);
            for e in &step.events {
                let on_node = state
                    .nodes()
                    .find(|n| n.name == e.node)
                    .and_then(|n| n.pods.iter().find(|p| p.name == e.pod));
                let anywhere = state.nodes().any(|n| n.pods.iter().any(|p| p.name == e.pod));
                match e.kind {
                    EventKind::Create => prop_assert!(
                        on_node.is_some_and(|p| p.revision == e.revision && p.created == step.time),
                        "step {i}: created pod {} is not on {}\n{}", e.pod, e.node, case.describe()
                    ),
                    EventKind::Delete => prop_assert!(
                        !anywhere,
                        "step {i}: deleted pod {} is still there\n{}", e.pod, case.describe()
                    ),
                    _ => {}
                }
            }
            let mut last_change: Vec<(&str, &str, EventKind)> = Vec::new();
            for e in step.events.iter().filter(|e| e.kind != EventKind::Create) {
                last_change.retain(|(_, pod, _)| *pod != &*e.pod);
                last_change.push((&e.node, &e.pod, e.kind));
            }
            for (node, name, kind) in last_change {
                let pod = state
                    .nodes()
                    .filter(|n| &*n.name == node)
                    .flat_map(|n| n.pods.iter())
                    .find(|p| &*p.name == name);
                let ok = match (kind, pod) {
                    (EventKind::Delete, pod) => pod.is_none(),
                    (_, None) => false,
                    (EventKind::Ready, Some(p)) => p.ready_since == Some(step.time),
                    (EventKind::Available, Some(p)) => available(p, case.min_ready(), step.time),
                    (EventKind::Failed, Some(p)) => p.ready_since.is_none(),
                    (EventKind::Create, Some(_)) => true,
                };
                prop_assert!(
                    ok,
                    "step {i}: pod {name} on {node} after its {} event: {pod:?}\n{}",
                    kind.as_str(), case.describe()
                );
            }
        }
    }

    /// No input makes the simulator panic: random clusters, strategies and faults with
    /// garbage options (readyAfter anywhere in what the CLI and the web page accept, or
    /// negative; unknown nodes, containers and DaemonSets; random `--at` texts; rollbacks to
    /// any revision). Errors are fine.
    #[test]
    fn no_options_make_the_simulator_panic(
        case in case(any_strategy(), true, true),
        garbage in garbage(),
        ready_after in prop_oneof![
            4 => 0i64..=60_000,
            1 => 0i64..=YEAR,
            1 => Just(YEAR),
            1 => -1_000i64..0,
            1 => Just(i64::MIN),
        ],
    ) {
        try_everything(&case, garbage, ready_after);
    }

    /// No readyAfter makes the simulator panic, however large: `simulate` is public, so a
    /// huge one must give an error or a timeline.
    #[test]
    fn huge_ready_after_does_not_panic(
        case in case(any_strategy(), true, true),
        garbage in garbage(),
        ready_after in prop_oneof![
            Just(i64::MAX),
            i64::MAX / 4..=i64::MAX,
            YEAR..=i64::MAX,
        ],
    ) {
        try_everything(&case, garbage, ready_after);
    }

}
