//! A fake GitHub REST and GraphQL API on 127.0.0.1, started by a test and run on its own thread.
//!
//! It serves the fixture repositories of a [`World`] the way GitHub does (`Link` pagination with
//! absolute URLs at its own address, `x-ratelimit-*` headers, `ETag`s, 409 on the git endpoints
//! of an empty repository; GraphQL queries validated against GitHub's schema, with their own rate
//! limit, each charged what GitHub charges for it), logs every request with the route it matched,
//! and injects faults per route. A test may change the world while the fake runs, take read
//! permissions away (`Repo::forbidden`) and make the rate limits reset soon.

pub mod action;
mod fix;
mod graphql;
pub mod model;
mod render;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::Value;

pub use model::{Kind, Repo, World, bot, user};

/// The route templates served, as GitHub's OpenAPI description names them.
pub mod routes {
    pub const REPO: &str = "/repos/{owner}/{repo}";
    /// Where GitHub redirects the old name of a renamed repository.
    pub const REPO_BY_ID: &str = "/repositories/{repository_id}";
    pub const TREE: &str = "/repos/{owner}/{repo}/git/trees/{tree_sha}";
    pub const BLOB: &str = "/repos/{owner}/{repo}/git/blobs/{file_sha}";
    pub const CONTENTS: &str = "/repos/{owner}/{repo}/contents/{path}";
    pub const LABELS: &str = "/repos/{owner}/{repo}/labels";
    pub const RELEASES: &str = "/repos/{owner}/{repo}/releases";
    pub const ISSUES: &str = "/repos/{owner}/{repo}/issues";
    pub const COMMENTS: &str = "/repos/{owner}/{repo}/issues/comments";
    pub const REVIEW_COMMENTS: &str = "/repos/{owner}/{repo}/pulls/comments";
    pub const ISSUE_EVENTS: &str = "/repos/{owner}/{repo}/issues/events";
    pub const REVIEWS: &str = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews";
    /// One issue's or pull request's comments: listed, and created (the Action's comment).
    pub const ISSUE_COMMENTS: &str = "/repos/{owner}/{repo}/issues/{issue_number}/comments";
    /// One comment, edited.
    pub const COMMENT: &str = "/repos/{owner}/{repo}/issues/comments/{comment_id}";
    /// One issue, edited (the Action's tracking issue).
    pub const ISSUE: &str = "/repos/{owner}/{repo}/issues/{issue_number}";
    pub const ORG_REPOS: &str = "/orgs/{org}/repos";
    pub const USER_REPOS: &str = "/users/{username}/repos";
    /// The token's own account (the Action's identity, to find its comment again).
    pub const USER: &str = "/user";
    /// A branch, with its head commit and that commit's tree (fix's base).
    pub const BRANCH: &str = "/repos/{owner}/{repo}/branches/{branch}";
    /// Git objects and refs written (fix's commit on `cm-audit/fix`).
    pub const GIT_TREES: &str = "/repos/{owner}/{repo}/git/trees";
    pub const GIT_COMMITS: &str = "/repos/{owner}/{repo}/git/commits";
    pub const GIT_COMMIT: &str = "/repos/{owner}/{repo}/git/commits/{commit_sha}";
    pub const GIT_REF: &str = "/repos/{owner}/{repo}/git/ref/{ref}";
    pub const GIT_REFS: &str = "/repos/{owner}/{repo}/git/refs";
    pub const GIT_REF_UPDATE: &str = "/repos/{owner}/{repo}/git/refs/{ref}";
    /// Pull requests listed, opened and edited (fix's one pull request).
    pub const PULLS: &str = "/repos/{owner}/{repo}/pulls";
    pub const PULL: &str = "/repos/{owner}/{repo}/pulls/{pull_number}";
    /// Free: GitHub does not count it against the rate limit.
    pub const RATE_LIMIT: &str = "/rate_limit";
    /// GitHub's GraphQL API: POST only, never conditional, with its own rate limit.
    pub const GRAPHQL: &str = "/graphql";
}

