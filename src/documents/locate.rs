//! Where a community document is: GitHub's lookup order (`.github/`, the root, `docs/`), the
//! deeper places real projects use, folders of pages, the owner's `.github` repository, and
//! one-line pointers to the real page.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use globset::{Glob, GlobMatcher};
use regex::Regex;
use serde::Deserialize;

use crate::documents::leads::{Lead, Site, host_and_path, is_docs_root, is_web_page};
use crate::documents::text::{self, Doc};
use crate::snapshot::{FileBody, Snapshot, Tree};

/// Folders below which real projects keep community pages (searched a few levels deep).
const DEEPER_ROOTS: &[&str] = &["doc", "docs", "documentation", "community", "governance", ".github", "wiki"];
const DEEPER_MAX_DEPTH: usize = 4;
/// A folder of pages counts with at most this many pages read.
const FOLDER_MAX_PAGES: usize = 20;
/// The most files read for their titles, per kind.
const MAX_TITLED_FILES: usize = 40;
/// A file with no more words than this, and a link, is a pointer to the real page.
const POINTER_MAX_WORDS: usize = 40;
/// A pointer to an in-tree page not named like the document must be shorter still (a README
/// with a link to its docs is not a pointer).
const POINTER_ANY_TARGET_MAX_WORDS: usize = 12;
const TEXT_EXTENSIONS: &[&str] = &["", "md", "markdown", "mdown", "rst", "txt", "adoc", "asciidoc", "org", "html"];

/// A kind of community document and the names and places it is accepted under.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSpec {
    /// What a person calls it: "code of conduct".
    pub name: String,
    /// File names without extension, compared in lower case with `-`, `_`, `.` and spaces removed.
    #[serde(default)]
    pub stems: Vec<String>,
    /// Lower-case name prefixes that also count (`license-` for `LICENSE-MIT`).
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Accepted extensions (empty string: none); defaults to the usual text formats.
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Exact paths, as case-insensitive globs, accepted besides the stems.
    #[serde(default)]
    pub paths: Vec<String>,
    /// The folders searched first, in order (default GitHub's: `.github`, the root, `docs`).
    #[serde(default)]
    pub places: Option<Vec<String>>,
    /// Also search below `doc/`, `docs/`, `community/`, `governance/` and similar.
    #[serde(default)]
    pub deeper: bool,
    /// A folder with this name, holding text pages, counts as the document.
    #[serde(default)]
    pub folder: bool,
    /// GitHub falls back to the owner's `.github` repository for this kind.
    #[serde(default)]
    pub org_fallback: bool,
    /// GitHub ignores the owner's files of this kind when the repository has this folder of its own
    /// (its own `.github/ISSUE_TEMPLATE` replaces the owner's templates and chooser).
    #[serde(default)]
    pub org_fallback_unless: Option<String>,
    /// Every matching file is a page of the document (workflows), not only the first.
    #[serde(default)]
    pub all: bool,
    /// The pages this document leads to in the tree (links, docs-site URLs, paths in prose, Sphinx
    /// tables of contents; two hops at most) and its other files are read with it for what it says.
    #[serde(default)]
    pub follow: bool,
    /// Words in URL paths that mark a page outside the repository as one this document sends its
    /// readers to for what it would say (`dev`, `devdocs` for a contributing guide).
    #[serde(default)]
    pub lead_words: Vec<String>,
    /// Names accepted for a folder of pages only (`release/` holding release notes; a `release.md`
    /// file is more often the release process).
    #[serde(default)]
    pub folder_stems: Vec<String>,
    /// GitHub does not look for this kind: a file of it anywhere in the tree that the README or the
    /// contributing guide links to is the document (tokio's `tokio/CHANGELOG.md`).
    #[serde(default)]
    pub linked_counts: bool,
    /// What a page of this kind says, one of these at least (regexes, any case): a file with the
    /// right name and none of them is something else (cobra's CONDUCT.md is a "User Contract").
    #[serde(default)]
    pub signature: Vec<String>,
    /// Titles that make a page of this kind whatever its name (regexes, any case), looked for in
    /// the first heading of the files matching `title_paths` (globs): NEP-style proposals titled
    /// "Governance and Decision Making".
    #[serde(default)]
    pub titles: Vec<String>,
    #[serde(default)]
    pub title_paths: Vec<String>,
    /// Words in HTML comments count (templates guide their readers in comments).
    #[serde(default)]
    pub count_comments: bool,
    /// Fewer words of prose than this make the file hollow.
    #[serde(default = "default_min_words")]
    pub min_words: usize,
}

fn default_min_words() -> usize {
    30
}

/// A document specification made ready for matching.
#[derive(Debug, Clone)]
pub struct DocumentKind {
    pub id: String,
    pub spec: DocumentSpec,
    globs: Vec<GlobMatcher>,
    signature: Option<Regex>,
    titles: Option<Regex>,
    title_globs: Vec<GlobMatcher>,
}

