//! Newcomer response figures measured end to end: the fake GitHub serves the items, comments and
//! reviews in GitHub's shapes, the binary collects them through the API, and the figures are
//! checked against values worked out by hand.
//!
//! The audit is taken at 2026-11-20T12:00Z with the default 90-day window. Newcomer items:
//!
//! - #1 alice (FIRST_TIMER), 20 days ago: a bot greets her at +1 h (not a response), a maintainer
//!   answers at +6 h: answered after 6 h.
//! - #3 carol (FIRST_TIME_CONTRIBUTOR), a pull request, 18 days ago: an approving review at +30 h
//!   and no comment: answered after 30 h (the review is the response).
//! - #4 erin (FIRST_TIME_CONTRIBUTOR), a pull request, 17 days ago: only a comment on the diff at
//!   +10 h: answered after 10 h.
//! - #6 frank (FIRST_TIMER), 15 days ago, closed by himself 2 h later with no answer: closed
//!   unanswered.
//! - #9 ivan (FIRST_TIMER), 12 days ago, open, no answer: waiting 12 days.
//!
//! - #2 bob (NONE), 19 days ago: his own reply at +1 h does not count; dave, another
//!   non-maintainer, answers at +20 h: answered after 20 h. His association says nothing about
//!   his history, so cm-audit looks up his first item in the repository: none before the window.
//!
//! Regular: #12 kate (NONE) opened #11 200 days ago, before the window (the look-up finds it), so
//! her issue 14 days ago, answered at +1 h, is a regular's. Not measured: #5 by a deleted user,
//! #7 gina's, 100 days ago (before the window), #8 hal's pull request still in draft (its clock
//! has not started), #10 a maintainer's.
//!
//! So 6 newcomer items are judged and 4 answered ([6, 10, 20, 30] h): the median (the mean of the
//! 2nd and 3rd) is 15 h, the 90th percentile (nearest rank, the 4th) 30 h; 4 of 6 (67%) within 48 h, between
//! 50% and 80%: a warning. #9 has waited 12 days, more than 7 and less than 30: a warning naming it.

use crate::common;
use crate::support;

use chrono::Duration;
use common::finding;
use serde_json::Value;
use support::fake_github::{FakeGithub, Fault, Kind, Repo, World, bot, routes, user};
use support::{audit_json, cm_audit, days_ago, rest_only};

fn world() -> World {
    let mut r = Repo::new("acme/stars").file("README.md", "# Stars\n\nA catalogue of stars.\n");
    r.item(Kind::Issue, user("alice"), "FIRST_TIMER", days_ago(20));
    r.comment(1, bot("greeter"), "NONE", days_ago(20) + Duration::hours(1));
    r.comment(1, user("maint"), "MEMBER", days_ago(20) + Duration::hours(6));
    r.item(Kind::Issue, user("bob"), "NONE", days_ago(19));
    r.comment(2, user("bob"), "NONE", days_ago(19) + Duration::hours(1));
    r.comment(2, user("dave"), "NONE", days_ago(19) + Duration::hours(20));
    r.item(Kind::PullRequest, user("carol"), "FIRST_TIME_CONTRIBUTOR", days_ago(18));
    r.review(3, user("maint"), "MEMBER", "APPROVED", Some(days_ago(18) + Duration::hours(30)));
    r.item(Kind::PullRequest, user("erin"), "FIRST_TIME_CONTRIBUTOR", days_ago(17));
    r.review_comment(4, user("maint"), "MEMBER", days_ago(17) + Duration::hours(10));
    r.item(Kind::Issue, None, "NONE", days_ago(16));
    r.item(Kind::Issue, user("frank"), "FIRST_TIMER", days_ago(15)).closed_at = Some(days_ago(15) + Duration::hours(2));
    r.item(Kind::Issue, user("gina"), "FIRST_TIMER", days_ago(100));
    r.comment(7, user("maint"), "MEMBER", days_ago(99));
    r.item(Kind::PullRequest, user("hal"), "FIRST_TIME_CONTRIBUTOR", days_ago(10)).draft = true;
    r.item(Kind::Issue, user("ivan"), "FIRST_TIMER", days_ago(12));
    r.item(Kind::Issue, user("maint"), "MEMBER", days_ago(5));
    r.item(Kind::Issue, user("kate"), "NONE", days_ago(200));
    r.item(Kind::Issue, user("kate"), "NONE", days_ago(14));
    r.comment(12, user("maint"), "MEMBER", days_ago(14) + Duration::hours(1));
    World::default().with(r)
}

fn figures(report: &Value) -> &Value {
    &report["newcomers"]["figures"]
}

