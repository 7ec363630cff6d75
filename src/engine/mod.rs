//! The rule engine: rules and documents loaded from `rules/` (embedded) and the user's config,
//! evaluated on a snapshot with no I/O.

pub mod check;
pub mod config;
pub mod evaluation;
pub mod finding;
pub mod needs;
pub mod pattern;
pub mod rule;

use std::collections::{BTreeMap, BTreeSet};

use toml::Table;

use crate::documents::kind::{DocumentKind, DocumentSpec};
use crate::snapshot::Snapshot;
use check::Ctx;
use evaluation::{Evaluation, RuleDescription};
use finding::{Finding, Outcome, Status};
use rule::{Rule, RuleDef};

/// The document kind that holds the GitHub Actions workflows.
pub const WORKFLOWS: &str = "workflows";

/// The rule files shipped in the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("rules/documents.toml", include_str!("../../rules/documents.toml")),
    ("rules/welcoming.toml", include_str!("../../rules/welcoming.toml")),
    ("rules/conflict-resolution.toml", include_str!("../../rules/conflict-resolution.toml")),
    ("rules/leadership.toml", include_str!("../../rules/leadership.toml")),
    ("rules/communication.toml", include_str!("../../rules/communication.toml")),
    ("rules/engagement.toml", include_str!("../../rules/engagement.toml")),
];

/// How a rule whose `applies_if` did not pass says so, before the reason.
pub const NOT_APPLICABLE: &str = "not applicable";

/// Where a config file is looked for in the audited tree, in order.
pub const CONFIG_PATHS: &[&str] = &[".github/cm-audit.toml", "cm-audit.toml"];

/// A rule or config file that cannot be used; the message names the file, the rule and the field.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct RuleError(pub String);

/// The rules and document kinds an audit evaluates.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub documents: BTreeMap<String, DocumentKind>,
    pub rules: Vec<Rule>,
    /// Rules turned off by the config, with the reason it gives.
    pub ignored: BTreeMap<String, String>,
    pub newcomers: config::NewcomerSettings,
}

/// A rule as raw TOML with the file it came from, before the config is applied.
struct RawRule {
    table: Table,
    origin: String,
}

impl RuleSet {
    /// The shipped rules, without any config.
    pub fn builtin() -> RuleSet {
        // Loaded once: their patterns take megabytes compiled, and an organisation's audit needs
        // them once per repository; a clone shares the compiled patterns.
        static BUILTIN_RULES: std::sync::LazyLock<RuleSet> =
            std::sync::LazyLock::new(|| RuleSet::load(None).expect("the shipped rules are valid (tested)"));
        BUILTIN_RULES.clone()
    }

    /// The shipped rules with a config applied: `(file name, its text)`.
    pub fn load(config: Option<(&str, &str)>) -> Result<RuleSet, RuleError> {
        let mut documents: BTreeMap<String, Table> = BTreeMap::new();
        let mut raw_rules: Vec<RawRule> = Vec::new();
        for (origin, text) in BUILTIN {
            collect_file(origin, text, &mut documents, &mut raw_rules)?;
        }
        let overrides = match config {
            Some((origin, text)) => Some(config::parse(origin, text, &mut documents, &mut raw_rules)?),
            None => None,
        };

        let mut kinds = BTreeMap::new();
        for (id, table) in documents {
            let spec: DocumentSpec =
                deserialize(table).map_err(|(path, e)| RuleError(format!("document `{id}`: field `{path}`: {e}")))?;
            let kind = DocumentKind::new(&id, spec).map_err(|e| RuleError(format!("document `{id}`: {e}")))?;
            kinds.insert(id, kind);
        }

        let known: BTreeSet<String> =
            raw_rules.iter().filter_map(|r| r.table.get("id").and_then(|v| v.as_str()).map(String::from)).collect();
        if let Some(o) = &overrides {
            o.check_ids(&known)?;
        }

        let mut rules = Vec::new();
        let mut seen = BTreeSet::new();
        for mut raw in raw_rules {
            let id = raw
                .table
                .get("id")
                .and_then(|v| v.as_str())
                .map(String::from)
                .ok_or_else(|| RuleError(format!("{}: a rule has no `id`", raw.origin)))?;
            if !seen.insert(id.clone()) {
                return Err(RuleError(format!("{}: rule `{id}`: the id is used twice", raw.origin)));
            }
            let mut origin = raw.origin.clone();
            if let Some(o) = &overrides {
                if o.apply(&id, &mut raw.table) {
                    origin = o.origin.clone();
                }
            }
            let def: RuleDef = deserialize(raw.table)
                .map_err(|(path, e)| RuleError(format!("{origin}: rule `{id}`: field `{path}`: {e}")))?;
            rules.push(Rule::from_def(def, &raw.origin));
        }

        let set = RuleSet {
            documents: kinds,
            ignored: overrides.as_ref().map(|o| o.ignored(&rules)).unwrap_or_default(),
            newcomers: overrides.map(|o| o.newcomers).unwrap_or_default(),
            rules,
        };
        set.validate()?;
        Ok(set)
    }

