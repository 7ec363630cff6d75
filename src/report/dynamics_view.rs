//! The community dynamics in words and small pictures, for the templates and the terminal: a line
//! a figure with its trend as a sparkline (first and last value beside it), and the HTML report's
//! charts with the numbers each draws.
//!
//! Never a login: who carries the project is shown as counts and shares, whatever the JSON holds.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::chart::{self, Bar, FRAME, Frame, Point};
use crate::dynamics::{Bucket, BucketFigures, Dynamics, Figure, ItemLink, QuestionSource};
use crate::newcomers::human;
use crate::plain_text::{day, percent};

#[derive(Debug, Serialize)]
pub struct DynamicsView {
    /// The span measured, e.g. `2026-08-03 to 2026-11-01`.
    pub span: String,
    /// `month` or `week`.
    pub bucket: &'static str,
    pub figures: Vec<FigureLine>,
    pub charts: Vec<Chart>,
}

/// One figure: what it says now, or why it could not be measured, and its trend.
#[derive(Debug, Serialize)]
pub struct FigureLine {
    pub name: &'static str,
    pub measured: bool,
    /// The figure in a few words, or why it is not there.
    pub text: String,
    /// The figure in one value, to set beside another period's (`2 people`, `25%`).
    pub value: Option<String>,
    /// The items behind it (merged pull requests of new contributors, pull requests closed
    /// without a word, unanswered questions), for the HTML report, which has room for them.
    pub items: Vec<LinkView>,
    pub trend: Option<Trend>,
}

#[derive(Debug, Serialize)]
pub struct Trend {
    /// One character a bucket, oldest first; `·` for a bucket with no value.
    pub spark: String,
    /// The first and the last bucket's values that were measured.
    pub first: String,
    pub last: String,
}

impl Trend {
    /// The trend of values shown as `show` shows them; none when no bucket has a value.
    fn of<T: Copy>(values: &[Option<T>], as_number: impl Fn(T) -> f64, show: impl Fn(T) -> String) -> Option<Trend> {
        let first = values.iter().flatten().next()?;
        let last = values.iter().flatten().next_back()?;
        let numbers: Vec<Option<f64>> = values.iter().map(|v| v.map(&as_number)).collect();
        Some(Trend { spark: chart::sparkline(&numbers), first: show(*first), last: show(*last) })
    }
}

impl DynamicsView {
    pub fn new(d: &Dynamics) -> DynamicsView {
        let buckets = &d.trends.buckets;
        let column = |pick: fn(&BucketFigures) -> Option<f64>| buckets.iter().map(pick).collect::<Vec<_>>();
        let count = |n: usize| n as f64;
        let counts = |pick: fn(&BucketFigures) -> usize| buckets.iter().map(|b| Some(pick(b))).collect::<Vec<_>>();
        let share_trend = |pick: fn(&BucketFigures) -> Option<f64>| Trend::of(&column(pick), |v| v, percent);
        let count_trend = |pick: fn(&BucketFigures) -> usize| Trend::of(&counts(pick), count, |n| n.to_string());
        let newcomer_medians: Vec<Option<i64>> =
            buckets.iter().map(|b| b.newcomer_median_first_response_seconds).collect();

        let figures = vec![
            line("Who carries the project", &d.carriers, |c| {
                let shares: Vec<String> = c.shares.iter().take(3).map(|s| percent(*s)).collect();
                format!(
                    "{} of {} did half of the {} reviews, merges and first responses to others' work (largest shares {})",
                    c.absence_factor,
                    plural(c.people, "person", "people"),
                    c.actions,
                    shares.join(", ")
                )
            },
            |c| plural(c.absence_factor, "person", "people"))
            .with(Trend::of(
                &buckets.iter().map(|b| b.absence_factor).collect::<Vec<_>>(),
                count,
                |n| n.to_string(),
            )),
            line("Newcomers who come back", &d.retention, |r| {
                format!(
                    "{} of {} newcomers of the span before came back ({}); regulars {} of {} ({})",
                    r.newcomers_returned,
                    r.newcomers,
                    share_or_na(r.newcomer_rate),
                    r.regulars_returned,
                    r.regulars,
                    share_or_na(r.regular_rate)
                )
            },
            |r| format!("{} of {}", r.newcomers_returned, r.newcomers))
            .with(count_trend(|b| b.returning_newcomers)),
            line("New contributors", &d.new_contributors, |n| {
                format!(
                    "{} opened a first issue or pull request; {} of theirs merged",
                    plural(n.count, "person", "people"),
                    plural(n.merged.len(), "pull request", "pull requests")
                )
            },
            |n| n.count.to_string())
            .with(count_trend(|b| b.new_contributors))
            .listing(&d.new_contributors, |n| &n.merged),
            line("Newcomers' pull requests closed without a word", &d.silent_closes, |s| {
                format!(
                    "{} of {} closed ({}): {} rejected, {} merged, with no comment or review",
                    s.rejected_silently + s.merged_silently,
                    s.closed,
                    share_or_na(s.silent_share),
                    s.rejected_silently,
                    s.merged_silently
                )
            },
            |s| share_or_na(s.silent_share))
            .with(share_trend(|b| b.silent_close_share))
            .listing(&d.silent_closes, |s| &s.rejected),
            line("Questions answered", &d.questions, |q| {
                let source = match q.source {
                    QuestionSource::Discussions => "Q&A discussions",
                    QuestionSource::Issues => "issues labelled as questions",
                };
                format!(
                    "{} of {} {source} ({}); median first reply {}",
                    q.answered,
                    q.asked,
                    share_or_na(q.share_answered),
                    seconds_or_na(q.median_first_reply_seconds)
                )
            },
            |q| share_or_na(q.share_answered))
            .with(share_trend(|b| b.questions_share_answered))
            .listing(&d.questions, |q| &q.unanswered),
            line("Release pulse", &d.releases, |r| {
                let last = match (&r.last_release, r.days_since_last) {
                    (Some(release), Some(days)) => {
                        format!("last release {} {} ago", release.tag, plural(days.max(0) as usize, "day", "days"))
                    }
                    _ => "no release published".to_string(),
                };
                let interval = r
                    .median_interval_days
                    .map(|days| format!("; a release every {days:.0} days (median of the last five)"))
                    .unwrap_or_default();
                format!("{last}{interval}; {} in the span", r.releases_in_span)
            },
            |r| plural(r.releases_in_span, "release", "releases"))
            .with(count_trend(|b| b.releases)),
            FigureLine {
                name: "Newcomers' first response",
                measured: newcomer_medians.iter().any(Option::is_some),
                text: match newcomer_medians.iter().any(Option::is_some) {
                    true => format!(
                        "median time to a first response, {} in the last {} measured",
                        seconds_or_na(newcomer_medians.iter().flatten().next_back().copied()),
                        bucket_name(d.trends.bucket)
                    ),
                    false => "no newcomer's item was answered in the span".to_string(),
                },
                items: vec![],
                value: newcomer_medians.iter().flatten().next_back().copied().map(seconds),
                trend: Trend::of(&newcomer_medians, |s| s as f64, seconds),
            },
        ];
        DynamicsView {
            span: format!("{} to {}", day(d.span.start), day(d.span.end)),
            bucket: bucket_name(d.trends.bucket),
            figures,
            charts: charts(d),
        }
    }
}

