//! The README's sample output is the real output of the command it names, on the fixture it
//! names: shortened (each `...` line stands for lines left out), never stale.

use crate::common;

use std::path::Path;

const COMMAND: &str = "cm-audit tests/fixtures/tricky";

#[test]
fn the_readme_sample_is_what_the_command_it_names_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let intro = format!("A sample of the output (`{COMMAND}`, shortened):");
    let after = readme.split(&intro).nth(1).unwrap_or_else(|| panic!("the README introduces its sample with: {intro}"));
    let sample: Vec<&str> = after.split("```").nth(1).unwrap().lines().skip(1).collect();

    let out = common::cm_audit()
        .current_dir(root)
        .args(COMMAND.split_whitespace().skip(1))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Each shown line is a line of the output, in the output's order.
    let mut output = stdout.lines();
    for line in sample.iter().filter(|l| l.trim() != "...") {
        assert!(
            output.any(|o| o == *line),
            "the README's sample line\n{line}\nis not in the output (in this order):\n{stdout}"
        );
    }
}
