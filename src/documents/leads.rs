//! Where a page sends its readers: links, paths written in prose, Sphinx tables of contents and
//! includes, and documentation-site URLs mapped back to the pages in the tree they are built from
//! (`https://numpy.org/devdocs/dev/index.html` is `doc/source/dev/index.rst`).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::documents::text::{self, Doc};
use crate::snapshot::Tree;

/// Extensions of pages a reader follows; source files and images are not guides.
const PAGE_EXTENSIONS: &[&str] = &["md", "markdown", "mdx", "rst", "txt", "adoc", "asciidoc", "inc"];

/// Folders a documentation site is built from, tried under each URL path's tail.
/// The repository's root comes last: a site's `contributing/` is more often `docs/contributing/`
/// than the root's CONTRIBUTING.md.
const SITE_ROOTS: &[&str] = &[
    "doc",
    "docs",
    "doc/source",
    "docs/source",
    "doc/src",
    "docs/src",
    "doc/en",
    "docs/en",
    "docs/en/docs",
    "documentation",
    "website/docs",
    "site",
    "",
];

/// Hosts that serve many projects' documentation, each under its own name.
const DOCS_HOSTS: &[&str] =
    &[".readthedocs.io", ".readthedocs.org", ".github.io", ".gitlab.io", ".netlify.app", ".pages.dev"];

/// Where a page leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lead {
    /// A page in the tree.
    Page(String),
    /// A page outside the repository, or a site page with no source in the tree: not read.
    Elsewhere(String),
}

/// A tree with a case-insensitive index of its paths, and the repository it is (for its own
/// GitHub and documentation-site URLs).
pub struct Site<'t> {
    index: HashMap<String, &'t str>,
    repository: Option<&'t str>,
}

impl<'t> Site<'t> {
    pub fn new(tree: &'t Tree, repository: Option<&'t str>) -> Self {
        let index = tree.paths.iter().map(|p| (p.to_ascii_lowercase(), p.as_str())).collect();
        Site { index, repository }
    }

    /// The repository the tree is of, when known.
    pub fn repository(&self) -> Option<&'t str> {
        self.repository
    }

    fn exists(&self, path: &str) -> Option<String> {
        self.index.get(&path.to_ascii_lowercase()).map(|p| p.to_string())
    }

    /// The tree page a target lands on: the file itself, with a page extension added (Sphinx's
    /// `:doc:` and toctree entries), or a folder's index page.
    pub fn resolve(&self, target: &str) -> Option<String> {
        let target = target.trim_end_matches('/');
        if target.is_empty() {
            return None;
        }
        if let Some(p) = self.exists(target) {
            return Some(p);
        }
        for ext in ["md", "rst", "txt", "adoc", "mdx"] {
            if let Some(p) = self.exists(&format!("{target}.{ext}")) {
                return Some(p);
            }
        }
        for index in ["index.md", "index.rst", "README.md", "README.rst", "index.mdx", "_index.md"] {
            if let Some(p) = self.exists(&format!("{target}/{index}")) {
                return Some(p);
            }
        }
        // Written from the repository's name or a branch: `scipy/doc/...`, or `../main/doc/...`
        // from `.github/` (a link relative to GitHub's `/blob/main/.github/` page).
        let (first, rest) = target.split_once('/')?;
        let name = self.repository.and_then(|r| r.split('/').nth(1));
        let is_prefix = name.is_some_and(|n| n.eq_ignore_ascii_case(first)) || matches!(first, "main" | "master");
        if is_prefix { self.exists(rest) } else { None }
    }

    /// The page in the tree a documentation-site URL is built from: the longest tail of the URL's
    /// path found under one of the usual documentation folders, on a host that is the project's
    /// (named for its owner or name, or a documentation host).
    pub fn page_for_url(&self, url: &str) -> Option<String> {
        let (host, path) = host_and_path(url)?;
        if !self.is_projects_host(&host) {
            return None;
        }
        let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if let Some(last) = segments.last_mut() {
            for ext in [".html", ".htm", ".php"] {
                if let Some(stem) = last.strip_suffix(ext) {
                    *last = stem;
                }
            }
        }
        if segments.last().is_some_and(|l| l.eq_ignore_ascii_case("index")) {
            segments.pop();
        }
        for start in 0..segments.len() {
            let tail = segments[start..].join("/");
            for root in SITE_ROOTS {
                let candidate = if root.is_empty() { tail.clone() } else { format!("{root}/{tail}") };
                if let Some(page) = self.resolve(&candidate).filter(|p| is_page(p)) {
                    return Some(page);
                }
            }
        }
        None
    }

    /// Whether a host serves this project's pages: named for its owner or name, or a documentation
    /// host; never GitHub itself (its pages of this repository are in the tree or the tracker).
    pub fn is_projects_host(&self, host: &str) -> bool {
        if host == "github.com" || host.ends_with(".github.com") || host == "gist.github.com" {
            return false;
        }
        if DOCS_HOSTS.iter().any(|h| host.ends_with(h)) {
            return true;
        }
        let Some(repository) = self.repository else { return true };
        let squash = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        let host = squash(host);
        repository.split('/').map(squash).filter(|n| n.len() >= 3).any(|name| host.contains(&name))
    }

    /// Where a page sends its readers, with the line each lead is on: links into the tree (relative
    /// or to this repository on GitHub), documentation-site URLs with a source in the tree, paths
    /// named in prose, and Sphinx toctree entries and includes. Other web pages are `Elsewhere`.
    /// `doc` is `body` as parsed for `path` (the callers have parsed it already).
    pub fn leads(&self, path: &str, doc: &Doc, body: &str) -> Vec<(usize, Lead)> {
        let mut out: Vec<(usize, Lead)> = Vec::new();
        let mut push = |line: usize, lead: Lead| {
            if !out.iter().any(|(_, l)| *l == lead) && lead != Lead::Page(path.to_string()) {
                out.push((line, lead));
            }
        };
        for (line, link) in doc.links() {
            if let Some(page) = text::link_to_repo_path(path, &link, self.repository)
                .and_then(|t| self.resolve(&t))
                .or_else(|| text::is_external(&link).then(|| self.page_for_url(&link)).flatten())
            {
                if is_page(&page) {
                    push(line, Lead::Page(page));
                }
            } else if is_web_page(&link) {
                push(line, Lead::Elsewhere(link));
            }
        }
        for (line, target) in written_paths(doc).into_iter().chain(sphinx_entries(path, body)) {
            if let Some(page) = self.resolve(&target).filter(|p| is_page(p)) {
                push(line, Lead::Page(page));
            } else if is_web_page(&target) {
                // A table of contents may list a page of the website ("Team <https://.../team>").
                push(line, Lead::Elsewhere(target));
            }
        }
        out
    }
}

