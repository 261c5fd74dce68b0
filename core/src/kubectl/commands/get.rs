//! `kubectl get daemonsets|pods|nodes|namespaces [NAME...]` with `-n`, `-A`, `-l`, `-L`,
//! `--show-labels`, `--no-headers` and `-o wide|yaml|json|name`.

use super::output::{self, Format};
use super::{namespace, parse};
use crate::kubectl::args::{boolean, value, Flag, Parsed};
use crate::kubectl::labels::{self, format_labels, Requirement};
use crate::kubectl::printers::{self, Table};
use crate::kubectl::resources::{self, not_found, Kind};
use crate::kubectl::{Output, Session};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

const FLAGS: &[Flag] = &[
    value("output", Some('o')),
    value("selector", Some('l')),
    value("label-columns", Some('L')),
    boolean("all-namespaces", Some('A')),
    boolean("show-labels", None),
    boolean("no-headers", None),
    boolean("watch", Some('w')),
    boolean("ignore-not-found", None),
    boolean("show-kind", None),
    value("chunk-size", None),
];

/// One object to print: its metadata (for names, labels, namespace), its table row and
/// its JSON form.
pub struct Item {
    /// Metadata.
    pub meta: ObjectMeta,
    /// The table row.
    pub row: Vec<String>,
    /// The object (`Null` unless asked for).
    pub value: Value,
}

/// Reads `-l`.
pub fn selector(parsed: &Parsed) -> Result<Vec<Requirement>, Output> {
    match parsed.value("selector") {
        None => Ok(Vec::new()),
        Some(text) => labels::parse(text)
            .map_err(|e| Output::fail(format!("error: unable to parse requirement: {e}\n"))),
    }
}

/// The objects of a kind at the current time, in the namespace asked for (all when
/// `namespace` is `None`), as table rows and, when `structured`, values.
pub fn items(
    session: &Session,
    kind: Kind,
    namespace: Option<&str>,
    wide: bool,
    structured: bool,
) -> Vec<Item> {
    let now = session.now;
    let clock = session.clock;
    match kind {
        Kind::DaemonSet => (0..session.daemon_sets.len())
            .filter(|&i| namespace.is_none_or(|ns| session.daemon_sets[i].key().0 == ns))
            .map(|i| {
                let ds = session.daemon_set_with_status(i);
                let age = printers::age(ds.metadata.creation_timestamp.as_ref(), clock, now);
                Item {
                    row: printers::daemon_set_row(&ds, &age, wide),
                    value: if structured {
                        output::value(&ds)
                    } else {
                        Value::Null
                    },
                    meta: ds.metadata,
                }
            })
            .collect(),
        Kind::Pod => session
            .pods()
            .into_iter()
            .filter(|(p, _)| namespace.is_none_or(|ns| p.metadata.namespace.as_deref() == Some(ns)))
            .map(|(p, _)| Item {
                row: printers::pod_row(&p, clock, now, wide),
                value: if structured {
                    output::value(&p)
                } else {
                    Value::Null
                },
                meta: p.metadata,
            })
            .collect(),
        Kind::Node => session
            .nodes
            .iter()
            .map(|n| {
                let age = printers::age(n.object.metadata.creation_timestamp.as_ref(), clock, now);
                Item {
                    row: printers::node_row(&n.object, &age, wide),
                    value: if structured {
                        output::value(&n.object)
                    } else {
                        Value::Null
                    },
                    meta: n.object.metadata.clone(),
                }
            })
            .collect(),
        Kind::Namespace => session
            .all_namespaces()
            .into_iter()
            .map(|n| {
                let age = printers::age(n.object.metadata.creation_timestamp.as_ref(), clock, now);
                Item {
                    row: printers::namespace_row(&n.object, &age),
                    value: if structured {
                        output::value(&n.object)
                    } else {
                        Value::Null
                    },
                    meta: n.object.metadata,
                }
            })
            .collect(),
    }
}

fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    match kind {
        Kind::DaemonSet => printers::daemon_set_headers(wide),
        Kind::Pod => printers::pod_headers(wide),
        Kind::Node => printers::node_headers(wide),
        Kind::Namespace => printers::namespace_headers(),
    }
}

/// `kubectl get`.
pub fn run(session: &mut Session, args: &[String]) -> Output {
    let parsed = match parse("get", args, FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if parsed.is_set("watch") {
        return Output::fail(
            "dsim: --watch is not emulated; run kubectl rollout status to wait for a rollout, or sleep SECONDS between commands\n",
        );
    }
    let targets = match resources::targets(&parsed.positionals) {
        Ok(t) => t,
        Err(e) => return Output::fail(e),
    };
    let format = match output::format(&parsed) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let requirements = match selector(&parsed) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let all = parsed.is_set("all-namespaces") && targets.names.is_empty();
    let ns = namespace(&parsed);
    let scope = (targets.kind.namespaced() && !all).then_some(ns.as_str());
    let wide = format == Format::Wide;
    let structured = matches!(format, Format::Yaml | Format::Json);
    let mut found = items(session, targets.kind, scope, wide, structured);
    found.retain(|item| labels::matches(&requirements, item.meta.labels.as_ref()));
    let mut stderr = String::new();
    if !targets.names.is_empty() {
        let mut ordered = Vec::new();
        for name in &targets.names {
            match found
                .iter()
                .position(|i| i.meta.name.as_deref() == Some(name.as_str()))
            {
                Some(at) => ordered.push(found.swap_remove(at)),
                None if parsed.is_set("ignore-not-found") => {}
                None => stderr.push_str(&not_found(targets.kind, name)),
            }
        }
        found = ordered;
    }
    let code = i32::from(!stderr.is_empty());
    if found.is_empty() {
        if targets.names.is_empty() {
            let message = match scope {
                Some(ns) if matches!(format, Format::Table | Format::Wide) => {
                    format!("No resources found in {ns} namespace.\n")
                }
                _ if matches!(format, Format::Table | Format::Wide) => {
                    "No resources found\n".to_owned()
                }
                _ => String::new(),
            };
            if matches!(format, Format::Yaml | Format::Json) {
                return Output::ok(output::structured(Vec::new(), false, format));
            }
            return Output::parts("", message, 0);
        }
        return Output::parts("", stderr, code);
    }
    let stdout = match format {
        Format::Name => {
            let names: Vec<String> = found
                .iter()
                .map(|i| i.meta.name.clone().unwrap_or_default())
                .collect();
            output::names(targets.kind, &names)
        }
        Format::Yaml | Format::Json => output::structured(
            found.into_iter().map(|i| i.value).collect(),
            targets.names.len() == 1,
            format,
        ),
        Format::Table | Format::Wide => {
            let mut table = Table::new(&headers(targets.kind, wide));
            let namespaces: Vec<String> = found
                .iter()
                .map(|i| i.meta.namespace.clone().unwrap_or_default())
                .collect();
            let label_sets: Vec<_> = found.iter().map(|i| i.meta.labels.clone()).collect();
            table.rows = found.into_iter().map(|i| i.row).collect();
            if let Some(columns) = parsed.value("label-columns") {
                for key in columns.split(',').filter(|k| !k.is_empty()) {
                    let cells = label_sets
                        .iter()
                        .map(|l| {
                            l.as_ref()
                                .and_then(|l| l.get(key))
                                .cloned()
                                .unwrap_or_default()
                        })
                        .collect();
                    let header = key.rsplit('/').next().unwrap_or(key).to_uppercase();
                    table.append(&header, cells);
                }
            }
            if parsed.is_set("show-labels") {
                let cells = label_sets
                    .iter()
                    .map(|l| format_labels(l.as_ref()))
                    .collect();
                table.append("LABELS", cells);
            }
            if all && targets.kind.namespaced() {
                table.prepend("NAMESPACE", namespaces);
            }
            table.render(!parsed.is_set("no-headers"))
        }
    };
    Output::parts(stdout, stderr, code)
}
