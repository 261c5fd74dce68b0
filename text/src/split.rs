//! Splitting YAML text without parsing it: a stream into its documents, and a large
//! `kind: List` document (as `kubectl get -o yaml` prints it) into its items, so that each
//! piece can be parsed on its own, in parallel, with positions kept exact.
//!
//! Both splits rely only on where YAML allows a line to start at a given column; anything
//! unexpected makes them decline, and the caller parses the whole text instead.

/// A piece of a larger text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'t> {
    /// The text of the piece.
    pub text: &'t str,
    /// How many lines of the larger text come before it.
    pub line_offset: u32,
}

/// Lines of `text` with the byte offset where each starts.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line)
    })
}

/// Whether `line` is the marker `marker` (`---` or `...`) followed by a space or the end.
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

/// Splits a YAML stream at its document markers (`---` and `...` at the start of a line;
/// the YAML spec forbids them inside content). Each document keeps its `---` line. Directive
/// lines (`%YAML`) go with the document they precede.
pub fn documents(text: &str) -> Vec<Piece<'_>> {
    let marker_free = !["---", "...", "%"].iter().any(|m| text.starts_with(m))
        && !["\n---", "\n...", "\n%"].iter().any(|m| text.contains(m));
    if marker_free {
        return vec![Piece {
            text,
            line_offset: 0,
        }];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut start_line = 0u32;
    let mut in_directives = false;
    let mut after_end = false;
    for (line_no, (at, line)) in (0u32..).zip(lines(text)) {
        let document_start = is_marker(line, "---");
        let directive = line.starts_with('%');
        if ((document_start || directive) && !in_directives) || after_end {
            if at > start {
                pieces.push(Piece {
                    text: &text[start..at],
                    line_offset: start_line,
                });
            }
            start = at;
            start_line = line_no;
        }
        after_end = is_marker(line, "...");
        in_directives = directive || (in_directives && !document_start);
    }
    if start < text.len() || pieces.is_empty() {
        pieces.push(Piece {
            text: &text[start..],
            line_offset: start_line,
        });
    }
    pieces
}

/// A list document split into its header (everything but the items, with `items: []` in
/// their place) and one piece per item, each a one-element YAML sequence.
#[derive(Debug)]
pub struct ListSplit<'t> {
    /// The document without its items.
    pub header: String,
    /// The items, in order.
    pub items: Vec<Piece<'t>>,
    /// The column where each item's `-` stands.
    pub indent: usize,
}

/// Splits a block-style list document (`items:` at the start of a line, then one `- ` line
/// per item at a fixed indentation). Returns `None` when the document does not have that
/// shape.
pub fn list_items(doc: &str) -> Option<ListSplit<'_>> {
    let (items_no, (items_at, items_line)) = lines(doc).enumerate().find(|(_, (_, l))| {
        l.strip_prefix("items:")
            .is_some_and(|rest| rest.trim().is_empty())
    })?;
    let body = items_at + items_line.len();
    // The items' column: that of the first line with content.
    let indent = lines(&doc[body..]).find_map(|(_, line)| {
        let trimmed = line.trim_start_matches(' ');
        let content = !(trimmed.trim().is_empty() || trimmed.starts_with('#'));
        content.then(|| line.len() - trimmed.len())
    })?;
    let first_line = u32::try_from(items_no + 1).ok()?;
    let mut items: Vec<Piece<'_>> = Vec::new();
    let mut end = doc.len();
    let mut current: Option<(usize, u32)> = None;
    for (at, no) in shallow_lines(doc, body, indent, first_line)? {
        let line = doc[at..].split_inclusive('\n').next().unwrap_or_default();
        let trimmed = line.trim_start_matches(' ');
        let column = line.len() - trimmed.len();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let is_item = trimmed.starts_with("- ") || trimmed.trim_end() == "-";
        if is_item && column == indent {
            if let Some((start, line_no)) = current.take() {
                items.push(Piece {
                    text: &doc[start..at],
                    line_offset: line_no,
                });
            }
            current = Some((at, no));
        } else if column < indent || (column == indent && !is_item) {
            if column != 0 {
                return None;
            }
            end = at;
            break;
        } else if current.is_none() {
            return None;
        }
    }
    if let Some((start, line_no)) = current {
        items.push(Piece {
            text: &doc[start..end],
            line_offset: line_no,
        });
    }
    let header = format!("{}items: []\n{}", &doc[..items_at], &doc[end..]);
    Some(ListSplit {
        header,
        items,
        indent,
    })
}

/// The lines from byte `start` (a line start) to the end of `doc` that are not indented
/// deeper than `indent` (that do not start with `indent + 1` spaces), each with its line
/// number counting `start`'s line as `first_line`. Those are the lines that can start or
/// end a list item; the rest, most of a dump, are only counted. Large texts are scanned
/// in pieces on every core. `None` if line numbers overflow.
fn shallow_lines(
    doc: &str,
    start: usize,
    indent: usize,
    first_line: u32,
) -> Option<Vec<(usize, u32)>> {
    shallow_lines_in_pieces(doc, start, indent, first_line, 1 << 20)
}

