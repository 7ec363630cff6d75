//! GitHub's GraphQL API (`POST /graphql`) over the same model the REST routes serve.
//!
//! Each query is validated against GitHub's published schema (`tests/data/graphql`) and run by
//! apollo-compiler's executor, which does variables and their defaults, fragments, aliases,
//! `@include`/`@skip` and `__typename`; the resolvers here read the model. A field or an argument
//! that the schema has and the fake does not implement is a `FAKE_UNSUPPORTED` error, never a
//! quiet `null`, so that a test fails loudly.
//!
//! A query costs what GitHub charges for it: the requests its connections need, counted before it
//! runs, in hundreds ([`Demand`]).

use std::sync::LazyLock;

use apollo_compiler::collections::{HashMap, HashSet, IndexMap};
use apollo_compiler::executable::{Field, OperationType, Selection, SelectionSet};
use apollo_compiler::resolvers::{Execution, FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::schema::{ExtendedType, Implementers};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Schema, ast};
use axum::http::{HeaderMap, Method, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::model::{Comment, Discussion, Issue, Release, Repo, Review, User, World};
use super::render::{self, GITHUB_WEB, stamp};
use super::{Answer, FORBIDDEN_MESSAGE, Shared, not_found};

static SCHEMA: LazyLock<Valid<Schema>> = LazyLock::new(|| {
    let text = include_str!("../../../data/graphql/schema.graphql");
    // GitHub's schema defines two fields of `EnterpriseOwnerInfo` twice. apollo refuses that but
    // keeps the first definition of each; the rest is valid.
    let schema = match Schema::parse(text, "schema.graphql") {
        Ok(schema) => schema,
        Err(parsed) => {
            let duplicates = parsed.errors.iter().all(|d| d.error.to_string().starts_with("duplicate definitions"));
            assert!(duplicates, "GitHub's schema: {}", parsed.errors);
            parsed.partial
        }
    };
    schema.validate().expect("GitHub's schema is valid")
});

static IMPLEMENTERS: LazyLock<HashMap<Name, Implementers>> = LazyLock::new(|| SCHEMA.implementers_map());

/// GitHub's limit on `Blob.text`: a longer blob's text stops there, with `isTruncated`.
const TEXT_LIMIT: usize = 512 * 1024;

/// Carries an error's `type` in a resolver's error message, up to where GitHub puts it.
const TYPE_MARK: char = '\u{1f}';

/// The GraphQL rate limit as it stands before the request being answered is charged.
#[derive(Clone, Copy)]
pub(super) struct Budget {
    pub limit: u64,
    /// Points charged in this window so far.
    pub used: u64,
    pub reset: i64,
}

impl Budget {
    /// The points left once `cost` more are charged.
    pub fn remaining_after(&self, cost: u64) -> u64 {
        self.limit.saturating_sub(self.used + cost)
    }
}

/// What a request refused before its query runs costs (not `POST`, not JSON, invalid against the
/// schema, a variable missing, a mutation the fake does not answer): GitHub charges such a refusal
/// too, and the fake keeps it at 1 point, the least a query costs.
const REFUSED_COST: u64 = 1;

/// `POST /graphql`: HTTP 200 with `data` and `errors` as GitHub answers, also to a query it
/// refuses; 401 without a token, as GitHub's GraphQL API has no anonymous access. With the points
/// the request costs: a query's [`Demand::cost`], [`REFUSED_COST`] for a refusal, none without a
/// token.
pub(super) fn answer(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
    budget: Budget,
) -> (Answer, u64) {
    if method != Method::POST {
        return (not_found(), REFUSED_COST);
    }
    if !headers.contains_key(header::AUTHORIZATION) {
        let body = json!({"message": "This endpoint requires you to be authenticated.",
            "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"});
        return (Answer::Json(StatusCode::UNAUTHORIZED, body, None), 0);
    }
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        let answer = Answer::Json(StatusCode::BAD_REQUEST, render::error("Problems parsing JSON", 400), None);
        return (answer, REFUSED_COST);
    };
    let (response, cost) = respond(shared, &request, budget);
    let errors = response["errors"].as_array().into_iter().flatten();
    let refused = errors.filter(|e| !matches!(e["type"].as_str(), Some("NOT_FOUND" | "FORBIDDEN" | "INVALID")));
    shared.graphql_rejections.lock().unwrap().extend(refused.map(|e| e["message"].as_str().unwrap_or("").to_string()));
    (Answer::Json(StatusCode::OK, response, None), cost)
}

/// The response to a query, and what it costs.
fn respond(shared: &Shared, request: &Value, budget: Budget) -> (Value, u64) {
    let refused = |response: Value| (response, REFUSED_COST);
    let Some(query) = request["query"].as_str() else {
        return refused(json!({"errors": [{"message": "A query attribute must be specified and must be a string."}]}));
    };
    let document = match ExecutableDocument::parse_and_validate(&SCHEMA, query, "query.graphql") {
        Ok(document) => document,
        Err(invalid) => {
            return refused(json!({"errors": invalid.errors.iter().map(|d| d.to_json()).collect::<Vec<_>>()}));
        }
    };
    let request_error =
        |e: apollo_compiler::request::RequestError| refused(json!({"errors": [e.to_graphql_error(&document.sources)]}));
    let operation = match document.operations.get(request["operationName"].as_str()) {
        Ok(operation) => operation,
        Err(e) => return request_error(e),
    };
    if operation.operation_type != OperationType::Query {
        let message = format!("The fake GitHub answers queries only, not a {}.", operation.operation_type);
        return refused(json!({"errors": [{"type": "FAKE_UNSUPPORTED", "message": message}]}));
    }
    let sent: JsonMap = serde_json::from_value(request["variables"].clone()).unwrap_or_default();
    let variables = match apollo_compiler::request::coerce_variable_values(&SCHEMA, operation, &sent) {
        Ok(variables) => variables,
        Err(e) => return request_error(e),
    };
    let demand = Demand::of(&document, &operation.selection_set.selections, &variables);
    let cost = demand.cost();
    let writes = shared.writes.lock().unwrap().clone();
    let world = shared.world.read().unwrap();
    let ctx = Ctx {
        shared,
        world: &world,
        written_issues: writes.issues.iter().map(|w| w.as_issue()).collect(),
        written_comments: writes.comments.iter().map(|w| (w.as_comment(), w.body.clone())).collect(),
        node_count: demand.nodes,
        budget,
        cost,
    };
    let execution = Execution::new(&SCHEMA, &document)
        .operation(operation)
        .implementers_map(&IMPLEMENTERS)
        .coerced_variable_values(&variables);
    let mut response = match execution.execute_sync(&Obj { ctx: &ctx, node: Node::Query }) {
        Ok(response) => serde_json::to_value(response).expect("a JSON response"),
        Err(e) => return request_error(e),
    };
    for error in response.get_mut("errors").and_then(Value::as_array_mut).into_iter().flatten() {
        let typed = error["message"].as_str().and_then(|m| m.strip_prefix("resolver error: ")?.split_once(TYPE_MARK));
        if let Some((kind, message)) = typed.map(|(k, m)| (k.to_string(), m.to_string())) {
            error["type"] = json!(kind);
            error["message"] = json!(message);
        }
    }
    (response, cost)
}

