//! Installing the tools the build and the tests need, each only when it is missing.
//!
//! Every check prints an `ok:` line when the tool is already there, so a second run installs
//! nothing and says so.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::cmd::{self, ok, step};
use crate::{Context, Error, Result};

/// The Rust target the core and the web crate are compiled to for the browser.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The binaryen release whose `wasm-opt` handles what current Rust emits.
const BINARYEN: &str = "binaryen@132";

/// The wasm features rustc's output uses, which wasm-opt must be told about.
pub const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The command a non-root user must run to get Chromium and its WebDriver.
const APT_CHROMIUM: &str =
    "sudo apt-get update && sudo apt-get install -y chromium chromium-driver";

/// Makes sure the standard library for [`WASM_TARGET`] is installed.
pub fn ensure_wasm_target() -> Result<()> {
    let sysroot = cmd::output(Command::new("rustc").args(["--print", "sysroot"]))?;
    let lib = PathBuf::from(sysroot.trim())
        .join("lib/rustlib")
        .join(WASM_TARGET);
    if lib.is_dir() {
        ok(&format!("rust target {WASM_TARGET}"));
        return Ok(());
    }
    if cmd::which("rustup").is_none() {
        return Err(Error::msg(format!(
            "the rust target {WASM_TARGET} is missing and rustup is not on PATH; \
             install the target for your toolchain"
        )));
    }
    cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The exact `wasm-bindgen` version the workspace pins (`wasm-bindgen = "=X"` in Cargo.toml).
///
/// The CLI must match the crate exactly, so the version is read from the one place it is set.
pub fn pinned_wasm_bindgen_version() -> Result<String> {
    let manifest = cmd::workspace_root().join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).context(|| format!("reading {}", manifest.display()))?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("wasm-bindgen"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .filter_map(|rest| rest.trim().strip_prefix("\"="))
        .find_map(|rest| rest.split('"').next().map(str::to_string))
        .ok_or_else(|| {
            Error::msg(format!(
                "no `wasm-bindgen = \"=X.Y.Z\"` pin found in {}",
                manifest.display()
            ))
        })
}

/// The version `wasm-bindgen --version` reports, if the CLI is on `PATH` and runs.
fn installed_wasm_bindgen() -> Option<String> {
    let out = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // Prints e.g. "wasm-bindgen 0.2.130".
    text.split_whitespace().nth(1).map(str::to_string)
}

/// Makes sure `wasm-bindgen` and `wasm-bindgen-test-runner` of the pinned version are installed.
pub fn ensure_wasm_bindgen() -> Result<()> {
    let want = pinned_wasm_bindgen_version()?;
    let have = installed_wasm_bindgen();
    if have.as_deref() == Some(want.as_str()) && cmd::which("wasm-bindgen-test-runner").is_some() {
        ok(&format!("wasm-bindgen-cli {want}"));
        return Ok(());
    }
    match &have {
        Some(v) => step(&format!(
            "wasm-bindgen {v} found, {want} needed: installing"
        )),
        None => step(&format!(
            "wasm-bindgen {want} not found: installing (about 2 minutes)"
        )),
    }
    // No `--locked`: the CLI's lock file names a crate version that is no longer on crates.io.
    cmd::run(cmd::cargo().args(["install", "wasm-bindgen-cli", "--version", &want]))?;
    match installed_wasm_bindgen() {
        Some(v) if v == want => Ok(()),
        got => Err(Error::msg(format!(
            "installed wasm-bindgen-cli {want}, but `wasm-bindgen --version` gives {}; \
             is cargo's bin directory (usually ~/.cargo/bin) on PATH?",
            got.unwrap_or_else(|| "nothing".into())
        ))),
    }
}

/// Where Chromium's WebDriver is, once [`ensure_chromium`] has run.
pub struct Chromium {
    /// Path of the browser, for the playground's end-to-end tests.
    pub browser: PathBuf,
    /// Path of the `chromedriver` binary, for the `CHROMEDRIVER` variable of the test runner.
    pub driver: PathBuf,
}

/// Looks for the Chromium browser and its WebDriver on `PATH`.
fn find_chromium() -> (Option<PathBuf>, Option<PathBuf>) {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| cmd::which(name));
    let driver = cmd::which("chromedriver");
    (browser, driver)
}

