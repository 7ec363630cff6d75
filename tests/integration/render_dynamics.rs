//! The community dynamics as a saved report shows them again (`cm-audit render`): a line a figure
//! with its sparkline in markdown and the terminal, small inline SVG charts with their numbers in
//! HTML, and never a login, though the saved JSON names who carries the project.

use crate::common;

use common::cm_audit;

fn render(report: &std::path::Path, extra: &[&str]) -> String {
    let out = cm_audit().arg("render").arg(report).args(extra).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn saved(extra: &[&str]) -> String {
    render(&common::saved_report("dynamics"), extra)
}

/// The part of a rendering from `start` up to the next `end` after it.
fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?} in:\n{text}"));
    let to = text[from + start.len()..].find(end).map_or(text.len(), |i| from + start.len() + i);
    &text[from..to]
}

#[test]
fn markdown_shows_a_line_a_figure_with_its_trend() {
    let md = saved(&["--format", "markdown"]);
    let dynamics = section(&md, "### Community dynamics", "\n### ");
    insta::assert_snapshot!("markdown_dynamics", dynamics);
    assert!(dynamics.contains("`▅█·▄▃▂` 30 h → 6 h"), "the first-response trend, with a gap for July: {dynamics}");
    assert!(dynamics.contains("**Questions answered**: not measured: Discussions are off"), "{dynamics}");
    assert!(!md.contains("maint-alice") && !md.contains("maint-bob"), "markdown names who carries the project");
}

#[test]
fn html_draws_small_charts_with_their_numbers_and_no_script() {
    let html = saved(&["--format", "html"]);
    let dynamics = section(&html, "<section aria-labelledby=\"dynamics\">", "</section>");
    insta::assert_snapshot!("html_dynamics", dynamics);
    assert_eq!(dynamics.matches("<svg viewBox=").count(), 3);
    assert_eq!(dynamics.matches("width=\"100%\" role=\"img\" aria-labelledby=").count(), 3);
    assert_eq!(dynamics.matches("<table>").count(), 3, "each chart's numbers as a table");
    // The gap in July: no newcomer median, so the line breaks and the table says so.
    assert!(
        dynamics.contains(
            "<tr><th scope=\"row\">2026-07</th><td class=\"num\">n&#x2f;a</td><td class=\"num\">5 h</td></tr>"
        )
    );
    for outside in ["<script", "<link", "src=", "url("] {
        assert!(!html.contains(outside), "HTML loads something from elsewhere: {outside}");
    }
    assert!(!html.contains("maint-alice"), "HTML names who carries the project");
}

#[test]
fn the_terminal_shows_the_dynamics_in_a_few_lines() {
    let text = saved(&[]);
    let dynamics = section(&text, "Community dynamics:", "\n\n");
    assert_eq!(dynamics.lines().count(), 8, "{dynamics}");
    assert!(dynamics.contains("Newcomers who come back: 4 of 12"), "{dynamics}");
    assert!(!text.contains("maint-alice"));
}

#[test]
fn a_saved_report_keeps_the_logins_only_when_asked() {
    let kept = saved(&["--format", "json", "--people"]);
    assert!(kept.contains("\"login\": \"maint-alice\""), "{kept}");
    let dropped = saved(&["--format", "json"]);
    assert!(!dropped.contains("maint-alice"), "render without --people keeps the logins");
    let json: serde_json::Value = serde_json::from_str(&dropped).unwrap();
    assert_eq!(json["dynamics"]["carriers"]["absence_factor"], 2);
}

#[test]
fn html_links_escape_the_titles_they_show() {
    let html = saved(&["--format", "html"]);
    let line = html.lines().find(|l| l.contains("pull&#x2f;48")).expect("a link to the merged pull request");
    assert!(
        line.starts_with("<li><a href=\"https:&#x2f;&#x2f;github.com&#x2f;acme&#x2f;widgets&#x2f;pull&#x2f;48\">"),
        "{line}"
    );
    assert!(line.contains("#48 Crash on &lt;script&gt;alert(1)&lt;&#x2f;script&gt; @everyone"), "{line}");
    assert!(!html.contains("<script"), "a title became markup");
}

#[test]
fn a_comment_with_every_gap_and_the_dynamics_stays_within_the_limit() {
    let mut report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::saved_report("dynamics")).unwrap()).unwrap();
    let gap = report["findings"].as_array().unwrap().iter().find(|f| f["status"] == "fail").unwrap().clone();
    let many: Vec<serde_json::Value> = (0..400)
        .map(|i| {
            let mut f = gap.clone();
            f["rule"] = format!("rule-{i}").into();
            f["message"] = "a long message ".repeat(40).into();
            f["evidence"] = vec![serde_json::json!({"text": "evidence ".repeat(60)}); 8].into();
            f
        })
        .collect();
    report["findings"] = many.into();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&report).unwrap()).unwrap();
    let md = render(file.path(), &["--format", "markdown"]);
    assert!(md.len() <= cm_audit::report::markdown::COMMENT_LIMIT, "{} bytes", md.len());
    assert!(!md.contains("cut here"), "the report was cut rather than folded");
    let dynamics = section(&md, "### Community dynamics", "\n### ");
    assert_eq!(dynamics.lines().filter(|l| l.starts_with("- **")).count(), 7, "{dynamics}");
}