/// A field error with GitHub's `type`: `NOT_FOUND`, `MISSING_PAGINATION_BOUNDARIES`, ...
fn fail(kind: &str, message: impl std::fmt::Display) -> FieldError {
    FieldError { message: format!("{kind}{TYPE_MARK}{message}") }
}

fn unsupported(what: impl std::fmt::Display) -> FieldError {
    fail("FAKE_UNSUPPORTED", format!("The fake GitHub does not implement `{what}`."))
}

/// What a query asks of GitHub, counted before it runs as GitHub counts it ("Calculating a rate
/// limit score before running the call",
/// <https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api>):
/// every connection is assumed to reach its `first` (or `last`), so it takes one request for each
/// node of the connections around it. A field left out by `@skip`/`@include` asks for nothing; a
/// fragment counts where it is spread; fields merged under one response key are one connection,
/// while aliases are as many.
#[derive(Default)]
struct Demand {
    /// The requests needed to fulfil every connection: one at the root, under `issues(first: 100)`
    /// a hundred, under that and `comments(first: 10)` a thousand.
    requests: u64,
    /// The most nodes the query may return (`rateLimit { nodeCount }`): each connection's limit
    /// times its requests.
    nodes: u64,
}

impl Demand {
    fn of(document: &ExecutableDocument, selections: &[Selection], variables: &JsonMap) -> Demand {
        let mut demand = Demand::default();
        demand.add(document, selections.iter().collect(), variables, 1);
        demand
    }

    /// Adds what a selection asks for, each connection in it needing `requests` requests.
    fn add<'a>(
        &mut self,
        document: &'a ExecutableDocument,
        selections: Vec<&'a Selection>,
        variables: &JsonMap,
        requests: u64,
    ) {
        let mut fields = IndexMap::default();
        collect_fields(document, selections.into_iter(), variables, &mut HashSet::default(), &mut fields);
        for merged in fields.values() {
            let inner = if is_connection(merged[0]) {
                // Without a limit (for `totalCount`), still a request, with nothing under it paged.
                let limit = merged.iter().filter_map(|field| page_limit(field, variables)).max();
                self.requests = self.requests.saturating_add(requests);
                self.nodes = self.nodes.saturating_add(requests.saturating_mul(limit.unwrap_or(0)));
                requests.saturating_mul(limit.unwrap_or(1))
            } else {
                requests
            };
            let below = merged.iter().flat_map(|field| &field.selection_set.selections);
            self.add(document, below.collect(), variables, inner);
        }
    }

    /// The points GitHub charges: the requests in hundreds, rounded to the nearest, at least 1.
    fn cost(&self) -> u64 {
        (self.requests.saturating_add(50) / 100).max(1)
    }
}

/// The fields of a selection by response key, as the executor merges them
/// (<https://spec.graphql.org/October2021/#CollectFields()>), through every fragment whatever its
/// type condition: the cost is counted before the types are known.
fn collect_fields<'a>(
    document: &'a ExecutableDocument,
    selections: impl Iterator<Item = &'a Selection>,
    variables: &JsonMap,
    visited: &mut HashSet<&'a Name>,
    fields: &mut IndexMap<&'a Name, Vec<&'a Field>>,
) {
    for selection in selections {
        let condition = |directive: &str| {
            let argument = selection.directives().get(directive)?.specified_argument_by_name("if")?;
            match argument.as_ref() {
                ast::Value::Boolean(value) => Some(*value),
                ast::Value::Variable(name) => variables.get(name.as_str())?.as_bool(),
                _ => None,
            }
        };
        if condition("skip") == Some(true) || condition("include") == Some(false) {
            continue;
        }
        match selection {
            Selection::Field(field) => fields.entry(field.response_key()).or_default().push(field),
            Selection::FragmentSpread(spread) => {
                let fragment = document.fragments.get(&spread.fragment_name);
                if let Some(fragment) = fragment.filter(|_| visited.insert(&spread.fragment_name)) {
                    collect_fields(document, fragment.selection_set.selections.iter(), variables, visited, fields);
                }
            }
            Selection::InlineFragment(inline) => {
                collect_fields(document, inline.selection_set.selections.iter(), variables, visited, fields)
            }
        }
    }
}

/// Whether a field is a connection: of a `…Connection` type, or of one with a `pageInfo` (in
/// GitHub's schema, the same types).
fn is_connection(field: &Field) -> bool {
    let ty = field.definition.ty.inner_named_type();
    let paged = matches!(SCHEMA.types.get(ty), Some(ExtendedType::Object(o)) if o.fields.contains_key("pageInfo"));
    ty.ends_with("Connection") || paged
}

/// A field's `first` or `last`, from the query or its variables.
fn page_limit(field: &Field, variables: &JsonMap) -> Option<u64> {
    let value = |name: &str| match field.specified_argument_by_name(name)?.as_ref() {
        ast::Value::Variable(variable) => variables.get(variable.as_str()).and_then(JsonValue::as_i64),
        value => value.to_i32().map(i64::from),
    };
    ["first", "last"].into_iter().filter_map(value).max().map(|n| n.max(0) as u64)
}

