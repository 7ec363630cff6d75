//! One repository's snapshot through the API, in the order of the request plans (docs/github.md):
//! metadata (GraphQL's overview, or REST), tree, the bodies rules read, releases, labels, the
//! activity of the window (window.rs), and the owner's `.github` repository when a community file
//! must be inherited.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::GithubOptions;
use super::activity;
use super::client::{Client, optional, unavailable};
use super::errors::{ApiError, Failure, Permission};
use super::files::{ListError, RemoteTree};
use super::graphql::overview::Overview;
use super::graphql::{self, QueryFailure};
use super::rest::{self, IssueJson, LabelJson, RepoJson};
use super::window;
use crate::collect::local::{CheckoutFiles, Ownership};
use crate::collect::{self, Source, Started};
use crate::documents::kind::DocumentKind;
use crate::documents::leads::Site;
use crate::documents::locate;
use crate::engine::needs::DataNeeds;
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::snapshot::{DataKind, FileBody, InheritedFiles, Label, Releases, RepoSettings, Snapshot};

/// Open issues read at most a welcoming label (REST).
const MAX_WELCOMING_PAGES: usize = 5;
/// The fewest requests an audit makes after reading the files: releases, the default branch,
/// labels, two welcoming labels, one page each of issues, comments and review comments.
const LEAST_REQUESTS_AFTER_FILES: usize = 8;
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

/// The owners' `.github` repositories read so far, by `owner/.github@branch`, with the bodies
/// read from each: the files they lend are the same for every repository of an organisation run,
/// which shares one of these.
#[derive(Default)]
pub struct OwnerFiles(Mutex<BTreeMap<String, Lent>>);

/// An owner's `.github` repository as read so far: its tree and the bodies read from it.
type Lent = (RemoteTree, BTreeMap<String, FileBody>);

/// A tree listed through the API, as a source of files for the collection driver.
struct ApiFiles<'c> {
    client: &'c Client,
    tree: RemoteTree,
    git_ref: String,
}

impl<'c> ApiFiles<'c> {
    async fn list(client: &'c Client, repo: &RepoRef, git_ref: &str) -> Result<ApiFiles<'c>> {
        if git_ref.is_empty() {
            // GraphQL's way of saying what REST's 409 says: no commit, so no default branch yet.
            return Err(ListError::Empty.into_error(repo, client));
        }
        let tree = RemoteTree::list(client, repo, git_ref).await.map_err(|e| e.into_error(repo, client))?;
        Ok(ApiFiles { client, tree, git_ref: git_ref.to_string() })
    }
}

impl Source for ApiFiles<'_> {
    async fn list(&mut self, snap: &mut Snapshot) -> Result<()> {
        snap.sources.git_ref = Some(self.git_ref.clone());
        snap.sources.notes.extend(self.tree.incomplete.clone());
        snap.tree = self.tree.tree.clone();
        Ok(())
    }

    async fn read(&mut self, paths: BTreeSet<String>, snap: &mut Snapshot) -> Result<()> {
        self.tree.read_into(self.client, paths, &mut snap.files).await
    }
}

/// The files judged: through the API, or from the workspace's checkout.
enum Files<'c> {
    Api(ApiFiles<'c>),
    Checkout(CheckoutFiles),
}

impl Source for Files<'_> {
    async fn list(&mut self, snap: &mut Snapshot) -> Result<()> {
        match self {
            Files::Api(files) => files.list(snap).await,
            Files::Checkout(files) => files.list(snap).await,
        }
    }

    async fn read(&mut self, paths: BTreeSet<String>, snap: &mut Snapshot) -> Result<()> {
        match self {
            Files::Api(files) => files.read(paths, snap).await,
            Files::Checkout(files) => files.read(paths, snap).await,
        }
    }
}

/// A repository's collection through the API: its metadata read, its tree listed and its config
/// file read.
pub struct GithubCollection<'c> {
    client: &'c Client,
    owner_files: &'c OwnerFiles,
    opts: &'c GithubOptions,
    /// The repository under the name GitHub answers to (a renamed one's new name).
    repo: RepoRef,
    meta: RepoJson,
    /// GraphQL's overview, when GraphQL answered it.
    overview: Option<Overview>,
    files: Started<Files<'c>>,
}

