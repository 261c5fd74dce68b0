//! `kubectl get` tables, following `pkg/printers/internalversion/printers.go`: the column
//! definitions of DaemonSets, Pods, Nodes and Namespaces (headers upper-cased as kubectl
//! prints them), `printDaemonSet`, `printPod`, `printNode`, `findNodeRoles` and
//! `printNamespace`, laid out by the tab writer with kubectl's padding.

use super::clock::{human_duration, Clock};
use super::labels::{format_label_selector, format_labels};
use super::tabwriter;
use crate::rollout::Millis;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Container, Namespace, Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::collections::BTreeSet;

/// A table to print.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column headers, upper-case.
    pub headers: Vec<String>,
    /// Cells, row by row.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers.
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Puts a column in front (`NAMESPACE` for `-A`).
    pub fn prepend(&mut self, header: &str, cells: Vec<String>) {
        self.headers.insert(0, header.to_owned());
        for (row, cell) in self.rows.iter_mut().zip(cells) {
            row.insert(0, cell);
        }
    }

    /// Adds a column at the end (`LABELS` for `--show-labels`).
    pub fn append(&mut self, header: &str, cells: Vec<String>) {
        self.headers.push(header.to_owned());
        for (row, cell) in self.rows.iter_mut().zip(cells) {
            row.push(cell);
        }
    }

    /// The aligned text, with or without the header line.
    pub fn render(&self, headers: bool) -> String {
        let mut text = String::new();
        if headers {
            text.push_str(&self.headers.join("\t"));
            text.push('\n');
        }
        for row in &self.rows {
            text.push_str(&row.join("\t"));
            text.push('\n');
        }
        tabwriter::table(&text)
    }
}

/// `translateTimestampSince`: the age of a timestamp, `<unknown>` without one.
pub fn age(time: Option<&Time>, clock: Clock, now: Millis) -> String {
    match time {
        None => "<unknown>".to_owned(),
        Some(t) => human_duration(now - clock.session_time(t)),
    }
}

/// `layoutContainerCells`: container names and images, comma-separated.
pub fn container_cells(containers: &[Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or(""))
        .collect();
    (names.join(","), images.join(","))
}

/// The DaemonSet table's headers.
pub fn daemon_set_headers(wide: bool) -> Vec<&'static str> {
    let mut h = vec![
        "NAME",
        "DESIRED",
        "CURRENT",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "NODE SELECTOR",
        "AGE",
    ];
    if wide {
        h.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
    }
    h
}

/// `printDaemonSet`: one row from a DaemonSet with its status.
pub fn daemon_set_row(ds: &DaemonSet, age: &str, wide: bool) -> Vec<String> {
    let status = ds.status.clone().unwrap_or_default();
    let spec = ds.spec.template.spec.as_ref();
    let mut row = vec![
        ds.metadata.name.clone().unwrap_or_default(),
        status.desired_number_scheduled.to_string(),
        status.current_number_scheduled.to_string(),
        status.number_ready.to_string(),
        status.updated_number_scheduled.unwrap_or(0).to_string(),
        status.number_available.unwrap_or(0).to_string(),
        format_labels(spec.and_then(|s| s.node_selector.as_ref())),
        age.to_owned(),
    ];
    if wide {
        let (names, images) =
            container_cells(spec.map(|s| s.containers.as_slice()).unwrap_or_default());
        row.extend([names, images, format_label_selector(&ds.spec.selector)]);
    }
    row
}

/// The Pod table's headers.
pub fn pod_headers(wide: bool) -> Vec<&'static str> {
    let mut h = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
    if wide {
        h.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    }
    h
}

