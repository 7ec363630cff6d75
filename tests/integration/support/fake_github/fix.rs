//! What `cm-audit fix` needs from the fake: labels created, a branch read, git trees, commits and
//! refs written, and pull requests listed, opened and edited, answered with the fields GitHub's
//! REST answers carry for them (docs.github.com/rest/git and /rest/pulls). The tree and commit
//! ids are derived from their content, so the same files on the same base give the same tree.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::action::READ_ONLY_MESSAGE;
use super::model::{Repo, WrittenPull};
use super::render::{self, sha_of};
use super::{Answer, Shared, not_found, routes};

/// The routes this module answers (GETs among them), as `METHOD template`.
pub fn answers(method: &Method, template: &str) -> bool {
    matches!(
        (method.as_str(), template),
        ("POST", routes::LABELS)
            | ("GET", routes::BRANCH)
            | ("POST", routes::GIT_TREES)
            | ("POST", routes::GIT_COMMITS)
            | ("GET", routes::GIT_COMMIT)
            | ("GET", routes::GIT_REF)
            | ("POST", routes::GIT_REFS)
            | ("PATCH", routes::GIT_REF_UPDATE)
            | ("GET", routes::PULLS)
            | ("POST", routes::PULLS)
            | ("PATCH", routes::PULL)
    )
}

fn unprocessable(message: &str) -> Answer {
    Answer::Json(StatusCode::UNPROCESSABLE_ENTITY, render::error(message, 422), None)
}

