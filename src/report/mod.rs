//! The report: findings grouped by responsibility and scored, ready to render.

pub mod chart;
pub mod compare;
pub mod dynamics_view;
pub mod markdown;
pub mod monthly;
pub mod org;
pub mod sarif;
#[cfg(test)]
mod table_parity;
pub mod template;
pub mod terminal;
pub mod view;

use std::fmt::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::dynamics::Dynamics;
use crate::engine::evaluation::{Evaluation, RuleDescription};
use crate::engine::finding::{Finding, Status};
use crate::engine::rule::{Responsibility, Severity};
use crate::error::{Error, Result};
use crate::newcomers::NewcomerSummary;
use crate::snapshot::{DataKind, Snapshot, Sources};
use compare::Comparison;
use template::{Markup, Page, UserTemplate};
use view::{Limits, View};

/// Version of the JSON report's shape; bumped on any incompatible change (see docs/json-schema.md).
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub repository: Option<String>,
    pub generated_at: DateTime<Utc>,
    pub sources: Sources,
    /// Kinds of data the audit could not see, with why; the rules needing them are skipped.
    #[serde(default)]
    pub unavailable: Vec<Unavailable>,
    /// 0 to 100, weighted over every counted rule; `None` when nothing could be counted.
    pub score: Option<u8>,
    pub responsibilities: Vec<ResponsibilityScore>,
    /// Gaps first, most important first; then passes, skipped and ignored rules.
    pub findings: Vec<Finding>,
    /// Response times to newcomers and regulars, when the issues were collected (docs/newcomers.md).
    /// Written, not read back: a compared report is compared by its findings.
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub newcomers: Option<NewcomerSummary>,
    /// Community dynamics and their trends, when the issues were collected (docs/dynamics.md).
    /// Read back, so that a saved report renders its charts again and a monthly report compares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamics: Option<Dynamics>,
    /// The rules evaluated, in the rule set's order, for renderers that describe them (SARIF).
    /// Not in the JSON: a finding names its rule, and `cm-audit explain` says the rest.
    #[serde(skip)]
    pub rules: Vec<RuleDescription>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unavailable {
    pub data: DataKind,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponsibilityScore {
    pub id: Responsibility,
    pub title: String,
    pub summary: String,
    pub score: Option<u8>,
    pub passed: usize,
    pub warned: usize,
    pub failed: usize,
    pub skipped: usize,
    pub ignored: usize,
}

impl Report {
    /// The report of an evaluation of the snapshot.
    pub fn new(snap: &Snapshot, evaluation: Evaluation, generated_at: DateTime<Utc>) -> Report {
        let Evaluation { findings, rules, newcomers, dynamics } = evaluation;
        let responsibilities = Responsibility::ALL
            .into_iter()
            .map(|r| {
                let mine: Vec<&Finding> = findings.iter().filter(|f| f.responsibility == r).collect();
                let count = |s: Status| mine.iter().filter(|f| f.status == s).count();
                ResponsibilityScore {
                    id: r,
                    title: r.title().to_string(),
                    summary: r.summary().to_string(),
                    score: score(mine.iter().copied()),
                    passed: count(Status::Pass),
                    warned: count(Status::Warn),
                    failed: count(Status::Fail),
                    skipped: count(Status::Skipped),
                    ignored: count(Status::Ignored),
                }
            })
            .collect();
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: Tool { name: "cm-audit".into(), version: env!("CARGO_PKG_VERSION").into() },
            repository: snap.repository.as_ref().map(ToString::to_string),
            generated_at,
            sources: Sources {
                inherited_from: snap.inherited.as_ref().map(|i| i.from.clone()),
                ..snap.sources.clone()
            },
            unavailable: snap.unavailable.iter().map(|(k, v)| Unavailable { data: *k, reason: v.clone() }).collect(),
            score: score(findings.iter()),
            responsibilities,
            findings: order(findings),
            newcomers,
            dynamics,
            rules,
        }
    }

    /// `(score, minimum)` when the overall score fails the user's `fail-under`, the score as
    /// shown: below the minimum, or none at all. An unscored report (every rule turned off or
    /// skipped) fails, or a config that turns everything off would pass any minimum.
    pub fn below(&self, fail_under: Option<u8>) -> Option<(String, u8)> {
        match (self.score, fail_under) {
            (Some(score), Some(min)) if score < min => Some((score.to_string(), min)),
            (None, Some(min)) => Some(("none (no rule was counted)".to_string(), min)),
            _ => None,
        }
    }

    /// What the audit could see: the reader must know what it could not.
    pub fn sources_line(&self) -> String {
        let mut parts = Vec::new();
        if let Some(tree) = &self.sources.local_tree {
            let how = match self.sources.local_listing.as_deref() {
                Some("git") => "files tracked by git and untracked, not ignored",
                _ => "all files not ignored",
            };
            parts.push(format!("local checkout {tree} ({how})"));
        }
        if let Some(api) = &self.sources.api {
            parts.push(format!("GitHub API {api}"));
        }
        if let Some(from) = &self.sources.inherited_from {
            parts.push(format!("files inherited from {from}"));
        }
        let mut line =
            format!("Sources: {}", if parts.is_empty() { "a saved snapshot".to_string() } else { parts.join(" + ") });
        if !self.unavailable.is_empty() {
            let skipped = self.with_status(Status::Skipped).count();
            let what: Vec<&str> = self.unavailable.iter().map(|u| u.data.as_str()).collect();
            let _ = write!(
                line,
                ". Not seen: {}: {}; {skipped} rules skipped",
                what.join(", "),
                self.unavailable[0].reason
            );
        }
        if !self.sources.unreadable.is_empty() {
            let what: Vec<String> =
                self.sources.unreadable.iter().map(|(path, reason)| format!("{path} ({reason})")).collect();
            let _ = write!(line, ". Not seen, unreadable: {}", what.join(", "));
        }
        for note in &self.sources.notes {
            let _ = write!(line, ". {note}");
        }
        line
    }

    /// Drops the logins of who carries the project, which only `--people` keeps.
    pub fn forget_people(&mut self) {
        if let Some(Dynamics { carriers: crate::dynamics::Figure::Measured(carriers), .. }) = &mut self.dynamics {
            carriers.named = None;
        }
    }

    /// The gaps, most important first.
    pub fn gaps(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.status.is_gap())
    }

    pub fn with_status(&self, status: Status) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.status == status)
    }
}