impl DocumentKind {
    pub fn new(id: &str, spec: DocumentSpec) -> Result<Self, String> {
        let globs = |field: &str, paths: &[String]| -> Result<Vec<GlobMatcher>, String> {
            paths
                .iter()
                .map(|p| {
                    Glob::new(&p.to_ascii_lowercase())
                        .map(|g| g.compile_matcher())
                        .map_err(|e| format!("field `{field}`: invalid glob `{p}`: {e}"))
                })
                .collect()
        };
        // One case-insensitive alternation of a list of regexes; none for an empty list.
        let any_of = |field: &str, patterns: &[String]| -> Result<Option<Regex>, String> {
            if patterns.is_empty() {
                return Ok(None);
            }
            let joined = patterns.iter().map(|p| format!("(?:{p})")).collect::<Vec<_>>().join("|");
            regex::RegexBuilder::new(&joined)
                .case_insensitive(true)
                .build()
                .map(Some)
                .map_err(|e| format!("field `{field}`: invalid regex: {e}"))
        };
        Ok(DocumentKind {
            id: id.to_string(),
            globs: globs("paths", &spec.paths)?,
            signature: any_of("signature", &spec.signature)?,
            titles: any_of("titles", &spec.titles)?,
            title_globs: globs("title_paths", &spec.title_paths)?,
            spec,
        })
    }

    /// Whether a candidate reads as this kind: its text, when read, says one of the kind's
    /// signature phrases (a folder, an unread file or a kind without a signature always does).
    fn reads_as_kind(&self, body: Option<&FileBody>) -> bool {
        match (&self.signature, body) {
            (Some(signature), Some(FileBody::Text { text, .. })) => signature.is_match(text),
            _ => true,
        }
    }

    /// Files whose title may make them this kind.
    fn titled_candidates<'t>(&self, tree: &'t Tree) -> impl Iterator<Item = &'t String> {
        let matchers = &self.title_globs;
        tree.paths
            .iter()
            .filter(move |p| matchers.iter().any(|g| g.is_match(p.to_ascii_lowercase())))
            .take(MAX_TITLED_FILES)
    }

    /// The first of the titled candidates, read, whose first heading is one of the kind's titles.
    fn titled(&self, tree: &Tree, files: &BTreeMap<String, FileBody>) -> Option<String> {
        let titles = self.titles.as_ref()?;
        self.titled_candidates(tree)
            .find(|path| match files.get(*path) {
                Some(FileBody::Text { text, .. }) => {
                    let doc = Doc::parse(path, text);
                    doc.lines
                        .iter()
                        .find(|l| matches!(l.kind, text::LineKind::Heading(_)))
                        .is_some_and(|h| titles.is_match(&h.text))
                }
                _ => false,
            })
            .cloned()
    }

    fn extensions(&self) -> Vec<&str> {
        if self.spec.extensions.is_empty() {
            TEXT_EXTENSIONS.to_vec()
        } else {
            self.spec.extensions.iter().map(String::as_str).collect()
        }
    }

    /// Where the kind is looked for, in words: ".github/, the root or docs/, then deeper ...".
    pub fn places_phrase(&self) -> String {
        let places: Vec<String> =
            self.places().iter().map(|p| if p.is_empty() { "the root".to_string() } else { format!("{p}/") }).collect();
        let mut phrase = match places.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
            [] => String::new(),
        };
        if !self.spec.paths.is_empty() && self.spec.stems.is_empty() {
            phrase = self.spec.paths.join(", ");
        }
        if self.spec.deeper {
            phrase.push_str(", nor a few levels under doc/, docs/, documentation/ or community/");
        }
        phrase
    }

    /// Whether this kind could be in a folder (`docs/`, `.github/ISSUE_TEMPLATE/`) whose files could
    /// not be listed.
    pub fn could_be_in(&self, folder: &str) -> bool {
        let first = folder.trim_end_matches('/').split('/').next().unwrap_or_default();
        !first.is_empty() && (self.places().contains(&first) || (self.spec.deeper && DEEPER_ROOTS.contains(&first)))
    }

    fn places(&self) -> Vec<&str> {
        match &self.spec.places {
            Some(p) => p.iter().map(String::as_str).collect(),
            None => vec![".github", "", "docs"],
        }
    }

    /// Whether a file or folder name (no directory) names this kind of document.
    pub fn name_matches(&self, name: &str, is_folder: bool) -> bool {
        let lower = name.to_ascii_lowercase();
        if !is_folder && self.spec.prefixes.iter().any(|p| lower.starts_with(p.as_str())) {
            return true;
        }
        let (stem, ext) = if is_folder {
            (lower.as_str(), "")
        } else {
            match lower.rsplit_once('.') {
                Some((s, e)) if !s.is_empty() => (s, e),
                _ => (lower.as_str(), ""),
            }
        };
        if !is_folder && !self.extensions().contains(&ext) {
            return false;
        }
        self.is_stem(stem) || (is_folder && self.spec.folder_stems.iter().any(|s| stem_key(s) == stem_key(stem)))
    }

    /// Whether a URL's path names this kind of document (`.../code-of-conduct.html`, `#codeofconduct`).
    pub fn url_names_kind(&self, url: &str) -> bool {
        self.mentions_a_stem(url_path(url))
    }

    /// Whether a link's last segment is named for this kind, whatever its extension
    /// (`https://numpy.org/code-of-conduct/`, `tokio/CHANGELOG.md`); stricter than
    /// [`Self::url_names_kind`], which a folder or repository named for it satisfies.
    pub fn link_is_named_for(&self, link: &str) -> bool {
        let path = url_path(link.split(['?', '#']).next().unwrap_or(""));
        let Some(last) = path.trim_end_matches('/').rsplit('/').next().filter(|l| !l.is_empty()) else {
            return false;
        };
        self.is_stem(last.rsplit_once('.').map_or(last, |(stem, _)| stem))
    }

    /// Whether a line of prose names this kind by one of its stems ("Contributing:", "our code of
    /// conduct"), separators and case aside.
    pub fn line_names_kind(&self, line: &str) -> bool {
        self.mentions_a_stem(line)
    }

    /// Whether `stem` is one of this kind's stems, separators and case aside.
    fn is_stem(&self, stem: &str) -> bool {
        let key = stem_key(stem);
        self.spec.stems.iter().any(|s| stem_key(s) == key)
    }

    /// Whether `text` holds one of this kind's stems of five letters or more (shorter ones, such as
    /// `coc`, would be found inside other words), separators and case aside.
    fn mentions_a_stem(&self, text: &str) -> bool {
        let key = stem_key(text);
        self.spec.stems.iter().map(|s| stem_key(s)).any(|s| s.len() >= 5 && key.contains(&s))
    }

    /// The rank of a folder for this kind: lower is better; `None` when it is not searched.
    fn place_rank(&self, dir: &str) -> Option<usize> {
        let lower = dir.to_ascii_lowercase();
        let places = self.places();
        if let Some(p) = places.iter().position(|p| *p == lower) {
            return Some(p);
        }
        if self.spec.deeper {
            let first = lower.split('/').next().unwrap_or("");
            let depth = if lower.is_empty() { 0 } else { lower.split('/').count() };
            if DEEPER_ROOTS.contains(&first) && depth <= DEEPER_MAX_DEPTH {
                return Some(places.len() + depth);
            }
        }
        None
    }
}

