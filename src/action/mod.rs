//! `cm-audit action`: the GitHub Action. It reads the inputs and the runner's variables, audits
//! the repository (the checked-out tree when there is one, the API for the rest), and reports
//! through the step summary, outputs, annotations, SARIF, the pull request comment and the
//! tracking issue. Only `fail-under` decides the exit status, and a run that cannot audit (the API
//! unreachable, the token refused) still writes a summary saying what failed and what to check; a
//! mistake in the workflow itself (a bad input or config) fails the step. See docs/action.md.

mod comment;
mod event;
mod fix;
pub mod inputs;
mod issue;
mod outputs;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::audit::{self, ExternalConfig};
use crate::collect::github::{self, ApiError, Client, Failure, FilesFrom, GithubOptions, OwnerFiles, Permission};
use crate::engine::CONFIG_PATHS;
use crate::error::{Error, Result, exit};
use crate::report::compare::Comparison;
use crate::report::{self, Format, RenderOptions, Report};
use event::PullRequest;
use inputs::{CommentMode, FixMode, Inputs, Runner};

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
    // GitHub's names are case-insensitive.
    let own_repository =
        runner.repository.as_ref().is_some_and(|r| r.to_string().eq_ignore_ascii_case(&repo.to_string()));
    // The event's pull request is the workflow repository's: in another repository the same
    // number is an unrelated pull request, not to be compared nor commented on.
    let pull_request = match own_repository {
        true => event::pull_request(&runner.event_name, runner.event_path.as_deref())?,
        false => None,
    };
    let external = inputs.config.as_deref().map(|p| read_config(&runner.in_workspace("config", p)?)).transpose()?;
    let reader = Client::new(opts)?;
    reader.say_if_anonymous();
    let owner_files = OwnerFiles::default();
    let (snap, rules, base_snap) = match &pull_request {
        // The pull request must not judge itself (turn rules off, add one whose remedy is a
        // phishing link): the base's config sets the rules for both sides.
        Some(pr) if runner.event_name == "pull_request_target" => {
            let files = FilesFrom::Commit(&pr.base_sha);
            let (base, rules) =
                audit::github(&reader, &owner_files, opts, &repo, files, external.as_ref(), now).await?;
            let head = github::with_files_at(&base, &rules.needs(), CONFIG_PATHS, opts, &pr.head_sha).await?;
            (head, rules, Some(base))
        }
        _ => {
            let files = files_to_judge(runner, own_repository, pull_request.as_ref());
            let (snap, rules) =
                audit::github(&reader, &owner_files, opts, &repo, files, external.as_ref(), now).await?;
            let base = match &pull_request {
                Some(pr) => Some(github::with_files_at(&snap, &rules.needs(), CONFIG_PATHS, opts, &pr.base_sha).await?),
                None => None,
            };
            (snap, rules, base)
        }
    };
    let report = audit::report(&snap, &rules, now);
    let base = base_snap.as_ref().map(|b| audit::report(b, &rules, now));
    let markdown = render(&report, Format::Markdown, base.clone())?;

    let report_path = runner.temp.clone().or_else(|| runner.workspace.clone()).unwrap_or_default().join(REPORT_FILE);
    write_file(&report_path, &render(&report, Format::Json, None)?)?;
    if let Some(sarif) = &inputs.sarif_file {
        write_file(&runner.in_workspace("sarif-file", sarif)?, &render(&report, Format::Sarif, None)?)?;
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
        let config = base_snap.as_ref().and_then(|b| comment::ConfigChange::between(b, &snap, &runner.event_name));
        let create =
            inputs.comment == CommentMode::Always || !comment::changes_nothing(&comparison) || config.is_some();
        let body = comment::body(&markdown, &comparison, config);
        let written =
            with_second_try(async || comment::keep_up_to_date(&client, &repo, pr.number, &body, create).await).await;
        settle(written, &format!("comment on pull request #{}", pr.number), Permission::PullRequests);
    }
    if inputs.issue {
        let tracking = issue::report_and_this_month(&snap, &rules, &report, now)?;
        let written = with_second_try(async || issue::keep_up_to_date(&client, &repo, &tracking).await).await;
        settle(written, "update the tracking issue", Permission::Issues);
    }
    if inputs.fix == FixMode::PullRequest {
        fix::pull_request(&client, &repo, runner, &snap, &rules, own_repository, now).await?;
    }
    Ok(policy(&report, inputs.fail_under))
}

