//! Newcomers who come back (CHAOSS newcomer retention, adapted), and the people new in a span.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::{Figure, ItemLink, Known, NewContributors, Retention, Span, day, person_key};
use crate::newcomers::{AuthorClass, share};
use crate::snapshot::{Item, ItemKind};

/// Of the people who opened something in the previous span, those who were new then and those who
/// were regulars: how many of each opened an item, or had a pull request merged, in the span.
pub(super) fn retention(known: &Known<'_>, span: &Span) -> Figure<Retention> {
    if span.previous_start < known.classified_since {
        return Figure::unavailable(format!(
            "the issues and pull requests of the previous span (from {}) were not collected, so who was new then \
             is not known",
            day(span.previous_start)
        ));
    }
    // Each person's class is their first item's in the previous span: a newcomer's later items
    // there are a regular's by definition, and they are still that span's newcomer.
    let mut first: BTreeMap<String, &Item> = BTreeMap::new();
    for item in known.items.iter().filter(|i| span.previous_start <= i.created_at && i.created_at < span.start) {
        if let Some(key) = person_key(item) {
            first
                .entry(key)
                .and_modify(|f| {
                    if (item.created_at, item.number) < (f.created_at, f.number) {
                        *f = item
                    }
                })
                .or_insert(item);
        }
    }
    let (mut newcomers, mut regulars, mut unconfirmed) = (0, 0, 0);
    let (mut newcomers_returned, mut regulars_returned) = (0, 0);
    for (login, item) in &first {
        let returned = known.active_in(login, span.start, span.end);
        match known.class(item) {
            Some(AuthorClass::Newcomer) => {
                newcomers += 1;
                newcomers_returned += usize::from(returned);
            }
            Some(AuthorClass::Regular) => {
                regulars += 1;
                regulars_returned += usize::from(returned);
            }
            Some(AuthorClass::Unconfirmed) => unconfirmed += 1,
            _ => {}
        }
    }
    Figure::Measured(Retention {
        newcomers,
        newcomers_returned,
        newcomer_rate: share(newcomers_returned, newcomers),
        regulars,
        regulars_returned,
        regular_rate: share(regulars_returned, regulars),
        unconfirmed,
    })
}

/// The people whose first item fell in the span, and their pull requests merged in it.
pub(super) fn new_contributors(known: &Known<'_>, span: &Span) -> Figure<NewContributors> {
    if span.start < known.classified_since {
        return Figure::unavailable(format!(
            "the issues and pull requests before {} were not collected, so who was new from {} is not known",
            day(known.classified_since),
            day(span.start)
        ));
    }
    let people = new_in(known, span.start, span.end);
    let mut merged: Vec<&Item> = known
        .items
        .iter()
        .copied()
        .filter(|i| i.kind == ItemKind::PullRequest && i.merged_at.is_some_and(|t| span.holds(t)))
        .filter(|i| person_key(i).is_some_and(|k| people.contains(&k)))
        .collect();
    merged.sort_by_key(|i| (i.created_at, i.number));
    Figure::Measured(NewContributors { count: people.len(), merged: merged.into_iter().map(ItemLink::of).collect() })
}

/// People (logins in lower case) whose newcomer item was opened in `[start, end)`.
fn new_in(known: &Known<'_>, start: DateTime<Utc>, end: DateTime<Utc>) -> BTreeSet<String> {
    known.newcomer_items().filter(|i| start <= i.created_at && i.created_at < end).filter_map(person_key).collect()
}

/// For a bucket of the span: how many people were new in it.
pub(super) fn new_count(known: &Known<'_>, bucket: &Span) -> usize {
    new_in(known, bucket.start, bucket.end).len()
}

