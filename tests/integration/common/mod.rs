//! Helpers for running the real binary on fixture checkouts.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The audit time used by every test, so reports are reproducible.
pub const NOW: &str = "2026-11-01T00:00:00Z";

/// A fixture's JSON report as saved in tests/data/reports/ (at [`NOW`]), for rendering tests that
/// should not change when a rule does.
pub fn saved_report(fixture: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reports").join(format!("{fixture}.json"))
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The binary, run from the fixtures folder with a fixed clock and no colour.
pub fn cm_audit() -> Command {
    let mut cmd = Command::cargo_bin("cm-audit").unwrap();
    cmd.current_dir(fixtures()).env("CM_AUDIT_NOW", NOW).env_remove("GITHUB_TOKEN").env_remove("GH_TOKEN");
    cmd
}

/// The JSON report of a fixture (or any folder), audited with extra arguments.
pub fn json_report(target: &str, extra: &[&str]) -> Value {
    let out = cm_audit().arg(target).args(["--format", "json"]).args(extra).output().unwrap();
    assert!(out.status.success(), "cm-audit {target} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A finding of a report by rule id.
pub fn finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no finding for {rule}"))
}

pub fn status<'a>(report: &'a Value, rule: &str) -> &'a str {
    finding(report, rule)["status"].as_str().unwrap()
}

pub fn message<'a>(report: &'a Value, rule: &str) -> &'a str {
    finding(report, rule)["message"].as_str().unwrap()
}

/// Evidence of a finding as `path:line: text` lines.
pub fn evidence(report: &Value, rule: &str) -> Vec<String> {
    finding(report, rule)["evidence"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    let place = match (e["path"].as_str(), e["line"].as_u64()) {
                        (Some(p), Some(l)) => format!("{p}:{l}: "),
                        (Some(p), None) => format!("{p}: "),
                        _ => String::new(),
                    };
                    format!("{place}{}", e["text"].as_str().unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Messages speak to people: no finding's message shows a regular expression.
pub fn assert_no_raw_patterns(report: &Value) {
    for f in report["findings"].as_array().unwrap() {
        let message = f["message"].as_str().unwrap();
        for raw in ["^", "\\w", "\\s", "\\b", "(?", "[\\"] {
            assert!(!message.contains(raw), "{}: `{raw}` in {message}", f["rule"]);
        }
    }
}

/// Runs git in `dir` as a throwaway identity; the test fails if git does.
pub fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}
