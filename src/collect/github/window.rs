//! The issues and pull requests of the window with their responses, the open welcoming issues
//! (through GraphQL), and their authors' history: through GraphQL a hundred items a query when
//! it can, else through REST's repository-wide listings (the request plans of docs/github.md).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::activity;
use super::client::{Client, optional, unavailable};
use super::errors::{ApiError, Permission};
use super::graphql::kept::Record;
use super::graphql::{self, QueryFailure};
use super::rest::{self, FirstItem};
use crate::error::Result;
use crate::repo_ref::RepoRef;
use crate::snapshot::{Activity, DataKind, Item, ItemKind, Snapshot};

/// Caps on REST's listings, so that a huge repository costs a bounded number of requests;
/// hitting one marks the activity incomplete, with a note.
const MAX_ITEM_PAGES: usize = 50;
const MAX_COMMENT_PAGES: usize = 100;
const MAX_REVIEW_LOOKUPS: usize = 300;
/// Issue events of the whole repository, newest first: labels and closings too, so a busy
/// repository's window may not fit. Drafts opened before the oldest event read keep their creation
/// as their start.
const MAX_EVENT_PAGES: usize = 10;

/// The window's items through REST.
pub(super) async fn collect_activity(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    snap: &mut Snapshot,
) -> Result<()> {
    if snap.unavailable.contains_key(&DataKind::Issues) {
        return Ok(());
    }
    let listed = rest::items_created_since(client, repo, window_start, MAX_ITEM_PAGES).await;
    let (issues, mut complete) = match optional(listed, client, "issues and pull requests", Permission::Issues)? {
        Ok(listed) => listed,
        Err(reason) => {
            snap.unavailable.insert(DataKind::Issues, reason);
            return Ok(());
        }
    };
    if !complete {
        snap.sources.notes.push(listing_cut_note(issues.len()));
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
        if items.iter().any(|i| i.kind == ItemKind::PullRequest) {
            date_drafts(client, repo, window_start, &mut items, snap).await?;
        }
    }
    let (authors_with_earlier_items, authors_not_looked_up) =
        author_history(client, repo, &items, window_start, snap).await?;
    snap.activity = Some(Activity {
        window_start,
        items,
        authors_with_earlier_items,
        authors_not_looked_up,
        complete,
        previous: None,
    });
    Ok(())
}

/// When the window's drafts were marked ready for review, from the repository's issue events (one
/// listing, not a request a pull request). Without them, a pull request is timed from its creation
/// unless it is still a draft, and a note says so.
async fn date_drafts(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    items: &mut [Item],
    snap: &mut Snapshot,
) -> Result<()> {
    let listed = rest::events_since(client, repo, window_start, MAX_EVENT_PAGES).await;
    match optional(listed, client, "issue events (when drafts were marked ready)", Permission::Issues)? {
        Ok((events, complete)) => {
            if let Some(oldest) = events.iter().map(|e| e.created_at).min().filter(|_| !complete) {
                snap.sources.notes.push(format!(
                    "issue events were read back to {} only: a pull request opened as a draft before then is timed from its creation",
                    oldest.format("%Y-%m-%d %H:%M UTC")
                ));
            }
            activity::date_drafts(items, events);
        }
        Err(reason) => snap.sources.notes.push(format!("{reason}; pull requests are timed from their creation")),
    }
    Ok(())
}

/// The most authors whose earlier items are looked up, one request each; past this the history is
/// left unknown rather than spend the budget (those authors are then counted as unconfirmed).
const MAX_HISTORY_LOOKUPS: usize = 30;

/// Which of the window's possible newcomers opened an item before the window. `FIRST_TIMER` and
/// `FIRST_TIME_CONTRIBUTOR` need no look-up, nor does an author with an earlier item in the window;
/// `NONE` and `CONTRIBUTOR` also cover people who reported issues for years without committing.
async fn author_history(
    client: &Client,
    repo: &RepoRef,
    items: &[Item],
    window_start: DateTime<Utc>,
    snap: &mut Snapshot,
) -> Result<(Option<Vec<String>>, Vec<String>)> {
    let candidates = history_candidates(items);
    if candidates.len() > MAX_HISTORY_LOOKUPS {
        snap.sources.notes.push(unconfirmed_note(candidates.len(), MAX_HISTORY_LOOKUPS));
        return Ok((None, Vec::new()));
    }
    let mut with_history = Vec::new();
    let mut not_looked_up = Vec::new();
    for login in candidates {
        let first = match optional(
            rest::first_item_by(client, repo, &login).await,
            client,
            "authors' earlier issues",
            Permission::Issues,
        )? {
            Ok(first) => first,
            Err(reason) => {
                snap.sources.notes.push(reason);
                return Ok((None, Vec::new()));
            }
        };
        match first {
            FirstItem::At(at) if at < window_start => with_history.push(login),
            FirstItem::At(_) | FirstItem::None => {}
            FirstItem::NotTheirs => not_looked_up.push(login),
        }
    }
    if !not_looked_up.is_empty() {
        snap.sources.notes.push(format!(
            "the server answered the search for the earlier issues of {} author(s) with other people's; they are counted as unconfirmed",
            not_looked_up.len()
        ));
    }
    Ok((Some(with_history), not_looked_up))
}

