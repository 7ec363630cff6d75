//! The markdown and HTML templates lay out the same tables: read back as text, cell by cell, the
//! two give the same rows, so a template that drops, adds or reorders a column fails here.

use chrono::{DateTime, Utc};

use super::org::{Gap, OrgReport, ResponsibilityCell, Row, RowStatus, Skipped};
use super::{Format, RenderOptions, Report};
use crate::engine::evaluation::Evaluation;
use crate::engine::finding::{Finding, Status};
use crate::engine::rule::{Responsibility, Severity};
use crate::error::Error;
use crate::snapshot::{Activity, Snapshot};

/// A table as text: its rows (the header row first), each a list of cells.
type Table = Vec<Vec<String>>;

#[test]
fn markdown_and_html_give_the_same_table() {
    let org = org_report();
    let (md, html) = (org_render(&org, Format::Markdown), org_render(&org, Format::Html));
    let tables = markdown_tables(&md);
    assert_eq!(tables.len(), 1, "{md}");
    assert_eq!(tables, html_tables(&html), "{md}\n{html}");
    assert_eq!(tables[0].len(), 1 + org.repositories.len());
    assert!(tables[0].iter().all(|row| row.len() == 8), "{tables:?}");
    assert_eq!(tables[0][1][7], "<b>|@all `x` (rule-0)", "cells read back as the text they show");

    let (report, base) = single_reports();
    let render = |format| {
        let options = RenderOptions { format, template: None, base: Some(base.clone()) };
        super::render(&report, &options).unwrap()
    };
    let (md, html) = (render(Format::Markdown), render(Format::Html));
    let md_tables = markdown_tables(&md);
    // The scores by responsibility are a table in markdown and a card each in HTML.
    assert_eq!(md_tables[0][0], ["", "Responsibility", "Score", "", "Gaps"]);
    let html_tables = html_tables(&html);
    assert_eq!(html_tables.len(), 2, "the changes and the first responses: {html}");
    assert_eq!(md_tables[1..], html_tables, "{md}\n{html}");
}

fn org_render(report: &OrgReport, format: Format) -> String {
    super::org::render(report, format).unwrap()
}

/// Rows that say every thing a cell can hold: markup, a mention, a URL, a pipe, no score.
fn org_report() -> OrgReport {
    let scored = |name: &str, score: u8, gap: &str| Row {
        repository: name.into(),
        status: RowStatus::Audited,
        score: Some(score),
        responsibilities: Responsibility::ALL
            .iter()
            .zip([Some(score), None, Some(100), Some(0), Some(7)])
            .map(|(id, score)| ResponsibilityCell { id: *id, score })
            .collect(),
        top_gap: (!gap.is_empty()).then(|| Gap { rule: "rule-0".into(), title: gap.into() }),
        error: None,
        exit_code: None,
    };
    let rows = vec![
        scored("acme/<kept>", 20, "<b>|@all `x`"),
        scored("acme/a_b*c", 50, "see https://e.example/?a=1&b=2 and #12 - or 1. this"),
        scored("acme/done", 90, ""),
        Row::unscored("acme/gone".into(), RowStatus::Failed, &Error::Runtime("not found \\| gone".into())),
    ];
    OrgReport::new("acme", DateTime::UNIX_EPOCH, rows, Skipped::default())
}

/// A report with newcomer figures and one to compare it with: every table the single report has.
fn single_reports() -> (Report, Report) {
    let now: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
    let activity: Activity = serde_json::from_value(serde_json::json!({
        "window_start": "2026-08-03T00:00:00Z",
        "authors_with_earlier_items": [],
        "items": [
            {"kind": "issue", "number": 1, "title": "Crash | on <start>", "url": "https://github.com/o/r/issues/1",
             "author": {"login": "ann"}, "author_association": "NONE", "created_at": "2026-10-01T00:00:00Z",
             "responses": [{"kind": "comment", "author": {"login": "max"}, "author_association": "MEMBER",
                            "at": "2026-10-01T05:00:00Z"}]},
            {"kind": "issue", "number": 2, "title": "Waiting", "url": "https://github.com/o/r/issues/2",
             "author": {"login": "bea"}, "author_association": "NONE", "created_at": "2026-10-02T00:00:00Z"}
        ]
    }))
    .unwrap();
    let snap = Snapshot::new(Some(crate::repo_ref::RepoRef::new("o", "r")), now);
    let policy = crate::newcomers::Policy::new(now);
    let newcomers = crate::newcomers::NewcomerSummary::of(&crate::newcomers::assess(&activity, &policy));
    let finding = |rule, responsibility, status| Finding {
        responsibility,
        ..super::tests::finding(rule, status, Severity::Medium, 5)
    };
    let evaluation = |statuses: [Status; 2], newcomers| Evaluation {
        findings: vec![
            finding("a", Responsibility::Welcoming, statuses[0]),
            finding("b", Responsibility::Leadership, statuses[1]),
        ],
        newcomers,
        ..Evaluation::default()
    };
    let report = Report::new(&snap, evaluation([Status::Pass, Status::Fail], Some(newcomers)), now);
    let base = Report::new(&snap, evaluation([Status::Fail, Status::Pass], None), DateTime::UNIX_EPOCH);
    (report, base)
}

