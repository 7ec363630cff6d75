//! `links-to`: one document links to another, and the link lands on a file that exists.

use super::Ctx;
use super::Kind;
use crate::documents::locate::{self, Origin};
use crate::documents::pointer::Pointer;
use crate::documents::text::{self, Doc};
use crate::engine::finding::{Evidence, Outcome, Status};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksToCheck {
    pub from: Vec<String>,
    pub to: String,
}

impl Kind for LinksToCheck {
    fn documents(&self) -> Vec<&str> {
        self.from.iter().map(String::as_str).chain([self.to.as_str()]).collect()
    }

    fn describe(&self) -> String {
        format!("a link from {} to the `{}` document, whose target exists", self.from.join(" or "), self.to)
    }
}

pub fn check(c: &LinksToCheck, ctx: &Ctx<'_>) -> Outcome {
    let to_name = ctx.name(&c.to);
    let Some(target) = ctx.locate(&c.to) else {
        return Outcome::new(Status::Skipped, format!("there is no {to_name} to link to"));
    };
    let mut broken: Vec<Evidence> = Vec::new();
    let mut looked_in: Vec<String> = Vec::new();
    // A link that leads where the document would, kept until no link lands on the document itself.
    let mut leads_there: Option<Outcome> = None;
    for from in &c.from {
        let Some(found) = ctx.locate(from) else { continue };
        looked_in.push(found.path.clone());
        for page in found.all_pages() {
            let Some(body) = page.text() else { continue };
            let doc = Doc::parse(&page.path, body);
            for (line, link) in doc.links() {
                let pass = |message: String| {
                    Outcome::new(Status::Pass, message).at(&page.path).with(Evidence::at(
                        &page.path,
                        Some(line),
                        format!("links to {link}"),
                    ))
                };
                match lands_on_target(ctx, &page.path, &link, &c.to, &target) {
                    Landing::Target => return pass(format!("{} links to the {to_name}", page.path)),
                    Landing::Missing(path) if names_target(ctx, &c.to, &path) => {
                        broken.push(Evidence::at(
                            &page.path,
                            Some(line),
                            format!("links to {link}, which is not in the repository"),
                        ));
                        continue;
                    }
                    _ => {}
                }
                if leads_there.is_some() {
                    continue;
                }
                let line_text = doc.lines.get(line - 1).map_or("", |l| l.text.as_str());
                if text::is_external(&link) && ctx.kind(&c.to).link_is_named_for(&link) {
                    // The project's own page for it, on its website (`.../contributing.html`).
                    leads_there = Some(pass(format!("{} links to a {to_name} at {link}", page.path)));
                } else if shares_the_targets_page(ctx, &c.to, &target, &link, line_text) {
                    leads_there = Some(pass(format!(
                        "{} links to {link}, where the {to_name} ({}) also sends readers",
                        page.path, target.path
                    )));
                }
            }
        }
    }
    if let Some(outcome) = leads_there {
        return outcome;
    }
    let from_names: Vec<&str> = c.from.iter().map(|f| ctx.name(f)).collect();
    if looked_in.is_empty() {
        return Outcome::new(Status::Fail, format!("no {} to link from", from_names.join(" or ")));
    }
    let mut out = Outcome::new(
        Status::Fail,
        format!("{} to the {to_name} ({})", super::neither(&looked_in, "does not link", "links"), target.path),
    );
    if let Some(first) = broken.first() {
        out.message = format!("{} links to a {to_name} that does not exist", first.path.clone().unwrap_or_default());
    }
    out.evidence = broken;
    out
}

enum Landing {
    Target,
    /// A repository path that is not in the tree.
    Missing(String),
    Elsewhere,
}

fn lands_on_target(ctx: &Ctx<'_>, from: &str, link: &str, to: &str, target: &locate::Located<'_>) -> Landing {
    if let Some(Pointer::External(url)) = &target.pointer {
        // The document lives outside the repository: a link to it, or to a page named like it, counts.
        if same_url(url, link) || (text::is_external(link) && ctx.kind(to).url_names_kind(link)) {
            return Landing::Target;
        }
    }
    if let (Origin::Inherited(from_repo), Some((repo, path))) = (&target.origin, text::github_file_url(link)) {
        if from_repo.eq_ignore_ascii_case(&repo) && path.eq_ignore_ascii_case(&target.path) {
            return Landing::Target;
        }
    }
    let site = &ctx.site;
    let in_tree = match text::link_to_repo_path(from, link, ctx.snap.repository.as_deref()) {
        Some(repo_path) => match site.resolve(&repo_path) {
            Some(found) => found,
            None => return Landing::Missing(repo_path),
        },
        // The project's documentation site, on the page built from the document (or one it reads).
        None => match text::is_external(link).then(|| site.page_for_url(link)).flatten() {
            Some(page) => page,
            None => return Landing::Elsewhere,
        },
    };
    let lower = in_tree.to_ascii_lowercase();
    let is_target = in_tree.eq_ignore_ascii_case(&target.path)
        || (target.is_folder && lower.starts_with(&format!("{}/", target.path.to_ascii_lowercase())))
        || target.pages.iter().any(|p| p.path.eq_ignore_ascii_case(&in_tree))
        || target.others.iter().any(|o| o.eq_ignore_ascii_case(&in_tree));
    if is_target { Landing::Target } else { Landing::Elsewhere }
}

/// An external link, on a line that names the document (`**Contributing:** https://...`), to the
/// page the document itself sends its readers to (numpy's README and `.github/CONTRIBUTING.md` both
/// lead to its developer guide on numpy.org): the reader arrives where the document would take them.
fn shares_the_targets_page(ctx: &Ctx<'_>, to: &str, target: &locate::Located<'_>, link: &str, line: &str) -> bool {
    if !text::is_external(link) || !ctx.kind(to).line_names_kind(line) {
        return false;
    }
    target
        .pages
        .iter()
        .filter_map(|p| Some(Doc::parse(&p.path, p.text()?)))
        .any(|doc| doc.links().iter().any(|(_, theirs)| same_url(theirs, link)))
}

fn same_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.trim_end_matches('/').trim_start_matches("https://").trim_start_matches("http://").to_ascii_lowercase()
    };
    norm(a) == norm(b)
}

/// Whether a missing path was meant as the document (`CODE_OF_CONDUCT.md` for the code of conduct).
fn names_target(ctx: &Ctx<'_>, to: &str, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    ctx.kind(to).name_matches(name, false)
}
