//! A kubectl terminal over the cluster in the editors: the guide's commands, answered in
//! kubectl's words by the emulator (`daemonset_sim::kubectl`), one session that lives
//! until the texts change. `apply -f daemonset.yaml` (and `cluster.yaml`) read the editors.

use super::analysis::{CLUSTER_FILE, DS_FILE};
use daemonset_sim::kubectl::{parse_script, Files, Options, Session};
use daemonset_sim::manifest::Manifests;
use std::cell::RefCell;
use std::rc::Rc;
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
    /// The cluster, as the editors (and node edits) give it.
    pub manifests: Rc<Manifests>,
    /// The DaemonSet editor's text the cluster was read from (`daemonset.yaml` for `apply -f`).
    pub daemon_set: Rc<str>,
    /// The cluster editor's text (`cluster.yaml`).
    pub cluster: Rc<str>,
    /// The DaemonSet's name, for the examples.
    pub name: AttrValue,
    /// Its first container and a newer image, for the `set image` example.
    pub set_image: AttrValue,
    /// A command line to run now, from outside the terminal (a lesson's command).
    pub request: Option<AttrValue>,
    /// Called once `request` has run, so that it runs only once.
    pub on_request_done: Callback<()>,
    /// Reads the cluster in full, for a session over `manifests` read for placement only
    /// (a large dump, [`Manifests::lean`]), so that `describe node` shows everything.
    pub full_read: Callback<(), Option<Manifests>>,
}

impl PartialEq for TerminalProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.manifests, &other.manifests)
            && Rc::ptr_eq(&self.daemon_set, &other.daemon_set)
            && Rc::ptr_eq(&self.cluster, &other.cluster)
            && self.name == other.name
            && self.set_image == other.set_image
            && self.request == other.request
    }
}

/// The editors' texts as the files `kubectl apply -f` can name.
struct EditorFiles {
    daemon_set: Rc<str>,
    cluster: Rc<str>,
}

impl Files for EditorFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        match path.strip_prefix("./").unwrap_or(path) {
            DS_FILE => Ok(self.daemon_set.to_string()),
            CLUSTER_FILE => Ok(self.cluster.to_string()),
            _ => Err(format!("the path \"{path}\" does not exist")),
        }
    }
}

/// The terminal.
#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let session = use_mut_ref(|| None::<Session>);
    let transcript = use_state(String::new);
    let line = use_state(String::new);
    {
        // A new cluster text starts a new session.
        let session = session.clone();
        let transcript = transcript.clone();
        // The same text gives the same `Rc`, so its address identifies the cluster.
        let cluster = Rc::as_ptr(&props.manifests) as usize;
        use_effect_with(cluster, move |_| {
            *session.borrow_mut() = None;
            transcript.set(String::new());
        });
    }
    let run = {
        let session = session.clone();
        let transcript = transcript.clone();
        let manifests = Rc::clone(&props.manifests);
        let full_read = props.full_read.clone();
        let files = Rc::new(EditorFiles {
            daemon_set: Rc::clone(&props.daemon_set),
            cluster: Rc::clone(&props.cluster),
        });
        Callback::from(move |command: String| {
            let text = run_line(&session, &manifests, &full_read, &*files, &command);
            transcript.set(format!("{}{text}", *transcript));
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
        use_effect_with(transcript.len(), move |_| {
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
            <pre class="transcript" ref={output} data-terminal="output" aria-live="polite">{ (*transcript).clone() }</pre>
            <form onsubmit={on_submit}>
                <label for="terminal-input"><code>{ "$ kubectl" }</code></label>
                <input id="terminal-input" value={(*line).clone()} oninput={on_input} spellcheck="false" autocomplete="off" placeholder="get ds" aria-label="kubectl command" data-terminal="input" />
                <button type="submit" data-action="terminal-run">{ "Run" }</button>
            </form>
        </section>
    }
}

/// Runs one command line in the session (made on first use) and returns the transcript
/// lines: the prompt, then what kubectl prints.
fn run_line(
    session: &Rc<RefCell<Option<Session>>>,
    manifests: &Manifests,
    full_read: &Callback<(), Option<Manifests>>,
    files: &dyn Files,
    line: &str,
) -> String {
    let mut slot = session.borrow_mut();
    if slot.is_none() {
        let full = if manifests.lean {
            full_read.emit(())
        } else {
            None
        };
        match Session::new(full.as_ref().unwrap_or(manifests), &Options::default()) {
            Ok(s) => *slot = Some(s),
            Err(errors) => {
                let why: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return format!("$ kubectl {line}\n{}\n", why.join("\n"));
            }
        }
    }
    let Some(s) = slot.as_mut() else {
        return String::new();
    };
    let words = match parse_script(line) {
        Ok(commands) => commands.into_iter().next().unwrap_or_default(),
        Err(e) => return format!("$ kubectl {line}\nerror: {e}\n"),
    };
    let output = s.run(&words, files);
    let mut text = format!(
        "$ kubectl {}\n{}",
        line.trim().trim_start_matches("kubectl ").trim(),
        output.transcript()
    );
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
