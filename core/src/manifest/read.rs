//! Reading sources: files of YAML or JSON, each a stream of documents, each document an
//! object or a `kind: List` of objects, into the typed objects the simulator uses.

use super::block;
use super::diagnostic::Diagnostic;
use super::document::{DecodeError, Document};
use super::locate::locate;
use super::path::FieldPath;
use super::split::{self, ListSplit, NodeDetail, Piece};
use super::tree::Tree;
use super::typed::{DecodedObject, Kind, Typed};
use super::validate::{self, FieldError};
use super::{Located, Manifests};
use std::collections::BTreeMap;
use std::sync::Arc;

/// List documents at least this large are split into items and decoded in parallel.
const FAST_LIST_BYTES: usize = 64 * 1024;

/// The largest source accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024 * 1024;

use daemonset_sim_text::flow::too_deep_flow;
pub use daemonset_sim_text::flow::MAX_FLOW_DEPTH;

/// A named text to read: a file's name (or `-` for standard input) and its contents.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The name used in diagnostics.
    pub name: &'a str,
    /// The text.
    pub text: &'a str,
}

/// Reads every source into typed objects.
///
/// # Errors
/// All input errors found in all sources (syntax, wrong types, unknown fields of a
/// DaemonSet, failed API validation), each with file, position and field path.
pub fn read(sources: &[Source<'_>]) -> Result<Manifests, Vec<Diagnostic>> {
    read_with(sources, FAST_LIST_BYTES)
}

/// [`read`] for placement only: in large lists (a `kubectl get nodes -o yaml` dump), the
/// Node fields that placement, rollouts and node cards never read
/// ([`split::NODE_FIELDS_PLACEMENT_SKIPS`]: annotations, addresses, nodeInfo, capacity and
/// the like) are skipped unread, which makes a large dump quicker to read. The result says
/// so in [`Manifests::lean`]; `kubectl describe node` needs a full [`read`].
///
/// # Errors
/// As [`read`].
pub fn read_for_placement(sources: &[Source<'_>]) -> Result<Manifests, Vec<Diagnostic>> {
    read_sources(sources, FAST_LIST_BYTES, NodeDetail::Placement)
}

/// [`read`], splitting list documents of at least `fast_list_bytes` into items.
fn read_with(sources: &[Source<'_>], fast_list_bytes: usize) -> Result<Manifests, Vec<Diagnostic>> {
    read_sources(sources, fast_list_bytes, NodeDetail::Full)
}

/// Reads the sources, reading the Nodes of large lists in `node_detail`.
fn read_sources(
    sources: &[Source<'_>],
    fast_list_bytes: usize,
    node_detail: NodeDetail,
) -> Result<Manifests, Vec<Diagnostic>> {
    let mut manifests = Manifests::default();
    let mut errors = Vec::new();
    for source in sources {
        let mut reader = Reader {
            file: Arc::from(source.name),
            text: source.text.strip_prefix('\u{feff}').unwrap_or(source.text),
            manifests: &mut manifests,
            errors: &mut errors,
            unknown: BTreeMap::new(),
            fast_list_bytes,
            node_detail,
        };
        reader.read_all();
        reader.report_unknown_fields();
    }
    if errors.is_empty() {
        Ok(manifests)
    } else {
        Err(errors)
    }
}

/// Where an object sits: the text its positions are computed in (a whole source for
/// JSON, one document or one list item for YAML), and its path as the user sees it.
#[derive(Clone)]
struct Place<'t> {
    /// The text to search for positions.
    text: &'t str,
    /// Whether `text` is JSON.
    json: bool,
    /// Which document of `text`.
    document: usize,
    /// Lines of the source before `text`.
    line_offset: u32,
    /// The object's path inside that document of `text`.
    inner: FieldPath,
    /// The object's path inside its document of the source (`items[3]`), as shown.
    outer: FieldPath,
}

impl<'t> Place<'t> {
    fn whole(text: &'t str, json: bool, document: usize, line_offset: u32) -> Self {
        Self {
            text,
            json,
            document,
            line_offset,
            inner: FieldPath::root(),
            outer: FieldPath::root(),
        }
    }

    fn item(&self, index: usize) -> Self {
        Self {
            inner: self.inner.key("items").index(index),
            outer: self.outer.key("items").index(index),
            ..self.clone()
        }
    }
}

/// Unknown fields of node-like objects, reported once per (kind, path) with a count.
struct UnknownField {
    first: Diagnostic,
    count: usize,
}

struct Reader<'r> {
    file: Arc<str>,
    text: &'r str,
    manifests: &'r mut Manifests,
    errors: &'r mut Vec<Diagnostic>,
    unknown: BTreeMap<(Kind, String), UnknownField>,
    fast_list_bytes: usize,
    /// How much of the Nodes in large lists is read.
    node_detail: NodeDetail,
}

impl Reader<'_> {
    fn read_all(&mut self) {
        if self.text.len() > MAX_SOURCE_BYTES {
            self.errors.push(Diagnostic::file(
                &self.file,
                format!(
                    "input is too large: {} bytes (the limit is {} MiB)",
                    self.text.len(),
                    MAX_SOURCE_BYTES / 1024 / 1024
                ),
            ));
            return;
        }
        let looks_like_json =
            matches!(self.text.trim_start().as_bytes().first(), Some(b'{' | b'['));
        if looks_like_json && self.read_json() {
            return;
        }
        self.read_yaml();
    }

    /// Reads the text as a stream of JSON values. Returns false, having read nothing, when
    /// the text is not JSON (YAML flow style also starts with `{`), so YAML can have a go.
    fn read_json(&mut self) -> bool {
        let mut documents = Vec::new();
        for result in serde_json::Deserializer::from_str(self.text).into_iter::<Tree>() {
            match result {
                Ok(value) => documents.push(Document(value)),
                Err(err) if self.file.ends_with(".json") => {
                    self.json_syntax_error(&err);
                    return true;
                }
                Err(_) => return false,
            }
        }
        let text = self.text;
        for (index, document) in documents.into_iter().enumerate() {
            if !document.is_null() {
                self.object(&Place::whole(text, true, index, 0), document);
            }
        }
        true
    }

    fn read_yaml(&mut self) {
        let pieces = split::documents(self.text);
        // A stream of many documents (a hand-made cluster, nodes one by one) is parsed on
        // every core, a block of documents at a time (so that only a block's trees are
        // held at once); large list documents are left for the list path.
        let fast_list_bytes = self.fast_list_bytes;
        for block in pieces.chunks(512) {
            let parsed = crate::parallel::map(block, 64, |piece| {
                (piece.text.len() < fast_list_bytes).then(|| parse_document(*piece))
            });
            for (&piece, parsed) in block.iter().zip(parsed) {
                if piece.text.len() >= self.fast_list_bytes {
                    if let Some(list) = split::list_items(piece.text) {
                        if self.fast_list(piece, &list) {
                            continue;
                        }
                    }
                }
                self.yaml_document(piece, parsed.unwrap_or_else(|| parse_document(piece)));
            }
        }
    }

    /// Refuses a document whose flow collections nest too deep (at `line`, `column`).
    fn too_deep(&mut self, piece: Piece<'_>, line: u32, column: u32) {
        self.errors.push(Diagnostic {
            file: self.file.to_string(),
            line: Some(line + piece.line_offset),
            column: Some(column),
            path: String::new(),
            message: format!(
                "error converting YAML to JSON: yaml: flow collections ([ ] and {{ }}) are nested more than {MAX_FLOW_DEPTH} levels deep"
            ),
        });
    }

    /// Reads the object (or list of objects) of one parsed YAML document.
    fn yaml_document(&mut self, piece: Piece<'_>, parsed: Parsed<'_>) {
        match parsed {
            Parsed::TooDeep(line, column) => self.too_deep(piece, line, column),
            Parsed::Tree(value) => {
                let document = Document(value);
                if !document.is_null() {
                    self.object(
                        &Place::whole(piece.text, false, 0, piece.line_offset),
                        document,
                    );
                }
            }
            Parsed::Error(err) => self.yaml_syntax_error(&err, piece.line_offset),
        }
    }

    /// Reads a large list document item by item, decoding items straight from their text
    /// on every core. Returns false, having read nothing, when the document is not a list
    /// or an item does not parse on its own; the caller then parses it whole.
    fn fast_list(&mut self, piece: Piece<'_>, list: &ListSplit<'_>) -> bool {
        if too_deep_flow(&list.header).is_some() {
            return false;
        }
        let Ok(header) = serde_yaml::from_str::<Tree>(&list.header) else {
            return false;
        };
        let header = Document(header);
        let Some(list_kind) = header.str_field("kind").filter(|k| k.ends_with("List")) else {
            return false;
        };
        let item_kind = list_kind.strip_suffix("List").filter(|k| !k.is_empty());
        let Some(list_version) = header.str_field("apiVersion").filter(|v| !v.is_empty()) else {
            return false;
        };
        let list_version = list_version.to_owned();
        let outcomes = decode_items(&list.items, list.indent, self.node_detail);
        if outcomes.iter().any(|o| matches!(o, ItemOutcome::TooDeep)) {
            return false;
        }
        let mut slow = Vec::new();
        for (piece_item, outcome) in list.items.iter().zip(&outcomes) {
            if matches!(outcome, ItemOutcome::Retry) {
                match serde_yaml::from_str::<Vec<Tree>>(piece_item.text) {
                    Ok(mut one) if one.len() == 1 => slow.push(one.pop()),
                    _ => return false,
                }
            } else {
                slow.push(None);
            }
        }
        for (i, ((item, outcome), value)) in list.items.iter().zip(outcomes).zip(slow).enumerate() {
            let place = Place {
                text: item.text,
                json: false,
                document: 0,
                line_offset: piece.line_offset + item.line_offset,
                inner: FieldPath::root().index(0),
                outer: FieldPath::root().key("items").index(i),
            };
            match (outcome, value) {
                (ItemOutcome::Done(kind, (typed, unknown)), _) => {
                    if kind == Kind::Node && self.node_detail == NodeDetail::Placement {
                        self.manifests.lean = true;
                    }
                    self.accept_validated(&place, kind, typed, unknown, Vec::new());
                }
                (_, Some(value)) => {
                    let mut document = Document(value);
                    apply_list_defaults(&mut document, item_kind, &list_version);
                    self.object(&place, document);
                }
                (_, None) => {}
            }
        }
        true
    }

    fn yaml_syntax_error(&mut self, err: &serde_yaml::Error, line_offset: u32) {
        let mut message = err.to_string();
        let (line, column) = match err.location() {
            Some(location) => {
                let suffix = format!(" at line {} column {}", location.line(), location.column());
                if let Some(at) = message.find(&suffix) {
                    message.replace_range(at..at + suffix.len(), "");
                }
                (
                    u32::try_from(location.line()).ok().map(|l| l + line_offset),
                    u32::try_from(location.column()).ok(),
                )
            }
            None => (None, None),
        };
        self.errors.push(Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            path: String::new(),
            message: format!(
                "error converting YAML to JSON: yaml: {}",
                shift_line_numbers(&message, line_offset)
            ),
        });
    }

    fn json_syntax_error(&mut self, err: &serde_json::Error) {
        let mut message = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_owned();
        }
        self.errors.push(Diagnostic {
            file: self.file.to_string(),
            line: u32::try_from(err.line()).ok().filter(|l| *l > 0),
            column: u32::try_from(err.column()).ok().filter(|c| *c > 0),
            path: String::new(),
            message: format!("invalid JSON: {message}"),
        });
    }

    /// A diagnostic at `path` of the object at `place`, located in the text.
    fn diagnostic(&self, place: &Place<'_>, path: &FieldPath, message: String) -> Diagnostic {
        let position = locate(
            place.text,
            place.json,
            place.document,
            &place.inner.join(path),
        )
        .or_else(|| locate(place.text, place.json, place.document, &place.inner));
        Diagnostic {
            file: self.file.to_string(),
            line: position.map(|p| p.line + place.line_offset),
            column: position.map(|p| p.column),
            path: place.outer.join(path).to_string(),
            message,
        }
    }

    fn error(&mut self, place: &Place<'_>, path: &FieldPath, message: String) {
        let diagnostic = self.diagnostic(place, path, message);
        self.errors.push(diagnostic);
    }

    fn warning(&mut self, place: &Place<'_>, path: &FieldPath, message: String) {
        let diagnostic = self.diagnostic(place, path, message);
        self.manifests.warnings.push(diagnostic);
    }

    fn object(&mut self, place: &Place<'_>, mut document: Document) {
        if !document.is_mapping() {
            let shape = document.shape();
            self.error(
                place,
                &FieldPath::root(),
                format!("expected a Kubernetes object (a mapping with apiVersion and kind), found {shape}"),
            );
            return;
        }
        let kind = document.str_field("kind").map(str::to_owned);
        let api_version = document.str_field("apiVersion").map(str::to_owned);
        let Some(kind) = kind.filter(|k| !k.is_empty()) else {
            self.error(
                place,
                &FieldPath::keys(&["kind"]),
                "kind not set".to_owned(),
            );
            return;
        };
        let Some(api_version) = api_version.filter(|v| !v.is_empty()) else {
            self.error(
                place,
                &FieldPath::keys(&["apiVersion"]),
                "apiVersion not set".to_owned(),
            );
            return;
        };
        if kind == "List" || (kind.ends_with("List") && document.has_field("items")) {
            self.list(place, &mut document, &kind);
            return;
        }
        let Some((typed, expected_version)) = Kind::from_kind(&kind) else {
            let name = self.object_name(&document);
            self.warning(
                place,
                &FieldPath::root(),
                format!(
                    "skipping {kind}{name}: only DaemonSet, Node, Pod, PriorityClass and Namespace objects are read"
                ),
            );
            return;
        };
        if api_version != expected_version {
            self.error(
                place,
                &FieldPath::keys(&["apiVersion"]),
                format!(
                    "no matches for kind \"{kind}\" in version \"{api_version}\" (use apiVersion: {expected_version})"
                ),
            );
            return;
        }
        match typed.decode(document) {
            Ok((object, unknown)) => self.accept(place, typed, object, unknown),
            Err(DecodeError { path, message }) => self.error(place, &path, message),
        }
    }

    /// Takes a decoded object: unknown fields are errors for strict kinds and warnings
    /// otherwise; API validation runs; a valid object joins the manifests.
    fn accept(&mut self, place: &Place<'_>, kind: Kind, object: Typed, unknown: Vec<FieldPath>) {
        let problems = validate_typed(&object);
        self.accept_validated(place, kind, object, unknown, problems);
    }

    /// [`Self::accept`] with validation already done.
    fn accept_validated(
        &mut self,
        place: &Place<'_>,
        kind: Kind,
        object: Typed,
        unknown: Vec<FieldPath>,
        problems: Vec<FieldError>,
    ) {
        let mut ok = true;
        for path in unknown {
            let message = format!("unknown field \"{path}\"");
            if kind.strict() {
                self.error(place, &path, format!("strict decoding error: {message}"));
                ok = false;
            } else {
                self.note_unknown(place, kind, &path, message);
            }
        }
        // Like the API server, a strict decoding error ends the request before validation.
        if !ok || !self.report_invalid(place, problems) {
            return;
        }
        match object {
            Typed::DaemonSet(ds) => self.manifests.daemon_sets.push(self.located(*ds)),
            Typed::Node(node) => self.manifests.nodes.push(self.located(*node)),
            Typed::Pod(pod) => self.manifests.pods.push(self.located(*pod)),
            Typed::PriorityClass(pc) => self.manifests.priority_classes.push(self.located(*pc)),
            Typed::Namespace(ns) => self.manifests.namespaces.push(self.located(*ns)),
        }
    }

    fn located<T>(&self, object: T) -> Located<T> {
        Located {
            object,
            file: Arc::clone(&self.file),
        }
    }

    fn object_name(&self, document: &Document) -> String {
        document
            .name()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default()
    }

    fn list(&mut self, place: &Place<'_>, document: &mut Document, kind: &str) {
        let Some(items) = document.take_items() else {
            self.error(
                place,
                &FieldPath::keys(&["items"]),
                format!("a {kind} needs items: a list of objects"),
            );
            return;
        };
        let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty());
        let list_version = document.str_field("apiVersion").unwrap_or("").to_owned();
        for (i, mut item) in items.into_iter().enumerate() {
            apply_list_defaults(&mut item, item_kind, &list_version);
            self.object(&place.item(i), item);
        }
    }

    fn note_unknown(&mut self, place: &Place<'_>, kind: Kind, path: &FieldPath, message: String) {
        let key = (kind, path.to_string());
        if let Some(seen) = self.unknown.get_mut(&key) {
            seen.count += 1;
            return;
        }
        let first = self.diagnostic(place, path, message);
        self.unknown.insert(key, UnknownField { first, count: 1 });
    }

    fn report_unknown_fields(&mut self) {
        for ((kind, _), UnknownField { mut first, count }) in std::mem::take(&mut self.unknown) {
            let objects = if count == 1 {
                format!("a {}", kind.name())
            } else {
                format!("{count} {} objects", kind.name())
            };
            first.message = format!("{} in {objects}, ignored", first.message);
            self.manifests.warnings.push(first);
        }
    }

    /// Reports validation failures; true when there were none.
    fn report_invalid(&mut self, place: &Place<'_>, problems: Vec<FieldError>) -> bool {
        let ok = problems.is_empty();
        for problem in problems {
            self.error(place, &problem.path, problem.message);
        }
        ok
    }
}

