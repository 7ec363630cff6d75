//! One repository's snapshot through the API, in the order of the request plan (docs/github.md):
//! metadata, tree, the bodies rules read, releases, labels, welcoming issues, activity in the
//! window, and the owner's `.github` repository when a community file must be inherited.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::GithubOptions;
use super::activity;
use super::client::Client;
use super::errors::{ApiError, Failure, Permission};
use super::files::{ListError, RemoteTree};
use super::rest::{self, IssueJson, RepoJson};
use crate::audit::{self, ExternalConfig};
use crate::engine::RuleSet;
use crate::engine::check::label_matches;
use crate::engine::rule::{Check, Responsibility};
use crate::error::Result;
use crate::locate;
use crate::repo_ref::RepoRef;
use crate::snapshot::{Activity, DataKind, InheritedFiles, Item, ItemKind, Label, RepoSettings, Snapshot};

/// Caps on listings, so that a huge repository costs a bounded number of requests; hitting one
/// marks the activity incomplete, with a note.
const MAX_ITEM_PAGES: usize = 50;
const MAX_COMMENT_PAGES: usize = 100;
const MAX_WELCOMING_PAGES: usize = 5;
const MAX_REVIEW_LOOKUPS: usize = 300;
/// The fewest requests an audit makes after reading the files: releases, labels, two welcoming
/// labels, one page each of issues, comments and review comments.
const LEAST_REQUESTS_AFTER_FILES: usize = 7;
/// The organisation's (or user's) repository GitHub falls back to for community files.
const DOT_GITHUB: &str = ".github";

/// Collects `repo` through the API and returns its snapshot with the rules to evaluate on it
/// (the external config, else the one in the repository's tree), like `audit::collect_local`.
pub async fn collect(
    repo: &RepoRef,
    opts: &GithubOptions,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(Snapshot, RuleSet)> {
    let client = Client::new(opts)?;
    if client.anonymous {
        eprintln!(
            "cm-audit: no token (--token, GITHUB_TOKEN or GH_TOKEN): auditing anonymously, within GitHub's 60 requests an hour"
        );
    }
    let meta = rest::repository(&client, repo)
        .await
        .map_err(|e| e.into_error(&repo.to_string(), Permission::Metadata, client.anonymous))?;
    // A renamed repository answers under its new name; use it from here on.
    let repo = RepoRef::parse(&meta.full_name).unwrap_or_else(|_| repo.clone());
    let mut snap = Snapshot::new(Some(repo.to_string()), now);
    snap.sources.api = Some(opts.api_url.clone());
    snap.sources.git_ref = Some(meta.default_branch.clone());
    if meta.archived {
        snap.sources.notes.push(format!("{repo} is archived: it is audited as it was left"));
    }

    let tree =
        RemoteTree::list(&client, &repo, &meta.default_branch).await.map_err(|e| e.into_error(&repo, &client))?;
    if tree.tree.truncated {
        snap.sources.notes.push(format!(
            "GitHub truncated the file listing at {} files (its limit is 100,000 entries or 7 MB): files past it were not seen",
            tree.tree.paths.len()
        ));
    }
    snap.tree = tree.tree.clone();
    let config = audit::config_in_tree(&snap).map(str::to_string);
    tree.read_into(&client, config, &mut snap.files).await?;
    let rules = audit::rules_for(&snap, external)?;
    let to_read = rules.paths_to_read(&snap.tree);
    client.ensure_budget(to_read.len() + LEAST_REQUESTS_AFTER_FILES)?;
    tree.read_into(&client, to_read, &mut snap.files).await?;
    let pointed = locate::pointer_targets(&rules.documents, &snap.tree, &snap.files, snap.repository.as_deref());
    tree.read_into(&client, pointed, &mut snap.files).await?;

    collect_settings(&client, &repo, &meta, &mut snap).await?;
    collect_labels(&client, &repo, &meta, &rules, &mut snap).await?;
    collect_activity(&client, &repo, opts, &mut snap).await?;
    collect_inherited(&client, &repo, &rules, &mut snap).await?;
    audit::note_unreadable(&mut snap);
    tracing::info!("{} requests to {}", client.requests_sent(), opts.api_url);
    Ok((snap, rules))
}

async fn collect_settings(client: &Client, repo: &RepoRef, meta: &RepoJson, snap: &mut Snapshot) -> Result<()> {
    let releases = match optional(rest::release_count(client, repo).await, client, "releases", Permission::Contents)? {
        Ok(n) => Some(n),
        Err(reason) => {
            snap.sources.notes.push(reason);
            None
        }
    };
    snap.settings = Some(RepoSettings {
        description: meta.description.clone(),
        homepage: meta.homepage.clone(),
        topics: meta.topics.clone(),
        has_issues: meta.has_issues,
        has_discussions: meta.has_discussions,
        archived: meta.archived,
        fork: meta.fork,
        default_branch: Some(meta.default_branch.clone()),
        releases,
    });
    Ok(())
}

/// Optional data: what the token may not see is recorded as unavailable (its rules are skipped);
/// anything else (rate limit, network) stops the audit rather than report on half the data.
fn optional<T>(
    result: Result<T, ApiError>,
    client: &Client,
    what: &str,
    permission: Permission,
) -> Result<Result<T, String>> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e) => unavailable(e, client, what, permission).map(Err),
    }
}

