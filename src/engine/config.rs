//! The user's config: turn rules off with a reason, tune severity, weight and thresholds, add
//! documents and rules. It is validated whole before anything is applied.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use toml::Table;

use crate::newcomers::Policy;

use super::rule::{Responsibility, Rule, Severity};
use super::{RawRule, RuleError, deserialize, one_line};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    rules: BTreeMap<String, RuleOverride>,
    #[serde(default)]
    responsibilities: BTreeMap<Responsibility, Toggle>,
    /// New document kinds, or changes to the shipped ones (more `paths`, another `min_words`).
    #[serde(default)]
    documents: BTreeMap<String, Table>,
    /// Rules added by the project, in the same format as `rules/`.
    #[serde(default)]
    rule: Vec<Table>,
    #[serde(default)]
    newcomers: NewcomerSettings,
}

/// Who the newcomer figures treat as maintainers and bots, and the response target.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewcomerSettings {
    /// Logins that are maintainers whatever GitHub says (private organisation membership hides it).
    #[serde(default)]
    pub maintainers: Vec<String>,
    /// Patterns for bot logins GitHub does not mark as bots, matched against the whole login.
    #[serde(default)]
    pub bots: Vec<String>,
    /// A first response within this many hours is on time (default 48).
    pub target_hours: Option<u32>,
}

impl NewcomerSettings {
    /// The policy for an audit taken at `now`, measuring items created since `window_start`.
    pub fn policy(&self, now: DateTime<Utc>, window_start: Option<DateTime<Utc>>) -> Result<Policy, String> {
        let mut policy = Policy::new(now).with_maintainers(&self.maintainers).with_bot_patterns(&self.bots)?;
        if let Some(start) = window_start {
            policy.window = now - start;
        }
        if let Some(hours) = self.target_hours {
            policy.target = TimeDelta::hours(i64::from(hours));
        }
        Ok(policy)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleOverride {
    enabled: Option<bool>,
    reason: Option<String>,
    severity: Option<Severity>,
    weight: Option<u32>,
    /// Check parameters to replace (thresholds, patterns).
    check: Option<Table>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Toggle {
    enabled: bool,
    reason: Option<String>,
}

/// A parsed config, ready to apply to raw rules.
#[derive(Debug)]
pub(super) struct Overrides {
    pub origin: String,
    rules: BTreeMap<String, RuleOverride>,
    responsibilities: BTreeMap<Responsibility, Toggle>,
    pub newcomers: NewcomerSettings,
}

/// Parses a config, merging its documents and added rules into the raw sets.
pub(super) fn parse(
    origin: &str,
    text: &str,
    documents: &mut BTreeMap<String, Table>,
    raw_rules: &mut Vec<RawRule>,
) -> Result<Overrides, RuleError> {
    let table: Table =
        text.parse().map_err(|e: toml::de::Error| RuleError(format!("{origin}: {}", one_line(&e.to_string()))))?;
    let file: ConfigFile =
        deserialize(table).map_err(|(path, e)| RuleError(format!("{origin}: field `{path}`: {e}")))?;
    for (id, changes) in file.documents {
        documents.entry(id).or_default().extend(changes);
    }
    raw_rules.extend(file.rule.into_iter().map(|table| RawRule { table, origin: origin.to_string() }));
    // Bot patterns are checked now, so that a bad one is refused with the rest of the config.
    file.newcomers
        .policy(DateTime::<Utc>::UNIX_EPOCH, None)
        .map_err(|e| RuleError(format!("{origin}: field `newcomers.bots`: {e}")))?;
    Ok(Overrides {
        origin: origin.to_string(),
        rules: file.rules,
        responsibilities: file.responsibilities,
        newcomers: file.newcomers,
    })
}

impl Overrides {
    pub fn check_ids(&self, known: &BTreeSet<String>) -> Result<(), RuleError> {
        match self.rules.keys().find(|id| !known.contains(*id)) {
            Some(id) => Err(RuleError(format!(
                "{}: rules.{id}: unknown rule `{id}` (`cm-audit rules` lists them)",
                self.origin
            ))),
            None => Ok(()),
        }
    }

    /// Applies the config's changes to a rule's TOML; true when anything changed.
    pub fn apply(&self, id: &str, table: &mut Table) -> bool {
        let Some(o) = self.rules.get(id) else { return false };
        if let Some(sev) = o.severity {
            table.insert("severity".into(), toml::Value::String(sev.id().into()));
        }
        if let Some(w) = o.weight {
            table.insert("weight".into(), toml::Value::Integer(w.into()));
        }
        if let Some(changes) = &o.check {
            if let Some(toml::Value::Table(check)) = table.get_mut("check") {
                check.extend(changes.clone());
            }
        }
        true
    }

    /// Rules turned off, by id or by responsibility, with the reason the config gives.
    pub fn ignored(&self, rules: &[Rule]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for rule in rules {
            let by_rule = self.rules.get(&rule.id).filter(|o| o.enabled == Some(false)).map(|o| o.reason.clone());
            let by_resp =
                self.responsibilities.get(&rule.responsibility).filter(|t| !t.enabled).map(|t| t.reason.clone());
            if let Some(reason) = by_rule.or(by_resp) {
                out.insert(rule.id.clone(), reason.unwrap_or_else(|| format!("turned off in {}", self.origin)));
            }
        }
        out
    }
}
