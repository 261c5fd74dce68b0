//! A quick reader for the plain block-style YAML that `kubectl get -o yaml` and the API
//! server write: mappings and sequences by indentation, one `key: value` per line, plain and
//! simply quoted scalars, `{}` and `[]`. For such text it builds the same [`Tree`] that
//! serde_yaml builds, several times faster (libyaml is most of the time it takes to read a
//! large node dump, and more so in WebAssembly).
//!
//! It declines (returns `None`) on anything else: other flow collections, block and
//! multi-line scalars, escapes, comments, anchors, aliases, tags, directives, tabs, blank
//! lines, text that is not printable ASCII, and every kind of mistake. The caller then
//! parses the text with serde_yaml, which also says what is wrong with it. A property test
//! checks that whatever this reader accepts, serde_yaml reads to the same tree.

use super::tree::{repeated_key, Tree};
use std::borrow::Cow;
use std::num::ParseIntError;

/// How deep blocks may nest before the reader declines (serde_yaml refuses beyond 128).
const MAX_DEPTH: usize = 64;

/// The longest key the reader takes (libyaml refuses simple keys over 1024 characters).
const MAX_KEY: usize = 1000;

/// Reads a whole block-style document, or declines.
pub fn read(text: &str) -> Option<Tree<'_>> {
    let mut reader = Reader::new(text)?;
    let Some(first) = reader.line else {
        return Some(Tree::Null);
    };
    let tree = reader.node(first.indent)?;
    reader.line.is_none().then_some(tree)
}

/// Reads a list item as [`super::split::list_items`] cuts it (a one-element block
/// sequence) and returns the element, or declines.
pub fn read_item(text: &str) -> Option<Tree<'_>> {
    match read(text)? {
        Tree::Seq(mut items) if items.len() == 1 => items.pop(),
        _ => None,
    }
}

/// One line with content: its indentation and its text without the spaces around it.
#[derive(Debug, Clone, Copy)]
struct Line<'t> {
    indent: usize,
    content: &'t str,
}

struct Reader<'t> {
    /// The text after the current line.
    rest: &'t str,
    /// The current line; after a sequence's `- `, what follows the dash, at its column.
    line: Option<Line<'t>>,
    depth: usize,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Option<Self> {
        if !text
            .bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
        {
            return None;
        }
        let mut reader = Self {
            rest: text,
            line: None,
            depth: 0,
        };
        reader.advance()?;
        Some(reader)
    }

    /// Moves to the next line (none at the end); declines blank lines, comments and
    /// document markers.
    fn advance(&mut self) -> Option<()> {
        if self.rest.is_empty() {
            self.line = None;
            return Some(());
        }
        let (line, rest) = match self.rest.find('\n') {
            Some(at) => (&self.rest[..at], &self.rest[at + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        let content = content.trim_end_matches(' ');
        if content.is_empty()
            || content.starts_with('#')
            || (indent == 0 && (content.starts_with("---") || content.starts_with("...")))
        {
            return None;
        }
        self.line = Some(Line { indent, content });
        Some(())
    }

    /// The block starting at the current line, whose lines stand at `indent`.
    fn node(&mut self, indent: usize) -> Option<Tree<'t>> {
        let line = self.line?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let tree = if item_rest(line.content).is_some() {
            self.sequence(indent)
        } else if split_key(line.content).is_some() {
            self.mapping(indent)
        } else {
            // A scalar on lines of its own: multi-line, or a mistake.
            None
        };
        self.depth -= 1;
        tree
    }

    /// After a scalar that ends a line: moves on, and declines if the next line is deeper
    /// than `indent` (a multi-line scalar, or a mistake).
    fn after_scalar(&mut self, indent: usize) -> Option<()> {
        self.advance()?;
        match self.line {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    fn sequence(&mut self, indent: usize) -> Option<Tree<'t>> {
        let mut items = Vec::new();
        while let Some(line) = self.line {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            // A key at the sequence's column: the mapping that holds it goes on.
            let Some(rest) = item_rest(line.content) else {
                break;
            };
            if rest.is_empty() {
                self.advance()?;
                items.push(match self.line {
                    Some(next) if next.indent > indent => self.node(next.indent)?,
                    _ => Tree::Null,
                });
                continue;
            }
            let column = indent + line.content.len() - rest.len();
            if item_rest(rest).is_some() || split_key(rest).is_some() {
                self.line = Some(Line {
                    indent: column,
                    content: rest,
                });
                items.push(self.node(column)?);
            } else {
                items.push(scalar(rest)?);
                self.after_scalar(indent)?;
            }
        }
        Some(Tree::Seq(items))
    }

    fn mapping(&mut self, indent: usize) -> Option<Tree<'t>> {
        let mut entries = Vec::new();
        while let Some(line) = self.line {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (key, value) = split_key(line.content)?;
            let key = key_text(key)?;
            let value = if value.is_empty() {
                self.advance()?;
                match self.line {
                    Some(next) if next.indent > indent => self.node(next.indent)?,
                    Some(next) if next.indent == indent && item_rest(next.content).is_some() => {
                        self.sequence(indent)?
                    }
                    _ => Tree::Null,
                }
            } else {
                let value = scalar(value)?;
                self.after_scalar(indent)?;
                value
            };
            entries.push((key, value));
        }
        if repeated_key(&entries).is_some() {
            return None;
        }
        Some(Tree::Map(entries))
    }
}

/// What follows a sequence entry's dash (`""` for a lone `-`), or `None` if `content` is
/// not a sequence entry.
fn item_rest(content: &str) -> Option<&str> {
    if content == "-" {
        return Some("");
    }
    content
        .strip_prefix("- ")
        .map(|rest| rest.trim_start_matches(' '))
}

/// A `key: value` (or `key:`) line split into its key's text as written and its value's
/// text (`""` when on the next lines); `None` when `content` is not such a line.
fn split_key(content: &str) -> Option<(&str, &str)> {
    let bytes = content.as_bytes();
    let key_end = if let Some(quote @ (b'"' | b'\'')) = bytes.first() {
        bytes[1..].iter().position(|b| b == quote)? + 2
    } else {
        // The first colon before a space or the end of the line.
        let mut from = 0;
        loop {
            let at = from + bytes[from..].iter().position(|b| *b == b':')?;
            if bytes.get(at + 1).is_none_or(|b| *b == b' ') {
                break at;
            }
            from = at + 1;
        }
    };
    let after = content[key_end..].strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    Some((&content[..key_end], after.trim_start_matches(' ')))
}

/// The text of a key as the YAML-to-JSON conversion writes it (a scalar's text, unresolved).
fn key_text(key: &str) -> Option<Cow<'_, str>> {
    if key.len() > MAX_KEY {
        return None;
    }
    if key.starts_with(['"', '\'']) {
        return quoted(key);
    }
    let plain = !key.is_empty()
        && !key.starts_with(INDICATORS)
        && !key.starts_with('-')
        && !key.ends_with(' ')
        && !key.contains(" #");
    plain.then_some(Cow::Borrowed(key))
}

