//! daemonset-sim: a faithful simulator of the Kubernetes DaemonSet controller.
//!
//! Text goes in (YAML or JSON manifests, `kubectl get -o yaml` dumps), typed objects come
//! out of [`manifest`], and [`placement`] decides for every node what the DaemonSet
//! controller and the scheduler would do, and why. The crate does no I/O.

pub mod manifest;
pub mod parallel;
pub mod placement;
pub mod quantity;
pub mod rollout;
