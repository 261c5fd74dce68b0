//! Node taints: `validateNodeTaints` and `validateTaintEffect` in
//! `pkg/apis/core/validation/validation.go`.

use super::errors::{duplicate, invalid, not_supported, required, BadValue};
use super::labels::{is_valid_label_value, validate_label_name};
use super::render::{go_json_opt_string, go_json_string, go_json_struct};
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::api::core::v1::Taint;
use std::collections::{BTreeMap, BTreeSet};

/// The effects a taint may have, in the order the API server lists them.
const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `validateTaintEffect`: one of `NoSchedule`, `PreferNoSchedule`, `NoExecute`; empty is
/// `Required value` unless `allow_empty`.
pub(super) fn validate_taint_effect(
    effect: &str,
    allow_empty: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    if !allow_empty && effect.is_empty() {
        return vec![required(path.clone(), "")];
    }
    if TAINT_EFFECTS.contains(&effect) {
        Vec::new()
    } else {
        vec![not_supported(
            path.clone(),
            BadValue::typed(effect),
            &TAINT_EFFECTS,
        )]
    }
}

/// `validateNodeTaints`: key, value and effect of each taint, and no two taints with the
/// same key and effect.
pub(super) fn validate_node_taints(taints: &[Taint], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut unique: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (i, taint) in taints.iter().enumerate() {
        let idx_path = path.index(i);
        errs.extend(validate_label_name(&taint.key, &idx_path.key("key")));
        let value = taint.value.as_deref().unwrap_or("");
        let msgs = is_valid_label_value(value);
        if !msgs.is_empty() {
            errs.push(invalid(
                idx_path.key("value"),
                BadValue::str(value),
                &msgs.join(";"),
            ));
        }
        errs.extend(validate_taint_effect(
            &taint.effect,
            false,
            &idx_path.key("effect"),
        ));

        let keys = unique.entry(taint.effect.as_str()).or_default();
        if !keys.insert(taint.key.as_str()) {
            errs.push(duplicate(
                idx_path,
                BadValue::Json(internal_taint_json(taint)),
                "taints must be unique by key and effect pair",
            ));
        }
    }
    errs
}

/// The internal `core.Taint` as `encoding/json` renders it (Go field names).
fn internal_taint_json(t: &Taint) -> String {
    let time_added = t
        .time_added
        .as_ref()
        .and_then(|time| serde_json::to_string(time).ok())
        .unwrap_or_else(|| "null".to_owned());
    go_json_struct(&[
        ("Key", go_json_string(&t.key)),
        ("Value", go_json_opt_string(t.value.as_deref())),
        ("Effect", go_json_string(&t.effect)),
        ("TimeAdded", time_added),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let taints: Vec<Taint> = serde_yaml::from_str(yaml).expect("test YAML parses");
        validate_node_taints(&taints, &FieldPath::keys(&["spec", "taints"]))
            .into_iter()
            .map(|e| (e.path.to_string(), e.message))
            .collect()
    }

    #[test]
    fn valid_taints_pass() {
        assert!(errors(
            "- {key: dedicated, value: gpu, effect: NoSchedule}\n- {key: dedicated, value: gpu, effect: NoExecute}\n- {key: example.com/x, effect: PreferNoSchedule}"
        )
        .is_empty());
    }

    #[test]
    fn effect_is_required() {
        assert_eq!(
            errors("- {key: a, value: b}"),
            vec![(
                "spec.taints[0].effect".to_owned(),
                "Required value".to_owned()
            )]
        );
    }

    #[test]
    fn effect_must_be_known() {
        assert_eq!(
            errors("- {key: a, effect: NoSchedul}"),
            vec![(
                "spec.taints[0].effect".to_owned(),
                "Unsupported value: \"NoSchedul\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"".to_owned()
            )]
        );
    }

    #[test]
    fn key_is_required_and_qualified() {
        assert_eq!(
            errors("- {effect: NoSchedule}"),
            vec![
                (
                    "spec.taints[0].key".to_owned(),
                    "Invalid value: \"\": name part must be non-empty".to_owned()
                ),
                (
                    "spec.taints[0].key".to_owned(),
                    "Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_owned()
                ),
            ]
        );
        let errs = errors("- {key: 'bad/key/x', effect: NoSchedule}");
        assert_eq!(errs.len(), 1);
        assert!(errs[0]
            .1
            .starts_with("Invalid value: \"bad/key/x\": a valid label key"));
    }

    #[test]
    fn value_must_be_a_label_value() {
        assert_eq!(
            errors("- {key: a, value: 'x y', effect: NoSchedule}"),
            vec![(
                "spec.taints[0].value".to_owned(),
                "Invalid value: \"x y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_owned()
            )]
        );
    }

    #[test]
    fn key_and_effect_pairs_are_unique() {
        assert_eq!(
            errors("- {key: a, value: x, effect: NoSchedule}\n- {key: a, value: y, effect: NoSchedule}"),
            vec![(
                "spec.taints[1]".to_owned(),
                "Duplicate value: {\"Key\":\"a\",\"Value\":\"y\",\"Effect\":\"NoSchedule\",\"TimeAdded\":null}: taints must be unique by key and effect pair".to_owned()
            )]
        );
        let errs = errors(
            "- {key: a, effect: NoExecute}\n- {key: a, effect: NoExecute, timeAdded: '2024-05-01T10:00:00Z'}",
        );
        assert_eq!(
            errs[0].1,
            "Duplicate value: {\"Key\":\"a\",\"Value\":\"\",\"Effect\":\"NoExecute\",\"TimeAdded\":\"2024-05-01T10:00:00Z\"}: taints must be unique by key and effect pair"
        );
    }
}
