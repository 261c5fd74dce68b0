//! A kubectl terminal over the cluster in the editors: the guide's commands, answered in
//! kubectl's words by the emulator (`daemonset_sim::kubectl`), one session that lives
//! until the texts change.

use daemonset_sim::kubectl::{parse_script, NoFiles, Options, Session};
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
    /// The DaemonSet's name, for the examples.
    pub name: AttrValue,
    /// Its first container and a newer image, for the `set image` example.
    pub set_image: AttrValue,
}

impl PartialEq for TerminalProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.manifests, &other.manifests)
            && self.name == other.name
            && self.set_image == other.set_image
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
        Callback::from(move |command: String| {
            let text = run_line(&session, &manifests, &command);
            transcript.set(format!("{}{text}", *transcript));
        })
    };
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
        <section class="terminal">
            <h2>{ "kubectl" }</h2>
            <p class="hint">{ "The commands of the study guide, answered as kubectl would on the cluster above (a session of its own, restarted when the text changes)." }</p>
            <p class="examples">{ for examples }</p>
            <pre class="transcript" data-terminal="output" aria-live="polite">{ (*transcript).clone() }</pre>
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
fn run_line(session: &Rc<RefCell<Option<Session>>>, manifests: &Manifests, line: &str) -> String {
    let mut slot = session.borrow_mut();
    if slot.is_none() {
        match Session::new(manifests, &Options::default()) {
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
    let output = s.run(&words, &NoFiles);
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
