//! The issues and pull requests of the window with their responses, the open welcoming issues
//! (through GraphQL), and their authors' history: through GraphQL a hundred items a query when
//! it can, else through REST's repository-wide listings (the request plans of docs/github.md).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::activity;
use super::activity::earlier_selection;
use super::client::{Client, optional, unavailable};
use super::errors::{ApiError, Permission};
use super::graphql::history::Found;
use super::graphql::kept::{Previous, Record};
use super::graphql::{self, QueryFailure};
use super::rest::{self, FirstItem};
use crate::error::Result;
use crate::repo_ref::RepoRef;
use crate::snapshot::{Activity, DataKind, Item, ItemKind, PreviousWindow, Snapshot};

/// Caps on REST's listings, so that a huge repository costs a bounded number of requests;
/// hitting one marks the activity incomplete, with a note.
const MAX_ITEM_PAGES: usize = 50;
const MAX_COMMENT_PAGES: usize = 100;
const MAX_REVIEW_LOOKUPS: usize = 300;
/// Issue events of the whole repository, newest first: labels and closings too, so a busy
/// repository's window may not fit. Drafts opened before the oldest event read keep their creation
/// as their start.
const MAX_EVENT_PAGES: usize = 10;

/// The window's items through REST, and the previous window's (from `previous_start`) in the
/// light selection: the creation-ordered listing carries on down to its start.
pub(super) async fn collect_activity(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    previous_start: DateTime<Utc>,
    snap: &mut Snapshot,
) -> Result<()> {
    if snap.unavailable.contains_key(&DataKind::Issues) {
        return Ok(());
    }
    let listed = rest::items_created_since(client, repo, previous_start, MAX_ITEM_PAGES).await;
    let (issues, listed_whole) = match optional(listed, client, "issues and pull requests", Permission::Issues)? {
        Ok(listed) => listed,
        Err(reason) => {
            snap.unavailable.insert(DataKind::Issues, reason);
            return Ok(());
        }
    };
    // A listing cut short inside the previous window read the whole of this one.
    let mut complete = listed_whole || issues.iter().any(|i| i.created_at < window_start);
    let (items, earlier): (Vec<_>, Vec<_>) = issues.into_iter().partition(|i| i.created_at >= window_start);
    if !complete {
        snap.sources.notes.push(listing_cut_note(items.len()));
    } else if !listed_whole {
        snap.sources.notes.push(previous_cut_note(earlier.len()));
    }
    let mut items: Vec<Item> = items.into_iter().map(activity::item).collect();
    let mut earlier: Vec<Item> = earlier.into_iter().map(|i| earlier_selection(activity::item(i))).collect();
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
    read_issue_events(client, repo, window_start, &mut items, &mut earlier, snap).await?;
    let [history, previous_history] = author_history(
        client,
        repo,
        Windows { items: &items, start: window_start, previous: &earlier, previous_start },
        snap,
    )
    .await?;
    snap.activity = Some(Activity {
        window_start,
        items,
        authors_with_earlier_items: history.with_earlier_items,
        authors_not_looked_up: history.not_looked_up,
        complete,
        previous: Some(PreviousWindow {
            start: previous_start,
            items: earlier,
            authors_with_earlier_items: previous_history.with_earlier_items,
            authors_not_looked_up: previous_history.not_looked_up,
            complete: listed_whole,
        }),
    });
    Ok(())
}