impl<'c> GithubCollection<'c> {
    /// Reads `repo`'s metadata, lists the files judged (`files`) and reads the first of
    /// `config_paths` they hold. `client` may be shared by several audits (an organisation's):
    /// one connection pool and one rate-limit budget.
    pub async fn start(
        client: &'c Client,
        owner_files: &'c OwnerFiles,
        opts: &'c GithubOptions,
        repo: &RepoRef,
        files: FilesFrom<'_>,
        config_paths: &[&str],
        now: DateTime<Utc>,
    ) -> Result<GithubCollection<'c>> {
        let overview = match client.uses_graphql() {
            true => match graphql::overview::overview(client, repo).await {
                Ok(found) => Some(found),
                Err(QueryFailure::Unavailable) => None,
                Err(QueryFailure::Api(e)) if graphql::is_unexpected(&e) => {
                    client.give_up_graphql(&format!("GraphQL's overview of {repo} failed ({})", e.failure.short()));
                    None
                }
                Err(QueryFailure::Api(e)) => {
                    return Err(e.into_error(repo, Permission::Metadata, client.anonymous));
                }
            },
            false => None,
        };
        let meta = match &overview {
            Some(found) => found.meta.clone(),
            None => rest::repository(client, repo)
                .await
                .map_err(|e| e.into_error(repo, Permission::Metadata, client.anonymous))?,
        };
        // A renamed repository answers under its new name; use it from here on.
        let repo = RepoRef::parse(&meta.full_name).unwrap_or_else(|_| repo.clone());
        let source = match files {
            FilesFrom::DefaultBranch => Files::Api(ApiFiles::list(client, &repo, &meta.default_branch).await?),
            FilesFrom::Commit(sha) => Files::Api(ApiFiles::list(client, &repo, sha).await?),
            FilesFrom::Checkout(path) => Files::Checkout(CheckoutFiles::open(path, Ownership::Workspace)?),
        };
        let files = collect::start(source, Snapshot::new(Some(repo.clone()), now), config_paths).await?;
        Ok(GithubCollection { client, owner_files, opts, repo, meta, overview, files })
    }

    /// The tree, and the config file's body when there is one.
    pub fn snapshot(&self) -> &Snapshot {
        self.files.snapshot()
    }

    /// Reads the files `needs` asks for, then what only the API knows: settings, labels, the
    /// activity of the window, and the owner's `.github` files when one is missing here.
    pub async fn finish(self, needs: &DataNeeds) -> Result<Snapshot> {
        let GithubCollection { client, owner_files, opts, repo, meta, overview, files } = self;
        if let Files::Api(_) = files.source() {
            client.ensure_budget(needs.paths_to_read(&files.snapshot().tree).len() + LEAST_REQUESTS_AFTER_FILES)?;
        }
        let mut snap = files.finish(needs).await?;
        snap.sources.api = Some(opts.api_shown());
        if meta.archived {
            // First, as the most important thing a reader should know.
            snap.sources.notes.insert(0, format!("{repo} is archived: it is audited as it was left"));
        }
        let wants_issues = needs.wants(DataKind::Issues);
        let mut release_count = overview.as_ref().map(|o| o.releases);
        if wants_issues || needs.wants(DataKind::Releases) {
            let latest = overview.as_ref().map(|o| o.latest_releases.clone());
            release_count = release_count.or(collect_releases(client, &repo, &meta, latest, &mut snap).await?);
        }
        if needs.wants(DataKind::Settings) {
            collect_settings(client, &repo, &meta, release_count, &mut snap).await?;
        }
        let welcoming = match needs.wants(DataKind::Labels) {
            true => {
                let labels = match overview.as_ref() {
                    Some(found) => Ok(found.labels.clone()),
                    None => rest::labels(client, &repo).await,
                };
                collect_labels(client, labels, &meta, needs, &mut snap)?
            }
            false => Vec::new(),
        };
        let before = |t: DateTime<Utc>| t.checked_sub_signed(opts.window).unwrap_or(DateTime::<Utc>::MIN_UTC);
        let window_start = before(snap.collected_at);
        if wants_issues {
            // The window before, as long, ending where the audited one starts.
            let previous_start = before(window_start);
            let graphql_done = match overview.as_ref() {
                Some(found) if client.uses_graphql() => {
                    window::collect_activity_graphql(
                        client,
                        &repo,
                        window_start,
                        previous_start,
                        &welcoming,
                        found.latest_update,
                        &mut snap,
                    )
                    .await?
                }
                _ => false,
            };
            if !graphql_done {
                collect_welcoming(client, &repo, &welcoming, &mut snap).await?;
                window::collect_activity(client, &repo, window_start, previous_start, &mut snap).await?;
            }
        }
        if (wants_issues || needs.wants(DataKind::Discussions)) && meta.has_discussions {
            collect_discussions(client, &repo, window_start, &mut snap).await?;
        }
        if needs.wants(DataKind::Inherited) {
            let dot_github = overview.map(|o| o.dot_github_branch);
            collect_inherited(client, owner_files, &repo, needs, dot_github, &mut snap).await?;
        }
        tracing::info!("{} requests to {}", client.requests_sent(), opts.api_shown());
        Ok(snap)
    }
}

