//! `cm-audit report --period`: the monthly community report, through the real binary, offline from a
//! snapshot (`--from`). Its errors are one line each with their own exit status (8): a malformed
//! period, a month not begun, data that does not reach back to the month's start.

use crate::common;

use common::cm_audit;
use serde_json::{Value, json};

/// A snapshot of acme/widgets collected at the tests' clock (2026-11-01), its window starting at
/// `window_start`.
fn snapshot(window_start: &str) -> tempfile::NamedTempFile {
    let out = cm_audit().args(["snapshot", "well-kept"]).output().unwrap();
    let mut snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    snap["repository"] = json!("acme/widgets");
    snap["activity"] = json!({
        "window_start": window_start,
        "items": [{
            "kind": "pull-request", "number": 3, "title": "Fix build",
            "url": "https://github.com/acme/widgets/pull/3",
            "author": {"login": "bob", "is_bot": false}, "author_association": "FIRST_TIME_CONTRIBUTOR",
            "created_at": "2026-10-05T00:00:00Z", "responses": [],
            "merged_at": "2026-10-06T00:00:00Z", "merged_by": {"login": "maint", "is_bot": false}
        }]
    });
    snap["unavailable"] = json!({});
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&snap).unwrap()).unwrap();
    file
}

fn report(file: &tempfile::NamedTempFile, extra: &[&str]) -> std::process::Output {
    cm_audit().args(["report", "--from", file.path().to_str().unwrap()]).args(extra).output().unwrap()
}

fn one_line_error(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
    stderr
}

#[test]
fn last_month_from_a_snapshot_is_markdown_ready_to_post() {
    let file = snapshot("2026-08-03T00:00:00Z");
    let out = report(&file, &["--period", "last-month"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# acme/widgets: community report for October 2026\n"), "{md}");
    assert!(md.contains("<sub>Sources:"), "{md}");
}

#[test]
fn the_json_of_a_month_compares_with_next_month() {
    let file = snapshot("2026-08-03T00:00:00Z");
    let out = report(&file, &["--period", "2026-10", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let saved = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(saved.path(), &out.stdout).unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["repository"], "acme/widgets");
    let compared = report(&file, &["--period", "2026-10", "--compare", saved.path().to_str().unwrap()]);
    assert!(compared.status.success(), "{}", String::from_utf8_lossy(&compared.stderr));
    let md = String::from_utf8(compared.stdout).unwrap();
    assert!(md.contains("## Gaps fixed and opened since the report of 2026-11-01 00:00 UTC"), "{md}");
    assert!(md.contains("No rule changed its result."), "{md}");
}

#[test]
fn a_malformed_period_says_what_to_give() {
    let file = snapshot("2026-08-03T00:00:00Z");
    for bad in ["2026-13", "november", "2026-1"] {
        let out = report(&file, &["--period", bad]);
        assert_eq!(out.status.code(), Some(8), "{bad}");
        let e = one_line_error(&out);
        assert!(e.contains("give a month as YYYY-MM"), "{e}");
    }
}

#[test]
fn a_month_not_begun_is_refused() {
    let file = snapshot("2026-08-03T00:00:00Z");
    let out = report(&file, &["--period", "2026-12"]);
    assert_eq!(out.status.code(), Some(8));
    assert!(one_line_error(&out).contains("the period 2026-12 has not begun yet"));
}

#[test]
fn data_that_does_not_reach_back_to_the_month_is_refused() {
    let file = snapshot("2026-10-15T00:00:00Z");
    let out = report(&file, &["--period", "2026-10"]);
    assert_eq!(out.status.code(), Some(8));
    let e = one_line_error(&out);
    assert!(e.contains("starts on 2026-10-15, after October 2026 began"), "{e}");
    // A snapshot of a checkout has no issues at all.
    let out = cm_audit().args(["snapshot", "well-kept"]).output().unwrap();
    let checkout = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(checkout.path(), &out.stdout).unwrap();
    let out = cm_audit().args(["report", "--period", "2026-10", "--from"]).arg(checkout.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    assert!(one_line_error(&out).contains("no issues or pull requests to report on October 2026"));
}

#[test]
fn a_repository_or_a_snapshot_is_needed() {
    let out = cm_audit().args(["report", "--period", "2026-10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("name the repository (OWNER/REPO)"));
    let out = cm_audit().args(["report", "well-kept", "--period", "2026-10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out).contains("well-kept is a checkout"));
}

#[test]
fn through_the_api_the_window_reaches_back_to_the_months_start() {
    use crate::support::fake_github::{FakeGithub, Kind, Repo, World, routes, user};
    let mut repo = Repo::new("acme/widgets").file("README.md", "# Widgets\n");
    // Inside the default 90-day window, outside the month's 51 days.
    repo.item(Kind::Issue, user("old-timer"), "NONE", crate::support::days_ago(60));
    repo.item(Kind::Issue, user("newcomer"), "NONE", crate::support::days_ago(20));
    let fake = FakeGithub::start(World::default().with(repo));
    // At 2026-11-20 12:00, October began 50.5 days ago: 51 whole days.
    let out = crate::support::rest_only(&fake)
        .args(["report", "acme/widgets", "--period", "last-month", "--no-cache"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("community report for October 2026\n"), "{md}");
    let comments: Vec<String> =
        fake.served().into_iter().filter(|s| s.route == Some(routes::COMMENTS)).map(|s| s.uri).collect();
    assert!(!comments.is_empty() && comments.iter().all(|uri| uri.contains("since=2026-09-30T12")), "{comments:?}");
}
