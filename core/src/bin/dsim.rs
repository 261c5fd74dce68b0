//! `dsim`: the daemonset-sim engine on the command line.
//!
//! Exit codes: 0 on success, 2 on input errors (each printed as
//! `FILE:LINE:COL: path: message`), 1 on other failures.

use clap::{Parser, Subcommand, ValueEnum};
use daemonset_sim::manifest::read::MAX_SOURCE_BYTES;
use daemonset_sim::manifest::{self, Diagnostic, Source};
use daemonset_sim::placement::{place, PlaceError, PlaceOptions};
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    /// A readable table with reasons.
    Text,
    /// Stable JSON (camelCase), the same as the JavaScript API returns.
    Json,
}

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
    }
}

fn run_place(files: &[String], output: Output, daemon_set: Option<String>) -> ExitCode {
    let texts = match read_files(files) {
        Ok(texts) => texts,
        Err(failure) => return report(failure, output),
    };
    let sources: Vec<Source<'_>> = files
        .iter()
        .zip(&texts)
        .map(|(name, text)| Source { name, text })
        .collect();
    let manifests = match manifest::read(&sources) {
        Ok(manifests) => manifests,
        Err(errors) => return report(Failure::Input(errors), output),
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
    drop(sources);
    std::mem::forget(texts);
    code
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
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Diagnostic {
            file: name.to_owned(),
            line: u32::try_from(line).ok(),
            column: u32::try_from(column).ok(),
            path: String::new(),
            message: "the input is not UTF-8 text (is it a binary file?)".to_owned(),
        }
    })
}
