//! One repository's snapshot through the API, in the order of the request plans (docs/github.md):
//! metadata (GraphQL's overview, or REST), tree, the bodies rules read, releases, labels, the
//! activity of the window (window.rs), and the owner's `.github` repository when a community file
//! must be inherited.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::GithubOptions;
use super::activity;
use super::client::Client;
use super::errors::{ApiError, Failure, Permission};
use super::files::{ListError, RemoteTree};
use super::graphql::{self, QueryFailure};
use super::rest::{self, IssueJson, LabelJson, RepoJson};
use super::window;
use crate::audit::{self, ExternalConfig};
use crate::collect::local::Ownership;
use crate::documents::kind::DocumentKind;
use crate::documents::leads::Site;
use crate::documents::locate;
use crate::engine::RuleSet;
use crate::engine::check::label_matches;
use crate::engine::rule::{Check, Responsibility};
use crate::error::Result;
use crate::repo_ref::RepoRef;
use crate::snapshot::{DataKind, InheritedFiles, Label, RepoSettings, Snapshot};

/// Open issues read at most a welcoming label (REST).
const MAX_WELCOMING_PAGES: usize = 5;
/// The fewest requests an audit makes after reading the files: releases, labels, two welcoming
/// labels, one page each of issues, comments and review comments.
const LEAST_REQUESTS_AFTER_FILES: usize = 7;
/// The organisation's (or user's) repository GitHub falls back to for community files.
const DOT_GITHUB: &str = ".github";

