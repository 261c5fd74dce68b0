//! A YAML editor: a textarea over a highlighted copy of its text, with a line-number
//! gutter that marks the lines an error points at (hover a marked number for the
//! message), and in the highlighted copy a wavy underline from the error's column
//! (`[data-error-at="LINE:COLUMN"]`). The gutter and the highlighting scroll with the text.

use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

/// Gutters and highlighting are drawn up to this many lines; longer texts get neither
/// (a large dump).
const MAX_GUTTER_LINES: usize = 20_000;

/// A piece of a highlighted line: its class (`None`: plain text) and its text.
type Segment<'a> = (Option<&'static str>, &'a str);

/// One line of YAML cut into classed pieces: comments, document markers, keys, list
/// dashes and quoted strings. A light tokenizer for colour only; the parser decides
/// validity. The pieces put together give the line back.
fn segments(line: &str) -> Vec<Segment<'_>> {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.starts_with('#') {
        return vec![(None, indent), (Some("y-comment"), trimmed)];
    }
    if trimmed == "---" || trimmed == "..." || trimmed.starts_with("--- ") {
        return vec![(None, indent), (Some("y-doc"), trimmed)];
    }
    let (dash, rest) = match trimmed.strip_prefix("- ") {
        Some(rest) => ("- ", rest),
        None if trimmed == "-" => ("-", ""),
        None => ("", trimmed),
    };
    let (key, value) = match key_split(rest) {
        Some((k, v)) => (k, v),
        None => ("", rest),
    };
    let (value, comment) = split_comment(value);
    let value_class = if value.trim_start().starts_with(['"', '\'']) {
        "y-string"
    } else {
        "y-value"
    };
    vec![
        (None, indent),
        (Some("y-dash"), dash),
        (Some("y-key"), key),
        (Some(value_class), value),
        (Some("y-comment"), comment),
    ]
}

/// Draws pieces of a line.
fn draw(segments: &[Segment<'_>]) -> Html {
    html! {
        { for segments.iter().filter(|(_, text)| !text.is_empty()).map(|&(class, text)| match class {
            Some(class) => html! { <span class={class}>{ text }</span> },
            None => html! { { text } },
        }) }
    }
}

/// The pieces of `segments` between byte offsets `from` and `to` of the line.
fn cut<'a>(segments: &[Segment<'a>], from: usize, to: usize) -> Vec<Segment<'a>> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(class, text) in segments {
        let (start, end) = (at, at + text.len());
        at = end;
        let (a, b) = (from.max(start), to.min(end));
        if a < b {
            out.push((class, &text[a - start..b - start]));
        }
    }
    out
}

/// Where an error is drawn on its line: the byte range it underlines (from its column to
/// the end of the word there, at least one character), or `None` when the column is past
/// the end of the line (a caret is drawn after the text instead).
fn error_span(line: &str, column: u32) -> Option<(usize, usize)> {
    let skip = usize::try_from(column.saturating_sub(1)).ok()?;
    let (start, first) = line.char_indices().nth(skip)?;
    if first.is_whitespace() {
        return Some((start, start + first.len_utf8()));
    }
    let end = line[start..]
        .find(char::is_whitespace)
        .map_or(line.len(), |i| start + i);
    Some((start, end))
}

/// One highlighted line, with the errors that point into it (by column) wrapped in
/// `[data-error-at="LINE:COLUMN"]` spans titled with their message.
fn highlight_line(number: usize, line: &str, markers: &[&Marker]) -> Html {
    let segments = segments(line);
    let mut pieces: Vec<Html> = Vec::new();
    let mut done = 0;
    let mut caret = None;
    let mut columns: Vec<(&Marker, u32)> = markers
        .iter()
        .filter_map(|m| Some((*m, m.column?)))
        .collect();
    daemonset_sim::order::sort_by_key(&mut columns, |&(_, c)| c);
    for (marker, column) in columns {
        let hook = format!("{number}:{column}");
        match error_span(line, column) {
            Some((start, end)) if start >= done => {
                pieces.push(draw(&cut(&segments, done, start)));
                pieces.push(html! {
                    <span class="error-at" data-error-at={hook} title={marker.message.clone()}>{ draw(&cut(&segments, start, end)) }</span>
                });
                done = end;
            }
            Some(_) => {}
            None => {
                caret.get_or_insert((hook, marker.message.clone()));
            }
        }
    }
    pieces.push(draw(&cut(&segments, done, line.len())));
    html! {
        <>
            { for pieces }
            if let Some((hook, message)) = caret {
                <span class="error-at caret" data-error-at={hook} title={message}>{ " " }</span>
            }
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
    /// 1-based column in characters, when known.
    pub column: Option<u32>,
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
    // The markers by line, looked up once per line drawn.
    let mut by_line: BTreeMap<usize, Vec<&Marker>> = BTreeMap::new();
    for m in &props.markers {
        by_line.entry(m.line as usize).or_default().push(m);
    }
    let gutter_html = if highlighted {
        html! {
            <div class="gutter" ref={gutter} aria-hidden="true">
                { for (1..=lines).map(|n| {
                    match by_line.get(&n).and_then(|ms| ms.first()) {
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
                    <pre class="highlight" ref={layer} aria-hidden="true">{ for props.text.split('\n').enumerate().map(|(i, line)| {
                        highlight_line(i + 1, line, by_line.get(&(i + 1)).map_or(&[], Vec::as_slice))
                    }) }</pre>
                }
                <textarea id={props.id.clone()} class={if highlighted { "over" } else { "" }} spellcheck="false" value={props.text.to_string()}
                    oninput={props.oninput.clone()} onscroll={onscroll} ondrop={props.ondrop.clone()}
                    ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                    aria-label={props.label.clone()} data-editor={props.hook.clone()} />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_underlines_from_its_column_to_the_end_of_its_word() {
        assert_eq!(error_span("  tempalte:", 3), Some((2, 11)));
        assert_eq!(
            error_span("    effect: NoSchedul # typo", 13),
            Some((12, 21))
        );
        // Columns count characters, not bytes.
        assert_eq!(error_span("é: [x", 4), Some((4, 6)));
        assert_eq!(error_span("a: b", 2), Some((1, 2)));
        assert_eq!(error_span("a: b", 3), Some((2, 3)));
        assert_eq!(error_span("ab", 3), None);
    }

    #[test]
    fn pieces_give_the_line_back_and_cut_across_them() {
        for line in [
            "  - name: \"x\" # c",
            "# only",
            "---",
            "key: value",
            "",
            "-",
        ] {
            let pieces = segments(line);
            let joined: String = pieces.iter().map(|(_, t)| *t).collect();
            assert_eq!(joined, line);
        }
        let pieces = segments("  key: value");
        assert_eq!(
            cut(&pieces, 4, 9),
            vec![(Some("y-key"), "y:"), (Some("y-value"), " va")]
        );
    }
}
