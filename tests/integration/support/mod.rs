//! Shared by the API tests: the fake GitHub, fixture repositories, and the binary run against it.

pub mod fake_github;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use fake_github::{FakeGithub, Kind, Repo, World, bot, user};

/// The audit time of every API test, so that windows and ages are fixed.
pub const NOW: &str = "2026-11-20T12:00:00Z";
pub const TOKEN: &str = "ghp_test0123456789secret";

pub fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

pub fn days_ago(days: i64) -> DateTime<Utc> {
    now() - Duration::days(days)
}

/// The real binary, pointed at the fake as a user would (`--api-url`), with a token, a fixed
/// audit time, short retry backoffs, and nothing from the caller's environment.
pub fn cm_audit(fake: &FakeGithub) -> assert_cmd::Command {
    let mut cmd = anonymous(fake);
    cmd.env("GITHUB_TOKEN", TOKEN);
    cmd
}

/// The same, collecting through REST only (`--rest-only`).
pub fn rest_only(fake: &FakeGithub) -> assert_cmd::Command {
    let mut cmd = cm_audit(fake);
    cmd.env("CM_AUDIT_REST_ONLY", "true");
    cmd
}

/// The cache folder of the runs against `fake`: apart from every other fake's, in this test run
/// (by the fake's instance number: a port is used again by a later fake, whose runs would then find
/// an earlier fake's kept answers) and in earlier runs (by the run's start time).
pub fn cache_dir(fake: &FakeGithub) -> std::path::PathBuf {
    static RUN: std::sync::LazyLock<u128> = std::sync::LazyLock::new(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    });
    let dir = format!("{}-{}", *RUN, fake.instance());
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cm-audit-cache").join(dir)
}

/// The same without any token.
pub fn anonymous(fake: &FakeGithub) -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("cm-audit");
    cmd.env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("RUST_LOG")
        .env("GITHUB_API_URL", fake.url())
        .env("CM_AUDIT_NOW", NOW)
        .env("CM_AUDIT_RETRY_BACKOFF_MS", "20")
        .env("CM_AUDIT_MAX_WAIT_SECS", "2")
        // Never the user's cache, and one per fake: runs against the same fake share it.
        .env("CM_AUDIT_CACHE_DIR", cache_dir(fake))
        .env("NO_COLOR", "1");
    cmd
}

