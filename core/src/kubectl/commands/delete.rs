//! `kubectl delete pod|daemonset|node NAME...` (and `-l`, `--all`, `-f FILE`). A deleted
//! daemon pod is replaced by the controller; a deleted DaemonSet takes its pods with it; a
//! deleted node takes its pods (the pod garbage collector) and the DaemonSet's wish for
//! one.

use super::get::selector;
use super::{namespace, parse};
use crate::kubectl::args::{boolean, value, Flag, Parsed};
use crate::kubectl::labels;
use crate::kubectl::pods::pod_node;
use crate::kubectl::resources::{self, not_found, Kind};
use crate::kubectl::{Files, Output, Session};
use crate::manifest::{self, Source};
use crate::rollout::Action;

const FLAGS: &[Flag] = &[
    boolean("all", None),
    boolean("force", None),
    boolean("now", None),
    boolean("ignore-not-found", None),
    boolean("wait", None),
    value("grace-period", None),
    value("selector", Some('l')),
    value("filename", Some('f')),
    value("cascade", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("timeout", None),
];

fn deleted(kind: Kind, name: &str, parsed: &Parsed) -> String {
    let forced = parsed.is_set("force") && parsed.value("grace-period") == Some("0");
    let what = match kind {
        Kind::DaemonSet => format!("daemonset.apps \"{name}\""),
        Kind::Pod => format!("pod \"{name}\""),
        Kind::Node => format!("node \"{name}\""),
        Kind::Namespace => format!("namespace \"{name}\""),
    };
    if forced {
        format!("{what} force deleted\n")
    } else {
        format!("{what} deleted\n")
    }
}

/// `kubectl delete`.
pub fn run(session: &mut Session, args: &[String], files: &dyn Files) -> Output {
    let parsed = match parse("delete", args, FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let mut out = Output::default();
    if parsed.is_set("force") && parsed.value("grace-period") == Some("0") {
        out.eprint("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let ns = namespace(&parsed);
    let files_given = parsed.values("filename");
    let mut wanted: Vec<(Kind, String, String)> = Vec::new();
    if !files_given.is_empty() {
        for file in files_given {
            let text = match files.read(file) {
                Ok(t) => t,
                Err(e) => return Output::fail(format!("error: {e}\n")),
            };
            match manifest::read(&[Source {
                name: file,
                text: &text,
            }]) {
                Ok(m) => {
                    for ds in m.daemon_sets {
                        let object_ns = ds
                            .object
                            .metadata
                            .namespace
                            .clone()
                            .unwrap_or_else(|| ns.clone());
                        wanted.push((
                            Kind::DaemonSet,
                            object_ns,
                            ds.object.metadata.name.clone().unwrap_or_default(),
                        ));
                    }
                }
                Err(errors) => {
                    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    return Output::fail(format!("error: {}\n", lines.join("\n")));
                }
            }
        }
    } else {
        let targets = match resources::targets(&parsed.positionals) {
            Ok(t) => t,
            Err(e) => return Output::fail(e.replace("to get", "to delete")),
        };
        if targets.kind == Kind::Namespace {
            return Output::fail(
                "dsim: deleting namespaces is not emulated (a namespace takes everything in it with it); delete its DaemonSets with kubectl delete ds --all -n NAMESPACE\n",
            );
        }
        let requirements = match selector(&parsed) {
            Ok(r) => r,
            Err(e) => return e,
        };
        let by_selection = parsed.is_set("all") || parsed.has("selector");
        if targets.names.is_empty() && !by_selection {
            return Output::fail("error: resource(s) were provided, but no name was specified\n");
        }
        let mut names = targets.names.clone();
        if by_selection {
            names.extend(match targets.kind {
                Kind::Pod => session
                    .pods()
                    .into_iter()
                    .filter(|(p, _)| p.metadata.namespace.as_deref() == Some(ns.as_str()))
                    .filter(|(p, _)| labels::matches(&requirements, p.metadata.labels.as_ref()))
                    .filter_map(|(p, _)| p.metadata.name)
                    .collect::<Vec<_>>(),
                Kind::DaemonSet => session
                    .daemon_sets
                    .iter()
                    .filter(|e| e.key().0 == ns)
                    .filter(|e| labels::matches(&requirements, e.object.metadata.labels.as_ref()))
                    .map(|e| e.key().1)
                    .collect(),
                Kind::Node => session
                    .nodes
                    .iter()
                    .filter(|n| labels::matches(&requirements, n.object.metadata.labels.as_ref()))
                    .filter_map(|n| n.object.metadata.name.clone())
                    .collect(),
                Kind::Namespace => Vec::new(),
            });
            if names.is_empty() {
                out.eprint(format!("No resources found in {ns} namespace.\n"));
                return out;
            }
        }
        wanted = names
            .into_iter()
            .map(|n| (targets.kind, ns.clone(), n))
            .collect();
    }
    let dry = parsed.value("dry-run").is_some_and(|d| d != "none");
    for (kind, namespace, name) in wanted {
        let result = if dry {
            exists(session, kind, &namespace, &name)
                .map(|()| deleted(kind, &name, &parsed).replace('\n', " (dry run)\n"))
        } else {
            match kind {
                Kind::Pod => delete_pod(session, &namespace, &name),
                Kind::DaemonSet => delete_daemon_set(session, &namespace, &name),
                Kind::Node => delete_node(session, &name),
                Kind::Namespace => Err(()),
            }
            .map(|()| deleted(kind, &name, &parsed))
        };
        match result {
            Ok(line) => out.print(&line),
            Err(()) if parsed.is_set("ignore-not-found") => {}
            Err(()) => {
                out.eprint(not_found(kind, &name));
                out.code = 1;
            }
        }
    }
    out
}

fn exists(session: &Session, kind: Kind, namespace: &str, name: &str) -> Result<(), ()> {
    let found = match kind {
        Kind::Pod => session.pods().iter().any(|(p, _)| {
            p.metadata.namespace.as_deref() == Some(namespace)
                && p.metadata.name.as_deref() == Some(name)
        }),
        Kind::DaemonSet => session.daemon_set(namespace, name).is_some(),
        Kind::Node => session.node(name).is_some(),
        Kind::Namespace => session.find_namespace(name).is_some(),
    };
    if found {
        Ok(())
    } else {
        Err(())
    }
}

fn delete_pod(session: &mut Session, namespace: &str, name: &str) -> Result<(), ()> {
    let pods = session.pods();
    let Some((pod, owner)) = pods.into_iter().find(|(p, _)| {
        p.metadata.namespace.as_deref() == Some(namespace)
            && p.metadata.name.as_deref() == Some(name)
    }) else {
        return Err(());
    };
    let node = pod_node(&pod).map(str::to_owned);
    let at = session.tick();
    match owner {
        Some(index) => {
            let behaviour = session.behaviour.clone();
            if let Some(node) = node {
                let action = Action::DeleteNamedPod(node, name.to_owned());
                let _ = session.daemon_sets[index].sim.act(at, action, &behaviour);
            }
        }
        None => {
            session.others.retain(|o| {
                o.object.metadata.namespace.as_deref() != Some(namespace)
                    || o.object.metadata.name.as_deref() != Some(name)
            });
            if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
                let action = Action::RemoveOtherPod {
                    node,
                    namespace: namespace.to_owned(),
                    name: name.to_owned(),
                };
                let _ = session.act_on_nodes(at, &action);
            }
        }
    }
    Ok(())
}

fn delete_daemon_set(session: &mut Session, namespace: &str, name: &str) -> Result<(), ()> {
    let index = session.daemon_set(namespace, name).ok_or(())?;
    session.tick();
    session.daemon_sets.remove(index);
    Ok(())
}

fn delete_node(session: &mut Session, name: &str) -> Result<(), ()> {
    let index = session.node(name).ok_or(())?;
    let at = session.tick();
    let _ = session.act_on_nodes(at, &Action::RemoveNode(name.to_owned()));
    session.nodes.remove(index);
    session
        .others
        .retain(|o| o.object.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some(name));
    Ok(())
}