/// Where the files judged come from; everything else (settings, labels, activity, the owner's
/// `.github` repository) is always read through the API.
#[derive(Debug, Clone, Copy)]
pub enum FilesFrom<'a> {
    /// The default branch's tree, through the API.
    DefaultBranch,
    /// A commit's tree through the API: a pull request's head, without checking it out.
    Commit(&'a str),
    /// A checkout of the repository on disk (the Action's workspace).
    Checkout(&'a Path),
}

/// Collects `repo` through the API and returns its snapshot with the rules to evaluate on it
/// (the external config, else the one in the repository's tree), like `audit::collect_local`.
pub async fn collect(
    repo: &RepoRef,
    opts: &GithubOptions,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(Snapshot, RuleSet)> {
    collect_files_from(repo, opts, external, now, FilesFrom::DefaultBranch).await
}

/// Like [`collect`], with the files taken from `files`.
pub async fn collect_files_from(
    repo: &RepoRef,
    opts: &GithubOptions,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
    files: FilesFrom<'_>,
) -> Result<(Snapshot, RuleSet)> {
    let client = Client::new(opts)?;
    client.say_if_anonymous();
    collect_with(&client, repo, opts, external, now, files).await
}

/// Like [`collect_files_from`], with a client shared by several audits (an organisation's): one
/// connection pool and one rate-limit budget.
pub async fn collect_with(
    client: &Client,
    repo: &RepoRef,
    opts: &GithubOptions,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
    files: FilesFrom<'_>,
) -> Result<(Snapshot, RuleSet)> {
    let overview = match client.uses_graphql() {
        true => match graphql::overview::overview(client, repo).await {
            Ok(found) => Some(found),
            Err(QueryFailure::Unavailable) => None,
            Err(QueryFailure::Api(e)) if graphql::is_unexpected(&e) => {
                client.give_up_graphql(&format!("GraphQL's overview of {repo} failed ({})", e.failure.short()));
                None
            }
            Err(QueryFailure::Api(e)) => {
                return Err(e.into_error(&repo.to_string(), Permission::Metadata, client.anonymous));
            }
        },
        false => None,
    };
    let meta = match &overview {
        Some(found) => found.meta.clone(),
        None => rest::repository(client, repo)
            .await
            .map_err(|e| e.into_error(&repo.to_string(), Permission::Metadata, client.anonymous))?,
    };
    // A renamed repository answers under its new name; use it from here on.
    let repo = RepoRef::parse(&meta.full_name).unwrap_or_else(|_| repo.clone());
    let (mut snap, rules) = match files {
        FilesFrom::DefaultBranch => remote_files(client, &repo, &meta.default_branch, external, now).await?,
        FilesFrom::Commit(sha) => remote_files(client, &repo, sha, external, now).await?,
        FilesFrom::Checkout(path) => {
            let (mut snap, rules) = audit::collect_local(path, Ownership::Workspace, external, now)?;
            snap.repository = Some(repo.to_string());
            for kind in audit::API_DATA {
                snap.unavailable.remove(&kind);
            }
            (snap, rules)
        }
    };
    snap.sources.api = Some(opts.api_shown());
    if meta.archived {
        // First, as the most important thing a reader should know.
        snap.sources.notes.insert(0, format!("{repo} is archived: it is audited as it was left"));
    }
    let releases = overview.as_ref().map(|o| o.releases);
    collect_settings(client, &repo, &meta, releases, &mut snap).await?;
    let labels = match overview.as_ref() {
        Some(found) => Ok(found.labels.clone()),
        None => rest::labels(client, &repo).await,
    };
    let welcoming = collect_labels(client, labels, &meta, &rules, &mut snap)?;
    let window_start = snap.collected_at.checked_sub_signed(opts.window).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let graphql_done = match overview.as_ref() {
        Some(found) if client.uses_graphql() => {
            window::collect_activity_graphql(client, &repo, window_start, &welcoming, found.latest_update, &mut snap)
                .await?
        }
        _ => false,
    };
    if !graphql_done {
        collect_welcoming(client, &repo, &welcoming, &mut snap).await?;
        window::collect_activity(client, &repo, window_start, &mut snap).await?;
    }
    let dot_github = overview.map(|o| o.dot_github_branch);
    collect_inherited(client, &repo, &rules, dot_github, &mut snap).await?;
    tracing::info!("{} requests to {}", client.requests_sent(), opts.api_shown());
    Ok((snap, rules))
}

/// A snapshot of `repo`'s tree at `git_ref` with the bodies the rules read (the config in that
/// tree decides the rules, unless one is given).
async fn remote_files(
    client: &Client,
    repo: &RepoRef,
    git_ref: &str,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(Snapshot, RuleSet)> {
    let mut snap = Snapshot::new(Some(repo.to_string()), now);
    snap.sources.git_ref = Some(git_ref.to_string());
    if git_ref.is_empty() {
        // GraphQL's way of saying what REST's 409 says: no commit, so no default branch yet.
        return Err(ListError::Empty.into_error(repo, client));
    }
    let tree = RemoteTree::list(client, repo, git_ref).await.map_err(|e| e.into_error(repo, client))?;
    snap.sources.notes.extend(tree.incomplete.clone());
    snap.tree = tree.tree.clone();
    let config = audit::config_in_tree(&snap).map(str::to_string);
    tree.read_into(client, config, &mut snap.files).await?;
    let rules = audit::rules_for(&snap, external)?;
    let to_read = rules.paths_to_read(&snap.tree);
    client.ensure_budget(to_read.len() + LEAST_REQUESTS_AFTER_FILES)?;
    read_files(client, &tree, &rules, &mut snap).await?;
    audit::note_unreadable(&mut snap);
    Ok((snap, rules))
}

/// `snap` as commit `sha` of its repository would show it: the tree, the config file (read, not
/// applied) and the bodies the rules read are that commit's, read through the API; settings, labels and activity are kept, since
/// they belong to the repository rather than to a commit. This is how the Action audits a pull
/// request's base for the price of one tree listing and a few bodies.
pub async fn with_files_at(snap: &Snapshot, rules: &RuleSet, opts: &GithubOptions, sha: &str) -> Result<Snapshot> {
    let client = Client::new(opts)?;
    let repo = snap
        .repository
        .as_deref()
        .and_then(|r| RepoRef::parse(r).ok())
        .ok_or_else(|| crate::error::Error::Usage("the snapshot does not name its repository".into()))?;
    let mut base = snap.clone();
    let tree = RemoteTree::list(&client, &repo, sha).await.map_err(|e| e.into_error(&repo, &client))?;
    base.sources.notes.extend(tree.incomplete.clone());
    base.tree = tree.tree.clone();
    base.files.clear();
    base.sources.local_tree = None;
    base.sources.local_listing = None;
    base.sources.git_ref = Some(sha.to_string());
    // Not to judge by: to say whether the commit changes the config.
    tree.read_into(&client, audit::config_in_tree(&base).map(str::to_string), &mut base.files).await?;
    read_files(&client, &tree, rules, &mut base).await?;
    // Files the head has may be missing from the base, where GitHub falls back to the owner's.
    if base.inherited.is_none() && !base.unavailable.contains_key(&DataKind::Inherited) {
        collect_inherited(&client, &repo, rules, None, &mut base).await?;
    }
    Ok(base)
}

/// The bodies the rules read in a listed tree, then the files those point to.
async fn read_files(client: &Client, tree: &RemoteTree, rules: &RuleSet, snap: &mut Snapshot) -> Result<()> {
    tree.read_into(client, rules.paths_to_read(&snap.tree), &mut snap.files).await?;
    for _ in 0..=locate::FOLLOW_ROUNDS {
        let pointed = locate::pointer_targets(&rules.documents, &snap.tree, &snap.files, snap.repository.as_deref());
        if pointed.is_empty() {
            break;
        }
        tree.read_into(client, pointed, &mut snap.files).await?;
    }
    Ok(())
}

/// The settings, with the release count when already known.
async fn collect_settings(
    client: &Client,
    repo: &RepoRef,
    meta: &RepoJson,
    releases: Option<u64>,
    snap: &mut Snapshot,
) -> Result<()> {
    let releases = match releases {
        Some(n) => Some(n),
        None => match optional(rest::release_count(client, repo).await, client, "releases", Permission::Contents)? {
            Ok(n) => Some(n),
            Err(reason) => {
                snap.sources.notes.push(reason);
                None
            }
        },
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
pub(super) fn optional<T>(
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
pub(super) fn unavailable(e: ApiError, client: &Client, what: &str, permission: Permission) -> Result<String> {
    match e.unavailable_reason(permission) {
        Some(reason) => Ok(format!("{what}: {reason}")),
        None => Err(e.into_error(what, permission, client.anonymous)),
    }
}

/// Records the labels (or why they are unavailable) and returns the welcoming ones, whose open
/// issues are wanted; none when the repository has issues turned off.
fn collect_labels(
    client: &Client,
    labels: Result<Vec<LabelJson>, ApiError>,
    meta: &RepoJson,
    rules: &RuleSet,
    snap: &mut Snapshot,
) -> Result<Vec<String>> {
    let labels = match optional(labels, client, "labels", Permission::Issues)? {
        Ok(labels) => labels,
        Err(reason) => {
            snap.unavailable.insert(DataKind::Labels, reason);
            return Ok(Vec::new());
        }
    };
    let welcoming =
        labels.iter().map(|l| l.name.clone()).filter(|name| meta.has_issues && is_welcoming(rules, name)).collect();
    snap.labels = Some(
        labels
            .into_iter()
            .map(|l| Label { name: l.name, description: l.description.filter(|d| !d.is_empty()) })
            .collect(),
    );
    Ok(welcoming)
}

/// The open issues carrying any of the welcoming labels, one REST listing per label (REST's
/// `labels` filter means all of them).
async fn collect_welcoming(client: &Client, repo: &RepoRef, welcoming: &[String], snap: &mut Snapshot) -> Result<()> {
    if snap.unavailable.contains_key(&DataKind::Labels) {
        return Ok(());
    }
    let mut issues: BTreeMap<u64, IssueJson> = BTreeMap::new();
    for label in welcoming {
        let listed = rest::open_issues_labelled(client, repo, label, MAX_WELCOMING_PAGES).await;
        match optional(listed, client, "issues", Permission::Issues)? {
            Ok((found, _)) => {
                issues.extend(found.into_iter().filter(|i| i.pull_request.is_none()).map(|i| (i.number, i)))
            }
            Err(reason) => {
                snap.unavailable.insert(DataKind::Issues, reason);
                return Ok(());
            }
        }
    }
    snap.welcoming_issues = Some(issues.into_values().rev().map(activity::item).collect());
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

/// The owner's public `.github` repository, read only when a community file GitHub falls back
/// for is missing from the repository itself. `dot_github` is its default branch when already
/// known (`Some(None)`: there is no public one).
async fn collect_inherited(
    client: &Client,
    repo: &RepoRef,
    rules: &RuleSet,
    dot_github: Option<Option<String>>,
    snap: &mut Snapshot,
) -> Result<()> {
    let site = Site::new(&snap.tree, snap.repository.as_deref());
    let missing: BTreeMap<String, DocumentKind> = rules
        .documents
        .iter()
        .filter(|(_, kind)| kind.spec.org_fallback && locate::locate(kind, snap, &site).is_none())
        .map(|(id, kind)| (id.clone(), kind.clone()))
        .collect();
    if missing.is_empty() || repo.name.eq_ignore_ascii_case(DOT_GITHUB) {
        return Ok(());
    }
    let from = RepoRef { owner: repo.owner.clone(), name: DOT_GITHUB.to_string() };
    let what = format!("the community files of {from}");
    let branch = match dot_github {
        Some(Some(branch)) => branch,
        Some(None) => return Ok(()),
        None => match rest::repository(client, &from).await {
            // GitHub only falls back to a public `.github` repository; most owners have none.
            Ok(meta) if !meta.private => meta.default_branch,
            Ok(_) => return Ok(()),
            Err(e) if matches!(e.failure, Failure::NotFound { .. }) => return Ok(()),
            Err(e) => {
                let reason = unavailable(e, client, &what, Permission::Metadata)?;
                snap.unavailable.insert(DataKind::Inherited, reason);
                return Ok(());
            }
        },
    };
    // Read once a run: the other repositories of an organisation lend the same files.
    let key = format!("{from}@{branch}");
    let known = client.owner_files.lock().unwrap_or_else(|p| p.into_inner()).get(&key).cloned();
    let (tree, mut read) = match known {
        Some(known) => known,
        None => match RemoteTree::list(client, &from, &branch).await {
            Ok(tree) => (tree, BTreeMap::new()),
            Err(ListError::Empty) => return Ok(()),
            Err(ListError::Api(e)) => {
                let reason = unavailable(e, client, &what, Permission::Contents)?;
                snap.unavailable.insert(DataKind::Inherited, reason);
                return Ok(());
            }
        },
    };
    let mut wanted = locate::paths_to_read(&missing, &tree.tree);
    tree.read_into(client, wanted.clone(), &mut read).await?;
    for _ in 0..=locate::FOLLOW_ROUNDS {
        let pointed = locate::pointer_targets(&missing, &tree.tree, &read, Some(&from.to_string()));
        if pointed.is_empty() {
            break;
        }
        wanted.extend(pointed.iter().cloned());
        tree.read_into(client, pointed, &mut read).await?;
    }
    // This repository's snapshot holds what it needs, whatever others needed before it.
    let files = read.iter().filter(|(path, _)| wanted.contains(*path)).map(|(p, b)| (p.clone(), b.clone())).collect();
    client.owner_files.lock().unwrap_or_else(|p| p.into_inner()).insert(key, (tree.clone(), read));
    snap.inherited = Some(InheritedFiles { from: from.to_string(), tree: tree.tree.clone(), files });
    Ok(())
}
