//! `kubectl describe TYPE [NAME_PREFIX]`: an exact name, else every object whose name
//! starts with it, else all objects of the type (as `kubectl describe` picks them).

use super::get::selector;
use super::{namespace, parse};
use crate::kubectl::args::{boolean, value, Flag};
use crate::kubectl::describe::{daemon_set, namespace as describe_namespace, node, pod};
use crate::kubectl::labels;
use crate::kubectl::resources::{self, not_found, Kind};
use crate::kubectl::{Output, Session};

const FLAGS: &[Flag] = &[
    value("selector", Some('l')),
    boolean("all-namespaces", Some('A')),
    boolean("show-events", None),
    value("chunk-size", None),
];

/// An object that may be described: its name, labels, and how to describe it.
type Candidate = (
    String,
    Option<std::collections::BTreeMap<String, String>>,
    Box<dyn Fn(&Session) -> String>,
);

/// `kubectl describe`.
pub fn run(session: &mut Session, args: &[String]) -> Output {
    let parsed = match parse("describe", args, FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let targets = match resources::targets(&parsed.positionals) {
        Ok(t) => t,
        Err(e) => return Output::fail(e.replace("to get", "to describe")),
    };
    let requirements = match selector(&parsed) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let ns = namespace(&parsed);
    let all = parsed.is_set("all-namespaces");
    let in_scope = |object_ns: Option<&str>| {
        !targets.kind.namespaced() || all || object_ns.unwrap_or("default") == ns
    };
    // (name, labels, description)
    let mut candidates: Vec<Candidate> = Vec::new();
    match targets.kind {
        Kind::DaemonSet => {
            for (i, e) in session.daemon_sets.iter().enumerate() {
                if in_scope(e.object.metadata.namespace.as_deref()) {
                    candidates.push((
                        e.key().1,
                        e.object.metadata.labels.clone(),
                        Box::new(move |s: &Session| daemon_set::describe(s, i)),
                    ));
                }
            }
        }
        Kind::Pod => {
            for (p, _) in session.pods() {
                if in_scope(p.metadata.namespace.as_deref()) {
                    let name = p.metadata.name.clone().unwrap_or_default();
                    let labels = p.metadata.labels.clone();
                    candidates.push((
                        name,
                        labels,
                        Box::new(move |s: &Session| pod::describe(s, &p)),
                    ));
                }
            }
        }
        Kind::Node => {
            for (i, n) in session.nodes.iter().enumerate() {
                candidates.push((
                    n.object.metadata.name.clone().unwrap_or_default(),
                    n.object.metadata.labels.clone(),
                    Box::new(move |s: &Session| node::describe(s, i)),
                ));
            }
        }
        Kind::Namespace => {
            for n in session.all_namespaces() {
                candidates.push((
                    n.name().to_owned(),
                    n.object.metadata.labels.clone(),
                    Box::new(move |_: &Session| describe_namespace::describe(&n.object)),
                ));
            }
        }
    }
    candidates.retain(|(_, l, _)| labels::matches(&requirements, l.as_ref()));
    let mut chosen: Vec<usize> = Vec::new();
    let mut stderr = String::new();
    if targets.names.is_empty() {
        chosen = (0..candidates.len()).collect();
        if chosen.is_empty() {
            let text = if targets.kind.namespaced() && !all {
                format!("No resources found in {ns} namespace.\n")
            } else {
                "No resources found\n".to_owned()
            };
            return Output::parts("", text, 0);
        }
    } else {
        for name in &targets.names {
            if let Some(at) = candidates.iter().position(|(n, _, _)| n == name) {
                chosen.push(at);
                continue;
            }
            let prefixed: Vec<usize> = candidates
                .iter()
                .enumerate()
                .filter(|(_, (n, _, _))| n.starts_with(name.as_str()))
                .map(|(i, _)| i)
                .collect();
            if prefixed.is_empty() {
                stderr.push_str(&not_found(targets.kind, name));
            }
            chosen.extend(prefixed);
        }
    }
    let mut stdout = String::new();
    for (n, &i) in chosen.iter().enumerate() {
        if n > 0 {
            stdout.push_str("\n\n");
        }
        stdout.push_str(&(candidates[i].2)(session));
    }
    let code = i32::from(!stderr.is_empty());
    Output::parts(stdout, stderr, code)
}
