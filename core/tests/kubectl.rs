//! The kubectl emulator: golden outputs taken from Kubernetes' own tests (each cites its
//! test), every kubectl command of the study guide run against the guide's YAML on a small
//! cluster, changes that the controller acts on, the simulated clock, and kubectl's error
//! words.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::kubectl::clock::human_duration;
use daemonset_sim::kubectl::describe;
use daemonset_sim::kubectl::printers::{self, Table};
use daemonset_sim::kubectl::{Options, Output, Session, Stream};
use daemonset_sim::manifest::{self, Source};
use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Container, ImageVolumeSource, Node, NodeCondition, NodeSpec, NodeStatus, Pod, PodSpec,
    Toleration, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;
use std::path::Path;

const NODES: &str = "apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-1\n  labels: {monitoring: enabled}\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: worker-2\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: control-plane-1\n  labels: {node-role.kubernetes.io/control-plane: \"\"}\nspec:\n  taints:\n  - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}\n";

fn guide(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/guide")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn session_with(texts: &[(&str, &str)], options: &Options) -> Session {
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let manifests = manifest::read(&sources).unwrap_or_else(|e| panic!("{e:?}"));
    Session::new(&manifests, options).unwrap_or_else(|e| panic!("{e:?}"))
}

fn session(texts: &[(&str, &str)]) -> Session {
    session_with(texts, &Options::default())
}

/// The guide's files, as `apply -f` reads them.
fn files() -> BTreeMap<String, String> {
    [
        "basic-daemonset.yaml",
        "node-selection.yaml",
        "rolling-update.yaml",
        "service-account.yaml",
    ]
    .into_iter()
    .map(|f| (f.to_owned(), guide(f)))
    .collect()
}

/// Splits a command line as a shell would for simple words (`'...'` groups).
fn words(line: &str) -> Vec<String> {
    daemonset_sim::kubectl::args::shell_words(line).unwrap_or_else(|e| panic!("{e}"))
}

fn run(s: &mut Session, line: &str) -> Output {
    s.run(&words(line), &files())
}

fn ok(s: &mut Session, line: &str) -> String {
    let out = run(s, line);
    assert_eq!(out.code, 0, "`{line}` failed:\n{}", out.transcript());
    out.stdout()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

// ---- Golden outputs from Kubernetes' tests ----

/// `pkg/printers/internalversion/printers_test.go`, `TestPrintDaemonSet`: a DaemonSet
/// created just now with desired 3, current 2, ready 1, up-to-date 2, available 0 prints
/// `test1   3     2     1     2     0     <none>   0s` without headers.
#[test]
fn daemon_set_row_matches_test_print_daemon_set() {
    let ds = DaemonSet {
        metadata: ObjectMeta {
            name: Some("test1".into()),
            ..ObjectMeta::default()
        },
        spec: k8s_openapi::api::apps::v1::DaemonSetSpec {
            template: k8s_openapi::api::core::v1::PodTemplateSpec {
                spec: Some(PodSpec {
                    containers: vec![Container::default(), Container::default()],
                    ..PodSpec::default()
                }),
                metadata: None,
            },
            ..Default::default()
        },
        status: Some(DaemonSetStatus {
            current_number_scheduled: 2,
            desired_number_scheduled: 3,
            number_ready: 1,
            updated_number_scheduled: Some(2),
            number_available: Some(0),
            ..DaemonSetStatus::default()
        }),
    };
    let mut table = Table::new(&printers::daemon_set_headers(false));
    table.rows.push(printers::daemon_set_row(&ds, "0s", false));
    assert_eq!(
        table.render(false),
        "test1   3     2     1     2     0     <none>   0s\n"
    );
    assert_eq!(
        first_line(&table.render(true)),
        "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE"
    );
}

/// `staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go`,
/// `TestHumanDuration` and `TestHumanDurationBoundaries`.
#[test]
fn ages_match_the_duration_tests() {
    const S: i64 = 1000;
    const M: i64 = 60 * S;
    const H: i64 = 60 * M;
    const D: i64 = 24 * H;
    const Y: i64 = 365 * D;
    for (ms, want) in [
        (S, "1s"),
        (70 * S, "70s"),
        (190 * S, "3m10s"),
        (70 * M, "70m"),
        (47 * H, "47h"),
        (49 * H, "2d1h"),
        ((8 * 24 + 2) * H, "8d"),
        (367 * D, "367d"),
        ((365 * 2 * 24 + 25) * H, "2y1d"),
        ((365 * 8 * 24 + 2) * H, "8y"),
        (-2 * S, "<invalid>"),
        (-2 * S + 1, "0s"),
        (0, "0s"),
        (S - 1, "0s"),
        (2 * M - 1, "119s"),
        (2 * M, "2m"),
        (2 * M + S, "2m1s"),
        (10 * M - 1, "9m59s"),
        (10 * M, "10m"),
        (10 * M + S, "10m"),
        (3 * H - 1, "179m"),
        (3 * H, "3h"),
        (3 * H + M, "3h1m"),
        (8 * H - 1, "7h59m"),
        (8 * H, "8h"),
        (8 * H + 59 * M, "8h"),
        (2 * D - 1, "47h"),
        (2 * D, "2d"),
        (2 * D + H, "2d1h"),
        (8 * D - 1, "7d23h"),
        (8 * D, "8d"),
        (8 * D + 23 * H, "8d"),
        (2 * Y - 1, "729d"),
        (2 * Y, "2y"),
        (2 * Y + 23 * H, "2y"),
        (2 * Y + 24 * H, "2y1d"),
        (3 * Y, "3y"),
        (8 * Y - 1, "7y364d"),
        (8 * Y, "8y"),
        (8 * Y + 364 * D, "8y"),
        (9 * Y, "9y"),
    ] {
        assert_eq!(human_duration(ms), want, "{ms} ms");
    }
}

fn empty_session() -> Session {
    Session::new(&manifest::Manifests::default(), &Options::default())
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// `staging/src/k8s.io/kubectl/pkg/describe/describe_test.go`, `TestDescribePodVolumes`:
/// the whole description of a pod with an image volume, every line and space.
#[test]
fn pod_description_matches_test_describe_pod_volumes() {
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some("bar".into()),
            namespace: Some("foo".into()),
            ..ObjectMeta::default()
        },
        spec: Some(PodSpec {
            volumes: Some(vec![Volume {
                name: "image".into(),
                image: Some(ImageVolumeSource {
                    reference: Some("image".into()),
                    pull_policy: Some("IfNotPresent".into()),
                }),
                ..Volume::default()
            }]),
            ..PodSpec::default()
        }),
        status: None,
    };
    let expected = "Name:         bar
Namespace:    foo
Node:         <none>
Labels:       <none>
Annotations:  <none>
Status:       
IP:           
IPs:          <none>
Containers: <none>
Volumes:
  image:
    Type:        Image (a container image or OCI artifact)
    Reference:   image
    PullPolicy:  IfNotPresent
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     <none>
Events:          <none>
";
    assert_eq!(describe::pod::describe(&empty_session(), &pod), expected);
}

/// `describe_test.go`, `TestDescribePodTolerations`: how each kind of toleration reads.
#[test]
fn tolerations_match_test_describe_pod_tolerations() {
    let t = |key: Option<&str>,
             op: Option<&str>,
             value: Option<&str>,
             effect: Option<&str>,
             secs: Option<i64>| Toleration {
        key: key.map(Into::into),
        operator: op.map(Into::into),
        value: value.map(Into::into),
        effect: effect.map(Into::into),
        toleration_seconds: secs,
    };
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some("bar".into()),
            namespace: Some("foo".into()),
            ..ObjectMeta::default()
        },
        spec: Some(PodSpec {
            tolerations: Some(vec![
                t(None, Some("Exists"), None, None, None),
                t(None, Some("Exists"), None, Some("NoSchedule"), None),
                t(Some("key0"), Some("Exists"), None, None, None),
                t(Some("key1"), None, Some("value1"), None, None),
                t(
                    Some("key2"),
                    Some("Equal"),
                    Some("value2"),
                    Some("NoSchedule"),
                    None,
                ),
                t(
                    Some("key3"),
                    None,
                    Some("value3"),
                    Some("NoExecute"),
                    Some(300),
                ),
                t(Some("key4"), None, None, Some("NoExecute"), Some(60)),
            ]),
            ..PodSpec::default()
        }),
        status: None,
    };
    let out = describe::pod::describe(&empty_session(), &pod);
    for want in [
        "  op=Exists\n",
        ":NoSchedule op=Exists\n",
        "key0 op=Exists\n",
        "key1=value1\n",
        "key2=value2:NoSchedule\n",
        "key3=value3:NoExecute for 300s\n",
        "key4:NoExecute for 60s\n",
        "Tolerations:",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}

