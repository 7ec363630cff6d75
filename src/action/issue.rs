//! The tracking issue a scheduled run keeps up to date with the report: the community
//! manager's standing to-do list, one issue found again by its hidden marker.

use serde::Deserialize;
use serde_json::json;

use chrono::{DateTime, Utc};

use super::{Authored, UserJson, Written, find_own_marked};
use crate::audit;
use crate::collect::github::{ApiError, Client};
use crate::dynamics;
use crate::engine::RuleSet;
use crate::error::Result;
use crate::repo_ref::RepoRef;
use crate::report::markdown::{COMMENT_LIMIT, escape_text};
use crate::report::monthly::{MonthlyView, Period};
use crate::report::{self, Report};
use crate::snapshot::Snapshot;

/// The hidden first line of the tracking issue's body.
pub const TRACKING_MARKER: &str = "<!-- cm-audit-tracking-issue -->";
pub const TITLE: &str = "Community health: cm-audit report";

#[derive(Debug, Deserialize)]
struct IssueJson {
    number: u64,
    #[serde(default)]
    body: Option<String>,
    /// `null` for a deleted account.
    #[serde(default)]
    user: Option<UserJson>,
    /// Present when the "issue" is a pull request; the issues list returns both.
    #[serde(default)]
    pull_request: Option<serde::de::IgnoredAny>,
}

impl Authored for IssueJson {
    fn author(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.login.as_str())
    }
}

/// The tracking issue's body below its marker: the report, then "This month", the monthly
/// report of the current month so far (or why there is none: a window short of the month's
/// first day). The report folds its lists to leave room for the month within GitHub's limit.
pub fn report_and_this_month(snap: &Snapshot, rules: &RuleSet, report: &Report, now: DateTime<Utc>) -> Result<String> {
    let asked = Period::current(now);
    let month = match asked.covered_by(snap) {
        Ok(period) => {
            let settings = dynamics::Settings { span: Some(period.span()), ..dynamics::Settings::default() };
            let monthly = audit::report_with(snap, rules, &settings, now);
            MonthlyView::new(&monthly, &period, None, true).render()?
        }
        Err(why) => format!(
            "## This month: {}, so far

Not reported: {}.
",
            asked.name(),
            escape_text(&why.to_string())
        ),
    };
    let room = COMMENT_LIMIT.saturating_sub(TRACKING_MARKER.len() + month.len() + 2);
    Ok(format!(
        "{}
{month}",
        report::markdown_within(report, room)?
    ))
}

/// Creates the tracking issue, or edits the open one found by its marker.
pub async fn keep_up_to_date(client: &Client, repo: &RepoRef, markdown: &str) -> Result<Written, ApiError> {
    let body = format!("{TRACKING_MARKER}\n{markdown}");
    let first = format!("/repos/{repo}/issues?state=open&per_page=100");
    let found: Option<IssueJson> = find_own_marked(client, &first, |i: &IssueJson| {
        i.pull_request.is_none() && i.body.as_deref().is_some_and(|b| b.starts_with(TRACKING_MARKER))
    })
    .await?;
    match found {
        Some(i) if i.body.as_deref() == Some(body.as_str()) => Ok(Written::Unchanged(i.number)),
        Some(i) => {
            let _: IssueJson =
                client.patch_json(&format!("/repos/{repo}/issues/{}", i.number), &json!({ "body": body })).await?;
            Ok(Written::Updated(i.number))
        }
        None => {
            let i: IssueJson =
                client.post_json(&format!("/repos/{repo}/issues"), &json!({ "title": TITLE, "body": body })).await?;
            Ok(Written::Created(i.number))
        }
    }
}
