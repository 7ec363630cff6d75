//! The community dynamics of one repository, end to end: collected from the fake GitHub by the real
//! binary (GraphQL, then REST), measured, and written into the JSON report's `dynamics` section.
//! Every expected figure is worked out by hand below from the fixture, following docs/dynamics.md.

use crate::support;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use support::fake_github::model::{Comment, Release};
use support::fake_github::{FakeGithub, Kind, Repo, World, bot, user};
use support::{cm_audit, days_ago, rest_only};

/// `acme/pulse`, audited with the default 90-day window (from 90 days ago), the previous window
/// from 180 to 90 days ago. mia (OWNER) and max (MEMBER) maintain it. Numbers follow the order
/// items are added (issues, pull requests and discussions share one sequence).
fn world() -> World {
    let mut r = Repo::new("acme/pulse").file("README.md", "# Pulse\n\nA project that moves.\n");
    r.has_discussions = true;
    let (mia, max) = (|| user("mia"), || user("max"));
    // The window.
    r.item(Kind::PullRequest, user("ann"), "NONE", days_ago(80)).merge(days_ago(78), mia()); // #1
    r.review(1, mia(), "OWNER", "APPROVED", Some(days_ago(79)));
    let turned_away = r.item(Kind::PullRequest, user("bob"), "NONE", days_ago(70)); // #2
    (turned_away.closed_at, turned_away.closed_by) = (Some(days_ago(60)), mia());
    r.item(Kind::PullRequest, user("cat"), "NONE", days_ago(65)).merge(days_ago(64), max()); // #3
    r.item(Kind::Issue, user("dan"), "NONE", days_ago(50)); // #4
    r.comment(4, max(), "MEMBER", days_ago(49));
    r.item(Kind::Issue, user("eve"), "CONTRIBUTOR", days_ago(40)); // #5
    r.comment(5, mia(), "OWNER", days_ago(39));
    r.item(Kind::PullRequest, max(), "MEMBER", days_ago(35)).merge(days_ago(33), mia()); // #6
    r.review(6, mia(), "OWNER", "APPROVED", Some(days_ago(34)));
    r.item(Kind::PullRequest, mia(), "OWNER", days_ago(30)).merge(days_ago(28), mia()); // #7
    r.review(7, max(), "MEMBER", "APPROVED", Some(days_ago(29)));
    r.item(Kind::Issue, user("fay"), "NONE", days_ago(20)); // #8
    r.comment(8, user("gus"), "NONE", days_ago(19));
    r.comment(8, mia(), "OWNER", days_ago(18));
    r.item(Kind::PullRequest, bot("dependabot"), "NONE", days_ago(15)).merge(days_ago(14), mia()); // #9
    r.item(Kind::Issue, user("hal"), "NONE", days_ago(10)); // #10
    r.item(Kind::PullRequest, user("ann"), "CONTRIBUTOR", days_ago(9)).merge(days_ago(7), max()); // #11
    r.review(11, max(), "MEMBER", "COMMENTED", Some(days_ago(8)));
    // The previous window, and two items before it.
    r.item(Kind::Issue, user("dan"), "NONE", days_ago(100)); // #12
    r.item(Kind::Issue, user("eve"), "CONTRIBUTOR", days_ago(120)); // #13
    r.item(Kind::PullRequest, user("ivy"), "NONE", days_ago(95)).merge(days_ago(85), mia()); // #14
    r.item(Kind::Issue, user("jon"), "NONE", days_ago(150)); // #15
    r.item(Kind::Issue, user("kim"), "NONE", days_ago(160)); // #16
    r.item(Kind::Issue, user("eve"), "NONE", days_ago(400)); // #17
    r.item(Kind::Issue, user("kim"), "NONE", days_ago(300)); // #18
    // Discussions.
    let replied = r.discussion(user("lee"), "NONE", days_ago(60), ("Q&A", true)); // #19
    replied.comments.push(comment(19, "zed", "NONE", days_ago(59)));
    replied.comments.push(comment(19, "max", "MEMBER", days_ago(58)));
    let accepted = r.discussion(user("mo"), "NONE", days_ago(30), ("Q&A", true)); // #20
    accepted.comments.push(comment(20, "zed", "NONE", days_ago(30) + Duration::hours(12)));
    accepted.answer = Some((0, days_ago(29)));
    r.discussion(user("ned"), "NONE", days_ago(10), ("Q&A", true)); // #21
    r.discussion(user("ola"), "NONE", days_ago(20), ("General", false)); // #22
    r.discussion(user("pat"), "NONE", days_ago(120), ("Q&A", true)); // #23
    // quin closes their own pull request: withdrawn, not rejected.
    r.item(Kind::PullRequest, user("quin"), "NONE", days_ago(5)).closed_at = Some(days_ago(4)); // #24
    r.releases = [(200, "v1.0.0"), (130, "v1.1.0"), (100, "v1.2.0"), (70, "v1.3.0"), (40, "v1.4.0"), (10, "v1.5.0")]
        .into_iter()
        .rev()
        .map(|(days, tag)| Release { tag: tag.into(), published_at: days_ago(days), prerelease: false, draft: false })
        .collect();
    r.last_commit_at = days_ago(2);
    World::default().with(r)
}

