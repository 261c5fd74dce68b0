//! `dsim`: the daemonset-sim engine on the command line.
//!
//! Exit codes: 0 on success, 2 on input errors (each printed as
//! `FILE:LINE:COL: path: message`), 1 on other failures and when `dsim lint` finds an
//! error.

use clap::{Parser, Subcommand, ValueEnum};
use daemonset_sim::lint;
use daemonset_sim::manifest::read::MAX_SOURCE_BYTES;
use daemonset_sim::manifest::{self, Diagnostic, Source};
use daemonset_sim::placement::{place, PlaceError, PlaceOptions};
use daemonset_sim::rollout::{self, scenario, RolloutError, RolloutOptions, Update};
use std::io::{Read, Write};
use std::process::ExitCode;

/// Simulate the Kubernetes DaemonSet controller: where daemon pods land, and why.
#[derive(Parser)]
#[command(name = "dsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// For every DaemonSet and node: does the controller want a pod there, may an existing
    /// one stay, will the scheduler bind it, and why not.
    Place {
        /// Manifest files (YAML or JSON; multi-document; `kind: List` dumps). `-` reads
        /// standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
        output: Output,
        /// Only this DaemonSet: NAME or NAMESPACE/NAME.
        #[arg(long = "daemonset", value_name = "NS/NAME")]
        daemon_set: Option<String>,
    },
    /// Simulate an update of a DaemonSet over its nodes as the controller rolls it out:
    /// every pod created, deleted, Ready and available, the status and
    /// `kubectl rollout status` at each step, until it completes or stalls.
    #[command(group(clap::ArgGroup::new("update").args(["to", "set_image", "delete_pods", "at"]).multiple(true).required(true)))]
    Rollout {
        /// Manifest files with the DaemonSet and the cluster (Nodes, optionally its Pods
        /// from `kubectl get pods -o yaml`). `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// The updated DaemonSet (as `kubectl apply -f NEW.yaml`).
        #[arg(long = "to", value_name = "NEW.yaml")]
        to: Option<String>,
        /// Change container images (as `kubectl set image`; `*` for every container).
        #[arg(long = "set-image", value_name = "CONTAINER=IMAGE[,...]")]
        set_image: Option<String>,
        /// Seconds a started pod takes to become Ready.
        #[arg(
            long = "ready-after",
            value_name = "SECONDS",
            default_value = "5",
            allow_hyphen_values = true
        )]
        ready_after: String,
        /// An image that cannot be pulled: pods using it never become Ready
        /// (ImagePullBackOff). Repeatable.
        #[arg(long = "fail-image", value_name = "IMAGE")]
        fail_image: Vec<String>,
        /// Delete the daemon pods on these nodes right after the update (`kubectl delete
        /// pod`), which is how OnDelete replaces them.
        #[arg(
            long = "delete-pods",
            value_name = "NODE[,NODE...]",
            value_delimiter = ','
        )]
        delete_pods: Vec<String>,
        /// Something that happens at a moment: SECONDS:ACTION[:ARGS]. Actions:
        /// set-image:C=IMG, undo[:REVISION], delete-pod:NODE, cordon:NODE, uncordon:NODE,
        /// drain:NODE, taint:NODE:KEY[=VALUE]:EFFECT, untaint:NODE:KEY[:EFFECT],
        /// notready:NODE, ready:NODE, add-node:NAME[:LIKE-NODE], remove-node:NODE.
        /// Repeatable.
        #[arg(long = "at", value_name = "SECONDS:ACTION[:ARGS]")]
        at: Vec<String>,
        /// Roll back (`kubectl rollout undo`) once the update has completed or stalled.
        #[arg(long = "undo")]
        undo: bool,
        /// With --undo: the revision to go back to (0: the previous one).
        #[arg(
            long = "to-revision",
            value_name = "N",
            requires = "undo",
            allow_hyphen_values = true
        )]
        to_revision: Option<i64>,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
        output: Output,
        /// Which DaemonSet, when the input has several: NAME or NAMESPACE/NAME.
        #[arg(long = "daemonset", value_name = "NS/NAME")]
        daemon_set: Option<String>,
    },
    /// Check every DaemonSet (and standalone Pod) against the Pod Security Standards, best
    /// practices and the cluster in the input; exit code 1 when a finding is an error.
    Lint {
        /// Manifest files: DaemonSets, and optionally the cluster (Nodes, Namespaces,
        /// Pods). `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
        output: Output,
    },
    /// Run kubectl commands against the simulated cluster, with kubectl's output:
    /// `dsim kubectl -f cluster.yaml -- get ds`; several commands separated by `;;`.
    Kubectl {
        /// Cluster files (DaemonSets, Nodes, Pods, PriorityClasses). Repeatable.
        #[arg(short = 'f', long = "filename", value_name = "FILE")]
        files: Vec<String>,
        /// A file with one kubectl command per line (run before those after `--`).
        #[arg(long = "script", value_name = "FILE")]
        script: Option<String>,
        /// Seconds a started pod takes to become Ready.
        #[arg(
            long = "ready-after",
            value_name = "SECONDS",
            default_value = "5",
            allow_hyphen_values = true
        )]
        ready_after: String,
        /// An image that cannot be pulled (ImagePullBackOff). Repeatable.
        #[arg(long = "fail-image", value_name = "IMAGE")]
        fail_image: Vec<String>,
        /// The kubectl command line, after `--`.
        #[arg(last = true, value_name = "KUBECTL ARGS")]
        args: Vec<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    /// A readable table with reasons.
    Text,
    /// Stable JSON (camelCase), the same as the JavaScript API returns.
    Json,
}

