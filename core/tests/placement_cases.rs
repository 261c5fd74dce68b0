//! The placement cases derived from Kubernetes' own tests (`tests/cases/placement`), each
//! asserting the controller's `shouldRun`/`shouldContinueRunning` for every node.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn every_kubernetes_case_gives_kubernetes_answer() {
    let mut failures = Vec::new();
    for (name, yaml, expect) in support::CASES {
        if let Err(e) = support::check_case(name, yaml, expect) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_case_file_is_embedded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases");
    let mut on_disk = BTreeSet::new();
    for group in ["placement", "placement-own"] {
        let dir = root.join(group);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(".expect.json") {
                on_disk.insert(format!("{group}/{name}"));
            }
        }
    }
    let embedded: BTreeSet<String> = support::CASES
        .iter()
        .map(|(n, _, _)| (*n).to_owned())
        .collect();
    assert_eq!(
        on_disk, embedded,
        "add new case files to core/tests/support/mod.rs"
    );
}