/// A URL's path (after its host), or a relative link as it is.
fn url_path(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest.split_once('/').map_or("", |(_, path)| path))
}

/// Lower case with separators removed: `CODE-OF-CONDUCT`, `code_of_conduct` → `codeofconduct`.
fn stem_key(stem: &str) -> String {
    stem.chars().filter(|c| !matches!(c, '-' | '_' | '.' | ' ')).flat_map(char::to_lowercase).collect()
}

fn split_dir(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// Where the document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Tree,
    /// Inherited from the owner's `.github` repository, named here.
    Inherited(String),
}

/// A page to judge: the document itself, a page of a folder, the target of a pointer, or a page
/// the document leads to.
#[derive(Debug, Clone)]
pub struct Page<'s> {
    pub path: String,
    pub body: Option<&'s FileBody>,
    /// How a followed page was reached, for the reader: "another contributing guide", or "reached
    /// from CONTRIBUTING.rst → doc/source/dev/index.rst". `None` for the document's own pages.
    pub via: Option<String>,
}

impl Page<'_> {
    pub fn text(&self) -> Option<&str> {
        match self.body {
            Some(FileBody::Text { text, .. }) => Some(text),
            _ => None,
        }
    }
}

/// A document found for a kind.
#[derive(Debug, Clone)]
pub struct Located<'s> {
    /// The path GitHub shows (or the folder's path).
    pub path: String,
    pub origin: Origin,
    pub is_folder: bool,
    /// Other files of the same kind, which GitHub does not show.
    pub others: Vec<String>,
    /// The pages whose text is judged: the file itself, or a folder's pages, plus followed pointers.
    pub pages: Vec<Page<'s>>,
    /// When the file is only a pointer: where it points (an in-tree path or an external URL).
    pub pointer: Option<Pointer>,
    /// Pages in the tree the document leads to, and its other files, read for what it says but
    /// not counted as its own words.
    pub followed: Vec<Page<'s>>,
    /// Pages outside the tree the document sends its readers to, which could not be read.
    pub unread: Vec<Unread>,
}

/// A page a document sends its readers to that is not in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// The page of the document that links to it.
    pub from: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pointer {
    /// Followed to a page in the tree.
    Followed(String),
    /// To a page outside the repository, which could not be read.
    External(String),
}

impl<'s> Located<'s> {
    /// The pages read for what the document says: its own, then those it leads to.
    pub fn all_pages(&self) -> impl Iterator<Item = &Page<'s>> {
        self.pages.iter().chain(&self.followed)
    }

    /// Words of prose in all pages (with the words in comments when `comments` is set).
    pub fn words(&self, comments: bool) -> usize {
        self.pages
            .iter()
            .filter_map(|p| p.text().map(|t| (&p.path, t)))
            .map(|(path, t)| if comments { text::count_words(t) } else { Doc::parse(path, t).prose_words() })
            .sum()
    }

    pub fn describe_path(&self) -> String {
        let base = match &self.origin {
            Origin::Tree => self.path.clone(),
            Origin::Inherited(from) => format!("{} (inherited from {from})", self.path),
        };
        if self.is_folder { format!("{base}/ (a folder of {} pages)", self.pages.len()) } else { base }
    }
}

/// Folders holding another project's files: a vendored theme's CHANGELOG.md is not this project's.
const VENDORED: &[&str] = &[
    "vendor",
    "vendored",
    "_vendor",
    "third_party",
    "third-party",
    "thirdparty",
    "node_modules",
    "themes",
    "_themes",
    "external",
    "extern",
];
/// Files that make a folder a package of its own, whose documents are that package's.
const PACKAGE_MANIFESTS: &[&str] =
    &["package.json", "Cargo.toml", "pyproject.toml", "setup.py", "go.mod", "composer.json"];