/// Whether a selection asks for a connection's items (`nodes` or `edges`), through fragments too.
fn selects_items(document: &ExecutableDocument, set: &SelectionSet) -> bool {
    set.selections.iter().any(|selection| match selection {
        Selection::Field(field) => field.name == "nodes" || field.name == "edges",
        Selection::FragmentSpread(spread) => {
            document.fragments.get(&spread.fragment_name).is_some_and(|f| selects_items(document, &f.selection_set))
        }
        Selection::InlineFragment(inline) => selects_items(document, &inline.selection_set),
    })
}

/// The type a field of `ty` has in GitHub's schema, unwrapped: `IssueConnection` for
/// `Repository.issues`.
fn type_of(ty: &str, field: &str) -> &'static str {
    SCHEMA.type_field(ty, field).expect("a field of the schema").ty.inner_named_type().as_str()
}

/// The arguments the fake implements, per field. Any other one given is refused as unsupported,
/// unless it is `null` or `false`, which ask for nothing.
fn implemented_arguments(ty: &str, field: &str) -> &'static [&'static str] {
    match (ty, field) {
        ("Query", "repository") => &["owner", "name", "followRenames"],
        ("Query", "search") => &["query", "type", "first", "after"],
        ("Repository", "issues") => &["first", "after", "orderBy", "states", "labels", "filterBy"],
        ("Repository", "pullRequests") => &["first", "after", "orderBy", "states", "labels"],
        ("Repository", "issue" | "pullRequest" | "issueOrPullRequest") => &["number"],
        ("Repository", "object") => &["oid", "expression"],
        ("Repository", "repositoryTopics") | (_, "assignees") => &["first", "after"],
        ("Repository", "releases" | "discussions") => &["first", "after", "orderBy"],
        (_, "labels" | "comments") => &["first", "after", "orderBy"],
        ("PullRequest", "reviews") => &["first", "after", "states", "author"],
        ("PullRequest", "timelineItems") => &["first", "after", "itemTypes", "since"],
        _ => &[],
    }
}

/// An argument or input field given as `null`, `false` or `[]` (the schema's default for
/// `Repository.discussions(states:)`) asks for nothing the fake ignores.
fn changes_nothing(value: &JsonValue) -> bool {
    match value {
        JsonValue::Array(items) => items.is_empty(),
        value => matches!(value, JsonValue::Null | JsonValue::Bool(false)),
    }
}

fn leaf<'a>(value: impl Into<JsonValue>) -> ResolvedValue<'a> {
    ResolvedValue::leaf(value)
}

fn text<'a>(args: &'a JsonMap, name: &str) -> Option<&'a str> {
    args.get(name).and_then(JsonValue::as_str)
}

fn time(args: &JsonMap, name: &str) -> Option<DateTime<Utc>> {
    text(args, name).and_then(|t| t.parse().ok())
}

fn strings<'a>(args: &'a JsonMap, name: &str) -> Option<Vec<&'a str>> {
    args.get(name)?.as_array().map(|items| items.iter().filter_map(JsonValue::as_str).collect())
}

/// `orderBy: {field, direction}`: the field, and whether the order is descending.
fn order(args: &JsonMap) -> (Option<&str>, bool) {
    let order = args.get("orderBy").and_then(JsonValue::as_object);
    let field = order.and_then(|o| o.get("field")).and_then(JsonValue::as_str);
    (field, order.and_then(|o| o.get("direction")).and_then(JsonValue::as_str) == Some("DESC"))
}

fn cursor(index: usize) -> String {
    BASE64.encode(format!("cursor:{}", index + 1))
}

/// Where the items after a cursor start.
fn after_cursor(cursor: &str) -> Option<usize> {
    let decoded = String::from_utf8(BASE64.decode(cursor).ok()?).ok()?;
    decoded.strip_prefix("cursor:")?.parse().ok()
}

/// How GraphQL names a user: a bot's login without the `[bot]` that REST adds.
fn login(rest_login: &str) -> &str {
    rest_login.strip_suffix("[bot]").unwrap_or(rest_login)
}

/// Whether a search's `author:` or a filter's `createdBy` names this user: as REST or GraphQL
/// spells the login, or `app/NAME` for a bot.
fn is_user(user: Option<&User>, name: &str) -> bool {
    user.is_some_and(|u| {
        let app = name.strip_prefix("app/").filter(|_| u.bot);
        u.login.eq_ignore_ascii_case(name) || login(&u.login).eq_ignore_ascii_case(app.unwrap_or(name))
    })
}

fn state(item: &Issue) -> &'static str {
    if item.closed_at.is_some() { "CLOSED" } else { "OPEN" }
}

/// What the resolvers read: the model, and how things stand at this request.
struct Ctx<'a> {
    shared: &'a Shared,
    /// The world as it is for the whole query.
    world: &'a World,
    /// The issues the client opened, listed with every repository's (as REST lists them).
    written_issues: Vec<Issue>,
    /// The comments the client wrote, and what they say.
    written_comments: Vec<(Comment, String)>,
    budget: Budget,
    /// The points this query costs.
    cost: u64,
    node_count: u64,
}

impl Ctx<'_> {
    /// A repository's issues and pull requests, with those the client opened.
    fn items<'a>(&'a self, repo: &'a Repo) -> impl Iterator<Item = &'a Issue> {
        repo.issues.iter().chain(&self.written_issues)
    }

    /// An item's comments, oldest first, with what they say.
    fn comments<'a>(&'a self, repo: &'a Repo, number: u64) -> Vec<(&'a Comment, &'a str)> {
        let mut comments: Vec<_> = repo.comments.iter().filter(|c| c.number == number).collect();
        comments.sort_by_key(|c| c.created_at);
        let written = self.written_comments.iter().filter(|(c, _)| c.number == number);
        comments
            .into_iter()
            .map(|c| (c, render::COMMENT_BODY))
            .chain(written.map(|(c, body)| (c, body.as_str())))
            .collect()
    }
}

