//! A repository's files through the API: one recursive tree listing, then the bodies of the few
//! files that rules read, by blob id (no path encoding, and always the listed version). A server
//! without git's endpoints (a partial double of GitHub) is read through the contents API instead:
//! the folders where community files live, and files by path.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use super::client::Client;
use super::errors::{ApiError, Failure, Permission};
use super::graphql::{self, blobs::Blob};
use super::rest::{self, TreeEntry};
use crate::collect::local::{MAX_FILE_BYTES, decode};
use crate::documents::text;
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::snapshot::{FileBody, Tree};

/// A listed tree, with the blob ids needed to read its files.
#[derive(Clone)]
pub struct RemoteTree {
    pub repo: RepoRef,
    pub tree: Tree,
    /// Why the listing is incomplete, when it is: a note for the report.
    pub incomplete: Option<String>,
    /// The branch or commit listed.
    git_ref: String,
    entries: BTreeMap<String, TreeEntry>,
}

/// The folders listed through the contents API when the tree cannot be, after the root: where
/// GitHub and the rules look for community files (a parent before its children).
const COMMUNITY_FOLDERS: [&str; 6] = [
    ".github",
    "docs",
    ".github/ISSUE_TEMPLATE",
    ".github/PULL_REQUEST_TEMPLATE",
    ".github/DISCUSSION_TEMPLATE",
    ".github/workflows",
];

/// Why a tree could not be listed.
pub enum ListError {
    /// GitHub's answer for a repository without any commit.
    Empty,
    Api(ApiError),
}

impl RemoteTree {
    pub async fn list(client: &Client, repo: &RepoRef, git_ref: &str) -> Result<RemoteTree, ListError> {
        let (entries, incomplete) = match rest::tree(client, repo, git_ref).await {
            Ok(listing) => {
                let entries: BTreeMap<String, TreeEntry> =
                    listing.tree.into_iter().filter(TreeEntry::is_file).map(|e| (e.path.clone(), e)).collect();
                let note = listing.truncated.then(|| {
                    format!(
                        "GitHub truncated the file listing of {git_ref} at {} files (its limit is 100,000 entries or 7 MB): files past it were not seen",
                        entries.len()
                    )
                });
                (entries, note)
            }
            Err(e) if matches!(e.failure, Failure::Conflict(_)) => return Err(ListError::Empty),
            Err(e) if matches!(e.failure, Failure::NotFound { .. }) => {
                // GitHub answers 404 here only for what is not there at all; a server without git's
                // endpoints may still have the contents API.
                let Ok(root) = rest::folder(client, repo, "", git_ref).await else { return Err(ListError::Api(e)) };
                let entries = community_folders(client, repo, git_ref, root).await.map_err(ListError::Api)?;
                tracing::info!("no tree listing for {repo} (404): listed its community folders");
                let note = format!(
                    "the server gave no tree listing of {git_ref}: only the root, .github/ and docs/ folders were listed (contents API), so files elsewhere were not seen"
                );
                (entries, Some(note))
            }
            Err(e) => return Err(ListError::Api(e)),
        };
        let tree = Tree { paths: entries.keys().cloned().collect(), truncated: incomplete.is_some() };
        Ok(RemoteTree { repo: repo.clone(), tree, incomplete, git_ref: git_ref.to_string(), entries })
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
        let read = graphql::blobs::read(client, &self.repo, &oids)
            .await
            .map_err(|e| e.into_error(&format!("a file of {}", self.repo), Permission::Contents, client.anonymous))?;
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
        let mut read = rest::blob(client, &self.repo, sha, MAX_FILE_BYTES + 1).await;
        if let Err(ApiError { failure: Failure::NotFound { .. }, .. }) = read {
            // A server without git's endpoints: the same file by its path.
            read = rest::file_at(client, &self.repo, path, &self.git_ref, MAX_FILE_BYTES + 1).await;
        }
        match read {
            Ok((bytes, _)) => Ok(decode(bytes)),
            Err(e) => match e.unavailable_reason(Permission::Contents) {
                Some(reason) => Ok(FileBody::Unreadable { reason }),
                None => Err(e.into_error(&format!("{path} in {}", self.repo), Permission::Contents, client.anonymous)),
            },
        }
    }
}

/// The files of the root listing `root` and of the community folders under it, as tree entries.
async fn community_folders(
    client: &Client,
    repo: &RepoRef,
    git_ref: &str,
    root: Vec<rest::FolderEntryJson>,
) -> Result<BTreeMap<String, TreeEntry>, ApiError> {
    let mut entries = BTreeMap::new();
    let mut folders = BTreeSet::new();
    add_listed(root, &mut entries, &mut folders);
    for folder in COMMUNITY_FOLDERS {
        if folders.contains(folder) {
            add_listed(rest::folder(client, repo, folder, git_ref).await?, &mut entries, &mut folders);
        }
    }
    Ok(entries)
}

/// Files (and symbolic links) of a folder's listing as tree entries; its folders into `folders`.
fn add_listed(
    listed: Vec<rest::FolderEntryJson>,
    entries: &mut BTreeMap<String, TreeEntry>,
    folders: &mut BTreeSet<String>,
) {
    for e in listed {
        let mode = match e.kind.as_str() {
            "file" => "100644",
            "symlink" => "120000",
            "dir" => {
                folders.insert(e.path);
                continue;
            }
            _ => continue,
        };
        let entry = TreeEntry { path: e.path.clone(), mode: mode.into(), kind: "blob".into(), sha: e.sha };
        entries.insert(e.path, entry);
    }
}

impl ListError {
    pub fn into_error(self, repo: &RepoRef, client: &Client) -> Error {
        match self {
            ListError::Empty => {
                Error::NotFound(format!("{repo} is empty: it has no commits, so there is nothing to audit yet"))
            }
            ListError::Api(e) => {
                e.into_error(&format!("the file listing of {repo}"), Permission::Contents, client.anonymous)
            }
        }
    }
}