/// The window's authors whose history is wanted: each human author once, by their first item in
/// the window, when its association (`NONE`, `CONTRIBUTOR`) leaves open whether they are new.
/// `FIRST_TIMER` and `FIRST_TIME_CONTRIBUTOR` need no look-up, nor does anyone with an earlier
/// item in the window.
fn history_candidates(items: &[Item]) -> Vec<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut candidates = Vec::new();
    // Oldest first: an author's first item in the window decides whether they need a look-up.
    for item in items.iter().rev() {
        let Some(author) = item.author.as_ref().filter(|a| !a.is_bot && !a.login.ends_with("[bot]")) else {
            continue;
        };
        if seen.insert(author.login.to_ascii_lowercase())
            && matches!(item.author_association.as_str(), "NONE" | "CONTRIBUTOR")
        {
            candidates.push(author.login.clone());
        }
    }
    candidates
}

/// The note for a listing of the window that a cap cut short, after `read` items.
fn listing_cut_note(read: usize) -> String {
    format!("only the newest {read} issues and pull requests of the window were read")
}

fn unconfirmed_note(candidates: usize, most: usize) -> String {
    format!(
        "the earlier issues of {candidates} possible newcomers were not looked up (more than {most}); they are counted as unconfirmed"
    )
}

/// Issues and pull requests of the window through GraphQL, with the open welcoming issues and
/// the authors' history. With a cache, what the last run kept is reused and only the items
/// changed since the repository's `latest_update` then are asked for
/// (src/collect/github/graphql/kept.rs). Returns false when GraphQL is not to be used, and REST
/// is to collect them instead.
pub(super) async fn collect_activity_graphql(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    welcoming: &[String],
    latest_update: Option<Option<DateTime<Utc>>>,
    snap: &mut Snapshot,
) -> Result<bool> {
    let wanted = (!snap.unavailable.contains_key(&DataKind::Labels)).then_some(welcoming);
    let kept = match latest_update {
        Some(latest) => kept_activity(client, repo, window_start, welcoming, wanted.is_some(), latest).await,
        // Changes the token may not see cannot tell a kept record is current.
        None => Ok(None),
    };
    let kept = match kept {
        Ok(kept) => kept,
        Err(QueryFailure::Unavailable) => return Ok(false),
        Err(QueryFailure::Api(e)) => return refused(e, client, snap),
    };
    let (mut record, whole) = match kept {
        Some(record) => (record, true),
        None => match graphql::activity::collect(client, repo, window_start, wanted).await {
            Ok(collected) => fresh_record(collected, window_start, welcoming, latest_update.flatten(), snap),
            Err(QueryFailure::Unavailable) => return Ok(false),
            Err(QueryFailure::Api(e)) => return refused(e, client, snap),
        },
    };
    let (history, authors_not_looked_up) = graphql_history(client, repo, &mut record, window_start, snap).await?;
    let keep = whole && history.is_some() && latest_update.is_some();
    if let (Some(cache), Some(endpoint), true) = (&client.cache, &client.graphql_url, keep) {
        record.save(cache, endpoint, repo);
    }
    snap.welcoming_issues = record.welcoming;
    let items = record.items;
    snap.activity = Some(Activity {
        window_start,
        items,
        authors_with_earlier_items: history,
        authors_not_looked_up,
        complete: whole,
        previous: None,
    });
    Ok(true)
}

/// Issues refused: their data is unavailable, with GraphQL's reason (or the audit stops). An
/// error GitHub does not give for permissions leaves them to REST instead (returns false).
fn refused(e: ApiError, client: &Client, snap: &mut Snapshot) -> Result<bool> {
    if graphql::is_unexpected(&e) {
        client.give_up_graphql(&format!("GraphQL could not list the issues ({})", e.failure.short()));
        return Ok(false);
    }
    let reason = unavailable(e, client, "issues and pull requests", Permission::Issues)?;
    snap.unavailable.insert(DataKind::Issues, reason);
    Ok(true)
}

