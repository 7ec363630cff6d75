//! Bad input and faults: each gives one clear line, its own exit code, no panic, and no partial
//! report presented as complete. REST routes' faults are met with `--rest-only`; the same faults on
//! the GraphQL endpoint, which a token uses by default, follow them.

use crate::common;
use crate::support;

use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::fake_github::{FakeGithub, Fault, Repo, World, routes};
use support::{anonymous, cm_audit, community, rest_only};

const USAGE: i32 = 2;
const NOT_FOUND: i32 = 4;
const AUTH: i32 = 5;
const RATE_LIMIT: i32 = 6;
const NETWORK: i32 = 7;

/// Runs `cm-audit ARGS` and checks the failure contract: the exit code, nothing on stdout, and
/// exactly one `error:` line on stderr, which is returned.
fn fails(mut cmd: assert_cmd::Command, args: &[&str], code: i32) -> String {
    let out: Output = cmd.args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "a failed audit printed a report: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0].to_string()
}

fn count(fake: &FakeGithub, route: &str) -> usize {
    fake.counts().get(route).copied().unwrap_or(0)
}

#[test]
fn malformed_repository_argument_is_a_usage_error() {
    let fake = FakeGithub::start(community());
    for bad in ["acme/", "https://github.com/acme", "acme/wid gets"] {
        let line = fails(cm_audit(&fake), &[bad], USAGE);
        assert!(line.contains("expected OWNER/REPO"), "{line}");
    }
    assert_eq!(fake.total(), 0, "nothing is asked of GitHub for a malformed argument");
}

#[test]
fn unknown_repository_is_not_found() {
    let fake = FakeGithub::start(community());
    let line = fails(cm_audit(&fake), &["acme/nothing"], NOT_FOUND);
    // Typed as OWNER/REPO, it could have been meant as a folder: the error says it is not one.
    assert_eq!(
        line,
        "error: acme/nothing is not a folder; as OWNER/REPO: acme/nothing was not found, or is not visible with this token"
    );
    let line = fails(anonymous(&fake), &["acme/nothing"], NOT_FOUND);
    assert!(line.contains("set GITHUB_TOKEN or pass --token"), "{line}");
}

#[test]
fn empty_repository_has_nothing_to_audit() {
    let mut empty = Repo::new("acme/empty");
    empty.empty = true;
    let fake = FakeGithub::start(World::default().with(empty));
    let line = fails(cm_audit(&fake), &["acme/empty"], NOT_FOUND);
    assert!(line.contains("acme/empty is empty"), "{line}");
}

#[test]
fn bad_token_is_an_auth_error() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::REPO, Fault::Status(401, "Bad credentials"), None);
    let line = fails(rest_only(&fake), &["acme/widgets"], AUTH);
    assert!(line.contains("rejected the token (401: Bad credentials)") && line.contains("GITHUB_TOKEN"), "{line}");
    assert_eq!(fake.total(), 1, "a 401 is not retried");
}

#[test]
fn forbidden_tree_names_the_missing_permission() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::TREE, Fault::Status(403, "Resource not accessible by personal access token"), None);
    let line = fails(rest_only(&fake), &["acme/widgets"], AUTH);
    assert!(line.contains("Contents read permission"), "{line}");
}

