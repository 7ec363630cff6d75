//! Issues and pull requests with their responses, assembled from bulk listings (pure functions).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::rest::{CommentJson, IssueEventJson, IssueJson, ReviewCommentJson, ReviewJson, actor, number_in_url};
use crate::snapshot::{Actor, Item, ItemKind, Response, ResponseKind};

pub fn item(issue: IssueJson) -> Item {
    let kind = if issue.pull_request.is_some() { ItemKind::PullRequest } else { ItemKind::Issue };
    let merged_at = issue.pull_request.as_ref().and_then(|p| p.merged_at);
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
        // The listing does not say when a draft was marked ready, nor whether a ready pull request
        // began as a draft (the issue events do: `date_drafts`); one still in draft surely did.
        ready_for_review_at: None,
        opened_as_draft: draft,
        labels: issue.labels.iter().filter_map(|l| l.name().map(str::to_string)).collect(),
        assignees: issue.assignees.unwrap_or_default().into_iter().map(|u| u.login).collect(),
        responses: Vec::new(),
        merged_at,
        // The issue events say who (`merged_and_closed_by`).
        merged_by: None,
        closed_by: None,
    }
}

/// An item as the previous window keeps it: who opened it and when, its closing and merge,
/// without responses, labels, assignees or draft history (neither API reads those past the
/// window).
pub fn earlier_selection(item: Item) -> Item {
    Item {
        updated_at: None,
        ready_for_review_at: None,
        opened_as_draft: false,
        labels: Vec::new(),
        assignees: Vec::new(),
        responses: Vec::new(),
        ..item
    }
}

/// A pull request's move into or out of draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftMove {
    ReadyForReview,
    ConvertToDraft,
}

/// Whether a pull request was opened as a draft, and when it was first marked ready, from its moves
/// into and out of draft (`draft`: whether it is one now). The first move being "ready for review"
/// means it was opened as a draft; the first being "converted to draft" means it was opened ready.
/// Without either, it is as it was opened.
pub fn draft_history(draft: bool, mut moves: Vec<(DateTime<Utc>, DraftMove)>) -> (bool, Option<DateTime<Utc>>) {
    moves.sort_by_key(|(at, _)| *at);
    match moves.first() {
        Some((at, DraftMove::ReadyForReview)) => (true, Some(*at)),
        Some(_) => (false, None),
        None => (draft, None),
    }
}

/// Dates the drafts among `items` from the repository's issue events, REST's only record of when a
/// pull request was marked ready for review.
pub fn date_drafts(items: &mut [Item], events: &[IssueEventJson]) {
    let mut moves: BTreeMap<u64, Vec<(DateTime<Utc>, DraftMove)>> = BTreeMap::new();
    for event in events {
        let what = match event.event.as_str() {
            "ready_for_review" => DraftMove::ReadyForReview,
            "convert_to_draft" => DraftMove::ConvertToDraft,
            _ => continue,
        };
        if let Some(issue) = &event.issue {
            moves.entry(issue.number).or_default().push((event.created_at, what));
        }
    }
    for item in items.iter_mut().filter(|i| i.kind == ItemKind::PullRequest) {
        if let Some(moves) = moves.remove(&item.number) {
            (item.opened_as_draft, item.ready_for_review_at) = draft_history(item.draft, moves);
        }
    }
}

