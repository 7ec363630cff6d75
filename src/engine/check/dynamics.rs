//! `absence-factor`, `newcomer-retention`, `silent-closes`, `questions-answered`, `release-pulse`:
//! verdicts on the community dynamics measured before the rules (see docs/dynamics.md).

use chrono::TimeDelta;
use serde::Deserialize;

use super::{Ctx, Kind};
use crate::dynamics::{
    Carriers, Dynamics, Figure, ItemLink, QuestionSource, Questions, ReleasePulse, Retention, SilentCloses, Span,
};
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::needs::DataNeeds;
use crate::newcomers::human;
use crate::plain_text::{day, percent};
use crate::snapshot::DataKind;

/// Most items a finding lists; the JSON report's `dynamics` section has them all.
const MAX_LISTED: usize = 10;

/// Judges one figure of the dynamics; skipped when they were not measured or the figure could not be.
fn judge<T>(
    ctx: &Ctx<'_>,
    missing: DataKind,
    figure: impl FnOnce(&Dynamics) -> &Figure<T>,
    verdict: impl FnOnce(&T, &Dynamics) -> Outcome,
) -> Outcome {
    let Some(dynamics) = ctx.dynamics else { return Outcome::new(Status::Skipped, ctx.snap.missing_reason(missing)) };
    match figure(dynamics) {
        Figure::Measured(measured) => verdict(measured, dynamics),
        Figure::Unavailable { reason } => Outcome::new(Status::Skipped, reason.clone()),
    }
}

/// `52` or `52.5`.
fn one_decimal(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") }
}

fn listed(links: &[ItemLink]) -> Vec<Evidence> {
    links
        .iter()
        .take(MAX_LISTED)
        .map(|l| Evidence::note(format!("#{} \"{}\" ({}), opened {}", l.number, l.title, l.url, day(l.created_at))))
        .collect()
}

/// `absence-factor`: how few people did half the reviews, merges and first responses.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AbsenceFactorCheck {
    /// Fail when this many people or fewer did half the work.
    pub fail_at: usize,
    /// Warn when this many or fewer did.
    pub warn_at: usize,
}

impl Default for AbsenceFactorCheck {
    fn default() -> Self {
        AbsenceFactorCheck { fail_at: 1, warn_at: 2 }
    }
}

impl Kind for AbsenceFactorCheck {
    fn describe(&self) -> String {
        format!(
            "the fewest people who did half the reviews, merges and first responses to others' work in the window: \
             fail at {} or fewer, warn at {} or fewer (at least {} actions needed)",
            self.fail_at,
            self.warn_at,
            crate::dynamics::MIN_CARRIER_ACTIONS
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Issues);
    }
}

pub fn absence_factor(c: &AbsenceFactorCheck, ctx: &Ctx<'_>) -> Outcome {
    judge(
        ctx,
        DataKind::Issues,
        |d| &d.carriers,
        |carriers: &Carriers, d| {
            let status = match carriers.absence_factor {
                n if n <= c.fail_at => Status::Fail,
                n if n <= c.warn_at => Status::Warn,
                _ => Status::Pass,
            };
            let who = if carriers.absence_factor == 1 {
                "1 person".to_string()
            } else {
                format!("{} people", carriers.absence_factor)
            };
            Outcome::new(
                status,
                format!(
                    "{who} did half of the {} reviews, merges and first responses to others' work since {} ({} in all; \
                 the largest share {})",
                    carriers.actions,
                    day(d.span.start),
                    crate::plain_text::count(carriers.people as u64, "person").replace("persons", "people"),
                    percent(carriers.shares.first().copied().unwrap_or(0.0))
                ),
            )
        },
    )
}

/// `newcomer-retention`: newcomers of the previous window come back in this one.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewcomerRetentionCheck {
    /// Fewer newcomers in the previous window than this: skipped, too few to judge.
    pub min_newcomers: usize,
    /// Warn when fewer than this share came back.
    pub warn_below: f64,
    /// Fail when fewer than this share came back, while regulars came back at least `warn_below`.
    pub fail_below: f64,
}

impl Default for NewcomerRetentionCheck {
    fn default() -> Self {
        NewcomerRetentionCheck { min_newcomers: 20, warn_below: 0.1, fail_below: 0.05 }
    }
}

impl Kind for NewcomerRetentionCheck {
    fn describe(&self) -> String {
        format!(
            "the share of the previous window's newcomers who came back in this one: warn below {}, fail below {} \
             while regulars come back (at least {} newcomers needed)",
            percent(self.warn_below),
            percent(self.fail_below),
            self.min_newcomers
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Issues);
    }
}

