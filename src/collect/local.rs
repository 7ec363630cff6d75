//! A local checkout: the files git tracks (or, outside git, the files its ignore rules keep),
//! and capped reads of the few files rules need, never outside the checkout.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::snapshot::{FileBody, Tree};

/// The most bytes read of one file; community documents are far smaller.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// The most paths listed; past this the tree is reported as truncated.
pub const MAX_TREE_PATHS: usize = 200_000;

/// git reads the checkout as data only: a repository's config can name commands that git runs
/// when it reads the index (`core.fsmonitor`, also through a `.git` file pointing at another
/// gitdir) or at events (hooks), and the folder may be another user's or an unpacked archive.
/// Command-line settings outrank the repository's own.
const GIT_RUNS_NOTHING: [&str; 4] = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"];

/// The files git reads before listing; one that is not a regular file (a FIFO) would block it
/// for ever.
const GIT_FILES_READ: [&str; 3] = [".git/config", ".git/HEAD", ".git/index"];

/// Whose folder git may read, as its `safe.directory` check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// git's own check: it refuses a repository that another user owns, and the folder is then
    /// walked instead.
    Checked,
    /// The Action's workspace: the workflow checked it out, as the runner's user, for the
    /// container's root; git is told to trust this one folder.
    Workspace,
}

/// A checked-out repository on disk.
#[derive(Debug)]
pub struct Checkout {
    root: PathBuf,
    ownership: Ownership,
}

/// How the file list was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `git ls-files`: what the repository tracks.
    Git,
    /// A walk honouring `.gitignore` (not a git checkout, or git is not installed).
    Walk,
}

impl Listing {
    pub fn as_str(self) -> &'static str {
        match self {
            Listing::Git => "git",
            Listing::Walk => "walk",
        }
    }
}

impl Checkout {
    pub fn open(path: &Path, ownership: Ownership) -> Result<Checkout> {
        let meta = fs::metadata(path).map_err(|e| Error::Runtime(format!("cannot open {}: {e}", path.display())))?;
        if !meta.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a directory: give a checkout's folder or OWNER/REPO",
                path.display()
            )));
        }
        let root = path.canonicalize().map_err(|e| Error::Runtime(format!("cannot open {}: {e}", path.display())))?;
        Ok(Checkout { root, ownership })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The repository's files. A git checkout's root lists what git tracks; anything else is walked.
    pub fn list(&self) -> Result<(Tree, Listing)> {
        if self.root.join(".git").exists() && GIT_FILES_READ.iter().all(|f| self.regular_or_absent(f)) {
            // A checkout whose index lists nothing (an interrupted clone) is read as a folder.
            if let Some(tree) = self.git_ls_files().filter(|t| !t.paths.is_empty()) {
                return Ok((tree, Listing::Git));
            }
        }
        Ok((self.walk()?, Listing::Walk))
    }

    /// Whether `rel` is a regular file (through links), or nothing at all (`.git` may be a file).
    fn regular_or_absent(&self, rel: &str) -> bool {
        match fs::metadata(self.root.join(rel)) {
            Ok(meta) => meta.is_file(),
            Err(e) => matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory),
        }
    }

    fn git_ls_files(&self) -> Option<Tree> {
        let mut git = Command::new("git");
        git.args(GIT_RUNS_NOTHING);
        if self.ownership == Ownership::Workspace {
            git.arg("-c").arg(format!("safe.directory={}", self.root.display()));
        }
        let out = git
            .args(["-c", "core.quotepath=off", "ls-files", "-z", "--cached"])
            .current_dir(&self.root)
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let mut paths: Vec<String> = out
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        // Deleted but still indexed files are not in the working tree.
        paths.retain(|p| self.root.join(p).symlink_metadata().is_ok());
        Some(cap(paths))
    }

    fn walk(&self) -> Result<Tree> {
        let mut paths = Vec::new();
        let walker = ignore::WalkBuilder::new(&self.root)
            .hidden(false)
            .follow_links(false)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            let Ok(entry) = entry else { continue };
            if entry.file_type().is_some_and(|t| !t.is_dir()) {
                if let Ok(rel) = entry.path().strip_prefix(&self.root) {
                    paths.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
            if paths.len() > MAX_TREE_PATHS {
                break;
            }
        }
        paths.sort();
        Ok(cap(paths))
    }

    /// Reads a file's body, capped; never follows a link out of the checkout.
    pub fn read(&self, rel: &str) -> FileBody {
        let unreadable = |reason: String| FileBody::Unreadable { reason };
        let path = self.root.join(rel);
        let real = match path.canonicalize() {
            Ok(p) => p,
            Err(e) => return unreadable(format!("a broken or looping link, or unreadable: {e}")),
        };
        if !real.starts_with(&self.root) {
            return unreadable("a link to outside the checkout, not followed".into());
        }
        if !real.is_file() {
            return unreadable("not a regular file".into());
        }
        let mut bytes = Vec::new();
        let read = fs::File::open(&real).and_then(|f| f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes));
        if let Err(e) = read {
            return unreadable(format!("cannot read: {e}"));
        }
        decode(bytes)
    }

    /// `owner/name` from the `origin` remote, when it is on GitHub.
    pub fn repository(&self) -> Option<String> {
        if !self.regular_or_absent(".git/config") {
            return None;
        }
        let config = fs::read_to_string(self.root.join(".git/config")).ok()?;
        let mut in_origin = false;
        for line in config.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_origin = line == "[remote \"origin\"]";
            } else if in_origin {
                if let Some(url) = line.strip_prefix("url").map(|r| r.trim_start().trim_start_matches('=').trim()) {
                    return url
                        .contains("github.com")
                        .then(|| RepoRef::parse(url).ok())
                        .flatten()
                        .map(|r| r.to_string());
                }
            }
        }
        None
    }
}

