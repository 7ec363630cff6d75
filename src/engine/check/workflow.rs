//! `workflow-uses`: a GitHub Actions workflow in the tree uses an action.

use std::sync::LazyLock;

use regex::Regex;

use super::Ctx;
use super::Kind;
use crate::documents::text::Doc;
use crate::engine::WORKFLOWS;
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::pattern::Pattern;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowUsesCheck {
    /// Patterns for the `uses:` value (`actions/first-interaction`).
    pub actions: Vec<Pattern>,
    /// What such a workflow does, for the reader: "greets first-time contributors (...)".
    pub looks_for: String,
    /// Known problems with some versions: a match warns with the note.
    #[serde(default)]
    pub caveats: Vec<Caveat>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caveat {
    pub uses: Pattern,
    pub note: String,
}

impl Kind for WorkflowUsesCheck {
    fn documents(&self) -> Vec<&str> {
        vec![WORKFLOWS]
    }

    fn describe(&self) -> String {
        let actions = self.actions.iter().map(|p| format!("/{}/", p.as_str())).collect::<Vec<_>>();
        format!("a workflow step `uses:` matching {}", actions.join(" or "))
    }
}

static USES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"^\s*(?:-\s*)?uses:\s*["']?([^"'\s#]+)"#).unwrap());

pub fn check(c: &WorkflowUsesCheck, ctx: &Ctx<'_>) -> Outcome {
    let Some(found) = ctx.locate(WORKFLOWS) else {
        return Outcome::new(Status::Fail, format!("no workflow {}: .github/workflows/ has none", c.looks_for));
    };
    for page in &found.pages {
        let Some(body) = page.text() else { continue };
        let doc = Doc::parse(&page.path, body);
        for (i, line) in doc.lines.iter().enumerate() {
            let Some(cap) = USES.captures(&line.text) else { continue };
            let uses = &cap[1];
            if !c.actions.iter().any(|p| p.is_match(uses)) {
                continue;
            }
            let evidence = Evidence::at(&page.path, Some(i + 1), format!("uses: {uses}"));
            if let Some(caveat) = c.caveats.iter().find(|cv| cv.uses.is_match(uses)) {
                return Outcome::new(Status::Warn, format!("{} uses {uses}: {}", page.path, caveat.note))
                    .at(&page.path)
                    .with(evidence);
            }
            return Outcome::new(Status::Pass, format!("{} uses {uses}", page.path)).at(&page.path).with(evidence);
        }
    }
    Outcome::new(
        Status::Fail,
        format!("no workflow {}, of the {} in .github/workflows/", c.looks_for, found.pages.len()),
    )
}