/// A pull request's reviews, oldest first, each with its creation time: the model's, and for a
/// diff comment that is part of none of them (same author, same time), the `COMMENTED` review
/// GitHub makes of a lone diff comment. A pending review dates from the pull request.
fn reviews(repo: &Repo, pull: &Issue) -> Vec<(Review, DateTime<Utc>)> {
    let mut reviews: Vec<Review> = repo.reviews.iter().filter(|r| r.number == pull.number).cloned().collect();
    for c in repo.review_comments.iter().filter(|c| c.number == pull.number) {
        if !reviews.iter().any(|r| r.user == c.user && r.submitted_at == Some(c.created_at)) {
            let (user, association, submitted_at) = (c.user.clone(), c.association, Some(c.created_at));
            reviews.push(Review { number: c.number, user, association, state: "COMMENTED", submitted_at });
        }
    }
    let mut dated: Vec<_> = reviews.into_iter().map(|r| (r.submitted_at.unwrap_or(pull.created_at), r)).collect();
    dated.sort_by_key(|(at, _)| *at);
    dated.into_iter().map(|(at, r)| (r, at)).collect()
}

/// The text of a blob, as `Blob.text` gives it: none for a binary file or one not in UTF-8.
fn blob_text(bytes: &[u8]) -> Option<String> {
    if bytes.contains(&0) {
        return None;
    }
    let kept = &bytes[..bytes.len().min(TEXT_LIMIT)];
    match std::str::from_utf8(kept) {
        Ok(text) => Some(text.to_string()),
        // Cut inside a character: the text stops before it.
        Err(e) if e.error_len().is_none() && kept.len() < bytes.len() => {
            Some(String::from_utf8_lossy(&kept[..e.valid_up_to()]).into_owned())
        }
        Err(_) => None,
    }
}

/// `Repository.object`: a blob of the default branch or of a commit the model knows, by its id
/// (the `sha` of the REST tree listing) or by `REV:path`; a folder is a `Tree`, a bare `REV` its
/// commit. Anything else is `null`, without an error, as on GitHub.
fn git_object<'a>(api: &str, repo: &Repo, args: &JsonMap) -> Option<Node<'a>> {
    if repo.empty {
        return None;
    }
    let head = render::head_commit(repo);
    if let Some(oid) = text(args, "oid") {
        if oid == head || repo.commits.contains_key(oid) {
            return Some(Node::Commit(oid.to_string(), repo.last_commit_at));
        }
        let mut snapshots = std::iter::once(repo.clone()).chain(repo.commits.keys().filter_map(|c| repo.at_commit(c)));
        return snapshots
            .find_map(|at| render::tree(api, &at).1.remove(oid))
            .map(|bytes| Node::Blob(oid.into(), bytes));
    }
    let expression = text(args, "expression")?;
    let (rev, path) = expression.split_once(':').map_or((expression, None), |(rev, path)| (rev, Some(path)));
    let (commit, at) = match rev {
        "HEAD" => (head, repo.clone()),
        _ if rev == repo.default_branch || rev == head => (head, repo.clone()),
        _ => (rev.to_string(), repo.at_commit(rev)?),
    };
    let Some(path) = path.map(|p| p.trim_matches('/')) else {
        return Some(Node::Commit(commit, repo.last_commit_at));
    };
    let link = at.symlinks.get(path).map(|target| target.as_bytes().to_vec());
    if let Some(bytes) = at.files.get(path).cloned().or(link) {
        return Some(Node::Blob(render::sha_of(&bytes), bytes));
    }
    if path.is_empty() {
        return render::tree(api, &at).0["sha"].as_str().map(|sha| Node::Tree(sha.to_string()));
    }
    let folder = format!("{path}/");
    at.files.keys().any(|p| p.starts_with(&folder)).then(|| Node::Tree(render::sha_of(path.as_bytes())))
}