#[test]
fn forbidden_issues_are_skipped_and_the_rest_stands() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::ISSUES, Fault::Status(403, "Resource not accessible by personal access token"), None);
    let out = rest_only(&fake).args(["snapshot", "acme/widgets"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        snap["unavailable"]["issues"].as_str().unwrap().contains("Issues read permission"),
        "{}",
        snap["unavailable"]
    );
    assert!(snap.get("activity").is_none() && snap.get("welcoming_issues").is_none());
    assert_eq!(snap["labels"].as_array().unwrap().len(), 3, "labels still collected");
    assert_eq!(count(&fake, routes::COMMENTS), 0, "no comments asked for once issues are refused");
    let out = rest_only(&fake).args(["acme/widgets", "--format", "json"]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unavailable = report["unavailable"].to_string();
    assert!(unavailable.contains("issues") && unavailable.contains("403"), "{unavailable}");
    assert_eq!(common::finding(&report, "welcoming-labels")["status"], "pass");
}

#[test]
fn forbidden_dot_github_leaves_inheritance_unavailable() {
    let fake = FakeGithub::start(community());
    fake.inject("/repos/acme/.github", Fault::Status(403, "Resource not accessible by integration"), None);
    let out = rest_only(&fake).args(["acme/widgets", "--format", "json"]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unavailable = report["unavailable"].to_string();
    assert!(unavailable.contains("inherited") && unavailable.contains("acme/.github"), "{unavailable}");
    assert_eq!(
        common::finding(&report, "coc-present")["status"],
        "skipped",
        "the owner's code of conduct could not be seen: unknown, not missing"
    );
    assert_eq!(common::finding(&report, "repo-topics")["status"], "pass", "the rest stands");
}

#[test]
fn primary_rate_limit_says_when_it_resets_and_stops_asking() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::LABELS, Fault::RateLimited { status: 403 }, None);
    let line = fails(rest_only(&fake), &["acme/widgets"], RATE_LIMIT);
    assert!(line.contains("rate limit is spent (5000 requests an hour)") && line.contains("resets at"), "{line}");
    assert_eq!(count(&fake, routes::LABELS), 1, "not retried");
    let served = fake.served();
    assert_eq!(served.last().unwrap().route, Some(routes::LABELS), "nothing asked after the limit");
}

#[test]
fn anonymous_rate_limit_suggests_a_token() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::REPO, Fault::RateLimited { status: 429 }, None);
    let line = fails(anonymous(&fake), &["acme/widgets"], RATE_LIMIT);
    assert!(line.contains("(60 requests an hour)") && line.contains("a token (GITHUB_TOKEN or --token)"), "{line}");
}

#[test]
fn a_budget_too_small_stops_before_the_audit_rather_than_half_way() {
    let fake = FakeGithub::start(community());
    fake.spend(55);
    let line = fails(anonymous(&fake), &["acme/widgets"], RATE_LIMIT);
    assert!(line.contains("rate limit has 3 requests left, and this audit needs at least"), "{line}");
    assert!(line.contains("resets at"), "{line}");
    assert_eq!(fake.total(), 2, "only the repository and its tree were asked for");
}

#[test]
fn secondary_rate_limit_waits_as_asked_and_retries() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::ISSUES, Fault::SecondaryLimit { retry_after: Some(1) }, Some(1));
    let started = Instant::now();
    let out = rest_only(&fake).arg("acme/widgets").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() >= Duration::from_secs(1), "waited for retry-after");
    assert!(String::from_utf8_lossy(&out.stderr).contains("secondary rate limit"), "the wait is said");
    // Two welcoming labels, the activity listing, the earlier items of the two possible newcomers
    // (newcomer-ana, NONE, and regular-di, CONTRIBUTOR), and one retry.
    assert_eq!(count(&fake, routes::ISSUES), 6);
}

