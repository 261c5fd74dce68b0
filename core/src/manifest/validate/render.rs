//! Go's renderings of bad values, as `field.Error` prints them after `Invalid value: `.
//!
//! `staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go` prints a Go
//! `string` with `%q` (`strconv.Quote`), an integer with `%v`, and anything else (typed
//! strings such as `core.TaintEffect`, maps, structs, `intstr.IntOrString`) as JSON from
//! `encoding/json`. Validation runs on the API server's internal types, which have no
//! JSON tags, so structs come out with Go field names (`{"Key":"k","Operator":"Exists"}`).

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// `strconv.Quote`: a double-quoted Go string literal.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_go_print(c) => out.push(c),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let b = c as u32;
                out.push_str("\\x");
                push_hex(&mut out, b, 2);
            }
            c if (c as u32) < 0x10000 => {
                out.push_str("\\u");
                push_hex(&mut out, c as u32, 4);
            }
            c => {
                out.push_str("\\U");
                push_hex(&mut out, c as u32, 8);
            }
        }
    }
    out.push('"');
    out
}

/// `unicode.IsPrint`, approximated: Go counts letters, marks, numbers, punctuation,
/// symbols and the ASCII space as printable. Rust has no general-category lookup, so
/// controls, whitespace other than U+0020 and the common format characters are treated
/// as unprintable and everything else as printable.
fn is_go_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(
            c,
            '\u{ad}'
                | '\u{600}'..='\u{605}'
                | '\u{61c}'
                | '\u{6dd}'
                | '\u{70f}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        ))
}

fn push_hex(out: &mut String, value: u32, digits: u32) {
    for shift in (0..digits).rev() {
        let nibble = (value >> (shift * 4)) & 0xf;
        out.push(char::from(LOWER_HEX[nibble as usize]));
    }
}

/// A JSON string as Go's `encoding/json` writes it (HTML-safe escaping).
pub(super) fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str("\\u");
                push_hex(&mut out, c as u32, 4);
            }
            c if (c as u32) < 0x20 => {
                out.push_str("\\u");
                push_hex(&mut out, c as u32, 4);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `map[string]string` as JSON: `null` when absent, keys in sorted order.
pub(super) fn go_json_string_map(map: Option<&BTreeMap<String, String>>) -> String {
    let Some(map) = map else {
        return "null".to_owned();
    };
    let mut out = String::from("{");
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&go_json_string(k));
        out.push(':');
        out.push_str(&go_json_string(v));
    }
    out.push('}');
    out
}

/// An `intstr.IntOrString` as JSON: a bare number or a JSON string.
pub(super) fn go_json_int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => go_json_string(s),
    }
}

/// A JSON object from already-rendered `(Go field name, JSON value)` pairs, in order.
pub(super) fn go_json_struct(fields: &[(&str, String)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}:{value}", go_json_string(name));
    }
    out.push('}');
    out
}

/// An optional string field of an internal struct: Go's zero value is `""`.
pub(super) fn go_json_opt_string(value: Option<&str>) -> String {
    go_json_string(value.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_strconv_quote() {
        assert_eq!(go_quote("abc"), r#""abc""#);
        assert_eq!(go_quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(go_quote("a\nb\tc\u{1}"), r#""a\nb\tc\x01""#);
        assert_eq!(go_quote("rā"), "\"rā\"");
        assert_eq!(go_quote("a\u{a0}b"), r#""a\u00a0b""#);
        assert_eq!(go_quote("<&>"), r#""<&>""#);
    }

    #[test]
    fn json_matches_encoding_json() {
        assert_eq!(go_json_string("a<b>&c"), r#""a\u003cb\u003e\u0026c""#);
        assert_eq!(go_json_string("x\u{1}y\n"), r#""x\u0001y\n""#);
        let mut m = BTreeMap::new();
        m.insert("b".to_owned(), "2".to_owned());
        m.insert("a".to_owned(), "1".to_owned());
        assert_eq!(go_json_string_map(Some(&m)), r#"{"a":"1","b":"2"}"#);
        assert_eq!(go_json_string_map(None), "null");
        assert_eq!(go_json_int_or_string(&IntOrString::Int(5)), "5");
        assert_eq!(
            go_json_int_or_string(&IntOrString::String("25%".into())),
            r#""25%""#
        );
        assert_eq!(
            go_json_struct(&[
                ("Type", go_json_string("X")),
                ("RollingUpdate", "null".into())
            ]),
            r#"{"Type":"X","RollingUpdate":null}"#
        );
    }
}
