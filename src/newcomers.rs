//! Newcomer response times: who opened each issue and pull request in the window, how long each
//! waited for a first human response, the figures for newcomers and for regulars, and the verdicts
//! of the rules built on them; also the health of the open good first issues.
//!
//! Pure: it reads an [`Activity`] (or the welcoming issues) and a [`Policy`], and does no I/O.
//! `docs/newcomers.md` states the definitions exactly as implemented here.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use regex::{Regex, RegexBuilder};
use serde::{Serialize, Serializer};

use crate::engine::finding::Status;
use crate::plain_text::percent;
use crate::snapshot::{Activity, Actor, Item, ItemKind, PreviousWindow, Response};

/// Who counts as a maintainer or a bot, which items are measured, and the response target.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The audit time (the snapshot's `collected_at`): ages and the window are measured from it.
    pub now: DateTime<Utc>,
    /// Items created less than this long before `now` are measured.
    pub window: TimeDelta,
    /// A first response within this long is on time; an unanswered item whose clock has run for
    /// less than this is not judged yet.
    pub target: TimeDelta,
    maintainers: Vec<String>,
    bot_logins: Vec<Regex>,
}

impl Policy {
    pub const DEFAULT_WINDOW: TimeDelta = TimeDelta::days(90);
    pub const DEFAULT_TARGET: TimeDelta = TimeDelta::hours(48);

    /// The defaults: a 90-day window, a 48-hour target, no listed maintainers or bot patterns.
    pub fn new(now: DateTime<Utc>) -> Policy {
        Policy {
            now,
            window: Self::DEFAULT_WINDOW,
            target: Self::DEFAULT_TARGET,
            maintainers: Vec::new(),
            bot_logins: Vec::new(),
        }
    }

    /// Logins counted as maintainers whatever their association: membership of an organisation
    /// is hidden when it is private, and then GitHub reports `CONTRIBUTOR` or `NONE`.
    pub fn with_maintainers<S: AsRef<str>>(mut self, logins: impl IntoIterator<Item = S>) -> Policy {
        self.maintainers.extend(logins.into_iter().map(|l| l.as_ref().to_string()));
        self
    }

    /// Patterns for bot logins that GitHub does not mark as bots (a CI account, a greeter). Each is
    /// a case-insensitive regular expression that must match the whole login: `.*-ci` matches
    /// `acme-ci`, and `bot` does not match `abbott`.
    pub fn with_bot_patterns<S: AsRef<str>>(mut self, patterns: impl IntoIterator<Item = S>) -> Result<Policy, String> {
        for pattern in patterns {
            self.bot_logins.push(whole_login_pattern(pattern.as_ref())?);
        }
        Ok(self)
    }

    /// A `Bot` account, a login ending in `[bot]`, or a login matching a bot pattern.
    pub fn is_bot(&self, actor: &Actor) -> bool {
        actor.is_bot
            || actor.login.to_ascii_lowercase().ends_with("[bot]")
            || self.bot_logins.iter().any(|re| re.is_match(&actor.login))
    }

    /// `OWNER`, `MEMBER` or `COLLABORATOR`, or a login in the config's maintainer list.
    pub fn is_maintainer(&self, login: &str, association: &str) -> bool {
        matches!(association.to_ascii_uppercase().as_str(), "OWNER" | "MEMBER" | "COLLABORATOR")
            || self.maintainers.iter().any(|m| m.eq_ignore_ascii_case(login))
    }
}

/// A case-insensitive regular expression anchored to match a whole login.
fn whole_login_pattern(src: &str) -> Result<Regex, String> {
    RegexBuilder::new(&format!("^(?:{src})$"))
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("invalid bot login pattern `{src}`: {}", e.to_string().lines().last().unwrap_or("")))
}

/// Who opened an item, as far as the figures are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorClass {
    /// No earlier issue or pull request in the repository: measured as a newcomer.
    Newcomer,
    /// Anyone else who is neither a bot nor a maintainer: measured for comparison.
    Regular,
    /// Not measured: maintainers answer, they are not the ones waiting.
    Maintainer,
    /// Not measured.
    Bot,
    /// A deleted account (GitHub's `ghost`): its history cannot be known, so not measured.
    Deleted,
    /// `NONE` or `CONTRIBUTOR` with no earlier item in the snapshot, when the authors' earlier
    /// activity was not looked up: it could be either, so it is measured in neither group.
    Unconfirmed,
}

/// Where an item stands on its first response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Someone other than the author, and not a bot, responded this long after the clock started.
    Answered { after: TimeDelta },
    /// Open with no response after at least the target: waiting for this long so far.
    Waiting { age: TimeDelta },
    /// Closed with no response, after at least the target.
    ClosedUnanswered,
    /// No response yet, but the clock has run for less than the target: not judged yet.
    TooYoung,
    /// A pull request opened as a draft that is still one (or whose time of being marked ready is
    /// unknown): its clock has not started, so it is not judged.
    InDraft,
}

impl ItemState {
    /// Whether the item counts in the response rate: answered, or unanswered for at least the target.
    pub fn is_judged(self) -> bool {
        !matches!(self, ItemState::TooYoung | ItemState::InDraft)
    }
}

/// One item in the window, classified.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessedItem<'a> {
    pub item: &'a Item,
    pub author: AuthorClass,
    pub state: ItemState,
}

/// The window's items, classified, and the figures measured on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment<'a> {
    /// The items created in the window, in the snapshot's order.
    pub items: Vec<AssessedItem<'a>>,
    pub figures: ResponseFigures,
}

/// An item a figure or a finding names, with how long it has been in that state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedItem {
    pub kind: ItemKind,
    pub number: u64,
    pub title: String,
    pub url: String,
    /// Waiting items: time since the clock started. Stale good first issues: time since the last update.
    #[serde(rename = "age_seconds", serialize_with = "whole_seconds")]
    pub age: TimeDelta,
}

impl ListedItem {
    fn new(item: &Item, age: TimeDelta) -> ListedItem {
        ListedItem { kind: item.kind, number: item.number, title: item.title.clone(), url: item.url.clone(), age }
    }

    /// `#12 "Title" (url), 9.5 days`, for a finding's evidence.
    pub fn describe(&self) -> String {
        format!("#{} \"{}\" ({}), {}", self.number, self.title, self.url, human(self.age))
    }
}

/// What the report shows of the newcomers: the figures, and the newcomers still waiting for a
/// first answer, oldest first, so that a maintainer knows whom to answer today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewcomerSummary {
    pub figures: ResponseFigures,
    pub waiting: Vec<ListedItem>,
}

impl NewcomerSummary {
    pub fn of(assessment: &Assessment<'_>) -> NewcomerSummary {
        let mut waiting: Vec<ListedItem> = assessment
            .items
            .iter()
            .filter(|a| a.author == AuthorClass::Newcomer)
            .filter_map(|a| match a.state {
                ItemState::Waiting { age } => Some(ListedItem::new(a.item, age)),
                _ => None,
            })
            .collect();
        waiting.sort_by(|a, b| b.age.cmp(&a.age).then(a.number.cmp(&b.number)));
        NewcomerSummary { figures: assessment.figures.clone(), waiting }
    }
}

/// Everything measured on the window, embedded as is in the JSON report. Durations are whole
/// seconds, in fields named `…_seconds`; shares are fractions from 0 to 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseFigures {
    /// Items created at or after this time were measured.
    pub window_start: DateTime<Utc>,
    pub measured_at: DateTime<Utc>,
    #[serde(rename = "target_seconds", serialize_with = "whole_seconds")]
    pub target: TimeDelta,
    /// Whether the authors' issues and pull requests before the window were looked up; without
    /// them, `NONE` and `CONTRIBUTOR` authors are counted in `excluded.unconfirmed`.
    pub history_checked: bool,
    /// False when the listing stopped early: the figures cover only what was listed.
    pub listing_complete: bool,
    pub newcomers: GroupFigures,
    pub regulars: GroupFigures,
    pub excluded: Excluded,
}

/// One group's figures, for issues, for pull requests and for both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub issues: Figures,
    pub pull_requests: Figures,
    pub all: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Items in the window.
    pub count: usize,
    /// Items answered, waiting or closed unanswered: the rates' denominator.
    pub judged: usize,
    pub answered: usize,
    /// `answered / judged`; `None` when nothing could be judged.
    pub response_rate: Option<f64>,
    /// The median time to first response of the answered items (the mean of the two middle ones
    /// for an even count).
    #[serde(rename = "median_seconds", serialize_with = "whole_seconds_or_null")]
    pub median: Option<TimeDelta>,
    /// The 90th percentile time to first response of the answered items (nearest rank).
    #[serde(rename = "p90_seconds", serialize_with = "whole_seconds_or_null")]
    pub p90: Option<TimeDelta>,
    pub answered_within_target: usize,
    /// `answered_within_target / judged`; `None` when nothing could be judged.
    pub share_within_target: Option<f64>,
    pub waiting: usize,
    pub oldest_waiting: Option<ListedItem>,
    pub closed_unanswered: usize,
    pub too_young: usize,
    pub in_draft: usize,
}