/// [`shallow_lines`], scanning pieces of about `piece` bytes.
fn shallow_lines_in_pieces(
    doc: &str,
    start: usize,
    indent: usize,
    first_line: u32,
    piece: usize,
) -> Option<Vec<(usize, u32)>> {
    let bytes = doc.as_bytes();
    let mut pieces = Vec::new();
    let mut from = start;
    while from < bytes.len() {
        let to = match bytes.get(from.saturating_add(piece)..) {
            Some(rest) => rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |k| from + piece + k + 1),
            None => bytes.len(),
        };
        pieces.push((from, to));
        from = to;
    }
    let pad = indent + 1;
    let scanned = crate::parallel::map(&pieces, 2, |&(from, to)| {
        let mut found = Vec::new();
        let mut line = 0u32;
        let mut at = from;
        while at < to {
            let deeper = bytes
                .get(at..at + pad)
                .is_some_and(|b| b.iter().all(|c| *c == b' '));
            if !deeper {
                found.push((at, line));
            }
            match bytes[at..to].iter().position(|&b| b == b'\n') {
                Some(k) => {
                    at += k + 1;
                    line = line.saturating_add(1);
                }
                None => break,
            }
        }
        (found, line)
    });
    let mut out = Vec::new();
    let mut base = first_line;
    for (found, lines_in_piece) in scanned {
        for (at, line) in found {
            out.push((at, base.checked_add(line)?));
        }
        base = base.checked_add(lines_in_piece)?;
    }
    Some(out)
}

/// The `kind` of a list item found by reading its lines: the first top-level `kind: X`
/// line of the item (or `- kind: X` as its first line). `None` when absent or written in
/// an unusual way, so the caller parses the item to find out. (A second `kind` key would
/// be a duplicate key, which the parser rejects, sending the item down the general path.)
pub fn item_kind(item: &str, indent: usize) -> Option<&str> {
    item_field(item, indent, "kind:")
}

/// The `apiVersion` of a list item, found as [`item_kind`] finds the kind.
pub fn item_api_version(item: &str, indent: usize) -> Option<&str> {
    item_field(item, indent, "apiVersion:")
}

/// The plain value of the first top-level `key` line of a list item.
fn item_field<'t>(item: &'t str, indent: usize, key: &str) -> Option<&'t str> {
    let key_column = indent + 2;
    for (i, (_, line)) in lines(item).enumerate() {
        let content = if i == 0 {
            line.get(key_column..)?
        } else {
            let trimmed = line.trim_start_matches(' ');
            if line.len() - trimmed.len() != key_column {
                continue;
            }
            trimmed
        };
        if let Some(value) = content.strip_prefix(key) {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            let plain = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-'));
            return plain.then_some(value);
        }
    }
    None
}

/// Fields of cluster-printed objects that the simulator never reads and that make up much
/// of a `kubectl get -o yaml` dump: `metadata.managedFields` and `status.images`.
pub const UNUSED_FIELDS: &[(&str, &str)] =
    &[("metadata:", "managedFields:"), ("status:", "images:")];

/// How much of the Nodes in large lists the reader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeDetail {
    /// Everything but [`UNUSED_FIELDS`].
    Full,
    /// What placement reads: not [`NODE_FIELDS_PLACEMENT_SKIPS`], and of each condition
    /// only its type and status.
    Placement,
}

impl NodeDetail {
    /// A lean copy of a Node list item to decode, or `None` to decode the item as it is.
    pub fn lean_node(self, item: &str, indent: usize) -> Option<String> {
        match self {
            Self::Full => without_unused_fields(item, indent),
            Self::Placement => {
                let lean = without_fields(item, indent, NODE_FIELDS_PLACEMENT_SKIPS);
                without_condition_details(lean.as_deref().unwrap_or(item), indent).or(lean)
            }
        }
    }
}

/// Fields of Nodes that placement, rollouts and node cards never read, on top of
/// [`UNUSED_FIELDS`]; only `kubectl describe node` and `-o yaml` show them. Skipped by
/// `read_for_placement` (in the core).
pub const NODE_FIELDS_PLACEMENT_SKIPS: &[(&str, &str)] = &[
    ("metadata:", "managedFields:"),
    ("metadata:", "annotations:"),
    ("status:", "images:"),
    ("status:", "nodeInfo:"),
    ("status:", "addresses:"),
    ("status:", "capacity:"),
    ("status:", "daemonEndpoints:"),
    ("status:", "features:"),
    ("status:", "volumesAttached:"),
    ("status:", "volumesInUse:"),
];

