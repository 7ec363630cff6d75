//! The report on a whole organisation (or user): one row per repository, worst first, rendered as a
//! terminal table, JSON, markdown or HTML.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::template::{self, Markup, Page};
use super::{Format, Report, Tool};
use crate::engine::rule::Responsibility;
use crate::error::{Error, Result};

/// Version of the organisation document's shape (docs/github.md).
pub const ORG_REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct OrgReport {
    pub schema_version: u32,
    pub tool: Tool,
    /// The organisation or user audited.
    pub owner: String,
    pub generated_at: DateTime<Utc>,
    /// Audited ones by score, lowest first; then those that failed; then those not audited.
    pub repositories: Vec<Row>,
    pub skipped: Skipped,
}

/// Repositories listed but left out on purpose.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Skipped {
    /// Without `--include-forks`.
    pub forks: Vec<String>,
    /// Without `--include-archived`.
    pub archived: Vec<String>,
    /// Not matched by `--match`.
    pub not_matching: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowStatus {
    Audited,
    /// The audit of this repository failed (deleted mid-run, no permission, ...): see `error`.
    Failed,
    /// Never started: the rate limit ran out first (see `error`).
    NotAudited,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub repository: String,
    pub status: RowStatus,
    pub score: Option<u8>,
    /// One per responsibility, in the order of [`Responsibility::ALL`].
    pub responsibilities: Vec<ResponsibilityCell>,
    /// The most important gap, if any.
    pub top_gap: Option<Gap>,
    pub error: Option<String>,
    /// The exit status of the failure, for the run's own.
    #[serde(skip)]
    pub exit_code: Option<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponsibilityCell {
    pub id: Responsibility,
    pub score: Option<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub rule: String,
    pub title: String,
}

impl Row {
    pub fn audited(report: &Report) -> Row {
        Row {
            repository: report.repository.clone().unwrap_or_default(),
            status: RowStatus::Audited,
            score: report.score,
            responsibilities: report
                .responsibilities
                .iter()
                .map(|r| ResponsibilityCell { id: r.id, score: r.score })
                .collect(),
            top_gap: report.gaps().next().map(|f| Gap { rule: f.rule.clone(), title: f.title.clone() }),
            error: None,
            exit_code: None,
        }
    }

    /// A row without scores: the repository failed, or was not audited.
    pub fn unscored(repository: String, status: RowStatus, error: &Error) -> Row {
        Row {
            repository,
            status,
            score: None,
            responsibilities: Vec::new(),
            top_gap: None,
            error: Some(error.to_string()),
            exit_code: Some(error.exit_code()),
        }
    }

    fn responsibility(&self, id: Responsibility) -> Option<u8> {
        self.responsibilities.iter().find(|c| c.id == id).and_then(|c| c.score)
    }
}

impl OrgReport {
    pub fn new(owner: &str, generated_at: DateTime<Utc>, mut repositories: Vec<Row>, skipped: Skipped) -> OrgReport {
        // Worst first: a missing score (nothing counted) sorts after every measured one.
        repositories.sort_by(|a, b| {
            let key = |r: &Row| (r.status, r.score.map_or(u16::MAX, u16::from));
            key(a).cmp(&key(b)).then_with(|| a.repository.cmp(&b.repository))
        });
        OrgReport {
            schema_version: ORG_REPORT_SCHEMA_VERSION,
            tool: Tool { name: "cm-audit".into(), version: env!("CARGO_PKG_VERSION").into() },
            owner: owner.to_string(),
            generated_at,
            repositories,
            skipped,
        }
    }

    /// The run's exit status: 0 when every repository was audited, else the first failure's.
    pub fn exit_code(&self) -> Option<u8> {
        self.repositories.iter().find_map(|r| r.exit_code)
    }
}

/// Renders the organisation report; SARIF has no form for it.
pub fn render(report: &OrgReport, format: Format) -> Result<String> {
    match format {
        Format::Json => {
            Ok(format!("{}\n", serde_json::to_string_pretty(report).map_err(|e| Error::Runtime(e.to_string()))?))
        }
        Format::Text => Ok(text(report)),
        Format::Markdown => template::render(Page::Org, Markup::Markdown, &OrgView::new(report), None),
        Format::Html => template::render(Page::Org, Markup::Html, &OrgView::new(report), None),
        Format::Sarif => Err(Error::Usage("--format sarif describes one repository: not with --org or --user".into())),
    }
}

/// What the organisation templates (templates/org.*.j2) see.
#[derive(Debug, Serialize)]
struct OrgView<'a> {
    owner: &'a str,
    table: Table,
    /// How many repositories were audited and left out, in a sentence.
    summary: String,
}

