//! `newcomer-response`, `waiting-newcomers`, `newcomers-vs-regulars`, `good-first-issues`: the
//! measured welcome, from the issues and pull requests the API collected (see docs/newcomers.md).

use chrono::TimeDelta;

use super::Ctx;
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::rule::{
    GoodFirstIssuesCheck, NewcomerResponseCheck, NewcomersVsRegularsCheck, WaitingNewcomersCheck,
};
use crate::newcomers::{
    self, Assessment, ComparisonThresholds, GoodFirstIssueFigures, GoodFirstIssueThresholds, ResponseThresholds,
    Verdict, WaitingThresholds,
};
use crate::snapshot::DataKind;

/// Most items a finding lists; the report links the rest through the figures.
const MAX_LISTED: usize = 10;

fn with_assessment(ctx: &Ctx<'_>, judge: impl FnOnce(&Assessment<'_>) -> Verdict) -> Outcome {
    let Some(activity) = &ctx.snap.activity else {
        return Outcome::new(Status::Skipped, ctx.snap.missing_reason(DataKind::Issues));
    };
    outcome(judge(&newcomers::assess(activity, ctx.newcomer_policy)))
}

fn outcome(verdict: Verdict) -> Outcome {
    let mut out = Outcome::new(verdict.status, verdict.message);
    out.evidence = verdict.items.iter().take(MAX_LISTED).map(|i| Evidence::note(i.describe())).collect();
    out
}

pub fn response(c: &NewcomerResponseCheck, ctx: &Ctx<'_>) -> Outcome {
    let t = ResponseThresholds {
        pass_share: c.pass_share,
        warn_share: c.warn_share,
        warn_median: TimeDelta::hours(i64::from(c.warn_median_hours)),
        min_judged: c.min_judged,
    };
    with_assessment(ctx, |a| newcomers::newcomer_response(a, &t))
}

pub fn waiting(c: &WaitingNewcomersCheck, ctx: &Ctx<'_>) -> Outcome {
    let t = WaitingThresholds {
        warn_after: TimeDelta::days(i64::from(c.warn_after_days)),
        fail_after: TimeDelta::days(i64::from(c.fail_after_days)),
    };
    with_assessment(ctx, |a| newcomers::waiting_newcomers(a, &t))
}

pub fn versus_regulars(c: &NewcomersVsRegularsCheck, ctx: &Ctx<'_>) -> Outcome {
    let t = ComparisonThresholds { warn_ratio: c.warn_ratio, fail_ratio: c.fail_ratio, min_answered: c.min_answered };
    with_assessment(ctx, |a| newcomers::newcomers_vs_regulars(a, &t))
}

pub fn good_first_issues(c: &GoodFirstIssuesCheck, ctx: &Ctx<'_>) -> Outcome {
    let Some(issues) = &ctx.snap.welcoming_issues else {
        return Outcome::new(Status::Skipped, ctx.snap.missing_reason(DataKind::Issues));
    };
    let good_first: Vec<_> = issues
        .iter()
        .filter(|i| i.labels.iter().any(|l| super::labels::name_matches(&c.labels, &c.also, l)))
        .cloned()
        .collect();
    let stale_after = TimeDelta::days(i64::from(c.stale_after_days));
    let figures = GoodFirstIssueFigures::measure(&good_first, ctx.snap.collected_at, stale_after);
    let t =
        GoodFirstIssueThresholds { min_open: c.min_open, min_unassigned_share: c.min_unassigned_share, stale_after };
    outcome(newcomers::good_first_issues(&figures, &t))
}
