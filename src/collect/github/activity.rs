//! Issues and pull requests with their responses, assembled from bulk listings (pure functions).

use std::collections::BTreeMap;

use super::rest::{CommentJson, IssueJson, ReviewCommentJson, ReviewJson, actor, number_in_url};
use crate::snapshot::{Actor, Item, ItemKind, Response, ResponseKind};

pub fn item(issue: IssueJson) -> Item {
    let kind = if issue.pull_request.is_some() { ItemKind::PullRequest } else { ItemKind::Issue };
    let draft = issue.draft.unwrap_or(false);
    Item {
        kind,
        number: issue.number,
        title: issue.title,
        url: issue.html_url,
        author: actor(&issue.user),
        author_association: issue.author_association,
        created_at: issue.created_at,
        updated_at: issue.updated_at,
        closed_at: issue.closed_at,
        draft,
        // REST does not say when a draft was marked ready, nor whether a ready pull request
        // began as a draft; a pull request still in draft surely did.
        ready_for_review_at: None,
        opened_as_draft: draft,
        labels: issue.labels.iter().filter_map(|l| l.name().map(str::to_string)).collect(),
        assignees: issue.assignees.unwrap_or_default().into_iter().map(|u| u.login).collect(),
        responses: Vec::new(),
    }
}

/// Responses from the repository-wide listings, attached to the items they belong to; listings
/// also hold comments on older items, which are dropped.
pub fn attach(items: &mut [Item], comments: Vec<CommentJson>, review_comments: Vec<ReviewCommentJson>) {
    let index: BTreeMap<u64, usize> = items.iter().enumerate().map(|(i, item)| (item.number, i)).collect();
    let mut add = |url: &str, response: Response| {
        if let Some(&i) = number_in_url(url).and_then(|n| index.get(&n)) {
            items[i].responses.push(response);
        }
    };
    for c in comments {
        add(
            &c.issue_url,
            Response {
                kind: ResponseKind::Comment,
                author: actor(&c.user),
                author_association: c.author_association,
                at: c.created_at,
            },
        );
    }
    for c in review_comments {
        add(
            &c.pull_request_url,
            Response {
                kind: ResponseKind::ReviewComment,
                author: actor(&c.user),
                author_association: c.author_association,
                at: c.created_at,
            },
        );
    }
    for item in items.iter_mut() {
        item.responses.sort_by_key(|r| r.at);
    }
}

/// Pull requests whose reviews must be asked for one by one: those with no comment by anyone
/// but their author and bots, where a review may be the only response.
pub fn unanswered_pull_requests(items: &[Item]) -> Vec<u64> {
    items
        .iter()
        .filter(|i| i.kind == ItemKind::PullRequest && !answered_by_another(&i.author, &i.responses))
        .map(|i| i.number)
        .collect()
}

/// Whether anyone but the item's author and bots responded.
pub fn answered_by_another(author: &Option<Actor>, responses: &[Response]) -> bool {
    responses.iter().any(|r| match (&r.author, author) {
        (Some(by), Some(author)) => !by.is_bot && by.login != author.login,
        (Some(by), None) => !by.is_bot,
        // A deleted user answered: someone did.
        (None, _) => true,
    })
}

/// Submitted reviews (pending ones are private drafts) as responses, in time order.
pub fn attach_reviews(item: &mut Item, reviews: Vec<ReviewJson>) {
    for r in reviews {
        if let (false, Some(at)) = (r.state == "PENDING", r.submitted_at) {
            item.responses.push(Response {
                kind: ResponseKind::Review,
                author: actor(&r.user),
                author_association: r.author_association,
                at,
            });
        }
    }
    item.responses.sort_by_key(|r| r.at);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::github::rest::UserJson;
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn user(login: &str, kind: &str) -> Option<UserJson> {
        Some(UserJson { login: login.into(), kind: Some(kind.into()) })
    }

    fn pr(number: u64, by: &str) -> Item {
        item(
            serde_json::from_value(serde_json::json!({
                "number": number, "title": "t", "html_url": format!("https://github.com/o/r/pull/{number}"),
                "user": {"login": by, "type": "User"}, "author_association": "NONE",
                "created_at": "2026-11-01T10:00:00Z", "updated_at": null, "closed_at": null,
                "labels": [{"name": "bug"}], "assignees": [], "pull_request": {"url": "x"}, "draft": true
            }))
            .unwrap(),
        )
    }

    fn comment(number: u64, login: &str, kind: &str, when: &str) -> CommentJson {
        CommentJson {
            issue_url: format!("https://api.github.com/repos/o/r/issues/{number}"),
            user: user(login, kind),
            author_association: "MEMBER".into(),
            created_at: at(when),
        }
    }

    #[test]
    fn comments_land_on_their_items_in_time_order_and_older_items_are_ignored() {
        let mut items = vec![pr(7, "newcomer")];
        attach(
            &mut items,
            vec![
                comment(7, "maintainer", "User", "2026-11-02T10:00:00Z"),
                comment(3, "x", "User", "2026-11-01T11:00:00Z"),
                comment(7, "greeter[bot]", "Bot", "2026-11-01T10:01:00Z"),
            ],
            vec![],
        );
        let who: Vec<_> = items[0].responses.iter().map(|r| r.author.as_ref().unwrap().login.as_str()).collect();
        assert_eq!(who, ["greeter[bot]", "maintainer"]);
        assert!(items[0].draft && items[0].opened_as_draft && items[0].labels == ["bug"]);
    }

    #[test]
    fn only_pull_requests_without_a_human_answer_need_their_reviews() {
        let mut items = vec![pr(1, "a"), pr(2, "b"), pr(3, "c")];
        attach(
            &mut items,
            vec![
                comment(1, "maintainer", "User", "2026-11-02T10:00:00Z"),
                comment(2, "b", "User", "2026-11-02T10:00:00Z"),
                comment(3, "ci[bot]", "Bot", "2026-11-02T10:00:00Z"),
            ],
            vec![],
        );
        assert_eq!(unanswered_pull_requests(&items), vec![2, 3]);
    }

    #[test]
    fn pending_reviews_are_not_responses() {
        let mut it = pr(1, "a");
        let review = |state: &str, submitted: Option<&str>| ReviewJson {
            user: user("m", "User"),
            author_association: "MEMBER".into(),
            state: state.into(),
            submitted_at: submitted.map(at),
        };
        attach_reviews(&mut it, vec![review("PENDING", None), review("APPROVED", Some("2026-11-03T00:00:00Z"))]);
        assert_eq!(it.responses.len(), 1);
        assert_eq!(it.responses[0].kind, ResponseKind::Review);
    }
}
