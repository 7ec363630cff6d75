//! `cm-audit action`: the GitHub Action. It reads the inputs and the runner's variables, audits
//! the repository (the checked-out tree when there is one, the API for the rest), and reports
//! through the step summary, outputs, annotations, SARIF, the pull request comment and the
//! tracking issue. Only `fail-under` decides the exit status, and a run that cannot audit (the API
//! unreachable, the token refused) still writes a summary saying what failed and what to check; a
//! mistake in the workflow itself (a bad input or config) fails the step. See docs/action.md.

mod comment;
mod event;
pub mod inputs;
mod issue;
mod outputs;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use crate::audit::{self, ExternalConfig};
use crate::collect::github::{self, ApiError, Client, Failure, FilesFrom, GithubOptions, Page, Permission};
use crate::engine::RuleSet;
use crate::error::{Error, Result, exit};
use crate::report::compare::Comparison;
use crate::report::{self, Format, RenderOptions, Report};
use event::PullRequest;
use inputs::{CommentMode, Inputs, Runner};

/// The JSON report's file name, in `RUNNER_TEMP` (or the workspace).
const REPORT_FILE: &str = "cm-audit-report.json";
/// Pages of comments or issues looked through for the marker.
const MAX_MARKER_PAGES: usize = 30;

/// What a write to GitHub did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created(u64),
    Updated(u64),
    /// Found, with the same body already: not edited.
    Unchanged(u64),
    /// Nothing to say and nothing to edit.
    Skipped,
}

/// Runs the Action with the options the command line set (API URL, timeouts); the inputs
/// override the token and the window.
pub fn run(opts: GithubOptions, now: DateTime<Utc>) -> Result<u8> {
    let env = |name: &str| std::env::var(name).ok();
    let runner = Runner::read(&env);
    let inputs = Inputs::read(&env);
    let repository = inputs.as_ref().ok().and_then(|i| i.repository.clone()).or_else(|| runner.repository.clone());
    match inputs.and_then(|inputs| run_with(&inputs, &runner, opts, now)) {
        Ok(code) => Ok(code),
        Err(e) => leave_a_summary(&runner, repository.map(|r| r.to_string()).as_deref(), e),
    }
}

/// A run that could not audit still leaves the job a summary and the outputs it can set. A
/// mistake in the workflow (an input, the config) fails the step; anything else (the API, the
/// token) is one warning, since only `fail-under` fails the step and there is no score.
fn leave_a_summary(runner: &Runner, repository: Option<&str>, e: Error) -> Result<u8> {
    let workflow_mistake = matches!(e, Error::Usage(_) | Error::Config(_));
    if let Some(summary) = &runner.step_summary {
        outputs::write_summary(summary, &outputs::failure_summary(repository, &e, workflow_mistake))?;
    }
    if let Some(file) = &runner.output {
        outputs::write_outputs(file, &outputs::unscored(&e))?;
    }
    if workflow_mistake {
        return Err(e);
    }
    println!("{}", outputs::warning(&format!("cm-audit could not audit: {e}. The job summary says what to check.")));
    Ok(exit::SUCCESS)
}