/// [`without_fields`] with [`UNUSED_FIELDS`].
pub fn without_unused_fields(item: &str, indent: usize) -> Option<String> {
    without_fields(item, indent, UNUSED_FIELDS)
}

/// A copy of a list item with the contents of the block-style `fields` (a top-level
/// section and a key in it) dropped (their keys stay, with a null value), so that
/// decoding it does less work. The caller reports positions from the original text.
/// Returns `None` when there is nothing to drop.
pub fn without_fields(item: &str, indent: usize, fields: &[(&str, &str)]) -> Option<String> {
    let top = indent + 2;
    let child = indent + 4;
    let mut out = String::new();
    let mut section = "";
    let mut skipping = false;
    let mut kept_from = 0;
    let mut dropped = false;
    for (at, line) in lines(item) {
        let trimmed = line.trim_start_matches(' ');
        let column = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty();
        if skipping {
            if blank || column > child || (column == child && trimmed.starts_with('-')) {
                continue;
            }
            skipping = false;
            kept_from = at;
        }
        if blank {
            continue;
        }
        if at == 0 {
            section = line.get(top..).unwrap_or("").trim_end();
        } else if column == top {
            section = trimmed.trim_end();
        } else if column == child {
            let key = trimmed.trim_end();
            if fields
                .iter()
                .any(|(parent, field)| *parent == section && *field == key)
            {
                // Keep the key line itself (its value becomes null), so the lines around
                // the dropped block parse, or fail to, exactly as in the whole text.
                out.push_str(&item[kept_from..at + line.len()]);
                skipping = true;
                dropped = true;
            }
        }
    }
    if !dropped {
        return None;
    }
    if !skipping {
        out.push_str(&item[kept_from..]);
    }
    Some(out)
}

/// Keys of a Node's `status.conditions` entries that placement never reads (it reads
/// `type` and `status`); skipped by `read_for_placement` (in the core).
const CONDITION_DETAILS: [&str; 4] = [
    "lastHeartbeatTime:",
    "lastTransitionTime:",
    "message:",
    "reason:",
];

