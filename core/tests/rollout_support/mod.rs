//! Shared checks for the rollout cases (`tests/cases/rollout`), used by the native test
//! and by the same test compiled to WebAssembly and run in a browser.
//!
//! A case is `NAME.yaml` (the DaemonSet and the cluster) and `NAME.expect.json`:
//! `options` (`setImage`, `to` as YAML text, `readyAfter` seconds, `failImages`,
//! `deletePods`, `at`, `undo`), the controller's `syncs` as `[creates, deletes]` for
//! every step that created or deleted pods, the `outcome`, and optionally the `final`
//! status fields, the distinct `messages` in order, and text the `reason` contains.

use daemonset_sim::manifest::{read, Source};
use daemonset_sim::rollout::{
    options_from_json, simulate, Outcome, Rollout, RolloutError, RolloutOptions,
};
use serde_json::Value;

/// The cases, embedded so that the WebAssembly build has them too.
pub const CASES: &[(&str, &str, &str)] = &[
    case!("add-node-mid-rollout"),
    case!("burst-replicas-300-nodes"),
    case!("max-unavailable-percent-rounds-up"),
    case!("min-ready-seconds-delays-each-wave"),
    case!("noexecute-taint-mid-rollout"),
    case!("notready-node-old-pod"),
    case!("notready-node-stalls-rollout"),
    case!("on-delete-replaces-only-deleted-pods"),
    case!("remove-node-mid-rollout"),
    case!("surge-min-ready-seconds"),
    case!("surge-unready-old-pod-beyond-budget"),
    case!("undo-after-broken-image"),
    case!("update-all-old-pods-not-ready"),
    case!("update-all-old-pods-not-ready-max-surge"),
    case!("update-max-surge-2"),
    case!("update-max-surge-untolerated-taint"),
    case!("update-max-unavailable-2"),
    case!("update-new-pods-never-ready"),
    case!("update-no-template-change"),
    case!("update-old-and-new-pods-not-ready"),
    case!("update-save-old-healthy-pods"),
    case!("update-save-old-healthy-pods-max-unavailable-11"),
    case!("update-save-old-healthy-pods-max-unavailable-3"),
    case!("update-some-old-pods-not-ready"),
];

macro_rules! case {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../tests/cases/rollout/", $name, ".yaml")),
            include_str!(concat!(
                "../../../tests/cases/rollout/",
                $name,
                ".expect.json"
            )),
        )
    };
}
use case;

fn errors(e: RolloutError) -> String {
    match e {
        RolloutError::Input(errors) => errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The options a case asks for.
pub fn options(name: &str, o: &Value) -> Result<RolloutOptions, String> {
    options_from_json(o, &format!("{name}.to.yaml")).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{name}: bad options: {}", lines.join("; "))
    })
}

/// Simulates a case.
pub fn run(name: &str, yaml: &str, expect: &Value) -> Result<Rollout, String> {
    let file = format!("{name}.yaml");
    let manifests = read(&[Source {
        name: &file,
        text: yaml,
    }])
    .map_err(|e| format!("{name}: input errors: {e:?}"))?;
    let options = options(name, &expect["options"])?;
    simulate(&manifests, &[&file], &options).map_err(|e| format!("{name}: {}", errors(e)))
}

/// The `[creates, deletes]` of every step that created or deleted pods.
pub fn syncs(rollout: &Rollout) -> Vec<(usize, usize)> {
    rollout
        .steps
        .iter()
        .map(|s| {
            let count = |kind: &str| s.events.iter().filter(|e| e.kind.as_str() == kind).count();
            (count("create"), count("delete"))
        })
        .filter(|&(c, d)| c + d > 0)
        .collect()
}

/// Runs one case; `Err` says what differs from Kubernetes' answer.
pub fn check_case(name: &str, yaml: &str, expect: &str) -> Result<(), String> {
    let expect: Value =
        serde_json::from_str(expect).map_err(|e| format!("{name}: bad expect file: {e}"))?;
    let rollout = run(name, yaml, &expect)?;
    let source = expect["source"].as_str().unwrap_or("");
    if let Some(want) = expect["syncs"].as_array() {
        let want: Vec<(usize, usize)> = want
            .iter()
            .filter_map(|p| {
                let p = p.as_array()?;
                Some((
                    usize::try_from(p.first()?.as_u64()?).ok()?,
                    usize::try_from(p.get(1)?.as_u64()?).ok()?,
                ))
            })
            .collect();
        let got = syncs(&rollout);
        if got != want {
            return Err(format!(
                "{name}: syncs (creates, deletes) {got:?}, Kubernetes gives {want:?} ({source})\n{}",
                rollout.to_text()
            ));
        }
    }
    let outcome = match rollout.outcome {
        Outcome::Complete => "complete",
        Outcome::Stalled => "stalled",
    };
    if let Some(want) = expect["outcome"].as_str() {
        if want != outcome {
            return Err(format!(
                "{name}: outcome {outcome}, expected {want} ({source})\n{}",
                rollout.to_text()
            ));
        }
    }
    let last = rollout.steps.last().ok_or(format!("{name}: no steps"))?;
    if let Some(fields) = expect["final"].as_object() {
        let status = serde_json::to_value(last.status).map_err(|e| e.to_string())?;
        for (key, want) in fields {
            if status.get(key) != Some(want) {
                return Err(format!(
                    "{name}: final {key} is {}, expected {want} ({source})",
                    status.get(key).unwrap_or(&Value::Null)
                ));
            }
        }
    }
    if let Some(want) = expect["messages"].as_array() {
        let mut got: Vec<&str> = Vec::new();
        for step in &rollout.steps {
            if got.last() != Some(&step.message.as_str()) {
                got.push(&step.message);
            }
        }
        let want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
        if got != want {
            return Err(format!("{name}: messages {got:#?}, expected {want:#?}"));
        }
    }
    if let Some(want) = expect["reasonContains"].as_str() {
        if !rollout.reason.contains(want) {
            return Err(format!(
                "{name}: reason {:?} does not contain {want:?}",
                rollout.reason
            ));
        }
    }
    Ok(())
}
