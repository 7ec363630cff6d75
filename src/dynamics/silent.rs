//! Newcomers' pull requests closed, merged or not, without a human word.

use super::{Figure, ItemLink, Known, SilentCloses, Span, day};
use crate::newcomers::{AuthorClass, first_response, share};
use crate::snapshot::{Item, ItemKind};

/// Newcomers' pull requests created in the span and closed by now: those closed with no comment
/// or review by a person other than the author (bots say nothing), merged or not; those their own
/// author closed are withdrawn, not rejected.
pub(super) fn measure(known: &Known<'_>, span: &Span) -> Figure<SilentCloses> {
    if span.start < known.responses_since {
        return Figure::unavailable(format!(
            "the responses to pull requests opened before {} were not collected",
            day(known.responses_since)
        ));
    }
    let closed: Vec<&Item> = known
        .items
        .iter()
        .copied()
        .filter(|i| i.kind == ItemKind::PullRequest && span.holds(i.created_at))
        .filter(|i| known.class(i) == Some(AuthorClass::Newcomer))
        .filter(|i| i.closed_at.is_some() || i.merged_at.is_some())
        .collect();
    let silent = |i: &&Item| first_response(&i.responses, i.author.as_ref(), known.policy).is_none();
    let (merged, unmerged): (Vec<&Item>, Vec<&Item>) =
        closed.iter().copied().filter(silent).partition(|i| i.merged_at.is_some());
    let by_author = |i: &&Item| match (&i.closed_by, &i.author) {
        (Some(closer), Some(author)) => closer.login.eq_ignore_ascii_case(&author.login),
        _ => false,
    };
    let (withdrawn, rejected): (Vec<&Item>, Vec<&Item>) = unmerged.into_iter().partition(by_author);
    let mut rejected: Vec<ItemLink> = rejected.into_iter().map(ItemLink::of).collect();
    rejected.sort_by_key(|l| std::cmp::Reverse((l.created_at, l.number)));
    Figure::Measured(SilentCloses {
        closed: closed.len(),
        rejected_silently: rejected.len(),
        withdrawn: withdrawn.len(),
        merged_silently: merged.len(),
        silent_share: share(rejected.len() + merged.len(), closed.len()),
        rejected,
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn closed_without_a_word_by_anyone_but_the_author_and_bots() {
        let items = vec![
            // Rejected in silence: the author's own comment and a bot's are not a word to them.
            closed(pull(1, "ana", "2026-09-01T00:00:00Z"), "2026-09-05T00:00:00Z")
                .comment("ana", "2026-09-02T00:00:00Z")
                .comment("stale[bot]", "2026-09-04T00:00:00Z"),
            closed(pull(2, "bea", "2026-10-01T00:00:00Z"), "2026-10-02T00:00:00Z"),
            // Withdrawn: closed by its own author, in silence; not a rejection.
            Item {
                closed_by: Some(actor("hal")),
                ..closed(pull(10, "hal", "2026-09-20T00:00:00Z"), "2026-09-21T00:00:00Z")
            },
            // Rejected with a word, by a deleted account: a person spoke.
            closed(pull(3, "cy", "2026-09-01T00:00:00Z"), "2026-09-05T00:00:00Z")
                .deleted_comment("2026-09-02T00:00:00Z"),
            // Merged in silence, and merged after a review.
            merged(pull(4, "dee", "2026-09-01T00:00:00Z"), "mara", "2026-09-02T00:00:00Z"),
            merged(pull(5, "eve", "2026-09-01T00:00:00Z"), "mara", "2026-09-03T00:00:00Z")
                .review("mara", "2026-09-02T00:00:00Z"),
            // Not counted: still open; an issue; a regular's (ana's second item); a maintainer's.
            pull(6, "fay", "2026-09-01T00:00:00Z"),
            closed(issue(7, "gus", "2026-09-01T00:00:00Z"), "2026-09-02T00:00:00Z"),
            closed(pull(8, "ana", "2026-09-10T00:00:00Z"), "2026-09-11T00:00:00Z"),
            closed(pull(9, "mara", "2026-09-01T00:00:00Z"), "2026-09-02T00:00:00Z"),
        ];
        let snap = snapshot(items, None);
        let Figure::Measured(s) = with_known(&snap, |k| measure(k, &span())) else { panic!() };
        // Closed newcomer pull requests: #1, #2, #3, #4, #5, #10; silent: #1, #2 rejected, #4
        // merged, #10 withdrawn by its author.
        assert_eq!((s.closed, s.rejected_silently, s.merged_silently, s.withdrawn), (6, 2, 1, 1));
        assert_eq!(s.silent_share, Some(0.5));
        // Newest first.
        assert_eq!(s.rejected.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn a_span_reaching_into_the_previous_window_has_no_responses_to_read() {
        let snap = snapshot(vec![], Some(vec![]));
        let earlier = Span { start: at(PREVIOUS_START), end: at(WINDOW_START), ..span() };
        assert!(with_known(&snap, |k| measure(k, &earlier)).measured().is_none());
    }
}
