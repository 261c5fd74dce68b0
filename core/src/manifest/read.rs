//! Reading sources: files of YAML or JSON, each a stream of documents, each document an
//! object or a `kind: List` of objects, into the typed objects the simulator uses.

use super::diagnostic::Diagnostic;
use super::document::{DecodeError, Document};
use super::locate::locate;
use super::path::FieldPath;
use super::validate::{self, FieldError};
use super::{Located, Manifests};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The largest source accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024 * 1024;

/// The deepest nesting of YAML flow collections read. The YAML reader's own limit is 128,
/// but it finds out only after work that grows with the square of the depth, so deeper
/// input is refused up front.
pub const MAX_FLOW_DEPTH: u32 = 128;

/// Where flow collections (`[`, `{`) first nest deeper than [`MAX_FLOW_DEPTH`], if they do.
/// Brackets inside quoted scalars and comments do not count.
fn too_deep_flow(text: &str) -> Option<(u32, u32)> {
    let mut depth: u32 = 0;
    let mut line: u32 = 1;
    let mut column: u32 = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut in_comment = false;
    let mut previous = '\n';
    for c in text.chars() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
            in_comment = false;
            previous = c;
            continue;
        }
        if in_comment {
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            previous = c;
            continue;
        }
        match c {
            '#' if previous.is_whitespace() => in_comment = true,
            '"' | '\'' if matches!(previous, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':') => {
                quote = Some(c)
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

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
    let mut manifests = Manifests::default();
    let mut errors = Vec::new();
    for source in sources {
        let mut reader = Reader {
            file: Arc::from(source.name),
            text: source.text.strip_prefix('\u{feff}').unwrap_or(source.text),
            json: false,
            manifests: &mut manifests,
            errors: &mut errors,
            unknown: BTreeMap::new(),
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

/// The object kinds the simulator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    DaemonSet,
    Node,
    Pod,
    PriorityClass,
}

impl Kind {
    fn from_kind(kind: &str) -> Option<(Self, &'static str)> {
        match kind {
            "DaemonSet" => Some((Self::DaemonSet, "apps/v1")),
            "Node" => Some((Self::Node, "v1")),
            "Pod" => Some((Self::Pod, "v1")),
            "PriorityClass" => Some((Self::PriorityClass, "scheduling.k8s.io/v1")),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::DaemonSet => "DaemonSet",
            Self::Node => "Node",
            Self::Pod => "Pod",
            Self::PriorityClass => "PriorityClass",
        }
    }
}

/// Where an object sits: the document of the stream and, inside a list, the path to it.
struct Place {
    document: usize,
    prefix: FieldPath,
}

/// Unknown fields of node-like objects, reported once per (kind, path) with a count.
struct UnknownField {
    first: Diagnostic,
    count: usize,
}

struct Reader<'r> {
    file: Arc<str>,
    text: &'r str,
    json: bool,
    manifests: &'r mut Manifests,
    errors: &'r mut Vec<Diagnostic>,
    unknown: BTreeMap<(Kind, String), UnknownField>,
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
        self.json = false;
        self.read_yaml();
    }

    /// Reads the text as a stream of JSON values. Returns false, having read nothing, when
    /// the text is not JSON (YAML flow style also starts with `{`), so YAML can have a go.
    fn read_json(&mut self) -> bool {
        let mut documents = Vec::new();
        for result in serde_json::Deserializer::from_str(self.text).into_iter() {
            match result {
                Ok(value) => documents.push(Document::Json(value)),
                Err(err) if self.file.ends_with(".json") => {
                    self.json_syntax_error(&err);
                    return true;
                }
                Err(_) => return false,
            }
        }
        self.json = true;
        for (index, document) in documents.into_iter().enumerate() {
            self.document(index, document);
        }
        true
    }

    fn read_yaml(&mut self) {
        let text = self.text;
        if let Some((line, column)) = too_deep_flow(text) {
            self.errors.push(Diagnostic {
                file: self.file.to_string(),
                line: Some(line),
                column: Some(column),
                path: String::new(),
                message: format!(
                    "error converting YAML to JSON: yaml: flow collections ([ ] and {{ }}) are nested more than {MAX_FLOW_DEPTH} levels deep"
                ),
            });
            return;
        }
        for (index, de) in serde_yaml::Deserializer::from_str(text).enumerate() {
            match serde_yaml::Value::deserialize(de) {
                Ok(value) => self.document(index, Document::Yaml(value)),
                Err(err) => {
                    self.yaml_syntax_error(&err);
                    break;
                }
            }
        }
    }

    fn yaml_syntax_error(&mut self, err: &serde_yaml::Error) {
        let mut message = err.to_string();
        let (line, column) = match err.location() {
            Some(location) => {
                let suffix = format!(" at line {} column {}", location.line(), location.column());
                if let Some(at) = message.find(&suffix) {
                    message.replace_range(at..at + suffix.len(), "");
                }
                (
                    u32::try_from(location.line()).ok(),
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
            message: format!("error converting YAML to JSON: yaml: {message}"),
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
    fn diagnostic(&self, place: &Place, path: &FieldPath, message: String) -> Diagnostic {
        let full = place.prefix.join(path);
        let position = locate(self.text, self.json, place.document, &full)
            .or_else(|| locate(self.text, self.json, place.document, &place.prefix));
        Diagnostic {
            file: self.file.to_string(),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            path: full.to_string(),
            message,
        }
    }

    fn error(&mut self, place: &Place, path: &FieldPath, message: String) {
        let diagnostic = self.diagnostic(place, path, message);
        self.errors.push(diagnostic);
    }

    fn warning(&mut self, place: &Place, path: &FieldPath, message: String) {
        let diagnostic = self.diagnostic(place, path, message);
        self.manifests.warnings.push(diagnostic);
    }

    fn document(&mut self, index: usize, document: Document) {
        if document.is_null() {
            return;
        }
        let place = Place {
            document: index,
            prefix: FieldPath::root(),
        };
        self.object(&place, document);
    }

    fn object(&mut self, place: &Place, mut document: Document) {
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
                    "skipping {kind}{name}: only DaemonSet, Node, Pod and PriorityClass objects are simulated"
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
        match typed {
            Kind::DaemonSet => {
                if let Some(ds) = self.decode(place, document, typed) {
                    let problems = validate::validate_daemon_set(&ds);
                    if self.report_invalid(place, problems) {
                        self.manifests.daemon_sets.push(self.located(ds));
                    }
                }
            }
            Kind::Node => {
                if let Some(node) = self.decode(place, document, typed) {
                    let problems = validate::validate_node(&node);
                    if self.report_invalid(place, problems) {
                        self.manifests.nodes.push(self.located(node));
                    }
                }
            }
            Kind::Pod => {
                if let Some(pod) = self.decode(place, document, typed) {
                    self.manifests.pods.push(self.located(pod));
                }
            }
            Kind::PriorityClass => {
                if let Some(pc) = self.decode(place, document, typed) {
                    self.manifests.priority_classes.push(self.located(pc));
                }
            }
        }
    }

    fn located<T>(&self, object: T) -> Located<T> {
        Located {
            object,
            file: Arc::clone(&self.file),
        }
    }

    fn object_name(&self, document: &Document) -> String {
        match document {
            Document::Yaml(v) => v
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(serde_yaml::Value::as_str)
                .map(|n| format!(" \"{n}\""))
                .unwrap_or_default(),
            Document::Json(v) => v
                .pointer("/metadata/name")
                .and_then(serde_json::Value::as_str)
                .map(|n| format!(" \"{n}\""))
                .unwrap_or_default(),
        }
    }

    fn list(&mut self, place: &Place, document: &mut Document, kind: &str) {
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
            if let Some(item_kind) = item_kind {
                item.default_str_field("kind", item_kind);
                item.default_str_field("apiVersion", &list_version);
            }
            let item_place = Place {
                document: place.document,
                prefix: place.prefix.key("items").index(i),
            };
            self.object(&item_place, item);
        }
    }

    /// Decodes a typed object; unknown fields are errors in what users write (DaemonSets,
    /// PriorityClasses) and warnings in what clusters print (Nodes, Pods).
    fn decode<T: serde::de::DeserializeOwned>(
        &mut self,
        place: &Place,
        document: Document,
        kind: Kind,
    ) -> Option<T> {
        match document.decode::<T>() {
            Ok(decoded) => {
                let strict = matches!(kind, Kind::DaemonSet | Kind::PriorityClass);
                let mut ok = true;
                for path in decoded.unknown_fields {
                    let message = format!("unknown field \"{}\"", path);
                    if strict {
                        self.error(place, &path, format!("strict decoding error: {message}"));
                        ok = false;
                    } else {
                        self.note_unknown(place, kind, &path, message);
                    }
                }
                ok.then_some(decoded.object)
            }
            Err(DecodeError { path, message }) => {
                self.error(place, &path, message);
                None
            }
        }
    }

    fn note_unknown(&mut self, place: &Place, kind: Kind, path: &FieldPath, message: String) {
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
    fn report_invalid(&mut self, place: &Place, problems: Vec<FieldError>) -> bool {
        let ok = problems.is_empty();
        for problem in problems {
            self.error(place, &problem.path, problem.message);
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(name: &str, text: &str) -> Result<Manifests, Vec<Diagnostic>> {
        read(&[Source { name, text }])
    }

    #[test]
    fn flow_depth_guard_ignores_quotes_and_comments() {
        let deep = format!("a: {}", "[".repeat(200));
        assert_eq!(too_deep_flow(&deep), Some((1, 4 + 128)));
        let quoted = format!(
            "a: \"{}\"\nb: '{}'\n# {}\n",
            "[".repeat(200),
            "{".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(too_deep_flow(&quoted), None);
        assert_eq!(too_deep_flow(&"[]".repeat(1000)), None);
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
