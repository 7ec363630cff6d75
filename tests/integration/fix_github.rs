//! fix's writes to GitHub, through the fake: the welcoming labels created once, and the Action's
//! one pull request on `cm-audit/fix`, opened with the expected tree and updated, never duplicated.

use std::collections::BTreeSet;

use crate::action_run::{Job, REPOSITORY, ok, world};
use crate::support::fake_github::{FakeGithub, Repo, World, routes};
use crate::support::{TOKEN, cm_audit};

fn posts(fake: &FakeGithub, route: &str) -> usize {
    fake.served().iter().filter(|s| s.method == "POST" && s.route == Some(route)).count()
}

fn writes_to_git(fake: &FakeGithub) -> usize {
    fake.served()
        .iter()
        .filter(|s| s.method != "GET" && s.route.is_some_and(|r| r.contains("/git/") || r.contains("/pulls")))
        .count()
}

#[test]
fn welcoming_labels_are_created_once_with_githubs_colours() {
    let fake =
        FakeGithub::start(World::default().with(Repo::new("acme/widgets").file("README.md", "# W\n").label("bug")));
    let dry = ok(cm_audit(&fake).args(["fix", "--labels", "acme/widgets"]));
    let said = String::from_utf8(dry.stdout).unwrap();
    assert!(said.contains("would create label \"good first issue\" (#7057ff: Good for newcomers)"), "{said}");
    assert!(said.contains("would create label \"help wanted\" (#008672: Extra attention is needed)"), "{said}");
    assert_eq!(posts(&fake, routes::LABELS), 0, "a dry run creates nothing");

    ok(cm_audit(&fake).args(["fix", "--labels", "acme/widgets", "--apply"]));
    assert_eq!(posts(&fake, routes::LABELS), 2);
    let sent: Vec<_> = fake.served().into_iter().filter(|s| s.method == "POST").filter_map(|s| s.request).collect();
    assert_eq!(
        sent[0],
        serde_json::json!({"name": "good first issue", "color": "7057ff", "description": "Good for newcomers"})
    );

    let again = ok(cm_audit(&fake).args(["fix", "--labels", "acme/widgets", "--apply"]));
    assert_eq!(posts(&fake, routes::LABELS), 2, "a second run makes no POST");
    assert!(String::from_utf8_lossy(&again.stdout).contains("has the welcoming labels already"));
}

/// The paths of the tree the branch's commit holds, and the pull requests opened.
fn branch_files(fake: &FakeGithub) -> BTreeSet<String> {
    let writes = fake.writes();
    let commit = &writes.refs["heads/cm-audit/fix"];
    let (tree, parents, _) = &writes.commits[commit];
    assert_eq!(parents.len(), 1, "one commit on the default branch's head");
    writes.trees[tree].1.iter().map(|(path, _)| path.clone()).collect()
}