/// A fault to inject on a route.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status and GitHub's error body, with the usual rate-limit headers.
    Status(u16, &'static str),
    /// The primary rate limit: `x-ratelimit-remaining: 0` and the limits' reset (in half an hour
    /// unless [`FakeGithub::reset_after`] said otherwise).
    RateLimited { status: u16 },
    /// A secondary rate limit, with `retry-after` seconds when given.
    SecondaryLimit { retry_after: Option<u64> },
    /// Wait this long before answering normally.
    Slow(Duration),
    /// A normal answer cut in the middle of its JSON.
    TruncatedJson,
    /// A body that is not JSON at all.
    MalformedJson,
    /// A GraphQL answer whose root field `path` failed with an error of this `type` (HTTP 200, no
    /// data there), as for a field a server does not have.
    GraphqlFieldError { path: &'static str, kind: &'static str },
    /// Answer as though the query parameter were not sent: a server without that filter.
    IgnoredParameter(&'static str),
    /// A normal answer whose `Link` header's `next` is the very page answered.
    NextIsSelf,
    /// A normal answer whose body comes one byte at a time, this long apart: each byte in time
    /// for a read timeout, the whole never.
    Trickle(Duration),
}

/// One request as the fake saw and answered it.
#[derive(Debug, Clone)]
pub struct Served {
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// The route template matched, or `None` for an unknown path.
    pub route: Option<&'static str>,
    pub status: u16,
    pub authorization: Option<String>,
    /// The `If-None-Match` sent: a conditional request.
    pub if_none_match: Option<String>,
    /// The JSON body sent, if any: a GraphQL query and its variables, or a comment written.
    pub request: Option<Value>,
    /// The JSON body answered, for schema checks.
    pub json: Option<Value>,
    /// What it was charged against its rate limit: 1 for a REST request, a GraphQL query's cost in
    /// points; 0 when free (`304 Not Modified`, `/rate_limit`, GraphQL without a token).
    pub points: u64,
}

struct Injected {
    route: &'static str,
    fault: Fault,
    /// How many more requests it applies to; `None`: all.
    times: Option<usize>,
}

struct Shared {
    /// Read by every answer; changed by [`FakeGithub::update`].
    world: RwLock<World>,
    base: String,
    /// The rate limits' window: when it resets, and what was spent in it elsewhere.
    window: Mutex<Window>,
    log: Mutex<Vec<Served>>,
    faults: Mutex<Vec<Injected>>,
    /// Waited before every answer, standing in for the real API's round trip (milliseconds).
    latency_ms: std::sync::atomic::AtomicU64,
    /// Comments and issues written by the client.
    writes: Mutex<model::Writes>,
    /// Every write is refused, as with a fork's pull request token.
    read_only: std::sync::atomic::AtomicBool,
    /// The messages of the errors answered to GraphQL queries the fake refused.
    graphql_rejections: Mutex<Vec<String>>,
}

/// The current window of the rate limits.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    /// When the limits reset and the budgets refill; `None`: half an hour after every answer, and
    /// never refilled.
    reset_at: Option<SystemTime>,
    /// The log entries before this one were counted in an earlier window.
    first_served: usize,
    /// Requests counted against REST's limit, and points against GraphQL's, before the test's own
    /// (another tool's, say).
    spent_core: u64,
    spent_graphql: u64,
}

/// How long GitHub's rate-limit window lasts: the budget refills an hour after the last refill.
const WINDOW: Duration = Duration::from_secs(3600);

