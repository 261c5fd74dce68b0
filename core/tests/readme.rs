//! Keeps the README honest: every `$ dsim ...` example in a `console` block is run, and its
//! output (standard output and standard error together) must match the README.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("```").next().unwrap_or("");
        let mut lines = block.lines();
        let Some(command) = lines.next().and_then(|l| l.strip_prefix("$ dsim ")) else {
            continue;
        };
        let expected: Vec<&str> = lines.collect();
        let out = Command::new(env!("CARGO_BIN_EXE_dsim"))
            .args(command.split_whitespace())
            .current_dir(&root)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let actual = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let actual: Vec<&str> = actual.lines().collect();
        assert_eq!(
            actual, expected,
            "README example `dsim {command}` is out of date"
        );
        checked += 1;
    }
    assert!(checked >= 2, "the README's examples were not found");
}
