//! `kubectl rollout status|history|undo|restart daemonset/NAME`
//! (`staging/src/k8s.io/kubectl/pkg/cmd/rollout`, `polymorphichelpers/history.go` and
//! `rollback.go`).
//!
//! `rollout status` waits as kubectl does: it prints the status line each time it changes
//! and lets the simulated clock run to the end of the rollout. A rollout that has stalled
//! would keep kubectl waiting forever; the emulator prints the waiting lines, then says
//! so and why.

use super::{namespace, parse};
use crate::kubectl::args::{boolean, value, Flag};
use crate::kubectl::describe::{pod_template, Writer};
use crate::kubectl::resources::{self, not_found, Kind};
use crate::kubectl::{Output, Session};
use crate::rollout::status::is_rolled_out;
use crate::rollout::{scenario, Action, Outcome};

const FLAGS: &[Flag] = &[
    boolean("watch", Some('w')),
    value("timeout", None),
    value("revision", None),
    value("to-revision", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("selector", Some('l')),
    value("filename", Some('f')),
];

/// `kubectl rollout ...`.
pub fn run(session: &mut Session, args: &[String]) -> Output {
    let Some(sub_at) = args.iter().position(|a| !a.starts_with('-')) else {
        return Output::fail(
            "error: Required resource not specified.\nSee 'kubectl rollout -h' for help and examples\n",
        );
    };
    let sub = args[sub_at].clone();
    let mut rest = args.to_vec();
    rest.remove(sub_at);
    let command = format!("rollout {sub}");
    let parsed = match parse(&command, &rest, FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if !matches!(
        sub.as_str(),
        "status" | "history" | "undo" | "restart" | "pause" | "resume"
    ) {
        return Output::fail(format!(
            "error: unknown command \"{sub}\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage.\n"
        ));
    }
    if parsed.positionals.is_empty() {
        return Output::fail(format!(
            "error: required resource not specified\nSee 'kubectl {command} -h' for help and examples\n"
        ));
    }
    let targets = match resources::targets(&parsed.positionals) {
        Ok(t) => t,
        Err(e) => return Output::fail(e),
    };
    if targets.kind != Kind::DaemonSet {
        return Output::fail(format!(
            "error: no {} viewer has been implemented for {{ {} }}\n",
            if sub == "history" {
                "history"
            } else {
                "status"
            },
            targets.kind.kind_name()
        ));
    }
    let ns = namespace(&parsed);
    let mut out = Output::default();
    for name in &targets.names {
        let Some(index) = session.daemon_set(&ns, name) else {
            out.push(Output::fail(not_found(Kind::DaemonSet, name)));
            continue;
        };
        out.push(match sub.as_str() {
            "status" => status(session, index, &parsed),
            "history" => history(session, index, &parsed),
            "undo" => undo(session, index, &parsed),
            "restart" => restart(session, index),
            _ => Output::fail(format!(
                "error: daemonsets.apps \"{name}\" {}ing is not supported\n",
                if sub == "pause" { "paus" } else { "resum" }
            )),
        });
    }
    out
}

fn status(session: &mut Session, index: usize, parsed: &crate::kubectl::args::Parsed) -> Output {
    let entry = &session.daemon_sets[index];
    let now = session.now;
    let first = entry.sim.message(now).to_owned();
    if first.starts_with("error:") {
        return Output::fail(format!("{first}\n"));
    }
    let mut out = Output::ok(format!("{first}\n"));
    if is_rolled_out(&first) || parsed.value("watch") == Some("false") {
        return out;
    }
    let timeout = match parsed.value("timeout").map(parse_duration) {
        None => None,
        Some(Ok(0)) => None,
        Some(Ok(ms)) => Some(ms),
        Some(Err(e)) => return Output::fail(format!("error: {e}\n")),
    };
    let deadline = timeout.map(|t| now + t);
    let mut last = first;
    let mut done_at = None;
    for step in &entry.sim.rollout.steps {
        let at = entry.sim.step_time(step);
        if at <= now {
            continue;
        }
        if deadline.is_some_and(|d| at > d) {
            break;
        }
        if step.message != last {
            out.print(&step.message);
            out.print("\n");
            last.clone_from(&step.message);
        }
        if is_rolled_out(&step.message) {
            done_at = Some(at);
            break;
        }
    }
    if let Some(at) = done_at {
        session.now = at;
        return out;
    }
    if let Some(d) = deadline {
        session.now = d;
        out.eprint("error: timed out waiting for the condition\n");
        out.code = 1;
        return out;
    }
    let reason = if entry.sim.rollout.outcome == Outcome::Stalled {
        entry.sim.rollout.reason.clone()
    } else {
        "the rollout does not progress".to_owned()
    };
    session.now = session.now.max(entry.sim.end());
    out.eprint(format!(
        "dsim: the rollout has stalled, so kubectl would keep waiting here until you press Ctrl-C. {reason}\n"
    ));
    out.code = 1;
    out
}

/// A Go duration as `--timeout` takes it (`30s`, `5m`, `1h`, `1m30s`, or seconds).
fn parse_duration(text: &str) -> Result<i64, String> {
    if let Ok(ms) = scenario::parse_seconds(text) {
        return Ok(ms);
    }
    let mut total = 0i64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3_600_000.0,
            'm' => 60_000.0,
            's' => 1000.0,
            _ => return Err(format!("invalid argument \"{text}\" for \"--timeout\" flag: time: invalid duration \"{text}\"")),
        };
        let n: f64 = number
            .parse()
            .map_err(|_| format!("invalid argument \"{text}\" for \"--timeout\" flag: time: invalid duration \"{text}\""))?;
        // Bounded by the input's length; a rollout is never longer than a year.
        #[allow(clippy::cast_possible_truncation)]
        {
            total += (n * unit) as i64;
        }
        number.clear();
    }
    if number.is_empty() {
        Ok(total)
    } else {
        Err(format!(
            "invalid argument \"{text}\" for \"--timeout\" flag: time: missing unit in duration \"{text}\""
        ))
    }
}