/// Whether a folder is the top of a documentation site (`docs/`, `doc/source/`): its index is the
/// site's front page, not a section's table of contents.
pub fn is_docs_root(dir: &str) -> bool {
    let lower = dir.to_ascii_lowercase();
    SITE_ROOTS.contains(&lower.as_str())
}

fn is_page(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.rsplit_once('.').is_some_and(|(_, ext)| PAGE_EXTENSIONS.contains(&ext))
}

/// An http(s) page, not an image or a badge.
pub fn is_web_page(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !["shields.io", "badge", ".svg", ".png", ".jpg", ".gif"].iter().any(|b| lower.contains(b))
}

/// The host (lower case, without `www.`) and the path of an http(s) URL.
pub fn host_and_path(url: &str) -> Option<(String, String)> {
    let rest = url.split_once("://").map(|(scheme, rest)| {
        (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")).then_some(rest)
    })??;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    Some((host.strip_prefix("www.").unwrap_or(&host).to_string(), path.to_string()))
}

/// Repository paths written in prose or code spans: "see doc/source/dev/development_environment.rst".
static WRITTEN_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[\s(`'\x22])((?:[\w.-]+/)+[\w.-]+\.(?:md|markdown|rst|txt|adoc))\b").unwrap()
});

fn written_paths(doc: &Doc) -> Vec<(usize, String)> {
    doc.lines
        .iter()
        .enumerate()
        .flat_map(|(i, line)| WRITTEN_PATH.captures_iter(&line.text).map(move |c| (i + 1, c[1].to_string())))
        .collect()
}

static TOCTREE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\.\. toctree::").unwrap());
/// MyST's toctree, a fenced directive whose entries are not indented.
static MYST_TOCTREE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(```+|:::+)\s*\{toctree\}").unwrap());
static TOC_ENTRY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s+(?:[^<\s:][^<]*<([^>]+)>|([^\s:][^\s]*))\s*$").unwrap());
/// MkDocs snippets (`--8<-- "CONTRIBUTING.md"`) and MyST includes (`{include} ../CONTRIBUTING.md`).
static SNIPPET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*(?:--8<--\s*["']([^"']+)["']|```\{include\}\s*(\S+))"#).unwrap());

/// Sphinx toctree entries (relative to the page's folder, or to the documentation root when they
/// start with `/`) and MkDocs or MyST includes, as repository paths.
fn sphinx_entries(path: &str, body: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_toctree = false;
    let mut myst_fence: Option<String> = None;
    for (i, line) in body.lines().enumerate() {
        if TOCTREE.is_match(line) {
            in_toctree = true;
            continue;
        }
        if let Some(fence) = &myst_fence {
            let entry = line.trim();
            if entry.starts_with(fence.as_str()) {
                myst_fence = None;
            } else if !entry.is_empty() && !entry.starts_with(':') {
                if let Some(target) = toc_target(path, entry) {
                    out.push((i + 1, target));
                }
            }
            continue;
        }
        if let Some(c) = MYST_TOCTREE.captures(line) {
            myst_fence = Some(c[1].to_string());
            continue;
        }
        if in_toctree {
            if line.trim().is_empty() || line.trim_start().starts_with(':') {
                continue;
            }
            match TOC_ENTRY.captures(line) {
                Some(c) => {
                    let entry = c.get(1).or(c.get(2)).map_or("", |m| m.as_str()).trim();
                    if let Some(target) = toc_target(path, entry) {
                        out.push((i + 1, target));
                    }
                }
                None => in_toctree = false,
            }
        }
        if let Some(c) = SNIPPET.captures(line) {
            let target = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
            if let Some(t) = text::resolve_relative(path, target) {
                out.push((i + 1, t));
            }
        }
    }
    out
}

/// A toctree entry as a repository path: relative to the page's folder, or from the documentation
/// root when it starts with `/` (the folder holding Sphinx's conf.py is not known: the page's own
/// documentation root is taken). "Title <target>" entries give their target; a URL stays one.
fn toc_target(path: &str, entry: &str) -> Option<String> {
    let entry = match (entry.find('<'), entry.ends_with('>')) {
        (Some(open), true) => &entry[open + 1..entry.len() - 1],
        _ => entry,
    };
    if entry.contains("://") {
        return Some(entry.to_string());
    }
    match entry.strip_prefix('/') {
        Some(abs) => Some(docs_root(path).map_or(abs.to_string(), |root| format!("{root}/{abs}"))),
        None => text::resolve_relative(path, entry),
    }
}

/// The documentation root a page sits in: `doc/source` for `doc/source/dev/index.rst`.
fn docs_root(path: &str) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    ["doc/source", "docs/source", "doc/src", "docs/src", "doc", "docs"]
        .iter()
        .find(|root| lower.starts_with(&format!("{root}/")))
        .map(|root| path[..root.len()].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(paths: &[&str]) -> Tree {
        Tree { paths: paths.iter().map(|s| s.to_string()).collect(), truncated: false }
    }

    #[test]
    fn documentation_site_urls_map_to_the_pages_they_are_built_from() {
        let t = tree(&[
            "doc/source/dev/index.rst",
            "doc/source/dev/hacking.rst",
            "docs/dev/contributing.rst",
            "doc/src/contributing/new-contributors-guide/index.md",
            "docs/en/docs/contributing.md",
            "CONTRIBUTING.md",
        ]);
        let numpy = Site::new(&t, Some("numpy/numpy"));
        assert_eq!(
            numpy.page_for_url("https://numpy.org/devdocs/dev/index.html").as_deref(),
            Some("doc/source/dev/index.rst")
        );
        assert_eq!(numpy.page_for_url("https://numpy.org/devdocs/dev/").as_deref(), Some("doc/source/dev/index.rst"));
        let scipy = Site::new(&t, Some("scipy/scipy"));
        assert_eq!(
            scipy.page_for_url("https://scipy.github.io/devdocs/dev/hacking.html").as_deref(),
            Some("doc/source/dev/hacking.rst")
        );
        let requests = Site::new(&t, Some("psf/requests"));
        assert_eq!(
            requests.page_for_url("https://requests.readthedocs.io/en/latest/dev/contributing/").as_deref(),
            Some("docs/dev/contributing.rst")
        );
        let sympy = Site::new(&t, Some("sympy/sympy"));
        assert_eq!(
            sympy.page_for_url("https://docs.sympy.org/dev/contributing/new-contributors-guide/").as_deref(),
            Some("doc/src/contributing/new-contributors-guide/index.md")
        );
        // Another organisation's site is not this project's documentation, whatever its path.
        assert_eq!(numpy.page_for_url("https://www.contributor-covenant.org/dev/index.html"), None);
        assert_eq!(numpy.page_for_url("https://github.com/numpy/numpy/issues"), None);
        // The root's CONTRIBUTING.md is the last resort for a site's `contributing/`.
        assert_eq!(
            numpy.page_for_url("https://numpy.org/doc/contributing/").as_deref(),
            Some("docs/en/docs/contributing.md")
        );
        let root_only = tree(&["CONTRIBUTING.md"]);
        let ruff = Site::new(&root_only, Some("astral-sh/ruff"));
        assert_eq!(ruff.page_for_url("https://docs.astral.sh/ruff/contributing/").as_deref(), Some("CONTRIBUTING.md"));
        // Without a known repository any host may be the project's.
        assert_eq!(
            Site::new(&t, None).page_for_url("https://docs.example.org/contributing/").as_deref(),
            Some("docs/en/docs/contributing.md")
        );
    }

    #[test]
    fn links_resolve_to_index_pages_and_added_extensions() {
        let t = tree(&["docs/dev/index.rst", "docs/support.md"]);
        let site = Site::new(&t, None);
        assert_eq!(site.resolve("docs/dev").as_deref(), Some("docs/dev/index.rst"));
        assert_eq!(site.resolve("docs/support").as_deref(), Some("docs/support.md"));
        assert_eq!(site.resolve("docs/nothing"), None);
    }

    #[test]
    fn a_path_written_from_the_repository_name_or_a_branch_is_found() {
        let t = tree(&["doc/source/dev/conduct/code_of_conduct.rst"]);
        let scipy = Site::new(&t, Some("scipy/scipy"));
        let want = Some("doc/source/dev/conduct/code_of_conduct.rst".to_string());
        assert_eq!(scipy.resolve("scipy/doc/source/dev/conduct/code_of_conduct.rst"), want);
        assert_eq!(scipy.resolve("main/doc/source/dev/conduct/code_of_conduct.rst"), want);
        assert_eq!(scipy.resolve("numpy/doc/source/dev/conduct/code_of_conduct.rst"), None);
    }

    #[test]
    fn leads_are_links_written_paths_toctree_entries_and_unread_pages() {
        let t = tree(&[
            "doc/source/dev/index.rst",
            "doc/source/dev/development_environment.rst",
            "doc/source/dev/conduct/code_of_conduct.rst",
            "README.md",
            "src/lib.rs",
        ]);
        let site = Site::new(&t, Some("numpy/numpy"));
        let contributing = "Welcome!\n\nFor details, please read https://numpy.org/devdocs/dev/index.html and\n\
            see doc/source/dev/development_environment.rst. Chat at https://numpy.zulipchat.com/.\n\
            The code is in [src/lib.rs](src/lib.rs), and [the README](README.md).\n";
        let leads = site.leads("CONTRIBUTING.rst", &Doc::parse("CONTRIBUTING.rst", contributing), contributing);
        assert_eq!(
            leads,
            vec![
                (3, Lead::Page("doc/source/dev/index.rst".into())),
                (4, Lead::Elsewhere("https://numpy.zulipchat.com/".into())),
                (5, Lead::Page("README.md".into())),
                (4, Lead::Page("doc/source/dev/development_environment.rst".into())),
            ]
        );
        let index = "Contributing\n============\n\n.. toctree::\n   :maxdepth: 2\n\n   development_environment\n   Conduct <conduct/code_of_conduct>\n\nMore text.\n";
        let leads = site.leads("doc/source/dev/index.rst", &Doc::parse("doc/source/dev/index.rst", index), index);
        assert_eq!(
            leads,
            vec![
                (7, Lead::Page("doc/source/dev/development_environment.rst".into())),
                (8, Lead::Page("doc/source/dev/conduct/code_of_conduct.rst".into())),
            ]
        );
        let myst = "# Contributing\n\n```{toctree}\n:maxdepth: 1\n\ndevelopment_environment.rst\nconduct/code_of_conduct\n```\n";
        let leads = site.leads("doc/source/dev/index.md", &Doc::parse("doc/source/dev/index.md", myst), myst);
        assert_eq!(
            leads,
            vec![
                (6, Lead::Page("doc/source/dev/development_environment.rst".into())),
                (7, Lead::Page("doc/source/dev/conduct/code_of_conduct.rst".into())),
            ]
        );
    }
}
