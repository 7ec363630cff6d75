//! A repository's files through the API: one recursive tree listing, then the bodies of the few
//! files that rules read, by blob id (no path encoding, and always the listed version).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use super::client::Client;
use super::errors::{ApiError, Failure, Permission};
use super::rest::{self, TreeEntry};
use crate::collect::local::{MAX_FILE_BYTES, decode};
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::snapshot::{FileBody, Tree};
use crate::text;

/// A listed tree, with the blob ids needed to read its files.
pub struct RemoteTree {
    pub repo: RepoRef,
    pub tree: Tree,
    entries: BTreeMap<String, TreeEntry>,
}

/// Why a tree could not be listed.
pub enum ListError {
    /// GitHub's answer for a repository without any commit.
    Empty,
    Api(ApiError),
}

impl RemoteTree {
    pub async fn list(client: &Client, repo: &RepoRef, branch: &str) -> Result<RemoteTree, ListError> {
        let listing = rest::tree(client, repo, branch).await.map_err(|e| match e.failure {
            Failure::Conflict(_) => ListError::Empty,
            _ => ListError::Api(e),
        })?;
        let entries: BTreeMap<String, TreeEntry> =
            listing.tree.into_iter().filter(TreeEntry::is_file).map(|e| (e.path.clone(), e)).collect();
        let tree = Tree { paths: entries.keys().cloned().collect(), truncated: listing.truncated };
        Ok(RemoteTree { repo: repo.clone(), tree, entries })
    }

    /// Reads the files at `paths` into `files`, skipping those already read.
    pub async fn read_into(
        &self,
        client: &Client,
        paths: impl IntoIterator<Item = String>,
        files: &mut BTreeMap<String, FileBody>,
    ) -> Result<()> {
        for path in paths {
            if let Entry::Vacant(slot) = files.entry(path) {
                let body = self.read(client, slot.key()).await?;
                slot.insert(body);
            }
        }
        Ok(())
    }

    /// A file's body, capped like a checkout's; a symbolic link is followed once, inside the tree.
    async fn read(&self, client: &Client, path: &str) -> Result<FileBody> {
        let Some(entry) = self.entries.get(path) else {
            return Ok(FileBody::Unreadable { reason: "not in the listed tree".into() });
        };
        if !entry.is_symlink() {
            return self.read_blob(client, path, &entry.sha).await;
        }
        let link = match self.read_blob(client, path, &entry.sha).await? {
            FileBody::Text { text, .. } => text,
            unreadable => return Ok(unreadable),
        };
        let target =
            text::resolve_relative(path, link.trim()).and_then(|t| self.entries.get(&t)).filter(|t| !t.is_symlink());
        match target {
            Some(target) => self.read_blob(client, &target.path, &target.sha).await,
            None => Ok(FileBody::Unreadable { reason: "a link to outside the tree, not followed".into() }),
        }
    }

    async fn read_blob(&self, client: &Client, path: &str, sha: &str) -> Result<FileBody> {
        match rest::blob(client, &self.repo, sha, MAX_FILE_BYTES + 1).await {
            Ok((bytes, _)) => Ok(decode(bytes)),
            Err(e) => match e.unavailable_reason(Permission::Contents) {
                Some(reason) => Ok(FileBody::Unreadable { reason }),
                None => Err(e.into_error(&format!("{path} in {}", self.repo), Permission::Contents, client.anonymous)),
            },
        }
    }
}

impl ListError {
    pub fn into_error(self, repo: &RepoRef, client: &Client) -> Error {
        match self {
            ListError::Empty => {
                Error::NotFound(format!("{repo} is empty: it has no commits, so there is nothing to audit yet"))
            }
            ListError::Api(e) => e.into_error(&format!("the files of {repo}"), Permission::Contents, client.anonymous),
        }
    }
}
