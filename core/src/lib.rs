//! daemonset-sim: a faithful simulator of the Kubernetes DaemonSet controller.
//!
//! Text goes in (YAML or JSON manifests, `kubectl get -o yaml` dumps), typed objects come
//! out of [`manifest`], and [`placement`] decides for every node what the DaemonSet
//! controller and the scheduler would do, and why; [`rollout`] replays an update, and
//! [`lint`] checks DaemonSets against the Pod Security Standards and best practices;
//! [`kubectl`] runs kubectl commands against the simulated cluster, and [`lessons`] are
//! the study guide's sections as guided lessons whose tasks the simulator checks. The
//! crate does no I/O.

pub mod kubectl;
pub mod lessons;
pub mod lint;
pub mod manifest;
pub mod order;
pub use daemonset_sim_text::parallel;
pub mod placement;
pub mod quantity;
pub mod rollout;