fn comment(number: u64, by: &str, association: &'static str, at: DateTime<Utc>) -> Comment {
    Comment { number, user: user(by), association, created_at: at }
}

fn dynamics(mut cmd: assert_cmd::Command) -> Value {
    let out = cmd.args(["acme/pulse", "--format", "json"]).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["dynamics"].clone()
}

fn numbers(links: &Value) -> Vec<u64> {
    links.as_array().unwrap().iter().map(|l| l["number"].as_u64().unwrap()).collect()
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

/// Who carries it. Reviews of others' pull requests: mia on #1 and #6, max on #7 and #11 (2 and 2).
/// Merges of others' pull requests in the window: mia #1, #6, #9 (a bot's) and #14 (opened in the
/// previous window, merged 85 days ago), max #3 and #11 (4 and 2); mia merging her own #7 does not
/// count. First responses to others' issues: max on #4, mia on #5, gus on #8 (mia's later reply is
/// not a first); #10 has none. mia 7, max 5, gus 1: 13 actions, and mia alone did more than half.
fn assert_carriers(d: &Value) {
    let c = &d["carriers"];
    assert_eq!(c["status"], "measured", "{c}");
    assert_eq!(
        (&c["absence_factor"], &c["people"], &c["actions"], &c["reviews"], &c["merges"], &c["first_responses"]),
        (&1.into(), &3.into(), &13.into(), &4.into(), &6.into(), &3.into()),
        "{c}"
    );
    let shares = c["shares"].as_array().unwrap();
    assert!(close(&shares[0], 7.0 / 13.0) && close(&shares[1], 5.0 / 13.0) && close(&shares[2], 1.0 / 13.0), "{c}");
    assert!(c.get("named").is_none(), "logins only with --people: {c}");
}

#[test]
fn the_figures_through_graphql_are_those_worked_out_by_hand() {
    let fake = FakeGithub::start(world());
    let d = dynamics(cm_audit(&fake));
    assert_eq!(d["version"], 1);
    assert_carriers(&d);

    // Retention. The previous window's people: dan (#12), ivy (#14) and jon (#15) opened nothing
    // before it: newcomers; eve (#13, with #17 400 days ago) and kim (#16, with #18): regulars.
    // Back in this window: dan (#4) and ivy (#14 merged 85 days ago); eve (#5); not jon nor kim.
    let r = &d["retention"];
    assert_eq!(
        (&r["newcomers"], &r["newcomers_returned"], &r["regulars"], &r["regulars_returned"], &r["unconfirmed"]),
        (&3.into(), &2.into(), &2.into(), &1.into(), &0.into()),
        "{r}"
    );
    assert!(close(&r["newcomer_rate"], 2.0 / 3.0) && close(&r["regular_rate"], 0.5), "{r}");

    // New contributors: ann (#1), bob (#2), cat (#3), fay (#8), hal (#10), quin (#24) opened their
    // first item in the window; dan and eve had items before it, gus opened nothing, mia and max maintain, and
    // dependabot is a bot. Their pull requests merged in the window, oldest first: #1, #3, #11.
    let n = &d["new_contributors"];
    assert_eq!(n["count"], 6, "{n}");
    assert_eq!(numbers(&n["merged"]), [1, 3, 11], "{n}");

    // Silent closes. Newcomers' pull requests of the window closed by now: #1 (reviewed by mia),
    // #2 (closed by mia, no word: rejected silently), #3 (merged by max without a word), #24
    // (closed by quin, its author: withdrawn). #11 is ann's second, not a newcomer's.
    let s = &d["silent_closes"];
    assert_eq!(
        (&s["closed"], &s["rejected_silently"], &s["merged_silently"], &s["withdrawn"]),
        (&4.into(), &1.into(), &1.into(), &1.into()),
        "{s}"
    );
    assert!(close(&s["silent_share"], 2.0 / 4.0), "{s}");
    assert_eq!(numbers(&s["rejected"]), [2], "{s}");

    // Questions: the Q&A discussions of the window, #19 (max, a maintainer, replied), #20 (an
    // accepted answer) and #21 (no reply); #22 is not a Q&A, #23 is older than the window. First
    // replies: zed after a day on #19, after 12 hours on #20: median 18 hours.
    let q = &d["questions"];
    assert_eq!((&q["source"], &q["asked"], &q["answered"]), (&"discussions".into(), &3.into(), &2.into()), "{q}");
    assert_eq!(q["median_first_reply_seconds"], 18 * 3600, "{q}");
    assert_eq!(numbers(&q["unanswered"]), [21], "{q}");

    // Release pulse: v1.5.0 ten days ago; the last five release days (10, 40, 70, 100 and 130 days
    // ago) are 30 days apart; v1.3.0, v1.4.0 and v1.5.0 fall in the window.
    let p = &d["releases"];
    assert_eq!(p["last_release"]["tag"], "v1.5.0", "{p}");
    assert_eq!((&p["days_since_last"], &p["releases_in_span"]), (&10.into(), &3.into()), "{p}");
    assert!(close(&p["median_interval_days"], 30.0), "{p}");

    // The trends' buckets add up to the window's new contributors and releases.
    let buckets = d["trends"]["buckets"].as_array().unwrap();
    let sum = |field: &str| buckets.iter().map(|b| b[field].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("new_contributors"), sum("releases")), (6, 3), "{}", d["trends"]);
}

