//! The benchmark of issue 7 (bench/README.md): runs the release binary against the fake GitHub of
//! the tests, with a latency per request, and prints per scenario the requests made, those that
//! count against the rate limit, the GraphQL points they cost (as GitHub calculates a query's
//! cost), the wall time and the peak memory (from `/usr/bin/time -v`).
//!
//! `bash bench/run.sh` builds the binary and runs this; by hand:
//! `cargo run --release --example bench -- BINARY [LATENCY_MS]`.

#[allow(dead_code, unused_imports)]
#[path = "../tests/integration/support/fake_github/mod.rs"]
mod fake_github;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fake_github::model::{Comment, monthly_releases};
use fake_github::{FakeGithub, Kind, Repo, World, user};

/// The audit time, so that windows are fixed.
const NOW: &str = "2026-11-20T12:00:00Z";
const TOKEN: &str = "ghp_bench0123456789";

fn now() -> DateTime<Utc> {
    NOW.parse().expect("a valid time")
}

/// A repository with `items` issues and pull requests in the 90-day window (every third a pull
/// request, every tenth of those answered by a review only) and `comments` comments on them.
fn busy_repo(name: &str, items: usize, comments: usize) -> Repo {
    let mut repo = Repo::new(name)
        .file("README.md", "# Project\n\nRead [CONTRIBUTING.md](CONTRIBUTING.md) to help.\n")
        .file("CONTRIBUTING.md", "# Contributing\n\nRun `make test`; a maintainer answers within two days.\n")
        .file("CODE_OF_CONDUCT.md", "# Code of conduct\n\nBe kind. Report problems to conduct@acme.example.\n")
        .file("LICENSE", "MIT\n")
        .file(
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
        )
        .label("good first issue")
        .label("help wanted");
    let window = chrono::Duration::days(89);
    let mut numbers = Vec::new();
    for i in 0..items {
        let kind = if i % 3 == 0 { Kind::PullRequest } else { Kind::Issue };
        let created = now() - window * i as i32 / items.max(1) as i32 - chrono::Duration::hours(1);
        numbers.push((repo.item(kind, user(&format!("user-{i}")), "NONE", created).number, created, kind, i));
    }
    let answered: Vec<_> =
        numbers.iter().filter(|(_, _, kind, i)| !(*kind == Kind::PullRequest && i % 30 == 0)).collect();
    for c in 0..comments {
        if answered.is_empty() {
            break;
        }
        let (number, created, _, _) = answered[c % answered.len()];
        let by = if c % 2 == 0 { "maint" } else { "helper" };
        repo.comment(*number, user(by), "MEMBER", *created + chrono::Duration::minutes(30 + c as i64));
    }
    repo
}

/// The busy repository of scenario 1 as issue 13's dynamics see it: `previous` issues and pull
/// requests in the 90 days before the window (every third by an author also active in the window,
/// every third a pull request, half of those merged), 20 discussions in a Q&A category (half with
/// an accepted answer) and 8 releases.
fn with_dynamics(mut repo: Repo, previous: usize) -> Repo {
    repo.has_discussions = true;
    for i in 0..previous {
        let kind = if i % 3 == 1 { Kind::PullRequest } else { Kind::Issue };
        let by = if i % 3 == 0 { format!("user-{i}") } else { format!("earlier-{i}") };
        let created = now() - chrono::Duration::days(91) - chrono::Duration::days(88) * i as i32 / previous as i32;
        let item = repo.item(kind, user(&by), "NONE", created);
        if kind == Kind::PullRequest && i % 2 == 1 {
            item.merge(created + chrono::Duration::days(1), user("maint"));
        }
    }
    for d in 0..20 {
        let created = now() - chrono::Duration::days(4 * d + 1);
        let discussion = repo.discussion(user(&format!("asker-{d}")), "NONE", created, ("Q&A", true));
        let number = discussion.number;
        for (k, by) in ["helper", "maint"].iter().enumerate() {
            discussion.comments.push(Comment {
                number,
                user: user(by),
                association: "MEMBER",
                created_at: created + chrono::Duration::hours(k as i64 + 1),
            });
        }
        if d % 2 == 0 {
            discussion.answer = Some((1, created + chrono::Duration::hours(3)));
        }
    }
    repo.releases = monthly_releases(8);
    repo
}

