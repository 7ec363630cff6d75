//! Whether possible newcomers opened anything before the window, many authors a query: one
//! aliased issue search each (`repo:OWNER/NAME author:LOGIN created:<START`), of which only the
//! count is read. REST needs a request per author.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{Client, QueryFailure, literal};
use crate::repo_ref::RepoRef;

/// Searches in one query: few enough to stay clear of the search API's secondary limits.
const SEARCHES_PER_QUERY: usize = 50;
/// Authors looked up at most (ten queries); past this they stay unconfirmed.
pub const MAX_AUTHORS: usize = 500;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Count {
    issue_count: u64,
}

/// The search for `login`'s issues and pull requests in `repo` created before `before`.
fn search(repo: &RepoRef, login: &str, before: DateTime<Utc>) -> String {
    format!("repo:{repo} author:{login} created:<{}", before.format("%Y-%m-%dT%H:%M:%SZ"))
}

/// Those of `logins` who opened an issue or pull request in `repo` before `before`.
pub async fn authors_with_earlier_items(
    client: &Client,
    repo: &RepoRef,
    logins: &[String],
    before: DateTime<Utc>,
) -> Result<Vec<String>, QueryFailure> {
    let mut found = Vec::new();
    for chunk in logins.chunks(SEARCHES_PER_QUERY) {
        let fields: String = chunk
            .iter()
            .enumerate()
            .map(|(i, login)| {
                format!(
                    "  h{i}: search(type: ISSUE, first: 1, query: {}) {{ issueCount }}\n",
                    literal(&search(repo, login, before))
                )
            })
            .collect();
        let mut answer = client.query("History", &format!("query History {{\n{fields}}}"), json!({})).await?;
        for (i, login) in chunk.iter().enumerate() {
            let alias = format!("h{i}");
            if let Some(e) = answer.failed("History", &alias) {
                return Err(e.into());
            }
            let count: Option<Count> = answer.take("History", &alias)?;
            if count.is_some_and(|c| c.issue_count > 0) {
                found.push(login.clone());
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_names_the_repository_the_author_and_the_window_start() {
        let repo = RepoRef { owner: "acme".into(), name: "widgets".into() };
        let start: DateTime<Utc> = "2026-08-25T10:30:00Z".parse().unwrap();
        assert_eq!(search(&repo, "ana", start), "repo:acme/widgets author:ana created:<2026-08-25T10:30:00Z");
    }
}