/// For a bucket of the span: how many people active in it had been new earlier, in the span
/// before the bucket or in the previous span.
pub(super) fn returning_count(known: &Known<'_>, bucket: &Span) -> usize {
    new_in(known, bucket.previous_start, bucket.start)
        .iter()
        .filter(|login| known.active_in(login, bucket.start, bucket.end))
        .count()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn previous_window() -> Vec<Item> {
        vec![
            // New then: ana (twice; her second item does not make her a regular of that span),
            // bea, cy (a pull request merged only in this span), dee.
            issue(1, "ana", "2026-06-01T00:00:00Z"),
            issue(2, "ana", "2026-06-20T00:00:00Z"),
            issue(3, "bea", "2026-06-02T00:00:00Z"),
            merged(pull(4, "cy", "2026-07-20T00:00:00Z"), "mara", "2026-08-10T00:00:00Z"),
            issue(5, "dee", "2026-07-01T00:00:00Z"),
            // Regulars: rita and ray had opened items before the previous span.
            issue(6, "rita", "2026-06-05T00:00:00Z"),
            issue(7, "ray", "2026-06-06T00:00:00Z"),
            // ulla's history could not be looked up; mara is a maintainer; a bot; a deleted account.
            issue(8, "ulla", "2026-06-07T00:00:00Z"),
            issue(9, "mara", "2026-06-08T00:00:00Z"),
            issue(10, "renovate[bot]", "2026-06-09T00:00:00Z"),
            Item { author: None, ..issue(11, "ghost", "2026-06-10T00:00:00Z") },
        ]
    }

    fn this_window() -> Vec<Item> {
        vec![
            issue(20, "ANA", "2026-09-01T00:00:00Z"),  // ana is back (logins ignore case)
            issue(21, "rita", "2026-09-02T00:00:00Z"), // rita is back
            issue(22, "ulla", "2026-09-03T00:00:00Z"),
            issue(23, "mara", "2026-09-04T00:00:00Z"),
            // New in this span: eve (merged twice) and fay; gus's pull request is still open.
            merged(pull(24, "eve", "2026-09-05T00:00:00Z"), "mara", "2026-09-06T00:00:00Z"),
            merged(pull(25, "eve", "2026-08-05T00:00:00Z"), "mara", "2026-10-06T00:00:00Z"),
            issue(26, "fay", "2026-10-07T00:00:00Z"),
            pull(27, "gus", "2026-10-08T00:00:00Z"),
        ]
    }

    #[test]
    fn newcomers_of_the_previous_span_who_came_back_beside_regulars() {
        let snap = snapshot(this_window(), Some(previous_window()));
        let Figure::Measured(r) = with_known(&snap, |k| retention(k, &span())) else { panic!("measured") };
        // Newcomers then: ana, bea, cy, dee (4); back: ana (a new issue), cy (merged in the span): 2.
        // Regulars then: rita, ray (2); back: rita. ulla is unconfirmed; mara, the bot, ghost: neither.
        assert_eq!((r.newcomers, r.newcomers_returned, r.newcomer_rate), (4, 2, Some(0.5)));
        assert_eq!((r.regulars, r.regulars_returned, r.regular_rate), (2, 1, Some(0.5)));
        assert_eq!(r.unconfirmed, 1);
    }

    #[test]
    fn without_the_previous_window_retention_is_unavailable() {
        let snap = snapshot(this_window(), None);
        let Figure::Unavailable { reason } = with_known(&snap, |k| retention(k, &span())) else { panic!() };
        assert!(reason.contains("previous span (from 2026-05-05) were not collected"), "{reason}");
        // New contributors need only this window.
        assert!(with_known(&snap, |k| new_contributors(k, &span())).measured().is_some());
    }

    #[test]
    fn new_contributors_with_their_merged_pull_requests_oldest_first() {
        let snap = snapshot(this_window(), Some(previous_window()));
        let Figure::Measured(n) = with_known(&snap, |k| new_contributors(k, &span())) else { panic!() };
        // eve (first item #25, 5 August), fay, gus: 3. eve's #25 and #24 merged in the span, by
        // creation: #25 then #24. cy's #4 was merged in the span, but cy was new in the previous one.
        assert_eq!(n.count, 3);
        assert_eq!(n.merged.iter().map(|l| l.number).collect::<Vec<_>>(), [25, 24]);
        assert_eq!(n.merged[0].url, "https://github.com/o/r/pull/25");
    }

    #[test]
    fn buckets_count_the_new_and_the_returning() {
        let snap = snapshot(this_window(), Some(previous_window()));
        let september = Span { start: at("2026-09-01T00:00:00Z"), end: at("2026-10-01T00:00:00Z"), ..span() };
        let october = Span { start: at("2026-10-01T00:00:00Z"), end: at(NOW), ..span() };
        with_known(&snap, |k| {
            // September: nobody's first item (eve's was in August). Active: ana (#20), eve (#24
            // opened and merged), all new earlier: 2 returning.
            assert_eq!((new_count(k, &september), returning_count(k, &september)), (0, 2));
            // October: fay and gus are new; eve is back (#25 merged): 1 returning.
            assert_eq!((new_count(k, &october), returning_count(k, &october)), (2, 1));
        });
    }
}