pub(super) fn answer(
    shared: &Shared,
    method: &Method,
    template: &str,
    params: &[String],
    query: &[(String, String)],
    body: &[u8],
) -> Answer {
    let api = shared.base.as_str();
    let sent: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if method != Method::GET && shared.read_only.load(std::sync::atomic::Ordering::Relaxed) {
        return Answer::Json(StatusCode::FORBIDDEN, render::error(READ_ONLY_MESSAGE, 403), None);
    }
    if template == routes::LABELS {
        let mut world = shared.world.write().unwrap();
        let Some(repo) = world.repos.get_mut(&format!("{}/{}", params[0], params[1]).to_ascii_lowercase()) else {
            return not_found();
        };
        let name = sent["name"].as_str().unwrap_or_default().to_string();
        if name.is_empty() || repo.labels.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return unprocessable("Validation Failed");
        }
        let description = sent["description"].as_str().unwrap_or_default().to_string();
        repo.labels.push((name.clone(), description.clone()));
        let mut label = render::label(api, repo, &name, &description);
        label["color"] = sent["color"].clone();
        return Answer::Json(StatusCode::CREATED, label, None);
    }
    let world = shared.world.read().unwrap();
    let Some(repo) = world.repo(&params[0], &params[1]) else {
        return not_found();
    };
    let base = format!("{api}/repos/{}", repo.full_name());
    let mut writes = shared.writes.lock().unwrap();
    match (method.as_str(), template) {
        ("GET", routes::BRANCH) if params[2] == repo.default_branch => {
            let sha = render::head_commit(repo);
            Answer::Json(StatusCode::OK, branch(&base, repo, &sha, &head_tree(repo)), None)
        }
        ("POST", routes::GIT_TREES) => {
            let Some(entries) = sent["tree"].as_array() else { return unprocessable("Invalid tree info") };
            let base_tree = sent["base_tree"].as_str().unwrap_or_default().to_string();
            let mut files = Vec::new();
            for e in entries {
                let (Some(path), Some(content)) = (e["path"].as_str(), e["content"].as_str()) else {
                    return unprocessable("Invalid tree info");
                };
                if e["mode"] != "100644" || e["type"] != "blob" {
                    return unprocessable("Invalid tree info");
                }
                files.push((path.to_string(), content.to_string()));
            }
            let sha = sha_of(format!("{base_tree}{files:?}").as_bytes());
            writes.trees.insert(sha.clone(), (base_tree, files.clone()));
            let listed: Vec<Value> = files
                .iter()
                .map(|(path, content)| {
                    let blob = sha_of(content.as_bytes());
                    json!({"path": path, "mode": "100644", "type": "blob", "size": content.len(), "sha": blob, "url": format!("{base}/git/blobs/{blob}")})
                })
                .collect();
            Answer::Json(
                StatusCode::CREATED,
                json!({"sha": sha, "url": format!("{base}/git/trees/{sha}"), "tree": listed, "truncated": false}),
                None,
            )
        }
        ("POST", routes::GIT_COMMITS) => {
            let tree = sent["tree"].as_str().unwrap_or_default().to_string();
            let parents: Vec<String> = sent["parents"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str())
                .map(str::to_string)
                .collect();
            let message = sent["message"].as_str().unwrap_or_default().to_string();
            if !writes.trees.contains_key(&tree) || message.is_empty() {
                return unprocessable("Tree SHA does not exist");
            }
            let sha = sha_of(format!("{tree}{parents:?}{message}{}", writes.commits.len()).as_bytes());
            writes.commits.insert(sha.clone(), (tree, parents, message));
            Answer::Json(StatusCode::CREATED, commit(&base, &sha, &writes.commits[&sha]), None)
        }
        ("GET", routes::GIT_COMMIT) => match writes.commits.get(&params[2]) {
            Some(c) => Answer::Json(StatusCode::OK, commit(&base, &params[2], c), None),
            None => not_found(),
        },
        ("GET", routes::GIT_REF) => match writes.refs.get(&params[2]) {
            Some(sha) => Answer::Json(StatusCode::OK, git_ref(&base, &params[2], sha), None),
            None => not_found(),
        },
        ("POST", routes::GIT_REFS) => {
            let (Some(full), Some(sha)) = (sent["ref"].as_str(), sent["sha"].as_str()) else {
                return unprocessable("Invalid request");
            };
            let Some(name) = full.strip_prefix("refs/") else { return unprocessable("Reference name is invalid") };
            if writes.refs.contains_key(name) {
                return unprocessable("Reference already exists");
            }
            writes.refs.insert(name.to_string(), sha.to_string());
            Answer::Json(StatusCode::CREATED, git_ref(&base, name, sha), None)
        }
        ("PATCH", routes::GIT_REF_UPDATE) => {
            let Some(sha) = sent["sha"].as_str() else { return unprocessable("Invalid request") };
            match writes.refs.get_mut(&params[2]) {
                Some(at) => {
                    *at = sha.to_string();
                    Answer::Json(StatusCode::OK, git_ref(&base, &params[2], sha), None)
                }
                None => unprocessable("Reference does not exist"),
            }
        }
        ("GET", routes::PULLS) => {
            let param = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
            // `head` is `owner:branch`; GitHub lists open pull requests unless `state` says otherwise.
            let head = param("head").and_then(|h| h.split_once(':')).map(|(_, branch)| branch);
            let open = param("state").is_none_or(|s| s == "open" || s == "all");
            let listed: Vec<Value> = writes
                .pulls
                .iter()
                .filter(|p| open && head.is_none_or(|h| h == p.head))
                .map(|p| render_pull(&base, repo, p))
                .collect();
            Answer::Json(StatusCode::OK, Value::Array(listed), None)
        }
        ("POST", routes::PULLS) => {
            let (Some(title), Some(head), Some(base_branch)) =
                (sent["title"].as_str(), sent["head"].as_str(), sent["base"].as_str())
            else {
                return unprocessable("Validation Failed");
            };
            if !writes.refs.contains_key(&format!("heads/{head}")) {
                return unprocessable("Validation Failed");
            }
            if writes.pulls.iter().any(|p| p.head == head) {
                return unprocessable("A pull request already exists");
            }
            let number = (repo.issues.len() + writes.issues.len() + writes.pulls.len() + 1) as u64;
            let body = sent["body"].as_str().unwrap_or_default().to_string();
            let pull = WrittenPull {
                number,
                title: title.into(),
                head: head.into(),
                base: base_branch.into(),
                body,
                edits: 0,
            };
            writes.pulls.push(pull.clone());
            Answer::Json(StatusCode::CREATED, render_pull(&base, repo, &pull), None)
        }
        ("PATCH", routes::PULL) => {
            let number: u64 = params[2].parse().unwrap_or(0);
            match writes.pulls.iter_mut().find(|p| p.number == number) {
                Some(pull) => {
                    if let Some(title) = sent["title"].as_str() {
                        pull.title = title.to_string();
                    }
                    if let Some(body) = sent["body"].as_str() {
                        pull.body = body.to_string();
                    }
                    pull.edits += 1;
                    Answer::Json(StatusCode::OK, render_pull(&base, repo, pull), None)
                }
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

/// The tree of the default branch's head commit.
fn head_tree(repo: &Repo) -> String {
    sha_of(format!("tree of {}", render::head_commit(repo)).as_bytes())
}

/// A branch as `GET /repos/{owner}/{repo}/branches/{branch}` answers: its head commit in full
/// (dated by the model), unprotected.
fn branch(base: &str, repo: &Repo, sha: &str, tree: &str) -> Value {
    let web = format!("{}/{}", render::GITHUB_WEB, repo.full_name());
    let signature =
        json!({"name": "Fixture", "email": "fixture@example.com", "date": render::stamp(repo.last_commit_at)});
    json!({
        "name": repo.default_branch,
        "commit": {
            "sha": sha,
            "node_id": format!("C_{sha}"),
            "url": format!("{base}/commits/{sha}"),
            "html_url": format!("{web}/commit/{sha}"),
            "comments_url": format!("{base}/commits/{sha}/comments"),
            "commit": {
                "url": format!("{base}/git/commits/{sha}"),
                "message": "The fixture", "comment_count": 0,
                "tree": {"sha": tree, "url": format!("{base}/git/trees/{tree}")},
                "author": signature, "committer": signature,
            },
            "author": null, "committer": null,
            "parents": [],
        },
        "protected": false,
        "protection": {"enabled": false, "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []}},
        "protection_url": format!("{base}/branches/{}/protection", repo.default_branch),
        "_links": {"self": format!("{base}/branches/{}", repo.default_branch), "html": format!("{web}/tree/{}", repo.default_branch)},
    })
}

fn commit(base: &str, sha: &str, (tree, parents, message): &(String, Vec<String>, String)) -> Value {
    json!({
        "sha": sha,
        "node_id": format!("C_{sha}"),
        "url": format!("{base}/git/commits/{sha}"),
        "message": message,
        "tree": {"sha": tree, "url": format!("{base}/git/trees/{tree}")},
        "parents": parents.iter().map(|p| json!({"sha": p, "url": format!("{base}/git/commits/{p}")})).collect::<Vec<_>>(),
        "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null},
    })
}

fn git_ref(base: &str, name: &str, sha: &str) -> Value {
    json!({
        "ref": format!("refs/{name}"),
        "node_id": format!("REF_{}", sha_of(name.as_bytes())),
        "url": format!("{base}/git/refs/{name}"),
        "object": {"type": "commit", "sha": sha, "url": format!("{base}/git/commits/{sha}")},
    })
}

fn render_pull(base: &str, repo: &Repo, p: &WrittenPull) -> Value {
    let html = format!("https://github.com/{}/pull/{}", repo.full_name(), p.number);
    json!({
        "url": format!("{base}/pulls/{}", p.number),
        "id": render::id_of(("pull", p.number)),
        "html_url": html,
        "number": p.number,
        "state": "open",
        "title": p.title,
        "body": p.body,
        "head": {"ref": p.head, "label": format!("{}:{}", repo.owner, p.head)},
        "base": {"ref": p.base, "label": format!("{}:{}", repo.owner, p.base)},
        "draft": false,
    })
}
