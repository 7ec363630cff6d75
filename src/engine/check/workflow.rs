//! `workflow-uses`: a GitHub Actions workflow in the tree uses an action.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::Ctx;
use super::Kind;
use crate::engine::WORKFLOWS;
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::pattern::Pattern;

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

pub fn check(c: &WorkflowUsesCheck, ctx: &Ctx<'_>) -> Outcome {
    let Some(found) = ctx.locate(WORKFLOWS) else {
        return Outcome::new(Status::Fail, format!("no workflow {}: .github/workflows/ has none", c.looks_for));
    };
    for page in &found.pages {
        let Some(body) = page.text() else { continue };
        for (line, uses) in uses_in(body) {
            if !c.actions.iter().any(|p| p.is_match(&uses)) {
                continue;
            }
            let evidence = Evidence::at(&page.path, Some(line), format!("uses: {uses}"));
            if let Some(caveat) = c.caveats.iter().find(|cv| cv.uses.is_match(&uses)) {
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

/// The parts of a workflow that say what it uses.
#[derive(Deserialize)]
struct Workflow {
    #[serde(default)]
    jobs: BTreeMap<String, Job>,
}

#[derive(Deserialize)]
struct Job {
    /// A reusable workflow the job calls.
    uses: Option<Spanned<String>>,
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    /// An action the step runs.
    uses: Option<Spanned<String>>,
    /// Steps run side by side (`- parallel:`), each with its own `uses`.
    #[serde(default)]
    parallel: Vec<Step>,
}

impl Step {
    /// What the step uses, and what its parallel steps use.
    fn uses(self) -> Vec<Spanned<String>> {
        let nested = self.parallel.into_iter().flat_map(Step::uses);
        self.uses.into_iter().chain(nested).collect()
    }
}

/// The actions and reusable workflows a workflow uses, with their 1-based lines, in the order
/// written. A file that is not YAML of a workflow's shape uses nothing, like an unreadable one.
fn uses_in(text: &str) -> Vec<(usize, String)> {
    let Ok(workflow) = serde_saphyr::from_str::<Workflow>(text) else { return Vec::new() };
    let mut uses: Vec<(usize, String)> = workflow
        .jobs
        .into_values()
        .flat_map(|job| job.uses.into_iter().chain(job.steps.into_iter().flat_map(Step::uses)))
        .map(|uses| (uses.referenced.line() as usize, uses.value))
        .collect();
    uses.sort();
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_reusable_workflows_are_uses_in_the_order_written() {
        let workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4 # v4.1.0\n      - name: Lint\n        uses: \"github/super-linter@v5\"\n  release:\n    uses: octo/.github/.github/workflows/release.yml@main\n";
        assert_eq!(
            uses_in(workflow),
            [
                (6, "actions/checkout@v4".to_string()),
                (8, "github/super-linter@v5".to_string()),
                (10, "octo/.github/.github/workflows/release.yml@main".to_string()),
            ]
        );
    }

    #[test]
    fn parallel_steps_and_anchored_steps_are_uses() {
        let workflow = "jobs:\n  a:\n    steps:\n      - &checkout\n        uses: actions/checkout@v4\n      - parallel:\n          - uses: actions/cache@v4\n  b:\n    steps:\n      - *checkout\n";
        assert_eq!(
            uses_in(workflow),
            [
                (5, "actions/checkout@v4".to_string()),
                (7, "actions/cache@v4".to_string()),
                (10, "actions/checkout@v4".to_string()),
            ]
        );
    }

    #[test]
    fn flow_style_and_single_quotes_are_uses() {
        let workflow = "jobs:\n  a:\n    steps: [{uses: 'actions/stale@v9'}, {run: make}]\n";
        assert_eq!(uses_in(workflow), [(3, "actions/stale@v9".to_string())]);
    }

    #[test]
    fn a_uses_in_a_comment_or_a_run_script_is_not_a_use() {
        let workflow = "jobs:\n  a:\n    steps:\n      # - uses: actions/first-interaction@v1\n      - run: |\n          echo done\n          uses: actions/labeler@v5\n";
        assert!(uses_in(workflow).is_empty());
    }

    #[test]
    fn a_file_that_does_not_parse_uses_nothing() {
        assert!(uses_in("jobs:\n  a:\n    steps:\n      - uses: [unclosed\n").is_empty());
        assert!(uses_in("just some text").is_empty());
    }
}
