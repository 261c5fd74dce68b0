//! `cargo xtask test`: every check the project has, in order, stopping at the first failure.
//!
//! To add a check, write a `fn(&mut Ctx) -> Result<()>` and add one line to [`STEPS`].
//! `cargo xtask test NAME...` runs only the named steps (after the tools step).

use std::path::PathBuf;
use std::time::Instant;

use crate::cmd::{self, step};
use crate::tools::{self, WASM_TARGET};
use crate::{npm, site, Context, Error, Result};

/// What the steps share: facts found by earlier steps.
#[derive(Default)]
pub struct Ctx {
    /// Path of chromedriver, set by the tools step.
    chromedriver: Option<PathBuf>,
    /// Path of the Chromium browser, set by the tools step.
    browser: Option<PathBuf>,
}

/// A check: its short name (for `cargo xtask test NAME`), what it does, and the code.
type Step = (&'static str, &'static str, fn(&mut Ctx) -> Result<()>);

/// The checks of `cargo xtask test`, in the order they run. One line per check.
pub const STEPS: &[Step] = &[
    ("tools", "install missing tools", ensure_tools),
    ("fmt", "formatting", fmt),
    ("clippy", "clippy, native", clippy_native),
    ("clippy-wasm", "clippy, wasm32", clippy_wasm),
    ("test", "native tests", test_native),
    (
        "test-wasm",
        "core and binding tests in headless Chromium",
        test_wasm_browser,
    ),
    ("web", "web build into target/site", web_build),
    (
        "npm",
        "npm package: pack, install, Node tests, tsc --strict",
        npm_package,
    ),
    (
        "playground",
        "the playground in headless Chromium",
        playground,
    ),
];

/// The arguments Chromium gets for the wasm tests (the runner adds `headless`,
/// `no-sandbox` and `disable-dev-shm-usage` itself; repeating them is harmless).
const CHROME_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
];

/// Runs the steps named in `only` (all of [`STEPS`] when empty), in [`STEPS`] order; the
/// first failure ends the run with its step's name.
///
/// The tools step always runs first: later steps need what it installs or finds.
pub fn run(only: &[String]) -> Result<()> {
    if let Some(unknown) = only.iter().find(|n| !STEPS.iter().any(|(id, ..)| id == n)) {
        let names: Vec<&str> = STEPS.iter().map(|(id, ..)| *id).collect();
        return Err(Error::msg(format!(
            "unknown step `{unknown}`; steps: {}",
            names.join(", ")
        )));
    }
    let chosen: Vec<&Step> = STEPS
        .iter()
        .filter(|(id, ..)| only.is_empty() || *id == "tools" || only.iter().any(|n| n == id))
        .collect();
    let started = Instant::now();
    let mut ctx = Ctx::default();
    for (i, (id, what, f)) in chosen.iter().enumerate() {
        println!();
        step(&format!("[{}/{}] {id}: {what}", i + 1, chosen.len()));
        f(&mut ctx).context(|| format!("step `{id}` ({what}) failed"))?;
    }
    println!();
    step(&format!(
        "all {} steps passed in {}",
        chosen.len(),
        cmd::seconds(started.elapsed())
    ));
    Ok(())
}

/// Installs what is missing: the wasm target, wasm-bindgen-cli, Chromium and chromedriver.
fn ensure_tools(ctx: &mut Ctx) -> Result<()> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen()?;
    let chromium = tools::ensure_chromium()?;
    ctx.chromedriver = Some(chromium.driver);
    ctx.browser = Some(chromium.browser);
    Ok(())
}

/// Checks the formatting of every crate.
fn fmt(_: &mut Ctx) -> Result<()> {
    cmd::run(cmd::cargo().args(["fmt", "--all", "--", "--check"]))
}

