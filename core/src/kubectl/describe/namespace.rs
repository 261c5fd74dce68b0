//! `kubectl describe namespace` (`describeNamespace`): the name, labels, annotations and
//! phase, then the namespace's ResourceQuotas and LimitRanges, which the simulated cluster
//! has none of.

use super::{annotations_multiline, labels_multiline, Writer};
use k8s_openapi::api::core::v1::Namespace;

/// The description of a Namespace.
pub fn describe(namespace: &Namespace) -> String {
    let meta = &namespace.metadata;
    let mut w = Writer::default();
    w.write(
        0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", meta.annotations.as_ref());
    let phase = namespace
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("");
    w.write(0, &format!("Status:\t{phase}\n"));
    // `DescribeResourceQuotas` and `DescribeLimitRanges` of empty lists.
    w.write(0, "\n");
    w.write(0, "No resource quota.\n");
    w.write(0, "\n");
    w.write(0, "No LimitRange resource.\n");
    w.finish()
}