fn line<T>(
    name: &'static str,
    figure: &Figure<T>,
    describe: impl Fn(&T) -> String,
    value: impl Fn(&T) -> String,
) -> FigureLine {
    match figure {
        Figure::Measured(v) => {
            FigureLine { name, measured: true, text: describe(v), value: Some(value(v)), items: vec![], trend: None }
        }
        Figure::Unavailable { reason } => FigureLine {
            name,
            measured: false,
            text: format!("not measured: {reason}"),
            value: None,
            items: vec![],
            trend: None,
        },
    }
}

/// An issue, pull request, discussion or release, as a link.
#[derive(Debug, Serialize)]
pub struct LinkView {
    pub text: String,
    pub url: String,
}

impl LinkView {
    pub fn of(item: &ItemLink) -> LinkView {
        LinkView { text: format!("#{} {}", item.number, item.title), url: item.url.clone() }
    }
}

impl FigureLine {
    /// The items behind the figure, when it was measured.
    fn listing<T>(mut self, figure: &Figure<T>, items: impl Fn(&T) -> &[ItemLink]) -> FigureLine {
        if let Figure::Measured(v) = figure {
            self.items = items(v).iter().map(LinkView::of).collect();
        }
        self
    }

    /// The trend, shown only beside a figure that was measured.
    fn with(mut self, trend: Option<Trend>) -> FigureLine {
        self.trend = trend.filter(|_| self.measured);
        self
    }
}

/// A chart of the HTML report: lines or bars over the buckets, and the same numbers as a table.
#[derive(Debug, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    /// What it shows, in a sentence, for readers who cannot see it.
    pub description: String,
    pub frame: Frame,
    /// The scale's top, labelled on the axis.
    pub top: String,
    /// A label under every few buckets.
    pub labels: Vec<AxisLabel>,
    pub series: Vec<Series>,
    /// The table's rows: a bucket's label and each series' value in it.
    pub rows: Vec<Row>,
}