/// A copy of a Node list item whose `status.conditions` entries keep only what placement
/// reads: the values of `CONDITION_DETAILS` are dropped (a key on an entry's `- ` line
/// stays, with a null value). Block style as kubectl prints it; `None` when there is
/// nothing to drop.
pub fn without_condition_details(item: &str, indent: usize) -> Option<String> {
    let top = indent + 2;
    let child = indent + 4;
    let entry = child + 2;
    let mut out = String::with_capacity(item.len());
    let mut section = "";
    let mut in_conditions = false;
    let mut skipping = false;
    let mut dropped = false;
    for (at, line) in lines(item) {
        let trimmed = line.trim_start_matches(' ');
        let column = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty();
        if skipping {
            if blank || column > entry {
                continue;
            }
            skipping = false;
        }
        if blank {
            out.push_str(line);
            continue;
        }
        if at == 0 {
            section = line.get(top..).unwrap_or("").trim_end();
        } else if column == top {
            section = trimmed.trim_end();
            in_conditions = false;
        } else if column == child && !trimmed.starts_with('-') {
            in_conditions = section == "status:" && trimmed.trim_end() == "conditions:";
        } else if column < child {
            in_conditions = false;
        }
        if in_conditions {
            let key = if column == child {
                trimmed.strip_prefix("- ")
            } else if column == entry {
                Some(trimmed)
            } else {
                None
            };
            if let Some(detail) =
                key.and_then(|k| CONDITION_DETAILS.iter().find(|d| k.starts_with(*d)))
            {
                if column == child {
                    // The entry's first line: keep `- key:` (null), so the entry stays.
                    out.push_str(&line[..child]);
                    out.push_str("- ");
                    out.push_str(detail);
                    out.push('\n');
                }
                skipping = true;
                dropped = true;
                continue;
            }
        }
        out.push_str(line);
    }
    dropped.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_details_are_dropped_and_the_rest_kept() {
        let item = "- apiVersion: v1\n  kind: Node\n  metadata:\n    name: a\n  status:\n    allocatable:\n      cpu: \"4\"\n    conditions:\n    - lastHeartbeatTime: \"2025-03-01T08:02:20Z\"\n      lastTransitionTime: \"2025-03-01T08:02:20Z\"\n      message: kubelet has sufficient memory\n        available, folded\n      reason: KubeletHasSufficientMemory\n      status: \"False\"\n      type: MemoryPressure\n    - message: |\n        block\n\n        text\n      status: \"True\"\n      type: Ready\n    nodeInfo:\n      message: kept\n";
        let lean = without_condition_details(item, 0);
        assert_eq!(
            lean.as_deref(),
            Some("- apiVersion: v1\n  kind: Node\n  metadata:\n    name: a\n  status:\n    allocatable:\n      cpu: \"4\"\n    conditions:\n    - lastHeartbeatTime:\n      status: \"False\"\n      type: MemoryPressure\n    - message:\n      status: \"True\"\n      type: Ready\n    nodeInfo:\n      message: kept\n")
        );
        assert_eq!(
            without_condition_details("- kind: Node\n  metadata: {name: a}\n", 0),
            None
        );
    }

    #[test]
    fn documents_split_at_markers_and_keep_line_offsets() {
        let text = "a: 1\n---\nb: 2\n--- # c\nc: 3\n...\n%YAML 1.2\n---\nd: 4\n";
        let docs = documents(text);
        let got: Vec<(&str, u32)> = docs.iter().map(|p| (p.text, p.line_offset)).collect();
        assert_eq!(
            got,
            [
                ("a: 1\n", 0),
                ("---\nb: 2\n", 1),
                ("--- # c\nc: 3\n...\n", 3),
                ("%YAML 1.2\n---\nd: 4\n", 6)
            ]
        );
        assert_eq!(documents("").len(), 1);
        assert_eq!(documents("----\n---x\n").len(), 1, "not markers");
    }

    #[test]
    fn shallow_lines_are_the_same_in_any_number_of_pieces() {
        let doc = "items:\n- a: 1\n  b:\n    c: 2\n\n# note\n- d: 3\nkind: List\n  \nx";
        let whole = shallow_lines_in_pieces(doc, 7, 0, 1, usize::MAX);
        assert_eq!(
            whole
                .as_ref()
                .map(|l| l.iter().map(|(_, n)| *n).collect::<Vec<_>>()),
            Some(vec![1, 4, 5, 6, 7, 9])
        );
        for piece in 1..12 {
            assert_eq!(
                shallow_lines_in_pieces(doc, 7, 0, 1, piece),
                whole,
                "{piece}"
            );
        }
    }

    #[test]
    fn kubectl_lists_split_into_items() {
        let doc = "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: a\n# note\n- kind: Pod\n  spec:\n    containers:\n    - name: x\nkind: List\nmetadata:\n  resourceVersion: \"\"\n";
        let split = list_items(doc).unwrap_or_else(|| panic!("should split"));
        assert_eq!(split.indent, 0);
        assert_eq!(split.items.len(), 2);
        assert_eq!(split.items[0].line_offset, 2);
        assert_eq!(
            split.items[1].text,
            "- kind: Pod\n  spec:\n    containers:\n    - name: x\n"
        );
        assert_eq!(
            split.header,
            "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
        assert_eq!(item_kind(split.items[0].text, 0), Some("Node"));
        assert_eq!(item_kind(split.items[1].text, 0), Some("Pod"));
        assert_eq!(item_api_version(split.items[0].text, 0), Some("v1"));
        assert_eq!(item_api_version(split.items[1].text, 0), None);
    }

    #[test]
    fn unused_fields_are_dropped_from_items() {
        let item = "- apiVersion: v1\n  kind: Node\n  metadata:\n    managedFields:\n    - manager: kubelet\n      fieldsV1:\n        f:spec: {}\n    name: a\n  status:\n    images:\n    - names: [x]\n      sizeBytes: 1\n    nodeInfo:\n      images: keep\n";
        assert_eq!(
            without_unused_fields(item, 0).as_deref(),
            Some("- apiVersion: v1\n  kind: Node\n  metadata:\n    managedFields:\n    name: a\n  status:\n    images:\n    nodeInfo:\n      images: keep\n")
        );
        assert_eq!(
            without_unused_fields("- kind: Node\n  metadata:\n    name: a\n", 0),
            None
        );
        let spec_images = "- kind: Pod\n  spec:\n    images:\n    - x\n";
        assert_eq!(
            without_unused_fields(spec_images, 0),
            None,
            "only status.images"
        );
    }

    #[test]
    fn indented_items_and_odd_shapes() {
        let doc =
            "kind: List\nitems:\n  - kind: Node\n    metadata: {name: a}\n  - kind: \"Node\"\n";
        let split = list_items(doc).unwrap_or_else(|| panic!("should split"));
        assert_eq!(split.indent, 2);
        assert_eq!(split.items.len(), 2);
        assert_eq!(item_kind(split.items[1].text, 2), Some("Node"));
        assert!(
            list_items("kind: List\nitems: []\n").is_none(),
            "flow style: parsed whole"
        );
        assert!(list_items("kind: List\nitems:\n  a: b\n").is_none());
        assert!(list_items("kind: Node\n").is_none());
        assert_eq!(
            item_kind("- metadata: {}\n  kind: Node\n  x:\n    kind: Pod\n", 0),
            Some("Node")
        );
        assert_eq!(item_kind("- metadata: {}\n", 0), None);
    }
}
