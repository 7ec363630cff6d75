//! The conditional-request cache: a second run revalidates every REST answer and GitHub's `304`s
//! cost no rate limit; a GraphQL run keeps what it collected and the next asks only for what
//! changed; a damaged entry is refetched; `--no-cache` sends no conditional request; two runs at
//! once leave the cache whole; the token is never written.

use crate::support;

use std::path::{Path, PathBuf};

use support::fake_github::{FakeGithub, Fault, Kind, Repo, World, routes, user};
use support::{TOKEN, cm_audit, days_ago, rest_only};

fn world() -> World {
    let mut repo = Repo::new("acme/app")
        .file("README.md", "# App\n\nRead [CONTRIBUTING.md](CONTRIBUTING.md).\n")
        .file("CONTRIBUTING.md", "# Contributing\n\nRun the tests.\n")
        .label("good first issue");
    for i in 0..5 {
        let number = repo.item(Kind::Issue, user(&format!("new-{i}")), "NONE", days_ago(10 + i)).number;
        repo.comment(number, user("maint"), "MEMBER", days_ago(9 + i));
    }
    World::default().with(repo)
}

/// `cm-audit snapshot acme/app` through REST only, with this cache folder; its stdout.
fn snapshot(fake: &FakeGithub, cache: &Path, extra: &[&str]) -> String {
    run(rest_only(fake), cache, extra)
}

fn run(mut cmd: assert_cmd::Command, cache: &Path, extra: &[&str]) -> String {
    let out = cmd.env("CM_AUDIT_CACHE_DIR", cache).args(["snapshot", "acme/app"]).args(extra).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The names of the GraphQL queries sent from the `from`th request on.
fn queries_since(fake: &FakeGithub, from: usize) -> Vec<String> {
    let before = fake.served()[..from].iter().filter(|s| s.route == Some(routes::GRAPHQL)).count();
    fake.graphql_query_names().split_off(before)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() { found.extend(files(&path)) } else { found.push(path) }
    }
    found
}

#[test]
fn a_second_run_is_answered_304_and_costs_no_rate_limit() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    let first = snapshot(&fake, cache.path(), &[]);
    let cold = fake.total();
    assert!(cold > 0, "{first}");
    assert!(fake.served().iter().all(|s| s.if_none_match.is_none() && s.status != 304));
    assert_eq!(fake.counted(), cold);

    let second = snapshot(&fake, cache.path(), &[]);
    assert_eq!(second, first, "served from the cache, the snapshot is the same");
    let warm = &fake.served()[cold..];
    assert_eq!(warm.len(), cold, "the same requests, made conditional");
    // A 404 (the owner has no `.github` repository) has nothing to revalidate: asked again, it
    // is the warm run's only request that counts against the rate limit.
    let (missing, found): (Vec<_>, Vec<_>) = warm.iter().partition(|s| s.status == 404);
    assert_eq!(missing.iter().map(|s| s.uri.as_str()).collect::<Vec<_>>(), ["/repos/acme/.github"]);
    assert!(found.iter().all(|s| s.if_none_match.is_some() && s.status == 304), "{found:#?}");
    assert_eq!(fake.counted(), cold + 1, "a 304 does not count against the rate limit");
}

#[test]
fn a_damaged_entry_is_refetched_not_trusted() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    let first = snapshot(&fake, cache.path(), &[]);
    let cold = fake.total();
    let entries = files(cache.path());
    assert!(!entries.is_empty());
    for entry in &entries {
        let mut bytes = std::fs::read(entry).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        std::fs::write(entry, bytes).unwrap();
    }
    assert_eq!(snapshot(&fake, cache.path(), &[]), first);
    let refetched = &fake.served()[cold..];
    assert!(refetched.iter().all(|s| s.if_none_match.is_none() && s.status != 304), "{refetched:#?}");
    // Stored again, whole: the next run revalidates.
    snapshot(&fake, cache.path(), &[]);
    assert!(fake.served()[2 * cold..].iter().all(|s| s.status == 304 || s.status == 404));
}

