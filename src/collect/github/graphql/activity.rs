//! Issues and pull requests of the window, a hundred of each a query, newest first, each with
//! its first comments, submitted reviews and ready-for-review events: what REST needs a listing
//! of every comment and a request per pull request for. The open issues carrying welcoming labels
//! come with the first page. Items whose first few responses are all by their author or bots get
//! more of them in follow-up queries.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Answer, Client, Connection, QueryFailure, literal};
use crate::collect::github::activity::{DraftMove, answered_by_another, draft_history, earlier_selection};
use crate::collect::github::errors::{ApiError, Failure, Permission};
use crate::collect::github::rest::actor_named;
use crate::repo_ref::RepoRef;
use crate::snapshot::{Actor, Item, ItemKind, Response, ResponseKind};

/// Items read at most, issues and pull requests each (REST's cap: 50 pages of 100).
const MAX_ITEMS: usize = 5_000;
/// Open welcoming issues read at most.
const MAX_WELCOMING: usize = 500;
/// Items a page: GitHub's most. A page that times out on GitHub's side (a `502` after the
/// retries) is asked for again at half the size, down to the least.
const PAGE_SIZE: usize = 100;
const LEAST_PAGE_SIZE: usize = 25;
/// Items whose further responses are asked for in one follow-up query, and rounds of them.
const FOLLOW_UPS_PER_QUERY: usize = 50;
const MAX_FOLLOW_UP_ROUNDS: usize = 5;

/// Shared selections; a query includes those it uses (GraphQL refuses unused fragments).
const FRAGMENTS: &[(&str, &str)] = &[
    ("Who", "fragment Who on Actor { __typename login }"),
    (
        "Comments",
        "fragment Comments on IssueCommentConnection { pageInfo { hasNextPage endCursor } nodes { author { ...Who } authorAssociation createdAt } }",
    ),
    (
        "Reviews",
        "fragment Reviews on PullRequestReviewConnection { pageInfo { hasNextPage endCursor } nodes { author { ...Who } authorAssociation submittedAt } }",
    ),
    (
        "IssueFields",
        "fragment IssueFields on Issue { number title url createdAt updatedAt closedAt authorAssociation author { ...Who } labels(first: 20) { nodes { name } } assignees(first: 10) { nodes { login } } comments(first: 10) { ...Comments } }",
    ),
    (
        "PullFields",
        "fragment PullFields on PullRequest { number title url isDraft createdAt updatedAt closedAt mergedAt mergedBy { ...Who } authorAssociation author { ...Who } labels(first: 20) { nodes { name } } assignees(first: 10) { nodes { login } } comments(first: 10) { ...Comments } reviews(first: 10, states: [APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED]) { ...Reviews } timelineItems(first: 10, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT, CLOSED_EVENT]) { nodes { __typename ... on ReadyForReviewEvent { createdAt } ... on ConvertToDraftEvent { createdAt } ... on ClosedEvent { createdAt actor { ...Who } } } } }",
    ),
    (
        "EarlierIssue",
        "fragment EarlierIssue on Issue { number title url createdAt closedAt authorAssociation author { ...Who } }",
    ),
    (
        "EarlierPull",
        "fragment EarlierPull on PullRequest { number title url isDraft createdAt closedAt mergedAt mergedBy { ...Who } authorAssociation author { ...Who } }",
    ),
];

