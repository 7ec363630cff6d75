//! Auditing every repository of an organisation or user: list them, leave out forks, archived
//! ones and those not matching, audit several at a time within the rate-limit budget, and gather
//! one row per repository. One repository failing is its row's business, not the run's.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use globset::GlobMatcher;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::Semaphore;

use crate::audit::{self, ExternalConfig};
use crate::collect::github::{
    self, Budgets, Client, FilesFrom, GithubOptions, ListedRepo, Owner, OwnerFiles, RateLimit,
};
use crate::error::{Error, Result};
use crate::report::org::{OrgReport, Row, RowStatus, Skipped};

/// What a repository of few open issues costs (docs/github.md, the request plans). Through REST:
/// the repository and its tree, some eight file bodies, releases and the default branch (its last
/// commit), labels, two welcoming-label listings, a page each of items, comments, review comments
/// and issue events, and the owner's `.github`.
const REST_PLAN: Cost = Cost { rest: 20, graphql: 0 };
/// Through GraphQL: REST lists the trees (the repository's and the owner's `.github`). GraphQL
/// charges a query by its nested connections (a hundred a point, one point at least): the
/// overview, the file bodies, the authors' history and the `.github` bodies a point each, and the
/// first page of activity 11 (a hundred issues, pull requests and welcoming issues, each with
/// their comments, labels, reviews...); each further page of a hundred items 5 at most.
const GRAPHQL_PLAN: Cost = Cost { rest: 2, graphql: 15 };
const GRAPHQL_POINTS_PER_PAGE: u64 = 5;

/// Requests against each budget: REST's, and GraphQL's (points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cost {
    rest: u64,
    graphql: u64,
}

/// Repositories audited at once by default: enough to hide the round trip, far below GitHub's
/// secondary limit of about 100 concurrent requests.
pub const DEFAULT_JOBS: u16 = 8;

/// What to audit of an owner, and how.
#[derive(Debug, Clone)]
pub struct OrgOptions {
    pub owner: Owner,
    pub include_forks: bool,
    pub include_archived: bool,
    /// Only repositories whose name (without the owner) matches.
    pub matching: Option<GlobMatcher>,
    pub jobs: usize,
    /// Wait for the rate limit's reset rather than stop when the budget runs out.
    pub wait: bool,
}

/// Audits the owner's repositories; must run inside a multi-threaded Tokio runtime.
pub async fn audit(
    opts: &OrgOptions,
    github: &GithubOptions,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<OrgReport> {
    let client = Client::new(github)?;
    client.say_if_anonymous();
    let listed = github::repositories(&client, &opts.owner)
        .await
        .map_err(|e| e.into_error(opts.owner.name(), github::Permission::Metadata, client.anonymous))?;
    let (chosen, skipped) = choose(listed, opts);
    let budget = Arc::new(Budget::start(&client, &chosen, opts.wait).await);

    let progress = ProgressBar::new(chosen.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let permits = Arc::new(Semaphore::new(opts.jobs.max(1)));
    let client = Arc::new(client);
    let owner_files = Arc::new(OwnerFiles::default());
    let mut tasks = tokio::task::JoinSet::new();
    for listed in chosen {
        let (permits, budget, client, progress) = (permits.clone(), budget.clone(), client.clone(), progress.clone());
        let owner_files = owner_files.clone();
        let (github, external) = (github.clone(), external.cloned());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("the semaphore is never closed");
            let row = audit_one(&listed, &client, &owner_files, &budget, &github, external.as_ref(), now).await;
            progress.inc(1);
            progress.set_message(listed.full_name.clone());
            row
        });
    }
    let mut rows = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        rows.push(joined.map_err(|e| Error::Runtime(format!("an audit task failed: {e}")))?);
    }
    progress.finish_and_clear();
    Ok(OrgReport::new(opts.owner.name(), now, rows, skipped))
}

/// The repositories to audit, and those left out with why.
fn choose(listed: Vec<ListedRepo>, opts: &OrgOptions) -> (Vec<ListedRepo>, Skipped) {
    let mut skipped = Skipped::default();
    let mut chosen = Vec::new();
    for repo in listed {
        let name = repo.full_name.rsplit('/').next().unwrap_or(&repo.full_name);
        if opts.matching.as_ref().is_some_and(|m| !m.is_match(name)) {
            skipped.not_matching += 1;
        } else if repo.fork && !opts.include_forks {
            skipped.forks.push(repo.full_name);
        } else if repo.archived && !opts.include_archived {
            skipped.archived.push(repo.full_name);
        } else {
            chosen.push(repo);
        }
    }
    (chosen, skipped)
}

