//! `cargo xtask`: project automation for daemonset-sim (install tools, test, serve, bench).
//!
//! Run `cargo xtask help` for the list of commands. Every step prints a `==>` line before it
//! starts, and the first failing step stops the run with a non-zero exit and a message.

// A native tool: the workspace rule to sort through `daemonset_sim::order` (kept for the
// size of the WebAssembly modules) does not apply here.
#![allow(clippy::disallowed_methods)]

mod bench;
mod cmd;
mod first_render;
mod gen;
mod npm;
mod serve;
mod site;
mod test;
mod tools;
mod wasm_binary;
mod wasm_order;
mod wasm_size;
mod wasm_split;

use std::fmt;
use std::process::ExitCode;

/// What `cargo xtask help` prints.
const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test [STEP...]            install missing tools, then fmt, clippy (native and wasm),
                            native tests, the core's wasm tests in headless Chromium,
                            the web build, the npm package's tests and the playground
                            in headless Chromium; STEPs (tools fmt clippy clippy-wasm
                            test test-wasm web npm playground) run only those
  serve [--port N] [--no-open]
                            build the web page into target/site and serve it on
                            http://127.0.0.1:N/ (default 8080)
  bench [--nodes N] [--runs N]
                            generate a cluster dump of N nodes (default 5000) and 20
                            DaemonSets into target/bench, then time dsim against js-yaml
                            (N runs after one warm-up, default 5)
  dist                      build the playground as static files into target/www
  npm                       build the npm package into target/npm/daemonset-sim-VERSION.tgz
  gen [--nodes N]           only write the benchmark inputs into target/bench
  help                      print this text
";

/// The error of a failed step: a message for the person at the terminal.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    /// An error carrying `message`.
    pub fn msg(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error(err.to_string())
    }
}

/// The result of an xtask step.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds what was being done to an error, e.g. `fs::read(p).context(|| format!("reading {p}"))`.
pub trait Context<T> {
    /// Wraps the error as `"{what}: {error}"`.
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|err| Error(format!("{}: {err}", what())))
    }
}

/// Parses the command line and runs the command; exits 1 with the message on failure.
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nerror: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches `args` (without the program name) to a command.
fn run(args: &[String]) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        print!("{USAGE}");
        return Err(Error::msg("no command given"));
    };
    cmd::enter_workspace_root()?;
    let mut opts = Options::parse(rest)?;
    match command.as_str() {
        "test" => {
            let steps = opts.take_positional();
            opts.finish()?;
            test::run(&steps)
        }
        "serve" => {
            let port = opts.number("--port")?.unwrap_or(8080);
            let port = u16::try_from(port).map_err(|_| Error::msg("--port must be 1-65535"))?;
            let open = !opts.flag("--no-open");
            opts.finish()?;
            serve::run(port, open)
        }
        "bench" => {
            let nodes = opts.number("--nodes")?.unwrap_or(gen::DEFAULT_NODES);
            let runs = opts.number("--runs")?.unwrap_or(5).max(1);
            opts.finish()?;
            bench::run(nodes, runs)
        }
        "dist" => {
            opts.finish()?;
            site::dist()
        }
        "npm" => {
            opts.finish()?;
            npm::build().map(|_| ())
        }
        "gen" => {
            let nodes = opts.number("--nodes")?.unwrap_or(gen::DEFAULT_NODES);
            opts.finish()?;
            gen::write_bench_inputs(&cmd::target_dir().join("bench"), nodes).map(|_| ())
        }
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            print!("{USAGE}");
            Err(Error::msg(format!("unknown command `{other}`")))
        }
    }
}

/// The options after the command: `--flag` and `--name value` (or `--name=value`).
struct Options {
    /// Options not yet taken by the command, as (name, value) pairs.
    left: Vec<(String, Option<String>)>,
    /// Arguments not starting with `--` before the first option.
    positional: Vec<String>,
}

impl Options {
    /// Splits `args` into options; a value is the next argument unless it starts with `--`.
    fn parse(args: &[String]) -> Result<Self> {
        let mut left = Vec::new();
        let positional: Vec<String> = args
            .iter()
            .take_while(|a| !a.starts_with("--"))
            .cloned()
            .collect();
        let mut iter = args[positional.len()..].iter().peekable();
        while let Some(arg) = iter.next() {
            if !arg.starts_with("--") {
                return Err(Error::msg(format!("unexpected argument `{arg}`")));
            }
            if let Some((name, value)) = arg.split_once('=') {
                left.push((name.to_string(), Some(value.to_string())));
            } else {
                let value = iter.next_if(|next| !next.starts_with("--")).cloned();
                left.push((arg.clone(), value));
            }
        }
        Ok(Options { left, positional })
    }

    /// Takes the positional arguments (for commands that accept them).
    fn take_positional(&mut self) -> Vec<String> {
        std::mem::take(&mut self.positional)
    }

    /// Takes a flag without value; true when it was given.
    fn flag(&mut self, name: &str) -> bool {
        let before = self.left.len();
        self.left.retain(|(n, v)| !(n == name && v.is_none()));
        self.left.len() != before
    }

    /// Takes `--name N` as a number, if given.
    fn number(&mut self, name: &str) -> Result<Option<usize>> {
        let Some(pos) = self.left.iter().position(|(n, _)| n == name) else {
            return Ok(None);
        };
        let (_, value) = self.left.remove(pos);
        let value = value.ok_or_else(|| Error::msg(format!("{name} needs a value")))?;
        value
            .parse()
            .map(Some)
            .map_err(|_| Error::msg(format!("{name}: `{value}` is not a number")))
    }

    /// Fails on any option or positional argument the command did not take.
    fn finish(self) -> Result<()> {
        if let Some(arg) = self.positional.first() {
            return Err(Error::msg(format!("unexpected argument `{arg}`")));
        }
        match self.left.first() {
            None => Ok(()),
            Some((name, _)) => Err(Error::msg(format!("unknown option `{name}`"))),
        }
    }
}