/// Whether a folder below the places searched first belongs to another project: a vendored folder
/// on its way, or a package manifest of its own.
fn is_vendored(tree: &Tree, dir: &str) -> bool {
    let lower = dir.to_ascii_lowercase();
    // A documentation root with its own package.json builds the site: only deeper folders count.
    lower.split('/').any(|segment| VENDORED.contains(&segment))
        || (dir.matches('/').count() >= 1
            && PACKAGE_MANIFESTS.iter().any(|m| {
                let manifest = format!("{dir}/{m}");
                tree.paths.contains(&manifest)
            }))
}

/// The candidates that read as the kind (a file whose text lacks its signature is something else),
/// then, when there is none by name, a file whose title makes it one: best first, (path, is_folder).
fn kind_candidates(kind: &DocumentKind, tree: &Tree, files: &BTreeMap<String, FileBody>) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> =
        candidates(kind, tree).into_iter().filter(|(p, folder)| *folder || kind.reads_as_kind(files.get(p))).collect();
    if found.is_empty() {
        found.extend(kind.titled(tree, files).map(|p| (p, false)));
    }
    found
}

/// Candidates for a kind in a tree, best first: (path, is_folder).
fn candidates(kind: &DocumentKind, tree: &Tree) -> Vec<(String, bool)> {
    let mut found: Vec<(usize, usize, String, bool)> = Vec::new();
    let exts = kind.extensions();
    let first_places = kind.places().len();
    for path in &tree.paths {
        let (dir, name) = split_dir(path);
        let lower = path.to_ascii_lowercase();
        if kind.globs.iter().any(|g| g.is_match(&lower)) {
            found.push((0, 0, path.clone(), false));
            continue;
        }
        if kind.name_matches(name, false) {
            if let Some(rank) = kind.place_rank(dir).filter(|&r| r < first_places || !is_vendored(tree, dir)) {
                let ext = name.to_ascii_lowercase().rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_default();
                let ext_rank = exts.iter().position(|e| *e == ext).unwrap_or(exts.len());
                found.push((rank, ext_rank, path.clone(), false));
            }
        }
    }
    if kind.spec.folder {
        let mut folders: BTreeSet<&str> = BTreeSet::new();
        for path in &tree.paths {
            let mut dir = split_dir(path).0;
            while !dir.is_empty() {
                folders.insert(dir);
                dir = split_dir(dir).0;
            }
        }
        for folder in folders {
            let (parent, name) = split_dir(folder);
            // A folder named only by a folder stem (`release/`) holds notes one page per version,
            // not a lone README about making releases.
            let least_pages = if kind.is_stem(name) { 1 } else { 2 };
            if kind.name_matches(name, true) && folder_pages(tree, folder, &exts).len() >= least_pages {
                if let Some(rank) = kind.place_rank(parent).filter(|&r| r < first_places || !is_vendored(tree, folder))
                {
                    found.push((rank, exts.len() + 1, folder.to_string(), true));
                }
            }
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.2 == b.2);
    found.into_iter().map(|(_, _, p, f)| (p, f)).collect()
}

/// Text pages inside a folder (any depth), index pages first.
fn folder_pages(tree: &Tree, folder: &str, exts: &[&str]) -> Vec<String> {
    let prefix = format!("{folder}/");
    let mut pages: Vec<&String> = tree
        .paths
        .iter()
        .filter(|p| p.starts_with(&prefix))
        .filter(|p| {
            let name = split_dir(p).1.to_ascii_lowercase();
            let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            !ext.is_empty() && exts.contains(&ext)
        })
        .collect();
    pages.sort_by_key(|p| {
        let name = split_dir(p).1.to_ascii_lowercase();
        (!(name.starts_with("index") || name.starts_with("readme")), p.matches('/').count(), (*p).clone())
    });
    pages.into_iter().take(FOLDER_MAX_PAGES).cloned().collect()
}

/// The paths whose bodies rules need for the given kinds: each kind's first candidate (or a
/// folder's pages), and every other path matching `extra` globs (workflows, config).
pub fn paths_to_read(kinds: &BTreeMap<String, DocumentKind>, tree: &Tree) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for kind in kinds.values() {
        let found = candidates(kind, tree);
        out.extend(kind.titled_candidates(tree).cloned());
        if kind.spec.all {
            out.extend(found.into_iter().filter(|(_, f)| !f).map(|(p, _)| p));
        } else if let Some((path, is_folder)) = found.into_iter().next() {
            if is_folder {
                out.extend(folder_pages(tree, &path, &kind.extensions()));
            } else {
                out.insert(path);
            }
        }
    }
    out
}

/// Pages that the first-read documents lead to (a pointer's target, the pages of a guide split
/// over several files), which a second pass of collection should read.
pub fn pointer_targets(
    kinds: &BTreeMap<String, DocumentKind>,
    tree: &Tree,
    files: &BTreeMap<String, FileBody>,
    repository: Option<&str>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let site = Site::new(tree, repository);
    let source = Source { tree, files, site: &site };
    for kind in kinds.values().filter(|k| !k.spec.all) {
        let same_kind = kind_candidates(kind, tree, files);
        let Some((path, is_folder)) = same_kind.first().cloned() else { continue };
        let others = same_kind[1..].iter().filter(|(_, folder)| !folder).map(|(p, _)| p.clone()).collect();
        let found = build(kind, &source, &same_kind, path, is_folder, Origin::Tree, others);
        out.extend(found.all_pages().map(|p| p.path.clone()).filter(|p| !files.contains_key(p)));
    }
    out
}