/// Issues and pull requests under two aliases of the repository: a token without the Pull
/// requests permission is refused the second alone, and the issues still stand.
const ACTIVITY: &str = r#"query Activity($owner: String!, $name: String!, $pageSize: Int!, $withIssueSide: Boolean!, $withIssues: Boolean!, $issuesAfter: String, $withPulls: Boolean!, $pullsAfter: String, $withWelcoming: Boolean!, $welcomingLabels: [String!], $welcomingAfter: String) {
  issueSide: repository(owner: $owner, name: $name) @include(if: $withIssueSide) {
    issues(first: $pageSize, after: $issuesAfter, orderBy: {field: CREATED_AT, direction: DESC}) @include(if: $withIssues) { pageInfo { hasNextPage endCursor } nodes { ...IssueFields } }
    welcoming: issues(first: $pageSize, after: $welcomingAfter, states: [OPEN], labels: $welcomingLabels, orderBy: {field: CREATED_AT, direction: DESC}) @include(if: $withWelcoming) { pageInfo { hasNextPage endCursor } nodes { ...IssueFields } }
  }
  pullSide: repository(owner: $owner, name: $name) @include(if: $withPulls) {
    pullRequests(first: $pageSize, after: $pullsAfter, orderBy: {field: CREATED_AT, direction: DESC}) { pageInfo { hasNextPage endCursor } nodes { ...PullFields } }
  }
}"#;

/// The previous window's items past the pages of the audited window: the light selection, without
/// responses, labels or events.
const EARLIER: &str = r#"query Earlier($owner: String!, $name: String!, $pageSize: Int!, $withIssues: Boolean!, $issuesAfter: String, $withPulls: Boolean!, $pullsAfter: String) {
  issueSide: repository(owner: $owner, name: $name) @include(if: $withIssues) {
    issues(first: $pageSize, after: $issuesAfter, orderBy: {field: CREATED_AT, direction: DESC}) { pageInfo { hasNextPage endCursor } nodes { ...EarlierIssue } }
  }
  pullSide: repository(owner: $owner, name: $name) @include(if: $withPulls) {
    pullRequests(first: $pageSize, after: $pullsAfter, orderBy: {field: CREATED_AT, direction: DESC}) { pageInfo { hasNextPage endCursor } nodes { ...EarlierPull } }
  }
}"#;

/// `query` followed by the fragments it uses, and those they use.
fn with_fragments(query: &str) -> String {
    let mut text = query.to_string();
    let mut added = Vec::new();
    loop {
        let missing: Vec<&(&str, &str)> = FRAGMENTS
            .iter()
            .filter(|(name, _)| !added.contains(name) && text.contains(&format!("...{name} ")))
            .collect();
        if missing.is_empty() {
            return text;
        }
        for (name, fragment) in missing {
            added.push(name);
            text.push('\n');
            text.push_str(fragment);
        }
    }
}

/// The items of the window and the open welcoming issues.
pub struct Activity {
    /// Newest first.
    pub items: Vec<Item>,
    /// Whether every item of the window was read (no page cap reached).
    pub complete: bool,
    /// Items whose follow-up pages of responses were not all read.
    pub responses_cut: usize,
    /// Numbers descending, as REST's listing gives them; `None` when not asked for.
    pub welcoming: Option<Vec<Item>>,
    /// Why pull requests could not be read (a token without the Pull requests permission).
    pub pulls_refused: Option<String>,
    /// The previous window's items (created at or after its start and before the window's), in
    /// the light selection, newest first; `None` when not asked for.
    pub previous: Option<Collected<Vec<Item>>>,
}

/// What was read, and whether all of it was (no page cap reached).
pub struct Collected<T> {
    pub items: T,
    pub complete: bool,
}

/// A connection's listing, page by page, until it is done or reaches past the window.
struct Listing {
    after: Option<String>,
    read: usize,
    done: bool,
    /// When the last node read was created.
    reached: Option<DateTime<Utc>>,
}

impl Listing {
    fn new(wanted: bool) -> Listing {
        Listing { after: None, read: 0, done: !wanted, reached: None }
    }

    /// Takes a page and says whether to go on: while there are more pages, its last node is
    /// still `inside` what is wanted (the window), and fewer than `cap` items were read.
    fn advance(
        &mut self,
        connection: Connection<ItemNode>,
        inside: impl Fn(&ItemNode) -> bool,
        cap: usize,
    ) -> Vec<ItemNode> {
        self.after = connection.next();
        let nodes: Vec<ItemNode> = connection.items().collect();
        self.read += nodes.len();
        self.reached = nodes.last().map(|n| n.created_at).or(self.reached);
        self.done = self.after.is_none() || !nodes.last().is_some_and(inside) || self.read >= cap;
        nodes
    }