impl OrgView<'_> {
    fn new(report: &OrgReport) -> OrgView<'_> {
        OrgView { owner: &report.owner, table: Table::of(report), summary: summary(report) }
    }
}

/// The table every form of the report shows, as text, one row per repository: the columns are
/// chosen here once, and the terminal, markdown and HTML forms only lay them out.
#[derive(Debug, Serialize)]
struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn of(report: &OrgReport) -> Table {
        Table { headers: headers(), rows: report.repositories.iter().map(cells).collect() }
    }
}

/// The cells of a row, as text, in the table's column order.
fn cells(row: &Row) -> Vec<String> {
    let score = |s: Option<u8>| s.map_or_else(|| "-".to_string(), |s| s.to_string());
    let mut cells = vec![row.repository.clone(), score(row.score)];
    cells.extend(Responsibility::ALL.iter().map(|r| score(row.responsibility(*r))));
    cells.push(match (&row.top_gap, &row.error) {
        (_, Some(error)) => format!("{}: {error}", status_word(row.status)),
        (Some(gap), None) => format!("{} ({})", gap.title, gap.rule),
        (None, None) => String::new(),
    });
    cells
}

fn status_word(status: RowStatus) -> &'static str {
    match status {
        RowStatus::Audited => "audited",
        RowStatus::Failed => "failed",
        RowStatus::NotAudited => "not audited",
    }
}

fn headers() -> Vec<&'static str> {
    let mut headers = vec!["repository", "score"];
    headers.extend(Responsibility::ALL.iter().map(|r| r.title()));
    headers.push("top gap");
    headers
}

fn summary(report: &OrgReport) -> String {
    let audited = report.repositories.iter().filter(|r| r.status == RowStatus::Audited).count();
    let skipped = &report.skipped;
    format!(
        "{audited} of {} repositories of {} audited; skipped: {} forks, {} archived, {} not matching",
        report.repositories.len(),
        report.owner,
        skipped.forks.len(),
        skipped.archived.len(),
        skipped.not_matching
    )
}

fn text(report: &OrgReport) -> String {
    let table = Table::of(report);
    // A top gap's title comes from that repository's config: one line, nothing a terminal acts on.
    let rows: Vec<Vec<String>> =
        table.rows.iter().map(|r| r.iter().map(|c| crate::plain_text::flatten(c)).collect()).collect();
    let heads = table.headers;
    let widths: Vec<usize> = (0..heads.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([heads[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(heads.clone());
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out.push_str(&format!("\n{}\n", summary(report)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, status: RowStatus, score: Option<u8>) -> Row {
        Row {
            repository: name.into(),
            status,
            score,
            responsibilities: Vec::new(),
            top_gap: None,
            error: (status != RowStatus::Audited).then(|| "gone".to_string()),
            exit_code: (status != RowStatus::Audited).then_some(4),
        }
    }

    #[test]
    fn worst_first_then_failed_then_not_audited() {
        let rows = vec![
            row("a/not", RowStatus::NotAudited, None),
            row("a/good", RowStatus::Audited, Some(90)),
            row("a/failed", RowStatus::Failed, None),
            row("a/unscored", RowStatus::Audited, None),
            row("a/bad", RowStatus::Audited, Some(20)),
        ];
        let report = OrgReport::new("a", Utc::now(), rows, Skipped::default());
        let order: Vec<&str> = report.repositories.iter().map(|r| r.repository.as_str()).collect();
        assert_eq!(order, ["a/bad", "a/good", "a/unscored", "a/failed", "a/not"]);
        assert_eq!(report.exit_code(), Some(4));
    }

    #[test]
    fn markdown_and_html_escape_what_repositories_name() {
        let mut bad = row("a/x", RowStatus::Audited, Some(1));
        bad.top_gap = Some(Gap { rule: "r".into(), title: "<b>|@all".into() });
        let report = OrgReport::new("a", Utc::now(), vec![bad], Skipped::default());
        let md = render(&report, Format::Markdown).unwrap();
        assert!(md.contains("`<b>\\|@all`"), "code, so neither markup nor a mention: {md}");
        assert!(render(&report, Format::Html).unwrap().contains("&lt;b&gt;|@all"));
    }
}
