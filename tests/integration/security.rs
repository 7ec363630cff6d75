//! Issue 16: nothing from an audited checkout runs, a pull request cannot steer or weaken its own
//! audit, and what cm-audit prints or writes cannot be turned against the reader.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{cm_audit, git};

/// A repository with one commit whose `core.fsmonitor` is a script that leaves `marker` behind:
/// git runs that command whenever it reads the index. `separate_git_dir`: `.git` is then a file,
/// `gitdir: /other/path`, as in a worktree or a submodule.
fn repository_with_fsmonitor(root: &Path, separate_git_dir: Option<&Path>, marker: &Path) {
    match separate_git_dir {
        Some(git_dir) => git(root, &["init", "-q", "--separate-git-dir", git_dir.to_str().unwrap()]),
        None => git(root, &["init", "-q"]),
    }
    fs::write(root.join("README.md"), "# Widgets\n").unwrap();
    git(root, &["add", "README.md"]);
    git(root, &["commit", "-qm", "init"]);
    let script = root.parent().unwrap().join("fsmonitor.sh");
    fs::write(&script, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
    fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    git(root, &["config", "core.fsmonitor", script.to_str().unwrap()]);
}

#[test]
fn auditing_a_checkout_never_runs_its_fsmonitor_command() {
    let dir = tempfile::tempdir().unwrap();
    let (root, marker) = (dir.path().join("checkout"), dir.path().join("ran"));
    fs::create_dir(&root).unwrap();
    repository_with_fsmonitor(&root, None, &marker);
    let out = cm_audit().arg(&root).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!marker.exists(), "auditing the checkout ran its core.fsmonitor command");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["sources"]["local_listing"], "git", "git still lists the user's own checkout");
}

#[test]
fn auditing_a_checkout_whose_git_file_points_elsewhere_never_runs_its_fsmonitor_command() {
    let dir = tempfile::tempdir().unwrap();
    let (root, marker) = (dir.path().join("checkout"), dir.path().join("ran"));
    fs::create_dir(&root).unwrap();
    repository_with_fsmonitor(&root, Some(&dir.path().join("elsewhere.git")), &marker);
    assert!(root.join(".git").is_file());
    let out = cm_audit().arg(&root).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!marker.exists(), "auditing the checkout ran the core.fsmonitor command of the gitdir it points to");
}

#[test]
fn a_fifo_at_git_config_does_not_hang_a_local_audit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    fs::write(root.join("README.md"), "# Widgets\n").unwrap();
    git(root, &["add", "README.md"]);
    git(root, &["commit", "-qm", "init"]);
    fs::remove_file(root.join(".git/config")).unwrap();
    assert!(Command::new("mkfifo").arg(root.join(".git/config")).status().unwrap().success());
    let out = cm_audit().arg(root).args(["--format", "json"]).timeout(std::time::Duration::from_secs(20)).output();
    let out = out.expect("cm-audit ends");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["sources"]["local_listing"], "walk");
}

/// Lines a workflow runner would take as a workflow command: `::name ...::` at a line's start.
fn workflow_commands(output: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(output).lines().filter(|l| l.trim_start().starts_with("::")).map(String::from).collect()
}

#[test]
fn config_text_in_an_error_cannot_start_a_workflow_command() {
    let configs = [
        // An unknown rule id.
        "[rules.\"x\\n::error title=pwned::owned\"]\nenabled = false\n",
        // A rule id used twice.
        "[[rule]]\nid = \"dup\\n::set-output name=score::100\"\n[[rule]]\nid = \"dup\\n::set-output name=score::100\"\n",
        // A document id.
        "[documents.\"d\\r\\n::stop-commands::token\"]\nstems = 3\n",
        // A rule's field.
        "[[rule]]\nid = \"r\\n::error::owned\"\ntitle = 1\n",
    ];
    for config in configs {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".github")).unwrap();
        fs::write(dir.path().join(".github/cm-audit.toml"), config).unwrap();
        let out = cm_audit().arg(dir.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{config}: {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(workflow_commands(&out.stderr).is_empty() && workflow_commands(&out.stdout).is_empty(), "{stderr}");
    }
}

/// What a pull request's `.github/cm-audit.toml` could do to weaken its own audit: turn every
/// responsibility off (an unscored report), and add a rule whose remedy and docs are a phishing
/// link for the bot to post.
const WEAKENING_CONFIG: &str = r#"
[responsibilities.welcoming]
enabled = false
[responsibilities.conflict-resolution]
enabled = false
[responsibilities.leadership]
enabled = false
[responsibilities.communication]
enabled = false
[responsibilities.engagement]
enabled = false
"#;