/// API validation of a decoded object.
fn validate_typed(object: &Typed) -> Vec<FieldError> {
    match object {
        Typed::DaemonSet(ds) => validate::validate_daemon_set(ds),
        Typed::Node(node) => validate::validate_node(node),
        Typed::Pod(_) | Typed::PriorityClass(_) | Typed::Namespace(_) => Vec::new(),
    }
}

/// Items of a typed list (`NodeList`) may leave out their kind and apiVersion; the API
/// machinery fills them in from the list.
fn apply_list_defaults(item: &mut Document, item_kind: Option<&str>, list_version: &str) {
    if let Some(item_kind) = item_kind {
        item.default_str_field("kind", item_kind);
        item.default_str_field("apiVersion", list_version);
    }
}

/// Adds `offset` to every `line N` in a YAML reader message (its context mentions
/// positions inside the piece that was parsed).
fn shift_line_numbers(message: &str, offset: u32) -> String {
    if offset == 0 {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        out.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<u32>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// One YAML document, parsed.
enum Parsed<'t> {
    /// Its flow collections nest too deep to parse (where the guard stopped).
    TooDeep(u32, u32),
    /// Its tree.
    Tree(Tree<'t>),
    /// serde_yaml's syntax error.
    Error(serde_yaml::Error),
}

/// Parses one document of a stream: with the quick block reader when it can (after the
/// document's `---` line), else with serde_yaml, which also says what is wrong.
fn parse_document(piece: Piece<'_>) -> Parsed<'_> {
    let body = piece.text.strip_prefix("---\n").unwrap_or(piece.text);
    if let Some(tree) = block::read(body) {
        return Parsed::Tree(tree);
    }
    if let Some((line, column)) = too_deep_flow(piece.text) {
        return Parsed::TooDeep(line, column);
    }
    match serde_yaml::from_str::<Tree>(piece.text) {
        Ok(tree) => Parsed::Tree(tree),
        Err(err) => Parsed::Error(err),
    }
}

/// What the fast path made of one list item.
enum ItemOutcome {
    /// Decoded and valid: its kind and object.
    Done(Kind, DecodedObject),
    /// Needs the general path, which reports what is wrong with it.
    Retry,
    /// Nests flow collections too deep to parse: the whole document goes the general
    /// way, which refuses it.
    TooDeep,
}

fn decode_item(item: &Piece<'_>, indent: usize, node_detail: NodeDetail) -> ItemOutcome {
    if too_deep_flow(item.text).is_some() {
        return ItemOutcome::TooDeep;
    }
    decode_valid_item(item, indent, node_detail).map_or(ItemOutcome::Retry, |(kind, object)| {
        ItemOutcome::Done(kind, object)
    })
}

fn decode_valid_item(
    item: &Piece<'_>,
    indent: usize,
    node_detail: NodeDetail,
) -> Option<(Kind, DecodedObject)> {
    let (kind, version) = Kind::from_kind(split::item_kind(item.text, indent)?)?;
    if split::item_api_version(item.text, indent)? != version {
        return None;
    }
    let lean = match kind {
        Kind::Node => node_detail.lean_node(item.text, indent),
        Kind::Pod => split::without_unused_fields(item.text, indent),
        Kind::DaemonSet | Kind::PriorityClass | Kind::Namespace => None,
    };
    let text = lean.as_deref().unwrap_or(item.text);
    let element = match block::read_item(text) {
        Some(element) => element,
        None => {
            let mut one: Vec<Tree> = serde_yaml::from_str(text).ok()?;
            one.pop().filter(|_| one.is_empty())?
        }
    };
    let (object, unknown) = kind.decode(Document(element)).ok()?;
    // Anything to report goes the general way, which parses the item as written and so
    // also sees damage next to the blocks dropped above.
    let problems = validate_typed(&object);
    if !problems.is_empty() || (kind.strict() && !unknown.is_empty()) {
        return None;
    }
    Some((kind, (object, unknown)))
}

/// Decodes list items straight from their text, on every available core natively.
fn decode_items(items: &[Piece<'_>], indent: usize, node_detail: NodeDetail) -> Vec<ItemOutcome> {
    crate::parallel::map(items, 16, |item| decode_item(item, indent, node_detail))
}

#[cfg(test)]
mod tests_support {
    /// A `kubectl get nodes -o yaml` style list of `n` nodes with managed fields and
    /// images; node 7 has an unknown status field and node 9 a bad taint effect if `bad`.
    pub(super) fn node_list(n: usize, bad: bool) -> String {
        let mut text = String::from("apiVersion: v1\nitems:\n");
        for i in 0..n {
            let effect = if bad && i == 9 {
                "NoSchedul"
            } else {
                "NoSchedule"
            };
            let extra = if i == 7 {
                "    futureField: true\n"
            } else {
                ""
            };
            text.push_str(&format!(
            "- apiVersion: v1\n  kind: Node\n  metadata:\n    labels:\n      kubernetes.io/hostname: node-{i}\n    managedFields:\n    - apiVersion: v1\n      fieldsType: FieldsV1\n      fieldsV1:\n        f:metadata:\n          f:labels: {{}}\n      manager: kubelet\n    name: node-{i}\n  spec:\n    taints:\n    - effect: {effect}\n      key: example.com/pool\n  status:\n    allocatable:\n      cpu: 3920m\n      pods: \"110\"\n{extra}    images:\n    - names:\n      - registry.example.com/agent:v1\n      sizeBytes: 1234\n"
        ));
        }
        text.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::node_list;
    use super::*;

    fn read_one(name: &str, text: &str) -> Result<Manifests, Vec<Diagnostic>> {
        read(&[Source { name, text }])
    }

    #[test]
    fn large_lists_read_the_same_split_or_whole() {
        let text = node_list(40, false);
        let sources = [Source {
            name: "nodes.yaml",
            text: &text,
        }];
        let fast = read_with(&sources, 1).unwrap_or_else(|e| panic!("{e:?}"));
        let whole = read_with(&sources, usize::MAX).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(fast.nodes.len(), 40);
        for (a, b) in fast.nodes.iter().zip(&whole.nodes) {
            let mut b = b.object.clone();
            b.metadata.managed_fields = None;
            if let Some(status) = b.status.as_mut() {
                status.images = None;
            }
            assert_eq!(a.object, b, "only the unused fields differ");
        }
        assert_eq!(fast.warnings, whole.warnings);
        let line_of_node_7 = 2 + 7 * 25 + 1;
        assert_eq!(fast.warnings[0].line, Some(line_of_node_7 + 21));
        assert_eq!(fast.warnings[0].path, "items[7].status.futureField");
    }

    /// The same nodes as a stream of documents (each parsed by the quick reader where it
    /// can) read as they do in a list, and problems point into their own document.
    #[test]
    fn streams_of_documents_read_like_lists() {
        let list = node_list(40, true);
        let mut stream = String::new();
        for line in list.lines().skip(2) {
            if line.starts_with("kind: List") {
                break;
            }
            if let Some(first) = line.strip_prefix("- ") {
                stream.push_str("---\n");
                stream.push_str(first);
            } else {
                stream.push_str(line.get(2..).unwrap_or(""));
            }
            stream.push('\n');
        }
        // A comment and a commented marker send two documents the general way.
        let stream = stream
            .replacen("---\napiVersion", "--- # first\napiVersion", 1)
            .replacen(
                "kubernetes.io/hostname: node-3\n",
                "kubernetes.io/hostname: node-3 # three\n",
                1,
            );
        let read_text = |name: &str, text: &str| read_one(name, text).err().unwrap_or_default();
        let from_stream = read_text("stream.yaml", &stream);
        let from_list = read_text("list.yaml", &list);
        // Node 9's bad taint effect, at its line in each file.
        assert_eq!(from_stream.len(), 1, "{from_stream:?}");
        assert_eq!(from_stream[0].message, from_list[0].message);
        assert_eq!(from_stream[0].path, "spec.taints[0].effect");
        // Documents of 26 lines (node 7's one more); node 9's `---` line, then the effect.
        let marker_of_node_9 = 9 * 26 + 1 + 1;
        assert_eq!(
            from_stream[0].line,
            Some(marker_of_node_9 + 16),
            "{from_stream:?}"
        );
        assert_eq!(from_stream[0].column, Some(5));
        let good = node_list(40, false);
        let good_stream = stream.replace("effect: NoSchedul\n", "effect: NoSchedule\n");
        let (a, b) = (read_one("s.yaml", &good_stream), read_one("l.yaml", &good));
        let (Ok(a), Ok(b)) = (a, b) else {
            panic!("both read");
        };
        assert_eq!(a.nodes.len(), 40);
        for (x, y) in a.nodes.iter().zip(&b.nodes) {
            assert_eq!(x.object.metadata.labels, y.object.metadata.labels);
            assert_eq!(x.object.spec, y.object.spec);
        }
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].path, "status.futureField");
    }

    #[test]
    fn reading_for_placement_skips_only_what_placement_never_reads() {
        let text = node_list(40, false)
            .replace(
                "  metadata:\n    labels:\n",
                "  metadata:\n    annotations:\n      example.com/note: x\n    labels:\n",
            )
            .replace(
                "  status:\n    allocatable:\n",
                "  status:\n    nodeInfo:\n      kubeletVersion: v1.37.0\n    conditions:\n    - lastHeartbeatTime: \"2025-03-01T08:02:20Z\"\n      message: kubelet is posting\n        ready status\n      reason: KubeletReady\n      status: \"True\"\n      type: Ready\n    allocatable:\n",
            );
        let sources = [Source {
            name: "nodes.yaml",
            text: &text,
        }];
        let full = read_with(&sources, 1).unwrap_or_else(|e| panic!("{e:?}"));
        let lean =
            read_sources(&sources, 1, NodeDetail::Placement).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!full.lean && lean.lean);
        assert_eq!(full.nodes.len(), 40);
        for (a, b) in lean.nodes.iter().zip(&full.nodes) {
            let (a, mut b) = (&a.object, b.object.clone());
            assert!(b.metadata.annotations.is_some());
            b.metadata.annotations = None;
            if let Some(status) = b.status.as_mut() {
                assert!(status.node_info.is_some());
                status.node_info = None;
                for condition in status.conditions.iter_mut().flatten() {
                    assert!(condition.message.is_some() && condition.last_heartbeat_time.is_some());
                    condition.last_heartbeat_time = None;
                    condition.message = None;
                    condition.reason = None;
                }
            }
            assert_eq!(a, &b, "only the skipped fields differ");
        }
    }

    #[test]
    fn errors_in_large_lists_point_into_the_item() {
        let text = node_list(40, true);
        let sources = [Source {
            name: "nodes.yaml",
            text: &text,
        }];
        let fast = read_with(&sources, 1).err().unwrap_or_default();
        let whole = read_with(&sources, usize::MAX).err().unwrap_or_default();
        assert_eq!(fast, whole);
        assert_eq!(fast.len(), 1);
        assert_eq!(fast[0].path, "items[9].spec.taints[0].effect");
        assert_eq!(
            fast[0].line,
            Some(2 + 9 * 25 + 1 + 16),
            "node 7 has one more line"
        );
        assert_eq!(fast[0].column, Some(7));
    }

    #[test]
    fn deep_flow_nesting_is_refused_where_it_is_in_lists_and_streams() {
        let mut text = node_list(40, false);
        let at = text.find("- apiVersion: v1\n  kind: Node\n  metadata:\n    labels:\n      kubernetes.io/hostname: node-5\n").unwrap_or(0);
        text.insert_str(at, &format!("- {}\n", "[".repeat(200)));
        let line = 1 + u32::try_from(text[..at].matches('\n').count()).unwrap_or(0);
        for bytes in [1, usize::MAX] {
            let sources = [Source {
                name: "nodes.yaml",
                text: &text,
            }];
            let errors = read_with(&sources, bytes).err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(
                (errors[0].line, errors[0].column),
                (Some(line), Some(3 + 128))
            );
        }
        let stream = format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: a}}\n---\na: {}\n",
            "{".repeat(300)
        );
        let errors = read_one("s.yaml", &stream).err().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column), (Some(5), Some(4 + 128)));
    }

    #[test]
    fn reads_kubectl_lists_and_typed_lists() {
        let text = "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: sa}\nkind: List\nmetadata:\n  resourceVersion: \"\"\n---\napiVersion: v1\nkind: NodeList\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: b}}\n";
        let m = read_one("list.yaml", text).unwrap_or_else(|e| panic!("{e:?}"));
        let names: Vec<_> = m
            .nodes
            .iter()
            .filter_map(|n| n.object.metadata.name.as_deref())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(m.warnings.len(), 1);
        assert_eq!(m.warnings[0].path, "items[1]");
        assert_eq!(m.warnings[0].line, Some(6));
    }

    #[test]
    fn yaml_flow_style_is_not_mistaken_for_json() {
        let m = read_one(
            "flow.yaml",
            "{apiVersion: v1, kind: Node, metadata: {name: a}}",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(m.nodes.len(), 1);
    }

    #[test]
    fn unknown_node_fields_are_one_warning_with_a_count() {
        let node = |n: &str| {
            format!("---\napiVersion: v1\nkind: Node\nmetadata: {{name: {n}}}\nstatus:\n  newField: 1\n")
        };
        let text = format!("{}{}{}", node("a"), node("b"), node("c"));
        let m = read_one("nodes.yaml", &text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(m.nodes.len(), 3);
        assert_eq!(m.warnings.len(), 1);
        assert_eq!(m.warnings[0].to_string(), "nodes.yaml:6:3: status.newField: unknown field \"status.newField\" in 3 Node objects, ignored");
    }

    #[test]
    fn validation_errors_point_at_the_field() {
        let text = "apiVersion: v1\nkind: Node\nmetadata:\n  name: a\nspec:\n  taints:\n  - key: k\n    effect: NoSchedul\n";
        let errors = read_one("n.yaml", text).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (Some(8), Some(5)));
        assert_eq!(errors[0].path, "spec.taints[0].effect");
        assert!(
            errors[0]
                .message
                .starts_with("Unsupported value: \"NoSchedul\""),
            "{}",
            errors[0].message
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fast_path_properties {
    use super::tests_support::node_list;
    use super::*;
    use proptest::prelude::*;

    /// Lines of `text` outside the blocks the fast path skips unread
    /// (`metadata.managedFields`, `status.images`), where both paths must agree exactly.
    fn checked_lines(text: &str) -> Vec<usize> {
        let mut skipping = false;
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line == "    managedFields:" || line == "    images:" {
                skipping = true;
            } else if skipping
                && (line == "    name: " || !line.starts_with("     "))
                && !line.starts_with("    -")
            {
                skipping = false;
            }
            if !skipping {
                out.push(i);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Damage a large list anywhere the fast path reads, and it must say exactly what
        /// the general path says: the same objects and warnings, or the same errors.
        #[test]
        fn split_and_whole_reading_agree(pick in any::<prop::sample::Index>(), column in 0usize..12, junk in "[ :\\-\\[\\]{}#&*!|>'\"a-z0-9]{1,3}") {
            let text = node_list(12, false);
            let lines: Vec<&str> = text.lines().collect();
            let allowed = checked_lines(&text);
            let at = allowed[pick.index(allowed.len())];
            let mut damaged = String::new();
            for (i, line) in lines.iter().enumerate() {
                if i == at {
                    let cut = line.char_indices().map(|(c, _)| c).nth(column).unwrap_or(line.len());
                    damaged.push_str(&line[..cut]);
                    damaged.push_str(&junk);
                    damaged.push_str(&line[cut..]);
                } else {
                    damaged.push_str(line);
                }
                damaged.push('\n');
            }
            let sources = [Source { name: "nodes.yaml", text: &damaged }];
            let fast = read_with(&sources, 1);
            let whole = read_with(&sources, usize::MAX);
            match (fast, whole) {
                (Ok(fast), Ok(whole)) => {
                    prop_assert_eq!(fast.nodes.len(), whole.nodes.len());
                    prop_assert_eq!(fast.warnings, whole.warnings);
                }
                (Err(fast), Err(whole)) => prop_assert_eq!(fast, whole),
                (fast, whole) => prop_assert!(false, "fast {:?}\nwhole {:?}", fast.err(), whole.err()),
            }
        }
    }
}
