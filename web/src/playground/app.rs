//! The playground's one page: two editors, the lessons, the node cards, and the rollout controls.

use super::analysis::{analyse, describe, Analysis, CLUSTER_FILE, DS_FILE};
use super::cards::{card, Card};
use super::editor::{Editor, Marker};
use super::edits::{self, NodeEdit};
use super::faults::{self, Fault};
use super::lessons::Lessons;
use super::presets::{CLUSTER, PRESETS};
use super::scenario::{share_hash, Scenario, UPDATED_FILE};
use super::storage;
use super::terminal::Terminal;
use super::Same;
use daemonset_sim::lessons::Preset;
use daemonset_sim::manifest::Diagnostic;
use daemonset_sim::rollout::{Outcome, Rollout, Update};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The most node cards drawn at once; the rest are counted, and the filter narrows them.
const MAX_CARDS: usize = 240;

/// The text of an editor, shared rather than copied (cluster dumps run to tens of MB).
type Text = Rc<str>;

/// Texts above this size are summarised instead of drawn in the editor, unless asked.
const LARGE_TEXT: usize = 512 * 1024;

/// Milliseconds after the last keystroke before the texts are read again.
const SETTLE_MS: u64 = 150;

/// The same for texts over 256 KiB (cluster dumps), which take longer to read.
const SETTLE_LARGE_MS: u64 = 400;

/// Milliseconds between steps while playing.
const PLAY_INTERVAL_MS: u64 = 700;

/// What the page starts with.
#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    /// The DaemonSet editor's text.
    pub daemon_set: String,
    /// The cluster editor's text.
    pub cluster: String,
    /// An update to prepare at once (`CONTAINER=IMAGE`).
    pub set_image: Option<String>,
    /// Or an edited DaemonSet to apply at once (its YAML).
    pub to: Option<String>,
    /// The edited DaemonSet saved in the browser from an earlier visit (its editor starts
    /// closed, with this text).
    pub to_draft: Option<String>,
    /// With that update: its new image cannot be pulled.
    pub broken_image: bool,
    /// With that update: faults as `dsim rollout --at` takes them, in order.
    pub faults: Vec<String>,
    /// With that update: the step to show.
    pub step: usize,
    /// Node edits as kubectl commands, applied in order over the cluster text.
    pub edits: Vec<String>,
    /// Where to keep the texts in the browser, if anywhere.
    pub storage_key: Option<String>,
    /// Saved texts too large for `localStorage`, to read back from IndexedDB at start.
    pub large_saved: LargeSaved,
    /// Where the share button's links lead.
    pub share: ShareTo,
    /// Loads the kubectl module for the terminal (see [`super::mount_playground`]).
    pub kubectl: Option<js_sys::Function>,
}

/// Where share links lead.
#[derive(Debug, PartialEq, Clone, Default)]
pub enum ShareTo {
    /// No share button (a widget that was not told where a playground is).
    #[default]
    Nowhere,
    /// The page's own address: the link goes into the address bar (the playground's page).
    AddressBar,
    /// A playground page elsewhere (for a widget): the link is copied and shown, and the
    /// host page's address is left alone.
    Page(String),
}

/// The sizes in bytes of the saved texts to read back from IndexedDB (the editors start
/// empty and fill when they are read).
#[derive(Debug, PartialEq, Clone, Copy, Default)]
pub struct LargeSaved {
    /// The DaemonSet editor's text.
    pub daemon_set: Option<usize>,
    /// The cluster editor's text.
    pub cluster: Option<usize>,
}

impl LargeSaved {
    /// True while some text is still to be read back.
    fn pending(self) -> bool {
        self.daemon_set.is_some() || self.cluster.is_some()
    }
}

/// Reads a dropped or chosen file as text into `target` (UTF-8; YAML or JSON). The bytes
/// are copied into WebAssembly as they are, which for a large dump is several times
/// quicker than having the browser decode them into a JavaScript string and encoding
/// that again; bytes that are not UTF-8 become U+FFFD, as `File.text()` would make them.
fn load_file(file: web_sys::File, target: UseStateHandle<Text>, reset: Callback<()>) {
    yew::platform::spawn_local(async move {
        if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            let text = super::lossy_text(bytes);
            target.set(Text::from(text));
            reset.emit(());
        }
    });
}

/// Editor markers for the errors that have a line.
fn markers_of<'d>(errors: impl Iterator<Item = &'d Diagnostic>) -> Vec<Marker> {
    errors
        .filter_map(|d| {
            Some(Marker {
                line: d.line?,
                column: d.column,
                message: describe(d),
            })
        })
        .collect()
}

/// The first file of a file input's change event.
fn chosen_file(e: &Event) -> Option<web_sys::File> {
    let input: HtmlInputElement = e.target_unchecked_into();
    input.files().and_then(|files| files.get(0))
}

/// The first file dropped.
fn dropped_file(e: &DragEvent) -> Option<web_sys::File> {
    e.prevent_default();
    e.data_transfer()
        .and_then(|t| t.files())
        .and_then(|files| files.get(0))
}

/// The rollout shown and what goes with it.
#[derive(Clone)]
struct Shown {
    rollout: UseStateHandle<Option<Rc<Rollout>>>,
    scenario: UseStateHandle<Option<Scenario>>,
    error: UseStateHandle<Option<String>>,
    index: UseStateHandle<usize>,
}

