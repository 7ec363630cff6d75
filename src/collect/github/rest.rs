//! The REST calls cm-audit makes, each with lean serde types holding only the fields read.
//! Field names and nesting are GitHub's (checked against `@octokit/openapi` by the fake's tests).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::client::{Client, Page, page_number};
use super::errors::ApiError;
use crate::repo_ref::RepoRef;
use crate::snapshot::{Actor, Release};

/// GitHub's largest page.
pub const PER_PAGE: u32 = 100;
/// The most pages read of a list that is wanted whole (labels, a pull request's reviews, an
/// owner's repositories): 100,000 items, past any real repository's, short of a server that
/// makes up pages for ever.
pub const MAX_LIST_PAGES: usize = 1000;

#[derive(Debug, Clone, Deserialize)]
pub struct RepoJson {
    pub full_name: String,
    pub description: Option<String>,
    pub homepage: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    pub has_issues: bool,
    #[serde(default)]
    pub has_discussions: bool,
    pub archived: bool,
    pub fork: bool,
    pub private: bool,
    pub default_branch: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TreeJson {
    pub tree: Vec<TreeEntry>,
    pub truncated: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TreeEntry {
    pub path: String,
    /// `100644` file, `100755` executable, `120000` symbolic link, `040000` folder, `160000` submodule.
    pub mode: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: String,
}

impl TreeEntry {
    pub fn is_file(&self) -> bool {
        self.kind == "blob"
    }

    pub fn is_symlink(&self) -> bool {
        self.mode == "120000"
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelJson {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserJson {
    pub login: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// GitHub shows a deleted account as the `ghost` user (or, in places, as `null`).
const DELETED_USER: &str = "ghost";

/// The actor for a user field: `None` for a deleted user.
pub fn actor(user: &Option<UserJson>) -> Option<Actor> {
    let user = user.as_ref()?;
    actor_named(&user.login, user.kind.as_deref() == Some("Bot"))
}

/// The actor of a login, whose account type says whether it is a bot (`typed_bot`): a bot is
/// that or a login ending in `[bot]`; `None` for GitHub's deleted user. Both APIs answer with it.
pub fn actor_named(login: &str, typed_bot: bool) -> Option<Actor> {
    (login != DELETED_USER).then(|| Actor { login: login.to_string(), is_bot: typed_bot || login.ends_with("[bot]") })
}

/// An issue's label: GitHub's schema allows a bare name or an object.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum IssueLabel {
    Name(String),
    Object { name: Option<String> },
}

impl IssueLabel {
    pub fn name(&self) -> Option<&str> {
        match self {
            IssueLabel::Name(n) => Some(n),
            IssueLabel::Object { name } => name.as_deref(),
        }
    }
}

/// An issue or, when `pull_request` is present, a pull request, as the issues listing shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueJson {
    pub number: u64,
    pub title: String,
    pub html_url: String,
    pub user: Option<UserJson>,
    pub author_association: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub labels: Vec<IssueLabel>,
    #[serde(default)]
    pub assignees: Option<Vec<UserJson>>,
    /// Present on pull requests.
    #[serde(default)]
    pub pull_request: Option<PullLinkJson>,
    #[serde(default)]
    pub draft: Option<bool>,
}

/// What the issues listing says of a pull request.
#[derive(Debug, Clone, Deserialize)]
pub struct PullLinkJson {
    #[serde(default)]
    pub merged_at: Option<DateTime<Utc>>,
}

/// An event of an issue or pull request, as the repository's issue-events listing shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueEventJson {
    /// `ready_for_review`, `convert_to_draft`, `closed`, `labeled`, ...
    pub event: String,
    pub created_at: DateTime<Utc>,
    /// Who did it (who merged, for `merged`); `None` for a deleted user.
    #[serde(default)]
    pub actor: Option<UserJson>,
    /// The issue or pull request it happened to (GitHub gives the whole issue; its number is enough).
    #[serde(default)]
    pub issue: Option<EventIssueJson>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventIssueJson {
    pub number: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommentJson {
    /// `.../repos/{owner}/{repo}/issues/{number}`: the comment's issue or pull request.
    pub issue_url: String,
    pub user: Option<UserJson>,
    pub author_association: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReviewCommentJson {
    /// `.../repos/{owner}/{repo}/pulls/{number}`.
    pub pull_request_url: String,
    pub user: Option<UserJson>,
    pub author_association: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReviewJson {
    pub user: Option<UserJson>,
    pub author_association: String,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING` (not submitted).
    pub state: String,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The number at the end of an `issue_url` or `pull_request_url`.
pub fn number_in_url(url: &str) -> Option<u64> {
    url.rsplit('/').next()?.parse().ok()
}

/// Percent-encodes a path segment or query value (label names have spaces and colons; branch
/// names have slashes).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn base(repo: &RepoRef) -> String {
    format!("/repos/{}/{}", encode(repo.owner()), encode(repo.name()))
}

pub async fn repository(client: &Client, repo: &RepoRef) -> Result<RepoJson, ApiError> {
    client.get_json(&base(repo)).await
}

/// The whole tree of a branch in one request.
pub async fn tree(client: &Client, repo: &RepoRef, branch: &str) -> Result<TreeJson, ApiError> {
    client.get_json(&format!("{}/git/trees/{}?recursive=1", base(repo), encode(branch))).await
}

/// An entry of a folder, as the contents API lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct FolderEntryJson {
    /// `file`, `dir`, `symlink` or `submodule`.
    #[serde(rename = "type")]
    pub kind: String,
    pub path: String,
    pub sha: String,
}

/// The entries of one folder of `git_ref` (`""`: the root), through the contents API.
pub async fn folder(
    client: &Client,
    repo: &RepoRef,
    path: &str,
    git_ref: &str,
) -> Result<Vec<FolderEntryJson>, ApiError> {
    client.get_json(&contents_uri(repo, path, git_ref)).await
}

/// A file's bytes by its path in `git_ref`, through the contents API, at most `cap` of them.
pub async fn file_at(
    client: &Client,
    repo: &RepoRef,
    path: &str,
    git_ref: &str,
    cap: usize,
) -> Result<(Vec<u8>, bool), ApiError> {
    let body = client.get_raw(&contents_uri(repo, path, git_ref), cap).await?;
    Ok((body.bytes, body.capped))
}

/// The contents API's address of `path` (a folder or a file) in `git_ref`, each path segment
/// encoded and its slashes kept.
fn contents_uri(repo: &RepoRef, path: &str, git_ref: &str) -> String {
    let path = path.split('/').map(encode).collect::<Vec<_>>().join("/");
    format!("{}/contents/{path}?ref={}", base(repo), encode(git_ref))
}

/// A file's bytes by its blob id, at most `cap` of them: `(bytes, there was more)`.
pub async fn blob(client: &Client, repo: &RepoRef, sha: &str, cap: usize) -> Result<(Vec<u8>, bool), ApiError> {
    let body = client.get_raw(&format!("{}/git/blobs/{}", base(repo), encode(sha)), cap).await?;
    Ok((body.bytes, body.capped))
}

/// The number of releases, from one single-item page: its `last` link's page number is the count.
pub async fn release_count(client: &Client, repo: &RepoRef) -> Result<u64, ApiError> {
    let page: Page<serde::de::IgnoredAny> = client.get_page(&format!("{}/releases?per_page=1", base(repo))).await?;
    Ok(page.last.as_deref().and_then(page_number).unwrap_or(page.items.len() as u64))
}

/// A release as the releases listing shows it (GraphQL's overview asks for its fields under these
/// names).
#[derive(Debug, Clone, Deserialize)]
pub struct ReleaseJson {
    pub tag_name: String,
    pub html_url: String,
    /// `null` for a draft.
    pub published_at: Option<DateTime<Utc>>,
    pub draft: bool,
    pub prerelease: bool,
}

impl ReleaseJson {
    /// The release as the snapshot has it; `None` for a draft, which GitHub shows only to those
    /// who may push.
    pub fn published(self) -> Option<Release> {
        let published_at = self.published_at.filter(|_| !self.draft)?;
        Some(Release { tag: self.tag_name, url: self.html_url, published_at, prerelease: self.prerelease })
    }
}

/// Releases a page when the newest are read: the release pulse's ten.
pub const NEWEST_RELEASES: u32 = 10;

/// The newest releases (drafts too, for a token that may push), and whether there are more.
pub async fn newest_releases(client: &Client, repo: &RepoRef) -> Result<(Vec<ReleaseJson>, bool), ApiError> {
    let page: Page<ReleaseJson> =
        client.get_page(&format!("{}/releases?per_page={NEWEST_RELEASES}", base(repo))).await?;
    Ok((page.items, page.next.is_some()))
}

#[derive(Debug, Clone, Deserialize)]
pub struct BranchJson {
    pub commit: BranchCommitJson,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BranchCommitJson {
    pub commit: CommitJson,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitJson {
    pub committer: Option<GitActorJson>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GitActorJson {
    pub date: Option<DateTime<Utc>>,
}

/// When the branch's last commit was committed, from the branch (one request, the date inside).
pub async fn last_commit_at(client: &Client, repo: &RepoRef, branch: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let found: BranchJson = client.get_json(&format!("{}/branches/{}", base(repo), encode(branch))).await?;
    Ok(found.commit.commit.committer.and_then(|c| c.date))
}

pub async fn labels(client: &Client, repo: &RepoRef) -> Result<Vec<LabelJson>, ApiError> {
    let first = format!("{}/labels?per_page={PER_PAGE}", base(repo));
    Ok(all_pages(client, first, MAX_LIST_PAGES, |_: &[LabelJson]| true).await?.0)
}

/// Open issues (pull requests included, as GitHub lists them) carrying one label.
pub async fn open_issues_labelled(
    client: &Client,
    repo: &RepoRef,
    label: &str,
    max_pages: usize,
) -> Result<(Vec<IssueJson>, bool), ApiError> {
    let first = format!("{}/issues?state=open&labels={}&per_page={PER_PAGE}", base(repo), encode(label));
    all_pages(client, first, max_pages, |_: &[IssueJson]| true).await
}

/// Issues and pull requests newest first, until one was created before `since`.
pub async fn items_created_since(
    client: &Client,
    repo: &RepoRef,
    since: DateTime<Utc>,
    max_pages: usize,
) -> Result<(Vec<IssueJson>, bool), ApiError> {
    let first = format!("{}/issues?state=all&sort=created&direction=desc&per_page={PER_PAGE}", base(repo));
    let (mut items, complete) =
        all_pages(client, first, max_pages, |page: &[IssueJson]| page.last().is_some_and(|i| i.created_at >= since))
            .await?;
    items.retain(|i| i.created_at >= since);
    Ok((items, complete))
}

/// What the oldest item by an author says of their history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstItem {
    None,
    At(DateTime<Utc>),
    /// The answer's item is someone else's: the server did not filter by `creator`, so it says
    /// nothing of this author.
    NotTheirs,
}

/// When `login` first opened an issue or pull request in the repository, if ever.
pub async fn first_item_by(client: &Client, repo: &RepoRef, login: &str) -> Result<FirstItem, ApiError> {
    let uri =
        format!("{}/issues?creator={}&state=all&sort=created&direction=asc&per_page=1", base(repo), encode(login));
    let page = client.get_page::<IssueJson>(&uri).await?;
    Ok(match page.items.first() {
        None => FirstItem::None,
        Some(i) if i.user.as_ref().is_some_and(|u| u.login.eq_ignore_ascii_case(login)) => FirstItem::At(i.created_at),
        Some(_) => FirstItem::NotTheirs,
    })
}

/// The events of every issue and pull request in the repository since `since`. GitHub lists them
/// newest first; the listing stops at the first page with nothing as recent.
pub async fn events_since(
    client: &Client,
    repo: &RepoRef,
    since: DateTime<Utc>,
    max_pages: usize,
) -> Result<(Vec<IssueEventJson>, bool), ApiError> {
    let first = format!("{}/issues/events?per_page={PER_PAGE}", base(repo));
    let (mut events, complete) =
        all_pages(client, first, max_pages, |page: &[IssueEventJson]| page.iter().any(|e| e.created_at >= since))
            .await?;
    events.retain(|e| e.created_at >= since);
    Ok((events, complete))
}

/// Every issue and pull-request conversation comment in the repository updated since `since`.
pub async fn comments_since(
    client: &Client,
    repo: &RepoRef,
    since: DateTime<Utc>,
    max_pages: usize,
) -> Result<(Vec<CommentJson>, bool), ApiError> {
    let first = format!(
        "{}/issues/comments?since={}&sort=created&direction=asc&per_page={PER_PAGE}",
        base(repo),
        timestamp(since)
    );
    all_pages(client, first, max_pages, |_: &[CommentJson]| true).await
}

/// Every review comment (on a pull request's diff) in the repository updated since `since`.
pub async fn review_comments_since(
    client: &Client,
    repo: &RepoRef,
    since: DateTime<Utc>,
    max_pages: usize,
) -> Result<(Vec<ReviewCommentJson>, bool), ApiError> {
    let first = format!(
        "{}/pulls/comments?since={}&sort=created&direction=asc&per_page={PER_PAGE}",
        base(repo),
        timestamp(since)
    );
    all_pages(client, first, max_pages, |_: &[ReviewCommentJson]| true).await
}

/// The reviews of one pull request (no bulk form exists).
pub async fn reviews(client: &Client, repo: &RepoRef, number: u64) -> Result<Vec<ReviewJson>, ApiError> {
    let first = format!("{}/pulls/{number}/reviews?per_page={PER_PAGE}", base(repo));
    Ok(all_pages(client, first, MAX_LIST_PAGES, |_: &[ReviewJson]| true).await?.0)
}

fn timestamp(t: DateTime<Utc>) -> String {
    encode(&t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Follows `next` links while `more` says the page just read calls for another, up to
/// `max_pages`; the flag is false when the cap cut the listing short.
async fn all_pages<T: serde::de::DeserializeOwned>(
    client: &Client,
    first: String,
    max_pages: usize,
    more: impl Fn(&[T]) -> bool,
) -> Result<(Vec<T>, bool), ApiError> {
    let mut items = Vec::new();
    let complete = client
        .each_page(first, max_pages, |page: Vec<T>| {
            let go_on = more(&page);
            items.extend(page);
            go_on
        })
        .await?;
    Ok((items, complete))
}

#[cfg(test)]
mod tests {
    //! Deserialisation against recorded real answers (`@octokit/fixtures`, under tests/data).
    use super::*;

    fn fixture(name: &str) -> serde_json::Value {
        let path = format!("{}/tests/data/octokit-fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["response"].take()
    }

    #[test]
    fn reads_a_recorded_repository() {
        let repo: RepoJson = serde_json::from_value(fixture("get-repository")).unwrap();
        assert_eq!(repo.full_name, "octokit-fixture-org/hello-world");
        assert_eq!(repo.default_branch, "master");
        assert!(repo.has_issues && !repo.archived && !repo.fork);
    }

    #[test]
    fn reads_recorded_labels() {
        let labels: Vec<LabelJson> = serde_json::from_value(fixture("labels")).unwrap();
        assert!(labels.iter().any(|l| l.name == "bug"), "{labels:?}");
    }

    #[test]
    fn reads_a_recorded_page_of_issues() {
        let issues: Vec<IssueJson> = serde_json::from_value(fixture("paginate-issues")).unwrap();
        assert_eq!(issues.len(), 3);
        assert_eq!(issues[0].number, 13);
        assert!(issues.iter().all(|i| i.pull_request.is_none() && actor(&i.user).is_some_and(|a| !a.is_bot)));
    }

    #[test]
    fn bots_and_deleted_users() {
        let bot = Some(UserJson { login: "dependabot[bot]".into(), kind: Some("Bot".into()) });
        assert_eq!(actor(&bot).map(|a| a.is_bot), Some(true));
        let ghost = Some(UserJson { login: "ghost".into(), kind: Some("User".into()) });
        assert_eq!(actor(&ghost), None);
        assert_eq!(actor(&None), None);
    }

    #[test]
    fn encodes_label_names_and_branches() {
        assert_eq!(encode("good first issue"), "good%20first%20issue");
        assert_eq!(encode("release/1.x"), "release%2F1.x");
        assert_eq!(number_in_url("https://api.github.com/repos/a/b/issues/42"), Some(42));
    }
}