const PHISHING_RULE: &str = r#"
[[rule]]
id = "verify-account"
title = "Maintainers verified their account"
responsibility = "leadership"
severity = "high"
rationale = "Required."
remedy = "Verify your account at https://phish.example/login now."
docs = "https://phish.example/login"
[rule.check]
kind = "file"
document = "verification"

[documents.verification]
name = "verification"
stems = ["verified-account"]
"#;

#[test]
fn under_pull_request_target_the_base_branchs_config_judges_and_the_comment_says_the_config_changed() {
    use crate::action_run::{HEAD_SHA, Job, REPOSITORY, ok, world};
    use crate::support::fake_github::FakeGithub;
    let readme = "# Hello World\n\nA greeting for the world, printed by a small program.\n";
    let mut world = world();
    let repo = world.repos.remove(&REPOSITORY.to_ascii_lowercase()).unwrap();
    let head = [("README.md", readme), (".github/cm-audit.toml", PHISHING_RULE)];
    let fake = FakeGithub::start(world.with(repo.commit(HEAD_SHA, &head)));
    let job = Job::new("well-kept");
    ok(&mut job.action(&fake, "pull_request_target"));
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&job.outputs()["report"]).unwrap()).unwrap();
    assert_eq!(report["sources"]["git_ref"], HEAD_SHA);
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"verify-account"), "the pull request's own rule judged it: {rules:?}");
    let comments = fake.writes().comments;
    assert_eq!(comments.len(), 1, "the pull request changes the config: that alone is worth a comment");
    let body = &comments[0].body;
    assert!(!body.contains("phish.example"), "{body}");
    assert!(body.contains(".github/cm-audit.toml"), "the comment says the config changed: {body}");
}

#[test]
fn under_pull_request_target_a_config_that_turns_everything_off_does_not_pass_fail_under() {
    use crate::action_run::{HEAD_SHA, Job, REPOSITORY, ok, run, world};
    use crate::support::fake_github::FakeGithub;
    let readme = "# Hello World\n\nA greeting for the world, printed by a small program.\n";
    let mut world = world();
    let repo = world.repos.remove(&REPOSITORY.to_ascii_lowercase()).unwrap();
    let head = [("README.md", readme), (".github/cm-audit.toml", WEAKENING_CONFIG)];
    let fake = FakeGithub::start(world.with(repo.commit(HEAD_SHA, &head)));
    let job = Job::new("well-kept");
    ok(&mut job.action(&fake, "pull_request_target"));
    let score: u8 = job.outputs()["score"].parse().expect("the base's config scores the head");
    let out = run(job.action(&fake, "pull_request_target").env("INPUT_FAIL-UNDER", (score + 1).to_string()));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_unscored_report_fails_fail_under() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".github")).unwrap();
    fs::write(dir.path().join(".github/cm-audit.toml"), WEAKENING_CONFIG).unwrap();
    let out = cm_audit().arg(dir.path()).args(["--fail-under", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule was counted"));
}

#[test]
fn someone_elses_comment_with_the_marker_is_never_edited() {
    use crate::action_run::{Job, MARKER, PULL_REQUEST, ok, world};
    use crate::support::fake_github::{FakeGithub, user};
    let fake = FakeGithub::start(world());
    let planted = format!("{MARKER}\nLooks like cm-audit, written by someone else.");
    fake.comment_by(user("mallory"), PULL_REQUEST, &planted);
    let job = Job::new("well-kept");
    ok(&mut job.action(&fake, "pull_request"));
    let comments = fake.writes().comments;
    assert_eq!((comments[0].body.as_str(), comments[0].edits), (planted.as_str(), 0), "mallory's comment was edited");
    assert_eq!(comments.len(), 2, "the Action's own comment is created beside it");
    assert_eq!(comments[1].user.as_ref().unwrap().login, "github-actions[bot]");

    // With a personal token, `GET /user` names the account: a comment by it is the Action's.
    let mut world = world();
    world.token_owner = user("cm-audit-bot");
    let fake = FakeGithub::start(world);
    fake.comment_by(user("mallory"), PULL_REQUEST, &planted);
    fake.comment_by(user("cm-audit-bot"), PULL_REQUEST, &format!("{MARKER}\nAn older report."));
    ok(&mut job.action(&fake, "pull_request"));
    let comments = fake.writes().comments;
    assert_eq!(comments.len(), 2, "no new comment: the token's own was edited");
    assert_eq!((comments[0].edits, comments[1].edits), (0, 1));
}

#[test]
fn someone_elses_issue_with_the_tracking_marker_is_never_edited() {
    use crate::action_run::{Job, ok, world};
    use crate::support::fake_github::{FakeGithub, user};
    let fake = FakeGithub::start(world());
    let planted = "<!-- cm-audit-tracking-issue -->\nNot cm-audit's.";
    fake.issue_by(user("mallory"), "Community health: cm-audit report", planted);
    let job = Job::new("well-kept");
    ok(job.action(&fake, "schedule").env("INPUT_ISSUE", "true"));
    let issues = fake.writes().issues;
    assert_eq!((issues[0].body.as_str(), issues[0].edits), (planted, 0), "mallory's issue was edited");
    assert_eq!(issues.len(), 2, "the Action's own issue is opened beside it");
}

#[test]
fn the_sarif_file_input_never_writes_through_a_link_nor_outside_the_workspace() {
    use crate::action_run::{Job, run, world};
    use crate::support::fake_github::FakeGithub;
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    let victim = job.path("victim");
    fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, job.workspace().join("cm-audit.sarif")).unwrap();
    for sarif in ["cm-audit.sarif", victim.to_str().unwrap(), "../victim"] {
        let out = run(job.action(&fake, "schedule").env("INPUT_SARIF-FILE", sarif));
        assert_eq!(out.status.code(), Some(2), "{sarif}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious", "{sarif} wrote through to the victim");
    }
}