/// Characters that cannot start a plain scalar (besides `-`, `?` and `:` before a space).
const INDICATORS: [char; 17] = [
    '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ',', '\\',
];

/// A quoted scalar without escapes, or `None`.
fn quoted(text: &str) -> Option<Cow<'_, str>> {
    if text.len() < 2 {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    if text.starts_with('"') && text.ends_with('"') {
        return (!inner.contains(['"', '\\'])).then_some(Cow::Borrowed(inner));
    }
    if text.starts_with('\'') && text.ends_with('\'') {
        if !inner.contains('\'') {
            return Some(Cow::Borrowed(inner));
        }
        return (!inner.replace("''", "").contains('\''))
            .then(|| Cow::Owned(inner.replace("''", "'")));
    }
    None
}

/// A value written on its key's line, or after a sequence entry's dash.
fn scalar<'t>(text: &str) -> Option<Tree<'t>> {
    match text {
        "{}" => return Some(Tree::Map(Vec::new())),
        "[]" => return Some(Tree::Seq(Vec::new())),
        _ => {}
    }
    if text.starts_with(['"', '\'']) {
        return quoted(text).map(|s| Tree::String(s.into_owned()));
    }
    let bytes = text.as_bytes();
    let indicator = text.starts_with(INDICATORS)
        || (matches!(bytes.first(), Some(b'-' | b'?' | b':'))
            && bytes.get(1).is_none_or(|b| *b == b' '));
    let spaced = bytes.contains(&b' ') && (text.contains(": ") || text.contains(" #"));
    if indicator || spaced || text.ends_with(':') {
        return None;
    }
    plain(text)
}

/// A plain scalar resolved as serde_yaml 0.9 resolves it (YAML 1.2's core schema, with
/// its spellings): null, booleans, integers (also hexadecimal, octal and binary), floats,
/// and strings. Integers beyond 64 bits decline, as the tree cannot hold them.
fn plain<'t>(v: &str) -> Option<Tree<'t>> {
    match v {
        "~" | "null" | "Null" | "NULL" => return Some(Tree::Null),
        "true" | "True" | "TRUE" => return Some(Tree::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Tree::Bool(false)),
        _ => {}
    }
    // Neither an integer nor a finite float can start otherwise.
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Some(Tree::String(v.to_owned()));
    }
    if let Some(u) = parse_unsigned_int(v, u64::from_str_radix) {
        return Some(Tree::Unsigned(u));
    }
    if let Some(i) = parse_negative_int(v, i64::from_str_radix) {
        return Some(u64::try_from(i).map_or(Tree::Signed(i), Tree::Unsigned));
    }
    if parse_unsigned_int(v, u128::from_str_radix).is_some()
        || parse_negative_int(v, i128::from_str_radix).is_some()
    {
        return None;
    }
    if !digits_but_not_number(v) {
        if let Some(f) = parse_f64(v) {
            return Some(Tree::Float(f));
        }
    }
    Some(Tree::String(v.to_owned()))
}