/// A repository's estimated cost: more pages of activity for a busier one.
fn estimate(repo: &ListedRepo, graphql: bool) -> Cost {
    let pages = repo.open_issues_count / 100;
    match graphql {
        true => Cost { graphql: GRAPHQL_PLAN.graphql + pages * GRAPHQL_POINTS_PER_PAGE, ..GRAPHQL_PLAN },
        false => Cost { rest: REST_PLAN.rest + pages, ..REST_PLAN },
    }
}

async fn audit_one(
    listed: &ListedRepo,
    client: &Client,
    owner_files: &OwnerFiles,
    budget: &Budget,
    github: &GithubOptions,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Row {
    let name = listed.full_name.clone();
    let Some(repo) = listed.repo_ref() else {
        let error = Error::Runtime(format!("GitHub listed `{name}`, which is not OWNER/REPO"));
        return Row::unscored(name, RowStatus::Failed, &error);
    };
    loop {
        if let Err(error) = budget.reserve(client, estimate(listed, client.uses_graphql())).await {
            return Row::unscored(name, RowStatus::NotAudited, &error);
        }
        match audit::github(client, owner_files, github, &repo, FilesFrom::DefaultBranch, external, now).await {
            Ok((snap, rules)) => return Row::audited(&audit::report(&snap, &rules, now)),
            // Spent by another tool meanwhile, or an estimate too low: wait and try it again.
            Err(error @ Error::RateLimit(_)) => {
                if !budget.wait_for_reset(client).await {
                    budget.stop();
                    return Row::unscored(name, RowStatus::NotAudited, &error);
                }
            }
            Err(error) => return Row::unscored(name, RowStatus::Failed, &error),
        }
    }
}

/// The rate-limit budget shared by the audits of a run: each reserves its estimate before it
/// starts, and when the estimate says the budget is spent, the true figure is asked for (free).
struct Budget {
    state: Mutex<BudgetState>,
    wait: bool,
}

struct BudgetState {
    /// `None`: GitHub reports no limit (an Enterprise server with rate limiting off).
    rest: Option<RateLimit>,
    graphql: Option<RateLimit>,
    /// Set once the budget ran out without `--wait`: no audit starts after it.
    stopped: bool,
    /// The reset the audits are waiting for, said once.
    waiting_for: Option<i64>,
}

impl BudgetState {
    fn set(&mut self, budgets: Option<Budgets>) {
        self.rest = budgets.as_ref().map(|b| b.rest.clone());
        self.graphql = budgets.and_then(|b| b.graphql);
    }

    /// Whether both budgets have what `need` takes (a budget not reported is no limit).
    fn fits(&self, need: Cost) -> bool {
        let fits = |rate: &Option<RateLimit>, n: u64| rate.as_ref().is_none_or(|r| r.remaining >= n);
        fits(&self.rest, need.rest) && fits(&self.graphql, need.graphql)
    }

    /// Takes `need` from both budgets when both have it.
    fn take(&mut self, need: Cost) -> bool {
        if !self.fits(need) {
            return false;
        }
        for (rate, n) in [(&mut self.rest, need.rest), (&mut self.graphql, need.graphql)] {
            if let Some(rate) = rate {
                rate.remaining -= n;
            }
        }
        true
    }

    /// The budget that runs out first, to wait for or name.
    fn spent(&self) -> Option<&RateLimit> {
        [&self.rest, &self.graphql].into_iter().flatten().min_by_key(|r| r.remaining)
    }
}

impl Budget {
    async fn start(client: &Client, chosen: &[ListedRepo], wait: bool) -> Budget {
        let budgets = github::rate_limits(client).await.ok();
        let graphql = client.uses_graphql();
        let need = chosen
            .iter()
            .map(|r| estimate(r, graphql))
            .fold(Cost { rest: 0, graphql: 0 }, |a, b| Cost { rest: a.rest + b.rest, graphql: a.graphql + b.graphql });
        let then = if wait {
            "waiting for the reset when it runs out (--wait)"
        } else {
            "auditing what fits, then listing the rest as not audited (--wait waits for the reset)"
        };
        if let Some(rate) = budgets.as_ref().map(|b| &b.rest).filter(|r| r.remaining < need.rest) {
            eprintln!(
                "cm-audit: {} repositories need about {} requests and the rate limit has {} left; {then}",
                chosen.len(),
                need.rest,
                rate.remaining
            );
        }
        if let Some(rate) = budgets.as_ref().and_then(|b| b.graphql.as_ref()).filter(|r| r.remaining < need.graphql) {
            eprintln!(
                "cm-audit: {} repositories need about {} GraphQL points and that rate limit has {} left; {then}",
                chosen.len(),
                need.graphql,
                rate.remaining
            );
        }
        let mut state = BudgetState { rest: None, graphql: None, stopped: false, waiting_for: None };
        state.set(budgets);
        Budget { state: Mutex::new(state), wait }
    }

    /// Takes `need` from the budgets, asking GitHub for the true figures when the estimates
    /// run short, and waiting for the reset when allowed.
    async fn reserve(&self, client: &Client, need: Cost) -> Result<()> {
        loop {
            {
                let mut state = self.lock();
                if state.stopped {
                    return Err(self.spent_error(&state));
                }
                if state.take(need) {
                    return Ok(());
                }
            }
            let fresh = github::rate_limits(client).await.ok();
            let short = {
                let mut state = self.lock();
                state.set(fresh);
                !state.fits(need)
            };
            if short && !self.wait_for_reset(client).await {
                self.stop();
                return Err(self.spent_error(&self.lock()));
            }
        }
    }

    /// Sleeps until the budget's reset when `--wait` allows it; `false` when it does not.
    async fn wait_for_reset(&self, client: &Client) -> bool {
        if !self.wait {
            return false;
        }
        let spent = self.lock().spent().cloned().or_else(|| client.rate_limit());
        // A reset past GitHub's hour is a server's mistake: waiting for it would be for ever.
        if spent.as_ref().is_some_and(|r| r.reset.is_some() && r.plausible_reset().is_none()) {
            return false;
        }
        let reset = spent.and_then(|r| r.reset);
        let seconds = reset.map_or(60, |r| (r - Utc::now().timestamp()).max(0) + 1);
        let said = std::mem::replace(&mut self.lock().waiting_for, reset) == reset && reset.is_some();
        if !said {
            tracing::warn!("the rate limit is spent: waiting {seconds} s for its reset (--wait)");
        }
        tokio::time::sleep(Duration::from_secs(seconds as u64)).await;
        let fresh = github::rate_limits(client).await.ok();
        self.lock().set(fresh);
        true
    }

    fn stop(&self) {
        self.lock().stopped = true;
    }

    fn spent_error(&self, state: &BudgetState) -> Error {
        Error::RateLimit(match state.spent().filter(|r| r.reset.is_some()) {
            Some(rate) => {
                format!("not audited: the rate limit ran out; {} (--wait waits for its reset)", rate.reset_phrase())
            }
            None => "not audited: the rate limit ran out (--wait waits for its reset)".to_string(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BudgetState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(name: &str, fork: bool, archived: bool) -> ListedRepo {
        ListedRepo { full_name: name.into(), fork, archived, open_issues_count: 0 }
    }

    #[test]
    fn a_reservation_needs_both_budgets() {
        let rate = |remaining| Some(RateLimit { limit: Some(5000), remaining, reset: None });
        let mut state = BudgetState { rest: rate(10), graphql: rate(16), stopped: false, waiting_for: None };
        assert!(state.take(GRAPHQL_PLAN));
        assert_eq!((state.rest.as_ref().unwrap().remaining, state.graphql.as_ref().unwrap().remaining), (8, 1));
        assert!(!state.take(GRAPHQL_PLAN), "1 GraphQL point left");
        assert_eq!(state.spent().unwrap().remaining, 1);
        let mut no_graphql =
            BudgetState { rest: rate(REST_PLAN.rest), graphql: None, stopped: false, waiting_for: None };
        assert!(no_graphql.take(estimate(&listed("a/b", false, false), false)));
        assert!(!no_graphql.take(REST_PLAN));
    }

    #[test]
    fn leaves_out_forks_archived_and_unmatched_unless_asked() {
        let repos = || {
            vec![
                listed("a/app", false, false),
                listed("a/fork", true, false),
                listed("a/old", false, true),
                listed("a/docs", false, false),
            ]
        };
        let mut opts = OrgOptions {
            owner: Owner::Organisation("a".into()),
            include_forks: false,
            include_archived: false,
            matching: None,
            jobs: 1,
            wait: false,
        };
        let (chosen, skipped) = choose(repos(), &opts);
        assert_eq!(chosen.iter().map(|r| r.full_name.as_str()).collect::<Vec<_>>(), ["a/app", "a/docs"]);
        assert_eq!((skipped.forks, skipped.archived), (vec!["a/fork".to_string()], vec!["a/old".to_string()]));
        opts.include_forks = true;
        opts.include_archived = true;
        opts.matching = Some(globset::Glob::new("*o*").unwrap().compile_matcher());
        let (chosen, skipped) = choose(repos(), &opts);
        assert_eq!(chosen.iter().map(|r| r.full_name.as_str()).collect::<Vec<_>>(), ["a/fork", "a/old", "a/docs"]);
        assert_eq!(skipped.not_matching, 1);
    }
}
