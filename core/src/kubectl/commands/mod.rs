//! The commands: each takes the parsed command line and the session, and returns what
//! kubectl would print. Errors use kubectl's words; where the emulator itself has to say
//! something (a command it does not emulate, a note about the simulation), the line starts
//! with `dsim:`.

mod apply;
mod create;
mod delete;
mod describe;
mod get;
mod logs;
mod namespaces;
mod nodes;
mod output;
mod rollout;
mod set_image;

use super::args::{self, Flag, Parsed};
use super::{Files, Output, Session};

/// Commands real kubectl has that the emulator does not run.
const NOT_EMULATED: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cp",
    "debug",
    "diff",
    "events",
    "exec",
    "explain",
    "expose",
    "kustomize",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "run",
    "scale",
    "top",
    "version",
    "wait",
    "alpha",
];

/// The commands the emulator runs, for `kubectl` without arguments.
const EMULATED: &str = "apply, create (deployment --dry-run=client), get, describe, set image, rollout (status, history, undo), label, taint, cordon, uncordon, drain, delete, logs, edit (explains), and sleep";

/// The usage hint kubectl adds to flag errors (`FlagErrorFunc` in
/// `staging/src/k8s.io/kubectl/pkg/util/templates/templater.go`).
pub fn flag_error(command: &str, message: &str) -> Output {
    Output::fail(format!(
        "error: {message}\nSee 'kubectl {command} --help' for usage.\n"
    ))
}

/// Parses a command's arguments, or returns kubectl's flag error.
pub fn parse(command: &str, args: &[String], flags: &[Flag]) -> Result<Parsed, Output> {
    args::parse(args, flags).map_err(|e| flag_error(command, &e))
}

/// The namespace to use: `-n`, else `default`.
pub fn namespace(parsed: &Parsed) -> String {
    parsed
        .value("namespace")
        .filter(|n| !n.is_empty())
        .unwrap_or("default")
        .to_owned()
}

/// The Levenshtein distance, as cobra uses it for "Did you mean this?".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let old = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = old;
        }
    }
    row[b.len()]
}

fn unknown_command(name: &str) -> Output {
    const KNOWN: &[&str] = &[
        "apply", "create", "get", "describe", "set", "rollout", "label", "taint", "cordon",
        "uncordon", "drain", "delete", "logs", "edit", "annotate", "exec", "scale", "run",
        "expose", "explain", "patch", "replace", "top", "version", "events", "wait",
    ];
    let suggestions: Vec<&str> = KNOWN
        .iter()
        .copied()
        .filter(|k| distance(name, k) <= 2 || k.starts_with(name) && !name.is_empty())
        .collect();
    let mut text = format!("error: unknown command \"{name}\" for \"kubectl\"\n");
    if !suggestions.is_empty() {
        text.push_str("\nDid you mean this?\n");
        for s in suggestions {
            text.push_str(&format!("\t{s}\n"));
        }
        text.push('\n');
    }
    text.push_str("Run 'kubectl --help' for usage.\n");
    Output::fail(text)
}

/// Finds the command word, skipping global flags before it, and returns it with the rest.
fn split_command(args: &[String]) -> Result<(String, Vec<String>), Output> {
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if !arg.starts_with('-') || arg == "-" {
            rest.extend(args[i + 1..].iter().cloned());
            return Ok((arg.clone(), rest));
        }
        let takes_value = args::GLOBAL.iter().find(|f| {
            arg.strip_prefix("--") == Some(f.long)
                || (f.short.is_some_and(|s| arg == &format!("-{s}")))
        });
        rest.push(arg.clone());
        if let Some(flag) = takes_value {
            if flag.takes_value {
                if let Some(v) = args.get(i + 1) {
                    rest.push(v.clone());
                    i += 1;
                }
            }
        } else if !args::GLOBAL.iter().any(|f| {
            arg.strip_prefix("--")
                .is_some_and(|body| body.split('=').next() == Some(f.long))
                || f.short.is_some_and(|s| arg.starts_with(&format!("-{s}")))
        }) {
            let name = arg.trim_start_matches('-').split('=').next().unwrap_or("");
            let message = if arg.starts_with("--") {
                format!("unknown flag: --{name}")
            } else {
                format!(
                    "unknown shorthand flag: '{}' in {arg}",
                    name.chars().next().unwrap_or('-')
                )
            };
            return Err(Output::fail(format!(
                "error: {message}\nSee 'kubectl --help' for usage.\n"
            )));
        }
        i += 1;
    }
    Err(Output::ok(format!(
        "kubectl controls the Kubernetes cluster manager.\n\ndsim emulates these commands on the simulated cluster: {EMULATED}.\nSee docs/kubectl.md.\n"
    )))
}

