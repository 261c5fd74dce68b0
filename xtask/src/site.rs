//! Building the web page: the web crate compiled to wasm, bound with `wasm-bindgen`, plus `www/`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::cmd::{self, step};
use crate::tools::{self, WASM_TARGET};
use crate::{first_render, wasm_order, wasm_split};
use crate::{Context, Result};

/// The web crate's package name.
pub const WEB_CRATE: &str = "daemonset-sim-web";

/// The file stem cargo gives the web crate's wasm output (and wasm-bindgen its JS glue).
pub const WEB_WASM_STEM: &str = "daemonset_sim_web";

/// The directory the page is assembled in and served from.
pub fn site_dir() -> PathBuf {
    cmd::target_dir().join("site")
}

/// Compiles the web crate to wasm (the size-optimised `wasm-release` profile) and writes the
/// JS bindings into `target/site/pkg`, and the kubectl module the terminal loads on first
/// use into `target/site/pkg/kubectl`.
pub fn build_wasm() -> Result<()> {
    let pkg = site_dir().join("pkg");
    build_wasm_into(&pkg, &["playground"])?;
    build_wasm_into(&pkg.join(KUBECTL_DIR), &["kubectl"])?;
    write_file_list(&pkg)
}

/// The list of the page's module files the service worker keeps for offline use, in `pkg/`.
pub const FILE_LIST: &str = "files.json";

