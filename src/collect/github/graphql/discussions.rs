//! The repository's discussions created in the window, newest first, a hundred a query, each
//! with its category, its accepted answer and its first replies. REST has no listing of a
//! repository's discussions: only GraphQL reads them.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::activity::ActorNode;
use super::{Client, Connection, QueryFailure};
use crate::repo_ref::RepoRef;
use crate::snapshot::{Discussion, Discussions, Response, ResponseKind};

/// Discussions read at most (fifty pages).
const MAX_DISCUSSIONS: usize = 5_000;
/// Replies read a discussion: enough to find the first by someone other than its author.
const REPLIES: usize = 10;

const QUERY: &str = r#"query Discussions($owner: String!, $name: String!, $after: String, $replies: Int!) {
  repository(owner: $owner, name: $name) {
    discussions(first: 100, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title url createdAt closedAt authorAssociation author { __typename login }
        category { name isAnswerable }
        answerChosenAt answer { author { __typename login } }
        comments(first: $replies) { nodes { author { __typename login } authorAssociation createdAt } }
      }
    }
  }
}"#;

#[derive(Deserialize)]
struct RepositoryNode {
    discussions: Connection<DiscussionNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiscussionNode {
    number: u64,
    title: String,
    url: String,
    created_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    author_association: String,
    author: Option<ActorNode>,
    category: Category,
    answer_chosen_at: Option<DateTime<Utc>>,
    answer: Option<AnswerNode>,
    comments: Connection<ReplyNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Category {
    name: String,
    is_answerable: bool,
}

#[derive(Deserialize)]
struct AnswerNode {
    author: Option<ActorNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplyNode {
    author: Option<ActorNode>,
    author_association: String,
    created_at: DateTime<Utc>,
}

impl DiscussionNode {
    fn into_discussion(self) -> Discussion {
        let responses = self
            .comments
            .items()
            .map(|r| Response {
                kind: ResponseKind::Comment,
                author: r.author.as_ref().and_then(ActorNode::actor),
                author_association: r.author_association,
                at: r.created_at,
            })
            .collect();
        Discussion {
            number: self.number,
            title: self.title,
            url: self.url,
            author: self.author.as_ref().and_then(ActorNode::actor),
            author_association: self.author_association,
            created_at: self.created_at,
            category: self.category.name,
            answerable: self.category.is_answerable,
            answer_chosen_at: self.answer_chosen_at,
            answered_by: self.answer.and_then(|a| a.author.as_ref().and_then(ActorNode::actor)),
            closed_at: self.closed_at,
            responses,
        }
    }
}

/// The discussions created at or after `since`, newest first.
pub async fn collect(client: &Client, repo: &RepoRef, since: DateTime<Utc>) -> Result<Discussions, QueryFailure> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let vars = json!({ "owner": repo.owner(), "name": repo.name(), "after": after, "replies": REPLIES });
        let mut answer = client.query("Discussions", QUERY, vars).await?;
        if let Some(e) = answer.failed("Discussions", "repository") {
            return Err(e.into());
        }
        let Some(page) = answer.take::<RepositoryNode>("Discussions", "repository")? else { break };
        after = page.discussions.next();
        let nodes: Vec<DiscussionNode> = page.discussions.items().collect();
        let reached_start = nodes.last().is_none_or(|d| d.created_at < since);
        items.extend(nodes.into_iter().filter(|d| d.created_at >= since).map(DiscussionNode::into_discussion));
        if reached_start || after.is_none() {
            return Ok(Discussions { window_start: since, items, complete: true });
        }
        if items.len() >= MAX_DISCUSSIONS {
            return Ok(Discussions { window_start: since, items, complete: false });
        }
    }
    Ok(Discussions { window_start: since, items, complete: true })
}
