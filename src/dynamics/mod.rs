//! Community dynamics: who carries the project, whether newcomers come back, whether their pull
//! requests are closed without a word, whether questions are answered, the release pulse, and
//! each of these month by month across the window.
//!
//! Pure: it reads a [`Snapshot`](crate::snapshot::Snapshot)'s activity, discussions and releases
//! with the newcomer [`Policy`](crate::newcomers::Policy), and does no I/O. `docs/dynamics.md`
//! states each definition as implemented here, the CHAOSS metric it follows and where it departs.
//!
//! Everything here is embedded as is in the JSON report's `dynamics` section. Durations are whole
//! seconds in fields named `…_seconds`; shares are fractions from 0 to 1.

mod carriers;
mod pulse;
mod questions;
mod retention;
mod silent;
mod trends;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::newcomers::{Assessment, AuthorClass, Policy};
use crate::plain_text::day;
use crate::snapshot::{Item, ItemKind, Snapshot};

pub use carriers::MIN_ACTIONS as MIN_CARRIER_ACTIONS;
pub use questions::is_question_label;

/// Version of the `dynamics` section's shape; bumped on any incompatible change.
pub const DYNAMICS_VERSION: u32 = 1;

/// Every figure, measured over one span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dynamics {
    pub version: u32,
    pub span: Span,
    /// The Contributor Absence Factor of the span's reviews, merges and first responses.
    pub carriers: Figure<Carriers>,
    /// Newcomers of the previous span who came back in this one, beside regulars.
    pub retention: Figure<Retention>,
    /// People new in the span, and the pull requests of theirs that were merged.
    pub new_contributors: Figure<NewContributors>,
    /// Newcomers' pull requests closed, merged or not, without a human word.
    pub silent_closes: Figure<SilentCloses>,
    /// Questions asked in the span (Discussions' Q&A, else issues labelled as questions), answered.
    pub questions: Figure<Questions>,
    pub releases: Figure<ReleasePulse>,
    /// The figures above, and the newcomers' first responses, bucket by bucket.
    pub trends: Trends,
}

/// What is measured: items created in `[start, end)`, and for retention the span before it,
/// `[previous_start, start)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub previous_start: DateTime<Utc>,
}

/// A figure, or why it could not be measured (data not collected, Discussions off and no
/// question label, too little in the span...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Figure<T> {
    Measured(T),
    Unavailable { reason: String },
}

/// CHAOSS Contributor Absence Factor: how few people did half the work others depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Carriers {
    /// The smallest number of people who together did at least half of `actions`.
    pub absence_factor: usize,
    /// People who did any of it.
    pub people: usize,
    /// Reviews and merges of others' pull requests, and first responses to others' issues.
    pub actions: usize,
    pub reviews: usize,
    pub merges: usize,
    pub first_responses: usize,
    /// Each person's share of `actions`, largest first, unnamed.
    pub shares: Vec<f64>,
    /// Logins with their counts, largest first: only when asked for (`--people`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named: Option<Vec<PersonWork>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonWork {
    pub login: String,
    pub actions: usize,
}

/// CHAOSS newcomer retention, adapted: of the people new in the previous span, those back in this
/// one; regulars' return rate beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retention {
    /// People whose first issue or pull request in the repository was opened in the previous span.
    pub newcomers: usize,
    /// Of them, those who opened another item, or had a pull request merged, in this span.
    pub newcomers_returned: usize,
    pub newcomer_rate: Option<f64>,
    /// People who opened something in the previous span and had opened something before it.
    pub regulars: usize,
    pub regulars_returned: usize,
    pub regular_rate: Option<f64>,
    /// Authors of the previous span whose history is unknown: counted in neither group.
    pub unconfirmed: usize,
}

/// People whose first issue or pull request in the repository was opened in the span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewContributors {
    pub count: usize,
    /// Their pull requests merged in the span, oldest first: links, not names.
    pub merged: Vec<ItemLink>,
}

/// An issue, pull request or discussion, as a report links to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLink {
    /// `None` for a discussion.
    pub kind: Option<ItemKind>,
    pub number: u64,
    pub title: String,
    pub url: String,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
}

