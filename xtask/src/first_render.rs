//! Which functions of the playground's module a user's first moments run: the module,
//! instrumented by [`wasm_split::instrument`], is loaded by the real page (`www/`) in
//! headless Chromium, and a script added to the page reports the functions' flags after
//! the first render, a first update from the update box stepped through, and three more
//! first renders: a link that opens on a rollout with a fault, a DaemonSet with a syntax
//! error and one with an invalid field.

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::cmd::{self, step};
use crate::site::{self, relative};
use crate::wasm_split::{self, RAN_PREFIX};
use crate::{serve, Context, Error, Result};

/// Where the page reports the functions that ran.
const REPORT_PATH: &str = "/~first-render";

/// How long the page may take to render and report.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The script added to the page: waits for the first render (the element with
/// `data-desired`), then half a second more and until the page is quiet, for what it does
/// once it is up; starts an update and steps through it, and mounts three more
/// playgrounds (see the module's documentation), each time until the page is quiet again;
/// then posts the positions of the functions whose flag is set.
fn report_script() -> String {
    format!(
        r#"<script type="module">
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  const until = async (found) => {{
    const started = performance.now();
    while (!found() && performance.now() - started < 60000) await pause(20);
    return found();
  }};
  const report = (body) => fetch(".{REPORT_PATH}", {{ method: "POST", body }});
  const fail = (why) => report("error: " + why);
  // Until the page has not changed for 300 ms (at most 10 s): whatever the machine's speed,
  // what an action sets off has run.
  const settled = () => new Promise((done) => {{
    let quiet;
    const finish = () => {{ observer.disconnect(); clearTimeout(quiet); clearTimeout(limit); done(); }};
    const observer = new MutationObserver(() => {{ clearTimeout(quiet); quiet = setTimeout(finish, 300); }});
    observer.observe(document.body, {{ subtree: true, childList: true, attributes: true, characterData: true }});
    quiet = setTimeout(finish, 300);
    const limit = setTimeout(finish, 10000);
  }});
  if (!(await until(() => document.querySelector("[data-desired]")))) {{
    await fail("the page showed no verdicts within 60 s: " + document.getElementById("status")?.textContent);
    throw new Error("no first render");
  }}
  await pause(500);
  await settled();
  const bindings = await import("./pkg/{stem}.js");
  const wasm = await bindings.default();
  // The first thing most users do: start an update from the update box and step through it.
  const box = document.querySelector('input[aria-label="CONTAINER=IMAGE"]');
  const start = document.querySelector('[data-action="start-update"]');
  if (!box || !start) {{
    await fail("the page has no update box (CONTAINER=IMAGE) and start-update button");
    throw new Error("no update box");
  }}
  box.value = "fluentd=fluentd:v1.15";
  box.dispatchEvent(new Event("input", {{ bubbles: true }}));
  start.click();
  if (!(await until(() => document.querySelector("[data-rollout-outcome]")))) {{
    await fail("starting an update showed no rollout");
    throw new Error("no rollout");
  }}
  await settled();
  for (const action of ["step-forward", "step-forward", "step-forward", "step-back"]) {{
    document.querySelector(`[data-action="${{action}}"]`)?.click();
    await settled();
  }}
  for (const options of [
    {{ setImage: "fluentd=fluentd:v1.15", faults: ["5:drain:worker-2"], step: 2 }},
    {{ daemonSet: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: x\n" }},
    {{ daemonSet: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: x}}\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: c}}}}\n    spec:\n      tolerations: [{{operator: Sometimes}}]\n      containers: [{{name: c, image: i}}]\n" }},
  ]) {{
    const element = document.createElement("div");
    document.body.append(element);
    bindings.mountPlayground(element, JSON.stringify(options));
    await until(() => element.querySelector("[data-desired], .errors"));
    await settled();
  }}
  const ran = Object.keys(wasm).filter((k) => k.startsWith("{RAN_PREFIX}") && wasm[k].value === 1);
  await report(ran.map((k) => k.slice({skip})).join(","));