/// The report of `acme/stars` in `world`, through GraphQL (the default with a token) or REST.
fn report(world: World, rest: bool) -> (FakeGithub, Value) {
    let fake = FakeGithub::start(world);
    let cmd = if rest { rest_only(&fake) } else { cm_audit(&fake) };
    let out = { cmd }.args(["acme/stars", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fake.graphql_rejections().is_empty(), "{:?}", fake.graphql_rejections());
    let report = serde_json::from_slice(&out.stdout).unwrap();
    (fake, report)
}

#[test]
fn newcomer_figures_through_the_api_match_the_hand_computed_ones() {
    for rest in [false, true] {
        check_hand_computed_figures(&report(world(), rest).1);
    }
}

fn check_hand_computed_figures(report: &Value) {
    crate::common::assert_no_raw_patterns(report);
    let n = &figures(report)["newcomers"]["all"];
    assert_eq!(n["count"], 7, "{n}"); // the six judged and #8, in draft
    assert_eq!(n["judged"], 6, "{n}");
    assert_eq!(n["answered"], 4, "{n}");
    assert_eq!(n["median_seconds"], 15 * 3600);
    assert_eq!(n["p90_seconds"], 30 * 3600);
    assert_eq!(n["answered_within_target"], 4);
    assert_eq!(n["closed_unanswered"], 1);
    assert_eq!(n["waiting"], 1);
    assert_eq!(n["in_draft"], 1);
    let excluded = &figures(report)["excluded"];
    assert_eq!(excluded["deleted_authors"], 1, "{excluded}");
    assert_eq!(excluded["maintainers"], 1);
    assert_eq!(excluded["unconfirmed"], 0);
    assert_eq!(figures(report)["history_checked"], true);
    let regulars = &figures(report)["regulars"]["all"];
    assert_eq!(regulars["count"], 1, "kate, with an issue before the window: {regulars}");
    assert_eq!(regulars["median_seconds"], 3600);
    assert_eq!(report["newcomers"]["waiting"][0]["number"], 9);
    assert_eq!(report["newcomers"]["waiting"][0]["age_seconds"], 12 * 86400);

    assert_eq!(finding(report, "newcomer-response")["status"], "warn", "{}", finding(report, "newcomer-response"));
    let waiting = finding(report, "waiting-newcomers");
    assert_eq!(waiting["status"], "warn", "{waiting}");
    assert!(waiting["evidence"][0]["text"].as_str().unwrap().starts_with("#9 "), "{waiting}");
}

/// #13 liam (FIRST_TIME_CONTRIBUTOR) opens a pull request as a draft 9 days ago, marks it ready
/// 24 h later, and a maintainer reviews it 12 h after that. Its clock starts when it was marked
/// ready (GraphQL's timeline, REST's issue events say when): answered after 12 h, not the 36 h
/// since its creation. The newcomers' answered times are then [6, 10, 12, 20, 30] h: the median
/// (the 3rd of 5) is 12 h, the 90th percentile (the 5th) 30 h, and 5 of 7 judged (71%) were
/// answered within 48 h. Timed from its creation, the median would be 20 h ([6, 10, 20, 30, 36]).
fn with_draft() -> World {
    let mut world = world();
    let r = world.repos.get_mut("acme/stars").unwrap();
    let pr = r.item(Kind::PullRequest, user("liam"), "FIRST_TIME_CONTRIBUTOR", days_ago(9));
    pr.ready_at = Some(days_ago(9) + Duration::hours(24));
    let number = pr.number;
    r.review(number, user("maint"), "MEMBER", "COMMENTED", Some(days_ago(9) + Duration::hours(36)));
    world
}

#[test]
fn a_draft_marked_ready_is_timed_from_then() {
    for rest_only in [false, true] {
        let (_, report) = report(with_draft(), rest_only);
        let n = &figures(&report)["newcomers"]["all"];
        assert_eq!((n["judged"].as_u64(), n["answered"].as_u64()), (Some(7), Some(5)), "rest_only {rest_only}: {n}");
        assert_eq!(n["median_seconds"], 12 * 3600, "rest_only {rest_only}: {n}");
        assert_eq!(n["p90_seconds"], 30 * 3600, "rest_only {rest_only}");
        assert_eq!(n["answered_within_target"], 5, "rest_only {rest_only}");
        let prs = &figures(&report)["newcomers"]["pull_requests"];
        assert_eq!(
            prs["median_seconds"],
            12 * 3600,
            "rest_only {rest_only}: pull requests [10, 12, 30] h, the middle one"
        );
    }
}

/// Through REST, where the issue events cannot be read (here a 404), or do not reach back to the
/// draft's being marked ready (ten pages of newer events: 110 maintainers' issues with 10 labels
/// each), liam's pull request is timed from its creation, 36 h: the newcomers' median is then 20 h
/// ([6, 10, 20, 30, 36]), and a note says why.
#[test]
fn without_its_ready_event_a_draft_is_timed_from_its_creation_and_a_note_says_so() {
    let unreadable = FakeGithub::start(with_draft());
    unreadable.inject(routes::ISSUE_EVENTS, Fault::Status(404, "Not Found"), None);
    let mut busy = with_draft();
    let r = busy.repos.get_mut("acme/stars").unwrap();
    for i in 0..110 {
        let issue = r.item(Kind::Issue, user(&format!("maint-{i}")), "MEMBER", days_ago(1));
        issue.labels = (0..10).map(|l| format!("area-{l}")).collect();
    }
    let busy = FakeGithub::start(busy);
    for (fake, note) in
        [(&unreadable, "issue events (drafts marked ready, merges)"), (&busy, "issue events were read back to")]
    {
        let out = rest_only(fake).args(["acme/stars", "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(figures(&report)["newcomers"]["all"]["median_seconds"], 20 * 3600, "{note}");
        let notes = report["sources"]["notes"].to_string();
        assert!(notes.contains(note) && notes.contains("timed from"), "{notes}");
    }
    assert_eq!(busy.counts()[routes::ISSUE_EVENTS], 10, "the cap on pages of events");
}

/// A server that ignores the `creator` filter answers REST's look-ups with the repository's oldest
/// item, kate's #11 from 200 days ago. For kate that is her own: still a regular. For bob it is
/// someone else's, which says nothing of him: he is unconfirmed, not made a regular by kate's issue
/// (nor counted a newcomer, as he is when the server filters).
#[test]
fn an_answer_about_someone_else_confirms_nothing() {
    let fake = FakeGithub::start(world());
    fake.inject(routes::ISSUES, Fault::IgnoredParameter("creator"), None);
    let out = rest_only(&fake).args(["acme/stars", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let faulty: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, sound) = report(world(), true);
    let count = |r: &Value, path: [&str; 3]| figures(r)[path[0]][path[1]][path[2]].as_u64().unwrap();
    assert_eq!(fake.served().iter().filter(|s| s.uri.contains("creator=")).count(), 2, "bob and kate looked up");
    assert_eq!(figures(&sound)["excluded"]["unconfirmed"], 0);
    assert_eq!(figures(&faulty)["excluded"]["unconfirmed"], 1, "bob");
    assert_eq!(count(&faulty, ["regulars", "all", "count"]), 1, "kate alone");
    assert_eq!(count(&sound, ["newcomers", "all", "count"]), count(&faulty, ["newcomers", "all", "count"]) + 1);
    let notes = faulty["sources"]["notes"].to_string();
    assert!(notes.contains("1 author(s) with other people's"), "{notes}");
}

/// A server that refuses the History query (an older schema, say) after answering the others:
/// GraphQL is given up and REST looks bob and kate up one by one, so the figures are the same as
/// through GraphQL alone.
#[test]
fn a_refused_history_query_leaves_the_look_ups_to_rest() {
    let fake = FakeGithub::start(world());
    fake.inject("/graphql History", Fault::Status(400, "Problems parsing the query"), None);
    let out = cm_audit(&fake).args(["acme/stars", "--format", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("GraphQL refused the History query"), "{stderr}");
    let refused: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, sound) = report(world(), false);
    assert_eq!(figures(&refused)["history_checked"], true);
    assert_eq!(figures(&refused)["excluded"], figures(&sound)["excluded"]);
    assert_eq!(figures(&refused)["newcomers"], figures(&sound)["newcomers"]);
    assert_eq!(figures(&refused)["regulars"], figures(&sound)["regulars"]);
    assert_eq!(fake.served().iter().filter(|s| s.uri.contains("creator=")).count(), 2, "bob and kate, through REST");
}

/// 40 people open an issue each in the window, all with association NONE; 5 of them (new-0 to
/// new-4) had opened one before the window. REST looks up at most 30 authors one by one, so all
/// 40 stay unconfirmed; GraphQL asks for all 40 in one query of searches: 35 newcomers and 5
/// regulars.
#[test]
fn many_possible_newcomers_are_confirmed_in_one_query() {
    let many = || {
        let mut r = Repo::new("acme/stars").file("README.md", "# Stars\n");
        for i in 0..5 {
            r.item(Kind::Issue, user(&format!("new-{i}")), "NONE", days_ago(300 + i));
        }
        for i in 0..40 {
            r.item(Kind::Issue, user(&format!("new-{i}")), "NONE", days_ago(1 + i % 30));
        }
        World::default().with(r)
    };
    let (fake, graphql) = report(many(), false);
    let f = figures(&graphql);
    assert_eq!(f["history_checked"], true, "{f}");
    assert_eq!(f["excluded"]["unconfirmed"], 0, "{f}");
    assert_eq!((f["newcomers"]["all"]["count"].as_u64(), f["regulars"]["all"]["count"].as_u64()), (Some(35), Some(5)));
    let searches: usize = fake.graphql_queries().iter().map(|(q, _)| q.matches("search(").count()).sum();
    assert_eq!(searches, 40, "one search an author");
    let history_queries = fake.graphql_queries().iter().filter(|(q, _)| q.starts_with("query History")).count();
    assert_eq!(history_queries, 1);

    let (_, rest) = report(many(), true);
    assert_eq!(figures(&rest)["excluded"]["unconfirmed"], 40, "{}", figures(&rest));
}

/// GitHub refuses to search for bob (a suspended or hidden account): his issue #2 can be neither a
/// newcomer's nor a regular's, so it is counted as unconfirmed, and only his. A refused search
/// nulls the whole answer (`search` cannot be null), so kate's is asked again alone and still
/// finds her issue from before the window.
#[test]
fn an_author_github_will_not_search_is_unconfirmed_and_the_others_stand() {
    let mut world = world();
    world.unsearchable.push("bob".into());
    let (fake, report) = report(world, false);
    let history: Vec<usize> = fake
        .graphql_queries()
        .iter()
        .filter(|(q, _)| q.starts_with("query History"))
        .map(|(q, _)| q.matches("search(").count())
        .collect();
    assert_eq!(history, [2, 1], "bob and kate, then kate alone");
    let f = figures(&report);
    assert_eq!(f["history_checked"], true);
    assert_eq!(f["excluded"]["unconfirmed"], 1, "{f}");
    assert_eq!(f["newcomers"]["all"]["judged"], 5, "the six judged less bob's: {f:#}");
    assert_eq!(f["regulars"]["all"]["count"], 1, "kate's history still found");
    let notes = report["sources"]["notes"].to_string();
    assert!(notes.contains("GitHub would not search the earlier issues of 1 author(s)"), "{notes}");
    let message = finding(&report, "newcomer-response")["message"].as_str().unwrap().to_string();
    assert!(message.contains("could not be looked up"), "{message}");
}

/// #1 nora (FIRST_TIMER), 5 days ago: a CI bot comments 12 times, then a maintainer answers at
/// +5 h. GraphQL reads an item's first 10 comments; all are the bot's and there are more, so it
/// asks for the next ones (`MoreResponses`) and finds the answer: 5 h, as REST's bulk listing of
/// comments finds it.
#[test]
fn a_response_after_many_bot_comments_is_found() {
    let busy_bot = || {
        let mut r = Repo::new("acme/stars").file("README.md", "# Stars\n");
        r.item(Kind::Issue, user("nora"), "FIRST_TIMER", days_ago(5));
        for minute in 0..12 {
            r.comment(1, bot("ci"), "NONE", days_ago(5) + Duration::minutes(10 + minute));
        }
        r.comment(1, user("maint"), "MEMBER", days_ago(5) + Duration::hours(5));
        World::default().with(r)
    };
    for rest in [false, true] {
        let (fake, report) = report(busy_bot(), rest);
        let n = &figures(&report)["newcomers"]["all"];
        assert_eq!((n["answered"].as_u64(), n["median_seconds"].as_u64()), (Some(1), Some(5 * 3600)), "{n}");
        let follow_ups = fake.graphql_queries().iter().filter(|(q, _)| q.starts_with("query MoreResponses")).count();
        assert_eq!(follow_ups, usize::from(!rest), "one follow-up through GraphQL");
    }
}

#[test]
fn a_repository_without_newcomer_items_is_not_judged() {
    let mut r = Repo::new("acme/quiet").file("README.md", "# Quiet\n");
    r.item(Kind::Issue, user("maint"), "OWNER", days_ago(3));
    let fake = FakeGithub::start(World::default().with(r));
    let report = audit_json(&fake, "acme/quiet");
    assert_eq!(figures(&report)["newcomers"]["all"]["count"], 0);
    assert_eq!(finding(&report, "newcomer-response")["status"], "skipped");
    assert_eq!(finding(&report, "waiting-newcomers")["status"], "skipped");
}