/// The files judged, but under `pull_request_target` (whose base is read first, for its config):
/// the checkout of the audited repository when there is one; without it, the pull request's head
/// or the default branch, through the API.
fn files_to_judge<'a>(runner: &'a Runner, own_repository: bool, pr: Option<&'a PullRequest>) -> FilesFrom<'a> {
    match (pr, runner.checkout()) {
        (_, Some(dir)) if own_repository => FilesFrom::Checkout(dir),
        (Some(pr), _) => FilesFrom::Commit(&pr.head_sha),
        (None, _) => FilesFrom::DefaultBranch,
    }
}

fn render(report: &Report, format: Format, base: Option<Report>) -> Result<String> {
    report::render(report, &RenderOptions { format, template: None, base })
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    inputs::open_no_follow(path, std::fs::OpenOptions::new().write(true).create(true).truncate(true))
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| Error::Runtime(format!("cannot write {}: {e}", path.display())))
}

/// The `config` input's file: a regular file (not a FIFO, which would block), read without
/// following a link.
fn read_config(path: &Path) -> Result<ExternalConfig> {
    let refused = |why: String| Error::Usage(format!("input `config`: cannot read {}: {why}", path.display()));
    if !path.symlink_metadata().map_err(|e| refused(e.to_string()))?.is_file() {
        return Err(refused("not a regular file".into()));
    }
    let mut text = String::new();
    inputs::open_no_follow(path, std::fs::OpenOptions::new().read(true))
        .and_then(|mut f| std::io::Read::read_to_string(&mut f, &mut text))
        .map_err(|e| refused(e.to_string()))?;
    Ok(ExternalConfig { name: path.display().to_string(), text })
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
        Err(ApiError { failure: failure @ (Failure::Server { .. } | Failure::Transport(_)), .. }) => format!(
            "cm-audit could not {what}: GitHub failed ({}), also when tried again. The report is in the job summary.",
            failure.short()
        ),
        Err(e) => format!(
            "cm-audit could not {what}: {}. The report is in the job summary.",
            e.into_error(what, permission, false)
        ),
    };
    println!("{}", outputs::warning(&refused));
}

/// Runs `keep` (find our comment or issue, then edit or create it) once more when its POST got a
/// 5xx or no answer. GitHub may have created the item all the same: the second run finds it
/// before it posts again, so a transient failure makes neither a second item nor, alone, a
/// failed step. (A PATCH sets a value, and the client retries it already.)
async fn with_second_try(keep: impl AsyncFn() -> Result<Written, ApiError>) -> Result<Written, ApiError> {
    match keep().await {
        Err(e) if e.method == "POST" && matches!(e.failure, Failure::Server { .. } | Failure::Transport(_)) => {
            tracing::warn!("POST {} failed ({}); looking for it, then trying again", e.uri, e.failure.short());
            keep().await
        }
        done => done,
    }
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

/// The login a GitHub App's installation token writes as when it is the workflow's
/// `GITHUB_TOKEN`; GitHub refuses such a token `GET /user`.
const ACTIONS_BOT: &str = "github-actions[bot]";

/// A comment or an issue, by the account that wrote it.
trait Authored {
    fn author(&self) -> Option<&str>;
}

#[derive(Debug, Deserialize)]
struct UserJson {
    login: String,
}

/// The login the token writes as: `GET /user`'s, or the Actions bot's for the installation token
/// GitHub refuses that request.
async fn own_login(client: &Client) -> Result<String, ApiError> {
    match client.get_json::<UserJson>("/user").await {
        Ok(user) => Ok(user.login),
        Err(ApiError { failure: Failure::Forbidden(_), .. }) => Ok(ACTIONS_BOT.to_string()),
        Err(e) => Err(e),
    }
}

/// The first item of a paginated list that the token's own account wrote and `marked` picks,
/// following `next` links. Anyone can write the marker; only our own item is ours to edit.
async fn find_own_marked<T: DeserializeOwned + Authored>(
    client: &Client,
    first: &str,
    marked: impl Fn(&T) -> bool,
) -> Result<Option<T>, ApiError> {
    let me = own_login(client).await?;
    let mut found = None;
    client
        .each_page(first.to_string(), MAX_MARKER_PAGES, |page: Vec<T>| {
            found = page.into_iter().find(|item| item.author() == Some(me.as_str()) && marked(item));
            found.is_none()
        })
        .await?;
    Ok(found)
}