pub struct FakeGithub {
    /// This fake's number among those started by the process: unlike its port, never reused.
    instance: usize,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeGithub {
    pub fn start(world: World) -> FakeGithub {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr: SocketAddr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            world: RwLock::new(world),
            base: format!("http://{addr}"),
            window: Mutex::default(),
            log: Mutex::default(),
            faults: Mutex::default(),
            latency_ms: Default::default(),
            writes: Mutex::default(),
            read_only: Default::default(),
            graphql_rejections: Mutex::default(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let app = Router::new().fallback(handle).with_state(state);
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await
                    .expect("serve");
            });
        });
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let instance = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        FakeGithub { instance, shared, shutdown: Some(tx), thread: Some(thread) }
    }

    /// This fake's number among those the process started, for what must be apart per fake.
    pub fn instance(&self) -> usize {
        self.instance
    }

    /// The base URL to pass as `--api-url`.
    pub fn url(&self) -> &str {
        &self.shared.base
    }

    /// Injects a fault on a route template (`routes::ISSUES`), on one method of it
    /// (`POST /repos/{owner}/{repo}/issues`), on one exact path (`/repos/acme/.github`), or on the
    /// GraphQL queries of one name (`/graphql Activity`), for its next `times` requests (`None`:
    /// every one).
    pub fn inject(&self, route: &'static str, fault: Fault, times: Option<usize>) {
        self.shared.faults.lock().unwrap().push(Injected { route, fault, times });
    }

    /// Changes the world from now on, as the repository changes between two runs against the same
    /// fake (same URL, so same cache): a new comment, a new issue, a label added. Answers that
    /// change get a new `ETag`.
    pub fn update(&self, change: impl FnOnce(&mut World)) {
        change(&mut self.shared.world.write().unwrap());
    }

    /// Counts `n` requests against the REST rate limit as if made elsewhere, in this window.
    pub fn spend(&self, n: u64) {
        window(&self.shared);
        self.shared.window.lock().unwrap().spent_core += n;
    }

    /// Counts `n` points against the GraphQL rate limit as if spent elsewhere, in this window.
    pub fn spend_graphql(&self, n: u64) {
        window(&self.shared);
        self.shared.window.lock().unwrap().spent_graphql += n;
    }

    /// Makes the rate limits (REST's and GraphQL's) reset `d` from now: `x-ratelimit-reset`,
    /// `/rate_limit` and GraphQL's `resetAt` say so (in epoch seconds, rounded up), and once that
    /// instant has passed the budgets are whole again, then refill every hour after.
    pub fn reset_after(&self, d: Duration) {
        window(&self.shared);
        self.shared.window.lock().unwrap().reset_at = Some(SystemTime::now() + d);
    }

    /// Waits this long before every answer from now on.
    #[allow(dead_code)] // the benchmark's (examples/bench.rs): no test should wait
    pub fn set_latency(&self, latency: Duration) {
        self.shared.latency_ms.store(latency.as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// Requests that count against a rate limit (REST's or GraphQL's): all but `304 Not Modified`,
    /// `/rate_limit` and GraphQL queries without a token. A GraphQL query is one, whatever its
    /// cost: see [`FakeGithub::graphql_points`].
    pub fn counted(&self) -> usize {
        self.shared.log.lock().unwrap().iter().filter(|s| counts_against_limit(s)).count()
    }

    /// The points charged so far against the GraphQL rate limit by the client's queries (across
    /// windows; not those of [`FakeGithub::spend_graphql`]): each query's cost, as GitHub
    /// calculates it before running the call, at least 1.
    pub fn graphql_points(&self) -> u64 {
        let log = self.shared.log.lock().unwrap();
        log.iter().filter(|s| resource_of(s.route) == "graphql").map(|s| s.points).sum()
    }

    /// Refuses every write from now on with GitHub's 403 for a read-only token.
    pub fn read_only(&self) {
        self.shared.read_only.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// A comment on issue or pull request `number` by someone else than the client, written
    /// before the client runs (listed with the client's own, oldest first).
    pub fn comment_by(&self, user: Option<model::User>, number: u64, body: &str) {
        let mut writes = self.shared.writes.lock().unwrap();
        let id = render::id_of(("written-comment", writes.comments.len()));
        let created_at = Utc::now();
        writes.comments.push(model::WrittenComment { id, number, user, body: body.into(), created_at, edits: 0 });
    }

    /// An open issue opened by someone else than the client, before the client runs.
    pub fn issue_by(&self, user: Option<model::User>, title: &str, body: &str) {
        let world = self.shared.world.read().unwrap();
        let mut writes = self.shared.writes.lock().unwrap();
        let number = (world.repos.values().map(|r| r.issues.len()).max().unwrap_or(0) + writes.issues.len() + 1) as u64;
        let (title, body, created_at) = (title.into(), body.into(), Utc::now());
        writes.issues.push(model::WrittenIssue { number, user, title, body, created_at, edits: 0 });
    }

    /// The comments and issues written so far.
    pub fn writes(&self) -> model::Writes {
        self.shared.writes.lock().unwrap().clone()
    }

    pub fn served(&self) -> Vec<Served> {
        self.shared.log.lock().unwrap().clone()
    }

    /// Requests per route template (unknown paths under `"unknown"`).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for s in self.served() {
            *counts.entry(s.route.unwrap_or("unknown")).or_default() += 1;
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.served().len()
    }

    /// The operation names of the GraphQL queries sent, in order (`Overview`, `Activity`...).
    pub fn graphql_query_names(&self) -> Vec<String> {
        self.graphql_queries().iter().map(|(query, _)| query_name(query)).collect()
    }

    /// The GraphQL requests sent: each one's query text and variables (`null` when none).
    pub fn graphql_queries(&self) -> Vec<(String, Value)> {
        self.served()
            .into_iter()
            .filter(|s| s.route == Some(routes::GRAPHQL))
            .filter_map(|s| {
                let request = s.request?;
                Some((request["query"].as_str()?.to_string(), request["variables"].clone()))
            })
            .collect()
    }

    /// The messages of the errors the fake answered to GraphQL queries that GitHub would refuse
    /// (invalid against its schema, unbounded or oversized pages) or that the fake does not
    /// implement; a test asserts there are none. A repository not found, or data the token may
    /// not read, is an answer, not a refusal.
    pub fn graphql_rejections(&self) -> Vec<String> {
        self.shared.graphql_rejections.lock().unwrap().clone()
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn counts_against_limit(served: &Served) -> bool {
    let anonymous_graphql = served.route == Some(routes::GRAPHQL) && served.authorization.is_none();
    served.status != 304 && served.route != Some(routes::RATE_LIMIT) && !anonymous_graphql
}

/// The rate limit a route counts against: GitHub keeps GraphQL's apart from REST's (`core`).
fn resource_of(route: Option<&str>) -> &'static str {
    if route == Some(routes::GRAPHQL) { "graphql" } else { "core" }
}

/// A matched route and its path parameters, percent-decoded.
fn route_of(path: &str) -> Option<(&'static str, Vec<String>)> {
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(decode).collect();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    if let ["repos", o, r, "contents", path @ ..] = s.as_slice() {
        return Some((routes::CONTENTS, vec![o.to_string(), r.to_string(), path.join("/").trim_matches('/').into()]));
    }
    // Branch and ref names keep their slashes (`heads/cm-audit/fix`).
    let named = match s.as_slice() {
        ["repos", o, r, "branches", name @ ..] if !name.is_empty() => Some((routes::BRANCH, o, r, name)),
        ["repos", o, r, "git", "ref", name @ ..] if !name.is_empty() => Some((routes::GIT_REF, o, r, name)),
        ["repos", o, r, "git", "refs", name @ ..] if !name.is_empty() => Some((routes::GIT_REF_UPDATE, o, r, name)),
        _ => None,
    };
    if let Some((template, o, r, name)) = named {
        return Some((template, vec![o.to_string(), r.to_string(), name.join("/")]));
    }
    let (template, params) = match s.as_slice() {
        ["repos", o, r] => (routes::REPO, vec![o, r]),
        ["repositories", id] => (routes::REPO_BY_ID, vec![id]),
        ["repos", o, r, "git", "trees", sha] => (routes::TREE, vec![o, r, sha]),
        ["repos", o, r, "git", "blobs", sha] => (routes::BLOB, vec![o, r, sha]),
        ["repos", o, r, "labels"] => (routes::LABELS, vec![o, r]),
        ["repos", o, r, "releases"] => (routes::RELEASES, vec![o, r]),
        ["repos", o, r, "issues"] => (routes::ISSUES, vec![o, r]),
        ["repos", o, r, "issues", "comments"] => (routes::COMMENTS, vec![o, r]),
        ["repos", o, r, "issues", "events"] => (routes::ISSUE_EVENTS, vec![o, r]),
        ["repos", o, r, "issues", "comments", id] => (routes::COMMENT, vec![o, r, id]),
        ["repos", o, r, "issues", n, "comments"] => (routes::ISSUE_COMMENTS, vec![o, r, n]),
        ["repos", o, r, "issues", n] => (routes::ISSUE, vec![o, r, n]),
        ["repos", o, r, "pulls", "comments"] => (routes::REVIEW_COMMENTS, vec![o, r]),
        ["repos", o, r, "git", "trees"] => (routes::GIT_TREES, vec![o, r]),
        ["repos", o, r, "git", "commits"] => (routes::GIT_COMMITS, vec![o, r]),
        ["repos", o, r, "git", "commits", sha] => (routes::GIT_COMMIT, vec![o, r, sha]),
        ["repos", o, r, "git", "refs"] => (routes::GIT_REFS, vec![o, r]),
        ["repos", o, r, "pulls"] => (routes::PULLS, vec![o, r]),
        ["repos", o, r, "pulls", n] if *n != "comments" => (routes::PULL, vec![o, r, n]),
        ["repos", o, r, "pulls", n, "reviews"] => (routes::REVIEWS, vec![o, r, n]),
        ["orgs", o, "repos"] => (routes::ORG_REPOS, vec![o]),
        ["users", o, "repos"] => (routes::USER_REPOS, vec![o]),
        ["rate_limit"] => (routes::RATE_LIMIT, vec![]),
        ["user"] => (routes::USER, vec![]),
        ["graphql"] => (routes::GRAPHQL, vec![]),
        _ => return None,
    };
    Some((template, params.into_iter().map(|p| p.to_string()).collect()))
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()),
        ) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_of(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// What a handler answers before headers are added.
enum Answer {
    Json(StatusCode, Value, Option<String>),
    Raw(Vec<u8>),
    /// 301 to this URL, as GitHub answers the old name of a renamed repository.
    Moved(String),
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let route = route_of(uri.path());
    // A GraphQL query is also known by its operation's name (`/graphql Activity`), to meet one
    // kind of query with a fault.
    let path = match route.as_ref().map(|(t, _)| *t) {
        Some(routes::GRAPHQL) => {
            let request = serde_json::from_slice::<Value>(&body).unwrap_or_default();
            format!("{} {}", uri.path(), query_name(request["query"].as_str().unwrap_or("")))
        }
        _ => uri.path().to_string(),
    };
    let fault = route.as_ref().and_then(|(template, _)| take_fault(&shared, &method, template, &path));
    let latency = shared.latency_ms.load(std::sync::atomic::Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let anonymous = !headers.contains_key(header::AUTHORIZATION);
    let resource = resource_of(route.as_ref().map(|(t, _)| *t));
    let graphql = resource == "graphql";
    let limit = limit_of(resource, anonymous);
    let free = route.as_ref().is_some_and(|(t, _)| *t == routes::RATE_LIMIT) || (graphql && anonymous);
    let window = window(&shared);
    let used = used(&shared, &window, resource);
    // What this request is charged: a GraphQL query that runs, its cost (known once it is parsed).
    let mut points = u64::from(!free);
    let mut remaining = limit.saturating_sub(used + points);
    let reset = window.reset();

    let mut extra = HeaderMap::new();
    let mut cut = None;
    let answer = match (&fault, &route) {
        (Some(Fault::Status(code, message)), _) => Answer::Json(status(*code), render::error(message, *code), None),
        (Some(Fault::RateLimited { status: code }), _) => {
            remaining = 0;
            // GitHub's GraphQL API says so in a GraphQL error, usually with HTTP 200.
            let body = if graphql {
                serde_json::json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]})
            } else {
                render::error("API rate limit exceeded for 127.0.0.1.", *code)
            };
            Answer::Json(status(*code), body, None)
        }
        (Some(Fault::GraphqlFieldError { path, kind }), _) => {
            let error = serde_json::json!({"type": kind, "path": [path], "locations": [{"line": 2, "column": 3}],
                "message": format!("Field '{path}' failed: {kind}")});
            Answer::Json(StatusCode::OK, serde_json::json!({"data": {(*path): null}, "errors": [error]}), None)
        }
        (Some(Fault::SecondaryLimit { retry_after }), _) => {
            if let Some(secs) = retry_after {
                extra.insert(header::RETRY_AFTER, HeaderValue::from_str(&secs.to_string()).unwrap());
            }
            Answer::Json(
                StatusCode::FORBIDDEN,
                render::error(
                    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    403,
                ),
                None,
            )
        }
        (fault, Some((template, params))) => {
            if let Some(Fault::Slow(d)) = fault {
                tokio::time::sleep(*d).await;
            }
            cut = match fault {
                Some(Fault::TruncatedJson) => Some(false),
                Some(Fault::MalformedJson) => Some(true),
                _ => None,
            };
            if *template == routes::GRAPHQL {
                let budget = graphql::Budget { limit, used, reset };
                let (answer, cost) = graphql::answer(&shared, &method, &headers, &body, budget);
                points = if free { 0 } else { cost };
                remaining = budget.remaining_after(points);
                answer
            } else if fix::answers(&method, template) {
                fix::answer(&shared, &method, template, params, &query_of(&uri), &body)
            } else if method == Method::GET {
                let mut query = query_of(&uri);
                if let Some(Fault::IgnoredParameter(name)) = fault {
                    query.retain(|(k, _)| k != name);
                }
                serve(&shared, template, params, &query, &headers)
            } else {
                action::write(&shared, &method, template, params, &body)
            }
        }
        (_, None) => Answer::Json(StatusCode::NOT_FOUND, render::error("Not Found", 404), None),
    };

    let (code, bytes, json, content_type) = match answer {
        Answer::Json(code, value, link) => {
            let link = match fault {
                Some(Fault::NextIsSelf) => Some(format!("<{}{uri}>; rel=\"next\"", shared.base)),
                _ => link,
            };
            if let Some(link) = link {
                extra.insert(header::LINK, HeaderValue::from_str(&link).unwrap());
            }
            let mut bytes = serde_json::to_vec(&value).unwrap();
            match cut {
                Some(false) => bytes.truncate(bytes.len() / 2),
                Some(true) => {
                    bytes = b"<html><body>Unicorn! This page is taking too long to load.</body></html>".to_vec()
                }
                None => {}
            }
            (code, bytes, Some(value).filter(|_| cut.is_none()), "application/json; charset=utf-8")
        }
        Answer::Raw(bytes) => (StatusCode::OK, bytes, None, "application/vnd.github.raw"),
        Answer::Moved(location) => {
            let body = serde_json::json!({"message": "Moved Permanently", "url": location, "documentation_url": "https://docs.github.com/rest"});
            extra.insert(header::LOCATION, HeaderValue::from_str(&location).unwrap());
            (
                StatusCode::MOVED_PERMANENTLY,
                serde_json::to_vec(&body).unwrap(),
                Some(body),
                "application/json; charset=utf-8",
            )
        }
    };

    // A conditional request for an unchanged answer gets `304` and no body, as from GitHub, and
    // leaves the rate limit as it was. GraphQL answers (to a POST) have no `ETag`.
    let etag = (!graphql).then(|| format!("W/\"{:x}\"", render::id_of(&bytes)));
    let if_none_match = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (code, bytes, json) = if code == StatusCode::OK && etag.is_some() && if_none_match == etag {
        points = 0;
        remaining = limit.saturating_sub(used);
        (StatusCode::NOT_MODIFIED, Vec::new(), None)
    } else {
        (code, bytes, json)
    };
    shared.log.lock().unwrap().push(Served {
        method: method.to_string(),
        uri: uri.path_and_query().map_or_else(|| uri.path().to_string(), |p| p.to_string()),
        route: route.as_ref().map(|(t, _)| *t),
        status: code.as_u16(),
        authorization: headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string),
        if_none_match,
        json,
        request: serde_json::from_slice(&body).ok(),
        points,
    });

    if let Some(etag) = etag {
        extra.insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
    }
    let mut response = Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, content_type)
        .header("x-ratelimit-limit", limit)
        .header("x-ratelimit-remaining", remaining)
        .header("x-ratelimit-used", limit - remaining)
        .header("x-ratelimit-reset", reset)
        .header("x-ratelimit-resource", resource)
        .header("x-github-api-version-selected", "2022-11-28")
        .body(match fault {
            Some(Fault::Trickle(every)) => trickle(bytes, every),
            _ => Body::from(bytes),
        })
        .unwrap();
    response.headers_mut().extend(extra);
    response
}