#[test]
fn the_config_input_never_reads_through_a_link_to_outside_the_workspace() {
    use crate::action_run::{Job, run, world};
    use crate::support::fake_github::FakeGithub;
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    // Standing in for `/proc/self/environ`: a file outside the workspace, with a secret in it.
    let secret = job.path("environ");
    fs::write(&secret, "GITHUB_TOKEN=ghs_secret_in_the_environment\n").unwrap();
    std::os::unix::fs::symlink(&secret, job.workspace().join("cm-audit.toml")).unwrap();
    for config in ["cm-audit.toml", secret.to_str().unwrap()] {
        let out = run(job.action(&fake, "schedule").env("INPUT_CONFIG", config));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{config}: {stderr}");
        assert!(!stderr.contains("ghs_secret"), "{config}: the file was read: {stderr}");
    }
}

#[test]
fn a_next_link_to_the_same_page_stops_at_once_with_one_line() {
    use crate::support::fake_github::{FakeGithub, Fault, routes};
    use crate::support::{community, rest_only};
    for (route, args) in [
        (routes::LABELS, vec!["acme/widgets"]),
        (routes::ORG_REPOS, vec!["--org", "acme"]),
        (routes::REVIEWS, vec!["acme/widgets"]),
    ] {
        let fake = FakeGithub::start(community());
        fake.inject(route, Fault::NextIsSelf, None);
        let out = rest_only(&fake).args(&args).timeout(std::time::Duration::from_secs(60)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let served = fake.counts().get(route).copied().unwrap_or(0);
        assert!(served <= 2, "{route}: {served} requests for one looping page");
        assert_eq!(out.status.code(), Some(7), "{route}: {stderr}");
        assert!(stderr.contains("already read"), "{route}: {stderr}");
    }
}

#[test]
fn the_terminal_report_shows_repository_text_without_its_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".github")).unwrap();
    let config = r#"
[[rule]]
id = "hostile-text"
title = "Clear\u001b[2J the screen\u0007"
responsibility = "engagement"
severity = "high"
rationale = "r"
remedy = "Set the title\u001b]0;owned\u0007 and \u202Ereverse\u0000 it."
[rule.check]
kind = "file"
document = "hostile"

[documents.hostile]
name = "hostile"
stems = ["hostile"]
"#;
    fs::write(dir.path().join(".github/cm-audit.toml"), config).unwrap();
    // As on a terminal: styles pass through, and so would anything the text holds.
    let out = cm_audit().arg(dir.path()).env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Clear"), "{stdout}");
    for bad in ["\u{1b}[2J", "\u{1b}]0;", "\u{7}", "\u{0}", "\u{202E}"] {
        assert!(!stdout.contains(bad), "{bad:?} reached the terminal");
    }
}

