//! Pod tolerations: `ValidateTolerations` in `pkg/apis/core/validation/validation.go`.
//!
//! `Lt` and `Gt` are only accepted behind the `TaintTolerationComparisonOperators` feature
//! gate, which is alpha and off by default through Kubernetes 1.37; with the gate off they
//! fall into the unsupported-operator branch like any other unknown operator.

use super::errors::{invalid, not_supported, BadValue};
use super::labels::{is_valid_label_value, validate_label_name};
use super::render::{go_json_opt_string, go_json_struct};
use super::taints::validate_taint_effect;
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::api::core::v1::Toleration;

/// `ValidateTolerations` with the default feature gates of Kubernetes 1.37.
pub(super) fn validate_tolerations(
    tolerations: &[Toleration],
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, toleration) in tolerations.iter().enumerate() {
        let idx_path = path.index(i);
        let key = toleration.key.as_deref().unwrap_or("");
        let operator = toleration.operator.as_deref().unwrap_or("");
        let value = toleration.value.as_deref().unwrap_or("");
        let effect = toleration.effect.as_deref().unwrap_or("");

        if !key.is_empty() {
            errs.extend(validate_label_name(key, &idx_path.key("key")));
        }

        // An empty key with operator Exists (and no value) matches every taint.
        if key.is_empty() && operator != "Exists" {
            errs.push(invalid(
                idx_path.key("operator"),
                BadValue::typed(operator),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }

        if toleration.toleration_seconds.is_some() && effect != "NoExecute" {
            errs.push(invalid(
                idx_path.key("effect"),
                BadValue::typed(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }

        match operator {
            // An empty operator means Equal.
            "Equal" | "" => {
                let msgs = is_valid_label_value(value);
                if !msgs.is_empty() {
                    // Upstream reports a bad value at `operator`, with the messages joined.
                    errs.push(invalid(
                        idx_path.key("operator"),
                        BadValue::str(value),
                        &msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(invalid(
                        idx_path.key("operator"),
                        BadValue::Json(internal_toleration_json(toleration)),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(not_supported(
                idx_path.key("operator"),
                BadValue::typed(other),
                &["Equal", "Exists"],
            )),
        }

        // An empty effect matches every taint effect.
        if !effect.is_empty() {
            errs.extend(validate_taint_effect(effect, true, &idx_path.key("effect")));
        }
    }
    errs
}

/// The internal `core.Toleration` as `encoding/json` renders it (Go field names).
fn internal_toleration_json(t: &Toleration) -> String {
    go_json_struct(&[
        ("Key", go_json_opt_string(t.key.as_deref())),
        ("Operator", go_json_opt_string(t.operator.as_deref())),
        ("Value", go_json_opt_string(t.value.as_deref())),
        ("Effect", go_json_opt_string(t.effect.as_deref())),
        (
            "TolerationSeconds",
            t.toleration_seconds
                .map_or_else(|| "null".to_owned(), |s| s.to_string()),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let tolerations: Vec<Toleration> = serde_yaml::from_str(yaml).expect("test YAML parses");
        validate_tolerations(
            &tolerations,
            &FieldPath::keys(&["spec", "template", "spec", "tolerations"]),
        )
        .into_iter()
        .map(|e| (e.path.to_string(), e.message))
        .collect()
    }

    fn one(path: &str, message: &str) -> Vec<(String, String)> {
        vec![(path.to_owned(), message.to_owned())]
    }

    #[test]
    fn valid_tolerations_pass() {
        assert!(errors(
            "- {operator: Exists}\n- {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}\n- {key: dedicated, value: gpu, effect: NoSchedule}\n- {key: a, operator: Equal, value: '', effect: PreferNoSchedule}"
        )
        .is_empty());
    }

    #[test]
    fn unknown_operator() {
        assert_eq!(
            errors("- {key: a, operator: In, value: b}"),
            one(
                "spec.template.spec.tolerations[0].operator",
                "Unsupported value: \"In\": supported values: \"Equal\", \"Exists\""
            )
        );
    }

    #[test]
    fn lt_and_gt_are_gated_off() {
        assert_eq!(
            errors("- {key: sla, operator: Gt, value: '950', effect: NoSchedule}"),
            one(
                "spec.template.spec.tolerations[0].operator",
                "Unsupported value: \"Gt\": supported values: \"Equal\", \"Exists\""
            )
        );
    }

    #[test]
    fn empty_key_needs_exists() {
        assert_eq!(
            errors("- {operator: Equal, value: b}"),
            one(
                "spec.template.spec.tolerations[0].operator",
                "Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""
            )
        );
        assert_eq!(
            errors("- {effect: NoSchedule}"),
            one(
                "spec.template.spec.tolerations[0].operator",
                "Invalid value: \"\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""
            )
        );
    }

    #[test]
    fn exists_must_not_have_a_value() {
        assert_eq!(
            errors("- {key: a, operator: Exists, value: b, effect: NoSchedule}"),
            one(
                "spec.template.spec.tolerations[0].operator",
                "Invalid value: {\"Key\":\"a\",\"Operator\":\"Exists\",\"Value\":\"b\",\"Effect\":\"NoSchedule\",\"TolerationSeconds\":null}: value must be empty when `operator` is 'Exists'"
            )
        );
    }

    #[test]
    fn unknown_effect() {
        assert_eq!(
            errors("- {key: a, operator: Exists, effect: NoSchedul}"),
            one(
                "spec.template.spec.tolerations[0].effect",
                "Unsupported value: \"NoSchedul\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
            )
        );
    }

    #[test]
    fn toleration_seconds_need_no_execute() {
        assert_eq!(
            errors("- {key: a, operator: Exists, effect: NoSchedule, tolerationSeconds: 30}"),
            one(
                "spec.template.spec.tolerations[0].effect",
                "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"
            )
        );
    }

    #[test]
    fn key_must_be_a_qualified_name() {
        assert_eq!(
            errors("- {key: 'a b', operator: Exists}"),
            one(
                "spec.template.spec.tolerations[0].key",
                "Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            )
        );
    }

    #[test]
    fn equal_value_must_be_a_label_value() {
        let long = "v".repeat(64);
        assert_eq!(
            errors(&format!("- {{key: a, value: '{long}-'}}")),
            one(
                "spec.template.spec.tolerations[0].operator",
                &format!("Invalid value: \"{long}-\": must be no more than 63 characters;a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
            )
        );
    }
}
