//! What the community dynamics are computed from (issue 13), collected through GraphQL and through
//! REST: merges and who merged, the previous window's items and their authors' history, the
//! releases and the default branch's last commit, and the discussions (GraphQL only). Expected
//! values are written out by hand from the fixture below.

use crate::support;

use chrono::Duration;
use serde_json::{Value, json};
use support::fake_github::model::{Release, monthly_releases};
use support::fake_github::{FakeGithub, Kind, Repo, World, bot, user};
use support::{cm_audit, days_ago, rest_only};

/// `acme/dyn`, audited with the default 90-day window: the previous window runs from 180 to 90
/// days ago.
///
/// This window: #1 newbie's pull request, merged by maint; #2 returner's issue (returner opened #5
/// in the previous window); #3 oldhand's issue (oldhand opened #7 400 days ago); #4 a bot's pull
/// request merged by a deleted user. Previous window: #5 returner's issue; #6 prev-new's pull
/// request, merged by maint2 before this window began; #8 veteran's issue (veteran opened #9 300
/// days ago). Discussions: #10 a question answered by maint, #11 a question unanswered, #12 a
/// general discussion, #13 an old question (before the window).
fn world() -> World {
    let mut r = Repo::new("acme/dyn").file("README.md", "# Dyn\n\nA project that moves.\n");
    r.has_discussions = true;
    r.item(Kind::PullRequest, user("newbie"), "NONE", days_ago(10)).merge(days_ago(8), user("maint"));
    r.comment(1, user("maint"), "MEMBER", days_ago(9));
    r.item(Kind::Issue, user("returner"), "NONE", days_ago(20));
    r.item(Kind::Issue, user("oldhand"), "CONTRIBUTOR", days_ago(30));
    r.item(Kind::PullRequest, bot("dependabot"), "NONE", days_ago(40)).merge(days_ago(39), None);
    r.item(Kind::Issue, user("returner"), "NONE", days_ago(120)).closed_at = Some(days_ago(110));
    r.item(Kind::PullRequest, user("prev-new"), "NONE", days_ago(100)).merge(days_ago(95), user("maint2"));
    r.item(Kind::Issue, user("oldhand"), "CONTRIBUTOR", days_ago(400));
    r.item(Kind::Issue, user("veteran"), "CONTRIBUTOR", days_ago(150));
    r.item(Kind::Issue, user("veteran"), "CONTRIBUTOR", days_ago(300));
    let question = r.discussion(user("asker"), "NONE", days_ago(12), ("Q&A", true));
    question.comments.push(comment(10, "asker", "NONE", days_ago(12) + Duration::minutes(5)));
    question.comments.push(comment(10, "maint", "MEMBER", days_ago(11)));
    question.answer = Some((1, days_ago(10)));
    r.discussion(user("lost"), "NONE", days_ago(5), ("Q&A", true));
    r.discussion(user("chatty"), "CONTRIBUTOR", days_ago(3), ("General", false)).closed_at = Some(days_ago(2));
    r.discussion(user("early"), "NONE", days_ago(200), ("Q&A", true));
    r.releases = monthly_releases(3);
    r.releases
        .insert(0, Release { tag: "v2.0.0-rc.1".into(), published_at: days_ago(20), prerelease: true, draft: false });
    r.releases.insert(0, Release { tag: "v2.0.0".into(), published_at: days_ago(1), prerelease: false, draft: true });
    r.last_commit_at = days_ago(2);
    World::default().with(r)
}

fn comment(
    number: u64,
    by: &str,
    association: &'static str,
    at: chrono::DateTime<chrono::Utc>,
) -> support::fake_github::model::Comment {
    support::fake_github::model::Comment { number, user: user(by), association, created_at: at }
}

