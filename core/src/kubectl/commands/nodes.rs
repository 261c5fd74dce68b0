//! Commands that change nodes: `label`, `taint`, `cordon`, `uncordon` and `drain`
//! (`staging/src/k8s.io/kubectl/pkg/cmd/{label,taint,drain}` and
//! `staging/src/k8s.io/kubectl/pkg/drain`). Every change reaches every DaemonSet's
//! simulation at this moment, so the controller creates and deletes daemon pods as it
//! would.

use super::{namespace, parse};
use crate::kubectl::args::{boolean, value, Flag, Parsed};
use crate::kubectl::resources::{self, not_found, Kind};
use crate::kubectl::session::{Recorded, Session};
use crate::kubectl::Output;
use crate::manifest::validate;
use crate::rollout::{scenario, Action};
use k8s_openapi::api::core::v1::{Node, Pod, Taint};

const LABEL_FLAGS: &[Flag] = &[
    boolean("overwrite", None),
    boolean("all", None),
    boolean("list", None),
    value("selector", Some('l')),
    value("dry-run", None),
    value("output", Some('o')),
    value("resource-version", None),
    value("field-manager", None),
];

const TAINT_FLAGS: &[Flag] = &[
    boolean("overwrite", None),
    boolean("all", None),
    value("selector", Some('l')),
    value("dry-run", None),
    value("output", Some('o')),
    value("field-manager", None),
];

const CORDON_FLAGS: &[Flag] = &[value("selector", Some('l')), value("dry-run", None)];

const DRAIN_FLAGS: &[Flag] = &[
    boolean("ignore-daemonsets", None),
    boolean("force", None),
    boolean("delete-emptydir-data", None),
    boolean("delete-local-data", None),
    boolean("disable-eviction", None),
    value("grace-period", None),
    value("timeout", None),
    value("selector", Some('l')),
    value("pod-selector", None),
    value("dry-run", None),
    value("skip-wait-for-delete-timeout", None),
    value("chunk-size", None),
];

/// Separates `TYPE NAME` / `TYPE/NAME` from `key=value` and `key-` arguments.
/// Splits the arguments into resources and changes as kubectl does: every resource comes
/// first, and the first argument that `is_change` starts the changes
/// (`GetResourcesAndPairs` for label; the same loop in `taint.go`'s `Complete`).
fn resources_and_changes(
    parsed: &Parsed,
    what: &str,
    is_change: fn(&str) -> bool,
) -> Result<(Vec<String>, Vec<String>), Output> {
    let mut resources = Vec::new();
    let mut changes = Vec::new();
    for arg in &parsed.positionals {
        if is_change(arg) {
            changes.push(arg.clone());
        } else if changes.is_empty() {
            resources.push(arg.clone());
        } else {
            return Err(Output::fail(format!(
                "error: all resources must be specified before {what} changes: {arg}\n"
            )));
        }
    }
    Ok((resources, changes))
}

/// A label change: `key=value` (not starting with `=`) or `key-`.
fn is_label_change(arg: &str) -> bool {
    (arg.contains('=') && !arg.starts_with('=')) || (arg.ends_with('-') && arg != "-")
}

/// A taint change: anything with `=` or `:`, or ending in `-`.
fn is_taint_change(arg: &str) -> bool {
    arg.contains('=') || arg.contains(':') || arg.ends_with('-')
}

/// The API server's answer to an object that fails validation, as kubectl prints it:
/// `The Kind "NAME" is invalid: path: message` (several in brackets).
pub(super) fn invalid_object(kind: &str, name: &str, parts: &[String]) -> String {
    let body = if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("[{}]", parts.join(", "))
    };
    format!("The {kind} \"{name}\" is invalid: {body}\n")
}

fn invalid_node(node: &Node) -> Option<String> {
    let errors = validate::validate_node(node);
    if errors.is_empty() {
        return None;
    }
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.path, e.message))
        .collect();
    Some(invalid_object(
        "Node",
        node.metadata.name.as_deref().unwrap_or(""),
        &parts,
    ))
}

/// A label change: the key and the new value, or `None` to remove the label.
pub(super) type LabelChange = (String, Option<String>);