</script>
"#,
        stem = site::WEB_WASM_STEM,
        skip = RAN_PREFIX.len()
    )
}

/// The positions (among the defined functions) of the functions of `wasm` that the page
/// runs in `browser` (Chromium) in a user's first moments. `bindings` is wasm-bindgen's
/// output directory for `wasm` (its JavaScript).
pub fn functions_run(browser: &Path, wasm: &[u8], bindings: &Path) -> Result<BTreeSet<u32>> {
    let dir = cmd::target_dir().join("first-render");
    if dir.exists() {
        fs::remove_dir_all(&dir).context(|| format!("removing {}", dir.display()))?;
    }
    site::copy_dir(&cmd::workspace_root().join("www"), &dir)?;
    let pkg = dir.join("pkg");
    site::copy_dir(bindings, &pkg)?;
    let instrumented = wasm_split::instrument(wasm)?;
    let module = pkg.join(format!("{}_bg.wasm", site::WEB_WASM_STEM));
    fs::write(&module, instrumented).context(|| format!("writing {}", module.display()))?;
    let index = dir.join("index.html");
    let page = fs::read_to_string(&index).context(|| format!("reading {}", index.display()))?;
    let page = page.replacen("</body>", &format!("{}</body>", report_script()), 1);
    fs::write(&index, page).context(|| format!("writing {}", index.display()))?;

    let listener =
        TcpListener::bind(("127.0.0.1", 0)).context(|| "listening on 127.0.0.1".into())?;
    let address = listener.local_addr()?;
    let url = format!("http://{address}/");
    let root = dir
        .canonicalize()
        .context(|| format!("finding {}", dir.display()))?;
    let (report, reported) = mpsc::channel();
    let done = Arc::new(AtomicBool::new(false));
    let server = {
        let done = done.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if done.load(Ordering::SeqCst) {
                    break;
                }
                let (root, report) = (root.clone(), report.clone());
                thread::spawn(move || {
                    let _ = answer(stream, &root, &report);
                });
            }
        })
    };
    step(&format!(
        "run the page in {} in headless Chromium (first renders, a first update) to split \
         the module",
        relative(&dir).display()
    ));
    let profile = dir.join("chromium-profile");
    let mut chromium = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context(|| format!("starting {}", browser.display()))?;
    let body = reported.recv_timeout(TIMEOUT);
    let _ = chromium.kill();
    let _ = chromium.wait();
    // Stop the server: one more connection wakes its loop, which then sees `done`.
    done.store(true, Ordering::SeqCst);
    if TcpStream::connect(address).is_ok() {
        let _ = server.join();
    }
    let body: String = body.map_err(|_| {
        Error::msg(format!(
            "the page in {} did not report its first render within {} s",
            relative(&dir).display(),
            TIMEOUT.as_secs()
        ))
    })?;
    if let Some(why) = body.strip_prefix("error: ") {
        return Err(Error::msg(format!(
            "the page in {} could not be profiled: {why}",
            relative(&dir).display()
        )));
    }
    let ran = body
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| Error::msg(format!("bad report {s:?}")))
        })
        .collect::<Result<BTreeSet<u32>>>()?;
    if ran.is_empty() {
        return Err(Error::msg("the first render ran no function of the module"));
    }
    Ok(ran)
}

/// Answers one request: a POST to [`REPORT_PATH`] is the report, anything else a file.
fn answer(stream: TcpStream, root: &Path, report: &Sender<String>) -> Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let head = serve::read_head(&mut reader)?;
    let (method, target) = (head.method.as_str(), head.target.as_str());
    if method == "POST" && target == REPORT_PATH {
        let mut body = vec![0; head.content_length];
        reader.read_exact(&mut body)?;
        let _ = report.send(String::from_utf8_lossy(&body).into_owned());
        return serve::Response::text(200, "OK", "reported\n").write(stream, false);
    }
    serve::respond(stream, root, method, target).map(|_| ())
}
