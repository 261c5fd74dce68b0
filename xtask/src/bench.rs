//! `cargo xtask bench`: performance figures for placement and rollouts on a large cluster
//! (not a test).
//!
//! Times the whole `dsim place` process on 20 DaemonSets and a 5,000-node dump, and a whole
//! `dsim rollout` of one of them (maxUnavailable 10%) to its end with its peak memory,
//! against js-yaml merely parsing the same dump in Node.js, and runs the core's in-process
//! benchmark when it exists. A missing or failing `dsim` is reported and the js-yaml half still runs.
//! It also checks the npm package's wasm modules against their gzipped size budgets and
//! shows which crates take their space, and times the playground in headless Chromium
//! (first render, the 5,000-node dump from file to verdicts).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cmd::{self, ok, step, warn};
use crate::gen::{self, BenchInputs};
use crate::site::{self, relative, WEB_WASM_STEM};
use crate::{tools, wasm_size};
use crate::{Error, Result};

/// The wanted ratio of dsim's time to js-yaml's (at most).
const TARGET_RATIO: f64 = 0.5;

/// Generates the inputs, then times dsim and js-yaml `runs` times each after one warm-up.
pub fn run(nodes: usize, runs: usize) -> Result<()> {
    let dir = cmd::target_dir().join("bench");
    let inputs = gen::write_bench_inputs(&dir, nodes)?;

    let dsim = time_dsim(&inputs, runs);
    if let Err(err) = &dsim {
        warn(&format!("dsim: {err}"));
    }
    let rollout = time_rollout(&inputs, runs);
    if let Err(err) = &rollout {
        warn(&format!("dsim rollout: {err}"));
    }
    let rss = peak_rss_rollout(&inputs);
    let js = time_js_yaml(&dir, &inputs.nodes, runs)?;

    println!();
    step("summary");
    if let Ok(d) = &dsim {
        println!("    dsim place (whole process):   {}", d.summary());
    }
    println!("    js-yaml load (whole process): {}", js.summary());
    if let Ok(d) = &dsim {
        let ratio = d.median().as_secs_f64() / js.median().as_secs_f64();
        let verdict = if ratio <= TARGET_RATIO {
            "met"
        } else {
            "NOT met"
        };
        println!(
            "    ratio dsim/js-yaml (medians): {ratio:.2}, target <= {TARGET_RATIO}: {verdict}"
        );
    } else {
        println!("    ratio dsim/js-yaml: unavailable (dsim did not run)");
    }
    if let Ok(r) = &rollout {
        println!("    dsim rollout (whole process): {}", r.summary());
        let ratio = r.median().as_secs_f64() / js.median().as_secs_f64();
        let verdict = if ratio <= ROLLOUT_TARGET_RATIO {
            "met"
        } else {
            "NOT met"
        };
        println!(
            "    ratio rollout/js-yaml (medians): {ratio:.2}, target <= {ROLLOUT_TARGET_RATIO}: {verdict}"
        );
    }
    match &rss {
        Ok(kb) => println!("    dsim rollout peak RSS: {:.0} MiB", *kb as f64 / 1024.0),
        Err(err) => println!("    dsim rollout peak RSS: unavailable ({err})"),
    }

    if let Err(err) = npm_place(&dir, &inputs, runs) {
        warn(&format!("npm place(): {err}"));
    }

    wasm_size_budgets();

    if let Err(err) = playground_timings(&inputs, runs) {
        warn(&format!("playground timings: {err}"));
    }

    run_core_bench(&dir)
}

/// The playground's timing budgets in headless Chromium (`tests/bench/playground.mjs`):
/// the first render from a local server, the 5,000-node dump from file to verdicts, and a
/// reload with it.
fn playground_timings(inputs: &BenchInputs, runs: usize) -> Result<()> {
    println!();
    step("the playground in headless Chromium: first render and the 5,000-node dump");
    let chromium = tools::ensure_chromium()?;
    tools::ensure_npm_tool("playwright-core@1", "playwright-core")?;
    site::build()?;
    let playwright = tools::tools_dir()
        .join("node_modules")
        .join("playwright-core");
    let script = cmd::workspace_root().join("tests/bench/playground.mjs");
    cmd::run(
        Command::new("node")
            .env("DSIM_SITE", site::site_dir())
            .env("DSIM_NODES_5000", &inputs.nodes)
            .env("DSIM_CHROMIUM", &chromium.browser)
            .env("DSIM_PLAYWRIGHT", playwright)
            .env("DSIM_RUNS", runs.to_string())
            .arg(relative(&script)),
    )
}

