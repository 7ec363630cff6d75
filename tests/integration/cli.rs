//! The command line as a user meets it: subcommands, exit statuses, output that pipes cleanly.

use crate::common;

use std::fs;

use common::{cm_audit, fixtures, json_report};
use predicates::prelude::*;

#[test]
fn rules_lists_at_least_25_rules_across_all_five_responsibilities() {
    let out = cm_audit().arg("rules").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).take_while(|l| !l.is_empty()).collect();
    assert!(rows.len() >= 25, "{} rules", rows.len());
    for resp in ["welcoming", "conflict-resolution", "leadership", "communication", "engagement"] {
        assert!(rows.iter().any(|r| r.split_whitespace().nth(1) == Some(resp)), "no {resp} rule");
    }
}

#[test]
fn explain_says_why_what_and_how() {
    cm_audit()
        .args(["explain", "coc-reporting-channel"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Why it matters:"))
        .stdout(predicate::str::contains("[INSERT CONTACT METHOD]"))
        .stdout(predicate::str::contains("What it looks for:"))
        .stdout(predicate::str::contains("Requires: coc-present"))
        .stdout(predicate::str::contains("How to fix it:"));
}

#[test]
fn explain_an_unknown_rule_is_a_usage_error() {
    cm_audit().args(["explain", "nope"]).assert().code(2).stderr(predicate::str::contains("no rule `nope`"));
}

#[test]
fn the_rules_reference_in_docs_is_up_to_date() {
    let out = cm_audit().args(["rules", "--format", "markdown"]).output().unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    let committed = fs::read_to_string(fixtures().join("../../docs/rules.md")).unwrap();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn fail_under_sets_the_policy_exit_status() {
    cm_audit()
        .args(["bare", "--fail-under", "50"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("below --fail-under 50"));
    cm_audit().args(["well-kept", "--fail-under", "90"]).assert().success();
    cm_audit().args(["well-kept", "--fail-under", "101"]).assert().code(2);
}

#[test]
fn a_target_that_is_neither_a_folder_nor_a_repository_is_a_usage_error() {
    cm_audit()
        .arg("no-such-folder")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such folder: no-such-folder, nor a repository: expected OWNER/REPO"));
    cm_audit().arg("a/b/c").assert().code(2);
    cm_audit().arg("bare/main.py").assert().code(2).stderr(predicate::str::contains("is not a directory"));
}

#[test]
fn piped_output_has_no_colour_codes() {
    let out = cm_audit().arg("tricky").output().unwrap();
    assert!(out.status.success());
    assert!(!out.stdout.contains(&0x1b), "escape codes in piped output");
    let forced = cm_audit().arg("tricky").env("CLICOLOR_FORCE", "1").output().unwrap();
    assert!(forced.stdout.contains(&0x1b), "CLICOLOR_FORCE should colour");
    let no_color = cm_audit().arg("tricky").env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1").output().unwrap();
    assert!(!no_color.stdout.contains(&0x1b), "NO_COLOR wins");
}

#[test]
fn a_saved_snapshot_audits_to_identical_findings() {
    let out = cm_audit().args(["snapshot", "tricky"]).output().unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("s.json");
    fs::write(&saved, &out.stdout).unwrap();
    let live = json_report("tricky", &[]);
    let out = cm_audit().args(["--format", "json", "--from", saved.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let replayed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(live["findings"], replayed["findings"]);
    assert_eq!(live["score"], replayed["score"]);
}

#[test]
fn a_snapshot_file_that_is_not_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("s.json");
    fs::write(&bad, "{\"truncated\": ").unwrap();
    cm_audit()
        .args(["--from", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a cm-audit snapshot"));
    cm_audit().args(["--from", "missing.json"]).assert().code(3);
}

#[test]
fn warnings_on_stderr_are_not_coloured_when_stderr_is_not_a_terminal() {
    // Nothing listens on port 9: the retries are logged as warnings.
    let out = cm_audit()
        .args(["acme/widgets", "--timeout", "1"])
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .env("CM_AUDIT_RETRY_BACKOFF_MS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("WARN"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

#[test]
fn explain_accepts_any_case_and_underscores_and_suggests_the_nearest_rule() {
    let canonical = cm_audit().args(["explain", "coc-present"]).output().unwrap();
    for spelling in ["COC-Present", "coc_present", "Coc_Present"] {
        let out = cm_audit().args(["explain", spelling]).output().unwrap();
        assert!(out.status.success(), "{spelling}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.stdout, canonical.stdout, "{spelling}");
    }
    cm_audit()
        .args(["explain", "coc-presnt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule `coc-presnt`: did you mean coc-present?"));
}

#[test]
fn rules_and_explain_help_show_only_their_own_flags() {
    for subcommand in ["rules", "explain"] {
        let out = cm_audit().args([subcommand, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{subcommand}");
        for network in ["--token", "--api-url", "--window", "--timeout", "--verbose", "--no-cache", "--rest-only"] {
            assert!(!help.contains(network), "{subcommand} --help shows {network}:\n{help}");
        }
        assert!(help.contains("--config"), "{subcommand}: {help}");
    }
    // The audit and `snapshot` still take them.
    let help = String::from_utf8_lossy(&cm_audit().args(["snapshot", "--help"]).output().unwrap().stdout).into_owned();
    assert!(help.contains("--token") && help.contains("--window"), "{help}");
}

#[test]
fn a_report_given_to_from_is_named_as_a_report_not_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    fs::write(&report, cm_audit().args(["bare", "--format", "json"]).output().unwrap().stdout).unwrap();
    let out = cm_audit().arg("--from").arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "report.json is a cm-audit report (--format json), not a snapshot: save one with `cm-audit snapshot`"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn window_and_verbose_on_a_checkout_say_once_that_they_have_no_effect() {
    let out = cm_audit().args(["bare", "--window", "30d", "-v"]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "cm-audit: --window and -v have no effect on a checkout: they are about the GitHub API (audit OWNER/REPO)\n"
    );
    let out = cm_audit().args(["bare"]).output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}