    /// Whether a page cap, not the window, ended it.
    fn capped(&self, cap: usize) -> bool {
        self.read >= cap && self.after.is_some()
    }

    fn variables(&self, want: &str, after: &str, vars: &mut Value) {
        vars[want] = json!(!self.done);
        vars[after] = json!(self.after);
    }

    /// The listing carried on past the window down to `start`, from where it stopped: when it
    /// stopped inside `[start, window start)` with more pages.
    fn onward(&self, start: DateTime<Utc>, cap: usize) -> Listing {
        let more = self.after.is_some() && self.reached.is_some_and(|at| at >= start) && self.read < cap;
        Listing { after: self.after.clone(), read: self.read, done: !more, reached: self.reached }
    }
}

/// Reads the window's items (created at or after `since`) and, when `welcoming_labels` is not
/// empty, the open issues carrying any of them; with `previous_start`, the previous window's
/// items too: those of the last pages read that fall in it, and the listings carried on in the
/// light selection down to its start.
pub async fn collect(
    client: &Client,
    repo: &RepoRef,
    since: DateTime<Utc>,
    previous_start: Option<DateTime<Utc>>,
    welcoming_labels: Option<&[String]>,
) -> Result<Activity, QueryFailure> {
    let query = with_fragments(ACTIVITY);
    let mut issues = Listing::new(true);
    let mut pulls = Listing::new(true);
    let mut welcoming = Listing::new(welcoming_labels.is_some_and(|l| !l.is_empty()));
    let mut items = Vec::new();
    let mut open_welcoming = Vec::new();
    let mut pulls_refused = None;
    while !(issues.done && pulls.done && welcoming.done) {
        let mut vars = json!({ "owner": repo.owner(), "name": repo.name(), "welcomingLabels": welcoming_labels });
        vars["withIssueSide"] = json!(!(issues.done && welcoming.done));
        issues.variables("withIssues", "issuesAfter", &mut vars);
        pulls.variables("withPulls", "pullsAfter", &mut vars);
        welcoming.variables("withWelcoming", "welcomingAfter", &mut vars);
        let mut answer = query_shrinking("Activity", client, &query, vars).await?;
        if let Some(e) = answer.failed("Activity", "issueSide") {
            return Err(e.into());
        }
        if let Some(e) = answer.failed("Activity", "pullSide") {
            let Some(reason) = e.unavailable_reason(Permission::PullRequests) else { return Err(e.into()) };
            pulls.done = true;
            pulls_refused = Some(reason);
        }
        let issue_side: IssueSide = answer.take("Activity", "issueSide")?.unwrap_or_default();
        let pull_side: PullSide = answer.take("Activity", "pullSide")?.unwrap_or_default();
        let in_window = |n: &ItemNode| n.created_at >= since;
        if let Some(c) = issue_side.issues {
            items.extend(issues.advance(c, in_window, MAX_ITEMS));
        }
        if let Some(c) = pull_side.pull_requests {
            items.extend(pulls.advance(c, in_window, MAX_ITEMS));
        }
        if let Some(c) = issue_side.welcoming {
            open_welcoming.extend(welcoming.advance(c, |_| true, MAX_WELCOMING));
        }
    }
    let (items, older): (Vec<ItemNode>, Vec<ItemNode>) = items.into_iter().partition(|i| i.created_at >= since);
    let previous = match previous_start {
        Some(start) => Some(earlier(client, repo, since, start, older, [&issues, &pulls]).await?),
        None => None,
    };
    let mut nodes: BTreeMap<u64, ItemNode> = items.into_iter().map(|n| (n.number, n)).collect();
    let responses_cut = follow_up(client, repo, &mut nodes).await?;
    let mut items: Vec<Item> = nodes.into_values().map(ItemNode::into_item).collect();
    newest_first(&mut items);
    let welcoming = welcoming_labels.map(|_| {
        let mut open: Vec<Item> = open_welcoming.into_iter().map(ItemNode::into_item).collect();
        open.sort_by_key(|i| Reverse(i.number));
        open.dedup_by_key(|i| i.number);
        open
    });
    Ok(Activity {
        items,
        complete: !issues.capped(MAX_ITEMS) && !pulls.capped(MAX_ITEMS) && pulls_refused.is_none(),
        responses_cut,
        welcoming,
        pulls_refused,
        previous,
    })
}

