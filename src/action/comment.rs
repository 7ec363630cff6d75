//! The one pull request comment cm-audit keeps up to date: found again by the report's hidden
//! marker (through every page of comments), edited rather than posted anew.

use serde::Deserialize;
use serde_json::json;

use super::{Written, find_marked};
use crate::collect::github::{ApiError, Client};
use crate::repo_ref::RepoRef;
use crate::report::compare::Comparison;
use crate::report::markdown::REPORT_MARKER;

#[derive(Debug, Deserialize)]
struct CommentJson {
    id: u64,
    #[serde(default)]
    body: Option<String>,
}

/// The comment's body: the report with what the pull request changes, or, when it changes no
/// finding, a short line saying so (the job summary keeps the whole report).
pub fn body(markdown: &str, comparison: &Comparison) -> String {
    if changes_nothing(comparison) {
        let score = comparison.score.after.map_or("not scored".to_string(), |s| format!("{s}/100"));
        format!(
            "{REPORT_MARKER}\n### cm-audit\n\nThis pull request changes none of cm-audit's findings (score {score}). \
             The full report is in the workflow run's job summary.\n"
        )
    } else {
        markdown.to_string()
    }
}

pub fn changes_nothing(comparison: &Comparison) -> bool {
    comparison.fixed.is_empty() && comparison.broken.is_empty() && comparison.score.before == comparison.score.after
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
    let found: Option<CommentJson> =
        find_marked(client, &first, |c: &CommentJson| c.body.as_deref().is_some_and(|b| b.starts_with(REPORT_MARKER)))
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
