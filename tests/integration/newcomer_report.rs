//! The newcomer figures from a saved snapshot with issues, checked by hand, in every format.
//!
//! Audit time 2026-11-01T00:00Z; window from 2026-08-03. Newcomer items:
//!
//! - #1 alice (FIRST_TIMER), opened 2026-10-01T10:00+02:00 = 08:00Z; a bot at +1 h does not
//!   count, a maintainer at +5 h does: 5 h.
//! - #2 bob (FIRST_TIME_CONTRIBUTOR), pull request, opened 2026-10-05; a review at +30 h: 30 h.
//! - #3 carol (NONE, no earlier items), opened 2026-10-10; her own reply at +1 h does not count,
//!   another non-maintainer (dave) at +72 h does: 72 h.
//! - #4 erin (NONE), opened 2026-09-20, no answer, open: waiting 42 days.
//! - #7 gina (FIRST_TIMER), opened 2026-10-20; answered at +10 h.
//!
//! Regular: #6 frank (CONTRIBUTOR with earlier items), answered at +1 h. #5 is a maintainer's and
//! is excluded. So 5 newcomer items are judged and 4 answered ([5, 10, 30, 72] h); the median
//! (the mean of the 2nd and 3rd of 4, as issue-metrics computes it) is 20 h; 3 of 5 (60%) were answered within 48 h, between 50% and
//! 80%: a warning. #4 has waited over 30 days: a failure.

use crate::common;

use common::cm_audit;
use serde_json::{Value, json};

fn response(login: &str, association: &str, at: &str, kind: &str, bot: bool) -> Value {
    json!({"kind": kind, "author": {"login": login, "is_bot": bot}, "author_association": association, "at": at})
}

fn item(
    number: u64,
    kind: &str,
    title: &str,
    login: &str,
    association: &str,
    created: &str,
    responses: Vec<Value>,
) -> Value {
    json!({
        "kind": kind, "number": number, "title": title,
        "url": format!("https://github.com/acme/widgets/issues/{number}"),
        "author": {"login": login, "is_bot": false}, "author_association": association,
        "created_at": created, "responses": responses
    })
}

fn snapshot_with_activity() -> tempfile::NamedTempFile {
    let out = cm_audit().args(["snapshot", "well-kept"]).output().unwrap();
    let mut snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    snap["repository"] = json!("acme/widgets");
    snap["activity"] = json!({
        "window_start": "2026-08-03T00:00:00Z",
        "authors_with_earlier_items": ["frank"],
        "items": [
            item(7, "issue", "Typo in docs", "gina", "FIRST_TIMER", "2026-10-20T00:00:00Z",
                vec![response("maint", "MEMBER", "2026-10-20T10:00:00Z", "comment", false)]),
            item(6, "issue", "Feature idea", "frank", "CONTRIBUTOR", "2026-10-02T00:00:00Z",
                vec![response("maint", "MEMBER", "2026-10-02T01:00:00Z", "comment", false)]),
            item(5, "issue", "Release 2.1", "maint", "MEMBER", "2026-10-01T00:00:00Z", vec![]),
            item(3, "issue", "Question", "carol", "NONE", "2026-10-10T00:00:00Z", vec![
                response("carol", "NONE", "2026-10-10T01:00:00Z", "comment", false),
                response("dave", "NONE", "2026-10-13T00:00:00Z", "comment", false)]),
            item(2, "pull-request", "Fix build", "bob", "FIRST_TIME_CONTRIBUTOR", "2026-10-05T00:00:00Z",
                vec![response("maint", "MEMBER", "2026-10-06T06:00:00Z", "review", false)]),
            item(1, "issue", "Crash", "alice", "FIRST_TIMER", "2026-10-01T10:00:00+02:00", vec![
                response("welcome[bot]", "NONE", "2026-10-01T09:00:00Z", "comment", true),
                response("maint", "MEMBER", "2026-10-01T13:00:00Z", "comment", false)]),
            item(4, "issue", "Crash with @everyone ](javascript:alert(1))", "erin", "NONE", "2026-09-20T00:00:00Z", vec![]),
        ]
    });
    snap["unavailable"] = json!({});
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&snap).unwrap()).unwrap();
    file
}

fn run(file: &tempfile::NamedTempFile, format: &str) -> String {
    let out = cm_audit().args(["--from", file.path().to_str().unwrap(), "--format", format]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn newcomer_figures_match_the_hand_computed_ones() {
    let file = snapshot_with_activity();
    let r: Value = serde_json::from_str(&run(&file, "json")).unwrap();
    let n = &r["newcomers"]["figures"]["newcomers"]["all"];
    assert_eq!(n["count"], 5);
    assert_eq!(n["judged"], 5);
    assert_eq!(n["answered"], 4);
    assert_eq!(n["median_seconds"], 20 * 3600);
    assert_eq!(n["answered_within_target"], 3);
    assert_eq!(n["waiting"], 1);
    let regulars = &r["newcomers"]["figures"]["regulars"]["all"];
    assert_eq!(regulars["count"], 1);
    assert_eq!(regulars["median_seconds"], 3600);
    assert_eq!(r["newcomers"]["waiting"][0]["number"], 4);
    assert_eq!(r["newcomers"]["waiting"][0]["age_seconds"], 42 * 86400);

    let finding = |id: &str| r["findings"].as_array().unwrap().iter().find(|f| f["rule"] == id).unwrap().clone();
    assert_eq!(finding("newcomer-response")["status"], "warn", "{}", finding("newcomer-response")["message"]);
    assert_eq!(finding("waiting-newcomers")["status"], "fail");
    assert_eq!(finding("newcomers-vs-regulars")["status"], "skipped");
}

#[test]
fn the_markdown_names_who_waits_without_letting_the_title_inject_anything() {
    let file = snapshot_with_activity();
    let md = run(&file, "markdown");
    assert!(md.contains("### First responses in the last 90 days"), "{md}");
    assert!(md.contains("| Median time to first response | 20 h | 1 h |"), "{md}");
    let line = md.lines().find(|l| l.contains("issues/4")).expect("a link to the waiting item");
    assert!(line.contains("waiting 42 days"), "{line}");
    // A mention inside a code span notifies nobody; outside one it would.
    assert_eq!(line.matches("@everyone").count(), line.matches("`@everyone`").count(), "a mention got through: {line}");
    assert!(!line.contains("](javascript:"), "a link got through: {line}");
}

#[test]
fn the_html_and_terminal_reports_show_the_figures() {
    let file = snapshot_with_activity();
    let html = run(&file, "html");
    assert!(html.contains("Median time to first response</th><td>20 h</td><td>1 h</td>"), "html");
    assert!(!html.contains("<script"), "html");
    let text = run(&file, "text");
    assert!(
        text.contains(
            "Newcomers: median first response 20 h for 5 newcomer items, 1 h for 1 by regulars; 1 newcomers waiting"
        ),
        "{text}"
    );
}
