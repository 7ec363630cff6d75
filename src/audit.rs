//! One audit, assembled: collect the tree and its config, make the rules (the config given, else
//! the one found), collect what they need, evaluate, and build the report.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::collect::github::{Client, FilesFrom, GithubCollection, GithubOptions, OwnerFiles};
use crate::collect::local::{CheckoutCollection, Ownership};
use crate::dynamics;
use crate::engine::{CONFIG_PATHS, RuleSet};
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::report::Report;
use crate::snapshot::{FileBody, Snapshot};

/// A config given on the command line, read before collection.
#[derive(Debug, Clone)]
pub struct ExternalConfig {
    pub name: String,
    pub text: String,
}

impl ExternalConfig {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("cannot read config {}: {e}", path.display())))?;
        Ok(ExternalConfig { name: path.display().to_string(), text })
    }
}

/// The rules for a snapshot: the external config if given, else one found in the tree.
pub fn rules_for(snap: &Snapshot, external: Option<&ExternalConfig>) -> Result<RuleSet> {
    if let Some(c) = external {
        return Ok(RuleSet::load(Some((&c.name, &c.text)))?);
    }
    for path in CONFIG_PATHS {
        match snap.files.get(*path) {
            Some(FileBody::Text { text, .. }) => return Ok(RuleSet::load(Some((path, text)))?),
            Some(FileBody::Unreadable { reason }) => {
                return Err(Error::Usage(format!("cannot read config {path}: {reason}")));
            }
            None => {}
        }
    }
    Ok(RuleSet::builtin())
}

/// Collects a checkout, and the rules to judge it by: its tree and config first, then what the
/// rules (the config given, else that one) read.
pub fn checkout(
    path: &Path,
    ownership: Ownership,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(Snapshot, RuleSet)> {
    let started = CheckoutCollection::start(path, ownership, CONFIG_PATHS, now)?;
    let rules = rules_for(started.snapshot(), external)?;
    Ok((started.finish(&rules.needs())?, rules))
}

/// Collects `repo` through GitHub (its files from `files`), and the rules to judge it by: its
/// tree and config first, then what the rules (the config given, else that one) need. `client` and `owner_files` may be shared by an organisation's
/// audits: one connection pool, one rate-limit budget, each owner's `.github` read once.
pub async fn github(
    client: &Client,
    owner_files: &OwnerFiles,
    opts: &GithubOptions,
    repo: &RepoRef,
    files: FilesFrom<'_>,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(Snapshot, RuleSet)> {
    let started = GithubCollection::start(client, owner_files, opts, repo, files, CONFIG_PATHS, now).await?;
    let rules = rules_for(started.snapshot(), external)?;
    Ok((started.finish(&rules.needs()).await?, rules))
}

/// Reads a saved snapshot.
pub fn load_snapshot(path: &PathBuf) -> Result<Snapshot> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Runtime(format!("cannot read snapshot {}: {e}", path.display())))?;
    let snap: Snapshot = serde_json::from_str(&text).map_err(|e| {
        // The report is the file people have at hand; say which file `--from` wants.
        let is_report = serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get("findings").is_some() && v.get("tool").is_some());
        Error::Usage(match is_report {
            true => format!(
                "{} is a cm-audit report (--format json), not a snapshot: save one with `cm-audit snapshot`",
                path.display()
            ),
            false => format!("{} is not a cm-audit snapshot: {e}", path.display()),
        })
    })?;
    if snap.schema_version != crate::snapshot::SNAPSHOT_SCHEMA_VERSION {
        return Err(Error::Usage(format!(
            "{} is a snapshot of schema version {}, this cm-audit reads version {}",
            path.display(),
            snap.schema_version,
            crate::snapshot::SNAPSHOT_SCHEMA_VERSION
        )));
    }
    Ok(snap)
}

/// Evaluates the rules on a snapshot and builds the report, with the dynamics measured over the
/// audit's window by month.
pub fn report(snap: &Snapshot, rules: &RuleSet, now: DateTime<Utc>) -> Report {
    report_with(snap, rules, &dynamics::Settings::default(), now)
}

/// Evaluates the rules on a snapshot and builds the report, with the dynamics measured as
/// `settings` says (a monthly report's span, weekly buckets, people named).
pub fn report_with(snap: &Snapshot, rules: &RuleSet, settings: &dynamics::Settings, now: DateTime<Utc>) -> Report {
    Report::new(snap, rules.evaluate_with(snap, settings), now)
}