pub fn newcomer_retention(c: &NewcomerRetentionCheck, ctx: &Ctx<'_>) -> Outcome {
    judge(
        ctx,
        DataKind::Issues,
        |d| &d.retention,
        |r: &Retention, d| {
            let since = day(d.span.previous_start);
            let unconfirmed = match r.unconfirmed {
                0 => String::new(),
                n => format!(" ({n} more whose earlier activity could not be looked up are in neither group)"),
            };
            let (Some(rate), true) = (r.newcomer_rate, r.newcomers >= c.min_newcomers) else {
                return Outcome::new(
                    Status::Skipped,
                    format!(
                        "too few newcomers to judge: {} opened their first item between {since} and {} (at least {} \
                     needed){unconfirmed}",
                        r.newcomers,
                        day(d.span.start),
                        c.min_newcomers
                    ),
                );
            };
            let regulars = match r.regular_rate {
                Some(regular) => format!("regulars: {} of {} ({})", r.regulars_returned, r.regulars, percent(regular)),
                None => "no regulars to compare with".to_string(),
            };
            // When regulars do not come back either, the project is quiet, not closed to newcomers.
            let regulars_return = r.regular_rate.is_some_and(|regular| regular >= c.warn_below);
            let status = if rate < c.fail_below && regulars_return {
                Status::Fail
            } else if rate < c.warn_below {
                Status::Warn
            } else {
                Status::Pass
            };
            Outcome::new(
                status,
                format!(
                    "{} of the {} people new between {since} and {} came back since ({}); {regulars}{unconfirmed}",
                    r.newcomers_returned,
                    r.newcomers,
                    day(d.span.start),
                    percent(rate)
                ),
            )
        },
    )
}

/// `silent-closes`: newcomers' pull requests are not rejected without a word.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SilentClosesCheck {
    /// Warn at this many silently rejected newcomer pull requests.
    pub warn_at: usize,
    /// Fail at this many, when they are also at least `fail_share` of those closed.
    pub fail_at: usize,
    pub fail_share: f64,
}

impl Default for SilentClosesCheck {
    fn default() -> Self {
        // One silent close in a window may be spam or a duplicate; two begin a habit.
        SilentClosesCheck { warn_at: 2, fail_at: 3, fail_share: 0.5 }
    }
}

impl Kind for SilentClosesCheck {
    fn describe(&self) -> String {
        format!(
            "newcomers' pull requests closed unmerged with no word from anyone but the author: warn at {}, fail at {} \
             that are also {} of those closed",
            self.warn_at,
            self.fail_at,
            percent(self.fail_share)
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Issues);
    }
}

pub fn silent_closes(c: &SilentClosesCheck, ctx: &Ctx<'_>) -> Outcome {
    judge(
        ctx,
        DataKind::Issues,
        |d| &d.silent_closes,
        |s: &SilentCloses, d| {
            let since = day(d.span.start);
            if s.closed == 0 {
                return Outcome::new(
                    Status::Skipped,
                    format!("no newcomer's pull request opened since {since} was closed"),
                );
            }
            let rejected = s.rejected_silently;
            let status = if rejected >= c.fail_at && rejected as f64 >= c.fail_share * s.closed as f64 {
                Status::Fail
            } else if rejected >= c.warn_at {
                Status::Warn
            } else {
                Status::Pass
            };
            let withdrawn = match s.withdrawn {
                0 => String::new(),
                n => format!("; {n} closed by their own author"),
            };
            let mut out = Outcome::new(
                status,
                format!(
                    "{rejected} of {} newcomers' pull requests opened since {since} and closed were rejected without a word \
                 from anyone but their author; {} merged without one{withdrawn}",
                    s.closed, s.merged_silently
                ),
            );
            out.evidence = listed(&s.rejected);
            out
        },
    )
}

/// `questions-answered`: questions get an accepted answer or a maintainer's reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuestionsAnsweredCheck {
    /// Pass at this share answered or more.
    pub pass_share: f64,
    /// Below this share: fail.
    pub warn_share: f64,
    /// Fewer questions than this: skipped, too few to judge.
    pub min_asked: usize,
}

impl Default for QuestionsAnsweredCheck {
    fn default() -> Self {
        QuestionsAnsweredCheck { pass_share: 0.7, warn_share: 0.4, min_asked: 5 }
    }
}