/// Newcomers' pull requests of the span that were closed, merged or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SilentCloses {
    /// Newcomers' pull requests created in the span and closed by now.
    pub closed: usize,
    /// Closed without being merged, and without a comment or review by a person other than the author,
    /// by someone else (or by someone unknown).
    pub rejected_silently: usize,
    /// Closed unmerged by their own author, without a word from anyone else: withdrawn, not rejected.
    #[serde(default)]
    pub withdrawn: usize,
    /// Merged without a comment or review by a person other than the author.
    pub merged_silently: usize,
    /// `(rejected_silently + merged_silently) / closed`; `None` when none was closed.
    pub silent_share: Option<f64>,
    /// The silently rejected ones, newest first, for the finding's evidence.
    pub rejected: Vec<ItemLink>,
}

/// Questions asked in the span and whether they were answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Questions {
    pub source: QuestionSource,
    pub asked: usize,
    /// With an accepted answer, or a reply from a maintainer.
    pub answered: usize,
    pub share_answered: Option<f64>,
    /// The median time to the first reply by someone other than the asker, of those replied to.
    pub median_first_reply_seconds: Option<i64>,
    /// Unanswered questions, oldest first.
    pub unanswered: Vec<ItemLink>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionSource {
    /// Discussions in categories that take answers (Q&A).
    Discussions,
    /// Issues labelled as questions or support requests (no Discussions).
    Issues,
}

/// How the project's releases keep time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasePulse {
    /// Releases read (at most ten, newest first).
    pub releases_read: usize,
    pub last_release: Option<ReleaseSeen>,
    pub days_since_last: Option<i64>,
    /// The median number of days between the last five releases (four intervals).
    pub median_interval_days: Option<f64>,
    pub releases_in_span: usize,
    pub last_commit_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseSeen {
    pub tag: String,
    pub url: String,
    pub published_at: DateTime<Utc>,
}

/// The figures bucket by bucket, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    pub bucket: Bucket,
    pub buckets: Vec<BucketFigures>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Bucket {
    /// Calendar months (UTC); the first and last may be partial.
    #[default]
    Month,
    /// ISO weeks, Monday to Sunday (UTC).
    Week,
}

/// One bucket's figures; `None` where nothing could be measured in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BucketFigures {
    /// The bucket's first instant within the span, and the instant after its last.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub newcomer_median_first_response_seconds: Option<i64>,
    pub regular_median_first_response_seconds: Option<i64>,
    /// Of the newcomers' judged items created in the bucket, the share answered within the target.
    pub newcomer_share_within_target: Option<f64>,
    /// People whose first item in the repository was opened in the bucket.
    pub new_contributors: usize,
    /// People active in the bucket who were new in an earlier bucket or the previous span.
    pub returning_newcomers: usize,
    pub absence_factor: Option<usize>,
    pub silent_close_share: Option<f64>,
    pub questions_share_answered: Option<f64>,
    pub releases: usize,
}

/// How the dynamics are measured: over the audit's own window unless a span is given (a monthly
/// report's period), in which buckets, and whether the people who carry the project are named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub span: Option<Span>,
    pub bucket: Bucket,
    /// Name the people counted in `carriers` (`--people`); the default shows counts and shares only.
    pub name_people: bool,
}

impl Span {
    /// Whether `t` falls in `[start, end)`.
    pub fn holds(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }

    /// The same span cut to `[start, end)`, keeping its previous start.
    fn part(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Span {
        Span { start, end, previous_start: self.previous_start }
    }
}

impl<T> Figure<T> {
    /// The figure, when it could be measured.
    pub fn measured(&self) -> Option<&T> {
        match self {
            Figure::Measured(figure) => Some(figure),
            Figure::Unavailable { .. } => None,
        }
    }

