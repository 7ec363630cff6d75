//! One small function per check kind; each reads the snapshot and nothing else.

mod content;
mod dynamics;
mod file;
mod labels;
mod links;
mod newcomers;
mod setting;
mod workflow;

pub use labels::{LabelsCheck, label_matches};

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::finding::{Outcome, Status};
use super::needs::DataNeeds;
use crate::documents::kind::DocumentKind;
use crate::documents::leads::Site;
use crate::documents::locate::{self, Located};
use crate::dynamics::Dynamics;
use crate::newcomers::Assessment;
use crate::snapshot::{DataKind, Snapshot};

/// What every check kind says about itself; its judgement is the function the registry names.
trait Kind {
    /// Document ids the check reads, to validate references and to know what to collect.
    fn documents(&self) -> Vec<&str> {
        Vec::new()
    }

    /// A few words on what the check looks for, for `cm-audit explain`.
    fn describe(&self) -> String;

    /// Adds what the check judges that only an API gathers (settings, labels, issues).
    fn add_needs(&self, _needs: &mut DataNeeds) {}
}

/// The registry: each check kind once, with its name in rules, its parameters and its judgement.
/// The `Check` enum, the names offered in errors, parsing and dispatch all come from this list.
macro_rules! check_kinds {
    ($($(#[$doc:meta])* $variant:ident($params:ty) = $name:literal => $judge:path;)*) => {
        /// The engine's vocabulary: what a rule can look for.
        #[derive(Debug, Clone)]
        pub enum Check {
            $($(#[$doc])* $variant($params),)*
        }

        /// Check kinds by their `kind` name, as rules write them.
        pub const KINDS: &[&str] = &[$($name),*];

        impl Check {
            /// The check of kind `kind` with the parameters in `table`; the error names the field.
            fn parse(kind: &str, table: toml::Table) -> Result<Check, String> {
                match kind {
                    $($name => params(table).map(Check::$variant),)*
                    other => Err(format!("unknown check kind `{other}`, expected one of {}", KINDS.join(", "))),
                }
            }

            /// Document ids the check reads, to validate references and to know what to collect.
            pub fn documents(&self) -> Vec<&str> {
                match self {
                    $(Check::$variant(c) => c.documents(),)*
                }
            }

            /// A few words on what the check looks for, for `cm-audit explain`.
            pub fn describe(&self) -> String {
                match self {
                    $(Check::$variant(c) => c.describe(),)*
                }
            }

            /// Adds what the check judges that only an API gathers (settings, labels, issues).
            pub fn add_needs(&self, needs: &mut DataNeeds) {
                match self {
                    $(Check::$variant(c) => c.add_needs(needs),)*
                }
            }
        }

        pub fn evaluate(check: &Check, ctx: &Ctx<'_>) -> Outcome {
            match check {
                $(Check::$variant(c) => $judge(c, ctx),)*
            }
        }
    };
}

check_kinds! {
    /// A document is present, not hollow.
    File(file::FileCheck) = "file" => file::check;
    /// A document says something (a pattern matches in its prose, optionally in a section).
    Content(content::ContentCheck) = "content" => content::check;
    /// One document links to another that exists.
    LinksTo(links::LinksToCheck) = "links-to" => links::check;
    /// A GitHub Actions workflow uses an action.
    WorkflowUses(workflow::WorkflowUsesCheck) = "workflow-uses" => workflow::check;
    /// Any of several checks passes.
    Any(AnyCheck) = "any" => any;
    /// A repository setting (needs the API).
    RepoSetting(setting::RepoSettingCheck) = "repo-setting" => setting::check;
    /// A label exists (needs the API).
    Labels(labels::LabelsCheck) = "labels" => labels::check;
    /// Newcomers' issues and pull requests get a first response within the target (needs the API).
    NewcomerResponse(newcomers::NewcomerResponseCheck) = "newcomer-response" => newcomers::response;
    /// No newcomer item has waited too long unanswered (needs the API).
    WaitingNewcomers(newcomers::WaitingNewcomersCheck) = "waiting-newcomers" => newcomers::waiting;
    /// Newcomers are not answered markedly slower than regulars (needs the API).
    NewcomersVsRegulars(newcomers::NewcomersVsRegularsCheck) = "newcomers-vs-regulars" => newcomers::versus_regulars;
    /// Enough open good first issues, free to take and not forgotten (needs the API).
    GoodFirstIssues(newcomers::GoodFirstIssuesCheck) = "good-first-issues" => newcomers::good_first_issues;
    /// Few people do half the reviews, merges and first responses (needs the API).
    AbsenceFactor(dynamics::AbsenceFactorCheck) = "absence-factor" => dynamics::absence_factor;
    /// The previous window's newcomers come back (needs the API).
    NewcomerRetention(dynamics::NewcomerRetentionCheck) = "newcomer-retention" => dynamics::newcomer_retention;
    /// Newcomers' pull requests are not rejected without a word (needs the API).
    SilentCloses(dynamics::SilentClosesCheck) = "silent-closes" => dynamics::silent_closes;
    /// Questions get an accepted answer or a maintainer's reply (needs the API).
    QuestionsAnswered(dynamics::QuestionsAnsweredCheck) = "questions-answered" => dynamics::questions_answered;
    /// Commits continue and so do releases (needs the API).
    ReleasePulse(dynamics::ReleasePulseCheck) = "release-pulse" => dynamics::release_pulse;
}

/// Reads `kind` and hands the rest to that kind's parameters. By hand: serde's internally tagged
/// enums lose the path of a field that fails inside a variant, and a user must be told which field
/// of which check is wrong.
impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut table = toml::Table::deserialize(d)?;
        let kind = match table.remove("kind") {
            Some(toml::Value::String(k)) => k,
            Some(_) => return Err(D::Error::custom("`kind` must be a string")),
            None => return Err(D::Error::custom(format!("missing `kind` (one of {})", KINDS.join(", ")))),
        };
        Check::parse(&kind, table).map_err(D::Error::custom)
    }
}

/// A check's parameters, or the path of the field that is wrong.
fn params<T: serde::de::DeserializeOwned>(table: toml::Table) -> Result<T, String> {
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let message = e.inner().to_string();
        let message = message.lines().next().unwrap_or_default();
        format!("`{}`: {message}", e.path())
    })
}