/// Lints every crate and target natively, warnings as errors.
fn clippy_native(_: &mut Ctx) -> Result<()> {
    cmd::run(cmd::cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// Lints the crates that ship as wasm, compiled for the wasm target (other `cfg`s, other code).
fn clippy_wasm(_: &mut Ctx) -> Result<()> {
    cmd::run(cmd::cargo().args([
        "clippy",
        "-p",
        "daemonset-sim",
        "-p",
        "daemonset-sim-text",
        "-p",
        "daemonset-sim-web",
        "--features",
        "daemonset-sim-web/playground,daemonset-sim-web/kubectl",
        "--target",
        WASM_TARGET,
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// Runs every native test of the workspace, and the bindings' with their `kubectl`
/// feature (the npm package's main module is built without it).
fn test_native(_: &mut Ctx) -> Result<()> {
    cmd::run(cmd::cargo().args(["test", "--workspace"]))?;
    cmd::run(cmd::cargo().args([
        "test",
        "-p",
        "daemonset-sim-web",
        "--features",
        "kubectl",
        "--lib",
    ]))
}

/// Runs the core's and the bindings' tests compiled to wasm in headless Chromium, via
/// wasm-bindgen-test-runner.
fn test_wasm_browser(ctx: &mut Ctx) -> Result<()> {
    let driver = ctx
        .chromedriver
        .clone()
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    let webdriver_json = write_webdriver_json()?;
    cmd::run(
        cmd::cargo()
            .env("CHROMEDRIVER", driver)
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", webdriver_json)
            .args([
                "test",
                "-p",
                "daemonset-sim",
                "-p",
                "daemonset-sim-web",
                "--target",
                WASM_TARGET,
            ]),
    )
}

/// Writes the WebDriver capabilities with [`CHROME_ARGS`] to `target/webdriver.json`.
///
/// wasm-bindgen-test-runner reads `webdriver.json` from the crate directory, or the file named
/// by `WASM_BINDGEN_TEST_WEBDRIVER_JSON`; the variable keeps this file out of the crates.
fn write_webdriver_json() -> Result<PathBuf> {
    let args: Vec<String> = CHROME_ARGS.iter().map(|a| format!("\"{a}\"")).collect();
    let json = format!(
        "{{\"goog:chromeOptions\": {{\"args\": [{}]}}}}\n",
        args.join(", ")
    );
    let dir = cmd::target_dir();
    std::fs::create_dir_all(&dir).context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("webdriver.json");
    std::fs::write(&path, json).context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// Builds the web page into `target/site` (wasm, bindings, static files).
fn web_build(_: &mut Ctx) -> Result<()> {
    site::build()
}

/// Runs `tests/playground/` with Node's test runner against the built page in headless
/// Chromium, driven by playwright-core (installed under `target/npm-tools`).
fn playground(ctx: &mut Ctx) -> Result<()> {
    let site = site::site_dir();
    if !site.join("pkg").is_dir() {
        site::build()?;
    }
    tools::ensure_npm_tool("playwright-core@1", "playwright-core")?;
    let playwright = tools::tools_dir()
        .join("node_modules")
        .join("playwright-core");
    let browser = ctx
        .browser
        .clone()
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let test = cmd::workspace_root().join("tests/playground/playground.test.mjs");
    let bench = cmd::target_dir().join("bench");
    let dump = bench.join(format!("nodes-{}.yaml", crate::gen::DEFAULT_NODES));
    if !dump.is_file() {
        crate::gen::write_bench_inputs(&bench, crate::gen::DEFAULT_NODES)?;
    }
    cmd::run(
        std::process::Command::new("node")
            .env("DSIM_SITE", &site)
            .env("DSIM_NODES_5000", &dump)
            .env(
                "DSIM_NPM_PACKAGE",
                cmd::target_dir().join("npm").join("package"),
            )
            .env("DSIM_CHROMIUM", browser)
            .env("DSIM_PLAYWRIGHT", playwright)
            .arg("--test")
            .arg(site::relative(&test)),
    )
}

fn npm_package(_: &mut Ctx) -> Result<()> {
    let tgz = npm::build()?;
    npm::test(&tgz)
}
