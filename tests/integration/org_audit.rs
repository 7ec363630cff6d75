//! `--org` and `--user`: every repository of an owner, forks and archived ones left out unless
//! asked, one failing repository reported in its row, worst first, within the rate limit.

use crate::support;

use serde_json::Value;
use support::fake_github::{FakeGithub, Fault, Repo, World};
use support::{cm_audit, rest_only};

/// acme: a well-kept repository, a bare one, a fork, an archived one, and one deleted mid-run.
fn acme() -> World {
    let kept = Repo::new("acme/kept")
        .file("README.md", "# Kept\n\nRead [CONTRIBUTING.md](CONTRIBUTING.md).\n")
        .file("CONTRIBUTING.md", "# Contributing\n\nRun the tests; we answer within two days.\n")
        .file("CODE_OF_CONDUCT.md", "# Code of conduct\n\nBe kind. Report problems to conduct@acme.example.\n")
        .file("LICENSE", "MIT\n")
        .label("good first issue");
    let bare = Repo::new("acme/bare").file("src/main.rs", "fn main() {}\n");
    let mut fork = Repo::new("acme/forked").file("README.md", "# Fork\n");
    fork.fork = true;
    let mut old = Repo::new("acme/old").file("README.md", "# Old\n");
    old.archived = true;
    let gone = Repo::new("acme/gone").file("README.md", "# Gone\n");
    World::default().with(kept).with(bare).with(fork).with(old).with(gone)
}

fn run(fake: &FakeGithub, args: &[&str]) -> (Option<i32>, Value, String) {
    run_with(cm_audit(fake), args)
}