impl Shown {
    /// Simulates `next` and shows it at step `at` (at most its last). When the simulation
    /// refuses it, the error is shown, and the rollout too unless `keep` (a fault that
    /// cannot be added leaves the rollout as it was).
    fn show(&self, a: &Analysis, next: Scenario, at: usize, keep: bool) {
        match next.simulate(a) {
            Ok(r) => {
                self.index.set(at.min(r.steps.len()));
                self.rollout.set(Some(Rc::new(r)));
                self.scenario.set(Some(next));
                self.error.set(None);
            }
            Err(message) => {
                if !keep {
                    self.rollout.set(None);
                    self.scenario.set(None);
                    self.index.set(0);
                }
                self.error.set(Some(message));
            }
        }
    }

    /// Drops the rollout (the texts or the nodes changed under it).
    fn clear(&self) {
        self.rollout.set(None);
        self.scenario.set(None);
        self.index.set(0);
    }
}

/// Puts a share link with fragment `hash` where `to` says (the address bar, or shown for a
/// playground page elsewhere), copies it, and says how that went.
async fn share(
    hash: &str,
    to: &ShareTo,
    link: &UseStateHandle<Option<String>>,
    note: &UseStateHandle<Option<&'static str>>,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (href, not_copied) = match to {
        ShareTo::Nowhere => return,
        ShareTo::AddressBar => {
            let _ = window.location().set_hash(hash);
            let Ok(href) = window.location().href() else {
                return;
            };
            link.set(None);
            (
                href,
                "the link is in the address bar (the browser did not allow copying)",
            )
        }
        ShareTo::Page(page) => {
            let page = page.split('#').next().unwrap_or_default();
            let href = format!("{page}#{hash}");
            link.set(Some(href.clone()));
            (
                href,
                "copy the link below (the browser did not allow copying)",
            )
        }
    };
    let copied = window.navigator().clipboard().write_text(&href);
    note.set(Some(
        match wasm_bindgen_futures::JsFuture::from(copied).await {
            Ok(_) => "link copied",
            Err(_) => not_copied,
        },
    ));
}

/// Tries `edit` on the current nodes; when kubectl would accept it, keeps it in `edits`
/// (the verdicts follow) and shows kubectl's reply, else kubectl's error.
fn commit_edit(
    a: &Analysis,
    edit: NodeEdit,
    edits: &UseStateHandle<Vec<NodeEdit>>,
    reply: &UseStateHandle<Option<Result<String, String>>>,
    reset: &Callback<()>,
) {
    let mut nodes = a.manifests.nodes.clone();
    match edits::apply(&mut nodes, &edit) {
        Ok(output) => {
            let mut list = (**edits).clone();
            list.push(edit);
            edits.set(list);
            reply.set(Some(Ok(output)));
            reset.emit(());
        }
        Err(e) => reply.set(Some(Err(e))),
    }
}