/// `parseLabels`: `key=value` and `key-`.
fn parse_label_changes(pairs: &[String]) -> Result<Vec<LabelChange>, String> {
    let mut changes: Vec<LabelChange> = Vec::new();
    for pair in pairs {
        if pair.contains('=') {
            let parts: Vec<&str> = pair.split('=').collect();
            if parts.len() != 2 {
                return Err(format!("error: invalid label spec: {pair}\n"));
            }
            changes.push((parts[0].to_owned(), Some(parts[1].to_owned())));
        } else {
            changes.push((pair.strip_suffix('-').unwrap_or(pair).to_owned(), None));
        }
    }
    let set = |key: &str| changes.iter().any(|(k, v)| k == key && v.is_some());
    if changes.iter().any(|(k, v)| v.is_none() && set(k)) {
        return Err(
            "error: can not both modify and remove a label in the same command\n".to_owned(),
        );
    }
    Ok(changes)
}

/// The labels of an object of a kind `label` changes, if it exists.
fn object_labels(session: &Session, kind: Kind, ns: &str, name: &str) -> Option<Labels> {
    let labels = match kind {
        Kind::Node => session.nodes[session.node(name)?]
            .object
            .metadata
            .labels
            .clone(),
        Kind::DaemonSet => session.daemon_sets[session.daemon_set(ns, name)?]
            .object
            .metadata
            .labels
            .clone(),
        Kind::Namespace => session.find_namespace(name)?.object.metadata.labels,
        Kind::Pod => None,
    };
    Some(labels.unwrap_or_default())
}

/// `kubectl label --list`: the labels each object would have after the changes, which
/// are made locally and not sent, one `key=value` a line; for several objects, each
/// after a `Listing labels for KIND.GROUP/NAME:` line on standard error, indented.
/// kubectl lists them in Go's map order; here they are sorted.
fn list_labels(
    session: &Session,
    kind: Kind,
    names: &[String],
    one: bool,
    changes: &[LabelChange],
    parsed: &Parsed,
) -> Output {
    let ns = namespace(parsed);
    let mut out = Output::default();
    for name in names {
        let Some(labels) = object_labels(session, kind, &ns, name) else {
            out.push(Output::fail(not_found(kind, name)));
            continue;
        };
        let mut ignored = String::new();
        let labels = match relabel(
            Some(&labels),
            changes,
            parsed.is_set("overwrite"),
            &mut ignored,
        ) {
            Ok((labels, _)) => labels,
            Err(e) => {
                out.push(Output::fail(e));
                continue;
            }
        };
        let indent = if one { "" } else { " " };
        if !one {
            let group = if kind == Kind::DaemonSet { "apps" } else { "" };
            out.eprint(format!(
                "Listing labels for {}.{group}/{name}:\n",
                kind.kind_name()
            ));
        }
        for (k, v) in &labels {
            out.print(format!("{indent}{k}={v}\n"));
        }
    }
    out
}