/// The npm package's wasm module at most, gzipped, in bytes (200 KB).
const NPM_WASM_BUDGET: u64 = 200_000;

/// The playground's wasm module at most, gzipped, in bytes (400 KB).
const PLAYGROUND_WASM_BUDGET: u64 = 400_000;

/// The two shipped wasm modules of the npm package (built by [`npm_place`]) against their
/// gzipped budgets, then what takes the space in each, from copies built with names into
/// `target/size`. Only warns when something is missing or fails.
fn wasm_size_budgets() {
    println!();
    step("wasm size budgets");
    let package = cmd::target_dir().join("npm").join("package");
    let wasm = format!("{WEB_WASM_STEM}_bg.wasm");
    let modules = [
        ("npm module", package.join(&wasm), NPM_WASM_BUDGET, false),
        (
            "playground module, first load (what a user's first moments run)",
            package.join("playground").join(&wasm),
            PLAYGROUND_WASM_BUDGET,
            true,
        ),
    ];
    for (label, path, budget, _) in &modules {
        if let Err(err) = print_budget(label, path, Some(*budget)) {
            warn(&format!("{label}: {err}"));
        }
    }
    // The rest of the playground's module is fetched after the first render.
    let label = "playground module, the rest (fetched after the first render)";
    match site::rest_wasm_in(&package.join("playground")) {
        Some(rest) => {
            if let Err(err) = print_budget(label, &rest, None) {
                warn(&format!("{label}: {err}"));
            }
        }
        None => warn(&format!("{label}: not found (the module was not split)")),
    }
    // The kubectl module has no budget of its own: the playground loads it when its
    // terminal is first used, and `daemonset-sim/kubectl` runs on it.
    let label = "kubectl module (the terminal's, loaded on first use)";
    let kubectl = package.join(site::KUBECTL_DIR).join(&wasm);
    if let Err(err) = print_budget(label, &kubectl, None) {
        warn(&format!("{label}: {err}"));
    }
    for (label, _, _, playground) in &modules {
        // The report reads the module as cargo builds it, before the split.
        let label = if *playground {
            "playground module (both parts together)"
        } else {
            label
        };
        println!();
        step(&format!("what takes the space in the {label}"));
        let named =
            wasm_size::build_named(*playground).and_then(|named| wasm_size::report(label, &named));
        if let Err(err) = named {
            warn(&format!("{label}: {err}"));
        }
    }
}

/// Prints the raw and gzipped sizes of the module at `path` and, with a `budget` in bytes,
/// whether the gzipped size is within it.
fn print_budget(label: &str, path: &Path, budget: Option<u64>) -> Result<()> {
    let data = std::fs::read(path)
        .map_err(|e| Error::msg(format!("reading {}: {e}", relative(path).display())))?;
    let raw = u64::try_from(data.len()).unwrap_or(u64::MAX);
    let gzipped = site::gzip_len(&data)?;
    println!("    {label}: {}", relative(path).display());
    let verdict = budget.map(|budget| {
        let met = if gzipped <= budget { "met" } else { "NOT met" };
        format!(", budget <= {} KB gzipped: {met}", budget / 1000)
    });
    println!(
        "      {}, gzipped {}{}",
        cmd::bytes(raw),
        cmd::bytes(gzipped),
        verdict.unwrap_or_default()
    );
    Ok(())
}

