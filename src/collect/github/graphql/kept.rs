//! What a GraphQL run keeps in the cache for the next one: the items of its window, the open
//! welcoming issues and the authors' history it looked up, with the time of the latest change to
//! any issue or pull request then. A REST answer can be revalidated for free (`304`), a GraphQL
//! query cannot; so the next run compares that time with the repository's latest change (read in
//! the overview query it makes anyway) and asks only for the items changed since, or for nothing.
//!
//! Every change GitHub makes to an item (a comment, a review, a label, closing, marking ready)
//! moves its `updatedAt`, so an item not changed since is as it was. What does not move it: an
//! author's association changing (kept as it was when read), and an item deleted or transferred
//! (kept until it leaves the window).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::activity::newest_first;
use crate::collect::github::activity::earlier_selection;
use crate::collect::github::cache::Cache;
use crate::repo_ref::RepoRef;
use crate::snapshot::{Item, ItemKind};

/// The cache key, per endpoint (a GitHub Enterprise server may have a repository of the same
/// name); a new layout changes its version, and old records are then ignored.
fn key(endpoint: &str, repo: &RepoRef) -> String {
    format!("graphql activity v2 {endpoint} {}", repo.to_string().to_ascii_lowercase())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub window_start: DateTime<Utc>,
    /// The latest change to any issue or pull request when the record was collected.
    pub as_of: Option<DateTime<Utc>>,
    pub welcoming_labels: Vec<String>,
    /// The window's items, newest first.
    pub items: Vec<Item>,
    pub welcoming: Option<Vec<Item>>,
    /// Authors looked up, and whether they had opened anything before `window_start`.
    pub history: BTreeMap<String, bool>,
    /// The previous window, when it was collected.
    pub previous: Option<Previous>,
}

/// The previous window as kept: its items in the light selection, and its authors' history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Previous {
    pub start: DateTime<Utc>,
    /// Newest first.
    pub items: Vec<Item>,
    /// Authors looked up, and whether they had opened anything before `start`.
    pub history: BTreeMap<String, bool>,
}

impl Record {
    pub fn load(cache: &Cache, endpoint: &str, repo: &RepoRef) -> Option<Record> {
        serde_json::from_slice(&cache.kept(&key(endpoint, repo))?).ok()
    }

    pub fn save(&self, cache: &Cache, endpoint: &str, repo: &RepoRef) {
        if let Ok(bytes) = serde_json::to_vec(self) {
            cache.keep(&key(endpoint, repo), &bytes);
        }
    }

    /// Whether the record can stand in for a collection of this window (and of the previous
    /// one from `previous_start`, when wanted) with these welcoming labels: it must reach back at
    /// least as far.
    pub fn fits(
        &self,
        window_start: DateTime<Utc>,
        previous_start: Option<DateTime<Utc>>,
        welcoming_labels: &[String],
    ) -> bool {
        let previous_fits = match (previous_start, &self.previous) {
            (None, _) => true,
            (Some(wanted), Some(kept)) => kept.start <= wanted,
            (Some(_), None) => false,
        };
        self.window_start <= window_start && previous_fits && self.welcoming_labels == welcoming_labels
    }

    /// Whether anything changed since the record, by the repository's latest change now.
    pub fn is_current(&self, latest_update: Option<DateTime<Utc>>) -> bool {
        latest_update.is_none_or(|now| self.as_of.is_some_and(|then| now <= then))
    }