/// Finds the document of a kind in a snapshot, falling back to the inherited files. `site` is the
/// snapshot's tree, indexed once for every kind looked for.
pub fn locate<'s>(kind: &DocumentKind, snap: &'s Snapshot, site: &Site<'s>) -> Option<Located<'s>> {
    let tree_candidates =
        if kind.spec.all { candidates(kind, &snap.tree) } else { kind_candidates(kind, &snap.tree, &snap.files) };
    if let Some((path, is_folder)) = tree_candidates.first().cloned() {
        if kind.spec.all {
            let pages = tree_candidates
                .iter()
                .map(|(p, _)| Page { path: p.clone(), body: snap.files.get(p), via: None })
                .collect();
            return Some(Located {
                path,
                origin: Origin::Tree,
                is_folder: false,
                others: Vec::new(),
                pages,
                pointer: None,
                followed: Vec::new(),
                unread: Vec::new(),
            });
        }
        let others = tree_candidates[1..].iter().map(|(p, _)| p.clone()).collect();
        let source = Source { tree: &snap.tree, files: &snap.files, site };
        let mut found = build(kind, &source, &tree_candidates, path, is_folder, Origin::Tree, others);
        // Pages read as part of the document (a pointer's target, linked chapters) are not others.
        let read: Vec<String> = found.pages.iter().map(|p| p.path.clone()).collect();
        found.others.retain(|o| !read.iter().any(|p| p == o || p.starts_with(&format!("{o}/"))));
        return Some(found);
    }
    if kind.spec.org_fallback {
        if let Some(inh) = &snap.inherited {
            let inh_candidates = candidates(kind, &inh.tree);
            // GitHub only falls back to the places it searches itself, not deeper pages.
            if let Some((path, is_folder)) =
                inh_candidates.iter().find(|(p, _)| kind.place_rank(split_dir(p).0).is_some_and(|r| r < 3)).cloned()
            {
                let origin = Origin::Inherited(inh.from.clone());
                let inherited_site = Site::new(&inh.tree, Some(&inh.from));
                let source = Source { tree: &inh.tree, files: &inh.files, site: &inherited_site };
                return Some(build(kind, &source, &inh_candidates, path, is_folder, origin, Vec::new()));
            }
        }
    }
    None
}

/// A tree with the bodies read from it, and its index with the repository it belongs to (for its
/// own GitHub and documentation-site URLs).
struct Source<'a, 's> {
    tree: &'s Tree,
    files: &'s BTreeMap<String, FileBody>,
    site: &'a Site<'s>,
}

/// The document at `path`, among `same_kind` (every candidate of its kind in the source's tree).
fn build<'s>(
    kind: &DocumentKind,
    source: &Source<'_, 's>,
    same_kind: &[(String, bool)],
    path: String,
    is_folder: bool,
    origin: Origin,
    others: Vec<String>,
) -> Located<'s> {
    let mut pages = Vec::new();
    let mut pointer = None;
    if is_folder {
        for page in folder_pages(source.tree, &path, &kind.extensions()) {
            pages.push(Page { body: source.files.get(&page), path: page, via: None });
        }
    } else {
        let body = source.files.get(&path);
        let mut extra = Vec::new();
        if let Some(FileBody::Text { text, .. }) = body {
            (pointer, extra) = followed(kind, source, same_kind, &path, text);
        }
        pages.push(Page { path: path.clone(), body, via: None });
        pages.extend(extra.into_iter().map(|p| Page { body: source.files.get(&p), path: p, via: None }));
    }
    let mut found =
        Located { path, origin, is_folder, others, pages, pointer, followed: Vec::new(), unread: Vec::new() };
    if kind.spec.follow {
        follow(kind, source, &mut found);
    }
    found
}

/// Pages read with a document for what it says, besides its own.
const MAX_FOLLOWED_PAGES: usize = 40;
/// Links from the document to a page, and from that page to another: as far as a reader goes.
const MAX_HOPS: usize = 2;
/// Rounds of reading a collector needs after the first to have every page followed: the other
/// files and pointer targets, then each hop.
pub const FOLLOW_ROUNDS: usize = MAX_HOPS + 1;

