//! The guided lessons: every YAML example and kubectl command of the study guide is
//! reachable from a lesson, every lesson's commands run in the kubectl emulator on its
//! preset, and every task fails on its starting preset and passes once solved.
#![cfg(not(target_arch = "wasm32"))]

use daemonset_sim::kubectl::{parse_script, Options, Session};
use daemonset_sim::lessons::presets::{self, preset};
use daemonset_sim::lessons::{
    lesson, Lesson, LessonState, TaskResult, CLUSTER, CLUSTER_FILE, DAEMON_SET_FILE, LESSONS,
};
use daemonset_sim::manifest::{self, Manifests, Source};
use daemonset_sim::rollout::{simulate, Rollout, RolloutOptions, Update};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn guide_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/guide")
}

fn read_guide(name: &str) -> String {
    let path = guide_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.yaml` file under `dir`, as a path relative to the guide's directory.
fn yaml_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("{e}")).path())
        .collect();
    daemonset_sim::order::sort(&mut entries);
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_dir() {
            yaml_files(&path, &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".yaml") {
            out.push(format!("{prefix}{name}"));
        }
    }
}

fn the(id: &str) -> &'static Lesson {
    lesson(id).unwrap_or_else(|| panic!("no lesson {id}"))
}

/// The text of the lesson's first preset (where its task starts).
fn start(l: &Lesson) -> &'static str {
    l.presets()
        .next()
        .unwrap_or_else(|| panic!("{}: no preset", l.id))
        .daemon_set
}

fn read(ds: &str, cluster: &str) -> Manifests {
    manifest::read(&[
        Source {
            name: DAEMON_SET_FILE,
            text: ds,
        },
        Source {
            name: CLUSTER_FILE,
            text: cluster,
        },
    ])
    .unwrap_or_else(|e| panic!("{e:?}"))
}

/// `kubectl set image` of the first DaemonSet, followed to its end, as the playground
/// runs it; `broken` images cannot be pulled.
fn rollout(ds: &str, cluster: &str, image: &str, broken: bool) -> Rollout {
    let manifests = read(ds, cluster);
    let (container, image) = image.split_once('=').unwrap_or_else(|| panic!("{image}"));
    let options = RolloutOptions {
        update: Update::SetImage(vec![(container.to_owned(), image.to_owned())]),
        fail_images: if broken {
            vec![image.to_owned()]
        } else {
            Vec::new()
        },
        ..RolloutOptions::default()
    };
    simulate(&manifests, &[DAEMON_SET_FILE, CLUSTER_FILE], &options)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

fn check(id: &str, state: &LessonState<'_>) -> TaskResult {
    the(id).check(state)
}

#[track_caller]
fn assert_missing(id: &str, result: &TaskResult, says: &str) {
    assert!(!result.done, "{id}: should not be done: {}", result.detail);
    assert!(
        result.detail.contains(says),
        "{id}: expected {says:?} in:\n{}",
        result.detail
    );
}

#[track_caller]
fn assert_done(id: &str, result: &TaskResult) {
    assert!(result.done, "{id}: should be done: {}", result.detail);
    assert!(!result.detail.is_empty(), "{id}: says nothing");
}

/// `text` with `from` (which must occur exactly once) replaced by `to`.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} in:\n{text}");
    text.replacen(from, to, 1)
}

/// One more node in the sample cluster (a list): `item` is the YAML of a list item.
fn cluster_with(item: &str) -> String {
    format!("{}\n{item}", CLUSTER.trim_end())
}

// ---- (a) Everything of the guide is reachable ----

#[test]
fn twelve_lessons_with_unique_ids_and_short_explanations() {
    assert_eq!(LESSONS.len(), 12);
    let ids: HashSet<&str> = LESSONS.iter().map(|l| l.id).collect();
    assert_eq!(ids.len(), LESSONS.len(), "ids repeat");
    for l in LESSONS {
        assert!(
            l.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: not a slug",
            l.id
        );
        let sentences = l
            .explanation
            .split(". ")
            .filter(|s| !s.trim().is_empty())
            .count();
        assert!(
            (2..=5).contains(&sentences) && l.explanation.ends_with('.'),
            "{}: {sentences} sentence(s)",
            l.id
        );
        assert!(!l.title.is_empty() && !l.section.is_empty() && !l.task.goal.is_empty());
        assert!(!l.presets.is_empty(), "{}: no preset", l.id);
        for file in l.presets {
            assert!(preset(file).is_some(), "{}: unknown preset {file}", l.id);
        }
        assert!(l.commands().next().is_some(), "{}: no command", l.id);
    }
}

#[test]
fn every_yaml_file_of_the_guide_is_a_lesson_preset() {
    let mut files = Vec::new();
    yaml_files(&guide_dir(), "", &mut files);
    assert!(files.len() >= 11, "{files:?}");
    assert!(files.iter().any(|f| f.starts_with("merged/")));
    for file in &files {
        let text = read_guide(file);
        if file == presets::CLUSTER_FILE {
            // Every lesson runs on the sample cluster.
            assert_eq!(CLUSTER, text);
            continue;
        }
        let p = preset(file).unwrap_or_else(|| panic!("{file} is no preset"));
        assert_eq!(p.daemon_set, text, "{file}");
        assert!(
            LESSONS.iter().any(|l| l.presets.contains(&file.as_str())),
            "{file} is in no lesson"
        );
    }
    assert_eq!(presets::PRESETS.len(), files.len() - 1);
}

#[test]
fn every_guide_command_is_in_a_lesson_verbatim() {
    let script = read_guide("commands.sh");
    let lines: Vec<&str> = script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.len(), 21);
    for line in &lines {
        assert!(
            LESSONS.iter().any(|l| l.guide_commands.contains(line)),
            "`{line}` is in no lesson"
        );
    }
    for l in LESSONS {
        for command in l.guide_commands {
            assert!(
                lines.contains(command),
                "{}: `{command}` is not the guide's",
                l.id
            );
        }
    }
}

// ---- (b) Every lesson's commands run ----

/// The guide's commands that fail as written, with what the emulator says to do instead
/// (as `core/tests/kubectl.rs` checks them in one session).
const EXPECTED_FAILURES: [(&str, &str); 4] = [
    (
        "create daemonset",
        "kubectl create deployment log-collector",
    ),
    ("edit daemonset", "kubectl apply -f"),
    ("\"Pod Status\"", "\"Pods Status\""),
    ("<", "(here: "),
];

#[test]
fn every_lesson_command_runs_on_its_preset() {
    for l in LESSONS {
        // The first preset the API server accepts (the configuration lesson starts from
        // one it rejects, on purpose).
        let text = l
            .presets()
            .map(|p| p.daemon_set)
            .find(|text| {
                manifest::read(&[Source {
                    name: DAEMON_SET_FILE,
                    text,
                }])
                .is_ok()
            })
            .unwrap_or_else(|| panic!("{}: no preset reads", l.id));
        let manifests = read(text, CLUSTER);
        let mut session =
            Session::new(&manifests, &Options::default()).unwrap_or_else(|e| panic!("{e:?}"));
        let files: BTreeMap<String, String> = [
            (DAEMON_SET_FILE.to_owned(), text.to_owned()),
            (CLUSTER_FILE.to_owned(), CLUSTER.to_owned()),
        ]
        .into();
        for line in l.commands() {
            let words = parse_script(line)
                .unwrap_or_else(|e| panic!("{}: `{line}`: {e}", l.id))
                .into_iter()
                .next()
                .unwrap_or_default();
            let out = session.run(&words, &files);
            let text = out.transcript();
            assert!(
                !text.contains("not emulated") && !text.contains("unknown command \""),
                "{}: `{line}`: {text}",
                l.id
            );
            assert!(!text.is_empty(), "{}: `{line}` printed nothing", l.id);
            let expected = EXPECTED_FAILURES
                .iter()
                .find(|(what, _)| l.guide_commands.contains(&line) && line.contains(what));
            match expected {
                Some((_, says)) => {
                    assert_ne!(out.code, 0, "{}: `{line}` should fail: {text}", l.id);
                    assert!(text.contains(says), "{}: `{line}`: {text}", l.id);
                }
                None => assert_eq!(out.code, 0, "{}: `{line}`: {text}", l.id),
            }
        }
    }
}

// ---- (c) Each task fails at the start and passes when solved ----

#[test]
fn every_task_fails_on_its_starting_preset() {
    for l in LESSONS {
        let result = l.check(&LessonState::new(start(l), CLUSTER));
        assert!(
            !result.done,
            "{}: done at the start: {}",
            l.id, result.detail
        );
        assert!(!result.detail.is_empty(), "{}: says nothing", l.id);
    }
}

const WORKER_4: &str = "- apiVersion: v1\n  kind: Node\n  metadata:\n    name: worker-4\n    labels: {kubernetes.io/os: linux}\n  status:\n    allocatable: {cpu: \"4\", memory: 16Gi, pods: \"110\"}\n";

#[test]
fn concepts_a_new_node_gets_a_pod() {
    let id = "concepts";
    let ds = start(the(id));
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, CLUSTER)),
        "no node has joined yet",
    );
    let cluster = cluster_with(WORKER_4);
    let result = check(id, &LessonState::new(ds, &cluster));
    assert_done(id, &result);
    assert!(result.detail.contains("worker-4"), "{}", result.detail);
    // A node that joins with a taint the collector does not tolerate gets none.
    let tainted = cluster_with(&WORKER_4.replace(
        "  status:",
        "  spec:\n    taints:\n    - {key: dedicated, value: db, effect: NoSchedule}\n  status:",
    ));
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, &tainted)),
        "worker-4: node(s) had untolerated taint {dedicated: db}",
    );
    // The playground's "Add a node" edits the nodes after reading, not the text.
    let mut manifests = read(ds, CLUSTER);
    let mut copy = manifests.nodes[1].clone();
    copy.object.metadata.name = Some("new-node-1".to_owned());
    manifests.nodes.push(copy);
    let result = check(
        id,
        &LessonState::new(ds, CLUSTER).with_manifests(&manifests),
    );
    assert_done(id, &result);
    assert!(result.detail.contains("new-node-1"), "{}", result.detail);
}

#[test]
fn configuration_a_selector_makes_the_daemon_set_valid() {
    let id = "configuration";
    let ds = start(the(id));
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, CLUSTER)),
        "spec.selector",
    );
    let fixed = edit(
        ds,
        "  template:\n    spec:\n",
        "  selector:\n    matchLabels:\n      app: secure-daemonset\n  template:\n    metadata:\n      labels:\n        app: secure-daemonset\n    spec:\n",
    );
    assert_done(id, &check(id, &LessonState::new(&fixed, CLUSTER)));
    // A selector the labels do not match is still refused.
    let mismatched = fixed.replacen("app: secure-daemonset", "app: other", 1);
    assert_missing(
        id,
        &check(id, &LessonState::new(&mismatched, CLUSTER)),
        "selector",
    );
}

const CONTROL_PLANE_TOLERATION: &str = "      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n        operator: Exists\n        effect: NoSchedule\n";

#[test]
fn scheduling_the_agent_reaches_the_control_plane() {
    let id = "scheduling";
    let ds = start(the(id));
    let result = check(id, &LessonState::new(ds, CLUSTER));
    assert_missing(
        id,
        &result,
        "control-plane-1: node(s) didn't match Pod's node affinity/selector",
    );
    // Tolerating the taint is not enough while the nodeSelector leaves the node out.
    let tolerated = edit(
        ds,
        "      containers:\n",
        &format!("{CONTROL_PLANE_TOLERATION}      containers:\n"),
    );
    assert_missing(
        id,
        &check(id, &LessonState::new(&tolerated, CLUSTER)),
        "nodeSelector requires monitoring=enabled",
    );
    // Either drop the nodeSelector ...
    let solved = edit(
        ds,
        "      nodeSelector:\n        monitoring: \"enabled\"\n",
        CONTROL_PLANE_TOLERATION,
    );
    assert_done(id, &check(id, &LessonState::new(&solved, CLUSTER)));
    // ... or label the node as well.
    let labelled = edit(
        CLUSTER,
        "labels: {node-role.kubernetes.io/control-plane: \"\", kubernetes.io/os: linux}",
        "labels: {node-role.kubernetes.io/control-plane: \"\", kubernetes.io/os: linux, monitoring: enabled}",
    );
    assert_done(id, &check(id, &LessonState::new(&tolerated, &labelled)));
    // The label alone leaves the taint.
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, &labelled)),
        "untolerated taint {node-role.kubernetes.io/control-plane: }",
    );
}

#[test]
fn updates_one_node_at_a_time() {
    let id = "updates";
    let ds = start(the(id));
    let state = LessonState::new(ds, CLUSTER);
    assert_missing(
        id,
        &check(id, &state),
        "no update has been followed to its end",
    );
    // OnDelete replaces nothing: the update stalls.
    let on_delete = rollout(ds, CLUSTER, "fluentd=fluentd:v1.15", false);
    assert_missing(id, &check(id, &state.with_rollout(&on_delete)), "OnDelete");
    let rolling = edit(
        ds,
        "    type: OnDelete\n",
        "    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1\n",
    );
    let done = rollout(&rolling, CLUSTER, "fluentd=fluentd:v1.15", false);
    let result = check(id, &LessonState::new(&rolling, CLUSTER).with_rollout(&done));
    assert_done(id, &result);
    assert!(
        result.detail.contains("maxUnavailable 1"),
        "{}",
        result.detail
    );
    // The rollout of the OnDelete text does not count for the changed text.
    assert_missing(
        id,
        &check(
            id,
            &LessonState::new(&rolling, CLUSTER).with_rollout(&on_delete),
        ),
        "start the update again",
    );
    // Two nodes at once is too many.
    let two = rolling.replace("maxUnavailable: 1", "maxUnavailable: 2");
    let fast = rollout(&two, CLUSTER, "fluentd=fluentd:v1.15", false);
    assert_missing(
        id,
        &check(id, &LessonState::new(&two, CLUSTER).with_rollout(&fast)),
        "2 nodes had no available pod at once",
    );
    // Another image is another task.
    let other = rollout(&rolling, CLUSTER, "fluentd=fluentd:v1.16", false);
    assert_missing(
        id,
        &check(
            id,
            &LessonState::new(&rolling, CLUSTER).with_rollout(&other),
        ),
        "not the template with fluentd=fluentd:v1.15",
    );
    // Surging keeps every node available, which is within the limit.
    let surge = rolling.replace("maxUnavailable: 1", "maxUnavailable: 0\n      maxSurge: 1");
    let surged = rollout(&surge, CLUSTER, "fluentd=fluentd:v1.15", false);
    assert_done(
        id,
        &check(id, &LessonState::new(&surge, CLUSTER).with_rollout(&surged)),
    );
}

#[test]
fn operations_set_image_and_rollout_status() {
    let id = "operations";
    let ds = start(the(id));
    let state = LessonState::new(ds, CLUSTER);
    assert_missing(
        id,
        &check(id, &state),
        "kubectl set image daemonset/log-collector fluentd=fluentd:v1.15",
    );
    let done = rollout(ds, CLUSTER, "fluentd=fluentd:v1.15", false);
    let result = check(id, &state.with_rollout(&done));
    assert_done(id, &result);
    assert!(
        result
            .detail
            .contains("daemon set \"log-collector\" successfully rolled out"),
        "{}",
        result.detail
    );
    let broken = rollout(ds, CLUSTER, "fluentd=fluentd:v1.15", true);
    assert_missing(
        id,
        &check(id, &state.with_rollout(&broken)),
        "ImagePullBackOff",
    );
}

#[test]
fn comparison_scale_by_nodes_not_replicas() {
    let id = "comparison";
    let ds = start(the(id));
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, CLUSTER)),
        "2 pod(s) of default/monitoring-agent run (worker-1, worker-2)",
    );
    let replicas = edit(
        ds,
        "spec:\n  selector:",
        "spec:\n  replicas: 3\n  selector:",
    );
    assert_missing(
        id,
        &check(id, &LessonState::new(&replicas, CLUSTER)),
        "a DaemonSet has no replicas field",
    );
    let unselected = edit(
        ds,
        "      nodeSelector:\n        monitoring: \"enabled\"\n",
        "",
    );
    assert_done(id, &check(id, &LessonState::new(&unselected, CLUSTER)));
    let labelled = edit(
        CLUSTER,
        "labels: {kubernetes.io/os: linux, topology.kubernetes.io/zone: zone-c}",
        "labels: {kubernetes.io/os: linux, monitoring: enabled, topology.kubernetes.io/zone: zone-c}",
    );
    let result = check(id, &LessonState::new(ds, &labelled));
    assert_done(id, &result);
    assert!(result.detail.contains("worker-3"), "{}", result.detail);
}

#[test]
fn monitoring_a_stalled_update_shows_in_the_counters() {
    let id = "monitoring";
    let ds = start(the(id));
    let state = LessonState::new(ds, CLUSTER);
    assert_missing(
        id,
        &check(id, &state),
        "no update has been followed to its end",
    );
    let healthy = rollout(ds, CLUSTER, "fluentd=fluentd:v1.15", false);
    assert_missing(
        id,
        &check(id, &state.with_rollout(&healthy)),
        "DESIRED 3, CURRENT 3, READY 3, UP-TO-DATE 3, AVAILABLE 3",
    );
    let stuck = rollout(ds, CLUSTER, "fluentd=fluentd:v1.15", true);
    let result = check(id, &state.with_rollout(&stuck));
    assert_done(id, &result);
    assert!(result.detail.contains("READY 2"), "{}", result.detail);
    // An OnDelete update stalls with every pod ready: not what the task asks.
    let on_delete = read_guide("merged/on-delete.yaml");
    let waiting = rollout(&on_delete, CLUSTER, "fluentd=fluentd:v1.15", false);
    assert_missing(
        id,
        &check(
            id,
            &LessonState::new(&on_delete, CLUSTER).with_rollout(&waiting),
        ),
        "READY equals DESIRED",
    );
}

#[test]
fn troubleshooting_the_gpu_node_gets_its_pod() {
    let id = "troubleshooting";
    let ds = start(the(id));
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, CLUSTER)),
        "gpu-1: node(s) had untolerated taint {nvidia.com/gpu: present}",
    );
    let tolerated = edit(
        ds,
        "      containers:\n",
        "      tolerations:\n      - key: nvidia.com/gpu\n        operator: Equal\n        value: present\n        effect: NoSchedule\n      containers:\n",
    );
    assert_done(id, &check(id, &LessonState::new(&tolerated, CLUSTER)));
    // A toleration of another value does not match the taint.
    let wrong = tolerated.replace("value: present", "value: absent");
    assert_missing(id, &check(id, &LessonState::new(&wrong, CLUSTER)), "gpu-1");
}

#[test]
fn security_baseline_while_running() {
    let id = "security";
    let ds = start(the(id));
    let result = check(id, &LessonState::new(ds, CLUSTER));
    assert_missing(id, &result, "privileged (container \"privileged-agent\"");
    assert!(
        result
            .detail
            .contains("hostPath volumes (volume \"host-root\")"),
        "{}",
        result.detail
    );
    let unprivileged = edit(
        ds,
        "        securityContext:\n          privileged: true\n",
        "",
    );
    assert_missing(
        id,
        &check(id, &LessonState::new(&unprivileged, CLUSTER)),
        "hostPath volumes",
    );
    let baseline = edit(
        &unprivileged,
        "        hostPath:\n          path: /\n",
        "        emptyDir: {}\n",
    );
    let result = check(id, &LessonState::new(&baseline, CLUSTER));
    assert_done(id, &result);
    assert!(
        result.detail.contains("baseline level"),
        "{}",
        result.detail
    );
}

#[test]
fn resources_guaranteed_and_fitting() {
    let id = "resources";
    let ds = start(the(id));
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, CLUSTER)),
        "QoS Class: Burstable",
    );
    let guaranteed = edit(
        ds,
        "          requests:\n            cpu: 100m\n            memory: 128Mi\n",
        "          requests:\n            cpu: 200m\n            memory: 256Mi\n",
    );
    assert_done(id, &check(id, &LessonState::new(&guaranteed, CLUSTER)));
    // Guaranteed, but larger than a worker.
    let huge = guaranteed.replace("cpu: 200m", "cpu: \"5\"");
    assert_missing(
        id,
        &check(id, &LessonState::new(&huge, CLUSTER)),
        "Insufficient cpu",
    );
}

#[test]
fn best_practices_lint_clean() {
    let id = "best-practices";
    let ds = start(the(id));
    let result = check(id, &LessonState::new(ds, CLUSTER));
    for code in [
        "SkipsTaintedNodes",
        "LatestTag",
        "NoResourceRequests",
        "NoReadinessProbe",
    ] {
        assert_missing(id, &result, code);
    }
    let clean = edit(
        ds,
        "      containers:\n      - name: critical-daemon\n        image: system-daemon:latest\n",
        "      tolerations:\n      - operator: Exists\n        effect: NoSchedule\n      containers:\n      - name: critical-daemon\n        image: system-daemon:1.4.2\n        resources:\n          requests: {cpu: 50m, memory: 64Mi}\n          limits: {memory: 128Mi}\n        readinessProbe:\n          httpGet: {path: /healthz, port: 8080}\n",
    );
    assert_done(id, &check(id, &LessonState::new(&clean, CLUSTER)));
    // Without the memory limit, the task is not done.
    let unlimited = clean.replace("          limits: {memory: 128Mi}\n", "");
    assert_missing(
        id,
        &check(id, &LessonState::new(&unlimited, CLUSTER)),
        "NoMemoryLimit",
    );
}

#[test]
fn patterns_the_system_pattern_survives_no_execute() {
    let id = "patterns";
    let ds = start(the(id));
    assert_missing(
        id,
        &check(id, &LessonState::new(ds, CLUSTER)),
        "no node has a NoExecute taint yet",
    );
    let tainted = edit(
        CLUSTER,
        "    name: worker-1\n    labels: {kubernetes.io/os: linux, monitoring: enabled, topology.kubernetes.io/zone: zone-a}\n",
        "    name: worker-1\n    labels: {kubernetes.io/os: linux, monitoring: enabled, topology.kubernetes.io/zone: zone-a}\n  spec:\n    taints:\n    - {key: maintenance, value: \"true\", effect: NoExecute}\n",
    );
    let result = check(id, &LessonState::new(ds, &tainted));
    assert_done(id, &result);
    assert!(
        result.detail.contains("worker-1 tainted NoExecute"),
        "{}",
        result.detail
    );
    // Without the NoExecute toleration, the tainted node has no pod.
    let no_schedule_only = edit(
        ds,
        "      - operator: Exists\n        effect: NoExecute\n",
        "",
    );
    assert_missing(
        id,
        &check(id, &LessonState::new(&no_schedule_only, &tainted)),
        "worker-1: node(s) had untolerated taint {maintenance: true}",
    );
}

#[test]
fn checks_never_panic_on_broken_texts() {
    for l in LESSONS {
        for (ds, cluster) in [
            ("", ""),
            ("{", CLUSTER),
            (start(l), ""),
            ("apiVersion: v1\nkind: Node\nmetadata: {name: n}\n", CLUSTER),
        ] {
            let result = l.check(&LessonState::new(ds, cluster));
            assert!(!result.done, "{}: done on {ds:?}", l.id);
            assert!(!result.detail.is_empty(), "{}", l.id);
        }
    }
}