/// `pkg/printers/internalversion/printers_test.go`, `TestPrintNodeStatus` (foo1 to foo3:
/// Ready, cordoned, a repeated Ready condition), and two cases `printNode` implies
/// (Ready False, no conditions on a cordoned node).
#[test]
fn node_status_matches_test_print_node_status() {
    let node = |name: &str, unschedulable: bool, conditions: &[(&str, &str)]| Node {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        },
        spec: Some(NodeSpec {
            unschedulable: Some(unschedulable),
            ..NodeSpec::default()
        }),
        status: Some(NodeStatus {
            conditions: Some(
                conditions
                    .iter()
                    .map(|(t, s)| NodeCondition {
                        type_: (*t).into(),
                        status: (*s).into(),
                        ..NodeCondition::default()
                    })
                    .collect(),
            ),
            ..NodeStatus::default()
        }),
    };
    assert_eq!(
        printers::node_status(&node("foo1", false, &[("Ready", "True")])),
        "Ready"
    );
    assert_eq!(
        printers::node_status(&node("foo2", true, &[("Ready", "True")])),
        "Ready,SchedulingDisabled"
    );
    assert_eq!(
        printers::node_status(&node(
            "foo3",
            false,
            &[("Ready", "True"), ("Ready", "True")]
        )),
        "Ready"
    );
    assert_eq!(
        printers::node_status(&node("foo4", false, &[("Ready", "False")])),
        "NotReady"
    );
    assert_eq!(
        printers::node_status(&node("foo5", true, &[])),
        "Unknown,SchedulingDisabled"
    );
}

fn lines(list: &[&str]) -> String {
    list.iter().map(|l| format!("{l}\n")).collect()
}

/// The guide's basic DaemonSet applied to three nodes (one a tainted control plane), a
/// minute later.
fn applied_log_collector() -> Session {
    let mut s = session(&[("nodes.yaml", NODES)]);
    assert_eq!(
        ok(&mut s, "apply -f basic-daemonset.yaml"),
        "daemonset.apps/log-collector created\n"
    );
    ok(&mut s, "sleep 60");
    s
}

// ---- Every kubectl command of the study guide ----

/// "Create DaemonSet": `kubectl apply -f daemonset.yaml`, again unchanged.
#[test]
fn guide_apply_creates_then_leaves_unchanged() {
    let mut s = session(&[("nodes.yaml", NODES)]);
    assert_eq!(
        ok(&mut s, "apply -f basic-daemonset.yaml"),
        "daemonset.apps/log-collector created\n"
    );
    assert_eq!(
        ok(&mut s, "apply -f basic-daemonset.yaml"),
        "daemonset.apps/log-collector unchanged\n"
    );
    let pods = ok(&mut s, "get pods");
    assert!(pods.contains("ContainerCreating"), "{pods}");
}

/// "Generate DaemonSet YAML": kubectl has no `create daemonset`, so `create` fails on the
/// first flag it does not know; the emulator then shows the way that works, and that way
/// works.
#[test]
fn guide_create_daemonset_fails_like_kubectl_and_shows_the_alternative() {
    let mut s = session(&[("nodes.yaml", NODES)]);
    let out = run(
        &mut s,
        "create daemonset log-collector --image=fluentd:v1.14 --dry-run=client -o yaml",
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout(), "");
    let err = out.stderr();
    assert!(
        err.starts_with("error: unknown flag: --image\nSee 'kubectl create --help' for usage.\n"),
        "{err}"
    );
    assert!(
        err.contains("kubectl create deployment log-collector --image=fluentd:v1.14 --dry-run=client -o yaml"),
        "{err}"
    );
    let out = run(&mut s, "create daemonset log-collector");
    assert!(out.stderr().starts_with(
        "Error: must specify one of -f and -k\n\nerror: unknown command \"daemonset log-collector\"\nSee 'kubectl create -h' for help and examples\n"
    ), "{}", out.stderr());
    let yaml = ok(
        &mut s,
        "create deployment log-collector --image=fluentd:v1.14 --dry-run=client -o yaml",
    );
    assert_eq!(
        yaml,
        lines(&[
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            "  creationTimestamp: null",
            "  labels:",
            "    app: log-collector",
            "  name: log-collector",
            "spec:",
            "  replicas: 1",
            "  selector:",
            "    matchLabels:",
            "      app: log-collector",
            "  strategy: {}",
            "  template:",
            "    metadata:",
            "      creationTimestamp: null",
            "      labels:",
            "        app: log-collector",
            "    spec:",
            "      containers:",
            "      - image: fluentd:v1.14",
            "        name: fluentd",
            "        resources: {}",
            "status: {}",
        ])
    );
    // The edit the hint describes turns it into a DaemonSet the API server accepts.
    let daemon_set = yaml
        .replace("kind: Deployment", "kind: DaemonSet")
        .replace("  replicas: 1\n", "")
        .replace("  strategy: {}\n", "")
        .replace("status: {}\n", "");
    let files: BTreeMap<String, String> = [("daemonset.yaml".to_owned(), daemon_set)].into();
    let out = s.run(&words("apply -f daemonset.yaml"), &files);
    assert_eq!(
        out.stdout(),
        "daemonset.apps/log-collector created\n",
        "{}",
        out.transcript()
    );
}

/// "Get DaemonSets": `kubectl get daemonsets`, `kubectl get ds`, and
/// `kubectl get daemonset log-collector`.
#[test]
fn guide_get_daemonsets() {
    let mut s = applied_log_collector();
    let want = lines(&[
        "NAME            DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE",
        "log-collector   2         2         2       2            2           <none>          60s",
    ]);
    assert_eq!(ok(&mut s, "get daemonsets"), want);
    assert_eq!(ok(&mut s, "get ds"), want);
    assert_eq!(ok(&mut s, "get daemonset log-collector"), want);
}

/// "Check DaemonSet status": `kubectl get ds log-collector -o wide`.
#[test]
fn guide_get_ds_wide() {
    let mut s = applied_log_collector();
    assert_eq!(
        ok(&mut s, "get ds log-collector -o wide"),
        lines(&[
            "NAME            DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES          SELECTOR",
            "log-collector   2         2         2       2            2           <none>          60s   fluentd      fluentd:v1.14   app=log-collector",
        ])
    );
}

/// "Describe DaemonSet": `kubectl describe daemonset log-collector`, every line as
/// `describeDaemonSet` writes it, with the controller's events.
#[test]
fn guide_describe_daemonset() {
    let mut s = applied_log_collector();
    assert_eq!(
        ok(&mut s, "describe daemonset log-collector"),
        lines(&[
            "Name:           log-collector",
            "Namespace:      default",
            "Selector:       app=log-collector",
            "Node-Selector:  <none>",
            "Labels:         <none>",
            "Annotations:    deprecated.daemonset.template.generation: 1",
            "Desired Number of Nodes Scheduled: 2",
            "Current Number of Nodes Scheduled: 2",
            "Number of Nodes Scheduled with Up-to-date Pods: 2",
            "Number of Nodes Scheduled with Available Pods: 2",
            "Number of Nodes Misscheduled: 0",
            "Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
            "Pod Template:",
            "  Labels:  app=log-collector",
            "  Containers:",
            "   fluentd:",
            "    Image:        fluentd:v1.14",
            "    Port:         <none>",
            "    Host Port:    <none>",
            "    Environment:  <none>",
            "    Mounts:",
            "      /var/lib/docker/containers from varlibdockercontainers (ro)",
            "      /var/log from varlog (rw)",
            "  Volumes:",
            "   varlog:",
            "    Type:          HostPath (bare host directory volume)",
            "    Path:          /var/log",
            "    HostPathType:  ",
            "   varlibdockercontainers:",
            "    Type:          HostPath (bare host directory volume)",
            "    Path:          /var/lib/docker/containers",
            "    HostPathType:  ",
            "  Node-Selectors:  <none>",
            "  Tolerations:     <none>",
            "Events:",
            "  Type    Reason            Age   From                  Message",
            "  ----    ------            ----  ----                  -------",
            "  Normal  SuccessfulCreate  60s   daemonset-controller  Created pod: log-collector-q9mjc",
            "  Normal  SuccessfulCreate  60s   daemonset-controller  Created pod: log-collector-x24fr",
        ])
    );
}

/// "Detailed status": `kubectl describe daemonset log-collector | grep -A 10 "Pod Status"`.
/// The guide's pattern matches nothing (the line is `Pods Status:`), as with real grep;
/// the emulator says what the output has.
#[test]
fn guide_describe_piped_into_grep() {
    let mut s = applied_log_collector();
    let out = run(
        &mut s,
        "describe daemonset log-collector | grep -A 10 'Pod Status'",
    );
    assert_eq!(out.stdout(), "");
    assert_eq!(out.code, 1);
    assert!(out.stderr().contains("\"Pods Status\""), "{}", out.stderr());
    let out = ok(
        &mut s,
        "describe daemonset log-collector | grep -A 2 'Pods Status'",
    );
    assert_eq!(
        out,
        lines(&[
            "Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
            "Pod Template:",
            "  Labels:  app=log-collector",
        ])
    );
}

