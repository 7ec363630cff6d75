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
//! So 6 newcomer items are judged and 4 answered ([6, 10, 20, 30] h): the median (nearest rank,
//! the 2nd of 4) is 10 h, the 90th percentile (the 4th) 30 h; 4 of 6 (67%) within 48 h, between
//! 50% and 80%: a warning. #9 has waited 12 days, more than 7 and less than 30: a warning naming it.

mod common;
mod support;

use chrono::Duration;
use common::finding;
use serde_json::Value;
use support::fake_github::{FakeGithub, Kind, Repo, World, bot, user};
use support::{audit_json, days_ago};

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

#[test]
fn newcomer_figures_through_the_api_match_the_hand_computed_ones() {
    let fake = FakeGithub::start(world());
    let report = audit_json(&fake, "acme/stars");
    let n = &figures(&report)["newcomers"]["all"];
    assert_eq!(n["count"], 7, "{n}"); // the six judged and #8, in draft
    assert_eq!(n["judged"], 6, "{n}");
    assert_eq!(n["answered"], 4, "{n}");
    assert_eq!(n["median_seconds"], 10 * 3600);
    assert_eq!(n["p90_seconds"], 30 * 3600);
    assert_eq!(n["answered_within_target"], 4);
    assert_eq!(n["closed_unanswered"], 1);
    assert_eq!(n["waiting"], 1);
    assert_eq!(n["in_draft"], 1);
    let excluded = &figures(&report)["excluded"];
    assert_eq!(excluded["deleted_authors"], 1, "{excluded}");
    assert_eq!(excluded["maintainers"], 1);
    assert_eq!(excluded["unconfirmed"], 0);
    assert_eq!(figures(&report)["history_checked"], true);
    let regulars = &figures(&report)["regulars"]["all"];
    assert_eq!(regulars["count"], 1, "kate, with an issue before the window: {regulars}");
    assert_eq!(regulars["median_seconds"], 3600);
    assert_eq!(report["newcomers"]["waiting"][0]["number"], 9);
    assert_eq!(report["newcomers"]["waiting"][0]["age_seconds"], 12 * 86400);

    assert_eq!(finding(&report, "newcomer-response")["status"], "warn", "{}", finding(&report, "newcomer-response"));
    let waiting = finding(&report, "waiting-newcomers");
    assert_eq!(waiting["status"], "warn", "{waiting}");
    assert!(waiting["evidence"][0]["text"].as_str().unwrap().starts_with("#9 "), "{waiting}");
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