/// Reads, with a document, its other files of the same kind (GitHub shows one; a fact in another
/// still counts) and the pages its pages lead to in the tree, two hops at most; notes the pages it
/// sends readers to outside the tree.
fn follow<'s>(kind: &DocumentKind, source: &Source<'_, 's>, found: &mut Located<'s>) {
    let site = source.site;
    let mut seen: BTreeSet<String> = found.pages.iter().map(|p| p.path.clone()).collect();
    let mut add = |path: &str, via: String, followed: &mut Vec<Page<'s>>| {
        if followed.len() < MAX_FOLLOWED_PAGES && seen.insert(path.to_string()) {
            followed.push(Page { path: path.to_string(), body: source.files.get(path), via: Some(via) });
        }
    };
    for other in found.others.iter().filter(|o| source.tree.paths.contains(o)) {
        add(other, format!("another {}; GitHub shows {}", kind.spec.name, found.path), &mut found.followed);
    }
    // The README's own way to the document: "for contributing code, the developer docs have a guide".
    for (readme, page) in readme_leads_to(kind, source) {
        add(&page, format!("the page {readme} sends readers to for the {}", kind.spec.name), &mut found.followed);
    }
    // Each page to read leads on, with the route that reached it.
    let mut frontier: Vec<(String, Vec<String>)> = found
        .pages
        .iter()
        .map(|p| (p.path.clone(), Vec::new()))
        .chain(found.followed.iter().map(|p| (p.path.clone(), Vec::new())))
        .collect();
    for _ in 0..MAX_HOPS {
        let mut next = Vec::new();
        for (path, route) in frontier {
            let Some(FileBody::Text { text, .. }) = source.files.get(&path) else { continue };
            let doc = Doc::parse(&path, text);
            let short = doc.prose_words() <= POINTER_MAX_WORDS;
            let mut route = route;
            route.push(path.clone());
            // A page of a documentation site is read with its section's table of contents, which the
            // site shows beside it (`doc/contribute/index.rst` for `doc/contribute/contributing.rst`).
            let section_index = route.len() > 1 || found.pages.iter().all(|p| p.path != path);
            let index = section_index.then(|| section_index_of(&path, site)).flatten();
            let leads = site.leads(&path, &doc, text).into_iter().chain(index.map(|i| (0, Lead::Page(i))));
            for (line, lead) in leads {
                match lead {
                    Lead::Page(page) => {
                        let before = found.followed.len();
                        add(&page, format!("reached from {}", route.join(" → ")), &mut found.followed);
                        if found.followed.len() > before {
                            next.push((page, route.clone()));
                        }
                    }
                    Lead::Elsewhere(url)
                        if is_guide_url(kind, site, &url, short, line <= OPENING_LINES)
                            && !is_attribution(&doc, line) =>
                    {
                        let unread = Unread { from: path.clone(), url };
                        if !found.unread.contains(&unread) {
                            found.unread.push(unread);
                        }
                    }
                    Lead::Elsewhere(_) => {}
                }
            }
        }
        frontier = next;
    }
}

static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(adapted|derived|based on|inspired by|attribution|credits?|licen[cs]ed under)\b").unwrap()
});

/// A credit to the text a document was adapted from ("adapted from the Contributor Covenant,
/// available at ..."), on the link's line or in an "Attribution" section: not where to read more.
pub fn is_attribution(doc: &Doc, line: usize) -> bool {
    let index = line.saturating_sub(1);
    let said_here = doc.lines.get(index).is_some_and(|l| ATTRIBUTION.is_match(&l.text));
    said_here || doc.heading_chain(index).into_iter().any(|h| ATTRIBUTION.is_match(&doc.lines[h].text))
}

/// Pages in the tree that the root README links to on a line naming the kind (or the line before:
/// the link often wraps onto the next one).
fn readme_leads_to(kind: &DocumentKind, source: &Source<'_, '_>) -> Vec<(String, String)> {
    let site = source.site;
    let readmes = source.files.iter().filter(|(p, _)| !p.contains('/') && p.to_ascii_lowercase().starts_with("readme"));
    let mut out = Vec::new();
    for (path, body) in readmes {
        let FileBody::Text { text, .. } = body else { continue };
        let doc = Doc::parse(path, text);
        let names_kind = |line: usize| {
            let at = |i: usize| doc.lines.get(i).is_some_and(|l| kind.line_names_kind(&l.text));
            at(line.saturating_sub(1)) || (line >= 2 && at(line - 2))
        };
        for (line, lead) in site.leads(path, &doc, text) {
            if let Lead::Page(page) = lead {
                if names_kind(line) {
                    out.push((path.clone(), page));
                }
            }
        }
    }
    out
}

/// The index page of the folder a documentation page is in, when it is not the page itself.
fn section_index_of(path: &str, site: &Site<'_>) -> Option<String> {
    let (dir, _) = path.rsplit_once('/').filter(|(dir, _)| !is_docs_root(dir))?;
    site.resolve(dir).filter(|index| index != path)
}

/// A URL segment naming a version of the documentation rather than a page.
fn is_version_segment(segment: &str) -> bool {
    matches!(segment, "dev" | "devdocs" | "latest" | "stable" | "main" | "master" | "en" | "docs" | "doc")
        || segment.starts_with(|c: char| c.is_ascii_digit())
}

/// The opening lines of a page, where it says what it adopts or where it really lives.
const OPENING_LINES: usize = 12;

