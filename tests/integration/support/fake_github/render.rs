//! GitHub-shaped JSON for the fixture model: real field names and nesting, every field GitHub's
//! OpenAPI description requires (checked by tests/api_schema.rs). Repositories, issues and labels
//! start from answers GitHub really gave (`@octokit/fixtures`) with the fixture's values patched in.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::model::{Comment, Issue, Release, Repo, Review, User};

fn recorded(text: &str) -> Value {
    serde_json::from_str::<Value>(text).expect("vendored fixture")["response"].take()
}

static REPOSITORY: LazyLock<Value> =
    LazyLock::new(|| recorded(include_str!("../../../data/octokit-fixtures/get-repository.json")));
static ISSUE: LazyLock<Value> =
    LazyLock::new(|| recorded(include_str!("../../../data/octokit-fixtures/paginate-issues.json"))[0].take());
static LABEL: LazyLock<Value> =
    LazyLock::new(|| recorded(include_str!("../../../data/octokit-fixtures/labels.json"))[0].take());

pub const GITHUB_WEB: &str = "https://github.com";

/// A stable id from any value, for `id` and `node_id` fields.
pub fn id_of(x: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish() % 1_000_000_000
}

/// A 40-hex-digit id standing in for a git object id.
pub fn sha_of(bytes: &[u8]) -> String {
    let a = id_of(bytes);
    let b = id_of((bytes, 1));
    let c = id_of((bytes, 2));
    format!("{a:014x}{b:013x}{c:013x}")
}

pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn user(api: &str, u: &User) -> Value {
    let id = id_of(&u.login);
    // As GitHub writes them: a bot's login is escaped in API URLs, and its page is its app's.
    let login = u.login.replace('[', "%5B").replace(']', "%5D");
    let html_url = match u.login.strip_suffix("[bot]") {
        Some(app) => format!("{GITHUB_WEB}/apps/{app}"),
        None => format!("{GITHUB_WEB}/{login}"),
    };
    json!({
        "login": u.login, "id": id, "node_id": format!("U_{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"), "gravatar_id": "",
        "url": format!("{api}/users/{login}"), "html_url": html_url,
        "followers_url": format!("{api}/users/{login}/followers"),
        "following_url": format!("{api}/users/{login}/following{{/other_user}}"),
        "gists_url": format!("{api}/users/{login}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/users/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/users/{login}/subscriptions"),
        "organizations_url": format!("{api}/users/{login}/orgs"),
        "repos_url": format!("{api}/users/{login}/repos"),
        "events_url": format!("{api}/users/{login}/events{{/privacy}}"),
        "received_events_url": format!("{api}/users/{login}/received_events"),
        "type": if u.bot { "Bot" } else { "User" },
        "site_admin": false
    })
}

fn maybe_user(api: &str, u: &Option<User>) -> Value {
    u.as_ref().map_or(Value::Null, |u| user(api, u))
}

/// Replaces every `from` with `to` in the string values of a recorded answer.
fn rename(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(s) if s.contains(from) => *s = s.replace(from, to),
        Value::Array(items) => items.iter_mut().for_each(|v| rename(v, from, to)),
        Value::Object(map) => map.values_mut().for_each(|v| rename(v, from, to)),
        _ => {}
    }
}

pub fn repository(api: &str, r: &Repo) -> Value {
    let mut v = REPOSITORY.clone();
    rename(&mut v, "https://api.github.com", api);
    rename(&mut v, "octokit-fixture-org/hello-world", &r.full_name());
    let owner = User { login: r.owner.clone(), bot: false };
    let patch = json!({
        "id": r.id, "node_id": format!("R_{}", r.id), "name": r.name, "full_name": r.full_name(),
        "owner": user(api, &owner), "organization": user(api, &owner),
        "description": r.description, "homepage": r.homepage, "topics": r.topics,
        "has_issues": r.has_issues, "has_discussions": r.has_discussions, "archived": r.archived,
        "fork": r.fork, "private": r.private, "visibility": if r.private { "private" } else { "public" },
        "default_branch": r.default_branch, "open_issues": r.issues.len(), "open_issues_count": r.issues.len(),
    });
    for (k, value) in patch.as_object().expect("an object") {
        v[k] = value.clone();
    }
    v["organization"]["type"] = json!("Organization");
    v
}

/// The id of the default branch's last commit: its tree is the one [`tree`] lists.
pub fn head_commit(r: &Repo) -> String {
    sha_of(format!("{}@{}", r.full_name(), r.default_branch).as_bytes())
}