/// The forms a report is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal: styled when it is one.
    Text,
    /// The whole report, to keep, process, or compare with later (`--compare`).
    Json,
    /// For a pull request comment or a job summary on GitHub.
    Markdown,
    /// One self-contained page.
    Html,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// How to render a report, besides its format.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub format: Format,
    /// The user's template, instead of the built-in one (markdown and HTML).
    pub template: Option<UserTemplate>,
    /// A previous report to show the changes since (text, markdown and HTML).
    pub base: Option<Report>,
}

impl RenderOptions {
    /// Options with the template and the base report read from the files named on the command
    /// line; refused before reading anything when the format does not use them.
    pub fn read(format: Format, template: Option<&Path>, compare: Option<&Path>) -> Result<RenderOptions> {
        refuse_unused(format, template.is_some(), compare.is_some())?;
        Ok(RenderOptions {
            format,
            template: template.map(UserTemplate::read).transpose()?,
            base: compare.map(compare::read_base).transpose()?,
        })
    }
}

/// Only markdown and HTML have templates; JSON and SARIF are data, with no comparison in them.
fn refuse_unused(format: Format, template: bool, base: bool) -> Result<()> {
    match format {
        Format::Text | Format::Json | Format::Sarif if template => {
            Err(Error::Usage("--template works with --format markdown or html".into()))
        }
        Format::Json | Format::Sarif if base => {
            Err(Error::Usage("--compare works with --format text, markdown or html".into()))
        }
        _ => Ok(()),
    }
}

/// Renders a report.
pub fn render(report: &Report, options: &RenderOptions) -> Result<String> {
    refuse_unused(options.format, options.template.is_some(), options.base.is_some())?;
    let comparison = options.base.as_ref().map(|base| Comparison::new(base, report));
    let template = options.template.as_ref();
    match options.format {
        Format::Text => Ok(terminal::render(report, comparison.as_ref())),
        Format::Json => {
            Ok(format!("{}\n", serde_json::to_string_pretty(report).map_err(|e| Error::Runtime(e.to_string()))?))
        }
        Format::Sarif => Ok(sarif::render(report)),
        Format::Html => template::render(
            Page::Report,
            Markup::Html,
            &View::new(report, comparison.as_ref(), Limits::NONE),
            template,
        ),
        Format::Markdown => fitting_markdown(report, comparison.as_ref(), template, markdown::COMMENT_LIMIT),
    }
}

