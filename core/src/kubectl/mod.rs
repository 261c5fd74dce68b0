//! A kubectl emulator over the simulated cluster: `dsim kubectl -f CLUSTER.yaml -- get ds`
//! runs kubectl commands against the DaemonSets, Nodes, Pods and Namespaces of the input,
//! with kubectl's output format (its printers, describers, tab writer and error words) and
//! a simulated clock. Changes (`apply`, `set image`, `rollout undo`, `label`, `taint`,
//! `cordon`, `drain`, `delete pod`) run the DaemonSet controller's simulation on, so `get`
//! and `describe` show what a cluster would show. See `docs/kubectl.md`.
//!
//! Every DaemonSet has one simulation from the moment it appears; each change is an
//! action at its moment in that simulation, which is replayed from the start (see
//! [`sim`]). The clock moves only when a command waits: `kubectl rollout status` waits for
//! the rollout (or says it would wait forever), and the script command `sleep SECONDS`
//! lets time pass.

pub mod args;
pub mod clock;
mod commands;
pub mod defaults;
pub mod describe;
pub mod filters;
pub mod labels;
pub mod pods;
pub mod printers;
pub mod recorder;
pub mod resources;
pub mod session;
pub mod sim;
pub mod tabwriter;
pub mod yaml;

pub use session::{Options, Session};

use std::collections::BTreeMap;

/// Where a piece of output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Out,
    /// Standard error.
    Err,
}

/// What one command printed, in order, and its exit code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The printed pieces in the order a terminal shows them.
    pub chunks: Vec<(Stream, String)>,
    /// The exit code kubectl would end with (0 or 1).
    pub code: i32,
}

impl Output {
    /// Success with this standard output.
    pub fn ok(stdout: impl Into<String>) -> Self {
        let mut out = Self::default();
        out.print(stdout);
        out
    }

    /// Failure (exit code 1) with this standard error.
    pub fn fail(stderr: impl Into<String>) -> Self {
        let mut out = Self::default();
        out.eprint(stderr);
        out.code = 1;
        out
    }

    /// Standard output, then standard error, and the code.
    pub fn parts(stdout: impl Into<String>, stderr: impl Into<String>, code: i32) -> Self {
        let mut out = Self::ok(stdout);
        out.eprint(stderr);
        out.code = code;
        out
    }

    /// Adds text to standard output.
    pub fn print(&mut self, text: impl Into<String>) {
        self.add(Stream::Out, text.into());
    }

    /// Adds text to standard error.
    pub fn eprint(&mut self, text: impl Into<String>) {
        self.add(Stream::Err, text.into());
    }

    fn add(&mut self, stream: Stream, text: String) {
        if text.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some((s, t)) if *s == stream => t.push_str(&text),
            _ => self.chunks.push((stream, text)),
        }
    }

    /// Appends another output, keeping the first failure's code.
    pub fn push(&mut self, other: Output) {
        for (stream, text) in other.chunks {
            self.add(stream, text);
        }
        if self.code == 0 {
            self.code = other.code;
        }
    }

    /// Everything printed to standard output.
    pub fn stdout(&self) -> String {
        self.stream(Stream::Out)
    }

    /// Everything printed to standard error.
    pub fn stderr(&self) -> String {
        self.stream(Stream::Err)
    }

    /// Both streams interleaved as a terminal shows them.
    pub fn transcript(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }

    fn stream(&self, which: Stream) -> String {
        self.chunks
            .iter()
            .filter(|(s, _)| *s == which)
            .map(|(_, t)| t.as_str())
            .collect()
    }
}

/// Reads the files kubectl commands name (`apply -f FILE`); the core does no I/O.
pub trait Files {
    /// The text of `path`.
    ///
    /// # Errors
    /// kubectl's words for a missing file: `the path "x" does not exist`.
    fn read(&self, path: &str) -> Result<String, String>;
}

impl Files for BTreeMap<String, String> {
    fn read(&self, path: &str) -> Result<String, String> {
        self.get(path)
            .cloned()
            .ok_or_else(|| format!("the path \"{path}\" does not exist"))
    }
}

/// No files at all.
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        Err(format!("the path \"{path}\" does not exist"))
    }
}

/// Splits arguments into commands at `;;` separators; a leading `kubectl` is dropped.
pub fn split_commands(args: &[String]) -> Vec<Vec<String>> {
    args.split(|a| a == ";;")
        .map(|c| strip_kubectl(c).to_vec())
        .filter(|c| !c.is_empty())
        .collect()
}

/// Reads a script: one command per line, shell-style quoting, `#` comments, an optional
/// leading `kubectl` (or `$ kubectl`).
///
/// # Errors
/// `LINE: message` for a line with an unterminated quote.
pub fn parse_script(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut commands = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let words = args::shell_words(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        let words = match words.first().map(String::as_str) {
            Some("$") => words[1..].to_vec(),
            _ => words,
        };
        let words = strip_kubectl(&words).to_vec();
        if !words.is_empty() {
            commands.push(words);
        }
    }
    Ok(commands)
}

fn strip_kubectl(words: &[String]) -> &[String] {
    match words.first().map(String::as_str) {
        Some("kubectl" | "k") => &words[1..],
        _ => words,
    }
}

impl Session {
    /// Runs one kubectl command (without the leading `kubectl`), and the shell filters it
    /// is piped into (`| grep ...`), if any.
    pub fn run(&mut self, args: &[String], files: &dyn Files) -> Output {
        let mut stages = args.split(|a| a == "|");
        let command = stages.next().unwrap_or_default();
        let mut output = commands::run(self, strip_kubectl(command), files);
        for filter in stages {
            output = filters::apply(output, filter);
        }
        output
    }
}