/// Items in the window that are measured in neither group, and items outside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub bots: usize,
    pub maintainers: usize,
    pub deleted_authors: usize,
    pub unconfirmed: usize,
    /// Items in the snapshot created before the window; they still count as their authors' history.
    pub before_window: usize,
}

#[cfg(test)]
thread_local! {
    /// How many assessments this thread has made: the engine's tests hold an audit to one.
    pub static ASSESSMENTS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Classifies the window's items and measures them.
///
/// The window starts at `now - window`, or at the collection's own start when that is later. An
/// author's earlier items in the snapshot count as their history, even those before the window.
pub fn assess<'a>(activity: &'a Activity, policy: &Policy) -> Assessment<'a> {
    #[cfg(test)]
    ASSESSMENTS.with(|made| made.set(made.get() + 1));
    let window_start = activity.window_start.max(policy.now - policy.window);
    let history = History::of(activity.authors_with_earlier_items.as_ref(), &activity.authors_not_looked_up);
    let first_items = first_item_by_author(&activity.items);

    let items: Vec<AssessedItem<'a>> = activity
        .items
        .iter()
        .filter(|item| item.created_at >= window_start)
        .map(|item| AssessedItem {
            item,
            author: classify(item, policy, &first_items, &history),
            state: state(item, policy),
        })
        .collect();

    let count = |class: AuthorClass| items.iter().filter(|a| a.author == class).count();
    let excluded = Excluded {
        bots: count(AuthorClass::Bot),
        maintainers: count(AuthorClass::Maintainer),
        deleted_authors: count(AuthorClass::Deleted),
        unconfirmed: count(AuthorClass::Unconfirmed),
        before_window: activity.items.len() - items.len(),
    };
    let figures = ResponseFigures {
        window_start,
        measured_at: policy.now,
        target: policy.target,
        history_checked: history.with_earlier_items.is_some(),
        listing_complete: activity.complete,
        newcomers: GroupFigures::of(&items, AuthorClass::Newcomer, policy.target),
        regulars: GroupFigures::of(&items, AuthorClass::Regular, policy.target),
        excluded,
    };
    Assessment { items, figures }
}

/// Each author's first item in the snapshot, by `(created_at, number)`: issue and pull request
/// numbers share one sequence, so the number breaks a tie within the same second.
fn first_item_by_author(items: &[Item]) -> HashMap<String, (DateTime<Utc>, u64)> {
    let mut first: HashMap<String, (DateTime<Utc>, u64)> = HashMap::new();
    for item in items {
        if let Some(author) = &item.author {
            let key = (item.created_at, item.number);
            first.entry(author.login.to_ascii_lowercase()).and_modify(|k| *k = (*k).min(key)).or_insert(key);
        }
    }
    first
}

/// Who opened each item of the window before the audited one, by the same definition as
/// [`assess`], with that window's own history: who was new then and who was a regular.
pub fn classify_previous<'a>(previous: &'a PreviousWindow, policy: &Policy) -> Vec<(&'a Item, AuthorClass)> {
    let history = History::of(previous.authors_with_earlier_items.as_ref(), &previous.authors_not_looked_up);
    let first_items = first_item_by_author(&previous.items);
    previous.items.iter().map(|item| (item, classify(item, policy, &first_items, &history))).collect()
}

/// The authors' history as the collector found it, logins in lower case.
struct History {
    /// `None` when it was not looked up.
    with_earlier_items: Option<HashSet<String>>,
    /// Looked up, but GitHub would not tell.
    not_looked_up: HashSet<String>,
}

impl History {
    fn of(with_earlier_items: Option<&Vec<String>>, not_looked_up: &[String]) -> History {
        let lowercase = |logins: &[String]| logins.iter().map(|l| l.to_ascii_lowercase()).collect::<HashSet<_>>();
        History {
            with_earlier_items: with_earlier_items.map(|l| lowercase(l)),
            not_looked_up: lowercase(not_looked_up),
        }
    }
}

fn classify(
    item: &Item,
    policy: &Policy,
    first_items: &HashMap<String, (DateTime<Utc>, u64)>,
    history: &History,
) -> AuthorClass {
    let Some(author) = &item.author else { return AuthorClass::Deleted };
    if policy.is_bot(author) {
        return AuthorClass::Bot;
    }
    if policy.is_maintainer(&author.login, &item.author_association) {
        return AuthorClass::Maintainer;
    }
    let login = author.login.to_ascii_lowercase();
    // A person's second item is never a newcomer item, whatever GitHub's association says: the
    // association reflects commits at the time of the request, not earlier issues.
    if first_items.get(&login).is_some_and(|&first| first < (item.created_at, item.number)) {
        return AuthorClass::Regular;
    }
    let association = item.author_association.to_ascii_uppercase();
    match (association.as_str(), history.with_earlier_items.as_ref()) {
        // MANNEQUIN (an imported placeholder) and anything GitHub adds later: not a newcomer.
        (a, _) if !matches!(a, "FIRST_TIMER" | "FIRST_TIME_CONTRIBUTOR" | "NONE" | "CONTRIBUTOR") => {
            AuthorClass::Regular
        }
        (_, Some(earlier)) if earlier.contains(&login) => AuthorClass::Regular,
        (_, Some(_)) if history.not_looked_up.contains(&login) => AuthorClass::Unconfirmed,
        (_, Some(_)) | ("FIRST_TIMER" | "FIRST_TIME_CONTRIBUTOR", None) => AuthorClass::Newcomer,
        // NONE covers long-time reporters who never committed; CONTRIBUTOR covers a newcomer whose
        // first pull request was merged in the window. Without the history neither can be told.
        (_, None) => AuthorClass::Unconfirmed,
    }
}

/// When the item started asking for a response: its creation, or for a pull request opened as a
/// draft, the time it was marked ready. `None` while it is a draft (or that time is unknown).
fn clock_start(item: &Item) -> Option<DateTime<Utc>> {
    if item.draft {
        None
    } else if item.opened_as_draft {
        item.ready_for_review_at
    } else {
        Some(item.created_at)
    }
}

/// The earliest of `responses` by anyone other than `author` and not a bot: the first response to
/// an issue or pull request (or the first reply to a discussion).
pub fn first_response<'r>(responses: &'r [Response], author: Option<&Actor>, policy: &Policy) -> Option<&'r Response> {
    let author = author.map(|a| a.login.as_str());
    responses
        .iter()
        .filter(|r| match &r.author {
            // A deleted account that answered was a person. It is not the author: a deleted
            // author's item shows no author either, and such items are not measured.
            None => true,
            Some(who) => !policy.is_bot(who) && !author.is_some_and(|a| a.eq_ignore_ascii_case(&who.login)),
        })
        .min_by_key(|r| r.at)
}

fn state(item: &Item, policy: &Policy) -> ItemState {
    let Some(start) = clock_start(item) else { return ItemState::InDraft };
    match first_response(&item.responses, item.author.as_ref(), policy).map(|r| r.at) {
        // A response while the pull request was still a draft answered the person: no wait at all.
        Some(at) => ItemState::Answered { after: (at - start).max(TimeDelta::zero()) },
        None => {
            let age = (policy.now - start).max(TimeDelta::zero());
            if age < policy.target {
                ItemState::TooYoung
            } else if item.closed_at.is_some() {
                ItemState::ClosedUnanswered
            } else {
                ItemState::Waiting { age }
            }
        }
    }
}

impl GroupFigures {
    /// The figures of the items of one class, for issues, pull requests and both.
    pub fn of(items: &[AssessedItem<'_>], class: AuthorClass, target: TimeDelta) -> GroupFigures {
        let of_kind = |kind: ItemKind| items.iter().filter(move |a| a.author == class && a.item.kind == kind);
        GroupFigures {
            issues: Figures::of(of_kind(ItemKind::Issue), target),
            pull_requests: Figures::of(of_kind(ItemKind::PullRequest), target),
            all: Figures::of(items.iter().filter(|a| a.author == class), target),
        }
    }
}

impl Figures {
    fn of<'i, 'a: 'i>(items: impl Iterator<Item = &'i AssessedItem<'a>>, target: TimeDelta) -> Figures {
        let items: Vec<&AssessedItem<'_>> = items.collect();
        let mut times: Vec<TimeDelta> = items
            .iter()
            .filter_map(|a| match a.state {
                ItemState::Answered { after } => Some(after),
                _ => None,
            })
            .collect();
        times.sort();
        let count_in = |wanted: fn(ItemState) -> bool| items.iter().filter(|a| wanted(a.state)).count();
        let judged = count_in(ItemState::is_judged);
        let answered_within_target = times.iter().filter(|&&t| t <= target).count();
        let oldest_waiting = items
            .iter()
            .filter_map(|a| match a.state {
                ItemState::Waiting { age } => Some(ListedItem::new(a.item, age)),
                _ => None,
            })
            .max_by_key(|listed| listed.age);
        Figures {
            count: items.len(),
            judged,
            answered: times.len(),
            response_rate: share(times.len(), judged),
            median: median(&times),
            p90: nearest_rank(&times, 90),
            answered_within_target,
            share_within_target: share(answered_within_target, judged),
            waiting: count_in(|s| matches!(s, ItemState::Waiting { .. })),
            oldest_waiting,
            closed_unanswered: count_in(|s| s == ItemState::ClosedUnanswered),
            too_young: count_in(|s| s == ItemState::TooYoung),
            in_draft: count_in(|s| s == ItemState::InDraft),
        }
    }
}

