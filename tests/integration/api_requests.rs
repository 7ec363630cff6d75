//! The request plan, pinned: a regression in request count is a regression (docs/github.md).

use crate::support;

use std::collections::BTreeMap;

use chrono::Duration;
use support::fake_github::{FakeGithub, Kind, Repo, World, routes, user};
use support::{cm_audit, days_ago, now, rest_only};

const IN_WINDOW: usize = 300;
const BEFORE_WINDOW: usize = 40;
const OPEN_GOOD_FIRST_ISSUES: usize = 30;
const LABELS: usize = 120;

/// `acme/busy`: 300 issues and pull requests in the 90-day window (every third a pull request),
/// 40 older items, 30 open good first issues from last year, 120 labels, and a few hundred
/// comments, of which some are on items older than the window.
fn busy() -> (World, usize) {
    let mut repo = Repo::new("acme/busy")
        .file("README.md", "# Busy\n\nA busy project. Read [CONTRIBUTING.md](CONTRIBUTING.md) to help.\n")
        .file("CONTRIBUTING.md", "# Contributing\n\nRun `make test` before you send a pull request; a maintainer reviews it within two days.\n")
        .file("LICENSE", "Apache License 2.0\n")
        .file(".github/workflows/ci.yml", "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n")
        .file("src/lib.rs", "pub fn busy() {}\n");
    repo.labels = (0..LABELS).map(|i| (format!("area-{i:03}"), String::new())).collect();
    repo.labels.push(("good first issue".into(), "Good for newcomers".into()));
    repo.labels.push(("help wanted".into(), String::new()));
    for i in 0..OPEN_GOOD_FIRST_ISSUES {
        repo.item(Kind::Issue, user("maint"), "MEMBER", days_ago(200 + i as i64)).labels =
            vec!["good first issue".into()];
    }
    for i in 0..BEFORE_WINDOW {
        let old = repo.item(Kind::Issue, user("old-timer"), "CONTRIBUTOR", days_ago(91 + i as i64)).number;
        repo.comment(old, user("maint"), "MEMBER", days_ago(30 + i as i64 % 20));
    }
    for i in 0..IN_WINDOW {
        let kind = if i % 3 == 0 { Kind::PullRequest } else { Kind::Issue };
        let created = now() - Duration::hours(7 * i as i64 + 1);
        let number = repo.item(kind, user(&format!("user-{i}")), "NONE", created).number;
        if kind == Kind::PullRequest && i % 30 == 0 {
            continue; // answered by a review only, if at all: one per-item request each
        }
        if kind == Kind::PullRequest && i % 15 == 0 {
            repo.review_comment(number, user("maint"), "MEMBER", created + Duration::hours(1));
            continue;
        }
        repo.comment(number, user("maint"), "MEMBER", created + Duration::hours(2));
        if i % 2 == 0 {
            repo.comment(number, user(&format!("user-{i}")), "NONE", created + Duration::hours(3));
        }
    }
    let comments = repo.comments.len();
    let dot_github = Repo::new("acme/.github")
        .file("CODE_OF_CONDUCT.md", "# Code of conduct\n\nBe kind. Report problems to conduct@acme.example.\n");
    (World::default().with(repo).with(dot_github), comments)
}

/// The named queries sent, with how many of each.
fn queries(fake: &FakeGithub) -> BTreeMap<String, usize> {
    let mut named = BTreeMap::new();
    for name in fake.graphql_query_names() {
        *named.entry(name).or_insert(0) += 1;
    }
    named
}

