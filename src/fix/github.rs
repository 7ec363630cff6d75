//! fix's writes to GitHub: the welcoming labels (`fix --labels`), and the Action's one pull
//! request on `cm-audit/fix` (one tree, one commit, one ref created or moved, one pull request
//! opened or edited).

use serde::{Deserialize, Serialize};

use crate::collect::github::{ApiError, Client, Failure};
use crate::repo_ref::RepoRef;

/// The labels newcomers look for, with GitHub's default colour and description for each.
pub const WELCOMING_LABELS: [NewLabel; 2] = [
    NewLabel { name: "good first issue", color: "7057ff", description: "Good for newcomers" },
    NewLabel { name: "help wanted", color: "008672", description: "Extra attention is needed" },
];

/// Pages of labels read to find what is there: 3,000 labels.
const MAX_LABEL_PAGES: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NewLabel {
    pub name: &'static str,
    pub color: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Deserialize)]
struct LabelJson {
    name: String,
}

/// A label's name as people vary it: `Good-First-Issue` is `good first issue`.
fn normalised(name: &str) -> String {
    name.to_lowercase().replace(['-', '_'], " ")
}

/// The welcoming labels the repository lacks.
pub async fn missing_labels(client: &Client, repo: &RepoRef) -> Result<Vec<NewLabel>, ApiError> {
    let mut have: Vec<String> = Vec::new();
    let first = format!("/repos/{repo}/labels?per_page=100");
    client
        .each_page(first, MAX_LABEL_PAGES, |page: Vec<LabelJson>| {
            have.extend(page.into_iter().map(|l| normalised(&l.name)));
            true
        })
        .await?;
    Ok(WELCOMING_LABELS.into_iter().filter(|l| !have.contains(&normalised(l.name))).collect())
}

