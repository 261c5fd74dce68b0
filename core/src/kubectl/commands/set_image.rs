//! `kubectl set image daemonset/NAME CONTAINER=IMAGE...`: a template change the controller
//! rolls out (`staging/src/k8s.io/kubectl/pkg/cmd/set/set_image.go`), after Pod Security
//! Admission's warnings for the namespace.

use super::{namespace, parse};
use crate::kubectl::args::{boolean, value, Flag};
use crate::kubectl::resources::{self, not_found, Kind};
use crate::kubectl::{Output, Session};
use crate::rollout::{set_images, Action};

const FLAGS: &[Flag] = &[
    boolean("all", None),
    value("selector", Some('l')),
    value("dry-run", None),
    value("output", Some('o')),
    boolean("local", None),
    boolean("record", None),
    value("field-manager", None),
    value("filename", Some('f')),
];

/// `kubectl set ...`.
pub fn run(session: &mut Session, args: &[String]) -> Output {
    let Some(sub) = args.iter().position(|a| !a.starts_with('-')) else {
        return Output::fail(
            "error: Unexpected args: []\nSee 'kubectl set -h' for help and examples\n",
        );
    };
    if args[sub] != "image" {
        return Output::fail(format!(
            "dsim: kubectl set {} is not emulated; kubectl set image is\n",
            args[sub]
        ));
    }
    let mut rest = args.to_vec();
    rest.remove(sub);
    let parsed = match parse("set image", &rest, FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let (pairs, resource_args): (Vec<String>, Vec<String>) = parsed
        .positionals
        .iter()
        .cloned()
        // `GetResourcesAndPairs`: an argument with `=` (not leading) is an image update,
        // whatever the image holds (`c=registry.k8s.io/agent:1`).
        .partition(|a| a.contains('=') && !a.starts_with('='));
    if pairs.is_empty() {
        return Output::fail(
            "error: at least one image update is required\nSee 'kubectl set image -h' for help and examples\n",
        );
    }
    let pairs: Vec<(String, String)> = match pairs
        .iter()
        .map(|p| match p.split_once('=') {
            Some((c, i)) if !c.is_empty() && !i.is_empty() => Ok((c.to_owned(), i.to_owned())),
            _ => Err(p.clone()),
        })
        .collect()
    {
        Ok(p) => p,
        Err(bad) => {
            return Output::fail(format!(
                "error: invalid image update: {bad}, expected CONTAINER=IMAGE\n"
            ))
        }
    };
    let targets = match resources::targets(&resource_args) {
        Ok(t) => t,
        Err(e) => return Output::fail(e),
    };
    if targets.kind != Kind::DaemonSet {
        return Output::fail(
            "dsim: set image is emulated for daemonsets; pods of a DaemonSet follow its template\n",
        );
    }
    let ns = namespace(&parsed);
    let dry_run = match parsed.value("dry-run") {
        Some("client") => " (dry run)",
        Some("server") => " (server dry run)",
        _ => "",
    };
    let mut out = Output::default();
    for name in &targets.names {
        let Some(index) = session.daemon_set(&ns, name) else {
            out.push(Output::fail(not_found(Kind::DaemonSet, name)));
            continue;
        };
        let mut template = session.daemon_sets[index].object.spec.template.clone();
        if let Err(e) = set_images(&mut template, &pairs) {
            out.push(Output::fail(format!("{e}\n")));
            continue;
        }
        let mut changed = session.daemon_sets[index].object.clone();
        changed.spec.template = template.clone();
        if dry_run != " (dry run)" {
            out.push(session.pod_security_warnings(&changed));
        }
        if !dry_run.is_empty() {
            out.push(Output::ok(format!(
                "daemonset.apps/{name} image updated{dry_run}\n"
            )));
            continue;
        }
        let at = session.tick();
        let behaviour = session.behaviour.clone();
        let entry = &mut session.daemon_sets[index];
        if let Err(e) = entry
            .sim
            .act(at, Action::SetImage(pairs.clone()), &behaviour)
        {
            out.push(Output::fail(format!("error: {e}\n")));
            continue;
        }
        entry.set_template(template);
        out.push(Output::ok(format!("daemonset.apps/{name} image updated\n")));
    }
    out
}