fn run_with(inputs: &Inputs, runner: &Runner, mut opts: GithubOptions, now: DateTime<Utc>) -> Result<u8> {
    if inputs.token.is_some() {
        opts.token = inputs.token.clone();
    }
    if let Some(window) = inputs.window {
        opts.window = window;
    }
    crate::logging::init(false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(act(inputs, runner, &opts, now))
}

async fn act(inputs: &Inputs, runner: &Runner, opts: &GithubOptions, now: DateTime<Utc>) -> Result<u8> {
    let repo = inputs.repository.clone().or_else(|| runner.repository.clone()).ok_or_else(|| {
        Error::Usage("no repository to audit: set the `repository` input (or GITHUB_REPOSITORY)".into())
    })?;
    let pull_request = event::pull_request(&runner.event_name, runner.event_path.as_deref())?;
    let external = inputs.config.as_deref().map(|p| ExternalConfig::read(&runner.resolve(p))).transpose()?;
    let files = files_to_judge(runner, runner.repository.as_ref() == Some(&repo), pull_request.as_ref());
    let (snap, rules) = github::collect_files_from(&repo, opts, external.as_ref(), now, files).await?;
    let report = audit::report(&snap, &rules, now);
    let base = match &pull_request {
        Some(pr) => Some(audit::report(&github::with_files_at(&snap, &rules, opts, &pr.base_sha).await?, &rules, now)),
        None => None,
    };
    let markdown = render(&report, &rules, Format::Markdown, base.clone())?;

    let report_path = runner.temp.clone().or_else(|| runner.workspace.clone()).unwrap_or_default().join(REPORT_FILE);
    write_file(&report_path, &render(&report, &rules, Format::Json, None)?)?;
    if let Some(sarif) = &inputs.sarif_file {
        write_file(&runner.resolve(sarif), &render(&report, &rules, Format::Sarif, None)?)?;
    }
    if let Some(summary) = &runner.step_summary {
        outputs::write_summary(summary, &markdown)?;
    }
    if let Some(file) = &runner.output {
        outputs::write_outputs(file, &outputs::outputs(&report, &report_path))?;
    }
    for line in outputs::annotations(&report) {
        println!("{line}");
    }

    let client = Client::new(opts)?;
    if let (Some(pr), Some(base)) = (&pull_request, &base)
        && inputs.comment != CommentMode::Never
    {
        let comparison = Comparison::new(base, &report);
        let create = inputs.comment == CommentMode::Always || !comment::changes_nothing(&comparison);
        let body = comment::body(&markdown, &comparison);
        let written = comment::keep_up_to_date(&client, &repo, pr.number, &body, create).await;
        settle(written, &format!("comment on pull request #{}", pr.number), Permission::PullRequests);
    }
    if inputs.issue {
        let written = issue::keep_up_to_date(&client, &repo, &markdown).await;
        settle(written, "update the tracking issue", Permission::Issues);
    }
    Ok(policy(&report, inputs.fail_under))
}

/// The files judged. Under `pull_request_target` the workspace holds the base branch, or worse,
/// a fork's code a workflow checked out: the head commit's files are read through the API, and
/// nothing from the pull request is ever run. Otherwise the checkout of the audited repository
/// when there is one; without it, the pull request's head or the default branch, through the API.
fn files_to_judge<'a>(runner: &'a Runner, own_repository: bool, pr: Option<&'a PullRequest>) -> FilesFrom<'a> {
    match (pr, runner.checkout()) {
        (Some(pr), _) if runner.event_name == "pull_request_target" => FilesFrom::Commit(&pr.head_sha),
        (_, Some(dir)) if own_repository => FilesFrom::Checkout(dir),
        (Some(pr), _) => FilesFrom::Commit(&pr.head_sha),
        (None, _) => FilesFrom::DefaultBranch,
    }
}

fn render(report: &Report, rules: &RuleSet, format: Format, base: Option<Report>) -> Result<String> {
    report::render(report, rules, &RenderOptions { format, template: None, base })
}

fn write_file(path: &PathBuf, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::Runtime(format!("cannot write {}: {e}", path.display())))
}

/// A write GitHub refused for want of permission is one warning, not a failure: a fork's pull
/// request gets a read-only token, and the summary still has the report. Any other failure to
/// write is a warning too: the summary has the report, and only `fail-under` fails the step.
fn settle(written: Result<Written, ApiError>, what: &str, permission: Permission) {
    let refused = match written {
        Ok(written) => {
            let done = match written {
                Written::Created(n) => format!("created #{n}"),
                Written::Updated(n) => format!("updated #{n}"),
                Written::Unchanged(n) => format!("#{n} already up to date"),
                Written::Skipped => "nothing changed, nothing to say".into(),
            };
            eprintln!("cm-audit: {what}: {done}");
            return;
        }
        Err(ApiError { failure: Failure::Forbidden(message) | Failure::NotFound { message, .. }, .. }) => format!(
            "cm-audit could not {what}: GitHub refused ({message}). The token is read-only, as it is for a \
             pull request from a fork under `pull_request`, or lacks the pull-requests or issues write \
             permission. The report is in the job summary."
        ),
        Err(e) => format!(
            "cm-audit could not {what}: {}. The report is in the job summary.",
            e.into_error(what, permission, false)
        ),
    };
    println!("{}", outputs::warning(&refused));
}

fn policy(report: &Report, fail_under: Option<u8>) -> u8 {
    match report.below(fail_under) {
        Some((score, min)) => {
            println!("::error title=cm-audit::the community health score {score} is below fail-under {min}");
            exit::POLICY
        }
        None => exit::SUCCESS,
    }
}

/// The first item of a paginated list that `marked` picks, following `next` links.
async fn find_marked<T: DeserializeOwned>(
    client: &Client,
    first: &str,
    marked: impl Fn(&T) -> bool,
) -> Result<Option<T>, ApiError> {
    let mut next = Some(first.to_string());
    for _ in 0..MAX_MARKER_PAGES {
        let Some(uri) = next.take() else { break };
        let page: Page<T> = client.get_page(&uri).await?;
        if let Some(found) = page.items.into_iter().find(|item| marked(item)) {
            return Ok(Some(found));
        }
        next = page.next;
    }
    Ok(None)
}
