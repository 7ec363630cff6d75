//! What changed between a previous report (`--compare base.json`) and this one: the rules fixed
//! and broken, and the change in each score. The Action shows it on a pull request.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{REPORT_SCHEMA_VERSION, Report};
use crate::engine::finding::Status;
use crate::engine::rule::Responsibility;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The base report's repository, when it differs from this report's (a likely mistake).
    pub other_repository: Option<String>,
    /// Shown to the minute (`2026-10-01 09:30 UTC`): a reader places a report by its day and hour.
    #[serde(serialize_with = "to_the_minute")]
    pub base_generated_at: chrono::DateTime<chrono::Utc>,
    pub score: ScoreChange,
    pub responsibilities: Vec<ResponsibilityChange>,
    /// Rules whose result got better (a gap passes now, or a failure only warns).
    pub fixed: Vec<RuleChange>,
    /// Rules whose result got worse, or that fail now and were skipped or ignored before.
    pub broken: Vec<RuleChange>,
    /// Rules counted in only one of the two reports (new rules, or skipped in one of them).
    pub not_comparable: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScoreChange {
    pub before: Option<u8>,
    pub after: Option<u8>,
    /// `after - before`, when both were scored.
    pub change: Option<i16>,
}

impl ScoreChange {
    fn new(before: Option<u8>, after: Option<u8>) -> Self {
        ScoreChange { before, after, change: before.zip(after).map(|(b, a)| i16::from(a) - i16::from(b)) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponsibilityChange {
    pub id: Responsibility,
    pub title: String,
    #[serde(flatten)]
    pub score: ScoreChange,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleChange {
    pub rule: String,
    pub title: String,
    pub before: Status,
    pub after: Status,
    /// The current finding's message: what is there now.
    pub message: String,
}

fn to_the_minute<S: serde::Serializer>(at: &chrono::DateTime<chrono::Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&at.format("%Y-%m-%d %H:%M UTC"))
}

/// How good a counted result is; skipped and ignored results are not comparable.
fn rank(status: Status) -> Option<u8> {
    match status {
        Status::Fail => Some(0),
        Status::Warn => Some(1),
        Status::Pass => Some(2),
        Status::Skipped | Status::Ignored => None,
    }
}

impl Comparison {
    pub fn new(base: &Report, report: &Report) -> Comparison {
        let before: BTreeMap<&str, Status> = base.findings.iter().map(|f| (f.rule.as_str(), f.status)).collect();
        let (mut fixed, mut broken, mut not_comparable) = (Vec::new(), Vec::new(), 0);
        for f in &report.findings {
            let was = before.get(f.rule.as_str()).copied();
            let change = || RuleChange {
                rule: f.rule.clone(),
                title: f.title.clone(),
                before: was.unwrap_or(f.status),
                after: f.status,
                message: f.message.clone(),
            };
            match (was.and_then(rank), rank(f.status)) {
                (Some(b), Some(a)) if a > b => fixed.push(change()),
                (Some(b), Some(a)) if a < b => broken.push(change()),
                (Some(_), Some(_)) | (None, None) => {}
                // Not judged before (skipped, ignored) and failing now: something got worse.
                (None, Some(_)) if was.is_some() && f.status == Status::Fail => broken.push(change()),
                _ => not_comparable += 1,
            }
        }
        let base_scores: BTreeMap<Responsibility, Option<u8>> =
            base.responsibilities.iter().map(|r| (r.id, r.score)).collect();
        Comparison {
            other_repository: (base.repository != report.repository)
                .then(|| base.repository.clone().unwrap_or_else(|| "an unnamed repository".into())),
            base_generated_at: base.generated_at,
            score: ScoreChange::new(base.score, report.score),
            responsibilities: report
                .responsibilities
                .iter()
                .map(|r| ResponsibilityChange {
                    id: r.id,
                    title: r.title.clone(),
                    score: ScoreChange::new(base_scores.get(&r.id).copied().flatten(), r.score),
                })
                .collect(),
            fixed,
            broken,
            not_comparable,
        }
    }
}

/// Reads a report saved with `--format json`, to compare with.
pub fn read_base(path: &Path) -> Result<Report> {
    read_saved(path, "the report to compare with")
}

/// Reads a report saved with `--format json`; `what` names it in errors.
pub fn read_saved(path: &Path, what: &str) -> Result<Report> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Runtime(format!("cannot read {what}, {}: {e}", path.display())))?;
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("schema_version").and_then(serde_json::Value::as_u64));
    if version.is_some_and(|v| v != u64::from(REPORT_SCHEMA_VERSION)) {
        return Err(Error::Usage(format!(
            "{} is a report of schema version {}, this cm-audit reads version {REPORT_SCHEMA_VERSION}",
            path.display(),
            version.unwrap_or_default()
        )));
    }
    serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{} is not a cm-audit JSON report (`--format json`): {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::evaluation::Evaluation;
    use crate::engine::finding::Finding;
    use crate::engine::rule::Severity;
    use crate::snapshot::Snapshot;

    fn report(results: &[(&str, Status)]) -> Report {
        let findings = results
            .iter()
            .map(|(rule, status)| Finding {
                rule: rule.to_string(),
                title: rule.to_string(),
                responsibility: Responsibility::Welcoming,
                severity: Severity::Medium,
                weight: 5,
                status: *status,
                message: format!("{rule} is {}", status.id()),
                evidence: vec![],
                location: None,
                remedy: String::new(),
                docs: String::new(),
            })
            .collect();
        let snap = Snapshot::new(Some(crate::repo_ref::RepoRef::new("o", "r")), chrono::DateTime::UNIX_EPOCH);
        Report::new(&snap, Evaluation { findings, ..Evaluation::default() }, chrono::DateTime::UNIX_EPOCH)
    }

    #[test]
    fn rules_that_got_better_are_fixed_and_worse_are_broken() {
        let base = report(&[
            ("a", Status::Fail),
            ("b", Status::Pass),
            ("c", Status::Fail),
            ("d", Status::Warn),
            ("e", Status::Skipped),
        ]);
        let now = report(&[
            ("a", Status::Pass),
            ("b", Status::Warn),
            ("c", Status::Warn),
            ("d", Status::Warn),
            ("e", Status::Fail),
            ("new", Status::Pass),
        ]);
        let c = Comparison::new(&base, &now);
        let ids = |v: &[RuleChange]| v.iter().map(|r| r.rule.clone()).collect::<Vec<_>>();
        // In the current report's order: gaps (most important first), then passes.
        assert_eq!(ids(&c.fixed), ["c", "a"]);
        // `e` could not be judged before and fails now: broken, like `b` that passed.
        assert_eq!(ids(&c.broken), ["e", "b"]);
        assert_eq!((c.broken[0].before, c.broken[0].after), (Status::Skipped, Status::Fail));
        assert_eq!((c.broken[1].before, c.broken[1].after), (Status::Pass, Status::Warn));
        assert_eq!(c.not_comparable, 1);
        assert_eq!(c.other_repository, None);
    }

    #[test]
    fn score_changes_are_signed_and_absent_when_either_side_is_unscored() {
        let base = report(&[("a", Status::Fail), ("b", Status::Pass)]);
        let now = report(&[("a", Status::Pass), ("b", Status::Pass)]);
        let c = Comparison::new(&base, &now);
        assert_eq!(c.score, ScoreChange { before: Some(50), after: Some(100), change: Some(50) });
        assert_eq!(c.responsibilities[0].score.change, Some(50));
        assert_eq!(c.responsibilities[1].score, ScoreChange { before: None, after: None, change: None });
        assert_eq!(Comparison::new(&now, &base).score.change, Some(-50));
    }
}
