//! Who carries the project: CHAOSS Contributor Absence Factor over the work done for others.

use std::collections::{BTreeMap, BTreeSet};

use super::{Carriers, Figure, Known, PersonWork, Span, day};
use crate::newcomers::first_response;
use crate::snapshot::{Actor, ItemKind, ResponseKind};

/// Fewer reviews, merges and first responses than this in a span: too few to say who carries it.
pub const MIN_ACTIONS: usize = 10;

enum Action {
    /// A review of the pull request with this number.
    Review(u64),
    Merge,
    FirstResponse,
}

/// One person's work for others in the span.
#[derive(Default)]
struct Tally {
    /// The login as first seen (the key is in lower case).
    login: String,
    /// Pull requests reviewed, each once.
    reviewed: BTreeSet<u64>,
    merges: usize,
    first_responses: usize,
}

impl Tally {
    fn actions(&self) -> usize {
        self.reviewed.len() + self.merges + self.first_responses
    }
}

/// Reviews of others' pull requests (each person's on a pull request once), merges of others'
/// pull requests and first responses to others' issues, done in the span by people (not bots,
/// not deleted accounts); the fewest people who did half of them.
pub(super) fn measure(known: &Known<'_>, span: &Span, name_people: bool) -> Figure<Carriers> {
    let mut people: BTreeMap<String, Tally> = BTreeMap::new();
    let policy = known.policy;
    let mut credit = |who: &Actor, action: Action| {
        if policy.is_bot(who) {
            return;
        }
        let t = people.entry(who.login.to_ascii_lowercase()).or_default();
        if t.login.is_empty() {
            t.login = who.login.clone();
        }
        match action {
            Action::Review(number) => _ = t.reviewed.insert(number),
            Action::Merge => t.merges += 1,
            Action::FirstResponse => t.first_responses += 1,
        }
    };
    for item in &known.items {
        let author = item.author.as_ref().map(|a| a.login.as_str());
        let is_author = |who: &Actor| author.is_some_and(|a| a.eq_ignore_ascii_case(&who.login));
        match item.kind {
            ItemKind::PullRequest => {
                for review in item.responses.iter().filter(|r| r.kind == ResponseKind::Review && span.holds(r.at)) {
                    if let Some(who) = review.author.as_ref().filter(|w| !is_author(w)) {
                        credit(who, Action::Review(item.number));
                    }
                }
                if let (Some(at), Some(who)) = (item.merged_at, &item.merged_by)
                    && span.holds(at)
                    && !is_author(who)
                {
                    credit(who, Action::Merge);
                }
            }
            ItemKind::Issue => {
                if let Some(response) = first_response(&item.responses, item.author.as_ref(), policy)
                    && span.holds(response.at)
                    && let Some(who) = &response.author
                {
                    credit(who, Action::FirstResponse);
                }
            }
        }
    }
    let mut people: Vec<Tally> = people.into_values().filter(|t| t.actions() > 0).collect();
    people.sort_by(|a, b| b.actions().cmp(&a.actions()).then_with(|| a.login.cmp(&b.login)));
    let actions: usize = people.iter().map(Tally::actions).sum();
    if actions < MIN_ACTIONS {
        return Figure::unavailable(format!(
            "too few reviews, merges and first responses to judge who carries the project: {actions} from {} to {} \
             (at least {MIN_ACTIONS} needed)",
            day(span.start),
            day(span.end)
        ));
    }
    let counts: Vec<usize> = people.iter().map(Tally::actions).collect();
    Figure::Measured(Carriers {
        absence_factor: absence_factor(&counts),
        people: people.len(),
        actions,
        reviews: people.iter().map(|t| t.reviewed.len()).sum(),
        merges: people.iter().map(|t| t.merges).sum(),
        first_responses: people.iter().map(|t| t.first_responses).sum(),
        shares: counts.iter().map(|&c| c as f64 / actions as f64).collect(),
        named: name_people
            .then(|| people.iter().map(|t| PersonWork { login: t.login.clone(), actions: t.actions() }).collect()),
    })
}

