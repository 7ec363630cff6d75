//! `cm-audit action` run as GitHub runs the Docker action: `INPUT_*` variables, a real
//! `pull_request` event payload (`@octokit/webhooks-examples`), the step summary and output
//! files, and a workspace holding a checkout, against the fake GitHub.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::fake_github::action::READ_ONLY_MESSAGE;
use support::fake_github::{FakeGithub, Repo, World, routes, user};
use support::{TOKEN, anonymous, days_ago};
use tempfile::TempDir;

/// The repository, pull request and commits of the vendored event payload.
pub(crate) const REPOSITORY: &str = "Codertocat/Hello-World";
pub(crate) const PULL_REQUEST: u64 = 2;
pub(crate) const BASE_SHA: &str = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
pub(crate) const HEAD_SHA: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
pub(crate) const MARKER: &str = "<!-- cm-audit-report -->";

fn event_payload() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/webhooks/pull_request.opened.json")
}

/// The repository before the pull request: a README and nothing else. 120 comments already
/// on the pull request, so that the Action's own lands on the second page of the list.
pub(crate) fn world() -> World {
    let readme = "# Hello World\n\nA greeting for the world, printed by a small program.\n";
    let mut repo = Repo::new(REPOSITORY).file("README.md", readme).commit(BASE_SHA, &[("README.md", readme)]);
    repo.default_branch = "master".into();
    for _ in 0..120 {
        repo.comment(PULL_REQUEST, user("reviewer-ed"), "MEMBER", days_ago(1));
    }
    World::default().with(repo)
}

/// A runner's files for one job: the workspace (a copy of a fixture checkout), the temp folder,
/// the step summary and the output file.
pub(crate) struct Job {
    dir: TempDir,
}

impl Job {
    pub(crate) fn new(fixture: &str) -> Job {
        let job = Job { dir: TempDir::new().unwrap() };
        copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture), &job.workspace());
        std::fs::create_dir_all(job.path("temp")).unwrap();
        job
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn workspace(&self) -> PathBuf {
        self.path("workspace")
    }

    /// The binary with the variables the runner sets for a `pull_request` event.
    pub(crate) fn action(&self, fake: &FakeGithub, event: &str) -> assert_cmd::Command {
        let mut cmd = anonymous(fake);
        cmd.arg("action")
            .env("INPUT_TOKEN", TOKEN)
            .env("INPUT_COMMENT", "auto")
            .env("GITHUB_REPOSITORY", REPOSITORY)
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_EVENT_PATH", event_payload())
            .env("GITHUB_WORKSPACE", self.workspace())
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("RUNNER_TEMP", self.path("temp"));
        cmd
    }

    pub(crate) fn summary(&self) -> String {
        std::fs::read_to_string(self.path("summary.md")).unwrap()
    }

    /// The outputs, parsed from `GITHUB_OUTPUT`'s `name<<DELIMITER` form.
    pub(crate) fn outputs(&self) -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(self.path("output")).unwrap();
        let mut outputs = BTreeMap::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let (name, delimiter) = line.split_once("<<").expect("the heredoc form");
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            outputs.insert(name.to_string(), value.join("\n"));
        }
        outputs
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

pub(crate) fn run(cmd: &mut assert_cmd::Command) -> Output {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(TOKEN) && !String::from_utf8_lossy(&out.stdout).contains(TOKEN), "the token leaked");
    out
}

pub(crate) fn ok(cmd: &mut assert_cmd::Command) -> Output {
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    out
}

pub(crate) fn requests(fake: &FakeGithub, method: &str, route: &str) -> Vec<String> {
    fake.served().into_iter().filter(|s| s.method == method && s.route == Some(route)).map(|s| s.uri).collect()
}