/// Who merged the merged pull requests among `items`, and who closed the closed ones: the actors
/// of their `merged` and last `closed` events, when the events read reach them.
pub fn merged_and_closed_by(items: &mut [Item], events: &[IssueEventJson]) {
    // An item closed, reopened and closed again has two closings: the later one counts.
    let last = |kind: &str| -> BTreeMap<u64, &IssueEventJson> {
        let mut found = BTreeMap::new();
        for e in events.iter().filter(|e| e.event == kind) {
            if let Some(issue) = &e.issue {
                found
                    .entry(issue.number)
                    .and_modify(|seen: &mut &IssueEventJson| {
                        if e.created_at > seen.created_at {
                            *seen = e;
                        }
                    })
                    .or_insert(e);
            }
        }
        found
    };
    let (mergers, closers) = (last("merged"), last("closed"));
    for item in items.iter_mut().filter(|i| i.kind == ItemKind::PullRequest) {
        if let Some(event) = mergers.get(&item.number).filter(|_| item.merged_at.is_some()) {
            item.merged_by = actor(&event.actor);
        }
        if let Some(event) = closers.get(&item.number).filter(|_| item.closed_at.is_some()) {
            item.closed_by = actor(&event.actor);
        }
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
    fn the_first_move_into_or_out_of_draft_says_how_a_pull_request_was_opened() {
        let ready = vec![
            (at("2026-11-05T00:00:00Z"), DraftMove::ConvertToDraft),
            (at("2026-11-02T00:00:00Z"), DraftMove::ReadyForReview),
            (at("2026-11-07T00:00:00Z"), DraftMove::ReadyForReview),
        ];
        assert_eq!(draft_history(false, ready), (true, Some(at("2026-11-02T00:00:00Z"))));
        let converted = vec![(at("2026-11-05T00:00:00Z"), DraftMove::ConvertToDraft)];
        assert_eq!(draft_history(true, converted), (false, None));
        assert_eq!(draft_history(true, vec![]), (true, None));
        assert_eq!(draft_history(false, vec![]), (false, None));
    }

    #[test]
    fn the_repositorys_issue_events_date_the_drafts_marked_ready() {
        let event = |number: u64, what: &str, when: &str| -> IssueEventJson {
            serde_json::from_value(serde_json::json!({
                "id": 1, "event": what, "created_at": when, "actor": null,
                "issue": {"number": number, "title": "the whole issue, of which the number is read"}
            }))
            .unwrap()
        };
        // #7 was opened as a draft and marked ready; #8 was opened ready, then went to draft and
        // back; #9 is still the draft it was opened as; #10 was never one.
        let mut items = vec![pr(7, "a"), pr(8, "b"), pr(9, "c"), pr(10, "d")];
        for i in [0, 1, 3] {
            items[i].draft = false;
            items[i].opened_as_draft = false;
        }
        let deleted_issue: IssueEventJson = serde_json::from_value(serde_json::json!({
            "event": "ready_for_review", "created_at": "2026-11-03T00:00:00Z", "issue": null
        }))
        .unwrap();
        let events = vec![
            event(8, "ready_for_review", "2026-11-04T09:00:00Z"),
            event(7, "ready_for_review", "2026-11-03T12:00:00Z"),
            event(7, "labeled", "2026-11-02T08:00:00Z"),
            event(8, "convert_to_draft", "2026-11-02T09:00:00Z"),
            event(42, "ready_for_review", "2026-11-02T00:00:00Z"),
            deleted_issue,
        ];
        date_drafts(&mut items, &events);
        let drafts: Vec<_> = items.iter().map(|i| (i.number, i.opened_as_draft, i.ready_for_review_at)).collect();
        assert_eq!(
            drafts,
            [(7, true, Some(at("2026-11-03T12:00:00Z"))), (8, false, None), (9, true, None), (10, false, None)]
        );
    }

    #[test]
    fn the_merged_and_last_closed_events_name_who_merged_and_who_closed() {
        let event = |number: u64, what: &str, by: Option<&str>| -> IssueEventJson {
            let when = if by == Some("author-again") { "2026-11-05T00:00:00Z" } else { "2026-11-03T00:00:00Z" };
            serde_json::from_value(serde_json::json!({
                "event": what, "created_at": when,
                "actor": by.map(|login| serde_json::json!({"login": login, "type": "User"})),
                "issue": {"number": number}
            }))
            .unwrap()
        };
        let mut items = vec![pr(7, "a"), pr(8, "b"), pr(9, "c")];
        items[0].merged_at = Some(at("2026-11-03T00:00:00Z"));
        items[1].merged_at = Some(at("2026-11-03T00:00:00Z"));
        items[2].closed_at = Some(at("2026-11-05T00:00:00Z"));
        let events = [
            event(9, "closed", Some("author-again")),
            event(7, "closed", Some("maint")),
            event(7, "merged", Some("maint")),
            event(8, "merged", Some("ghost")),
            event(9, "closed", Some("maint")),
        ];
        merged_and_closed_by(&mut items, &events);
        let person = |login: &str| Some(Actor { login: login.into(), is_bot: false });
        assert_eq!(items[0].merged_by, person("maint"));
        assert_eq!(items[1].merged_by, None, "a deleted user");
        assert_eq!(items[2].merged_by, None, "not merged");
        assert_eq!(items[2].closed_by, person("author-again"), "closed, reopened, closed again: the later closing");
        assert_eq!(items[1].closed_by, None, "not closed");
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