#[path = "cli/kubectl.rs"]
mod kubectl_cli;

/// A failure and the exit code it maps to.
enum Failure {
    Input(Vec<Diagnostic>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Place {
            files,
            output,
            daemon_set,
        } => run_place(&files, output, daemon_set),
        Command::Rollout {
            files,
            to,
            set_image,
            ready_after,
            fail_image,
            delete_pods,
            at,
            undo,
            to_revision,
            output,
            daemon_set,
        } => run_rollout(
            &files,
            RolloutArgs {
                to,
                set_image,
                ready_after,
                fail_image,
                delete_pods,
                at,
                undo: undo.then_some(to_revision.unwrap_or(0)),
                daemon_set,
            },
            output,
        ),
        Command::Lint { files, output } => run_lint(&files, output),
        Command::Kubectl {
            files,
            script,
            ready_after,
            fail_image,
            args,
        } => kubectl_cli::run(kubectl_cli::Args {
            files,
            script,
            ready_after,
            fail_images: fail_image,
            args,
        }),
    }
}

fn run_lint(files: &[String], output: Output) -> ExitCode {
    let manifests = match read_manifests(files, false) {
        Ok(manifests) => manifests,
        Err(failure) => return report(failure, output),
    };
    let result = lint::lint(&manifests, &names(files));
    if result.objects.is_empty() {
        return report(
            flag_error(
                &files.join(", "),
                "no DaemonSet or Pod found in the input (expected a document with apiVersion: apps/v1 and kind: DaemonSet)",
            ),
            output,
        );
    }
    let text = match output {
        Output::Json => {
            for warning in &result.warnings {
                eprintln!("warning: {warning}");
            }
            result.to_json() + "\n"
        }
        Output::Text => result.to_text(),
    };
    match print_stdout(&text) {
        code if code != ExitCode::SUCCESS => code,
        _ if result.has_errors() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// `dsim rollout` arguments after clap.
struct RolloutArgs {
    to: Option<String>,
    set_image: Option<String>,
    ready_after: String,
    fail_image: Vec<String>,
    delete_pods: Vec<String>,
    at: Vec<String>,
    undo: Option<i64>,
    daemon_set: Option<String>,
}

fn flag_error(flag: &str, message: impl Into<String>) -> Failure {
    Failure::Input(vec![Diagnostic::file(flag, message)])
}

fn rollout_options(args: RolloutArgs) -> Result<RolloutOptions, Failure> {
    if args.to.is_some() && args.set_image.is_some() {
        return Err(flag_error(
            "--to",
            "give either --to or --set-image, not both",
        ));
    }
    let ready_after =
        scenario::parse_seconds(&args.ready_after).map_err(|e| flag_error("--ready-after", e))?;
    let mut at = Vec::with_capacity(args.at.len());
    for text in &args.at {
        at.push(scenario::parse_at(text).map_err(|e| flag_error("--at", e))?);
    }
    let update = match (args.to, args.set_image) {
        (Some(file), _) => {
            let manifests = read_manifests(std::slice::from_ref(&file), false)?;
            let mut sets = manifests.daemon_sets.into_iter().map(|l| l.object);
            let Some(first) = sets.next() else {
                return Err(flag_error(
                    &file,
                    "no DaemonSet found in the --to file (expected a document with apiVersion: apps/v1 and kind: DaemonSet)",
                ));
            };
            if sets.next().is_some() {
                return Err(flag_error(&file, "the --to file must hold one DaemonSet"));
            }
            Update::Apply {
                daemon_set: Box::new(first),
                file,
            }
        }
        (None, Some(images)) => Update::SetImage(
            scenario::parse_images(&images).map_err(|e| flag_error("--set-image", e))?,
        ),
        (None, None) => Update::None,
    };
    Ok(RolloutOptions {
        daemon_set: args.daemon_set,
        update,
        ready_after,
        fail_images: args.fail_image,
        delete_pods: args.delete_pods,
        at,
        undo: args.undo,
        ignore_pod_security: false,
    })
}

fn run_rollout(files: &[String], args: RolloutArgs, output: Output) -> ExitCode {
    let options = match rollout_options(args) {
        Ok(options) => options,
        Err(failure) => return report(failure, output),
    };
    let manifests = match read_manifests(files, true) {
        Ok(manifests) => manifests,
        Err(failure) => return report(failure, output),
    };
    let result = rollout::simulate(&manifests, &names(files), &options);
    std::mem::forget(manifests);
    let code = match result {
        Ok(rollout) => {
            let text = match output {
                Output::Json => rollout.to_json() + "\n",
                Output::Text => rollout.to_text(),
            };
            for warning in &rollout.warnings {
                eprintln!("warning: {warning}");
            }
            let code = print_stdout(&text);
            std::mem::forget(rollout);
            code
        }
        Err(RolloutError::Input(errors)) => report(Failure::Input(errors), output),
    };
    code
}

fn run_place(files: &[String], output: Output, daemon_set: Option<String>) -> ExitCode {
    let manifests = match read_manifests(files, true) {
        Ok(manifests) => manifests,
        Err(failure) => return report(failure, output),
    };
    let result = place(&manifests, &PlaceOptions { daemon_set }, &names(files));
    // Large inputs take a while to free, and the process is about to end anyway.
    std::mem::forget(manifests);
    let code = match result {
        Ok(report) => {
            let text = match output {
                Output::Json => report.to_json() + "\n",
                Output::Text => report.to_text(),
            };
            if let Output::Json = output {
                for warning in &report.warnings {
                    eprintln!("warning: {warning}");
                }
            }
            let code = print_stdout(&text);
            std::mem::forget(report);
            code
        }
        Err(PlaceError::Input(errors)) => report(Failure::Input(errors), output),
    };
    code
}

/// Reads every file (or standard input for `-`) into manifests. The texts are not freed:
/// large inputs take a while to free, and the process is about to end anyway.
/// Reads the input files; `for_placement` skips what only kubectl shows in large node
/// dumps ([`manifest::read_for_placement`]).
fn read_manifests(files: &[String], for_placement: bool) -> Result<manifest::Manifests, Failure> {
    let texts = read_files(files)?;
    let sources: Vec<Source<'_>> = files
        .iter()
        .zip(&texts)
        .map(|(name, text)| Source { name, text })
        .collect();
    let manifests = if for_placement {
        manifest::read_for_placement(&sources)
    } else {
        manifest::read(&sources)
    }
    .map_err(Failure::Input);
    drop(sources);
    std::mem::forget(texts);
    manifests
}

fn names(files: &[String]) -> Vec<&str> {
    files.iter().map(String::as_str).collect()
}

fn print_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing output: {e}");
            ExitCode::from(1)
        }
    }
}

