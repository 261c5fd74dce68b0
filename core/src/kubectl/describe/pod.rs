//! `kubectl describe pod` (`describePod`), with the scheduler's and kubelet's events as the
//! simulation implies them: `Scheduled`, `Pulled`, `Created`, `Started` for a pod that
//! started, `FailedScheduling` with the scheduler's message for one that cannot be placed,
//! and the image pull failures of `--fail-image`.

use super::{
    annotations_multiline, containers, events, labels_multiline, tolerations_multiline, volumes,
    ContainerView, EventRow, Writer,
};
use crate::kubectl::clock::Clock;
use crate::kubectl::session::Session;
use crate::rollout::Millis;

/// How often the scheduler retries a pod that does not fit anywhere, at the longest.
pub const SCHEDULER_RETRY: Millis = 300_000;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

fn container_view(s: &ContainerStatus, clock: Clock) -> ContainerView {
    let mut state = Vec::new();
    let st = s.state.clone().unwrap_or_default();
    if let Some(r) = &st.running {
        state.push(("State".to_owned(), "Running".to_owned()));
        let started = r
            .started_at
            .as_ref()
            .map(|t| clock.rfc1123z(clock.session_time(t)))
            .unwrap_or_default();
        state.push(("Started".to_owned(), started));
    } else if let Some(wt) = &st.waiting {
        state.push(("State".to_owned(), "Waiting".to_owned()));
        if let Some(reason) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            state.push(("Reason".to_owned(), reason.to_owned()));
        }
    } else if let Some(t) = &st.terminated {
        state.push(("State".to_owned(), "Terminated".to_owned()));
        if let Some(reason) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            state.push(("Reason".to_owned(), reason.to_owned()));
        }
        state.push(("Exit Code".to_owned(), t.exit_code.to_string()));
    } else {
        state.push(("State".to_owned(), "Waiting".to_owned()));
    }
    ContainerView {
        name: s.name.clone(),
        container_id: s.container_id.clone().unwrap_or_default(),
        image_id: s.image_id.clone(),
        state,
        ready: s.ready,
        restarts: s.restart_count,
    }
}

/// The events a pod's history implies, as the scheduler and the kubelet record them.
pub fn pod_events(pod: &Pod, fail_images: &[String], clock: Clock, now: Millis) -> Vec<EventRow> {
    let mut rows = Vec::new();
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let name = pod.metadata.name.as_deref().unwrap_or("");
    let created: Millis = pod
        .metadata
        .creation_timestamp
        .as_ref()
        .map_or(0, |t| clock.session_time(t));
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    let row = |type_: &str, reason: &str, at: Millis, from: &str, message: String| EventRow {
        type_: type_.into(),
        reason: reason.into(),
        first: at,
        last: at,
        count: 1,
        from: from.into(),
        message,
    };
    let unscheduled = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False");
    if let Some(c) = unscheduled {
        // The scheduler retries an unschedulable pod at least every five minutes
        // (podMaxInUnschedulablePodsDuration); the same event is counted, not repeated.
        let retries = (now - created).max(0) / SCHEDULER_RETRY;
        let mut event = row(
            "Warning",
            "FailedScheduling",
            created,
            "default-scheduler",
            c.message.clone().unwrap_or_default(),
        );
        event.count = u32::try_from(retries + 1).unwrap_or(u32::MAX);
        event.last = created + retries * SCHEDULER_RETRY;
        rows.push(event);
        return rows;
    }
    let Some(node) = spec.node_name.as_deref() else {
        return rows;
    };
    rows.push(row(
        "Normal",
        "Scheduled",
        created,
        "default-scheduler",
        format!("Successfully assigned {namespace}/{name} to {node}"),
    ));
    for c in &spec.containers {
        let image = c.image.as_deref().unwrap_or("");
        let s = status
            .container_statuses
            .iter()
            .flatten()
            .find(|s| s.name == c.name);
        let state = s.and_then(|s| s.state.clone()).unwrap_or_default();
        if let Some(running) = &state.running {
            let at = running
                .started_at
                .as_ref()
                .map_or(created, |t| clock.session_time(t));
            rows.push(row(
                "Normal",
                "Pulled",
                at,
                "kubelet",
                format!("Container image \"{image}\" already present on machine"),
            ));
            rows.push(row(
                "Normal",
                "Created",
                at,
                "kubelet",
                format!("Created container: {}", c.name),
            ));
            rows.push(row(
                "Normal",
                "Started",
                at,
                "kubelet",
                format!("Started container {}", c.name),
            ));
        } else if state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.as_deref())
            .is_some_and(|r| r == "ImagePullBackOff" || r == "ErrImagePull")
        {
            let why = if fail_images.iter().any(|f| f == image) {
                "the image cannot be pulled (--fail-image in the simulation)"
            } else {
                "the image cannot be pulled"
            };
            rows.push(row(
                "Normal",
                "Pulling",
                created,
                "kubelet",
                format!("Pulling image \"{image}\""),
            ));
            rows.push(row(
                "Warning",
                "Failed",
                created,
                "kubelet",
                format!("Failed to pull image \"{image}\": {why}"),
            ));
            rows.push(row(
                "Warning",
                "Failed",
                created,
                "kubelet",
                "Error: ErrImagePull".into(),
            ));
            rows.push(row(
                "Normal",
                "BackOff",
                created,
                "kubelet",
                format!("Back-off pulling image \"{image}\""),
            ));
            rows.push(row(
                "Warning",
                "Failed",
                created,
                "kubelet",
                "Error: ImagePullBackOff".into(),
            ));
        }
    }
    rows
}