/// The previous window's items, `[start, before)`: those already read (`read`, the last pages'
/// older nodes), and the rest through the issue and pull-request listings carried on from where
/// they stopped, in the light selection.
async fn earlier(
    client: &Client,
    repo: &RepoRef,
    before: DateTime<Utc>,
    start: DateTime<Utc>,
    read: Vec<ItemNode>,
    [issues, pulls]: [&Listing; 2],
) -> Result<Collected<Vec<Item>>, QueryFailure> {
    let mut issues = issues.onward(start, MAX_ITEMS);
    let mut pulls = pulls.onward(start, MAX_ITEMS);
    let in_previous = |n: &ItemNode| n.created_at >= start;
    let vars = json!({ "owner": repo.owner(), "name": repo.name() });
    let mut nodes = read;
    nodes.extend(
        side_by_side(client, "Earlier", EARLIER, vars, [&mut issues, &mut pulls], [&in_previous, &in_previous]).await?,
    );
    let mut items: Vec<Item> = nodes
        .into_iter()
        .filter(|n| n.created_at >= start && n.created_at < before)
        .map(|n| earlier_selection(n.into_item()))
        .collect();
    newest_first(&mut items);
    items.dedup_by_key(|i| i.number);
    Ok(Collected { items, complete: !issues.capped(MAX_ITEMS) && !pulls.capped(MAX_ITEMS) })
}

const UPDATED: &str = r#"query Updated($owner: String!, $name: String!, $pageSize: Int!, $since: DateTime!, $withIssues: Boolean!, $issuesAfter: String, $withPulls: Boolean!, $pullsAfter: String) {
  issueSide: repository(owner: $owner, name: $name) @include(if: $withIssues) {
    issues(first: $pageSize, after: $issuesAfter, filterBy: {since: $since}, orderBy: {field: UPDATED_AT, direction: DESC}) { pageInfo { hasNextPage endCursor } nodes { ...IssueFields } }
  }
  pullSide: repository(owner: $owner, name: $name) @include(if: $withPulls) {
    pullRequests(first: $pageSize, after: $pullsAfter, orderBy: {field: UPDATED_AT, direction: DESC}) { pageInfo { hasNextPage endCursor } nodes { ...PullFields } }
  }
}"#;

/// The issues and pull requests updated at or after `since`, whenever created, with their
/// responses; `None` when there are more than the page caps allow (collect them all again then).
pub async fn updated_since(
    client: &Client,
    repo: &RepoRef,
    since: DateTime<Utc>,
) -> Result<Option<Vec<Item>>, QueryFailure> {
    let mut issues = Listing::new(true);
    let mut pulls = Listing::new(true);
    let vars = json!({ "owner": repo.owner(), "name": repo.name(), "since": since });
    // Pull requests have no `since` filter: newest updates first, down to `since`.
    let pull_updated = |n: &ItemNode| n.updated_at.is_some_and(|u| u >= since);
    let nodes =
        side_by_side(client, "Updated", UPDATED, vars, [&mut issues, &mut pulls], [&|_| true, &pull_updated]).await?;
    if issues.capped(MAX_ITEMS) || pulls.capped(MAX_ITEMS) {
        return Ok(None);
    }
    let mut nodes: BTreeMap<u64, ItemNode> =
        nodes.into_iter().filter(|n| n.updated_at.is_none_or(|u| u >= since)).map(|n| (n.number, n)).collect();
    follow_up(client, repo, &mut nodes).await?;
    Ok(Some(nodes.into_values().map(ItemNode::into_item).collect()))
}