#[derive(Debug, Serialize)]
pub struct AxisLabel {
    pub x: f64,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Series {
    pub name: &'static str,
    /// `solid`, `dashed` or `bars`: told apart by pattern and legend, not by colour alone.
    pub style: &'static str,
    pub lines: Vec<String>,
    pub points: Vec<Point>,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub bucket: String,
    pub values: Vec<String>,
}

/// Labels under at most this many buckets, so that they never overlap.
const MAX_LABELS: usize = 6;

fn charts(d: &Dynamics) -> Vec<Chart> {
    let buckets = &d.trends.buckets;
    if buckets.is_empty() {
        return Vec::new();
    }
    let hours = |pick: fn(&BucketFigures) -> Option<i64>| {
        buckets.iter().map(|b| pick(b).map(|s| s as f64 / 3600.0)).collect::<Vec<_>>()
    };
    let newcomers = hours(|b| b.newcomer_median_first_response_seconds);
    let regulars = hours(|b| b.regular_median_first_response_seconds);
    let within: Vec<Option<f64>> = buckets.iter().map(|b| b.newcomer_share_within_target.map(|s| s * 100.0)).collect();
    let returning: Vec<Option<f64>> = buckets.iter().map(|b| Some(b.returning_newcomers as f64)).collect();
    let by = bucket_name(d.trends.bucket);
    let hours_text =
        |v: Option<f64>| v.map_or_else(|| "n/a".into(), |h| human(TimeDelta::seconds((h * 3600.0) as i64)));
    let percent_text = |v: Option<f64>| v.map_or_else(|| "n/a".into(), |p| format!("{p:.0}%"));
    let count_text = |v: Option<f64>| v.map_or_else(|| "n/a".into(), |n| format!("{n:.0}"));
    vec![
        Chart::new(
            d,
            "first-response",
            "Median time to a first response",
            format!("Median hours to a first response by {by}, newcomers (solid line) against regulars (dashed line)."),
            &[("Newcomers", "solid", &newcomers), ("Regulars", "dashed", &regulars)],
            hours_text,
        ),
        Chart::new(
            d,
            "within-target",
            "Newcomers answered within the target",
            format!("Share of newcomers' issues and pull requests answered within the target, by {by}."),
            &[("Answered within the target", "bars", &within)],
            percent_text,
        ),
        Chart::new(
            d,
            "returning",
            "Newcomers who came back",
            format!("People new earlier who were active again, by {by}."),
            &[("Returning newcomers", "bars", &returning)],
            count_text,
        ),
    ]
}

impl Chart {
    fn new(
        d: &Dynamics,
        id: &'static str,
        title: &'static str,
        description: String,
        series: &[(&'static str, &'static str, &Vec<Option<f64>>)],
        show: impl Fn(Option<f64>) -> String,
    ) -> Chart {
        let buckets = &d.trends.buckets;
        let top = chart::highest(&series.iter().map(|(_, _, v)| v.as_slice()).collect::<Vec<_>>());
        let every = buckets.len().div_ceil(MAX_LABELS);
        let placed: Vec<Vec<Option<Point>>> = series.iter().map(|(_, _, v)| chart::place(v, top)).collect();
        let slots = chart::place(&vec![Some(0.0); buckets.len()], 1.0);
        let labels = buckets
            .iter()
            .zip(slots)
            .step_by(every)
            .filter_map(|(b, p)| p.map(|p| AxisLabel { x: p.x, text: short_label(b.start, d.trends.bucket) }))
            .collect();
        Chart {
            id,
            title,
            description,
            frame: FRAME,
            top: show(Some(top)),
            labels,
            series: series
                .iter()
                .zip(&placed)
                .map(|((name, style, _), points)| Series {
                    name,
                    style,
                    lines: if *style == "bars" { Vec::new() } else { chart::segments(points) },
                    points: if *style == "bars" { Vec::new() } else { points.iter().flatten().copied().collect() },
                    bars: if *style == "bars" {
                        chart::bars(points).into_iter().flatten().collect()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
            rows: buckets
                .iter()
                .enumerate()
                .map(|(i, b)| Row {
                    bucket: label(b.start, d.trends.bucket),
                    values: series.iter().map(|(_, _, v)| show(v[i])).collect(),
                })
                .collect(),
        }
    }
}

fn bucket_name(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::Month => "month",
        Bucket::Week => "week",
    }
}

/// A bucket as a table names it: `2026-11`, or the ISO week `2026-W45`.
fn label(start: DateTime<Utc>, bucket: Bucket) -> String {
    match bucket {
        Bucket::Month => start.format("%Y-%m").to_string(),
        Bucket::Week => start.format("%G-W%V").to_string(),
    }
}

/// A bucket as an axis names it: `Nov`, `W45`.
fn short_label(start: DateTime<Utc>, bucket: Bucket) -> String {
    match bucket {
        Bucket::Month => start.format("%b").to_string(),
        Bucket::Week => start.format("W%V").to_string(),
    }
}

/// A share as a percentage, or "n/a" when there is none.
pub(super) fn share_or_na(share: Option<f64>) -> String {
    share.map_or_else(|| "n/a".to_string(), percent)
}

fn seconds(s: i64) -> String {
    human(TimeDelta::seconds(s))
}

fn seconds_or_na(s: Option<i64>) -> String {
    s.map_or_else(|| "n/a".to_string(), seconds)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
