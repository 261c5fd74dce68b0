//! The parts of `ValidateObjectMetaAccessor`
//! (`staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go`) that matter here:
//! the name (or `generateName`) and the labels.
//!
//! The namespace rules are left out: the namespace of a DaemonSet comes from the request
//! when the manifest has none, and the API server clears it on cluster-scoped objects.

use super::errors::{invalid, required, BadValue};
use super::labels::{name_is_dns_subdomain, validate_labels};
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Name and labels of an object whose name must be a DNS-1123 subdomain (DaemonSets and
/// Nodes both use `NameIsDNSSubdomain`).
///
/// The API server generates the name from `generateName` before it validates, so a
/// missing name is only an error when `generateName` is missing too.
pub(super) fn validate_object_meta(meta: &ObjectMeta, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let generate_name = meta.generate_name.as_deref().unwrap_or("");
    if !generate_name.is_empty() {
        for msg in name_is_dns_subdomain(generate_name, true) {
            errs.push(invalid(
                path.key("generateName"),
                BadValue::str(generate_name),
                &msg,
            ));
        }
    }
    let name = meta.name.as_deref().unwrap_or("");
    if name.is_empty() {
        if generate_name.is_empty() {
            errs.push(required(
                path.key("name"),
                "name or generateName is required",
            ));
        }
    } else {
        for msg in name_is_dns_subdomain(name, false) {
            errs.push(invalid(path.key("name"), BadValue::str(name), &msg));
        }
    }
    errs.extend(validate_labels(meta.labels.as_ref(), &path.key("labels")));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let meta: ObjectMeta = serde_yaml::from_str(yaml).expect("test YAML parses");
        validate_object_meta(&meta, &FieldPath::root().key("metadata"))
            .into_iter()
            .map(|e| (e.path.to_string(), e.message))
            .collect()
    }

    #[test]
    fn name_is_required() {
        assert_eq!(
            errors("labels: {a: b}"),
            vec![(
                "metadata.name".to_owned(),
                "Required value: name or generateName is required".to_owned()
            )]
        );
    }

    #[test]
    fn name_must_be_a_subdomain() {
        assert_eq!(
            errors("name: Fluentd_Logs"),
            vec![(
                "metadata.name".to_owned(),
                "Invalid value: \"Fluentd_Logs\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_owned()
            )]
        );
    }

    #[test]
    fn generate_name_stands_in_for_name() {
        assert!(errors("generateName: agent-").is_empty());
        let errs = errors("generateName: Agent-");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "metadata.generateName");
        assert!(errs[0]
            .1
            .starts_with("Invalid value: \"Agent-\": a lowercase RFC 1123"));
    }

    #[test]
    fn labels_are_checked() {
        let errs = errors("name: ok\nlabels: {app: 'not ok'}");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "metadata.labels");
        assert!(errs[0]
            .1
            .starts_with("Invalid value: \"not ok\": a valid label must be"));
    }
}
