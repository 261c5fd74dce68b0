//! `kubectl logs POD [-c CONTAINER]`, `kubectl logs -l SELECTOR`, `kubectl logs
//! daemonset/NAME`: the simulation runs no containers, so the lines say that they are
//! simulated and what is known about the container. Waiting containers get kubectl's
//! error.

use super::get::selector;
use super::{namespace, parse};
use crate::kubectl::args::{boolean, value, Flag};
use crate::kubectl::clock::human_duration;
use crate::kubectl::labels;
use crate::kubectl::resources::{self, not_found, Kind};
use crate::kubectl::{Output, Session};
use k8s_openapi::api::core::v1::Pod;

const FLAGS: &[Flag] = &[
    value("container", Some('c')),
    value("selector", Some('l')),
    value("tail", None),
    value("since", None),
    value("since-time", None),
    value("max-log-requests", None),
    value("limit-bytes", None),
    boolean("follow", Some('f')),
    boolean("previous", Some('p')),
    boolean("timestamps", None),
    boolean("all-containers", None),
    boolean("prefix", None),
    boolean("ignore-errors", None),
];

fn container_logs(
    session: &Session,
    pod: &Pod,
    container: &str,
    prefix: bool,
) -> Result<String, String> {
    let name = pod.metadata.name.as_deref().unwrap_or("");
    let status = pod.status.clone().unwrap_or_default();
    let s = status
        .container_statuses
        .iter()
        .flatten()
        .find(|s| s.name == container);
    let running = s
        .and_then(|s| s.state.as_ref())
        .and_then(|st| st.running.as_ref());
    let Some(running) = running else {
        let reason = s
            .and_then(|s| s.state.as_ref())
            .and_then(|st| st.waiting.as_ref())
            .and_then(|w| w.reason.clone())
            .unwrap_or_else(|| "ContainerCreating".to_owned());
        let reason = if reason == "ImagePullBackOff" || reason == "ErrImagePull" {
            "trying and failing to pull image".to_owned()
        } else {
            reason
        };
        return Err(format!(
            "Error from server (BadRequest): container \"{container}\" in pod \"{name}\" is waiting to start: {reason}\n"
        ));
    };
    let image = s.map(|s| s.image.clone()).unwrap_or_default();
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default();
    let started = running
        .started_at
        .as_ref()
        .map_or(session.now, |t| session.clock.session_time(t));
    let ready = if s.is_some_and(|s| s.ready) {
        "Ready"
    } else {
        "not Ready"
    };
    let lead = if prefix {
        format!("[pod/{name}/{container}] ")
    } else {
        String::new()
    };
    Ok(format!(
        "{lead}[dsim] simulated log: the simulator runs no containers, so there is no real output\n{lead}[dsim] pod {name}, container {container}, image {image}, on node {node}\n{lead}[dsim] running since {} ({} ago), {ready}\n",
        session.clock.rfc1123z(started),
        human_duration(session.now - started)
    ))
}

/// `kubectl logs`.
pub fn run(session: &mut Session, args: &[String]) -> Output {
    let parsed = match parse("logs", args, FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let ns = namespace(&parsed);
    let pods: Vec<Pod> = session
        .pods()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.metadata.namespace.as_deref() == Some(ns.as_str()))
        .collect();
    let mut stderr = String::new();
    let chosen: Vec<Pod> = if parsed.has("selector") {
        let requirements = match selector(&parsed) {
            Ok(r) => r,
            Err(e) => return e,
        };
        let matching: Vec<Pod> = pods
            .into_iter()
            .filter(|p| labels::matches(&requirements, p.metadata.labels.as_ref()))
            .collect();
        if matching.is_empty() {
            return Output::parts("", format!("No resources found in {ns} namespace.\n"), 0);
        }
        matching
    } else {
        let Some(target) = parsed.positionals.first() else {
            return Output::fail(
                "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n",
            );
        };
        match target.split_once('/') {
            Some((kind, name)) => match resources::resolve(kind) {
                resources::Resolved::Kind(Kind::Pod) => match pods
                    .into_iter()
                    .find(|p| p.metadata.name.as_deref() == Some(name))
                {
                    Some(p) => vec![p],
                    None => return Output::fail(not_found(Kind::Pod, name)),
                },
                resources::Resolved::Kind(Kind::DaemonSet) => {
                    let Some(index) = session.daemon_set(&ns, name) else {
                        return Output::fail(not_found(Kind::DaemonSet, name));
                    };
                    let owned: Vec<Pod> = session
                        .pods()
                        .into_iter()
                        .filter(|(_, o)| *o == Some(index))
                        .map(|(p, _)| p)
                        .collect();
                    let Some(first) = owned.first().cloned() else {
                        return Output::fail("error: timed out waiting for the condition\n");
                    };
                    if owned.len() > 1 {
                        stderr.push_str(&format!(
                            "Found {} pods, using pod/{}\n",
                            owned.len(),
                            first.metadata.name.as_deref().unwrap_or("")
                        ));
                    }
                    vec![first]
                }
                resources::Resolved::Kind(kind @ (Kind::Node | Kind::Namespace)) => {
                    return Output::fail(format!(
                        "error: cannot get the logs from *v1.{}\n",
                        kind.kind_name()
                    ))
                }
                resources::Resolved::NotSimulated(n) => {
                    return Output::fail(resources::not_simulated(&n))
                }
                resources::Resolved::Unknown(n) => {
                    return Output::fail(resources::unknown_type(&n))
                }
            },
            None => match pods
                .into_iter()
                .find(|p| p.metadata.name.as_deref() == Some(target.as_str()))
            {
                Some(p) => vec![p],
                None => return Output::fail(not_found(Kind::Pod, target)),
            },
        }
    };
    let mut out = Output::parts("", stderr, 0);
    for pod in &chosen {
        let containers: Vec<String> = pod
            .spec
            .as_ref()
            .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        let wanted: Vec<String> = if parsed.is_set("all-containers") {
            containers.clone()
        } else if let Some(c) = parsed.value("container") {
            if !containers.iter().any(|x| x == c) {
                out.push(Output::fail(format!(
                    "error: container {c} is not valid for pod {}\n",
                    pod.metadata.name.as_deref().unwrap_or("")
                )));
                continue;
            }
            vec![c.to_owned()]
        } else {
            if containers.len() > 1 {
                out.eprint(format!(
                    "Defaulted container \"{}\" out of: {}\n",
                    containers[0],
                    containers.join(", ")
                ));
            }
            containers.into_iter().take(1).collect()
        };
        for c in wanted {
            match container_logs(session, pod, &c, parsed.is_set("prefix")) {
                Ok(text) => out.print(&text),
                Err(e) => out.push(Output::fail(e)),
            }
        }
    }
    if parsed.is_set("follow") {
        out.eprint("dsim: --follow would keep streaming; the simulation has no more output\n");
    }
    out
}
