//! The monthly community report (`cm-audit report OWNER/REPO --period 2026-11`): what a community
//! manager posts for the team or a newsletter. New contributors welcomed (a count, and links to
//! their merged pull requests, never names), the community's figures for the month beside the
//! previous report's, and the gaps fixed and opened since it. The Action's tracking issue shows
//! the same for the current month so far ("This month").

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use serde::Serialize;

use super::compare::Comparison;
use super::dynamics_view::{DynamicsView, FigureLine, LinkView};
use super::template::{self, Markup, Page};
use super::view::Folded;
use super::{Report, Tool};
use crate::dynamics::{Figure, Span};
use crate::error::{Error, Result};
use crate::snapshot::Snapshot;

/// A calendar month (UTC), or the part of the current one that has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    /// The next month's first instant, or the time measured up to when the month is not over.
    pub end: DateTime<Utc>,
    /// The month is not over: the figures are the month's so far.
    pub so_far: bool,
}

impl Period {
    /// `2026-11`, `last-month` or `this-month`, as of `now`. A month that has not begun is refused.
    pub fn parse(text: &str, now: DateTime<Utc>) -> Result<Period> {
        let text = text.trim();
        let this_month = month_start(now.year(), now.month()).expect("the current month exists");
        let start = match text {
            "this-month" => this_month,
            "last-month" => previous_month(this_month),
            _ => parse_month(text).ok_or_else(|| {
                Error::Period(format!(
                    "`{text}` is not a period: give a month as YYYY-MM (e.g. 2026-11), last-month or this-month"
                ))
            })?,
        };
        if start > now {
            return Err(Error::Period(format!(
                "the period {} has not begun yet: it is {} now",
                start.format("%Y-%m"),
                now.format("%Y-%m-%d")
            )));
        }
        Ok(Period::until(start, now))
    }

    /// The current month up to `now`.
    pub fn current(now: DateTime<Utc>) -> Period {
        Period::until(month_start(now.year(), now.month()).expect("the current month exists"), now)
    }

    /// The month starting at `start`, cut at `now` when it is not over.
    fn until(start: DateTime<Utc>, now: DateTime<Utc>) -> Period {
        let next = next_month(start);
        Period { start, end: next.min(now), so_far: now < next }
    }

    /// The span the dynamics are measured over: the period, and the previous month before it.
    pub fn span(&self) -> Span {
        Span { start: self.start, end: self.end, previous_start: previous_month(self.start) }
    }

    /// `November 2026`.
    pub fn name(&self) -> String {
        self.start.format("%B %Y").to_string()
    }

    /// How far back a collection at `now` must reach, in whole days and at least `at_least`: to
    /// the period's start, and far enough that the collector's previous window (as long as the
    /// window, ending at its start) reaches back to the month before it.
    pub fn window(&self, now: DateTime<Utc>, at_least: TimeDelta) -> TimeDelta {
        let needed = (now - self.start).max(self.start - previous_month(self.start));
        let days = needed.num_days() + i64::from(needed > TimeDelta::days(needed.num_days()));
        TimeDelta::days(days).max(at_least)
    }

    /// The period as the snapshot covers it: it must have the issues and pull requests from the
    /// period's start on, and have been collected after that start; collected before its end, the
    /// period is the part before the collection.
    pub fn covered_by(&self, snap: &Snapshot) -> Result<Period> {
        let activity = snap.activity.as_ref().ok_or_else(|| {
            Error::Period(format!(
                "the data has no issues or pull requests to report on {}: {}",
                self.name(),
                snap.unavailable
                    .get(&crate::snapshot::DataKind::Issues)
                    .map_or("they were not collected", String::as_str)
            ))
        })?;
        if snap.collected_at <= self.start {
            return Err(Error::Period(format!(
                "the data was collected on {}, before {} began",
                snap.collected_at.format("%Y-%m-%d"),
                self.name()
            )));
        }
        if activity.window_start > self.start {
            return Err(Error::Period(format!(
                "the data's window starts on {}, after {} began: collect with a --window reaching back to {}",
                activity.window_start.format("%Y-%m-%d"),
                self.name(),
                self.start.format("%Y-%m-%d")
            )));
        }
        Ok(Period::until(self.start, snap.collected_at))
    }
}

fn month_start(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let day = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some(Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?))
}

fn next_month(start: DateTime<Utc>) -> DateTime<Utc> {
    let (year, month) = if start.month() == 12 { (start.year() + 1, 1) } else { (start.year(), start.month() + 1) };
    month_start(year, month).expect("a month after a month that exists")
}

fn previous_month(start: DateTime<Utc>) -> DateTime<Utc> {
    let (year, month) = if start.month() == 1 { (start.year() - 1, 12) } else { (start.year(), start.month() - 1) };
    month_start(year, month).expect("a month before a month that exists")
}

/// `YYYY-MM`, exactly.
fn parse_month(text: &str) -> Option<DateTime<Utc>> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 || !(year.bytes().chain(month.bytes()).all(|b| b.is_ascii_digit())) {
        return None;
    }
    month_start(year.parse().ok()?, month.parse().ok()?)
}

