//! `links-to`: one document links to another, and the link lands on a file that exists.

use std::sync::LazyLock;

use regex::Regex;

use super::Ctx;
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::rule::LinksToCheck;
use crate::locate::{self, Origin, Pointer};
use crate::text::{self, Doc};

static GITHUB_BLOB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^https?://github\.com/([^/]+)/([^/]+)/(?:blob|tree)/[^/]+/([^#?]+)").unwrap());

pub fn check(c: &LinksToCheck, ctx: &Ctx<'_>) -> Outcome {
    let to_name = ctx.name(&c.to);
    let Some(target) = ctx.locate(&c.to) else {
        return Outcome::new(Status::Skipped, format!("there is no {to_name} to link to"));
    };
    let mut broken: Vec<Evidence> = Vec::new();
    let mut looked_in: Vec<String> = Vec::new();
    for from in &c.from {
        let Some(found) = ctx.locate(from) else { continue };
        looked_in.push(found.path.clone());
        for page in &found.pages {
            let Some(body) = page.text() else { continue };
            for (line, link) in Doc::parse(&page.path, body).links() {
                match lands_on_target(ctx, &page.path, &link, &target) {
                    Landing::Target => {
                        return Outcome::new(Status::Pass, format!("{} links to the {to_name}", page.path))
                            .at(&page.path)
                            .with(Evidence::at(&page.path, Some(line), format!("links to {link}")));
                    }
                    Landing::Missing(path) if names_target(ctx, &c.to, &path) => {
                        broken.push(Evidence::at(
                            &page.path,
                            Some(line),
                            format!("links to {link}, which is not in the repository"),
                        ));
                    }
                    _ => {}
                }
            }
        }
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

fn lands_on_target(ctx: &Ctx<'_>, from: &str, link: &str, target: &locate::Located<'_>) -> Landing {
    let repo_path = if text::is_external(link) {
        if let Some(Pointer::External(url)) = &target.pointer {
            if same_url(url, link) {
                return Landing::Target;
            }
        }
        let Some(c) = GITHUB_BLOB.captures(link) else { return Landing::Elsewhere };
        let full = format!("{}/{}", &c[1], &c[2]);
        if let Origin::Inherited(from_repo) = &target.origin {
            if from_repo.eq_ignore_ascii_case(&full) && c[3].eq_ignore_ascii_case(&target.path) {
                return Landing::Target;
            }
        }
        match &ctx.snap.repository {
            Some(repo) if repo.eq_ignore_ascii_case(&full) => c[3].to_string(),
            _ => return Landing::Elsewhere,
        }
    } else {
        match text::resolve_relative(from, link) {
            Some(p) => p,
            None => return Landing::Elsewhere,
        }
    };
    let Some(in_tree) = locate::resolve_in_tree(&ctx.snap.tree, &repo_path) else {
        return Landing::Missing(repo_path);
    };
    let is_target = in_tree.eq_ignore_ascii_case(&target.path)
        || (target.is_folder
            && in_tree.to_ascii_lowercase().starts_with(&format!("{}/", target.path.to_ascii_lowercase())))
        || target.pages.iter().any(|p| p.path.eq_ignore_ascii_case(&in_tree))
        || target.others.iter().any(|o| o.eq_ignore_ascii_case(&in_tree));
    if is_target { Landing::Target } else { Landing::Elsewhere }
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
