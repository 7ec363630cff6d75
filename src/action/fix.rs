//! `fix: pull-request`: on a schedule or a manual run, the community files the audit found
//! missing are committed on `cm-audit/fix` and one pull request from it is kept up to date. Never
//! on pull request events, whose code is not the default branch's (and may be a fork's). A token
//! that may not write leaves the would-be pull request in the step summary.

use chrono::{DateTime, Utc};

use super::inputs::Runner;
use super::{Written, outputs, settle, with_second_try};
use crate::collect::github::{ApiError, Client, Failure, Permission};
use crate::engine::RuleSet;
use crate::error::Result;
use crate::fix;
use crate::repo_ref::RepoRef;
use crate::snapshot::Snapshot;

/// The events on which the pull request is opened or updated.
const EVENTS: [&str; 2] = ["schedule", "workflow_dispatch"];

pub async fn pull_request(
    client: &Client,
    repo: &RepoRef,
    runner: &Runner,
    snap: &Snapshot,
    rules: &RuleSet,
    own_repository: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if !EVENTS.contains(&runner.event_name.as_str()) {
        println!(
            "::notice title=cm-audit::fix: pull-request runs on schedule and workflow_dispatch only, not on {}",
            runner.event_name
        );
        return Ok(());
    }
    let audited = fix::audit_snapshot(snap.clone(), rules, now);
    let options = fix::Options::default();
    let planned = match runner.checkout().filter(|_| own_repository) {
        Some(dir) => fix::plan(&audited, &fix::checkout_reader(dir), &fix::checkout_tags(dir), &options)?,
        None => {
            let fact_files =
                fix::github::fact_files(client, repo, &snap.tree.paths, snap.sources.git_ref.as_deref()).await;
            // Without them the commands are placeholders: a failure to read is no reason to stop.
            let fact_files = fact_files.unwrap_or_default();
            fix::plan(&audited, &fix::remote_reader(snap, &fact_files), &[], &options)?
        }
    };
    let files = fix::committed(&planned);
    if files.is_empty() {
        match fix::created(&planned).first() {
            Some((workflow, _)) => println!(
                "::notice title=cm-audit::fix: only {workflow} is missing, and a workflow's token may not add a \
                 workflow: `cm-audit fix --write` in a checkout writes it"
            ),
            None => eprintln!("cm-audit: fix: no community file is missing"),
        }
        return Ok(());
    }
    let text = fix::pull_request_text(&planned);
    let base = snap.settings.as_ref().and_then(|s| s.default_branch.clone()).unwrap_or_else(|| "main".into());
    let written: Result<Written, ApiError> =
        with_second_try(async || fix::github::open_or_update_pull_request(client, repo, &base, &files, &text).await)
            .await;
    if let Err(ApiError { failure: Failure::Forbidden(_), .. }) = &written
        && let Some(summary) = &runner.step_summary
    {
        let would_be = format!(
            "## The pull request cm-audit would open\n\nThe token may not write (contents and pull-requests \
             write are needed), so here is what it would propose on `{}`:\n\n### {}\n\n{}",
            fix::github::FIX_BRANCH,
            text.title,
            text.body
        );
        outputs::write_summary(summary, &would_be)?;
    }
    settle(written, "open or update the fix pull request", Permission::PullRequests);
    Ok(())
}
