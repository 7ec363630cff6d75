//! An owner's repositories and the rate-limit budget, for auditing a whole organisation or user.

use serde::Deserialize;

use super::client::Client;
use super::errors::{ApiError, Failure, RateLimit};
use super::rest::{MAX_LIST_PAGES, PER_PAGE, encode};
use crate::repo_ref::RepoRef;

/// Whose repositories to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Organisation(String),
    User(String),
}

impl Owner {
    pub fn name(&self) -> &str {
        match self {
            Owner::Organisation(name) | Owner::User(name) => name,
        }
    }
}

/// A repository as an owner's listing shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct ListedRepo {
    pub full_name: String,
    pub fork: bool,
    pub archived: bool,
    /// Open issues and pull requests: a hint of how many pages its activity takes.
    #[serde(default)]
    pub open_issues_count: u64,
}

impl ListedRepo {
    pub fn repo_ref(&self) -> Option<RepoRef> {
        RepoRef::parse(&self.full_name).ok()
    }
}

/// Every repository of the owner the token can see, one page of 100 at a time.
pub async fn repositories(client: &Client, owner: &Owner) -> Result<Vec<ListedRepo>, ApiError> {
    let user_repos = |user: &str| format!("/users/{}/repos?type=owner&per_page={PER_PAGE}", encode(user));
    match owner {
        Owner::Organisation(org) => {
            match all_listed(client, format!("/orgs/{}/repos?type=all&per_page={PER_PAGE}", encode(org))).await {
                // GitHub's answer for a user's name given to --org: their repositories are what was meant.
                Err(e) if matches!(e.failure, Failure::NotFound { .. }) => {
                    let listed = all_listed(client, user_repos(org)).await.map_err(|_| e)?;
                    tracing::warn!("{org} is not an organisation: auditing the user's repositories (--user {org})");
                    Ok(listed)
                }
                listed => listed,
            }
        }
        Owner::User(user) => all_listed(client, user_repos(user)).await,
    }
}

/// Every page of a listing of repositories, up to `MAX_LIST_PAGES`.
async fn all_listed(client: &Client, first: String) -> Result<Vec<ListedRepo>, ApiError> {
    let mut repos = Vec::new();
    client
        .each_page(first, MAX_LIST_PAGES, |page: Vec<ListedRepo>| {
            repos.extend(page);
            true
        })
        .await?;
    Ok(repos)
}

/// The budgets left, REST's and GraphQL's (points), from `GET /rate_limit`, which counts against
/// neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budgets {
    pub rest: RateLimit,
    /// `None` when the server does not report one (anonymous, or an older Enterprise server).
    pub graphql: Option<RateLimit>,
}

#[derive(Deserialize)]
struct RateLimitJson {
    resources: Resources,
}

#[derive(Deserialize)]
struct Resources {
    core: Resource,
    graphql: Option<Resource>,
}

#[derive(Deserialize)]
struct Resource {
    limit: u64,
    remaining: u64,
    reset: i64,
}

impl From<Resource> for RateLimit {
    fn from(r: Resource) -> RateLimit {
        RateLimit { limit: Some(r.limit), remaining: r.remaining, reset: Some(r.reset) }
    }
}

pub async fn rate_limits(client: &Client) -> Result<Budgets, ApiError> {
    let json: RateLimitJson = client.get_json("/rate_limit").await?;
    Ok(Budgets { rest: json.resources.core.into(), graphql: json.resources.graphql.map(RateLimit::from) })
}
