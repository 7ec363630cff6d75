//! Pages that stand for a document: a short file that only points to the real page, and the
//! chapters of a guide split over several files of its kind.

use crate::documents::kind::{DocumentKind, FOLDER_MAX_PAGES, folder_pages, split_dir};
use crate::documents::leads::{Site, is_web_page};
use crate::documents::page::Source;
use crate::documents::text::{self, Doc};

/// A file with no more words than this, and a link, is a pointer to the real page.
pub(super) const POINTER_MAX_WORDS: usize = 40;
/// A pointer to an in-tree page not named like the document must be shorter still (a README
/// with a link to its docs is not a pointer).
const POINTER_ANY_TARGET_MAX_WORDS: usize = 12;

/// Where a file that only points elsewhere points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pointer {
    /// Followed to a page in the tree.
    Followed(String),
    /// To a page outside the repository, which could not be read.
    External(String),
}

/// Most linked pages of a guide split over several files that are read with it.
const MAX_LINKED_PAGES: usize = FOLDER_MAX_PAGES;

/// Where a document leads: whether it is only a pointer, and the in-tree pages to judge with it
/// (the pointer's target, or the pages of the same kind it links to, such as the chapters of a
/// contributing guide kept under `docs/contributing/`).
pub(super) fn pointer_and_chapters(
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