/// Merged pull requests listed by link at most; the rest are counted.
const MAX_LINKS: usize = 30;

/// What the monthly template sees.
#[derive(Debug, Serialize)]
pub struct MonthlyView<'a> {
    /// The repository's name, else the checkout's path.
    pub subject: String,
    /// `November 2026`.
    pub period: String,
    pub so_far: bool,
    /// The day the figures run to, when the month is not over.
    pub until: String,
    /// Shown as a section of the tracking issue ("This month") rather than a page of its own.
    pub section: bool,
    /// The figures, when they were measured.
    pub figures: Option<MonthlyFigures>,
    /// Why there are no figures.
    pub not_measured: Option<String>,
    /// The gaps fixed and opened since a previous report (`--compare`).
    pub comparison: Option<&'a Comparison>,
    pub tool: &'a Tool,
    pub sources: String,
}

#[derive(Debug, Serialize)]
pub struct MonthlyFigures {
    /// People whose first issue or pull request in the repository was opened in the month; `None`
    /// when it could not be measured.
    pub welcomed: Option<usize>,
    /// Their pull requests merged in the month: links, not names.
    pub merged: Folded<LinkView>,
    /// Releases published in the month, and the last one when it is of the month.
    pub releases: Option<usize>,
    pub last_release: Option<LinkView>,
    /// Each figure of the month, with the previous report's beside it.
    pub lines: Vec<MonthlyLine>,
    /// `week` when the trends are weekly: the lines' sparklines run across the month's weeks.
    pub bucket: &'static str,
}

#[derive(Debug, Serialize)]
pub struct MonthlyLine {
    #[serde(flatten)]
    pub figure: FigureLine,
    /// The same figure in the previous report, in one value.
    pub before: Option<String>,
}

impl<'a> MonthlyView<'a> {
    /// The view of `report`, measured over `period`, beside `previous` (a previous report, whose
    /// figures and gaps it is compared with).
    pub fn new(
        report: &'a Report,
        period: &Period,
        previous: Option<(&Report, &'a Comparison)>,
        section: bool,
    ) -> MonthlyView<'a> {
        let figures = report.dynamics.as_ref().map(|d| {
            let before: Vec<FigureLine> = previous
                .and_then(|(p, _)| p.dynamics.as_ref())
                .map(|p| DynamicsView::new(p).figures)
                .unwrap_or_default();
            let view = DynamicsView::new(d);
            let new = match &d.new_contributors {
                Figure::Measured(n) => Some(n),
                Figure::Unavailable { .. } => None,
            };
            let pulse = match &d.releases {
                Figure::Measured(r) => Some(r),
                Figure::Unavailable { .. } => None,
            };
            let merged = new.map(|n| n.merged.as_slice()).unwrap_or_default();
            MonthlyFigures {
                welcomed: new.map(|n| n.count),
                merged: Folded::new(merged.iter(), MAX_LINKS, LinkView::of),
                releases: pulse.map(|r| r.releases_in_span),
                last_release: pulse
                    .and_then(|r| r.last_release.as_ref())
                    .filter(|r| r.published_at >= period.start && r.published_at < period.end)
                    .map(|r| LinkView { text: r.tag.clone(), url: r.url.clone() }),
                bucket: view.bucket,
                lines: view
                    .figures
                    .into_iter()
                    .map(|figure| MonthlyLine {
                        before: before
                            .iter()
                            .find(|b| b.name == figure.name && b.measured)
                            .and_then(|b| b.value.clone()),
                        figure,
                    })
                    .collect(),
            }
        });
        MonthlyView {
            subject: report.repository.clone().unwrap_or_else(|| "the repository".into()),
            period: period.name(),
            so_far: period.so_far,
            until: period.end.format("%Y-%m-%d %H:%M UTC").to_string(),
            section,
            not_measured: figures.is_none().then(|| {
                "the community figures were not measured: they need the issues and pull requests, through the GitHub API"
                    .to_string()
            }),
            figures,
            comparison: previous.map(|(_, c)| c),
            tool: &report.tool,
            sources: report.sources_line(),
        }
    }

