//! What the fake GitHub serves: fixture repositories, described by what a test cares about.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

/// A user on an issue, comment or review; `None` where one is used stands for a deleted user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub login: String,
    pub bot: bool,
}

pub fn user(login: &str) -> Option<User> {
    Some(User { login: login.to_string(), bot: false })
}

/// A bot account: `type: Bot` and a login ending in `[bot]`, as GitHub Apps are.
pub fn bot(name: &str) -> Option<User> {
    Some(User { login: format!("{name}[bot]"), bot: true })
}

#[derive(Debug, Clone)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    pub user: Option<User>,
    pub association: &'static str,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub pull_request: bool,
    pub draft: bool,
    /// A pull request opened as a draft and marked ready for review at this time (then `draft` is
    /// false). REST shows only `draft`; GraphQL has a `ReadyForReviewEvent` in its timeline.
    pub ready_at: Option<DateTime<Utc>>,
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
    /// A merged pull request: when, and by whom (`None` inside: a deleted user). Merging closes
    /// it: `closed_at` is then the same time.
    pub merged: Option<(DateTime<Utc>, Option<User>)>,
    /// Who closed it, when not whoever merged it or, unmerged, its author (as the fake assumes).
    pub closed_by: Option<User>,
}

impl Issue {
    /// Merges this pull request at `at`, by `by`: it is closed then too, as on GitHub.
    pub fn merge(&mut self, at: DateTime<Utc>, by: Option<User>) {
        self.closed_at = Some(at);
        self.merged = Some((at, by));
    }

    pub fn merged_at(&self) -> Option<DateTime<Utc>> {
        self.merged.as_ref().map(|(at, _)| *at)
    }

    /// Who closed it: as set, else whoever merged it, else its author.
    pub fn closer(&self) -> &Option<User> {
        match (&self.closed_by, &self.merged) {
            (Some(_), _) => &self.closed_by,
            (None, Some((_, who))) => who,
            (None, None) => &self.user,
        }
    }
}

/// A published release (or a draft, which only those who may push see).
#[derive(Debug, Clone)]
pub struct Release {
    pub tag: String,
    /// For a draft, when it was created (GitHub's `published_at` is then `null`).
    pub published_at: DateTime<Utc>,
    pub prerelease: bool,
    pub draft: bool,
}

/// `n` published releases `v1.1.0`… a month apart, the newest (`v1.n.0`) on 2026-01-01, newest
/// first.
pub fn monthly_releases(n: u64) -> Vec<Release> {
    let newest: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("a time");
    (1..=n)
        .rev()
        .map(|k| Release {
            tag: format!("v1.{k}.0"),
            published_at: newest - Duration::days(30 * (n - k) as i64),
            prerelease: false,
            draft: false,
        })
        .collect()
}

/// A discussion, with its comments (top-level replies) oldest first.
#[derive(Debug, Clone)]
pub struct Discussion {
    pub number: u64,
    pub title: String,
    pub user: Option<User>,
    pub association: &'static str,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The category's name and whether it takes answers (`Q&A`).
    pub category: (&'static str, bool),
    pub comments: Vec<Comment>,
    /// The accepted answer: which of `comments`, and when it was chosen.
    pub answer: Option<(usize, DateTime<Utc>)>,
}

/// A conversation comment, or (in `review_comments`) a comment on a pull request's diff.
#[derive(Debug, Clone)]
pub struct Comment {
    pub number: u64,
    pub user: Option<User>,
    pub association: &'static str,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub number: u64,
    pub user: Option<User>,
    pub association: &'static str,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED` or `PENDING`.
    pub state: &'static str,
    pub submitted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub description: Option<String>,
    pub homepage: Option<String>,
    pub topics: Vec<String>,
    pub has_issues: bool,
    pub has_discussions: bool,
    pub archived: bool,
    pub fork: bool,
    pub private: bool,
    pub default_branch: String,
    /// No commit yet: git endpoints answer 409, as GitHub's do.
    pub empty: bool,
    pub files: BTreeMap<String, Vec<u8>>,
    /// The files at other commits, by commit id (a pull request's base or head).
    pub commits: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// Symbolic links: path → target as written in the link.
    pub symlinks: BTreeMap<String, String>,
    /// The tree listing stops half-way and says `truncated: true`.
    pub truncated_tree: bool,
    pub labels: Vec<(String, String)>,
    /// Newest first, drafts included (REST and GraphQL list them to those who may push).
    pub releases: Vec<Release>,
    /// When the default branch's last commit was committed.
    pub last_commit_at: DateTime<Utc>,
    /// Discussions, numbered with the issues (GitHub shares the numbers), oldest first.
    pub discussions: Vec<Discussion>,
    pub issues: Vec<Issue>,
    pub comments: Vec<Comment>,
    pub review_comments: Vec<Comment>,
    pub reviews: Vec<Review>,
    /// The kinds of data the token may not read here, as a fine-grained token without the Issues
    /// or Pull requests permission: `"issues"`, `"pulls"`. REST answers 403 on their routes;
    /// GraphQL resolves their fields to `null` with a `FORBIDDEN` error.
    pub forbidden: Vec<&'static str>,
}

impl Repo {
    pub fn new(full_name: &str) -> Repo {
        let (owner, name) = full_name.split_once('/').expect("owner/name");
        Repo {
            id: super::render::id_of(full_name),
            owner: owner.to_string(),
            name: name.to_string(),
            description: None,
            homepage: None,
            topics: Vec::new(),
            has_issues: true,
            has_discussions: false,
            archived: false,
            fork: false,
            private: false,
            default_branch: "main".to_string(),
            empty: false,
            files: BTreeMap::new(),
            commits: BTreeMap::new(),
            symlinks: BTreeMap::new(),
            truncated_tree: false,
            labels: Vec::new(),
            releases: Vec::new(),
            last_commit_at: "2026-10-01T00:00:00Z".parse().expect("a time"),
            discussions: Vec::new(),
            issues: Vec::new(),
            comments: Vec::new(),
            review_comments: Vec::new(),
            reviews: Vec::new(),
            forbidden: Vec::new(),
        }
    }

    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    pub fn file(mut self, path: &str, text: &str) -> Repo {
        self.files.insert(path.to_string(), text.as_bytes().to_vec());
        self
    }

