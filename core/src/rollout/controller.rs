//! The DaemonSet controller's sync over the engine's cluster: `manage` and
//! `podsShouldBeOnNode` (daemon_controller.go), then `rollingUpdate` (update.go).
//! Nodes are walked in name order; upstream walks a Go map, whose order is unspecified.

use super::engine::Engine;
use super::engine::EngineNode;
use super::model::SimPod;
use std::sync::Arc;

type Deletes = Vec<(usize, Arc<str>, String)>;
type Creates = Vec<(usize, String)>;

impl Engine<'_> {
    /// `manage`: a pod on every node that should run one, none on nodes that may not keep
    /// one, and duplicates pruned. Returns whether the API server refused a create.
    pub(super) fn manage(&mut self) -> bool {
        let surge = self.strategy.allows_surge();
        let mut creates: Creates = Vec::new();
        let mut deletes: Deletes = Vec::new();
        // Slices rather than vectors in the loops: indexing a slice is built into the
        // language, indexing a vector is a call, which the size-optimised WebAssembly build
        // does not inline (it made every sync over thousands of nodes slower).
        let nodes: &[EngineNode] = &self.nodes;
        for &i in &self.order {
            let node = &nodes[i];
            if !node.present {
                continue;
            }
            let decision = node.verdict.decision;
            let pods: &[SimPod] = &node.pods;
            if decision.should_run && pods.is_empty() {
                creates.push((
                    i,
                    "the node should run a daemon pod and has none".to_owned(),
                ));
            } else if decision.should_continue_running && !pods.is_empty() {
                if !surge {
                    for extra in pods.iter().skip(1) {
                        deletes.push((
                            i,
                            Arc::clone(&extra.name),
                            "more than one daemon pod on the node; the controller keeps the oldest"
                                .to_owned(),
                        ));
                    }
                    continue;
                }
                let new = pods.iter().position(|p| p.revision == self.current);
                let old = pods.iter().position(|p| p.revision != self.current);
                for (k, extra) in pods.iter().enumerate() {
                    if Some(k) != new && Some(k) != old {
                        deletes.push((
                            i,
                            Arc::clone(&extra.name),
                            "more than one daemon pod of a revision on the node".to_owned(),
                        ));
                    }
                }
                if let (Some(n), Some(o)) = (new, old) {
                    let (new, old) = (&pods[n], &pods[o]);
                    if !old.ready() {
                        deletes.push((
                            i,
                            Arc::clone(&old.name),
                            "surge: the old pod is not Ready and a new one is on the node"
                                .to_owned(),
                        ));
                    } else if new.available(self.min_ready, self.now) {
                        deletes.push((
                            i,
                            Arc::clone(&old.name),
                            "surge: the new pod beside it is available".to_owned(),
                        ));
                    }
                }
            } else if !decision.should_continue_running && !pods.is_empty() {
                let why = node
                    .verdict
                    .reasons
                    .first()
                    .map_or_else(String::new, |r| format!(": {}", r.message));
                for pod in pods {
                    deletes.push((
                        i,
                        Arc::clone(&pod.name),
                        format!("the daemon pod may not stay on this node{why}"),
                    ));
                }
            }
        }
        self.sync_nodes(deletes, creates)
    }

    /// `findUpdatedPodsOnNode`: at most one pod of the current revision and one of any
    /// other; `None` when there are more (manage prunes them first).
    fn updated_and_old(&self, pods: &[SimPod]) -> Option<(Option<usize>, Option<usize>)> {
        let mut new = None;
        let mut old = None;
        for (k, pod) in pods.iter().enumerate() {
            let slot = if pod.revision == self.current {
                &mut new
            } else {
                &mut old
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(k);
        }
        Some((new, old))
    }

    /// `rollingUpdate`: without surge, delete old pods within maxUnavailable (manage
    /// recreates them next sync); with surge, create new pods beside old ones within
    /// maxSurge and delete each old pod once its new one is available. Returns whether the
    /// API server refused a create.
    pub(super) fn rolling_update(&mut self) -> bool {
        // Slices rather than vectors, and plain loops rather than iterator adapters over
        // closures, as in `manage`: every sync walks every node.
        let nodes: &[EngineNode] = &self.nodes;
        let mut desired = 0usize;
        let mut walk: Vec<usize> = Vec::new();
        for &i in &self.order {
            let n = &nodes[i];
            if !n.present {
                continue;
            }
            let should_run = n.verdict.decision.should_run;
            desired += usize::from(should_run);
            if should_run || !n.pods.is_empty() {
                walk.push(i);
            }
        }
        let desired = i64::try_from(desired).unwrap_or(i64::MAX);
        let limits = self.strategy.limits(desired);
        let now = self.now;
        let min_ready = self.min_ready;
        let available = |p: &SimPod| p.available(min_ready, now);
        if limits.max_surge == 0 {
            let mut unavailable = 0i64;
            let mut replacements: Deletes = Vec::new();
            let mut candidates: Deletes = Vec::new();
            for &i in &walk {
                let pods: &[SimPod] = &nodes[i].pods;
                let Some((new, old)) = self.updated_and_old(pods) else {
                    unavailable += 1;
                    continue;
                };
                match (new, old) {
                    (None, None) | (Some(_), Some(_)) => unavailable += 1,
                    (Some(n), None) => {
                        if !available(&pods[n]) {
                            unavailable += 1;
                        }
                    }
                    (None, Some(o)) => {
                        let old = &pods[o];
                        if !available(old) {
                            replacements.push((
                                i,
                                Arc::clone(&old.name),
                                "rolling update: the old pod is not available, so it is replaced at once".to_owned(),
                            ));
                            unavailable += 1;
                        } else if unavailable < limits.max_unavailable {
                            candidates.push((
                                i,
                                Arc::clone(&old.name),
                                format!(
                                    "rolling update: old revision, within maxUnavailable {}",
                                    limits.max_unavailable
                                ),
                            ));
                        }
                    }
                }
            }
            let remaining = (limits.max_unavailable - unavailable)
                .clamp(0, i64::try_from(candidates.len()).unwrap_or(i64::MAX));
            replacements.extend(
                candidates
                    .into_iter()
                    .take(usize::try_from(remaining).unwrap_or(0)),
            );
            return self.sync_nodes(replacements, Vec::new());
        }
        let mut deletes: Deletes = Vec::new();
        let mut should_not_run: Deletes = Vec::new();
        let mut candidates: Creates = Vec::new();
        let mut allowed: Creates = Vec::new();
        let mut surge = 0i64;
        let mut number_available = 0i64;
        for &i in &walk {
            let node = &nodes[i];
            let pods: &[SimPod] = &node.pods;
            let Some((new, old)) = self.updated_and_old(pods) else {
                surge += 1;
                continue;
            };
            match (old, new) {
                (Some(o), _) if available(&pods[o]) => number_available += 1,
                (None, Some(n)) if available(&pods[n]) => number_available += 1,
                _ => {}
            }
            let should_run = node.verdict.decision.should_run;
            match (old, new) {
                (None, _) => {}
                (Some(o), None) => {
                    let old = &pods[o];
                    if !available(old) {
                        if should_run {
                            allowed.push((
                                i,
                                "surge: the old pod is not available, so a new one starts at once"
                                    .to_owned(),
                            ));
                        } else {
                            deletes.push((
                                i,
                                Arc::clone(&old.name),
                                "surge: the old pod is not available and the node should no longer run it".to_owned(),
                            ));
                        }
                    } else if !should_run {
                        should_not_run.push((
                            i,
                            Arc::clone(&old.name),
                            "surge: the node should no longer run the pod, and enough pods elsewhere are available".to_owned(),
                        ));
                    } else if surge < limits.max_surge {
                        candidates.push((
                            i,
                            format!(
                                "surge: a new pod beside the old one, within maxSurge {}",
                                limits.max_surge
                            ),
                        ));
                    }
                }
                (Some(o), Some(n)) => {
                    if available(&pods[n]) {
                        deletes.push((
                            i,
                            Arc::clone(&pods[o].name),
                            "surge: the new pod beside it is available".to_owned(),
                        ));
                    } else {
                        surge += 1;
                    }
                }
            }
        }
        let deletable = (number_available - desired)
            .clamp(0, i64::try_from(should_not_run.len()).unwrap_or(i64::MAX));
        deletes.extend(
            should_not_run
                .into_iter()
                .take(usize::try_from(deletable).unwrap_or(0)),
        );
        let remaining = (limits.max_surge - surge)
            .clamp(0, i64::try_from(candidates.len()).unwrap_or(i64::MAX));
        allowed.extend(
            candidates
                .into_iter()
                .take(usize::try_from(remaining).unwrap_or(0)),
        );
        self.sync_nodes(deletes, allowed)
    }
}