/// "Update image" and "Check rollout status": `kubectl set image
/// daemonset/log-collector fluentd=fluentd:v1.15`, then `kubectl rollout status
/// daemonset/log-collector` waits (the clock runs on) and prints every status change.
#[test]
fn guide_set_image_and_rollout_status() {
    let mut s = applied_log_collector();
    assert_eq!(
        ok(
            &mut s,
            "set image daemonset/log-collector fluentd=fluentd:v1.15"
        ),
        "daemonset.apps/log-collector image updated\n"
    );
    let before = s.now;
    assert_eq!(
        ok(&mut s, "rollout status daemonset/log-collector"),
        lines(&[
            "Waiting for daemon set \"log-collector\" rollout to finish: 1 out of 2 new pods have been updated...",
            "Waiting for daemon set \"log-collector\" rollout to finish: 1 of 2 updated pods are available...",
            "daemon set \"log-collector\" successfully rolled out",
        ])
    );
    assert_eq!(s.now - before, 10_000, "two waves of 5 s");
    let wide = ok(&mut s, "get ds log-collector -o wide");
    assert!(wide.contains("fluentd:v1.15"), "{wide}");
    assert_eq!(
        ok(&mut s, "rollout status daemonset/log-collector"),
        "daemon set \"log-collector\" successfully rolled out\n"
    );
}

/// "Edit DaemonSet": `kubectl edit daemonset log-collector` needs an editor; the emulator
/// says what to do instead.
#[test]
fn guide_edit_explains_the_alternative() {
    let mut s = applied_log_collector();
    let out = run(&mut s, "edit daemonset log-collector");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr().contains("kubectl apply -f"),
        "{}",
        out.stderr()
    );
}

/// "See pods across nodes": `kubectl get pods -l app=log-collector -o wide`, and "Check
/// which nodes have DaemonSet pods": `kubectl get nodes`.
#[test]
fn guide_pods_across_nodes() {
    let mut s = applied_log_collector();
    assert_eq!(
        ok(&mut s, "get pods -l app=log-collector -o wide"),
        lines(&[
            "NAME                  READY   STATUS    RESTARTS   AGE   IP             NODE       NOMINATED NODE   READINESS GATES",
            "log-collector-q9mjc   1/1     Running   0          60s   10.244.1.236   worker-1   <none>           <none>",
            "log-collector-x24fr   1/1     Running   0          60s   10.244.2.130   worker-2   <none>           <none>",
        ])
    );
    assert_eq!(
        ok(&mut s, "get nodes"),
        lines(&[
            "NAME              STATUS   ROLES           AGE   VERSION",
            "control-plane-1   Ready    control-plane   30d   v1.33.1",
            "worker-1          Ready    <none>          30d   v1.33.1",
            "worker-2          Ready    <none>          30d   v1.33.1",
        ])
    );
    assert_eq!(ok(&mut s, "get pods -l app=other"), "");
}

/// "Common issues": `kubectl describe daemonset <daemonset-name>` (a placeholder the
/// emulator explains), `kubectl get daemonset NAME -o yaml`, `kubectl get nodes
/// --show-labels`, `kubectl describe node NAME | grep Taints`.
#[test]
fn guide_troubleshooting_commands() {
    let mut s = applied_log_collector();
    let out = run(&mut s, "describe daemonset <daemonset-name>");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr().contains("(here: log-collector)"),
        "{}",
        out.stderr()
    );
    let yaml = ok(&mut s, "get daemonset log-collector -o yaml");
    for want in [
        "apiVersion: apps/v1\nkind: DaemonSet\n",
        "  updateStrategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n    type: RollingUpdate\n",
        "status:\n  currentNumberScheduled: 2\n  desiredNumberScheduled: 2\n  numberAvailable: 2\n  numberMisscheduled: 0\n  numberReady: 2\n",
    ] {
        assert!(yaml.contains(want), "missing {want:?} in:\n{yaml}");
    }
    assert_eq!(
        ok(&mut s, "get nodes --show-labels"),
        lines(&[
            "NAME              STATUS   ROLES           AGE   VERSION   LABELS",
            "control-plane-1   Ready    control-plane   30d   v1.33.1   node-role.kubernetes.io/control-plane=",
            "worker-1          Ready    <none>          30d   v1.33.1   monitoring=enabled",
            "worker-2          Ready    <none>          30d   v1.33.1   <none>",
        ])
    );
    assert_eq!(
        ok(&mut s, "describe node control-plane-1 | grep Taints"),
        "Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n"
    );
}

/// "Check pod logs": `kubectl logs -l app=log-collector` prints simulated lines that say
/// so, for every pod.
#[test]
fn guide_logs_are_simulated_and_say_so() {
    let mut s = applied_log_collector();
    let out = ok(&mut s, "logs -l app=log-collector");
    assert_eq!(out.matches("simulated log").count(), 2, "{out}");
    assert!(
        out.contains(
            "pod log-collector-q9mjc, container fluentd, image fluentd:v1.14, on node worker-1"
        ),
        "{out}"
    );
}