fn fix_run(job: &Job, fake: &FakeGithub, event: &str) -> String {
    let out = ok(job.action(fake, event).env("INPUT_FIX", "pull-request").env("INPUT_COMMENT", "never"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn the_action_opens_one_pull_request_with_the_missing_files_and_updates_it() {
    let fake = FakeGithub::start(world());
    let job = Job::new("bare");
    let said = fix_run(&job, &fake, "workflow_dispatch");
    assert!(said.contains("open or update the fix pull request: created #"), "{said}");

    let expected: BTreeSet<String> = [
        "SECURITY.md",
        "SUPPORT.md",
        "GOVERNANCE.md",
        ".github/ISSUE_TEMPLATE/bug_report.yml",
        ".github/ISSUE_TEMPLATE/feature_request.yml",
        ".github/ISSUE_TEMPLATE/config.yml",
        ".github/pull_request_template.md",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(branch_files(&fake), expected);
    let pulls = fake.writes().pulls;
    assert_eq!(pulls.len(), 1);
    assert_eq!((pulls[0].head.as_str(), pulls[0].base.as_str()), ("cm-audit/fix", "master"));
    assert!(pulls[0].title.contains("7 community files"), "{}", pulls[0].title);
    // A workflow's token may not add a workflow: the greeting is shown, for a person to add.
    for line in [
        "| `SECURITY.md` | A security policy (`security-policy`)",
        "Not in this pull request: `.github/workflows/greeting.yml`",
    ] {
        assert!(pulls[0].body.contains(line), "{line} not in:\n{}", pulls[0].body);
    }
    // The hollow files stay the project's, and the body says what they still lack.
    assert!(pulls[0].body.contains("# CONTRIBUTING.md is hollow"), "{}", pulls[0].body);
    // The config links the repository's own pages.
    let writes = fake.writes();
    let files = &writes.trees.values().next().unwrap().1;
    let config = &files.iter().find(|(p, _)| p.ends_with("config.yml")).unwrap().1;
    assert!(config.contains(&format!("https://github.com/{REPOSITORY}/security/advisories/new")), "{config}");

    // Nothing changed: nothing written but the tree that shows it.
    let before = writes_to_git(&fake);
    let said = fix_run(&job, &fake, "schedule");
    assert!(said.contains("already up to date"), "{said}");
    assert_eq!(writes_to_git(&fake) - before, 1, "only the tree is posted again");
    assert_eq!(fake.writes().pulls.len(), 1);

    // A file added since: a new commit, the branch moved, the same pull request edited.
    std::fs::write(
        job.workspace().join("SECURITY.md"),
        "# Security\n\nReport privately through GitHub's private vulnerability reporting, in the Security tab.\n",
    )
    .unwrap();
    let said = fix_run(&job, &fake, "schedule");
    assert!(said.contains("updated #"), "{said}");
    let pulls = fake.writes().pulls;
    assert_eq!((pulls.len(), pulls[0].edits), (1, 1));
    assert!(!branch_files(&fake).contains("SECURITY.md"));
    assert_eq!(posts(&fake, routes::PULLS), 1, "one pull request ever opened");
    assert_eq!(posts(&fake, routes::GIT_REFS), 1, "the branch was created once, then moved");
}

#[test]
fn never_on_pull_request_events_and_a_read_only_token_leaves_the_body_in_the_summary() {
    let fake = FakeGithub::start(world());
    let job = Job::new("bare");
    let said = fix_run(&job, &fake, "pull_request");
    assert!(said.contains("fix: pull-request runs on schedule and workflow_dispatch only"), "{said}");
    assert_eq!(writes_to_git(&fake), 0);

    fake.read_only();
    fix_run(&job, &fake, "workflow_dispatch");
    assert!(fake.writes().pulls.is_empty());
    let summary = job.summary();
    assert!(summary.contains("## The pull request cm-audit would open"), "{summary}");
    assert!(summary.contains("| `GOVERNANCE.md` |"), "{summary}");
    assert!(!summary.contains(TOKEN));
}

#[test]
fn a_repository_on_github_gets_its_build_files_commands_in_the_dry_run() {
    let manifest = "[package]\nname = \"gizmo\"\nversion = \"0.3.1\"\n";
    let fake = FakeGithub::start(
        World::default().with(Repo::new("acme/gizmo").file("Cargo.toml", manifest).file("README.md", "# gizmo\n")),
    );
    let out = ok(cm_audit(&fake).args(["fix", "acme/gizmo"]));
    let said = String::from_utf8(out.stdout).unwrap();
    for line in
        ["+++ b/CONTRIBUTING.md", "+git clone https://github.com/acme/gizmo.git", "+cargo test", "+++ b/SECURITY.md"]
    {
        assert!(said.contains(line), "{line} not in:\n{said}");
    }
    assert!(said.contains("(a dry run: --write writes them)"));
    let refused = crate::action_run::run(cm_audit(&fake).args(["fix", "acme/gizmo", "--write"]));
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(writes_to_git(&fake), 0);
}