/// `part / whole`, or `None` when `whole` is zero.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The median of ascending values: the middle one, or for an even count the mean of the two middle
/// ones, as issue-metrics (numpy) and pandas compute it, so that the same repository shows the same
/// median in both.
pub fn median(sorted: &[TimeDelta]) -> Option<TimeDelta> {
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2),
    }
}

/// The `percent`-th percentile of ascending values by the nearest-rank method: the value at rank
/// `ceil(percent / 100 × n)` (1-based), always one of the observed values.
fn nearest_rank(sorted: &[TimeDelta], percent: usize) -> Option<TimeDelta> {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// A rule's result, for the engine to dress as a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Pass, warn, fail, or skipped (too few items to judge; `message` says why).
    pub status: Status,
    /// One line: what was measured against what, or why it could not be judged.
    pub message: String,
    /// The items the finding names, most urgent first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ListedItem>,
}

impl Verdict {
    fn new(status: Status, message: String) -> Verdict {
        Verdict { status, message, items: Vec::new() }
    }
}

/// Thresholds of the newcomer response rule. The target itself (48 hours) is the policy's.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseThresholds {
    /// Pass: at least this share of judged newcomer items answered within the target, and the
    /// median within the target.
    pub pass_share: f64,
    /// Fail: less than this share answered within the target, or the median above `warn_median`.
    pub warn_share: f64,
    pub warn_median: TimeDelta,
    /// Fewer judged newcomer items than this: skipped.
    pub min_judged: usize,
}

impl Default for ResponseThresholds {
    fn default() -> Self {
        ResponseThresholds { pass_share: 0.8, warn_share: 0.5, warn_median: TimeDelta::days(7), min_judged: 5 }
    }
}

/// Newcomer response: were newcomers' issues and pull requests answered within the target?
pub fn newcomer_response(assessment: &Assessment<'_>, t: &ResponseThresholds) -> Verdict {
    let figures = &assessment.figures;
    let newcomers = &figures.newcomers.all;
    if newcomers.judged < t.min_judged {
        return Verdict::new(
            Status::Skipped,
            format!(
                "too few newcomer items to judge: {} since {} (at least {} needed){}",
                newcomers.judged,
                figures.window_start.format("%Y-%m-%d"),
                t.min_judged,
                caveats(figures)
            ),
        );
    }
    let on_time = newcomers.share_within_target.unwrap_or(0.0);
    let status = match newcomers.median {
        Some(median) if on_time >= t.pass_share && median <= figures.target => Status::Pass,
        Some(median) if on_time >= t.warn_share && median <= t.warn_median => Status::Warn,
        _ => Status::Fail,
    };
    let median =
        newcomers.median.map_or("none answered".to_string(), |m| format!("median first response {}", human(m)));
    Verdict::new(
        status,
        format!(
            "{} of {} judged newcomer items ({}) answered within {}; {median}; {} still waiting, {} closed unanswered{}",
            newcomers.answered_within_target,
            newcomers.judged,
            percent(on_time),
            human(figures.target),
            newcomers.waiting,
            newcomers.closed_unanswered,
            caveats(figures)
        ),
    )
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaitingThresholds {
    /// Warn when a newcomer item has waited longer than this without a response.
    pub warn_after: TimeDelta,
    /// Fail when one has waited longer than this.
    pub fail_after: TimeDelta,
}

impl Default for WaitingThresholds {
    fn default() -> Self {
        WaitingThresholds { warn_after: TimeDelta::days(7), fail_after: TimeDelta::days(30) }
    }
}

/// Waiting newcomers: the open newcomer items nobody has answered for too long, oldest first,
/// so that the report says whom to answer today.
pub fn waiting_newcomers(assessment: &Assessment<'_>, t: &WaitingThresholds) -> Verdict {
    let figures = &assessment.figures;
    if figures.newcomers.all.count == 0 {
        return Verdict::new(Status::Skipped, format!("no newcomer items in the window{}", caveats(figures)));
    }
    let mut overdue: Vec<ListedItem> = assessment
        .items
        .iter()
        .filter(|a| a.author == AuthorClass::Newcomer)
        .filter_map(|a| match a.state {
            ItemState::Waiting { age } if age > t.warn_after => Some(ListedItem::new(a.item, age)),
            _ => None,
        })
        .collect();
    overdue.sort_by(|a, b| b.age.cmp(&a.age).then(a.number.cmp(&b.number)));
    let Some(oldest) = overdue.first() else {
        return Verdict::new(
            Status::Pass,
            format!(
                "no newcomer item has waited more than {} without a response ({} waiting){}",
                human(t.warn_after),
                figures.newcomers.all.waiting,
                caveats(figures)
            ),
        );
    };
    let status = if oldest.age > t.fail_after { Status::Fail } else { Status::Warn };
    let message = format!(
        "{} newcomer item{} waited more than {} without a response, the oldest {} (#{}){}",
        overdue.len(),
        if overdue.len() == 1 { " has" } else { "s have" },
        human(t.warn_after),
        human(oldest.age),
        oldest.number,
        caveats(figures)
    );
    Verdict { status, message, items: overdue }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonThresholds {
    /// Warn when the newcomers' median is more than this many times the regulars'.
    pub warn_ratio: f64,
    /// Fail when it is more than this many times.
    pub fail_ratio: f64,
    /// Fewer answered items than this in either group: skipped (a median of two says little).
    pub min_answered: usize,
}

impl Default for ComparisonThresholds {
    fn default() -> Self {
        ComparisonThresholds { warn_ratio: 2.0, fail_ratio: 4.0, min_answered: 5 }
    }
}

/// Newcomers are not answered markedly slower than regulars (issues and pull requests together).
/// A newcomer median within the target passes however it compares: two hours against thirty
/// minutes is no one's problem.
pub fn newcomers_vs_regulars(assessment: &Assessment<'_>, t: &ComparisonThresholds) -> Verdict {
    let figures = &assessment.figures;
    let (newcomers, regulars) = (&figures.newcomers.all, &figures.regulars.all);
    let (Some(newcomer_median), Some(regular_median)) = (newcomers.median, regulars.median) else {
        return too_few_to_compare(figures, t);
    };
    if newcomers.answered < t.min_answered || regulars.answered < t.min_answered {
        return too_few_to_compare(figures, t);
    }
    let medians = format!(
        "newcomers' median first response {} against regulars' {}",
        human(newcomer_median),
        human(regular_median)
    );
    if newcomer_median <= figures.target {
        return Verdict::new(
            Status::Pass,
            format!("{medians}: within the {} target{}", human(figures.target), caveats(figures)),
        );
    }
    // Whole seconds are exact enough here; a zero median for regulars makes any slower one infinite.
    let ratio = newcomer_median.num_seconds() as f64 / regular_median.num_seconds() as f64;
    let status = if ratio > t.fail_ratio {
        Status::Fail
    } else if ratio > t.warn_ratio {
        Status::Warn
    } else {
        Status::Pass
    };
    Verdict::new(status, format!("{medians} ({ratio:.1} times){}", caveats(figures)))
}

fn too_few_to_compare(figures: &ResponseFigures, t: &ComparisonThresholds) -> Verdict {
    Verdict::new(
        Status::Skipped,
        format!(
            "too few answered items to compare: {} by newcomers and {} by regulars (at least {} of each needed){}",
            figures.newcomers.all.answered,
            figures.regulars.all.answered,
            t.min_answered,
            caveats(figures)
        ),
    )
}

/// What a reader must know about the figures behind a verdict, as a suffix to its message.
fn caveats(figures: &ResponseFigures) -> String {
    let mut notes = Vec::new();
    if figures.excluded.unconfirmed > 0 {
        notes.push(format!(
            "{} more item{} by authors marked NONE or CONTRIBUTOR not counted: their earlier activity {}",
            figures.excluded.unconfirmed,
            if figures.excluded.unconfirmed == 1 { "" } else { "s" },
            if figures.history_checked { "could not be looked up" } else { "was not looked up" }
        ));
    }
    if !figures.listing_complete {
        notes.push("the listing of issues and pull requests stopped early".to_string());
    }
    if notes.is_empty() { String::new() } else { format!(" ({})", notes.join("; ")) }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoodFirstIssueThresholds {
    pub min_open: usize,
    /// At least this share of the open ones unassigned (GitHub's `/contribute` page lists them).
    pub min_unassigned_share: f64,
    /// Not updated for longer than this: stale.
    pub stale_after: TimeDelta,
}

impl Default for GoodFirstIssueThresholds {
    fn default() -> Self {
        GoodFirstIssueThresholds { min_open: 3, min_unassigned_share: 0.5, stale_after: TimeDelta::days(365) }
    }
}

/// The open good first issues, as a newcomer looking for work sees them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoodFirstIssueFigures {
    pub open: usize,
    pub unassigned: usize,
    /// `unassigned / open`; `None` when none is open.
    pub unassigned_share: Option<f64>,
    /// Not updated for longer than the threshold, least recently updated first.
    pub stale: Vec<ListedItem>,
}

impl GoodFirstIssueFigures {
    /// Measures the snapshot's welcoming issues; pull requests and closed issues among them are
    /// left out, as GitHub's `/contribute` page leaves them out. An issue never updated is as old
    /// as its creation.
    pub fn measure(issues: &[Item], now: DateTime<Utc>, stale_after: TimeDelta) -> GoodFirstIssueFigures {
        let open: Vec<&Item> = issues.iter().filter(|i| i.kind == ItemKind::Issue && i.closed_at.is_none()).collect();
        let unassigned = open.iter().filter(|i| i.assignees.is_empty()).count();
        let mut stale: Vec<ListedItem> = open
            .iter()
            .map(|i| ListedItem::new(i, now - i.updated_at.unwrap_or(i.created_at)))
            .filter(|listed| listed.age > stale_after)
            .collect();
        stale.sort_by(|a, b| b.age.cmp(&a.age).then(a.number.cmp(&b.number)));
        GoodFirstIssueFigures { open: open.len(), unassigned, unassigned_share: share(unassigned, open.len()), stale }
    }
}

/// Good first issues: enough open, most free to take, none forgotten. None open at all fails; any
/// other shortfall warns.
pub fn good_first_issues(figures: &GoodFirstIssueFigures, t: &GoodFirstIssueThresholds) -> Verdict {
    if figures.open == 0 {
        return Verdict::new(Status::Fail, "no open good first issues".to_string());
    }
    let mut gaps = Vec::new();
    if figures.open < t.min_open {
        gaps.push(format!("only {} open (at least {} wanted)", figures.open, t.min_open));
    }
    let unassigned_share = figures.unassigned_share.unwrap_or(0.0);
    if unassigned_share < t.min_unassigned_share {
        gaps.push(format!("only {} of {} unassigned", figures.unassigned, figures.open));
    }
    if !figures.stale.is_empty() {
        gaps.push(format!("{} not updated for over {}", figures.stale.len(), human(t.stale_after)));
    }
    let status = if gaps.is_empty() { Status::Pass } else { Status::Warn };
    let message = if gaps.is_empty() {
        format!(
            "{} open good first issues, {} unassigned, none untouched for over {}",
            figures.open,
            figures.unassigned,
            human(t.stale_after)
        )
    } else {
        format!("good first issues: {}", gaps.join("; "))
    };
    Verdict { status, message, items: figures.stale.clone() }
}

/// A duration for a reader, rounded down so that it never looks shorter than a threshold it
/// passed: `25 min`, `30 h`, `47.9 h`, `9.5 days`.
pub fn human(d: TimeDelta) -> String {
    let minutes = d.num_minutes();
    if minutes < 60 {
        return format!("{minutes} min");
    }
    let (tenths, unit) = if minutes < 72 * 60 { (minutes * 10 / 60, "h") } else { (minutes * 10 / (24 * 60), "days") };
    match tenths % 10 {
        0 => format!("{} {unit}", tenths / 10),
        rest => format!("{}.{rest} {unit}", tenths / 10),
    }
}

fn whole_seconds<S: Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_seconds())
}

