//! Where a community document is: the best candidate of its kind in the tree (GitHub's lookup
//! order first), or the owner's `.github` repository's; the pages read as the document (a folder's
//! pages, a pointer's target) and those it leads to; and what a collector must read for it.

use std::collections::{BTreeMap, BTreeSet};

use crate::documents::follow::{MAX_HOPS, Unread, follow};
use crate::documents::kind::{DocumentKind, candidates, folder_pages, kind_candidates, split_dir};
use crate::documents::leads::Site;
use crate::documents::page::{Page, Source};
use crate::documents::pointer::{Pointer, pointer_and_chapters};
use crate::documents::text::{self, Doc};
use crate::snapshot::{FileBody, Snapshot, Tree};

/// Where the document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Tree,
    /// Inherited from the owner's `.github` repository, named here.
    Inherited(String),
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

    /// "CODE_OF_CONDUCT.md (inherited from acme/.github)", ".github/ISSUE_TEMPLATE/ (a folder of
    /// 2 pages)".
    pub fn describe_path(&self) -> String {
        let mut notes = Vec::new();
        if self.is_folder {
            notes.push(format!("a folder of {}", crate::plain_text::count(self.pages.len() as u64, "page")));
        }
        if let Origin::Inherited(from) = &self.origin {
            notes.push(format!("inherited from {from}"));
        }
        let path = if self.is_folder { format!("{}/", self.path) } else { self.path.clone() };
        if notes.is_empty() { path } else { format!("{path} ({})", notes.join(", ")) }
    }
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

/// Rounds of reading a collector needs after the first to have every page followed: the other
/// files and pointer targets, then each hop.
pub const FOLLOW_ROUNDS: usize = MAX_HOPS + 1;

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
            (pointer, extra) = pointer_and_chapters(kind, source, same_kind, &path, text);
        }
        pages.push(Page { path: path.clone(), body, via: None });
        pages.extend(extra.into_iter().map(|p| Page { body: source.files.get(&p), path: p, via: None }));
    }
    let mut found =
        Located { path, origin, is_folder, others, pages, pointer, followed: Vec::new(), unread: Vec::new() };
    if kind.spec.follow {
        let followed = follow(kind, source, &found.path, &found.pages, &found.others);
        (found.followed, found.unread) = (followed.pages, followed.unread);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