#[test]
fn first_run_creates_the_comment_and_later_runs_edit_that_one() {
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    ok(&mut job.action(&fake, "pull_request"));
    let comments = fake.writes().comments;
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].number, PULL_REQUEST);
    assert!(comments[0].body.starts_with(MARKER), "{}", comments[0].body);
    // The pull request adds the community files the base lacks: the comment says so.
    assert!(comments[0].body.contains("code of conduct"), "{}", comments[0].body);
    assert!(
        fake.served().iter().all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}") as &str)),
        "every request carries INPUT_TOKEN"
    );

    // A second push removes the code of conduct again: the same comment is edited, found on
    // the second page of the pull request's comments.
    std::fs::remove_file(job.workspace().join("CODE_OF_CONDUCT.md")).unwrap();
    ok(&mut job.action(&fake, "pull_request"));
    let comments = fake.writes().comments;
    assert_eq!(comments.len(), 1, "one comment, edited, never one per push");
    assert_eq!(comments[0].edits, 1);
    assert!(requests(&fake, "GET", routes::ISSUE_COMMENTS).iter().any(|uri| uri.contains("page=2")));
    assert_eq!(requests(&fake, "POST", routes::ISSUE_COMMENTS).len(), 1);
    assert_eq!(requests(&fake, "PATCH", routes::COMMENT).len(), 1);

    // Nothing new on a third run: no edit at all.
    ok(&mut job.action(&fake, "pull_request"));
    assert_eq!(fake.writes().comments[0].edits, 1);
    assert_eq!(requests(&fake, "PATCH", routes::COMMENT).len(), 1);
}

#[test]
fn a_pull_request_that_changes_nothing_gets_no_comment_in_auto_mode() {
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    // The workspace is the base itself: the pull request changes no community file.
    std::fs::remove_dir_all(job.workspace()).unwrap();
    std::fs::create_dir_all(job.workspace()).unwrap();
    std::fs::write(
        job.workspace().join("README.md"),
        "# Hello World\n\nA greeting for the world, printed by a small program.\n",
    )
    .unwrap();
    ok(&mut job.action(&fake, "pull_request"));
    assert!(fake.writes().comments.is_empty());
    ok(job.action(&fake, "pull_request").env("INPUT_COMMENT", "always"));
    let comments = fake.writes().comments;
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("changes none of cm-audit's findings"), "{}", comments[0].body);
}

