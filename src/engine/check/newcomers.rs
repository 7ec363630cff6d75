//! `newcomer-response`, `waiting-newcomers`, `newcomers-vs-regulars`, `good-first-issues`: the
//! measured welcome, from the issues and pull requests the API collected (see docs/newcomers.md).

use chrono::TimeDelta;

use super::Ctx;
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::pattern::Pattern;
use crate::newcomers::{
    self, Assessment, ComparisonThresholds, GoodFirstIssueFigures, GoodFirstIssueThresholds, ResponseThresholds,
    Verdict, WaitingThresholds,
};
use crate::snapshot::DataKind;

use serde::Deserialize;

use super::{Kind, LabelsCheck};
use crate::engine::needs::DataNeeds;

// The parameters' defaults are the thresholds' own, so they are written once (src/newcomers.rs).

/// `newcomer-response`: the share of newcomers' items answered within the target.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewcomerResponseCheck {
    /// Pass: at least this share of judged newcomer items answered within the target.
    pub pass_share: f64,
    /// Below this share, or a median above `warn_median_hours`: fail.
    pub warn_share: f64,
    pub warn_median_hours: u32,
    /// Fewer judged newcomer items than this: skipped, too few to judge.
    pub min_judged: usize,
}

impl Default for NewcomerResponseCheck {
    fn default() -> Self {
        let t = ResponseThresholds::default();
        NewcomerResponseCheck {
            pass_share: t.pass_share,
            warn_share: t.warn_share,
            warn_median_hours: u32::try_from(t.warn_median.num_hours()).unwrap_or(u32::MAX),
            min_judged: t.min_judged,
        }
    }
}

impl Kind for NewcomerResponseCheck {
    fn describe(&self) -> String {
        format!(
            "the share of newcomers' issues and pull requests (in the window) answered within the target: \
             pass at {:.0}% or more, fail below {:.0}% or with a median over {} hours",
            self.pass_share * 100.0,
            self.warn_share * 100.0,
            self.warn_median_hours
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Issues);
    }
}

/// `waiting-newcomers`: no open newcomer item unanswered too long.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaitingNewcomersCheck {
    pub warn_after_days: u32,
    pub fail_after_days: u32,
}

impl Default for WaitingNewcomersCheck {
    fn default() -> Self {
        let t = WaitingThresholds::default();
        WaitingNewcomersCheck { warn_after_days: days(t.warn_after), fail_after_days: days(t.fail_after) }
    }
}

impl Kind for WaitingNewcomersCheck {
    fn describe(&self) -> String {
        format!(
            "open newcomer items with no response: warn past {} days, fail past {} days",
            self.warn_after_days, self.fail_after_days
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Issues);
    }
}

/// `newcomers-vs-regulars`: newcomers are not answered markedly slower than regulars.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewcomersVsRegularsCheck {
    pub warn_ratio: f64,
    pub fail_ratio: f64,
    pub min_answered: usize,
}

impl Default for NewcomersVsRegularsCheck {
    fn default() -> Self {
        let t = ComparisonThresholds::default();
        NewcomersVsRegularsCheck { warn_ratio: t.warn_ratio, fail_ratio: t.fail_ratio, min_answered: t.min_answered }
    }
}

impl Kind for NewcomersVsRegularsCheck {
    fn describe(&self) -> String {
        format!(
            "the newcomers' median time to first response against the regulars': warn above {}x, fail above {}x",
            self.warn_ratio, self.fail_ratio
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Issues);
    }
}

/// `good-first-issues`: enough open good first issues, free to take and not forgotten.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodFirstIssuesCheck {
    /// Which welcoming labels mark a good first issue (help wanted is not one).
    pub labels: Vec<Pattern>,
    /// The project's own names (`E-easy`), matched exactly, ignoring case.
    #[serde(default)]
    pub also: Vec<String>,
    #[serde(default = "default_min_open")]
    pub min_open: usize,
    #[serde(default = "default_unassigned_share")]
    pub min_unassigned_share: f64,
    #[serde(default = "default_stale_after_days")]
    pub stale_after_days: u32,
}

fn default_min_open() -> usize {
    GoodFirstIssueThresholds::default().min_open
}
fn default_unassigned_share() -> f64 {
    GoodFirstIssueThresholds::default().min_unassigned_share
}
fn default_stale_after_days() -> u32 {
    days(GoodFirstIssueThresholds::default().stale_after)
}

impl Kind for GoodFirstIssuesCheck {
    fn describe(&self) -> String {
        format!(
            "at least {} open good first issues, {:.0}% of them unassigned, none untouched for {} days",
            self.min_open,
            self.min_unassigned_share * 100.0,
            self.stale_after_days
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.extend([DataKind::Labels, DataKind::Issues]);
        needs.want_labels(LabelsCheck { any: self.labels.clone(), also: self.also.clone() });
    }
}

fn days(t: TimeDelta) -> u32 {
    u32::try_from(t.num_days()).unwrap_or(u32::MAX)
}

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
        let mut snap = Snapshot::new(Some(crate::repo_ref::RepoRef::new("o", "r")), now);
        snap.activity = Some(Activity {
            window_start: "2026-08-03T00:00:00Z".parse().unwrap(),
            items: vec![Item::opened_for_test(1, "ann", "FIRST_TIMER", "2026-10-01T00:00:00Z")],
            authors_with_earlier_items: Some(vec![]),
            authors_not_looked_up: vec![],
            complete: true,
            previous: None,
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

    #[test]
    fn the_dynamics_are_measured_with_the_activity_and_name_people_only_when_asked() {
        let now = "2026-11-01T00:00:00Z".parse().unwrap();
        let mut snap = Snapshot::new(None, now);
        assert_eq!(RuleSet::builtin().evaluate(&snap).dynamics, None, "no activity, no dynamics");
        let merged = |n: u64| crate::snapshot::Item {
            kind: crate::snapshot::ItemKind::PullRequest,
            merged_at: Some("2026-10-02T00:00:00Z".parse().unwrap()),
            merged_by: Some(crate::snapshot::Actor { login: "mara".into(), is_bot: false }),
            ..Item::opened_for_test(n, "ann", "NONE", "2026-10-01T00:00:00Z")
        };
        snap.activity = Some(Activity {
            window_start: "2026-08-03T00:00:00Z".parse().unwrap(),
            items: (1..=10).map(merged).collect(),
            authors_with_earlier_items: Some(vec![]),
            authors_not_looked_up: vec![],
            complete: true,
            previous: None,
        });
        let carriers = |settings: &crate::dynamics::Settings| {
            let dynamics = RuleSet::builtin().evaluate_with(&snap, settings).dynamics.expect("measured");
            assert_eq!(dynamics.span.start, "2026-08-03T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap());
            dynamics.carriers.measured().cloned().expect("ten merges")
        };
        assert_eq!(carriers(&crate::dynamics::Settings::default()).named, None);
        let named = carriers(&crate::dynamics::Settings { name_people: true, ..Default::default() }).named;
        assert_eq!(named.unwrap()[0].login, "mara");
        // The rule judged the same figure: one person merged all ten.
        let evaluation = RuleSet::builtin().evaluate(&snap);
        let finding = evaluation.findings.iter().find(|f| f.rule == "absence-factor").unwrap();
        assert_eq!(finding.status, Status::Fail, "{finding:?}");
    }
}