    /// The record brought to a later window (and previous window, from `previous_start`) and up
    /// to date with the items `updated` since it: they replace what it knew of them (a merge,
    /// say), new ones join, the items now before the window move to the previous one, and those
    /// before the previous one leave. Open welcoming issues follow their labels and state.
    pub fn update(
        mut self,
        window_start: DateTime<Utc>,
        previous_start: Option<DateTime<Utc>>,
        updated: Vec<Item>,
        as_of: Option<DateTime<Utc>>,
    ) -> Record {
        // Those who had an item before the old start still have; others may have one between
        // the old start and the new, which the record's items show (before they leave it).
        self.history = self.learned(&self.history, window_start);
        let previous_history = match (previous_start, &self.previous) {
            (Some(start), Some(kept)) => Some((start, self.learned(&kept.history, start))),
            _ => None,
        };
        match (previous_history, self.previous.as_mut()) {
            (Some((start, history)), Some(kept)) => (kept.start, kept.history) = (start, history),
            _ => self.previous = None,
        }
        let changed: BTreeMap<u64, &Item> = updated.iter().map(|i| (i.number, i)).collect();
        let (stay, left): (Vec<Item>, Vec<Item>) = std::mem::take(&mut self.items)
            .into_iter()
            .filter(|i| !changed.contains_key(&i.number))
            .partition(|i| i.created_at >= window_start);
        self.items = stay;
        self.items.extend(updated.iter().filter(|i| i.created_at >= window_start).cloned());
        newest_first(&mut self.items);
        if let Some(previous) = self.previous.as_mut() {
            let start = previous.start;
            previous.items.retain(|i| !changed.contains_key(&i.number));
            previous.items.extend(left);
            previous.items.extend(updated.iter().filter(|i| i.created_at < window_start).cloned());
            previous.items.retain(|i| i.created_at >= start && i.created_at < window_start);
            previous.items = previous.items.drain(..).map(earlier_selection).collect();
            newest_first(&mut previous.items);
        }
        if let Some(open) = self.welcoming.as_mut() {
            open.retain(|i| !changed.contains_key(&i.number));
            open.extend(updated.iter().filter(|i| is_open_welcoming(i, &self.welcoming_labels)).cloned());
            open.sort_by_key(|i| Reverse(i.number));
        }
        self.window_start = window_start;
        self.as_of = as_of;
        self
    }

    /// `history` brought to a later start: those who had an item before the old start still
    /// have; others may have one between the old start and `start`, which the record's items show.
    fn learned(&self, history: &BTreeMap<String, bool>, start: DateTime<Utc>) -> BTreeMap<String, bool> {
        history.iter().map(|(login, earlier)| (login.clone(), *earlier || self.items_before(login, start))).collect()
    }

    /// Whether `login` opened an item before `before` that the record knows of, in either window.
    fn items_before(&self, login: &str, before: DateTime<Utc>) -> bool {
        let previous = self.previous.iter().flat_map(|p| &p.items);
        self.items
            .iter()
            .chain(previous)
            .any(|i| i.created_at < before && i.author.as_ref().is_some_and(|a| a.login.eq_ignore_ascii_case(login)))
    }
}