/// Runs an audit with `--format json` and returns the report.
pub fn audit_json(fake: &FakeGithub, target: &str) -> Value {
    let out = cm_audit(fake).args([target, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "exit {:?}\nstderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

const README: &str = "# Widgets\n\nWidgets builds small widgets for scientific dashboards. Install it with `pip install widgets`, then \
read the tutorial in the documentation to draw your first widget.\n\n## Contributing\n\nWe welcome \
contributions of every size: read [CONTRIBUTING.md](CONTRIBUTING.md) to set up a development \
environment, run the tests and open your first pull request.\n\n## Support\n\nAsk questions in our \
[discussions](https://github.com/acme/widgets/discussions); we answer within a few days.\n";

const CONTRIBUTING: &str = "# Contributing to Widgets\n\nThank you for helping! This guide explains how to set up a development \
environment, run the tests and send a change.\n\n## Development setup\n\nClone the repository, create a \
virtual environment and install the package in editable mode with `pip install -e .[dev]`; this \
installs everything the tests need.\n\n## Running the tests\n\nRun `pytest` from the repository root; the \
whole suite takes about a minute on a laptop and must pass before review.\n\n## Your first issue\n\nLook \
for issues labelled good first issue: they are small, described in detail, and a maintainer will \
mentor you through them.\n";

const CODE_OF_CONDUCT: &str = "# Code of conduct\n\nWe pledge to make participation in our community a harassment-free experience for \
everyone. Examples of unacceptable behaviour include harassment, insults and personal attacks.\n\n## \
Reporting\n\nReport unacceptable behaviour to conduct@acme.example; every report is reviewed promptly \
and kept confidential. Maintainers who do not follow the code may face temporary or permanent \
repercussions, as decided by the conduct team.\n";

/// `acme/widgets`, a small active project whose code of conduct is the organisation's, and
/// `acme/.github`, where that code lives. Its activity covers bots, deleted users, an author
/// answering themselves, reviews without comments, drafts and items older than the window.
pub fn community() -> World {
    let mut widgets = Repo::new("acme/widgets")
        .file("README.md", README)
        .file("CONTRIBUTING.md", CONTRIBUTING)
        .file("LICENSE", "MIT License\n\nCopyright (c) 2026 Acme\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software.\n")
        .file(".github/ISSUE_TEMPLATE/bug_report.md", "---\nname: Bug report\n---\nDescribe the bug, the steps to reproduce it, and what you expected to happen instead.\n")
        .file(".github/workflows/greet.yml", "on: [issues, pull_request_target]\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/first-interaction@v1\n        with:\n          repo-token: ${{ secrets.GITHUB_TOKEN }}\n")
        .bytes("docs/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec())
        .file("src/widgets/__init__.py", "")
        .label("bug")
        .label("good first issue")
        .label("help wanted");
    widgets.description = Some("Small widgets for scientific dashboards".into());
    widgets.homepage = Some("https://widgets.acme.example".into());
    widgets.topics = vec!["science".into(), "dashboards".into(), "python".into()];
    widgets.has_discussions = true;
    widgets.releases = fake_github::model::monthly_releases(4);

    // 1: a newcomer's issue, greeted by a bot, then answered by a maintainer.
    widgets.item(Kind::Issue, user("newcomer-ana"), "NONE", days_ago(10));
    widgets.comment(1, bot("welcome"), "NONE", days_ago(10) + Duration::minutes(1));
    widgets.comment(1, user("maint-bo"), "MEMBER", days_ago(9));
    // 2: a first-timer's pull request, reviewed without any comment.
    widgets.item(Kind::PullRequest, user("first-cy"), "FIRST_TIME_CONTRIBUTOR", days_ago(8));
    widgets.review(2, user("maint-bo"), "MEMBER", "APPROVED", Some(days_ago(7)));
    // 3: a draft pull request whose author talks to themselves; a pending review is not an answer.
    widgets.item(Kind::PullRequest, user("regular-di"), "CONTRIBUTOR", days_ago(6)).draft = true;
    widgets.comment(3, user("regular-di"), "CONTRIBUTOR", days_ago(5));
    widgets.review(3, user("maint-bo"), "MEMBER", "PENDING", None);
    // 4: an issue by a deleted user, answered by a collaborator.
    widgets.item(Kind::Issue, None, "NONE", days_ago(4)).labels = vec!["bug".into()];
    widgets.comment(4, user("collab-ed"), "COLLABORATOR", days_ago(3));
    // 5: a pull request answered only by a review comment on its diff.
    widgets.item(Kind::PullRequest, user("newcomer-fa"), "FIRST_TIMER", days_ago(2));
    widgets.review_comment(5, user("maint-bo"), "MEMBER", days_ago(1));
    // 6 and 7: open good first issues (one assigned), both older than the window.
    let gfi = widgets.item(Kind::Issue, user("maint-bo"), "MEMBER", days_ago(200));
    gfi.labels = vec!["good first issue".into()];
    let gfi = widgets.item(Kind::Issue, user("maint-bo"), "MEMBER", days_ago(150));
    gfi.labels = vec!["good first issue".into(), "help wanted".into()];
    gfi.assignees = vec!["newcomer-ana".into()];
    // A comment on an old item, inside the window: listed in bulk, belongs to no collected item.
    widgets.comment(6, user("someone"), "NONE", days_ago(20));

    let dot_github = Repo::new("acme/.github")
        .file("CODE_OF_CONDUCT.md", CODE_OF_CONDUCT)
        .file("profile/README.md", "# Acme\n\nWe build open tools for science.\n");
    World::default().with(widgets).with(dot_github)
}