/// A GraphQL object the fake resolves.
#[derive(Clone)]
enum Node<'a> {
    Query,
    RateLimit,
    Repository(&'a Repo),
    /// An `Issue` or a `PullRequest`.
    Item(&'a Repo, &'a Issue),
    Comment(&'a Comment, &'a str),
    Review(Review, DateTime<Utc>),
    ReadyForReview(&'a Issue, DateTime<Utc>),
    Closed(&'a Issue, DateTime<Utc>),
    /// A `User` or a `Bot`, by its REST login.
    Actor {
        login: &'a str,
        bot: bool,
    },
    Label(&'a Repo, &'a str),
    RepositoryTopic(&'a str),
    Topic(&'a str),
    Release(&'a Repo, &'a Release),
    Discussion(&'a Repo, &'a Discussion),
    /// A discussion's category: its name, and whether it takes answers.
    Category(&'a str, bool),
    DiscussionComment(&'a Comment),
    Ref(&'a Repo),
    /// A commit, and when it was committed.
    Commit(String, DateTime<Utc>),
    Tree(String),
    Blob(String, Vec<u8>),
    /// One page of a connection of this type: all its items, and the page's bounds.
    Connection {
        ty: &'static str,
        items: Vec<Node<'a>>,
        start: usize,
        end: usize,
    },
    Edge {
        ty: &'static str,
        index: usize,
        node: Box<Node<'a>>,
    },
    PageInfo {
        start: usize,
        end: usize,
        len: usize,
    },
}

struct Obj<'a> {
    ctx: &'a Ctx<'a>,
    node: Node<'a>,
}

impl<'c> ObjectValue for Obj<'c> {
    fn type_name(&self) -> &str {
        match &self.node {
            Node::Query => "Query",
            Node::RateLimit => "RateLimit",
            Node::Repository(_) => "Repository",
            Node::Item(_, item) if item.pull_request => "PullRequest",
            Node::Item(..) => "Issue",
            Node::Comment(..) => "IssueComment",
            Node::Review(..) => "PullRequestReview",
            Node::ReadyForReview(..) => "ReadyForReviewEvent",
            Node::Closed(..) => "ClosedEvent",
            Node::Actor { bot: true, .. } => "Bot",
            Node::Actor { .. } => "User",
            Node::Label(..) => "Label",
            Node::RepositoryTopic(_) => "RepositoryTopic",
            Node::Topic(_) => "Topic",
            Node::Release(..) => "Release",
            Node::Discussion(..) => "Discussion",
            Node::Category(..) => "DiscussionCategory",
            Node::DiscussionComment(_) => "DiscussionComment",
            Node::Ref(_) => "Ref",
            Node::Commit(..) => "Commit",
            Node::Tree(_) => "Tree",
            Node::Blob(..) => "Blob",
            Node::Connection { ty, .. } | Node::Edge { ty, .. } => ty,
            Node::PageInfo { .. } => "PageInfo",
        }
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Result<ResolvedValue<'a>, FieldError> {
        let (ty, field, args) = (self.type_name(), info.field_name(), info.arguments());
        let implemented = implemented_arguments(ty, field);
        let ignored =
            args.iter().find(|(name, value)| !implemented.contains(&name.as_str()) && !changes_nothing(value));
        if let Some((name, _)) = ignored {
            return Err(unsupported(format_args!("{ty}.{field}({}:)", name.as_str())));
        }
        let ctx = self.ctx;
        let object = |node: Node<'a>| ResolvedValue::object(Obj { ctx, node });
        let actor = |user: Option<&'a User>| match user {
            Some(u) => object(Node::Actor { login: &u.login, bot: u.bot }),
            None => ResolvedValue::null(),
        };
        let page = |items| self.connection(info, items);
        Ok(match (&self.node, field) {
            (Node::Query, "repository") => {
                let (owner, name) = (text(args, "owner").unwrap_or(""), text(args, "name").unwrap_or(""));
                let world = ctx.world;
                let follow = args.get("followRenames") == Some(&JsonValue::Bool(true));
                let renamed = world.renamed.get(&format!("{owner}/{name}").to_ascii_lowercase()).filter(|_| follow);
                let moved = renamed.and_then(|new| new.split_once('/')).and_then(|(o, n)| world.repo(o, n));
                match world.repo(owner, name).or(moved) {
                    Some(repo) => object(Node::Repository(repo)),
                    None => {
                        let message = format!("Could not resolve to a Repository with the name '{owner}/{name}'.");
                        return Err(fail("NOT_FOUND", message));
                    }
                }
            }
            (Node::Query, "rateLimit") => object(Node::RateLimit),
            (Node::Query, "search") => match text(args, "type") {
                Some("ISSUE") => page(self.search(text(args, "query").unwrap_or(""))?)?,
                other => return Err(unsupported(format_args!("Query.search(type: {})", other.unwrap_or("")))),
            },
            (Node::RateLimit, _) => {
                let budget = &ctx.budget;
                match field {
                    "limit" => leaf(budget.limit),
                    "cost" => leaf(ctx.cost),
                    "remaining" => leaf(budget.remaining_after(ctx.cost)),
                    "used" => leaf(budget.limit - budget.remaining_after(ctx.cost)),
                    "resetAt" => leaf(DateTime::from_timestamp(budget.reset, 0).map(stamp)),
                    "nodeCount" => leaf(ctx.node_count),
                    _ => return Err(self.unknown_field_error(info)),
                }
            }
            (Node::Repository(repo), _) => match field {
                "name" => leaf(repo.name.as_str()),
                "nameWithOwner" => leaf(repo.full_name()),
                "description" => leaf(repo.description.clone()),
                "homepageUrl" => leaf(repo.homepage.clone()),
                "url" => leaf(format!("{GITHUB_WEB}/{}", repo.full_name())),
                "isArchived" => leaf(repo.archived),
                "isFork" => leaf(repo.fork),
                "isPrivate" => leaf(repo.private),
                "isEmpty" => leaf(repo.empty),
                "hasIssuesEnabled" => leaf(repo.has_issues),
                "hasDiscussionsEnabled" => leaf(repo.has_discussions),
                "defaultBranchRef" if repo.empty => ResolvedValue::null(),
                "defaultBranchRef" => object(Node::Ref(repo)),
                "repositoryTopics" => page(repo.topics.iter().map(|t| Node::RepositoryTopic(t)).collect())?,
                "releases" => {
                    // Newest first as the model keeps them; `NAME` order is not implemented.
                    let mut releases: Vec<&Release> = repo.releases.iter().collect();
                    match order(args) {
                        (Some("CREATED_AT") | None, descending) => {
                            releases.sort_by_key(|r| std::cmp::Reverse(r.published_at));
                            if !descending {
                                releases.reverse();
                            }
                        }
                        (Some(other), _) => return Err(unsupported(format_args!("releases(orderBy: {other})"))),
                    }
                    page(releases.into_iter().map(|r| Node::Release(repo, r)).collect())?
                }
                "discussions" => {
                    let mut discussions: Vec<&Discussion> = repo.discussions.iter().collect();
                    match order(args) {
                        (Some("CREATED_AT"), descending) => {
                            discussions.sort_by_key(|d| (d.created_at, d.number));
                            if descending {
                                discussions.reverse();
                            }
                        }
                        (other, _) => {
                            return Err(unsupported(format_args!("discussions(orderBy: {})", other.unwrap_or("none"))));
                        }
                    }
                    page(discussions.into_iter().map(|d| Node::Discussion(repo, d)).collect())?
                }
                "labels" => page(labels(repo, repo.labels.iter().map(|(name, _)| name.as_str()), args))?,
                "issues" | "issue" | "issueOrPullRequest" if repo.forbids("issues") => {
                    return Err(fail("FORBIDDEN", FORBIDDEN_MESSAGE));
                }
                "pullRequests" | "pullRequest" if repo.forbids("pulls") => {
                    return Err(fail("FORBIDDEN", FORBIDDEN_MESSAGE));
                }
                "issues" | "pullRequests" => page(self.issues_or_pulls(repo, field == "pullRequests", args)?)?,
                "issue" | "pullRequest" | "issueOrPullRequest" => {
                    let number = args.get("number").and_then(JsonValue::as_u64).unwrap_or(0);
                    let (kind, what) = match field {
                        "issue" => (Some(false), "an Issue"),
                        "pullRequest" => (Some(true), "a PullRequest"),
                        _ => (None, "an issue or pull request"),
                    };
                    let mut items = ctx.items(repo).filter(|i| kind.is_none_or(|pull| i.pull_request == pull));
                    match items.find(|i| i.number == number) {
                        Some(item) if item.pull_request && repo.forbids("pulls") => {
                            return Err(fail("FORBIDDEN", FORBIDDEN_MESSAGE));
                        }
                        Some(item) => object(Node::Item(repo, item)),
                        None => {
                            return Err(fail(
                                "NOT_FOUND",
                                format!("Could not resolve to {what} with the number of {number}."),
                            ));
                        }
                    }
                }
                "object" => ResolvedValue::nullable_object(
                    git_object(&ctx.shared.base, repo, args).map(|node| Obj { ctx, node }),
                ),
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Item(repo, item), _) => match field {
                "number" => leaf(item.number),
                "title" => leaf(item.title.as_str()),
                "url" => {
                    let kind = if item.pull_request { "pull" } else { "issues" };
                    leaf(format!("{GITHUB_WEB}/{}/{kind}/{}", repo.full_name(), item.number))
                }
                "state" => leaf(state(item)),
                "closed" => leaf(item.closed_at.is_some()),
                "createdAt" => leaf(stamp(item.created_at)),
                "updatedAt" => leaf(stamp(repo.updated_at(item))),
                "closedAt" => leaf(item.closed_at.map(stamp)),
                "author" => actor(item.user.as_ref()),
                "authorAssociation" => leaf(item.association),
                "labels" => page(labels(repo, item.labels.iter().map(String::as_str), args))?,
                // The model knows assignees by login: people, not bots.
                "assignees" => page(item.assignees.iter().map(|a| Node::Actor { login: a, bot: false }).collect())?,
                "comments" => {
                    let mut comments = ctx.comments(repo, item.number);
                    if order(args).1 {
                        comments.reverse();
                    }
                    page(comments.into_iter().map(|(c, body)| Node::Comment(c, body)).collect())?
                }
                "isDraft" => leaf(item.draft),
                "merged" => leaf(item.merged.is_some()),
                "mergedAt" => leaf(item.merged_at().map(stamp)),
                "mergedBy" => match &item.merged {
                    Some((_, by)) => actor(by.as_ref()),
                    None => ResolvedValue::null(),
                },
                "reviews" => {
                    let states = strings(args, "states");
                    let author = text(args, "author");
                    let picked = reviews(repo, item).into_iter().filter(|(r, _)| {
                        states.as_ref().is_none_or(|s| s.contains(&r.state))
                            && author.is_none_or(|a| is_user(r.user.as_ref(), a))
                    });
                    page(picked.map(|(r, at)| Node::Review(r, at)).collect())?
                }
                "timelineItems" => {
                    let known = ["READY_FOR_REVIEW_EVENT", "CONVERT_TO_DRAFT_EVENT", "CLOSED_EVENT"];
                    let types = strings(args, "itemTypes").unwrap_or_default();
                    // The model has only these events: other kinds would be missing, not absent.
                    if types.is_empty() || types.iter().any(|t| !known.contains(t)) {
                        return Err(unsupported(format_args!("{ty}.timelineItems(itemTypes: {types:?})")));
                    }
                    let since = time(args, "since");
                    let ready = item.ready_at.filter(|at| types.contains(&known[0]) && since.is_none_or(|s| *at >= s));
                    let closed =
                        item.closed_at.filter(|at| types.contains(&known[2]) && since.is_none_or(|s| *at >= s));
                    let mut events: Vec<(DateTime<Utc>, Node)> =
                        ready.map(|at| (at, Node::ReadyForReview(item, at))).into_iter().collect();
                    events.extend(closed.map(|at| (at, Node::Closed(item, at))));
                    events.sort_by_key(|(at, _)| *at);
                    page(events.into_iter().map(|(_, node)| node).collect())?
                }
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Comment(comment, body), _) => match field {
                "author" => actor(comment.user.as_ref()),
                "authorAssociation" => leaf(comment.association),
                "createdAt" | "updatedAt" | "publishedAt" => leaf(stamp(comment.created_at)),
                "body" => leaf(*body),
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Review(review, created_at), _) => match field {
                "author" => actor(review.user.as_ref()),
                "authorAssociation" => leaf(review.association),
                "state" => leaf(review.state),
                "submittedAt" => leaf(review.submitted_at.map(stamp)),
                "createdAt" => leaf(stamp(*created_at)),
                // As REST says it.
                "body" => leaf(""),
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::ReadyForReview(pull, at), _) => match field {
                "createdAt" => leaf(stamp(*at)),
                // The author marks their own draft ready.
                "actor" => actor(pull.user.as_ref()),
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Closed(item, at), _) => match field {
                "createdAt" => leaf(stamp(*at)),
                "actor" => actor(item.closer().as_ref()),
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Actor { login: rest_login, .. }, "login") => leaf(login(rest_login)),
            (Node::Actor { login: rest_login, bot: true }, "url") => {
                leaf(format!("{GITHUB_WEB}/apps/{}", login(rest_login)))
            }
            (Node::Actor { login, .. }, "url") => leaf(format!("{GITHUB_WEB}/{login}")),
            (Node::Label(_, name), "name") => leaf(*name),
            (Node::Label(repo, name), "description") => {
                let description = repo.labels.iter().find(|(l, _)| l == name).map(|(_, d)| d.as_str());
                leaf(description.filter(|d| !d.is_empty()))
            }
            (Node::Label(repo, name), "color") => {
                leaf(render::label(&ctx.shared.base, repo, name, "")["color"].as_str().map(str::to_string))
            }
            (Node::RepositoryTopic(name), "topic") => object(Node::Topic(name)),
            (Node::Topic(name), "name") => leaf(*name),
            (Node::Ref(repo), "name") => leaf(repo.default_branch.as_str()),
            (Node::Ref(_), "prefix") => leaf("refs/heads/"),
            (Node::Ref(repo), "target") => object(Node::Commit(render::head_commit(repo), repo.last_commit_at)),
            (Node::Commit(_, at), "committedDate") => leaf(stamp(*at)),
            (Node::Commit(oid, _) | Node::Tree(oid) | Node::Blob(oid, _), "oid") => leaf(oid.as_str()),
            (Node::Commit(oid, _) | Node::Tree(oid) | Node::Blob(oid, _), "abbreviatedOid") => leaf(&oid[..7]),
            (Node::Release(repo, release), _) => match field {
                "tagName" => leaf(release.tag.as_str()),
                "name" => leaf(format!("Release {}", release.tag)),
                "url" => leaf(render::release_url(repo, release)),
                "createdAt" => leaf(stamp(release.published_at)),
                "publishedAt" => leaf((!release.draft).then(|| stamp(release.published_at))),
                "isPrerelease" => leaf(release.prerelease),
                "isDraft" => leaf(release.draft),
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Discussion(repo, discussion), _) => match field {
                "number" => leaf(discussion.number),
                "title" => leaf(discussion.title.as_str()),
                "url" => leaf(format!("{GITHUB_WEB}/{}/discussions/{}", repo.full_name(), discussion.number)),
                "createdAt" => leaf(stamp(discussion.created_at)),
                "updatedAt" => {
                    let last = discussion.comments.iter().map(|c| c.created_at).chain(discussion.closed_at);
                    leaf(stamp(last.chain([discussion.created_at]).max().unwrap_or(discussion.created_at)))
                }
                "closedAt" => leaf(discussion.closed_at.map(stamp)),
                "closed" => leaf(discussion.closed_at.is_some()),
                "author" => actor(discussion.user.as_ref()),
                "authorAssociation" => leaf(discussion.association),
                "category" => object(Node::Category(discussion.category.0, discussion.category.1)),
                "answerChosenAt" => leaf(discussion.answer.map(|(_, at)| stamp(at))),
                "answer" => match discussion.answer.and_then(|(i, _)| discussion.comments.get(i)) {
                    Some(comment) => object(Node::DiscussionComment(comment)),
                    None => ResolvedValue::null(),
                },
                "comments" => page(discussion.comments.iter().map(Node::DiscussionComment).collect())?,
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Category(name, _), "name") => leaf(*name),
            (Node::Category(_, answerable), "isAnswerable") => leaf(*answerable),
            (Node::DiscussionComment(comment), _) => match field {
                "author" => actor(comment.user.as_ref()),
                "authorAssociation" => leaf(comment.association),
                "createdAt" | "publishedAt" => leaf(stamp(comment.created_at)),
                _ => return Err(self.unknown_field_error(info)),
            },
            (Node::Blob(_, bytes), "byteSize") => leaf(bytes.len()),
            (Node::Blob(_, bytes), "isBinary") => leaf(bytes.contains(&0)),
            (Node::Blob(_, bytes), "isTruncated") => leaf(bytes.len() > TEXT_LIMIT),
            (Node::Blob(_, bytes), "text") => leaf(blob_text(bytes)),
            (Node::Connection { items, .. }, "totalCount" | "issueCount") => leaf(items.len()),
            (Node::Connection { items, start, end, .. }, "nodes") => {
                ResolvedValue::list(items[*start..*end].iter().map(move |node| object(node.clone())))
            }
            (Node::Connection { ty, items, start, end }, "edges") => {
                let ty = type_of(ty, "edges");
                let edges =
                    (*start..*end).map(move |index| Node::Edge { ty, index, node: Box::new(items[index].clone()) });
                ResolvedValue::list(edges.map(object))
            }
            (Node::Connection { items, start, end, .. }, "pageInfo") => {
                object(Node::PageInfo { start: *start, end: *end, len: items.len() })
            }
            (Node::Edge { index, .. }, "cursor") => leaf(cursor(*index)),
            (Node::Edge { node, .. }, "node") => object((**node).clone()),
            (Node::PageInfo { end, len, .. }, "hasNextPage") => leaf(end < len),
            (Node::PageInfo { start, .. }, "hasPreviousPage") => leaf(*start > 0),
            (Node::PageInfo { start, end, .. }, "startCursor") => leaf((start < end).then(|| cursor(*start))),
            (Node::PageInfo { start, end, .. }, "endCursor") => leaf((start < end).then(|| cursor(end - 1))),
            _ => return Err(self.unknown_field_error(info)),
        })
    }

    fn unknown_field_error(&self, info: &ResolveInfo<'_>) -> FieldError {
        unsupported(format_args!("{}.{}", self.type_name(), info.field_name()))
    }
}

impl<'c> Obj<'c> {
    /// A page of `items` as the connection this field returns, bounded as GitHub requires:
    /// `first` (at most 100) whenever items are selected; `after` a cursor of the same list.
    fn connection<'a>(&'a self, info: &ResolveInfo, items: Vec<Node<'a>>) -> Result<ResolvedValue<'a>, FieldError> {
        let (args, field) = (info.arguments(), info.field_name());
        let first = args.get("first").and_then(JsonValue::as_i64);
        let listed = info.field_selections().iter().any(|f| selects_items(info.document(), &f.selection_set));
        if first.is_none() && listed {
            let message =
                format!("You must provide a `first` or `last` value to properly paginate the `{field}` connection.");
            return Err(fail("MISSING_PAGINATION_BOUNDARIES", message));
        }
        if let Some(n) = first.filter(|n| *n > 100) {
            let message =
                format!("Requesting {n} records on the `{field}` connection exceeds the `first` limit of 100 records.");
            return Err(fail("EXCESSIVE_PAGINATION", message));
        }
        let start = match text(args, "after") {
            None => 0,
            Some(after) => after_cursor(after).ok_or_else(|| {
                fail("INVALID_CURSOR_ARGUMENTS", format!("`{after}` does not appear to be a valid cursor."))
            })?,
        };
        let start = start.min(items.len());
        let end = (start + first.unwrap_or(0).max(0) as usize).min(items.len());
        let ty = type_of(self.type_name(), field);
        Ok(ResolvedValue::object(Obj { ctx: self.ctx, node: Node::Connection { ty, items, start, end } }))
    }

    /// `Repository.issues` or `.pullRequests`: the items `args` select, in the order they ask
    /// (by creation, then number, unless told otherwise).
    fn issues_or_pulls(&self, repo: &'c Repo, pulls: bool, args: &JsonMap) -> Result<Vec<Node<'c>>, FieldError> {
        let ctx = self.ctx;
        let states = strings(args, "states");
        let any_label = strings(args, "labels");
        let filter = args.get("filterBy").and_then(JsonValue::as_object).cloned().unwrap_or_default();
        let known = ["since", "createdBy", "assignee", "labels", "states"];
        let ignored = filter.iter().find(|(name, value)| !known.contains(&name.as_str()) && !changes_nothing(value));
        if let Some((name, _)) = ignored {
            return Err(unsupported(format_args!("Repository.issues(filterBy: {{{}}})", name.as_str())));
        }
        let since = time(&filter, "since");
        let created_by = text(&filter, "createdBy");
        let all_labels = strings(&filter, "labels");
        let filter_states = strings(&filter, "states");
        let has_label = |item: &Issue, wanted: &str| item.labels.iter().any(|l| l.eq_ignore_ascii_case(wanted));
        let mut items: Vec<&Issue> = ctx
            .items(repo)
            .filter(|i| i.pull_request == pulls)
            .filter(|i| states.iter().chain(&filter_states).all(|s| s.contains(&state(i))))
            .filter(|i| any_label.as_ref().is_none_or(|wanted| wanted.iter().any(|w| has_label(i, w))))
            .filter(|i| all_labels.as_ref().is_none_or(|wanted| wanted.iter().all(|w| has_label(i, w))))
            .filter(|i| since.is_none_or(|s| repo.updated_at(i) >= s))
            .filter(|i| created_by.is_none_or(|login| is_user(i.user.as_ref(), login)))
            .filter(|i| match filter.get("assignee") {
                None => true,
                Some(JsonValue::Null) => i.assignees.is_empty(),
                Some(who) if who.as_str() == Some("*") => !i.assignees.is_empty(),
                Some(who) => who.as_str().is_some_and(|w| i.assignees.iter().any(|a| a.eq_ignore_ascii_case(w))),
            })
            .collect();
        let (field, descending) = order(args);
        match field {
            Some("UPDATED_AT") => items.sort_by_key(|i| (repo.updated_at(i), i.number)),
            Some("COMMENTS") => items.sort_by_key(|i| (ctx.comments(repo, i.number).len(), i.number)),
            _ => items.sort_by_key(|i| (i.created_at, i.number)),
        }
        if descending {
            items.reverse();
        }
        Ok(items.into_iter().map(|i| Node::Item(repo, i)).collect())
    }

    /// What `search(type: ISSUE)` finds for the qualifiers cm-audit uses: `repo:`, `author:`,
    /// `created:<` or `created:>=` a time or a date, `is:issue`, `is:pr`.
    fn search(&self, query: &str) -> Result<Vec<Node<'c>>, FieldError> {
        let ctx = self.ctx;
        let (mut repos, mut author, mut pull_requests) = (Vec::new(), None, None);
        let (mut before, mut from) = (None, None);
        for term in query.split_whitespace() {
            let refused = || unsupported(format_args!("Query.search(query: \"{term}\")"));
            let at = |t: &str| {
                let date = || {
                    NaiveDate::parse_from_str(t, "%Y-%m-%d")
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                        .map(|t| t.and_utc())
                };
                t.parse::<DateTime<Utc>>().ok().or_else(date).ok_or_else(refused)
            };
            match term.split_once(':').unwrap_or(("", term)) {
                ("repo", name) => repos.push(name),
                ("author", login) => author = Some(login),
                ("is" | "type", "issue") => pull_requests = Some(false),
                ("is" | "type", "pr") => pull_requests = Some(true),
                ("created", bound) => match (bound.strip_prefix(">="), bound.strip_prefix('<')) {
                    (Some(t), _) => from = Some(at(t)?),
                    (_, Some(t)) if !t.starts_with('=') => before = Some(at(t)?),
                    _ => return Err(refused()),
                },
                _ => return Err(refused()),
            }
        }
        let world = ctx.world;
        if let Some(login) = author.filter(|a| world.unsearchable.iter().any(|u| u.eq_ignore_ascii_case(a))) {
            return Err(fail(
                "INVALID",
                format_args!(
                    "The listed users cannot be searched either because the users do not exist or you do not have permission to view the users: {login}."
                ),
            ));
        }
        let searched = world
            .repos
            .values()
            .filter(|r| repos.is_empty() || repos.iter().any(|n| r.full_name().eq_ignore_ascii_case(n)));
        let found = searched.flat_map(|repo| ctx.items(repo).map(move |item| (repo, item))).filter(|(_, i)| {
            pull_requests.is_none_or(|pull| i.pull_request == pull)
                && author.is_none_or(|a| is_user(i.user.as_ref(), a))
                && before.is_none_or(|t| i.created_at < t)
                && from.is_none_or(|t| i.created_at >= t)
        });
        Ok(found.map(|(repo, item)| Node::Item(repo, item)).collect())
    }
}

/// A repository's or an item's labels, in the order `orderBy` asks: by name, or by creation (the
/// repository's order).
fn labels<'a>(repo: &'a Repo, names: impl Iterator<Item = &'a str>, args: &JsonMap) -> Vec<Node<'a>> {
    let mut names: Vec<&str> = names.collect();
    let (field, descending) = order(args);
    match field {
        Some("NAME") => names.sort_by_key(|n| n.to_lowercase()),
        _ => names.sort_by_key(|n| repo.labels.iter().position(|(l, _)| l == n).unwrap_or(usize::MAX)),
    }
    if descending {
        names.reverse();
    }
    names.into_iter().map(|name| Node::Label(repo, name)).collect()
}
