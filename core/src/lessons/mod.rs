//! Guided lessons: one per section of the study guide, each with a short explanation, the
//! guide's YAML as presets (from [`presets`]), the guide's kubectl commands for that
//! section (verbatim) and a few more to try, and a task the simulator checks on the
//! learner's current texts and rollout.
//!
//! A task is never a comparison of texts: its check reads the two texts (or takes them
//! already read, with the playground's node edits), runs placement, the lint or looks at
//! the finished rollout, and says in Kubernetes' words what is still missing.

pub mod catalog;
pub mod checks;
pub mod presets;

pub use catalog::LESSONS;
pub use presets::{Preset, CLUSTER, PRESETS};

use crate::manifest::Manifests;
use crate::rollout::Rollout;

/// The name the DaemonSet editor's text goes by in errors (and in `kubectl apply -f`).
pub const DAEMON_SET_FILE: &str = "daemonset.yaml";

/// The name the cluster editor's text goes by in errors.
pub const CLUSTER_FILE: &str = "cluster.yaml";

/// One lesson.
#[derive(Debug, Clone, Copy)]
pub struct Lesson {
    /// A stable slug, e.g. `scheduling`.
    pub id: &'static str,
    /// The lesson's title.
    pub title: &'static str,
    /// The heading of the guide's section it covers.
    pub section: &'static str,
    /// What the section is about, in a few sentences.
    pub explanation: &'static str,
    /// The presets it loads, as file names under `tests/fixtures/guide/` (see
    /// [`presets::preset`]); the task starts from the first. Every lesson runs on the
    /// sample cluster, [`CLUSTER`].
    pub presets: &'static [&'static str],
    /// The guide's kubectl commands of this section, verbatim (`tests/fixtures/guide/commands.sh`).
    pub guide_commands: &'static [&'static str],
    /// More commands worth trying on the lesson's first preset.
    pub more_commands: &'static [&'static str],
    /// What to do, and how it is checked.
    pub task: Task,
}

/// A task: what to do, and the check that says whether it is done.
#[derive(Debug, Clone, Copy)]
pub struct Task {
    /// What to do, in one or two sentences.
    pub goal: &'static str,
    /// Evaluates the learner's state.
    pub check: fn(&LessonState<'_>) -> TaskResult,
}

impl Lesson {
    /// The lesson's presets, in order (the task starts from the first).
    pub fn presets(&self) -> impl Iterator<Item = &'static Preset> + '_ {
        self.presets.iter().filter_map(|file| presets::preset(file))
    }

    /// Every command of the lesson: the guide's, then the others.
    pub fn commands(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.guide_commands
            .iter()
            .chain(self.more_commands)
            .copied()
    }

    /// Checks the task on `state`.
    pub fn check(&self, state: &LessonState<'_>) -> TaskResult {
        (self.task.check)(state)
    }
}

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// What a task is checked on: the two editors' texts, optionally as already read (with
/// the playground's node edits applied), and the update the learner followed to its end.
#[derive(Debug, Clone, Copy)]
pub struct LessonState<'a> {
    /// The DaemonSet editor's text (read as [`DAEMON_SET_FILE`]).
    pub daemon_set: &'a str,
    /// The cluster editor's text (read as [`CLUSTER_FILE`]).
    pub cluster: &'a str,
    /// The two texts already read, with node edits (cordon, taint, label, added and
    /// deleted nodes) applied; when `None`, the checks read the texts themselves.
    pub manifests: Option<&'a Manifests>,
    /// The update the learner ran and followed to its last step, if any.
    pub rollout: Option<&'a Rollout>,
}

impl<'a> LessonState<'a> {
    /// The state of two texts, with no node edits and no rollout.
    pub fn new(daemon_set: &'a str, cluster: &'a str) -> Self {
        Self {
            daemon_set,
            cluster,
            manifests: None,
            rollout: None,
        }
    }

    /// The same, with the texts as read and edited.
    #[must_use]
    pub fn with_manifests(mut self, manifests: &'a Manifests) -> Self {
        self.manifests = Some(manifests);
        self
    }

    /// The same, with a finished rollout.
    #[must_use]
    pub fn with_rollout(mut self, rollout: &'a Rollout) -> Self {
        self.rollout = Some(rollout);
        self
    }
}

/// Whether a task is done, and why (or what is still missing), in Kubernetes' words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskResult {
    /// The task is done.
    pub done: bool,
    /// What was found: what is still missing, or what shows it done. May hold several
    /// lines.
    pub detail: String,
}

impl TaskResult {
    /// A task done, with what shows it.
    pub fn done(detail: impl Into<String>) -> Self {
        Self {
            done: true,
            detail: detail.into(),
        }
    }

    /// A task not done yet, with what is missing.
    pub fn missing(detail: impl Into<String>) -> Self {
        Self {
            done: false,
            detail: detail.into(),
        }
    }
}
