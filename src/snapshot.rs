//! The `Snapshot`: everything collected about one repository at one time.
//!
//! It is the contract between collection (the only stage doing I/O) and the engine (pure). It
//! serialises to JSON so that an audit can be saved and replayed offline (`--from s.json`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::repo_ref::RepoRef;

/// Version of the snapshot's JSON shape; bumped on any incompatible change.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Snapshot {
    pub schema_version: u32,
    /// `owner/name` when known (always for the API; from the `origin` remote for a checkout).
    pub repository: Option<RepoRef>,
    pub collected_at: DateTime<Utc>,
    pub sources: Sources,
    /// The repository's files, as paths relative to its root with `/` separators.
    pub tree: Tree,
    /// Bodies of the few files that rules read, keyed by path.
    #[serde(default)]
    pub files: BTreeMap<String, FileBody>,
    /// Community files of the owner's `.github` repository, which GitHub falls back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited: Option<InheritedFiles>,
    /// What only the GitHub API knows; `None` when the source could not see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<RepoSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<Label>>,
    /// Open issues carrying a welcoming label (`good first issue`, `help wanted`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welcoming_issues: Option<Vec<Item>>,
    /// Issues and pull requests created in the window, with their first responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    /// Discussions created in the window, when the repository has Discussions enabled and they
    /// were read; `None` otherwise (`unavailable` says why when they could not be read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussions: Option<Discussions>,
    /// The newest releases and the default branch's last commit: the release pulse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub releases: Option<Releases>,
    /// Why a kind of data is missing, e.g. `labels` → "needs the GitHub API".
    #[serde(default)]
    pub unavailable: BTreeMap<DataKind, String>,
}

/// Where a snapshot's data came from, stated in every report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Sources {
    /// The local checkout's path, when one was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_tree: Option<String>,
    /// How the local tree's file list was made: `git` (tracked files and untracked ones not
    /// ignored) or `walk` (ignore rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_listing: Option<String>,
    /// The API base URL, when the GitHub API was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// The git ref whose tree was read through the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    /// The owner's `.github` repository whose community files were inherited (GitHub's fallback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
    /// Folders (with a trailing `/`) and files of the checkout that could not be read, with the
    /// OS's error: what is in them was not seen, which is not the same as missing.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unreadable: BTreeMap<String, String>,
    /// Notes for the reader about what could not be used (binary files, caps hit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Tree {
    /// File paths (no directories; they are implied by the paths).
    pub paths: Vec<String>,
    /// The listing is incomplete (GitHub's cap, or ours on huge trees).
    #[serde(default)]
    pub truncated: bool,
}

/// A file's body as read, capped in size.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FileBody {
    Text {
        text: String,
        /// Only the first part was read (the size cap).
        #[serde(default)]
        truncated: bool,
    },
    /// Present but not readable as text; `reason` says why (binary, not UTF-8, a link outside the tree).
    Unreadable { reason: String },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InheritedFiles {
    /// The repository the files come from, e.g. `my-org/.github`.
    pub from: String,
    pub tree: Tree,
    #[serde(default)]
    pub files: BTreeMap<String, FileBody>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RepoSettings {
    pub description: Option<String>,
    pub homepage: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    pub has_issues: bool,
    pub has_discussions: bool,
    pub archived: bool,
    pub fork: bool,
    pub default_branch: Option<String>,
    /// Number of published releases, when counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub releases: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Label {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Issues and pull requests created in a window, newest first, as collected.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Activity {
    /// Items created at or after this time are in the window.
    pub window_start: DateTime<Utc>,
    pub items: Vec<Item>,
    /// Logins of the window's authors who opened an issue or pull request in the repository
    /// before the window started (their history, looked up in bulk). `None` when not looked up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors_with_earlier_items: Option<Vec<String>>,
    /// Authors whose history was looked up but could not be had (GitHub refused to search for
    /// them): neither newcomers nor regulars.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors_not_looked_up: Vec<String>,
    /// False when the listing stopped early (a cap or an error); the reason is in `Sources::notes`.
    #[serde(default = "yes")]
    pub complete: bool,
    /// The window before this one, as long and ending where this one starts: who opened what
    /// then, so that newcomers of that window can be seen coming back in this one. `None` when
    /// not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousWindow>,
}

/// The items of the window before the audited one, without their responses: enough to know who
/// was new then and who came back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PreviousWindow {
    /// Items created at or after this time, and before the audited window's start, are in it.
    pub start: DateTime<Utc>,
    /// Newest first; `responses` are not collected for them.
    pub items: Vec<Item>,
    /// Logins of these items' authors who opened an issue or pull request before `start`. `None`
    /// when not looked up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors_with_earlier_items: Option<Vec<String>>,
    /// Authors whose history could not be had: neither newcomers nor regulars then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors_not_looked_up: Vec<String>,
    /// False when the listing stopped early; the reason is in `Sources::notes`.
    #[serde(default = "yes")]
    pub complete: bool,
}

/// Discussions created in a window, newest first, as collected.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Discussions {
    /// Discussions created at or after this time are in the window.
    pub window_start: DateTime<Utc>,
    pub items: Vec<Discussion>,
    /// False when the listing stopped early; the reason is in `Sources::notes`.
    #[serde(default = "yes")]
    pub complete: bool,
}

