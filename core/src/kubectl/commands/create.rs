//! `kubectl create`: `-f FILE` (as apply, but refusing what exists), `create deployment
//! --dry-run=client -o yaml` (the manifest `create_deployment.go` generates), and the
//! answer to `create daemonset`, which kubectl does not have: cobra finds no such
//! subcommand, so `create` itself parses the arguments
//! (`staging/src/k8s.io/kubectl/pkg/cmd/create/create.go`) and fails on the first flag it
//! does not know, or without flags on the missing `-f`.

use super::apply::{self, Verb};
use super::output::{self, Format};
use super::{flag_error, parse};
use crate::kubectl::args::{self, boolean, value, Flag};
use crate::kubectl::{Files, Output, Session};
use serde_json::{json, Value};

const SUBCOMMANDS: &[&str] = &[
    "namespace",
    "ns",
    "quota",
    "resourcequota",
    "secret",
    "configmap",
    "cm",
    "serviceaccount",
    "sa",
    "service",
    "svc",
    "deployment",
    "deploy",
    "clusterrole",
    "clusterrolebinding",
    "role",
    "rolebinding",
    "poddisruptionbudget",
    "pdb",
    "priorityclass",
    "pc",
    "job",
    "cronjob",
    "cj",
    "ingress",
    "ing",
    "token",
];

const DEPLOYMENT_FLAGS: &[Flag] = &[
    value("image", None),
    value("replicas", Some('r')),
    value("port", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("validate", None),
    value("field-manager", None),
    boolean("save-config", None),
    boolean("allow-missing-template-keys", None),
    boolean("show-managed-fields", None),
];

/// `kubectl create`.
pub fn run(session: &mut Session, args: &[String], files: &dyn Files) -> Output {
    let first = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with('-') && !follows_value_flag(args, *i))
        .map(|(i, a)| (i, a.clone()));
    match first {
        Some((at, sub)) if SUBCOMMANDS.contains(&sub.as_str()) => {
            let mut rest = args.to_vec();
            rest.remove(at);
            if matches!(sub.as_str(), "deployment" | "deploy") {
                deployment(&rest)
            } else {
                Output::fail(format!(
                    "dsim: kubectl create {sub} is not emulated; the emulator keeps DaemonSets, Nodes and Pods\n"
                ))
            }
        }
        Some((_, sub)) => unknown_subcommand(args, &sub),
        None => apply::run(session, args, files, Verb::Create),
    }
}

/// Whether `args[i]` is the value of the flag before it (`-f FILE`, `-n NS`).
fn follows_value_flag(args: &[String], i: usize) -> bool {
    let Some(previous) = i.checked_sub(1).and_then(|p| args.get(p)) else {
        return false;
    };
    apply::FLAGS.iter().chain(args::GLOBAL).any(|f| {
        f.takes_value
            && (previous.strip_prefix("--") == Some(f.long)
                || f.short.is_some_and(|s| *previous == format!("-{s}")))
    })
}

/// `create` with an argument that is no subcommand of it: kubectl's error, and for
/// DaemonSets the way that works.
fn unknown_subcommand(args: &[String], sub: &str) -> Output {
    let mut out = match args::parse(args, apply::FLAGS) {
        Err(e) => flag_error("create", &e),
        Ok(parsed) => {
            if parsed.values("filename").is_empty() {
                Output::fail(format!(
                    "Error: must specify one of -f and -k\n\nerror: unknown command \"{}\"\nSee 'kubectl create -h' for help and examples\n",
                    parsed.positionals.join(" ")
                ))
            } else {
                Output::fail(format!(
                    "error: Unexpected args: [{}]\nSee 'kubectl create -h' for help and examples\n",
                    parsed.positionals.join(" ")
                ))
            }
        }
    };
    if matches!(sub, "daemonset" | "daemonsets" | "ds") {
        let positionals: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let name = positionals.get(1).map_or("NAME", |n| n.as_str()).to_owned();
        let image = args
            .iter()
            .enumerate()
            .find_map(|(i, a)| {
                a.strip_prefix("--image=")
                    .map(str::to_owned)
                    .or_else(|| (a == "--image").then(|| args.get(i + 1).cloned()).flatten())
            })
            .unwrap_or_else(|| "IMAGE".to_owned());
        out.eprint(format!(
            "\ndsim: kubectl has no \"create daemonset\" subcommand. Generate a Deployment and turn it into a DaemonSet:\n  kubectl create deployment {name} --image={image} --dry-run=client -o yaml > daemonset.yaml\n  then in daemonset.yaml change \"kind: Deployment\" to \"kind: DaemonSet\" and delete the lines \"replicas: 1\", \"strategy: {{}}\" and \"status: {{}}\"\n  kubectl apply -f daemonset.yaml\n"
        ));
    }
    out
}

