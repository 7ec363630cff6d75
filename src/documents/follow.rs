//! Following a document to the pages it leads to: its other files of the same kind, the page the
//! README sends readers to for it, and the links of each page read, two hops at most; the pages
//! outside the tree it sends readers to are noted, not read.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::documents::kind::DocumentKind;
use crate::documents::leads::{Lead, Site, host_and_path, is_docs_root};
use crate::documents::page::{Page, Source};
use crate::documents::pointer::POINTER_MAX_WORDS;
use crate::documents::text::{self, Doc};
use crate::snapshot::FileBody;

/// A page a document sends its readers to that is not in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// The page of the document that links to it.
    pub from: String,
    pub url: String,
}

/// What following a document finds besides its own pages.
pub(super) struct Followed<'s> {
    /// Pages in the tree, read for what the document says.
    pub pages: Vec<Page<'s>>,
    /// Pages outside the tree it sends its readers to.
    pub unread: Vec<Unread>,
}

/// Pages read with a document for what it says, besides its own.
const MAX_FOLLOWED_PAGES: usize = 40;
/// Links from the document to a page, and from that page to another: as far as a reader goes.
pub(super) const MAX_HOPS: usize = 2;

/// Reads, with a document, its other files of the same kind (GitHub shows one; a fact in another
/// still counts) and the pages its pages lead to in the tree, two hops at most; notes the pages it
/// sends readers to outside the tree. `document` is the path GitHub shows, `own` the pages read as
/// the document, `others` its other files.
pub(super) fn follow<'s>(
    kind: &DocumentKind,
    source: &Source<'_, 's>,
    document: &str,
    own: &[Page<'s>],
    others: &[String],
) -> Followed<'s> {
    let site = source.site;
    let mut found = Followed { pages: Vec::new(), unread: Vec::new() };
    let mut seen: BTreeSet<String> = own.iter().map(|p| p.path.clone()).collect();
    let mut add = |path: &str, via: String, followed: &mut Vec<Page<'s>>| {
        if followed.len() < MAX_FOLLOWED_PAGES && seen.insert(path.to_string()) {
            followed.push(Page { path: path.to_string(), body: source.files.get(path), via: Some(via) });
        }
    };
    for other in others.iter().filter(|o| source.tree.paths.contains(o)) {
        add(other, format!("another {}; GitHub shows {document}", kind.spec.name), &mut found.pages);
    }
    // The README's own way to the document: "for contributing code, the developer docs have a guide".
    for (readme, page) in readme_leads_to(kind, source) {
        add(&page, format!("the page {readme} sends readers to for the {}", kind.spec.name), &mut found.pages);
    }
    // Each page to read leads on, with the route that reached it.
    let mut frontier: Vec<(String, Vec<String>)> =
        own.iter().chain(&found.pages).map(|p| (p.path.clone(), Vec::new())).collect();
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
            let section_index = route.len() > 1 || own.iter().all(|p| p.path != path);
            let index = section_index.then(|| section_index_of(&path, site)).flatten();
            let leads = site.leads(&path, &doc, text).into_iter().chain(index.map(|i| (0, Lead::Page(i))));
            for (line, lead) in leads {
                match lead {
                    Lead::Page(page) => {
                        let before = found.pages.len();
                        add(&page, format!("reached from {}", route.join(" → ")), &mut found.pages);
                        if found.pages.len() > before {
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
    found
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