fn report(failure: Failure, output: Output) -> ExitCode {
    let Failure::Input(errors) = failure;
    for error in &errors {
        eprintln!("{error}");
    }
    if let Output::Json = output {
        let json = serde_json::json!({ "errors": errors });
        let _ = print_stdout(&(serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"));
    }
    ExitCode::from(2)
}

/// Reads every file (or standard input for `-`) as UTF-8 text.
fn read_files(files: &[String]) -> Result<Vec<String>, Failure> {
    let mut texts = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for name in files {
        match read_one(name) {
            Ok(text) => texts.push(text),
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    if errors.is_empty() {
        Ok(texts)
    } else {
        Err(Failure::Input(errors))
    }
}

fn read_one(name: &str) -> Result<String, Diagnostic> {
    let limit = u64::try_from(MAX_SOURCE_BYTES).unwrap_or(u64::MAX) + 1;
    let mut bytes = Vec::new();
    let result = if name == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(name).and_then(|f| {
            let size = f.metadata().map_or(0, |m| m.len()).min(limit);
            bytes.reserve_exact(usize::try_from(size).unwrap_or(0) + 1);
            f.take(limit).read_to_end(&mut bytes)
        })
    };
    if let Err(e) = result {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => format!("the path \"{name}\" does not exist"),
            _ => format!("cannot read \"{name}\": {e}"),
        };
        return Err(Diagnostic::file(name, what));
    }
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(Diagnostic::file(
            name,
            format!(
                "input is too large (the limit is {} MiB)",
                MAX_SOURCE_BYTES / 1024 / 1024
            ),
        ));
    }
    String::from_utf8(bytes).map_err(
        |e| match daemonset_sim::manifest::utf8(name, e.as_bytes()) {
            Err(at) => at,
            Ok(_) => Diagnostic::file(name, e.to_string()),
        },
    )
}
