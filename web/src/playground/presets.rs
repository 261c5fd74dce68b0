//! The study guide's YAML examples as presets, and the sample cluster they run against:
//! kept in the core (`daemonset_sim::lessons::presets`), shared with the lessons.

pub use daemonset_sim::lessons::presets::{CLUSTER, PRESETS};