/// The recursive tree listing and the blobs it names, by id.
pub fn tree(api: &str, r: &Repo) -> (Value, BTreeMap<String, Vec<u8>>) {
    let base = format!("{api}/repos/{}", r.full_name());
    let mut blobs = BTreeMap::new();
    let mut folders = std::collections::BTreeSet::new();
    let mut entries = Vec::new();
    let links = r.symlinks.iter().map(|(p, t)| (p, t.as_bytes(), "120000"));
    for (path, bytes, mode) in r.files.iter().map(|(p, b)| (p, b.as_slice(), "100644")).chain(links) {
        let mut dir = path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            folders.insert(parent.to_string());
            dir = parent;
        }
        let sha = sha_of(bytes);
        blobs.insert(sha.clone(), bytes.to_vec());
        entries.push(json!({"path": path, "mode": mode, "type": "blob", "sha": sha, "size": bytes.len(), "url": format!("{base}/git/blobs/{sha}")}));
    }
    for folder in folders {
        let sha = sha_of(folder.as_bytes());
        entries.push(json!({"path": folder, "mode": "040000", "type": "tree", "sha": sha, "url": format!("{base}/git/trees/{sha}")}));
    }
    entries.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    if r.truncated_tree {
        entries.truncate(entries.len() / 2);
    }
    let sha = sha_of(r.full_name().as_bytes());
    (
        json!({"sha": sha, "url": format!("{base}/git/trees/{sha}"), "tree": entries, "truncated": r.truncated_tree}),
        blobs,
    )
}

