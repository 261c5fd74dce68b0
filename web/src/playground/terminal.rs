//! A kubectl terminal over the cluster in the editors: the guide's commands, answered in
//! kubectl's words by the emulator (`daemonset_sim::kubectl`), one session that lives
//! until the texts change. `apply -f daemonset.yaml` (and `cluster.yaml`) read the editors.
//!
//! The emulator is not in the playground's module: the page gives a loader
//! ([`super::mount_playground`]'s `kubectl`) for the module built with the `kubectl`
//! feature, and the first command loads it and starts a session there
//! (`KubectlSession.forCluster`) over the editors' texts and the node edits. Commands
//! typed while it loads wait for it, in order.

use super::analysis::{CLUSTER_FILE, DS_FILE};
use daemonset_sim::manifest::{Diagnostic, Manifests};
use js_sys::{Function, Promise, Reflect, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Commands offered as one-click examples (`NAME` becomes the DaemonSet's name).
const EXAMPLES: [&str; 7] = [
    "get ds -o wide",
    "describe daemonset NAME",
    "get pods -o wide",
    "get nodes",
    "set image daemonset/NAME CONTAINER=IMAGE",
    "rollout status daemonset/NAME",
    "rollout history daemonset/NAME",
];

/// The terminal's properties.
#[derive(Properties, Clone)]
pub struct TerminalProps {
    /// The cluster the verdicts come from: a new one (new texts or node edits) starts a new
    /// session.
    pub manifests: Rc<Manifests>,
    /// The DaemonSet editor's text the cluster was read from (`daemonset.yaml` for `apply -f`).
    pub daemon_set: Rc<str>,
    /// The cluster editor's text (`cluster.yaml`).
    pub cluster: Rc<str>,
    /// The node edits made in the page, as their commands, applied over the texts.
    pub edits: Rc<Vec<String>>,
    /// The DaemonSet's name, for the examples.
    pub name: AttrValue,
    /// Its first container and a newer image, for the `set image` example.
    pub set_image: AttrValue,
    /// A command line to run now, from outside the terminal (a lesson's command).
    pub request: Option<AttrValue>,
    /// Called once `request` has run, so that it runs only once.
    pub on_request_done: Callback<()>,
    /// Loads the kubectl module (see the module's comment); without it there is no kubectl.
    pub kubectl: Option<Function>,
}

impl PartialEq for TerminalProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.manifests, &other.manifests)
            && Rc::ptr_eq(&self.daemon_set, &other.daemon_set)
            && Rc::ptr_eq(&self.cluster, &other.cluster)
            && self.name == other.name
            && self.set_image == other.set_image
            && self.request == other.request
            && self.kubectl == other.kubectl
    }
}

/// The terminal.
#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    // The session, once asked for: a promise of the kubectl module's `KubectlSession`.
    let session = use_mut_ref(|| None::<Promise>);
    let transcript = use_mut_ref(String::new);
    // Counts new sessions, so that the output of a command from an older one is dropped.
    let generation = use_mut_ref(|| 0u64);
    // Commands asked for and not answered yet (the first waits for the module to load).
    let waiting = use_mut_ref(|| 0usize);
    let redraw = use_force_update();
    let line = use_state(String::new);
    {
        // A new cluster starts a new session.
        let session = session.clone();
        let transcript = transcript.clone();
        let generation = generation.clone();
        let redraw = redraw.clone();
        // The same cluster gives the same `Rc`, so its address identifies it.
        let cluster = Rc::as_ptr(&props.manifests) as usize;
        use_effect_with(cluster, move |_| {
            *session.borrow_mut() = None;
            *generation.borrow_mut() += 1;
            if !transcript.borrow().is_empty() {
                transcript.borrow_mut().clear();
                redraw.force_update();
            }
        });
    }
    let run = {
        let session = session.clone();
        let transcript = transcript.clone();
        let generation = generation.clone();
        let waiting = waiting.clone();
        let redraw = redraw.clone();
        let loader = props.kubectl.clone();
        let daemon_set = Rc::clone(&props.daemon_set);
        let cluster = Rc::clone(&props.cluster);
        let edits = Rc::clone(&props.edits);
        Callback::from(move |command: String| {
            let prompt = format!("$ kubectl {}\n", shown(&command));
            let Some(loader) = loader.as_ref() else {
                transcript
                    .borrow_mut()
                    .push_str(&format!("{prompt}kubectl is not available on this page\n"));
                redraw.force_update();
                return;
            };
            let promise = session
                .borrow_mut()
                .get_or_insert_with(|| start_session(loader, &daemon_set, &cluster, &edits))
                .clone();
            let files = files_for(&command, &daemon_set, &cluster);
            let asked_in = *generation.borrow();
            *waiting.borrow_mut() += 1;
            redraw.force_update();
            let (transcript, generation, waiting, redraw) = (
                transcript.clone(),
                generation.clone(),
                waiting.clone(),
                redraw.clone(),
            );
            spawn_local(async move {
                let reply = match JsFuture::from(promise).await {
                    Ok(session) => run_command(&session, &command, &files),
                    Err(e) => error_text(&e),
                };
                *waiting.borrow_mut() -= 1;
                if *generation.borrow() == asked_in {
                    let mut text = transcript.borrow_mut();
                    text.push_str(&prompt);
                    text.push_str(&reply);
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    drop(text);
                }
                redraw.force_update();
            });
        })
    };
    let section = use_node_ref();
    let output = use_node_ref();
    {
        // A command from a lesson runs once, and the terminal comes into view.
        let run = run.clone();
        let done = props.on_request_done.clone();
        let section = section.clone();
        use_effect_with(props.request.clone(), move |request| {
            if let Some(line) = request {
                run.emit(line.to_string());
                done.emit(());
                if let Some(element) = section.cast::<web_sys::Element>() {
                    element.scroll_into_view_with_bool(false);
                }
            }
        });
    }
    {
        // The newest output stays in view.
        let output = output.clone();
        use_effect_with(transcript.borrow().len(), move |_| {
            if let Some(pre) = output.cast::<web_sys::Element>() {
                pre.set_scroll_top(pre.scroll_height());
            }
        });
    }
    let on_input = {
        let line = line.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            line.set(input.value());
        })
    };
    let on_submit = {
        let line = line.clone();
        let run = run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !line.trim().is_empty() {
                run.emit((*line).clone());
                line.set(String::new());
            }
        })
    };
    let examples = EXAMPLES.iter().map(|example| {
        let command = example
            .replace("CONTAINER=IMAGE", &props.set_image)
            .replace("NAME", &props.name);
        let run = run.clone();
        let shown = command.clone();
        html! {
            <button type="button" class="small" onclick={Callback::from(move |_: MouseEvent| run.emit(command.clone()))}>{ shown }</button>
        }
    });
    html! {
        <section class="terminal" ref={section}>
            <h2>{ "kubectl" }</h2>
            <p class="hint">{ "The commands of the study guide, answered as kubectl would on the cluster above (a session of its own, restarted when the text changes; " }<code>{ "apply -f daemonset.yaml" }</code>{ " reads the DaemonSet editor)." }</p>
            <p class="examples">{ for examples }</p>
            <pre class="transcript" ref={output} data-terminal="output" aria-live="polite">{ transcript.borrow().clone() }</pre>
            if *waiting.borrow() > 0 {
                <p class="hint" data-terminal="waiting">{ "Running… (the first command loads the kubectl emulator)" }</p>
            }
            <form onsubmit={on_submit}>
                <label for="terminal-input"><code>{ "$ kubectl" }</code></label>
                <input id="terminal-input" value={(*line).clone()} oninput={on_input} spellcheck="false" autocomplete="off" placeholder="get ds" aria-label="kubectl command" data-terminal="input" />
                <button type="submit" data-action="terminal-run">{ "Run" }</button>
            </form>
        </section>
    }
}

