//! One audit: collect a snapshot, load the rules (with the config found in the tree), evaluate,
//! and build the report.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::collect::local::{Checkout, Listed, Ownership};
use crate::documents::locate;
use crate::engine::{CONFIG_PATHS, RuleSet};
use crate::error::{Error, Result};
use crate::report::Report;
use crate::snapshot::{DataKind, FileBody, Snapshot};

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

/// The config file in a tree, if any, in the order it is looked for.
pub(crate) fn config_in_tree(snap: &Snapshot) -> Option<&'static str> {
    CONFIG_PATHS.iter().copied().find(|p| snap.tree.paths.iter().any(|t| t == p))
}

/// What a checkout cannot show and the API can: the settings, labels and issues, and the owner's
/// `.github` files GitHub falls back to (pallets/flask's code of conduct is pallets/.github's).
pub const API_DATA: [DataKind; 4] = [DataKind::Settings, DataKind::Labels, DataKind::Issues, DataKind::Inherited];

const NEEDS_API: &str = "needs the GitHub API: audit OWNER/REPO rather than a checkout";

/// Collects a local checkout into a snapshot, reading the files the rules need.
pub fn collect_local(
    path: &Path,
    ownership: Ownership,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(Snapshot, RuleSet)> {
    let checkout = Checkout::open(path, ownership)?;
    let Listed { tree, listing, unreadable } = checkout.list();
    let mut snap = Snapshot::new(checkout.repository(), now);
    snap.sources.local_tree = Some(display_path(path));
    snap.sources.local_listing = Some(listing.as_str().to_string());
    snap.sources.unreadable = unreadable;
    if tree.truncated {
        snap.sources
            .notes
            .push(format!("the tree has more than {} files; only the first were listed", tree.paths.len()));
    }
    snap.tree = tree;
    for kind in API_DATA {
        snap.unavailable.insert(kind, NEEDS_API.to_string());
    }
    if let Some(config) = config_in_tree(&snap) {
        read_into(&mut snap, &checkout, config.to_string());
    }
    let rules = rules_for(&snap, external)?;
    for path in rules.paths_to_read(&snap.tree) {
        read_into(&mut snap, &checkout, path);
    }
    // Each round reads the pages the read ones lead to, as far as documents are followed.
    for _ in 0..=locate::FOLLOW_ROUNDS {
        let wanted = locate::pointer_targets(&rules.documents, &snap.tree, &snap.files, snap.repository.as_deref());
        if wanted.is_empty() {
            break;
        }
        for path in wanted {
            read_into(&mut snap, &checkout, path);
        }
    }
    note_unreadable(&mut snap);
    Ok((snap, rules))
}

/// Reads one file into the snapshot. One the OS refuses is present and unreadable, and listed
/// among what was not seen.
fn read_into(snap: &mut Snapshot, checkout: &Checkout, path: String) {
    let body = checkout.read(&path).unwrap_or_else(|e| {
        snap.sources.unreadable.insert(path.clone(), e.to_string());
        FileBody::Unreadable { reason: format!("cannot read: {e}") }
    });
    snap.files.insert(path, body);
}

/// Says which read files could not be used, so the report is honest about it; those the OS
/// refused are already listed as not seen.
pub(crate) fn note_unreadable(snap: &mut Snapshot) {
    let notes: Vec<String> = snap
        .files
        .iter()
        .filter(|(p, _)| !snap.sources.unreadable.contains_key(*p))
        .filter_map(|(p, b)| match b {
            FileBody::Unreadable { reason } => Some(format!("{p} could not be read ({reason})")),
            FileBody::Text { truncated: true, .. } => Some(format!("{p} was read only in part (size cap)")),
            _ => None,
        })
        .collect();
    snap.sources.notes.extend(notes);
}

/// A path as the user will recognise it: relative paths stay relative.
fn display_path(path: &Path) -> String {
    let s = path.display().to_string();
    if s.is_empty() { ".".into() } else { s }
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

/// Evaluates the rules on a snapshot and builds the report.
pub fn report(snap: &Snapshot, rules: &RuleSet, now: DateTime<Utc>) -> Report {
    Report::new(snap, rules.evaluate(snap), now)
}