/// Pages through issues and pull requests side by side, under the `issueSide` and `pullSide`
/// aliases of the query `name` (`vars` holding all but the paging), each listing while its last
/// node is `inside` what is wanted.
async fn side_by_side(
    client: &Client,
    name: &str,
    query: &str,
    vars: Value,
    [issues, pulls]: [&mut Listing; 2],
    [issue_inside, pull_inside]: [&(dyn Fn(&ItemNode) -> bool + Sync); 2],
) -> Result<Vec<ItemNode>, QueryFailure> {
    let query = with_fragments(query);
    let mut nodes = Vec::new();
    while !(issues.done && pulls.done) {
        let mut vars = vars.clone();
        issues.variables("withIssues", "issuesAfter", &mut vars);
        pulls.variables("withPulls", "pullsAfter", &mut vars);
        let mut answer = query_shrinking(name, client, &query, vars).await?;
        for side in ["issueSide", "pullSide"] {
            if let Some(e) = answer.failed(name, side) {
                return Err(e.into());
            }
        }
        let issue_side: IssueSide = answer.take(name, "issueSide")?.unwrap_or_default();
        let pull_side: PullSide = answer.take(name, "pullSide")?.unwrap_or_default();
        if let Some(c) = issue_side.issues {
            nodes.extend(issues.advance(c, issue_inside, MAX_ITEMS));
        }
        if let Some(c) = pull_side.pull_requests {
            nodes.extend(pulls.advance(c, pull_inside, MAX_ITEMS));
        }
    }
    Ok(nodes)
}

/// Runs a page query at GitHub's largest page size, and again at half the size while GitHub
/// fails it on its side (a query too heavy to answer in time ends in a `502`).
async fn query_shrinking(name: &str, client: &Client, query: &str, mut vars: Value) -> Result<Answer, QueryFailure> {
    let mut size = PAGE_SIZE;
    loop {
        vars["pageSize"] = json!(size);
        match client.query(name, query, vars.clone()).await {
            Err(QueryFailure::Api(e)) if matches!(e.failure, Failure::Server { .. }) && size > LEAST_PAGE_SIZE => {
                size /= 2;
                tracing::warn!("GitHub failed the {name} query; asking for {size} items a page instead");
            }
            answered => return answered,
        }
    }
}

/// Items newest first, as REST's listing gives them (the higher number first at the same time).
pub fn newest_first(items: &mut [Item]) {
    items.sort_by_key(|i| Reverse((i.created_at, i.number)));
}

/// Asks for more comments and reviews of the items that have more and that no one but their
/// author and bots answered in those read so far. Returns how many were left unsettled.
async fn follow_up(client: &Client, repo: &RepoRef, nodes: &mut BTreeMap<u64, ItemNode>) -> Result<usize, ApiError> {
    for _ in 0..MAX_FOLLOW_UP_ROUNDS {
        let pending: Vec<(u64, String)> =
            nodes.values().filter_map(|n| n.follow_up_selection().map(|s| (n.number, s))).collect();
        if pending.is_empty() {
            return Ok(0);
        }
        for chunk in pending.chunks(FOLLOW_UPS_PER_QUERY) {
            let fields: String = chunk
                .iter()
                .map(|(number, selection)| {
                    format!("n{number}: issueOrPullRequest(number: {number}) {{ {selection} }}\n")
                })
                .collect();
            let query = with_fragments(&format!(
                "query MoreResponses($owner: String!, $name: String!) {{\n  repository(owner: $owner, name: $name) {{\n{fields}  }}\n}}"
            ));
            let mut answer = match client
                .query("MoreResponses", &query, json!({ "owner": repo.owner(), "name": repo.name() }))
                .await
            {
                Ok(answer) => answer,
                Err(QueryFailure::Unavailable) => return Ok(pending.len()),
                Err(QueryFailure::Api(e)) => return Err(e),
            };
            if let Some(e) = answer.failed("MoreResponses", "repository") {
                return Err(e);
            }
            let mut more: BTreeMap<String, Option<MoreNode>> =
                answer.take("MoreResponses", "repository")?.unwrap_or_default();
            for (number, _) in chunk {
                if let (Some(node), Some(Some(extra))) = (nodes.get_mut(number), more.remove(&format!("n{number}"))) {
                    node.absorb(extra);
                }
            }
        }
    }
    Ok(nodes.values().filter(|n| n.follow_up_selection().is_some()).count())
}

