//! A local checkout: the files git tracks and the untracked ones it does not ignore (or, outside
//! git, the files its ignore rules keep), and capped reads of the few files rules need, never
//! outside the checkout. What cannot be read is said, never taken for missing. A checkout is a
//! [`Source`] for the collection driver, alone ([`CheckoutCollection`]) or beside the GitHub API
//! (the Action's workspace).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::process::Command;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};

use super::{Source, Started, tags};
use crate::engine::needs::DataNeeds;
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::snapshot::{DataKind, FileBody, Releases, Snapshot, Tree};

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

/// The file list of a checkout, and the folders whose files could not be listed.
#[derive(Debug)]
pub struct Listed {
    pub tree: Tree,
    pub listing: Listing,
    /// Folders (with a trailing `/`) and files that could not be read → the OS's error.
    pub unreadable: BTreeMap<String, String>,
}

/// How the file list was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `git ls-files --cached --others --exclude-standard`: the work tree the maintainer edits,
    /// tracked files and the untracked ones git does not ignore.
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
        // A folder that cannot be listed would be audited as empty: a score of 0 for nothing seen.
        fs::read_dir(path).map_err(|e| Error::Runtime(format!("cannot read the folder {}: {e}", path.display())))?;
        let root = path.canonicalize().map_err(|e| Error::Runtime(format!("cannot open {}: {e}", path.display())))?;
        Ok(Checkout { root, ownership })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The repository's files. A git checkout's root lists what git does not ignore; anything else
    /// is walked.
    pub fn list(&self) -> Listed {
        if self.is_git() {
            // Untracked files are listed too: an interrupted clone's or a new repository's files are there.
            if let Some((tree, unreadable)) = self.git_ls_files() {
                return Listed { tree, listing: Listing::Git, unreadable };
            }
        }
        let (tree, unreadable) = self.walk();
        Listed { tree, listing: Listing::Walk, unreadable }
    }

    /// Whether `rel` is a regular file (through links), or nothing at all (`.git` may be a file).
    fn regular_or_absent(&self, rel: &str) -> bool {
        match fs::metadata(self.root.join(rel)) {
            Ok(meta) => meta.is_file(),
            Err(e) => matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory),
        }
    }

    /// Whether git may be asked about this folder: a checkout whose files git reads are regular.
    fn is_git(&self) -> bool {
        self.root.join(".git").exists() && GIT_FILES_READ.iter().all(|f| self.regular_or_absent(f))
    }

    /// git, told to run nothing of the repository's and, in the Action's workspace, to trust it.
    fn git(&self) -> Command {
        let mut git = Command::new("git");
        git.args(GIT_RUNS_NOTHING);
        if self.ownership == Ownership::Workspace {
            git.arg("-c").arg(format!("safe.directory={}", self.root.display()));
        }
        git.current_dir(&self.root);
        git
    }

    /// What git prints for `args`, when it succeeds.
    fn git_output(&self, args: &[&str]) -> Option<String> {
        let out = self.git().args(args).env("LC_ALL", "C").output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The releases as the checkout's version tags show them, and its last commit; why not when a
    /// checkout cannot show them (not a git checkout, or a shallow clone, which has no tags).
    pub fn releases(&self, repo: Option<&RepoRef>, now: DateTime<Utc>) -> std::result::Result<Releases, String> {
        if !self.is_git() {
            return Err(format!("not a git checkout, so no tags to read; {NEEDS_API}"));
        }
        if self.git_output(&["rev-parse", "--is-shallow-repository"]).is_some_and(|o| o.trim() == "true") {
            return Err(
                "a shallow clone holds no tags: clone with its history (actions/checkout: fetch-depth: 0) or audit OWNER/REPO"
                    .into(),
            );
        }
        let format = format!("--format={}", tags::FOR_EACH_REF_FORMAT);
        let listed = self
            .git_output(&["for-each-ref", &format, "refs/tags"])
            .ok_or_else(|| format!("git could not list the tags; {NEEDS_API}"))?;
        let last_commit_at = self
            .git_output(&["log", "-1", "--format=%cI", "HEAD"])
            .and_then(|d| DateTime::parse_from_rfc3339(d.trim()).ok())
            .map(|d| d.with_timezone(&Utc));
        Ok(Releases { latest: tags::releases(&listed, repo, now), last_commit_at })
    }

    fn git_ls_files(&self) -> Option<(Tree, BTreeMap<String, String>)> {
        let out = self
            .git()
            .args(["-c", "core.quotepath=off", "ls-files", "-z", "--cached"])
            // A maintainer adds CODE_OF_CONDUCT.md and audits again before `git add`.
            .args(["--others", "--exclude-standard"])
            // Git's warnings about folders it could not open are read below, in its own words.
            .env("LC_ALL", "C")
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let mut paths: Vec<String> = out
            .stdout
            .split(|&b| b == 0)
            // An untracked repository inside the work tree is listed as `vendor/lib/`: not a file.
            .filter(|p| !p.is_empty() && !p.ends_with(b"/"))
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        // Deleted but still indexed files are not in the working tree; a file in a folder that
        // cannot be entered is there, and unreadable.
        paths.retain(|p| {
            self.root.join(p).symlink_metadata().map_or_else(|e| e.kind() != std::io::ErrorKind::NotFound, |_| true)
        });
        paths.sort();
        paths.dedup();
        Some((cap(paths), folders_git_could_not_open(&String::from_utf8_lossy(&out.stderr))))
    }

    fn walk(&self) -> (Tree, BTreeMap<String, String>) {
        let mut unreadable = BTreeMap::new();
        let mut paths = Vec::new();
        let walker = ignore::WalkBuilder::new(&self.root)
            .hidden(false)
            .follow_links(false)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    if let Some((path, reason)) = self.walk_error(&e) {
                        unreadable.insert(path, reason);
                    }
                    continue;
                }
            };
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
        (cap(paths), unreadable)
    }

    /// The folder (with a trailing `/`) or file a walk could not read, and the OS's error.
    fn walk_error(&self, e: &ignore::Error) -> Option<(String, String)> {
        match e {
            ignore::Error::WithDepth { err, .. } => self.walk_error(err),
            ignore::Error::WithPath { path, err } => {
                let rel = path.strip_prefix(&self.root).ok()?.to_string_lossy().replace('\\', "/");
                let folder = if path.is_dir() { "/" } else { "" };
                Some((format!("{rel}{folder}"), err.to_string()))
            }
            _ => None,
        }
    }

    /// Reads a file's body, capped; never follows a link out of the checkout. `Err` is the OS's
    /// refusal (a permission): the file is there and was not seen.
    pub fn read(&self, rel: &str) -> std::io::Result<FileBody> {
        let unreadable = |reason: String| Ok(FileBody::Unreadable { reason });
        let path = self.root.join(rel);
        let real = match path.canonicalize() {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Err(e),
            Err(e) => return unreadable(format!("a broken or looping link, or unreadable: {e}")),
        };
        if !real.starts_with(&self.root) {
            return unreadable("a link to outside the checkout, not followed".into());
        }
        if !real.is_file() {
            return unreadable("not a regular file".into());
        }
        let mut bytes = Vec::new();
        fs::File::open(&real)?.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)?;
        Ok(decode(bytes))
    }

    /// `owner/name` from the `origin` remote, or the only remote, when it is on GitHub. Of several
    /// remotes without an `origin`, which is the project's is not guessed.
    pub fn repository(&self) -> Option<RepoRef> {
        if !self.regular_or_absent(".git/config") {
            return None;
        }
        let config = fs::read_to_string(self.root.join(".git/config")).ok()?;
        let mut remotes: Vec<(String, String)> = Vec::new();
        let mut in_remote: Option<String> = None;
        for line in config.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_remote = line.strip_prefix("[remote \"").and_then(|r| r.strip_suffix("\"]")).map(String::from);
            } else if let Some(remote) = &in_remote {
                if let Some(url) = line.strip_prefix("url").map(|r| r.trim_start().trim_start_matches('=').trim()) {
                    remotes.push((remote.clone(), url.to_string()));
                }
            }
        }
        let (_, url) = match remotes.iter().find(|(name, _)| name == "origin") {
            Some(origin) => origin,
            None if remotes.len() == 1 => &remotes[0],
            None => return None,
        };
        url.contains("github.com").then(|| RepoRef::parse(url).ok()).flatten()
    }
}