/// `kubectl label TYPE NAME... KEY=VALUE... KEY-...` for nodes, DaemonSets and
/// namespaces, with `--overwrite`, `--all`, `-l`, `--list` and `--dry-run`.
pub fn label(session: &mut Session, args: &[String]) -> Output {
    let parsed = match parse("label", args, LABEL_FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let (resource_args, pairs) = match resources_and_changes(&parsed, "label", is_label_change) {
        Ok(split) => split,
        Err(e) => return e,
    };
    if pairs.is_empty() && !parsed.is_set("list") {
        return Output::fail(
            "error: at least one label update is required\nSee 'kubectl label -h' for help and examples\n",
        );
    }
    if let Some(other) = parsed
        .value("dry-run")
        .filter(|d| !matches!(*d, "none" | "client" | "server"))
    {
        return Output::fail(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n"
        ));
    }
    let changes = match parse_label_changes(&pairs) {
        Ok(c) => c,
        Err(e) => return Output::fail(e),
    };
    let targets = match resources::targets(&resource_args) {
        Ok(t) => t,
        Err(e) => return Output::fail(e),
    };
    if targets.kind == Kind::Pod {
        return Output::fail(
            "dsim: labelling pods is not emulated (a daemon pod whose labels stop matching its DaemonSet's selector is released and replaced)\n",
        );
    }
    let requirements = match super::get::selector(&parsed) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let selected = parsed.is_set("all") || parsed.has("selector");
    let names: Vec<String> = if selected {
        let ns = namespace(&parsed);
        let objects: Vec<(String, Option<Labels>)> = match targets.kind {
            Kind::Node => session
                .nodes
                .iter()
                .map(|n| {
                    let meta = &n.object.metadata;
                    (meta.name.clone().unwrap_or_default(), meta.labels.clone())
                })
                .collect(),
            Kind::DaemonSet => session
                .daemon_sets
                .iter()
                .filter(|e| e.key().0 == ns)
                .map(|e| (e.key().1, e.object.metadata.labels.clone()))
                .collect(),
            Kind::Namespace => session
                .all_namespaces()
                .into_iter()
                .map(|n| (n.name().to_owned(), n.object.metadata.labels))
                .collect(),
            Kind::Pod => Vec::new(),
        };
        let mut names = targets.names.clone();
        names.extend(
            objects
                .into_iter()
                .filter(|(_, l)| crate::kubectl::labels::matches(&requirements, l.as_ref()))
                .map(|(n, _)| n),
        );
        names
    } else {
        targets.names.clone()
    };
    if names.is_empty() {
        // Nothing selected: kubectl visits no object and prints nothing.
        return if selected {
            Output::default()
        } else {
            Output::fail("error: resource(s) were provided, but no name was specified\n")
        };
    }
    if parsed.is_set("list") {
        let one = !selected && targets.names.len() == 1;
        return list_labels(session, targets.kind, &names, one, &changes, &parsed);
    }
    let mut out = Output::default();
    for name in names {
        out.push(match targets.kind {
            Kind::Node => label_node(session, &name, &changes, &parsed),
            Kind::DaemonSet => label_daemon_set(session, &name, &changes, &parsed),
            Kind::Namespace => super::namespaces::label(session, &name, &changes, &parsed),
            Kind::Pod => Output::default(),
        });
    }
    out
}

type Labels = std::collections::BTreeMap<String, String>;

/// Applies label changes as `labelFunc` does; returns the new labels and the message
/// (`labeled`, `unlabeled`, `not labeled`), or kubectl's error.
pub(super) fn relabel(
    labels: Option<&Labels>,
    changes: &[LabelChange],
    overwrite: bool,
    stderr: &mut String,
) -> Result<(Labels, &'static str), String> {
    let old = labels.cloned().unwrap_or_default();
    let mut new = old.clone();
    for (key, value) in changes {
        match value {
            Some(v) => {
                if let Some(existing) = old.get(key) {
                    if !overwrite && existing != v {
                        return Err(format!(
                            "error: '{key}' already has a value ({existing}), and --overwrite is false\n"
                        ));
                    }
                }
                new.insert(key.clone(), v.clone());
            }
            None => {
                if new.remove(key).is_none() {
                    stderr.push_str(&format!("label \"{key}\" not found.\n"));
                }
            }
        }
    }
    let message = if new == old {
        "not labeled"
    } else if !overwrite && new.len() < old.len() {
        "unlabeled"
    } else {
        "labeled"
    };
    Ok((new, message))
}