/// Where a reader would go for what the document does not say itself: on the project's own site, a
/// page named for the document's kind or marked by its URL as covering it (`.../devdocs/dev/`), or any
/// page when the document is only a pointer; elsewhere (a foundation's code of conduct, an
/// organisation's shared guide on GitHub), a page named for the kind that a pointer, or the opening
/// of the document, sends readers to. A full document citing another in passing ("the definition in
/// the Citizen Code of Conduct") still says what it says. Never GitHub's tracker or graphs.
fn is_guide_url(kind: &DocumentKind, site: &Site<'_>, url: &str, pointer: bool, opening: bool) -> bool {
    let Some((host, path)) = host_and_path(url) else { return false };
    if host == "github.com" || host.ends_with(".github.com") {
        return (pointer || opening) && text::github_file_url(url).is_some() && kind.url_names_kind(url);
    }
    let mut words: Vec<String> =
        path.to_ascii_lowercase().split(['/', '-', '_', '.']).filter(|w| !w.is_empty()).map(String::from).collect();
    // The documentation's front page of a version (`/dev/index.html`, `/en/latest/`) is not a guide.
    while words.last().is_some_and(|w| matches!(w.as_str(), "index" | "html" | "htm")) {
        words.pop();
    }
    if words.last().is_some_and(|w| is_version_segment(w)) {
        words.clear();
    }
    if site.is_projects_host(&host) {
        return pointer || kind.url_names_kind(url) || kind.spec.lead_words.iter().any(|lw| words.contains(lw));
    }
    (pointer || opening) && kind.url_names_kind(url)
}

/// Most linked pages of a guide split over several files that are read with it.
const MAX_LINKED_PAGES: usize = FOLDER_MAX_PAGES;

/// Where a document leads: whether it is only a pointer, and the in-tree pages to judge with it
/// (the pointer's target, or the pages of the same kind it links to, such as the chapters of a
/// contributing guide kept under `docs/contributing/`).
fn followed(
    kind: &DocumentKind,
    source: &Source<'_, '_>,
    same_kind: &[(String, bool)],
    path: &str,
    text: &str,
) -> (Option<Pointer>, Vec<String>) {
    let (tree, site, repository) = (source.tree, source.site, source.site.repository());
    let doc = Doc::parse(path, text);
    let pointer = match pointer_of(kind, site, path, &doc) {
        // The site a pointer names is often built from pages in this very tree.
        Some(Pointer::External(url)) if kind.url_names_kind(&url) => match same_kind.iter().find(|(p, _)| p != path) {
            Some((other, _)) => Some(Pointer::Followed(other.clone())),
            None => Some(Pointer::External(url)),
        },
        other => other,
    };
    let expand = |target: &str| -> Vec<String> {
        match same_kind.iter().find(|(p, folder)| *folder && p == target) {
            Some(_) => folder_pages(tree, target, &kind.extensions()),
            None => vec![target.to_string()],
        }
    };
    if let Some(Pointer::Followed(target)) = &pointer {
        return (pointer.clone(), expand(target));
    }
    let mut pages: Vec<String> = Vec::new();
    for (_, link) in doc.links() {
        let Some(target) = text::link_to_repo_path(path, &link, repository).and_then(|t| site.resolve(&t)) else {
            continue;
        };
        let lower = target.to_ascii_lowercase();
        // A link into a folder of pages of this kind brings the whole folder: it is the guide.
        let linked: Vec<String> = same_kind
            .iter()
            .filter_map(|(p, folder)| {
                let p_lower = p.to_ascii_lowercase();
                if p_lower == lower {
                    Some(vec![target.clone()])
                } else if *folder && lower.starts_with(&format!("{p_lower}/")) {
                    Some(expand(p))
                } else {
                    None
                }
            })
            .flatten()
            .collect();
        for page in linked {
            if page != path && !pages.contains(&page) {
                pages.push(page);
            }
        }
    }
    pages.truncate(MAX_LINKED_PAGES);
    (pointer, pages)
}

/// Whether a short file only points elsewhere, and where: to a page in the tree if it links to
/// one, else to a page outside the repository.
fn pointer_of(kind: &DocumentKind, site: &Site<'_>, path: &str, doc: &Doc) -> Option<Pointer> {
    let repository = site.repository();
    let words = doc.prose_words();
    if words > POINTER_MAX_WORDS {
        return None;
    }
    let links: Vec<String> = doc.links().into_iter().map(|(_, t)| t).collect();
    // A link into the tree, or to the project's documentation site built from a page of the tree.
    let in_tree: Vec<String> = links
        .iter()
        .filter_map(|t| {
            text::link_to_repo_path(path, t, repository)
                .and_then(|t| site.resolve(&t))
                .or_else(|| text::is_external(t).then(|| site.page_for_url(t)).flatten())
        })
        .filter(|t| t != path)
        .collect();
    // Prefer a target named like the document (`docs/code-of-conduct.md`).
    let target = in_tree
        .iter()
        .find(|t| kind.name_matches(split_dir(t).1, false))
        .or_else(|| in_tree.first().filter(|_| words <= POINTER_ANY_TARGET_MAX_WORDS));
    if let Some(target) = target {
        return Some(Pointer::Followed(target.clone()));
    }
    // A short file linking to a page named like the document (a code of conduct on the project's
    // site) points there; a short file linking elsewhere is just short.
    links
        .into_iter()
        .filter(|t| is_web_page(t) && link_to_repo_elsewhere(t, repository))
        .find(|t| kind.url_names_kind(t) || words <= POINTER_ANY_TARGET_MAX_WORDS)
        .map(Pointer::External)
}