/// The command as the prompt line shows it, without a leading `kubectl`.
fn shown(command: &str) -> &str {
    command.trim().trim_start_matches("kubectl ").trim()
}

/// Loads the kubectl module with `loader` and starts a session there over the texts and
/// the node edits.
fn start_session(loader: &Function, daemon_set: &str, cluster: &str, edits: &[String]) -> Promise {
    let loaded = loader.call0(&JsValue::NULL);
    let daemon_set = Uint8Array::from(daemon_set.as_bytes());
    let cluster = Uint8Array::from(cluster.as_bytes());
    let edits = JsValue::from(serde_json::to_string(edits).unwrap_or_else(|_| "[]".to_owned()));
    future_to_promise(async move {
        let module = JsFuture::from(Promise::resolve(&loaded?)).await?;
        let class = Reflect::get(&module, &JsValue::from("KubectlSession"))?;
        let for_cluster: Function =
            Reflect::get(&class, &JsValue::from("forCluster"))?.dyn_into()?;
        for_cluster.call3(&class, &daemon_set, &cluster, &edits)
    })
}

/// The editors' texts the command names, as the files `apply -f` reads (JSON). Only those
/// it names go across, so a large cluster text is not copied for every command.
fn files_for(command: &str, daemon_set: &str, cluster: &str) -> String {
    let mut files = serde_json::Map::new();
    for (name, text) in [(DS_FILE, daemon_set), (CLUSTER_FILE, cluster)] {
        if command.contains(name) {
            for path in [name.to_owned(), format!("./{name}")] {
                files.insert(path, serde_json::Value::from(text));
            }
        }
    }
    serde_json::Value::Object(files).to_string()
}

/// Runs `command` in `session` (the kubectl module's `KubectlSession`) and returns what
/// kubectl prints, both streams as a terminal shows them.
fn run_command(session: &JsValue, command: &str, files: &str) -> String {
    let reply = Reflect::get(session, &JsValue::from("run"))
        .and_then(|run| run.dyn_into::<Function>())
        .and_then(|run| run.call2(session, &JsValue::from(command), &JsValue::from(files)));
    match reply {
        Ok(reply) => {
            let json: serde_json::Value =
                serde_json::from_str(&reply.as_string().unwrap_or_default()).unwrap_or_default();
            json["transcript"].as_str().unwrap_or_default().to_owned()
        }
        Err(e) => error_text(&e),
    }
}

/// What an error from the kubectl module says: each input error as `FILE:LINE:COL: path:
/// message` (the module throws them as `{"errors": [...]}`), or the error's message.
fn error_text(error: &JsValue) -> String {
    let message = Reflect::get(error, &JsValue::from("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the kubectl module could not be loaded".to_owned());
    // Input errors come as `{"errors": [...]}`, each shown as the CLI shows it.
    let thrown: serde_json::Value = serde_json::from_str(&message).unwrap_or_default();
    match serde_json::from_value::<Vec<Diagnostic>>(thrown["errors"].clone()) {
        Ok(errors) => errors.iter().map(|e| format!("{e}\n")).collect(),
        Err(_) => format!("error: {message}\n"),
    }
}
