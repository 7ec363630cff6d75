//! The user's config: turning rules off with a reason, tuning them, adding rules, and refusing a
//! bad config whole with a message that names the file, the rule and the field.

use crate::common;

use std::fs;

use common::{cm_audit, finding, json_report, message, status};

fn with_config(fixture: &str, config: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cm-audit.toml");
    fs::write(&path, config).unwrap();
    json_report(fixture, &["--config", path.to_str().unwrap()])
}

/// Runs with a bad config: it must fail with the usage status and one line on stderr.
fn config_error(config: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    fs::write(&path, config).unwrap();
    let out = cm_audit().args(["well-kept", "--format", "json", "--config", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty(), "a bad config must not produce a report");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("bad.toml"), "names the file: {err}");
    err
}

#[test]
fn a_rule_turned_off_is_shown_as_ignored_with_the_reason_and_not_scored() {
    let r = with_config(
        "bare",
        "[rules.coc-present]\nenabled = false\nreason = \"we use the Python Software Foundation's code of conduct\"\n",
    );
    assert_eq!(status(&r, "coc-present"), "ignored");
    assert_eq!(message(&r, "coc-present"), "ignored: we use the Python Software Foundation's code of conduct");
    // The rules that require it are skipped, not failed, and say why.
    assert_eq!(status(&r, "coc-reporting-channel"), "skipped");
    assert_eq!(message(&r, "coc-reporting-channel"), "requires coc-present, which is disabled in the config");
    assert_eq!(r["responsibilities"][1]["ignored"], 1);
}

#[test]
fn a_whole_responsibility_can_be_turned_off() {
    let r = with_config("bare", "[responsibilities.engagement]\nenabled = false\nreason = \"a personal tool\"\n");
    for f in r["findings"].as_array().unwrap().iter().filter(|f| f["responsibility"] == "engagement") {
        assert_eq!(f["status"], "ignored");
        assert_eq!(f["message"], "ignored: a personal tool");
    }
    assert_eq!(r["responsibilities"][4]["score"], serde_json::Value::Null);
}

#[test]
fn severity_weight_and_thresholds_can_be_changed() {
    let r = with_config(
        "bare",
        "[rules.license]\nseverity = \"low\"\nweight = 1\n\n[rules.coc-present.check]\nmin_words = 2\n",
    );
    let lic = finding(&r, "license");
    assert_eq!(lic["severity"], "low");
    assert_eq!(lic["weight"], 1);
    // "Be nice." is two words: with the threshold lowered it is no longer hollow.
    assert_eq!(status(&r, "coc-present"), "pass");
}

#[test]
fn a_project_can_add_its_own_rule_and_documents() {
    let r = with_config(
        "well-kept",
        r#"
[documents.astro-guide]
name = "observing guide"
stems = ["observing"]

[[rule]]
id = "observing-guide"
title = "An observing guide"
responsibility = "engagement"
severity = "low"
rationale = "Our users meet at star parties."
remedy = "Write OBSERVING.md."
[rule.check]
kind = "file"
document = "astro-guide"
"#,
    );
    assert_eq!(status(&r, "observing-guide"), "fail");
    assert_eq!(message(&r, "observing-guide"), "no observing guide found in .github/, the root or docs/");
    assert!(finding(&r, "observing-guide")["docs"].as_str().unwrap().ends_with("#observing-guide"));
}

#[test]
fn a_config_in_the_audited_tree_is_used() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".github")).unwrap();
    fs::write(dir.path().join("README.md"), "# x\n").unwrap();
    fs::write(
        dir.path().join(".github/cm-audit.toml"),
        "[rules.license]\nenabled = false\nreason = \"public domain snippets\"\n",
    )
    .unwrap();
    let r = json_report(dir.path().to_str().unwrap(), &[]);
    assert_eq!(message(&r, "license"), "ignored: public domain snippets");
}

#[test]
fn unknown_rule_id_is_refused() {
    let err = config_error("[rules.coc-presnt]\nenabled = false\n");
    assert!(err.contains("unknown rule `coc-presnt`"), "{err}");
}

#[test]
fn unknown_check_kind_is_refused_naming_rule_and_field() {
    let err = config_error(
        "[[rule]]\nid = \"x\"\ntitle = \"x\"\nresponsibility = \"welcoming\"\nseverity = \"low\"\nrationale = \"r\"\nremedy = \"r\"\n[rule.check]\nkind = \"file-exists\"\ndocument = \"readme\"\n",
    );
    assert!(
        err.contains("rule `x`") && err.contains("field `check`") && err.contains("unknown check kind `file-exists`"),
        "{err}"
    );
}

#[test]
fn invalid_regex_is_refused_naming_rule_and_field() {
    let err = config_error("[rules.coc-enforcement.check]\nany = [\"(unclosed\"]\n");
    assert!(
        err.contains("rule `coc-enforcement`") && err.contains("field `check`: `any[0]`: invalid regex `(unclosed`"),
        "{err}"
    );
}

#[test]
fn wrong_type_is_refused_naming_the_field() {
    let err = config_error("[rules.license]\nweight = \"heavy\"\n");
    assert!(err.contains("rules.license.weight"), "{err}");
    let err = config_error("[rules.license]\nseverity = \"urgent\"\n");
    assert!(err.contains("rules.license.severity") && err.contains("unknown variant `urgent`"), "{err}");
}

#[test]
fn unknown_keys_and_syntax_errors_are_refused() {
    let err = config_error("[rule.license]\nenabled = false\n");
    assert!(err.contains("rule"), "{err}");
    let err = config_error("[rules.license\n");
    assert!(err.contains("line 1"), "{err}");
    let err = config_error("[rules.license]\nenabeld = false\n");
    assert!(err.contains("unknown field `enabeld`"), "{err}");
}
