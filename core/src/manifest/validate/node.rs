//! Nodes: the parts of `ValidateNode` (`pkg/apis/core/validation/validation.go`) that
//! placement depends on, the name, the labels and the taints.
//!
//! Upstream passes `field.NewPath("metadata").Child("taints")` to `validateNodeTaints`, so
//! the API server reports taint errors at `metadata.taints[i]...`, a path that does not
//! exist in the object. They are reported at `spec.taints[i]...` here so that they can be
//! located in the manifest; the messages are the API server's.

use super::object_meta::validate_object_meta;
use super::taints::validate_node_taints;
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::api::core::v1::Node;

/// `ValidateNode`, restricted to metadata and `spec.taints`.
pub(super) fn validate_node(node: &Node) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&node.metadata, &FieldPath::root().key("metadata"));
    if let Some(taints) = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .filter(|t| !t.is_empty())
    {
        errs.extend(validate_node_taints(
            taints,
            &FieldPath::keys(&["spec", "taints"]),
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let node: Node = serde_yaml::from_str(yaml).expect("test YAML parses");
        validate_node(&node)
            .into_iter()
            .map(|e| (e.path.to_string(), e.message))
            .collect()
    }

    #[test]
    fn valid_node_passes() {
        assert!(errors(
            "metadata: {name: node-1.example.com, labels: {kubernetes.io/os: linux}}\nspec:\n  taints: [{key: dedicated, value: gpu, effect: NoSchedule}]"
        )
        .is_empty());
    }

    #[test]
    fn name_is_required() {
        assert_eq!(
            errors("metadata: {labels: {a: b}}"),
            vec![(
                "metadata.name".to_owned(),
                "Required value: name or generateName is required".to_owned()
            )]
        );
    }

    #[test]
    fn labels_are_checked() {
        let errs = errors("metadata: {name: n, labels: {'example.com/': x}}");
        assert_eq!(
            errs,
            vec![
                (
                    "metadata.labels".to_owned(),
                    "Invalid value: \"example.com/\": name part must be non-empty".to_owned()
                ),
                (
                    "metadata.labels".to_owned(),
                    "Invalid value: \"example.com/\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn taints_are_checked_at_spec_taints() {
        assert_eq!(
            errors("metadata: {name: n}\nspec:\n  taints: [{key: a, effect: NoSchedul}]"),
            vec![(
                "spec.taints[0].effect".to_owned(),
                "Unsupported value: \"NoSchedul\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"".to_owned()
            )]
        );
    }
}
