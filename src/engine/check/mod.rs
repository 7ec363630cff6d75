//! One small function per check kind; each reads the snapshot and nothing else.

mod content;
mod file;
mod labels;
mod links;
mod newcomers;
mod setting;
mod workflow;

pub use labels::label_matches;

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::finding::{Outcome, Status};
use super::rule::Check;
use crate::documents::kind::DocumentKind;
use crate::documents::leads::Site;
use crate::documents::locate::{self, Located};
use crate::snapshot::{DataKind, Snapshot};

/// What a check may look at.
pub struct Ctx<'s> {
    pub snap: &'s Snapshot,
    pub documents: &'s BTreeMap<String, DocumentKind>,
    /// Who counts as a maintainer or a bot, the window and the response target.
    pub newcomer_policy: &'s crate::newcomers::Policy,
    /// The snapshot's tree, indexed once: links, documentation-site URLs and paths resolve in it.
    pub site: Site<'s>,
    /// Documents already located: many rules read the same few, and locating one scans the tree.
    located: RefCell<BTreeMap<String, Option<Located<'s>>>>,
}

impl<'s> Ctx<'s> {
    pub fn new(
        snap: &'s Snapshot,
        documents: &'s BTreeMap<String, DocumentKind>,
        newcomer_policy: &'s crate::newcomers::Policy,
    ) -> Ctx<'s> {
        let site = Site::new(&snap.tree, snap.repository.as_deref());
        Ctx { snap, documents, newcomer_policy, site, located: RefCell::default() }
    }

    pub fn kind(&self, id: &str) -> &'s DocumentKind {
        // References are validated when rules are loaded.
        &self.documents[id]
    }

    pub fn locate(&self, id: &str) -> Option<Located<'s>> {
        if let Some(found) = self.located.borrow().get(id) {
            return found.clone();
        }
        let found = locate::locate(self.kind(id), self.snap, &self.site);
        self.located.borrow_mut().insert(id.to_string(), found.clone());
        found
    }

    pub fn name(&self, id: &str) -> &'s str {
        &self.kind(id).spec.name
    }

    /// Why a document missing from the tree may still exist: GitHub would take it from the owner's
    /// `.github` repository, which this snapshot does not show (a checkout). `None` when the
    /// inherited files were seen, or GitHub would not fall back for this kind here.
    pub fn may_be_inherited(&self, id: &str) -> Option<String> {
        let spec = &self.kind(id).spec;
        self.snap.unavailable.get(&DataKind::Inherited)?;
        let blocked = spec.org_fallback_unless.as_deref().is_some_and(|folder| {
            let prefix = format!("{}/", folder.to_ascii_lowercase());
            self.snap.tree.paths.iter().any(|p| p.to_ascii_lowercase().starts_with(&prefix))
        });
        (spec.org_fallback && !blocked)
            .then(|| "GitHub would also look in the owner's .github repository, which was not seen".to_string())
    }
}

pub fn evaluate(check: &Check, ctx: &Ctx<'_>) -> Outcome {
    match check {
        Check::File(c) => file::check(c, ctx),
        Check::Content(c) => content::check(c, ctx),
        Check::LinksTo(c) => links::check(c, ctx),
        Check::WorkflowUses(c) => workflow::check(c, ctx),
        Check::RepoSetting(c) => setting::check(c, ctx),
        Check::Labels(c) => labels::check(c, ctx),
        Check::NewcomerResponse(c) => newcomers::response(c, ctx),
        Check::WaitingNewcomers(c) => newcomers::waiting(c, ctx),
        Check::NewcomersVsRegulars(c) => newcomers::versus_regulars(c, ctx),
        Check::GoodFirstIssues(c) => newcomers::good_first_issues(c, ctx),
        Check::Any(c) => any(&c.checks, ctx),
    }
}

/// Passes on the first passing check; otherwise the best of the rest, with their messages.
fn any(checks: &[Check], ctx: &Ctx<'_>) -> Outcome {
    let outcomes: Vec<Outcome> = checks.iter().map(|c| evaluate(c, ctx)).collect();
    if let Some(pass) = outcomes.iter().find(|o| o.status == Status::Pass) {
        return pass.clone();
    }
    if let Some(warn) = outcomes.iter().find(|o| o.status == Status::Warn) {
        return warn.clone();
    }
    let messages: Vec<&str> = outcomes.iter().map(|o| o.message.as_str()).collect();
    // A failing alternative with another that could not be judged is not yet a failure.
    let status = if outcomes.iter().any(|o| o.status == Status::Skipped) { Status::Skipped } else { Status::Fail };
    let mut out = Outcome::new(status, messages.join("; "));
    out.evidence = outcomes.into_iter().flat_map(|o| o.evidence).collect();
    out
}

/// "A does not mention", "neither A nor B mentions", "none of A, B, C mentions".
fn neither(paths: &[String], negative: &str, positive: &str) -> String {
    match paths {
        [one] => format!("{one} {negative}"),
        [a, b] => format!("neither {a} nor {b} {positive}"),
        many => format!("none of {} {positive}", many.join(", ")),
    }
}
