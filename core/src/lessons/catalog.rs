//! The twelve lessons, in the guide's order: one per section, and one for the common
//! patterns at the end of its best practices.

use super::checks;
use super::{Lesson, Task};

/// Every lesson, in the order of the guide.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "concepts",
        title: "What a DaemonSet does",
        section: "DaemonSet Concepts",
        explanation: "A DaemonSet keeps one copy of a pod on every node that qualifies, instead of a fixed number of replicas. Its controller watches the nodes: when a node joins and qualifies, it creates a pod pinned to that node, and when a node is deleted, the node's pod goes with it. That makes it the usual home of node-level agents: log shippers, metrics exporters, network and storage plugins.",
        presets: &["basic-daemonset.yaml"],
        guide_commands: &[],
        more_commands: &[
            "kubectl get ds",
            "kubectl get pods -o wide",
            "kubectl delete node worker-2",
        ],
        task: Task {
            goal: "Add a node to the cluster (the \"Add a node\" button, or one more Node in the cluster editor) and see the controller give it a log collector pod, with no change to the DaemonSet.",
            check: checks::added_node_gets_pod,
        },
    },
    Lesson {
        id: "configuration",
        title: "Writing a DaemonSet",
        section: "DaemonSet Configuration",
        explanation: "An apps/v1 DaemonSet needs a pod template and a spec.selector that the template's labels match; the API server refuses it otherwise, and the selector cannot change once the DaemonSet exists. The template is an ordinary pod spec: containers with their images, and for an agent that reads the node's own files (such as /var/log), hostPath volumes. What the manifest leaves out gets defaults: a RollingUpdate strategy with maxUnavailable 1 and maxSurge 0, and a history of 10 revisions.",
        presets: &["service-account.yaml", "basic-daemonset.yaml"],
        guide_commands: &[],
        more_commands: &["kubectl get ds -o yaml", "kubectl get pods -o wide"],
        task: Task {
            goal: "The guide's ServiceAccount example has no spec.selector, so the API server rejects it. Make it a DaemonSet it accepts, with a selector and matching template labels as in the basic example, and whose pods run.",
            check: checks::valid_and_running,
        },
    },
    Lesson {
        id: "scheduling",
        title: "Choosing the nodes",
        section: "DaemonSet Scheduling",
        explanation: "Without any node selection the controller wants a pod on every node; a nodeSelector (or required node affinity) narrows that to nodes with matching labels. Taints work the other way round: a node tainted NoSchedule gets no daemon pod unless the template tolerates the taint, which is why agents skip control-plane nodes unless told otherwise. The controller adds a few tolerations itself (for not-ready, unreachable, unschedulable and pressure taints), so a cordoned node keeps its daemon pod.",
        presets: &["node-selection.yaml", "merged/control-plane-tolerations.yaml"],
        guide_commands: &[],
        more_commands: &[
            "kubectl get nodes --show-labels",
            "kubectl describe node control-plane-1 | grep Taints",
            "kubectl get ds -o wide",
        ],
        task: Task {
            goal: "Make the monitoring agent run on the control-plane node too: the node must match the agent's node selection, and the agent must tolerate the node's taint.",
            check: checks::runs_on_control_plane,
        },
    },
    Lesson {
        id: "updates",
        title: "Rolling out a new version",
        section: "DaemonSet Updates",
        explanation: "Any change to the pod template makes a new revision. With RollingUpdate, the controller replaces pods node by node and never lets more than maxUnavailable nodes be without an available pod; with maxSurge it starts the new pod before removing the old one instead. With OnDelete it touches nothing that runs: a node moves to the new revision only when someone deletes its pod.",
        presets: &["merged/on-delete.yaml", "rolling-update.yaml"],
        guide_commands: &[],
        more_commands: &[
            "kubectl set image daemonset/log-collector fluentd=fluentd:v1.15",
            "kubectl get pods -o wide",
            "kubectl delete pod -l app=log-collector",
            "kubectl rollout history daemonset/log-collector",
        ],
        task: Task {
            goal: "Roll out fluentd:v1.15 to every node with at most one node down at any moment. The start uses OnDelete, which replaces nothing: change the strategy, then set image fluentd=fluentd:v1.15 and follow the update to its end.",
            check: checks::rolled_out_one_at_a_time,
        },
    },
    Lesson {
        id: "operations",
        title: "Working with kubectl",
        section: "DaemonSet Operations",
        explanation: "Keep the manifest in a file and kubectl apply it: that creates the DaemonSet, and applying a changed file updates it. kubectl has no generator for DaemonSets, so create daemonset fails; generating a Deployment and editing it is the usual way round. kubectl set image changes one container's image, which is a template change and so a rollout, and kubectl rollout status waits until every node runs the new revision and it is available.",
        presets: &["basic-daemonset.yaml"],
        guide_commands: &[
            "kubectl apply -f daemonset.yaml",
            "kubectl create daemonset log-collector --image=fluentd:v1.14 --dry-run=client -o yaml",
            "kubectl get daemonsets",
            "kubectl get ds",
            "kubectl describe daemonset log-collector",
            "kubectl get ds log-collector -o wide",
            "kubectl set image daemonset/log-collector fluentd=fluentd:v1.15",
            "kubectl edit daemonset log-collector",
            "kubectl rollout status daemonset/log-collector",
        ],
        more_commands: &[
            "kubectl create deployment log-collector --image=fluentd:v1.14 --dry-run=client -o yaml",
            "kubectl rollout history daemonset/log-collector",
        ],
        task: Task {
            goal: "Update the log collector to fluentd:v1.15 as kubectl set image does, and follow the rollout until kubectl rollout status says it successfully rolled out.",
            check: checks::set_image_completes,
        },
    },
    Lesson {
        id: "comparison",
        title: "DaemonSet, Deployment, StatefulSet",
        section: "DaemonSet vs Other Controllers",
        explanation: "A Deployment keeps a chosen number of interchangeable replicas wherever the scheduler finds room; a StatefulSet gives each replica a stable name and its own storage, and starts them in order. A DaemonSet has no replica count: it runs one pod on each node that qualifies, so the nodes decide how many there are. Choose it when the work belongs to the node itself, such as collecting its logs, exporting its metrics or wiring its network.",
        presets: &["node-selection.yaml"],
        guide_commands: &[],
        more_commands: &[
            "kubectl get ds -o wide",
            "kubectl create deployment monitoring-agent --image=prom/node-exporter:latest --dry-run=client -o yaml",
            "kubectl label nodes worker-3 monitoring=enabled",
            "kubectl get pods -o wide",
        ],
        task: Task {
            goal: "Get at least three monitoring agent pods running. A DaemonSet has no replicas field (the API server rejects one): change which nodes qualify instead, with a node label or the nodeSelector.",
            check: checks::three_pods_without_replicas,
        },
    },
    Lesson {
        id: "monitoring",
        title: "Reading a DaemonSet's status",
        section: "Monitoring DaemonSets",
        explanation: "A DaemonSet's status counts nodes: DESIRED (those that should run the pod), CURRENT (those that have one), READY, UP-TO-DATE (on the latest revision) and AVAILABLE (ready for minReadySeconds). When they all agree the DaemonSet is healthy, and a gap tells where to look; kubectl get pods -o wide shows which node each pod is on. DESIRED counts only the nodes that qualify, so a node skipped for an untolerated taint is missing without any error.",
        presets: &["basic-daemonset.yaml"],
        guide_commands: &[
            "kubectl get pods -l app=log-collector -o wide",
            "kubectl get nodes",
            "kubectl describe daemonset log-collector",
            "kubectl get daemonset log-collector",
            r#"kubectl describe daemonset log-collector | grep -A 10 "Pod Status""#,
        ],
        more_commands: &[
            r#"kubectl describe daemonset log-collector | grep "Pods Status""#,
            "kubectl get ds log-collector -o wide",
        ],
        task: Task {
            goal: "See what a stuck update looks like: start an update whose new image cannot be pulled, and play it to its end. It is done when the finished rollout has stalled with READY below DESIRED.",
            check: checks::stalled_rollout_seen,
        },
    },
    Lesson {
        id: "troubleshooting",
        title: "Why is a node missing its pod?",
        section: "Troubleshooting DaemonSets",
        explanation: "A node without a daemon pod is one of three cases: it does not match the node selection, it has a taint the pod does not tolerate, or the scheduler cannot fit the pod there (resources, host ports). In the first two the controller never creates a pod, so no event mentions the node: compare the DaemonSet's selector and tolerations (get -o yaml) with the node's labels and taints (get nodes --show-labels, describe node). A pod that exists but stays Pending says why in describe pod, in its FailedScheduling event.",
        presets: &["basic-daemonset.yaml"],
        guide_commands: &[
            "kubectl describe daemonset <daemonset-name>",
            "kubectl get daemonset <daemonset-name> -o yaml",
            "kubectl get nodes --show-labels",
            "kubectl describe node <node-name> | grep Taints",
            "kubectl logs -l app=<app-label>",
            "kubectl describe pod <pod-name>",
        ],
        more_commands: &[
            "kubectl describe daemonset log-collector",
            "kubectl describe node gpu-1 | grep Taints",
            "kubectl get pods -o wide",
        ],
        task: Task {
            goal: "The log collector has no pod on the GPU node. Find the node's taint and get a log collector pod running there.",
            check: checks::runs_on_gpu_node,
        },
    },
    Lesson {
        id: "security",
        title: "Least privilege for node agents",
        section: "Security Considerations",
        explanation: "Node agents often ask for a lot: root, privileged containers, the host's network or process namespace, hostPath mounts of the node's filesystem. Pod Security Admission grades pods as privileged, baseline or restricted; baseline forbids privileged containers, host namespaces, host ports and hostPath volumes, and many namespaces enforce it. Give an agent only what it needs, and its own ServiceAccount with narrow RBAC rules rather than the namespace's default one.",
        presets: &["merged/privileged-agent.yaml", "service-account.yaml"],
        guide_commands: &[],
        more_commands: &[
            "kubectl get ds -n kube-system",
            "kubectl describe daemonset security-agent -n kube-system",
        ],
        task: Task {
            goal: "Bring the security agent up to the Pod Security baseline level (or restricted) while its pods still run, by dropping what baseline forbids and this agent can do without.",
            check: checks::baseline_and_running,
        },
    },
    Lesson {
        id: "resources",
        title: "Requests, limits and priority",
        section: "Resource Management",
        explanation: "Requests are what the scheduler reserves on a node, limits the most a container may use. A daemon pod must fit on every node it targets, so its requests are paid on every node of the cluster; where there is no room it stays Pending, unless its priority lets it preempt other pods, as the built-in system-node-critical class does. When every container's requests equal its limits for CPU and memory, the pod's QoS class is Guaranteed, the least likely to be evicted when a node runs short.",
        presets: &["merged/resources.yaml", "merged/priority-class.yaml"],
        guide_commands: &[],
        more_commands: &[
            r#"kubectl describe pod -l app=resource-limited | grep "QoS Class""#,
            r#"kubectl describe node worker-1 | grep -A 7 "Allocated resources""#,
        ],
        task: Task {
            goal: "Give the agent the Guaranteed QoS class (in every container, requests equal to limits for CPU and memory) while its requests still fit on every node it should run on.",
            check: checks::guaranteed_and_fits,
        },
    },
    Lesson {
        id: "best-practices",
        title: "Best practices",
        section: "Best Practices",
        explanation: "The guide's guidelines come down to habits a tool can check: pin image versions (with a moving tag like latest, a new build changes nothing in the template and rolls out nothing), set requests and a memory limit, give containers a readiness probe so that a broken version stops a rolling update, and decide on purpose which tainted nodes the agent tolerates. The lint checks each of these on the cluster at hand.",
        presets: &["merged/priority-class.yaml"],
        guide_commands: &[],
        more_commands: &[
            "kubectl get ds -A -o wide",
            "kubectl describe daemonset critical-daemon -n kube-system",
        ],
        task: Task {
            goal: "Make the critical daemon pass the lint with no error or warning and with a memory limit: a pinned image, requests and limits, a readiness probe, and tolerations for the tainted nodes it skips.",
            check: checks::lint_clean,
        },
    },
    Lesson {
        id: "patterns",
        title: "Common patterns",
        section: "Best Practices: Common Patterns",
        explanation: "The system pattern tolerates every NoSchedule and NoExecute taint (operator Exists with no key), so the agent runs on every node and is not evicted when a node gets a NoExecute taint, for maintenance or because it is failing. The monitoring pattern shares the node's network and process namespaces (hostNetwork, hostPID), so an exporter sees the host as it is; only the privileged Pod Security level allows that.",
        presets: &["merged/system-pattern.yaml"],
        guide_commands: &[],
        more_commands: &[
            "kubectl taint nodes worker-1 maintenance=true:NoExecute",
            "kubectl get pods -n kube-system -o wide",
        ],
        task: Task {
            goal: "Taint a node NoExecute (for example kubectl taint nodes worker-1 maintenance=true:NoExecute in the node command box) and keep the agent running on every node.",
            check: checks::survives_no_execute,
        },
    },
];