/// Serde's default for flags that are on unless turned off.
fn yes() -> bool {
    true
}

/// Why a document missing from a checkout is not yet missing (`Ctx::may_be_inherited`).
pub const MAY_BE_INHERITED: &str = "GitHub would also look in the owner's .github repository, which was not seen";

/// What a check may look at.
pub struct Ctx<'s> {
    pub snap: &'s Snapshot,
    pub documents: &'s BTreeMap<String, DocumentKind>,
    /// The window's items classified and measured, when the snapshot has them: measured once
    /// for every newcomer check (and the report).
    pub newcomers: Option<&'s Assessment<'s>>,
    /// The community dynamics, when the snapshot has the window's issues: measured once for every
    /// dynamics check (and the report).
    pub dynamics: Option<&'s Dynamics>,
    /// The snapshot's tree, indexed once: links, documentation-site URLs and paths resolve in it.
    pub site: Site<'s>,
    /// Documents already located: many rules read the same few, and locating one scans the tree.
    located: RefCell<BTreeMap<String, Option<Located<'s>>>>,
}

impl<'s> Ctx<'s> {
    pub fn new(
        snap: &'s Snapshot,
        documents: &'s BTreeMap<String, DocumentKind>,
        newcomers: Option<&'s Assessment<'s>>,
        dynamics: Option<&'s Dynamics>,
    ) -> Ctx<'s> {
        let site = Site::new(&snap.tree, snap.repository.as_deref());
        Ctx { snap, documents, newcomers, dynamics, site, located: RefCell::default() }
    }

    pub fn kind(&self, id: &str) -> &'s DocumentKind {
        // References are validated when rules are loaded.
        &self.documents[id]
    }

    pub fn locate(&self, id: &str) -> Option<Located<'s>> {
        if let Some(found) = self.located.borrow().get(id) {
            return found.clone();
        }
        let found = locate::locate(self.kind(id), self.snap, &self.site);
        self.located.borrow_mut().insert(id.to_string(), found.clone());
        found
    }

    pub fn name(&self, id: &str) -> &'s str {
        &self.kind(id).spec.name
    }

    /// Why a document missing from the tree may still exist: GitHub would take it from the owner's
    /// `.github` repository, which this snapshot does not show (a checkout). `None` when the
    /// inherited files were seen, or GitHub would not fall back for this kind here.
    pub fn may_be_inherited(&self, id: &str) -> Option<String> {
        let spec = &self.kind(id).spec;
        self.snap.unavailable.get(&DataKind::Inherited)?;
        let blocked = spec.org_fallback_unless.as_deref().is_some_and(|folder| {
            let prefix = format!("{}/", folder.to_ascii_lowercase());
            self.snap.tree.paths.iter().any(|p| p.to_ascii_lowercase().starts_with(&prefix))
        });
        (spec.org_fallback && !blocked).then(|| MAY_BE_INHERITED.to_string())
    }
}

