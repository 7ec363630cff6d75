//! Every figure, bucket by bucket: calendar months or ISO weeks (UTC), clipped to the span.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};

use super::{Bucket, BucketFigures, Known, Span, Trends, carriers, pulse, questions, retention, silent};
use crate::newcomers::{AssessedItem, AuthorClass, GroupFigures};
use crate::snapshot::Snapshot;

pub(super) fn measure(snap: &Snapshot, known: &Known<'_>, span: &Span, bucket: Bucket) -> Trends {
    let buckets = buckets(span, bucket).into_iter().map(|b| figures(snap, known, &b)).collect();
    Trends { bucket, buckets }
}

/// The span cut at each month's or ISO week's first instant (UTC); the first and last may be partial.
fn buckets(span: &Span, bucket: Bucket) -> Vec<Span> {
    let mut cuts = Vec::new();
    let mut start = span.start;
    while start < span.end {
        let end = next_start(start, bucket).min(span.end);
        cuts.push(span.part(start, end));
        start = end;
    }
    cuts
}

/// The first instant of the month or ISO week after the one `t` is in.
fn next_start(t: DateTime<Utc>, bucket: Bucket) -> DateTime<Utc> {
    let date = t.date_naive();
    let next: NaiveDate = match bucket {
        Bucket::Month => date.with_day(1).and_then(|d| d.checked_add_months(Months::new(1))),
        Bucket::Week => date.checked_add_days(Days::new(7 - u64::from(date.weekday().num_days_from_monday()))),
    }
    .expect("dates far from the ends of the calendar");
    Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

fn figures(snap: &Snapshot, known: &Known<'_>, bucket: &Span) -> BucketFigures {
    let answered: Vec<AssessedItem<'_>> =
        known.assessment.items.iter().filter(|a| bucket.holds(a.item.created_at)).cloned().collect();
    let group = |class| GroupFigures::of(&answered, class, known.policy.target).all;
    let (newcomers, regulars) = (group(AuthorClass::Newcomer), group(AuthorClass::Regular));
    BucketFigures {
        start: bucket.start,
        end: bucket.end,
        newcomer_median_first_response_seconds: newcomers.median.map(|m| m.num_seconds()),
        regular_median_first_response_seconds: regulars.median.map(|m| m.num_seconds()),
        newcomer_share_within_target: newcomers.share_within_target,
        new_contributors: retention::new_count(known, bucket),
        returning_newcomers: retention::returning_count(known, bucket),
        absence_factor: carriers::measure(known, bucket, false).measured().map(|c| c.absence_factor),
        silent_close_share: silent::measure(known, bucket).measured().and_then(|s| s.silent_share),
        questions_share_answered: questions::share_answered_in(snap, known, bucket),
        releases: snap.releases.as_ref().map_or(0, |r| pulse::in_span(&r.latest, bucket)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn cuts(start: &str, end: &str, bucket: Bucket) -> Vec<(String, String)> {
        let span = Span { start: at(start), end: at(end), previous_start: at(start) };
        let day = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
        buckets(&span, bucket).into_iter().map(|b| (day(b.start), day(b.end))).collect()
    }

    #[test]
    fn months_across_a_year_clipped_to_the_span() {
        assert_eq!(
            cuts("2025-11-15T06:00:00Z", "2026-02-10T00:00:00Z", Bucket::Month),
            [
                ("2025-11-15 06:00".into(), "2025-12-01 00:00".into()),
                ("2025-12-01 00:00".into(), "2026-01-01 00:00".into()),
                ("2026-01-01 00:00".into(), "2026-02-01 00:00".into()),
                ("2026-02-01 00:00".into(), "2026-02-10 00:00".into()),
            ]
        );
    }

    #[test]
    fn iso_weeks_across_a_year_start_on_mondays() {
        // 31 December 2025 is a Wednesday; ISO week 1 of 2026 starts on Monday 29 December 2025.
        assert_eq!(
            cuts("2025-12-24T00:00:00Z", "2026-01-07T12:00:00Z", Bucket::Week),
            [
                ("2025-12-24 00:00".into(), "2025-12-29 00:00".into()),
                ("2025-12-29 00:00".into(), "2026-01-05 00:00".into()),
                ("2026-01-05 00:00".into(), "2026-01-07 12:00".into()),
            ]
        );
        // A span starting on a Monday at midnight: its first bucket is a whole week.
        assert_eq!(cuts("2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", Bucket::Week).len(), 1);
    }

    #[test]
    fn each_month_has_its_own_figures() {
        let items = vec![
            issue(1, "ana", "2026-09-10T00:00:00Z").comment("mara", "2026-09-10T02:00:00Z"),
            issue(2, "rita", "2026-09-11T00:00:00Z").comment("mara", "2026-09-11T01:00:00Z"),
            issue(3, "bea", "2026-10-05T00:00:00Z").comment("cy", "2026-10-05T10:00:00Z"),
        ];
        let mut snap = snapshot(items, None);
        snap.releases = Some(crate::snapshot::Releases {
            latest: vec![crate::snapshot::Release {
                tag: "v2".into(),
                url: "https://github.com/o/r/releases/tag/v2".into(),
                published_at: at("2026-10-20T00:00:00Z"),
                prerelease: false,
            }],
            last_commit_at: None,
        });
        let trends = with_known(&snap, |k| measure(&snap, k, &span(), Bucket::Month));
        let [august, september, october] = &trends.buckets[..] else { panic!("{trends:#?}") };
        assert_eq!((august.start, august.end), (at(WINDOW_START), at("2026-09-01T00:00:00Z")));
        assert_eq!(august.newcomer_median_first_response_seconds, None);
        // September: ana (newcomer) answered after 2 h, rita (regular) after 1 h.
        assert_eq!(september.newcomer_median_first_response_seconds, Some(2 * 3600));
        assert_eq!(september.regular_median_first_response_seconds, Some(3600));
        assert_eq!((september.new_contributors, september.newcomer_share_within_target), (1, Some(1.0)));
        // October: bea after 10 h; one release; too few actions for an absence factor.
        assert_eq!(october.newcomer_median_first_response_seconds, Some(10 * 3600));
        assert_eq!((october.new_contributors, october.releases, october.absence_factor), (1, 1, None));
    }
}