/// One run's figures.
struct Figures {
    requests: usize,
    counted: usize,
    /// Points charged against the GraphQL rate limit.
    points: u64,
    wall: Duration,
    peak_kib: Option<u64>,
}

fn run(binary: &Path, fake: &FakeGithub, cache: &Path, args: &[&str]) -> Figures {
    let (before, counted_before, points_before) = (fake.total(), fake.counted(), fake.graphql_points());
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(binary)
        .args(args)
        .env_clear()
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", fake.url())
        .env("CM_AUDIT_NOW", NOW)
        .env("CM_AUDIT_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .output()
        .expect("/usr/bin/time runs the binary");
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "cm-audit {args:?} failed ({:?}): {stderr}", out.status.code());
    let peak_kib = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|n| n.trim().parse().ok());
    Figures {
        requests: fake.total() - before,
        counted: fake.counted() - counted_before,
        points: fake.graphql_points() - points_before,
        wall,
        peak_kib,
    }
}

fn print(scenario: &str, f: &Figures, target: &str) {
    let peak = f.peak_kib.map_or_else(|| "?".to_string(), |k| format!("{:.1} MB", k as f64 / 1024.0));
    println!(
        "{scenario:<56} {:>8} {:>9} {:>7} {:>9.2} s {:>10}   {target}",
        f.requests,
        f.counted,
        f.points,
        f.wall.as_secs_f64(),
        peak
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let binary = args.next().expect("usage: bench BINARY [LATENCY_MS]");
    let latency = Duration::from_millis(args.next().map_or(50, |ms| ms.parse().expect("a latency in ms")));
    let binary = Path::new(&binary);
    println!("latency per request: {} ms", latency.as_millis());
    println!(
        "{:<56} {:>8} {:>9} {:>7} {:>11} {:>10}   target",
        "scenario", "requests", "counted", "points", "wall", "peak RSS"
    );

    let one = FakeGithub::start(World::default().with(with_dynamics(busy_repo("acme/busy", 300, 2_000), 100)));
    one.set_latency(latency);
    let cache = tempfile::tempdir().expect("a temporary folder");
    let cold = run(binary, &one, cache.path(), &["acme/busy", "--format", "json"]);
    print("1. one repository, 300 items, 2,000 comments, cold", &cold, "<= 16 requests, < 1.5 s");
    let routes: Vec<String> = one.counts().iter().map(|(route, n)| format!("{n} {route}")).collect();
    println!("   by route: {}", routes.join(", "));
    let mut queries = std::collections::BTreeMap::new();
    for name in one.graphql_query_names() {
        *queries.entry(name).or_insert(0) += 1;
    }
    let queries: Vec<String> = queries.iter().map(|(name, n)| format!("{n} {name}")).collect();
    println!("   by query: {}", queries.join(", "));
    let warm = run(binary, &one, cache.path(), &["acme/busy", "--format", "json"]);
    print("2. the same, warm cache", &warm, "<= 2 counted");
    let rest_cache = tempfile::tempdir().expect("a temporary folder");
    let rest = run(binary, &one, rest_cache.path(), &["acme/busy", "--format", "json", "--rest-only"]);
    print("1 again through REST only (--rest-only), cold", &rest, "for comparison");

    let mut world = World::default();
    for i in 0..100 {
        let (items, comments) = match i % 10 {
            0 => (150, 600),
            1..=3 => (40, 120),
            _ => (5, 10),
        };
        world = world.with(busy_repo(&format!("acme/repo-{i:03}"), items, comments));
    }
    let org = FakeGithub::start(world);
    org.set_latency(latency);
    let cache = tempfile::tempdir().expect("a temporary folder");
    let figures = run(binary, &org, cache.path(), &["--org", "acme", "--format", "json"]);
    print("3. organisation of 100 repositories, cold", &figures, "< 15 s, < 100 MB");
}