// The four functions below follow serde_yaml 0.9.34's `de.rs`, so that both readers
// resolve every plain scalar alike.

fn parse_unsigned_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if let Ok(int) = from_str_radix(&format!("-{rest}"), radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => scalar,
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros followed by digits: a string in YAML 1.2.
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn libyaml(text: &str) -> Option<Tree<'_>> {
        serde_yaml::from_str(text).ok()
    }

    /// Whatever the quick reader accepts, serde_yaml reads alike.
    pub(super) fn agrees(text: &str) -> bool {
        let Some(quick) = read(text) else {
            return true;
        };
        let slow = libyaml(text);
        // NaN is not equal to itself; compare through text.
        let same = format!("{slow:?}") == format!("{:?}", Some(&quick));
        assert!(same, "{text:?}\nquick: {quick:?}\nslow:  {slow:?}");
        same
    }

    #[test]
    fn reads_a_kubectl_node_as_serde_yaml_does() {
        let item = "- apiVersion: v1\n  kind: Node\n  metadata:\n    annotations:\n    labels:\n      kubernetes.io/hostname: ip-10-0-0-4\n      node-role.kubernetes.io/control-plane: \"\"\n    name: ip-10-0-0-4\n    resourceVersion: \"55003167\"\n  spec:\n    podCIDRs:\n    - 100.64.0.0/24\n    taints:\n    - effect: NoSchedule\n      key: node-role.kubernetes.io/control-plane\n    unschedulable: true\n  status:\n    allocatable:\n      cpu: 3920m\n      pods: \"110\"\n    conditions:\n    - lastHeartbeatTime:\n      status: \"True\"\n      type: Ready\n    daemonEndpoints:\n      kubeletEndpoint:\n        Port: 10250\n    images: []\n    x: {}\n";
        let quick = read_item(item);
        assert!(quick.is_some());
        let mut slow: Vec<Tree<'_>> = serde_yaml::from_str(item).unwrap_or_default();
        assert_eq!(quick, slow.pop());
        assert!(agrees(item));
    }

    #[test]
    fn resolves_plain_scalars_as_serde_yaml_does() {
        let scalars = [
            "0",
            "-0",
            "+0",
            "00",
            "012",
            "-012",
            "0x1F",
            "0X1F",
            "-0x1F",
            "0x-1",
            "0o17",
            "-0o17",
            "0b101",
            "-0b101",
            "0b2",
            "+1",
            "++1",
            "+-1",
            "-",
            "1.5",
            "-1.5",
            "+1.5",
            "1.",
            ".5",
            "1e3",
            "1E3",
            "-1e-3",
            "1_000",
            ".inf",
            "-.inf",
            "+.inf",
            ".Inf",
            ".NaN",
            ".nan",
            "nan",
            "inf",
            "infinity",
            "-inf",
            "true",
            "True",
            "TRUE",
            "tRue",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "null",
            "Null",
            "NULL",
            "nULL",
            "~",
            "3920m",
            "15Gi",
            "10.0.0.4",
            "100.64.0.0/24",
            "2025-03-01",
            "1:2",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999999999999999999",
            "1.7976931348623157e309",
            "0.",
            "-.",
            ".",
            "+",
            "-1",
            "v1.2",
            "a b",
            "a'b",
            "a\"b",
            "a#b",
            "a,b",
            "a]b",
        ];
        for s in scalars {
            assert!(agrees(&format!("k: {s}\n")), "{s}");
            assert!(agrees(&format!("- {s}\n")), "{s}");
            assert!(agrees(&format!("{s}: v\n")), "{s}");
        }
        assert_eq!(
            read("k: 0x1F\n").and_then(|t| t.get("k").cloned()),
            Some(Tree::Unsigned(31))
        );
        assert_eq!(
            read("k: '0x1F'\n").and_then(|t| t.get("k").cloned()),
            Some(Tree::String("0x1F".into()))
        );
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for text in [
            "a: 1\n\nb: 2\n",
            "a: 1 # note\n",
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: &x 1\nb: *x\n",
            "a: !tag 1\n",
            "a: \"esc\\n\"\n",
            "a: long\n  plain\n",
            "a:\n  plain\n",
            "a:\tb\n",
            "a: caf\u{e9}\n",
            "a: 1\na: 2\n",
            "a: b: c\n",
            "a: 1\n  b: 2\n",
            "- a\n - b\n",
            "? a\n: b\n",
            "a: 'it''s\n",
            "---\na: 1\n",
            "a: 1\r\n",
        ] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }

    #[test]
    fn nested_blocks_and_quotes_read_as_serde_yaml_does() {
        for text in [
            "a:\n- b\n- c: 1\n  d:\n  - e\n  f: {}\ng: []\n",
            "- - a\n  - b\n- -\n    - c\n",
            "-\n  a: 1\n-\n- x\n",
            "a:\n    b:\n        c: 'it''s'\n    d: \"q'\"\n",
            "\"a b\": 1\n'c: d': \"e: f\"\n",
            "k:{\"type\":\"Ready\"}:\n  f:status: {}\n",
            "-   a: 1\n    b: 2\n",
            "a: b:c\n",
            "a:\n",
            "",
        ] {
            assert!(read(text).is_some(), "{text:?}");
            assert!(agrees(text));
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::tests::agrees;
    use super::{read_item, Tree};
    use crate::split::NodeDetail;
    use proptest::prelude::*;

    /// A node as `kubectl get nodes -o yaml` lists it (the fixture's comment lines left out).
    fn node_item() -> String {
        include_str!("../../tests/fixtures/kubectl-node-item.yaml")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// `read_item` and serde_yaml agree on `item` whenever `read_item` accepts it.
    fn item_agrees(item: &str) -> bool {
        let Some(quick) = read_item(item) else {
            return true;
        };
        let mut slow: Vec<Tree<'_>> = serde_yaml::from_str(item).unwrap_or_default();
        let same = slow.len() == 1 && format!("{:?}", slow.pop()) == format!("{:?}", Some(&quick));
        assert!(same, "{item}");
        same
    }

    #[test]
    fn a_kubectl_node_is_read_quickly_whole_and_lean() {
        let item = node_item();
        assert!(read_item(&item).is_some());
        assert!(item_agrees(&item));
        for detail in [NodeDetail::Full, NodeDetail::Placement] {
            let lean = detail.lean_node(&item, 0).unwrap_or_default();
            assert!(read_item(&lean).is_some(), "{lean}");
            assert!(item_agrees(&lean));
        }
    }

    /// A random block-style document in kubectl's layout, with some of its lines damaged.
    fn document() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            "[a-z0-9.+\\-/]{1,8}",
            "[0-9]{1,4}",
            "(0x|0o|0b|-|\\+|\\.)?[0-9a-fA-F_.eE]{0,5}",
            "\"[a-z0-9 :'#]{0,6}\"",
            "'[a-z0-9 :\"#]{0,6}'",
            Just("{}".to_owned()),
            Just("[]".to_owned()),
            Just("".to_owned()),
            "(true|false|null|~|True|NULL|\\.inf|\\.nan)",
        ];
        let leaf = scalar.prop_map(|s| (s, Vec::<(String, String)>::new()));
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop::collection::vec(("[a-z]{1,3}", inner, any::<bool>()), 1..4).prop_map(|children| {
                let mut lines = Vec::new();
                for (key, (value, nested), as_list) in children {
                    lines.push((key, value));
                    // As a list: one entry holding the nested mapping, kubectl's layout.
                    for (i, (k, v)) in nested.into_iter().enumerate() {
                        let marker = if as_list && i == 0 { "- " } else { "  " };
                        lines.push((format!("{marker}{k}"), v));
                    }
                }
                (String::new(), lines)
            })
        })
        .prop_map(|(value, lines)| {
            if lines.is_empty() {
                return format!("k: {value}\n");
            }
            lines
                .iter()
                .map(|(k, v)| {
                    if v.is_empty() {
                        format!("{k}:\n")
                    } else {
                        format!("{k}: {v}\n")
                    }
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn whatever_it_accepts_serde_yaml_reads_alike(
            text in document(),
            at in any::<prop::sample::Index>(),
            junk in "[ :\\-\\[\\]{}#&*!|>'\"a-z0-9\\n]{0,3}",
        ) {
            let at = at.index(text.len() + 1);
            let mut damaged = text.clone();
            if damaged.is_char_boundary(at) {
                damaged.insert_str(at, &junk);
            }
            prop_assert!(agrees(&text));
            prop_assert!(agrees(&damaged));
        }

        #[test]
        fn damaged_kubectl_nodes_read_alike(
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), 0usize..4, "[ :\\-\\[\\]{}#&*!|>'\"a-z0-9\\n.~]{0,4}"),
                1..4,
            ),
        ) {
            let mut item = node_item();
            for (at, delete, insert) in edits {
                let at = at.index(item.len() + 1);
                let end = (at + delete).min(item.len());
                item.replace_range(at..end, &insert);
            }
            prop_assert!(item_agrees(&item));
            prop_assert!(agrees(&item));
        }
    }
}
