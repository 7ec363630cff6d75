//! Collection: the only stage that does I/O. Each source fills a `Snapshot`.
//!
//! One driver reads a repository's files from a [`Source`] (a checkout, or GitHub) in two steps:
//! [`start`] lists the tree and reads the config file; the caller makes the rules and their
//! [`DataNeeds`] from that config; [`Started::finish`] reads the bodies the rules read and, round
//! by round, the pages those lead to. What only an API knows is the source's own business.

pub mod github;
pub mod local;
pub mod tags;

use std::collections::BTreeSet;

use crate::documents::locate;
use crate::engine::needs::DataNeeds;
use crate::error::Result;
use crate::snapshot::{FileBody, Snapshot};

/// Where a repository's files come from.
pub trait Source {
    /// Lists the files into `snap.tree`, noting in `snap.sources` how, and what was not listed.
    fn list(&mut self, snap: &mut Snapshot) -> impl Future<Output = Result<()>> + Send;

    /// Reads the bodies of `paths` into `snap.files`, skipping those already read.
    fn read(&mut self, paths: BTreeSet<String>, snap: &mut Snapshot) -> impl Future<Output = Result<()>> + Send;
}

/// A collection whose tree is listed and whose config file, if any, is read.
pub struct Started<S> {
    source: S,
    snap: Snapshot,
}

/// Lists the tree of `source` into `snap` and reads the first of `config_paths` it holds.
pub async fn start<S: Source>(mut source: S, mut snap: Snapshot, config_paths: &[&str]) -> Result<Started<S>> {
    source.list(&mut snap).await?;
    let config = config_paths.iter().find(|p| snap.tree.paths.iter().any(|t| t == *p));
    if let Some(config) = config {
        source.read(BTreeSet::from([config.to_string()]), &mut snap).await?;
    }
    Ok(Started { source, snap })
}

impl<S: Source> Started<S> {
    /// The snapshot so far: the tree, and the config file's body when the tree has one.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    pub fn source(&self) -> &S {
        &self.source
    }

    /// Reads the bodies `needs` asks for, then the pages they lead to, as far as documents are
    /// followed.
    pub async fn finish(mut self, needs: &DataNeeds) -> Result<Snapshot> {
        let first = needs.paths_to_read(&self.snap.tree);
        self.source.read(first, &mut self.snap).await?;
        // Each round reads the pages the read ones lead to.
        for _ in 0..=locate::FOLLOW_ROUNDS {
            let snap = &self.snap;
            let wanted = locate::pointer_targets(&needs.documents, &snap.tree, &snap.files, snap.repository.as_deref());
            if wanted.is_empty() {
                break;
            }
            self.source.read(wanted, &mut self.snap).await?;
        }
        note_unreadable(&mut self.snap);
        Ok(self.snap)
    }
}

/// Says which read files could not be used, so the report is honest about it; those the OS
/// refused are already listed as not seen.
fn note_unreadable(snap: &mut Snapshot) {
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::RuleSet;
    use crate::snapshot::Tree;

    /// Files in memory, with the reads asked of it in order.
    struct Memory {
        files: BTreeMap<String, String>,
        reads: Vec<BTreeSet<String>>,
    }

    impl Source for Memory {
        async fn list(&mut self, snap: &mut Snapshot) -> Result<()> {
            snap.tree = Tree { paths: self.files.keys().cloned().collect(), truncated: false };
            Ok(())
        }

        async fn read(&mut self, paths: BTreeSet<String>, snap: &mut Snapshot) -> Result<()> {
            for path in &paths {
                let text = self.files[path].clone();
                snap.files.insert(path.clone(), FileBody::Text { text, truncated: false });
            }
            self.reads.push(paths);
            Ok(())
        }
    }

    #[tokio::test]
    async fn the_config_is_read_first_alone_then_what_the_rules_need() {
        let files = [
            ("cm-audit.toml", "[rules.license]\nenabled = false\nreason = \"public domain\"\n"),
            ("README.md", "# Tool\n\nA tool. See [how to contribute](CONTRIBUTING.md).\n"),
            ("CONTRIBUTING.md", "# Contributing\n\nOpen a pull request.\n"),
            ("src/main.rs", "fn main() {}\n"),
        ];
        let memory = Memory { files: files.map(|(p, t)| (p.to_string(), t.to_string())).into(), reads: Vec::new() };
        let snap = Snapshot::new(None, chrono::DateTime::UNIX_EPOCH);
        let started = start(memory, snap, &[".github/cm-audit.toml", "cm-audit.toml"]).await.unwrap();
        assert_eq!(started.source().reads, [BTreeSet::from(["cm-audit.toml".to_string()])]);
        assert_eq!(started.snapshot().files.keys().collect::<Vec<_>>(), ["cm-audit.toml"]);

        let snap = started.finish(&RuleSet::builtin().needs()).await.unwrap();
        assert!(snap.files.contains_key("README.md") && snap.files.contains_key("CONTRIBUTING.md"));
        assert!(!snap.files.contains_key("src/main.rs"), "only the files the rules read");
    }
}