/// The page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let ds_text = use_state(|| Text::from(props.daemon_set.as_str()));
    let cluster_text = use_state(|| Text::from(props.cluster.as_str()));
    // Counted once per text (a large dump is summarised with its line count).
    let cluster_lines = use_memo(Same(Text::clone(&cluster_text)), |text| line_count(&text.0));
    let edit_large = use_state(|| false);
    let filter = use_state(String::new);
    let set_image = use_state(|| {
        props
            .set_image
            .clone()
            .unwrap_or_else(|| first_container_image(&props.daemon_set))
    });
    let fail = use_state(|| props.broken_image);
    // The edited DaemonSet of an update by `kubectl apply`, while its editor is open.
    // Its text is kept when the editor closes (and across reloads), never thrown away.
    let to_text = use_state(|| {
        props
            .to
            .as_deref()
            .or(props.to_draft.as_deref())
            .map(Text::from)
    });
    let to_open = use_state(|| props.to.is_some());
    let to_errors = use_memo(to_text.as_ref().map(|t| Same(Text::clone(t))), |text| {
        text.as_ref()
            .and_then(|t| Update::apply_text(&t.0, UPDATED_FILE).err())
            .unwrap_or_default()
    });
    let rollout = use_state(|| None::<Rc<Rollout>>);
    let rollout_error = use_state(|| None::<String>);
    let scenario = use_state(|| None::<Scenario>);
    let index = use_state(|| 0usize);
    let playing = use_state(|| false);
    let shown = Shown {
        rollout: rollout.clone(),
        scenario: scenario.clone(),
        error: rollout_error.clone(),
        index: index.clone(),
    };

    // Node edits from a share link: each one's command parsed back; what does not parse
    // is said in the reply line.
    let edits = use_state(|| {
        props
            .edits
            .iter()
            .filter_map(|line| edits::parse(line).ok())
            .collect::<Vec<NodeEdit>>()
    });
    let reply = use_state(|| {
        let problems: Vec<String> = props
            .edits
            .iter()
            .filter_map(|line| {
                edits::parse(line)
                    .err()
                    .map(|e| format!("the link's edit {line:?}: {e}"))
            })
            .collect();
        (!problems.is_empty()).then(|| Err(problems.join("\n")))
    });
    let share_note = use_state(|| None::<&'static str>);
    let share_link = use_state(|| None::<String>);
    let command = use_state(String::new);
    // The texts are read a moment after typing stops, so that a large cluster dump is
    // not re-read on every keystroke; the editors themselves update at once.
    let settled = use_state(|| (Text::clone(&ds_text), Text::clone(&cluster_text)));
    let typing = use_mut_ref(|| 0u64);
    // A file loaded (chosen or dropped) is read at once: nobody is typing.
    let file_loaded = use_mut_ref(|| false);
    {
        let settled = settled.clone();
        let typing = typing.clone();
        let file_loaded = file_loaded.clone();
        use_effect_with(
            (
                Same(Text::clone(&ds_text)),
                Same(Text::clone(&cluster_text)),
            ),
            move |(ds, cluster): &(Same<str>, Same<str>)| {
                let texts = (Text::clone(&ds.0), Text::clone(&cluster.0));
                let unchanged =
                    Rc::ptr_eq(&settled.0, &texts.0) && Rc::ptr_eq(&settled.1, &texts.1);
                if !unchanged {
                    *typing.borrow_mut() += 1;
                    if std::mem::take(&mut *file_loaded.borrow_mut()) {
                        settled.set(texts);
                        return;
                    }
                    let ticket = *typing.borrow();
                    let delay = if texts.0.len() + texts.1.len() > 256 * 1024 {
                        SETTLE_LARGE_MS
                    } else {
                        SETTLE_MS
                    };
                    yew::platform::spawn_local(async move {
                        yew::platform::time::sleep(std::time::Duration::from_millis(delay)).await;
                        if *typing.borrow() == ticket {
                            settled.set(texts);
                        }
                    });
                }
            },
        );
    }
    let analysis = use_memo(
        (
            Same(Text::clone(&settled.0)),
            Same(Text::clone(&settled.1)),
            (*edits).clone(),
        ),
        |(ds, cluster, edits)| analyse(&ds.0, &cluster.0, edits),
    );

    // Large saved texts are read back once, at start; until then they are not saved over.
    let restoring = use_state(|| props.large_saved);
    let restore_failed = use_state(|| None::<String>);
    {
        let key = props.storage_key.clone();
        let restoring = restoring.clone();
        let restore_failed = restore_failed.clone();
        let targets = [
            (
                "daemonset",
                "DaemonSet",
                props.large_saved.daemon_set,
                ds_text.clone(),
            ),
            (
                "cluster",
                "cluster",
                props.large_saved.cluster,
                cluster_text.clone(),
            ),
        ];
        let file_loaded = file_loaded.clone();
        use_effect_with((), move |()| {
            let Some(key) = key.filter(|_| restoring.pending()) else {
                return;
            };
            yew::platform::spawn_local(async move {
                let mut lost = Vec::new();
                for (name, label, size, target) in targets {
                    let Some(size) = size else { continue };
                    match storage::load_large(&key, name).await {
                        Some(text) => {
                            let text = Text::from(text);
                            storage::restored(&key, name, &text);
                            *file_loaded.borrow_mut() = true;
                            target.set(text);
                        }
                        None => lost.push(format!(
                            "The {label} saved in this browser ({:.1} MB) could not be read back: the browser's storage was cleared.",
                            size as f64 / 1e6
                        )),
                    }
                }
                if !lost.is_empty() {
                    restore_failed.set(Some(lost.join(" ")));
                }
                restoring.set(LargeSaved::default());
            });
        });
    }
    {
        let key = props.storage_key.clone();
        use_effect_with(
            to_text.as_ref().map(|t| Same(Text::clone(t))),
            move |draft| {
                if let (Some(key), Some(draft)) = (key, draft) {
                    storage::save(&key, "updated", &draft.0);
                }
            },
        );
    }
    {
        let key = props.storage_key.clone();
        use_effect_with(
            (
                Same(Text::clone(&ds_text)),
                Same(Text::clone(&cluster_text)),
                *restoring,
            ),
            move |(ds, cluster, restoring)| {
                let Some(key) = key else { return };
                if restoring.daemon_set.is_none() {
                    storage::save(&key, "daemonset", &ds.0);
                }
                if restoring.cluster.is_none() {
                    storage::save(&key, "cluster", &cluster.0);
                }
            },
        );
    }

    // A prepared update (`&setImage=` in a share link, with its `&brokenImage=`,
    // `&fault=` and `&step=`) runs once the texts are read.
    {
        let analysis = analysis.clone();
        let shown = shown.clone();
        let prepared = Some(Scenario {
            set_image: props.set_image.clone().unwrap_or_default(),
            to: props.to.as_deref().map(Text::from),
            broken: props.broken_image,
            faults: props.faults.clone(),
        })
        .filter(Scenario::is_update);
        let step = props.step;
        use_effect_with((), move |()| {
            if let (Some(next), Ok(a)) = (prepared, analysis.as_ref()) {
                shown.show(a, next, step, false);
            }
        });
    }

    // Playing: advance one step every interval until the end or a pause.
    {
        let index = index.clone();
        let playing_handle = playing.clone();
        let length = rollout.as_ref().map_or(0, |r| r.steps.len());
        use_effect_with((*playing, *index, length), move |&(playing, at, length)| {
            let cancelled = Rc::new(Cell::new(false));
            if playing {
                if at < length {
                    let cancelled = cancelled.clone();
                    yew::platform::spawn_local(async move {
                        yew::platform::time::sleep(std::time::Duration::from_millis(
                            PLAY_INTERVAL_MS,
                        ))
                        .await;
                        if !cancelled.get() {
                            index.set(at + 1);
                        }
                    });
                } else {
                    playing_handle.set(false);
                }
            }
            move || cancelled.set(true)
        });
    }

    let on_ds = {
        let ds_text = ds_text.clone();
        let shown = shown.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            ds_text.set(Text::from(area.value()));
            shown.clear();
        })
    };
    let on_cluster = {
        let cluster_text = cluster_text.clone();
        let shown = shown.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            cluster_text.set(Text::from(area.value()));
            shown.clear();
        })
    };
    let reset = {
        let shown = shown.clone();
        Callback::from(move |()| shown.clear())
    };
    let file_into = |target: &UseStateHandle<Text>| {
        let target = target.clone();
        let reset = reset.clone();
        let file_loaded = file_loaded.clone();
        Callback::from(move |e: Event| {
            if let Some(file) = chosen_file(&e) {
                *file_loaded.borrow_mut() = true;
                load_file(file, target.clone(), reset.clone());
            }
        })
    };
    let drop_into = |target: &UseStateHandle<Text>| {
        let target = target.clone();
        let reset = reset.clone();
        let file_loaded = file_loaded.clone();
        Callback::from(move |e: DragEvent| {
            if let Some(file) = dropped_file(&e) {
                *file_loaded.borrow_mut() = true;
                load_file(file, target.clone(), reset.clone());
            }
        })
    };
    let allow_drop = Callback::from(|e: DragEvent| e.prevent_default());
    // A kubectl node command, from the command box or a card's button.
    let on_edit = {
        let analysis = analysis.clone();
        let edits = edits.clone();
        let reply = reply.clone();
        let reset = reset.clone();
        Callback::from(move |line: String| {
            let edit = match edits::parse(&line) {
                Ok(edit) => edit,
                Err(e) => return reply.set(Some(Err(e))),
            };
            let Ok(a) = analysis.as_ref() else {
                return reply.set(Some(Err("fix the errors in the editors first".to_owned())));
            };
            commit_edit(a, edit, &edits, &reply, &reset);
        })
    };
    let on_command_input = {
        let command = command.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            command.set(input.value());
        })
    };
    let on_command = {
        let command = command.clone();
        let on_edit = on_edit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_edit.emit((*command).clone());
            command.set(String::new());
        })
    };
    let on_add_node = {
        let analysis = analysis.clone();
        let edits = edits.clone();
        let reply = reply.clone();
        let reset = reset.clone();
        Callback::from(move |_: MouseEvent| {
            let Ok(a) = analysis.as_ref() else { return };
            let Some(like) = a
                .nodes
                .iter()
                .find(|n| !n.role.contains("control-plane"))
                .or(a.nodes.first())
                .map(|n| n.name.clone())
            else {
                return reply.set(Some(Err(
                    "add-node copies a node, and there is none".to_owned()
                )));
            };
            let taken: std::collections::HashSet<&str> =
                a.nodes.iter().map(|n| n.name.as_str()).collect();
            let name = (1..)
                .map(|i| format!("new-node-{i}"))
                .find(|n| !taken.contains(n.as_str()))
                .unwrap_or_default();
            let edit = NodeEdit::Add(name, like);
            commit_edit(a, edit, &edits, &reply, &reset);
        })
    };
    let on_undo_edit = {
        let edits = edits.clone();
        let reply = reply.clone();
        let reset = reset.clone();
        Callback::from(move |_: MouseEvent| {
            let mut list = (*edits).clone();
            if let Some(undone) = list.pop() {
                reply.set(Some(Ok(format!("undone: {}", undone.command()))));
            }
            edits.set(list);
            reset.emit(());
        })
    };
    let note = use_state(|| None::<&'static str>);
    // A preset replaces both texts (the menu's choice or a lesson's button: always an
    // explicit action), drops the node edits and the rollout.
    let load_preset = {
        let ds_text = ds_text.clone();
        let cluster_text = cluster_text.clone();
        let set_image = set_image.clone();
        let note = note.clone();
        let edits = edits.clone();
        let reset = reset.clone();
        Callback::from(move |preset: &'static Preset| {
            ds_text.set(Text::from(preset.daemon_set));
            cluster_text.set(Text::from(CLUSTER));
            set_image.set(first_container_image(preset.daemon_set));
            note.set(Some(preset.note));
            edits.set(Vec::new());
            reset.emit(());
        })
    };
    let on_preset = {
        let load_preset = load_preset.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(preset) = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| PRESETS.get(i))
            {
                load_preset.emit(preset);
            }
        })
    };
    // A command a lesson sends to the terminal, until the terminal has run it.
    let terminal_request = use_state(|| None::<AttrValue>);
    let on_lesson_command = {
        let terminal_request = terminal_request.clone();
        Callback::from(move |line: String| terminal_request.set(Some(AttrValue::from(line))))
    };
    let on_request_done = {
        let terminal_request = terminal_request.clone();
        Callback::from(move |()| terminal_request.set(None))
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
        })
    };
    let on_set_image = {
        let set_image = set_image.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            set_image.set(input.value());
        })
    };
    let on_fail = {
        let fail = fail.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            fail.set(input.checked());
        })
    };
    let on_start = {
        let analysis = analysis.clone();
        let set_image = set_image.clone();
        let fail = fail.clone();
        let shown = shown.clone();
        let playing = playing.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(a) = analysis.as_ref() else { return };
            let next = Scenario {
                set_image: (*set_image).clone(),
                to: None,
                broken: *fail,
                faults: Vec::new(),
            };
            shown.show(a, next, 0, false);
            playing.set(false);
        })
    };
    // Updating by editing the DaemonSet: the editor starts from the DaemonSet as it is.
    let on_edit_template = {
        let to_text = to_text.clone();
        let to_open = to_open.clone();
        let ds_text = ds_text.clone();
        Callback::from(move |_: MouseEvent| {
            if to_text.is_none() {
                to_text.set(Some(Text::clone(&ds_text)));
            }
            to_open.set(true);
        })
    };
    let on_close_template = {
        let to_open = to_open.clone();
        Callback::from(move |_: MouseEvent| to_open.set(false))
    };
    let on_reset_template = {
        let to_text = to_text.clone();
        let ds_text = ds_text.clone();
        Callback::from(move |_: MouseEvent| to_text.set(Some(Text::clone(&ds_text))))
    };
    let on_to = {
        let to_text = to_text.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            to_text.set(Some(Text::from(area.value())));
        })
    };
    let on_apply = {
        let analysis = analysis.clone();
        let to_text = to_text.clone();
        let fail = fail.clone();
        let shown = shown.clone();
        let playing = playing.clone();
        Callback::from(move |_: MouseEvent| {
            let (Ok(a), Some(to)) = (analysis.as_ref(), to_text.as_ref()) else {
                return;
            };
            let next = Scenario {
                set_image: String::new(),
                to: Some(Text::clone(to)),
                broken: *fail,
                faults: Vec::new(),
            };
            shown.show(a, next, 0, false);
            playing.set(false);
        })
    };
    // A fault chosen on a card happens at the moment shown: the rollout is simulated again
    // with it, and the position is kept.
    let on_fault = {
        let analysis = analysis.clone();
        let shown = shown.clone();
        Callback::from(move |(fault, node): (Fault, String)| {
            let (Ok(a), Some(r), Some(current)) = (
                analysis.as_ref(),
                shown.rollout.as_ref(),
                shown.scenario.as_ref(),
            ) else {
                return;
            };
            let now = r.state_at(*shown.index).map_or(0, |s| s.time);
            let at = fault.at(now, &node);
            if current.faults.contains(&at) {
                return;
            }
            let mut next = current.clone();
            next.faults.push(at);
            shown.show(a, next, *shown.index, true);
        })
    };
    // Removing a fault from the list simulates the rollout again without it.
    let remove_fault = |i: usize| {
        let analysis = analysis.clone();
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| {
            let (Ok(a), Some(current)) = (analysis.as_ref(), shown.scenario.as_ref()) else {
                return;
            };
            let mut next = current.clone();
            if i < next.faults.len() {
                next.faults.remove(i);
                shown.show(a, next, *shown.index, true);
            }
        })
    };
    let length = rollout.as_ref().map_or(0, |r| r.steps.len());
    // A step button that reaches its end of the rollout is disabled, which would drop the
    // keyboard focus to the page: it passes the focus to the other step button instead.
    let back_button = use_node_ref();
    let forward_button = use_node_ref();
    let refocus = use_mut_ref(|| None::<NodeRef>);
    {
        let refocus = refocus.clone();
        use_effect_with(*index, move |_| {
            let target = refocus.borrow_mut().take();
            if let Some(button) = target.and_then(|t| t.cast::<web_sys::HtmlElement>()) {
                // Focusing an enabled button cannot fail in a way the page could act on.
                let _ = button.focus();
            }
        });
    }
    let step = |delta: isize| {
        let index = index.clone();
        let playing = playing.clone();
        let refocus = refocus.clone();
        let other = if delta < 0 {
            forward_button.clone()
        } else {
            back_button.clone()
        };
        Callback::from(move |_: MouseEvent| {
            playing.set(false);
            let next = index.saturating_add_signed(delta).min(length);
            let at_end = if delta < 0 { next == 0 } else { next >= length };
            if at_end && next != *index {
                *refocus.borrow_mut() = Some(other.clone());
            }
            index.set(next);
        })
    };
    let on_play = {
        let playing = playing.clone();
        let index = index.clone();
        Callback::from(move |_: MouseEvent| {
            if !*playing && *index >= length {
                index.set(0);
            }
            playing.set(!*playing);
        })
    };
    let on_scrub = {
        let index = index.clone();
        let playing = playing.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            playing.set(false);
            index.set(input.value().parse::<usize>().unwrap_or(0).min(length));
        })
    };
    let on_share = {
        let ds_text = ds_text.clone();
        let cluster_text = cluster_text.clone();
        let edits = edits.clone();
        let shown = shown.clone();
        let share_note = share_note.clone();
        let share_link = share_link.clone();
        let share_to = props.share.clone();
        Callback::from(move |_: MouseEvent| {
            let stream = format!("{}\n---\n{}", ds_text.trim_end(), cluster_text.trim_start());
            let scenario = shown.rollout.as_ref().and(shown.scenario.as_ref()).cloned();
            let (step, edits) = (*shown.index, (*edits).clone());
            let (share_to, share_link, share_note) =
                (share_to.clone(), share_link.clone(), share_note.clone());
            yew::platform::spawn_local(async move {
                let hash = share_hash(&stream, scenario.as_ref(), step, &edits).await;
                share(&hash, &share_to, &share_link, &share_note).await;
            });
        })
    };

    let markers = |file: &str| -> Vec<Marker> {
        match analysis.as_ref() {
            Err(errors) => markers_of(errors.iter().filter(|d| d.file == file)),
            Ok(_) => Vec::new(),
        }
    };
    let to_markers = markers_of(to_errors.iter());
    let (errors, warnings): (Vec<String>, Vec<String>) = match analysis.as_ref() {
        Err(errors) => (errors.iter().map(describe).collect(), Vec::new()),
        Ok(a) => (Vec::new(), a.warnings.iter().map(describe).collect()),
    };
    let body = match analysis.as_ref() {
        Err(_) => html! {},
        Ok(a) => view_cluster(a, rollout.as_deref(), *index, &filter, &on_edit, &on_fault),
    };
    let outcome = match rollout.as_deref() {
        None => "none",
        Some(_) if *index < length => "running",
        Some(r) if r.outcome == Outcome::Complete => "complete",
        Some(_) => "stalled",
    };

    html! {
        <div class="playground">
            <section class="presets">
                <label>{ "Examples from the study guide (run against a sample cluster): " }
                    <select onchange={on_preset} aria-label="Preset" data-preset="select">
                        <option value="" selected=true disabled=true>{ "choose an example…" }</option>
                        { for PRESETS.iter().enumerate().map(|(i, p)| html! { <option value={i.to_string()}>{ p.label }</option> }) }
                    </select>
                </label>
                if let Some(text) = *note {
                    <p class="note" data-preset="note">{ text }</p>
                }
            </section>
            <Lessons
                daemon_set={Text::clone(&settled.0)}
                cluster={Text::clone(&settled.1)}
                manifests={analysis.as_ref().as_ref().ok().map(|a| Rc::clone(&a.manifests))}
                rollout={rollout.as_ref().filter(|r| *index >= r.steps.len()).map(Rc::clone)}
                on_load={load_preset}
                on_command={analysis.is_ok().then_some(on_lesson_command)}
                storage_key={props.storage_key.clone()}
            />
            <section class="editors">
                <div class="editor">
                    <label for="editor-daemonset">{ "DaemonSet" }</label>
                    <Editor id="editor-daemonset" label="DaemonSet YAML" hook="daemonset" text={Text::clone(&ds_text)} markers={markers(DS_FILE)} oninput={on_ds} ondrop={drop_into(&ds_text)} />
                    <input type="file" accept=".yaml,.yml,.json,application/json,text/yaml" onchange={file_into(&ds_text)} aria-label="Load a DaemonSet file" data-load="daemonset" />
                </div>
                <div class="editor">
                    <label for="editor-cluster">{ "Cluster: Nodes (a " }<code>{ "kubectl get nodes -o yaml" }</code>{ " dump works), optionally Pods" }</label>
                    if let Some(size) = restoring.cluster {
                        <p class="note" data-restoring="cluster" role="status">{ format!("Reading back the cluster saved in this browser ({:.1} MB)…", size as f64 / 1e6) }</p>
                    }
                    if let Some(lost) = &*restore_failed {
                        <p class="note" data-restoring="failed" role="alert">{ lost }</p>
                    }
                    if cluster_text.len() > LARGE_TEXT && !*edit_large {
                        <div class="large" data-editor="cluster-summary" ondrop={drop_into(&cluster_text)} ondragover={allow_drop}>
                            <p>{ format!("{:.1} MB of cluster YAML ({} lines), too large to draw as text quickly.", cluster_text.len() as f64 / 1e6, *cluster_lines) }</p>
                            <button type="button" class="small" onclick={{ let edit_large = edit_large.clone(); Callback::from(move |_: MouseEvent| edit_large.set(true)) }}>{ "Edit it anyway" }</button>
                        </div>
                    } else {
                        <Editor id="editor-cluster" label="Cluster YAML" hook="cluster" text={Text::clone(&cluster_text)} markers={markers(CLUSTER_FILE)} oninput={on_cluster} ondrop={drop_into(&cluster_text)} />
                    }
                    <input type="file" accept=".yaml,.yml,.json,application/json,text/yaml" onchange={file_into(&cluster_text)} aria-label="Load a cluster file" data-load="cluster" />
                </div>
                if !errors.is_empty() {
                    <ul class="errors" role="alert">{ for errors.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
                }
                if !warnings.is_empty() {
                    <ul class="warnings">{ for warnings.iter().map(|w| html! { <li>{ w }</li> }) }</ul>
                }
            </section>
            <section class="rollout">
                <form onsubmit={on_start}>
                    <label>{ "kubectl set image " }
                        <input value={(*set_image).clone()} oninput={on_set_image} placeholder="container=image:tag" size="40" spellcheck="false" aria-label="CONTAINER=IMAGE" />
                    </label>
                    <label><input type="checkbox" checked={*fail} onchange={on_fail} />{ " the new image cannot be pulled" }</label>
                    <button type="submit" data-action="start-update">{ "Start update" }</button>
                    if props.share != ShareTo::Nowhere {
                        <button type="button" onclick={on_share} data-action="share">{ "Copy share link" }</button>
                    }
                    if let Some(note) = *share_note {
                        <span class="share-note" data-share="note" role="status">{ note }</span>
                    }
                    if let Some(link) = &*share_link {
                        <input class="share-link" type="text" readonly=true value={link.clone()} aria-label="Share link" data-share="link" onfocus={Callback::from(|e: FocusEvent| { let input: HtmlInputElement = e.target_unchecked_into(); input.select(); })} />
                    }
                </form>
                if let Some(to) = to_text.as_ref().filter(|_| *to_open) {
                    <div class="editor updated" data-update="template">
                        <label for="editor-updated">{ "The DaemonSet as edited, to apply (" }<code>{ "kubectl apply -f updated.yaml" }</code>{ "): change its template, strategy or anything else" }</label>
                        <Editor id="editor-updated" label="Edited DaemonSet YAML" hook="updated" text={Text::clone(to)} markers={to_markers} oninput={on_to} ondrop={Callback::from(|e: DragEvent| e.prevent_default())} />
                        if !to_errors.is_empty() {
                            <ul class="errors" role="alert">{ for to_errors.iter().map(|e| html! { <li>{ describe(e) }</li> }) }</ul>
                        }
                        <p class="actions">
                            <button type="button" onclick={on_apply} data-action="start-apply" disabled={!to_errors.is_empty() || analysis.is_err()}>{ "Apply and start the update" }</button>
                            <button type="button" class="small" onclick={on_reset_template} data-action="reset-template" title="Start again from the DaemonSet editor's text">{ "Start again from the DaemonSet" }</button>
                            <button type="button" class="small" onclick={on_close_template} data-action="close-template" title="Hide the editor; its text is kept">{ "Close" }</button>
                        </p>
                    </div>
                } else {
                    <p class="actions">
                        <button type="button" class="small" onclick={on_edit_template} data-action="edit-template">{ "…or edit the DaemonSet and apply it" }</button>
                    </p>
                }
                if let Some(message) = rollout_error.as_ref() {
                    <p class="errors" role="alert">{ message }</p>
                }
                <div class="controls" data-rollout-outcome={outcome}>
                    <button type="button" ref={back_button.clone()} onclick={step(-1)} data-action="step-back" disabled={rollout.is_none() || *index == 0}>{ "◀ Back" }</button>
                    <button type="button" onclick={on_play} data-action="play" disabled={rollout.is_none()}>{ if *playing { "Pause" } else { "Play" } }</button>
                    <button type="button" ref={forward_button.clone()} onclick={step(1)} data-action="step-forward" disabled={rollout.is_none() || *index >= length}>{ "Forward ▶" }</button>
                    <input type="range" min="0" max={length.to_string()} value={index.to_string()} oninput={on_scrub} disabled={rollout.is_none()} aria-label="Timeline" />
                    <span class="position">{ format!("step {} of {length}", *index) }</span>
                </div>
                if let Some(list) = scenario.as_ref().map(|s| &s.faults).filter(|f| rollout.is_some() && !f.is_empty()) {
                    <p class="faults" data-faults="list">{ "Faults: " }{ for list.iter().enumerate().map(|(i, f)| {
                        let text = faults::describe(f);
                        html! {
                            <span class="fault" data-fault={f.clone()}>
                                <code>{ text.clone() }</code>
                                <button type="button" class="small" onclick={remove_fault(i)} data-action="remove-fault" title="Remove this fault and simulate again" aria-label={format!("Remove the fault: {text}")}>{ "×" }</button>
                            </span>
                        }
                    }) }</p>
                }
            </section>
            <section class="cluster">
                <form class="kubectl" onsubmit={on_command}>
                    <label for="kubectl-command"><code>{ "$ kubectl" }</code></label>
                    <input id="kubectl-command" value={(*command).clone()} oninput={on_command_input} placeholder="taint nodes worker-1 dedicated=gpu:NoSchedule" size="48" spellcheck="false" aria-label="kubectl node command" data-kubectl="command" />
                    <button type="submit" data-action="kubectl">{ "Run" }</button>
                    <button type="button" onclick={on_add_node} data-action="add-node">{ "Add a node" }</button>
                    if !edits.is_empty() {
                        <button type="button" onclick={on_undo_edit} data-action="undo-edit">{ "Undo last edit" }</button>
                    }
                </form>
                if let Some(answer) = reply.as_ref() {
                    <pre class={if answer.is_ok() { "reply" } else { "reply error" }} data-kubectl="reply">{ match answer { Ok(t) | Err(t) => t.clone() } }</pre>
                }
                if !edits.is_empty() {
                    <ul class="edits" data-kubectl="edits">{ for edits.iter().map(|e| html! { <li><code>{ e.command() }</code></li> }) }</ul>
                }
                <input class="filter" type="search" placeholder="Filter nodes by name, label, taint or reason" value={(*filter).clone()} oninput={on_filter} aria-label="Filter nodes" />
                { body }
            </section>
            if let Ok(a) = analysis.as_ref() {
                <Terminal
                    manifests={Rc::clone(&a.manifests)}
                    daemon_set={Text::clone(&settled.0)}
                    cluster={Text::clone(&settled.1)}
                    edits={Rc::new(edits.iter().map(NodeEdit::command).collect::<Vec<_>>())}
                    name={a.placement.name.clone()}
                    set_image={next_image(&set_image)}
                    request={(*terminal_request).clone()}
                    on_request_done={on_request_done}
                    kubectl={props.kubectl.clone()}
                />
            }
        </div>
    }
}

