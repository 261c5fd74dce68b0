//! `metav1.LabelSelector`: `ValidateLabelSelector` / `ValidateLabelSelectorRequirement`
//! (`staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go`, with
//! `AllowInvalidLabelValueInSelector` off, as on create) and the matching that
//! `metav1.LabelSelectorAsSelector` gives a valid selector.

use super::errors::{forbidden, invalid, required, BadValue};
use super::labels::{is_valid_label_value, validate_label_name, validate_labels};
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use std::collections::BTreeMap;

/// `ValidateLabelSelector` for a selector that is present.
pub(super) fn validate_label_selector(
    selector: &LabelSelector,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = validate_labels(selector.match_labels.as_ref(), &path.key("matchLabels"));
    for (i, expr) in selector.match_expressions.iter().flatten().enumerate() {
        errs.extend(validate_requirement(
            expr,
            &path.key("matchExpressions").index(i),
        ));
    }
    errs
}

fn validate_requirement(req: &LabelSelectorRequirement, path: &FieldPath) -> Vec<FieldError> {
    let values = req.values.as_deref().unwrap_or(&[]);
    let mut errs = Vec::new();
    if !set_operator_values(&req.operator, values, path, &mut errs) {
        errs.push(invalid_operator(&req.operator, path));
    }
    errs.extend(validate_label_name(&req.key, &path.key("key")));
    errs.extend(label_values(values, path));
    errs
}

/// The value-count rules of the set-based operators shared by label selectors and node
/// selectors: `In`/`NotIn` need values, `Exists`/`DoesNotExist` take none. Returns false
/// when `operator` is none of the four, leaving that to the caller.
pub(super) fn set_operator_values(
    operator: &str,
    values: &[String],
    path: &FieldPath,
    errs: &mut Vec<FieldError>,
) -> bool {
    match operator {
        "In" | "NotIn" if values.is_empty() => errs.push(required(
            path.key("values"),
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        "Exists" | "DoesNotExist" if !values.is_empty() => errs.push(forbidden(
            path.key("values"),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
        _ => return false,
    }
    true
}

/// `Invalid value: "X": not a valid selector operator`, at `path.operator`.
pub(super) fn invalid_operator(operator: &str, path: &FieldPath) -> FieldError {
    invalid(
        path.key("operator"),
        BadValue::typed(operator),
        "not a valid selector operator",
    )
}

/// Label-value syntax of each of `values`, at `path.values[i]`.
pub(super) fn label_values(values: &[String], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, value) in values.iter().enumerate() {
        for msg in is_valid_label_value(value) {
            errs.push(invalid(
                path.key("values").index(i),
                BadValue::str(value),
                &msg,
            ));
        }
    }
    errs
}

/// True when the selector selects nothing in particular: no `matchLabels` and no
/// `matchExpressions` (`LabelSelectorAsSelector` turns it into `labels.Everything()`).
pub(super) fn is_empty(selector: &LabelSelector) -> bool {
    selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty)
}

/// Whether a selector that passed [`validate_label_selector`] matches `labels`.
pub(super) fn matches(selector: &LabelSelector, labels: Option<&BTreeMap<String, String>>) -> bool {
    let get = |key: &str| labels.and_then(|l| l.get(key));
    let labels_match = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| get(k) == Some(v));
    let expressions_match = selector.match_expressions.iter().flatten().all(|expr| {
        let values = expr.values.as_deref().unwrap_or(&[]);
        let value = get(&expr.key);
        match expr.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_match && expressions_match
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selector(yaml: &str) -> LabelSelector {
        serde_yaml::from_str(yaml).expect("test YAML parses")
    }

    fn errors(yaml: &str) -> Vec<(String, String)> {
        validate_label_selector(&selector(yaml), &FieldPath::keys(&["spec", "selector"]))
            .into_iter()
            .map(|e| (e.path.to_string(), e.message))
            .collect()
    }

    #[test]
    fn in_and_not_in_need_values() {
        assert_eq!(
            errors("matchExpressions: [{key: app, operator: In}]"),
            vec![(
                "spec.selector.matchExpressions[0].values".to_owned(),
                "Required value: must be specified when `operator` is 'In' or 'NotIn'".to_owned()
            )]
        );
    }

    #[test]
    fn exists_must_not_have_values() {
        assert_eq!(
            errors("matchExpressions: [{key: app, operator: DoesNotExist, values: [a]}]"),
            vec![(
                "spec.selector.matchExpressions[0].values".to_owned(),
                "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn unknown_operator_and_bad_value() {
        assert_eq!(
            errors("matchExpressions: [{key: app, operator: Equals, values: ['-x']}]"),
            vec![
                (
                    "spec.selector.matchExpressions[0].operator".to_owned(),
                    "Invalid value: \"Equals\": not a valid selector operator".to_owned()
                ),
                (
                    "spec.selector.matchExpressions[0].values[0]".to_owned(),
                    "Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn match_labels_keys_are_checked() {
        let errs = errors("matchLabels: {'a/b/c': x}");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "spec.selector.matchLabels");
        assert!(errs[0]
            .1
            .starts_with("Invalid value: \"a/b/c\": a valid label key must"));
    }

    #[test]
    fn matching() {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_owned(), "web".to_owned());
        labels.insert("tier".to_owned(), "front".to_owned());
        let yes = selector(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, back]}\n- {key: env, operator: NotIn, values: [prod]}\n- {key: gone, operator: DoesNotExist}\n- {key: app, operator: Exists}",
        );
        assert!(matches(&yes, Some(&labels)));
        let no = selector("matchLabels: {app: db}");
        assert!(!matches(&no, Some(&labels)));
        assert!(!matches(&yes, None));
        assert!(is_empty(&selector("{}")));
        assert!(is_empty(&selector("matchLabels: {}")));
        assert!(!is_empty(&no));
    }
}