/// Why a checkout has no settings, labels, issues nor the owner's `.github` files: GitHub has them.
/// (Releases it reads from its version tags.)
pub const NEEDS_API: &str = "needs the GitHub API: audit OWNER/REPO rather than a checkout";

/// A checkout as a source of files for the collection driver.
pub struct CheckoutFiles {
    checkout: Checkout,
    /// The path as the user gave it, for the report.
    shown: String,
}

impl CheckoutFiles {
    pub fn open(path: &Path, ownership: Ownership) -> Result<CheckoutFiles> {
        Ok(CheckoutFiles { checkout: Checkout::open(path, ownership)?, shown: shown(path) })
    }
}

/// A path as the user will recognise it: relative paths stay relative.
fn shown(path: &Path) -> String {
    let s = path.display().to_string();
    if s.is_empty() { ".".into() } else { s }
}

impl Source for CheckoutFiles {
    async fn list(&mut self, snap: &mut Snapshot) -> Result<()> {
        let Listed { tree, listing, unreadable } = self.checkout.list();
        snap.sources.local_tree = Some(self.shown.clone());
        snap.sources.local_listing = Some(listing.as_str().to_string());
        snap.sources.unreadable = unreadable;
        if tree.truncated {
            snap.sources
                .notes
                .push(format!("the tree has more than {} files; only the first were listed", tree.paths.len()));
        }
        snap.tree = tree;
        Ok(())
    }