    pub fn render(&self) -> Result<String> {
        template::render(Page::Monthly, Markup::Markdown, self, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn saved(name: &str) -> Report {
        let path = format!("{}/tests/data/reports/{name}.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn a_month_is_its_calendar_month_in_utc() {
        let p = Period::parse("2026-10", at("2026-11-20T08:00:00Z")).unwrap();
        assert_eq!((p.start, p.end, p.so_far), (at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z"), false));
        assert_eq!(p.span().previous_start, at("2026-09-01T00:00:00Z"));
        assert_eq!(p.name(), "October 2026");
    }

    #[test]
    fn last_month_of_january_is_december_and_december_runs_into_january() {
        let p = Period::parse("last-month", at("2027-01-10T00:00:00Z")).unwrap();
        assert_eq!((p.start, p.end), (at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z")));
        assert_eq!(p.span().previous_start, at("2026-11-01T00:00:00Z"));
        let december = Period::parse("2026-12", at("2027-03-01T00:00:00Z")).unwrap();
        assert_eq!(december.end, at("2027-01-01T00:00:00Z"));
        let january = Period::parse("2027-01", at("2027-03-01T00:00:00Z")).unwrap();
        assert_eq!(january.span().previous_start, at("2026-12-01T00:00:00Z"));
    }

    #[test]
    fn the_current_month_is_reported_so_far_and_a_later_one_refused() {
        let now = at("2026-11-20T08:00:00Z");
        let p = Period::parse("2026-11", now).unwrap();
        assert_eq!((p.end, p.so_far), (now, true));
        assert_eq!(Period::parse("this-month", now).unwrap(), Period::current(now));
        let e = Period::parse("2026-12", now).unwrap_err();
        assert!(matches!(e, Error::Period(_)) && e.to_string().contains("has not begun"), "{e}");
    }

    #[test]
    fn a_malformed_period_is_refused_with_what_to_give() {
        for bad in ["2026-13", "2026-00", "2026-1", "26-11", "2026/11", "november", "", "2026-11-01", "+026-11"] {
            let e = Period::parse(bad, at("2026-11-20T00:00:00Z")).unwrap_err();
            assert!(e.to_string().contains("YYYY-MM"), "{bad}: {e}");
            assert_eq!(e.exit_code(), crate::error::exit::PERIOD);
        }
    }

    #[test]
    fn the_window_reaches_back_to_the_period_start_in_whole_days() {
        let p = Period::parse("2026-10", at("2026-11-20T08:00:00Z")).unwrap();
        assert_eq!(p.window(at("2026-11-20T08:00:00Z"), TimeDelta::days(30)), TimeDelta::days(51));
        assert_eq!(p.window(at("2026-11-20T08:00:00Z"), TimeDelta::days(90)), TimeDelta::days(90));
        // Early in a month, the window is as long as the month before, so that the previous
        // window, as long and before it, covers that month.
        let now = at("2026-11-03T08:00:00Z");
        assert_eq!(Period::current(now).window(now, TimeDelta::zero()), TimeDelta::days(31));
    }

    #[test]
    fn a_snapshot_covers_a_period_from_its_start_and_cuts_it_at_its_collection() {
        let mut snap = Snapshot::new(None, at("2026-10-15T00:00:00Z"));
        let october = Period::parse("2026-10", at("2026-11-20T00:00:00Z")).unwrap();
        assert!(october.covered_by(&snap).unwrap_err().to_string().contains("no issues or pull requests"));
        snap.activity = Some(crate::snapshot::Activity {
            window_start: at("2026-09-01T00:00:00Z"),
            items: vec![],
            authors_with_earlier_items: None,
            authors_not_looked_up: vec![],
            complete: true,
            previous: None,
        });
        let covered = october.covered_by(&snap).unwrap();
        assert_eq!((covered.end, covered.so_far), (at("2026-10-15T00:00:00Z"), true));
        let november = Period::parse("2026-11", at("2026-11-20T00:00:00Z")).unwrap();
        assert!(november.covered_by(&snap).unwrap_err().to_string().contains("before November 2026 began"));
        snap.activity.as_mut().unwrap().window_start = at("2026-10-02T00:00:00Z");
        assert!(october.covered_by(&snap).unwrap_err().to_string().contains("--window reaching back to 2026-10-01"));
    }

    #[test]
    fn the_monthly_report_welcomes_by_link_and_sets_figures_beside_the_previous_report() {
        let (month, previous) = (saved("month"), saved("dynamics"));
        let period = Period::parse("2026-10", at("2026-11-01T00:00:00Z")).unwrap();
        let comparison = Comparison::new(&previous, &month);
        let md = MonthlyView::new(&month, &period, Some((&previous, &comparison)), false).render().unwrap();
        insta::assert_snapshot!("monthly_report", md);
        assert!(md.starts_with("# acme/widgets: community report for October 2026\n"), "{md}");
        assert!(md.contains("**3 new contributors** opened"), "{md}");
        assert!(md.contains("(previous report: 4 of 12)"), "{md}");
        // A title cannot inject a link or a mention.
        let hostile = md.lines().find(|l| l.contains("pull/48")).unwrap();
        assert!(!hostile.contains("](javascript:") && !hostile.contains(" @everyone"), "{hostile}");
        assert!(!md.contains("maint-alice"));
    }

    #[test]
    fn this_month_is_a_section_said_to_be_so_far() {
        let month = saved("month");
        let period = Period::current(at("2026-10-20T12:00:00Z"));
        let md = MonthlyView::new(&month, &period, None, true).render().unwrap();
        assert!(md.starts_with("## This month: October 2026, so far\n"), "{md}");
        assert!(md.contains("the figures run to 2026-10-20 12:00 UTC"), "{md}");
        assert!(md.contains("\n### Welcomed\n"), "{md}");
        assert!(!md.contains("<sub>"), "{md}");
    }
}
