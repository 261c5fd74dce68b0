//! DaemonSets: `ValidateDaemonSet`, `ValidateDaemonSetSpec`,
//! `ValidateDaemonSetUpdateStrategy` and `ValidateRollingUpdateDaemonSet` in
//! `pkg/apis/apps/validation/validation.go`, applied as the API server applies them: after
//! the apps/v1 defaults of `pkg/apis/apps/v1/defaults.go` (`SetDefaults_DaemonSet`:
//! update strategy `RollingUpdate` with `maxUnavailable: 1` and `maxSurge: 0`,
//! `revisionHistoryLimit: 10`).

use super::errors::{forbidden, invalid, non_negative, not_supported, required, BadValue};
use super::int_or_percent::{
    int_or_percent_value, is_not_more_than_100_percent, validate_positive_int_or_percent,
};
use super::label_selector::{self, validate_label_selector};
use super::object_meta::validate_object_meta;
use super::pod_template::{effective_restart_policy, validate_pod_template_spec};
use super::render::{go_json_int_or_string, go_json_string, go_json_string_map, go_json_struct};
use super::FieldError;
use crate::manifest::path::FieldPath;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `ValidateDaemonSet`: metadata, then spec.
pub(super) fn validate_daemon_set(ds: &DaemonSet) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&ds.metadata, &FieldPath::root().key("metadata"));
    errs.extend(validate_daemon_set_spec(
        &ds.spec,
        &FieldPath::root().key("spec"),
    ));
    errs
}

/// `ValidateDaemonSetSpec`.
///
/// A `selector` missing from the manifest and an empty `selector: {}` read the same
/// (the Rust type is not optional), so both get the empty-selector error.
fn validate_daemon_set_spec(spec: &DaemonSetSpec, path: &FieldPath) -> Vec<FieldError> {
    let selector_path = path.key("selector");
    let template_path = path.key("template");
    let mut errs = validate_label_selector(&spec.selector, &selector_path);

    // LabelSelectorAsSelector fails on exactly the selectors ValidateLabelSelector
    // rejects; only a selector that converts is matched against the template.
    let selector_converts = errs.is_empty();
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    if selector_converts
        && !label_selector::is_empty(&spec.selector)
        && !label_selector::matches(&spec.selector, template_labels)
    {
        errs.push(invalid(
            template_path.key("metadata").key("labels"),
            BadValue::Json(go_json_string_map(template_labels)),
            "`selector` does not match template `labels`",
        ));
    }
    if label_selector::is_empty(&spec.selector) {
        errs.push(invalid(
            selector_path,
            BadValue::Json("{}".to_owned()),
            "empty selector is invalid for daemonset",
        ));
    }

    errs.extend(validate_pod_template_spec(&spec.template, &template_path));
    let pod_spec_path = template_path.key("spec");
    let restart_policy = effective_restart_policy(spec.template.spec.as_ref());
    if restart_policy != "Always" {
        errs.push(not_supported(
            pod_spec_path.key("restartPolicy"),
            BadValue::typed(restart_policy),
            &["Always"],
        ));
    }
    if spec
        .template
        .spec
        .as_ref()
        .is_some_and(|s| s.active_deadline_seconds.is_some())
    {
        errs.push(forbidden(
            pod_spec_path.key("activeDeadlineSeconds"),
            "activeDeadlineSeconds in DaemonSet is not Supported",
        ));
    }

    errs.extend(non_negative(
        path.key("minReadySeconds"),
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
    ));

    errs.extend(validate_update_strategy(
        spec.update_strategy.as_ref(),
        &path.key("updateStrategy"),
    ));

    // Zero is a valid revisionHistoryLimit; unset defaults to 10.
    errs.extend(non_negative(
        path.key("revisionHistoryLimit"),
        i64::from(spec.revision_history_limit.unwrap_or(10)),
    ));
    errs
}

/// `ValidateDaemonSetUpdateStrategy` after defaulting.
///
/// Upstream accepts a `rollingUpdate` block next to `type: OnDelete` (and ignores it), so
/// that is not an error here either.
fn validate_update_strategy(
    strategy: Option<&DaemonSetUpdateStrategy>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let strategy_type = match strategy.and_then(|s| s.type_.as_deref()) {
        None | Some("") => "RollingUpdate",
        Some(t) => t,
    };
    let rolling_update = strategy.and_then(|s| s.rolling_update.as_ref());
    match strategy_type {
        "OnDelete" => Vec::new(),
        "RollingUpdate" => {
            let max_unavailable = rolling_update
                .and_then(|r| r.max_unavailable.clone())
                .unwrap_or(IntOrString::Int(1));
            let max_surge = rolling_update
                .and_then(|r| r.max_surge.clone())
                .unwrap_or(IntOrString::Int(0));
            validate_rolling_update(&max_unavailable, &max_surge, &path.key("rollingUpdate"))
        }
        other => vec![not_supported(
            path.clone(),
            BadValue::Json(internal_strategy_json(other, rolling_update)),
            &["RollingUpdate", "OnDelete"],
        )],
    }
}

