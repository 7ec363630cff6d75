//! Checkouts that are not tidy: git's view of the tree, links, binary and broken text.

use crate::common;

use std::fs;

use common::{cm_audit, evidence, finding, git, message, status};
use serde_json::Value;

fn audit(dir: &std::path::Path) -> Value {
    let out = cm_audit().arg(dir).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

const COC: &str = "# Code of conduct\n\nWe pledge to make participation in our project a harassment-free experience for everyone. \
Report unacceptable behaviour to conduct@example.org; the team will review every report and may warn, \
suspend or ban anyone who breaks these rules, whatever their role in the project, and will respect the reporter's privacy.\n";

#[test]
fn a_git_checkout_is_its_work_tree_tracked_and_untracked_files_that_git_does_not_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    fs::write(root.join("CODE_OF_CONDUCT.md"), COC).unwrap();
    fs::write(root.join(".gitignore"), "build/\n").unwrap();
    git(root, &["add", "CODE_OF_CONDUCT.md", ".gitignore"]);
    git(root, &["commit", "-qm", "init"]);
    // The maintainer adds a security policy and audits again before `git add`; ignored files are
    // not the repository's content.
    fs::write(
        root.join("SECURITY.md"),
        "# Security\n\nMail security@example.org with details of any vulnerability you find.\n",
    )
    .unwrap();
    fs::create_dir(root.join("build")).unwrap();
    fs::write(root.join("build/CONTRIBUTING.md"), "generated").unwrap();
    fs::write(
        root.join(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:acme/widgets.git\n",
    )
    .unwrap();

    let r = audit(root);
    assert_eq!(r["sources"]["local_listing"], "git");
    assert_eq!(r["repository"], "acme/widgets");
    assert_eq!(status(&r, "coc-present"), "pass");
    assert_eq!(finding(&r, "security-policy")["location"], "SECURITY.md");
    // Unknown in a checkout: the owner's .github repository may hold one.
    assert_eq!(status(&r, "contributing-present"), "skipped");

    let out = cm_audit().arg(root).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(files tracked by git and untracked, not ignored)"), "{text}");

    // A repository of its own inside the work tree (git lists it as `vendor/lib/`) is not a file.
    fs::create_dir_all(root.join("vendor/lib")).unwrap();
    git(&root.join("vendor/lib"), &["init", "-q"]);
    fs::write(root.join("vendor/lib/README.md"), "# Lib\n").unwrap();
    let out = cm_audit().args(["snapshot"]).arg(root).output().unwrap();
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = snap["tree"]["paths"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(paths.contains(&"SECURITY.md") && !paths.iter().any(|p| p.ends_with('/')), "{paths:?}");
}

#[test]
fn a_folder_that_is_not_a_git_checkout_is_walked_with_its_ignore_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join(".gitignore"), "out/\n").unwrap();
    fs::create_dir_all(root.join(".github")).unwrap();
    fs::write(root.join(".github/CODE_OF_CONDUCT.md"), COC).unwrap();
    fs::create_dir(root.join("out")).unwrap();
    fs::write(root.join("out/SECURITY.md"), "ignored").unwrap();
    let r = audit(root);
    assert_eq!(r["sources"]["local_listing"], "walk");
    assert_eq!(finding(&r, "coc-present")["location"], ".github/CODE_OF_CONDUCT.md");
    assert_eq!(status(&r, "security-policy"), "skipped", "out/ is ignored");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_checkout_and_link_loops_are_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.md"), COC).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    symlink(outside.path().join("secret.md"), root.join("CODE_OF_CONDUCT.md")).unwrap();
    symlink(root.join("loop-b"), root.join("SECURITY.md")).unwrap();
    symlink(root.join("SECURITY.md"), root.join("loop-b")).unwrap();
    let r = audit(root);
    assert_eq!(status(&r, "coc-present"), "warn");
    assert!(message(&r, "coc-present").contains("outside the checkout"), "{}", message(&r, "coc-present"));
    assert_eq!(status(&r, "security-policy"), "warn");
    assert!(message(&r, "security-policy").contains("could not be read"));
    let notes = r["sources"]["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().starts_with("CODE_OF_CONDUCT.md could not be read")), "{notes:?}");
}

#[test]
fn binary_invalid_utf8_and_huge_files_do_not_break_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("CODE_OF_CONDUCT.md"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let mut readme = b"# Caf\xe9\n\n".to_vec();
    readme.extend(b"This project is written in Latin-1 by people who never heard of UTF-8, and it still says enough words to count as a real README for anybody who opens it to learn what the project does.\n");
    fs::write(root.join("README.md"), readme).unwrap();
    let huge = "Contributions are welcome. ".repeat(20_000) + "\n\nRun the tests with `cargo test`.\n";
    fs::write(root.join("CONTRIBUTING.md"), huge).unwrap();
    let r = audit(root);
    assert_eq!(status(&r, "coc-present"), "warn");
    assert!(message(&r, "coc-present").contains("binary"));
    assert_eq!(status(&r, "readme-present"), "pass");
    assert_eq!(status(&r, "contributing-present"), "pass");
    // Only the first 256 KiB are read: the test command beyond the cap is not seen.
    assert_eq!(status(&r, "contributing-tests"), "fail");
    let notes = r["sources"]["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n == "CONTRIBUTING.md was read only in part (size cap)"), "{notes:?}");
}

#[test]
fn an_empty_folder_is_audited_without_crashing() {
    let dir = tempfile::tempdir().unwrap();
    let r = audit(dir.path());
    assert_eq!(r["score"], 0);
    assert_eq!(status(&r, "readme-present"), "fail");
    assert!(evidence(&r, "readme-present").is_empty());
}

#[test]
fn a_guide_split_over_linked_pages_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("docs/contributing")).unwrap();
    fs::write(
        root.join("CONTRIBUTING.md"),
        "# Contributing\n\nThank you for helping! Everything you need to know is in our guide, which starts at \
         [the overview](docs/contributing/README.md); read it before opening a pull request, and ask in an issue if \
         anything is unclear.\n",
    )
    .unwrap();
    fs::write(root.join("docs/contributing/README.md"), "# Overview\n\nSee [testing](testing.md).\n").unwrap();
    fs::write(
        root.join("docs/contributing/testing.md"),
        "# Testing\n\nRun the tests with `cargo test` before you push.\n",
    )
    .unwrap();
    let r = audit(root);
    assert_eq!(status(&r, "contributing-tests"), "pass");
    assert_eq!(
        evidence(&r, "contributing-tests")[0],
        "docs/contributing/testing.md:3: Run the tests with `cargo test` before you push."
    );
    // The linked folder is part of the guide, not "another" guide.
    assert!(finding(&r, "contributing-present").get("evidence").is_none(), "{}", finding(&r, "contributing-present"));
}

#[test]
fn a_pointer_to_the_docs_site_is_followed_to_the_page_it_is_built_from() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("doc/contribute")).unwrap();
    fs::write(
        root.join("CONTRIBUTING.md"),
        "Our guidelines are at https://docs.example.org/contribute/contributing.html\n",
    )
    .unwrap();
    fs::write(
        root.join("doc/contribute/contributing.rst"),
        "Contributing\n============\n\nSet up a development environment with ``pip install -e .`` and run the tests with \
         ``pytest``. Good first issues are labelled \"good first issue\"; a maintainer reviews pull requests within a week. \
         Please describe what you changed and why in the pull request, and add a line to the changelog.\n",
    )
    .unwrap();
    let r = audit(root);
    assert!(
        message(&r, "contributing-present").contains("via its link to doc/contribute"),
        "{}",
        message(&r, "contributing-present")
    );
    assert_eq!(status(&r, "contributing-tests"), "pass");
}

#[test]
fn a_git_checkout_with_nothing_committed_is_its_untracked_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    fs::write(root.join("CODE_OF_CONDUCT.md"), COC).unwrap();
    let r = audit(root);
    assert_eq!(r["sources"]["local_listing"], "git");
    assert_eq!(status(&r, "coc-present"), "pass");
}
