//! GitHub's GraphQL API (`POST /graphql`) over the same model the REST routes serve.
//!
//! Each query is validated against GitHub's published schema (`tests/data/graphql`) and run by
//! apollo-compiler's executor, which does variables and their defaults, fragments, aliases,
//! `@include`/`@skip` and `__typename`; the resolvers here read the model. A field or an argument
//! that the schema has and the fake does not implement is a `FAKE_UNSUPPORTED` error, never a
//! quiet `null`, so that a test fails loudly.

use std::sync::LazyLock;

use apollo_compiler::collections::HashMap;
use apollo_compiler::executable::{OperationType, Selection, SelectionSet};
use apollo_compiler::resolvers::{Execution, FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::schema::Implementers;
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Schema, ast};
use axum::http::{HeaderMap, Method, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::model::{Comment, Issue, Repo, Review, User, World};
use super::render::{self, GITHUB_WEB, stamp};
use super::{Answer, FORBIDDEN_MESSAGE, Shared, not_found};

static SCHEMA: LazyLock<Valid<Schema>> = LazyLock::new(|| {
    let text = include_str!("../../data/graphql/schema.graphql");
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

/// The GraphQL rate limit as it stands once the request being answered is counted.
pub(super) struct Budget {
    pub limit: u64,
    pub remaining: u64,
    pub reset: i64,
}

/// `POST /graphql`: HTTP 200 with `data` and `errors` as GitHub answers, also to a query it
/// refuses; 401 without a token, as GitHub's GraphQL API has no anonymous access.
pub(super) fn answer(shared: &Shared, method: &Method, headers: &HeaderMap, body: &[u8], budget: Budget) -> Answer {
    if method != Method::POST {
        return not_found();
    }
    if !headers.contains_key(header::AUTHORIZATION) {
        let body = json!({"message": "This endpoint requires you to be authenticated.",
            "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"});
        return Answer::Json(StatusCode::UNAUTHORIZED, body, None);
    }
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return Answer::Json(StatusCode::BAD_REQUEST, render::error("Problems parsing JSON", 400), None);
    };
    let response = respond(shared, &request, budget);
    let errors = response["errors"].as_array().into_iter().flatten();
    let refused = errors.filter(|e| e["type"] != "NOT_FOUND" && e["type"] != "FORBIDDEN");
    shared.graphql_rejections.lock().unwrap().extend(refused.map(|e| e["message"].as_str().unwrap_or("").to_string()));
    Answer::Json(StatusCode::OK, response, None)
}

fn respond(shared: &Shared, request: &Value, budget: Budget) -> Value {
    let Some(query) = request["query"].as_str() else {
        return json!({"errors": [{"message": "A query attribute must be specified and must be a string."}]});
    };
    let document = match ExecutableDocument::parse_and_validate(&SCHEMA, query, "query.graphql") {
        Ok(document) => document,
        Err(invalid) => return json!({"errors": invalid.errors.iter().map(|d| d.to_json()).collect::<Vec<_>>()}),
    };
    let request_error =
        |e: apollo_compiler::request::RequestError| json!({"errors": [e.to_graphql_error(&document.sources)]});
    let operation = match document.operations.get(request["operationName"].as_str()) {
        Ok(operation) => operation,
        Err(e) => return request_error(e),
    };
    if operation.operation_type != OperationType::Query {
        let message = format!("The fake GitHub answers queries only, not a {}.", operation.operation_type);
        return json!({"errors": [{"type": "FAKE_UNSUPPORTED", "message": message}]});
    }
    let sent: JsonMap = serde_json::from_value(request["variables"].clone()).unwrap_or_default();
    let variables = match apollo_compiler::request::coerce_variable_values(&SCHEMA, operation, &sent) {
        Ok(variables) => variables,
        Err(e) => return request_error(e),
    };
    let writes = shared.writes.lock().unwrap().clone();
    let world = shared.world.read().unwrap();
    let ctx = Ctx {
        shared,
        world: &world,
        written_issues: writes.issues.iter().map(|w| w.as_issue()).collect(),
        written_comments: writes.comments.iter().map(|w| (w.as_comment(), w.body.clone())).collect(),
        node_count: node_count(&document, &operation.selection_set, &variables, 1),
        budget,
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
    response
}

/// A field error with GitHub's `type`: `NOT_FOUND`, `MISSING_PAGINATION_BOUNDARIES`, ...
fn fail(kind: &str, message: impl std::fmt::Display) -> FieldError {
    FieldError { message: format!("{kind}{TYPE_MARK}{message}") }
}

fn unsupported(what: impl std::fmt::Display) -> FieldError {
    fail("FAKE_UNSUPPORTED", format!("The fake GitHub does not implement `{what}`."))
}

/// The most nodes a query may return, as `rateLimit { nodeCount }` says: each connection's
/// `first` times the `first`s of the connections around it, summed.
fn node_count(document: &ExecutableDocument, set: &SelectionSet, variables: &JsonMap, outer: u64) -> u64 {
    let count = |set: &SelectionSet, outer: u64| node_count(document, set, variables, outer);
    set.selections
        .iter()
        .map(|selection| match selection {
            Selection::Field(field) => {
                let first = field.arguments.iter().find(|a| a.name == "first").and_then(|a| match a.value.as_ref() {
                    ast::Value::Variable(name) => variables.get(name.as_str()).and_then(JsonValue::as_i64),
                    value => value.to_i32().map(i64::from),
                });
                match first.map(|n| outer * n.max(0) as u64) {
                    Some(nodes) => nodes + count(&field.selection_set, nodes),
                    None => count(&field.selection_set, outer),
                }
            }
            Selection::FragmentSpread(spread) => {
                document.fragments.get(&spread.fragment_name).map_or(0, |f| count(&f.selection_set, outer))
            }
            Selection::InlineFragment(inline) => count(&inline.selection_set, outer),
        })
        .sum()
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
        ("Repository", "repositoryTopics" | "releases") | (_, "assignees") => &["first", "after"],
        (_, "labels" | "comments") => &["first", "after", "orderBy"],
        ("PullRequest", "reviews") => &["first", "after", "states", "author"],
        ("PullRequest", "timelineItems") => &["first", "after", "itemTypes", "since"],
        _ => &[],
    }
}

/// An argument or input field given as `null` or `false` asks for nothing the fake ignores.
fn changes_nothing(value: &JsonValue) -> bool {
    matches!(value, JsonValue::Null | JsonValue::Bool(false))
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
            return Some(Node::Commit(oid.to_string()));
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
        return Some(Node::Commit(commit));
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
    /// A `User` or a `Bot`, by its REST login.
    Actor {
        login: &'a str,
        bot: bool,
    },
    Label(&'a Repo, &'a str),
    RepositoryTopic(&'a str),
    Topic(&'a str),
    /// A release: only counted.
    Release,
    Ref(&'a Repo),
    Commit(String),
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
            Node::Actor { bot: true, .. } => "Bot",
            Node::Actor { .. } => "User",
            Node::Label(..) => "Label",
            Node::RepositoryTopic(_) => "RepositoryTopic",
            Node::Topic(_) => "Topic",
            Node::Release => "Release",
            Node::Ref(_) => "Ref",
            Node::Commit(_) => "Commit",
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
                    "cost" => leaf(1),
                    "remaining" => leaf(budget.remaining),
                    "used" => leaf(budget.limit - budget.remaining),
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
                "releases" => page((0..repo.releases).map(|_| Node::Release).collect())?,
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
                "merged" => leaf(false),
                "mergedAt" => ResolvedValue::null(),
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
                    let known = ["READY_FOR_REVIEW_EVENT", "CONVERT_TO_DRAFT_EVENT"];
                    let types = strings(args, "itemTypes").unwrap_or_default();
                    // The model has only these events: other kinds would be missing, not absent.
                    if types.is_empty() || types.iter().any(|t| !known.contains(t)) {
                        return Err(unsupported(format_args!("{ty}.timelineItems(itemTypes: {types:?})")));
                    }
                    let since = time(args, "since");
                    let ready = item.ready_at.filter(|at| types.contains(&known[0]) && since.is_none_or(|s| *at >= s));
                    page(ready.map(|at| Node::ReadyForReview(item, at)).into_iter().collect())?
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
            (Node::Ref(repo), "target") => object(Node::Commit(render::head_commit(repo))),
            (Node::Commit(oid) | Node::Tree(oid) | Node::Blob(oid, _), "oid") => leaf(oid.as_str()),
            (Node::Commit(oid) | Node::Tree(oid) | Node::Blob(oid, _), "abbreviatedOid") => leaf(&oid[..7]),
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
