//! What the user named: a folder that looks like a path is a folder (missing or not), only
//! `OWNER/REPO` goes to GitHub, a checkout is audited from its repository root, and its GitHub
//! name comes from its remote.

use crate::common;
use crate::support;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{cm_audit, finding, status};
use serde_json::Value;
use support::fake_github::{FakeGithub, Repo, World};

const COC: &str = "# Code of conduct\n\nWe pledge to make participation in our project a harassment-free experience for everyone. \
Report unacceptable behaviour to conduct@example.org; the team will review every report and may warn, \
suspend or ban anyone who breaks these rules, whatever their role in the project, and will respect the reporter's privacy.\n";

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git").args(args).current_dir(dir).status().unwrap().success();
    assert!(ok, "git {args:?}");
}

#[test]
fn a_missing_path_is_no_such_folder_and_never_sent_to_github() {
    // Run from tests/fixtures: `tricky/` is there, `Tricky` is it in another case.
    for target in ["tricky/docz", "./x", "../x", "a/b/c", "Tricky/docs", "TRICKY", "/no/such/place"] {
        // Were it sent to the API, this address would fail with status 7.
        let out = cm_audit().arg(target).env("GITHUB_API_URL", "http://127.0.0.1:9").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert!(stderr.contains(&format!("no such folder: {target}")), "{target}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{target}: {stderr}");
    }
    let out = cm_audit().arg("Tricky/docs").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean tricky/docs?"));
}

#[test]
fn owner_repo_that_github_does_not_know_says_it_is_not_a_folder_either() {
    let fake = FakeGithub::start(World::default().with(Repo::new("acme/widgets")));
    let out = support::cm_audit(&fake).arg("acme/gadgets").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.starts_with("error: acme/gadgets is not a folder; as OWNER/REPO: "), "{stderr}");
}

#[test]
fn run_from_a_sub_folder_the_repository_root_is_audited_and_the_report_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    fs::write(root.join("CODE_OF_CONDUCT.md"), COC).unwrap();
    fs::create_dir_all(root.join("src/deep")).unwrap();
    let sub = root.join("src/deep");

    let out = cm_audit().current_dir(&sub).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status(&r, "coc-present"), "pass", "{}", finding(&r, "coc-present"));
    assert_eq!(r["sources"]["local_tree"], "../..");
    let notes = r["sources"]["notes"].to_string();
    assert!(
        notes.contains("the repository root ../.. (the nearest folder with .git above .); --no-root audits . alone"),
        "{notes}"
    );

    let out = cm_audit().current_dir(&sub).args(["--no-root", "--format", "json"]).output().unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Not in the sub-folder, and a checkout cannot see the owner's .github: unknown.
    assert_eq!(status(&r, "coc-present"), "skipped");
    assert_eq!(r["sources"]["local_tree"], ".");
}

#[test]
fn the_only_remote_names_the_repository_and_its_remedies_link_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["remote", "add", "upstream", "https://github.com/acme/widgets.git"]);
    fs::write(
        root.join("CONTRIBUTING.md"),
        "# Contributing\n\nOpen a pull request with tests; we review it within a week.\n",
    )
    .unwrap();
    let r = common::json_report(root.to_str().unwrap(), &[]);
    assert_eq!(r["repository"], "acme/widgets");
    let remedy = finding(&r, "contributing-first-issues")["remedy"].as_str().unwrap();
    assert!(
        remedy.contains("https://github.com/acme/widgets/contribute") && !remedy.contains("OWNER/REPO"),
        "{remedy}"
    );

    // Two remotes and no `origin`: which one is the project's is not guessed.
    git(root, &["remote", "add", "fork", "https://github.com/me/widgets.git"]);
    let r = common::json_report(root.to_str().unwrap(), &[]);
    assert_eq!(r["repository"], Value::Null);
}