/// The description of a pod.
pub fn describe(session: &Session, pod: &Pod) -> String {
    let clock = session.clock;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    let mut w = Writer::default();
    w.write(
        0,
        &format!("Name:\t{}\n", pod.metadata.name.as_deref().unwrap_or("")),
    );
    w.write(
        0,
        &format!(
            "Namespace:\t{}\n",
            pod.metadata.namespace.as_deref().unwrap_or("")
        ),
    );
    if let Some(p) = spec.priority {
        w.write(0, &format!("Priority:\t{p}\n"));
    }
    if let Some(c) = spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        w.write(0, &format!("Priority Class Name:\t{c}\n"));
    }
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Service Account:\t{sa}\n"));
    }
    match spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => w.write(0, "Node:\t<none>\n"),
        Some(node) => w.write(
            0,
            &format!(
                "Node:\t{node}/{}\n",
                status.host_ip.as_deref().unwrap_or("")
            ),
        ),
    }
    if let Some(t) = &status.start_time {
        w.write(
            0,
            &format!("Start Time:\t{}\n", clock.rfc1123z(clock.session_time(t))),
        );
    }
    labels_multiline(&mut w, "Labels", pod.metadata.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", pod.metadata.annotations.as_ref());
    w.write(
        0,
        &format!("Status:\t{}\n", status.phase.as_deref().unwrap_or("")),
    );
    if let Some(r) = status.reason.as_deref().filter(|r| !r.is_empty()) {
        w.write(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(m) = status.message.as_deref().filter(|m| !m.is_empty()) {
        w.write(0, &format!("Message:\t{m}\n"));
    }
    w.write(
        0,
        &format!("IP:\t{}\n", status.pod_ip.as_deref().unwrap_or("")),
    );
    match status.pod_ips.as_ref().filter(|i| !i.is_empty()) {
        None => w.write(0, "IPs:\t<none>\n"),
        Some(ips) => {
            w.write(0, "IPs:\n");
            for ip in ips {
                w.write(1, &format!("IP:\t{}\n", ip.ip));
            }
        }
    }
    if let Some(owner) = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
    {
        w.write(
            0,
            &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name),
        );
    }
    if let Some(n) = status
        .nominated_node_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        w.write(0, &format!("NominatedNodeName:\t{n}\n"));
    }
    let views: Vec<ContainerView> = status
        .container_statuses
        .iter()
        .flatten()
        .map(|s| container_view(s, clock))
        .collect();
    if let Some(init) = spec.init_containers.as_ref().filter(|c| !c.is_empty()) {
        let init_views: Vec<ContainerView> = status
            .init_container_statuses
            .iter()
            .flatten()
            .map(|s| container_view(s, clock))
            .collect();
        containers(&mut w, "Init Containers", init, &init_views, "");
    }
    containers(&mut w, "Containers", &spec.containers, &views, "");
    if let Some(conditions) = status.conditions.as_ref().filter(|c| !c.is_empty()) {
        w.write(0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            w.write(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    volumes(&mut w, spec.volumes.as_deref().unwrap_or_default(), "");
    let qos = status
        .qos_class
        .clone()
        .unwrap_or_else(|| super::qos_class(&spec));
    w.write(0, &format!("QoS Class:\t{qos}\n"));
    labels_multiline(&mut w, "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(
        &mut w,
        "Tolerations",
        spec.tolerations.as_deref().unwrap_or_default(),
    );
    let rows = pod_events(pod, &session.behaviour.fail_images, clock, session.now);
    events(&mut w, &rows, session.now);
    w.finish()
}