/// When the window's drafts were marked ready for review, and who merged the pull requests of
/// both windows, from the repository's issue events (one listing, not a request a pull request),
/// read back to the window's start or the earliest merge, whichever is earlier. Without them, a
/// pull request is timed from its creation unless it is still a draft, and a note says so.
async fn read_issue_events(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    items: &mut [Item],
    earlier: &mut [Item],
    snap: &mut Snapshot,
) -> Result<()> {
    let drafts_from = items.iter().any(|i| i.kind == ItemKind::PullRequest).then_some(window_start);
    let merges_from = items.iter().chain(earlier.iter()).filter_map(|i| i.merged_at).min();
    let Some(since) = drafts_from.into_iter().chain(merges_from).min() else { return Ok(()) };
    let listed = rest::events_since(client, repo, since, MAX_EVENT_PAGES).await;
    match optional(listed, client, "issue events (drafts marked ready, merges)", Permission::Issues)? {
        Ok((events, complete)) => {
            let oldest = events.iter().map(|e| e.created_at).min().filter(|_| !complete);
            if let Some(oldest) = oldest.filter(|o| drafts_from.is_some_and(|start| *o > start)) {
                snap.sources.notes.push(format!(
                    "issue events were read back to {} only: a pull request opened as a draft before then is timed from its creation",
                    oldest.format("%Y-%m-%d %H:%M UTC")
                ));
            }
            activity::date_drafts(items, &events);
            activity::merged_and_closed_by(items, &events);
            activity::merged_and_closed_by(earlier, &events);
            let unknown = |list: &[Item]| {
                list.iter().filter(|i| i.merged_at.is_some_and(|at| oldest.is_some_and(|o| at < o))).count()
            };
            let unknown = unknown(items) + unknown(earlier);
            if unknown > 0 {
                snap.sources.notes.push(format!(
                    "who merged {unknown} pull request(s) is unknown: the issue events were read back to {} only",
                    oldest.map(|o| o.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
                ));
            }
        }
        Err(reason) => snap
            .sources
            .notes
            .push(format!("{reason}; pull requests are timed from their creation, their mergers unknown")),
    }
    Ok(())
}

/// The two windows whose authors' history is wanted.
struct Windows<'a> {
    items: &'a [Item],
    start: DateTime<Utc>,
    previous: &'a [Item],
    previous_start: DateTime<Utc>,
}

/// One window's authors' history: those who opened something before it (`None`: not looked up),
/// and those whose history could not be had.
#[derive(Default)]
struct AuthorHistory {
    with_earlier_items: Option<Vec<String>>,
    not_looked_up: Vec<String>,
}

/// The candidates of the window (`history_candidates`) and of the previous one. A window's
/// candidate with an item in the previous window surely opened something before the window,
/// and needs no look-up: those are returned apart.
fn both_candidates(windows: &Windows) -> (Vec<String>, Vec<String>, Vec<String>) {
    let earlier_authors: BTreeSet<String> =
        windows.previous.iter().filter_map(|i| i.author.as_ref()).map(|a| a.login.to_ascii_lowercase()).collect();
    let (known, current): (Vec<String>, Vec<String>) =
        history_candidates(windows.items).into_iter().partition(|l| earlier_authors.contains(&l.to_ascii_lowercase()));
    (current, known, history_candidates(windows.previous))
}

/// The most authors whose earlier items are looked up a window, one request each; past this the
/// window's history is left unknown rather than spend the budget (those authors are then counted
/// as unconfirmed).
const MAX_HISTORY_LOOKUPS: usize = 30;