#[test]
fn rest_gives_the_same_figures_but_the_questions_which_need_discussions() {
    let fake = FakeGithub::start(world());
    let graphql = dynamics(cm_audit(&fake));
    let rest = dynamics(rest_only(&fake));
    for figure in ["carriers", "retention", "new_contributors", "silent_closes", "releases"] {
        assert_eq!(rest[figure], graphql[figure], "{figure} through REST");
    }
    assert_eq!(rest["questions"]["status"], "unavailable", "{}", rest["questions"]);
}

#[test]
fn people_are_named_in_the_json_only_when_asked() {
    let fake = FakeGithub::start(world());
    let mut cmd = cm_audit(&fake);
    cmd.arg("--people");
    let d = dynamics(cmd);
    let named: Vec<(String, u64)> = d["carriers"]["named"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["login"].as_str().unwrap().to_string(), p["actions"].as_u64().unwrap()))
        .collect();
    assert_eq!(named, [("mia".to_string(), 7), ("max".to_string(), 5), ("gus".to_string(), 1)]);
}

/// October 2026 (the fake's now is 20 November): fay's #8 (31 October) is the month's only first
/// item; ann, bob and cat, new in September, did not come back in October (ann's #11 is from
/// November); v1.4.0 (11 October) is its release; #20 its question, answered; five actions (max's
/// first response on #4, mia's on #5 and gus's on #8, mia's review and merge of #6) are too few to
/// say who carries it.
#[test]
fn the_monthly_report_of_october_is_worked_out_by_hand() {
    let fake = FakeGithub::start(world());
    let out = cm_audit(&fake).args(["report", "acme/pulse", "--period", "2026-10"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "# acme/pulse: community report for October 2026",
        "**1 new contributor** opened a first issue or pull request; none of their pull requests was merged yet.",
        "1 release published, the last: [v1.4.0](<https://github.com/acme/pulse/releases/tag/v1.4.0>).",
        "0 of 3 newcomers of the span before came back",
        "1 of 1 Q&amp;A discussions \\(100%\\); median first reply 12 h",
        "too few reviews, merges and first responses to judge who carries the project: 5 from 2026-10-01 to 2026-11-01",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}