#[test]
fn secondary_rate_limit_is_bounded() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::LABELS, Fault::SecondaryLimit { retry_after: Some(1) }, None);
    let line = fails(rest_only(&fake), &["acme/widgets"], RATE_LIMIT);
    assert!(line.contains("secondary rate limit") && line.contains("3 tries"), "{line}");
    assert_eq!(count(&fake, routes::LABELS), 3);

    let fake = FakeGithub::start(community());
    fake.inject(routes::LABELS, Fault::SecondaryLimit { retry_after: Some(3600) }, None);
    let line = fails(rest_only(&fake), &["acme/widgets"], RATE_LIMIT);
    assert!(line.contains("it asks to wait 3600 s"), "{line}");
    assert_eq!(count(&fake, routes::LABELS), 1, "a wait longer than allowed is not sat through");
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::COMMENTS, Fault::Status(502, "Bad Gateway"), Some(2));
    rest_only(&fake).arg("acme/widgets").assert().success();
    assert_eq!(count(&fake, routes::COMMENTS), 3);

    let fake = FakeGithub::start(community());
    fake.inject(routes::TREE, Fault::Status(500, "Server Error"), None);
    let line = fails(rest_only(&fake), &["acme/widgets"], NETWORK);
    assert!(line.contains("GitHub answered 500") && line.contains("3 tries"), "{line}");
    assert_eq!(count(&fake, routes::TREE), 3, "bounded");
}

#[test]
fn connection_refused_is_a_network_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cm-audit");
    cmd.env("GITHUB_TOKEN", "t").env("CM_AUDIT_RETRY_BACKOFF_MS", "10");
    let line = fails(cmd, &["acme/widgets", "--api-url", &url], NETWORK);
    assert!(line.contains("no answer from the GitHub API") && line.contains("--api-url"), "{line}");
}

#[test]
fn slow_answer_times_out() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::REPO, Fault::Slow(Duration::from_secs(5)), None);
    let started = Instant::now();
    let line = fails(rest_only(&fake), &["acme/widgets", "--timeout", "1"], NETWORK);
    assert!(line.contains("no answer") && line.contains("3 tries"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(10), "gave up after the timeouts");
}

#[test]
fn truncated_json_is_a_network_error() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::LABELS, Fault::TruncatedJson, None);
    let line = fails(rest_only(&fake), &["acme/widgets"], NETWORK);
    assert!(line.contains("/labels") && line.contains("truncated"), "{line}");
}

#[test]
fn malformed_json_is_a_network_error() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::REPO, Fault::MalformedJson, None);
    let line = fails(rest_only(&fake), &["acme/widgets"], NETWORK);
    assert!(line.contains("GET /repos/acme/widgets is unusable"), "{line}");
}

#[test]
fn truncated_tree_is_audited_and_noted() {
    let mut world = community();
    world.repos.get_mut("acme/widgets").unwrap().truncated_tree = true;
    let fake = FakeGithub::start(world);
    let report = support::audit_json(&fake, "acme/widgets");
    let notes = report["sources"]["notes"].to_string();
    assert!(notes.contains("GitHub truncated the file listing"), "{notes}");
}