/// `snap` as commit `sha` of its repository would show it: the tree, the config file (read, not
/// applied) and the bodies `needs` asks for are that commit's, read through the API; settings,
/// labels and activity are kept, since they belong to the repository rather than to a commit.
/// This is how the Action audits a pull request's base for the price of one tree listing and a
/// few bodies.
pub async fn with_files_at(
    snap: &Snapshot,
    needs: &DataNeeds,
    config_paths: &[&str],
    opts: &GithubOptions,
    sha: &str,
) -> Result<Snapshot> {
    let client = Client::new(opts)?;
    let repo =
        snap.repository.clone().ok_or_else(|| Error::Usage("the snapshot does not name its repository".into()))?;
    let mut base = snap.clone();
    base.files.clear();
    base.sources.local_tree = None;
    base.sources.local_listing = None;
    let files = ApiFiles::list(&client, &repo, sha).await?;
    let mut base = collect::start(files, base, config_paths).await?.finish(needs).await?;
    // Files the head has may be missing from the base, where GitHub falls back to the owner's.
    if base.inherited.is_none()
        && !base.unavailable.contains_key(&DataKind::Inherited)
        && needs.wants(DataKind::Inherited)
    {
        collect_inherited(&client, &OwnerFiles::default(), &repo, needs, None, &mut base).await?;
    }
    Ok(base)
}

/// The newest releases and the default branch's last commit: GraphQL's overview read them
/// (`latest`), else two REST requests. Returns the number of releases when the page read holds
/// them all (it counts drafts, as the settings' count does).
async fn collect_releases(
    client: &Client,
    repo: &RepoRef,
    meta: &RepoJson,
    latest: Option<Releases>,
    snap: &mut Snapshot,
) -> Result<Option<u64>> {
    if let Some(latest) = latest {
        snap.releases = Some(latest);
        return Ok(None);
    }
    let (listed, more) =
        match optional(rest::newest_releases(client, repo).await, client, "releases", Permission::Contents)? {
            Ok(listed) => listed,
            Err(reason) => {
                snap.unavailable.insert(DataKind::Releases, reason);
                return Ok(None);
            }
        };
    let count = (!more).then_some(listed.len() as u64);
    // A repository without a commit has no branch to ask about.
    let last_commit_at = match meta.default_branch.is_empty() {
        true => None,
        false => match optional(
            rest::last_commit_at(client, repo, &meta.default_branch).await,
            client,
            "the default branch's last commit",
            Permission::Contents,
        )? {
            Ok(at) => at,
            Err(reason) => {
                snap.sources.notes.push(reason);
                None
            }
        },
    };
    let latest = listed.into_iter().filter_map(rest::ReleaseJson::published).collect();
    snap.releases = Some(Releases { latest, last_commit_at });
    Ok(count)
}

/// The discussions of the window, through GraphQL only: REST has no listing of them.
async fn collect_discussions(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    snap: &mut Snapshot,
) -> Result<()> {
    let why_not = match graphql::discussions::collect(client, repo, window_start).await {
        Ok(found) => {
            if !found.complete {
                snap.sources
                    .notes
                    .push(format!("only the newest {} discussions of the window were read", found.items.len()));
            }
            snap.discussions = Some(found);
            return Ok(());
        }
        Err(QueryFailure::Unavailable) => NO_REST_DISCUSSIONS.to_string(),
        Err(QueryFailure::Api(e)) if graphql::is_unexpected(&e) => {
            client.give_up_graphql(&format!("GraphQL could not list the discussions ({})", e.failure.short()));
            NO_REST_DISCUSSIONS.to_string()
        }
        Err(QueryFailure::Api(e)) => unavailable(e, client, "discussions", Permission::Discussions)?,
    };
    snap.unavailable.insert(DataKind::Discussions, why_not);
    Ok(())
}

/// Why discussions are missing without GraphQL.
const NO_REST_DISCUSSIONS: &str =
    "REST has no listing of a repository's discussions: they need GraphQL, which needs a token (and no --rest-only)";

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

/// Records the labels (or why they are unavailable) and returns the welcoming ones, whose open
/// issues are wanted; none when the repository has issues turned off.
fn collect_labels(
    client: &Client,
    labels: Result<Vec<LabelJson>, ApiError>,
    meta: &RepoJson,
    needs: &DataNeeds,
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
        labels.iter().map(|l| l.name.clone()).filter(|name| meta.has_issues && needs.labels.matches(name)).collect();
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

/// The owner's public `.github` repository, read only when a community file GitHub falls back
/// for is missing from the repository itself. `dot_github` is its default branch when already
/// known (`Some(None)`: there is no public one).
async fn collect_inherited(
    client: &Client,
    owner_files: &OwnerFiles,
    repo: &RepoRef,
    needs: &DataNeeds,
    dot_github: Option<Option<String>>,
    snap: &mut Snapshot,
) -> Result<()> {
    let site = Site::new(&snap.tree, snap.repository.as_deref());
    let missing: BTreeMap<String, DocumentKind> = needs
        .documents
        .iter()
        .filter(|(_, kind)| kind.spec.org_fallback && locate::locate(kind, snap, &site).is_none())
        .map(|(id, kind)| (id.clone(), kind.clone()))
        .collect();
    if missing.is_empty() || repo.name().eq_ignore_ascii_case(DOT_GITHUB) {
        return Ok(());
    }
    let from = RepoRef::new(repo.owner(), DOT_GITHUB);
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
    let known = owner_files.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key).cloned();
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
    owner_files.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key, (tree.clone(), read));
    snap.inherited = Some(InheritedFiles { from: from.to_string(), tree: tree.tree.clone(), files });
    Ok(())
}
