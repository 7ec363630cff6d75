//! The event that started the workflow, from the JSON file at `GITHUB_EVENT_PATH`: only what
//! the Action reads of a pull request.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Deserialize)]
struct Event {
    pull_request: Option<PullRequestJson>,
}

#[derive(Debug, Clone, Deserialize)]
struct PullRequestJson {
    number: u64,
    base: CommitJson,
    head: CommitJson,
}

#[derive(Debug, Clone, Deserialize)]
struct CommitJson {
    sha: String,
}

/// The pull request a workflow runs for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    /// The base branch's commit the pull request is compared with.
    pub base_sha: String,
    /// The commit it proposes.
    pub head_sha: String,
}

/// The pull request of a `pull_request` or `pull_request_target` event; `None` for other events.
pub fn pull_request(event_name: &str, event_path: Option<&Path>) -> Result<Option<PullRequest>> {
    if !matches!(event_name, "pull_request" | "pull_request_target") {
        return Ok(None);
    }
    let Some(path) = event_path else {
        return Err(Error::Usage(format!("a {event_name} event without GITHUB_EVENT_PATH")));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Runtime(format!("cannot read the event, {}: {e}", path.display())))?;
    let event: Event = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{} is not a {event_name} event: {e}", path.display())))?;
    Ok(event.pull_request.map(|pr| PullRequest { number: pr.number, base_sha: pr.base.sha, head_sha: pr.head.sha }))
}