/// `any`: several checks, one of which must pass.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnyCheck {
    pub checks: Vec<Check>,
}

impl Kind for AnyCheck {
    fn documents(&self) -> Vec<&str> {
        self.checks.iter().flat_map(Check::documents).collect()
    }

    fn describe(&self) -> String {
        self.checks.iter().map(Check::describe).collect::<Vec<_>>().join("; or ")
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        self.checks.iter().for_each(|c| c.add_needs(needs));
    }
}

/// Passes on the first passing check; otherwise the best of the rest, with their messages.
fn any(c: &AnyCheck, ctx: &Ctx<'_>) -> Outcome {
    let outcomes: Vec<Outcome> = c.checks.iter().map(|c| evaluate(c, ctx)).collect();
    if let Some(pass) = outcomes.iter().find(|o| o.status == Status::Pass) {
        return pass.clone();
    }
    if let Some(warn) = outcomes.iter().find(|o| o.status == Status::Warn) {
        return warn.clone();
    }
    let messages: Vec<&str> = outcomes.iter().map(|o| o.message.as_str()).collect();
    // A failing alternative with another that could not be judged is not yet a failure.
    let status = if outcomes.iter().any(|o| o.status == Status::Skipped) { Status::Skipped } else { Status::Fail };
    let mut out = Outcome::new(status, messages.join("; "));
    out.evidence = outcomes.into_iter().flat_map(|o| o.evidence).collect();
    out
}

/// "A does not mention", "neither A nor B mentions", "none of A, B, C mentions".
fn neither(paths: &[String], negative: &str, positive: &str) -> String {
    match paths {
        [one] => format!("{one} {negative}"),
        [a, b] => format!("neither {a} nor {b} {positive}"),
        many => format!("none of {} {positive}", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::KINDS;

    #[test]
    fn every_check_kind_is_documented_in_the_config_reference() {
        let reference = include_str!("../../../docs/config.md");
        for kind in KINDS {
            assert!(reference.contains(&format!("\n| `{kind}` |")), "docs/config.md has no row for `{kind}`");
        }
    }

    #[test]
    fn the_parameters_default_to_the_thresholds_the_docs_give() {
        let parsed = |check: &str| {
            let table: toml::Table = toml::from_str(check).unwrap();
            toml::Value::Table(table).try_into::<super::Check>().unwrap().describe()
        };
        assert!(
            parsed("kind = 'newcomer-response'")
                .contains("pass at 80% or more, fail below 50% or with a median over 168 hours")
        );
        assert!(parsed("kind = 'waiting-newcomers'").contains("warn past 7 days, fail past 30 days"));
        assert!(parsed("kind = 'newcomers-vs-regulars'").contains("warn above 2x, fail above 4x"));
        assert!(
            parsed("kind = 'good-first-issues'\nlabels = []")
                .contains("at least 3 open good first issues, 50% of them unassigned, none untouched for 365 days")
        );
    }
}