/// A body sent one byte every `every`.
fn trickle(bytes: Vec<u8>, every: Duration) -> Body {
    let (mut sender, body) = http_body_util::channel::Channel::<axum::body::Bytes>::new(1);
    tokio::spawn(async move {
        for byte in bytes {
            tokio::time::sleep(every).await;
            if sender.send_data(axum::body::Bytes::from(vec![byte])).await.is_err() {
                return;
            }
        }
    });
    Body::new(body)
}

/// The hourly limit of a resource: GraphQL has none without a token (it answers 401).
fn limit_of(resource: &str, anonymous: bool) -> u64 {
    match (resource, anonymous) {
        ("graphql", true) => 0,
        (_, true) => 60,
        (_, false) => 5000,
    }
}

/// The rate limits' window as it stands now: once its reset has passed, the next one, with nothing
/// used yet.
fn window(shared: &Shared) -> Window {
    let mut window = shared.window.lock().unwrap();
    let now = SystemTime::now();
    if let Some(mut at) = window.reset_at.filter(|at| *at <= now) {
        while at <= now {
            at += WINDOW;
        }
        *window = Window { reset_at: Some(at), first_served: shared.log.lock().unwrap().len(), ..Window::default() };
    }
    *window
}

impl Window {
    /// When the limits reset, in epoch seconds (rounded up), as `x-ratelimit-reset` says it.
    fn reset(&self) -> i64 {
        let Some(at) = self.reset_at else {
            return Utc::now().timestamp() + 1800;
        };
        let since_epoch = at.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        (since_epoch.as_secs() + u64::from(since_epoch.subsec_nanos() > 0)) as i64
    }
}

