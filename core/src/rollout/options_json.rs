//! Rollout options written as JSON, as the JavaScript API and the test cases give them:
//! `{ "setImage": "c=img", "to": "<yaml>", "readyAfter": seconds, "failImage": "img",
//! "failImages": [..], "deletePods": [..], "at": ["30:notready:node-1", ..], "undo": n,
//! "daemonSet": "ns/name" }`, every key optional.

use super::{scenario, RolloutOptions, Update, DEFAULT_READY_AFTER};
use crate::manifest::Diagnostic;
use serde_json::Value;

/// Reads options from JSON text (empty text: the defaults). `to_file` names the `to`
/// text in its errors.
///
/// # Errors
/// Text that is not JSON, or an option that does not parse; each names the option.
pub fn options_from_json_text(
    text: &str,
    to_file: &str,
) -> Result<RolloutOptions, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return options_from_json(&Value::Null, to_file);
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| vec![Diagnostic::file("options", format!("not JSON: {e}"))])?;
    options_from_json(&value, to_file)
}

/// The strings of the JSON list at `key` of `o`: none when the key is missing or null.
///
/// # Errors
/// When the value is not a list of strings, naming the first item that is not one.
pub fn strings(o: &Value, key: &str) -> Result<Vec<String>, String> {
    match &o[key] {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{key}[{i}] is {v}, not a string"))
            })
            .collect(),
        other => Err(format!("expected a list of strings, not {other}")),
    }
}

/// The options [`options_from_json`] reads.
pub const OPTION_NAMES: [&str; 9] = [
    "daemonSet",
    "setImage",
    "to",
    "readyAfter",
    "failImage",
    "failImages",
    "deletePods",
    "at",
    "undo",
];

/// The string at `key` of `o`, if there is one (null counts as missing).
fn string<'v>(o: &'v Value, key: &str) -> Result<Option<&'v str>, Vec<Diagnostic>> {
    match &o[key] {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        other => Err(vec![Diagnostic::file(
            key,
            format!("expected a string, not {other}"),
        )]),
    }
}

/// Reads options from a JSON value (`null`: the defaults).
///
/// # Errors
/// An option that does not parse, or a `to` text that is not a DaemonSet; each names the
/// option.
pub fn options_from_json(o: &Value, to_file: &str) -> Result<RolloutOptions, Vec<Diagnostic>> {
    let flag = |name: &str| {
        let name = name.to_owned();
        move |message: String| vec![Diagnostic::file(&name, message)]
    };
    match o {
        Value::Null => {}
        Value::Object(map) => {
            if let Some(unknown) = map.keys().find(|k| !OPTION_NAMES.contains(&k.as_str())) {
                return Err(flag(unknown)(format!(
                    "unknown option; the options are {}",
                    OPTION_NAMES.join(", ")
                )));
            }
        }
        other => return Err(flag("options")(format!("expected an object, not {other}"))),
    }
    let strings = |key: &str| strings(o, key).map_err(flag(key));
    let undo = match &o["undo"] {
        Value::Null => None,
        v => Some(
            v.as_i64()
                .ok_or_else(|| flag("undo")(format!("expected a revision number, not {v}")))?,
        ),
    };
    let mut result = RolloutOptions {
        daemon_set: string(o, "daemonSet")?.map(str::to_owned),
        ready_after: DEFAULT_READY_AFTER,
        fail_images: strings("failImages")?,
        delete_pods: strings("deletePods")?,
        undo,
        ..RolloutOptions::default()
    };
    if let Some(image) = string(o, "failImage")? {
        result.fail_images.push(image.to_owned());
    }
    if let Some(images) = string(o, "setImage")? {
        result.update = Update::SetImage(scenario::parse_images(images).map_err(flag("setImage"))?);
    }
    if let Some(to) = string(o, "to")? {
        result.update = Update::apply_text(to, to_file)?;
    }
    if let Some(seconds) = o.get("readyAfter").filter(|v| !v.is_null()) {
        result.ready_after =
            scenario::parse_seconds(&seconds.to_string()).map_err(flag("readyAfter"))?;
    }
    for at in strings("at")? {
        result.at.push(scenario::parse_at(&at).map_err(flag("at"))?);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read_and_bad_ones_name_the_option() {
        let o = options_from_json_text(
            r#"{"setImage": "a=b:2", "readyAfter": 1.5, "failImage": "b:2", "deletePods": ["n1"], "at": ["3:cordon:n1"], "undo": 0}"#,
            "to.yaml",
        )
        .unwrap_or_default();
        assert!(
            matches!(o.update, Update::SetImage(ref p) if p == &[("a".to_owned(), "b:2".to_owned())])
        );
        assert_eq!(o.ready_after, 1500);
        assert_eq!(o.fail_images, vec!["b:2".to_owned()]);
        assert_eq!(o.delete_pods, vec!["n1".to_owned()]);
        assert_eq!((o.at.len(), o.undo), (1, Some(0)));
        let errors = options_from_json_text(r#"{"readyAfter": -1}"#, "to.yaml")
            .err()
            .unwrap_or_default();
        assert_eq!(errors.first().map(|d| d.file.as_str()), Some("readyAfter"));
        let errors = options_from_json_text("{", "to.yaml")
            .err()
            .unwrap_or_default();
        assert_eq!(errors.first().map(|d| d.file.as_str()), Some("options"));
    }

    #[test]
    fn unknown_options_and_wrong_types_are_errors_not_ignored() {
        let first = |text: &str| {
            options_from_json_text(text, "to.yaml")
                .err()
                .and_then(|e| e.into_iter().next())
                .map(|d| d.to_string())
        };
        assert_eq!(
            first(r#"{"readyafter": 3}"#),
            Some(format!(
                "readyafter: unknown option; the options are {}",
                OPTION_NAMES.join(", ")
            ))
        );
        assert_eq!(
            first(r#"{"setImage": 5}"#).as_deref(),
            Some("setImage: expected a string, not 5")
        );
        assert_eq!(
            first(r#"{"deletePods": ["a", 1]}"#).as_deref(),
            Some("deletePods: deletePods[1] is 1, not a string")
        );
        assert_eq!(
            first(r#"{"undo": "2"}"#).as_deref(),
            Some("undo: expected a revision number, not \"2\"")
        );
        assert_eq!(
            first("[1]").as_deref(),
            Some("options: expected an object, not [1]")
        );
    }
}
