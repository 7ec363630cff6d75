//! The report: findings grouped by responsibility and scored, ready to render.

pub mod terminal;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::finding::{Finding, Status};
use crate::engine::rule::{Responsibility, Severity};
use crate::snapshot::{DataKind, Snapshot, Sources};

/// Version of the JSON report's shape; bumped on any incompatible change (see docs/report.md).
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
    pub fn new(snap: &Snapshot, findings: Vec<Finding>, generated_at: DateTime<Utc>) -> Report {
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
            repository: snap.repository.clone(),
            generated_at,
            sources: snap.sources.clone(),
            unavailable: snap.unavailable.iter().map(|(k, v)| Unavailable { data: *k, reason: v.clone() }).collect(),
            score: score(findings.iter()),
            responsibilities,
            findings: order(findings),
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

    fn finding(id: &str, status: Status, severity: Severity, weight: u32) -> Finding {
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
