//! `cm-audit fix` on checkouts: the files it writes make the rules they fix pass, or fail naming
//! the placeholder a person must fill in; it never changes a file that is there, and a second run
//! writes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cm_audit::fix::FIXABLE;
use serde_json::Value;
use tempfile::TempDir;

use crate::common::{cm_audit, fixtures};

/// A copy of a fixture to write into.
fn copy_of(fixture: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    copy_tree(&fixtures().join(fixture), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes.
fn files_of(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.insert(
                    entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(entry.path()).unwrap(),
                );
            }
        }
    }
    files
}

fn fix(dir: &Path, args: &[&str]) -> String {
    let out = cm_audit().arg("fix").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "fix failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn audit(dir: &Path) -> Value {
    let out = cm_audit().arg(dir).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "audit failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    report["findings"].as_array().unwrap().iter().find(|f| f["rule"] == rule).unwrap()
}

/// The paths a `--write` run says it wrote.
fn written(out: &str) -> Vec<&str> {
    out.lines().filter_map(|l| l.strip_prefix("wrote ")).collect()
}

/// A Rust-sized checkout of research software that has none of the community files.
fn research_crate() -> TempDir {
    let dir = TempDir::new().unwrap();
    let manifest = "[package]\nname = \"gizmo\"\nversion = \"0.3.1\"\nlicense = \"MIT OR Apache-2.0\"\n\
                    description = \"Gizmos for science\"\nauthors = [\"Jo Bloggs <jo@example.org>\"]\n";
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    let readme = "# gizmo\n\nGizmo computes sparse gizmos for research groups. If you use it in a publication, please \
                  cite the paper that describes it; the citation is below and on the documentation site.\n";
    std::fs::write(dir.path().join("README.md"), readme).unwrap();
    dir
}

#[test]
fn written_files_fix_their_rules_or_name_what_a_person_must_fill_in() {
    for fixture in ["bare", "tricky"] {
        let dir = copy_of(fixture);
        let before_files = files_of(dir.path());
        let before = audit(dir.path());

        let out = fix(dir.path(), &["--write"]);
        let paths = written(&out);
        assert!(!paths.is_empty(), "{fixture}: nothing written:\n{out}");
        let after = audit(dir.path());
        assert!(
            after["score"].as_u64() > before["score"].as_u64(),
            "{fixture}: score {} → {}",
            before["score"],
            after["score"]
        );
        for path in &paths {
            let fixable = FIXABLE.iter().find(|f| f.path == *path).unwrap();
            for rule in fixable.rules {
                let f = finding(&after, rule);
                let names_placeholder = f["evidence"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["text"].as_str().unwrap().contains("unfilled placeholder")));
                assert!(f["status"] == "pass" || names_placeholder, "{fixture}: {path} does not fix {rule}: {f:#}");
            }
        }
        let after_files = files_of(dir.path());
        for (path, bytes) in &before_files {
            assert_eq!(after_files.get(path), Some(bytes), "{fixture}: {} changed", path.display());
        }

        let again = fix(dir.path(), &["--write"]);
        assert!(written(&again).is_empty(), "{fixture}: a second run wrote:\n{again}");
        assert_eq!(files_of(dir.path()), after_files, "{fixture}: a second run changed the tree");
    }
}

#[test]
fn every_content_rule_passes_or_fails_on_a_placeholder_when_the_files_are_all_new() {
    let dir = research_crate();
    let out = fix(dir.path(), &["--write"]);
    assert_eq!(written(&out).len(), FIXABLE.len(), "{out}");
    let report = audit(dir.path());
    for rule in FIXABLE.iter().flat_map(|f| f.rules.iter()) {
        let f = finding(&report, rule);
        if f["status"] != "pass" {
            assert!(f["message"].as_str().unwrap().contains("unfilled template placeholder"), "{rule}: {f:#}");
        }
    }
    // The build file's commands, not placeholders, where the tree tells them.
    let contributing = std::fs::read_to_string(dir.path().join("CONTRIBUTING.md")).unwrap();
    assert!(contributing.contains("\ncargo build\n") && contributing.contains("\ncargo test\n"), "{contributing}");
    // Nothing invented: no address but the placeholders'.
    for path in written(&out) {
        let text = std::fs::read_to_string(dir.path().join(path)).unwrap();
        assert!(!text.contains('@') || path.ends_with(".yml") || path == "GOVERNANCE.md", "{path} has an address");
    }
}

#[test]
fn the_citation_file_validates_against_the_cff_schema() {
    let dir = research_crate();
    fix(dir.path(), &["--write", "--only", "citation"]);
    assert_eq!(files_of(dir.path()).len(), 3, "only CITATION.cff is written");
    let cff: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(dir.path().join("CITATION.cff")).unwrap()).unwrap();
    let schema: Value = serde_json::from_str(include_str!("../data/cff/schema-1.2.0.json")).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let problems: Vec<String> = validator.iter_errors(&cff).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(problems.is_empty(), "{problems:#?}\n{cff:#}");
    assert_eq!(cff["license"], serde_json::json!(["MIT", "Apache-2.0"]));
    assert_eq!(cff["authors"][0]["name"], "Jo Bloggs");
}

#[test]
fn the_dry_run_of_bare_is_a_diff_per_file_with_the_rules_it_fixes() {
    let out = cm_audit().args(["fix", "bare"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("fix_bare_dry_run", text);
    // A dry run writes nothing.
    assert_eq!(files_of(&fixtures().join("bare")).len(), 4);
}

#[test]
fn own_templates_replace_the_built_in_ones_and_only_narrows() {
    let dir = research_crate();
    let templates = TempDir::new().unwrap();
    std::fs::write(
        templates.path().join("SUPPORT.md.j2"),
        "# Help for {{ project.name }}\n\nAsk on https://forum.example.org, our forum for every question.\n",
    )
    .unwrap();
    let out =
        fix(dir.path(), &["--write", "--only", "support-channel", "--templates", templates.path().to_str().unwrap()]);
    assert_eq!(written(&out), ["SUPPORT.md"]);
    let support = std::fs::read_to_string(dir.path().join("SUPPORT.md")).unwrap();
    assert!(support.starts_with("# Help for gizmo\n"), "{support}");

    std::fs::write(templates.path().join("SUPORT.md.j2"), "typo").unwrap();
    let refused = cm_audit()
        .arg("fix")
        .arg(dir.path())
        .args(["--templates", templates.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("SUPORT.md.j2 is not one of fix's templates"));
    let unknown = cm_audit().arg("fix").arg(dir.path()).args(["--only", "license"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--only license: not a rule fix can fix"));
}

#[test]
fn a_file_where_a_folder_would_be_blocks_only_that_file() {
    let dir = research_crate();
    std::fs::create_dir(dir.path().join(".github")).unwrap();
    std::fs::write(dir.path().join(".github/workflows"), "not a folder").unwrap();
    let out = fix(dir.path(), &["--write"]);
    assert!(!written(&out).contains(&".github/workflows/greeting.yml"), "{out}");
    assert!(out.contains("# .github/workflows/greeting.yml not written: .github/workflows is a file"), "{out}");
    assert!(written(&out).contains(&"CONTRIBUTING.md"));
}
