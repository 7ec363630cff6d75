//! Whether possible newcomers opened anything before a window (the audited one or the previous
//! one), many authors a query: one aliased issue search each (`repo:OWNER/NAME author:LOGIN
//! created:<START`), of which only the count is read. REST needs a request per author.

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

/// What the searches found, in the order they were asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The author opened an issue or pull request before the time asked about.
    Earlier,
    Nothing,
    /// GitHub would not search for them (a suspended or hidden account, say), with its reason.
    NotSearched(String),
}

/// Searches, for each `(login, before)`, whether `login` opened an issue or pull request in
/// `repo` before `before`: both windows' authors mixed in the same queries. One author's search
/// refused leaves that author unknown, not the others: `search` cannot be null, so GitHub nulls
/// the whole answer's data for one refused search, and the others are asked again without it.
pub async fn earlier_items(
    client: &Client,
    repo: &RepoRef,
    searches: &[(String, DateTime<Utc>)],
) -> Result<Vec<Found>, QueryFailure> {
    let mut found = vec![Found::Nothing; searches.len()];
    let indexed: Vec<usize> = (0..searches.len()).collect();
    for chunk in indexed.chunks(SEARCHES_PER_QUERY) {
        let mut pending = chunk.to_vec();
        while !pending.is_empty() {
            let fields: String = pending
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    let (login, before) = &searches[k];
                    let query = literal(&search(repo, login, *before));
                    format!("  h{i}: search(type: ISSUE, first: 1, query: {query}) {{ issueCount }}\n")
                })
                .collect();
            let mut answer = client.query("History", &format!("query History {{\n{fields}}}"), json!({})).await?;
            let mut unanswered = Vec::new();
            for (i, &k) in pending.iter().enumerate() {
                let alias = format!("h{i}");
                if let Some(e) = answer.error_at(&alias) {
                    found[k] = Found::NotSearched(e.message.clone());
                    continue;
                }
                match answer.take::<Count>("History", &alias)? {
                    Some(count) if count.issue_count > 0 => found[k] = Found::Earlier,
                    Some(_) => {}
                    None => unanswered.push(k),
                }
            }
            if unanswered.len() == pending.len() {
                // No answer and no reason: asking again would not help.
                for k in unanswered {
                    found[k] = Found::NotSearched("GitHub answered nothing for it".to_string());
                }
                break;
            }
            pending = unanswered;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_names_the_repository_the_author_and_the_window_start() {
        let repo = RepoRef::new("acme", "widgets");
        let start: DateTime<Utc> = "2026-08-25T10:30:00Z".parse().unwrap();
        assert_eq!(search(&repo, "ana", start), "repo:acme/widgets author:ana created:<2026-08-25T10:30:00Z");
    }
}