    /// A file the OS refuses is present and unreadable, and listed among what was not seen.
    async fn read(&mut self, paths: BTreeSet<String>, snap: &mut Snapshot) -> Result<()> {
        for path in paths {
            if snap.files.contains_key(&path) {
                continue;
            }
            let body = self.checkout.read(&path).unwrap_or_else(|e| {
                snap.sources.unreadable.insert(path.clone(), e.to_string());
                FileBody::Unreadable { reason: format!("cannot read: {e}") }
            });
            snap.files.insert(path, body);
        }
        Ok(())
    }
}

/// A checkout's collection, its tree listed and its config file read.
pub struct CheckoutCollection(Started<CheckoutFiles>);

impl CheckoutCollection {
    /// Lists the checkout at `path` and reads the first of `config_paths` it holds.
    pub fn start(
        path: &Path,
        ownership: Ownership,
        config_paths: &[&str],
        now: DateTime<Utc>,
    ) -> Result<CheckoutCollection> {
        let files = CheckoutFiles::open(path, ownership)?;
        let snap = Snapshot::new(files.checkout.repository(), now);
        at_once(super::start(files, snap, config_paths)).map(CheckoutCollection)
    }

    /// The tree, and the config file's body when there is one.
    pub fn snapshot(&self) -> &Snapshot {
        self.0.snapshot()
    }

