//! A YAML editor: a textarea with a line-number gutter that marks the lines an error
//! points at (hover a marked number for the message). The gutter scrolls with the text.

use std::rc::Rc;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

/// Gutters are drawn up to this many lines; longer texts get none (a large dump).
const MAX_GUTTER_LINES: usize = 20_000;

/// An error's place in this editor's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// 1-based line.
    pub line: u32,
    /// What is wrong there.
    pub message: String,
}

/// The editor's properties.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text.
    pub text: Rc<str>,
    /// Errors in this text.
    pub markers: Vec<Marker>,
    /// The textarea's id (its label points at it).
    pub id: AttrValue,
    /// Its accessible name.
    pub label: AttrValue,
    /// The `data-editor` hook.
    pub hook: AttrValue,
    /// Typing.
    pub oninput: Callback<InputEvent>,
    /// A file dropped on it.
    pub ondrop: Callback<DragEvent>,
}

/// The editor.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<Element>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    let lines = props.text.lines().count().max(1) + usize::from(props.text.ends_with('\n'));
    let gutter_html = if lines <= MAX_GUTTER_LINES {
        html! {
            <div class="gutter" ref={gutter} aria-hidden="true">
                { for (1..=lines).map(|n| {
                    let marker = props.markers.iter().find(|m| m.line as usize == n);
                    match marker {
                        Some(m) => html! { <div class="marked" data-line={n.to_string()} title={m.message.clone()}>{ n }</div> },
                        None => html! { <div>{ n }</div> },
                    }
                }) }
            </div>
        }
    } else {
        html! {}
    };
    html! {
        <div class="code">
            { gutter_html }
            <textarea id={props.id.clone()} spellcheck="false" value={props.text.to_string()}
                oninput={props.oninput.clone()} onscroll={onscroll} ondrop={props.ondrop.clone()}
                ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                aria-label={props.label.clone()} data-editor={props.hook.clone()} />
        </div>
    }
}