fn snapshot(mut cmd: assert_cmd::Command) -> Value {
    let out = cmd.args(["snapshot", "acme/dyn"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stamp(days: i64) -> String {
    days_ago(days).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `(number, merged_at, merged_by)` of the items of a list.
fn merges(items: &Value) -> Vec<(u64, Value, Value)> {
    let items = items.as_array().unwrap();
    items
        .iter()
        .map(|i| (i["number"].as_u64().unwrap(), i["merged_at"].clone(), i["merged_by"]["login"].clone()))
        .collect()
}

#[test]
fn graphql_and_rest_collect_the_same_merges_previous_window_and_releases() {
    let fake = FakeGithub::start(world());
    let graphql = snapshot(cm_audit(&fake));
    let rest = snapshot(rest_only(&fake));
    assert!(fake.graphql_rejections().is_empty(), "{:?}", fake.graphql_rejections());
    for snap in [&graphql, &rest] {
        let activity = &snap["activity"];
        assert_eq!(
            merges(&activity["items"]),
            [
                (1, json!(stamp(8)), json!("maint")),
                (2, Value::Null, Value::Null),
                (3, Value::Null, Value::Null),
                (4, json!(stamp(39)), Value::Null),
            ]
        );
        // returner needs no look-up: #5 is in the previous window.
        assert_eq!(activity["authors_with_earlier_items"], json!(["oldhand", "returner"]));
        let previous = &activity["previous"];
        assert_eq!(previous["start"], stamp(180));
        assert_eq!(
            merges(&previous["items"]),
            [(6, json!(stamp(95)), json!("maint2")), (5, Value::Null, Value::Null), (8, Value::Null, Value::Null)]
        );
        assert_eq!(previous["items"][1]["closed_at"], stamp(110));
        assert_eq!(previous["authors_with_earlier_items"], json!(["veteran"]), "veteran's #9 is 300 days old");
        assert!(previous["items"].as_array().unwrap().iter().all(|i| i.get("responses").unwrap() == &json!([])));
        assert_eq!(
            snap["releases"],
            json!({
                "latest": [
                    {"tag": "v2.0.0-rc.1", "url": "https://github.com/acme/dyn/releases/tag/v2.0.0-rc.1", "published_at": stamp(20), "prerelease": true},
                    {"tag": "v1.3.0", "url": "https://github.com/acme/dyn/releases/tag/v1.3.0", "published_at": "2026-01-01T00:00:00Z", "prerelease": false},
                    {"tag": "v1.2.0", "url": "https://github.com/acme/dyn/releases/tag/v1.2.0", "published_at": "2025-12-02T00:00:00Z", "prerelease": false},
                    {"tag": "v1.1.0", "url": "https://github.com/acme/dyn/releases/tag/v1.1.0", "published_at": "2025-11-02T00:00:00Z", "prerelease": false},
                ],
                "last_commit_at": stamp(2),
            }),
            "the draft is left out"
        );
    }
    assert_eq!(graphql["activity"]["previous"], rest["activity"]["previous"], "the previous window alike");
    assert_eq!(graphql["releases"], rest["releases"]);
}

#[test]
fn discussions_come_through_graphql_and_rest_says_it_has_none() {
    let fake = FakeGithub::start(world());
    let graphql = snapshot(cm_audit(&fake));
    assert_eq!(fake.graphql_query_names().iter().filter(|q| *q == "Discussions").count(), 1);
    let discussions = &graphql["discussions"];
    assert_eq!(discussions["window_start"], stamp(90));
    assert_eq!(discussions["complete"], true);
    let items = discussions["items"].as_array().unwrap();
    let numbers: Vec<u64> = items.iter().map(|d| d["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [12, 11, 10], "newest first, the old question left out");
    assert_eq!(
        items[2],
        json!({
            "number": 10, "title": "Question 10", "url": "https://github.com/acme/dyn/discussions/10",
            "author": {"login": "asker", "is_bot": false}, "author_association": "NONE",
            "created_at": stamp(12), "category": "Q&A", "answerable": true,
            "answer_chosen_at": stamp(10), "answered_by": {"login": "maint", "is_bot": false},
            "responses": [
                {"kind": "comment", "author": {"login": "asker", "is_bot": false}, "author_association": "NONE", "at": (days_ago(12) + Duration::minutes(5)).format("%Y-%m-%dT%H:%M:%SZ").to_string()},
                {"kind": "comment", "author": {"login": "maint", "is_bot": false}, "author_association": "MEMBER", "at": stamp(11)},
            ],
        })
    );
    assert_eq!((items[0]["category"].as_str(), items[0]["answerable"].as_bool()), (Some("General"), Some(false)));
    assert_eq!(items[0]["closed_at"], stamp(2));
    assert!(items[1].get("answer_chosen_at").is_none() && items[1]["responses"] == json!([]));
    assert!(graphql["unavailable"].get("discussions").is_none(), "{}", graphql["unavailable"]);

    let rest = snapshot(rest_only(&fake));
    assert!(rest.get("discussions").is_none());
    let why = rest["unavailable"]["discussions"].as_str().unwrap();
    assert!(why.contains("REST has no listing of a repository's discussions"), "{why}");
}

#[test]
fn discussions_disabled_cost_no_request() {
    let mut world = world();
    world.repo_mut("acme/dyn").has_discussions = false;
    let fake = FakeGithub::start(world);
    let snap = snapshot(cm_audit(&fake));
    assert!(!fake.graphql_query_names().iter().any(|q| q == "Discussions"), "{:?}", fake.graphql_query_names());
    assert!(snap.get("discussions").is_none());
    assert!(snap["unavailable"].get("discussions").is_none(), "{}", snap["unavailable"]);
    let rest = snapshot(rest_only(&fake));
    assert!(rest["unavailable"].get("discussions").is_none(), "disabled is not unavailable: {}", rest["unavailable"]);
}

/// A window of one issue after a previous window of 150: the first activity page holds the
/// window's issue and the previous window's newest 99, and the `Earlier` query carries the
/// listing on, in the light selection, down to the previous window's start. REST's
/// creation-ordered listing reads the same items.
#[test]
fn a_long_previous_window_is_carried_on_past_the_activity_pages() {
    let mut r = Repo::new("acme/dyn").file("README.md", "# Dyn\n");
    for i in 0..150 {
        r.item(Kind::Issue, user(&format!("old-{i}")), "MEMBER", days_ago(175) + Duration::hours(i));
    }
    r.item(Kind::Issue, user("old-149"), "MEMBER", days_ago(185));
    r.item(Kind::Issue, user("now"), "MEMBER", days_ago(1));
    let fake = FakeGithub::start(World::default().with(r));
    let graphql = snapshot(cm_audit(&fake));
    assert!(fake.graphql_rejections().is_empty(), "{:?}", fake.graphql_rejections());
    let names = fake.graphql_query_names();
    assert_eq!(names.iter().filter(|n| *n == "Activity").count(), 1, "{names:?}");
    assert_eq!(names.iter().filter(|n| *n == "Earlier").count(), 1, "{names:?}");
    let previous = &graphql["activity"]["previous"];
    assert_eq!(previous["items"].as_array().unwrap().len(), 150, "the one of 185 days ago left out");
    assert_eq!(previous["complete"], true);
    let rest = snapshot(rest_only(&fake));
    assert_eq!(graphql["activity"]["previous"], rest["activity"]["previous"]);
}
