//! `file`: a document is present and says something.

use super::Ctx;
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::rule::FileCheck;
use crate::locate::{Origin, Pointer};
use crate::snapshot::FileBody;
use crate::text::Doc;

pub fn check(c: &FileCheck, ctx: &Ctx<'_>) -> Outcome {
    let kind = ctx.kind(&c.document);
    let name = &kind.spec.name;
    let Some(found) = ctx.locate(&c.document) else {
        let mut places = kind.places_phrase();
        if kind.spec.org_fallback && ctx.snap.inherited.is_some() {
            places.push_str(", nor in the owner's .github repository");
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