#[test]
fn a_truncated_answer_is_not_kept() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    fake.inject(routes::LABELS, Fault::TruncatedJson, Some(1));
    let out = rest_only(&fake).env("CM_AUDIT_CACHE_DIR", cache.path()).args(["snapshot", "acme/app"]).output().unwrap();
    assert!(!out.status.success());
    let before = fake.total();
    snapshot(&fake, cache.path(), &[]);
    let labels = fake.served()[before..].iter().find(|s| s.route == Some(routes::LABELS)).cloned().unwrap();
    assert_eq!((labels.if_none_match, labels.status), (None, 200));
}

#[test]
fn no_cache_sends_no_conditional_request() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    snapshot(&fake, cache.path(), &[]);
    let cold = fake.total();
    snapshot(&fake, cache.path(), &["--no-cache"]);
    assert!(fake.served()[cold..].iter().all(|s| s.if_none_match.is_none() && s.status != 304));
}

#[test]
fn entries_are_per_token_and_never_hold_it() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    snapshot(&fake, cache.path(), &[]);
    for entry in files(cache.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(TOKEN), "{}", entry.display());
        assert!(!entry.display().to_string().contains(TOKEN));
    }
    let cold = fake.total();
    let out = rest_only(&fake)
        .env("CM_AUDIT_CACHE_DIR", cache.path())
        .env("GITHUB_TOKEN", "ghp_another0123456789")
        .args(["snapshot", "acme/app"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(fake.served()[cold..].iter().all(|s| s.if_none_match.is_none()), "another token's ETags are not sent");
}

#[test]
fn two_runs_at_once_leave_the_cache_whole() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    let expected = run(cm_audit(&fake), tempfile::tempdir().unwrap().path(), &[]);
    // Four processes, started together, reading and writing the same entries.
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin!("cm-audit"))
                .env_clear()
                .env("GITHUB_TOKEN", TOKEN)
                .env("GITHUB_API_URL", fake.url())
                .env("CM_AUDIT_NOW", support::NOW)
                .env("CM_AUDIT_CACHE_DIR", cache.path())
                .args(["snapshot", "acme/app"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    }
    assert!(files(cache.path()).iter().all(|f| !f.file_name().unwrap().to_string_lossy().starts_with(".tmp")));
    let before = fake.total();
    assert_eq!(run(cm_audit(&fake), cache.path(), &[]), expected);
    assert_eq!(queries_since(&fake, before), ["Overview"], "every entry whole and used");
    assert!(fake.served()[before..].iter().all(|s| s.route == Some(routes::GRAPHQL) || s.status == 304));
}

#[test]
fn a_warm_graphql_run_asks_for_the_overview_only() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    let first = run(cm_audit(&fake), cache.path(), &[]);
    let cold = fake.total();
    assert_eq!(queries_since(&fake, 0), ["Overview", "Blobs", "Activity", "History"], "{first}");

    let second = run(cm_audit(&fake), cache.path(), &[]);
    assert_eq!(second, first, "the kept activity and blobs give the same snapshot");
    // The overview says nothing changed since the kept activity; the blobs are kept by their
    // ids; the tree is revalidated (304, free).
    assert_eq!(queries_since(&fake, cold), ["Overview"]);
    let warm = &fake.served()[cold..];
    let rest: Vec<_> = warm.iter().filter(|s| s.route != Some(routes::GRAPHQL)).collect();
    assert!(rest.iter().all(|s| s.status == 304), "{rest:#?}");
    assert_eq!(fake.counted(), cold + 1, "one query counts against a rate limit");
}

#[test]
fn a_damaged_kept_record_is_collected_again() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    let first = run(cm_audit(&fake), cache.path(), &[]);
    for entry in files(cache.path()) {
        let mut bytes = std::fs::read(&entry).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        std::fs::write(&entry, bytes).unwrap();
    }
    let cold = fake.total();
    assert_eq!(run(cm_audit(&fake), cache.path(), &[]), first);
    assert_eq!(queries_since(&fake, cold), ["Overview", "Blobs", "Activity", "History"]);
}

