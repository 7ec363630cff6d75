//! What the markdown and HTML templates see: the report arranged for reading, with long lists
//! folded to limits (a pull request comment has a size limit; see `markdown::COMMENT_LIMIT`).
//!
//! The view is also the interface of a user's `--template`, so its names say what things are
//! and `report` gives the whole report for anything the view leaves out.

use serde::Serialize;

use super::compare::Comparison;
use super::dynamics_view::{DynamicsView, share_or_na};
use super::markdown::REPORT_MARKER;
use super::{Report, Tool};
use crate::engine::finding::{Evidence, Finding, Status};
use crate::engine::rule::Severity;
use crate::newcomers::{self, Figures, NewcomerSummary};

/// How much of each list a rendering shows; what is left out is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Gaps shown with their details.
    pub gaps: usize,
    /// Evidence lines per gap.
    pub evidence: usize,
    /// Passing and not evaluated rules listed by name.
    pub listed: usize,
    /// Characters of any one message or evidence text.
    pub text: usize,
}

impl Limits {
    /// Everything: for HTML, which has no size limit.
    pub const NONE: Limits = Limits { gaps: usize::MAX, evidence: usize::MAX, listed: usize::MAX, text: usize::MAX };

    /// From roomy to tight: a markdown report takes the first that fits in a comment.
    pub const FOLDING: [Limits; 4] = [
        Limits { gaps: 100, evidence: 5, listed: 200, text: 500 },
        Limits { gaps: 40, evidence: 3, listed: 60, text: 240 },
        Limits { gaps: 15, evidence: 1, listed: 20, text: 160 },
        Limits { gaps: 5, evidence: 0, listed: 0, text: 120 },
    ];
}

/// A score at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    Good,
    Fair,
    Poor,
    Unscored,
}

impl Grade {
    pub fn of(score: Option<u8>) -> Grade {
        match score {
            Some(s) if s >= 80 => Grade::Good,
            Some(s) if s >= 50 => Grade::Fair,
            Some(_) => Grade::Poor,
            None => Grade::Unscored,
        }
    }
}

/// Cells in a text bar.
const BAR_CELLS: usize = 10;

#[derive(Debug, Serialize)]
pub struct View<'a> {
    /// The hidden comment a markdown report starts with (see `markdown::REPORT_MARKER`).
    pub marker: &'static str,
    /// The repository's name, else the checkout's path.
    pub subject: String,
    pub tool: &'a Tool,
    pub generated_at: String,
    pub score: Option<u8>,
    pub grade: Grade,
    pub responsibilities: Vec<ResponsibilityView>,
    /// Most important first: the first is what to fix first.
    pub gaps: Folded<FindingView>,
    pub passes: Folded<FindingView>,
    /// Skipped rules (with why) and rules the config turned off.
    pub not_evaluated: Folded<FindingView>,
    /// What the audit read and what it could not see, in a sentence.
    pub sources: String,
    pub comparison: Option<&'a Comparison>,
    /// Response times to newcomers against regulars, when the issues were collected.
    pub newcomers: Option<NewcomerView>,
    /// Community dynamics and their trends, when they were measured: never a login.
    pub dynamics: Option<DynamicsView>,
    pub report: &'a Report,
}