/// What was charged against a resource's rate limit in this window (requests for REST, points for
/// GraphQL): the test's own, and what was spent elsewhere.
fn used(shared: &Shared, window: &Window, resource: &str) -> u64 {
    let log = shared.log.lock().unwrap();
    let this_window = log.get(window.first_served..).unwrap_or_default();
    let own: u64 = this_window.iter().filter(|s| resource_of(s.route) == resource).map(|s| s.points).sum();
    let spent = if resource == "core" { window.spent_core } else { window.spent_graphql };
    own + spent
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).expect("a valid status")
}

/// The operation name of a GraphQL query (`query Activity(...)` gives `Activity`).
pub fn query_name(query: &str) -> String {
    let after = query.trim_start().strip_prefix("query").unwrap_or("");
    after.trim_start().split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("").to_string()
}

fn take_fault(shared: &Shared, method: &Method, template: &str, path: &str) -> Option<Fault> {
    let mut faults = shared.faults.lock().unwrap();
    let with_method = format!("{method} {template}");
    let i = faults
        .iter()
        .position(|f| (f.route == template || f.route == path || f.route == with_method) && f.times != Some(0))?;
    if let Some(n) = faults[i].times.as_mut() {
        *n -= 1;
    }
    Some(faults[i].fault.clone())
}