/// `printPod`: ready containers, the status reason (waiting and terminated reasons of
/// containers override the phase), restarts with the time of the last one, age, and for
/// `-o wide` IP, node, nominated node and readiness gates.
pub fn pod_row(pod: &Pod, clock: Clock, now: Millis, wide: bool) -> Vec<String> {
    let empty_spec = Default::default();
    let spec = pod.spec.as_ref().unwrap_or(&empty_spec);
    let status = pod.status.clone().unwrap_or_default();
    let mut total = spec.containers.len();
    for c in spec.init_containers.iter().flatten() {
        if c.restart_policy.as_deref() == Some("Always") {
            total += 1;
        }
    }
    let mut reason = status
        .reason
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| status.phase.clone().unwrap_or_default());
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<Millis> = None;
    let mut has_running = false;
    for c in status.container_statuses.iter().flatten().rev() {
        restarts += c.restart_count;
        if let Some(t) = c
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
        {
            let at = clock.session_time(t);
            last_restart = Some(last_restart.map_or(at, |l| l.max(at)));
        }
        let state = c.state.clone().unwrap_or_default();
        if let Some(r) = state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .filter(|r| !r.is_empty())
        {
            reason = r;
        } else if let Some(t) = &state.terminated {
            reason = match t.reason.clone().filter(|r| !r.is_empty()) {
                Some(r) => r,
                None if t.signal.unwrap_or(0) != 0 => format!("Signal:{}", t.signal.unwrap_or(0)),
                None => format!("ExitCode:{}", t.exit_code),
            };
        } else if c.ready && state.running.is_some() {
            has_running = true;
            ready += 1;
        }
    }
    if reason == "Completed" && has_running {
        let pod_ready = status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        reason = if pod_ready { "Running" } else { "NotReady" }.to_owned();
    }
    if pod.metadata.deletion_timestamp.is_some() {
        reason = if status.reason.as_deref() == Some("NodeLost") {
            "Unknown".to_owned()
        } else {
            "Terminating".to_owned()
        };
    }
    let restarts = match last_restart {
        Some(at) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - at)),
        _ => restarts.to_string(),
    };
    let mut row = vec![
        pod.metadata.name.clone().unwrap_or_default(),
        format!("{ready}/{total}"),
        reason,
        restarts,
        age(pod.metadata.creation_timestamp.as_ref(), clock, now),
    ];
    if wide {
        let none = |s: Option<String>| {
            s.filter(|s| !s.is_empty())
                .unwrap_or_else(|| "<none>".to_owned())
        };
        let ip = status
            .pod_ips
            .as_ref()
            .and_then(|ips| ips.first())
            .map(|i| i.ip.clone());
        let gates = match spec.readiness_gates.as_ref().filter(|g| !g.is_empty()) {
            None => "<none>".to_owned(),
            Some(gates) => {
                let met = gates
                    .iter()
                    .filter(|g| {
                        status
                            .conditions
                            .iter()
                            .flatten()
                            .any(|c| c.type_ == g.condition_type && c.status == "True")
                    })
                    .count();
                format!("{met}/{}", gates.len())
            }
        };
        row.extend([
            none(ip),
            none(spec.node_name.clone()),
            none(status.nominated_node_name.clone()),
            gates,
        ]);
    }
    row
}

/// The Node table's headers.
pub fn node_headers(wide: bool) -> Vec<&'static str> {
    let mut h = vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    if wide {
        h.extend([
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME",
        ]);
    }
    h
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`.
pub fn node_roles(node: &Node) -> Vec<String> {
    let mut roles = BTreeSet::new();
    for (k, v) in node.metadata.labels.iter().flatten() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_owned());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    roles.into_iter().collect()
}

/// The node's status column: `Ready`, `NotReady` or `Unknown`, with `SchedulingDisabled`
/// when cordoned.
pub fn node_status(node: &Node) -> String {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"));
    let mut parts = vec![match ready {
        Some(c) if c.status == "True" => "Ready".to_owned(),
        Some(_) => "NotReady".to_owned(),
        None => "Unknown".to_owned(),
    }];
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        parts.push("SchedulingDisabled".to_owned());
    }
    parts.join(",")
}

/// `printNode`.
pub fn node_row(node: &Node, age: &str, wide: bool) -> Vec<String> {
    let roles = node_roles(node);
    let info = node
        .status
        .as_ref()
        .and_then(|s| s.node_info.clone())
        .unwrap_or_default();
    let mut row = vec![
        node.metadata.name.clone().unwrap_or_default(),
        node_status(node),
        if roles.is_empty() {
            "<none>".to_owned()
        } else {
            roles.join(",")
        },
        age.to_owned(),
        info.kubelet_version.clone(),
    ];
    if wide {
        let address = |kind: &str| {
            node.status
                .as_ref()
                .and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|a| a.type_ == kind))
                .map_or_else(|| "<none>".to_owned(), |a| a.address.clone())
        };
        let unknown = |s: &str| {
            if s.is_empty() {
                "<unknown>".to_owned()
            } else {
                s.to_owned()
            }
        };
        row.extend([
            address("InternalIP"),
            address("ExternalIP"),
            unknown(&info.os_image),
            unknown(&info.kernel_version),
            unknown(&info.container_runtime_version),
        ]);
    }
    row
}

/// The Namespace table's headers (`namespaceColumnDefinitions`; no wide columns).
pub fn namespace_headers() -> Vec<&'static str> {
    vec!["NAME", "STATUS", "AGE"]
}

/// `printNamespace`: the name, the phase and the age.
pub fn namespace_row(namespace: &Namespace, age: &str) -> Vec<String> {
    vec![
        namespace.metadata.name.clone().unwrap_or_default(),
        namespace
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        age.to_owned(),
    ]
}