    pub fn bytes(mut self, path: &str, bytes: Vec<u8>) -> Repo {
        self.files.insert(path.to_string(), bytes);
        self
    }

    /// The repository as commit `sha` has it: these files instead of the default branch's.
    pub fn commit(mut self, sha: &str, files: &[(&str, &str)]) -> Repo {
        let files = files.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())).collect();
        self.commits.insert(sha.to_string(), files);
        self
    }

    /// This repository as seen at `sha`, when the fake knows that commit.
    pub fn at_commit(&self, sha: &str) -> Option<Repo> {
        let files = self.commits.get(sha)?;
        Some(Repo { files: files.clone(), symlinks: BTreeMap::new(), ..self.clone() })
    }

    pub fn label(mut self, name: &str) -> Repo {
        self.labels.push((name.to_string(), String::new()));
        self
    }

    /// Adds an issue (or pull request) created `age` before `now`, numbered next.
    pub fn item(
        &mut self,
        kind: Kind,
        by: Option<User>,
        association: &'static str,
        created_at: DateTime<Utc>,
    ) -> &mut Issue {
        let number = (self.issues.len() + self.discussions.len()) as u64 + 1;
        self.issues.push(Issue {
            number,
            title: format!("{} {number}", if kind == Kind::PullRequest { "Change" } else { "Problem" }),
            user: by,
            association,
            created_at,
            closed_at: None,
            pull_request: kind == Kind::PullRequest,
            draft: false,
            ready_at: None,
            labels: Vec::new(),
            assignees: Vec::new(),
            merged: None,
            closed_by: None,
        });
        self.issues.last_mut().expect("just pushed")
    }

    /// Adds a discussion created at `created_at` in `category` (name, answerable), numbered
    /// after every issue and discussion so far.
    pub fn discussion(
        &mut self,
        by: Option<User>,
        association: &'static str,
        created_at: DateTime<Utc>,
        category: (&'static str, bool),
    ) -> &mut Discussion {
        let number = (self.issues.len() + self.discussions.len()) as u64 + 1;
        self.discussions.push(Discussion {
            number,
            title: format!("Question {number}"),
            user: by,
            association,
            created_at,
            closed_at: None,
            category,
            comments: Vec::new(),
            answer: None,
        });
        self.discussions.last_mut().expect("just pushed")
    }

    pub fn comment(&mut self, number: u64, by: Option<User>, association: &'static str, created_at: DateTime<Utc>) {
        self.comments.push(Comment { number, user: by, association, created_at });
    }

    /// A comment on a pull request's diff.
    pub fn review_comment(
        &mut self,
        number: u64,
        by: Option<User>,
        association: &'static str,
        created_at: DateTime<Utc>,
    ) {
        self.review_comments.push(Comment { number, user: by, association, created_at });
    }

    /// A review; a pending one has no `submitted_at`.
    pub fn review(
        &mut self,
        number: u64,
        by: Option<User>,
        association: &'static str,
        state: &'static str,
        submitted_at: Option<DateTime<Utc>>,
    ) {
        self.reviews.push(Review { number, user: by, association, state, submitted_at });
    }

    /// The time of an item's last change, as GitHub's `updated_at` would say: a minute after it
    /// was opened (its first edits), or its last comment, diff comment, submitted review, marking
    /// ready for review or closing.
    pub fn updated_at(&self, issue: &Issue) -> DateTime<Utc> {
        let comments = self.comments.iter().chain(&self.review_comments).filter(|c| c.number == issue.number);
        let reviews = self.reviews.iter().filter(|r| r.number == issue.number).filter_map(|r| r.submitted_at);
        comments
            .map(|c| c.created_at)
            .chain(reviews)
            .chain([issue.created_at + Duration::minutes(1)])
            .chain(issue.ready_at)
            .chain(issue.closed_at)
            .max()
            .unwrap_or(issue.created_at)
    }

    /// Whether the token may not read this kind of data here (`"issues"`, `"pulls"`).
    pub fn forbids(&self, kind: &str) -> bool {
        self.forbidden.contains(&kind)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Issue,
    PullRequest,
}

/// Every repository the fake serves, by `owner/name` (case-insensitive, like GitHub).
#[derive(Debug, Clone, Default)]
pub struct World {
    pub repos: BTreeMap<String, Repo>,
    /// Old names of renamed repositories → their `owner/name` now.
    pub renamed: BTreeMap<String, String>,
    /// Users GitHub's search refuses to search for (suspended or hidden accounts).
    pub unsearchable: Vec<String>,
    /// The account the client's token belongs to, which `GET /user` names and which writes as
    /// itself; `None`: a GitHub App's installation token (the workflow's `GITHUB_TOKEN`), which
    /// `GET /user` refuses and which writes as `github-actions[bot]`.
    pub token_owner: Option<User>,
}

impl World {
    /// Who the client's token writes as.
    pub fn writer(&self) -> Option<User> {
        self.token_owner.clone().or_else(|| bot("github-actions"))
    }

    pub fn with(mut self, repo: Repo) -> World {
        self.repos.insert(repo.full_name().to_ascii_lowercase(), repo);
        self
    }

    pub fn renamed(mut self, old: &str, new: &str) -> World {
        self.renamed.insert(old.to_ascii_lowercase(), new.to_string());
        self
    }

    pub fn repo(&self, owner: &str, name: &str) -> Option<&Repo> {
        self.repos.get(&format!("{owner}/{name}").to_ascii_lowercase())
    }

    /// A repository to change, by `owner/name` (case-insensitive); panics when there is none, as a
    /// test's typo should.
    pub fn repo_mut(&mut self, full_name: &str) -> &mut Repo {
        self.repos.get_mut(&full_name.to_ascii_lowercase()).unwrap_or_else(|| panic!("no repository {full_name}"))
    }
}

/// A comment the client wrote (the Action's), kept to be listed and edited.
#[derive(Debug, Clone)]
pub struct WrittenComment {
    pub id: u64,
    /// The issue or pull request it is on.
    pub number: u64,
    /// Who wrote it: the client's token, or someone else, as a test wrote it before.
    pub user: Option<User>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// How many times it was edited.
    pub edits: usize,
}

impl WrittenComment {
    /// The comment as the model has it.
    pub fn as_comment(&self) -> Comment {
        Comment { number: self.number, user: self.user.clone(), association: "NONE", created_at: self.created_at }
    }
}

/// An issue the client opened (the Action's tracking issue).
#[derive(Debug, Clone)]
pub struct WrittenIssue {
    pub number: u64,
    /// Who opened it: the client's token, or someone else, as a test wrote it before.
    pub user: Option<User>,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub edits: usize,
}

impl WrittenIssue {
    /// The issue as the model has it: open, unlabelled.
    pub fn as_issue(&self) -> Issue {
        Issue {
            number: self.number,
            title: self.title.clone(),
            user: self.user.clone(),
            association: "NONE",
            created_at: self.created_at,
            closed_at: None,
            pull_request: false,
            draft: false,
            ready_at: None,
            labels: Vec::new(),
            assignees: Vec::new(),
            merged: None,
            closed_by: None,
        }
    }
}

/// What clients wrote, in the order they wrote it.
#[derive(Debug, Clone, Default)]
pub struct Writes {
    pub comments: Vec<WrittenComment>,
    pub issues: Vec<WrittenIssue>,
    /// Git trees by id: the base tree and the files (path, text) written on it (`fix`).
    pub trees: BTreeMap<String, (String, Vec<(String, String)>)>,
    /// Git commits by id: tree, parents and message.
    pub commits: BTreeMap<String, (String, Vec<String>, String)>,
    /// Branches and tags created, `heads/name` → commit id.
    pub refs: BTreeMap<String, String>,
    pub pulls: Vec<WrittenPull>,
}

/// A pull request the client opened (fix's).
#[derive(Debug, Clone)]
pub struct WrittenPull {
    pub number: u64,
    pub title: String,
    /// The branch it is from, and the one it goes into.
    pub head: String,
    pub base: String,
    pub body: String,
    pub edits: usize,
}
