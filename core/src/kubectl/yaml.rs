//! `-o yaml` and `-o json` as kubectl prints objects: keys in alphabetical order (kubectl
//! prints through an unstructured map), YAML in the style of `sigs.k8s.io/yaml` over
//! go-yaml v2 (block style, sequences not indented under their key, strings quoted only
//! when they would read as something else, long plain and single-quoted strings folded
//! past column 80, multi-line strings as literal blocks), JSON indented by four spaces
//! with `<`, `>` and `&` escaped as Go's encoder does.

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The column after which go-yaml folds long scalars at a space (`best_width`).
const BEST_WIDTH: usize = 80;

/// A value as kubectl's YAML printer writes it.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => emit_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => emit_seq(items, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0, 0));
            out.push('\n');
        }
    }
    out
}

/// A value as kubectl's JSON printer writes it.
pub fn to_json(value: &Value) -> String {
    let sorted = sorted(value);
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    if serde::Serialize::serialize(&sorted, &mut ser).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&buf)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    text + "\n"
}

/// The value with every object's keys in alphabetical order.
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::order::sort(&mut keys);
            let mut out = Map::new();
            for k in keys {
                if let Some(v) = map.get(k) {
                    out.insert(k.clone(), sorted(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn sorted_entries(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    crate::order::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
    entries
}

fn emit_map(map: &Map<String, Value>, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (key, value) in sorted_entries(map) {
        let key = key_text(key);
        match value {
            Value::Object(m) if !m.is_empty() => {
                let _ = writeln!(out, "{pad}{key}:");
                emit_map(m, indent + 2, out);
            }
            Value::Array(items) if !items.is_empty() => {
                let _ = writeln!(out, "{pad}{key}:");
                emit_seq(items, indent, out);
            }
            other => {
                let start = indent + key.chars().count() + 2;
                let _ = writeln!(out, "{pad}{key}: {}", scalar(other, indent + 2, start));
            }
        }
    }
}

fn emit_seq(items: &[Value], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Value::Object(m) if !m.is_empty() => {
                let mut inner = String::new();
                emit_map(m, indent + 2, &mut inner);
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&inner[indent + 2..]);
            }
            Value::Array(inner_items) if !inner_items.is_empty() => {
                let mut inner = String::new();
                emit_seq(inner_items, indent + 2, &mut inner);
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&inner[indent + 2..]);
            }
            other => {
                let _ = writeln!(out, "{pad}- {}", scalar(other, indent + 2, indent + 2));
            }
        }
    }
}

/// A scalar (or an empty collection) written at `column`, folding onto lines indented by
/// `indent`.
fn scalar(value: &Value, indent: usize, column: usize) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(_) => "{}".to_owned(),
        Value::Array(_) => "[]".to_owned(),
        Value::String(s) => string(s, indent, column),
    }
}

fn key_text(key: &str) -> String {
    if resolves_to_other_type(key) {
        double_quoted(key)
    } else if !plain_allowed(key) || key.contains('\n') {
        if key.chars().any(char::is_control) {
            double_quoted(key)
        } else {
            format!("'{}'", key.replace('\'', "''"))
        }
    } else {
        key.to_owned()
    }
}

fn string(s: &str, indent: usize, column: usize) -> String {
    if s.contains('\n') && !s.chars().any(|c| c.is_control() && c != '\n') {
        return literal_block(s, indent);
    }
    if resolves_to_other_type(s) || s.chars().any(char::is_control) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        return fold(s, indent, column, false);
    }
    fold(&s.replace('\'', "''"), indent, column, true)
}

fn literal_block(s: &str, indent: usize) -> String {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let body = if trailing == 1 { &s[..s.len() - 1] } else { s };
    let body = body.strip_suffix('\n').unwrap_or(body);
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}");
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// Writes `s` (already escaped for single quotes when `quoted`), replacing a space with a
/// line break when the line has passed [`BEST_WIDTH`], as go-yaml's emitter does.
fn fold(s: &str, indent: usize, column: usize, quoted: bool) -> String {
    let mut out = String::new();
    let mut col = column;
    if quoted {
        out.push('\'');
        col += 1;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_is_space = chars.get(i + 1) == Some(&' ');
            let inside = !quoted || (i > 0 && i + 1 < chars.len());
            if !spaces && col > BEST_WIDTH && !next_is_space && inside {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                col = indent;
            } else {
                out.push(c);
                col += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
    if quoted {
        out.push('\'');
    }
    out
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// go-yaml's `analyze_scalar` for block context: may the string be written plain?
fn plain_allowed(s: &str) -> bool {
    if s.is_empty() || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_blank = chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '\t');
        let preceded_by_blank = i > 0 && matches!(chars[i - 1], ' ' | '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => return false,
                '?' | ':' | '-' if followed_by_blank => return false,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_blank => return false,
                '#' if preceded_by_blank => return false,
                _ => {}
            }
        }
        if c == '\t' {
            return false;
        }
    }
    true
}