/// A server without git's tree and blob endpoints (a partial double of GitHub) is read through the
/// contents API: the root, .github/ and docs/ folders, and files by path. Every finding is as
/// through git's endpoints, since the community files live there; a note says what was not listed.
#[test]
fn a_server_without_git_endpoints_is_read_through_the_contents_api() {
    let statuses = |report: &Value| -> Vec<(String, String)> {
        let findings = report["findings"].as_array().unwrap();
        findings.iter().map(|f| (f["rule"].to_string(), f["status"].to_string())).collect()
    };
    let whole = FakeGithub::start(community());
    let expected = statuses(&support::audit_json(&whole, "acme/widgets"));
    for rest in [true, false] {
        let fake = FakeGithub::start(community());
        fake.inject(routes::TREE, Fault::Status(404, "Not Found"), None);
        fake.inject(routes::BLOB, Fault::Status(404, "Not Found"), None);
        let cmd = if rest { rest_only(&fake) } else { cm_audit(&fake) };
        let out = { cmd }.args(["acme/widgets", "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "rest {rest}: {}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(statuses(&report), expected, "rest {rest}");
        let notes = report["sources"]["notes"].to_string();
        assert!(notes.contains("only the root, .github/ and docs/ folders were listed"), "{notes}");
        let folders: Vec<String> = fake
            .served()
            .iter()
            .filter(|s| s.route == Some(routes::CONTENTS) && s.uri.contains("?ref="))
            .map(|s| s.uri.split('?').next().unwrap().to_string())
            .collect();
        for folder in ["contents/", "contents/.github", "contents/.github/ISSUE_TEMPLATE", "contents/.github/workflows"]
        {
            assert!(folders.iter().any(|f| f.ends_with(folder)), "rest {rest}: {folder} in {folders:?}");
        }
        assert!(!folders.iter().any(|f| f.ends_with("contents/src")), "only community folders: {folders:?}");
    }
}

#[test]
fn binary_and_huge_bodies_are_read_safely() {
    let mut world = community();
    let widgets = world.repos.remove("acme/widgets").unwrap();
    let huge = format!("# Contributing\n\n{}", "Run the tests before you open a pull request. ".repeat(10_000));
    let widgets =
        widgets.file("CONTRIBUTING.md", &huge).bytes("README.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR binary".to_vec());
    let fake = FakeGithub::start(world.with(widgets));
    let out = cm_audit(&fake).args(["snapshot", "acme/widgets"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap["files"]["README.md"], serde_json::json!({"kind": "unreadable", "reason": "binary"}));
    let contributing = &snap["files"]["CONTRIBUTING.md"];
    assert_eq!(contributing["truncated"], true);
    assert_eq!(contributing["text"].as_str().unwrap().len(), 256 * 1024, "capped like a checkout");
    let notes = snap["sources"]["notes"].to_string();
    assert!(
        notes.contains("README.md could not be read (binary)")
            && notes.contains("CONTRIBUTING.md was read only in part"),
        "{notes}"
    );
}

#[test]
fn a_token_that_cannot_be_sent_is_refused_without_a_panic() {
    let fake = FakeGithub::start(community());
    let line = fails(anonymous(&fake), &["acme/widgets", "--token", "abc\ndef"], USAGE);
    assert!(line.contains("token contains characters"), "{line}");
    assert_eq!(fake.total(), 0);
}

/// The faults above, met on the GraphQL endpoint: the same exit codes and one line each.
#[test]
fn graphql_faults_end_the_audit_as_rest_faults_do() {
    // The fault on every query, the exit status, words of the error line, and the tries made.
    let cases: [(Fault, i32, &[&str], usize); 5] = [
        (Fault::Status(401, "Bad credentials"), AUTH, &["rejected the token (401: Bad credentials)"], 1),
        (Fault::RateLimited { status: 200 }, RATE_LIMIT, &["rate limit is spent", "resets at"], 1),
        (Fault::SecondaryLimit { retry_after: Some(1) }, RATE_LIMIT, &["secondary rate limit", "3 tries"], 3),
        (Fault::TruncatedJson, NETWORK, &["POST /graphql (Overview query) is unusable", "truncated"], 1),
        (Fault::MalformedJson, NETWORK, &["POST /graphql (Overview query) is unusable"], 1),
    ];
    for (fault, code, words, tries) in cases {
        let fake = FakeGithub::start(community());
        fake.inject(routes::GRAPHQL, fault.clone(), None);
        let line = fails(cm_audit(&fake), &["acme/widgets"], code);
        assert!(words.iter().all(|w| line.contains(w)), "{fault:?}: {line}");
        assert_eq!(count(&fake, routes::GRAPHQL), tries, "{fault:?}");
        assert_eq!(fake.served().last().unwrap().route, Some(routes::GRAPHQL), "{fault:?}: nothing asked after");
    }
}

#[test]
fn a_server_that_takes_no_post_is_audited_through_rest() {
    // What a plain HTTP server answers to a method it has no handler for.
    let fake = FakeGithub::start(community());
    fake.inject(routes::GRAPHQL, Fault::Status(501, "Unsupported method ('POST')"), None);
    let out = cm_audit(&fake).arg("acme/widgets").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&fake, routes::GRAPHQL), 1, "not tried again");
    assert!(count(&fake, routes::COMMENTS) > 0, "REST collected the activity");
}

#[test]
fn a_graphql_server_error_after_graphql_has_answered_ends_the_audit() {
    let fake = FakeGithub::start(community());
    fake.inject("/graphql Blobs", Fault::Status(502, "Bad Gateway"), None);
    let line = fails(cm_audit(&fake), &["acme/widgets"], NETWORK);
    assert!(line.contains("GitHub answered 502 to POST /graphql (Blobs query) (3 tries)"), "{line}");
    assert_eq!(fake.graphql_query_names(), ["Overview", "Blobs", "Blobs", "Blobs"]);
}

#[test]
fn graphql_server_errors_and_secondary_limits_are_retried() {
    for fault in [Fault::Status(502, "Bad Gateway"), Fault::SecondaryLimit { retry_after: Some(1) }] {
        let fake = FakeGithub::start(community());
        fake.inject(routes::GRAPHQL, fault.clone(), Some(2));
        let out = cm_audit(&fake).arg("acme/widgets").output().unwrap();
        assert!(out.status.success(), "{fault:?}: {}", String::from_utf8_lossy(&out.stderr));
        let queries = fake.graphql_queries();
        assert!(
            queries[..3].iter().all(|(q, _)| q.starts_with("query Overview")),
            "{fault:?}: the first query, thrice"
        );
        assert!(!queries[3].0.starts_with("query Overview"), "{fault:?}: then on");
    }
}

#[test]
fn a_forbidden_dot_github_tree_leaves_inheritance_unavailable_through_graphql() {
    let fake = FakeGithub::start(community());
    fake.inject(
        "/repos/acme/.github/git/trees/main",
        Fault::Status(403, "Resource not accessible by integration"),
        None,
    );
    let report = support::audit_json(&fake, "acme/widgets");
    let unavailable = report["unavailable"].to_string();
    assert!(unavailable.contains("inherited") && unavailable.contains("acme/.github"), "{unavailable}");
    assert_eq!(common::finding(&report, "coc-present")["status"], "skipped");
    assert!(
        fake.graphql_queries().iter().any(|(q, _)| q.contains("dotGithub")),
        "its existence came with the overview"
    );
}

#[test]
fn a_slow_graphql_answer_times_out() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::GRAPHQL, Fault::Slow(Duration::from_secs(5)), None);
    let line = fails(cm_audit(&fake), &["acme/widgets", "--timeout", "1"], NETWORK);
    assert!(line.contains("no answer") && line.contains("POST /graphql") && line.contains("3 tries"), "{line}");
}

