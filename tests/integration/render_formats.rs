//! The binary renders fixture checkouts as markdown, HTML and SARIF, compares with a saved JSON
//! report, and takes a user's template. Rendered output is pinned with reviewed snapshots of the
//! fixtures' reports saved in tests/data/reports/ (`cm-audit render`), so that a new rule, which
//! changes a fresh audit, does not change how a report renders; one test holds a saved report's
//! rendering to the audit's own.

use crate::common;

use common::cm_audit;
use serde_json::Value;

fn render(target: &str, extra: &[&str]) -> String {
    let out = cm_audit().arg(target).args(extra).output().unwrap();
    assert!(out.status.success(), "cm-audit {target} {extra:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A fixture's report as saved in tests/data/reports/, rendered again.
fn render_saved(fixture: &str, extra: &[&str]) -> String {
    let saved = common::saved_report(fixture);
    render("render", &[&[saved.to_str().unwrap()], extra].concat())
}

fn rule_ids() -> Vec<String> {
    let out = cm_audit().arg("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn markdown_opens_with_the_marker_and_what_to_fix_first() {
    for fixture in ["bare", "well-kept", "tricky"] {
        let md = render_saved(fixture, &["--format", "markdown"]);
        insta::assert_snapshot!(format!("markdown_{fixture}"), md);
        let mut lines = md.lines();
        assert_eq!(lines.next(), Some(cm_audit::report::markdown::REPORT_MARKER));
        let headline = lines.next().unwrap();
        assert!(headline.contains("**Community health "), "{headline}");
    }
    let bare = render("bare", &["--format", "markdown"]);
    assert!(bare.lines().nth(1).unwrap().contains("Fix first: **A licence**"));
    let kept = render("well-kept", &["--format", "markdown"]);
    assert!(kept.lines().nth(1).unwrap().ends_with("No gaps found."));
}

#[test]
fn html_is_one_self_contained_accessible_page() {
    let html = render_saved("bare", &["--format", "html"]);
    insta::assert_snapshot!("html_bare", html);
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
    for outside in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(outside), "HTML loads something from elsewhere: {outside}");
    }
    assert_eq!(html.matches("<h1>").count(), 1);
    assert!(html.contains("@media print") && html.contains("@media (max-width"));
    // Each bar has a text alternative.
    assert_eq!(html.matches("class=\"bar\" role=\"img\" aria-label=").count(), 5);
}

#[test]
fn sarif_describes_every_rule_and_reports_every_gap_with_a_location() {
    let sarif: Value = serde_json::from_str(&render("bare", &["--format", "sarif"])).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, rule_ids());
    for r in rules {
        for field in ["/shortDescription/text", "/fullDescription/text", "/help/text", "/help/markdown", "/helpUri"] {
            assert!(r.pointer(field).and_then(Value::as_str).is_some_and(|s| !s.is_empty()), "{}: no {field}", r["id"]);
        }
    }
    let json: Value = serde_json::from_str(&render("bare", &["--format", "json"])).unwrap();
    let gaps =
        json["findings"].as_array().unwrap().iter().filter(|f| f["status"] == "fail" || f["status"] == "warn").count();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), gaps);
    insta::assert_json_snapshot!("sarif_bare_results", results);
    // A hollow file's note points at it; a missing file's gap points at the README.
    let at = |rule: &str| {
        let r = results.iter().find(|r| r["ruleId"] == rule).unwrap();
        (
            r["level"].as_str().unwrap().to_string(),
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(at("contributing-present"), ("note".into(), "CONTRIBUTING.md".into()));
    assert_eq!(at("license"), ("error".into(), "README.md".into()));
}

#[test]
fn sarif_fingerprints_stay_the_same_across_runs_and_messages() {
    let fingerprints = |target: &str| -> Vec<(String, String)> {
        let sarif: Value = serde_json::from_str(&render(target, &["--format", "sarif"])).unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().into(),
                    r["partialFingerprints"]["cmAuditRuleLocation/v1"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let first = fingerprints("bare");
    assert_eq!(first, fingerprints("bare"));
    // The same missing file in another repository, with another message, is the same alert.
    let tricky = fingerprints("tricky");
    let codeowners = |all: &[(String, String)]| all.iter().find(|(r, _)| r == "codeowners").unwrap().1.clone();
    assert_eq!(codeowners(&first), codeowners(&tricky));
}

#[test]
fn compare_shows_rules_fixed_and_broken_and_each_score_change() {
    let base = common::saved_report("bare");
    let md = render_saved("well-kept", &["--format", "markdown", "--compare", base.to_str().unwrap()]);
    let after_heading = md.split("### Changes since").nth(1).unwrap();
    let changes = after_heading.split("\n<details>").next().unwrap().split("\n### ").next().unwrap();
    insta::assert_snapshot!("markdown_compare_bare_to_well_kept", changes);
    assert!(md.lines().nth(1).unwrap().contains("**Community health 100/100** (+74)"));
    assert!(changes.contains("| **Overall** | 26 | 100 | +74 |"));
    assert!(changes.contains("`license`: fail → pass"));
    // And the other way round, what passed is broken.
    let base = common::saved_report("well-kept");
    let md = render_saved("bare", &["--format", "html", "--compare", base.to_str().unwrap()]);
    assert!(md.contains("<h3>Broken (10)</h3>"), "{md}");
    assert!(md.contains("<td class=\"num\">−74</td>"));
}

/// The default text format compares too; a rule that could not be judged before (skipped) and
/// fails now is broken, like one that passed; the base report's time is shown to the minute.
#[test]
fn compare_works_in_the_text_format_and_a_rule_skipped_before_and_failing_now_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let base_path = dir.path().join("base.json");
    let mut base: serde_json::Value = serde_json::from_str(&render("bare", &["--format", "json"])).unwrap();
    base["generated_at"] = "2026-10-01T09:30:15.123456789Z".into();
    let license = base["findings"].as_array_mut().unwrap().iter_mut().find(|f| f["rule"] == "license").unwrap();
    license["status"] = "skipped".into();
    std::fs::write(&base_path, base.to_string()).unwrap();

    let text = render("bare", &["--compare", base_path.to_str().unwrap()]);
    assert!(text.contains("Changes since the base report of 2026-10-01 09:30 UTC"), "{text}");
    let broken = text.split("Broken (1)").nth(1).unwrap_or_else(|| panic!("{text}"));
    assert!(broken.lines().nth(1).unwrap().contains("license: skipped → fail"), "{text}");

    let md = render("bare", &["--format", "markdown", "--compare", base_path.to_str().unwrap()]);
    assert!(md.contains("### Changes since the base report of 2026-10-01 09:30 UTC"), "{md}");
    assert!(md.contains("**Broken (1)**") && md.contains("`license`: skipped → fail"), "{md}");
}

#[test]
fn a_users_template_can_extend_the_built_in_one_and_is_escaped_too() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("mine.md.j2");
    std::fs::write(&template, "{% extends \"report.md\" %}{% block passes %}Passing: {{ passes.total }}, first {{ passes.items[0].title }} <b>{{ \"<b>\" }}</b>\n{% endblock %}").unwrap();
    let md = render_saved("well-kept", &["--format", "markdown", "--template", template.to_str().unwrap()]);
    assert!(md.starts_with(cm_audit::report::markdown::REPORT_MARKER));
    assert!(md.contains("Passing: 31, first A README that says what the project is <b>&lt;b&gt;</b>\n"), "{md}");
    assert!(!md.contains("<details>\n<summary>✅"));

    std::fs::write(&template, "line one\n{{ score + }}").unwrap();
    let out =
        cm_audit().args(["well-kept", "--format", "html", "--template", template.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mine.md.j2") && err.contains("line 2"), "{err}");
}

#[test]
fn template_and_compare_are_refused_for_formats_that_do_not_use_them_naming_the_flag_given() {
    for (flag, formats, works_with) in [
        ("--template", &["text", "json", "sarif"][..], "--template works with --format markdown or html"),
        ("--compare", &["json", "sarif"][..], "--compare works with --format text, markdown or html"),
    ] {
        for format in formats {
            let out = cm_audit().args(["bare", "--format", format, flag, "bare/README.md"]).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{format} {flag}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(works_with), "{format} {flag}: {stderr}");
        }
    }
    let out = cm_audit().args(["bare", "--format", "markdown", "--compare", "bare/README.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a cm-audit JSON report"));
}

/// The saved reports stand for fresh audits: rendering one again gives what the audit printed, in
/// every format that can be rendered again. (A rule changing a fixture's judgement changes a fresh
/// audit, not the saved reports; this holds the renderer, not the rules.)
#[test]
fn a_saved_report_renders_as_the_audit_did() {
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["bare", "tricky", "well-kept", "deep"] {
        let saved = dir.path().join(format!("{fixture}.json"));
        std::fs::write(&saved, render(fixture, &["--format", "json"])).unwrap();
        for format in ["text", "markdown", "html", "json"] {
            let again = render("render", &[saved.to_str().unwrap(), "--format", format]);
            assert_eq!(again, render(fixture, &["--format", format]), "{fixture} as {format}");
        }
    }
    let out = cm_audit()
        .args(["render", common::saved_report("bare").to_str().unwrap(), "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("audit again with --format sarif"));
}
