//! `kubectl describe node` (`describeNode`, `describeNodeResource`): taints,
//! `Unschedulable`, conditions, addresses, capacity, system info, the non-terminated pods
//! on the node (daemon pods included) and their requests and limits against allocatable.

use super::{annotations_multiline, events, labels_multiline, taints_multiline, EventRow, Writer};
use crate::kubectl::clock::human_duration;
use crate::kubectl::printers::node_roles;
use crate::kubectl::session::Session;
use crate::placement::fit;
use crate::quantity;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};
use std::collections::BTreeMap;

/// CPU millicores as a canonical quantity: `2`, `250m`, `0`.
pub fn cpu_string(milli: i128) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

/// Bytes as a canonical quantity in binary (`128Mi`) or decimal (`128M`) suffixes.
pub fn bytes_string(bytes: i128, binary: bool) -> String {
    if bytes == 0 {
        return "0".to_owned();
    }
    let (base, suffixes): (i128, &[&str]) = if binary {
        (1024, &["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"])
    } else {
        (1000, &["k", "M", "G", "T", "P", "E"])
    };
    let mut value = bytes;
    let mut suffix = "";
    for s in suffixes {
        if value % base != 0 {
            break;
        }
        value /= base;
        suffix = s;
    }
    format!("{value}{suffix}")
}

/// Whether a memory quantity is written with a binary suffix.
fn is_binary(text: &str) -> bool {
    text.ends_with('i')
}

/// A pod's CPU and memory limits (`resourcehelper.PodLimits` without init containers).
fn limits(spec: &PodSpec) -> (i128, i128) {
    let mut cpu = 0;
    let mut memory = 0;
    for c in &spec.containers {
        let l = c.resources.as_ref().and_then(|r| r.limits.as_ref());
        if let Some(q) = l.and_then(|l| l.get("cpu")) {
            cpu += quantity::milli_value(&q.0).unwrap_or(0);
        }
        if let Some(q) = l.and_then(|l| l.get("memory")) {
            memory += quantity::value(&q.0).unwrap_or(0);
        }
    }
    (cpu, memory)
}

/// The first memory quantity of a pod, for the format of sums.
fn first_memory(
    spec: &PodSpec,
    field: fn(
        &k8s_openapi::api::core::v1::ResourceRequirements,
    )
        -> Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> Option<bool> {
    spec.containers.iter().find_map(|c| {
        c.resources
            .as_ref()
            .and_then(field)
            .and_then(|l| l.get("memory"))
            .filter(|q| quantity::value(&q.0).unwrap_or(0) != 0)
            .map(|q| is_binary(&q.0))
    })
}

fn percent(part: i128, whole: i128) -> i128 {
    if whole == 0 {
        return 0;
    }
    // int64(float64(part) / float64(whole) * 100), truncated as Go converts.
    (part * 100) / whole
}

fn allocatable(node: &Node) -> BTreeMap<String, String> {
    let status = node.status.as_ref();
    let list = status
        .and_then(|s| s.allocatable.as_ref())
        .filter(|a| !a.is_empty())
        .or_else(|| status.and_then(|s| s.capacity.as_ref()));
    list.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect()
}

fn resource_rows(w: &mut Writer, node: &Node, pods: &[&Pod], session: &Session) {
    let alloc = allocatable(node);
    let alloc_cpu = alloc
        .get("cpu")
        .map_or(0, |q| quantity::milli_value(q).unwrap_or(0));
    let alloc_mem = alloc
        .get("memory")
        .map_or(0, |q| quantity::value(q).unwrap_or(0));
    let alloc_eph = alloc
        .get("ephemeral-storage")
        .map_or(0, |q| quantity::value(q).unwrap_or(0));
    w.write(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let mut total_req = fit::Resources::default();
    let (mut total_cpu_limit, mut total_mem_limit) = (0i128, 0i128);
    let mut req_binary = None;
    let mut limit_binary = None;
    for pod in pods {
        let spec = pod.spec.clone().unwrap_or_default();
        let req = fit::pod_requests(&spec);
        let (cpu_limit, mem_limit) = limits(&spec);
        let req_bin = first_memory(&spec, |r| r.requests.as_ref())
            .or_else(|| first_memory(&spec, |r| r.limits.as_ref()));
        let lim_bin = first_memory(&spec, |r| r.limits.as_ref());
        if req.memory != 0 {
            req_binary = req_binary.or(req_bin);
        }
        if mem_limit != 0 {
            limit_binary = limit_binary.or(lim_bin);
        }
        let age = pod.metadata.creation_timestamp.as_ref().map_or_else(
            || "<unknown>".to_owned(),
            |t| human_duration(session.now - session.clock.session_time(t)),
        );
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{age}\n",
                pod.metadata.namespace.as_deref().unwrap_or(""),
                pod.metadata.name.as_deref().unwrap_or(""),
                cpu_string(req.milli_cpu),
                percent(req.milli_cpu, alloc_cpu),
                cpu_string(cpu_limit),
                percent(cpu_limit, alloc_cpu),
                bytes_string(req.memory, req_bin.unwrap_or(true)),
                percent(req.memory, alloc_mem),
                bytes_string(mem_limit, lim_bin.unwrap_or(true)),
                percent(mem_limit, alloc_mem),
            ),
        );
        total_req.add(&req);
        total_cpu_limit += cpu_limit;
        total_mem_limit += mem_limit;
    }
    w.write(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    w.write(
        1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)\n",
            cpu_string(total_req.milli_cpu),
            percent(total_req.milli_cpu, alloc_cpu),
            cpu_string(total_cpu_limit),
            percent(total_cpu_limit, alloc_cpu)
        ),
    );
    w.write(
        1,
        &format!(
            "memory\t{} ({}%)\t{} ({}%)\n",
            bytes_string(total_req.memory, req_binary.unwrap_or(true)),
            percent(total_req.memory, alloc_mem),
            bytes_string(total_mem_limit, limit_binary.unwrap_or(true)),
            percent(total_mem_limit, alloc_mem)
        ),
    );
    w.write(
        1,
        &format!(
            "ephemeral-storage\t{} ({}%)\t0 (0%)\n",
            bytes_string(total_req.ephemeral_storage, true),
            percent(total_req.ephemeral_storage, alloc_eph)
        ),
    );
    for name in alloc.keys().filter(|k| k.starts_with("hugepages-")) {
        let used = total_req.scalar.get(name).copied().unwrap_or(0);
        let whole = alloc
            .get(name)
            .map_or(0, |q| quantity::value(q).unwrap_or(0));
        w.write(
            1,
            &format!(
                "{name}\t{} ({}%)\t0 (0%)\n",
                bytes_string(used, true),
                percent(used, whole)
            ),
        );
    }
    for name in alloc.keys().filter(|k| {
        !k.starts_with("hugepages-")
            && !matches!(
                k.as_str(),
                "cpu" | "memory" | "ephemeral-storage" | "pods" | "storage"
            )
    }) {
        let used = total_req.scalar.get(name).copied().unwrap_or(0);
        w.write(1, &format!("{name}\t{used}\t0\n"));
    }
}