#[test]
fn credentials_in_the_api_url_are_never_shown() {
    use crate::support::fake_github::FakeGithub;
    use crate::support::{community, rest_only};
    let fake = FakeGithub::start(community());
    let url = fake.url().replace("http://", "http://robot:s3cret@");
    for args in [vec!["acme/widgets"], vec!["acme/widgets", "--format", "json"], vec!["snapshot", "acme/widgets"]] {
        let out = rest_only(&fake).env("GITHUB_API_URL", &url).args(&args).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(stdout.contains(fake.url()), "{args:?}: the API is named: {stdout}");
        assert!(!stdout.contains("s3cret") && !stderr.contains("s3cret"), "{args:?}: {stdout}{stderr}");
    }
}

#[test]
fn a_repository_input_other_than_the_events_gets_no_pull_request_comment() {
    use crate::action_run::{BASE_SHA, HEAD_SHA, Job, ok, world};
    use crate::support::fake_github::{FakeGithub, Repo};
    // Even where the event's commits exist, its pull request number is not acme/other's.
    let files = [("README.md", "# Other\n")];
    let other =
        Repo::new("acme/other").file("README.md", "# Other\n").commit(BASE_SHA, &files).commit(HEAD_SHA, &files);
    let fake = FakeGithub::start(world().with(other));
    let job = Job::new("well-kept");
    ok(job.action(&fake, "pull_request").env("INPUT_REPOSITORY", "acme/other").env("INPUT_COMMENT", "always"));
    assert!(fake.writes().comments.is_empty(), "commented on acme/other's unrelated pull request number");
}

/// The pull request comment's creation, apart from the listing on the same route.
const POST_COMMENT: &str = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";

#[test]
fn a_transient_failure_to_post_the_comment_is_tried_again_then_only_warned_about() {
    use crate::action_run::{Job, ok, world};
    use crate::support::fake_github::{FakeGithub, Fault, routes};
    let job = Job::new("well-kept");
    // Once: a second try posts it, and only one comment is made.
    let fake = FakeGithub::start(world());
    fake.inject(POST_COMMENT, Fault::Status(502, "Bad Gateway"), Some(1));
    ok(&mut job.action(&fake, "pull_request"));
    assert_eq!(fake.writes().comments.len(), 1);

    // Every time: one warning, and the step passes with the report in the summary.
    let fake = FakeGithub::start(world());
    fake.inject(POST_COMMENT, Fault::Status(502, "Bad Gateway"), None);
    let out = ok(&mut job.action(&fake, "pull_request"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let warnings: Vec<&str> = stdout.lines().filter(|l| l.contains("could not comment")).collect();
    assert_eq!(warnings.len(), 1, "{stdout}");
    assert!(warnings[0].starts_with("::warning "), "{}", warnings[0]);
    let posts = fake.served().into_iter().filter(|s| s.method == "POST" && s.route == Some(routes::ISSUE_COMMENTS));
    assert_eq!(posts.count(), 2, "one try again, no more");
}

#[test]
fn an_answer_that_trickles_in_is_cut_off_by_the_timeout() {
    use crate::support::fake_github::{FakeGithub, Fault, routes};
    use crate::support::{community, rest_only};
    let fake = FakeGithub::start(community());
    fake.inject(routes::REPO, Fault::Trickle(std::time::Duration::from_millis(200)), None);
    let started = std::time::Instant::now();
    let out = rest_only(&fake)
        .args(["acme/widgets", "--timeout", "1"])
        .timeout(std::time::Duration::from_secs(90))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "{:?}: {stderr}", started.elapsed());
}

#[test]
fn wait_does_not_sit_out_a_reset_further_than_githubs_hour() {
    use crate::support::fake_github::FakeGithub;
    use crate::support::{community, rest_only};
    let fake = FakeGithub::start(community());
    fake.spend(4_999);
    fake.reset_after(std::time::Duration::from_secs(10 * 365 * 24 * 3600));
    let out = rest_only(&fake)
        .args(["--org", "acme", "--wait", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    let rows = String::from_utf8_lossy(&out.stdout);
    assert!(rows.contains("not a reset GitHub gives"), "the rows say why: {rows}");
    assert!(!rows.contains(" min") && !stderr.contains("s for its reset"), "{rows}{stderr}");
}