#[test]
fn a_token_without_the_issues_permission_is_refused_them_through_graphql_and_the_rest_stands() {
    let mut world = community();
    world.repo_mut("acme/widgets").forbidden = vec!["issues"];
    let fake = FakeGithub::start(world);
    let out = cm_audit(&fake).args(["snapshot", "acme/widgets"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reason = snap["unavailable"]["issues"].as_str().unwrap();
    assert!(reason.contains("Issues read permission") && reason.contains("Resource not accessible"), "{reason}");
    assert!(snap.get("activity").is_none() && snap.get("welcoming_issues").is_none());
    assert_eq!(snap["labels"].as_array().unwrap().len(), 3, "labels and settings still collected");
    assert!(snap["settings"]["topics"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn a_token_without_the_pull_requests_permission_still_reads_the_issues() {
    let mut world = community();
    world.repo_mut("acme/widgets").forbidden = vec!["pulls"];
    let fake = FakeGithub::start(world);
    let out = cm_audit(&fake).args(["snapshot", "acme/widgets"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = snap["activity"]["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|i| i["kind"] == "issue"), "{items:?}");
    assert_eq!(snap["activity"]["complete"], false, "the pull requests are missing");
    let notes = snap["sources"]["notes"].to_string();
    assert!(notes.contains("pull requests:") && notes.contains("Pull requests read permission"), "{notes}");
}

/// A server that refuses the first query (400, as an older schema would), or whose GraphQL fails it
/// on every try (502: GraphQL down while REST is up): the audit says so once and goes on through
/// REST, with no further query.
#[test]
fn a_first_query_refused_or_failing_leaves_the_audit_to_rest() {
    let cases: [(Fault, &str, usize); 2] = [
        (
            Fault::Status(400, "Problems parsing JSON"),
            "GraphQL refused the Overview query (400: Problems parsing JSON)",
            1,
        ),
        (Fault::Status(502, "Bad Gateway"), "GraphQL answered 502 to the Overview query (3 tries)", 3),
    ];
    for (fault, warning, tries) in cases {
        let fake = FakeGithub::start(community());
        fake.inject(routes::GRAPHQL, fault.clone(), None);
        let out = cm_audit(&fake).args(["acme/widgets", "--format", "json"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{fault:?}: {stderr}");
        assert_eq!(stderr.matches("collecting through REST instead").count(), 1, "said once: {stderr}");
        assert!(stderr.contains(warning), "{stderr}");
        assert_eq!(count(&fake, routes::GRAPHQL), tries, "{fault:?}: the first query's tries, then none");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["newcomers"]["figures"]["history_checked"], true, "{fault:?}: REST collected the activity");
        assert!(count(&fake, routes::COMMENTS) > 0, "{fault:?}");
    }
}

#[test]
fn a_server_without_graphql_is_audited_through_rest() {
    let fake = FakeGithub::start(community());
    fake.inject(routes::GRAPHQL, Fault::Status(404, "Not Found"), None);
    let report = support::audit_json(&fake, "acme/widgets");
    assert_eq!(report["repository"], "acme/widgets");
    assert_eq!(count(&fake, routes::GRAPHQL), 1);
    assert_eq!(count(&fake, routes::REPO), 2, "acme/widgets and the owner's acme/.github, through REST");
}

#[test]
fn a_page_of_activity_github_fails_is_asked_for_again_smaller() {
    let fake = FakeGithub::start(community());
    // GitHub's answer to a query too heavy to finish in time, for every try at 100 items a page.
    fake.inject("/graphql Activity", Fault::Status(502, "Bad Gateway"), Some(3));
    let out = cm_audit(&fake).args(["snapshot", "acme/widgets"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("asking for 50 items a page instead"), "{stderr}");
    let sizes: Vec<i64> = fake
        .graphql_queries()
        .iter()
        .filter(|(q, _)| q.starts_with("query Activity"))
        .map(|(_, vars)| vars["pageSize"].as_i64().unwrap())
        .collect();
    assert_eq!(sizes, [100, 100, 100, 50]);
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap["activity"]["items"].as_array().unwrap().len(), 5, "the same items");
}

/// A server whose GraphQL lacks something cm-audit asks for answers an error of its own kind at
/// that field: the audit collects that part through REST, says so once, and goes on.
#[test]
fn an_unexpected_graphql_field_error_sends_that_part_to_rest() {
    for (query, path, rest_route) in
        [("/graphql Overview", "repository", routes::REPO), ("/graphql Activity", "issueSide", routes::COMMENTS)]
    {
        let fake = FakeGithub::start(community());
        fake.inject(query, Fault::GraphqlFieldError { path, kind: "UNKNOWN_FIELD" }, None);
        let out = cm_audit(&fake).args(["acme/widgets", "--format", "json"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{query}: {stderr}");
        assert_eq!(stderr.matches("collecting through REST instead").count(), 1, "{query}: {stderr}");
        assert!(stderr.contains("UNKNOWN_FIELD"), "{query}: the server's reason: {stderr}");
        assert!(count(&fake, rest_route) > 0, "{query}: REST read it");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["newcomers"]["figures"]["history_checked"], true, "{query}");
    }
}
