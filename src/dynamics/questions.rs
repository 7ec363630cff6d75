//! Questions asked in the span, and whether they were answered.

use chrono::TimeDelta;

use super::{Figure, ItemLink, Known, QuestionSource, Questions, Span, day};
use crate::newcomers::{Policy, first_response, median, share};
use crate::snapshot::{Actor, DataKind, ItemKind, Response, Snapshot};

/// Whether a label marks an issue as a question or a support request: `question`, `Type: Question`,
/// `kind/support`, `❓ question`; not `help wanted` (a call for contributors), nor `windows support`.
pub fn is_question_label(name: &str) -> bool {
    let name = name.to_lowercase().replace(['-', '_'], " ");
    let name = name.trim_start_matches(|c: char| !c.is_alphanumeric());
    let name = ["type", "kind", "category", "t", "k"]
        .iter()
        .find_map(|prefix| {
            let rest = name.strip_prefix(prefix)?;
            rest.strip_prefix([':', '/', ' ']).map(str::trim_start)
        })
        .unwrap_or(name);
    matches!(
        name.trim(),
        "question" | "questions" | "support" | "support request" | "user support" | "usage question" | "help request"
    )
}

/// One question, whichever its source.
struct Asked<'a> {
    link: ItemLink,
    author: Option<&'a Actor>,
    responses: &'a [Response],
    accepted: bool,
}

/// Q&A discussions created in the span when Discussions were read and hold any; else issues
/// labelled as questions when a label says so; else Discussions' (none asked); else unavailable.
pub(super) fn measure(snap: &Snapshot, known: &Known<'_>, span: &Span) -> Figure<Questions> {
    let discussions: Option<Vec<Asked<'_>>> = snap.discussions.as_ref().map(|d| {
        d.items
            .iter()
            .filter(|q| q.answerable && span.holds(q.created_at))
            .map(|q| Asked {
                link: ItemLink {
                    kind: None,
                    number: q.number,
                    title: q.title.clone(),
                    url: q.url.clone(),
                    created_at: q.created_at,
                },
                author: q.author.as_ref(),
                responses: &q.responses,
                accepted: q.answer_chosen_at.is_some(),
            })
            .collect()
    });
    let labelled = |name: &String| is_question_label(name);
    let question_label = snap.labels.iter().flatten().map(|l| &l.name).any(labelled)
        || known.items.iter().flat_map(|i| &i.labels).any(labelled);
    let issues = || -> Vec<Asked<'_>> {
        known
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Issue && span.holds(i.created_at) && i.labels.iter().any(labelled))
            .map(|i| Asked {
                link: ItemLink::of(i),
                author: i.author.as_ref(),
                responses: &i.responses,
                accepted: false,
            })
            .collect()
    };
    let (source, asked) = match discussions {
        Some(asked) if !asked.is_empty() => (QuestionSource::Discussions, asked),
        _ if question_label && span.start < known.responses_since => {
            return Figure::unavailable(format!(
                "the responses to issues opened before {} were not collected",
                day(known.responses_since)
            ));
        }
        _ if question_label => (QuestionSource::Issues, issues()),
        Some(asked) => (QuestionSource::Discussions, asked),
        None => return Figure::unavailable(no_questions_reason(snap)),
    };
    Figure::Measured(answered(source, asked, known.policy))
}

fn no_questions_reason(snap: &Snapshot) -> String {
    let discussions = match (&snap.settings, snap.unavailable.get(&DataKind::Discussions)) {
        (Some(settings), _) if !settings.has_discussions => "Discussions are disabled".to_string(),
        (_, Some(reason)) => format!("Discussions could not be read ({reason})"),
        _ => "Discussions were not read".to_string(),
    };
    format!("{discussions} and no label marks an issue as a question or support request")
}

fn answered(source: QuestionSource, asked: Vec<Asked<'_>>, policy: &Policy) -> Questions {
    let by_maintainer = |q: &Asked<'_>| {
        let asker = q.author.map(|a| a.login.as_str());
        q.responses.iter().any(|r| {
            r.author.as_ref().is_some_and(|who| {
                !policy.is_bot(who)
                    && !asker.is_some_and(|a| a.eq_ignore_ascii_case(&who.login))
                    && policy.is_maintainer(&who.login, &r.author_association)
            })
        })
    };
    let mut waits: Vec<TimeDelta> = asked
        .iter()
        .filter_map(|q| first_response(q.responses, q.author, policy).map(|r| r.at - q.link.created_at))
        .map(|wait| wait.max(TimeDelta::zero()))
        .collect();
    waits.sort();
    let (answered, mut unanswered): (Vec<Asked<'_>>, Vec<Asked<'_>>) =
        asked.into_iter().partition(|q| q.accepted || by_maintainer(q));
    unanswered.sort_by_key(|q| (q.link.created_at, q.link.number));
    let asked = answered.len() + unanswered.len();
    Questions {
        source,
        asked,
        answered: answered.len(),
        share_answered: share(answered.len(), asked),
        median_first_reply_seconds: median(&waits).map(|m| m.num_seconds()),
        unanswered: unanswered.into_iter().map(|q| q.link).collect(),
    }
}