/// The smallest number of the largest counts (given largest first) whose sum reaches half of all.
fn absence_factor(descending: &[usize]) -> usize {
    let total: usize = descending.iter().sum();
    let mut sum = 0;
    for (taken, count) in descending.iter().enumerate() {
        sum += count;
        if 2 * sum >= total {
            return taken + 1;
        }
    }
    descending.len()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn carriers(items: Vec<crate::snapshot::Item>) -> Figure<Carriers> {
        let snap = snapshot(items, None);
        with_known(&snap, |known| measure(known, &span(), true))
    }

    #[test]
    fn the_factor_is_the_fewest_people_reaching_half() {
        assert_eq!(absence_factor(&[6, 2, 1, 1]), 1); // 6 of 10
        assert_eq!(absence_factor(&[4, 3, 2, 1]), 2); // 4 < 5, 4 + 3 = 7 ≥ 5
        // A tie at exactly half: 5 of 10 reaches half.
        assert_eq!(absence_factor(&[5, 5]), 1);
        assert_eq!(absence_factor(&[1, 1, 1, 1, 1, 1]), 3);
    }

    #[test]
    fn reviews_merges_and_first_responses_of_others_work_count() {
        let mut items = Vec::new();
        // mara reviews five of ana's pull requests (twice on #1: counted once) and merges them.
        for n in 1..=5 {
            let pr = merged(pull(n, "ana", "2026-09-01T00:00:00Z"), "mara", "2026-09-03T00:00:00Z")
                .review("mara", "2026-09-02T00:00:00Z");
            items.push(if n == 1 { pr.review("mara", "2026-09-02T06:00:00Z") } else { pr });
        }
        // ana reviews her own pull request and merges it: neither counts.
        items.push(
            merged(pull(6, "ana", "2026-09-01T00:00:00Z"), "ANA", "2026-09-02T00:00:00Z")
                .review("ana", "2026-09-01T01:00:00Z"),
        );
        // A bot's review and merge, and a deleted account's review: none counts.
        items.push(
            merged(pull(7, "bea", "2026-09-01T00:00:00Z"), "merge-queue[bot]", "2026-09-02T00:00:00Z")
                .review("renovate[bot]", "2026-09-01T01:00:00Z")
                .deleted_review("2026-09-01T02:00:00Z"),
        );
        // Issues: bo answers two first, then mara; a deleted account answers #10 first.
        items.push(
            issue(8, "cy", "2026-09-01T00:00:00Z")
                .comment("bo", "2026-09-01T01:00:00Z")
                .comment("mara", "2026-09-01T02:00:00Z"),
        );
        items.push(
            issue(9, "dee", "2026-09-01T00:00:00Z")
                .comment("dee", "2026-09-01T00:30:00Z")
                .comment("bo", "2026-09-01T03:00:00Z"),
        );
        items.push(
            issue(10, "eve", "2026-09-01T00:00:00Z")
                .deleted_comment("2026-09-01T01:00:00Z")
                .comment("mara", "2026-09-01T02:00:00Z"),
        );
        // A review before the span is not the span's work.
        items.push(pull(11, "fay", "2026-07-01T00:00:00Z").review("bo", "2026-07-02T00:00:00Z"));
        let Figure::Measured(c) = carriers(items) else { panic!("measured") };
        // mara: 5 reviews + 5 merges = 10; bo: 2 first responses. 12 actions, 10 ≥ 6: one person.
        assert_eq!((c.reviews, c.merges, c.first_responses, c.actions), (5, 5, 2, 12));
        assert_eq!((c.absence_factor, c.people), (1, 2));
        assert_eq!(c.shares, [10.0 / 12.0, 2.0 / 12.0]);
        assert_eq!(
            c.named.unwrap(),
            [PersonWork { login: "mara".into(), actions: 10 }, PersonWork { login: "bo".into(), actions: 2 }]
        );
    }

    #[test]
    fn too_few_actions_leave_the_figure_unavailable() {
        let items =
            (1..=9).map(|n| merged(pull(n, "ana", "2026-09-01T00:00:00Z"), "mara", "2026-09-02T00:00:00Z")).collect();
        let Figure::Unavailable { reason } = carriers(items) else { panic!("unavailable") };
        assert!(reason.contains("9 from 2026-08-03 to 2026-11-01 (at least 10 needed)"), "{reason}");
    }

    #[test]
    fn a_pull_request_of_the_previous_window_merged_in_this_one_counts_as_a_merge() {
        let previous = vec![merged(pull(1, "ana", "2026-07-01T00:00:00Z"), "mara", "2026-08-10T00:00:00Z")];
        let mut items: Vec<_> =
            (2..=10).map(|n| merged(pull(n, "bea", "2026-09-01T00:00:00Z"), "bo", "2026-09-02T00:00:00Z")).collect();
        items.push(pull(11, "cy", "2026-09-01T00:00:00Z"));
        let snap = snapshot(items, Some(previous));
        let Figure::Measured(c) = with_known(&snap, |known| measure(known, &span(), false)) else { panic!() };
        // bo 9 merges, mara 1: 10 actions; bo alone reaches half. Not named without --people.
        assert_eq!((c.merges, c.absence_factor, c.people, c.named), (10, 1, 2, None));
    }
}
