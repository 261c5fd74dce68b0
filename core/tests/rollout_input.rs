//! A rollout that starts from the pods a cluster dump shows (`kubectl get pods -o yaml`)
//! rather than from a fresh, fully rolled-out DaemonSet.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::manifest::{read, Source};
use daemonset_sim::rollout::{simulate, EventKind, Outcome, RolloutOptions, Update};

const DUMP: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ops
  uid: 0b7c1d2e-1111-2222-3333-444455556666
  generation: 3
  annotations:
    deprecated.daemonset.template.generation: "3"
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - {name: agent, image: "agent:3"}
status:
  observedGeneration: 3
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: n1}}
- {apiVersion: v1, kind: Node, metadata: {name: n2}}
- {apiVersion: v1, kind: Node, metadata: {name: n3}}
- {apiVersion: v1, kind: Node, metadata: {name: n4}}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: agent-aaaaa
    namespace: ops
    labels: {app: agent, controller-revision-hash: 6d4f8b9c7, pod-template-generation: "3"}
    ownerReferences:
    - {apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: 0b7c1d2e-1111-2222-3333-444455556666, controller: true}
  spec:
    nodeName: n1
    containers: [{name: agent, image: "agent:3"}]
  status:
    phase: Running
    conditions: [{type: Ready, status: "True"}]
- apiVersion: v1
  kind: Pod
  metadata:
    name: agent-bbbbb
    namespace: ops
    labels: {app: agent, controller-revision-hash: 6d4f8b9c7, pod-template-generation: "3"}
    ownerReferences:
    - {apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: 0b7c1d2e-1111-2222-3333-444455556666, controller: true}
  spec:
    nodeName: n2
    containers: [{name: agent, image: "agent:3"}]
  status:
    phase: Running
    conditions: [{type: Ready, status: "True"}]
- apiVersion: v1
  kind: Pod
  metadata:
    name: agent-ccccc
    namespace: ops
    labels: {app: agent, controller-revision-hash: 5c9b7d6f4, pod-template-generation: "2"}
    ownerReferences:
    - {apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: 0b7c1d2e-1111-2222-3333-444455556666, controller: true}
  spec:
    nodeName: n3
    containers: [{name: agent, image: "agent:2"}]
  status:
    phase: Running
    conditions: [{type: Ready, status: "True"}]
- apiVersion: v1
  kind: Pod
  metadata:
    name: agent-ddddd
    namespace: ops
    labels: {app: agent, controller-revision-hash: 6d4f8b9c7, pod-template-generation: "3"}
    ownerReferences:
    - {apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: 0b7c1d2e-1111-2222-3333-444455556666, controller: true}
  spec:
    nodeName: n4
    containers: [{name: agent, image: "agent:3"}]
  status:
    phase: Running
    conditions: [{type: Ready, status: "False"}]
    containerStatuses:
    - name: agent
      ready: false
      restartCount: 7
      image: "agent:3"
      imageID: ""
      state: {waiting: {reason: CrashLoopBackOff}}
"#;

fn rollout(update: Update) -> daemonset_sim::rollout::Rollout {
    let manifests = read(&[Source {
        name: "dump.yaml",
        text: DUMP,
    }])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let options = RolloutOptions {
        update,
        ..RolloutOptions::default()
    };
    simulate(&manifests, &["dump.yaml"], &options).unwrap_or_else(|e| panic!("{e:?}"))
}

/// The live revision's hash is the one on the pods of the current template generation,
/// and the pods start as the dump shows them.
#[test]
fn starts_from_the_pods_in_the_dump() {
    let r = rollout(Update::SetImage(vec![("agent".into(), "agent:4".into())]));
    assert_eq!(&*r.revisions.from, "6d4f8b9c7");
    let initial: Vec<(&str, &str, &str, bool)> = r
        .initial
        .iter()
        .map(|p| (&*p.node, &*p.pod, &*p.revision, p.ready))
        .collect();
    assert_eq!(
        initial,
        vec![
            ("n1", "agent-aaaaa", "6d4f8b9c7", true),
            ("n2", "agent-bbbbb", "6d4f8b9c7", true),
            ("n3", "agent-ccccc", "5c9b7d6f4", true),
            ("n4", "agent-ddddd", "6d4f8b9c7", false),
        ]
    );
    // The crash-looping pod is not available, so it is replaced at once, beyond the
    // budget of one; the first sync also deletes nothing else (the budget is used).
    let first_deletes: Vec<&str> = r.steps[0]
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Delete)
        .map(|e| &*e.pod)
        .collect();
    assert_eq!(first_deletes, vec!["agent-ddddd"]);
    assert_eq!(r.outcome, Outcome::Complete, "{}", r.reason);
}

/// Without a template change, the outdated pod (an older generation) is still a
/// candidate, but n4's crash-looping pod is of the current revision: it is never deleted
/// (its phase is Running, not Failed) and keeps n4 unavailable, which uses the whole
/// budget of one. Nothing moves and the rollout stays stalled, as on a real cluster.
#[test]
fn a_crash_looping_current_pod_holds_the_budget() {
    let r = rollout(Update::None);
    let deleted = r
        .steps
        .iter()
        .flat_map(|s| s.events.iter())
        .filter(|e| e.kind == EventKind::Delete)
        .count();
    assert_eq!(deleted, 0, "{}", r.to_text());
    assert_eq!(r.revisions.from, r.revisions.to);
    assert_eq!(r.outcome, Outcome::Stalled);
    assert!(r.reason.contains("CrashLoopBackOff"), "{}", r.reason);
    assert!(r.reason.contains("maxUnavailable 1"), "{}", r.reason);
}
