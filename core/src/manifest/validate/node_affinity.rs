//! Node affinity: `validateNodeAffinity`, `ValidateNodeSelector`,
//! `ValidateNodeSelectorTerm`, `ValidateNodeSelectorRequirement`,
//! `ValidateNodeFieldSelectorRequirement` and `ValidatePreferredSchedulingTerms` in
//! `pkg/apis/core/validation/validation.go`.
//!
//! Since Kubernetes 1.33 (kubernetes/kubernetes#128212) the values of `matchExpressions`
//! in the *required* terms must be valid label values on create; the preferred terms are
//! still let through with any values, for compatibility with stored pods.

use super::errors::{invalid, required, BadValue};
use super::label_selector::{invalid_operator, label_values, set_operator_values};
use super::labels::{name_is_dns_subdomain, validate_label_name};
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::api::core::v1::{
    NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm,
};

/// `validateNodeAffinity` (pod template `spec.affinity.nodeAffinity`).
pub(super) fn validate_node_affinity(affinity: &NodeAffinity, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(required_terms) = &affinity.required_during_scheduling_ignored_during_execution {
        errs.extend(validate_node_selector(
            required_terms,
            false,
            &path.key("requiredDuringSchedulingIgnoredDuringExecution"),
        ));
    }
    if let Some(preferred) = &affinity.preferred_during_scheduling_ignored_during_execution {
        errs.extend(validate_preferred_scheduling_terms(
            preferred,
            &path.key("preferredDuringSchedulingIgnoredDuringExecution"),
        ));
    }
    errs
}

/// `ValidateNodeSelector`: at least one term, each term valid.
fn validate_node_selector(
    selector: &NodeSelector,
    allow_invalid_label_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let terms_path = path.key("nodeSelectorTerms");
    if selector.node_selector_terms.is_empty() {
        return vec![required(
            terms_path,
            "must have at least one node selector term",
        )];
    }
    selector
        .node_selector_terms
        .iter()
        .enumerate()
        .flat_map(|(i, term)| {
            validate_node_selector_term(term, allow_invalid_label_values, &terms_path.index(i))
        })
        .collect()
}

/// `ValidatePreferredSchedulingTerms`: weight in 1..=100 and a valid preference.
fn validate_preferred_scheduling_terms(
    terms: &[PreferredSchedulingTerm],
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        if term.weight <= 0 || term.weight > 100 {
            errs.push(invalid(
                path.index(i).key("weight"),
                BadValue::Int(i64::from(term.weight)),
                "must be in the range 1-100",
            ));
        }
        errs.extend(validate_node_selector_term(
            &term.preference,
            true,
            &path.index(i).key("preference"),
        ));
    }
    errs
}

/// `ValidateNodeSelectorTerm`: its `matchExpressions` and `matchFields`.
fn validate_node_selector_term(
    term: &NodeSelectorTerm,
    allow_invalid_label_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (j, req) in term.match_expressions.iter().flatten().enumerate() {
        errs.extend(validate_node_selector_requirement(
            req,
            allow_invalid_label_values,
            &path.key("matchExpressions").index(j),
        ));
    }
    for (j, req) in term.match_fields.iter().flatten().enumerate() {
        errs.extend(validate_node_field_selector_requirement(
            req,
            &path.key("matchFields").index(j),
        ));
    }
    errs
}

/// `ValidateNodeSelectorRequirement`: operator and value count, label key, and (unless
/// allowed) label-value syntax of every value.
///
/// `Gt` and `Lt` need exactly one value; the API server does not check that it parses as
/// an integer (the scheduler treats an unparsable value as a non-match).
fn validate_node_selector_requirement(
    req: &NodeSelectorRequirement,
    allow_invalid_label_values: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = req.values.as_deref().unwrap_or(&[]);
    if !set_operator_values(&req.operator, values, path, &mut errs) {
        match req.operator.as_str() {
            "Gt" | "Lt" if values.len() != 1 => errs.push(required(
                path.key("values"),
                "must be specified single value when `operator` is 'Lt' or 'Gt'",
            )),
            "Gt" | "Lt" => {}
            other => errs.push(invalid_operator(other, path)),
        }
    }
    errs.extend(validate_label_name(&req.key, &path.key("key")));
    if !allow_invalid_label_values {
        errs.extend(label_values(values, path));
    }
    errs
}