/// An open issue carrying one of the welcoming labels.
fn is_open_welcoming(item: &Item, labels: &[String]) -> bool {
    item.kind == ItemKind::Issue
        && item.closed_at.is_none()
        && item.labels.iter().any(|l| labels.iter().any(|w| w.eq_ignore_ascii_case(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn item(number: u64, by: &str, created: &str, labels: &[&str]) -> Item {
        Item {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            ..Item::opened_for_test(number, by, "NONE", created)
        }
    }

    fn record() -> Record {
        Record {
            window_start: at("2026-08-01T00:00:00Z"),
            as_of: Some(at("2026-11-01T00:00:00Z")),
            welcoming_labels: vec!["good first issue".into()],
            items: vec![
                item(3, "cy", "2026-10-01T00:00:00Z", &[]),
                item(2, "bea", "2026-08-10T00:00:00Z", &[]),
                item(1, "ana", "2026-08-02T00:00:00Z", &["Good First Issue"]),
            ],
            welcoming: Some(vec![item(1, "ana", "2026-08-02T00:00:00Z", &["Good First Issue"])]),
            history: BTreeMap::from([("bea".to_string(), false), ("cy".to_string(), false)]),
            previous: None,
        }
    }

    #[test]
    fn a_record_stands_in_only_for_a_window_it_covers_and_while_nothing_changed() {
        let r = record();
        let labels = ["good first issue".to_string()];
        assert!(r.fits(at("2026-08-05T00:00:00Z"), None, &labels));
        assert!(!r.fits(at("2026-07-05T00:00:00Z"), None, &labels), "a wider window reaches past it");
        assert!(!r.fits(at("2026-08-05T00:00:00Z"), None, &[]), "other welcoming labels");
        assert!(!r.fits(at("2026-08-05T00:00:00Z"), Some(at("2026-05-05T00:00:00Z")), &labels), "no previous window");
        assert!(r.is_current(Some(at("2026-11-01T00:00:00Z"))));
        assert!(!r.is_current(Some(at("2026-11-01T00:00:01Z"))));
        assert!(r.is_current(None));
    }

    #[test]
    fn updates_replace_join_and_leave_with_the_window() {
        let mut changed = item(3, "cy", "2026-10-01T00:00:00Z", &["good first issue"]);
        changed.title = "edited".into();
        let mut closed = item(1, "ana", "2026-08-02T00:00:00Z", &["good first issue"]);
        closed.closed_at = Some(at("2026-11-10T00:00:00Z"));
        let new = item(4, "dee", "2026-11-09T00:00:00Z", &[]);
        let old_but_labelled = item(0, "eve", "2025-01-01T00:00:00Z", &["GOOD FIRST ISSUE"]);
        let r = record().update(
            at("2026-08-05T00:00:00Z"),
            None,
            vec![changed, closed, new, old_but_labelled],
            Some(at("2026-11-10T00:00:00Z")),
        );
        // Item 1 left with the window (created 2026-08-02, before the new start).
        let numbers: Vec<u64> = r.items.iter().map(|i| i.number).collect();
        assert_eq!(numbers, [4, 3, 2]);
        assert_eq!(r.items[1].title, "edited");
        let open: Vec<u64> = r.welcoming.as_ref().unwrap().iter().map(|i| i.number).collect();
        assert_eq!(open, [3, 0], "1 was closed; 3 and 0 were labelled");
        assert_eq!(r.as_of, Some(at("2026-11-10T00:00:00Z")));
    }

    #[test]
    fn history_learns_from_items_the_window_left_behind() {
        let r = record().update(at("2026-08-15T00:00:00Z"), None, Vec::new(), None);
        // bea's item of 2026-08-10 is now before the window: bea is no longer new.
        assert!(r.history["bea"]);
        assert!(!r.history["cy"]);
    }

    #[test]
    fn the_window_moving_on_hands_items_to_the_previous_one_and_merges_update_them() {
        let mut r = record();
        r.previous = Some(Previous {
            start: at("2026-05-01T00:00:00Z"),
            items: vec![
                Item { kind: ItemKind::PullRequest, ..item(0, "eve", "2026-06-01T00:00:00Z", &[]) },
                item(9, "old", "2026-05-02T00:00:00Z", &[]),
            ],
            history: BTreeMap::from([("eve".to_string(), false), ("old".to_string(), false)]),
        });
        let mut merged = Item { kind: ItemKind::PullRequest, ..item(0, "eve", "2026-06-01T00:00:00Z", &[]) };
        merged.merged_at = Some(at("2026-11-05T00:00:00Z"));
        merged.responses = vec![crate::snapshot::Response {
            kind: crate::snapshot::ResponseKind::Comment,
            author: None,
            author_association: "NONE".into(),
            at: at("2026-11-05T00:00:00Z"),
        }];
        let r = r.update(at("2026-08-05T00:00:00Z"), Some(at("2026-05-10T00:00:00Z")), vec![merged], None);
        let previous = r.previous.as_ref().unwrap();
        let numbers: Vec<u64> = previous.items.iter().map(|i| i.number).collect();
        assert_eq!(numbers, [1, 0], "ana's item joined it, old's left it");
        assert_eq!(previous.items[1].merged_at, Some(at("2026-11-05T00:00:00Z")));
        assert!(previous.items[1].responses.is_empty(), "the light selection");
        assert!(previous.items[0].labels.is_empty());
        assert_eq!(previous.start, at("2026-05-10T00:00:00Z"));
        // old's item of 2026-05-02 is now before the previous window's start.
        assert!(previous.history["old"] && !previous.history["eve"]);
        let dropped = record().update(at("2026-08-05T00:00:00Z"), None, Vec::new(), None);
        assert!(dropped.previous.is_none());
    }

    #[test]
    fn saved_and_loaded_by_repository() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), Some("t"));
        let repo = RepoRef::new("Acme", "W");
        let api = "https://api.github.com/graphql";
        record().save(&cache, api, &repo);
        let same = RepoRef::new("acme", "w");
        assert_eq!(Record::load(&cache, api, &same), Some(record()));
        assert_eq!(Record::load(&cache, "https://ghe.example/api/graphql", &same), None);
        assert_eq!(Record::load(&cache, api, &RepoRef::new("acme", "x")), None);
    }
}