fn label_node(
    session: &mut Session,
    name: &str,
    changes: &[LabelChange],
    parsed: &Parsed,
) -> Output {
    let Some(index) = session.node(name) else {
        return Output::fail(not_found(Kind::Node, name));
    };
    let mut stderr = String::new();
    let (labels, message) = match relabel(
        session.nodes[index].object.metadata.labels.as_ref(),
        changes,
        parsed.is_set("overwrite"),
        &mut stderr,
    ) {
        Ok(r) => r,
        Err(e) => return Output::fail(e),
    };
    let mut node = session.nodes[index].object.clone();
    node.metadata.labels = Some(labels.clone());
    if let Some(e) = invalid_node(&node) {
        return Output::fail(e);
    }
    let dry = parsed.value("dry-run").is_some_and(|d| d != "none");
    if !dry && message != "not labeled" {
        let at = session.tick();
        let old = session.nodes[index]
            .object
            .metadata
            .labels
            .clone()
            .unwrap_or_default();
        session.nodes[index].object.metadata.labels = Some(labels.clone());
        let mut result = Ok(());
        for (key, value) in changes {
            if labels.get(key) == old.get(key) {
                continue;
            }
            let action = Action::Label {
                node: name.to_owned(),
                key: key.clone(),
                value: value.clone().filter(|_| labels.contains_key(key)),
            };
            result = result.and(session.act_on_nodes(at, &action));
        }
        if let Err(e) = result {
            stderr.push_str(&format!("dsim: {e}\n"));
        }
    }
    let suffix = if dry { " (dry run)" } else { "" };
    Output::parts(format!("node/{name} {message}{suffix}\n"), stderr, 0)
}

fn label_daemon_set(
    session: &mut Session,
    name: &str,
    changes: &[LabelChange],
    parsed: &Parsed,
) -> Output {
    let ns = namespace(parsed);
    let Some(index) = session.daemon_set(&ns, name) else {
        return Output::fail(not_found(Kind::DaemonSet, name));
    };
    let mut stderr = String::new();
    let entry = &mut session.daemon_sets[index];
    let (labels, message) = match relabel(
        entry.object.metadata.labels.as_ref(),
        changes,
        parsed.is_set("overwrite"),
        &mut stderr,
    ) {
        Ok(r) => r,
        Err(e) => return Output::fail(e),
    };
    let mut changed = entry.object.clone();
    changed.metadata.labels = Some(labels).filter(|l| !l.is_empty());
    // A change reaches the API server (unless a client dry run), and its admission.
    let mut out = if message != "not labeled" && parsed.value("dry-run") != Some("client") {
        session.pod_security_warnings(&changed)
    } else {
        Output::default()
    };
    if parsed.value("dry-run").is_none_or(|d| d == "none") {
        session.daemon_sets[index].object = changed;
    }
    out.push(Output::parts(
        format!("daemonset.apps/{name} {message}\n"),
        stderr,
        0,
    ));
    out
}

/// One taint argument: add `key[=value]:Effect` or remove `key[:Effect]-`.
enum TaintChange {
    Add(Taint),
    Remove(String, Option<String>),
}

fn parse_taint_change(spec: &str) -> Result<TaintChange, String> {
    if let Some(body) = spec.strip_suffix('-') {
        let (kv, effect) = match body.rsplit_once(':') {
            Some((kv, e)) => (kv, Some(e.to_owned())),
            None => (body, None),
        };
        let key = kv.split('=').next().unwrap_or(kv);
        if key.is_empty() {
            return Err(format!("invalid taint spec: {spec}"));
        }
        if let Some(e) = &effect {
            if !matches!(e.as_str(), "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {e}, unsupported taint effect"
                ));
            }
        }
        return Ok(TaintChange::Remove(key.to_owned(), effect));
    }
    scenario::parse_taint(spec).map(TaintChange::Add)
}