/// "Check why pod not scheduled": `kubectl describe pod NAME` of a Pending pod shows the
/// scheduler's FailedScheduling event, repeated every five minutes since it was created.
#[test]
fn guide_describe_pending_pod_shows_failed_scheduling() {
    let quickstart = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/quickstart.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut s = session(&[("quickstart.yaml", &quickstart)]);
    let pods = ok(&mut s, "get pods -n monitoring -o wide");
    let pending = pods
        .lines()
        .find(|l| l.contains("Pending"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("{pods}"))
        .to_owned();
    let out = ok(&mut s, &format!("describe pod {pending} -n monitoring"));
    assert!(out.contains("Node:             <none>\n"), "{out}");
    assert!(out.contains("Status:           Pending\n"), "{out}");
    assert!(
        out.contains("  Warning  FailedScheduling  0s (x2881 over 10d)  default-scheduler  0/4 nodes are available: 1 Insufficient memory, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]."),
        "{out}"
    );
}

/// Every kubectl command of the guide (`tests/fixtures/guide/commands.sh`, verbatim, in
/// order) runs in one session. The ones real kubectl refuses or a shell would not run as
/// written fail here too, each with what to do instead: `create daemonset` (no such
/// subcommand), `edit` (no editor), the grep for "Pod Status" (the line says "Pods
/// Status"), and the `<placeholders>`. With the placeholders filled in, the rest succeed.
#[test]
fn every_guide_command_runs() {
    let script = guide("commands.sh");
    let commands = daemonset_sim::kubectl::parse_script(&script).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(commands.len(), 21, "{commands:?}");
    let mut files = files();
    files.insert("daemonset.yaml".to_owned(), guide("basic-daemonset.yaml"));
    let expected_failures = [
        (
            "create daemonset",
            "kubectl create deployment log-collector",
        ),
        ("edit daemonset", "kubectl apply -f"),
        ("'Pod Status'", "\"Pods Status\""),
        ("<daemonset-name>", "(here: log-collector)"),
        ("<node-name>", "(here: control-plane-1, worker-1, worker-2)"),
        ("<app-label>", "(here: log-collector)"),
        ("<pod-name>", "(here: log-collector-"),
    ];
    let mut s = session(&[("nodes.yaml", NODES)]);
    for command in &commands {
        let line = command
            .iter()
            .map(|w| {
                if w.contains(' ') {
                    format!("'{w}'")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let out = s.run(command, &files);
        let text = out.transcript();
        assert!(
            !text.contains("not emulated") && !text.contains("unknown command \""),
            "`{line}`: {text}"
        );
        match expected_failures
            .iter()
            .find(|(what, _)| line.contains(what))
        {
            Some((_, says)) => {
                assert_ne!(out.code, 0, "`{line}` should fail: {text}");
                assert!(text.contains(says), "`{line}`: {text}");
            }
            None => assert_eq!(out.code, 0, "`{line}`: {text}"),
        }
    }
    let pod = first_line(&ok(&mut s, "get pods -o name"))
        .trim_start_matches("pod/")
        .to_owned();
    let filled = script
        .replace("<daemonset-name>", "log-collector")
        .replace("<node-name>", "control-plane-1")
        .replace("<app-label>", "log-collector")
        .replace("<pod-name>", &pod);
    for command in daemonset_sim::kubectl::parse_script(&filled).unwrap_or_else(|e| panic!("{e}")) {
        let line = command.join(" ");
        if ["create daemonset", "edit daemonset", "Pod Status"]
            .iter()
            .any(|w| line.contains(w))
        {
            continue;
        }
        let out = s.run(&command, &files);
        assert_eq!(out.code, 0, "`{line}`: {}", out.transcript());
        assert!(!out.stdout().is_empty(), "`{line}` printed nothing");
    }
}

// ---- Changes the controller acts on ----

/// "Node Selection": labelling a node makes the controller create a pod there; a
/// NoExecute taint the pod does not tolerate makes it delete the pod.
#[test]
fn labels_and_taints_move_daemon_pods() {
    let mut s = session(&[
        ("nodes.yaml", NODES),
        ("ds.yaml", &guide("node-selection.yaml")),
    ]);
    let before = ok(&mut s, "get pods -o wide");
    assert_eq!(before.lines().count(), 2, "{before}");
    assert_eq!(
        ok(&mut s, "label nodes worker-2 monitoring=enabled"),
        "node/worker-2 labeled\n"
    );
    let after = ok(&mut s, "get pods -o wide");
    assert!(
        after.contains("ContainerCreating") && after.contains("worker-2"),
        "{after}"
    );
    let out = run(&mut s, "label nodes worker-2 monitoring=disabled");
    assert_eq!(
        out.stderr(),
        "error: 'monitoring' already has a value (enabled), and --overwrite is false\n"
    );
    assert_eq!(
        ok(&mut s, "taint nodes worker-1 dedicated=gpu:NoExecute"),
        "node/worker-1 tainted\n"
    );
    assert!(!ok(&mut s, "get pods -o wide").contains("worker-1"));
    assert_eq!(
        ok(&mut s, "taint nodes worker-1 dedicated=gpu:NoExecute-"),
        "node/worker-1 untainted\n"
    );
    assert!(ok(&mut s, "get pods -o wide").contains("worker-1"));
    assert_eq!(
        run(&mut s, "taint nodes worker-1 dedicated:NoExecute-").stderr(),
        "error: taint \"dedicated:NoExecute\" not found\n"
    );
}

/// Label keys with a prefix, and `node/NAME` resources, split as kubectl's
/// `GetResourcesAndPairs` and `taint.go` split them: resources first, then changes.
#[test]
fn prefixed_label_keys_and_typed_resources_split_like_kubectl() {
    let mut s = session(&[("nodes.yaml", NODES)]);
    assert_eq!(
        ok(&mut s, "label node/worker-2 example.com/pool=agents"),
        "node/worker-2 labeled\n"
    );
    assert!(ok(&mut s, "get nodes --show-labels").contains("example.com/pool=agents"));
    assert_eq!(
        ok(&mut s, "label nodes worker-2 example.com/pool-"),
        "node/worker-2 unlabeled\n"
    );
    assert_eq!(
        run(&mut s, "label nodes worker-2 a=b worker-1").stderr(),
        "error: all resources must be specified before label changes: worker-1\n"
    );
    assert_eq!(
        ok(
            &mut s,
            "taint node/worker-1 example.com/gpu=true:NoSchedule"
        ),
        "node/worker-1 tainted\n"
    );
    assert_eq!(
        run(&mut s, "taint nodes worker-1 k=v:NoSchedule worker-2").stderr(),
        "error: all resources must be specified before taint changes: worker-2\n"
    );
}

/// Deleting a daemon pod: the controller creates a new one with a new name.
#[test]
fn deleted_daemon_pod_is_replaced() {
    let mut s = applied_log_collector();
    assert_eq!(
        ok(&mut s, "delete pod log-collector-q9mjc"),
        "pod \"log-collector-q9mjc\" deleted\n"
    );
    let pods = ok(&mut s, "get pods -o wide");
    assert!(!pods.contains("log-collector-q9mjc"), "{pods}");
    assert_eq!(
        pods.lines().filter(|l| l.contains("worker-1")).count(),
        1,
        "{pods}"
    );
    let events = ok(&mut s, "describe ds log-collector | grep SuccessfulCreate");
    assert_eq!(events.lines().count(), 3, "{events}");
}

/// Deleting the pod that uses a node's memory lets the Pending daemon pod be scheduled,
/// and `describe node` counts what is requested on the node.
#[test]
fn deleting_a_resource_hog_lets_the_daemon_pod_schedule() {
    let cluster = "apiVersion: v1\nkind: Node\nmetadata: {name: small}\nstatus:\n  allocatable: {cpu: \"1\", memory: 256Mi, pods: \"110\"}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: hog, namespace: default}\nspec:\n  nodeName: small\n  containers:\n  - {name: hog, image: busybox, resources: {requests: {memory: 200Mi}}}\nstatus: {phase: Running}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers:\n      - {name: agent, image: agent:1, resources: {requests: {memory: 128Mi}}}\n";
    let mut s = session(&[("cluster.yaml", cluster)]);
    assert!(ok(&mut s, "get pods").contains("Pending"));
    let node = ok(&mut s, "describe node small");
    assert!(
        node.contains("  memory             200Mi (78%)  0 (0%)\n"),
        "{node}"
    );
    assert_eq!(ok(&mut s, "delete pod hog"), "pod \"hog\" deleted\n");
    ok(&mut s, "sleep 5");
    let pods = ok(&mut s, "get pods -o wide");
    assert!(
        pods.contains("1/1     Running") && pods.contains("small"),
        "{pods}"
    );
    let node = ok(&mut s, "describe node small");
    assert!(
        node.contains("  memory             128Mi (50%)  0 (0%)\n"),
        "{node}"
    );
}

/// `kubectl cordon`, `drain` (refused without `--ignore-daemonsets`, as kubectl words it),
/// `uncordon`.
#[test]
fn cordon_and_drain_like_kubectl() {
    let mut s = applied_log_collector();
    let out = run(&mut s, "drain worker-1");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.transcript(),
        lines(&[
            "node/worker-1 cordoned",
            "error: unable to drain node \"worker-1\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/log-collector-q9mjc, continuing command...",
            "There are pending nodes to be drained:",
            " worker-1",
            "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/log-collector-q9mjc",
        ])
    );
    let out = run(&mut s, "drain worker-1 --ignore-daemonsets");
    assert_eq!(
        out.transcript(),
        lines(&[
            "node/worker-1 already cordoned",
            "Warning: ignoring DaemonSet-managed Pods: default/log-collector-q9mjc",
            "node/worker-1 drained",
        ])
    );
    assert!(ok(&mut s, "get nodes").contains("worker-1          Ready,SchedulingDisabled"));
    assert_eq!(
        ok(&mut s, "uncordon worker-1"),
        "node/worker-1 uncordoned\n"
    );
    assert_eq!(
        ok(&mut s, "uncordon worker-1"),
        "node/worker-1 already uncordoned\n"
    );
    let node = ok(&mut s, "describe node worker-1");
    assert!(
        node.contains("NodeNotSchedulable  ")
            && node.contains("Node worker-1 status is now: NodeSchedulable"),
        "{node}"
    );
}

/// `kubectl rollout history` and `rollout undo`, revisions numbered as the controller
/// numbers ControllerRevisions (a rollback reuses the old revision under a new number).
#[test]
fn rollout_history_and_undo() {
    let mut s = applied_log_collector();
    assert_eq!(
        run(&mut s, "rollout undo daemonset/log-collector").stderr(),
        "error: no last revision to roll back to\n"
    );
    ok(&mut s, "set image ds/log-collector fluentd=fluentd:v1.15");
    ok(&mut s, "rollout status ds/log-collector");
    assert_eq!(
        ok(&mut s, "rollout history daemonset/log-collector"),
        "daemonset.apps/log-collector \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(
        ok(&mut s, "rollout undo daemonset/log-collector"),
        "daemonset.apps/log-collector rolled back\n"
    );
    ok(&mut s, "rollout status ds/log-collector");
    assert_eq!(
        ok(&mut s, "rollout history daemonset/log-collector"),
        "daemonset.apps/log-collector \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
    );
    assert!(ok(&mut s, "get ds -o wide").contains("fluentd:v1.14"));
    assert_eq!(
        run(
            &mut s,
            "rollout undo daemonset/log-collector --to-revision=7"
        )
        .stderr(),
        "error: unable to find specified revision 7 in history\n"
    );
    let revision = ok(
        &mut s,
        "rollout history daemonset/log-collector --revision=2",
    );
    assert!(revision.starts_with("daemonset.apps/log-collector with revision #2\nPod Template:\n  Labels:\tapp=log-collector\n"), "{revision:?}");
    assert!(revision.contains("Image:\tfluentd:v1.15"), "{revision}");
}

/// An image that cannot be pulled stalls the rollout: `rollout status` prints the waiting
/// line, then says kubectl would wait forever and why.
#[test]
fn stalled_rollout_status_says_it_would_wait_forever() {
    let options = Options {
        fail_images: vec!["fluentd:v1.15".into()],
        ..Options::default()
    };
    let mut s = session_with(
        &[
            ("nodes.yaml", NODES),
            ("ds.yaml", &guide("basic-daemonset.yaml")),
        ],
        &options,
    );
    ok(
        &mut s,
        "set image daemonset/log-collector fluentd=fluentd:v1.15",
    );
    let out = run(&mut s, "rollout status daemonset/log-collector");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout(),
        "Waiting for daemon set \"log-collector\" rollout to finish: 1 out of 2 new pods have been updated...\n"
    );
    assert!(
        out.stderr()
            .contains("kubectl would keep waiting here until you press Ctrl-C"),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr().contains("ImagePullBackOff"),
        "{}",
        out.stderr()
    );
    assert!(ok(&mut s, "get pods").contains("ImagePullBackOff"));
    let out = run(
        &mut s,
        "rollout status daemonset/log-collector --timeout=30s",
    );
    assert_eq!(out.stderr(), "error: timed out waiting for the condition\n");
}

/// The OnDelete strategy: `rollout status` refuses as kubectl does.
#[test]
fn on_delete_rollout_status_is_refused() {
    let ds = guide("rolling-update.yaml").replace(
        "    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1\n",
        "    type: OnDelete\n",
    );
    let mut s = session(&[("nodes.yaml", NODES), ("ds.yaml", &ds)]);
    assert_eq!(
        run(&mut s, "rollout status ds/network-plugin").stderr(),
        "error: rollout status is only available for RollingUpdate strategy type\n"
    );
}

// ---- The clock and ages ----

/// Objects without a creation time are 30 days (nodes) and 10 days (DaemonSets) old;
/// a creation time in the input counts from the session start (2025-06-01T12:00:00Z).
#[test]
fn ages_come_from_creation_times() {
    let ds = guide("basic-daemonset.yaml").replace(
        "  name: log-collector\n",
        "  name: log-collector\n  creationTimestamp: \"2025-05-31T12:00:00Z\"\n",
    );
    let mut s = session(&[("nodes.yaml", NODES), ("ds.yaml", &ds)]);
    let out = ok(&mut s, "get ds");
    assert!(out.contains("<none>          24h\n"), "{out}");
    ok(&mut s, "sleep 3600");
    let out = ok(&mut s, "get ds");
    assert!(out.contains("<none>          25h\n"), "{out}");
    let nodes = ok(&mut s, "get nodes");
    assert!(nodes.contains("30d"), "{nodes}");
}

// ---- Errors in kubectl's words ----

#[test]
fn errors_use_kubectl_words() {
    let mut s = applied_log_collector();
    for (line, stderr) in [
        ("get ds nope", "Error from server (NotFound): daemonsets.apps \"nope\" not found\n"),
        ("get pods nope", "Error from server (NotFound): pods \"nope\" not found\n"),
        ("describe node nope", "Error from server (NotFound): nodes \"nope\" not found\n"),
        ("get foos", "error: the server doesn't have a resource type \"foos\"\n"),
        ("get ds --bogus", "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"),
        (
            "get ds -o foo",
            "error: unable to match a printer suitable for the output format \"foo\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n",
        ),
        ("frobnicate", "error: unknown command \"frobnicate\" for \"kubectl\"\nRun 'kubectl --help' for usage.\n"),
        (
            "gte ds",
            "error: unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\nRun 'kubectl --help' for usage.\n",
        ),
        (
            "set image daemonset/log-collector nginx=nginx:1",
            "error: unable to find container named \"nginx\"\n",
        ),
        ("cordon nope", "Error from server (NotFound): nodes \"nope\" not found\n"),
        ("taint nodes worker-1 a=b:Sometimes", "error: invalid taint effect: Sometimes, unsupported taint effect\n"),
        ("apply -f missing.yaml", "error: the path \"missing.yaml\" does not exist\n"),
    ] {
        let out = run(&mut s, line);
        assert_eq!(out.code, 1, "`{line}`: {}", out.transcript());
        assert_eq!(out.stderr(), stderr, "`{line}`");
    }
    let out = run(&mut s, "get ds nope log-collector");
    assert_eq!(out.code, 1);
    assert!(out.stdout().contains("log-collector"));
    let out = run(&mut s, "apply -f service-account.yaml");
    assert_eq!(out.code, 1);
    assert!(out.stderr().contains(
        "The DaemonSet \"secure-daemonset\" is invalid: spec.selector: Invalid value: {}: empty selector is invalid for daemonset"
    ), "{}", out.stderr());
    assert_eq!(
        run(&mut s, "get ds -n other").stderr(),
        "No resources found in other namespace.\n"
    );
}

#[test]
fn output_formats_and_namespaces() {
    let mut s = applied_log_collector();
    assert_eq!(
        ok(&mut s, "get ds -o name"),
        "daemonset.apps/log-collector\n"
    );
    assert_eq!(
        ok(&mut s, "get nodes -o name"),
        "node/control-plane-1\nnode/worker-1\nnode/worker-2\n"
    );
    let json = ok(&mut s, "get ds log-collector -o json");
    assert!(
        json.starts_with("{\n    \"apiVersion\": \"apps/v1\",\n    \"kind\": \"DaemonSet\",\n"),
        "{json}"
    );
    let list = ok(&mut s, "get pods -o yaml");
    assert!(
        list.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n"),
        "{list}"
    );
    assert!(
        list.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"),
        "{list}"
    );
    let all = ok(&mut s, "get ds -A");
    assert!(
        all.starts_with("NAMESPACE   NAME            DESIRED"),
        "{all}"
    );
    assert_eq!(ok(&mut s, "get pods --no-headers").lines().count(), 2);
}

#[test]
fn scripts_and_command_lists_split_like_a_shell() {
    let script = "# the guide, in order\nkubectl get ds\n$ kubectl describe ds x | grep 'Pods Status'\n\nsleep 5\n";
    let commands = daemonset_sim::kubectl::parse_script(script).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        commands,
        vec![
            words("get ds"),
            vec![
                "describe".into(),
                "ds".into(),
                "x".into(),
                "|".into(),
                "grep".into(),
                "Pods Status".into()
            ],
            words("sleep 5"),
        ]
    );
    let list = daemonset_sim::kubectl::split_commands(&words("kubectl get ds ;; get pods"));
    assert_eq!(list, vec![words("get ds"), words("get pods")]);
}

// ---- The command line ----

fn dsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dsim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn cli_runs_command_lists_and_scripts() {
    let out = dsim(&[
        "kubectl",
        "-f",
        "examples/quickstart.yaml",
        "--",
        "get",
        "ds",
        "-n",
        "monitoring",
        ";;",
        "get",
        "nodes",
        "-o",
        "name",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("$ kubectl get ds -n monitoring\nNAME               DESIRED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("$ kubectl get nodes -o name\nnode/control-plane-1\n"),
        "{stdout}"
    );

    let dir = std::env::temp_dir().join(format!("dsim-kubectl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let script = dir.join("guide.sh");
    std::fs::write(
        &script,
        "kubectl get ds -n monitoring\nkubectl get ds nope -n monitoring\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dsim(&[
        "kubectl",
        "-f",
        "examples/quickstart.yaml",
        "--script",
        script.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(1), "one command failed");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error from server (NotFound): daemonsets.apps \"nope\" not found\n"
    );
    let _ = std::fs::remove_dir_all(&dir);

    let out = dsim(&["kubectl", "-f", "examples/typo.yaml", "--", "get", "ds"]);
    assert_eq!(out.status.code(), Some(2), "unusable cluster files");
}

// ---- Pod Security Admission's warnings ----

/// A DaemonSet in `monitoring` whose pod template meets Baseline but not Restricted.
const AGENT: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: monitoring}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers:\n      - {name: agent, image: registry.k8s.io/agent:1}\n";

/// The same with `hostNetwork` and a container port.
const HOST_AGENT: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: monitoring}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: agent\n        image: registry.k8s.io/agent:1\n        ports: [{containerPort: 9100}]\n";

fn monitoring(labels: &str) -> String {
    format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n  labels: {labels}\n")
}

fn agent_files() -> BTreeMap<String, String> {
    [
        ("agent.yaml", AGENT.to_owned()),
        ("agent-2.yaml", AGENT.replace("agent:1", "agent:2")),
        ("host-agent.yaml", HOST_AGENT.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn run_on(s: &mut Session, line: &str) -> Output {
    s.run(&words(line), &agent_files())
}

/// `admission.go`'s `would violate PodSecurity %q: %s` for `warn: restricted`, as kubectl
/// prints a warning.
const RESTRICTED_WARNING: &str = "Warning: would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"agent\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"agent\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"agent\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"agent\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")\n";

/// With `pod-security.kubernetes.io/warn`, every request that reaches the API server with
/// the DaemonSet gets Pod Security Admission's warning, which kubectl prints on standard
/// error before the result line; nothing is blocked.
#[test]
fn warn_label_prints_pod_security_warnings_before_the_result() {
    let ns = monitoring("{pod-security.kubernetes.io/warn: restricted}");
    let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
    let warned = |out: &Output, result: &str| {
        assert_eq!(out.code, 0, "{}", out.transcript());
        assert_eq!(
            out.chunks,
            [
                (Stream::Err, RESTRICTED_WARNING.to_owned()),
                (Stream::Out, result.to_owned())
            ],
            "{}",
            out.transcript()
        );
    };
    warned(
        &run_on(&mut s, "apply -f agent.yaml"),
        "daemonset.apps/agent created\n",
    );
    // No request, no warning: unchanged, or a client dry run.
    let out = run_on(&mut s, "apply -f agent.yaml");
    assert_eq!(out.transcript(), "daemonset.apps/agent unchanged\n");
    let out = run_on(&mut s, "apply -f agent-2.yaml --dry-run=client");
    assert_eq!(
        out.transcript(),
        "daemonset.apps/agent configured (dry run)\n"
    );
    warned(
        &run_on(&mut s, "apply -f agent-2.yaml --dry-run=server"),
        "daemonset.apps/agent configured (server dry run)\n",
    );
    warned(
        &run_on(&mut s, "apply -f agent-2.yaml"),
        "daemonset.apps/agent configured\n",
    );
    // Validating admission runs before the store finds the name taken.
    let out = run_on(&mut s, "create -f agent.yaml");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.transcript(),
        format!("{RESTRICTED_WARNING}Error from server (AlreadyExists): error when creating \"agent.yaml\": daemonsets.apps \"agent\" already exists\n")
    );
    // Every other change of the DaemonSet is an update too; an image with a registry path
    // is an image, as kubectl's `GetResourcesAndPairs` splits the arguments.
    warned(
        &run_on(
            &mut s,
            "set image ds/agent agent=registry.k8s.io/agent:3 -n monitoring",
        ),
        "daemonset.apps/agent image updated\n",
    );
    let out = run_on(
        &mut s,
        "set image ds/agent agent=registry.k8s.io/agent:4 -n monitoring --dry-run=client",
    );
    assert_eq!(
        out.transcript(),
        "daemonset.apps/agent image updated (dry run)\n"
    );
    warned(
        &run_on(&mut s, "rollout undo ds/agent -n monitoring"),
        "daemonset.apps/agent rolled back\n",
    );
    warned(
        &run_on(&mut s, "rollout restart ds/agent -n monitoring"),
        "daemonset.apps/agent restarted\n",
    );
    warned(
        &run_on(&mut s, "label ds agent tier=node -n monitoring"),
        "daemonset.apps/agent labeled\n",
    );
    // Warn blocks nothing: the controller created the pods.
    ok(&mut s, "sleep 60");
    let pods = ok(&mut s, "get pods -n monitoring");
    assert_eq!(pods.matches("Running").count(), 2, "{pods}");
}

// ---- Pod Security Admission's enforce mode ----

/// `AGENT` with a privileged container: below Baseline.
const PRIVILEGED_AGENT: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: monitoring}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers:\n      - name: agent\n        image: registry.k8s.io/agent:1\n        securityContext: {privileged: true}\n";

/// PSA's message for `PRIVILEGED_AGENT` under `enforce: baseline` (`admission.go`:
/// `violates PodSecurity %q: %s`; `check_privileged.go` for the reason and detail).
const VIOLATES_BASELINE: &str = "violates PodSecurity \"baseline:latest\": privileged (container \"agent\" must not set securityContext.privileged=true)";

fn enforce_files() -> BTreeMap<String, String> {
    [
        ("privileged.yaml", PRIVILEGED_AGENT.to_owned()),
        (
            "fixed.yaml",
            PRIVILEGED_AGENT.replace("privileged: true", "privileged: false"),
        ),
        ("agent.yaml", AGENT.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn run_enforce(s: &mut Session, line: &str) -> Output {
    s.run(&words(line), &enforce_files())
}

/// The FailedCreate events of a description: `(AGE, MESSAGE)`.
fn failed_creates(description: &str) -> Vec<(String, String)> {
    description
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("Warning  FailedCreate  "))
        .map(|rest| {
            let (age, message) = rest
                .split_once("daemonset-controller  ")
                .unwrap_or_else(|| panic!("{rest}"));
            (age.trim().to_owned(), message.to_owned())
        })
        .collect()
}

/// `Error creating: pods "agent-xxxxx" is forbidden: ...` with a name `generateName`
/// could make (`controller_utils.go`: `"Error creating: %v"`; apimachinery's
/// `NewForbidden`: `%s %q is forbidden: %v`); returns the name.
fn forbidden_pod(message: &str) -> String {
    let rest = message
        .strip_prefix("Error creating: pods \"")
        .unwrap_or_else(|| panic!("{message}"));
    let (name, rest) = rest.split_once('"').unwrap_or_else(|| panic!("{message}"));
    assert_eq!(
        rest,
        format!(" is forbidden: {VIOLATES_BASELINE}"),
        "{message}"
    );
    let suffix = name
        .strip_prefix("agent-")
        .unwrap_or_else(|| panic!("{name}"));
    assert!(
        suffix.len() == 5
            && suffix
                .bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)),
        "{name}"
    );
    name.to_owned()
}

/// With `pod-security.kubernetes.io/enforce` at a level the template does not meet, the
/// API server accepts the DaemonSet and refuses every pod the controller creates: no
/// pods, `FailedCreate` events retried with the work queue's backoff and combined by the
/// event recorder, and a rollout that never finishes; a template that meets the level is
/// admitted on the next sync.
#[test]
fn enforce_label_refuses_every_pod_the_controller_creates() {
    let ns = monitoring("{pod-security.kubernetes.io/enforce: baseline}");
    let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
    let out = run_enforce(&mut s, "apply -f privileged.yaml");
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        out.transcript(),
        format!(
            "Warning: would {}\ndaemonset.apps/agent created\n",
            VIOLATES_BASELINE.replacen("violates", "violate", 1)
        )
    );
    let out = run_enforce(&mut s, "get ds -n monitoring");
    assert_eq!(
        out.stdout(),
        "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE\nagent   2         0         0       0            0           <none>          0s\n"
    );
    let out = run_enforce(&mut s, "get pods -n monitoring");
    assert_eq!(
        (out.stdout().as_str(), out.stderr().as_str()),
        ("", "No resources found in monitoring namespace.\n")
    );
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    assert!(
        description.contains(
            "Desired Number of Nodes Scheduled: 2\nCurrent Number of Nodes Scheduled: 0\n"
        ),
        "{description}"
    );
    assert!(
        description.contains("Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"),
        "{description}"
    );
    assert!(
        description.contains("Events:\n  Type     Reason        Age   From                  Message\n  ----     ------        ----  ----                  -------\n  Warning  FailedCreate  0s    daemonset-controller  Error creating: pods \"agent-"),
        "{description}"
    );
    let events = failed_creates(&description);
    assert_eq!(events.len(), 1, "{description}");
    forbidden_pod(&events[0].1);

    // Two minutes on: the syncs at 5 ms, 15 ms, ... 1.275 s are nine events of their own;
    // from the tenth (2.555 s) the recorder combines them, the last at 81.915 s.
    ok(&mut s, "sleep 120");
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    let events = failed_creates(&description);
    assert_eq!(events.len(), 10, "{description}");
    let ages: Vec<&str> = events.iter().map(|(age, _)| age.as_str()).collect();
    assert_eq!(
        ages,
        [
            "2m",
            "119s",
            "119s",
            "119s",
            "119s",
            "119s",
            "119s",
            "119s",
            "118s",
            "38s (x6 over 117s)"
        ],
        "{description}"
    );
    let mut names: Vec<String> = events[..9].iter().map(|(_, m)| forbidden_pod(m)).collect();
    let combined = events[9]
        .1
        .strip_prefix("(combined from similar events): ")
        .unwrap_or_else(|| panic!("{description}"));
    names.push(forbidden_pod(combined));
    daemonset_sim::order::sort(&mut names);
    names.dedup();
    assert_eq!(names.len(), 10, "every attempt has its own generated name");
    assert!(!description.contains("SuccessfulCreate"), "{description}");

    // kubectl waits for ever: 0 of 2 pods are updated, and nothing changes.
    let out = run_enforce(&mut s, "rollout status ds/agent -n monitoring");
    assert_eq!(out.code, 1, "{}", out.transcript());
    assert_eq!(
        out.stdout(),
        "Waiting for daemon set \"agent\" rollout to finish: 0 out of 2 new pods have been updated...\n"
    );
    let err = out.stderr();
    assert!(
        err.starts_with("dsim: the rollout has stalled, so kubectl would keep waiting here until you press Ctrl-C.")
            && err.contains(&format!("so the API server refuses every pod the controller creates (FailedCreate: {VIOLATES_BASELINE})")),
        "{err}"
    );

    // A template that meets Baseline is admitted at once.
    let out = run_enforce(&mut s, "apply -f fixed.yaml");
    assert_eq!(out.transcript(), "daemonset.apps/agent configured\n");
    let out = run_enforce(&mut s, "rollout status ds/agent -n monitoring");
    assert_eq!(out.code, 0, "{}", out.transcript());
    let pods = run_enforce(&mut s, "get pods -n monitoring").stdout();
    assert_eq!(pods.matches("Running").count(), 2, "{pods}");
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    assert_eq!(
        description.matches("SuccessfulCreate").count(),
        2,
        "{description}"
    );
    assert!(
        description.contains("Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"),
        "{description}"
    );
}

/// A DaemonSet whose pods meet the enforced level gets them; a DaemonSet of the input in
/// a namespace that refuses its pods has none, and has been failing since it was
/// created: by now its retries come every 1000 s (the work queue's longest backoff),
/// each event on its own (more than ten minutes apart, the recorder does not combine
/// them).
#[test]
fn enforce_label_admits_pods_that_meet_the_level() {
    let ns = monitoring("{pod-security.kubernetes.io/enforce: baseline}");
    let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
    let out = run_enforce(&mut s, "apply -f agent.yaml");
    assert_eq!(out.transcript(), "daemonset.apps/agent created\n");
    ok(&mut s, "sleep 10");
    let pods = run_enforce(&mut s, "get pods -n monitoring").stdout();
    assert_eq!(pods.matches("Running").count(), 2, "{pods}");
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    assert!(!description.contains("FailedCreate"), "{description}");

    let mut s = session(&[
        ("nodes.yaml", NODES),
        ("ns.yaml", &ns),
        ("ds.yaml", PRIVILEGED_AGENT),
    ]);
    let ds = run_enforce(&mut s, "get ds -n monitoring").stdout();
    assert!(
        ds.contains(
            "agent   2         0         0       0            0           <none>          10d"
        ),
        "{ds}"
    );
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    let events = failed_creates(&description);
    // Created 10 days before the session: retried 5 ms * (2^k - 1) after that for
    // k = 0..=18, then every 1000 s; the events of the last hour are kept.
    let ages: Vec<&str> = events.iter().map(|(age, _)| age.as_str()).collect();
    assert_eq!(ages, ["44m", "28m", "11m"], "{description}");
    for (_, message) in &events {
        forbidden_pod(message);
    }
    // A node change that does not change where the pods should run makes no sync.
    ok(&mut s, "label node worker-2 team=infra");
    let again = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    assert_eq!(failed_creates(&again).len(), events.len(), "{again}");
    // One that does is a sync of its own, refused at once.
    ok(&mut s, "taint node worker-2 dedicated=db:NoSchedule");
    let ds = run_enforce(&mut s, "get ds -n monitoring").stdout();
    assert!(ds.contains("agent   1         0"), "{ds}");
    let again = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    let after = failed_creates(&again);
    assert_eq!(after.len(), events.len() + 1, "{again}");
    assert_eq!(
        after.last().map(|(age, _)| age.as_str()),
        Some("0s"),
        "{again}"
    );
}

/// Without a `warn` label, warn takes the `enforce` level (kubernetes/kubernetes#113491);
/// a workload's template is checked as sent, so a `hostNetwork` template has no host ports
/// (those are pod defaults, kubernetes/kubernetes#117696).
#[test]
fn enforce_label_alone_warns_at_its_level() {
    let ns = monitoring("{pod-security.kubernetes.io/enforce: baseline}");
    let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
    let out = run_on(&mut s, "apply -f host-agent.yaml");
    assert_eq!(
        out.transcript(),
        "Warning: would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)\ndaemonset.apps/agent created\n"
    );
    // A level the template meets, privileged, a value that is not a level, no labels, or
    // no Namespace in the input: no warning.
    for labels in [
        "{pod-security.kubernetes.io/enforce: baseline}",
        "{pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/warn: privileged}",
        "{pod-security.kubernetes.io/warn: strict}",
        "{pod-security.kubernetes.io/audit: restricted}",
        "{}",
    ] {
        let ns = monitoring(labels);
        let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
        let out = run_on(&mut s, "apply -f agent.yaml");
        assert_eq!(out.transcript(), "daemonset.apps/agent created\n", "{labels}");
    }
    let mut s = session(&[("nodes.yaml", NODES)]);
    let out = run_on(&mut s, "apply -f host-agent.yaml");
    assert_eq!(out.transcript(), "daemonset.apps/agent created\n");
    // A Namespace in an applied file is reported, not applied: its labels change nothing.
    let mut s = session(&[("nodes.yaml", NODES)]);
    let files: BTreeMap<String, String> = [(
        "both.yaml".to_owned(),
        format!(
            "{}---\n{AGENT}",
            monitoring("{pod-security.kubernetes.io/warn: restricted}")
        ),
    )]
    .into_iter()
    .collect();
    let out = s.run(&words("apply -f both.yaml"), &files);
    assert_eq!(
        out.transcript(),
        "dsim: both.yaml: Nodes, Pods, PriorityClasses and Namespaces are part of the cluster given with dsim kubectl -f; 1 object(s) here are not applied\ndaemonset.apps/agent created\n"
    );
}

// ---- kubectl label namespace ----

/// `kubectl get namespaces`: the input's Namespaces, the four every cluster has, and the
/// namespaces the DaemonSets are in, `NAME  STATUS  AGE` (`printNamespace`), each with
/// the `kubernetes.io/metadata.name` label the API server sets; `label` adds, changes
/// (with `--overwrite`) and removes labels as for nodes; a namespace the cluster does not
/// have is the API server's NotFound.
#[test]
fn namespaces_are_listed_and_labelled_like_kubectl() {
    let ns = monitoring("{}");
    let logging = AGENT.replace("namespace: monitoring", "namespace: logging");
    let mut s = session(&[
        ("nodes.yaml", NODES),
        ("ns.yaml", &ns),
        ("logging.yaml", &logging),
    ]);
    assert_eq!(
        ok(&mut s, "get ns"),
        "NAME              STATUS   AGE\ndefault           Active   30d\nkube-node-lease   Active   30d\nkube-public       Active   30d\nkube-system       Active   30d\nlogging           Active   30d\nmonitoring        Active   30d\n"
    );
    assert_eq!(
        ok(&mut s, "label ns monitoring team=infra"),
        "namespace/monitoring labeled\n"
    );
    assert_eq!(
        ok(&mut s, "get namespaces monitoring --show-labels"),
        "NAME         STATUS   AGE   LABELS\nmonitoring   Active   30d   kubernetes.io/metadata.name=monitoring,team=infra\n"
    );
    // A new value needs --overwrite; the same value is no change.
    let out = run(&mut s, "label namespace monitoring team=ops");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr(),
        "error: 'team' already has a value (infra), and --overwrite is false\n"
    );
    assert_eq!(
        ok(&mut s, "label ns/monitoring team=infra"),
        "namespace/monitoring not labeled\n"
    );
    assert_eq!(
        ok(&mut s, "label ns/monitoring team=ops --overwrite"),
        "namespace/monitoring labeled\n"
    );
    assert_eq!(
        ok(&mut s, "get ns monitoring -L team --no-headers"),
        "monitoring   Active   30d   ops\n"
    );
    // `KEY-` removes a label; a label that is not there is said so.
    assert_eq!(
        ok(&mut s, "label namespaces monitoring team-"),
        "namespace/monitoring unlabeled\n"
    );
    let out = run(&mut s, "label ns monitoring team-");
    assert_eq!(
        (out.stdout().as_str(), out.stderr().as_str(), out.code),
        (
            "namespace/monitoring not labeled\n",
            "label \"team\" not found.\n",
            0
        )
    );
    // The API server keeps the name label whatever the request says.
    assert_eq!(
        ok(&mut s, "label ns monitoring kubernetes.io/metadata.name-"),
        "namespace/monitoring unlabeled\n"
    );
    assert_eq!(
        ok(&mut s, "get ns monitoring --show-labels --no-headers"),
        "monitoring   Active   30d   kubernetes.io/metadata.name=monitoring\n"
    );
    // A namespace a DaemonSet of the input is in exists without a Namespace object.
    assert_eq!(
        ok(&mut s, "label ns logging team=infra"),
        "namespace/logging labeled\n"
    );
    // A client dry run changes nothing.
    assert_eq!(
        ok(&mut s, "label ns default team=infra --dry-run=client"),
        "namespace/default labeled (dry run)\n"
    );
    assert_eq!(
        ok(&mut s, "get ns -l team=infra -o name"),
        "namespace/logging\n"
    );
    // NotFound, for label as for get.
    for line in ["label ns nope team=infra", "get ns nope"] {
        let out = run(&mut s, line);
        assert_eq!(out.code, 1, "{line}");
        assert_eq!(
            out.stderr(),
            "Error from server (NotFound): namespaces \"nope\" not found\n",
            "{line}"
        );
    }
    let out = run(&mut s, "label ns team=infra");
    assert_eq!(
        out.stderr(),
        "error: resource(s) were provided, but no name was specified\n"
    );
    // `--all` labels every namespace; `--list` shows the labels.
    assert_eq!(
        ok(&mut s, "label ns --all env=test").lines().count(),
        6,
        "every namespace"
    );
    assert_eq!(
        ok(&mut s, "label ns default --list"),
        "env=test\nkubernetes.io/metadata.name=default\n"
    );
    assert_eq!(
        ok(&mut s, "describe ns logging"),
        "Name:         logging\nLabels:       env=test\n              kubernetes.io/metadata.name=logging\n              team=infra\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
    );
    let yaml = ok(&mut s, "get ns default -o yaml");
    assert!(
        yaml.starts_with("apiVersion: v1\nkind: Namespace\nmetadata:\n")
            && yaml.ends_with("spec:\n  finalizers:\n  - kubernetes\nstatus:\n  phase: Active\n"),
        "{yaml}"
    );
}

