//! A rule as written in `rules/*.toml` and in a user's config.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::check::Check;

/// One of the five responsibilities of a community manager that findings are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Responsibility {
    Welcoming,
    ConflictResolution,
    Leadership,
    Communication,
    Engagement,
}

impl Responsibility {
    pub const ALL: [Responsibility; 5] = [
        Responsibility::Welcoming,
        Responsibility::ConflictResolution,
        Responsibility::Leadership,
        Responsibility::Communication,
        Responsibility::Engagement,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Responsibility::Welcoming => "welcoming",
            Responsibility::ConflictResolution => "conflict-resolution",
            Responsibility::Leadership => "leadership",
            Responsibility::Communication => "communication",
            Responsibility::Engagement => "engagement",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Responsibility::Welcoming => "Welcoming",
            Responsibility::ConflictResolution => "Conflict resolution",
            Responsibility::Leadership => "Leadership",
            Responsibility::Communication => "Communication",
            Responsibility::Engagement => "Engagement",
        }
    }

    /// What the responsibility means, in one line, for reports.
    pub fn summary(self) -> &'static str {
        match self {
            Responsibility::Welcoming => "a newcomer finds what to do and feels wanted",
            Responsibility::ConflictResolution => "a code of conduct with a working reporting channel and enforcement",
            Responsibility::Leadership => "others can grow into maintainers",
            Responsibility::Communication => "users reach developers and back",
            Responsibility::Engagement => "the community gathers",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == s)
    }
}

impl fmt::Display for Responsibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// The weight a rule gets when it does not set one.
    pub fn default_weight(self) -> u32 {
        match self {
            Severity::Low => 2,
            Severity::Medium => 5,
            Severity::High => 10,
        }
    }
}

/// A rule as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub title: String,
    pub responsibility: Responsibility,
    pub severity: Severity,
    pub weight: Option<u32>,
    #[serde(default)]
    pub requires: Vec<String>,
    /// The rule only applies to repositories where this check passes (citations for research software).
    pub applies_if: Option<Check>,
    pub check: Check,
    pub rationale: String,
    pub remedy: String,
    pub docs: Option<String>,
}

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub responsibility: Responsibility,
    pub severity: Severity,
    pub weight: u32,
    pub requires: Vec<String>,
    pub applies_if: Option<Check>,
    pub check: Check,
    pub rationale: String,
    pub remedy: String,
    pub docs: String,
    /// Where the rule was defined: `rules/welcoming.toml` or the user's config file.
    pub origin: String,
}

/// Where the rules reference lives; each rule has an anchor there.
pub const DOCS_BASE: &str = "https://github.com/cm-audit/cm-audit/blob/main/docs/rules.md";

impl Rule {
    pub fn from_def(def: RuleDef, origin: &str) -> Rule {
        Rule {
            weight: def.weight.unwrap_or_else(|| def.severity.default_weight()),
            docs: def.docs.unwrap_or_else(|| format!("{DOCS_BASE}#{}", def.id)),
            id: def.id,
            title: def.title,
            responsibility: def.responsibility,
            severity: def.severity,
            requires: def.requires,
            applies_if: def.applies_if,
            check: def.check,
            rationale: def.rationale,
            remedy: def.remedy,
            origin: origin.to_string(),
        }
    }
}
