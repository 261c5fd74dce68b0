//! `kubectl apply -f FILE` and `kubectl create -f FILE` for DaemonSets: a new DaemonSet
//! gets a simulation from this moment (the controller creates its pods), a changed one is
//! an update the controller rolls out, an identical one is `unchanged`. The API server's
//! validation comes from the manifest reader, in the API server's words; Pod Security
//! Admission's warnings for the namespace come first, on standard error, as kubectl prints
//! them when the request reaches the API server (not for `unchanged` or a client dry run).

use super::output::{self, Format};
use super::parse;
use crate::kubectl::args::{boolean, value, Flag};
use crate::kubectl::defaults::{self, LAST_APPLIED, TEMPLATE_GENERATION};
use crate::kubectl::session::{DaemonSetEntry, KnownTemplate, Session};
use crate::kubectl::sim::{Base, Sim};
use crate::kubectl::{yaml, Files, Output};
use crate::manifest::{self, split, Diagnostic, Source};
use crate::rollout::Action;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};
use std::collections::BTreeMap;

/// Whether the command is `apply` or `create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `kubectl apply`: create or configure.
    Apply,
    /// `kubectl create -f`: create, or fail if it exists.
    Create,
}

/// The flags of `apply` and `create -f`.
pub const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("dry-run", None),
    value("output", Some('o')),
    value("validate", None),
    value("field-manager", None),
    boolean("recursive", Some('R')),
    boolean("record", None),
    boolean("server-side", None),
    boolean("force-conflicts", None),
    boolean("save-config", None),
    boolean("edit", None),
];

fn kind_and_name(text: &str) -> (String, String) {
    let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap_or(serde_yaml::Value::Null);
    let kind = value
        .get("kind")
        .and_then(serde_yaml::Value::as_str)
        .unwrap_or("")
        .to_owned();
    let name = value
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(serde_yaml::Value::as_str)
        .unwrap_or("")
        .to_owned();
    (kind, name)
}

fn invalid(file: &str, text: &str, errors: &[Diagnostic]) -> String {
    let (kind, name) = kind_and_name(text);
    let syntax = errors.iter().all(|e| e.path.is_empty());
    if syntax || kind.is_empty() {
        let joined: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return format!("error: error parsing {file}: {}\n", joined.join("; "));
    }
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.path, e.message))
        .collect();
    let body = if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("[{}]", parts.join(", "))
    };
    format!("The {kind} \"{name}\" is invalid: {body}\n")
}

/// The last-applied annotation's JSON: the object as given, with its namespace.
fn last_applied(original: &DaemonSet, namespace: &str) -> String {
    let mut object = original.clone();
    object.metadata.namespace = Some(namespace.to_owned());
    object.status = None;
    let mut value = output::value(&object);
    if let Some(meta) = value.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.entry("annotations")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    // kubectl stores the JSON with a final newline.
    serde_json::to_string(&yaml::sorted(&value)).unwrap_or_default() + "\n"
}

fn comparable_annotations(ds: &DaemonSet) -> BTreeMap<String, String> {
    ds.metadata
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != TEMPLATE_GENERATION && k != LAST_APPLIED)
        .collect()
}

/// `kubectl apply` / `kubectl create -f`.
pub fn run(session: &mut Session, args: &[String], files: &dyn Files, verb: Verb) -> Output {
    let command = match verb {
        Verb::Apply => "apply",
        Verb::Create => "create",
    };
    let parsed = match parse(command, args, FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let filenames = parsed.values("filename");
    if filenames.is_empty() {
        return Output::fail(format!(
            "error: must specify one of -f and -k\n\nSee 'kubectl {command} -h' for help and examples\n"
        ));
    }
    let dry_run = match parsed.value("dry-run") {
        None | Some("none") => None,
        Some("client") => Some(" (dry run)"),
        Some("server") => Some(" (server dry run)"),
        Some(other) => {
            return Output::fail(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n"
            ))
        }
    };
    let format = match output::format(&parsed) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let mut out = Output::default();
    for file in filenames {
        let text = match files.read(file) {
            Ok(t) => t,
            Err(e) => {
                out.push(Output::fail(format!("error: {e}\n")));
                continue;
            }
        };
        for piece in split::documents(&text) {
            if piece.text.trim().is_empty()
                || piece.text.lines().all(|l| {
                    let l = l.trim();
                    l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
                })
            {
                continue;
            }
            let source = Source {
                name: file,
                text: piece.text,
            };
            let manifests = match manifest::read(&[source]) {
                Ok(m) => m,
                Err(errors) => {
                    out.push(Output::fail(invalid(file, piece.text, &errors)));
                    continue;
                }
            };
            for w in &manifests.warnings {
                if w.message.starts_with("skipping ") {
                    out.eprint(format!(
                        "dsim: {}; the emulator keeps DaemonSets, Nodes and Pods, so it is not applied\n",
                        w.message.split(':').next().unwrap_or(&w.message)
                    ));
                }
            }
            let others = manifests.nodes.len()
                + manifests.pods.len()
                + manifests.priority_classes.len()
                + manifests.namespaces.len();
            if others > 0 {
                out.eprint(format!(
                    "dsim: {file}: Nodes, Pods, PriorityClasses and Namespaces are part of the cluster given with dsim kubectl -f; {others} object(s) here are not applied\n"
                ));
            }
            for located in manifests.daemon_sets {
                out.push(apply_one(
                    session,
                    &parsed,
                    file,
                    located.object,
                    verb,
                    dry_run,
                    format,
                ));
            }
        }
    }
    out
}