#[test]
fn a_forks_read_only_token_warns_once_and_passes() {
    let fake = FakeGithub::start(world());
    fake.read_only();
    let job = Job::new("well-kept");
    let out = ok(&mut job.action(&fake, "pull_request"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let warnings: Vec<&str> = stdout.lines().filter(|l| l.contains("could not comment")).collect();
    assert_eq!(warnings.len(), 1, "{stdout}");
    assert!(warnings[0].starts_with("::warning ") && warnings[0].contains(READ_ONLY_MESSAGE), "{}", warnings[0]);
    assert!(fake.writes().comments.is_empty());
    assert!(job.summary().starts_with(MARKER), "the summary is written all the same");
}

#[test]
fn writes_the_summary_outputs_json_report_and_sarif() {
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    ok(job.action(&fake, "pull_request").env("INPUT_SARIF-FILE", "cm-audit.sarif"));
    let outputs = job.outputs();
    let score: u8 = outputs["score"].parse().unwrap();
    let scores: BTreeMap<String, Option<u8>> = serde_json::from_str(&outputs["scores"]).unwrap();
    assert_eq!(scores.len(), 5, "{scores:?}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&outputs["report"]).unwrap()).unwrap();
    assert!(outputs["report"].starts_with(job.path("temp").to_str().unwrap()));
    assert_eq!(report["score"], score);
    assert_eq!(report["repository"], REPOSITORY);
    // The files judged are the checkout's; the labels and settings come from the API.
    assert_eq!(report["sources"]["local_tree"], job.workspace().to_str().unwrap());
    assert_eq!(report["sources"]["api"], fake.url());
    assert!(report["unavailable"].as_array().unwrap().is_empty(), "{}", report["unavailable"]);
    let summary = job.summary();
    assert!(summary.starts_with(MARKER) && summary.contains(&score.to_string()), "{summary}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(job.workspace().join("cm-audit.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn gaps_in_files_are_annotated_at_most_ten_times() {
    let fake = FakeGithub::start(world());
    let job = Job::new("bare");
    let out = ok(&mut job.action(&fake, "schedule"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::warning file=")).collect();
    assert!(!annotations.is_empty() && annotations.len() <= 10, "{stdout}");
}

#[test]
fn fail_under_alone_sets_the_exit_status() {
    let fake = FakeGithub::start(world());
    let job = Job::new("bare");
    ok(job.action(&fake, "pull_request").env("INPUT_FAIL-UNDER", "0"));
    let score: u8 = job.outputs()["score"].parse().unwrap();
    let out = run(job.action(&fake, "pull_request").env("INPUT_FAIL-UNDER", (score + 1).to_string()));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("score {score} is below fail-under")));
    // The name as GitHub passes it, hyphen kept: an underscore is not the input.
    ok(job.action(&fake, "pull_request").env("INPUT_FAIL_UNDER", "100"));
}

#[test]
fn pull_request_target_judges_the_head_commit_through_the_api_not_the_workspace() {
    let head = "# Hello World\n\nA greeting for the world, printed by a small program.\n";
    let coc = "# Code of conduct\n\nBe kind. Report problems to conduct@hello.example; every report is read by the maintainers and answered.\n";
    let mut world = world();
    let repo = world.repos.remove(&REPOSITORY.to_ascii_lowercase()).unwrap();
    let fake =
        FakeGithub::start(world.with(repo.commit(HEAD_SHA, &[("README.md", head), ("CODE_OF_CONDUCT.md", coc)])));
    let job = Job::new("well-kept");
    ok(&mut job.action(&fake, "pull_request_target"));
    let trees = requests(&fake, "GET", routes::TREE);
    assert!(trees.iter().any(|t| t.contains(HEAD_SHA)) && trees.iter().any(|t| t.contains(BASE_SHA)), "{trees:?}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&job.outputs()["report"]).unwrap()).unwrap();
    assert!(report["sources"].get("local_tree").is_none(), "the workspace was read: {}", report["sources"]);
    assert_eq!(report["sources"]["git_ref"], HEAD_SHA);
}

#[test]
fn a_scheduled_run_keeps_one_tracking_issue_up_to_date() {
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    ok(job.action(&fake, "schedule").env("INPUT_ISSUE", "true"));
    let issues = fake.writes().issues;
    assert_eq!(issues.len(), 1);
    assert!(issues[0].body.starts_with("<!-- cm-audit-tracking-issue -->\n<!-- cm-audit-report -->"));
    assert!(fake.writes().comments.is_empty(), "no pull request, no comment");

    std::fs::remove_file(job.workspace().join("CODE_OF_CONDUCT.md")).unwrap();
    ok(job.action(&fake, "schedule").env("INPUT_ISSUE", "true"));
    let issues = fake.writes().issues;
    assert_eq!((issues.len(), issues[0].edits), (1, 1));
    assert_eq!(requests(&fake, "POST", routes::ISSUES).len(), 1);
}

#[test]
fn the_tracking_issue_ends_with_this_month_so_far() {
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    ok(job.action(&fake, "schedule").env("INPUT_ISSUE", "true").env("CM_AUDIT_NOW", "2026-11-20T06:00:00Z"));
    let body = fake.writes().issues[0].body.clone();
    let month = &body[body.find("\n## This month: November 2026, so far\n").expect(&body)..];
    assert!(month.contains("_The month is not over: the figures run to 2026-11-20 06:00 UTC._"), "{month}");
    assert!(body.len() <= cm_audit::report::markdown::COMMENT_LIMIT);
    // A window short of the month's first day says so instead.
    let fake = FakeGithub::start(world());
    ok(job
        .action(&fake, "schedule")
        .env("INPUT_ISSUE", "true")
        .env("INPUT_WINDOW", "7d")
        .env("CM_AUDIT_NOW", "2026-11-20T06:00:00Z"));
    let body = fake.writes().issues[0].body.clone();
    assert!(body.contains("Not reported: the data's window starts on 2026-11-13, after November 2026 began"), "{body}");
}

#[test]
fn the_fakes_answers_to_the_action_match_githubs_published_schema() {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/openapi/routes.json")).unwrap(),
    )
    .unwrap();
    // A fork's run (refused creations), then a first run and an edit.
    let fork = FakeGithub::start(world());
    fork.read_only();
    let job = Job::new("well-kept");
    ok(job.action(&fork, "pull_request").env("INPUT_ISSUE", "true"));
    let fake = FakeGithub::start(world());
    ok(job.action(&fake, "pull_request").env("INPUT_ISSUE", "true"));
    std::fs::remove_file(job.workspace().join("CODE_OF_CONDUCT.md")).unwrap();
    ok(job.action(&fake, "pull_request").env("INPUT_ISSUE", "true"));

    let mut checked = std::collections::BTreeSet::new();
    let action_routes = [routes::ISSUE_COMMENTS, routes::COMMENT, routes::ISSUES, routes::ISSUE];
    for served in fork.served().into_iter().chain(fake.served()) {
        let (Some(route), Some(body)) = (served.route, &served.json) else { continue };
        if !action_routes.contains(&route) || (served.method == "GET" && route == routes::ISSUES) {
            continue;
        }
        let schema = &spec["routes"][format!("{} {route}", served.method)][served.status.to_string()];
        assert!(!schema.is_null(), "GitHub documents no JSON answer {} for {} {route}", served.status, served.method);
        let schema = serde_json::json!({"definitions": spec["definitions"], "allOf": [schema]});
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let problems: Vec<String> =
            validator.iter_errors(body).take(5).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(problems.is_empty(), "{} {}: {problems:#?}", served.method, served.uri);
        checked.insert((served.method, route, served.status));
    }
    for expected in [
        ("GET", routes::ISSUE_COMMENTS, 200),
        ("POST", routes::ISSUE_COMMENTS, 201),
        ("PATCH", routes::COMMENT, 200),
        ("POST", routes::ISSUES, 201),
        ("PATCH", routes::ISSUE, 200),
        ("POST", routes::ISSUE_COMMENTS, 403),
        ("POST", routes::ISSUES, 403),
    ] {
        let expected = (expected.0.to_string(), expected.1, expected.2);
        assert!(checked.contains(&expected), "{expected:?} not exercised: {checked:?}");
    }
}

/// The Action never leaves a run without a summary: when the API cannot be reached or refuses the
/// token, the summary says what failed and what to check, the outputs say it was not scored, one
/// warning says why, and the step passes (only `fail-under` fails it, and there is no score).
#[test]
fn an_unreachable_api_or_a_refused_token_still_writes_the_summary_and_passes() {
    let refused = FakeGithub::start(world());
    refused.inject(routes::REPO, support::fake_github::Fault::Status(401, "Bad credentials"), None);
    let unreachable = FakeGithub::start(world());
    for (fake, api_url, failed, check) in [
        (&refused, refused.url().to_string(), "Bad credentials", "the `token` input"),
        (&unreachable, "http://127.0.0.1:9".to_string(), "no answer from the GitHub API", "the runner's network"),
    ] {
        let job = Job::new("well-kept");
        let out = run(job.action(fake, "pull_request").env("GITHUB_API_URL", &api_url).env("INPUT_FAIL-UNDER", "50"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{failed}: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
        let summary = job.summary();
        assert!(summary.starts_with(MARKER), "{summary}");
        assert!(summary.contains(&format!("cm-audit could not audit `{REPOSITORY}`")), "{summary}");
        assert!(summary.contains(failed) && summary.contains(check), "{failed}: {summary}");
        let outputs = job.outputs();
        assert_eq!(outputs["score"], "", "{outputs:?}");
        assert!(outputs["error"].contains(failed), "{outputs:?}");
        let warnings: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::warning title=cm-audit::")).collect();
        assert_eq!(warnings.len(), 1, "{stdout}");
    }
}

/// A mistake in the workflow itself (an input that is not a number) fails the step, with a summary.
#[test]
fn a_configuration_error_in_the_workflow_fails_the_step_and_says_so_in_the_summary() {
    let fake = FakeGithub::start(world());
    let job = Job::new("well-kept");
    let out = run(job.action(&fake, "pull_request").env("INPUT_FAIL-UNDER", "sixty"));
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = job.summary();
    assert!(summary.contains("cm-audit could not run") && summary.contains("fail-under"), "{summary}");
}
