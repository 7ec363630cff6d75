//! The release pulse: how long since the last release, and how regularly they come.

use chrono::TimeDelta;

use super::{Figure, ReleasePulse, ReleaseSeen, Span};
use crate::newcomers::median;
use crate::snapshot::{DataKind, Release, Snapshot};

/// Release days whose intervals give the median: the last five, four intervals.
const LAST_RELEASES: usize = 5;

/// The last release published by the span's end, the days since it, the median interval of
/// the last five, the releases in the span, and the default branch's last commit.
pub(super) fn measure(snap: &Snapshot, span: &Span) -> Figure<ReleasePulse> {
    let Some(releases) = &snap.releases else { return Figure::unavailable(snap.missing_reason(DataKind::Releases)) };
    let mut days: Vec<&Release> = releases.latest.iter().filter(|r| r.published_at <= span.end).collect();
    days.sort_by_key(|r| std::cmp::Reverse(r.published_at));
    // Releases of one day (a monorepo's packages, two maintained lines) are one release day; the
    // newest of each is kept, so the first is still the last release.
    days.dedup_by_key(|r| r.published_at.date_naive());
    let last = days.first();
    let mut intervals: Vec<TimeDelta> = days
        .iter()
        .take(LAST_RELEASES)
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[0].published_at - w[1].published_at)
        .collect();
    intervals.sort();
    Figure::Measured(ReleasePulse {
        releases_read: releases.latest.len(),
        last_release: last.map(|r| ReleaseSeen {
            tag: r.tag.clone(),
            url: r.url.clone(),
            published_at: r.published_at,
        }),
        days_since_last: last.map(|r| (span.end - r.published_at).num_days()),
        median_interval_days: median(&intervals).map(|m| m.num_seconds() as f64 / 86_400.0),
        releases_in_span: in_span(&releases.latest, span),
        last_commit_at: releases.last_commit_at,
    })
}

/// How many of the releases read were published in the span (at most the ten read).
pub(super) fn in_span(releases: &[Release], span: &Span) -> usize {
    releases.iter().filter(|r| span.holds(r.published_at)).count()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::snapshot::Releases;

    fn release(tag: &str, published: &str) -> Release {
        Release {
            tag: tag.to_string(),
            url: format!("https://github.com/o/r/releases/tag/{tag}"),
            published_at: at(published),
            prerelease: false,
        }
    }

    fn pulse(latest: Vec<Release>) -> Figure<ReleasePulse> {
        let mut snap = snapshot(vec![], None);
        snap.releases = Some(Releases { latest, last_commit_at: Some(at("2026-10-30T00:00:00Z")) });
        measure(&snap, &span())
    }

    #[test]
    fn days_since_the_last_and_the_median_of_the_last_five_intervals() {
        let Figure::Measured(p) = pulse(vec![
            release("v1.6", "2026-10-02T00:00:00Z"),
            release("v1.5", "2026-09-02T00:00:00Z"),
            release("v1.4", "2026-08-01T00:00:00Z"),
            release("v1.3", "2026-06-01T00:00:00Z"),
            release("v1.2", "2026-05-22T00:00:00Z"),
            release("v1.1", "2025-01-01T00:00:00Z"),
        ]) else {
            panic!()
        };
        // 2 October to 1 November: 30 days. Intervals of the last five: 30, 32, 61, 10 days;
        // sorted 10, 30, 32, 61: the median is 31 days (v1.1's 506 days are not among them).
        assert_eq!(p.last_release.as_ref().unwrap().tag, "v1.6");
        assert_eq!((p.days_since_last, p.median_interval_days), (Some(30), Some(31.0)));
        // In the span (from 3 August): v1.6 and v1.5.
        assert_eq!((p.releases_read, p.releases_in_span), (6, 2));
        assert_eq!(p.last_commit_at, Some(at("2026-10-30T00:00:00Z")));
    }

    #[test]
    fn releases_of_one_day_are_one_release_day_in_the_intervals() {
        let Figure::Measured(p) = pulse(vec![
            release("axum-v0.8.9", "2026-10-10T10:00:00Z"),
            release("axum-extra-v0.12.6", "2026-10-10T09:00:00Z"),
            release("axum-macros-v0.5.1", "2026-10-10T08:00:00Z"),
            release("axum-v0.8.8", "2026-09-30T00:00:00Z"),
            release("axum-extra-v0.12.5", "2026-09-10T00:00:00Z"),
        ]) else {
            panic!()
        };
        // Release days 10 October (10:00), 30 September, 10 September: intervals 10.4 and 20 days.
        assert_eq!(p.median_interval_days, Some(15.208333333333334));
        assert_eq!(p.last_release.unwrap().tag, "axum-v0.8.9");
    }

    #[test]
    fn a_window_with_no_releases() {
        let Figure::Measured(p) = pulse(vec![release("v0.9", "2024-10-01T00:00:00Z")]) else { panic!() };
        // 1 October 2024 to 1 November 2026: 365 + 365 + 31 days; one release, no interval.
        assert_eq!((p.days_since_last, p.median_interval_days, p.releases_in_span), (Some(761), None, 0));
        let Figure::Measured(never) = pulse(vec![]) else { panic!() };
        assert_eq!((never.last_release, never.days_since_last, never.releases_read), (None, None, 0));
    }

    #[test]
    fn releases_not_collected_are_unavailable_with_the_collectors_reason() {
        let mut snap = snapshot(vec![], None);
        snap.unavailable.insert(DataKind::Releases, "needs the GitHub API".into());
        assert_eq!(measure(&snap, &span()), Figure::unavailable("needs the GitHub API"));
    }
}
