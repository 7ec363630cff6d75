//! The conditional-request cache: a second run revalidates every answer and GitHub's `304`s cost
//! no rate limit; a damaged entry is refetched; `--no-cache` sends no conditional request; two
//! runs at once leave the cache whole; the token is never written.

mod support;

use std::path::{Path, PathBuf};

use support::fake_github::{FakeGithub, Fault, Kind, Repo, World, routes, user};
use support::{TOKEN, cm_audit, days_ago};

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

/// `cm-audit snapshot acme/app` with this cache folder; its stdout.
fn snapshot(fake: &FakeGithub, cache: &Path, extra: &[&str]) -> String {
    let out =
        cm_audit(fake).env("CM_AUDIT_CACHE_DIR", cache).args(["snapshot", "acme/app"]).args(extra).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
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
    let out = cm_audit(&fake).env("CM_AUDIT_CACHE_DIR", cache.path()).args(["snapshot", "acme/app"]).output().unwrap();
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
    let out = cm_audit(&fake)
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
    let expected = snapshot(&fake, tempfile::tempdir().unwrap().path(), &[]);
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
    assert_eq!(snapshot(&fake, cache.path(), &[]), expected);
    assert!(fake.served()[before..].iter().all(|s| s.status == 304 || s.status == 404), "every entry whole and used");
}
