//! `-o` output formats: the table (default and `wide`), `yaml`, `json` and `name`
//! (`staging/src/k8s.io/cli-runtime/pkg/printers`).

use crate::kubectl::args::Parsed;
use crate::kubectl::resources::Kind;
use crate::kubectl::yaml;
use crate::kubectl::Output;
use serde::Serialize;
use serde_json::{json, Value};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The table.
    Table,
    /// The table with the wide columns.
    Wide,
    /// YAML.
    Yaml,
    /// JSON.
    Json,
    /// `kind.group/name`.
    Name,
}

const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// The format `-o` asks for.
///
/// # Errors
/// kubectl's message for an unknown format, the emulator's for templates and jsonpath.
pub fn format(parsed: &Parsed) -> Result<Format, Output> {
    match parsed.value("output") {
        None | Some("") => Ok(Format::Table),
        Some("wide") => Ok(Format::Wide),
        Some("yaml") => Ok(Format::Yaml),
        Some("json") => Ok(Format::Json),
        Some("name") => Ok(Format::Name),
        Some(other) => {
            let base = other.split('=').next().unwrap_or(other);
            if ALLOWED.split(',').any(|a| a == base) {
                Err(Output::fail(format!(
                    "dsim: -o {base} is not emulated; use -o yaml, -o json, -o name or -o wide\n"
                )))
            } else {
                Err(Output::fail(format!(
                    "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: {ALLOWED}\n"
                )))
            }
        }
    }
}

/// An API object as a JSON value.
pub fn value<T: Serialize>(object: &T) -> Value {
    serde_json::to_value(object).unwrap_or(Value::Null)
}

/// Objects in a structured format: one object alone when one was asked for by name,
/// otherwise a `v1` `List`.
pub fn structured(values: Vec<Value>, single: bool, format: Format) -> String {
    let doc = if single && values.len() == 1 {
        values.into_iter().next().unwrap_or(Value::Null)
    } else {
        json!({
            "apiVersion": "v1",
            "items": values,
            "kind": "List",
            "metadata": {"resourceVersion": ""}
        })
    };
    match format {
        Format::Json => yaml::to_json(&doc),
        _ => yaml::to_yaml(&doc),
    }
}

/// `-o name` lines.
pub fn names(kind: Kind, names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{}/{n}\n", kind.singular()))
        .collect()
}
