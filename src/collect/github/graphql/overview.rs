//! One query for what REST asks in five or more requests: the repository's settings, its
//! topics, labels, release count and newest releases, the default branch's last commit, and
//! whether its owner has a public `.github` repository to fall back on.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{Client, Connection, QueryFailure};
use crate::collect::github::errors::{ApiError, Failure};
use crate::collect::github::rest::{LabelJson, ReleaseJson, RepoJson};
use crate::repo_ref::RepoRef;
use crate::snapshot::Releases;

const QUERY: &str = r#"query Overview($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner description homepageUrl isArchived isFork isPrivate hasIssuesEnabled hasDiscussionsEnabled
    defaultBranchRef { name target { ... on Commit { committedDate } } }
    repositoryTopics(first: 100) { nodes { topic { name } } }
    releases(first: 10, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { tag_name: tagName html_url: url published_at: publishedAt prerelease: isPrerelease draft: isDraft } }
    labels(first: 100) { pageInfo { hasNextPage endCursor } nodes { name description } }
  }
  updates: repository(owner: $owner, name: $name) {
    latestIssue: issues(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { updatedAt } }
    latestPullRequest: pullRequests(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { updatedAt } }
  }
  dotGithub: repository(owner: $owner, name: ".github") { isPrivate defaultBranchRef { name } }
}"#;

const MORE_LABELS: &str = r#"query Labels($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    labels(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { name description } }
  }
}"#;

/// Label pages read at most (a repository with more than 5,000 labels is cut there).
const MAX_LABEL_PAGES: usize = 50;

/// What the overview query found.
pub struct Overview {
    /// The repository's settings, shaped like REST's answer; `default_branch` is empty for a
    /// repository without any commit.
    pub meta: RepoJson,
    pub releases: u64,
    /// The newest published releases (of the newest ten, drafts dropped) and the default
    /// branch's last commit.
    pub latest_releases: Releases,
    pub labels: Vec<LabelJson>,
    /// The default branch of the owner's public `.github` repository, when there is one.
    pub dot_github_branch: Option<String>,
    /// The last time any issue or pull request changed (a comment, a review, a label...), the
    /// inner `None` when there is none; the outer `None` when the token may not see them. A run
    /// that kept what it collected asks only for what changed since.
    pub latest_update: Option<Option<DateTime<Utc>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RepositoryData {
    name_with_owner: String,
    description: Option<String>,
    homepage_url: Option<String>,
    is_archived: bool,
    is_fork: bool,
    is_private: bool,
    has_issues_enabled: bool,
    has_discussions_enabled: bool,
    default_branch_ref: Option<BranchRef>,
    repository_topics: Connection<TopicNode>,
    releases: ReleaseNodes,
    labels: Connection<LabelJson>,
}

/// Apart from the repository's other fields: a token without the Issues or Pull requests
/// permission is refused these alone.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Updates {
    latest_issue: Connection<Updated>,
    latest_pull_request: Connection<Updated>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Updated {
    updated_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct BranchRef {
    name: String,
    #[serde(default)]
    target: Option<Target>,
}

/// A branch's target: a commit, with its date (the overview asks only that of a commit).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    committed_date: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReleaseNodes {
    total_count: u64,
    #[serde(default)]
    nodes: Vec<Option<ReleaseJson>>,
}

#[derive(Deserialize)]
struct TopicNode {
    topic: Topic,
}

#[derive(Deserialize)]
struct Topic {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DotGithub {
    is_private: bool,
    default_branch_ref: Option<BranchRef>,
}

#[derive(Deserialize)]
struct LabelsOnly {
    labels: Connection<LabelJson>,
}

/// Runs the overview query (and more label pages when there are over 100 labels).
pub async fn overview(client: &Client, repo: &RepoRef) -> Result<Overview, QueryFailure> {
    let variables = json!({ "owner": repo.owner(), "name": repo.name() });
    let mut answer = client.query("Overview", QUERY, variables.clone()).await?;
    if let Some(e) = answer.failed("Overview", "repository") {
        return Err(e.into());
    }
    let data: RepositoryData = answer.take("Overview", "repository")?.ok_or_else(|| not_found(repo))?;
    // A missing `.github` is the usual case, and one the owner cannot see is as good as missing.
    let dot_github: Option<DotGithub> = answer.take("Overview", "dotGithub").unwrap_or(None);
    let updates: Option<Updates> = answer.take("Overview", "updates").unwrap_or(None);
    let latest_update =
        updates.map(|u| u.latest_issue.items().chain(u.latest_pull_request.items()).map(|u| u.updated_at).max());
    let mut next = data.labels.next();
    let mut labels: Vec<LabelJson> = data.labels.items().collect();
    for _ in 1..MAX_LABEL_PAGES {
        let Some(after) = next.take() else { break };
        let mut vars = variables.clone();
        vars["after"] = json!(after);
        let mut page = client.query("Labels", MORE_LABELS, vars).await?;
        if let Some(e) = page.failed("Labels", "repository") {
            return Err(e.into());
        }
        let Some(more) = page.take::<LabelsOnly>("Labels", "repository")? else { break };
        next = more.labels.next();
        labels.extend(more.labels.items());
    }
    let last_commit_at = data.default_branch_ref.as_ref().and_then(|b| b.target.as_ref()?.committed_date);
    let latest_releases = Releases {
        latest: data.releases.nodes.into_iter().flatten().filter_map(ReleaseJson::published).collect(),
        last_commit_at,
    };
    Ok(Overview {
        meta: RepoJson {
            full_name: data.name_with_owner,
            description: data.description,
            homepage: data.homepage_url,
            topics: data.repository_topics.items().map(|t| t.topic.name).collect(),
            has_issues: data.has_issues_enabled,
            has_discussions: data.has_discussions_enabled,
            archived: data.is_archived,
            fork: data.is_fork,
            private: data.is_private,
            default_branch: data.default_branch_ref.map(|b| b.name).unwrap_or_default(),
        },
        releases: data.releases.total_count,
        latest_releases,
        labels,
        dot_github_branch: dot_github.filter(|d| !d.is_private).and_then(|d| d.default_branch_ref).map(|b| b.name),
        latest_update,
    })
}

fn not_found(repo: &RepoRef) -> ApiError {
    ApiError {
        method: "POST",
        uri: super::query_label("Overview"),
        failure: Failure::NotFound { status: 404, message: format!("no repository {repo}") },
        attempts: 1,
    }
}