/// `ValidateRollingUpdateDaemonSet`: both fields non-negative ints or percents of at most
/// 100%, and exactly one of them non-zero.
fn validate_rolling_update(
    max_unavailable: &IntOrString,
    max_surge: &IntOrString,
    path: &FieldPath,
) -> Vec<FieldError> {
    let unavailable_path = path.key("maxUnavailable");
    let surge_path = path.key("maxSurge");
    let mut errs = validate_positive_int_or_percent(max_unavailable, &unavailable_path);
    errs.extend(validate_positive_int_or_percent(max_surge, &surge_path));
    errs.extend(is_not_more_than_100_percent(
        max_unavailable,
        &unavailable_path,
    ));
    errs.extend(is_not_more_than_100_percent(max_surge, &surge_path));

    let has_unavailable = int_or_percent_value(max_unavailable) != 0;
    let has_surge = int_or_percent_value(max_surge) != 0;
    match (has_unavailable, has_surge) {
        (true, true) => errs.push(invalid(
            surge_path,
            BadValue::Json(go_json_int_or_string(max_surge)),
            "may not be set when maxUnavailable is non-zero",
        )),
        (false, false) => errs.push(required(unavailable_path, "cannot be 0 when maxSurge is 0")),
        _ => {}
    }
    errs
}