/// The reason optional data is unavailable, or the error that stops the audit.
fn unavailable(e: ApiError, client: &Client, what: &str, permission: Permission) -> Result<String> {
    match e.unavailable_reason(permission) {
        Some(reason) => Ok(format!("{what}: {reason}")),
        None => Err(e.into_error(what, permission, client.anonymous)),
    }
}

async fn collect_labels(
    client: &Client,
    repo: &RepoRef,
    meta: &RepoJson,
    rules: &RuleSet,
    snap: &mut Snapshot,
) -> Result<()> {
    let labels = match optional(rest::labels(client, repo).await, client, "labels", Permission::Issues)? {
        Ok(labels) => labels,
        Err(reason) => {
            snap.unavailable.insert(DataKind::Labels, reason);
            return Ok(());
        }
    };
    let welcoming: Vec<&str> =
        labels.iter().map(|l| l.name.as_str()).filter(|name| is_welcoming(rules, name)).collect();
    let mut issues: BTreeMap<u64, IssueJson> = BTreeMap::new();
    if meta.has_issues {
        for label in welcoming {
            let listed = rest::open_issues_labelled(client, repo, label, MAX_WELCOMING_PAGES).await;
            match optional(listed, client, "issues", Permission::Issues)? {
                Ok((found, _)) => {
                    issues.extend(found.into_iter().filter(|i| i.pull_request.is_none()).map(|i| (i.number, i)))
                }
                Err(reason) => {
                    snap.unavailable.insert(DataKind::Issues, reason);
                    break;
                }
            }
        }
    }
    if !snap.unavailable.contains_key(&DataKind::Issues) {
        snap.welcoming_issues = Some(issues.into_values().rev().map(activity::item).collect());
    }
    snap.labels = Some(
        labels
            .into_iter()
            .map(|l| Label { name: l.name, description: l.description.filter(|d| !d.is_empty()) })
            .collect(),
    );
    Ok(())
}

/// A label that a welcoming rule looks for (`good first issue`, `help wanted`, the config's own).
fn is_welcoming(rules: &RuleSet, name: &str) -> bool {
    fn matches(check: &Check, name: &str) -> bool {
        match check {
            Check::Labels(c) => label_matches(c, name),
            Check::Any(any) => any.checks.iter().any(|c| matches(c, name)),
            _ => false,
        }
    }
    rules.rules.iter().filter(|r| r.responsibility == Responsibility::Welcoming).any(|r| matches(&r.check, name))
}

async fn collect_activity(client: &Client, repo: &RepoRef, opts: &GithubOptions, snap: &mut Snapshot) -> Result<()> {
    if snap.unavailable.contains_key(&DataKind::Issues) {
        return Ok(());
    }
    let window_start = snap.collected_at.checked_sub_signed(opts.window).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let listed = rest::items_created_since(client, repo, window_start, MAX_ITEM_PAGES).await;
    let (issues, mut complete) = match optional(listed, client, "issues and pull requests", Permission::Issues)? {
        Ok(listed) => listed,
        Err(reason) => {
            snap.unavailable.insert(DataKind::Issues, reason);
            return Ok(());
        }
    };
    if !complete {
        snap.sources
            .notes
            .push(format!("only the newest {} issues and pull requests of the window were read", issues.len()));
    }
    let mut items: Vec<_> = issues.into_iter().map(activity::item).collect();
    if !items.is_empty() {
        let (comments, all) = match optional(
            rest::comments_since(client, repo, window_start, MAX_COMMENT_PAGES).await,
            client,
            "comments",
            Permission::Issues,
        )? {
            Ok(listed) => listed,
            Err(reason) => {
                snap.unavailable.insert(DataKind::Issues, reason);
                return Ok(());
            }
        };
        complete &= note_cap(all, "comments", snap);
        let mut review_comments = Vec::new();
        if items.iter().any(|i| i.kind == ItemKind::PullRequest) {
            let listed = rest::review_comments_since(client, repo, window_start, MAX_COMMENT_PAGES).await;
            match optional(listed, client, "review comments", Permission::PullRequests)? {
                Ok((found, all)) => {
                    review_comments = found;
                    complete &= note_cap(all, "review comments", snap);
                }
                Err(reason) => {
                    snap.sources.notes.push(reason);
                    complete = false;
                }
            }
        }
        activity::attach(&mut items, comments, review_comments);
        complete &= collect_reviews(client, repo, &mut items, snap).await?;
    }
    snap.activity = Some(Activity { window_start, items, authors_with_earlier_items: None, complete });
    Ok(())
}