/// `ValidateNamespace` on update: a Pod Security label whose value is not a level or a
/// version is invalid (`PolicyToEvaluate`'s errors), unless the namespace already had
/// the same errors; ordinary labels are checked as any object's.
#[test]
fn invalid_pod_security_labels_are_rejected() {
    let ns = monitoring("{}");
    let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
    let out = run(
        &mut s,
        "label ns monitoring pod-security.kubernetes.io/enforce=bogus",
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.transcript(),
        "The Namespace \"monitoring\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"bogus\": must be one of privileged, baseline, restricted\n"
    );
    let out = run(
        &mut s,
        "label ns monitoring pod-security.kubernetes.io/warn-version=1.30",
    );
    assert_eq!(
        out.stderr(),
        "The Namespace \"monitoring\" is invalid: metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\"\n"
    );
    let out = run(&mut s, "label ns monitoring bad_key/x=y");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr()
            .starts_with("The Namespace \"monitoring\" is invalid: metadata.labels: Invalid value: \"bad_key/x\": "),
        "{}",
        out.stderr()
    );
    assert_eq!(
        ok(&mut s, "get ns monitoring --show-labels --no-headers"),
        "monitoring   Active   30d   kubernetes.io/metadata.name=monitoring\n",
        "nothing was changed"
    );
    // Valid values are taken; a namespace that already has an invalid value may change
    // its other labels.
    assert_eq!(
        ok(
            &mut s,
            "label ns monitoring pod-security.kubernetes.io/audit=restricted pod-security.kubernetes.io/audit-version=v1.30"
        ),
        "namespace/monitoring labeled\n"
    );
    let ns = monitoring("{pod-security.kubernetes.io/warn: strict}");
    let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
    assert_eq!(
        ok(&mut s, "label ns monitoring team=infra"),
        "namespace/monitoring labeled\n"
    );
}

