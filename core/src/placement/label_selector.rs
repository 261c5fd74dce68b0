//! `metav1.LabelSelector` matching (matchLabels AND matchExpressions), used to find the
//! pods a DaemonSet owns.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

/// Whether `labels` satisfy `selector`. An empty selector matches everything, as
/// `LabelSelectorAsSelector` makes it; an unknown operator matches nothing.
pub fn matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_ok = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    labels_ok
        && selector.match_expressions.iter().flatten().all(|req| {
            let have = labels.get(&req.key);
            let values = req.values.as_deref().unwrap_or_default();
            match req.operator.as_str() {
                "In" => have.is_some_and(|v| values.contains(v)),
                "NotIn" => !have.is_some_and(|v| values.contains(v)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let selector: LabelSelector = serde_yaml::from_str(
            "matchLabels: {app: agent}\nmatchExpressions: [{key: tier, operator: NotIn, values: [web]}]",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let labels = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect()
        };
        assert!(matches(&selector, &labels(&[("app", "agent")])));
        assert!(!matches(
            &selector,
            &labels(&[("app", "agent"), ("tier", "web")])
        ));
        assert!(!matches(&selector, &labels(&[("app", "other")])));
        assert!(matches(&LabelSelector::default(), &labels(&[])));
    }
}
