//! What the Action needs from the fake: the comments of one pull request, comments and issues
//! written and edited (POST and PATCH, answered as GitHub does), and a read-only mode in which
//! every write is refused as a fork's pull request token is refused.

use axum::http::{Method, StatusCode};
use chrono::Utc;
use serde_json::Value;

use super::model::{Repo, World, WrittenComment, WrittenIssue};
use super::{Answer, Shared, forbidden, not_found, paginate, render, routes, template_path};

/// GitHub's answer to a write with the read-only token of a fork's pull request.
pub const READ_ONLY_MESSAGE: &str = "Resource not accessible by integration";

/// `GET /repos/{owner}/{repo}/issues/{issue_number}/comments`: the fixture's comments on it,
/// then those written, oldest first, paginated.
pub(super) fn list_comments(shared: &Shared, repo: &Repo, params: &[String], query: &[(String, String)]) -> Answer {
    let api = shared.base.as_str();
    let number: u64 = params[2].parse().unwrap_or(0);
    let mut items: Vec<Value> = repo
        .comments
        .iter()
        .enumerate()
        .filter(|(_, c)| c.number == number)
        .map(|(i, c)| render::comment(api, repo, c, i))
        .collect();
    let writes = shared.writes.lock().unwrap();
    items.extend(writes.comments.iter().filter(|w| w.number == number).map(|w| render::written_comment(api, repo, w)));
    let (page, link) = paginate(items, api, template_path(routes::ISSUE_COMMENTS, params), query);
    Answer::Json(StatusCode::OK, page, link)
}

/// `GET /user`: the token's own account; GitHub refuses a GitHub App's installation token.
pub(super) fn token_owner(api: &str, world: &World) -> Answer {
    match &world.token_owner {
        Some(owner) => Answer::Json(StatusCode::OK, render::user(api, owner), None),
        None => Answer::Json(StatusCode::FORBIDDEN, render::error(READ_ONLY_MESSAGE, 403), None),
    }
}

/// The open issues the client opened, for `GET /repos/{owner}/{repo}/issues`.
pub(super) fn written_issues(shared: &Shared, repo: &Repo) -> Vec<Value> {
    let writes = shared.writes.lock().unwrap();
    writes.issues.iter().rev().map(|w| render::written_issue(&shared.base, repo, w)).collect()
}

/// A POST or PATCH on one of the Action's routes.
pub(super) fn write(shared: &Shared, method: &Method, template: &str, params: &[String], body: &[u8]) -> Answer {
    let api = shared.base.as_str();
    let world = shared.world.read().unwrap();
    let Some(repo) = world.repo(&params[0], &params[1]) else {
        return not_found();
    };
    if let Some(refused) = forbidden(repo, template) {
        return refused;
    }
    if shared.read_only.load(std::sync::atomic::Ordering::Relaxed) {
        return Answer::Json(StatusCode::FORBIDDEN, render::error(READ_ONLY_MESSAGE, 403), None);
    }
    let sent: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |field: &str| sent[field].as_str().map(str::to_string);
    let Some(body) = text("body") else {
        return Answer::Json(
            StatusCode::UNPROCESSABLE_ENTITY,
            render::error("Invalid request: body is missing", 422),
            None,
        );
    };
    let mut writes = shared.writes.lock().unwrap();
    let number = |n: &String| n.parse::<u64>().unwrap_or(0);
    match (method.as_str(), template) {
        ("POST", routes::ISSUE_COMMENTS) => {
            let id = render::id_of(("written-comment", writes.comments.len()));
            let (number, user) = (number(&params[2]), world.writer());
            let w = WrittenComment { id, number, user, body, created_at: Utc::now(), edits: 0 };
            writes.comments.push(w.clone());
            Answer::Json(StatusCode::CREATED, render::written_comment(api, repo, &w), None)
        }
        ("PATCH", routes::COMMENT) => match writes.comments.iter_mut().find(|w| w.id == number(&params[2])) {
            Some(w) => {
                w.body = body;
                w.edits += 1;
                Answer::Json(StatusCode::OK, render::written_comment(api, repo, w), None)
            }
            None => not_found(),
        },
        ("POST", routes::ISSUES) => {
            let n = (repo.issues.len() + writes.issues.len() + 1) as u64;
            let title = text("title").unwrap_or_default();
            let w = WrittenIssue { number: n, user: world.writer(), title, body, created_at: Utc::now(), edits: 0 };
            writes.issues.push(w.clone());
            Answer::Json(StatusCode::CREATED, render::written_issue(api, repo, &w), None)
        }
        ("PATCH", routes::ISSUE) => match writes.issues.iter_mut().find(|w| w.number == number(&params[2])) {
            Some(w) => {
                w.body = body;
                w.edits += 1;
                Answer::Json(StatusCode::OK, render::written_issue(api, repo, w), None)
            }
            None => not_found(),
        },
        _ => not_found(),
    }
}