/// The description of the node at index `index`.
pub fn describe(session: &Session, index: usize) -> String {
    let entry = &session.nodes[index];
    let node = &entry.object;
    let name = node.metadata.name.clone().unwrap_or_default();
    let clock = session.clock;
    let mut w = Writer::default();
    w.write(0, &format!("Name:\t{name}\n"));
    let roles = node_roles(node);
    w.write(
        0,
        &format!(
            "Roles:\t{}\n",
            if roles.is_empty() {
                "<none>".to_owned()
            } else {
                roles.join(",")
            }
        ),
    );
    labels_multiline(&mut w, "Labels", node.metadata.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", node.metadata.annotations.as_ref());
    w.write(
        0,
        &format!("CreationTimestamp:\t{}\n", clock.rfc1123z(entry.created)),
    );
    let spec = node.spec.clone().unwrap_or_default();
    taints_multiline(&mut w, "Taints", spec.taints.as_deref().unwrap_or_default());
    w.write(
        0,
        &format!("Unschedulable:\t{}\n", spec.unschedulable.unwrap_or(false)),
    );
    w.write(0, "Lease:\n");
    w.write(1, &format!("HolderIdentity:\t{name}\n"));
    w.write(1, "AcquireTime:\t<unset>\n");
    w.write(1, &format!("RenewTime:\t{}\n", clock.rfc1123z(session.now)));
    let status = node.status.clone().unwrap_or_default();
    if let Some(conditions) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        let time = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
            t.map_or_else(
                || "Mon, 01 Jan 0001 00:00:00 +0000".to_owned(),
                |t| clock.rfc1123z(clock.session_time(t)),
            )
        };
        for c in conditions {
            // A kubelet heartbeats all the time; a condition without a heartbeat time (a
            // node whose status the session filled in) shows the current time.
            let heartbeat = c.last_heartbeat_time.as_ref().map_or_else(
                || clock.rfc1123z(session.now),
                |t| clock.rfc1123z(clock.session_time(t)),
            );
            w.write(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    heartbeat,
                    time(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.write(0, "Addresses:\n");
    for a in status.addresses.iter().flatten() {
        w.write(1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", status.capacity.as_ref()),
        ("Allocatable", status.allocatable.as_ref()),
    ] {
        if let Some(list) = list.filter(|l| !l.is_empty()) {
            w.write(0, &format!("{title}:\n"));
            for (k, v) in list {
                w.write(0, &format!("  {k}:\t{}\n", v.0));
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.write(0, "System Info:\n");
    for (label, value) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
    ] {
        w.write(0, &format!("  {label}:\t{value}\n"));
    }
    if let Some(cidr) = spec.pod_cidr.as_deref().filter(|c| !c.is_empty()) {
        w.write(0, &format!("PodCIDR:\t{cidr}\n"));
    }
    if let Some(cidrs) = spec.pod_cidrs.as_ref().filter(|c| !c.is_empty()) {
        w.write(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if let Some(id) = spec.provider_id.as_deref().filter(|c| !c.is_empty()) {
        w.write(0, &format!("ProviderID:\t{id}\n"));
    }
    let all = session.pods();
    let on_node: Vec<&Pod> = all
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name.as_str()))
        .filter(|p| {
            !matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded" | "Failed")
            )
        })
        .collect();
    resource_rows(&mut w, node, &on_node, session);
    let rows: Vec<EventRow> = session
        .events
        .iter()
        .filter(|e| e.kind == "Node" && e.name == name)
        .map(|e| EventRow {
            type_: e.type_.into(),
            reason: e.reason.clone(),
            first: e.at,
            last: e.at,
            count: 1,
            from: e.from.clone(),
            message: e.message.clone(),
        })
        .collect();
    events(&mut w, &rows, session.now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_canonically() {
        assert_eq!(cpu_string(0), "0");
        assert_eq!(cpu_string(2000), "2");
        assert_eq!(cpu_string(250), "250m");
        assert_eq!(bytes_string(128 * 1024 * 1024, true), "128Mi");
        assert_eq!(bytes_string(128_000_000, false), "128M");
        assert_eq!(bytes_string(1500, true), "1500");
    }
}