/// The record the last run kept, brought up to date, when it fits this run: nothing is asked
/// when nothing changed since (`latest` is the repository's latest change now), else only the
/// items changed since. `None`: collect afresh.
async fn kept_activity(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    welcoming: &[String],
    welcoming_wanted: bool,
    latest: Option<DateTime<Utc>>,
) -> Result<Option<Record>, QueryFailure> {
    let (Some(cache), Some(endpoint)) = (&client.cache, &client.graphql_url) else { return Ok(None) };
    let Some(kept) = Record::load(cache, endpoint, repo)
        .filter(|r| r.fits(window_start, welcoming) && r.welcoming.is_some() == welcoming_wanted)
    else {
        return Ok(None);
    };
    if kept.is_current(latest) {
        let as_of = kept.as_of;
        return Ok(Some(kept.update(window_start, Vec::new(), as_of)));
    }
    // Without a change then, there was no item then: every item is new.
    let since = kept.as_of.unwrap_or(DateTime::<Utc>::MIN_UTC);
    let updated = graphql::activity::updated_since(client, repo, since).await?;
    Ok(updated.map(|updated| kept.update(window_start, updated, latest)))
}

/// A record of a fresh collection, saying in the notes what it could not read. Returns it with
/// whether it is whole (then worth keeping).
fn fresh_record(
    collected: graphql::activity::Collected,
    window_start: DateTime<Utc>,
    welcoming: &[String],
    as_of: Option<DateTime<Utc>>,
    snap: &mut Snapshot,
) -> (Record, bool) {
    if let Some(reason) = &collected.pulls_refused {
        snap.sources.notes.push(format!("pull requests: {reason}"));
    } else if !collected.complete {
        snap.sources.notes.push(listing_cut_note(collected.items.len()));
    }
    if collected.responses_cut > 0 {
        snap.sources.notes.push(format!(
            "{} items had more comments or reviews than were read, none of them a response yet",
            collected.responses_cut
        ));
    }
    let whole = collected.complete && collected.responses_cut == 0;
    let record = Record {
        window_start,
        as_of,
        welcoming_labels: welcoming.to_vec(),
        items: collected.items,
        welcoming: collected.welcoming,
        history: BTreeMap::new(),
    };
    (record, whole)
}

/// The authors of `record`'s items who opened something before the window: those it knows,
/// and the others looked up in bulk (and then known to it); with those whose search GitHub
/// refused (asked again next time).
async fn graphql_history(
    client: &Client,
    repo: &RepoRef,
    record: &mut Record,
    window_start: DateTime<Utc>,
    snap: &mut Snapshot,
) -> Result<(Option<Vec<String>>, Vec<String>)> {
    let candidates = history_candidates(&record.items);
    let unknown: Vec<String> = candidates.iter().filter(|l| !record.history.contains_key(*l)).cloned().collect();
    if unknown.len() > graphql::history::MAX_AUTHORS {
        snap.sources.notes.push(unconfirmed_note(candidates.len(), graphql::history::MAX_AUTHORS));
        return Ok((None, Vec::new()));
    }
    let found = match graphql::history::authors_with_earlier_items(client, repo, &unknown, window_start).await {
        Ok(found) => found,
        Err(QueryFailure::Api(e)) => {
            snap.sources.notes.push(unavailable(e, client, "authors' earlier issues", Permission::Issues)?);
            return Ok((None, Vec::new()));
        }
        // GraphQL given up (a server that refused the query): REST looks the authors up instead.
        Err(QueryFailure::Unavailable) => return author_history(client, repo, &record.items, window_start, snap).await,
    };
    if let Some((_, why)) = found.not_searched.first() {
        snap.sources.notes.push(format!(
            "GitHub would not search the earlier issues of {} author(s) ({why}); their items are counted as unconfirmed",
            found.not_searched.len()
        ));
    }
    let not_searched: Vec<String> = found.not_searched.into_iter().map(|(login, _)| login).collect();
    for login in unknown.into_iter().filter(|l| !not_searched.contains(l)) {
        let earlier = found.with_earlier_items.contains(&login);
        record.history.insert(login, earlier);
    }
    let with_history = candidates.into_iter().filter(|l| record.history.get(l) == Some(&true)).collect();
    Ok((Some(with_history), not_searched))
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