fn history(session: &Session, index: usize, parsed: &crate::kubectl::args::Parsed) -> Output {
    let entry = &session.daemon_sets[index];
    let name = entry.key().1;
    let entries = &entry.sim.rollout.history;
    if let Some(revision) = parsed.value("revision").filter(|r| *r != "0") {
        let Ok(number) = revision.parse::<i64>() else {
            return Output::fail(format!(
                "error: invalid argument \"{revision}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{revision}\": invalid syntax\n"
            ));
        };
        let Some(found) = entries.iter().find(|h| h.revision == number) else {
            return Output::fail("error: unable to find the specified revision\n");
        };
        let (template, _) = entry.template(&found.hash);
        // printTemplate writes through a prefix writer without a tab writer, so tabs stay.
        let mut w = Writer::raw();
        pod_template(&mut w, template);
        let text = w.finish();
        return Output::ok(format!(
            "daemonset.apps/{name} with revision #{number}\n{text}\n"
        ));
    }
    let mut table = crate::kubectl::tabwriter::TabWriter::for_descriptions();
    table.write("REVISION\tCHANGE-CAUSE\n");
    for h in entries {
        let cause = h
            .change_cause
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "<none>".to_owned());
        table.write(&format!("{}\t{cause}\n", h.revision));
    }
    Output::ok(format!("daemonset.apps/{name} \n{}\n", table.finish()))
}

fn undo(session: &mut Session, index: usize, parsed: &crate::kubectl::args::Parsed) -> Output {
    let to_revision: i64 = match parsed.value("to-revision").map(str::parse) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return Output::fail(format!(
                "error: invalid argument \"{}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax\n",
                parsed.value("to-revision").unwrap_or(""),
                parsed.value("to-revision").unwrap_or("")
            ))
        }
    };
    let entry = &session.daemon_sets[index];
    let name = entry.key().1;
    let history = &entry.sim.rollout.history;
    let current = entry.sim.rollout.revisions.to.clone();
    if to_revision == 0 && history.len() <= 1 {
        return Output::fail("error: no last revision to roll back to\n");
    }
    let target = if to_revision == 0 {
        history
            .iter()
            .filter(|h| h.hash != current)
            .max_by_key(|h| h.revision)
    } else {
        history.iter().find(|h| h.revision == to_revision)
    };
    let Some(target) = target.cloned() else {
        return Output::fail(format!(
            "error: unable to find specified revision {to_revision} in history\n"
        ));
    };
    if target.hash == current {
        return Output::ok(format!(
            "daemonset.apps/{name} skipped rollback (current template already matches revision {to_revision})\n"
        ));
    }
    let template = entry.template(&target.hash).0.clone();
    let mut changed = entry.object.clone();
    changed.spec.template = template.clone();
    let mut out = match parsed.value("dry-run") {
        Some("client") => Output::default(),
        _ => session.pod_security_warnings(&changed),
    };
    if matches!(parsed.value("dry-run"), Some("client" | "server")) {
        out.push(Output::ok(format!(
            "daemonset.apps/{name} rolled back (dry run)\n"
        )));
        return out;
    }
    let at = session.tick();
    let behaviour = session.behaviour.clone();
    let entry = &mut session.daemon_sets[index];
    if let Err(e) = entry.sim.act(at, Action::Undo(to_revision), &behaviour) {
        session.now -= 1;
        return Output::fail(format!("{e}\n"));
    }
    entry.set_template(template);
    out.push(Output::ok(format!("daemonset.apps/{name} rolled back\n")));
    out
}

/// `kubectl rollout restart`: a `kubectl.kubernetes.io/restartedAt` annotation in the pod
/// template, which makes a new revision the controller rolls out.
fn restart(session: &mut Session, index: usize) -> Output {
    let at = session.tick();
    let stamp = session.clock.rfc3339(at);
    let behaviour = session.behaviour.clone();
    let mut ds = session.daemon_sets[index].object.clone();
    ds.spec
        .template
        .metadata
        .get_or_insert_with(Default::default)
        .annotations
        .get_or_insert_with(Default::default)
        .insert("kubectl.kubernetes.io/restartedAt".to_owned(), stamp);
    let mut out = session.pod_security_warnings(&ds);
    let entry = &mut session.daemon_sets[index];
    let name = entry.key().1;
    if let Err(e) = entry
        .sim
        .act(at, Action::Apply(Box::new(ds.clone())), &behaviour)
    {
        session.now -= 1;
        return Output::fail(format!("{e}\n"));
    }
    entry.set_template(ds.spec.template);
    out.push(Output::ok(format!("daemonset.apps/{name} restarted\n")));
    out
}