/// The newcomer figures in words: durations and shares formatted for people.
#[derive(Debug, Serialize)]
pub struct NewcomerView {
    pub window_days: i64,
    /// The response target, e.g. `48.0 h`.
    pub target: String,
    pub newcomers: GroupView,
    pub regulars: GroupView,
    /// Newcomers still waiting for a first answer, oldest first.
    pub waiting: Folded<WaitingView>,
    /// What limits the figures (history not checked, listing cut short).
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct GroupView {
    pub count: usize,
    pub judged: usize,
    /// Share answered at all, e.g. `80%`, or `n/a`.
    pub response_rate: String,
    pub median: String,
    pub p90: String,
    /// Share answered within the target.
    pub within_target: String,
    pub waiting: usize,
    pub closed_unanswered: usize,
}

#[derive(Debug, Serialize)]
pub struct WaitingView {
    pub number: u64,
    pub title: String,
    pub url: String,
    pub age: String,
}

impl NewcomerView {
    fn new(summary: &NewcomerSummary, limits: Limits) -> NewcomerView {
        let f = &summary.figures;
        let mut notes = Vec::new();
        if !f.history_checked {
            notes.push(format!(
                "authors' earlier issues were not looked up: {} items by authors who may be newcomers are counted in neither group",
                f.excluded.unconfirmed
            ));
        }
        if !f.listing_complete {
            notes.push(
                "the listing of issues and pull requests stopped early: the figures cover what was listed".into(),
            );
        }
        NewcomerView {
            window_days: (f.measured_at - f.window_start).num_days(),
            target: newcomers::human(f.target),
            newcomers: GroupView::new(&f.newcomers.all),
            regulars: GroupView::new(&f.regulars.all),
            waiting: Folded::new(summary.waiting.iter(), limits.listed, |i| WaitingView {
                number: i.number,
                title: clip(&i.title, limits.text),
                url: i.url.clone(),
                age: newcomers::human(i.age),
            }),
            notes,
        }
    }
}

impl GroupView {
    fn new(f: &Figures) -> GroupView {
        let duration = |d: Option<chrono::TimeDelta>| d.map_or_else(|| "n/a".to_string(), newcomers::human);
        GroupView {
            count: f.count,
            judged: f.judged,
            response_rate: share_or_na(f.response_rate),
            median: duration(f.median),
            p90: duration(f.p90),
            within_target: share_or_na(f.share_within_target),
            waiting: f.waiting,
            closed_unanswered: f.closed_unanswered,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ResponsibilityView {
    pub id: &'static str,
    pub title: String,
    pub summary: String,
    pub score: Option<u8>,
    pub grade: Grade,
    /// The score as a text bar, `██████░░░░`.
    pub bar: String,
    pub gaps: usize,
    pub passed: usize,
    pub not_evaluated: usize,
}

/// The first items of a list, and how many more there are.
#[derive(Debug, Serialize)]
pub struct Folded<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub hidden: usize,
}

impl<T> Folded<T> {
    pub(crate) fn new<'i, S: 'i>(
        all: impl ExactSizeIterator<Item = &'i S>,
        limit: usize,
        view: impl Fn(&'i S) -> T,
    ) -> Folded<T> {
        let total = all.len();
        let items: Vec<T> = all.take(limit).map(view).collect();
        Folded { hidden: total - items.len(), total, items }
    }
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    pub rule: String,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    /// The responsibility's title.
    pub responsibility: &'static str,
    pub message: String,
    pub location: Option<String>,
    pub evidence: Folded<EvidenceView>,
    pub remedy: String,
    /// The rule's documentation page.
    pub docs: String,
}

#[derive(Debug, Serialize)]
pub struct EvidenceView {
    /// `path:line`, `path`, or nothing for a note.
    pub place: Option<String>,
    pub text: String,
}

impl<'a> View<'a> {
    pub fn new(report: &'a Report, comparison: Option<&'a Comparison>, limits: Limits) -> View<'a> {
        let finding = |f: &Finding| FindingView::new(f, limits);
        let of =
            |statuses: &[Status]| report.findings.iter().filter(|f| statuses.contains(&f.status)).collect::<Vec<_>>();
        View {
            marker: REPORT_MARKER,
            subject: report
                .repository
                .clone()
                .or_else(|| report.sources.local_tree.clone())
                .unwrap_or_else(|| "the repository".into()),
            tool: &report.tool,
            generated_at: report.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            score: report.score,
            grade: Grade::of(report.score),
            responsibilities: report.responsibilities.iter().map(ResponsibilityView::new).collect(),
            gaps: Folded::new(of(&[Status::Fail, Status::Warn]).into_iter(), limits.gaps, finding),
            passes: Folded::new(of(&[Status::Pass]).into_iter(), limits.listed, finding),
            not_evaluated: Folded::new(of(&[Status::Skipped, Status::Ignored]).into_iter(), limits.listed, finding),
            sources: report.sources_line(),
            comparison,
            newcomers: report.newcomers.as_ref().map(|n| NewcomerView::new(n, limits)),
            dynamics: report.dynamics.as_ref().map(DynamicsView::new),
            report,
        }
    }
}

impl ResponsibilityView {
    fn new(r: &super::ResponsibilityScore) -> ResponsibilityView {
        let filled = r.score.map_or(0, |s| (usize::from(s) * BAR_CELLS + 50) / 100);
        ResponsibilityView {
            id: r.id.id(),
            title: r.title.clone(),
            summary: r.summary.clone(),
            score: r.score,
            grade: Grade::of(r.score),
            bar: format!("{}{}", "█".repeat(filled), "░".repeat(BAR_CELLS - filled)),
            gaps: r.failed + r.warned,
            passed: r.passed,
            not_evaluated: r.skipped + r.ignored,
        }
    }
}

impl FindingView {
    fn new(f: &Finding, limits: Limits) -> FindingView {
        let evidence = |e: &Evidence| EvidenceView {
            place: e.path.as_ref().map(|p| match e.line {
                Some(line) => format!("{p}:{line}"),
                None => p.clone(),
            }),
            text: clip(&e.text, limits.text),
        };
        FindingView {
            rule: f.rule.clone(),
            title: clip(&f.title, limits.text),
            status: f.status,
            severity: f.severity,
            responsibility: f.responsibility.title(),
            message: clip(&f.message, limits.text),
            location: f.location.clone(),
            evidence: Folded::new(f.evidence.iter(), limits.evidence, evidence),
            remedy: clip(&f.remedy, limits.text),
            docs: f.docs.clone(),
        }
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_counts_characters_and_marks_the_cut() {
        assert_eq!(clip("héllo wörld", 6), "héllo…");
        assert_eq!(clip("short", 5), "short");
    }

    #[test]
    fn grades_and_bars_follow_the_score() {
        assert_eq!(
            [Some(80), Some(79), Some(50), Some(49), None].map(Grade::of),
            [Grade::Good, Grade::Fair, Grade::Fair, Grade::Poor, Grade::Unscored]
        );
        let score = |s| super::super::ResponsibilityScore {
            id: crate::engine::rule::Responsibility::Welcoming,
            title: String::new(),
            summary: String::new(),
            score: s,
            passed: 0,
            warned: 0,
            failed: 0,
            skipped: 0,
            ignored: 0,
        };
        assert_eq!(ResponsibilityView::new(&score(Some(64))).bar, "██████░░░░");
        assert_eq!(ResponsibilityView::new(&score(None)).bar, "░░░░░░░░░░");
    }
}
