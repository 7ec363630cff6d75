//! A conditional-request cache on disk for GET answers.
//!
//! Each answer is stored with its `ETag` (or `Last-Modified`) and sent back as `If-None-Match`
//! (or `If-Modified-Since`); GitHub answers `304 Not Modified` for an unchanged resource, and a
//! `304` does not count against the rate limit. ETags are per token, so the key includes a hash of
//! the token (never the token itself, which is written nowhere).
//!
//! Entries are written to a temporary file and renamed into place, so two runs at once never see
//! half an entry; each entry carries the length and SHA-256 of its body and the request it answers,
//! so a corrupted or foreign entry is ignored (and then overwritten), never trusted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The first line of every entry; a new layout changes it, and old entries are then ignored.
const MAGIC: &[u8] = b"cm-audit-cache 1\n";
/// The "media type" of kept values, apart from every answer's.
const KEPT: &str = "cm-audit/kept";

/// The validators of an answer, which a later request sends back to ask "changed since?".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Validators> {
        let text = |name| headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok()).map(str::to_string);
        let v = Validators { etag: text(http::header::ETAG), last_modified: text(http::header::LAST_MODIFIED) };
        (v.etag.is_some() || v.last_modified.is_some()).then_some(v)
    }
}

/// A stored answer: its body, pagination links and validators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub validators: Validators,
    pub next: Option<String>,
    pub last: Option<String>,
    pub body: Vec<u8>,
}

/// The line before an entry's body: what it answers and how to check the body is whole.
#[derive(Serialize, Deserialize)]
struct Header {
    uri: String,
    accept: String,
    validators: Validators,
    next: Option<String>,
    last: Option<String>,
    body_len: usize,
    body_sha256: String,
}

/// The cache folder, for one token.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// SHA-256 of the token (or of nothing, anonymously): entries of one token are not another's.
    token_hash: String,
}

impl Cache {
    pub fn new(dir: &Path, token: Option<&str>) -> Cache {
        let token_hash = match token {
            Some(t) => hex(&Sha256::digest(format!("token\0{t}"))),
            None => "anonymous".to_string(),
        };
        Cache { dir: dir.to_path_buf(), token_hash }
    }

    /// The default folder: `$XDG_CACHE_HOME/cm-audit`, else `~/.cache/cm-audit`
    /// (`%LOCALAPPDATA%\cm-audit` on Windows); `None` when there is no home to put it in.
    pub fn default_dir(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
        let set = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        set("XDG_CACHE_HOME")
            .or_else(|| set("HOME").map(|h| h.join(".cache")))
            .or_else(|| set("LOCALAPPDATA"))
            .map(|d| d.join("cm-audit"))
    }

    /// The stored answer to a GET, if there is one and it is whole; anything else is ignored.
    pub fn lookup(&self, uri: &str, accept: &str) -> Option<Entry> {
        let path = self.path(uri, accept);
        let bytes = std::fs::read(&path).ok()?;
        let entry = decode(&bytes, uri, accept);
        if entry.is_none() {
            tracing::info!("ignoring the damaged cache entry {}", path.display());
        }
        entry
    }

    /// Stores an answer; a cache that cannot be written is not an error, only slower next time.
    pub fn store(&self, uri: &str, accept: &str, entry: &Entry) {
        if let Err(e) = self.write(uri, accept, entry) {
            tracing::info!("cannot write the cache in {}: {e}", self.dir.display());
        }
    }

    /// Keeps a value that needs no revalidation under `key`: a blob by its id, which never
    /// changes, or a record cm-audit compares itself with the next answers.
    pub fn keep(&self, key: &str, body: &[u8]) {
        let entry = Entry { validators: Validators::default(), next: None, last: None, body: body.to_vec() };
        self.store(key, KEPT, &entry);
    }

    /// A value kept under `key`, if it is there and whole.
    pub fn kept(&self, key: &str) -> Option<Vec<u8>> {
        self.lookup(key, KEPT).map(|e| e.body)
    }