/// `kubectl taint nodes NODE key=value:Effect [key:Effect-]`.
pub fn taint(session: &mut Session, args: &[String]) -> Output {
    let parsed = match parse("taint", args, TAINT_FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let (resource_args, specs) = match resources_and_changes(&parsed, "taint", is_taint_change) {
        Ok(split) => split,
        Err(e) => return e,
    };
    if specs.is_empty() {
        return Output::fail(
            "error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples\n",
        );
    }
    let targets = match resources::targets(&resource_args) {
        Ok(t) => t,
        Err(e) => return Output::fail(e),
    };
    if targets.kind != Kind::Node {
        return Output::fail(format!(
            "error: invalid resource type {}, only node types are supported\n",
            match targets.kind {
                Kind::DaemonSet => "daemonsets",
                Kind::Namespace => "namespaces",
                _ => "pods",
            }
        ));
    }
    let mut changes = Vec::new();
    for spec in &specs {
        match parse_taint_change(spec) {
            Ok(c) => changes.push(c),
            Err(e) => return Output::fail(format!("error: {e}\n")),
        }
    }
    let names: Vec<String> = if parsed.is_set("all") {
        session
            .nodes
            .iter()
            .filter_map(|n| n.object.metadata.name.clone())
            .collect()
    } else {
        targets.names.clone()
    };
    let mut out = Output::default();
    for name in names {
        out.push(taint_node(session, &name, &changes, &parsed));
    }
    out
}

fn taint_node(
    session: &mut Session,
    name: &str,
    changes: &[TaintChange],
    parsed: &Parsed,
) -> Output {
    let Some(index) = session.node(name) else {
        return Output::fail(not_found(Kind::Node, name));
    };
    let overwrite = parsed.is_set("overwrite");
    let mut taints: Vec<Taint> = session.nodes[index]
        .object
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let mut actions = Vec::new();
    let (mut added, mut removed) = (false, false);
    for change in changes {
        match change {
            TaintChange::Add(t) => {
                let same = taints
                    .iter()
                    .position(|x| x.key == t.key && x.effect == t.effect);
                if let Some(at) = same {
                    if !overwrite {
                        return Output::fail(format!(
                            "error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false\n",
                            t.key
                        ));
                    }
                    taints.remove(at);
                }
                taints.push(t.clone());
                actions.push(Action::Taint(name.to_owned(), t.clone()));
                added = true;
            }
            TaintChange::Remove(key, effect) => {
                let before = taints.len();
                taints
                    .retain(|x| !(x.key == *key && effect.as_ref().is_none_or(|e| *e == x.effect)));
                if taints.len() == before {
                    let shown = match effect {
                        Some(e) => format!("{key}:{e}"),
                        None => key.clone(),
                    };
                    return Output::fail(format!("error: taint \"{shown}\" not found\n"));
                }
                actions.push(Action::Untaint(
                    name.to_owned(),
                    key.clone(),
                    effect.clone(),
                ));
                removed = true;
            }
        }
    }
    let mut node = session.nodes[index].object.clone();
    node.spec.get_or_insert_with(Default::default).taints =
        Some(taints.clone()).filter(|t| !t.is_empty());
    if let Some(e) = invalid_node(&node) {
        return Output::fail(e);
    }
    let operation = match (added, removed) {
        (true, true) => "modified",
        (false, true) => "untainted",
        _ => "tainted",
    };
    if parsed.value("dry-run").is_some_and(|d| d != "none") {
        return Output::ok(format!("node/{name} {operation} (dry run)\n"));
    }
    let at = session.tick();
    session.nodes[index].object = node;
    let mut stderr = String::new();
    for action in actions {
        if let Err(e) = session.act_on_nodes(at, &action) {
            stderr.push_str(&format!("dsim: {e}\n"));
        }
    }
    Output::parts(format!("node/{name} {operation}\n"), stderr, 0)
}

/// `spec.unschedulable` and the taint the node lifecycle controller keeps in step with it.
fn set_cordoned(node: &mut Node, on: bool) {
    let spec = node.spec.get_or_insert_with(Default::default);
    spec.unschedulable = on.then_some(true);
    let taints = spec.taints.get_or_insert_with(Vec::new);
    taints.retain(|t| t.key != "node.kubernetes.io/unschedulable");
    if on {
        taints.push(Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        });
    }
    if taints.is_empty() {
        spec.taints = None;
    }
}

fn is_cordoned(node: &Node) -> bool {
    node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
}