    fn unavailable(reason: impl Into<String>) -> Figure<T> {
        Figure::Unavailable { reason: reason.into() }
    }
}

impl ItemLink {
    fn of(item: &Item) -> ItemLink {
        ItemLink {
            kind: Some(item.kind),
            number: item.number,
            title: item.title.clone(),
            url: item.url.clone(),
            created_at: item.created_at,
        }
    }
}

/// Measures every figure over the span `settings` gives, else over the audit's window: from the
/// window's start to the audit time, the span before it as long (or as collected). `None` when
/// the snapshot has no activity; `assessment` is the newcomer assessment of that activity.
pub fn measure(snap: &Snapshot, policy: &Policy, assessment: &Assessment<'_>, settings: &Settings) -> Option<Dynamics> {
    let activity = snap.activity.as_ref()?;
    let span = settings.span.clone().unwrap_or_else(|| {
        let (start, end) = (assessment.figures.window_start, policy.now);
        let previous_start = activity.previous.as_ref().map_or(start - (end - start), |p| p.start);
        Span { start, end, previous_start }
    });
    let known = Known::new(snap, policy, assessment);
    Some(Dynamics {
        version: DYNAMICS_VERSION,
        carriers: carriers::measure(&known, &span, settings.name_people),
        retention: retention::retention(&known, &span),
        new_contributors: retention::new_contributors(&known, &span),
        silent_closes: silent::measure(&known, &span),
        questions: questions::measure(snap, &known, &span),
        releases: pulse::measure(snap, &span),
        trends: trends::measure(snap, &known, &span, settings.bucket),
        span,
    })
}

/// The release pulse of a snapshot without the window's issues (a checkout, whose releases are
/// its version tags), over the default window up to its last commit or tag: a checkout shows the
/// project as of then, however long ago it was pulled. `None` without releases.
pub fn release_pulse_alone(snap: &Snapshot) -> Option<(Figure<ReleasePulse>, Span)> {
    let releases = snap.releases.as_ref()?;
    let newest = releases.latest.iter().map(|r| r.published_at).chain(releases.last_commit_at).max();
    let end = newest.map_or(snap.collected_at, |t| t.min(snap.collected_at));
    let start = end - Policy::DEFAULT_WINDOW;
    let span = Span { start, end, previous_start: start - Policy::DEFAULT_WINDOW };
    Some((pulse::measure(snap, &span), span))
}

/// What the figures are measured from: every issue and pull request the snapshot holds (the
/// window's, any before it, the previous window's), each with its author's class where the
/// newcomer definition was applied, and each person's activity.
struct Known<'a> {
    policy: &'a Policy,
    assessment: &'a Assessment<'a>,
    /// Each item once, by number (issues and pull requests share one sequence).
    items: Vec<&'a Item>,
    classes: HashMap<u64, AuthorClass>,
    /// Items created from here on have a class: who was new can be told only from here.
    classified_since: DateTime<Utc>,
    /// Items created from here on have their responses collected (the previous window's have none).
    responses_since: DateTime<Utc>,
    /// When each person (login in lower case) opened an item or had a pull request merged.
    active_at: HashMap<String, Vec<DateTime<Utc>>>,
}

impl<'a> Known<'a> {
    fn new(snap: &'a Snapshot, policy: &'a Policy, assessment: &'a Assessment<'a>) -> Known<'a> {
        let activity = snap.activity.as_ref().expect("measured only with activity");
        let window_start = assessment.figures.window_start;
        let mut classes: HashMap<u64, AuthorClass> =
            assessment.items.iter().map(|a| (a.item.number, a.author)).collect();
        let mut classified_since = window_start;
        let mut items: Vec<&Item> = activity.items.iter().collect();
        if let Some(previous) = &activity.previous {
            for (item, class) in crate::newcomers::classify_previous(previous, policy) {
                classes.entry(item.number).or_insert(class);
            }
            // The previous window ends where the collected one starts; the assessment's window
            // may start later (a shorter configured window), leaving a gap nobody classified.
            if window_start == activity.window_start {
                classified_since = previous.start;
            }
            let seen: std::collections::HashSet<u64> = items.iter().map(|i| i.number).collect();
            items.extend(previous.items.iter().filter(|i| !seen.contains(&i.number)));
        }
        let mut active_at: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
        for item in &items {
            if let Some(author) = &item.author {
                let times = active_at.entry(author.login.to_ascii_lowercase()).or_default();
                times.push(item.created_at);
                times.extend(item.merged_at);
            }
        }
        Known { policy, assessment, items, classes, classified_since, responses_since: window_start, active_at }
    }

    fn class(&self, item: &Item) -> Option<AuthorClass> {
        self.classes.get(&item.number).copied()
    }

    /// Items whose author was a newcomer then: each person's first item, when it was a newcomer's.
    fn newcomer_items(&self) -> impl Iterator<Item = &'a Item> + '_ {
        self.items.iter().copied().filter(|i| self.class(i) == Some(AuthorClass::Newcomer))
    }

    /// Whether a person opened an item, or had a pull request merged, in `[start, end)`.
    fn active_in(&self, login: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.active_at
            .get(&login.to_ascii_lowercase())
            .is_some_and(|times| times.iter().any(|&t| start <= t && t < end))
    }
}

/// A login as the key of a person: GitHub's logins are case-insensitive.
fn person_key(item: &Item) -> Option<String> {
    item.author.as_ref().map(|a| a.login.to_ascii_lowercase())
}

#[cfg(test)]
mod fixtures;