/// Makes sure headless Chromium and chromedriver are installed (Debian packages, as root).
pub fn ensure_chromium() -> Result<Chromium> {
    let (browser, driver) = find_chromium();
    if let (Some(browser), Some(driver)) = (&browser, &driver) {
        let version = cmd::output(Command::new(driver).arg("--version"))
            .map(|v| v.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "chromedriver".into());
        ok(&format!("{} and {version}", browser.display()));
        return Ok(Chromium {
            browser: browser.clone(),
            driver: driver.clone(),
        });
    }
    let missing = match (browser, driver) {
        (None, None) => "Chromium and chromedriver are",
        (None, Some(_)) => "Chromium is",
        _ => "chromedriver is",
    };
    if !is_root() {
        return Err(Error::msg(format!(
            "{missing} missing (needed for the wasm tests in a browser); run:\n    {APT_CHROMIUM}"
        )));
    }
    if cmd::which("apt-get").is_none() {
        return Err(Error::msg(format!(
            "{missing} missing and apt-get is not available; install Chromium and a matching \
             chromedriver and put both on PATH"
        )));
    }
    step(&format!(
        "{missing} missing: installing the Debian packages"
    ));
    // Wait for a dpkg lock held by another apt run instead of failing at once.
    let lock = "DPkg::Lock::Timeout=600";
    cmd::run(Command::new("apt-get").args(["-o", lock, "update"]))?;
    cmd::run(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["-o", lock, "install", "-y", "chromium", "chromium-driver"]),
    )?;
    match find_chromium() {
        (Some(browser), Some(driver)) => Ok(Chromium { browser, driver }),
        _ => Err(Error::msg(
            "installed chromium and chromium-driver, but `chromium` or `chromedriver` is \
             still not on PATH",
        )),
    }
}

/// True when this process runs as root (uid 0), read from `/proc` or `id -u`.
fn is_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("Uid:")) {
            return line.split_whitespace().nth(1) == Some("0");
        }
    }
    cmd::output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

/// Where npm tools used by the build and tests are installed once.
pub fn tools_dir() -> PathBuf {
    cmd::target_dir().join("npm-tools")
}

/// Installs `spec` (e.g. `typescript@5`) under [`tools_dir`] unless `bin` is there already.
pub fn ensure_npm_tool(spec: &str, bin: &str) -> Result<PathBuf> {
    let dir = tools_dir();
    let exe = dir.join("node_modules").join(".bin").join(bin);
    if exe.is_file() {
        ok(&format!(
            "{spec} installed in {}",
            crate::site::relative(&dir).display()
        ));
        return Ok(exe);
    }
    if cmd::which("npm").is_none() {
        return Err(Error::msg(format!(
            "npm is needed to install {spec} (the wasm build and the tests use npm tools); \
             install Node.js (Debian: apt-get install -y nodejs npm)"
        )));
    }
    fs::create_dir_all(&dir).context(|| format!("creating {}", dir.display()))?;
    cmd::run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(crate::site::relative(&dir))
            .arg(spec),
    )?;
    if exe.is_file() {
        Ok(exe)
    } else {
        Err(Error::msg(format!(
            "{spec} did not install {}",
            exe.display()
        )))
    }
}

/// Makes sure binaryen's `wasm-opt` is installed (see [`ensure_npm_tool`]) and returns its
/// path.
pub fn ensure_wasm_opt() -> Result<PathBuf> {
    ensure_npm_tool(BINARYEN, "wasm-opt")
}