/// A URL that is not a file of this same repository (those are followed in the tree instead).
fn link_to_repo_elsewhere(url: &str, repository: Option<&str>) -> bool {
    text::link_to_repo_path("", url, repository).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(toml_src: &str) -> DocumentKind {
        DocumentKind::new("k", toml::from_str(toml_src).unwrap()).unwrap()
    }

    fn tree(paths: &[&str]) -> Tree {
        Tree { paths: paths.iter().map(|s| s.to_string()).collect(), truncated: false }
    }

    fn coc() -> DocumentKind {
        kind("name = 'code of conduct'\nstems = ['code_of_conduct', 'conduct']\ndeeper = true\norg_fallback = true")
    }

    #[test]
    fn a_link_is_named_for_a_kind_by_its_last_segment() {
        for named in [
            "https://numpy.org/code-of-conduct/",
            "https://github.com/jupyter/governance/blob/main/conduct/code_of_conduct.md",
            "docs/CODE_OF_CONDUCT.rst#reporting",
            "https://example.org/conduct.html?lang=en",
        ] {
            assert!(coc().link_is_named_for(named), "{named}");
        }
        for other in
            ["https://acme.example/", "conduct-tools/setup.md", "https://github.com/conduct/tools/blob/main/a.md"]
        {
            assert!(!coc().link_is_named_for(other), "{other}");
        }
    }

    #[test]
    fn github_order_github_dir_then_root_then_docs() {
        let t = tree(&["docs/CODE_OF_CONDUCT.md", "CODE_OF_CONDUCT.md", ".github/code-of-conduct.md"]);
        let c = candidates(&coc(), &t);
        assert_eq!(c[0].0, ".github/code-of-conduct.md");
        assert_eq!(c[1].0, "CODE_OF_CONDUCT.md");
        assert_eq!(c[2].0, "docs/CODE_OF_CONDUCT.md");
    }

    #[test]
    fn names_in_any_case_and_separator() {
        let k = coc();
        for name in ["CODE-OF-CONDUCT", "code_of_conduct.MD", "CodeOfConduct.rst", "CONDUCT.md"] {
            assert!(k.name_matches(name, false), "{name}");
        }
        for name in ["code-of-conduct-tooling.md", "code_of_conduct.py", "conduct.png"] {
            assert!(!k.name_matches(name, false), "{name}");
        }
    }

    #[test]
    fn deeper_places_rank_after_github_places_and_others_are_ignored() {
        let t = tree(&["doc/dev/code_of_conduct.rst", "src/conduct.md", "tests/fixtures/x/CODE_OF_CONDUCT.md"]);
        let c = candidates(&coc(), &t);
        assert_eq!(c, vec![("doc/dev/code_of_conduct.rst".to_string(), false)]);
    }

    #[test]
    fn licence_prefixes_without_bundled_licences() {
        let k = kind(
            "name = 'licence'\nstems = ['license', 'licence', 'copying']\nprefixes = ['license-', 'licence-']\nplaces = ['']",
        );
        let c = candidates(&k, &tree(&["LICENSES_bundled.txt", "licenses/MIT.txt", "LICENSE-MIT", "LICENSE-APACHE"]));
        assert_eq!(c.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), vec!["LICENSE-APACHE", "LICENSE-MIT"]);
    }

    #[test]
    fn folder_of_pages_counts_only_with_text_pages() {
        let k = kind("name = 'contributing'\nstems = ['contributing']\nfolder = true\ndeeper = true");
        let c = candidates(&k, &tree(&["docs/contributing/index.md", "docs/contributing/setup.md"]));
        assert_eq!(c, vec![("docs/contributing".to_string(), true)]);
        let none = candidates(&k, &tree(&["docs/contributing/diagram.png"]));
        assert!(none.is_empty());
    }

    #[test]
    fn words_are_counted_in_each_page_by_its_own_format() {
        let unreadable = FileBody::Unreadable { reason: "binary".into() };
        let rst = FileBody::Text { text: "Run it::\n\n    pytest now\n".into(), truncated: false };
        let found = Located {
            path: "docs".into(),
            origin: Origin::Tree,
            is_folder: true,
            others: vec![],
            pages: vec![
                Page { path: "docs/a.png".into(), body: Some(&unreadable), via: None },
                Page { path: "docs/b.rst".into(), body: Some(&rst), via: None },
            ],
            pointer: None,
            followed: Vec::new(),
            unread: Vec::new(),
        };
        // As reStructuredText the indented block is code: two words. Read by the unreadable page's
        // path (Markdown), the block would count as prose: four.
        assert_eq!(found.words(false), 2);
    }

    #[test]
    fn release_notes_folders_count_and_vendored_changelogs_do_not() {
        let changelog = kind(
            "name = 'changelog'\nstems = ['changelog', 'changes']\nfolder_stems = ['release']\nfolder = true\ndeeper = true",
        );
        let c = candidates(&changelog, &tree(&["doc/release/1.0.rst", "doc/release/1.1.rst"]));
        assert_eq!(c, vec![("doc/release".to_string(), true)]);
        // A lone README about making releases is not release notes.
        assert!(candidates(&changelog, &tree(&["release/README.md", "release/make.sh"])).is_empty());
        let vendored =
            ["docs/_themes/sphinx_rtd/CHANGELOG.md", "docs/vendor/lib/CHANGES.md", "doc/ext/plot/CHANGELOG.md"];
        let mut paths = vendored.to_vec();
        paths.push("doc/ext/plot/package.json");
        assert!(candidates(&changelog, &tree(&paths)).is_empty(), "{:?}", candidates(&changelog, &tree(&paths)));
    }
}
