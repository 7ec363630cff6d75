//! `file`: a document is present and says something.

use super::Ctx;
use super::Kind;
use crate::documents::leads::Lead;
use crate::documents::locate::Origin;
use crate::documents::pointer::Pointer;
use crate::documents::text::{self, Doc};
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::snapshot::FileBody;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCheck {
    pub document: String,
    /// A file inherited from the owner's `.github` repository counts.
    #[serde(default = "super::yes")]
    pub inherited: bool,
    /// Overrides the document's hollowness threshold.
    pub min_words: Option<usize>,
}

impl Kind for FileCheck {
    fn documents(&self) -> Vec<&str> {
        vec![self.document.as_str()]
    }

    fn describe(&self) -> String {
        format!("the `{}` document", self.document)
    }
}

pub fn check(c: &FileCheck, ctx: &Ctx<'_>) -> Outcome {
    let kind = ctx.kind(&c.document);
    let name = &kind.spec.name;
    let Some(found) = ctx.locate(&c.document) else {
        let mut places = kind.places_phrase();
        if kind.spec.org_fallback && ctx.snap.inherited.is_some() {
            places.push_str(", nor in the owner's .github repository");
        }
        if let Some(outcome) = kept_elsewhere(&c.document, c.min_words, ctx, &places) {
            return outcome;
        }
        // Not listed is not missing when a folder it may be in could not be read.
        if let Some((folder, reason)) =
            ctx.snap.sources.unreadable.iter().find(|(f, _)| f.ends_with('/') && kind.could_be_in(f))
        {
            return Outcome::new(
                Status::Skipped,
                format!("no {name} found in {places}, but {folder} could not be read ({reason})"),
            );
        }
        // Unknown, not missing: the owner's .github repository may hold it.
        if let Some(reason) = ctx.may_be_inherited(&c.document) {
            return Outcome::new(Status::Skipped, format!("no {name} in {places}; {reason}"));
        }
        return Outcome::new(Status::Fail, format!("no {name} found in {places}"));
    };
    if let (Origin::Inherited(from), false) = (&found.origin, c.inherited) {
        return Outcome::new(Status::Fail, format!("no {name} of its own; only {from}'s is inherited")).at(&found.path);
    }
    let mut evidence: Vec<Evidence> = found
        .others
        .iter()
        .map(|o| Evidence::at(o, None, format!("another {name}; GitHub shows {}", found.path)))
        .collect();
    if let Some(reason) = found.pages.iter().find_map(|p| match p.body {
        Some(FileBody::Unreadable { reason }) => Some(format!("{}: {reason}", p.path)),
        _ => None,
    }) {
        let mut out = Outcome::new(
            Status::Warn,
            format!("{} is present but could not be read ({reason})", found.describe_path()),
        )
        .at(&found.path);
        out.evidence = evidence;
        return out;
    }
    if let Some(Pointer::External(url)) = &found.pointer {
        evidence.push(Evidence::at(&found.path, None, format!("points to {url}")));
        let mut out =
            Outcome::new(Status::Pass, format!("{} points to {url}, outside the repository", found.describe_path()))
                .at(&found.path);
        out.evidence = evidence;
        return out;
    }
    if found.pages.iter().all(|p| p.body.is_none()) {
        // Present in the listing, body not read (a capped API collection): presence is what is known.
        let mut out = Outcome::new(Status::Pass, format!("found {} (its text was not read)", found.describe_path()))
            .at(&found.path);
        out.evidence = evidence;
        return out;
    }
    let words = found.words(kind.spec.count_comments);
    let min_words = c.min_words.unwrap_or(kind.spec.min_words);
    let via = match &found.pointer {
        Some(Pointer::Followed(target)) => format!(", via its link to {target}"),
        _ => String::new(),
    };
    if words < min_words {
        for page in &found.pages {
            if let Some(text) = page.text() {
                for (line, placeholder) in Doc::parse(&page.path, text).placeholders() {
                    evidence.push(Evidence::at(
                        &page.path,
                        Some(line),
                        format!("unfilled placeholder `{placeholder}`"),
                    ));
                }
            }
        }
        let mut out = Outcome::new(
            Status::Warn,
            format!(
                "{} is hollow: {words} words of prose{via}, fewer than the {min_words} a real {name} needs",
                found.describe_path()
            ),
        )
        .at(&found.path);
        out.evidence = evidence;
        return out;
    }
    let mut out =
        Outcome::new(Status::Pass, format!("found {}: {words} words{via}", found.describe_path())).at(&found.path);
    out.evidence = evidence;
    out
}