    /// Reads what `needs` asks for, and the releases from the version tags; what only the API has
    /// is said to be unavailable.
    pub fn finish(self, needs: &DataNeeds) -> Result<Snapshot> {
        let releases = needs.wants(DataKind::Releases).then(|| {
            let snap = self.0.snapshot();
            self.0.source().checkout.releases(snap.repository.as_ref(), snap.collected_at)
        });
        let mut snap = at_once(self.0.finish(needs))?;
        for kind in needs.api.iter().filter(|k| **k != DataKind::Releases) {
            snap.unavailable.insert(*kind, NEEDS_API.to_string());
        }
        match releases {
            Some(Ok(releases)) => {
                snap.sources.notes.push(match releases.latest.len() {
                    0 => "the checkout has no version tags: no release is known".to_string(),
                    n => format!("releases are read from the checkout's version tags (the newest {n}), not GitHub's"),
                });
                snap.releases = Some(releases);
            }
            Some(Err(reason)) => {
                snap.unavailable.insert(DataKind::Releases, reason);
            }
            None => {}
        }
        Ok(snap)
    }
}

/// A checkout's reads never wait: its collection is done in one poll, without an async runtime.
fn at_once<T>(work: impl Future<Output = T>) -> T {
    match pin!(work).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(done) => done,
        Poll::Pending => unreachable!("a checkout's reads never wait"),
    }
}

/// The folders in git's warnings `could not open directory 'docs/': Permission denied`.
fn folders_git_could_not_open(stderr: &str) -> BTreeMap<String, String> {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("warning: could not open directory '")?;
            let (folder, reason) = rest.split_once("': ")?;
            Some((folder.to_string(), reason.to_string()))
        })
        .collect()
}

fn cap(mut paths: Vec<String>) -> Tree {
    let truncated = paths.len() > MAX_TREE_PATHS;
    paths.truncate(MAX_TREE_PATHS);
    Tree { paths, truncated }
}

/// Text from bytes, as editors read it: a byte order mark says the encoding (UTF-8 or UTF-16);
/// without one, bytes with a NUL are binary, valid UTF-8 is UTF-8, and bytes where no non-ASCII
/// character is valid UTF-8 are Latin-1 (Windows-1252, its superset). Invalid bytes in otherwise
/// UTF-8 text are replaced, and a character cut at the size cap is dropped.
pub fn decode(mut bytes: Vec<u8>) -> FileBody {
    let truncated = bytes.len() > MAX_FILE_BYTES;
    bytes.truncate(MAX_FILE_BYTES);
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let body = &bytes[bom_len..];
        // A UTF-16 text cut at the cap may end in half a code unit.
        let body = if truncated && encoding != encoding_rs::UTF_8 { &body[..body.len() & !1] } else { body };
        let text = encoding.decode_without_bom_handling(body).0.into_owned();
        return FileBody::Text { text: drop_cut_character(text, truncated), truncated };
    }
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
            } else if bytes.utf8_chunks().all(|chunk| chunk.valid().is_ascii()) {
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned()
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    };
    FileBody::Text { text, truncated }
}