/// The number of lines of `text`, counting bytes rather than splitting it (quick for a
/// dump of many megabytes).
fn line_count(text: &str) -> usize {
    let newlines = text.bytes().filter(|&b| b == b'\n').count();
    newlines + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// `NAME=IMAGE` of the first container of the first DaemonSet in `text`, to start the
/// update box from (the user edits the tag); empty when the text has none.
fn first_container_image(text: &str) -> String {
    let Ok(manifests) = daemonset_sim::manifest::read(&[daemonset_sim::manifest::Source {
        name: DS_FILE,
        text,
    }]) else {
        return String::new();
    };
    manifests
        .daemon_sets
        .first()
        .and_then(|ds| ds.object.spec.template.spec.as_ref())
        .and_then(|spec| spec.containers.first())
        .map(|c| format!("{}={}", c.name, c.image.as_deref().unwrap_or("")))
        .unwrap_or_default()
}

/// The update box's `CONTAINER=IMAGE` with the tag bumped when it ends in a number
/// (`fluentd=fluentd:v1.14` gives `fluentd=fluentd:v1.15`), for the terminal's example.
fn next_image(set_image: &str) -> String {
    let digits = set_image.len()
        - set_image
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .len();
    if digits == 0 || !set_image.contains(':') {
        return set_image.to_owned();
    }
    let (head, number) = set_image.split_at(set_image.len() - digits);
    match number.parse::<u64>() {
        Ok(n) => format!("{head}{}", n.saturating_add(1)),
        Err(_) => set_image.to_owned(),
    }
}

/// The status line, counters and node cards for the placement, or for the rollout at
/// `index`.
fn view_cluster(
    a: &Analysis,
    rollout: Option<&Rollout>,
    index: usize,
    filter: &str,
    on_edit: &Callback<String>,
    on_fault: &Callback<(Fault, String)>,
) -> Html {
    let state = rollout.and_then(|r| r.state_at(index));
    let (status, message, time) = match rollout {
        Some(r) if index > 0 => r
            .steps
            .get(index - 1)
            .map(|s| (Some(s.status), s.message.clone(), s.time))
            .unwrap_or((None, String::new(), 0)),
        Some(r) => (Some(r.initial_status), r.initial_message.clone(), 0),
        None => (None, String::new(), 0),
    };
    let desired = status.map_or(i64::from(a.placement.desired_number_scheduled), |s| {
        s.desired_number_scheduled
    });
    let to = rollout.map(|r| r.revisions.to.clone());
    let needle = filter.trim().to_lowercase();
    let mut cards: Vec<Card> = Vec::new();
    for (placed, info) in a.placement.nodes.iter().zip(&a.nodes) {
        let mut reasons: Vec<String> = placed
            .reasons
            .iter()
            .map(|r| r.message.to_string())
            .collect();
        // During a rollout the node as it is at that moment (faults cordon, taint it or
        // take it down); else as the cluster text and the edits say.
        let mut now_flags = Vec::new();
        let mut taints = info.taints.clone();
        let (pod, updated, pods) =
            match state.and_then(|s| s.nodes().find(|n| *n.name == *placed.node)) {
                Some(node) => {
                    if node.cordoned {
                        now_flags.push("cordoned");
                    }
                    if !node.ready {
                        now_flags.push("NotReady");
                    }
                    taints.clone_from(&node.taints);
                    // Why not, as the controller sees the node at this moment.
                    reasons = node.reasons.iter().map(|r| r.message.to_string()).collect();
                    let min_ready = state.map_or(0, |s| s.min_ready);
                    let now = state.map_or(0, |s| s.time);
                    let pod = match node.pods.first() {
                        None => "none",
                        Some(p) if p.ready() => "running",
                        Some(_) => "pending",
                    };
                    let updated = node.pods.first().is_some_and(|p| {
                        Some(&p.revision) == to.as_ref() && p.available(min_ready, now)
                    });
                    let pods = node
                        .pods
                        .iter()
                        .map(|p| {
                            let what = if p.available(min_ready, now) {
                                "available"
                            } else if p.ready() {
                                "ready"
                            } else {
                                "starting"
                            };
                            if let Some(problem) = &p.problem {
                                reasons.push(problem.to_string());
                            }
                            format!("{} ({}, {what})", p.name, p.revision)
                        })
                        .collect();
                    let wanted = node.should_run || !node.pods.is_empty();
                    (pod, wanted.then_some(updated), pods)
                }
                None => {
                    if info.cordoned {
                        now_flags.push("cordoned");
                    }
                    (placed.pod.as_str(), None, Vec::new())
                }
            };
        let c = Card {
            name: info.name.clone(),
            role: info.role.clone(),
            labels: info.labels.clone(),
            taints,
            cordoned: info.cordoned,
            flags: now_flags,
            pod,
            updated,
            pods,
            reasons,
        };
        if needle.is_empty() || matches(&c, &needle) {
            cards.push(c);
        }
    }
    let shown = cards.len().min(MAX_CARDS);
    let hidden = cards.len() - shown;
    html! {
        <>
            <div class="summary" data-desired={desired.to_string()}>
                <h2>{ format!("DaemonSet {}/{}", a.placement.namespace, a.placement.name) }</h2>
                <dl>
                    <dt>{ "desired" }</dt><dd>{ desired }</dd>
                    if let Some(s) = status {
                        <dt>{ "current" }</dt><dd>{ s.current_number_scheduled }</dd>
                        <dt>{ "ready" }</dt><dd>{ s.number_ready }</dd>
                        <dt>{ "up-to-date" }</dt><dd>{ s.updated_number_scheduled }</dd>
                        <dt>{ "available" }</dt><dd>{ s.number_available }</dd>
                        <dt>{ "unavailable" }</dt><dd>{ s.number_unavailable }</dd>
                        <dt>{ "misscheduled" }</dt><dd>{ s.number_misscheduled }</dd>
                    }
                </dl>
                if let Some(r) = rollout {
                    <p class="strategy">{ format!("{} · revision {} → {}", r.strategy, r.revisions.from, r.revisions.to) }</p>
                    <p class="message" data-time={time.to_string()}>
                        <code>{ format!("t={}s $ kubectl rollout status ds/{}", time / 1000, a.placement.name) }</code>
                        <br />{ message }
                    </p>
                    if index >= r.steps.len() {
                        <p class="outcome">{ &r.reason }</p>
                    }
                }
            </div>
            <div class="nodes">
                { for cards.iter().take(shown).map(|c| card(c, on_edit, on_fault)) }
            </div>
            if hidden > 0 {
                <p class="more">{ format!("{hidden} more node(s) match; narrow the filter to see them.") }</p>
            }
        </>
    }
}

fn matches(c: &Card, needle: &str) -> bool {
    c.name.to_lowercase().contains(needle)
        || c.role.to_lowercase().contains(needle)
        || c.labels
            .iter()
            .chain(&c.taints)
            .chain(&c.reasons)
            .any(|t| t.to_lowercase().contains(needle))
        || c.pod == needle
}
