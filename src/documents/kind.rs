//! Kinds of community document and the names they go by: what a code of conduct or a contributing
//! guide is called (stems, prefixes, extensions, globs, titles), where each is searched (GitHub's
//! places, deeper documentation folders, folders of pages), and the candidates a tree holds, best
//! first.

use std::collections::{BTreeMap, BTreeSet};

use globset::{Glob, GlobMatcher};
use regex::Regex;
use serde::Deserialize;

use crate::documents::text::{Doc, LineKind};
use crate::snapshot::{FileBody, Tree};

/// Folders below which real projects keep community pages (searched a few levels deep).
const DEEPER_ROOTS: &[&str] = &["doc", "docs", "documentation", "community", "governance", ".github", "wiki"];
const DEEPER_MAX_DEPTH: usize = 4;
/// A folder of pages counts with at most this many pages read.
pub(super) const FOLDER_MAX_PAGES: usize = 20;
/// The most files read for their titles, per kind.
const MAX_TITLED_FILES: usize = 40;
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
    pub(super) fn titled_candidates<'t>(&self, tree: &'t Tree) -> impl Iterator<Item = &'t String> {
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
                        .find(|l| matches!(l.kind, LineKind::Heading(_)))
                        .is_some_and(|h| titles.is_match(&h.text))
                }
                _ => false,
            })
            .cloned()
    }

    pub(super) fn extensions(&self) -> Vec<&str> {
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
    pub(super) fn place_rank(&self, dir: &str) -> Option<usize> {
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

pub(super) fn split_dir(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
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
pub(super) fn kind_candidates(
    kind: &DocumentKind,
    tree: &Tree,
    files: &BTreeMap<String, FileBody>,
) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> =
        candidates(kind, tree).into_iter().filter(|(p, folder)| *folder || kind.reads_as_kind(files.get(p))).collect();
    if found.is_empty() {
        found.extend(kind.titled(tree, files).map(|p| (p, false)));
    }
    found
}

/// Candidates for a kind in a tree, best first: (path, is_folder).
pub(super) fn candidates(kind: &DocumentKind, tree: &Tree) -> Vec<(String, bool)> {
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
pub(super) fn folder_pages(tree: &Tree, folder: &str, exts: &[&str]) -> Vec<String> {
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
