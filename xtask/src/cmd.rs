//! Running commands: progress lines, exit-status checks, and where the workspace lives.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Context, Error, Result};

/// Prints a progress line: `==> what`.
pub fn step(what: &str) {
    println!("==> {what}");
}

/// Prints a line saying that something is already in place.
pub fn ok(what: &str) {
    println!("    ok: {what}");
}

/// Prints a warning that does not stop the run.
pub fn warn(what: &str) {
    println!("    warning: {what}");
}

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Makes the workspace root the current directory, so relative paths mean the same everywhere.
pub fn enter_workspace_root() -> Result<()> {
    let root = workspace_root();
    std::env::set_current_dir(&root).context(|| format!("entering {}", root.display()))
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` or `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// A `cargo` command using the same cargo that runs this xtask.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
}

/// Renders a command the way one would type it, with the environment it sets first.
pub fn display(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(key, value)| value.map(|v| format!("{}={}", key.to_string_lossy(), quote(v))))
        .collect();
    let program = Path::new(cmd.get_program());
    // Show `cargo`, not the absolute path cargo passes in `$CARGO`.
    let program = match program.file_name() {
        Some(name) if name == "cargo" => name,
        _ => program.as_os_str(),
    };
    parts.push(quote(program));
    parts.extend(cmd.get_args().map(quote));
    parts.join(" ")
}

/// Quotes one word for display when it holds characters a shell would split on.
fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Prints `==> cmd`, runs it with inherited stdio, and fails unless it exits with 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = display(cmd);
    step(&shown);
    let started = Instant::now();
    let status = cmd
        .status()
        .context(|| format!("could not start `{shown}`"))?;
    if status.success() {
        println!("    done in {}", seconds(started.elapsed()));
        Ok(())
    } else {
        Err(Error::msg(format!("`{shown}` failed ({status})")))
    }
}

/// Runs a command quietly and returns its stdout; fails when it cannot start or exits non-zero.
pub fn output(cmd: &mut Command) -> Result<String> {
    let shown = display(cmd);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .context(|| format!("could not start `{shown}`"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(Error::msg(format!(
            "`{shown}` failed ({}): {}",
            out.status,
            stderr.trim()
        )))
    }
}

/// Finds `program` on `PATH`, like `which`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Formats a duration as seconds with one decimal, e.g. `12.3s`.
pub fn seconds(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Formats a byte count for people, e.g. `1.23 MB (1234567 bytes)`.
pub fn bytes(n: u64) -> String {
    // Precision loss is irrelevant for a printed size.
    #[allow(clippy::cast_precision_loss)]
    let f = n as f64;
    if n >= 1_000_000 {
        format!("{:.2} MB ({n} bytes)", f / 1e6)
    } else if n >= 1_000 {
        format!("{:.1} KB ({n} bytes)", f / 1e3)
    } else {
        format!("{n} bytes")
    }
}
