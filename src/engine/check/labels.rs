//! `labels`: the repository has a label of a kind (needs the GitHub API).

use super::Ctx;
use super::Kind;
use crate::engine::finding::{Outcome, Status};
use crate::engine::needs::DataNeeds;
use crate::engine::pattern::Pattern;
use crate::snapshot::DataKind;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelsCheck {
    /// Label names, as patterns matched against the whole name (`-` and `_` read as spaces).
    pub any: Vec<Pattern>,
    /// The project's own names for the same thing (`E-easy`), matched exactly, ignoring case.
    #[serde(default)]
    pub also: Vec<String>,
}

impl Kind for LabelsCheck {
    fn describe(&self) -> String {
        let names = self.any.iter().map(|p| format!("/{}/", p.as_str())).chain(self.also.iter().cloned());
        format!("a label named like {}", names.collect::<Vec<_>>().join(", "))
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Labels);
        needs.want_labels(self.clone());
    }
}

pub fn check(c: &LabelsCheck, ctx: &Ctx<'_>) -> Outcome {
    let Some(labels) = &ctx.snap.labels else {
        return Outcome::new(Status::Skipped, ctx.snap.missing_reason(DataKind::Labels));
    };
    let matching: Vec<&str> = labels.iter().map(|l| l.name.as_str()).filter(|name| label_matches(c, name)).collect();
    if matching.is_empty() {
        Outcome::new(Status::Fail, format!("none of the {} labels is one of these", labels.len()))
    } else {
        Outcome::new(Status::Pass, format!("labels: {}", matching.join(", ")))
    }
}

/// Whether a label name is one the check looks for; `-` and `_` read as spaces.
pub fn label_matches(c: &LabelsCheck, name: &str) -> bool {
    name_matches(&c.any, &c.also, name)
}

/// Whether a label name matches one of the patterns (whole name) or is one of the exact names.
pub fn name_matches(patterns: &[Pattern], exact: &[String], name: &str) -> bool {
    let spaced = name.replace(['-', '_'], " ");
    exact.iter().any(|a| a.eq_ignore_ascii_case(name))
        || patterns.iter().any(|p| p.is_full_match(name) || p.is_full_match(&spaced))
}