/// The npm package's `place()` on the same dump inside Node.js, against js-yaml parsing
/// it in the same process (the package's budget: at most js-yaml's time).
fn npm_place(dir: &Path, inputs: &BenchInputs, runs: usize) -> Result<()> {
    println!();
    step("npm package: place() in Node.js against js-yaml in the same process");
    let tgz = crate::npm::build()?;
    let package = tgz.with_file_name("package").join("index.js");
    let js_yaml = dir.join("js/node_modules/js-yaml/index.js");
    let script = format!(
        r#"import {{ readFileSync }} from "node:fs";
import {{ createRequire }} from "node:module";
import {{ init, place }} from {package:?};
const jsyaml = createRequire(import.meta.url)({js_yaml:?});
const nodes = readFileSync({nodes:?}, "utf8");
const text = readFileSync({daemonsets:?}, "utf8") + "\n---\n" + nodes;
await init();
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const time = (f) => {{ const t = performance.now(); f(); return performance.now() - t; }};
const runs = {runs};
time(() => jsyaml.load(nodes));
time(() => place(text));
const js = [], wasm = [];
for (let i = 0; i < runs; i++) {{
  js.push(time(() => jsyaml.load(nodes)));
  wasm.push(time(() => place(text)));
}}
const report = place(text);
console.log(`    place(): ${{report.daemonSets.length}} DaemonSets over ${{report.daemonSets[0].nodes.length}} nodes`);
console.log(`    js-yaml load (in process): median ${{median(js).toFixed(0)}} ms (${{runs}} runs)`);
console.log(`    place() (in process):      median ${{median(wasm).toFixed(0)}} ms (${{runs}} runs)`);
const ratio = median(wasm) / median(js);
console.log(`    ratio place()/js-yaml: ${{ratio.toFixed(2)}}, target <= 1: ${{ratio <= 1 ? "met" : "NOT met"}}`);
"#,
        package = package.display().to_string(),
        js_yaml = js_yaml.display().to_string(),
        nodes = inputs.nodes.display().to_string(),
        daemonsets = inputs.daemonsets.display().to_string(),
    );
    let file = dir.join("npm-place.mjs");
    std::fs::write(&file, script)
        .map_err(|e| Error::msg(format!("writing {}: {e}", file.display())))?;
    cmd::run(
        Command::new("node")
            .arg("--max-old-space-size=4096")
            .arg(relative(&file)),
    )
}

/// The wanted ratio of a whole `dsim rollout` to js-yaml's parse of the same dump.
const ROLLOUT_TARGET_RATIO: f64 = 1.0;

/// The DaemonSet of the rollout benchmark (maxUnavailable 10%) and its update.
const ROLLOUT_ARGS: [&str; 5] = [
    "--daemonset",
    "kube-system/kube-proxy",
    "--set-image",
    "kube-proxy=602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.34.0-minimal-eksbuild.1",
    "-o",
];

/// The release `dsim` (built by [`time_dsim`]).
fn dsim_exe() -> PathBuf {
    cmd::target_dir()
        .join("release")
        .join(format!("dsim{}", std::env::consts::EXE_SUFFIX))
}

/// A `dsim rollout` of kube-proxy (maxUnavailable 10%) over every node, to the end.
fn rollout_command(inputs: &BenchInputs, exe: &Path) -> Command {
    let mut c = Command::new(relative(exe));
    c.arg("rollout")
        .arg(relative(&inputs.daemonsets))
        .arg(relative(&inputs.nodes))
        .args(ROLLOUT_ARGS)
        .arg("json");
    c
}

/// Times the whole `dsim rollout` process.
fn time_rollout(inputs: &BenchInputs, runs: usize) -> Result<Timings> {
    let exe = dsim_exe();
    if !exe.is_file() {
        return Err(Error::msg("dsim was not built"));
    }
    time_runs("dsim rollout", runs, &|| rollout_command(inputs, &exe))
}

/// The peak resident memory of one `dsim rollout`, in KiB, measured by `/usr/bin/time`.
fn peak_rss_rollout(inputs: &BenchInputs) -> Result<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.is_file() {
        return Err(Error::msg(
            "/usr/bin/time is not installed (Debian: apt-get install -y time)",
        ));
    }
    let inner = rollout_command(inputs, &dsim_exe());
    let mut c = Command::new(time);
    c.args(["-f", "%M"])
        .arg(inner.get_program())
        .args(inner.get_args());
    let out = c
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::msg(format!("could not run /usr/bin/time: {e}")))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| Error::msg(format!("unexpected /usr/bin/time output: {stderr}")))
}

/// Wall-clock times of repeated runs of one command.
struct Timings {
    /// One duration per timed run.
    runs: Vec<Duration>,
}

impl Timings {
    /// The fastest run.
    fn min(&self) -> Duration {
        self.runs.iter().copied().min().unwrap_or_default()
    }

