//! What the figures' unit tests start from. The audit runs at NOW, 1 November 2026 00:00 UTC;
//! the default 90-day window starts on 3 August 2026 (29 days of August, 30 of September, 31 of
//! October), the previous one 90 days earlier, on 5 May 2026. `mara` is a maintainer; `rita`
//! and `ray` had opened items before the previous window (regulars); everyone else is new.

use chrono::{DateTime, Utc};

use super::{Known, Span};
use crate::newcomers::{Policy, assess};
use crate::snapshot::{Activity, Actor, Item, ItemKind, PreviousWindow, Response, ResponseKind, Snapshot};

pub const NOW: &str = "2026-11-01T00:00:00Z";
pub const WINDOW_START: &str = "2026-08-03T00:00:00Z";
pub const PREVIOUS_START: &str = "2026-05-05T00:00:00Z";

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

pub fn span() -> Span {
    Span { start: at(WINDOW_START), end: at(NOW), previous_start: at(PREVIOUS_START) }
}

pub fn policy() -> Policy {
    Policy::new(at(NOW)).with_maintainers(["mara"])
}

pub fn issue(number: u64, login: &str, created: &str) -> Item {
    Item::opened_for_test(number, login, "NONE", created)
}

pub fn pull(number: u64, login: &str, created: &str) -> Item {
    Item {
        kind: ItemKind::PullRequest,
        url: format!("https://github.com/o/r/pull/{number}"),
        ..issue(number, login, created)
    }
}

pub fn actor(login: &str) -> Actor {
    Actor { login: login.to_string(), is_bot: login.ends_with("[bot]") }
}

pub fn merged(item: Item, by: &str, when: &str) -> Item {
    Item { merged_at: Some(at(when)), merged_by: Some(actor(by)), closed_at: Some(at(when)), ..item }
}

pub fn closed(item: Item, when: &str) -> Item {
    Item { closed_at: Some(at(when)), ..item }
}

pub fn labelled(item: Item, label: &str) -> Item {
    Item { labels: vec![label.to_string()], ..item }
}

pub trait Replies: Sized {
    fn respond(self, kind: ResponseKind, author: Option<Actor>, when: &str) -> Self;

    fn comment(self, login: &str, when: &str) -> Self {
        self.respond(ResponseKind::Comment, Some(actor(login)), when)
    }

    fn review(self, login: &str, when: &str) -> Self {
        self.respond(ResponseKind::Review, Some(actor(login)), when)
    }

    fn deleted_comment(self, when: &str) -> Self {
        self.respond(ResponseKind::Comment, None, when)
    }

    fn deleted_review(self, when: &str) -> Self {
        self.respond(ResponseKind::Review, None, when)
    }
}

/// The association a responder shows: `mara` is a member, everyone else is not.
pub fn association(author: &Option<Actor>) -> String {
    let member = author.as_ref().is_some_and(|a| a.login == "mara");
    (if member { "MEMBER" } else { "NONE" }).to_string()
}

impl Replies for Item {
    fn respond(mut self, kind: ResponseKind, author: Option<Actor>, when: &str) -> Item {
        self.responses.push(Response { kind, author_association: association(&author), author, at: at(when) });
        self.responses.sort_by_key(|r| r.at);
        self
    }
}

/// A snapshot at NOW holding the window's items and, when given, the previous window's.
pub fn snapshot(items: Vec<Item>, previous: Option<Vec<Item>>) -> Snapshot {
    let mut snap = Snapshot::new(None, at(NOW));
    let mut earlier: Vec<String> = vec!["rita".into(), "ray".into()];
    earlier.extend(previous.iter().flatten().filter_map(|i| i.author.as_ref().map(|a| a.login.clone())));
    snap.activity = Some(Activity {
        window_start: at(WINDOW_START),
        items,
        authors_with_earlier_items: Some(earlier),
        authors_not_looked_up: Vec::new(),
        complete: true,
        previous: previous.map(|items| PreviousWindow {
            start: at(PREVIOUS_START),
            items,
            authors_with_earlier_items: Some(vec!["rita".into(), "ray".into()]),
            authors_not_looked_up: vec!["ulla".into()],
            complete: true,
        }),
    });
    snap
}

/// Runs `f` on what the figures are measured from, as `measure` builds it.
pub fn with_known<R>(snap: &Snapshot, f: impl FnOnce(&Known<'_>) -> R) -> R {
    let policy = policy();
    let assessment = assess(snap.activity.as_ref().unwrap(), &policy);
    let known = Known::new(snap, &policy, &assessment);
    f(&known)
}
