//! What evaluating a rule set on a snapshot yields, everything the report is built from.

use super::finding::Finding;
use super::rule::{Responsibility, Rule, Severity};
use crate::dynamics::Dynamics;
use crate::newcomers::NewcomerSummary;

/// Every rule's finding, the rules described, and the figures measured on the snapshot.
///
/// A figure that rules judge and the report shows is measured once, before the rules, and handed
/// to them through the check context; it travels here to the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// One per rule, in the rule set's order.
    pub findings: Vec<Finding>,
    /// The rules evaluated, in the rule set's order.
    pub rules: Vec<RuleDescription>,
    /// Response times to newcomers and regulars, when the snapshot has the window's issues.
    pub newcomers: Option<NewcomerSummary>,
    /// Who carries the project, retention, silent closes, questions, releases, and their trends,
    /// when the snapshot has the window's issues (docs/dynamics.md).
    pub dynamics: Option<Dynamics>,
}

/// A rule as a report describes it beside its findings (SARIF lists every rule this way).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDescription {
    pub id: String,
    pub title: String,
    pub responsibility: Responsibility,
    pub severity: Severity,
    /// Why a community manager cares, as written in the rule (hard-wrapped paragraphs).
    pub rationale: String,
    /// As written in the rule: `OWNER/REPO` is not filled in, unlike in a finding.
    pub remedy: String,
    /// The rule's documentation page.
    pub docs: String,
}

impl RuleDescription {
    pub fn of(rule: &Rule) -> RuleDescription {
        RuleDescription {
            id: rule.id.clone(),
            title: rule.title.clone(),
            responsibility: rule.responsibility,
            severity: rule.severity,
            rationale: rule.rationale.clone(),
            remedy: rule.remedy.clone(),
            docs: rule.docs.clone(),
        }
    }
}