    /// The median run (the lower middle one for an even count).
    fn median(&self) -> Duration {
        let mut sorted = self.runs.clone();
        sorted.sort();
        sorted
            .get(sorted.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or_default()
    }

    /// `min X ms, median Y ms (N runs)`.
    fn summary(&self) -> String {
        format!(
            "min {:.0} ms, median {:.0} ms ({} runs)",
            ms(self.min()),
            ms(self.median()),
            self.runs.len()
        )
    }
}

/// A duration in milliseconds.
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `make()` once to warm up, then `runs` times, timing each whole process.
fn time_runs(label: &str, runs: usize, make: &dyn Fn() -> Command) -> Result<Timings> {
    step(&format!("time {label}: 1 warm-up + {runs} runs"));
    println!("    {}", cmd::display(&make()));
    let mut times = Vec::with_capacity(runs);
    for i in 0..=runs {
        let mut command = make();
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let out = command
            .output()
            .map_err(|err| Error::msg(format!("could not start {label}: {err}")))?;
        let elapsed = started.elapsed();
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first: String = stderr.lines().take(20).collect::<Vec<_>>().join("\n    ");
            return Err(Error::msg(format!(
                "{label} failed ({}):\n    {first}",
                out.status
            )));
        }
        if i == 0 {
            println!("    warm-up: {:.0} ms", ms(elapsed));
        } else {
            println!("    run {i}: {:.0} ms", ms(elapsed));
        }
        if i > 0 {
            times.push(elapsed);
        }
    }
    Ok(Timings { runs: times })
}

/// Builds `dsim` (release profile) and times `dsim place DAEMONSETS NODES -o json`.
fn time_dsim(inputs: &BenchInputs, runs: usize) -> Result<Timings> {
    cmd::run(cmd::cargo().args(["build", "--release", "-p", "daemonset-sim", "--bin", "dsim"]))?;
    let exe = cmd::target_dir()
        .join("release")
        .join(format!("dsim{}", std::env::consts::EXE_SUFFIX));
    let (daemonsets, nodes) = (relative(&inputs.daemonsets), relative(&inputs.nodes));
    time_runs("dsim place", runs, &|| {
        let mut c = Command::new(relative(&exe));
        c.arg("place")
            .arg(&daemonsets)
            .arg(&nodes)
            .args(["-o", "json"]);
        c
    })
}

/// Installs js-yaml 4 under `dir/js` once, then times Node.js loading the node dump with it.
fn time_js_yaml(dir: &Path, nodes: &Path, runs: usize) -> Result<Timings> {
    if cmd::which("node").is_none() || cmd::which("npm").is_none() {
        return Err(Error::msg(
            "node and npm are needed for the js-yaml comparison; install Node.js \
             (Debian: apt-get install -y nodejs npm)",
        ));
    }
    let js = dir.join("js");
    if js.join("node_modules/js-yaml/package.json").is_file() {
        ok("js-yaml installed in target/bench/js");
    } else {
        cmd::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(relative(&js))
                .arg("js-yaml@4"),
        )?;
    }
    let nodes: PathBuf = nodes.to_path_buf();
    // Check once that the dump is what it should be, outside the timed runs.
    let check = format!(
        "const d=require(\"js-yaml\").load(require(\"fs\").readFileSync({:?},\"utf8\"));\
         if(d.kind!==\"List\"||!Array.isArray(d.items))throw new Error(\"not a List\");\
         console.log(d.items.length+\" items, first \"+d.items[0].metadata.name)",
        nodes.display().to_string()
    );
    let counted = cmd::output(Command::new("node").current_dir(&js).args(["-e", &check]))?;
    ok(&format!("js-yaml reads the dump: {}", counted.trim()));
    let script = format!(
        "require(\"js-yaml\").load(require(\"fs\").readFileSync({:?},\"utf8\"))",
        nodes.display().to_string()
    );
    time_runs("js-yaml load", runs, &|| {
        let mut c = Command::new("node");
        c.current_dir(&js).args(["-e", &script]);
        c
    })
}

/// Runs the core's `place` benchmark with `DSIM_BENCH_DIR` when `core/benches/place.rs` exists.
fn run_core_bench(dir: &Path) -> Result<()> {
    if !cmd::workspace_root()
        .join("core/benches/place.rs")
        .is_file()
    {
        println!();
        warn("core/benches/place.rs does not exist yet: skipping the in-process benchmark");
        return Ok(());
    }
    println!();
    cmd::run(cmd::cargo().env("DSIM_BENCH_DIR", dir).args([
        "bench",
        "-p",
        "daemonset-sim",
        "--bench",
        "place",
    ]))
}