/// What to say of a document missing from the places searched that the README or the contributing
/// guide links to elsewhere: a kind GitHub does not look for passes with the file linked in the tree;
/// otherwise a warning names the link (a crate's own folder, the project's website).
pub(super) fn kept_elsewhere(document: &str, min_words: Option<usize>, ctx: &Ctx<'_>, places: &str) -> Option<Outcome> {
    let kind = ctx.kind(document);
    let name = &kind.spec.name;
    let (page, line, target) = linked_from_front_pages(document, ctx)?;
    let (said, what) = match target {
        // A kind GitHub does not show (a changelog): the file the README leads to is the one.
        Elsewhere::InTree(path) if kind.spec.linked_counts && !ctx.snap.files.contains_key(&path) => {
            return Some(
                Outcome::new(Status::Pass, format!("found {path}, which {page} links to (its text was not read)"))
                    .at(&path)
                    .with(Evidence::at(&page, Some(line), format!("links to {path}"))),
            );
        }
        Elsewhere::InTree(path) if kind.spec.linked_counts => {
            let words = ctx.snap.files.get(&path).map_or(0, |b| match b {
                FileBody::Text { text, .. } => Doc::parse(&path, text).prose_words(),
                FileBody::Unreadable { .. } => 0,
            });
            let min_words = min_words.unwrap_or(kind.spec.min_words);
            let (status, what) = if words < min_words {
                (
                    Status::Warn,
                    format!("is hollow: {words} words of prose, fewer than the {min_words} a real {name} needs"),
                )
            } else {
                (Status::Pass, format!("{words} words"))
            };
            return Some(
                Outcome::new(status, format!("found {path}, which {page} links to: {what}"))
                    .at(&path)
                    .with(Evidence::at(&page, Some(line), format!("links to {path}"))),
            );
        }
        // The project keeps one where GitHub does not look (a crate's own folder, say).
        Elsewhere::InTree(path) => {
            (format!("links to {path}"), format!("links to {path}, where GitHub does not look for one"))
        }
        // The project keeps one on its website: readers of the README find it, GitHub does
        // not show it with the repository, and its text is not read here.
        Elsewhere::Website(url) => (
            format!("links to {url}"),
            format!("links to one at {url}, which GitHub does not show with the repository and which was not read"),
        ),
    };
    Some(Outcome::new(Status::Warn, format!("no {name} in {places}; {page} {what}")).at(&page).with(Evidence::at(
        &page,
        Some(line),
        said,
    )))
}

/// The documents a newcomer reads first, where a project links to what it keeps elsewhere.
const FRONT_PAGES: [&str; 2] = ["readme", "contributing"];

/// Where a front page sends its readers for a document missing from GitHub's places.
enum Elsewhere {
    InTree(String),
    Website(String),
}

/// A link, in the README or the contributing guide, whose address names the document `kind`: to a
/// file of the repository (`tokio/CHANGELOG.md`), or to a web page (`https://numpy.org/code-of-conduct/`).
/// GitHub's page of a repository's security policy is left out: it shows an inherited policy, which
/// only the API sees.
fn linked_from_front_pages(kind: &str, ctx: &Ctx<'_>) -> Option<(String, usize, Elsewhere)> {
    let wanted = ctx.kind(kind);
    let front = FRONT_PAGES.iter().filter(|&&id| id != kind && ctx.documents.contains_key(id));
    let pages: Vec<_> = front
        .filter_map(|id| ctx.locate(id))
        .flat_map(|found| found.all_pages().cloned().collect::<Vec<_>>())
        .collect();
    let site = &ctx.site;
    pages.iter().find_map(|page| {
        let text = page.text()?;
        // Links, and the web pages a table of contents lists ("Team <https://xarray.dev/team>").
        let doc = Doc::parse(&page.path, text);
        let toc_pages = site.leads(&page.path, &doc, text).into_iter().filter_map(|(line, lead)| match lead {
            Lead::Elsewhere(url) => Some((line, url)),
            Lead::Page(_) => None,
        });
        let links: Vec<(usize, String)> = doc.links().into_iter().chain(toc_pages).collect();
        links.into_iter().filter(|(_, url)| wanted.link_is_named_for(url)).find_map(|(line, url)| {
            let in_tree = text::link_to_repo_path(&page.path, &url, ctx.snap.repository.as_deref())
                .filter(|path| ctx.snap.tree.paths.contains(path));
            let lower = url.to_ascii_lowercase();
            let target = match in_tree {
                Some(path) => Elsewhere::InTree(path),
                None if lower.starts_with("https://") || lower.starts_with("http://") => {
                    if lower.contains("github.com/") && lower.trim_end_matches('/').ends_with("/security/policy") {
                        return None;
                    }
                    Elsewhere::Website(url)
                }
                None => return None,
            };
            Some((page.path.clone(), line, target))
        })
    })
}
