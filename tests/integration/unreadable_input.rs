//! Input the tool cannot read is an error or a note, never "missing": an unreadable checkout is an
//! error, an unreadable file or folder inside it makes its documents present-but-unreadable and is
//! named in the report's "not seen" line, and text in UTF-16 or Latin-1 is read as text.
//!
//! Permissions do not bind root, so when the tests run as root the binary runs as `nobody`
//! (through `setpriv`), as a maintainer auditing another user's checkout would.

use crate::common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

use common::{NOW, finding, git, status};
use serde_json::Value;

const NOBODY: &str = "65534";

const COC: &str = "# Code of conduct\n\nWe pledge to make participation in our project a harassment-free experience for everyone. \
Report unacceptable behaviour to conduct@example.org; the team will review every report and may warn, \
suspend or ban anyone who breaks these rules, whatever their role in the project, and will respect the reporter's privacy.\n";

/// A folder the audit's user may enter, with permissions that bind it.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// `cm-audit ARGS` run from `cwd` by a user that permissions bind: this one, or `nobody` for root.
fn cm_audit_as_a_user(cwd: &Path, args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("cm-audit");
    // Who this process is: a file it creates is its own.
    let is_root = tempfile::tempfile().unwrap().metadata().unwrap().uid() == 0;
    let mut cmd = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .current_dir(cwd)
        .env("CM_AUDIT_NOW", NOW)
        .env("HOME", cwd)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("XDG_CONFIG_HOME");
    cmd.output().unwrap()
}

/// Makes `nobody` own a checkout made by root, as `cm_audit_as_a_user` runs as `nobody` for root.
fn hand_to_the_user(root: &Path) {
    if tempfile::tempfile().unwrap().metadata().unwrap().uid() == 0 {
        let owner = format!("{NOBODY}:{NOBODY}");
        let ok = Command::new("chown").args(["-R", &owner]).arg(root).status().unwrap();
        assert!(ok.success());
    }
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn lock(path: &Path) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
}

#[test]
fn an_unreadable_checkout_is_an_error_naming_it() {
    let dir = workspace();
    let project = dir.path().join("project");
    fs::create_dir(&project).unwrap();
    fs::write(project.join("README.md"), "# Project\n").unwrap();
    lock(&project);
    let out = cm_audit_as_a_user(dir.path(), &["project"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "stdout: {}\nstderr: {stderr}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("project") && stderr.contains("ermission denied"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_unreadable_folder_inside_a_git_checkout_leaves_its_documents_present_but_unreadable() {
    let dir = workspace();
    let root = dir.path();
    git(root, &["init", "-q"]);
    fs::create_dir_all(root.join("docs")).unwrap();
    fs::write(root.join("docs/CODE_OF_CONDUCT.md"), COC).unwrap();
    fs::write(root.join("README.md"), "# Project\n").unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "init"]);
    // The maintainer's own checkout: git lists a checkout only for the user who owns it.
    hand_to_the_user(root);
    lock(&root.join("docs"));

    let out = cm_audit_as_a_user(root, &["--format", "json"]);
    let r = json(&out);
    assert_eq!(r["sources"]["local_listing"], "git");
    assert_eq!(status(&r, "coc-present"), "warn", "{}", finding(&r, "coc-present"));
    let message = finding(&r, "coc-present")["message"].as_str().unwrap();
    assert!(message.contains("docs/CODE_OF_CONDUCT.md") && message.contains("ermission denied"), "{message}");
    assert!(r["sources"]["unreadable"]["docs/"].as_str().unwrap().contains("ermission denied"), "{}", r["sources"]);

    let text = cm_audit_as_a_user(root, &[]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    let sources = stdout.lines().find(|l| l.starts_with("Sources:")).unwrap();
    assert!(sources.contains("Not seen, unreadable: docs/"), "{sources}");
}

#[test]
fn an_unreadable_file_or_folder_in_a_plain_folder_is_named_as_not_seen() {
    let dir = workspace();
    let root = dir.path();
    fs::create_dir_all(root.join(".github")).unwrap();
    fs::write(root.join(".github/SECURITY.md"), "# Security\n\nMail security@example.org.\n").unwrap();
    fs::create_dir_all(root.join("docs")).unwrap();
    fs::write(root.join("docs/CODE_OF_CONDUCT.md"), COC).unwrap();
    lock(&root.join(".github/SECURITY.md"));
    lock(&root.join("docs"));

    let r = json(&cm_audit_as_a_user(root, &["--format", "json"]));
    assert_eq!(r["sources"]["local_listing"], "walk");
    assert_eq!(status(&r, "security-policy"), "warn", "{}", finding(&r, "security-policy"));
    let message = finding(&r, "security-policy")["message"].as_str().unwrap();
    assert!(message.contains(".github/SECURITY.md") && message.contains("ermission denied"), "{message}");
    let unreadable = &r["sources"]["unreadable"];
    assert!(unreadable["docs/"].is_string() && unreadable[".github/SECURITY.md"].is_string(), "{unreadable}");
    // Outside git nothing lists what is in docs/: a code of conduct there is not judged missing.
    assert_eq!(status(&r, "coc-present"), "skipped", "{}", finding(&r, "coc-present"));
    let message = finding(&r, "coc-present")["message"].as_str().unwrap();
    assert!(message.contains("docs/ could not be read") && message.contains("ermission denied"), "{message}");
}

#[test]
fn a_code_of_conduct_in_utf16_or_latin1_is_read_as_text() {
    let utf16: Vec<u8> = "\u{feff}".encode_utf16().chain(COC.encode_utf16()).flat_map(u16::to_le_bytes).collect();
    let latin1: Vec<u8> = COC.replace("everyone", "everyone, café or crèche").chars().map(|c| c as u32 as u8).collect();
    for (encoding, bytes) in [("UTF-16", utf16), ("Latin-1", latin1)] {
        let dir = workspace();
        fs::write(dir.path().join("CODE_OF_CONDUCT.md"), &bytes).unwrap();
        let r = common::json_report(dir.path().to_str().unwrap(), &[]);
        assert_eq!(status(&r, "coc-present"), "pass", "{encoding}: {}", finding(&r, "coc-present"));
        assert_eq!(status(&r, "coc-reporting-channel"), "pass", "{encoding}: {}", finding(&r, "coc-reporting-channel"));
    }
}
