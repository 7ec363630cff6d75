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

/// Judges the assessment measured before the rules; skipped when the snapshot has no issues.
fn with_assessment(ctx: &Ctx<'_>, judge: impl FnOnce(&Assessment<'_>) -> Verdict) -> Outcome {
    let Some(assessment) = ctx.newcomers else {
        return Outcome::new(Status::Skipped, ctx.snap.missing_reason(DataKind::Issues));
    };
    outcome(judge(assessment))
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

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use crate::engine::RuleSet;
    use crate::engine::finding::Status;
    use crate::newcomers::ASSESSMENTS;
    use crate::snapshot::{Activity, DataKind, Item, Snapshot};

    #[test]
    fn the_newcomers_are_assessed_once_for_every_rule_and_the_report() {
        let now = "2026-11-01T00:00:00Z".parse().unwrap();
        let mut snap = Snapshot::new(Some("o/r".into()), now);
        snap.activity = Some(Activity {
            window_start: "2026-08-03T00:00:00Z".parse().unwrap(),
            items: vec![Item::opened_for_test(1, "ann", "FIRST_TIMER", "2026-10-01T00:00:00Z")],
            authors_with_earlier_items: Some(vec![]),
            authors_not_looked_up: vec![],
            complete: true,
        });
        let before = ASSESSMENTS.with(Cell::get);
        let evaluation = RuleSet::builtin().evaluate(&snap);
        assert_eq!(ASSESSMENTS.with(Cell::get) - before, 1);
        // Each rule read it: none says the issues are missing (one item is too few for two of them).
        let missing = snap.missing_reason(DataKind::Issues);
        let read = |id: &str| evaluation.findings.iter().any(|f| f.rule == id && f.message != missing);
        assert!(
            ["newcomer-response", "waiting-newcomers", "newcomers-vs-regulars"].into_iter().all(read),
            "{:#?}",
            evaluation.findings
        );
        let waiting = evaluation.findings.iter().find(|f| f.rule == "waiting-newcomers").unwrap();
        assert_eq!(waiting.status, Status::Fail, "ann waited 31 days: {waiting:?}");
        let waiting = &evaluation.newcomers.expect("the report's figures").waiting;
        assert_eq!(waiting.iter().map(|i| i.number).collect::<Vec<_>>(), [1]);
    }
}