fn apply_one(
    session: &mut Session,
    parsed: &crate::kubectl::args::Parsed,
    file: &str,
    original: DaemonSet,
    verb: Verb,
    dry_run: Option<&str>,
    format: Format,
) -> Output {
    let name = original.metadata.name.clone().unwrap_or_default();
    let flag_ns = parsed.value("namespace").filter(|n| !n.is_empty());
    let namespace = match (original.metadata.namespace.as_deref(), flag_ns) {
        (Some(own), Some(flag)) if own != flag => {
            return Output::fail(format!(
                "error: the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation.\n"
            ))
        }
        (Some(own), _) => own.to_owned(),
        (None, Some(flag)) => flag.to_owned(),
        (None, None) => "default".to_owned(),
    };
    let mut ds = original.clone();
    ds.metadata.namespace = Some(namespace.clone());
    ds.status = None;
    if verb == Verb::Apply {
        ds.metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(LAST_APPLIED.to_owned(), last_applied(&original, &namespace));
    }
    defaults::default_daemon_set(&mut ds);
    let done = |what: &str| {
        let suffix = dry_run.unwrap_or("");
        match format {
            Format::Name => Output::ok(format!("daemonset.apps/{name}\n")),
            _ => Output::ok(format!("daemonset.apps/{name} {what}{suffix}\n")),
        }
    };
    // What the API server's admission says about a request it receives.
    let warnings = session.pod_security_warnings(&ds);
    let sent = |result: Output| {
        let mut out = warnings.clone();
        out.push(result);
        out
    };
    let client_dry_run = parsed.value("dry-run") == Some("client");
    let existing = session.daemon_set(&namespace, &name);
    let Some(index) = existing else {
        if client_dry_run {
            return done("created");
        }
        if dry_run.is_some() {
            return sent(done("created"));
        }
        let at = session.tick();
        defaults::stamp(&mut ds.metadata, "DaemonSet", session.clock, at);
        ds.metadata.creation_timestamp = Some(session.clock.time(at));
        let nodes: Vec<Node> = session.nodes.iter().map(|n| n.object.clone()).collect();
        let others: Vec<Pod> = session.others.iter().map(|p| p.object.clone()).collect();
        let base = Base {
            daemon_set: &ds,
            nodes: &nodes,
            others: &others,
            own: &[],
            priority_classes: &session.priority_classes,
            namespace_labels: session.namespace_labels(&namespace),
            fresh: true,
        };
        let sim = match Sim::new(&base, at, &session.behaviour) {
            Ok(sim) => sim,
            Err(e) => {
                return Output::fail(format!("dsim: cannot simulate {namespace}/{name}: {e}\n"))
            }
        };
        let entry = DaemonSetEntry {
            templates: vec![KnownTemplate {
                hash: sim.rollout.revisions.from.to_string(),
                template: ds.spec.template.clone(),
                generation: 1,
            }],
            input_pods: BTreeMap::new(),
            object: ds,
            created: at,
            sim,
        };
        let key = entry.key();
        let position = session.daemon_sets.partition_point(|e| e.key() < key);
        session.daemon_sets.insert(position, entry);
        return sent(done("created"));
    };
    if verb == Verb::Create {
        // Validating admission runs before the store finds the name taken.
        return sent(Output::fail(format!(
            "Error from server (AlreadyExists): error when creating \"{file}\": daemonsets.apps \"{name}\" already exists\n"
        )));
    }
    let current = &session.daemon_sets[index].object;
    if current.spec == ds.spec
        && current.metadata.labels == ds.metadata.labels
        && comparable_annotations(current) == comparable_annotations(&ds)
    {
        return done("unchanged");
    }
    if client_dry_run {
        return done("configured");
    }
    if dry_run.is_some() {
        return sent(done("configured"));
    }
    let at = session.tick();
    let behaviour = session.behaviour.clone();
    let entry = &mut session.daemon_sets[index];
    if let Err(e) = entry
        .sim
        .act(at, Action::Apply(Box::new(ds.clone())), &behaviour)
    {
        session.now -= 1;
        return Output::fail(format!("{e}\n"));
    }
    let template_changed = entry.object.spec.template != ds.spec.template;
    let spec_changed = entry.object.spec != ds.spec;
    entry.set_template(ds.spec.template.clone());
    let mut generation = entry.object.metadata.generation.unwrap_or(1);
    if spec_changed && !template_changed {
        generation += 1;
    }
    let template_generation = entry.template_generation();
    let mut updated = ds;
    updated.metadata.creation_timestamp = entry.object.metadata.creation_timestamp.clone();
    updated.metadata.uid = entry.object.metadata.uid.clone();
    updated.metadata.generation = Some(generation);
    updated
        .metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(
            TEMPLATE_GENERATION.to_owned(),
            template_generation.to_string(),
        );
    entry.object = updated;
    sent(done("configured"))
}