fn cap(mut paths: Vec<String>) -> Tree {
    let truncated = paths.len() > MAX_TREE_PATHS;
    paths.truncate(MAX_TREE_PATHS);
    Tree { paths, truncated }
}

/// Text from bytes: binary is refused, a cut multi-byte character at the cap is dropped, and
/// invalid UTF-8 is read with replacement characters.
pub fn decode(mut bytes: Vec<u8>) -> FileBody {
    let truncated = bytes.len() > MAX_FILE_BYTES;
    bytes.truncate(MAX_FILE_BYTES);
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return FileBody::Unreadable { reason: "binary".into() };
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let err = e.utf8_error();
            let mut bytes = e.into_bytes();
            if truncated && err.error_len().is_none() {
                bytes.truncate(err.valid_up_to());
                String::from_utf8(bytes).unwrap_or_default()
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    };
    FileBody::Text { text, truncated }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_tree_is_cut_at_the_cap_and_says_so() {
        let tree = cap((0..=MAX_TREE_PATHS).map(|i| format!("f{i}")).collect());
        assert!(tree.truncated);
        assert_eq!(tree.paths.len(), MAX_TREE_PATHS);
        assert!(!cap(vec!["a".into()]).truncated);
    }

    #[test]
    fn binary_is_unreadable() {
        assert!(matches!(decode(b"PNG\0\0data".to_vec()), FileBody::Unreadable { .. }));
    }

    #[test]
    fn invalid_utf8_is_read_with_replacements() {
        let FileBody::Text { text, truncated } = decode(b"caf\xe9 ok".to_vec()) else { panic!() };
        assert_eq!(text, "caf\u{fffd} ok");
        assert!(!truncated);
    }

    #[test]
    fn cap_cuts_cleanly_inside_a_character() {
        let mut bytes = vec![b'a'; MAX_FILE_BYTES - 1];
        bytes.extend("é and more".as_bytes());
        let FileBody::Text { text, truncated } = decode(bytes) else { panic!() };
        assert!(truncated);
        assert_eq!(text.len(), MAX_FILE_BYTES - 1);
    }
}