/// Says when a listing's page cap cut it short; returns whether it was complete.
fn note_cap(complete: bool, what: &str, snap: &mut Snapshot) -> bool {
    if !complete {
        snap.sources.notes.push(format!(
            "only the first {} {what} of the window were read",
            MAX_COMMENT_PAGES * rest::PER_PAGE as usize
        ));
    }
    complete
}

/// Reviews of the pull requests that no comment answered: one request each, the only per-item
/// requests of the plan. Returns whether every one needed was read.
async fn collect_reviews(client: &Client, repo: &RepoRef, items: &mut [Item], snap: &mut Snapshot) -> Result<bool> {
    let unanswered = activity::unanswered_pull_requests(items);
    let skipped = unanswered.len().saturating_sub(MAX_REVIEW_LOOKUPS);
    let wanted: BTreeSet<u64> = unanswered.into_iter().take(MAX_REVIEW_LOOKUPS).collect();
    for item in items.iter_mut().filter(|i| wanted.contains(&i.number)) {
        match optional(
            rest::reviews(client, repo, item.number).await,
            client,
            "pull request reviews",
            Permission::PullRequests,
        )? {
            Ok(reviews) => activity::attach_reviews(item, reviews),
            Err(reason) => {
                snap.sources.notes.push(reason);
                return Ok(false);
            }
        }
    }
    if skipped > 0 {
        snap.sources.notes.push(format!(
            "reviews of {skipped} unanswered pull requests were not read (at most {MAX_REVIEW_LOOKUPS} are)"
        ));
    }
    Ok(skipped == 0)
}

/// The owner's public `.github` repository, read only when a community file GitHub falls back
/// for is missing from the repository itself.
async fn collect_inherited(client: &Client, repo: &RepoRef, rules: &RuleSet, snap: &mut Snapshot) -> Result<()> {
    let missing: BTreeMap<String, locate::DocumentKind> = rules
        .documents
        .iter()
        .filter(|(_, kind)| kind.spec.org_fallback && locate::locate(kind, snap).is_none())
        .map(|(id, kind)| (id.clone(), kind.clone()))
        .collect();
    if missing.is_empty() || repo.name.eq_ignore_ascii_case(DOT_GITHUB) {
        return Ok(());
    }
    let from = RepoRef { owner: repo.owner.clone(), name: DOT_GITHUB.to_string() };
    let what = format!("the community files of {from}");
    let meta = match rest::repository(client, &from).await {
        // GitHub only falls back to a public `.github` repository; most owners have none.
        Ok(meta) if !meta.private => meta,
        Ok(_) => return Ok(()),
        Err(e) if matches!(e.failure, Failure::NotFound { .. }) => return Ok(()),
        Err(e) => {
            let reason = unavailable(e, client, &what, Permission::Metadata)?;
            snap.unavailable.insert(DataKind::Inherited, reason);
            return Ok(());
        }
    };
    let tree = match RemoteTree::list(client, &from, &meta.default_branch).await {
        Ok(tree) => tree,
        Err(ListError::Empty) => return Ok(()),
        Err(ListError::Api(e)) => {
            let reason = unavailable(e, client, &what, Permission::Contents)?;
            snap.unavailable.insert(DataKind::Inherited, reason);
            return Ok(());
        }
    };
    let mut files = BTreeMap::new();
    tree.read_into(client, locate::paths_to_read(&missing, &tree.tree), &mut files).await?;
    let pointed = locate::pointer_targets(&missing, &tree.tree, &files, Some(&from.to_string()));
    tree.read_into(client, pointed, &mut files).await?;
    snap.inherited = Some(InheritedFiles { from: from.to_string(), tree: tree.tree.clone(), files });
    Ok(())
}