/// Cordons or uncordons one node; returns the line kubectl prints.
fn cordon_one(
    session: &mut Session,
    name: &str,
    on: bool,
    action: Option<Action>,
) -> Result<String, String> {
    let Some(index) = session.node(name) else {
        return Err(not_found(Kind::Node, name));
    };
    let word = if on { "cordoned" } else { "uncordoned" };
    if is_cordoned(&session.nodes[index].object) == on && action.is_none() {
        return Ok(format!("node/{name} already {word}\n"));
    }
    let already = is_cordoned(&session.nodes[index].object) == on;
    let at = session.tick();
    set_cordoned(&mut session.nodes[index].object, on);
    let action = action.unwrap_or_else(|| {
        if on {
            Action::Cordon(name.to_owned())
        } else {
            Action::Uncordon(name.to_owned())
        }
    });
    let result = session.act_on_nodes(at, &action);
    if !already {
        let (reason, status) = if on {
            ("NodeNotSchedulable", "NodeNotSchedulable")
        } else {
            ("NodeSchedulable", "NodeSchedulable")
        };
        session.record(Recorded {
            kind: "Node",
            namespace: String::new(),
            name: name.to_owned(),
            type_: "Normal",
            reason: reason.to_owned(),
            from: "kubelet".to_owned(),
            message: format!("Node {name} status is now: {status}"),
            at,
        });
    }
    result.map_err(|e| format!("dsim: {e}\n"))?;
    Ok(if already {
        format!("node/{name} already {word}\n")
    } else {
        format!("node/{name} {word}\n")
    })
}