#[derive(Default, Deserialize)]
struct IssueSide {
    issues: Option<Connection<ItemNode>>,
    welcoming: Option<Connection<ItemNode>>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PullSide {
    pull_requests: Option<Connection<ItemNode>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemNode {
    number: u64,
    title: String,
    url: String,
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    author_association: String,
    author: Option<ActorNode>,
    labels: Option<Connection<NameNode>>,
    assignees: Option<Connection<LoginNode>>,
    /// Absent from the light selection of the previous window.
    #[serde(default)]
    comments: Connection<ResponseNode>,
    /// Present on pull requests only.
    is_draft: Option<bool>,
    merged_at: Option<DateTime<Utc>>,
    merged_by: Option<ActorNode>,
    reviews: Option<Connection<ResponseNode>>,
    timeline_items: Option<Connection<EventNode>>,
}

#[derive(Deserialize)]
struct MoreNode {
    comments: Option<Connection<ResponseNode>>,
    reviews: Option<Connection<ResponseNode>>,
}

#[derive(Deserialize)]
pub struct ActorNode {
    #[serde(rename = "__typename")]
    typename: String,
    login: String,
}

#[derive(Deserialize)]
struct NameNode {
    name: String,
}

#[derive(Deserialize)]
struct LoginNode {
    login: String,
}

/// A comment (`createdAt`) or a submitted review (`submittedAt`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResponseNode {
    author: Option<ActorNode>,
    author_association: String,
    created_at: Option<DateTime<Utc>>,
    submitted_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventNode {
    #[serde(rename = "__typename")]
    typename: String,
    created_at: Option<DateTime<Utc>>,
    /// Who closed it, on a `ClosedEvent`.
    #[serde(default)]
    actor: Option<ActorNode>,
}

impl EventNode {
    fn draft_move(&self) -> Option<(DateTime<Utc>, DraftMove)> {
        let what = match self.typename.as_str() {
            "ReadyForReviewEvent" => DraftMove::ReadyForReview,
            "ConvertToDraftEvent" => DraftMove::ConvertToDraft,
            _ => return None,
        };
        Some((self.created_at?, what))
    }
}

impl ActorNode {
    /// The actor as REST names it: GraphQL gives a bot's login without REST's `[bot]` suffix,
    /// which configs and reports use.
    pub fn actor(&self) -> Option<Actor> {
        let typed_bot = self.typename == "Bot";
        let login = match typed_bot && !self.login.ends_with("[bot]") {
            true => format!("{}[bot]", self.login),
            false => self.login.clone(),
        };
        actor_named(&login, typed_bot)
    }
}

impl ItemNode {
    /// What to ask for next about this item: the comments or reviews past those read, when
    /// there are more and none read so far answers it.
    fn follow_up_selection(&self) -> Option<String> {
        if answered_by_another(&self.author.as_ref().and_then(ActorNode::actor), &self.responses()) {
            return None;
        }
        let comments = self
            .comments
            .next()
            .map(|after| format!("comments(first: 100, after: {}) {{ ...Comments }}", literal(&after)));
        let reviews = self.reviews.as_ref().and_then(Connection::next).map(|after| {
            format!(
                "reviews(first: 100, after: {}, states: [APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED]) {{ ...Reviews }}",
                literal(&after)
            )
        });
        match (comments, reviews) {
            (None, None) => None,
            (Some(c), None) => Some(format!("... on Issue {{ {c} }} ... on PullRequest {{ {c} }}")),
            (c, Some(r)) => Some(format!("... on PullRequest {{ {} {r} }}", c.unwrap_or_default())),
        }
    }

    /// Adds a follow-up's pages to those read.
    fn absorb(&mut self, more: MoreNode) {
        if let Some(c) = more.comments {
            self.comments.page_info = c.page_info;
            self.comments.nodes.extend(c.nodes);
        }
        if let (Some(mine), Some(r)) = (self.reviews.as_mut(), more.reviews) {
            mine.page_info = r.page_info;
            mine.nodes.extend(r.nodes);
        }
    }

    fn responses(&self) -> Vec<Response> {
        let response = |n: &ResponseNode, kind| {
            Some(Response {
                kind,
                author: n.author.as_ref().and_then(ActorNode::actor),
                author_association: n.author_association.clone(),
                at: n.submitted_at.or(n.created_at)?,
            })
        };
        let comments = self.comments.nodes.iter().flatten().filter_map(|n| response(n, ResponseKind::Comment));
        let reviews = self.reviews.iter().flat_map(|r| r.nodes.iter().flatten());
        let mut all: Vec<Response> =
            comments.chain(reviews.filter_map(|n| response(n, ResponseKind::Review))).collect();
        all.sort_by_key(|r| r.at);
        all
    }

    fn into_item(self) -> Item {
        let responses = self.responses();
        let kind = if self.is_draft.is_some() { ItemKind::PullRequest } else { ItemKind::Issue };
        let draft = self.is_draft.unwrap_or(false);
        let events: Vec<EventNode> = self.timeline_items.map(|e| e.items().collect()).unwrap_or_default();
        let moves = events.iter().filter_map(EventNode::draft_move).collect();
        let (opened_as_draft, ready_for_review_at) = draft_history(draft, moves);
        // The last closing counts: a pull request may be closed, reopened and closed again.
        let closed_by = events
            .iter()
            .filter(|e| e.typename == "ClosedEvent")
            .max_by_key(|e| e.created_at)
            .and_then(|e| e.actor.as_ref().and_then(ActorNode::actor));
        Item {
            kind,
            number: self.number,
            title: self.title,
            url: self.url,
            author: self.author.as_ref().and_then(ActorNode::actor),
            author_association: self.author_association,
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            draft,
            ready_for_review_at,
            opened_as_draft,
            labels: self.labels.map(|l| l.items().map(|n| n.name).collect()).unwrap_or_default(),
            assignees: self.assignees.map(|a| a.items().map(|n| n.login).collect()).unwrap_or_default(),
            responses,
            merged_at: self.merged_at,
            merged_by: self.merged_by.as_ref().and_then(ActorNode::actor),
            closed_by: self.closed_at.and(closed_by),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn timeline_events_are_moves_into_and_out_of_draft() {
        let node = |typename: &str, created_at: Option<&str>| EventNode {
            typename: typename.to_string(),
            created_at: created_at.map(at),
            actor: None,
        };
        let when = "2026-11-02T00:00:00Z";
        assert_eq!(node("ReadyForReviewEvent", Some(when)).draft_move(), Some((at(when), DraftMove::ReadyForReview)));
        assert_eq!(node("ConvertToDraftEvent", Some(when)).draft_move(), Some((at(when), DraftMove::ConvertToDraft)));
        assert_eq!(node("ReadyForReviewEvent", None).draft_move(), None, "undated");
        assert_eq!(node("ClosedEvent", Some(when)).draft_move(), None);
    }

    #[test]
    fn a_bot_gets_rests_login_and_ghost_is_a_deleted_user() {
        let bot = ActorNode { typename: "Bot".into(), login: "dependabot".into() };
        assert_eq!(bot.actor(), Some(Actor { login: "dependabot[bot]".into(), is_bot: true }));
        let person = ActorNode { typename: "User".into(), login: "ana".into() };
        assert_eq!(person.actor(), Some(Actor { login: "ana".into(), is_bot: false }));
        assert_eq!(ActorNode { typename: "User".into(), login: "ghost".into() }.actor(), None);
    }

    #[test]
    fn fragments_follow_the_spreads_used() {
        let q = with_fragments("query { x { ...Comments } }");
        assert!(q.contains("fragment Comments") && q.contains("fragment Who"));
        assert!(!q.contains("fragment Reviews") && !q.contains("fragment IssueFields"));
    }
}