/// A decoder ends text cut inside a character with a replacement character: it is not the file's.
fn drop_cut_character(mut text: String, truncated: bool) -> String {
    if truncated && text.ends_with(char::REPLACEMENT_CHARACTER) {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs git in `dir` with fixed dates, as a test's set-up.
    fn git(dir: &Path, args: &[&str], date: &str) {
        let ok = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.org",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
            ])
            .args(args)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_DATE", date)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(ok.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&ok.stderr));
    }

    #[test]
    fn a_checkouts_releases_are_its_version_tags_annotated_or_not_and_a_shallow_clone_says_it_has_none() {
        let origin = tempfile::tempdir().unwrap();
        let dir = origin.path();
        git(dir, &["init", "-q", "-b", "main"], "2025-01-01T00:00:00Z");
        std::fs::write(dir.join("README.md"), "hi\n").unwrap();
        git(dir, &["add", "README.md"], "2025-01-01T00:00:00Z");
        git(dir, &["commit", "-q", "-m", "one"], "2025-01-02T00:00:00Z");
        git(dir, &["tag", "v1.0.0"], "2025-01-02T00:00:00Z");
        git(dir, &["tag", "-a", "v1.1.0", "-m", "1.1"], "2025-03-04T05:06:07Z");
        git(dir, &["tag", "nightly"], "2025-03-05T00:00:00Z");
        git(dir, &["commit", "-q", "--allow-empty", "-m", "two"], "2025-06-01T00:00:00Z");
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        let found = Checkout::open(dir, Ownership::Checked).unwrap().releases(None, now).unwrap();
        let tags: Vec<(&str, String)> =
            found.latest.iter().map(|r| (r.tag.as_str(), r.published_at.to_rfc3339())).collect();
        assert_eq!(
            tags,
            [("v1.1.0", "2025-03-04T05:06:07+00:00".to_string()), ("v1.0.0", "2025-01-02T00:00:00+00:00".to_string())],
            "the annotated tag has its tagger's date, the lightweight one its commit's; nightly is no version"
        );
        assert_eq!(found.last_commit_at, Some("2025-06-01T00:00:00Z".parse().unwrap()));

        let clones = tempfile::tempdir().unwrap();
        let url = format!("file://{}", dir.display());
        git(clones.path(), &["clone", "-q", "--depth", "1", &url, "shallow"], "2026-01-01T00:00:00Z");
        let shallow = Checkout::open(&clones.path().join("shallow"), Ownership::Checked).unwrap().releases(None, now);
        assert!(shallow.unwrap_err().contains("shallow clone"));

        let plain = tempfile::tempdir().unwrap();
        assert!(
            Checkout::open(plain.path(), Ownership::Checked)
                .unwrap()
                .releases(None, now)
                .unwrap_err()
                .contains("not a git checkout")
        );
    }

    #[test]
    fn a_huge_tree_is_cut_at_the_cap_and_says_so() {
        let tree = cap((0..=MAX_TREE_PATHS).map(|i| format!("f{i}")).collect());
        assert!(tree.truncated);
        assert_eq!(tree.paths.len(), MAX_TREE_PATHS);
        assert!(!cap(vec!["a".into()]).truncated);
    }

    #[test]
    fn folders_git_could_not_open_are_read_from_its_warnings() {
        let stderr = "warning: unable to access '/root/.config/git/ignore': Permission denied\n\
                      warning: could not open directory 'docs/': Permission denied\n";
        let folders = folders_git_could_not_open(stderr);
        assert_eq!(folders.into_iter().collect::<Vec<_>>(), [("docs/".to_string(), "Permission denied".to_string())]);
    }

    #[test]
    fn binary_is_unreadable() {
        assert!(matches!(decode(b"PNG\0\0data".to_vec()), FileBody::Unreadable { .. }));
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let units = "\u{feff}".encode_utf16().chain(text.encode_utf16());
        units.flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_text() {
        for big_endian in [false, true] {
            let FileBody::Text { text, truncated } = decode(utf16("# Código de conducta\n", big_endian)) else {
                panic!("big endian {big_endian}: not text")
            };
            assert_eq!((text.as_str(), truncated), ("# Código de conducta\n", false), "big endian {big_endian}");
        }
    }

    #[test]
    fn a_utf8_byte_order_mark_is_not_part_of_the_text() {
        let FileBody::Text { text, .. } = decode(b"\xef\xbb\xbf# Title".to_vec()) else { panic!() };
        assert_eq!(text, "# Title");
    }

    #[test]
    fn latin1_is_text() {
        let FileBody::Text { text, truncated } = decode(b"Caf\xe9 cr\xe8me, \xa9 2024".to_vec()) else { panic!() };
        assert_eq!(text, "Café crème, © 2024");
        assert!(!truncated);
    }

    #[test]
    fn utf8_with_a_stray_invalid_byte_is_read_with_a_replacement() {
        let FileBody::Text { text, .. } = decode(b"caf\xc3\xa9 \xff ok".to_vec()) else { panic!() };
        assert_eq!(text, "café \u{fffd} ok");
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