/// After a run, a maintainer answers issue #1, a newcomer opens #6, and #2 gets the `good first
/// issue` label with a comment (the fake dates changes by comments; GitHub moves `updatedAt` on a
/// label alone too). The next run's overview shows the repository changed, so it asks for the items
/// changed since the last run, and for the history of the one new author: the snapshot is the
/// one a run without any cache takes.
#[test]
fn a_warm_graphql_run_asks_only_for_what_changed() {
    let fake = FakeGithub::start(world());
    let cache = tempfile::tempdir().unwrap();
    run(cm_audit(&fake), cache.path(), &[]);
    fake.update(|w| {
        let app = w.repo_mut("acme/app");
        app.comment(1, user("dee"), "NONE", days_ago(1));
        app.item(Kind::Issue, user("new-9"), "NONE", days_ago(1));
        app.issues.iter_mut().find(|i| i.number == 2).unwrap().labels.push("good first issue".into());
        app.comment(2, user("maint"), "MEMBER", days_ago(1));
    });
    let before = fake.total();
    let warm = run(cm_audit(&fake), cache.path(), &[]);
    assert_eq!(queries_since(&fake, before), ["Overview", "Updated", "History"]);
    let searches = fake.graphql_queries().last().unwrap().0.matches("search(").count();
    assert_eq!(searches, 1, "only new-9 is looked up");

    let snap: serde_json::Value = serde_json::from_str(&warm).unwrap();
    let items = snap["activity"]["items"].as_array().unwrap();
    assert_eq!(items[0]["number"], 6, "the new issue, newest");
    let first = items.iter().find(|i| i["number"] == 1).unwrap();
    assert_eq!(first["responses"].as_array().unwrap().len(), 2, "{first}");
    let open: Vec<u64> =
        snap["welcoming_issues"].as_array().unwrap().iter().map(|i| i["number"].as_u64().unwrap()).collect();
    assert_eq!(open, [2]);
    assert_eq!(warm, run(cm_audit(&fake), cache.path(), &["--no-cache"]), "as a run without the cache sees it");
}

/// The previous window is kept with the activity: after a run, prev-1's pull request of 100 days
/// ago (the previous window's) is merged. The next run asks for the items changed since, and
/// no history (prev-1 was looked up then); the merge reaches the kept previous window as a run
/// without the cache sees it.
#[test]
fn a_merge_in_the_previous_window_updates_the_kept_one() {
    let mut world = world();
    world.repo_mut("acme/app").item(Kind::PullRequest, user("prev-1"), "NONE", days_ago(100));
    let fake = FakeGithub::start(world);
    let cache = tempfile::tempdir().unwrap();
    let cold = run(cm_audit(&fake), cache.path(), &[]);
    let snap: serde_json::Value = serde_json::from_str(&cold).unwrap();
    assert_eq!(snap["activity"]["previous"]["items"][0]["number"], 6);
    assert!(snap["activity"]["previous"]["items"][0].get("merged_at").is_none());
    fake.update(|w| {
        let app = w.repo_mut("acme/app");
        app.issues.iter_mut().find(|i| i.number == 6).unwrap().merge(days_ago(1), user("maint"));
    });
    let before = fake.total();
    let warm = run(cm_audit(&fake), cache.path(), &[]);
    assert_eq!(queries_since(&fake, before), ["Overview", "Updated"]);
    let snap: serde_json::Value = serde_json::from_str(&warm).unwrap();
    assert_eq!(snap["activity"]["previous"]["items"][0]["merged_by"]["login"], "maint");
    assert_eq!(warm, run(cm_audit(&fake), cache.path(), &["--no-cache"]), "as a run without the cache sees it");
}