impl Kind for QuestionsAnsweredCheck {
    fn describe(&self) -> String {
        format!(
            "the share of questions (Q&A discussions, else issues labelled as questions) answered by an accepted \
             answer or a maintainer: pass at {} or more, fail below {} (at least {} questions needed)",
            percent(self.pass_share),
            percent(self.warn_share),
            self.min_asked
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.extend([DataKind::Issues, DataKind::Discussions]);
    }
}

pub fn questions_answered(c: &QuestionsAnsweredCheck, ctx: &Ctx<'_>) -> Outcome {
    judge(
        ctx,
        DataKind::Issues,
        |d| &d.questions,
        |q: &Questions, d| {
            let asked = match q.source {
                QuestionSource::Discussions => "questions in Q&A discussions",
                QuestionSource::Issues => "issues labelled as questions",
            };
            let since = day(d.span.start);
            let Some(share) = q.share_answered.filter(|_| q.asked >= c.min_asked) else {
                return Outcome::new(
                    Status::Skipped,
                    format!("too few {asked} to judge: {} since {since} (at least {} needed)", q.asked, c.min_asked),
                );
            };
            let status = if share >= c.pass_share {
                Status::Pass
            } else if share >= c.warn_share {
                Status::Warn
            } else {
                Status::Fail
            };
            let reply = q.median_first_reply_seconds.map_or("none replied to".to_string(), |s| {
                format!("median first reply {}", human(TimeDelta::seconds(s)))
            });
            let mut out = Outcome::new(
                status,
                format!(
                    "{} of {} {asked} since {since} answered ({}) by an accepted answer or a maintainer; {reply}",
                    q.answered,
                    q.asked,
                    percent(share)
                ),
            );
            out.evidence = listed(&q.unanswered);
            out
        },
    )
}

/// `release-pulse`: a project whose commits continue still releases.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReleasePulseCheck {
    /// Warn when the last release is older than this while commits continue.
    pub warn_after_days: u32,
    pub fail_after_days: u32,
    /// Commits continue: the last one is at most this old.
    pub active_within_days: u32,
}

impl Default for ReleasePulseCheck {
    fn default() -> Self {
        ReleasePulseCheck { warn_after_days: 365, fail_after_days: 730, active_within_days: 90 }
    }
}

impl Kind for ReleasePulseCheck {
    fn describe(&self) -> String {
        format!(
            "days since the last release (GitHub's, or a checkout's version tag) while the default branch had a commit in the last {} days: warn past \
             {}, fail past {}",
            self.active_within_days, self.warn_after_days, self.fail_after_days
        )
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.extend([DataKind::Issues, DataKind::Releases]);
    }
}

pub fn release_pulse(c: &ReleasePulseCheck, ctx: &Ctx<'_>) -> Outcome {
    // A checkout has releases (its version tags) without the window's issues: measured here then.
    let alone;
    let (figure, span) = match ctx.dynamics {
        Some(d) => (&d.releases, &d.span),
        None => match crate::dynamics::release_pulse_alone(ctx.snap) {
            Some(measured) => {
                alone = measured;
                (&alone.0, &alone.1)
            }
            None => return Outcome::new(Status::Skipped, ctx.snap.missing_reason(DataKind::Releases)),
        },
    };
    match figure {
        Figure::Measured(p) => pulse_verdict(c, p, span),
        Figure::Unavailable { reason } => Outcome::new(Status::Skipped, reason.clone()),
    }
}

fn pulse_verdict(c: &ReleasePulseCheck, p: &ReleasePulse, span: &Span) -> Outcome {
    let (Some(last), Some(days)) = (&p.last_release, p.days_since_last) else {
        return Outcome::new(
            Status::Skipped,
            "no release found (GitHub's releases, or a checkout's version tags): the project may release elsewhere (a \
             registry); the changelog rule looks for release notes",
        );
    };
    let Some(commit) = p.last_commit_at else {
        return Outcome::new(Status::Skipped, "the default branch's last commit is not known");
    };
    let quiet_for = (span.end - commit).num_days();
    if quiet_for > i64::from(c.active_within_days) {
        return Outcome::new(
            Status::Skipped,
            format!("no commit for {quiet_for} days (since {}): a project at rest need not release", day(commit)),
        );
    }
    let status = if days > i64::from(c.fail_after_days) {
        Status::Fail
    } else if days > i64::from(c.warn_after_days) {
        Status::Warn
    } else {
        Status::Pass
    };
    let interval = p
        .median_interval_days
        .map_or(String::new(), |m| format!("; median interval of the last five {} days", one_decimal(m)));
    Outcome::new(
        status,
        format!(
            "last release {} {days} days ago ({}){interval}; {} since {}; last commit {}",
            last.tag,
            day(last.published_at),
            crate::plain_text::count(p.releases_in_span as u64, "release"),
            day(span.start),
            day(commit)
        ),
    )
}