/// `kubectl cordon` / `kubectl uncordon`.
pub fn cordon(session: &mut Session, args: &[String], on: bool) -> Output {
    let command = if on { "cordon" } else { "uncordon" };
    let parsed = match parse(command, args, CORDON_FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if parsed.positionals.is_empty() {
        return Output::fail(format!(
            "error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples\n"
        ));
    }
    let mut out = Output::default();
    for name in &parsed.positionals {
        let name = name
            .strip_prefix("node/")
            .or_else(|| name.strip_prefix("nodes/"))
            .unwrap_or(name);
        match cordon_one(session, name, on, None) {
            Ok(line) => out.push(Output::ok(line)),
            Err(e) => out.push(Output::fail(e)),
        }
    }
    out
}

/// What drain does with one pod (`filterPods` with the filters of
/// `staging/src/k8s.io/kubectl/pkg/drain/filters.go`, in their order).
enum Verdict {
    Delete,
    Warn(&'static str, bool),
    Fail(String),
    Skip,
}

fn drain_verdict(session: &Session, pod: &Pod, owned: bool, parsed: &Parsed) -> Verdict {
    let controller = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    let finished = matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    );
    if let Some(c) = controller.filter(|c| c.kind == "DaemonSet" && !finished) {
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        if !owned && session.daemon_set(ns, &c.name).is_none() {
            if parsed.is_set("force") {
                return Verdict::Warn("daemonset-orphan", true);
            }
            return Verdict::Fail(format!("daemonsets.apps \"{}\" not found", c.name));
        }
        if !parsed.is_set("ignore-daemonsets") {
            return Verdict::Fail(
                "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)".to_owned(),
            );
        }
        return Verdict::Warn("ignoring DaemonSet-managed Pods", false);
    }
    if pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"))
    {
        return Verdict::Skip;
    }
    let mut warning = None;
    let local = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .is_some_and(|v| v.iter().any(|v| v.empty_dir.is_some()));
    if local && !finished {
        if !(parsed.is_set("delete-emptydir-data") || parsed.is_set("delete-local-data")) {
            return Verdict::Fail(
                "Pods with local storage (use --delete-emptydir-data to override)".to_owned(),
            );
        }
        warning = Some("deleting Pods with local storage");
    }
    if controller.is_none() && !finished {
        if !parsed.is_set("force") {
            return Verdict::Fail(
                "cannot delete Pods that declare no controller (use --force to override)"
                    .to_owned(),
            );
        }
        warning = Some("deleting Pods that declare no controller");
    }
    match warning {
        Some(w) => Verdict::Warn(w, true),
        None => Verdict::Delete,
    }
}

/// `kubectl drain NODE [--ignore-daemonsets] [--force] [--delete-emptydir-data]`.
pub fn drain(session: &mut Session, args: &[String]) -> Output {
    let parsed = match parse("drain", args, DRAIN_FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let Some(name) = parsed.positionals.first().cloned() else {
        return Output::fail(
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n",
        );
    };
    let name = name
        .strip_prefix("node/")
        .or_else(|| name.strip_prefix("nodes/"))
        .unwrap_or(&name)
        .to_owned();
    if session.node(&name).is_none() {
        return Output::fail(not_found(Kind::Node, &name));
    }
    let pods: Vec<(Pod, bool)> = session
        .pods()
        .into_iter()
        .filter(|(p, _)| {
            p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(name.as_str())
        })
        .map(|(p, owner)| (p, owner.is_some()))
        .collect();
    let mut delete: Vec<Pod> = Vec::new();
    let mut warnings: Vec<(&'static str, Vec<String>)> = Vec::new();
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    for (pod, owned) in &pods {
        let id = format!(
            "{}/{}",
            pod.metadata.namespace.as_deref().unwrap_or("default"),
            pod.metadata.name.as_deref().unwrap_or("")
        );
        match drain_verdict(session, pod, *owned, &parsed) {
            Verdict::Delete => delete.push(pod.clone()),
            Verdict::Skip => {}
            Verdict::Warn(message, del) => {
                match warnings.iter_mut().find(|(m, _)| *m == message) {
                    Some((_, ids)) => ids.push(id),
                    None => warnings.push((message, vec![id])),
                }
                if del {
                    delete.push(pod.clone());
                }
            }
            Verdict::Fail(message) => match errors.iter_mut().find(|(m, _)| *m == message) {
                Some((_, ids)) => ids.push(id),
                None => errors.push((message, vec![id])),
            },
        }
    }
    let dry = parsed.value("dry-run").is_some_and(|d| d != "none");
    let mut out = Output::default();
    if !errors.is_empty() {
        let first = if dry {
            Ok(format!("node/{name} cordoned (dry run)\n"))
        } else {
            cordon_one(session, &name, true, None)
        };
        match first {
            Ok(line) => out.print(&line),
            Err(e) => out.eprint(&e),
        }
        let messages: Vec<String> = errors
            .iter()
            .map(|(m, ids)| {
                if m.to_lowercase().starts_with("cannot delete") {
                    format!("{m}: {}", ids.join(", "))
                } else {
                    format!("cannot delete {m}: {}", ids.join(", "))
                }
            })
            .collect();
        let aggregate = if messages.len() == 1 {
            messages[0].clone()
        } else {
            format!("[{}]", messages.join(", "))
        };
        out.eprint(format!(
            "error: unable to drain node \"{name}\" due to error: {aggregate}, continuing command...\nThere are pending nodes to be drained:\n {name}\n{aggregate}\n"
        ));
        out.code = 1;
        return out;
    }
    let evicted_ids: Vec<(String, String, String)> = delete
        .iter()
        .map(|p| {
            (
                p.metadata
                    .namespace
                    .clone()
                    .unwrap_or_else(|| "default".into()),
                p.metadata.name.clone().unwrap_or_default(),
                p.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .find(|o| o.controller == Some(true))
                    .map(|o| o.kind.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    if dry {
        out.print(format!("node/{name} cordoned (dry run)\n"));
    } else {
        match cordon_one(session, &name, true, Some(Action::Drain(name.clone()))) {
            Ok(line) => out.print(&line),
            Err(e) => out.eprint(&e),
        }
    }
    if !warnings.is_empty() {
        let text: Vec<String> = warnings
            .iter()
            .map(|(m, ids)| format!("{m}: {}", ids.join(", ")))
            .collect();
        out.eprint(format!("Warning: {}\n", text.join("; ")));
    }
    for (ns, pod, _) in &evicted_ids {
        let suffix = if dry { " (dry run)" } else { "" };
        out.print(format!("evicting pod {ns}/{pod}{suffix}\n"));
    }
    if dry {
        out.print(format!("node/{name} drained (dry run)\n"));
        return out;
    }
    for (ns, pod, _) in &evicted_ids {
        out.print(format!("pod/{pod} evicted\n"));
        session.others.retain(|o| {
            o.object.metadata.namespace.as_deref() != Some(ns.as_str())
                || o.object.metadata.name.as_deref() != Some(pod.as_str())
        });
    }
    out.print(format!("node/{name} drained\n"));
    if evicted_ids.iter().any(|(_, _, kind)| !kind.is_empty()) {
        out.eprint(
            "dsim: the evicted pods' own controllers (ReplicaSets, Jobs, ...) are not simulated, so no replacement is scheduled elsewhere\n",
        );
    }
    out
}
