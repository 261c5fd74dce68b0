//! `cargo xtask npm`: the npm package `daemonset-sim` from the web crate: wasm-bindgen's
//! `--target web` output shrunk with `wasm-opt` (from the npm `binaryen` package), the
//! hand-written wrapper and types in `web/npm/`, a generated `package.json`, and
//! `npm pack` into `target/npm/daemonset-sim-VERSION.tgz`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{self, ok, step};
use crate::site::{self, relative};
use crate::tools;
use crate::{Context, Error, Result};

/// The package's hand-written files, copied from `web/npm/`.
const HAND_WRITTEN: [&str; 6] = [
    "index.js",
    "index.d.ts",
    "shared.js",
    "kubectl.js",
    "kubectl.d.ts",
    "README.md",
];

/// The package's built files (wasm-bindgen's output, the widget's directory, and the
/// kubectl module's, which `kubectl.js` and the widget's terminal load).
const BUILT: [&str; 6] = [
    "daemonset_sim_web.js",
    "daemonset_sim_web.d.ts",
    "daemonset_sim_web_bg.wasm",
    "daemonset_sim_web_bg.wasm.d.ts",
    "playground/",
    "kubectl/",
];

/// The files of the package, besides `package.json`.
fn files() -> impl Iterator<Item = &'static str> {
    HAND_WRITTEN.into_iter().chain(BUILT)
}

/// The version of the workspace (the package's version).
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Builds the package and returns the path of the packed tarball.
pub fn build() -> Result<PathBuf> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen()?;
    let root = cmd::target_dir().join("npm");
    let pkg = root.join("package");
    if pkg.exists() {
        fs::remove_dir_all(&pkg).context(|| format!("removing {}", pkg.display()))?;
    }
    fs::create_dir_all(&pkg).context(|| format!("creating {}", pkg.display()))?;
    step("build the wasm module and its bindings");
    site::build_wasm_into(&pkg, &[])?;
    step("build the kubectl module (the `kubectl` feature) into kubectl/");
    site::build_wasm_into(&pkg.join(site::KUBECTL_DIR), &["kubectl"])?;
    step("build the playground widget (the `playground` feature) into playground/");
    let widget = pkg.join("playground");
    site::build_wasm_into(&widget, &["playground"])?;
    let repo = cmd::workspace_root();
    for (from, to) in [
        ("web/npm/playground.js", "index.js"),
        ("web/npm/playground.d.ts", "index.d.ts"),
        ("web/npm/playground-example.html", "example.html"),
        ("www/playground.css", "style.css"),
    ] {
        fs::copy(repo.join(from), widget.join(to)).context(|| format!("copying {from}"))?;
    }
    let sources = cmd::workspace_root().join("web").join("npm");
    for file in HAND_WRITTEN {
        fs::copy(sources.join(file), pkg.join(file))
            .context(|| format!("copying web/npm/{file}"))?;
    }
    fs::write(pkg.join("package.json"), package_json())
        .context(|| "writing package.json".to_owned())?;
    for file in files() {
        if !pkg.join(file).exists() {
            return Err(Error::msg(format!("the package lacks {file}")));
        }
    }
    step("npm pack");
    cmd::run(
        Command::new("npm")
            .current_dir(&pkg)
            .args(["pack", "--pack-destination", ".."]),
    )?;
    let tgz = root.join(format!("daemonset-sim-{}.tgz", version()));
    if !tgz.is_file() {
        return Err(Error::msg(format!(
            "npm pack did not write {}",
            tgz.display()
        )));
    }
    ok(&format!(
        "{} ({})",
        relative(&tgz).display(),
        cmd::bytes(size(&tgz)?.0)
    ));
    Ok(tgz)
}

/// The size of a file and its gzipped size.
fn size(path: &Path) -> Result<(u64, u64)> {
    let data = fs::read(path).context(|| format!("reading {}", path.display()))?;
    Ok((
        u64::try_from(data.len()).unwrap_or(u64::MAX),
        site::gzip_len(&data)?,
    ))
}

/// The package manifest.
fn package_json() -> String {
    let files: Vec<String> = files().map(|f| format!("    \"{f}\"")).collect();
    format!(
        r#"{{
  "name": "daemonset-sim",
  "version": "{version}",
  "description": "A faithful simulator of the Kubernetes DaemonSet controller: placement, rolling updates, and why, in WebAssembly.",
  "license": "{license}",
  "repository": {{
    "type": "git",
    "url": "git+{repository}.git"
  }},
  "homepage": "{repository}#readme",
  "keywords": ["kubernetes", "daemonset", "simulator", "rollout", "wasm"],
  "type": "module",
  "main": "./index.js",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{
      "types": "./index.d.ts",
      "import": "./index.js",
      "default": "./index.js"
    }},
    "./playground": {{
      "types": "./playground/index.d.ts",
      "import": "./playground/index.js",
      "default": "./playground/index.js"
    }},
    "./kubectl": {{
      "types": "./kubectl.d.ts",
      "import": "./kubectl.js",
      "default": "./kubectl.js"
    }},
    "./playground/style.css": "./playground/style.css",
    "./daemonset_sim_web_bg.wasm": "./daemonset_sim_web_bg.wasm",
    "./package.json": "./package.json"
  }},
  "files": [
{files}
  ],
  "sideEffects": false,
  "engines": {{
    "node": ">=18"
  }}
}}
"#,
        version = version(),
        license = env!("CARGO_PKG_LICENSE"),
        repository = env!("CARGO_PKG_REPOSITORY"),
        files = files.join(",\n"),
    )
}

/// Installs the packed tarball into a fresh project under `target/npm-test` as a user
/// would, copies `tests/npm/` there and runs it with Node's test runner (TypeScript
/// checks included).
pub fn test(tgz: &Path) -> Result<()> {
    let tsc = tools::ensure_npm_tool("typescript@5", "tsc")?;
    let project = cmd::target_dir().join("npm-test");
    if project.exists() {
        fs::remove_dir_all(&project).context(|| format!("removing {}", project.display()))?;
    }
    fs::create_dir_all(&project).context(|| format!("creating {}", project.display()))?;
    fs::write(
        project.join("package.json"),
        "{ \"name\": \"daemonset-sim-npm-test\", \"private\": true, \"type\": \"module\" }\n",
    )
    .context(|| "writing the test project's package.json".to_owned())?;
    step("install the tarball into a fresh project");
    let tgz = fs::canonicalize(tgz).context(|| format!("finding {}", tgz.display()))?;
    cmd::run(
        Command::new("npm")
            .current_dir(&project)
            .args(["install", "--no-audit", "--no-fund"])
            .arg(&tgz),
    )?;
    copy_tests(&cmd::workspace_root().join("tests").join("npm"), &project)?;
    let tsc = fs::canonicalize(&tsc).context(|| format!("finding {}", tsc.display()))?;
    cmd::run(
        Command::new("node")
            .current_dir(&project)
            .env("DSIM_TSC", tsc)
            .args(["--test", "package.test.mjs"]),
    )
}

fn copy_tests(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).context(|| format!("creating {}", to.display()))?;
    for entry in fs::read_dir(from).context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_tests(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).context(|| format!("copying {}", src.display()))?;
        }
    }
    Ok(())
}