/// The internal `apps.DaemonSetUpdateStrategy` as `encoding/json` renders it. Its
/// `RollingUpdate` fields are plain `IntOrString` values, so an unset one is `0`.
fn internal_strategy_json(
    strategy_type: &str,
    rolling_update: Option<&RollingUpdateDaemonSet>,
) -> String {
    let rolling_update = rolling_update.map_or_else(
        || "null".to_owned(),
        |r| {
            let render =
                |v: Option<&IntOrString>| v.map_or_else(|| "0".to_owned(), go_json_int_or_string);
            go_json_struct(&[
                ("MaxUnavailable", render(r.max_unavailable.as_ref())),
                ("MaxSurge", render(r.max_surge.as_ref())),
            ])
        },
    );
    go_json_struct(&[
        ("Type", go_json_string(strategy_type)),
        ("RollingUpdate", rolling_update),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid DaemonSet; tests append to or replace parts of it.
    const VALID: &str = "
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: agent:1}]
";

    fn errors(yaml: &str) -> Vec<(String, String)> {
        let ds: DaemonSet = serde_yaml::from_str(yaml).expect("test YAML parses");
        validate_daemon_set(&ds)
            .into_iter()
            .map(|e| (e.path.to_string(), e.message))
            .collect()
    }

    fn with_strategy(strategy: &str) -> String {
        format!("{VALID}  updateStrategy: {strategy}\n")
    }

    fn one(path: &str, message: &str) -> Vec<(String, String)> {
        vec![(path.to_owned(), message.to_owned())]
    }

    #[test]
    fn valid_daemon_set_passes() {
        assert!(errors(VALID).is_empty());
        assert!(errors(&with_strategy("{type: OnDelete}")).is_empty());
        assert!(errors(&with_strategy(
            "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 25%}}"
        ))
        .is_empty());
    }

    #[test]
    fn name_is_required() {
        assert_eq!(
            errors(&VALID.replace("metadata: {name: agent}", "metadata: {}")),
            one(
                "metadata.name",
                "Required value: name or generateName is required"
            )
        );
    }

    #[test]
    fn name_is_a_subdomain() {
        let errs = errors(&VALID.replace("name: agent}", "name: Agent}"));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "metadata.name");
        assert!(errs[0]
            .1
            .starts_with("Invalid value: \"Agent\": a lowercase RFC 1123 subdomain"));
    }

    #[test]
    fn empty_or_missing_selector() {
        let expected = one(
            "spec.selector",
            "Invalid value: {}: empty selector is invalid for daemonset",
        );
        assert_eq!(
            errors(&VALID.replace("selector: {matchLabels: {app: agent}}", "selector: {}")),
            expected
        );
        assert_eq!(
            errors(&VALID.replace("  selector: {matchLabels: {app: agent}}\n", "")),
            expected
        );
    }

    #[test]
    fn selector_must_match_template_labels() {
        assert_eq!(
            errors(&VALID.replace("{labels: {app: agent}}", "{labels: {app: other, tier: a}}")),
            one(
                "spec.template.metadata.labels",
                "Invalid value: {\"app\":\"other\",\"tier\":\"a\"}: `selector` does not match template `labels`"
            )
        );
        assert_eq!(
            errors(&VALID.replace("metadata: {labels: {app: agent}}", "metadata: {}")),
            one(
                "spec.template.metadata.labels",
                "Invalid value: null: `selector` does not match template `labels`"
            )
        );
    }

    #[test]
    fn invalid_selector_is_not_matched() {
        assert_eq!(
            errors(&VALID.replace(
                "selector: {matchLabels: {app: agent}}",
                "selector: {matchExpressions: [{key: app, operator: In}]}"
            )),
            one(
                "spec.selector.matchExpressions[0].values",
                "Required value: must be specified when `operator` is 'In' or 'NotIn'"
            )
        );
    }

    #[test]
    fn restart_policy_must_be_always() {
        assert_eq!(
            errors(&format!("{VALID}      restartPolicy: OnFailure\n")),
            one(
                "spec.template.spec.restartPolicy",
                "Unsupported value: \"OnFailure\": supported values: \"Always\""
            )
        );
        assert!(errors(&format!("{VALID}      restartPolicy: Always\n")).is_empty());
    }

    #[test]
    fn active_deadline_seconds_forbidden() {
        assert_eq!(
            errors(&format!("{VALID}      activeDeadlineSeconds: 60\n")),
            one(
                "spec.template.spec.activeDeadlineSeconds",
                "Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"
            )
        );
    }

    #[test]
    fn update_strategy_type_must_be_known() {
        assert_eq!(
            errors(&with_strategy("{type: Recreate}")),
            one(
                "spec.updateStrategy",
                "Unsupported value: {\"Type\":\"Recreate\",\"RollingUpdate\":null}: supported values: \"RollingUpdate\", \"OnDelete\""
            )
        );
        assert_eq!(
            errors(&with_strategy("{type: Recreate, rollingUpdate: {maxSurge: 1}}"))[0].1,
            "Unsupported value: {\"Type\":\"Recreate\",\"RollingUpdate\":{\"MaxUnavailable\":0,\"MaxSurge\":1}}: supported values: \"RollingUpdate\", \"OnDelete\""
        );
    }

    #[test]
    fn rolling_update_with_on_delete_is_accepted() {
        assert!(errors(&with_strategy(
            "{type: OnDelete, rollingUpdate: {maxUnavailable: 0}}"
        ))
        .is_empty());
    }

    #[test]
    fn max_unavailable_and_max_surge_not_both_zero() {
        assert_eq!(
            errors(&with_strategy("{rollingUpdate: {maxUnavailable: 0}}")),
            one(
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                "Required value: cannot be 0 when maxSurge is 0"
            )
        );
        assert_eq!(
            errors(&with_strategy(
                "{rollingUpdate: {maxUnavailable: 0%, maxSurge: 0}}"
            )),
            one(
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                "Required value: cannot be 0 when maxSurge is 0"
            )
        );
    }

    #[test]
    fn max_unavailable_and_max_surge_not_both_set() {
        assert_eq!(
            errors(&with_strategy("{rollingUpdate: {maxSurge: 10%}}")),
            one(
                "spec.updateStrategy.rollingUpdate.maxSurge",
                "Invalid value: \"10%\": may not be set when maxUnavailable is non-zero"
            )
        );
    }

    #[test]
    fn int_or_percent_syntax_and_range() {
        assert_eq!(
            errors(&with_strategy("{rollingUpdate: {maxUnavailable: -1}}")),
            one(
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                "Invalid value: -1: must be greater than or equal to 0"
            )
        );
        assert_eq!(
            errors(&with_strategy("{rollingUpdate: {maxUnavailable: 150%}}")),
            one(
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                "Invalid value: \"150%\": must not be greater than 100%"
            )
        );
        assert_eq!(
            errors(&with_strategy("{rollingUpdate: {maxUnavailable: 1, maxSurge: two}}")),
            one(
                "spec.updateStrategy.rollingUpdate.maxSurge",
                "Invalid value: \"two\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
            )
        );
    }

    #[test]
    fn min_ready_seconds_and_revision_history_limit_non_negative() {
        assert_eq!(
            errors(&format!(
                "{VALID}  minReadySeconds: -5\n  revisionHistoryLimit: -1\n"
            )),
            vec![
                (
                    "spec.minReadySeconds".to_owned(),
                    "Invalid value: -5: must be greater than or equal to 0".to_owned()
                ),
                (
                    "spec.revisionHistoryLimit".to_owned(),
                    "Invalid value: -1: must be greater than or equal to 0".to_owned()
                ),
            ]
        );
        assert!(errors(&format!("{VALID}  revisionHistoryLimit: 0\n")).is_empty());
    }

    #[test]
    fn template_errors_are_included() {
        let errs = errors(&VALID.replace("image: agent:1", "image: ''"));
        assert_eq!(
            errs,
            one("spec.template.spec.containers[0].image", "Required value")
        );
    }
}