/// Whether go-yaml v2 would read the plain string as something other than a string
/// (null, bool, number, timestamp, base-60 float, merge key): such strings are
/// double-quoted.
fn resolves_to_other_type(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
        "on", "On", "ON", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off",
        "OFF", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let Some(first) = s.chars().next() else {
        return true;
    };
    if !(first.is_ascii_digit() || matches!(first, '+' | '-' | '.')) {
        return false;
    }
    is_int(s) || is_float(s) || is_base60(s) || is_timestamp(s)
}

fn is_int(s: &str) -> bool {
    let plain = s.replace('_', "");
    let body = plain.strip_prefix(['+', '-']).unwrap_or(&plain);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(bin) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        return !bin.is_empty() && bin.chars().all(|c| c == '0' || c == '1');
    }
    if let Some(oct) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        return !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c));
    }
    body.chars().all(|c| c.is_ascii_digit())
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let mantissa_ok = if let Some(fraction) = mantissa.strip_prefix('.') {
        !fraction.is_empty() && fraction.chars().all(|c| c.is_ascii_digit())
    } else {
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        !whole.is_empty()
            && whole.chars().all(|c| c.is_ascii_digit())
            && fraction.chars().all(|c| c.is_ascii_digit())
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, fraction) = body.split_once('.').unwrap_or((body, ""));
    let mut parts = main.split(':');
    let Some(head) = parts.next() else {
        return false;
    };
    let head_ok = head.chars().next().is_some_and(|c| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit() || c == '_');
    let rest: Vec<&str> = parts.collect();
    head_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            (1..=2).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || p.as_bytes()[0] <= b'5')
        })
        && fraction.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// A date `YYYY-M-D`, alone or followed by a time, as go-yaml's timestamp formats.
fn is_timestamp(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() < 8 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let mut fields = rest.splitn(2, '-');
    let month = fields.next().unwrap_or("");
    let Some(day_and_time) = fields.next() else {
        return false;
    };
    let day_end = day_and_time
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(day_and_time.len());
    let day = &day_and_time[..day_end];
    let after = &day_and_time[day_end..];
    (1..=2).contains(&month.len())
        && month.chars().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&day.len())
        && (after.is_empty() || after.starts_with(['T', 't', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_style_yaml() {
        let v = json!({
            "metadata": {"name": "x", "labels": {"a": "1", "node-role.kubernetes.io/control-plane": ""},
                          "creationTimestamp": "2025-06-01T12:00:00Z"},
            "apiVersion": "apps/v1",
            "spec": {"containers": [{"name": "c", "image": "i:1", "args": ["--v", "yes"]}], "empty": {}, "none": []},
            "status": {"message": "a: b", "ok": true, "count": 3}
        });
        assert_eq!(
            to_yaml(&v),
            "apiVersion: apps/v1\nmetadata:\n  creationTimestamp: \"2025-06-01T12:00:00Z\"\n  labels:\n    a: \"1\"\n    node-role.kubernetes.io/control-plane: \"\"\n  name: x\nspec:\n  containers:\n  - args:\n    - --v\n    - \"yes\"\n    image: i:1\n    name: c\n  empty: {}\n  none: []\nstatus:\n  count: 3\n  message: 'a: b'\n  ok: true\n"
        );
    }

    #[test]
    fn long_strings_fold_past_column_eighty() {
        let message = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.";
        let out = to_yaml(&json!({"message": message}));
        assert_eq!(
            out,
            "message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:\n  }, 2 Insufficient memory.'\n"
        );
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        assert_eq!(
            to_yaml(&json!({"a": {"b": "x\ny\n"}})),
            "a:\n  b: |\n    x\n    y\n"
        );
    }

    #[test]
    fn json_is_sorted_and_escaped() {
        assert_eq!(
            to_json(&json!({"b": 1, "a": "<none>"})),
            "{\n    \"a\": \"\\u003cnone\\u003e\",\n    \"b\": 1\n}\n"
        );
    }
}
