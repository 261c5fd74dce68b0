//! The rollout cases derived from Kubernetes' own tests and rules (`tests/cases/rollout`):
//! the controller's creates and deletes sync by sync, the outcome and the status.
#![cfg(not(target_arch = "wasm32"))]

mod rollout_support;

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn every_rollout_case_gives_kubernetes_answer() {
    let mut failures = Vec::new();
    for (name, yaml, expect) in rollout_support::CASES {
        if let Err(e) = rollout_support::check_case(name, yaml, expect) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rollout_case_file_is_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases/rollout");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .strip_suffix(".expect.json")
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    let embedded: BTreeSet<String> = rollout_support::CASES
        .iter()
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    assert!(!on_disk.is_empty(), "no cases in {}", dir.display());
    assert_eq!(
        on_disk, embedded,
        "add new case files to rollout_support::CASES"
    );
}