/// The markdown report in at most `limit` bytes, for a body that holds more besides it (the
/// tracking issue's "This month").
pub fn markdown_within(report: &Report, limit: usize) -> Result<String> {
    fitting_markdown(report, None, None, limit)
}

/// Markdown that fits in `limit` bytes (a pull request comment's): lists are folded further
/// until it does, and cut as a last resort (a user's template may print more than the view folds).
fn fitting_markdown(
    report: &Report,
    comparison: Option<&Comparison>,
    template: Option<&UserTemplate>,
    limit: usize,
) -> Result<String> {
    let mut text = String::new();
    for limits in Limits::FOLDING {
        text = template::render(Page::Report, Markup::Markdown, &View::new(report, comparison, limits), template)?;
        if text.len() <= limit {
            return Ok(text);
        }
    }
    markdown::truncate(&mut text, limit);
    Ok(text)
}

/// Weighted share of credit over the counted findings, 0 to 100.
fn score<'a>(findings: impl Iterator<Item = &'a Finding>) -> Option<u8> {
    let (mut earned, mut total) = (0.0, 0.0);
    for f in findings {
        if let Some(credit) = f.status.credit() {
            earned += credit * f64::from(f.weight);
            total += f64::from(f.weight);
        }
    }
    (total > 0.0).then(|| (100.0 * earned / total).round() as u8)
}

/// Gaps by importance (severity, then weight, failures before warnings), then the rest in rule order.
fn order(findings: Vec<Finding>) -> Vec<Finding> {
    let mut indexed: Vec<(usize, Finding)> = findings.into_iter().enumerate().collect();
    indexed.sort_by_key(|(i, f)| {
        let group = match f.status {
            Status::Fail | Status::Warn => 0,
            Status::Pass => 1,
            Status::Skipped => 2,
            Status::Ignored => 3,
        };
        let importance = if f.status.is_gap() {
            (std::cmp::Reverse(f.severity), std::cmp::Reverse(f.weight), f.status != Status::Fail)
        } else {
            (std::cmp::Reverse(Severity::Low), std::cmp::Reverse(0), false)
        };
        (group, importance, *i)
    });
    indexed.into_iter().map(|(_, f)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn finding(id: &str, status: Status, severity: Severity, weight: u32) -> Finding {
        Finding {
            rule: id.into(),
            title: id.into(),
            responsibility: Responsibility::Welcoming,
            severity,
            weight,
            status,
            message: String::new(),
            evidence: vec![],
            location: None,
            remedy: String::new(),
            docs: String::new(),
        }
    }

    #[test]
    fn score_weighs_warnings_half_and_ignores_skipped() {
        let fs = [
            finding("a", Status::Pass, Severity::High, 10),
            finding("b", Status::Warn, Severity::Medium, 5),
            finding("c", Status::Fail, Severity::Medium, 5),
            finding("d", Status::Skipped, Severity::High, 10),
            finding("e", Status::Ignored, Severity::High, 10),
        ];
        // (10 + 2.5 + 0) / 20 = 62.5 → 63
        assert_eq!(score(fs.iter()), Some(63));
        assert_eq!(score(fs[3..].iter()), None);
    }

    #[test]
    fn gaps_come_first_by_severity_then_weight_then_failure() {
        let fs = vec![
            finding("pass", Status::Pass, Severity::High, 10),
            finding("low-fail", Status::Fail, Severity::Low, 2),
            finding("high-warn", Status::Warn, Severity::High, 10),
            finding("high-fail", Status::Fail, Severity::High, 10),
            finding("skipped", Status::Skipped, Severity::High, 10),
            finding("med-fail-heavy", Status::Fail, Severity::Medium, 8),
            finding("med-fail", Status::Fail, Severity::Medium, 5),
        ];
        let ids: Vec<String> = order(fs).into_iter().map(|f| f.rule).collect();
        assert_eq!(ids, ["high-fail", "high-warn", "med-fail-heavy", "med-fail", "low-fail", "pass", "skipped"]);
    }
}
