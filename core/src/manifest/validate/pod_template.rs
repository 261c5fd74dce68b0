//! The parts of `ValidatePodTemplateSpec` and `ValidatePodSpec`
//! (`pkg/apis/core/validation/validation.go`) that decide where a DaemonSet's pods can go,
//! plus the container name and image checks of `validateContainerCommon`.
//!
//! Validation runs after defaulting, so an unset `restartPolicy` counts as `Always`.
//!
//! Upstream `ValidatePodTemplateSpec` reports template label errors at
//! `spec.template.labels`, a path that does not exist in the object; they are reported at
//! `spec.template.metadata.labels` here so that they can be located in the manifest.

use super::errors::{invalid, not_supported, required, BadValue};
use super::labels::validate_labels;
use super::node_affinity::validate_node_affinity;
use super::tolerations::validate_tolerations;
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};

/// The restart policy after defaulting (`SetDefaults_PodSpec`): empty means `Always`.
pub(super) fn effective_restart_policy(spec: Option<&PodSpec>) -> &str {
    match spec.and_then(|s| s.restart_policy.as_deref()) {
        None | Some("") => "Always",
        Some(policy) => policy,
    }
}

/// `ValidatePodTemplateSpec` for the checks this simulator cares about.
pub(super) fn validate_pod_template_spec(
    template: &PodTemplateSpec,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = validate_labels(
        template.metadata.as_ref().and_then(|m| m.labels.as_ref()),
        &path.key("metadata").key("labels"),
    );
    let default_spec = PodSpec::default();
    let spec = template.spec.as_ref().unwrap_or(&default_spec);
    errs.extend(validate_pod_spec(spec, &path.key("spec")));
    errs
}

fn validate_pod_spec(spec: &PodSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_containers(&spec.containers, &path.key("containers"));

    let restart_policy = effective_restart_policy(Some(spec));
    if !matches!(restart_policy, "Always" | "OnFailure" | "Never") {
        errs.push(not_supported(
            path.key("restartPolicy"),
            BadValue::typed(restart_policy),
            &["Always", "OnFailure", "Never"],
        ));
    }

    errs.extend(validate_labels(
        spec.node_selector.as_ref(),
        &path.key("nodeSelector"),
    ));

    if let Some(node_affinity) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
    {
        errs.extend(validate_node_affinity(
            node_affinity,
            &path.key("affinity").key("nodeAffinity"),
        ));
    }

    if let Some(seconds) = spec.active_deadline_seconds {
        if !(1..=i64::from(i32::MAX)).contains(&seconds) {
            errs.push(invalid(
                path.key("activeDeadlineSeconds"),
                BadValue::Int(seconds),
                "must be between 1 and 2147483647, inclusive",
            ));
        }
    }

    if let Some(tolerations) = spec.tolerations.as_deref().filter(|t| !t.is_empty()) {
        errs.extend(validate_tolerations(tolerations, &path.key("tolerations")));
    }
    errs
}

/// `validateContainers`: at least one container, each with a name and an image.
fn validate_containers(containers: &[Container], path: &FieldPath) -> Vec<FieldError> {
    if containers.is_empty() {
        return vec![required(path.clone(), "")];
    }
    let mut errs = Vec::new();
    for (i, container) in containers.iter().enumerate() {
        if container.name.is_empty() {
            errs.push(required(path.index(i).key("name"), ""));
        }
        if container.image.as_deref().unwrap_or("").is_empty() {
            errs.push(required(path.index(i).key("image"), ""));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let template: PodTemplateSpec = serde_yaml::from_str(yaml).expect("test YAML parses");
        validate_pod_template_spec(&template, &FieldPath::keys(&["spec", "template"]))
            .into_iter()
            .map(|e| (e.path.to_string(), e.message))
            .collect()
    }

    fn one(path: &str, message: &str) -> Vec<(String, String)> {
        vec![(path.to_owned(), message.to_owned())]
    }

    const OK_CONTAINERS: &str = "spec:\n  containers: [{name: a, image: busybox}]";

    #[test]
    fn containers_are_required() {
        assert_eq!(
            errors("metadata: {labels: {app: a}}"),
            one("spec.template.spec.containers", "Required value")
        );
        assert_eq!(
            errors("spec: {containers: []}"),
            one("spec.template.spec.containers", "Required value")
        );
    }

    #[test]
    fn container_name_and_image_are_required() {
        assert_eq!(
            errors("spec:\n  containers: [{image: busybox}, {name: b}]"),
            vec![
                (
                    "spec.template.spec.containers[0].name".to_owned(),
                    "Required value".to_owned()
                ),
                (
                    "spec.template.spec.containers[1].image".to_owned(),
                    "Required value".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn template_labels_are_checked() {
        let errs = errors(&format!(
            "metadata: {{labels: {{'a/b/c': x}}}}\n{OK_CONTAINERS}"
        ));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "spec.template.metadata.labels");
        assert!(errs[0]
            .1
            .starts_with("Invalid value: \"a/b/c\": a valid label key"));
    }

    #[test]
    fn restart_policy_must_be_known() {
        assert!(errors(&format!("{OK_CONTAINERS}\n  restartPolicy: Never")).is_empty());
        assert_eq!(
            errors(&format!("{OK_CONTAINERS}\n  restartPolicy: Sometimes")),
            one(
                "spec.template.spec.restartPolicy",
                "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
            )
        );
    }

    #[test]
    fn node_selector_syntax() {
        assert_eq!(
            errors(&format!("{OK_CONTAINERS}\n  nodeSelector: {{disk: 'ssd!'}}")),
            one(
                "spec.template.spec.nodeSelector",
                "Invalid value: \"ssd!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            )
        );
        let errs = errors(&format!(
            "{OK_CONTAINERS}\n  nodeSelector: {{'-disk': ssd}}"
        ));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "spec.template.spec.nodeSelector");
        assert!(errs[0]
            .1
            .starts_with("Invalid value: \"-disk\": name part must consist"));
    }

    #[test]
    fn affinity_and_tolerations_are_reached() {
        let errs = errors(&format!(
            "{OK_CONTAINERS}\n  affinity: {{nodeAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: {{nodeSelectorTerms: []}}}}}}\n  tolerations: [{{key: a, operator: Exists, effect: Never}}]"
        ));
        assert_eq!(
            errs.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            vec![
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
                "spec.template.spec.tolerations[0].effect",
            ]
        );
    }

    #[test]
    fn active_deadline_seconds_range() {
        assert_eq!(
            errors(&format!("{OK_CONTAINERS}\n  activeDeadlineSeconds: 0")),
            one(
                "spec.template.spec.activeDeadlineSeconds",
                "Invalid value: 0: must be between 1 and 2147483647, inclusive"
            )
        );
    }
}