fn run_with(mut cmd: assert_cmd::Command, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = cmd.args(args).args(["--format", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (out.status.code(), doc, stderr)
}

fn names(doc: &Value) -> Vec<&str> {
    doc["repositories"].as_array().unwrap().iter().map(|r| r["repository"].as_str().unwrap()).collect()
}

#[test]
fn audits_every_repository_worst_first_and_reports_the_one_that_failed() {
    for rest in [false, true] {
        let fake = FakeGithub::start(acme());
        // Deleted after the listing: REST's first request fails, GraphQL's first file listing.
        fake.inject("/repos/acme/gone", Fault::Status(404, "Not Found"), None);
        fake.inject("/repos/acme/gone/git/trees/main", Fault::Status(404, "Not Found"), None);
        fake.inject("/repos/acme/gone/contents/", Fault::Status(404, "Not Found"), None);
        let cmd = if rest { rest_only(&fake) } else { cm_audit(&fake) };
        check_rows_worst_first(run_with(cmd, &["--org", "acme"]));
    }
}

fn check_rows_worst_first((code, doc, stderr): (Option<i32>, Value, String)) {
    assert_eq!(code, Some(4), "the failed repository's exit status: {stderr}");
    assert_eq!(doc["owner"], "acme");
    assert_eq!(names(&doc), ["acme/bare", "acme/kept", "acme/gone"]);
    let rows = doc["repositories"].as_array().unwrap();
    let (bare, kept, gone) = (&rows[0], &rows[1], &rows[2]);
    assert_eq!((bare["status"].as_str(), kept["status"].as_str()), (Some("audited"), Some("audited")));
    assert!(bare["score"].as_u64() < kept["score"].as_u64(), "{doc:#}");
    assert_eq!(bare["responsibilities"].as_array().unwrap().len(), 5);
    assert_eq!(bare["responsibilities"][0]["id"], "welcoming");
    assert!(bare["top_gap"]["rule"].is_string() && bare["error"].is_null());
    assert_eq!(gone["status"], "failed");
    assert!(gone["error"].as_str().unwrap().contains("acme/gone"), "{gone:#}");
    assert_eq!(doc["skipped"]["forks"], serde_json::json!(["acme/forked"]));
    assert_eq!(doc["skipped"]["archived"], serde_json::json!(["acme/old"]));
}

#[test]
fn match_and_include_flags_choose_the_repositories() {
    let fake = FakeGithub::start(acme());
    let (code, doc, _) = run(&fake, &["--org", "acme", "--match", "*e*", "--include-forks", "--include-archived"]);
    assert_eq!(code, Some(0));
    let mut audited = names(&doc);
    audited.sort();
    assert_eq!(audited, ["acme/bare", "acme/forked", "acme/gone", "acme/kept"]);
    assert_eq!(doc["skipped"]["not_matching"], 1);
}

#[test]
fn a_user_s_repositories_are_listed_from_the_user() {
    let fake = FakeGithub::start(acme());
    let (code, doc, _) = run(&fake, &["--user", "acme", "--match", "kept", "--jobs", "1"]);
    assert_eq!(code, Some(0));
    assert_eq!(names(&doc), ["acme/kept"]);
    assert!(fake.served().iter().any(|s| s.uri.starts_with("/users/acme/repos")));
}

/// GitHub answers 404 to `/orgs/{name}/repos` for a user's name: `--org` then audits the user's
/// repositories, saying so. A name that is neither is not found (exit 4), named in the error.
#[test]
fn a_user_given_to_org_is_audited_as_the_user() {
    let fake = FakeGithub::start(acme());
    fake.inject("/orgs/acme/repos", Fault::Status(404, "Not Found"), None);
    let (code, doc, stderr) = run(&fake, &["--org", "acme", "--match", "kept", "--jobs", "1"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(names(&doc), ["acme/kept"]);
    assert!(stderr.contains("acme is not an organisation: auditing the user's repositories (--user acme)"), "{stderr}");

    let out = cm_audit(&fake).args(["--org", "nobody"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("nobody") && !stderr.contains("panicked"), "{stderr}");
    let asked: Vec<String> = fake.served().into_iter().map(|s| s.uri).filter(|u| u.contains("nobody")).collect();
    assert_eq!(asked.len(), 2, "the organisation, then the user: {asked:?}");
}

#[test]
fn stops_cleanly_when_the_budget_is_spent_saying_what_was_not_audited() {
    let fake = FakeGithub::start(acme());
    fake.spend(4_990);
    let (code, doc, stderr) = run_with(rest_only(&fake), &["--org", "acme"]);
    assert_eq!(code, Some(6), "{stderr}");
    assert!(stderr.contains("need about") && stderr.contains("left"), "{stderr}");
    let rows = doc["repositories"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["status"] == "not-audited"), "{doc:#}");
    assert!(rows[0]["error"].as_str().unwrap().contains("--wait"));
}

/// Every form lists the repositories; that markdown and HTML give the same table cell for cell
/// is `report::table_parity::markdown_and_html_give_the_same_table`.
#[test]
fn markdown_html_and_text_list_the_repositories() {
    let fake = FakeGithub::start(acme());
    for (format, needle) in [("markdown", "| acme/bare |"), ("html", "bare</td>"), ("text", "acme/bare")] {
        let out = cm_audit(&fake).args(["--org", "acme", "--format", format]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains(needle) && text.contains("Conflict resolution"), "{text}");
    }
}

#[test]
fn graphql_points_are_budgeted_too() {
    let fake = FakeGithub::start(acme());
    fake.spend_graphql(4_985);
    let (code, doc, stderr) = run(&fake, &["--org", "acme", "--jobs", "1"]);
    assert_eq!(code, Some(6), "{stderr}");
    assert!(stderr.contains("need about 45 GraphQL points and that rate limit has 15 left"), "{stderr}");
    let statuses: Vec<&str> =
        doc["repositories"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    // Estimated at 15 points each, one fits; the true figure asked for then is less than 15.
    assert_eq!(statuses.iter().filter(|s| **s == "audited").count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == "not-audited").count(), 2, "{statuses:?}");
}

#[test]
fn wait_sits_out_the_reset_and_audits_every_repository() {
    let fake = FakeGithub::start(acme());
    fake.spend_graphql(4_995);
    fake.reset_after(std::time::Duration::from_secs(2));
    let started = std::time::Instant::now();
    let (code, doc, stderr) = run(&fake, &["--org", "acme", "--wait"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "waited for the reset");
    assert_eq!(stderr.matches("waiting").count(), 2, "the estimate, then the wait, said once: {stderr}");
    let audited = doc["repositories"].as_array().unwrap().iter().filter(|r| r["status"] == "audited").count();
    assert_eq!(audited, 3, "{doc:#}");

    let fake = FakeGithub::start(acme());
    fake.spend_graphql(4_995);
    fake.reset_after(std::time::Duration::from_secs(2));
    let (code, doc, _) = run(&fake, &["--org", "acme"]);
    assert_eq!(code, Some(6));
    assert!(doc["repositories"].as_array().unwrap().iter().all(|r| r["status"] == "not-audited"), "{doc:#}");
}

/// Three repositories without a code of conduct inherit acme/.github's: its tree is listed and
/// its code of conduct read once for the whole run (and once more for acme/.github's own audit),
/// not once a repository.
#[test]
fn the_owners_community_files_are_read_once_a_run() {
    let coc = "# Code of conduct\n\nBe kind. Report problems to conduct@acme.example; the team answers within a day.\n";
    let mut world = World::default().with(Repo::new("acme/.github").file("CODE_OF_CONDUCT.md", coc));
    for name in ["acme/one", "acme/two", "acme/three"] {
        world = world.with(Repo::new(name).file("README.md", "# A project\n"));
    }
    let fake = FakeGithub::start(world);
    let (code, doc, stderr) = run(&fake, &["--org", "acme", "--no-cache", "--jobs", "1"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(doc["repositories"].as_array().unwrap().len(), 4);
    let listed = fake.served().iter().filter(|s| s.uri.starts_with("/repos/acme/.github/git/trees/")).count();
    assert_eq!(listed, 2, "once for inheritance, once for its own audit");
    let blob_reads: usize =
        fake.graphql_queries().iter().filter(|(q, v)| q.starts_with("query Blobs") && v["name"] == ".github").count();
    assert_eq!(blob_reads, 2, "its code of conduct read once for inheritance, once for its own audit");
    for name in ["acme/one", "acme/two", "acme/three"] {
        let out = cm_audit(&fake).args([name, "--format", "json", "--no-cache"]).output().unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["sources"]["inherited_from"], "acme/.github", "{name}");
    }
}