/// The container name `create deployment` derives from an image: the last path segment
/// without tag or digest, `_` made `-`.
fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split('@').next().unwrap_or(last);
    let last = last.split(':').next().unwrap_or(last);
    last.replace('_', "-")
}

/// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P]`.
fn deployment(args: &[String]) -> Output {
    let parsed = match parse("create deployment", args, DEPLOYMENT_FLAGS) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let images = parsed.values("image");
    if images.is_empty() {
        return Output::fail("error: required flag(s) \"image\" not set\n");
    }
    if parsed.positionals.len() != 1 {
        return Output::fail(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create deployment -h' for help and examples\n",
            parsed.positionals.len()
        ));
    }
    let name = &parsed.positionals[0];
    let replicas: i64 = match parsed.value("replicas").map(str::parse) {
        None => 1,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return flag_error(
                "create deployment",
                &format!(
                    "invalid argument \"{}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax",
                    parsed.value("replicas").unwrap_or(""),
                    parsed.value("replicas").unwrap_or("")
                ),
            )
        }
    };
    let port: Option<i64> = parsed
        .value("port")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 0);
    let mut used: Vec<String> = Vec::new();
    let containers: Vec<Value> = images
        .iter()
        .map(|image| {
            let mut cname = container_name(image);
            if used.contains(&cname) {
                let mut n = 1;
                while used.contains(&format!("{cname}-{n}")) {
                    n += 1;
                }
                cname = format!("{cname}-{n}");
            }
            used.push(cname.clone());
            let mut c = json!({"image": image, "name": cname, "resources": {}});
            if let Some(p) = port {
                c["ports"] = json!([{"containerPort": p}]);
            }
            c
        })
        .collect();
    let mut metadata = json!({"creationTimestamp": null, "labels": {"app": name}, "name": name});
    if let Some(ns) = parsed.value("namespace") {
        metadata["namespace"] = json!(ns);
    }
    let object = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": name}},
                "spec": {"containers": containers}
            }
        },
        "status": {}
    });
    if parsed.value("dry-run") != Some("client") {
        return Output::fail(
            "dsim: the emulator runs no Deployments; add --dry-run=client -o yaml to print the manifest (for a DaemonSet, change its kind and delete replicas, strategy and status)\n",
        );
    }
    match output::format(&parsed) {
        Err(e) => e,
        Ok(Format::Yaml | Format::Json) => {
            let format = if parsed.value("output") == Some("json") {
                Format::Json
            } else {
                Format::Yaml
            };
            Output::ok(output::structured(vec![object], true, format))
        }
        Ok(Format::Name) => Output::ok(format!("deployment.apps/{name}\n")),
        Ok(_) => Output::ok(format!("deployment.apps/{name} created (dry run)\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_come_from_images() {
        assert_eq!(container_name("fluentd:v1.14"), "fluentd");
        assert_eq!(container_name("prom/node-exporter:latest"), "node-exporter");
        assert_eq!(container_name("registry:5000/my_app@sha256:x"), "my-app");
    }
}