/// Setting `enforce` on a namespace: the API server answers with warnings about the
/// existing pods that violate the new level (`EvaluatePodsInNamespace`), which stay; the
/// pods the controller creates from then on are refused (`FailedCreate`), and a relaxed
/// policy lets them through at the controller's next retry.
#[test]
fn enforce_label_on_a_namespace_warns_about_existing_pods_and_refuses_new_ones() {
    let ns = monitoring("{}");
    let mut s = session(&[
        ("nodes.yaml", NODES),
        ("ns.yaml", &ns),
        ("ds.yaml", PRIVILEGED_AGENT),
    ]);
    let pods = ok(&mut s, "get pods -n monitoring -o name");
    let names: Vec<&str> = pods.lines().map(|l| l.trim_start_matches("pod/")).collect();
    assert_eq!(names.len(), 2, "{pods}");
    let out = run_enforce(
        &mut s,
        "label ns monitoring pod-security.kubernetes.io/enforce=baseline",
    );
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert_eq!(
        out.chunks,
        [
            (
                Stream::Err,
                format!(
                    "Warning: existing pods in namespace \"monitoring\" violate the new PodSecurity enforce level \"baseline:latest\"\nWarning: {} (and 1 other pod): privileged\n",
                    names[0]
                )
            ),
            (Stream::Out, "namespace/monitoring labeled\n".to_owned())
        ]
    );
    // Enforce applies to pods being created: the running ones stay.
    ok(&mut s, "sleep 10");
    let ds = ok(&mut s, "get ds -n monitoring");
    assert!(ds.contains("agent   2         2         2       2"), "{ds}");
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    assert!(!description.contains("FailedCreate"), "{description}");
    // A stricter level at the same version warns again; a less strict one does not, nor
    // does a client dry run.
    let out = run_enforce(
        &mut s,
        "label ns monitoring pod-security.kubernetes.io/enforce=restricted --overwrite --dry-run=server",
    );
    assert!(
        out.stderr().starts_with("Warning: existing pods in namespace \"monitoring\" violate the new PodSecurity enforce level \"restricted:latest\"\nWarning: "),
        "{}",
        out.transcript()
    );
    assert_eq!(
        out.stdout(),
        "namespace/monitoring labeled (server dry run)\n"
    );
    let out = run_enforce(
        &mut s,
        "label ns monitoring pod-security.kubernetes.io/enforce=restricted --overwrite --dry-run=client",
    );
    assert_eq!(out.transcript(), "namespace/monitoring labeled (dry run)\n");

    // The restart's new pods are refused: the controller deletes one old pod (maxUnavailable
    // 1) and cannot replace it.
    let out = run_enforce(&mut s, "rollout restart ds/agent -n monitoring");
    assert_eq!(
        out.transcript(),
        format!(
            "Warning: would {}\ndaemonset.apps/agent restarted\n",
            VIOLATES_BASELINE.replacen("violates", "violate", 1)
        )
    );
    ok(&mut s, "sleep 60");
    let ds = ok(&mut s, "get ds -n monitoring");
    assert!(ds.contains("agent   2         1         1       0"), "{ds}");
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    let events = failed_creates(&description);
    assert!(!events.is_empty(), "{description}");
    for (_, message) in &events {
        let message = message
            .strip_prefix("(combined from similar events): ")
            .unwrap_or(message);
        forbidden_pod(message);
    }
    assert!(!description.contains("SuccessfulCreate"), "{description}");

    // Removing the label makes no sync of its own: the controller's retry, due 81.915 s
    // after the restart (5 ms doubling), creates the pod.
    let out = run_enforce(
        &mut s,
        "label ns monitoring pod-security.kubernetes.io/enforce-",
    );
    assert_eq!(out.transcript(), "namespace/monitoring unlabeled\n");
    ok(&mut s, "sleep 20");
    let pods = ok(&mut s, "get pods -n monitoring --no-headers");
    assert_eq!(pods.lines().count(), 1, "{pods}");
    ok(&mut s, "sleep 2");
    let pods = ok(&mut s, "get pods -n monitoring --no-headers");
    assert_eq!(pods.lines().count(), 2, "{pods}");
    let out = run_enforce(&mut s, "rollout status ds/agent -n monitoring");
    assert_eq!(out.code, 0, "{}", out.transcript());
    let description = run_enforce(&mut s, "describe ds agent -n monitoring").stdout();
    assert_eq!(
        description.matches("SuccessfulCreate").count(),
        2,
        "{description}"
    );
}