fn whole_seconds_or_null<S: Serializer>(d: &Option<TimeDelta>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.num_seconds()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    //! Every expectation is worked out by hand in a comment beside it. The audit runs at NOW,
    //! 30 June 2024 12:00 UTC; with the default 90-day window it starts on 1 April 2024 12:00 UTC
    //! (30 days of June, 31 of May and 29 of April back from 30 June).

    use super::*;
    use crate::snapshot::{Response, ResponseKind};

    const NOW: &str = "2024-06-30T12:00:00Z";

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    fn hours(h: i64) -> TimeDelta {
        TimeDelta::hours(h)
    }

    fn person(login: &str) -> Option<Actor> {
        Some(Actor { login: login.to_string(), is_bot: false })
    }

    fn bot_account(login: &str) -> Option<Actor> {
        Some(Actor { login: login.to_string(), is_bot: true })
    }

    fn issue(number: u64, login: &str, association: &str, created: &str) -> Item {
        Item::opened_for_test(number, login, association, created)
    }

    fn pull(number: u64, login: &str, association: &str, created: &str) -> Item {
        Item {
            kind: ItemKind::PullRequest,
            url: format!("https://github.com/o/r/pull/{number}"),
            ..issue(number, login, association, created)
        }
    }

    trait Replies {
        fn response(self, kind: ResponseKind, author: Option<Actor>, at: &str) -> Item;
        fn comment(self, login: &str, at: &str) -> Item;
    }

    impl Replies for Item {
        fn response(mut self, kind: ResponseKind, author: Option<Actor>, when: &str) -> Item {
            // The responder's association is never looked at: anyone but the author and bots counts.
            self.responses.push(Response { kind, author, author_association: "NONE".to_string(), at: at(when) });
            self
        }

        fn comment(self, login: &str, when: &str) -> Item {
            self.response(ResponseKind::Comment, person(login), when)
        }
    }

    fn activity(items: Vec<Item>, history: Option<&[&str]>) -> Activity {
        Activity {
            window_start: at("2024-04-01T12:00:00Z"),
            items,
            authors_with_earlier_items: history.map(|logins| logins.iter().map(|l| l.to_string()).collect()),
            authors_not_looked_up: Vec::new(),
            complete: true,
            previous: None,
        }
    }

    fn policy() -> Policy {
        Policy::new(at(NOW)).with_maintainers(["Mara"]).with_bot_patterns(["greet.*", ".*-ci"]).unwrap()
    }

    fn assessed<'a>(assessment: &'a Assessment<'_>, number: u64) -> &'a AssessedItem<'a> {
        assessment.items.iter().find(|a| a.item.number == number).expect("the item is in the window")
    }

    fn state_of(activity: &Activity, number: u64) -> ItemState {
        assessed(&assess(activity, &policy()), number).state
    }

    fn assert_classes(activity: &Activity, expected: &[(u64, AuthorClass)]) {
        let assessment = assess(activity, &policy());
        for &(number, class) in expected {
            assert_eq!(assessed(&assessment, number).author, class, "#{number}");
        }
    }

    // ---- first response

    #[test]
    fn bot_comments_before_a_humans_do_not_count() {
        // Opened 1 June 10:00 +02:00 = 08:00 UTC.
        let item = issue(1, "ana", "NONE", "2024-06-01T10:00:00+02:00")
            .response(ResponseKind::Comment, bot_account("github-actions"), "2024-06-01T08:01:00Z")
            .comment("dependabot[bot]", "2024-06-01T08:02:00Z")
            .comment("Greeter", "2024-06-01T08:03:00Z")
            .comment("acme-ci", "2024-06-01T08:04:00Z")
            .comment("bob", "2024-06-02T09:30:00Z");
        // The four bots (a Bot account, a `[bot]` login, two patterns) are passed over; bob answered
        // 2 June 09:30 − 1 June 08:00 = 25 h 30 min.
        let a = activity(vec![item], Some(&[]));
        assert_eq!(state_of(&a, 1), ItemState::Answered { after: TimeDelta::minutes(25 * 60 + 30) });
    }

    #[test]
    fn the_author_replying_to_themselves_is_not_a_response() {
        let item = issue(1, "ana", "NONE", "2024-06-03T00:00:00Z")
            .comment("ANA", "2024-06-03T01:00:00Z")
            .comment("bob", "2024-06-05T02:00:00Z");
        // ANA is ana (logins are case-insensitive); bob answered 5 June 02:00 − 3 June 00:00 = 50 h.
        assert_eq!(state_of(&activity(vec![item], Some(&[])), 1), ItemState::Answered { after: hours(50) });
    }

    #[test]
    fn a_review_without_a_comment_is_a_response() {
        let item = pull(1, "ana", "NONE", "2024-06-04T12:00:00Z").response(
            ResponseKind::Review,
            person("mara"),
            "2024-06-04T15:00:00Z",
        );
        // 15:00 − 12:00 = 3 h.
        assert_eq!(state_of(&activity(vec![item], Some(&[])), 1), ItemState::Answered { after: hours(3) });
    }

    #[test]
    fn a_review_comment_alone_is_a_response() {
        let item = pull(1, "ana", "NONE", "2024-06-04T12:00:00Z").response(
            ResponseKind::ReviewComment,
            person("mara"),
            "2024-06-04T13:30:00Z",
        );
        // 13:30 − 12:00 = 90 min.
        assert_eq!(
            state_of(&activity(vec![item], Some(&[])), 1),
            ItemState::Answered { after: TimeDelta::minutes(90) }
        );
    }

    #[test]
    fn a_response_by_another_non_maintainer_counts() {
        // carol is neither the author nor a maintainer: a person answered, so it counts.
        let item = issue(1, "ana", "NONE", "2024-06-04T12:00:00Z").comment("carol", "2024-06-04T14:00:00Z");
        assert_eq!(state_of(&activity(vec![item], Some(&[])), 1), ItemState::Answered { after: hours(2) });
    }

    #[test]
    fn a_response_by_a_deleted_account_counts() {
        let item = issue(1, "ana", "NONE", "2024-06-04T12:00:00Z").response(
            ResponseKind::Comment,
            None,
            "2024-06-04T17:00:00Z",
        );
        // 17:00 − 12:00 = 5 h.
        assert_eq!(state_of(&activity(vec![item], Some(&[])), 1), ItemState::Answered { after: hours(5) });
    }

    #[test]
    fn a_draft_pull_request_starts_its_clock_when_marked_ready() {
        let ready_later = Item {
            opened_as_draft: true,
            ready_for_review_at: Some(at("2024-06-10T00:00:00Z")),
            ..pull(1, "ana", "NONE", "2024-06-01T00:00:00Z")
        }
        .response(ResponseKind::Review, person("mara"), "2024-06-11T06:00:00Z");
        let still_draft = Item { opened_as_draft: true, draft: true, ..pull(2, "bea", "NONE", "2024-05-01T00:00:00Z") };
        let ready_time_unknown = Item { opened_as_draft: true, ..pull(3, "cy", "NONE", "2024-05-01T00:00:00Z") };
        let answered_as_draft = Item {
            opened_as_draft: true,
            ready_for_review_at: Some(at("2024-06-10T00:00:00Z")),
            ..pull(4, "dot", "NONE", "2024-06-01T00:00:00Z")
        }
        .comment("mara", "2024-06-05T00:00:00Z");
        let a = activity(vec![ready_later, still_draft, ready_time_unknown, answered_as_draft], Some(&[]));
        // From ready (10 June 00:00) to the review (11 June 06:00): 30 h, not the 246 h since it was opened.
        assert_eq!(state_of(&a, 1), ItemState::Answered { after: hours(30) });
        // Still a draft 60 days on, or ready at an unknown time: not judged, not waiting.
        assert_eq!(state_of(&a, 2), ItemState::InDraft);
        assert_eq!(state_of(&a, 3), ItemState::InDraft);
        // Answered on 5 June, before it was marked ready: the person had an answer, no wait at all.
        assert_eq!(state_of(&a, 4), ItemState::Answered { after: TimeDelta::zero() });
    }

    #[test]
    fn an_item_closed_before_anyone_answered_is_closed_unanswered() {
        // Opened 10 June 09:00, the author's own "never mind" at 09:30, closed at 10:00; it is
        // 20 days old at NOW, past the 48 h target, so it is judged and counts as not answered.
        let item =
            Item { closed_at: Some(at("2024-06-10T10:00:00Z")), ..issue(1, "ana", "NONE", "2024-06-10T09:00:00Z") }
                .comment("ana", "2024-06-10T09:30:00Z");
        let a = activity(vec![item], Some(&[]));
        assert_eq!(state_of(&a, 1), ItemState::ClosedUnanswered);
        let figures = assess(&a, &policy()).figures;
        assert_eq!((figures.newcomers.all.judged, figures.newcomers.all.closed_unanswered), (1, 1));
        assert_eq!(figures.newcomers.all.response_rate, Some(0.0));
    }

    #[test]
    fn unanswered_items_younger_than_the_target_are_not_judged_yet() {
        let items = vec![
            // 36 h old at NOW, open, no response: too young.
            issue(1, "ana", "NONE", "2024-06-29T00:00:00Z"),
            // 24 h old, closed after an hour without a response: still too young.
            Item { closed_at: Some(at("2024-06-29T13:00:00Z")), ..issue(2, "bea", "NONE", "2024-06-29T12:00:00Z") },
            // 36 h old but answered after 1 h: judged.
            issue(3, "cy", "NONE", "2024-06-29T00:00:00Z").comment("mara", "2024-06-29T01:00:00Z"),
            // Exactly 48 h old: the target has run out, so it is waiting.
            issue(4, "dot", "NONE", "2024-06-28T12:00:00Z"),
        ];
        let a = activity(items, Some(&[]));
        assert_eq!(state_of(&a, 1), ItemState::TooYoung);
        assert_eq!(state_of(&a, 2), ItemState::TooYoung);
        assert_eq!(state_of(&a, 3), ItemState::Answered { after: hours(1) });
        assert_eq!(state_of(&a, 4), ItemState::Waiting { age: hours(48) });
        let all = assess(&a, &policy()).figures.newcomers.all;
        assert_eq!((all.count, all.judged, all.too_young), (4, 2, 2));
    }

    #[test]
    fn time_zones_in_timestamps_are_honoured() {
        // Opened 1 June 23:30 −05:00 = 2 June 04:30 UTC; answered 2 June 08:30 +02:00 = 06:30 UTC:
        // 2 h (the wall-clock digits alone would say the answer came 15 h before the question).
        let answered =
            issue(1, "ana", "NONE", "2024-06-01T23:30:00-05:00").comment("mara", "2024-06-02T08:30:00+02:00");
        // The window starts 1 April 12:00 UTC: 13:59:59 +02:00 is 11:59:59 UTC, one second before it.
        let just_before = issue(2, "bea", "NONE", "2024-04-01T13:59:59+02:00");
        let just_inside = issue(3, "cy", "NONE", "2024-04-01T14:00:00+02:00");
        let a = activity(vec![answered, just_before, just_inside], Some(&[]));
        let assessment = assess(&a, &policy());
        assert_eq!(assessed(&assessment, 1).state, ItemState::Answered { after: hours(2) });
        let numbers: Vec<u64> = assessment.items.iter().map(|x| x.item.number).collect();
        assert_eq!(numbers, vec![1, 3]);
        assert_eq!(assessment.figures.excluded.before_window, 1);
    }

    // ---- who is a newcomer

    #[test]
    fn bots_and_maintainers_are_recognised_and_not_measured() {
        let items = vec![
            Item { author: bot_account("renovate"), ..issue(1, "renovate", "NONE", "2024-06-01T00:00:00Z") },
            issue(2, "sync[BOT]", "NONE", "2024-06-01T00:00:00Z"),
            issue(3, "Greeter-2", "NONE", "2024-06-01T00:00:00Z"),
            issue(4, "abbot", "NONE", "2024-06-01T00:00:00Z"),
            issue(5, "owner", "OWNER", "2024-06-01T00:00:00Z"),
            issue(6, "member", "MEMBER", "2024-06-01T00:00:00Z"),
            issue(7, "collab", "COLLABORATOR", "2024-06-01T00:00:00Z"),
            // Private membership shows as CONTRIBUTOR; the config's list says "Mara".
            issue(8, "mara", "CONTRIBUTOR", "2024-06-01T00:00:00Z"),
        ];
        let a = activity(items, Some(&[]));
        let policy = policy().with_bot_patterns(["bot"]).unwrap();
        let assessment = assess(&a, &policy);
        let classes: Vec<AuthorClass> = assessment.items.iter().map(|x| x.author).collect();
        use AuthorClass::*;
        // `abbot` is no bot: a pattern must match the whole login.
        assert_eq!(classes, vec![Bot, Bot, Bot, Newcomer, Maintainer, Maintainer, Maintainer, Maintainer]);
        let excluded = &assessment.figures.excluded;
        assert_eq!((excluded.bots, excluded.maintainers), (3, 4));
        assert_eq!(assessment.figures.newcomers.all.count, 1);
    }

    #[test]
    fn an_author_with_earlier_items_is_a_regular_whatever_the_association() {
        let items = vec![
            // dave opened issues before the window (the bulk history lookup) but never committed.
            issue(1, "dave", "NONE", "2024-06-01T00:00:00Z"),
            // erin has no history: a newcomer.
            issue(2, "erin", "NONE", "2024-06-01T00:00:00Z"),
            // fay never committed, but reported issues before: the association is about commits.
            pull(3, "fay", "FIRST_TIME_CONTRIBUTOR", "2024-06-01T00:00:00Z"),
            // gus's first item in the window is a newcomer item, his second is not.
            issue(4, "gus", "NONE", "2024-05-01T00:00:00Z"),
            pull(5, "Gus", "NONE", "2024-06-01T00:00:00Z"),
            // hal's earlier item is in the snapshot but before the window: ignored, yet it is history.
            issue(6, "hal", "NONE", "2024-03-01T00:00:00Z"),
            issue(7, "hal", "NONE", "2024-06-01T00:00:00Z"),
            // ivy's first pull request was merged in the window, so GitHub now says CONTRIBUTOR.
            pull(8, "ivy", "CONTRIBUTOR", "2024-06-01T00:00:00Z"),
        ];
        let a = activity(items, Some(&["Dave", "fay"]));
        use AuthorClass::*;
        let expected =
            [(1, Regular), (2, Newcomer), (3, Regular), (4, Newcomer), (5, Regular), (7, Regular), (8, Newcomer)];
        assert_classes(&a, &expected);
    }

    #[test]
    fn without_the_history_only_first_timers_are_newcomers() {
        let items = vec![
            issue(1, "ivy", "FIRST_TIMER", "2024-06-01T00:00:00Z"),
            pull(2, "jo", "FIRST_TIME_CONTRIBUTOR", "2024-06-01T00:00:00Z"),
            issue(3, "kim", "NONE", "2024-06-01T00:00:00Z"),
            pull(4, "lee", "CONTRIBUTOR", "2024-06-01T00:00:00Z"),
            issue(5, "kim", "NONE", "2024-06-02T00:00:00Z"),
            issue(6, "old-tracker", "MANNEQUIN", "2024-06-01T00:00:00Z"),
        ];
        let a = activity(items, None);
        use AuthorClass::*;
        // kim and lee could be long-time reporters or true newcomers: neither group gets them.
        // kim's second item is a regular's all the same: the snapshot shows the first.
        let expected = [(1, Newcomer), (2, Newcomer), (3, Unconfirmed), (4, Unconfirmed), (5, Regular), (6, Regular)];
        assert_classes(&a, &expected);
        let assessment = assess(&a, &policy());
        assert!(!assessment.figures.history_checked);
        assert_eq!(assessment.figures.excluded.unconfirmed, 2);
        let verdict = newcomer_response(&assessment, &ResponseThresholds::default());
        assert_eq!(verdict.status, Status::Skipped);
        assert!(
            verdict.message.contains("2 more items by authors marked NONE or CONTRIBUTOR not counted"),
            "{}",
            verdict.message
        );
    }

    #[test]
    fn a_bad_bot_pattern_is_reported() {
        let error = Policy::new(at(NOW)).with_bot_patterns(["greet(er"]).unwrap_err();
        assert!(error.starts_with("invalid bot login pattern `greet(er`"), "{error}");
    }

    #[test]
    fn verdicts_say_when_the_listing_stopped_early() {
        let mut a = activity(vec![issue(1, "ana", "NONE", "2024-06-27T12:00:00Z")], Some(&[]));
        a.complete = false;
        let verdict = waiting_newcomers(&assess(&a, &policy()), &WaitingThresholds::default());
        assert!(
            verdict.message.ends_with("(the listing of issues and pull requests stopped early)"),
            "{}",
            verdict.message
        );
    }

    #[test]
    fn an_author_whose_history_could_not_be_looked_up_is_unconfirmed() {
        let mut a = activity(
            vec![issue(1, "ana", "NONE", "2024-06-01T12:00:00Z"), issue(2, "bo", "NONE", "2024-06-02T12:00:00Z")],
            Some(&[]),
        );
        a.authors_not_looked_up = vec!["BO".into()];
        let assessment = assess(&a, &policy());
        let classes: Vec<AuthorClass> = assessment.items.iter().map(|i| i.author).collect();
        assert_eq!(classes, [AuthorClass::Newcomer, AuthorClass::Unconfirmed]);
        assert!(assessment.figures.history_checked);
    }

    #[test]
    fn items_by_deleted_accounts_are_counted_apart() {
        let ghost = Item { author: None, ..issue(1, "-", "NONE", "2024-06-01T00:00:00Z") };
        let a = activity(vec![ghost], Some(&[]));
        let assessment = assess(&a, &policy());
        assert_eq!(assessed(&assessment, 1).author, AuthorClass::Deleted);
        assert_eq!(assessment.figures.excluded.deleted_authors, 1);
        assert_eq!((assessment.figures.newcomers.all.count, assessment.figures.regulars.all.count), (0, 0));
    }

    // ---- the window

    #[test]
    fn items_before_the_window_are_ignored() {
        let items = vec![
            issue(1, "ana", "NONE", "2024-05-31T11:59:59Z"),
            issue(2, "bea", "NONE", "2024-05-31T12:00:00Z"),
            issue(3, "cy", "NONE", "2024-06-20T00:00:00Z"),
        ];
        let a = activity(items, Some(&[]));
        // A 30-day window from 30 June 12:00 starts 31 May 12:00; created at that instant is inside.
        let mut thirty_days = policy();
        thirty_days.window = TimeDelta::days(30);
        let assessment = assess(&a, &thirty_days);
        assert_eq!(assessment.figures.window_start, at("2024-05-31T12:00:00Z"));
        assert_eq!(assessment.items.iter().map(|x| x.item.number).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(assessment.figures.excluded.before_window, 1);

        // A collection that started later than the policy's window bounds it instead.
        let mut later = activity(a.items.clone(), Some(&[]));
        later.window_start = at("2024-06-15T00:00:00Z");
        let assessment = assess(&later, &policy());
        assert_eq!(assessment.items.iter().map(|x| x.item.number).collect::<Vec<_>>(), vec![3]);
    }

    // ---- figures

    /// Issues and pull requests mixed; every state, both groups, and each excluded kind.
    fn mixed() -> Activity {
        let items = vec![
            // Newcomers.
            issue(1, "n1", "FIRST_TIMER", "2024-06-01T14:00:00+02:00").comment("mara", "2024-06-01T14:00:00Z"), // 12:00Z → 14:00Z: 2 h
            issue(2, "n2", "NONE", "2024-06-02T12:00:00Z").comment("carol", "2024-06-03T18:00:00Z"),            // 30 h
            pull(3, "n3", "FIRST_TIME_CONTRIBUTOR", "2024-06-03T12:00:00Z").response(
                ResponseKind::Review,
                person("mara"),
                "2024-06-06T12:00:00Z",
            ), // 3 days: 72 h
            pull(4, "n4", "CONTRIBUTOR", "2024-06-04T12:00:00Z").response(
                ResponseKind::ReviewComment,
                person("mara"),
                "2024-06-04T22:00:00Z",
            ), // 10 h
            issue(5, "n5", "NONE", "2024-06-10T12:00:00Z"), // waiting since 10 June: 20 days = 480 h
            Item { closed_at: Some(at("2024-06-25T13:00:00Z")), ..issue(6, "n6", "NONE", "2024-06-25T12:00:00Z") }
                .comment("n6", "2024-06-25T12:30:00Z"), // closed unanswered (5 days old, past the target)
            pull(7, "n7", "NONE", "2024-06-29T12:00:00Z"),  // 24 h old: too young
            pull(8, "n8", "FIRST_TIME_CONTRIBUTOR", "2024-06-20T12:00:00Z").comment("mara", "2024-06-24T16:00:00Z"), // 4 days 4 h = 100 h
            // Regulars.
            issue(9, "veteran", "NONE", "2024-06-05T12:00:00Z").comment("mara", "2024-06-05T13:00:00Z"), // 1 h
            pull(10, "veteran", "NONE", "2024-06-06T12:00:00Z").response(
                ResponseKind::Review,
                person("mara"),
                "2024-06-06T18:00:00Z",
            ), // 6 h
            issue(11, "n1", "FIRST_TIMER", "2024-06-15T12:00:00Z").comment("mara", "2024-06-15T16:00:00Z"), // n1's second: 4 h
            issue(12, "veteran", "NONE", "2024-05-01T12:00:00Z"), // waiting since 1 May: 60 days
            // Measured in neither group.
            issue(13, "mara", "CONTRIBUTOR", "2024-06-01T00:00:00Z"),
            pull(14, "bob", "MEMBER", "2024-06-01T00:00:00Z"),
            Item { author: bot_account("renovate"), ..pull(15, "renovate", "NONE", "2024-06-01T00:00:00Z") },
            Item { author: None, ..issue(16, "-", "NONE", "2024-06-01T00:00:00Z") },
            issue(17, "n9", "NONE", "2024-03-01T12:00:00Z"), // before the window
        ];
        activity(items, Some(&["veteran"]))
    }

    fn waiting_item(number: u64, age: TimeDelta) -> ListedItem {
        ListedItem {
            kind: ItemKind::Issue,
            number,
            title: format!("item {number}"),
            url: format!("https://github.com/o/r/issues/{number}"),
            age,
        }
    }

    #[test]
    fn figures_for_newcomers_and_regulars_issues_and_pull_requests() {
        let a = mixed();
        let figures = assess(&a, &policy()).figures;

        // Newcomers, all 8 items (#1–#8): #7 is too young, so 7 judged. Answered: #1 2 h, #4 10 h,
        // #2 30 h, #3 72 h, #8 100 h → 5 of 7. Median: the 3rd of 5 → 30 h. 90th percentile:
        // rank ⌈0.9 × 5⌉ = 5 → 100 h. Within 48 h: 2, 10, 30 → 3 of 7.
        assert_eq!(
            figures.newcomers.all,
            Figures {
                count: 8,
                judged: 7,
                answered: 5,
                response_rate: Some(5.0 / 7.0),
                median: Some(hours(30)),
                p90: Some(hours(100)),
                answered_within_target: 3,
                share_within_target: Some(3.0 / 7.0),
                waiting: 1,
                oldest_waiting: Some(waiting_item(5, hours(480))),
                closed_unanswered: 1,
                too_young: 1,
                in_draft: 0,
            }
        );
        // Newcomers' issues #1, #2, #5, #6: answered 2 h and 30 h → median (2 + 30) / 2 = 16 h,
        // 90th rank ⌈0.9 × 2⌉ = 2 → 30 h; both within 48 h, 2 of 4 judged.
        let issues = &figures.newcomers.issues;
        assert_eq!((issues.count, issues.judged, issues.answered), (4, 4, 2));
        assert_eq!((issues.median, issues.p90), (Some(hours(16)), Some(hours(30))));
        assert_eq!((issues.share_within_target, issues.waiting, issues.closed_unanswered), (Some(0.5), 1, 1));
        // Newcomers' pull requests #3, #4, #7, #8: #7 too young; answered 10, 72, 100 h → median
        // the middle one, 72 h, 90th rank ⌈2.7⌉ = 3 → 100 h; only 10 h within 48 h → 1 of 3.
        let pulls = &figures.newcomers.pull_requests;
        assert_eq!((pulls.count, pulls.judged, pulls.answered, pulls.too_young), (4, 3, 3, 1));
        assert_eq!((pulls.median, pulls.p90), (Some(hours(72)), Some(hours(100))));
        assert_eq!((pulls.response_rate, pulls.share_within_target), (Some(1.0), Some(1.0 / 3.0)));

        // Regulars #9–#12: answered 1, 4, 6 h → median the 2nd → 4 h, 90th rank 3 → 6 h; #12 has
        // waited 60 days (1 May → 30 June = 30 + 30 days).
        let regulars = &figures.regulars.all;
        assert_eq!((regulars.count, regulars.judged, regulars.answered), (4, 4, 3));
        assert_eq!((regulars.median, regulars.p90), (Some(hours(4)), Some(hours(6))));
        assert_eq!(regulars.oldest_waiting, Some(waiting_item(12, TimeDelta::days(60))));
        // Their issues were answered in 1 and 4 h: median 2.5 h; their one pull request in 6 h.
        assert_eq!(
            (figures.regulars.issues.median, figures.regulars.pull_requests.median),
            (Some(TimeDelta::minutes(150)), Some(hours(6)))
        );

        assert_eq!(
            figures.excluded,
            Excluded { bots: 1, maintainers: 2, deleted_authors: 1, unconfirmed: 0, before_window: 1 }
        );
        assert!(figures.history_checked && figures.listing_complete);
    }

    #[test]
    fn verdicts_on_the_mixed_window() {
        let a = mixed();
        let assessment = assess(&a, &policy());
        // 3 of 7 within 48 h is 43%, under the 50% floor: fail.
        let response = newcomer_response(&assessment, &ResponseThresholds::default());
        assert_eq!(response.status, Status::Fail);
        assert_eq!(
            response.message,
            "3 of 7 judged newcomer items (43%) answered within 48 h; median first response 30 h; \
             1 still waiting, 1 closed unanswered"
        );
        // #5 has waited 20 days: more than 7, not more than 30.
        let waiting = waiting_newcomers(&assessment, &WaitingThresholds::default());
        assert_eq!(waiting.status, Status::Warn);
        assert_eq!(waiting.items, vec![waiting_item(5, hours(480))]);
        // 5 newcomer answers but only 3 regular ones.
        let comparison = newcomers_vs_regulars(&assessment, &ComparisonThresholds::default());
        assert_eq!(comparison.status, Status::Skipped);
    }

    #[test]
    fn figures_serialise_durations_as_whole_seconds() {
        let a = mixed();
        let json = serde_json::to_value(assess(&a, &policy()).figures).unwrap();
        assert_eq!(json["target_seconds"], 48 * 3600);
        let all = &json["newcomers"]["all"];
        assert_eq!(all["median_seconds"], 30 * 3600);
        assert_eq!(all["p90_seconds"], 100 * 3600);
        assert_eq!(all["oldest_waiting"]["age_seconds"], 480 * 3600);
        assert_eq!(all["oldest_waiting"]["kind"], "issue");
        assert_eq!(json["newcomers"]["pull_requests"]["oldest_waiting"], serde_json::Value::Null);
        assert_eq!(json["window_start"], "2024-04-01T12:00:00Z");
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() {
        let h = |values: &[i64]| values.iter().map(|&v| hours(v)).collect::<Vec<_>>();
        // As issue-metrics (numpy), pandas and every textbook compute it: (20 + 24) / 2 = 22 h.
        assert_eq!(median(&h(&[3, 5, 6, 20, 24, 30, 50, 72])), Some(hours(22)));
        // An odd count: the middle value.
        assert_eq!(median(&h(&[2, 10, 30, 72, 100])), Some(hours(30)));
        // Half a second is kept: 1 s and 2 s have a median of 1.5 s.
        let seconds = [TimeDelta::seconds(1), TimeDelta::seconds(2)];
        assert_eq!(median(&seconds), Some(TimeDelta::milliseconds(1500)));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let h = |values: &[i64]| values.iter().map(|&v| hours(v)).collect::<Vec<_>>();
        let ten = h(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        // ⌈0.5 × 10⌉ = 5th → 5 h; ⌈0.9 × 10⌉ = 9th → 9 h.
        assert_eq!((nearest_rank(&ten, 50), nearest_rank(&ten, 90)), (Some(hours(5)), Some(hours(9))));
        let five = h(&[1, 2, 3, 4, 10]);
        // ⌈2.5⌉ = 3rd → 3 h; ⌈4.5⌉ = 5th → 10 h.
        assert_eq!((nearest_rank(&five, 50), nearest_rank(&five, 90)), (Some(hours(3)), Some(hours(10))));
        assert_eq!(nearest_rank(&h(&[7]), 90), Some(hours(7)));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    // ---- verdicts

    /// Issues opened 20 days before NOW by one author each (`{prefix}{i}`), answered after the
    /// given hours, or (`None`) still waiting after those 20 days.
    fn opened_20_days_ago(prefix: &str, first_number: u64, answers: &[Option<i64>]) -> Vec<Item> {
        answers
            .iter()
            .zip(first_number..)
            .map(|(answer, number)| {
                let item = issue(number, &format!("{prefix}{number}"), "NONE", "2024-06-10T12:00:00Z");
                match answer {
                    Some(h) => {
                        let when = (at("2024-06-10T12:00:00Z") + hours(*h)).to_rfc3339();
                        item.comment("mara", &when)
                    }
                    None => item,
                }
            })
            .collect()
    }

    fn newcomer_verdict(answers: &[Option<i64>]) -> Verdict {
        let a = activity(opened_20_days_ago("n", 1, answers), Some(&[]));
        newcomer_response(&assess(&a, &policy()), &ResponseThresholds::default())
    }

    #[test]
    fn newcomer_response_thresholds() {
        // 4 of 5 within 48 h = 80%, median rank 3 → 3 h: pass.
        let pass = newcomer_verdict(&[Some(1), Some(2), Some(3), Some(4), Some(50)]);
        assert_eq!(pass.status, Status::Pass);
        assert_eq!(
            pass.message,
            "4 of 5 judged newcomer items (80%) answered within 48 h; median first response 3 h; \
             0 still waiting, 0 closed unanswered"
        );
        // 3 of 5 = 60%: under 80%, at least 50%: warn.
        assert_eq!(newcomer_verdict(&[Some(1), Some(2), Some(3), Some(60), Some(70)]).status, Status::Warn);
        // 2 of 5 = 40%: fail.
        assert_eq!(newcomer_verdict(&[Some(1), Some(2), Some(50), Some(60), Some(70)]).status, Status::Fail);
        // Nobody answered: fail, and said so.
        let silent = newcomer_verdict(&[None; 5]);
        assert_eq!(silent.status, Status::Fail);
        assert!(silent.message.contains("none answered; 5 still waiting"), "{}", silent.message);
        // 4 judged items are too few.
        let few = newcomer_verdict(&[Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(few.status, Status::Skipped);
        assert_eq!(few.message, "too few newcomer items to judge: 4 since 2024-04-01 (at least 5 needed)");
    }

    #[test]
    fn unanswered_newcomer_items_weigh_against_the_share() {
        // 4 answered within 48 h and 1 waiting: 4 of 5 = 80%, pass.
        assert_eq!(newcomer_verdict(&[Some(1), Some(2), Some(3), Some(4), None]).status, Status::Pass);
        // A second one waiting: 4 of 6 = 67%, warn. Dropping the unanswered (as GitHub's
        // issue-metrics does) would report 4 of 4.
        assert_eq!(newcomer_verdict(&[Some(1), Some(2), Some(3), Some(4), None, None]).status, Status::Warn);
    }

    #[test]
    fn waiting_newcomers_are_listed_oldest_first() {
        let items = vec![
            issue(1, "ana", "NONE", "2024-06-27T12:00:00Z"), // 3 days: within 7, not listed
            issue(2, "bea", "NONE", "2024-06-22T12:00:00Z"), // 8 days
            issue(3, "cy", "NONE", "2024-05-21T12:00:00Z"),  // 40 days (10 in May + 30 in June)
            issue(4, "dot", "NONE", "2024-06-20T12:00:00Z"), // 10 days
            issue(5, "veteran", "NONE", "2024-05-01T12:00:00Z"), // a regular's 60 days: not this rule's
        ];
        let a = activity(items, Some(&["veteran"]));
        let verdict = waiting_newcomers(&assess(&a, &policy()), &WaitingThresholds::default());
        // 40 days is past 30: fail.
        assert_eq!(verdict.status, Status::Fail);
        let listed: Vec<(u64, TimeDelta)> = verdict.items.iter().map(|i| (i.number, i.age)).collect();
        assert_eq!(listed, vec![(3, TimeDelta::days(40)), (4, TimeDelta::days(10)), (2, TimeDelta::days(8))]);
        assert_eq!(
            verdict.message,
            "3 newcomer items have waited more than 7 days without a response, the oldest 40 days (#3)"
        );
        assert_eq!(verdict.items[0].describe(), "#3 \"item 3\" (https://github.com/o/r/issues/3), 40 days");

        let a = activity(vec![issue(2, "bea", "NONE", "2024-06-22T12:00:00Z")], Some(&[]));
        assert_eq!(waiting_newcomers(&assess(&a, &policy()), &WaitingThresholds::default()).status, Status::Warn);
        let a = activity(vec![issue(1, "ana", "NONE", "2024-06-27T12:00:00Z")], Some(&[]));
        let pass = waiting_newcomers(&assess(&a, &policy()), &WaitingThresholds::default());
        assert_eq!(pass.status, Status::Pass);
        assert_eq!(pass.message, "no newcomer item has waited more than 7 days without a response (1 waiting)");
    }

    #[test]
    fn a_window_without_newcomer_items_skips_the_newcomer_rules() {
        let items = vec![
            issue(1, "veteran", "NONE", "2024-06-01T12:00:00Z").comment("mara", "2024-06-01T13:00:00Z"),
            pull(2, "mara", "OWNER", "2024-06-02T12:00:00Z"),
        ];
        let a = activity(items, Some(&["veteran"]));
        let assessment = assess(&a, &policy());
        let newcomers = &assessment.figures.newcomers.all;
        assert_eq!((newcomers.count, newcomers.response_rate, newcomers.median), (0, None, None));
        assert_eq!(newcomer_response(&assessment, &ResponseThresholds::default()).status, Status::Skipped);
        let waiting = waiting_newcomers(&assessment, &WaitingThresholds::default());
        assert_eq!((waiting.status, waiting.message.as_str()), (Status::Skipped, "no newcomer items in the window"));
        assert_eq!(newcomers_vs_regulars(&assessment, &ComparisonThresholds::default()).status, Status::Skipped);
    }

    fn comparison(newcomer_hours: &[i64], regular_hours: &[i64]) -> Verdict {
        let answers = |hours: &[i64]| hours.iter().map(|&h| Some(h)).collect::<Vec<_>>();
        let mut items = opened_20_days_ago("n", 1, &answers(newcomer_hours));
        items.extend(opened_20_days_ago("r", 100, &answers(regular_hours)));
        let regulars: Vec<String> = (100..100 + regular_hours.len()).map(|n| format!("r{n}")).collect();
        let regulars: Vec<&str> = regulars.iter().map(String::as_str).collect();
        let a = activity(items, Some(&regulars));
        newcomers_vs_regulars(&assess(&a, &policy()), &ComparisonThresholds::default())
    }

    #[test]
    fn newcomers_compared_with_regulars() {
        // Medians 70 h against 30 h: 2.3 times, above 2: warn.
        let warn = comparison(&[50, 60, 70, 80, 90], &[10, 20, 30, 40, 50]);
        assert_eq!(warn.status, Status::Warn);
        assert_eq!(warn.message, "newcomers' median first response 70 h against regulars' 30 h (2.3 times)");
        // 70 h against 15 h: 4.7 times, above 4: fail.
        assert_eq!(comparison(&[50, 60, 70, 80, 90], &[5, 10, 15, 20, 25]).status, Status::Fail);
        // 70 h against 50 h: 1.4 times: pass.
        assert_eq!(comparison(&[50, 60, 70, 80, 90], &[40, 45, 50, 55, 60]).status, Status::Pass);
        // 30 h against 3 h is 10 times, but within the 48 h target: pass.
        let fast = comparison(&[10, 20, 30, 40, 50], &[1, 2, 3, 4, 5]);
        assert_eq!(fast.status, Status::Pass);
        assert_eq!(fast.message, "newcomers' median first response 30 h against regulars' 3 h: within the 48 h target");
        // 4 regular answers are too few.
        let few = comparison(&[50, 60, 70, 80, 90], &[1, 2, 3, 4]);
        assert_eq!(few.status, Status::Skipped);
        assert_eq!(
            few.message,
            "too few answered items to compare: 5 by newcomers and 4 by regulars (at least 5 of each needed)"
        );
    }

    // ---- good first issues

    fn good_first(number: u64, assignee: Option<&str>, updated: &str) -> Item {
        Item {
            assignees: assignee.into_iter().map(str::to_string).collect(),
            updated_at: Some(at(updated)),
            labels: vec!["good first issue".to_string()],
            ..issue(number, "mara", "OWNER", "2022-06-30T12:00:00Z")
        }
    }

    fn good_first_verdict(issues: &[Item]) -> Verdict {
        let t = GoodFirstIssueThresholds::default();
        good_first_issues(&GoodFirstIssueFigures::measure(issues, at(NOW), t.stale_after), &t)
    }

    #[test]
    fn good_first_issues_enough_free_and_fresh() {
        let issues = [
            good_first(1, None, "2024-06-01T00:00:00Z"),
            good_first(2, None, "2024-05-01T00:00:00Z"),
            good_first(3, Some("ana"), "2024-06-20T00:00:00Z"),
            good_first(4, None, "2023-07-01T12:00:00Z"), // 365 days before NOW: not over a year
        ];
        let verdict = good_first_verdict(&issues);
        assert_eq!(verdict.status, Status::Pass);
        assert_eq!(verdict.message, "4 open good first issues, 3 unassigned, none untouched for over 365 days");
    }

    #[test]
    fn good_first_issues_stale_few_or_taken() {
        let issues = [
            good_first(1, Some("ana"), "2024-06-01T00:00:00Z"),
            // Updated 1 January 2023: 365 days to 1 January 2024, then 31 + 29 + 31 + 30 + 31 + 29
            // = 181 to 30 June → 546 days.
            good_first(2, None, "2023-01-01T12:00:00Z"),
            // Never updated: as old as its creation, 30 June 2022 → 365 + 366 = 731 days.
            Item { updated_at: None, ..good_first(3, Some("bea"), "2024-01-01T00:00:00Z") },
            // Neither a closed issue nor a pull request counts.
            Item { closed_at: Some(at("2024-06-01T00:00:00Z")), ..good_first(4, None, "2024-06-01T00:00:00Z") },
            Item { kind: ItemKind::PullRequest, ..good_first(5, None, "2024-06-01T00:00:00Z") },
        ];
        let t = GoodFirstIssueThresholds::default();
        let figures = GoodFirstIssueFigures::measure(&issues, at(NOW), t.stale_after);
        // 3 open, 1 unassigned (#2): a third.
        assert_eq!((figures.open, figures.unassigned, figures.unassigned_share), (3, 1, Some(1.0 / 3.0)));
        let stale: Vec<(u64, TimeDelta)> = figures.stale.iter().map(|i| (i.number, i.age)).collect();
        assert_eq!(stale, vec![(3, TimeDelta::days(731)), (2, TimeDelta::days(546))]);
        let verdict = good_first_issues(&figures, &t);
        assert_eq!(verdict.status, Status::Warn);
        assert_eq!(verdict.message, "good first issues: only 1 of 3 unassigned; 2 not updated for over 365 days");
        assert_eq!(verdict.items.len(), 2);

        let two = good_first_verdict(&issues[..2]);
        assert!(two.message.starts_with("good first issues: only 2 open (at least 3 wanted)"), "{}", two.message);
        let none = good_first_verdict(&issues[3..]);
        assert_eq!((none.status, none.message.as_str()), (Status::Fail, "no open good first issues"));
    }

    #[test]
    fn durations_for_readers_round_down() {
        let cases = [
            (TimeDelta::minutes(25), "25 min"),
            (hours(30), "30 h"),
            (TimeDelta::minutes(47 * 60 + 59), "47.9 h"),
            (hours(48), "48 h"),
            (hours(9 * 24 + 12), "9.5 days"),
            (TimeDelta::days(30), "30 days"),
        ];
        for (d, text) in cases {
            assert_eq!(human(d), text);
        }
    }
}
