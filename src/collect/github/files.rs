//! A repository's files through the API: one recursive tree listing, then the bodies of the few
//! files that rules read, by blob id (no path encoding, and always the listed version).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use super::client::Client;
use super::errors::{ApiError, Failure, Permission};
use super::graphql::{self, blobs::Blob};
use super::rest::{self, TreeEntry};
use crate::collect::local::{MAX_FILE_BYTES, decode};
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::snapshot::{FileBody, Tree};
use crate::text;

/// A listed tree, with the blob ids needed to read its files.
#[derive(Clone)]
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

    /// Reads the files at `paths` into `files`, skipping those already read. With GraphQL, their
    /// blobs (and the blobs symbolic links lead to) are asked for together first.
    pub async fn read_into(
        &self,
        client: &Client,
        paths: impl IntoIterator<Item = String>,
        files: &mut BTreeMap<String, FileBody>,
    ) -> Result<()> {
        let paths: Vec<String> = paths.into_iter().filter(|p| !files.contains_key(p)).collect();
        let mut blobs = BTreeMap::new();
        if client.uses_graphql() {
            let wanted: Vec<&TreeEntry> = paths.iter().filter_map(|p| self.entries.get(p)).collect();
            self.prefetch(client, wanted.iter().map(|e| e.sha.clone()), &mut blobs).await?;
            let targets: Vec<String> = wanted
                .iter()
                .filter(|e| e.is_symlink())
                .filter_map(|e| match blobs.get(&e.sha) {
                    Some(Blob::Text(link)) => self.link_target(&e.path, &String::from_utf8_lossy(link)),
                    _ => None,
                })
                .map(|target| target.sha.clone())
                .collect();
            self.prefetch(client, targets, &mut blobs).await?;
        }
        for path in paths {
            if let Entry::Vacant(slot) = files.entry(path) {
                let body = self.read(client, slot.key(), &blobs).await?;
                slot.insert(body);
            }
        }
        Ok(())
    }

    async fn prefetch(
        &self,
        client: &Client,
        oids: impl IntoIterator<Item = String>,
        blobs: &mut BTreeMap<String, Blob>,
    ) -> Result<()> {
        let oids: Vec<String> = oids.into_iter().filter(|oid| !blobs.contains_key(oid)).collect();
        if oids.is_empty() {
            return Ok(());
        }
        let read = graphql::blobs::read(client, &self.repo, &oids).await.map_err(|e| {
            e.into_error(&format!("the files of {}", self.repo), Permission::Contents, client.anonymous)
        })?;
        blobs.extend(read);
        Ok(())
    }

    /// A file's body, capped like a checkout's; a symbolic link is followed once, inside the tree.
    async fn read(&self, client: &Client, path: &str, blobs: &BTreeMap<String, Blob>) -> Result<FileBody> {
        let Some(entry) = self.entries.get(path) else {
            return Ok(FileBody::Unreadable { reason: "not in the listed tree".into() });
        };
        if !entry.is_symlink() {
            return self.read_blob(client, path, &entry.sha, blobs).await;
        }
        let link = match self.read_blob(client, path, &entry.sha, blobs).await? {
            FileBody::Text { text, .. } => text,
            unreadable => return Ok(unreadable),
        };
        match self.link_target(path, &link) {
            Some(target) => self.read_blob(client, &target.path, &target.sha, blobs).await,
            None => Ok(FileBody::Unreadable { reason: "a link to outside the tree, not followed".into() }),
        }
    }

    /// The file a symbolic link at `path` leads to, when it is in the tree and not a link itself.
    fn link_target(&self, path: &str, link: &str) -> Option<&TreeEntry> {
        text::resolve_relative(path, link.trim()).and_then(|t| self.entries.get(&t)).filter(|t| !t.is_symlink())
    }

    /// A blob's body: as prefetched through GraphQL, else read through REST.
    async fn read_blob(
        &self,
        client: &Client,
        path: &str,
        sha: &str,
        blobs: &BTreeMap<String, Blob>,
    ) -> Result<FileBody> {
        match blobs.get(sha) {
            Some(Blob::Text(bytes)) => return Ok(decode(bytes.clone())),
            Some(Blob::Binary) => return Ok(FileBody::Unreadable { reason: "binary".into() }),
            None => {}
        }
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