/// A namespace change reaches DaemonSets applied later, and a DaemonSet update that
/// makes the controller sync sooner than its retry meets the new policy then.
#[test]
fn a_relabelled_namespace_judges_every_later_pod() {
    let ns = monitoring("{}");
    let mut s = session(&[("nodes.yaml", NODES), ("ns.yaml", &ns)]);
    assert_eq!(
        run_enforce(
            &mut s,
            "label ns monitoring pod-security.kubernetes.io/enforce=baseline"
        )
        .transcript(),
        "namespace/monitoring labeled\n",
        "no pods yet, no warnings"
    );
    run_enforce(&mut s, "apply -f privileged.yaml");
    ok(&mut s, "sleep 30");
    let ds = ok(&mut s, "get ds -n monitoring");
    assert!(ds.contains("agent   2         0         0"), "{ds}");
    // Relaxed; then, before the retry, a change of the DaemonSet syncs at once.
    let out = run_enforce(
        &mut s,
        "label ns monitoring pod-security.kubernetes.io/enforce=privileged --overwrite",
    );
    assert_eq!(out.transcript(), "namespace/monitoring labeled\n");
    run_enforce(
        &mut s,
        "set image ds/agent agent=registry.k8s.io/agent:2 -n monitoring",
    );
    ok(&mut s, "sleep 6");
    let pods = ok(&mut s, "get pods -n monitoring --no-headers");
    assert_eq!(pods.matches("Running").count(), 2, "{pods}");
}