    fn write(&self, uri: &str, accept: &str, entry: &Entry) -> std::io::Result<()> {
        let path = self.path(uri, accept);
        let folder = path.parent().expect("an entry is inside the cache folder");
        private_folder(folder)?;
        let header = Header {
            uri: uri.to_string(),
            accept: accept.to_string(),
            validators: entry.validators.clone(),
            next: entry.next.clone(),
            last: entry.last.clone(),
            body_len: entry.body.len(),
            body_sha256: hex(&Sha256::digest(&entry.body)),
        };
        // A name no other writer uses, renamed over the entry once whole: a reader (this run's or
        // another's) sees the old entry or the new one, never half of one.
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let temporary = folder.join(format!(
            ".tmp-{}-{}-{}",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed),
            path.file_name().and_then(|n| n.to_str()).unwrap_or("entry")
        ));
        let written = (|| {
            let mut file = private_file(&temporary)?;
            file.write_all(MAGIC)?;
            file.write_all(&serde_json::to_vec(&header).map_err(std::io::Error::other)?)?;
            file.write_all(b"\n")?;
            file.write_all(&entry.body)?;
            file.sync_data()?;
            std::fs::rename(&temporary, &path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    /// `DIR/v1/ab/cdef…`: the key hashes the token, the media type asked for and the URL.
    fn path(&self, uri: &str, accept: &str) -> PathBuf {
        let key = hex(&Sha256::digest(format!("{}\0{accept}\0{uri}", self.token_hash)));
        self.dir.join("v1").join(&key[..2]).join(&key[2..])
    }
}

/// Creates a folder (and those above it) that only the user can open: entries hold file bodies
/// and issue data that may be private.
fn private_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

/// Creates a new file that only the user can read.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// An entry's answer when the file is whole and answers this very request.
fn decode(bytes: &[u8], uri: &str, accept: &str) -> Option<Entry> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let newline = rest.iter().position(|b| *b == b'\n')?;
    let header: Header = serde_json::from_slice(&rest[..newline]).ok()?;
    let body = &rest[newline + 1..];
    let whole = header.body_len == body.len() && header.body_sha256 == hex(&Sha256::digest(body));
    (whole && header.uri == uri && header.accept == accept).then(|| Entry {
        validators: header.validators,
        next: header.next,
        last: header.last,
        body: body.to_vec(),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(body: &str) -> Entry {
        Entry {
            validators: Validators { etag: Some("W/\"1\"".into()), last_modified: None },
            next: Some("http://x/r?page=2".into()),
            last: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn stores_and_finds_an_answer_per_token_and_media_type() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), Some("secret-token"));
        cache.store("http://x/r", "json", &entry("[1]"));
        assert_eq!(cache.lookup("http://x/r", "json"), Some(entry("[1]")));
        assert_eq!(cache.lookup("http://x/r", "raw"), None);
        assert_eq!(Cache::new(dir.path(), Some("another")).lookup("http://x/r", "json"), None);
        assert_eq!(Cache::new(dir.path(), None).lookup("http://x/r", "json"), None);
    }

    #[test]
    fn kept_values_are_found_by_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), Some("t"));
        cache.keep("blob o/r abc", b"text");
        assert_eq!(cache.kept("blob o/r abc").as_deref(), Some(&b"text"[..]));
        assert_eq!(cache.kept("blob o/r abd"), None);
        assert_eq!(cache.lookup("blob o/r abc", "application/vnd.github+json"), None);
    }

    #[test]
    fn never_writes_the_token() {
        let dir = tempfile::tempdir().unwrap();
        Cache::new(dir.path(), Some("secret-token")).store("http://x/r", "json", &entry("[1]"));
        for file in walk(dir.path()) {
            let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
            assert!(!text.contains("secret-token") && !file.display().to_string().contains("secret"), "{text}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_the_user_can_read_the_cache() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cm-audit");
        Cache::new(&root, Some("t")).store("http://x/r", "json", &entry("[1]"));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let file = walk(&root).pop().unwrap();
        for folder in file.ancestors().skip(1).take_while(|p| p.starts_with(&root)) {
            assert_eq!(mode(folder), 0o700, "{}", folder.display());
        }
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn a_damaged_entry_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), None);
        cache.store("http://x/r", "json", &entry("[1, 2, 3]"));
        let file = walk(dir.path()).pop().unwrap();
        let whole = std::fs::read(&file).unwrap();
        for damaged in [whole[..whole.len() - 2].to_vec(), [&whole[..whole.len() - 1], b"9"].concat(), b"junk".to_vec()]
        {
            std::fs::write(&file, damaged).unwrap();
            assert_eq!(cache.lookup("http://x/r", "json"), None);
        }
    }

    #[test]
    fn default_folder_follows_xdg_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(
            Cache::default_dir(env(&[("XDG_CACHE_HOME", "/c"), ("HOME", "/h")])),
            Some(PathBuf::from("/c/cm-audit"))
        );
        assert_eq!(Cache::default_dir(env(&[("HOME", "/h")])), Some(PathBuf::from("/h/.cache/cm-audit")));
        assert_eq!(Cache::default_dir(env(&[])), None);
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { files.extend(walk(&p)) } else { files.push(p) }
        }
        files
    }
}
