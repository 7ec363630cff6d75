//! The one pull request comment cm-audit keeps up to date: found again by the report's hidden
//! marker (through every page of comments), edited rather than posted anew.

use serde::Deserialize;
use serde_json::json;

use super::{Authored, UserJson, Written, find_own_marked};
use crate::collect::github::{ApiError, Client};
use crate::engine::CONFIG_PATHS;
use crate::repo_ref::RepoRef;
use crate::report::compare::Comparison;
use crate::report::markdown::{REPORT_MARKER, code_span};
use crate::snapshot::Snapshot;

#[derive(Debug, Deserialize)]
struct CommentJson {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    /// `null` for a deleted account.
    #[serde(default)]
    user: Option<UserJson>,
}

/// A pull request that changes cm-audit's config: which file, and whether that change judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigChange {
    path: &'static str,
    /// Under `pull_request_target` the base's config judges; under `pull_request`, the head's.
    applied: bool,
}

impl ConfigChange {
    /// The change between the base's and the head's config files, as the snapshots read them.
    pub fn between(base: &Snapshot, head: &Snapshot, event_name: &str) -> Option<ConfigChange> {
        let path = CONFIG_PATHS.iter().copied().find(|p| base.files.get(*p) != head.files.get(*p))?;
        Some(ConfigChange { path, applied: event_name != "pull_request_target" })
    }

    fn note(self) -> String {
        let path = code_span(self.path);
        match self.applied {
            true => format!(
                "**This pull request changes cm-audit's config, {path}, and is judged by its own version of it:** \
                 rules it turns off, changes or adds count on both sides of the comparison. Review that change."
            ),
            false => format!(
                "**This pull request changes cm-audit's config, {path}.** Under `pull_request_target` the base \
                 branch's config judges it; the change applies once merged. Review that change."
            ),
        }
    }
}

/// The comment's body: the report with what the pull request changes, or, when it changes no
/// finding, a short line saying so (the job summary keeps the whole report); first, whether the
/// pull request changes the config.
pub fn body(markdown: &str, comparison: &Comparison, config: Option<ConfigChange>) -> String {
    let report = if changes_nothing(comparison) {
        let score = comparison.score.after.map_or("not scored".to_string(), |s| format!("{s}/100"));
        format!(
            "{REPORT_MARKER}\n### cm-audit\n\nThis pull request changes none of cm-audit's findings (score {score}). \
             The full report is in the workflow run's job summary.\n"
        )
    } else {
        markdown.to_string()
    };
    match (config, report.split_once('\n')) {
        (Some(config), Some((marker, rest))) => format!("{marker}\n{}\n\n{rest}", config.note()),
        _ => report,
    }
}

pub fn changes_nothing(comparison: &Comparison) -> bool {
    comparison.fixed.is_empty() && comparison.broken.is_empty() && comparison.score.before == comparison.score.after
}

impl Authored for CommentJson {
    fn author(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.login.as_str())
    }
}

/// Creates the comment, or edits the one found by its marker; `create` false only edits.
pub async fn keep_up_to_date(
    client: &Client,
    repo: &RepoRef,
    number: u64,
    body: &str,
    create: bool,
) -> Result<Written, ApiError> {
    let first = format!("/repos/{repo}/issues/{number}/comments?per_page=100");
    let found: Option<CommentJson> = find_own_marked(client, &first, |c: &CommentJson| {
        c.body.as_deref().is_some_and(|b| b.starts_with(REPORT_MARKER))
    })
    .await?;
    let payload = json!({ "body": body });
    match found {
        Some(c) if c.body.as_deref() == Some(body) => Ok(Written::Unchanged(c.id)),
        Some(c) => {
            let _: CommentJson =
                client.patch_json(&format!("/repos/{repo}/issues/comments/{}", c.id), &payload).await?;
            Ok(Written::Updated(c.id))
        }
        None if create => {
            let c: CommentJson = client.post_json(&format!("/repos/{repo}/issues/{number}/comments"), &payload).await?;
            Ok(Written::Created(c.id))
        }
        None => Ok(Written::Skipped),
    }
}