/// Creates one label. GitHub's 422 (Validation Failed) for these fixed names and colours is its
/// `already_exists`: a label created meanwhile is there, as wanted.
pub async fn create_label(client: &Client, repo: &RepoRef, label: &NewLabel) -> Result<(), ApiError> {
    let uri = format!("/repos/{repo}/labels");
    match client.post_json::<serde_json::Value>(&uri, label).await {
        Ok(_) | Err(ApiError { failure: Failure::Rejected { status: 422, .. }, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The most read of one fact file: a build file larger than a checkout's read cap says nothing more.
const MAX_FACT_BYTES: usize = crate::collect::local::MAX_FILE_BYTES;

/// The fact files (build files, CODEOWNERS) of a repository on GitHub that its tree lists,
/// read through the contents API at `git_ref`: a request for each one there, a few at most.
pub async fn fact_files(
    client: &Client,
    repo: &RepoRef,
    tree: &[String],
    git_ref: Option<&str>,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let mut read = std::collections::BTreeMap::new();
    for path in super::facts::FACT_FILES.iter().filter(|p| tree.iter().any(|t| t == *p)) {
        let at = git_ref.map(|r| format!("?ref={}", encode(r))).unwrap_or_default();
        let body = client.get_raw(&format!("/repos/{repo}/contents/{path}{at}"), MAX_FACT_BYTES).await?;
        if let (false, Ok(text)) = (body.capped, String::from_utf8(body.bytes)) {
            read.insert(path.to_string(), text);
        }
    }
    Ok(read)
}

/// The branch the Action commits the files on; one pull request from it is kept up to date.
pub const FIX_BRANCH: &str = "cm-audit/fix";

#[derive(Debug, Deserialize)]
struct Sha {
    sha: String,
}

#[derive(Debug, Deserialize)]
struct BranchJson {
    commit: BranchCommit,
}

#[derive(Debug, Deserialize)]
struct BranchCommit {
    sha: String,
    commit: CommitTree,
}

#[derive(Debug, Deserialize)]
struct CommitTree {
    tree: Sha,
}

#[derive(Debug, Deserialize)]
struct RefJson {
    object: Sha,
}

#[derive(Debug, Deserialize)]
struct CommitJson {
    tree: Sha,
    parents: Vec<Sha>,
}

#[derive(Debug, Deserialize)]
struct PullJson {
    number: u64,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Serialize)]
struct TreeEntry<'a> {
    path: &'a str,
    mode: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    content: &'a str,
}

/// What the pull request says: its title and body.
pub struct PullRequestText {
    pub title: String,
    pub body: String,
}

/// Commits `files` on [`FIX_BRANCH`] on top of `base` (the default branch) through the API, one
/// tree and one commit, then creates or moves the branch and opens or edits the one pull request
/// from it. A branch that already holds these files on this base is left as it is.
pub async fn open_or_update_pull_request(
    client: &Client,
    repo: &RepoRef,
    base: &str,
    files: &[(&str, &str)],
    text: &PullRequestText,
) -> Result<crate::action::Written, ApiError> {
    use crate::action::Written;
    let api = format!("/repos/{repo}");
    let head: BranchJson = client.get_json(&format!("{api}/branches/{}", encode(base))).await?;
    let entries: Vec<TreeEntry> =
        files.iter().map(|(path, content)| TreeEntry { path, mode: "100644", kind: "blob", content }).collect();
    let tree: Sha = client
        .post_json(
            &format!("{api}/git/trees"),
            &serde_json::json!({"base_tree": head.commit.commit.tree.sha, "tree": entries}),
        )
        .await?;

    let branch_ref = format!("heads/{FIX_BRANCH}");
    let current = match client.get_json::<RefJson>(&format!("{api}/git/ref/{branch_ref}")).await {
        Ok(r) => Some(r.object.sha),
        Err(ApiError { failure: Failure::NotFound { .. }, .. }) => None,
        Err(e) => return Err(e),
    };
    let up_to_date = match &current {
        Some(sha) => {
            let commit: CommitJson = client.get_json(&format!("{api}/git/commits/{sha}")).await?;
            commit.tree.sha == tree.sha && commit.parents.iter().any(|p| p.sha == head.commit.sha)
        }
        None => false,
    };
    if !up_to_date {
        let message = format!("Add community files cm-audit found missing\n\n{}", text.title);
        let commit: Sha = client
            .post_json(
                &format!("{api}/git/commits"),
                &serde_json::json!({"message": message, "tree": tree.sha, "parents": [head.commit.sha]}),
            )
            .await?;
        match current {
            Some(_) => {
                let body = serde_json::json!({"sha": commit.sha, "force": true});
                client.patch_json::<serde_json::Value>(&format!("{api}/git/refs/{branch_ref}"), &body).await?;
            }
            None => {
                let body = serde_json::json!({"ref": format!("refs/{branch_ref}"), "sha": commit.sha});
                client.post_json::<serde_json::Value>(&format!("{api}/git/refs"), &body).await?;
            }
        }
    }

    let open: Vec<PullJson> = client
        .get_json(&format!("{api}/pulls?state=open&head={}:{}&per_page=100", repo.owner(), encode(FIX_BRANCH)))
        .await?;
    match open.into_iter().next() {
        Some(pull) if up_to_date && pull.body.as_deref() == Some(text.body.as_str()) => {
            Ok(Written::Unchanged(pull.number))
        }
        Some(pull) => {
            let body = serde_json::json!({"title": text.title, "body": text.body});
            client.patch_json::<serde_json::Value>(&format!("{api}/pulls/{}", pull.number), &body).await?;
            Ok(Written::Updated(pull.number))
        }
        None => {
            let body = serde_json::json!({"title": text.title, "head": FIX_BRANCH, "base": base, "body": text.body});
            let pull: PullJson = client.post_json(&format!("{api}/pulls"), &body).await?;
            Ok(Written::Created(pull.number))
        }
    }
}

/// A branch name in a path or query: its `/` kept, what else URLs reserve escaped.
fn encode(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '/' => c.to_string(),
            other => other.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
        })
        .collect()
}