#[test]
fn graphql_request_plan_for_a_few_hundred_items() {
    let (world, _) = busy();
    let fake = FakeGithub::start(world);
    let out = cm_audit(&fake).args(["snapshot", "acme/busy"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap["activity"]["items"].as_array().unwrap().len(), IN_WINDOW);
    assert_eq!(snap["welcoming_issues"].as_array().unwrap().len(), OPEN_GOOD_FIRST_ISSUES);
    assert_eq!(snap["activity"]["authors_with_earlier_items"], serde_json::json!([]), "all 300 authors looked up");
    let previous = &snap["activity"]["previous"];
    assert_eq!(previous["items"].as_array().unwrap().len(), BEFORE_WINDOW, "old-timer's items of 91 to 130 days ago");
    assert_eq!(previous["authors_with_earlier_items"], serde_json::json!([]), "old-timer looked up: nothing before");
    assert_eq!(snap["labels"].as_array().unwrap().len(), LABELS + 2, "the labels past the first hundred too");
    assert!(fake.graphql_rejections().is_empty(), "{:?}", fake.graphql_rejections());

    let pages = |n: usize| n.div_ceil(100);
    let issues_in_window = (0..IN_WINDOW).filter(|i| i % 3 != 0).count();
    let expected: BTreeMap<String, usize> = [
        // Settings, topics, releases, the labels' first page, the owner's `.github`.
        ("Overview", 1),
        // The labels past the overview's first hundred.
        ("Labels", pages(LABELS + 2) - 1),
        // The repository's four files, then the inherited code of conduct.
        ("Blobs", 2),
        // Pages of issues and of pull requests side by side, newest first, the first with the
        // open welcoming issues: 200 issues fill two pages and the third reaches past the
        // window; the 100 pull requests fit in one.
        ("Activity", pages(issues_in_window) + 1),
        // 300 possible newcomers (association NONE) and the previous window's one (old-timer, a
        // CONTRIBUTOR), 50 searches a query.
        ("History", (IN_WINDOW + 1).div_ceil(50)),
    ]
    .into_iter()
    .map(|(name, n)| (name.to_string(), n))
    .collect();
    assert_eq!(queries(&fake), expected);
    let counts = fake.counts();
    assert_eq!(counts.get(routes::TREE), Some(&2), "the trees of acme/busy and acme/.github: {counts:?}");
    assert_eq!(fake.total(), 2 + expected.values().sum::<usize>(), "{counts:?}");
    assert_eq!(fake.total(), 16, "the figure in docs/github.md");
}

#[test]
fn rest_request_plan_for_a_few_hundred_items() {
    let (world, comments) = busy();
    let fake = FakeGithub::start(world);
    let out = rest_only(&fake).args(["snapshot", "acme/busy"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap["activity"]["items"].as_array().unwrap().len(), IN_WINDOW);
    assert_eq!(snap["welcoming_issues"].as_array().unwrap().len(), OPEN_GOOD_FIRST_ISSUES);
    let previous = &snap["activity"]["previous"];
    assert_eq!(previous["items"].as_array().unwrap().len(), BEFORE_WINDOW);
    assert_eq!(previous["authors_with_earlier_items"], serde_json::json!([]));

    let pages = |n: usize| n.div_ceil(100);
    let unanswered_pull_requests = (0..IN_WINDOW).filter(|i| i % 30 == 0).count();
    let expected = [
        // acme/busy, then acme/.github for the code of conduct the repository lacks.
        (routes::REPO, 2),
        (routes::TREE, 2),
        // README, CONTRIBUTING, LICENSE, the workflow; the inherited code of conduct.
        (routes::BLOB, 5),
        // The newest ten releases (which also count them when there are fewer), and the default
        // branch's last commit.
        (routes::RELEASES, 1),
        (routes::BRANCH, 1),
        (routes::LABELS, pages(LABELS + 2)),
        // One listing per welcoming label present, then the window, newest first: three full
        // pages are all in the window, the fourth holds the previous window's 40 and reaches
        // past its start. Then old-timer's first item: the previous window's one possible
        // newcomer (the window's 300 are more than REST looks up).
        (routes::ISSUES, 2 + pages(IN_WINDOW) + 1 + 1),
        // Every comment since the window's start, on any item, in bulk.
        (routes::COMMENTS, pages(comments)),
        (routes::REVIEW_COMMENTS, 1),
        (routes::REVIEWS, unanswered_pull_requests),
        // The repository's issue events since the window's start (when drafts were marked ready,
        // who merged): one page holds them all.
        (routes::ISSUE_EVENTS, 1),
    ];
    let counts = fake.counts();
    for (route, n) in expected {
        assert_eq!(counts.get(route).copied().unwrap_or(0), n, "{route}: {counts:?}");
    }
    assert_eq!(fake.total(), expected.iter().map(|(_, n)| n).sum::<usize>(), "{counts:?}");
    assert_eq!(fake.total(), 37, "the figure in docs/github.md");
}