    fn validate(&self) -> Result<(), RuleError> {
        let ids: BTreeSet<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        for rule in &self.rules {
            for doc in rule.check.documents().into_iter().chain(rule.applies_if.iter().flat_map(|c| c.documents())) {
                if !self.documents.contains_key(doc) {
                    return Err(RuleError(format!(
                        "{}: rule `{}`: field `check`: unknown document `{doc}`",
                        rule.origin, rule.id
                    )));
                }
            }
            for req in &rule.requires {
                if !ids.contains(req.as_str()) {
                    return Err(RuleError(format!(
                        "{}: rule `{}`: field `requires`: unknown rule `{req}`",
                        rule.origin, rule.id
                    )));
                }
            }
        }
        // Requirements must not loop.
        for rule in &self.rules {
            let mut stack = vec![rule.id.as_str()];
            let mut visited = BTreeSet::new();
            while let Some(id) = stack.pop() {
                for req in &self.rule(id).map(|r| r.requires.clone()).unwrap_or_default() {
                    if req == &rule.id {
                        return Err(RuleError(format!(
                            "{}: rule `{}`: field `requires`: requirements form a loop",
                            rule.origin, rule.id
                        )));
                    }
                    if visited.insert(req.clone()) {
                        stack.push(self.rule(req).map(|r| r.id.as_str()).unwrap_or(""));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// What collection must gather for these rules.
    pub fn needs(&self) -> needs::DataNeeds {
        needs::DataNeeds::new(&self.documents, &self.rules)
    }

    /// Evaluates every rule, in order, each once, on the figures measured once beforehand, with
    /// the dynamics measured over the audit's window.
    pub fn evaluate(&self, snap: &Snapshot) -> Evaluation {
        self.evaluate_with(snap, &crate::dynamics::Settings::default())
    }

    /// Evaluates every rule, with the dynamics measured as `dynamics` says.
    pub fn evaluate_with(&self, snap: &Snapshot, dynamics: &crate::dynamics::Settings) -> Evaluation {
        let policy = self.newcomer_policy(snap);
        let newcomers = snap.activity.as_ref().map(|activity| crate::newcomers::assess(activity, &policy));
        let measured = newcomers.as_ref().and_then(|a| crate::dynamics::measure(snap, &policy, a, dynamics));
        let ctx = Ctx::new(snap, &self.documents, newcomers.as_ref(), measured.as_ref());
        let mut done: BTreeMap<String, Finding> = BTreeMap::new();
        for rule in &self.rules {
            self.evaluate_rule(rule, &ctx, &mut done);
        }
        Evaluation {
            findings: self.rules.iter().map(|r| done.remove(&r.id).expect("every rule evaluated")).collect(),
            rules: self.rules.iter().map(RuleDescription::of).collect(),
            newcomers: newcomers.as_ref().map(crate::newcomers::NewcomerSummary::of),
            dynamics: measured,
        }
    }

    /// The newcomer policy for a snapshot: its audit time and window, the config's people.
    pub fn newcomer_policy(&self, snap: &Snapshot) -> crate::newcomers::Policy {
        let window_start = snap.activity.as_ref().map(|a| a.window_start);
        self.newcomers.policy(snap.collected_at, window_start).expect("bot patterns validated when loaded")
    }

    fn evaluate_rule(&self, rule: &Rule, ctx: &Ctx<'_>, done: &mut BTreeMap<String, Finding>) -> Status {
        if let Some(f) = done.get(&rule.id) {
            return f.status;
        }
        let outcome = if let Some(reason) = self.ignored.get(&rule.id) {
            Outcome::new(Status::Ignored, format!("ignored: {reason}"))
        } else {
            let unmet: Vec<String> = rule
                .requires
                .iter()
                .filter(|req| {
                    let r = self.rule(req).expect("validated");
                    self.evaluate_rule(r, ctx, done) != Status::Pass
                })
                .cloned()
                .collect();
            if !unmet.is_empty() {
                Outcome::new(Status::Skipped, self.unmet_requirements(&unmet))
            } else {
                match rule.applies_if.as_ref().map(|c| check::evaluate(c, ctx)) {
                    Some(a) if a.status != Status::Pass => {
                        Outcome::new(Status::Skipped, format!("{NOT_APPLICABLE}: {}", a.message))
                    }
                    _ => check::evaluate(&rule.check, ctx),
                }
            }
        };
        let status = outcome.status;
        done.insert(rule.id.clone(), finding(rule, as_lent(outcome, ctx.snap), ctx.snap.repository.as_deref()));
        status
    }

    /// Why a rule was not judged: its requirements disabled in the config, or that did not pass.
    fn unmet_requirements(&self, unmet: &[String]) -> String {
        let (disabled, failed): (Vec<&str>, Vec<&str>) =
            unmet.iter().map(String::as_str).partition(|id| self.ignored.contains_key(*id));
        let mut reasons = Vec::new();
        if !disabled.is_empty() {
            let which = if disabled.len() == 1 { "which is" } else { "which are" };
            reasons.push(format!("requires {}, {which} disabled in the config", disabled.join(", ")));
        }
        if !failed.is_empty() {
            reasons.push(format!("requires {}, which did not pass", failed.join(", ")));
        }
        reasons.join("; ")
    }
}

/// A rule's finding. A remedy's `OWNER/REPO` names the repository when it is known.
fn finding(rule: &Rule, o: Outcome, repository: Option<&str>) -> Finding {
    Finding {
        rule: rule.id.clone(),
        title: rule.title.clone(),
        responsibility: rule.responsibility,
        severity: rule.severity,
        weight: rule.weight,
        status: o.status,
        message: o.message,
        evidence: o.evidence,
        location: o.location,
        remedy: repository.map_or_else(|| rule.remedy.clone(), |repo| rule.remedy.replace("OWNER/REPO", repo)),
        docs: rule.docs.clone(),
    }
}

/// An outcome about a file the owner's `.github` repository lends (GitHub shows it here) names that
/// repository: the path is not this repository's, and a SARIF alert or a link to it would point at
/// a file that is not here.
fn as_lent(mut o: Outcome, snap: &Snapshot) -> Outcome {
    let Some(inherited) = &snap.inherited else { return o };
    let holds = |paths: &[String], path: &str| {
        let folder = format!("{path}/");
        paths.iter().any(|p| p == path || p.starts_with(&folder))
    };
    let lent = |path: &String| !holds(&snap.tree.paths, path) && holds(&inherited.tree.paths, path);
    if let Some(path) = o.location.take_if(|p| lent(p))
        && !o.message.contains(&inherited.from)
    {
        o.message = format!("{} ({path} is {}'s)", o.message, inherited.from);
    }
    for e in &mut o.evidence {
        if let Some(path) = e.path.take_if(|p| lent(p)) {
            let place = e.line.take().map_or(path.clone(), |line| format!("{path}:{line}"));
            e.text = format!("{}: {place}: {}", inherited.from, e.text);
        }
    }
    o
}

/// Reads a rules file: `[document.ID]` tables and `[[rule]]` entries.
fn collect_file(
    origin: &str,
    text: &str,
    documents: &mut BTreeMap<String, Table>,
    rules: &mut Vec<RawRule>,
) -> Result<(), RuleError> {
    let table: Table =
        text.parse().map_err(|e: toml::de::Error| RuleError(format!("{origin}: {}", one_line(&e.to_string()))))?;
    for (key, value) in table {
        match (key.as_str(), value) {
            ("document", toml::Value::Table(docs)) => {
                for (id, spec) in docs {
                    let toml::Value::Table(spec) = spec else {
                        return Err(RuleError(format!("{origin}: document `{id}` must be a table")));
                    };
                    documents.insert(id, spec);
                }
            }
            ("rule", toml::Value::Array(items)) => {
                for item in items {
                    let toml::Value::Table(t) = item else {
                        return Err(RuleError(format!("{origin}: each `[[rule]]` must be a table")));
                    };
                    rules.push(RawRule { table: t, origin: origin.to_string() });
                }
            }
            (other, _) => {
                return Err(RuleError(format!("{origin}: unknown key `{other}` (expected `document` or `rule`)")));
            }
        }
    }
    Ok(())
}

/// Deserialises a TOML table, reporting the path of the field that failed.
fn deserialize<T: serde::de::DeserializeOwned>(table: Table) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let path = e.path().to_string();
        (if path == "." { "(top)".to_string() } else { path }, one_line(&e.into_inner().to_string()))
    })
}

/// TOML errors span several lines (a snippet with a caret); reports want one.
pub fn one_line(msg: &str) -> String {
    // toml repeats the field's path on a last line `in `...``; the caller names the field already.
    msg.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.starts_with('^') && !l.starts_with("in `"))
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests;