/// Which of the possible newcomers of the window and of the previous one opened an item before
/// their window, through REST: one request an author answers both windows (the date of their
/// first item). `FIRST_TIMER` and `FIRST_TIME_CONTRIBUTOR` need no look-up, nor does an author
/// with an earlier item in their window or, for the audited window, in the previous one;
/// `NONE` and `CONTRIBUTOR` also cover people who reported issues for years without committing.
async fn author_history(
    client: &Client,
    repo: &RepoRef,
    windows: Windows<'_>,
    snap: &mut Snapshot,
) -> Result<[AuthorHistory; 2]> {
    let (current, known, previous) = both_candidates(&windows);
    let mut lookups: BTreeMap<String, String> = BTreeMap::new();
    let mut looked_up = |candidates: &[String], snap: &mut Snapshot| {
        if candidates.len() > MAX_HISTORY_LOOKUPS {
            snap.sources.notes.push(unconfirmed_note(candidates.len(), MAX_HISTORY_LOOKUPS));
            return false;
        }
        lookups.extend(candidates.iter().map(|l| (l.to_ascii_lowercase(), l.clone())));
        true
    };
    let (current_wanted, previous_wanted) = (looked_up(&current, snap), looked_up(&previous, snap));
    let mut first: BTreeMap<String, FirstItem> = BTreeMap::new();
    for (key, login) in lookups {
        match optional(
            rest::first_item_by(client, repo, &login).await,
            client,
            "authors' earlier issues",
            Permission::Issues,
        )? {
            Ok(found) => first.insert(key, found),
            Err(reason) => {
                snap.sources.notes.push(reason);
                return Ok([AuthorHistory::default(), AuthorHistory::default()]);
            }
        };
    }
    // In the candidates' order, those `known` to have an earlier item and those found to.
    let judged = |items: &[Item], start: DateTime<Utc>, known: &[String]| {
        let mut history = AuthorHistory { with_earlier_items: Some(Vec::new()), not_looked_up: Vec::new() };
        for login in history_candidates(items) {
            match first.get(&login.to_ascii_lowercase()) {
                _ if known.contains(&login) => history.with_earlier_items.get_or_insert_default().push(login),
                Some(FirstItem::At(at)) if *at < start => {
                    history.with_earlier_items.get_or_insert_default().push(login)
                }
                Some(FirstItem::NotTheirs) => history.not_looked_up.push(login),
                _ => {}
            }
        }
        history
    };
    let current = match current_wanted {
        true => judged(windows.items, windows.start, &known),
        false => AuthorHistory::default(),
    };
    let previous = match previous_wanted {
        true => judged(windows.previous, windows.previous_start, &[]),
        false => AuthorHistory::default(),
    };
    let unconfirmed: BTreeSet<&String> = current.not_looked_up.iter().chain(&previous.not_looked_up).collect();
    if !unconfirmed.is_empty() {
        snap.sources.notes.push(format!(
            "the server answered the search for the earlier issues of {} author(s) with other people's; they are counted as unconfirmed",
            unconfirmed.len()
        ));
    }
    Ok([current, previous])
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

/// The note for a listing of the previous window that a cap cut short, after `read` items.
fn previous_cut_note(read: usize) -> String {
    format!("only the newest {read} issues and pull requests of the previous window were read")
}

fn unconfirmed_note(candidates: usize, most: usize) -> String {
    format!(
        "the earlier issues of {candidates} possible newcomers were not looked up (more than {most}); they are counted as unconfirmed"
    )
}

/// Issues and pull requests of the window through GraphQL, with the open welcoming issues, the
/// previous window's items (from `previous_start`) and both windows' authors' history. With a
/// cache, what the last run kept is reused and only the items changed since the repository's
/// `latest_update` then are asked for (src/collect/github/graphql/kept.rs). Returns false when
/// GraphQL is not to be used, and REST is to collect them instead.
pub(super) async fn collect_activity_graphql(
    client: &Client,
    repo: &RepoRef,
    window_start: DateTime<Utc>,
    previous_start: DateTime<Utc>,
    welcoming: &[String],
    latest_update: Option<Option<DateTime<Utc>>>,
    snap: &mut Snapshot,
) -> Result<bool> {
    let wanted = (!snap.unavailable.contains_key(&DataKind::Labels)).then_some(welcoming);
    let starts = (window_start, previous_start);
    let kept = match latest_update {
        Some(latest) => kept_activity(client, repo, starts, welcoming, wanted.is_some(), latest).await,
        // Changes the token may not see cannot tell a kept record is current.
        None => Ok(None),
    };
    let kept = match kept {
        Ok(kept) => kept,
        Err(QueryFailure::Unavailable) => return Ok(false),
        Err(QueryFailure::Api(e)) => return refused(e, client, snap),
    };
    let (mut record, whole, previous_whole) = match kept {
        Some(record) => (record, true, true),
        None => match graphql::activity::collect(client, repo, window_start, Some(previous_start), wanted).await {
            Ok(collected) => fresh_record(collected, starts, welcoming, latest_update.flatten(), snap),
            Err(QueryFailure::Unavailable) => return Ok(false),
            Err(QueryFailure::Api(e)) => return refused(e, client, snap),
        },
    };
    let [history, previous_history] = graphql_history(client, repo, &mut record, starts, snap).await?;
    let keep = whole
        && previous_whole
        && history.with_earlier_items.is_some()
        && previous_history.with_earlier_items.is_some()
        && latest_update.is_some();
    if let (Some(cache), Some(endpoint), true) = (&client.cache, &client.graphql_url, keep) {
        record.save(cache, endpoint, repo);
    }
    snap.welcoming_issues = record.welcoming;
    snap.activity = Some(Activity {
        window_start,
        items: record.items,
        authors_with_earlier_items: history.with_earlier_items,
        authors_not_looked_up: history.not_looked_up,
        complete: whole,
        previous: record.previous.map(|kept| PreviousWindow {
            start: kept.start,
            items: kept.items,
            authors_with_earlier_items: previous_history.with_earlier_items,
            authors_not_looked_up: previous_history.not_looked_up,
            complete: previous_whole,
        }),
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

/// The record the last run kept, brought up to date, when it fits this run's windows (`starts`:
/// the window's and the previous one's): nothing is asked when nothing changed since (`latest`
/// is the repository's latest change now), else only the items changed since. `None`: collect
/// afresh.
async fn kept_activity(
    client: &Client,
    repo: &RepoRef,
    (window_start, previous_start): (DateTime<Utc>, DateTime<Utc>),
    welcoming: &[String],
    welcoming_wanted: bool,
    latest: Option<DateTime<Utc>>,
) -> Result<Option<Record>, QueryFailure> {
    let (Some(cache), Some(endpoint)) = (&client.cache, &client.graphql_url) else { return Ok(None) };
    let Some(kept) = Record::load(cache, endpoint, repo)
        .filter(|r| r.fits(window_start, Some(previous_start), welcoming) && r.welcoming.is_some() == welcoming_wanted)
    else {
        return Ok(None);
    };
    if kept.is_current(latest) {
        let as_of = kept.as_of;
        return Ok(Some(kept.update(window_start, Some(previous_start), Vec::new(), as_of)));
    }
    // Without a change then, there was no item then: every item is new.
    let since = kept.as_of.unwrap_or(DateTime::<Utc>::MIN_UTC);
    let updated = graphql::activity::updated_since(client, repo, since).await?;
    Ok(updated.map(|updated| kept.update(window_start, Some(previous_start), updated, latest)))
}

/// A record of a fresh collection, saying in the notes what it could not read. Returns it with
/// whether the window, and the previous one, are whole (then worth keeping).
fn fresh_record(
    collected: graphql::activity::Activity,
    (window_start, previous_start): (DateTime<Utc>, DateTime<Utc>),
    welcoming: &[String],
    as_of: Option<DateTime<Utc>>,
    snap: &mut Snapshot,
) -> (Record, bool, bool) {
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
    let previous = collected.previous.unwrap_or(graphql::activity::Collected { items: Vec::new(), complete: false });
    if !previous.complete && collected.complete {
        snap.sources.notes.push(previous_cut_note(previous.items.len()));
    }
    let whole = collected.complete && collected.responses_cut == 0;
    let record = Record {
        window_start,
        as_of,
        welcoming_labels: welcoming.to_vec(),
        items: collected.items,
        welcoming: collected.welcoming,
        history: BTreeMap::new(),
        previous: Some(Previous { start: previous_start, items: previous.items, history: BTreeMap::new() }),
    };
    (record, whole, previous.complete && collected.pulls_refused.is_none())
}

/// The authors of `record`'s items who opened something before the window, and those of its
/// previous window's items who opened something before that one: those it knows, and the
/// others looked up in bulk, both windows' searches mixed in the same queries (and then known to
/// it); with those whose search GitHub refused (asked again next time).
async fn graphql_history(
    client: &Client,
    repo: &RepoRef,
    record: &mut Record,
    (window_start, previous_start): (DateTime<Utc>, DateTime<Utc>),
    snap: &mut Snapshot,
) -> Result<[AuthorHistory; 2]> {
    let no_previous: Vec<Item> = Vec::new();
    let previous_items = record.previous.as_ref().map_or(&no_previous, |p| &p.items);
    let windows = Windows { items: &record.items, start: window_start, previous: previous_items, previous_start };
    let (current, known, previous) = both_candidates(&windows);
    for login in &known {
        record.history.insert(login.clone(), true);
    }
    let unknown: Vec<String> = current.iter().filter(|l| !record.history.contains_key(*l)).cloned().collect();
    let previous_history = record.previous.as_ref().map(|p| &p.history);
    let previous_unknown: Vec<String> =
        previous.iter().filter(|l| previous_history.is_some_and(|h| !h.contains_key(*l))).cloned().collect();
    let most = graphql::history::MAX_AUTHORS;
    if unknown.len() > most {
        snap.sources.notes.push(unconfirmed_note(current.len(), most));
        return Ok([AuthorHistory::default(), AuthorHistory::default()]);
    }
    let previous_wanted = unknown.len() + previous_unknown.len() <= most;
    if !previous_wanted {
        snap.sources.notes.push(unconfirmed_note(previous.len(), most - unknown.len()));
    }
    let searches: Vec<(String, DateTime<Utc>)> = unknown
        .iter()
        .map(|l| (l.clone(), window_start))
        .chain(previous_unknown.iter().filter(|_| previous_wanted).map(|l| (l.clone(), previous_start)))
        .collect();
    let found = match graphql::history::earlier_items(client, repo, &searches).await {
        Ok(found) => found,
        Err(QueryFailure::Api(e)) => {
            snap.sources.notes.push(unavailable(e, client, "authors' earlier issues", Permission::Issues)?);
            return Ok([AuthorHistory::default(), AuthorHistory::default()]);
        }
        // GraphQL given up (a server that refused the query): REST looks the authors up instead.
        Err(QueryFailure::Unavailable) => {
            let windows =
                Windows { items: &record.items, start: window_start, previous: previous_items, previous_start };
            return author_history(client, repo, windows, snap).await;
        }
    };
    let mut not_searched = [Vec::new(), Vec::new()];
    let mut refusal = None;
    for (k, ((login, _), found)) in searches.into_iter().zip(found).enumerate() {
        let in_previous = k >= unknown.len();
        let history = match in_previous {
            true => match record.previous.as_mut() {
                Some(p) => &mut p.history,
                None => continue,
            },
            false => &mut record.history,
        };
        match found {
            Found::Earlier => _ = history.insert(login, true),
            Found::Nothing => _ = history.insert(login, false),
            Found::NotSearched(why) => {
                refusal.get_or_insert(why);
                not_searched[usize::from(in_previous)].push(login);
            }
        }
    }
    if let Some(why) = refusal {
        let count: BTreeSet<&String> = not_searched.iter().flatten().collect();
        snap.sources.notes.push(format!(
            "GitHub would not search the earlier issues of {} author(s) ({why}); their items are counted as unconfirmed",
            count.len()
        ));
    }
    let [current_refused, previous_refused] = not_searched;
    let with = |candidates: Vec<String>, history: &BTreeMap<String, bool>| -> Vec<String> {
        candidates.into_iter().filter(|l| history.get(l) == Some(&true)).collect()
    };
    let current_history = AuthorHistory {
        with_earlier_items: Some(with(history_candidates(&record.items), &record.history)),
        not_looked_up: current_refused,
    };
    let previous_history = match (record.previous.as_ref(), previous_wanted) {
        (Some(p), true) => {
            AuthorHistory { with_earlier_items: Some(with(previous, &p.history)), not_looked_up: previous_refused }
        }
        _ => AuthorHistory::default(),
    };
    Ok([current_history, previous_history])
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