/// The guide writes `<daemonset-name>` where a name goes; a shell would read `<` as a
/// redirection, the emulator says what to put there.
fn placeholder(session: &Session, args: &[String]) -> Option<Output> {
    let (token, hole) = args.iter().find_map(|a| {
        let start = a.find('<')?;
        let end = a[start..].find('>')? + start;
        (end > start + 1).then(|| (a.as_str(), &a[start..=end]))
    })?;
    let examples: Vec<String> = if hole.contains("node") {
        session
            .nodes
            .iter()
            .filter_map(|n| n.object.metadata.name.clone())
            .collect()
    } else if hole.contains("namespace") {
        session
            .all_namespaces()
            .iter()
            .map(|n| n.name().to_owned())
            .collect()
    } else if hole.contains("label") {
        let key = token.split('=').next().unwrap_or("");
        let mut values: Vec<String> = session
            .pods()
            .into_iter()
            .filter_map(|(p, _)| p.metadata.labels?.get(key).cloned())
            .collect();
        crate::order::sort(&mut values);
        values.dedup();
        values
    } else if hole.contains("pod") {
        session
            .pods()
            .into_iter()
            .filter_map(|(p, _)| p.metadata.name)
            .collect()
    } else {
        session.daemon_sets.iter().map(|e| e.key().1).collect()
    };
    let known = if examples.is_empty() {
        String::new()
    } else {
        format!(" (here: {})", examples.join(", "))
    };
    Some(Output::fail(format!(
        "dsim: {hole} is a placeholder; put a name in its place{known}\n"
    )))
}

/// Runs one command.
pub fn run(session: &mut Session, args: &[String], files: &dyn Files) -> Output {
    if let Some(output) = placeholder(session, args) {
        return output;
    }
    let (command, rest) = match split_command(args) {
        Ok(split) => split,
        Err(output) => return output,
    };
    match command.as_str() {
        "get" => get::run(session, &rest),
        "describe" => describe::run(session, &rest),
        "apply" => apply::run(session, &rest, files, apply::Verb::Apply),
        "create" => create::run(session, &rest, files),
        "set" => set_image::run(session, &rest),
        "rollout" => rollout::run(session, &rest),
        "label" => nodes::label(session, &rest),
        "taint" => nodes::taint(session, &rest),
        "cordon" => nodes::cordon(session, &rest, true),
        "uncordon" => nodes::cordon(session, &rest, false),
        "drain" => nodes::drain(session, &rest),
        "delete" => delete::run(session, &rest, files),
        "logs" => logs::run(session, &rest),
        "edit" => Output::fail(
            "dsim: kubectl edit opens the object in an editor, and the command line has none here. Change the YAML file and run kubectl apply -f FILE, or use kubectl set image, label or taint; in the playground, edit opens the object in the editor.\n",
        ),
        "sleep" => sleep(session, &rest),
        other if NOT_EMULATED.contains(&other) => Output::fail(format!(
            "dsim: kubectl {other} is not emulated; the emulator runs {EMULATED}\n"
        )),
        other => unknown_command(other),
    }
}

/// `sleep SECONDS`: lets simulated time pass (a script command, as in a shell script).
fn sleep(session: &mut Session, args: &[String]) -> Output {
    let Some(text) = args.first() else {
        return Output::fail("sleep: missing operand\n");
    };
    match crate::rollout::scenario::parse_seconds(text) {
        Ok(ms) => {
            session.now += ms;
            Output::default()
        }
        Err(_) => Output::fail(format!("sleep: invalid time interval '{text}'\n")),
    }
}