/// What the contents API has at `path` of `r` (`""`: the root): a folder's listing, a file as
/// JSON (its bytes in base64) or, with `raw`, its bytes; `None` when nothing is there. Symbolic
/// links are left out.
pub fn contents(api: &str, r: &Repo, path: &str, raw: bool) -> Option<Result<Value, Vec<u8>>> {
    let entry = |path: &str, kind: &str, bytes: Option<&[u8]>| {
        let name = path.rsplit('/').next().unwrap_or(path);
        let (sha, git_url, download_url) = match bytes {
            Some(b) => (
                sha_of(b),
                format!("{api}/repos/{}/git/blobs/{}", r.full_name(), sha_of(b)),
                json!(format!("https://raw.githubusercontent.com/{}/{}/{path}", r.full_name(), r.default_branch)),
            ),
            None => (
                sha_of(path.as_bytes()),
                format!("{api}/repos/{}/git/trees/{}", r.full_name(), sha_of(path.as_bytes())),
                Value::Null,
            ),
        };
        let url = format!("{api}/repos/{}/contents/{path}?ref={}", r.full_name(), r.default_branch);
        let web = if bytes.is_some() { "blob" } else { "tree" };
        let html = format!("{GITHUB_WEB}/{}/{web}/{}/{path}", r.full_name(), r.default_branch);
        json!({"type": kind, "size": bytes.map_or(0, <[u8]>::len), "name": name, "path": path, "sha": sha,
            "url": url, "git_url": git_url, "html_url": html, "download_url": download_url,
            "_links": {"self": url, "git": git_url, "html": html}})
    };
    if let Some(bytes) = r.files.get(path) {
        if raw {
            return Some(Err(bytes.clone()));
        }
        use base64::Engine;
        let mut file = entry(path, "file", Some(bytes));
        file["encoding"] = json!("base64");
        file["content"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
        return Some(Ok(file));
    }
    let prefix = if path.is_empty() { String::new() } else { format!("{path}/") };
    let mut listed = BTreeMap::new();
    for (file, bytes) in r.files.iter().filter_map(|(p, b)| Some((p.strip_prefix(&prefix)?, b))) {
        match file.split_once('/') {
            Some((folder, _)) => listed.entry(format!("{prefix}{folder}")).or_insert_with(|| None),
            None => listed.entry(format!("{prefix}{file}")).or_insert(Some(bytes.as_slice())),
        };
    }
    if listed.is_empty() {
        return None;
    }
    let entries = listed.iter().map(|(p, bytes)| entry(p, if bytes.is_some() { "file" } else { "dir" }, *bytes));
    Some(Ok(Value::Array(entries.collect())))
}

pub fn label(api: &str, r: &Repo, name: &str, description: &str) -> Value {
    let mut v = LABEL.clone();
    let id = id_of((r.id, name));
    v["id"] = json!(id);
    v["node_id"] = json!(format!("LA_{id}"));
    v["url"] = json!(format!("{api}/repos/{}/labels/{}", r.full_name(), name.replace(' ', "%20")));
    v["name"] = json!(name);
    v["description"] = if description.is_empty() { Value::Null } else { json!(description) };
    v["default"] = json!(false);
    v
}

pub fn issue(api: &str, r: &Repo, i: &Issue) -> Value {
    let mut v = ISSUE.clone();
    let repo_api = format!("{api}/repos/{}", r.full_name());
    let n = i.number;
    let web_kind = if i.pull_request { "pull" } else { "issues" };
    let id = id_of((r.id, n));
    let patch = json!({
        "url": format!("{repo_api}/issues/{n}"), "repository_url": repo_api,
        "labels_url": format!("{repo_api}/issues/{n}/labels{{/name}}"),
        "comments_url": format!("{repo_api}/issues/{n}/comments"),
        "events_url": format!("{repo_api}/issues/{n}/events"),
        "timeline_url": format!("{repo_api}/issues/{n}/timeline"),
        "html_url": format!("{GITHUB_WEB}/{}/{web_kind}/{n}", r.full_name()),
        "id": id, "node_id": format!("I_{id}"), "number": n, "title": i.title,
        "user": maybe_user(api, &i.user), "author_association": i.association,
        "labels": i.labels.iter().map(|l| label(api, r, l, "")).collect::<Vec<_>>(),
        "state": if i.closed_at.is_some() { "closed" } else { "open" },
        "state_reason": if i.closed_at.is_some() { json!("completed") } else { Value::Null },
        "assignee": i.assignees.first().map_or(Value::Null, |a| user(api, &User { login: a.clone(), bot: false })),
        "assignees": i.assignees.iter().map(|a| user(api, &User { login: a.clone(), bot: false })).collect::<Vec<_>>(),
        "comments": r.comments.iter().filter(|c| c.number == n).count(),
        "created_at": stamp(i.created_at), "updated_at": stamp(r.updated_at(i)),
        "closed_at": i.closed_at.map(stamp),
    });
    for (k, value) in patch.as_object().expect("an object") {
        v[k] = value.clone();
    }
    v["reactions"]["url"] = json!(format!("{repo_api}/issues/{n}/reactions"));
    if i.pull_request {
        v["draft"] = json!(i.draft);
        v["pull_request"] = json!({
            "url": format!("{repo_api}/pulls/{n}"),
            "html_url": format!("{GITHUB_WEB}/{}/pull/{n}", r.full_name()),
            "diff_url": format!("{GITHUB_WEB}/{}/pull/{n}.diff", r.full_name()),
            "patch_url": format!("{GITHUB_WEB}/{}/pull/{n}.patch", r.full_name()),
            "merged_at": i.merged_at().map(stamp)
        });
    }
    v
}

/// What every fixture comment says.
pub const COMMENT_BODY: &str = "Thanks!";

pub fn comment(api: &str, r: &Repo, c: &Comment, index: usize) -> Value {
    let repo_api = format!("{api}/repos/{}", r.full_name());
    let id = id_of((r.id, "comment", index));
    json!({
        "id": id, "node_id": format!("IC_{id}"), "url": format!("{repo_api}/issues/comments/{id}"),
        "html_url": format!("{GITHUB_WEB}/{}/issues/{}#issuecomment-{id}", r.full_name(), c.number),
        "issue_url": format!("{repo_api}/issues/{}", c.number),
        "body": COMMENT_BODY, "user": maybe_user(api, &c.user), "author_association": c.association,
        "created_at": stamp(c.created_at), "updated_at": stamp(c.created_at),
        "performed_via_github_app": null
    })
}

pub fn review_comment(api: &str, r: &Repo, c: &Comment, index: usize) -> Value {
    let repo_api = format!("{api}/repos/{}", r.full_name());
    let id = id_of((r.id, "review-comment", index));
    let pr_url = format!("{repo_api}/pulls/{}", c.number);
    let html = format!("{GITHUB_WEB}/{}/pull/{}#discussion_r{id}", r.full_name(), c.number);
    json!({
        "url": format!("{repo_api}/pulls/comments/{id}"), "id": id, "node_id": format!("PRRC_{id}"),
        "pull_request_review_id": id + 1, "diff_hunk": "@@ -1 +1 @@\n-old\n+new", "path": "README.md",
        "commit_id": sha_of(b"head"), "original_commit_id": sha_of(b"head"),
        "user": maybe_user(api, &c.user), "body": "Could this be simpler?",
        "created_at": stamp(c.created_at), "updated_at": stamp(c.created_at),
        "html_url": html, "pull_request_url": pr_url, "author_association": c.association,
        "_links": {"self": {"href": format!("{repo_api}/pulls/comments/{id}")}, "html": {"href": html}, "pull_request": {"href": pr_url}}
    })
}

pub fn review(api: &str, r: &Repo, rv: &Review, index: usize) -> Value {
    let repo_api = format!("{api}/repos/{}", r.full_name());
    let id = id_of((r.id, "review", index));
    let html = format!("{GITHUB_WEB}/{}/pull/{}#pullrequestreview-{id}", r.full_name(), rv.number);
    let pr_url = format!("{repo_api}/pulls/{}", rv.number);
    let mut v = json!({
        "id": id, "node_id": format!("PRR_{id}"), "user": maybe_user(api, &rv.user), "body": "",
        "state": rv.state, "html_url": html, "pull_request_url": pr_url,
        "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
        "commit_id": sha_of(b"head"), "author_association": rv.association
    });
    // A pending review has no `submitted_at` at all (not `null`).
    if let Some(at) = rv.submitted_at {
        v["submitted_at"] = json!(stamp(at));
    }
    v
}

/// An entry of the repository's issue events (`labeled` with its label, `ready_for_review`,
/// `closed`, `merged`), by `actor`, with the whole issue as GitHub gives it.
pub fn issue_event(
    api: &str,
    r: &Repo,
    i: &Issue,
    (what, label, actor): (&str, Option<&str>, &Option<User>),
    at: DateTime<Utc>,
) -> Value {
    let id = id_of((r.id, "event", i.number, what, label, at));
    let mut v = json!({
        "id": id, "node_id": format!("IE_{id}"), "url": format!("{api}/repos/{}/issues/events/{id}", r.full_name()),
        "actor": maybe_user(api, actor), "event": what, "commit_id": null, "commit_url": null,
        "created_at": stamp(at), "issue": issue(api, r, i), "performed_via_github_app": null
    });
    if let Some(name) = label {
        v["label"] = json!({"name": name, "color": "ededed"});
    }
    v
}

pub fn release(api: &str, r: &Repo, release: &Release) -> Value {
    let repo_api = format!("{api}/repos/{}", r.full_name());
    let tag = release.tag.as_str();
    let id = id_of((r.id, "release", tag));
    json!({
        "url": format!("{repo_api}/releases/{id}"), "html_url": release_url(r, release),
        "assets_url": format!("{repo_api}/releases/{id}/assets"),
        "upload_url": format!("https://uploads.github.com/repos/{}/releases/{id}/assets{{?name,label}}", r.full_name()),
        "tarball_url": format!("{repo_api}/tarball/{tag}"), "zipball_url": format!("{repo_api}/zipball/{tag}"),
        "id": id, "node_id": format!("RE_{id}"), "tag_name": tag, "target_commitish": r.default_branch,
        "name": format!("Release {tag}"), "body": null, "draft": release.draft, "prerelease": release.prerelease,
        "created_at": stamp(release.published_at),
        "published_at": if release.draft { Value::Null } else { json!(stamp(release.published_at)) },
        "author": user(api, &User { login: r.owner.clone(), bot: false }), "assets": []
    })
}

/// A release's page: a draft's is under `untagged-…`, as GitHub names it until it is published.
pub fn release_url(r: &Repo, release: &Release) -> String {
    match release.draft {
        true => format!("{GITHUB_WEB}/{}/releases/tag/untagged-{}", r.full_name(), id_of(&release.tag)),
        false => format!("{GITHUB_WEB}/{}/releases/tag/{}", r.full_name(), release.tag),
    }
}

/// GitHub's error body.
pub fn error(message: &str, status: u16) -> Value {
    json!({"message": message, "documentation_url": "https://docs.github.com/rest", "status": status.to_string()})
}

/// The Action's own comment, as GitHub answers it (created by the workflow's bot).
pub fn written_comment(api: &str, r: &Repo, w: &super::model::WrittenComment) -> Value {
    let mut v = comment(api, r, &w.as_comment(), 0);
    let repo_api = format!("{api}/repos/{}", r.full_name());
    v["id"] = json!(w.id);
    v["node_id"] = json!(format!("IC_{}", w.id));
    v["url"] = json!(format!("{repo_api}/issues/comments/{}", w.id));
    v["html_url"] = json!(format!("{GITHUB_WEB}/{}/pull/{}#issuecomment-{}", r.full_name(), w.number, w.id));
    v["body"] = json!(w.body);
    v
}

/// The Action's tracking issue, as GitHub answers it.
pub fn written_issue(api: &str, r: &Repo, w: &super::model::WrittenIssue) -> Value {
    let mut v = issue(api, r, &w.as_issue());
    v["body"] = json!(w.body);
    v
}
