//! `dsim kubectl -f CLUSTER.yaml [--script FILE] -- <kubectl args> [;; <more>]`: reads the
//! cluster, runs the commands in one session, prints what kubectl would print. Exit code
//! 0 when every command succeeded, 1 when one failed (each command still runs), 2 when
//! the cluster files cannot be used.

use daemonset_sim::kubectl::{self, Files, Options, Session, Stream};
use daemonset_sim::manifest::{self, Source};
use daemonset_sim::rollout::scenario;
use std::io::Write;
use std::process::ExitCode;

/// `dsim kubectl` arguments after clap.
pub struct Args {
    /// Cluster files.
    pub files: Vec<String>,
    /// A script with one command per line.
    pub script: Option<String>,
    /// Seconds a started pod takes to become Ready.
    pub ready_after: String,
    /// Images that cannot be pulled.
    pub fail_images: Vec<String>,
    /// The kubectl command line(s), after `--`.
    pub args: Vec<String>,
}

/// Files named by kubectl commands, read from disk.
struct Disk;

impl Files for Disk {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("the path \"{path}\" does not exist"),
            _ => format!("cannot read \"{path}\": {e}"),
        })
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}

/// Runs `dsim kubectl`.
pub fn run(args: Args) -> ExitCode {
    let ready_after = match scenario::parse_seconds(&args.ready_after) {
        Ok(ms) => ms,
        Err(e) => return fail(&format!("--ready-after: {e}")),
    };
    let commands = match &args.script {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => return fail(&format!("{path}: {e}")),
            };
            match kubectl::parse_script(&text) {
                Ok(mut c) => {
                    c.extend(kubectl::split_commands(&args.args));
                    c
                }
                Err(e) => return fail(&format!("{path}: {e}")),
            }
        }
        None => kubectl::split_commands(&args.args),
    };
    if commands.is_empty() {
        return fail(
            "dsim kubectl: give a kubectl command after --, e.g. dsim kubectl -f cluster.yaml -- get ds",
        );
    }
    let texts = match super::read_files(&args.files) {
        Ok(t) => t,
        Err(super::Failure::Input(errors)) => {
            for e in errors {
                eprintln!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    let sources: Vec<Source<'_>> = args
        .files
        .iter()
        .zip(&texts)
        .map(|(name, text)| Source { name, text })
        .collect();
    let manifests = match manifest::read(&sources) {
        Ok(m) => m,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    let options = Options {
        ready_after,
        fail_images: args.fail_images,
    };
    let mut session = match Session::new(&manifests, &options) {
        Ok(s) => s,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    let several = commands.len() > 1;
    let mut failed = false;
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    for command in &commands {
        let output = session.run(command, &Disk);
        if several {
            let line: Vec<String> = command
                .iter()
                .map(|w| {
                    if w.is_empty() || w.contains([' ', '"', '<', '>', ';']) {
                        format!("'{w}'")
                    } else {
                        w.clone()
                    }
                })
                .collect();
            let shown = match command.first().map(String::as_str) {
                Some("sleep") => line.join(" "),
                _ => format!("kubectl {}", line.join(" ")),
            };
            let mut out = stdout.lock();
            let _ = writeln!(out, "$ {shown}");
            let _ = out.flush();
        }
        for (stream, text) in &output.chunks {
            match stream {
                Stream::Out => {
                    let mut out = stdout.lock();
                    let _ = out.write_all(text.as_bytes());
                    let _ = out.flush();
                }
                Stream::Err => {
                    let _ = stderr.lock().write_all(text.as_bytes());
                }
            }
        }
        failed |= output.code != 0;
    }
    // Large clusters take a while to free, and the process is about to end anyway.
    std::mem::forget(session);
    std::mem::forget(manifests);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
