//! A YAML editor: a textarea over a highlighted copy of its text, with a line-number
//! gutter that marks the lines an error points at (hover a marked number for the
//! message). The gutter and the highlighting scroll with the text.

use std::rc::Rc;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

/// Gutters and highlighting are drawn up to this many lines; longer texts get neither
/// (a large dump).
const MAX_GUTTER_LINES: usize = 20_000;

/// One line of YAML as highlighted spans: comments, document markers, keys, list dashes
/// and quoted strings. A light tokenizer for colour only; the parser decides validity.
fn highlight_line(line: &str) -> Html {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.starts_with('#') {
        return html! { <>{ indent }<span class="y-comment">{ trimmed }</span>{ "\n" }</> };
    }
    if trimmed == "---" || trimmed == "..." || trimmed.starts_with("--- ") {
        return html! { <>{ indent }<span class="y-doc">{ trimmed }</span>{ "\n" }</> };
    }
    let (dash, rest) = match trimmed.strip_prefix("- ") {
        Some(rest) => ("- ", rest),
        None if trimmed == "-" => ("-", ""),
        None => ("", trimmed),
    };
    let (key, value) = match key_split(rest) {
        Some((k, v)) => (Some(k), v),
        None => (None, rest),
    };
    let (value, comment) = split_comment(value);
    let value_class = if value.trim_start().starts_with(['"', '\'']) {
        "y-string"
    } else {
        "y-value"
    };
    html! {
        <>
            { indent }
            if !dash.is_empty() { <span class="y-dash">{ dash }</span> }
            if let Some(k) = key { <span class="y-key">{ k }</span> }
            <span class={value_class}>{ value }</span>
            if !comment.is_empty() { <span class="y-comment">{ comment }</span> }
            { "\n" }
        </>
    }
}

/// `key:` at the start of `text` (a plain or quoted key followed by `:` and a space or the
/// end), and the rest.
fn key_split(text: &str) -> Option<(&str, &str)> {
    let end = if text.starts_with(['"', '\'']) {
        let quote = text.chars().next()?;
        text[1..].find(quote).map(|i| i + 2)?
    } else {
        text.find(": ")
            .or_else(|| text.ends_with(':').then(|| text.len() - 1))?
    };
    let colon = end + text[end..].find(':')?;
    if text[..colon].contains(['{', '[', ',']) {
        return None;
    }
    Some(text.split_at(colon + 1))
}

/// A value and its trailing ` # comment`, outside quotes.
fn split_comment(text: &str) -> (&str, &str) {
    let mut quote = None;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), c) if c == q => quote = None,
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' => return text.split_at(i),
            _ => {}
        }
    }
    (text, "")
}

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
    let layer = use_node_ref();
    let onscroll = {
        let gutter = gutter.clone();
        let layer = layer.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<Element>() {
                g.set_scroll_top(area.scroll_top());
            }
            if let Some(l) = layer.cast::<Element>() {
                l.set_scroll_top(area.scroll_top());
                l.set_scroll_left(area.scroll_left());
            }
        })
    };
    let lines = props.text.lines().count().max(1) + usize::from(props.text.ends_with('\n'));
    let highlighted = lines <= MAX_GUTTER_LINES;
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
            <div class="layers">
                if highlighted {
                    <pre class="highlight" ref={layer} aria-hidden="true">{ for props.text.split('\n').map(highlight_line) }</pre>
                }
                <textarea id={props.id.clone()} class={if highlighted { "over" } else { "" }} spellcheck="false" value={props.text.to_string()}
                    oninput={props.oninput.clone()} onscroll={onscroll} ondrop={props.ondrop.clone()}
                    ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                    aria-label={props.label.clone()} data-editor={props.hook.clone()} />
            </div>
        </div>
    }
}
