//! Text from the audited repository cannot inject markup, mentions or links into a rendered
//! report, and a markdown report always fits in a GitHub comment.

use chrono::{DateTime, Utc};
use cm_audit::engine::RuleSet;
use cm_audit::engine::evaluation::{Evaluation, RuleDescription};
use cm_audit::engine::finding::{Evidence, Finding, Status};
use cm_audit::engine::rule::{Responsibility, Severity};
use cm_audit::report::markdown::{COMMENT_LIMIT, REPORT_MARKER};
use cm_audit::report::template::UserTemplate;
use cm_audit::report::{Format, RenderOptions, Report, render};
use cm_audit::snapshot::Snapshot;

const SCRIPT_FILE: &str = "<script>alert(1)</script>.md";
const HOSTILE: &str = "@everyone look ](javascript:alert(1)) <img src=x onerror=alert(1)> #1 https://evil.example";

fn now() -> DateTime<Utc> {
    "2026-11-01T00:00:00Z".parse().unwrap()
}

/// A finding of a real rule (SARIF describes the rule set's rules) with hostile text everywhere
/// the repository or its config can put text.
fn hostile_finding(rule: &str, status: Status) -> Finding {
    Finding {
        rule: rule.into(),
        title: format!("Title {HOSTILE}"),
        responsibility: Responsibility::Welcoming,
        severity: Severity::High,
        weight: 10,
        status,
        message: format!("{SCRIPT_FILE} says [click](javascript:alert(1)) to @maintainers"),
        evidence: vec![Evidence::at(SCRIPT_FILE, Some(3), HOSTILE), Evidence::note("a `code` | pipe")],
        location: Some(SCRIPT_FILE.into()),
        remedy: format!("Remedy {HOSTILE}"),
        docs: "javascript:alert(1)".into(),
    }
}

fn report(findings: Vec<Finding>) -> Report {
    let mut snap = Snapshot::new(Some(cm_audit::repo_ref::RepoRef::new("o", "<b>r</b>")), now());
    snap.sources.notes.push(format!("{SCRIPT_FILE} could not be read (@everyone)"));
    // The shipped rules describe the findings, as SARIF lists them.
    let rules = RuleSet::builtin().rules.iter().map(RuleDescription::of).collect();
    Report::new(&snap, Evaluation { findings, rules, newcomers: None, dynamics: None }, now())
}

fn rendered(report: &Report, format: Format, template: Option<UserTemplate>) -> String {
    render(report, &RenderOptions { format, template, base: None }).unwrap()
}

fn hostile_report() -> Report {
    report(vec![
        hostile_finding("license", Status::Fail),
        hostile_finding("readme-present", Status::Pass),
        hostile_finding("roadmap", Status::Skipped),
    ])
}

/// The markdown with its code spans removed: what GitHub would read as markup.
fn outside_code(md: &str) -> String {
    let mut rest = md;
    let mut out = String::new();
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        let fence = &rest[start..start + ticks];
        let body = &rest[start + ticks..];
        // A closing fence is a run of exactly as many ticks.
        let close = body.match_indices(fence).find(|(i, _)| !body[i + ticks..].starts_with('`')).map(|(i, _)| i);
        match close {
            Some(end) => rest = &body[end + ticks..],
            None => {
                out.push_str(fence);
                rest = body;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn markdown_shows_repository_text_but_never_as_markup_mentions_or_links() {
    let md = rendered(&hostile_report(), Format::Markdown, None);
    insta::assert_snapshot!("markdown_hostile", md);
    let markup = outside_code(&md);
    for injected in
        ["<script", "<img", "<b>", "](javascript", "[click](", "@everyone", "@maintainers", "#1", "https://evil"]
    {
        assert!(!markup.contains(injected), "{injected} got through outside code:\n{markup}");
    }
    // Inside code it is all there, verbatim.
    assert!(md.contains("`<script>alert(1)</script>.md:3` `@everyone` look"));
    // The rule's `javascript:` docs URL is not made a link.
    assert_eq!(md.matches("](<").count(), 0);
}

#[test]
fn html_escapes_everything_and_links_only_to_web_pages() {
    let html = rendered(&hostile_report(), Format::Html, None);
    for injected in ["<script", "<img", "<b>r", "href=\"javascript"] {
        assert!(!html.contains(injected), "{injected} got through");
    }
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;.md"));
    assert!(html.contains("<title>Community health of o&#x2f;&lt;b&gt;r&lt;&#x2f;b&gt;"));
}

#[test]
fn sarif_keeps_text_as_data_and_paths_as_encoded_uris() {
    let sarif: serde_json::Value = serde_json::from_str(&rendered(&hostile_report(), Format::Sarif, None)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "only the failing rule is a result");
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "%3Cscript%3Ealert%281%29%3C/script%3E.md");
    assert_eq!(location["region"]["startLine"], 3);
    assert_eq!(
        results[0]["message"]["text"],
        format!("{SCRIPT_FILE} says [click](javascript:alert(1)) to @maintainers.")
    );
}

/// Thousands of gaps with long messages and much evidence: far more than a comment holds.
fn huge_report() -> Report {
    let long = "A long line of evidence from a file in the repository. ".repeat(20);
    let findings = (0..900)
        .map(|i| {
            let status = if i % 3 == 0 { Status::Pass } else { Status::Fail };
            let mut f = hostile_finding(&format!("rule-{i}"), status);
            f.message = format!("{i}: {long}");
            f.evidence = (1..10).map(|line| Evidence::at(&format!("docs/file-{i}.md"), Some(line), &long)).collect();
            f
        })
        .collect();
    report(findings)
}

#[test]
fn a_huge_markdown_report_is_folded_to_fit_a_comment() {
    let md = rendered(&huge_report(), Format::Markdown, None);
    assert!(md.len() <= COMMENT_LIMIT, "{} bytes", md.len());
    assert!(md.starts_with(REPORT_MARKER));
    assert!(md.contains("### 600 gaps, most important first"));
    assert!(md.contains("more gaps** are left out to fit a comment"));
    // Folded, not cut: every section is closed and the sources are still there.
    assert!(!md.contains("The report was cut here"));
    assert_eq!(md.matches("<details>").count(), md.matches("</details>").count());
    assert!(md.contains("Audited by cm-audit"));
}

#[test]
fn a_users_template_that_prints_too_much_is_cut_with_a_note() {
    let everything = UserTemplate {
        origin: "all.md.j2".into(),
        source: "{% for f in report.findings %}{{ f.message }}\n{% endfor %}".into(),
    };
    let md = rendered(&huge_report(), Format::Markdown, Some(everything));
    assert!(md.len() <= COMMENT_LIMIT, "{} bytes", md.len());
    assert!(md.ends_with("_The report was cut here to fit GitHub's comment size limit._\n"));
}