/// `ValidateNodeFieldSelectorRequirement`: only `metadata.name`, only `In`/`NotIn`, and
/// exactly one value that is a valid node name.
fn validate_node_field_selector_requirement(
    req: &NodeSelectorRequirement,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = req.values.as_deref().unwrap_or(&[]);
    match req.operator.as_str() {
        "In" | "NotIn" => {
            if values.len() != 1 {
                errs.push(required(
                    path.key("values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                ));
            }
        }
        other => errs.push(invalid_operator(other, path)),
    }
    if req.key == "metadata.name" {
        for (i, value) in values.iter().enumerate() {
            for msg in name_is_dns_subdomain(value, false) {
                errs.push(invalid(
                    path.key("values").index(i),
                    BadValue::str(value),
                    &msg,
                ));
            }
        }
    } else {
        errs.push(invalid(
            path.key("key"),
            BadValue::str(&req.key),
            "not a valid field selector key",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "spec.template.spec.affinity.nodeAffinity";

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let affinity: NodeAffinity = serde_yaml::from_str(yaml).expect("test YAML parses");
        validate_node_affinity(
            &affinity,
            &FieldPath::keys(&["spec", "template", "spec", "affinity", "nodeAffinity"]),
        )
        .into_iter()
        .map(|e| (e.path.to_string(), e.message))
        .collect()
    }

    fn required_term(expr: &str) -> String {
        format!("requiredDuringSchedulingIgnoredDuringExecution:\n  nodeSelectorTerms:\n  - matchExpressions:\n    - {expr}")
    }

    fn field_term(expr: &str) -> String {
        format!("requiredDuringSchedulingIgnoredDuringExecution:\n  nodeSelectorTerms:\n  - matchFields:\n    - {expr}")
    }

    fn one(path: &str, message: &str) -> Vec<(String, String)> {
        vec![(format!("{BASE}.{path}"), message.to_owned())]
    }

    const REQ0: &str = "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]";

    #[test]
    fn valid_affinity_passes() {
        assert!(errors(&format!(
            "{}\n    - {{key: gpu, operator: Exists}}\n    - {{key: cores, operator: Gt, values: ['8']}}\n  - matchFields:\n    - {{key: metadata.name, operator: NotIn, values: [node-1]}}\npreferredDuringSchedulingIgnoredDuringExecution:\n- weight: 10\n  preference:\n    matchExpressions:\n    - {{key: zone, operator: In, values: [a]}}",
            required_term("{key: kubernetes.io/os, operator: In, values: [linux]}")
        ))
        .is_empty());
    }

    #[test]
    fn terms_must_not_be_empty() {
        assert_eq!(
            errors("requiredDuringSchedulingIgnoredDuringExecution:\n  nodeSelectorTerms: []"),
            one(
                "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
                "Required value: must have at least one node selector term"
            )
        );
    }

    #[test]
    fn in_needs_values() {
        assert_eq!(
            errors(&required_term("{key: zone, operator: NotIn}")),
            one(
                &format!("{REQ0}.matchExpressions[0].values"),
                "Required value: must be specified when `operator` is 'In' or 'NotIn'"
            )
        );
    }

    #[test]
    fn exists_forbids_values() {
        assert_eq!(
            errors(&required_term("{key: zone, operator: Exists, values: [a]}")),
            one(
                &format!("{REQ0}.matchExpressions[0].values"),
                "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            )
        );
    }

    #[test]
    fn gt_needs_exactly_one_value() {
        assert_eq!(
            errors(&required_term(
                "{key: cores, operator: Gt, values: ['1', '2']}"
            )),
            one(
                &format!("{REQ0}.matchExpressions[0].values"),
                "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"
            )
        );
        // Not parsed as an integer by the API server.
        assert!(errors(&required_term("{key: cores, operator: Lt, values: [many]}")).is_empty());
    }

    #[test]
    fn unknown_operator_and_bad_key() {
        assert_eq!(
            errors(&required_term("{key: 'a b', operator: Equals, values: [x]}")),
            vec![
                (
                    format!("{BASE}.{REQ0}.matchExpressions[0].operator"),
                    "Invalid value: \"Equals\": not a valid selector operator".to_owned()
                ),
                (
                    format!("{BASE}.{REQ0}.matchExpressions[0].key"),
                    "Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn required_values_must_be_label_values() {
        assert_eq!(
            errors(&required_term("{key: zone, operator: In, values: [ok, 'not ok']}")),
            one(
                &format!("{REQ0}.matchExpressions[0].values[1]"),
                "Invalid value: \"not ok\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            )
        );
    }

    #[test]
    fn preferred_terms_get_syntax_checks_but_not_value_checks() {
        assert_eq!(
            errors("preferredDuringSchedulingIgnoredDuringExecution:\n- weight: 0\n  preference:\n    matchExpressions:\n    - {key: zone, operator: In}\n    - {key: zone, operator: In, values: ['not ok']}"),
            vec![
                (
                    format!("{BASE}.preferredDuringSchedulingIgnoredDuringExecution[0].weight"),
                    "Invalid value: 0: must be in the range 1-100".to_owned()
                ),
                (
                    format!("{BASE}.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values"),
                    "Required value: must be specified when `operator` is 'In' or 'NotIn'".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn match_fields_only_metadata_name() {
        assert_eq!(
            errors(&field_term(
                "{key: metadata.labels, operator: In, values: [a]}"
            )),
            one(
                &format!("{REQ0}.matchFields[0].key"),
                "Invalid value: \"metadata.labels\": not a valid field selector key"
            )
        );
    }

    #[test]
    fn match_fields_operator_and_single_value() {
        assert_eq!(
            errors(&field_term("{key: metadata.name, operator: Exists}")),
            one(
                &format!("{REQ0}.matchFields[0].operator"),
                "Invalid value: \"Exists\": not a valid selector operator"
            )
        );
        assert_eq!(
            errors(&field_term("{key: metadata.name, operator: In, values: [a, b]}")),
            one(
                &format!("{REQ0}.matchFields[0].values"),
                "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector"
            )
        );
    }

    #[test]
    fn match_fields_values_are_node_names() {
        assert_eq!(
            errors(&field_term("{key: metadata.name, operator: In, values: [Node_1]}")),
            one(
                &format!("{REQ0}.matchFields[0].values[0]"),
                "Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            )
        );
    }
}
