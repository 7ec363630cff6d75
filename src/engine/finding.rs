//! A rule's result on a snapshot.

use serde::{Deserialize, Serialize};

use super::rule::{Responsibility, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    /// Not evaluated: the data it needs is missing, a rule it requires did not pass, or it does
    /// not apply. Never counted in scores.
    Skipped,
    /// Turned off by the user's config, with their reason. Never counted in scores.
    Ignored,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
            Status::Ignored => "ignored",
        }
    }

    /// The share of a rule's weight this status earns; `None` when it is not counted.
    pub fn credit(self) -> Option<f64> {
        match self {
            Status::Pass => Some(1.0),
            Status::Warn => Some(0.5),
            Status::Fail => Some(0.0),
            Status::Skipped | Status::Ignored => None,
        }
    }

    pub fn is_gap(self) -> bool {
        matches!(self, Status::Warn | Status::Fail)
    }
}

/// What a finding rests on: a place in a file and what was seen there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub text: String,
}

impl Evidence {
    pub fn note(text: impl Into<String>) -> Self {
        Evidence { path: None, line: None, text: text.into() }
    }

    pub fn at(path: &str, line: Option<usize>, text: impl Into<String>) -> Self {
        Evidence { path: Some(path.to_string()), line, text: text.into() }
    }
}

/// The result of one check, before it is dressed as a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Status,
    /// One line saying what was found or missed.
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// The file the finding is about, when there is one.
    pub location: Option<String>,
}

impl Outcome {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Outcome { status, message: message.into(), evidence: Vec::new(), location: None }
    }

    pub fn at(mut self, location: &str) -> Self {
        self.location = Some(location.to_string());
        self
    }

    pub fn with(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub title: String,
    pub responsibility: Responsibility,
    pub severity: Severity,
    pub weight: u32,
    pub status: Status,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub remedy: String,
    pub docs: String,
}
