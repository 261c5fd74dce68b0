//! The lessons panel: pick a section of the study guide, read what it is about, load its
//! examples, run its kubectl commands in the terminal, and watch its task's check follow
//! the editors and the rollout (`daemonset_sim::lessons`). Stable hooks: `data-lesson`
//! (the open lesson's id) and `data-task-done` (`true` or `false`).

use super::Same;
use daemonset_sim::lessons::{LessonState, Preset, LESSONS};
use daemonset_sim::manifest::Manifests;
use daemonset_sim::rollout::Rollout;
use std::rc::Rc;
use yew::prelude::*;

/// The panel's properties.
#[derive(Properties, Clone)]
pub struct LessonsProps {
    /// The DaemonSet editor's text, as last read.
    pub daemon_set: Rc<str>,
    /// The cluster editor's text, as last read.
    pub cluster: Rc<str>,
    /// The two texts read, with node edits applied, when they read.
    pub manifests: Option<Rc<Manifests>>,
    /// The update followed to its last step, if any.
    pub rollout: Option<Rc<Rollout>>,
    /// Loads a preset into the DaemonSet editor and the sample cluster into the other.
    pub on_load: Callback<&'static Preset>,
    /// Runs a command line in the terminal; `None` while the terminal is not there.
    pub on_command: Option<Callback<String>>,
    /// Where to remember the open lesson in `localStorage`, if anywhere.
    pub storage_key: Option<String>,
}

impl PartialEq for LessonsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.daemon_set, &other.daemon_set)
            && Rc::ptr_eq(&self.cluster, &other.cluster)
            && same(&self.manifests, &other.manifests)
            && same(&self.rollout, &other.rollout)
            && self.on_command.is_some() == other.on_command.is_some()
            && self.storage_key == other.storage_key
    }
}

fn same<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// The `localStorage` item that holds the open lesson's id.
fn stored(key: Option<&str>) -> Option<(web_sys::Storage, String)> {
    let storage = web_sys::window()?.local_storage().ok()??;
    Some((storage, format!("{}:lesson", key?)))
}

/// The lesson remembered from an earlier visit.
fn remembered(key: Option<&str>) -> Option<usize> {
    let (storage, item) = stored(key)?;
    let id = storage.get_item(&item).ok()??;
    LESSONS.iter().position(|l| l.id == id)
}

/// The panel.
#[function_component(Lessons)]
pub fn lessons(props: &LessonsProps) -> Html {
    let open = use_state(|| remembered(props.storage_key.as_deref()));
    let on_pick = {
        let open = open.clone();
        let key = props.storage_key.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let id = select.value();
            let index = LESSONS.iter().position(|l| l.id == id);
            if let Some((storage, item)) = stored(key.as_deref()) {
                let _ = match index {
                    Some(_) => storage.set_item(&item, &id),
                    None => storage.remove_item(&item),
                };
            }
            open.set(index);
        })
    };
    // The check runs again only when the lesson, the texts, the nodes or the rollout
    // change, not on every render of the page.
    let result = {
        let props = props.clone();
        use_memo(
            (
                *open,
                Same(Rc::clone(&props.daemon_set)),
                Same(Rc::clone(&props.cluster)),
                props.manifests.clone().map(Same),
                props.rollout.clone().map(Same),
            ),
            move |(open, ..)| {
                let lesson = LESSONS.get((*open)?)?;
                let mut state = LessonState::new(&props.daemon_set, &props.cluster);
                state.manifests = props.manifests.as_deref();
                state.rollout = props.rollout.as_deref();
                Some(lesson.check(&state))
            },
        )
    };
    let lesson = open.and_then(|i| LESSONS.get(i));
    let picker = html! {
        <label>{ "Follow a section of the study guide: " }
            <select onchange={on_pick} aria-label="Lesson" data-lesson-select="select">
                <option value="" selected={lesson.is_none()}>{ "choose a lesson…" }</option>
                { for LESSONS.iter().enumerate().map(|(i, l)| html! {
                    <option value={l.id} selected={*open == Some(i)}>{ format!("{}. {}", i + 1, l.title) }</option>
                }) }
            </select>
        </label>
    };
    let Some(lesson) = lesson else {
        return html! {
            <section class="lessons">
                <h2>{ "Lessons" }</h2>
                { picker }
            </section>
        };
    };
    let loads = lesson.presets().enumerate().map(|(i, preset)| {
        let on_load = props.on_load.clone();
        let what = if i == 0 { "Load the task's start: " } else { "Load: " };
        html! {
            <button type="button" class="small" onclick={Callback::from(move |_: MouseEvent| on_load.emit(preset))} data-action="lesson-load" data-preset-file={preset.file}>
                { what }{ preset.label }
            </button>
        }
    });
    let command = |line: &'static str| {
        let run = props.on_command.clone();
        let onclick = run
            .clone()
            .map(|run| Callback::from(move |_: MouseEvent| run.emit(line.to_owned())));
        html! {
            <button type="button" class="small command" onclick={onclick} disabled={run.is_none()} data-lesson-command={line} title="Run it in the kubectl terminal below">
                <code>{ line }</code>
            </button>
        }
    };
    let (done, detail) = match result.as_ref() {
        Some(r) => (r.done, r.detail.clone()),
        None => (false, String::new()),
    };
    html! {
        <section class="lessons" data-lesson={lesson.id}>
            <h2>{ "Lessons" }</h2>
            { picker }
            <article>
                <h3>{ lesson.title }</h3>
                <p class="section">{ "Guide section: " }{ lesson.section }</p>
                <p class="explanation">{ lesson.explanation }</p>
                <p class="load">{ for loads }</p>
                <p class="hint">{ "Loading replaces the text of both editors with the example and the sample cluster." }</p>
                if !lesson.guide_commands.is_empty() {
                    <h4>{ "The guide's commands" }</h4>
                    <p class="commands">{ for lesson.guide_commands.iter().copied().map(&command) }</p>
                }
                <h4>{ if lesson.guide_commands.is_empty() { "Commands to try" } else { "More to try" } }</h4>
                <p class="commands">{ for lesson.more_commands.iter().copied().map(&command) }</p>
                if props.on_command.is_none() {
                    <p class="hint">{ "The terminal runs commands once both editors read without errors." }</p>
                }
                <div class="task" data-task-done={done.to_string()}>
                    <h4>{ "Task" }</h4>
                    <p>{ lesson.task.goal }</p>
                    <p class="check" role="status" aria-live="polite">
                        <strong>{ if done { "✓ Done" } else { "✗ Not yet" } }</strong>
                        <span class="detail">{ detail }</span>
                    </p>
                </div>
            </article>
        </section>
    }
}