/// Writes [`FILE_LIST`] into `pkg`: the paths of the files under it (relative, `/`
/// separated, sorted), but for the TypeScript declarations, which the page does not load.
fn write_file_list(pkg: &Path) -> Result<()> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<()> {
        let entries = fs::read_dir(dir).context(|| format!("reading {}", dir.display()))?;
        for entry in entries {
            let entry = entry.context(|| format!("reading {}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &format!("{prefix}{name}/"), out)?;
            } else if !name.ends_with(".d.ts") && name != FILE_LIST {
                out.push(format!("{prefix}{name}"));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(pkg, "", &mut files)?;
    files.sort();
    let quoted: Vec<String> = files.iter().map(|f| format!("{f:?}")).collect();
    let list = pkg.join(FILE_LIST);
    fs::write(&list, format!("[{}]\n", quoted.join(", ")))
        .context(|| format!("writing {}", list.display()))
}

/// The directory of the kubectl module, next to the playground's bindings (the site's
/// `pkg/kubectl/`) or in the npm package (`kubectl/`).
pub const KUBECTL_DIR: &str = "kubectl";

/// The cargo command that compiles the web crate to wasm (profile `wasm-release`) with
/// `features`, as shipped.
pub fn wasm_build(features: &[&str]) -> Command {
    let mut cargo = cmd::cargo();
    cargo.args([
        "build",
        "-p",
        WEB_CRATE,
        "--target",
        WASM_TARGET,
        "--profile",
        "wasm-release",
    ]);
    if !features.is_empty() {
        cargo.arg("--features").arg(features.join(","));
    }
    cargo.env("CARGO_ENCODED_RUSTFLAGS", rustflags_without_machine_paths());
    cargo
}

/// The Rust flags of the shipped wasm build: the user's (`CARGO_ENCODED_RUSTFLAGS` or
/// `RUSTFLAGS`), then each registry source directory under cargo's home remapped to
/// `crates`. The module names the files of its panic locations; without the remapping
/// those are paths of the machine that built it (`/home/USER/.cargo/registry/...`), and
/// two machines would build different modules.
fn rustflags_without_machine_paths() -> String {
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(encoded) => encoded
            .split('\x1f')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
        Err(_) => std::env::var("RUSTFLAGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    };
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(Ok(entries)) = home.map(|h| fs::read_dir(h.join("registry").join("src"))) {
        let mut registries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        registries.sort();
        for dir in registries {
            flags.push(format!("--remap-path-prefix={}=crates", dir.display()));
        }
    }
    flags.join("\x1f")
}

/// The module cargo writes for the web crate (the last features built), function names
/// included.
pub fn cargo_wasm() -> PathBuf {
    cmd::target_dir()
        .join(WASM_TARGET)
        .join("wasm-release")
        .join(format!("{WEB_WASM_STEM}.wasm"))
}

/// Compiles the web crate to wasm with `features` and writes the JS bindings (`--target
/// web`) into `pkg`.
pub fn build_wasm_into(pkg: &Path, features: &[&str]) -> Result<()> {
    cmd::run(&mut wasm_build(features))?;
    // wasm-bindgen adds to its output directory; snippets of an earlier build would stay.
    let snippets = pkg.join("snippets");
    if snippets.is_dir() {
        fs::remove_dir_all(&snippets).context(|| format!("removing {}", snippets.display()))?;
    }
    while let Some(rest) = rest_wasm_in(pkg) {
        fs::remove_file(&rest).context(|| format!("removing {}", rest.display()))?;
    }
    let wasm = cargo_wasm();
    cmd::run(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--out-dir"])
            .arg(relative(pkg))
            .arg(relative(&wasm)),
    )?;
    let shipped = pkg.join(format!("{WEB_WASM_STEM}_bg.wasm"));
    let mut modules = vec![shipped];
    if features.contains(&"playground") {
        modules.extend(split_first_render(pkg)?);
    }
    for module in &modules {
        wasm_order::finish(module)?;
        let data = fs::read(module).context(|| format!("reading {}", module.display()))?;
        let raw = u64::try_from(data.len()).unwrap_or(u64::MAX);
        let gzipped = gzip_len(&data)?;
        println!(
            "    {}: {}, gzipped {}",
            relative(module).display(),
            cmd::bytes(raw),
            cmd::bytes(gzipped)
        );
    }
    Ok(())
}

/// What the loader's script (a wasm-bindgen snippet, `web/src/playground/rest.rs`) names
/// the rest until the build writes the stamped name in.
const UNSTAMPED_REST: &str = "\"../../daemonset_sim_web_rest.wasm\"";

/// Writes the rest's file name `name` into the loader's script among the snippets in
/// `pkg`, as a literal a bundler can follow; fails unless exactly one script names it.
fn name_rest_in_loader(pkg: &Path, name: &str) -> Result<()> {
    let mut scripts = Vec::new();
    let snippets = pkg.join("snippets");
    let crates = fs::read_dir(&snippets).context(|| format!("reading {}", snippets.display()))?;
    for dir in crates.flatten().filter(|e| e.path().is_dir()) {
        let files =
            fs::read_dir(dir.path()).context(|| format!("reading {}", dir.path().display()))?;
        for file in files.flatten() {
            let text = fs::read_to_string(file.path()).unwrap_or_default();
            if text.contains(UNSTAMPED_REST) {
                scripts.push((file.path(), text));
            }
        }
    }
    let [(path, text)] = scripts.as_slice() else {
        return Err(crate::Error::msg(format!(
            "expected one script in {} that loads the rest ({UNSTAMPED_REST}), found {}",
            relative(&snippets).display(),
            scripts.len()
        )));
    };
    let stamped = text.replace(UNSTAMPED_REST, &format!("\"../../{name}\""));
    fs::write(path, stamped).context(|| format!("writing {}", path.display()))
}

/// How the file of the playground's functions the first part does not hold starts; then
/// come the split's stamp in hex and `.wasm` (`daemonset_sim_web_rest.0123abcd.wasm`),
/// next to the bindings. The page loads it after the first render
/// (`web/src/playground/rest.rs`).
pub const REST_WASM_PREFIX: &str = "daemonset_sim_web_rest.";

/// The rest of the playground's module in `pkg`, if there is one.
pub fn rest_wasm_in(pkg: &Path) -> Option<PathBuf> {
    fs::read_dir(pkg)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(REST_WASM_PREFIX) && n.ends_with(".wasm"))
        })
}

/// Whether a function (by its symbol's name) is drop code: a type's drop glue or its
/// `Drop::drop`. What a kept function drops stays with it, since which values a render
/// drops depends on timing the profile does not see.
fn drop_code(name: &str) -> bool {
    name.contains("drop_in_place") || name.contains(" as core::ops::drop::Drop>::drop")
}

/// Splits the playground's module in `pkg` in two (see `wasm_split`): the functions its
/// first render runs stay in the module the page loads, the rest go to the file [`REST_WASM_PREFIX`] names,
/// whose path it returns. Without Chromium, which finds what the first render runs, it
/// says so and leaves the module whole (it works the same, only the first load is larger).
fn split_first_render(pkg: &Path) -> Result<Option<PathBuf>> {
    let chromium = match tools::ensure_chromium() {
        Ok(chromium) => chromium,
        Err(err) => {
            cmd::warn(&format!(
                "the playground's module is not split in two, so the page loads all of it \
                 at once: {err}"
            ));
            return Ok(None);
        }
    };
    let shipped = pkg.join(format!("{WEB_WASM_STEM}_bg.wasm"));
    let wasm = fs::read(&shipped).context(|| format!("reading {}", shipped.display()))?;
    let ran = first_render::functions_run(&chromium.browser, &wasm, pkg)?;
    let parts = wasm_split::split(&wasm, &ran, &drop_code)?;
    println!(
        "    {} functions ran; {} stay in the module the page loads (those, and the drop \
         code they call), {} move to the part loaded after the first render ({} of them \
         reached from the first part through a stub)",
        ran.len(),
        parts.kept,
        parts.moved,
        parts.stubs
    );
    let rest_name = format!("{REST_WASM_PREFIX}{:08x}.wasm", parts.stamp);
    let rest = pkg.join(&rest_name);
    name_rest_in_loader(pkg, &rest_name)?;
    fs::write(&shipped, &parts.first).context(|| format!("writing {}", shipped.display()))?;
    fs::write(&rest, &parts.rest).context(|| format!("writing {}", rest.display()))?;
    Ok(Some(rest))
}

/// Copies the static files of `www/` into `target/site/`, next to `pkg/`.
pub fn copy_www() -> Result<()> {
    let from = cmd::workspace_root().join("www");
    let to = site_dir();
    step(&format!(
        "copy {}/ to {}/",
        relative(&from).display(),
        relative(&to).display()
    ));
    copy_dir(&from, &to)
}

/// Builds the whole page: [`build_wasm`] then [`copy_www`].
pub fn build() -> Result<()> {
    build_wasm()?;
    copy_www()
}

/// `cargo xtask dist`: the page as static files in `target/www/`, for any static server
/// (every path in it is relative, so it also works from a sub-path).
pub fn dist() -> Result<()> {
    build()?;
    let to = cmd::target_dir().join("www");
    if to.exists() {
        fs::remove_dir_all(&to).context(|| format!("removing {}", to.display()))?;
    }
    step(&format!("copy the page to {}/", relative(&to).display()));
    copy_dir(&site_dir(), &to)?;
    cmd::ok(&format!(
        "{}/ is ready: serve it with any static file server",
        relative(&to).display()
    ));
    Ok(())
}

/// Copies the files under `from` into `to`, recursively, creating directories as needed.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).context(|| format!("creating {}", to.display()))?;
    let entries = fs::read_dir(from).context(|| format!("reading {}", from.display()))?;
    for entry in entries {
        let entry = entry.context(|| format!("reading {}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).context(|| format!("copying {}", src.display()))?;
        }
    }
    Ok(())
}

/// The size of `data` compressed with gzip at the default level (what a server would send).
pub fn gzip_len(data: &[u8]) -> Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data)?;
    let compressed = encoder.finish()?;
    Ok(u64::try_from(compressed.len()).unwrap_or(u64::MAX))
}

/// `path` relative to the workspace root when it lies inside it, for shorter messages.
pub fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(cmd::workspace_root())
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
