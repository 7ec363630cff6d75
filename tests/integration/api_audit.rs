//! `cm-audit OWNER/REPO` through the GitHub API, run as a user would against the fake GitHub.

use crate::common;
use crate::support;

use common::finding;
use serde_json::Value;
use support::fake_github::{FakeGithub, Kind, Repo, World, routes, user};
use support::{TOKEN, anonymous, audit_json, cm_audit, community, days_ago, rest_only};

fn snapshot_of(fake: &FakeGithub, target: &str) -> Value {
    let out = cm_audit(fake).args(["snapshot", target]).output().unwrap();
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn audits_settings_labels_and_files_through_the_api() {
    let fake = FakeGithub::start(community());
    let report = audit_json(&fake, "acme/widgets");
    assert_eq!(report["repository"], "acme/widgets");
    assert_eq!(report["sources"]["api"], fake.url());
    for rule in [
        "repo-description",
        "repo-topics",
        "welcoming-labels",
        "issues-enabled",
        "contributing-present",
        "readme-present",
    ] {
        assert_eq!(finding(&report, rule)["status"], "pass", "{rule}: {}", finding(&report, rule));
    }
    assert!(report["unavailable"].as_array().unwrap().is_empty(), "{}", report["unavailable"]);
    common::assert_no_raw_patterns(&report);
}

#[test]
fn inherits_coc_from_org_dot_github() {
    let fake = FakeGithub::start(community());
    let report = audit_json(&fake, "acme/widgets");
    let coc = finding(&report, "coc-present");
    assert_eq!(coc["status"], "pass", "{coc}");
    assert!(coc.to_string().contains("inherited from acme/.github"), "{coc}");
    assert_eq!(finding(&report, "coc-reporting-channel")["status"], "pass");
}

#[test]
fn skips_the_dot_github_repository_when_nothing_is_missing() {
    let mut world = community();
    let widgets = world.repos.remove("acme/widgets").unwrap();
    let complete = [
        "CODE_OF_CONDUCT.md",
        "SECURITY.md",
        "SUPPORT.md",
        "GOVERNANCE.md",
        ".github/FUNDING.yml",
        ".github/pull_request_template.md",
        ".github/ISSUE_TEMPLATE/config.yml",
    ]
    .iter()
    .fold(widgets, |repo, path| {
        // Each says what its kind says (a code of conduct speaks of conduct).
        repo.file(path, "Enough words to count as a page of its own about conduct, written for people who read it.")
    });
    let fake = FakeGithub::start(world.with(complete));
    let snap = snapshot_of(&fake, "acme/widgets");
    assert!(snap.get("inherited").is_none(), "{}", snap["inherited"]);
    assert!(fake.served().iter().all(|s| !s.uri.contains(".github")), "asked for acme/.github");
}

#[test]
fn snapshot_holds_what_only_the_api_knows() {
    let fake = FakeGithub::start(community());
    let snap = snapshot_of(&fake, "acme/widgets");
    let settings = &snap["settings"];
    assert_eq!(settings["releases"], 4);
    assert_eq!(settings["default_branch"], "main");
    assert_eq!(settings["has_discussions"], true);
    assert_eq!(snap["sources"]["git_ref"], "main");
    let labels: Vec<&str> = snap["labels"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(labels, ["bug", "good first issue", "help wanted"]);
    // Open issues carrying a welcoming label, newest first, with their assignees.
    let welcoming: Vec<(u64, usize)> = snap["welcoming_issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["number"].as_u64().unwrap(), i["assignees"].as_array().unwrap().len()))
        .collect();
    assert_eq!(welcoming, [(7, 1), (6, 0)]);
    // Only the files rules read: the binary logo and the source code are not fetched.
    let files: Vec<&String> = snap["files"].as_object().unwrap().keys().collect();
    assert!(
        files.iter().any(|f| *f == "CONTRIBUTING.md")
            && !files.iter().any(|f| f.ends_with(".png") || f.ends_with(".py")),
        "{files:?}"
    );
    assert_eq!(snap["inherited"]["from"], "acme/.github");
    assert!(
        snap["inherited"]["files"]["CODE_OF_CONDUCT.md"]["text"].as_str().unwrap().contains("conduct@acme.example")
    );
}

#[test]
fn activity_has_authors_and_responses_oldest_first() {
    let fake = FakeGithub::start(community());
    let snap = snapshot_of(&fake, "acme/widgets");
    let activity = &snap["activity"];
    assert_eq!(activity["window_start"], "2026-08-22T12:00:00Z", "90 days before the audit");
    assert_eq!(activity["complete"], true);
    let items = activity["items"].as_array().unwrap();
    let numbers: Vec<u64> = items.iter().map(|i| i["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [5, 4, 3, 2, 1], "newest first, the two old good first issues left out");
    let responses = |n: u64| -> Vec<(String, String)> {
        let item = items.iter().find(|i| i["number"] == n).unwrap();
        item["responses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["kind"].as_str().unwrap().to_string(),
                    r["author"]["login"].as_str().unwrap_or("(deleted)").to_string(),
                )
            })
            .collect()
    };
    let pair = |k: &str, who: &str| (k.to_string(), who.to_string());
    assert_eq!(responses(1), [pair("comment", "welcome[bot]"), pair("comment", "maint-bo")]);
    assert_eq!(responses(2), [pair("review", "maint-bo")], "a review without any comment");
    assert_eq!(
        responses(3),
        [pair("comment", "regular-di")],
        "the author's own comment; the pending review is not one"
    );
    assert_eq!(responses(4), [pair("comment", "collab-ed")]);
    // GraphQL shows a lone comment on a diff as what GitHub made of it: a review that comments.
    assert_eq!(responses(5), [pair("review", "maint-bo")]);
    let item = |n: u64| items.iter().find(|i| i["number"] == n).unwrap();
    assert_eq!(item(1)["responses"][0]["author"]["is_bot"], true);
    assert_eq!(item(4)["author"], Value::Null, "a deleted user");
    assert_eq!(item(4)["labels"][0], "bug");
    assert_eq!(item(3)["draft"], true);
    assert_eq!(item(3)["kind"], "pull-request");
    assert_eq!(item(2)["author_association"], "FIRST_TIME_CONTRIBUTOR");
}

#[test]
fn window_flag_narrows_the_activity() {
    let fake = FakeGithub::start(community());
    let out = cm_audit(&fake).args(["snapshot", "acme/widgets", "--window", "5d"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap["activity"]["window_start"], "2026-11-15T12:00:00Z");
    let numbers: Vec<u64> =
        snap["activity"]["items"].as_array().unwrap().iter().map(|i| i["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [5, 4]);
}

#[test]
fn snapshot_then_from_gives_identical_findings() {
    let fake = FakeGithub::start(community());
    let direct = audit_json(&fake, "acme/widgets");
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("s.json");
    let out = cm_audit(&fake).args(["snapshot", "acme/widgets"]).output().unwrap();
    std::fs::write(&saved, &out.stdout).unwrap();
    let requests = fake.total();
    let replay = cm_audit(&fake).args(["--from", saved.to_str().unwrap(), "--format", "json"]).output().unwrap();
    assert!(replay.status.success(), "{}", String::from_utf8_lossy(&replay.stderr));
    let replay: Value = serde_json::from_slice(&replay.stdout).unwrap();
    assert_eq!(replay["findings"], direct["findings"]);
    assert_eq!(replay["score"], direct["score"]);
    assert_eq!(fake.total(), requests, "--from is offline");
}

#[test]
fn urls_name_the_same_repository() {
    let fake = FakeGithub::start(community());
    for target in
        ["https://github.com/acme/widgets", "github.com/acme/widgets", "https://github.com/acme/widgets/tree/main/docs"]
    {
        assert_eq!(audit_json(&fake, target)["repository"], "acme/widgets", "{target}");
    }
}

#[test]
fn verbose_logs_each_request_but_never_the_token() {
    let fake = FakeGithub::start(community());
    let out = cm_audit(&fake).args(["acme/widgets", "-v"]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("POST /graphql (Overview query) -> 200 (GraphQL points remaining: 4999)"), "{stderr}");
    assert!(stderr.contains("GET /repos/acme/widgets/git/trees/main?recursive=1 -> 200 (rate limit remaining: 4999)"));
    let logged = stderr.lines().filter(|l| l.contains(" -> ")).count();
    assert_eq!(logged, fake.total(), "one line per request:\n{stderr}");
    assert!(!stderr.contains(TOKEN) && !String::from_utf8_lossy(&out.stdout).contains(TOKEN));
    assert!(fake.served().iter().all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))));
}

#[test]
fn token_comes_from_the_flag_then_github_token_then_gh_token() {
    let fake = FakeGithub::start(community());
    anonymous(&fake).args(["acme/widgets", "--token", "from-flag"]).env("GITHUB_TOKEN", "from-env").assert().success();
    anonymous(&fake).args(["acme/widgets"]).env("GH_TOKEN", "from-gh").assert().success();
    let mut seen: Vec<String> = fake.served().iter().map(|s| s.authorization.clone().unwrap()).collect();
    seen.dedup();
    assert_eq!(seen, ["Bearer from-flag", "Bearer from-gh"]);
}

#[test]
fn anonymous_audit_says_so_once() {
    let fake = FakeGithub::start(community());
    let out = anonymous(&fake).arg("acme/widgets").output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("anonymously").count(), 1, "{stderr}");
    assert!(fake.served().iter().all(|s| s.authorization.is_none()));
}

#[test]
fn archived_repository_is_audited_and_says_so() {
    let mut world = community();
    world.repos.get_mut("acme/widgets").unwrap().archived = true;
    let fake = FakeGithub::start(world);
    let report = audit_json(&fake, "acme/widgets");
    let notes = report["sources"]["notes"].to_string();
    assert!(notes.contains("acme/widgets is archived"), "{notes}");
    assert_eq!(finding(&report, "readme-present")["status"], "pass");
}

#[test]
fn renamed_repository_is_followed_to_its_new_name() {
    let fake = FakeGithub::start(community().renamed("acme/old-widgets", "acme/widgets"));
    let report = audit_json(&fake, "acme/old-widgets");
    assert_eq!(report["repository"], "acme/widgets");
    let old_name = |s: &support::fake_github::Served| {
        s.uri.contains("old-widgets") || s.request.as_ref().is_some_and(|r| r.to_string().contains("old-widgets"))
    };
    assert_eq!(fake.served().iter().filter(|s| old_name(s)).count(), 1, "only the overview used the old name");

    let fake = FakeGithub::start(community().renamed("acme/old-widgets", "acme/widgets"));
    let out = rest_only(&fake).args(["acme/old-widgets", "--format", "json"]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["repository"], "acme/widgets");
    let counts = fake.counts();
    assert_eq!((counts[routes::REPO_BY_ID], counts[routes::TREE]), (1, 2), "{counts:?}");
    assert!(
        fake.served().iter().filter(|s| s.uri.contains("old-widgets")).count() == 1,
        "only the first request used the old name"
    );
}

#[test]
fn enterprise_base_path_is_kept() {
    // GitHub Enterprise Server serves REST under /api/v3; every request, pages included, keeps it.
    let fake = FakeGithub::start(World::default().with(Repo::new("acme/tiny").file("README.md", "# Tiny\n")));
    let out = cm_audit(&fake).args(["acme/tiny", "--api-url", &format!("{}/api/v3", fake.url())]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "the fake has no /api/v3, so the repository is not found");
    assert!(
        fake.served().iter().all(|s| s.uri.starts_with("/api/v3/")),
        "{:?}",
        fake.served().iter().map(|s| &s.uri).collect::<Vec<_>>()
    );
}

/// A contributing guide that is a symbolic link to a page under docs/, and a code of conduct
/// linking out of the tree: the first is read through its target, the second is not followed,
/// through GraphQL's blobs as through REST's.
#[test]
fn symbolic_links_are_followed_inside_the_tree_only() {
    let world = || {
        let mut widgets = Repo::new("acme/links")
            .file("README.md", "# Links\n")
            .file("docs/contributing.md", "# Contributing\n\nRun the tests, then open a pull request.\n");
        widgets.symlinks.insert("CONTRIBUTING.md".into(), "docs/contributing.md".into());
        widgets.symlinks.insert("CODE_OF_CONDUCT.md".into(), "../../etc/passwd".into());
        World::default().with(widgets)
    };
    for rest in [false, true] {
        let fake = FakeGithub::start(world());
        let cmd = if rest { rest_only(&fake) } else { cm_audit(&fake) };
        let out = { cmd }.args(["snapshot", "acme/links"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
        let guide = &snap["files"]["CONTRIBUTING.md"];
        assert!(guide["text"].as_str().is_some_and(|t| t.starts_with("# Contributing")), "rest: {rest}: {guide}");
        let coc = &snap["files"]["CODE_OF_CONDUCT.md"];
        assert_eq!(coc["reason"], "a link to outside the tree, not followed", "rest: {rest}: {coc}");
        assert_eq!(fake.counts().contains_key(routes::BLOB), rest, "GraphQL read the blobs itself");
    }
}

#[test]
fn a_good_first_issue_label_named_only_in_the_config_has_its_issues_collected() {
    // The project's own label, named in good-first-issues' `also` and in no other rule.
    let config = "[rules.good-first-issues.check]\nalso = [\"mentored\"]\n";
    let mut world = community();
    let mut widgets =
        world.repos.remove("acme/widgets").unwrap().file(".github/cm-audit.toml", config).label("mentored");
    widgets.item(Kind::Issue, user("maint-bo"), "MEMBER", days_ago(30)).labels = vec!["mentored".into()];
    let fake = FakeGithub::start(world.with(widgets));
    for cmd in [cm_audit(&fake), rest_only(&fake)] {
        let out = { cmd }.args(["snapshot", "acme/widgets"]).output().unwrap();
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
        let numbers: Vec<u64> =
            snap["welcoming_issues"].as_array().unwrap().iter().map(|i| i["number"].as_u64().unwrap()).collect();
        assert_eq!(numbers, [8, 7, 6], "the `mentored` issue is collected beside the good first issues");
    }
}