/// A discussion, with its first replies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Discussion {
    pub number: u64,
    pub title: String,
    /// The discussion's page on GitHub.
    pub url: String,
    /// `None` for a deleted user.
    pub author: Option<Actor>,
    /// GitHub's `authorAssociation`, as on issues.
    pub author_association: String,
    pub created_at: DateTime<Utc>,
    /// The category's name, e.g. `Q&A`.
    pub category: String,
    /// The category takes answers (GitHub's question-and-answer format): its discussions are
    /// questions.
    #[serde(default)]
    pub answerable: bool,
    /// When an answer was marked as the accepted one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_chosen_at: Option<DateTime<Utc>>,
    /// Who wrote the accepted answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<Actor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Top-level comments by anyone (the author and bots included), oldest first: at least the
    /// earliest few, enough to find the first reply by someone else.
    #[serde(default)]
    pub responses: Vec<Response>,
}

/// The newest published releases and the default branch's last commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Releases {
    /// Newest first, at most ten; drafts never (GitHub shows them only to those who may push).
    pub latest: Vec<Release>,
    /// When the newest commit of the default branch was committed; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_commit_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Release {
    pub tag: String,
    /// The release's page on GitHub.
    pub url: String,
    pub published_at: DateTime<Utc>,
    #[serde(default)]
    pub prerelease: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Issue,
    PullRequest,
}

/// A user as GitHub shows one on an item or comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub login: String,
    /// `type: Bot`, or a login ending in `[bot]`.
    #[serde(default)]
    pub is_bot: bool,
}

/// An issue or pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub kind: ItemKind,
    pub number: u64,
    pub title: String,
    /// The item's page on GitHub (`html_url`).
    pub url: String,
    /// `None` for a deleted user (GitHub shows `ghost`).
    pub author: Option<Actor>,
    /// GitHub's `author_association`: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIMER,
    /// FIRST_TIME_CONTRIBUTOR, MANNEQUIN or NONE.
    pub author_association: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// A pull request still in draft.
    #[serde(default)]
    pub draft: bool,
    /// For a pull request opened as a draft: when it was marked ready for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_for_review_at: Option<DateTime<Utc>>,
    /// Whether the pull request was opened as a draft (its clock starts when marked ready).
    #[serde(default)]
    pub opened_as_draft: bool,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub assignees: Vec<String>,
    /// Comments and submitted reviews by anyone (the author and bots included), oldest first;
    /// at least the earliest few, enough to find the first response by someone else.
    #[serde(default)]
    pub responses: Vec<Response>,
    /// For a merged pull request: when it was merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_at: Option<DateTime<Utc>>,
    /// Who merged it; `None` when not merged, unknown, or a deleted user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_by: Option<Actor>,
    /// For a closed pull request: who closed it last (its closing event); `None` when open,
    /// unknown, or a deleted user. A newcomer who closed their own was not turned away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<Actor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseKind {
    Comment,
    /// A submitted review (pending reviews are never collected).
    Review,
    ReviewComment,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub kind: ResponseKind,
    /// `None` for a deleted user.
    pub author: Option<Actor>,
    pub author_association: String,
    pub at: DateTime<Utc>,
}

/// Kinds of data a source may lack; rules that need a missing kind are skipped with its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataKind {
    Settings,
    Labels,
    Issues,
    Inherited,
    /// The repository's discussions (GraphQL only: REST has no listing of them).
    Discussions,
    /// Releases and the default branch's last commit.
    Releases,
}

impl DataKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::Settings => "settings",
            DataKind::Labels => "labels",
            DataKind::Issues => "issues",
            DataKind::Inherited => "the owner's .github files",
            DataKind::Discussions => "discussions",
            DataKind::Releases => "releases",
        }
    }
}

#[cfg(test)]
impl Item {
    /// An issue opened by a person, unanswered: what unit tests start from.
    pub fn opened_for_test(number: u64, login: &str, association: &str, created: &str) -> Item {
        Item {
            kind: ItemKind::Issue,
            number,
            title: format!("item {number}"),
            url: format!("https://github.com/o/r/issues/{number}"),
            author: Some(Actor { login: login.to_string(), is_bot: false }),
            author_association: association.to_string(),
            created_at: DateTime::parse_from_rfc3339(created).expect("an RFC 3339 time").with_timezone(&Utc),
            updated_at: None,
            closed_at: None,
            draft: false,
            ready_for_review_at: None,
            opened_as_draft: false,
            labels: Vec::new(),
            assignees: Vec::new(),
            responses: Vec::new(),
            merged_at: None,
            merged_by: None,
            closed_by: None,
        }
    }
}

impl Snapshot {
    /// An empty snapshot of a tree, to be filled by a collector.
    pub fn new(repository: Option<RepoRef>, collected_at: DateTime<Utc>) -> Self {
        Snapshot {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            repository,
            collected_at,
            sources: Sources::default(),
            tree: Tree::default(),
            files: BTreeMap::new(),
            inherited: None,
            settings: None,
            labels: None,
            welcoming_issues: None,
            activity: None,
            discussions: None,
            releases: None,
            unavailable: BTreeMap::new(),
        }
    }

    /// The reason a kind of data is missing, or a generic one when the source never had it.
    pub fn missing_reason(&self, kind: DataKind) -> String {
        self.unavailable.get(&kind).cloned().unwrap_or_else(|| format!("no {} data in this snapshot", kind.as_str()))
    }
}