/// The GitHub-flavoured markdown tables of a text, as the text each cell shows.
fn markdown_tables(md: &str) -> Vec<Table> {
    let mut tables: Vec<Table> = Vec::new();
    let mut in_table = false;
    for line in md.lines() {
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells = markdown_cells(line);
        if !in_table {
            tables.push(vec![cells]);
            in_table = true;
        } else if !cells.iter().all(|c| c.trim_matches(':').chars().all(|c| c == '-') && !c.is_empty()) {
            tables.last_mut().expect("a table was started").push(cells);
        }
    }
    tables
}

/// A row's cells: split at pipes not escaped by a backslash (GitHub splits before it parses code
/// spans, so `\|` is a pipe even inside one), each read as inline markdown.
fn markdown_cells(line: &str) -> Vec<String> {
    let inner = line.trim().strip_prefix('|').and_then(|l| l.strip_suffix('|')).expect("a row ends in pipes");
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().expect("no backslash ends a cell");
                let cell = cells.last_mut().expect("one cell at least");
                if next != '|' {
                    cell.push('\\');
                }
                cell.push(next);
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("one cell at least").push(c),
        }
    }
    cells.iter().map(|c| markdown_inline_text(c.trim())).collect()
}

/// The text inline markdown shows: code spans verbatim, backslash escapes and the entities the
/// escaping writes undone, emphasis markers dropped.
fn markdown_inline_text(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let fence_len = rest.len() - rest.trim_start_matches('`').len();
            let after = &rest[fence_len..];
            let fence = &rest[..fence_len];
            let end = (0..after.len())
                .filter(|&i| after.is_char_boundary(i))
                .find(|&i| {
                    after[i..].starts_with(fence)
                        && !after[i + fence_len..].starts_with('`')
                        && !after[..i].ends_with('`')
                })
                .expect("every code span is closed");
            let code = &after[..end];
            let code = match code.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
                Some(inner) if !code.trim().is_empty() => inner,
                _ => code,
            };
            out.push_str(code);
            rest = &after[end + fence_len..];
        } else if let Some(escaped) = rest.strip_prefix('\\').and_then(|r| r.chars().next())
            && escaped.is_ascii_punctuation()
        {
            out.push(escaped);
            rest = &rest[1 + escaped.len_utf8()..];
        } else if let Some((entity, text)) = [("&lt;", '<'), ("&gt;", '>'), ("&amp;", '&'), ("&quot;", '"')]
            .into_iter()
            .find(|(entity, _)| rest.starts_with(entity))
        {
            out.push(text);
            rest = &rest[entity.len()..];
        } else {
            if c != '*' {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The HTML tables of a page, as the text each cell shows.
fn html_tables(html: &str) -> Vec<Table> {
    html.split("<table")
        .skip(1)
        .map(|t| elements(t.split("</table>").next().unwrap_or(t), &["tr"]))
        .map(|rows| {
            rows.iter().map(|row| elements(row, &["th", "td"]).iter().map(|cell| html_text(cell)).collect()).collect()
        })
        .collect()
}

/// The contents of the elements named, in order, in a piece of HTML without nesting of them.
fn elements(html: &str, names: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    // `<th` is also where `<thead` starts: a tag's name ends at `>` or a space.
    let open_at = |html: &str, name: &str| {
        html.match_indices(&format!("<{name}"))
            .map(|(i, _)| i)
            .find(|i| html[i + 1 + name.len()..].starts_with(['>', ' ']))
    };
    while let Some((at, name)) = names.iter().filter_map(|n| open_at(rest, n).map(|i| (i, *n))).min_by_key(|(i, _)| *i)
    {
        let open = &rest[at..];
        let start = open.find('>').expect("a tag ends") + 1;
        let close = format!("</{name}>");
        let end = open.find(&close).expect("every cell and row is closed");
        found.push(open[start..end].to_string());
        rest = &open[end + close.len()..];
    }
    found
}

/// The text a piece of HTML shows: tags dropped, the entities the escaping writes undone.
fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#x27;", "'"), ("&#x2f;", "/"), ("&amp;", "&")]
        .iter()
        .fold(text, |text, (entity, c)| text.replace(entity, c))
        .trim()
        .to_string()
}