/// For a bucket: the share of its questions answered, when any was asked.
pub(super) fn share_answered_in(snap: &Snapshot, known: &Known<'_>, bucket: &Span) -> Option<f64> {
    measure(snap, known, bucket).measured().and_then(|q| q.share_answered)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::snapshot::{Discussion, Discussions, Label, RepoSettings};

    #[test]
    fn question_labels_and_others() {
        for yes in [
            "question",
            "Question",
            "type: question",
            "Type/Question",
            "kind/support",
            "❓ question",
            "T-Question",
            "support request",
        ] {
            assert!(is_question_label(yes), "{yes}");
        }
        for no in ["help wanted", "windows support", "good first issue", "bug", "questionable", "typo"] {
            assert!(!is_question_label(no), "{no}");
        }
    }

    fn discussion(number: u64, author: &str, created: &str, answerable: bool) -> Discussion {
        Discussion {
            number,
            title: format!("discussion {number}"),
            url: format!("https://github.com/o/r/discussions/{number}"),
            author: Some(Actor { login: author.to_string(), is_bot: false }),
            author_association: "NONE".to_string(),
            created_at: at(created),
            category: if answerable { "Q&A" } else { "Ideas" }.to_string(),
            answerable,
            answer_chosen_at: None,
            answered_by: None,
            closed_at: None,
            responses: Vec::new(),
        }
    }

    impl Replies for Discussion {
        fn respond(mut self, kind: crate::snapshot::ResponseKind, author: Option<Actor>, when: &str) -> Discussion {
            self.responses.push(Response { kind, author_association: association(&author), author, at: at(when) });
            self
        }
    }

    fn questions_of(snap: &Snapshot) -> Figure<Questions> {
        with_known(snap, |k| measure(snap, k, &span()))
    }

    #[test]
    fn qa_discussions_answered_by_an_accepted_answer_or_a_maintainer() {
        let mut snap = snapshot(vec![labelled(issue(1, "zed", "2026-09-01T00:00:00Z"), "question")], None);
        let accepted = Discussion {
            answer_chosen_at: Some(at("2026-09-03T00:00:00Z")),
            ..discussion(1, "ana", "2026-09-01T00:00:00Z", true).comment("bea", "2026-09-01T04:00:00Z")
        };
        let items = vec![
            accepted,
            // A maintainer's reply 2 h after; the asker's own comment first does not count.
            discussion(2, "cy", "2026-09-02T00:00:00Z", true)
                .comment("cy", "2026-09-02T01:00:00Z")
                .comment("mara", "2026-09-02T02:00:00Z"),
            // Another user's reply after 10 h is a first reply, not an answer.
            discussion(3, "dee", "2026-09-03T00:00:00Z", true).comment("bea", "2026-09-03T10:00:00Z"),
            // No reply but a bot's.
            discussion(4, "eve", "2026-08-10T00:00:00Z", true).comment("helper[bot]", "2026-08-10T00:01:00Z"),
            // Not questions: another category; before the span.
            discussion(5, "fay", "2026-09-05T00:00:00Z", false),
            discussion(6, "gus", "2026-07-01T00:00:00Z", true).comment("mara", "2026-07-01T01:00:00Z"),
        ];
        snap.discussions = Some(Discussions { window_start: at(PREVIOUS_START), items, complete: true });
        let Figure::Measured(q) = questions_of(&snap) else { panic!() };
        // Discussions are preferred to the labelled issue. Asked #1–#4; answered #1, #2.
        assert_eq!((q.source, q.asked, q.answered, q.share_answered), (QuestionSource::Discussions, 4, 2, Some(0.5)));
        // First replies: 4 h, 2 h, 10 h: the median is 4 h.
        assert_eq!(q.median_first_reply_seconds, Some(4 * 3600));
        // Oldest first: #4 (10 August), #3.
        assert_eq!(q.unanswered.iter().map(|l| l.number).collect::<Vec<_>>(), [4, 3]);
        assert_eq!(q.unanswered[0].kind, None);
    }

    #[test]
    fn without_discussions_labelled_issues_are_the_questions() {
        let items = vec![
            labelled(issue(1, "ana", "2026-09-01T00:00:00Z"), "type: question").comment("mara", "2026-09-01T03:00:00Z"),
            labelled(issue(2, "bea", "2026-09-02T00:00:00Z"), "question").comment("cy", "2026-09-02T05:00:00Z"),
            labelled(issue(3, "dee", "2026-09-03T00:00:00Z"), "help wanted").comment("mara", "2026-09-03T01:00:00Z"),
        ];
        let mut snap = snapshot(items, None);
        snap.settings = Some(RepoSettings::default());
        let Figure::Measured(q) = questions_of(&snap) else { panic!() };
        // #1 and #2 are questions; a maintainer answered #1. First replies 3 h and 5 h: median 4 h.
        assert_eq!((q.source, q.asked, q.answered), (QuestionSource::Issues, 2, 1));
        assert_eq!(q.median_first_reply_seconds, Some(4 * 3600));
        assert_eq!(q.unanswered[0].kind, Some(ItemKind::Issue));
    }

    #[test]
    fn a_question_label_with_no_question_asked_measures_none_asked() {
        let mut snap = snapshot(vec![], None);
        snap.labels = Some(vec![Label { name: "Question".into(), description: None }]);
        let Figure::Measured(q) = questions_of(&snap) else { panic!() };
        assert_eq!((q.asked, q.share_answered, q.median_first_reply_seconds), (0, None, None));
    }

    #[test]
    fn discussions_disabled_and_no_question_label_is_unavailable() {
        let mut snap = snapshot(vec![labelled(issue(1, "ana", "2026-09-01T00:00:00Z"), "bug")], None);
        snap.settings = Some(RepoSettings { has_discussions: false, ..RepoSettings::default() });
        let Figure::Unavailable { reason } = questions_of(&snap) else { panic!() };
        assert_eq!(reason, "Discussions are disabled and no label marks an issue as a question or support request");
    }
}