fn not_found() -> Answer {
    Answer::Json(StatusCode::NOT_FOUND, render::error("Not Found", 404), None)
}

/// GitHub's answer to a token without the permission a repository's data needs.
pub const FORBIDDEN_MESSAGE: &str = "Resource not accessible by personal access token";

/// GitHub's 403 on a route of issues (`/repos/{owner}/{repo}/issues…`) or of pull requests
/// (`…/pulls…`) of a repository whose token may not read them; labels stay readable.
fn forbidden(repo: &Repo, template: &str) -> Option<Answer> {
    let kind = match template.strip_prefix(routes::REPO)?.split('/').nth(1)? {
        "issues" => "issues",
        "pulls" => "pulls",
        _ => return None,
    };
    repo.forbids(kind).then(|| Answer::Json(StatusCode::FORBIDDEN, render::error(FORBIDDEN_MESSAGE, 403), None))
}

fn serve(
    shared: &Shared,
    template: &str,
    params: &[String],
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Answer {
    let api = shared.base.as_str();
    let world = shared.world.read().unwrap();
    match template {
        routes::RATE_LIMIT => {
            let anonymous = !headers.contains_key(header::AUTHORIZATION);
            let window = window(shared);
            let budget = |resource: &str| {
                let limit = limit_of(resource, anonymous);
                let used = used(shared, &window, resource).min(limit);
                serde_json::json!({"limit": limit, "used": used, "remaining": limit - used,
                    "reset": window.reset(), "resource": resource})
            };
            let (core, graphql) = (budget("core"), budget("graphql"));
            let resources = serde_json::json!({"core": core, "graphql": graphql});
            return Answer::Json(StatusCode::OK, serde_json::json!({"resources": resources, "rate": core}), None);
        }
        routes::USER => return action::token_owner(api, &world),
        routes::ORG_REPOS | routes::USER_REPOS => {
            let owned: Vec<Value> = world
                .repos
                .values()
                .filter(|r| r.owner.eq_ignore_ascii_case(&params[0]))
                .map(|r| render::repository(api, r))
                .collect();
            if owned.is_empty() {
                return not_found();
            }
            let (page, link) = paginate(owned, api, template_path(template, params), query);
            return Answer::Json(StatusCode::OK, page, link);
        }
        _ => {}
    }
    if template == routes::REPO_BY_ID {
        return match world.repos.values().find(|r| r.id.to_string() == params[0]) {
            Some(repo) => Answer::Json(StatusCode::OK, render::repository(api, repo), None),
            None => not_found(),
        };
    }
    if let Some(new) = world.renamed.get(&format!("{}/{}", params[0], params[1]).to_ascii_lowercase()) {
        let id = world.repos[&new.to_ascii_lowercase()].id;
        return Answer::Moved(format!("{api}/repositories/{id}"));
    }
    let Some(repo) = world.repo(&params[0], &params[1]) else {
        return not_found();
    };
    if let Some(refused) = forbidden(repo, template) {
        return refused;
    }
    let param = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let since = param("since").and_then(|s| s.parse::<DateTime<Utc>>().ok());
    let empty = || Answer::Json(StatusCode::CONFLICT, render::error("Git Repository is empty.", 409), None);
    let list = |items: Vec<Value>| {
        let (page, link) = paginate(items, api, template_path(template, params), query);
        Answer::Json(StatusCode::OK, page, link)
    };
    match template {
        routes::REPO => Answer::Json(StatusCode::OK, render::repository(api, repo), None),
        routes::TREE if repo.empty => empty(),
        routes::TREE if params[2] != repo.default_branch && params[2] != render::head_commit(repo) => {
            match repo.at_commit(&params[2]) {
                Some(at) => Answer::Json(StatusCode::OK, render::tree(api, &at).0, None),
                None => not_found(),
            }
        }
        routes::TREE => Answer::Json(StatusCode::OK, render::tree(api, repo).0, None),
        routes::CONTENTS if repo.empty => {
            Answer::Json(StatusCode::NOT_FOUND, render::error("This repository is empty.", 404), None)
        }
        routes::CONTENTS => {
            let at = match param("ref") {
                None => Some(repo.clone()),
                Some(r) if r == repo.default_branch || r == render::head_commit(repo) => Some(repo.clone()),
                Some(r) => repo.at_commit(r),
            };
            let raw =
                headers.get_all(header::ACCEPT).iter().any(|v| v.to_str().unwrap_or("").contains("vnd.github.raw"));
            match at.and_then(|at| render::contents(api, &at, &params[2], raw)) {
                Some(Ok(json)) => Answer::Json(StatusCode::OK, json, None),
                Some(Err(bytes)) => Answer::Raw(bytes),
                None => not_found(),
            }
        }
        routes::BLOB if repo.empty => empty(),
        routes::BLOB => {
            // Strict: every `Accept` header sent must ask for the raw media type.
            let mut accepts = headers.get_all(header::ACCEPT).iter().map(|v| v.to_str().unwrap_or(""));
            let wants_raw = accepts.all(|a| a.contains("vnd.github.raw")) && headers.contains_key(header::ACCEPT);
            let blobs = std::iter::once(repo.clone()).chain(repo.commits.keys().filter_map(|sha| repo.at_commit(sha)));
            match blobs.into_iter().find_map(|at| render::tree(api, &at).1.remove(&params[2])) {
                // The fake only speaks the raw media type that cm-audit asks for.
                Some(bytes) if wants_raw => Answer::Raw(bytes),
                Some(_) => Answer::Json(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    render::error("The fake serves blobs raw only", 415),
                    None,
                ),
                None => not_found(),
            }
        }
        routes::LABELS => list(repo.labels.iter().map(|(n, d)| render::label(api, repo, n, d)).collect()),
        routes::RELEASES => list(repo.releases.iter().map(|r| render::release(api, repo, r)).collect()),
        routes::ISSUES => {
            let state = param("state").unwrap_or("open");
            let wanted: Vec<&str> = param("labels").map(|l| l.split(',').collect()).unwrap_or_default();
            let mut issues: Vec<_> = repo
                .issues
                .iter()
                .filter(|i| match state {
                    "open" => i.closed_at.is_none(),
                    "closed" => i.closed_at.is_some(),
                    _ => true,
                })
                .filter(|i| wanted.iter().all(|w| i.labels.iter().any(|l| l.eq_ignore_ascii_case(w))))
                .filter(|i| {
                    param("creator").is_none_or(|c| i.user.as_ref().is_some_and(|u| u.login.eq_ignore_ascii_case(c)))
                })
                .filter(|i| since.is_none_or(|s| repo.updated_at(i) >= s))
                .collect();
            match param("sort").unwrap_or("created") {
                "updated" => issues.sort_by_key(|i| repo.updated_at(i)),
                _ => issues.sort_by_key(|i| (i.created_at, i.number)),
            }
            if param("direction").unwrap_or("desc") == "desc" {
                issues.reverse();
            }
            // The client's own issues are open and unlabelled.
            let mut listed: Vec<Value> =
                if state == "closed" || !wanted.is_empty() { Vec::new() } else { action::written_issues(shared, repo) };
            listed.extend(issues.into_iter().map(|i| render::issue(api, repo, i)));
            list(listed)
        }
        routes::COMMENTS => {
            list(comments_since(&repo.comments, since, param("direction"), |c, i| render::comment(api, repo, c, i)))
        }
        routes::REVIEW_COMMENTS => list(comments_since(&repo.review_comments, since, param("direction"), |c, i| {
            render::review_comment(api, repo, c, i)
        })),
        routes::ISSUE_COMMENTS => action::list_comments(shared, repo, params, query),
        routes::ISSUE_EVENTS => {
            // Newest first, as GitHub lists them; no `since` (GitHub takes none). Labels are put on
            // when an item is opened, so that the listing holds events of no interest too.
            // When, on which item, what (and which label).
            // When, on which item, what (and which label), by whom.
            type Event<'a> = (DateTime<Utc>, u64, &'a str, Option<&'a str>, &'a Option<model::User>, &'a model::Issue);
            let mut events: Vec<Event> = repo
                .issues
                .iter()
                .flat_map(|i| {
                    let by = &i.user;
                    let labelled = i.labels.iter().map(move |l| (i.created_at, "labeled", Some(l.as_str()), by));
                    let ready = i.ready_at.map(|at| (at, "ready_for_review", None, by));
                    // Whoever merges a pull request closes it too, in the same second.
                    let merged = i.merged.as_ref().map(|(at, who)| (*at, "merged", None, who));
                    let closed = i.closed_at.map(|at| (at, "closed", None, i.closer()));
                    labelled
                        .chain(ready)
                        .chain(merged)
                        .chain(closed)
                        .map(move |(at, what, label, who)| (at, i.number, what, label, who, i))
                })
                .collect();
            events.sort_by_key(|&(at, number, what, label, _, _)| std::cmp::Reverse((at, number, what, label)));
            let rendered = events
                .into_iter()
                .map(|(at, _, what, label, who, i)| render::issue_event(api, repo, i, (what, label, who), at));
            list(rendered.collect())
        }
        routes::REVIEWS => {
            let number: u64 = params[2].parse().unwrap_or(0);
            if !repo.issues.iter().any(|i| i.number == number && i.pull_request) {
                return not_found();
            }
            let mut reviews: Vec<(usize, &model::Review)> =
                repo.reviews.iter().enumerate().filter(|(_, r)| r.number == number).collect();
            reviews.sort_by_key(|(i, r)| (r.submitted_at, *i));
            list(reviews.into_iter().map(|(i, r)| render::review(api, repo, r, i)).collect())
        }
        _ => not_found(),
    }
}

/// Comments created since `since`, oldest first unless `direction=desc`, rendered with their
/// index (their id's seed).
fn comments_since(
    comments: &[model::Comment],
    since: Option<DateTime<Utc>>,
    direction: Option<&str>,
    render: impl Fn(&model::Comment, usize) -> Value,
) -> Vec<Value> {
    let mut picked: Vec<(usize, &model::Comment)> =
        comments.iter().enumerate().filter(|(_, c)| since.is_none_or(|s| c.created_at >= s)).collect();
    picked.sort_by_key(|(i, c)| (c.created_at, *i));
    if direction == Some("desc") {
        picked.reverse();
    }
    picked.into_iter().map(|(i, c)| render(c, i)).collect()
}

/// The concrete path of a route, for pagination links: each `{placeholder}` takes the next parameter.
fn template_path(template: &str, params: &[String]) -> String {
    let mut params = params.iter();
    template
        .split('/')
        .map(|segment| if segment.starts_with('{') { params.next().map_or(segment, String::as_str) } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// One page of a list and GitHub's `Link` header for it (absolute URLs at the fake's address).
fn paginate(items: Vec<Value>, api: &str, path: String, query: &[(String, String)]) -> (Value, Option<String>) {
    let param = |name: &str| query.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse::<usize>().ok());
    let per_page = param("per_page").unwrap_or(30).clamp(1, 100);
    let page = param("page").unwrap_or(1).max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let url = |n: usize| {
        let mut pairs: Vec<String> =
            query.iter().filter(|(k, _)| k != "page").map(|(k, v)| format!("{k}={}", encode(v))).collect();
        pairs.push(format!("page={n}"));
        format!("<{api}{path}?{}>", pairs.join("&"))
    };
    let mut rels = Vec::new();
    if page > 1 {
        rels.push(format!("{}; rel=\"prev\"", url(page - 1)));
    }
    if page < last {
        rels.push(format!("{}; rel=\"next\"", url(page + 1)));
        rels.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        rels.push(format!("{}; rel=\"first\"", url(1)));
    }
    let slice: Vec<Value> = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    (Value::Array(slice), Some(rels.join(", ")).filter(|l| !l.is_empty()))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
