//! The HTTP side: an octocrab client set up for cm-audit (base URL, token, timeouts, no hidden
//! retries), our retry policy, the rate-limit budget, the conditional-request cache, capped body
//! reads, `Link` pagination and the `-v` request log.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use http::Uri;
use http::header::{ACCEPT, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use octocrab::Octocrab;
use octocrab::service::middleware::retry::RetryConfig;
use serde::de::DeserializeOwned;

use super::cache::{Cache, Entry, Validators};
use super::errors::{ApiError, Failure, Permission, RateLimit, classify};
use super::{GithubOptions, RetryPolicy};
use crate::error::{Error, Result};

/// The most bytes of a JSON answer read; a recursive tree of 100,000 entries is about 7 MB.
pub(super) const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;
/// The most bytes of an error answer read, for its message.
pub(super) const MAX_ERROR_BYTES: usize = 64 * 1024;
/// GitHub asks clients that meet a secondary limit without `retry-after` to wait a minute.
const SECONDARY_DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// How many times `--timeout` a whole answer may take: the read timeout waits for each next
/// bytes, so a server that sends one byte at a time, in time, would otherwise never be done; the
/// largest answer (a 7 MB tree) takes seconds.
const ANSWER_DEADLINE_TIMEOUTS: u32 = 4;
/// The media type that makes the blob endpoint answer with the file's bytes instead of base64 JSON.
const RAW: &str = "application/vnd.github.raw+json";
const JSON: &str = "application/vnd.github+json";

/// A GitHub REST client with cm-audit's policy: retries that are bounded and visible, waits
/// that GitHub asks for, and no request sent once the rate-limit budget is known to be spent.
pub struct Client {
    pub(super) octo: Octocrab,
    pub(super) retry: RetryPolicy,
    /// The longest a whole answer may take, from sending the request to its body's last byte.
    answer_deadline: Duration,
    pub anonymous: bool,
    pub(super) budget: Mutex<Option<RateLimit>>,
    pub(super) sent: AtomicUsize,
    /// Answered `304 Not Modified` from the cache: sent, but not counted against the rate limit.
    not_modified: AtomicUsize,
    pub(super) cache: Option<Cache>,
    /// The GraphQL endpoint, when there is a token to use it with.
    pub(super) graphql_url: Option<String>,
    /// GraphQL's own rate-limit budget (points), apart from REST's.
    pub(super) graphql_budget: Mutex<Option<RateLimit>>,
    /// Set when the server answered that it has no GraphQL endpoint: REST from then on.
    pub(super) graphql_absent: AtomicBool,
    /// Set once a query has been answered: GraphQL works here, and its later failures are faults.
    pub(super) graphql_answered: AtomicBool,
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

/// A fresh answer's validators, to store it once it is known to be usable; `None` for an answer
/// served from the cache, or one without validators.
type Fresh = Option<Validators>;

/// A successful answer's body (capped) with its pagination links.
pub struct Body {
    pub bytes: Vec<u8>,
    /// More bytes were sent than the cap allowed.
    pub capped: bool,
    pub next: Option<String>,
    pub last: Option<String>,
}

/// One page of a list and the link to the next.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
    pub last: Option<String>,
}

impl Client {
    /// Builds the client; must run inside a Tokio runtime (octocrab's `build` needs one).
    pub fn new(opts: &GithubOptions) -> Result<Client> {
        let shown = opts.api_shown();
        let base: Uri =
            opts.api_url.parse().map_err(|e| Error::Usage(format!("--api-url {shown} is not a URL: {e}")))?;
        if base.scheme().is_none() || base.authority().is_none() {
            return Err(Error::Usage(format!("--api-url {shown} is not an absolute http(s) URL")));
        }
        let mut builder = Octocrab::builder()
            .add_retry_config(RetryConfig::None)
            .set_connect_timeout(Some(opts.timeout))
            .set_read_timeout(Some(opts.timeout))
            .set_write_timeout(Some(opts.timeout))
            .add_header(http::HeaderName::from_static("x-github-api-version"), "2022-11-28".to_string());
        if let Some(token) = &opts.token {
            // octocrab panics on a token that cannot be a header value; refuse it here instead.
            if HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
                return Err(Error::Usage(
                    "the GitHub token contains characters that cannot be sent (a newline?)".into(),
                ));
            }
            builder = builder.personal_token(token.clone());
        }
        let octo = builder
            .base_uri(base)
            .map_err(|e| Error::Usage(format!("--api-url {shown}: {e}")))?
            .build()
            .map_err(|e| Error::Network(format!("cannot set up the HTTP client: {}", innermost(&e))))?;
        Ok(Client {
            octo,
            retry: opts.retry,
            answer_deadline: opts.timeout.saturating_mul(ANSWER_DEADLINE_TIMEOUTS),
            anonymous: opts.token.is_none(),
            budget: Mutex::new(None),
            sent: AtomicUsize::new(0),
            not_modified: AtomicUsize::new(0),
            cache: opts.cache_dir.as_deref().map(|dir| Cache::new(dir, opts.token.as_deref())),
            graphql_url: opts.graphql_url.clone().filter(|_| opts.token.is_some()),
            graphql_budget: Mutex::new(None),
            graphql_absent: AtomicBool::new(false),
            graphql_answered: AtomicBool::new(false),
        })
    }

    /// Says once, on stderr, that the audit runs without a token, and what that limits.
    pub fn say_if_anonymous(&self) {
        if self.anonymous {
            eprintln!(
                "cm-audit: no token (--token, GITHUB_TOKEN or GH_TOKEN): auditing anonymously, within GitHub's 60 requests an hour"
            );
        }
    }

    /// Requests sent so far, retries included.
    pub fn requests_sent(&self) -> usize {
        self.sent.load(Ordering::Relaxed)
    }

    /// Requests answered `304 Not Modified`, which GitHub does not count against the rate limit.
    pub fn requests_not_modified(&self) -> usize {
        self.not_modified.load(Ordering::Relaxed)
    }

    /// The rate-limit state the last answer reported, if any answer did.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.budget.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Fails before any more requests when the budget left is known to be smaller than `need`:
    /// better to say so now than to stop half-way.
    pub fn ensure_budget(&self, need: usize) -> Result<()> {
        let budget = self.budget.lock().unwrap_or_else(|p| p.into_inner());
        match budget.as_ref() {
            Some(rate) if (rate.remaining as usize) < need && !rate.has_reset() => {
                Err(rate.too_low(need, self.anonymous))
            }
            _ => Ok(()),
        }
    }

    /// GETs a JSON value.
    pub async fn get_json<T: DeserializeOwned>(&self, uri: &str) -> Result<T, ApiError> {
        let (body, fresh) = self.get(uri, JSON, MAX_JSON_BYTES).await?;
        let value = parse("GET", uri, &body)?;
        self.remember(uri, JSON, fresh, &body);
        Ok(value)
    }

    /// GETs one page of a JSON list.
    pub async fn get_page<T: DeserializeOwned>(&self, uri: &str) -> Result<Page<T>, ApiError> {
        let (body, fresh) = self.get(uri, JSON, MAX_JSON_BYTES).await?;
        let items = parse("GET", uri, &body)?;
        self.remember(uri, JSON, fresh, &body);
        Ok(Page { items, next: body.next, last: body.last })
    }

    /// Follows a list's `next` links from `first`, handing each page's items to `take` until it
    /// says stop (false) or the list ends, reading at most `max_pages`; false when that cap cut
    /// the list short. A `next` link to a page already read is an error: a server whose link
    /// points back would otherwise be asked again until the rate limit is spent.
    pub async fn each_page<T: DeserializeOwned>(
        &self,
        first: String,
        max_pages: usize,
        mut take: impl FnMut(Vec<T>) -> bool,
    ) -> Result<bool, ApiError> {
        let mut read = std::collections::HashSet::new();
        let mut uri = first;
        for _ in 0..max_pages {
            if !read.insert(uri.clone()) {
                let why = "its `next` link points back to a page already read".to_string();
                return Err(ApiError {
                    method: "GET",
                    uri: path_of(&uri),
                    failure: Failure::Malformed(why),
                    attempts: 1,
                });
            }
            let page: Page<T> = self.get_page(&uri).await?;
            let go_on = take(page.items);
            match page.next {
                Some(next) if go_on => uri = next,
                _ => return Ok(true),
            }
        }
        Ok(false)
    }

    /// GETs a raw body, reading at most `cap` bytes (the rest is never downloaded).
    pub async fn get_raw(&self, uri: &str, cap: usize) -> Result<Body, ApiError> {
        let (body, fresh) = self.get(uri, RAW, cap).await?;
        if !body.capped {
            self.remember(uri, RAW, fresh, &body);
        }
        Ok(body)
    }

    /// Stores a fresh answer, called only once it is known to be whole and usable: a body cut
    /// short or malformed would otherwise be served again on every `304`.
    fn remember(&self, uri: &str, accept: &str, fresh: Fresh, body: &Body) {
        if let (Some(cache), Some(validators)) = (&self.cache, fresh) {
            let entry =
                Entry { validators, next: body.next.clone(), last: body.last.clone(), body: body.bytes.clone() };
            cache.store(uri, accept, &entry);
        }
    }

    /// One GET with the retry policy: 5xx and transport failures are retried with exponential
    /// backoff, a secondary rate limit waits as long as GitHub asks (within `max_wait`), and a
    /// spent primary budget stops at once.
    ///
    /// With a cache, a stored answer's validators make the request conditional, and a `304`
    /// serves the stored body.
    async fn get(&self, uri: &str, accept: &str, cap: usize) -> Result<(Body, Fresh), ApiError> {
        // Set here, never as a client-wide header: octocrab appends those, and two `Accept`
        // headers would leave GitHub to choose.
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(accept).expect("a static media type"));
        let cached = self.cache.as_ref().and_then(|c| c.lookup(uri, accept));
        if let Some((name, value)) = cached.as_ref().and_then(|c| conditional(&c.validators)) {
            headers.insert(name, value);
        }
        let mut attempt = 1;
        loop {
            self.check_budget(uri)?;
            let failure = match self.in_time(self.attempt(uri, headers.clone(), cap, cached.as_ref())).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            self.back_off("GET", uri, failure, &mut attempt, true).await?;
        }
    }

    /// An answer, unless it takes longer in all than the answer deadline: then a transport
    /// failure, retried as one.
    pub(super) async fn in_time<T>(&self, answer: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
        let secs = self.answer_deadline.as_secs();
        tokio::time::timeout(self.answer_deadline, answer)
            .await
            .unwrap_or_else(|_| Err(Failure::Transport(format!("no whole answer within {secs} s"))))
    }

    /// Waits before trying a failed request again, or returns the error that ends it: transient
    /// failures (5xx, transport) back off exponentially when `retry_transient` (not for a POST,
    /// which might have been applied), and a secondary rate limit waits as long as GitHub asks,
    /// within `max_wait`.
    pub(super) async fn back_off(
        &self,
        method: &'static str,
        uri: &str,
        failure: Failure,
        attempt: &mut u32,
        retry_transient: bool,
    ) -> Result<(), ApiError> {
        let wait = match &failure {
            Failure::Server { .. } | Failure::Transport(_) if retry_transient => {
                Some(self.retry.backoff.saturating_mul(1 << (*attempt - 1).min(16)).min(self.retry.max_wait))
            }
            Failure::SecondaryLimit { retry_after } => {
                Some(retry_after.unwrap_or(SECONDARY_DEFAULT_WAIT)).filter(|w| *w <= self.retry.max_wait)
            }
            _ => None,
        };
        match wait {
            Some(wait) if *attempt < self.retry.attempts => {
                tracing::warn!(
                    "{method} {} failed ({}); trying again in {:.1} s",
                    path_of(uri),
                    failure.short(),
                    wait.as_secs_f64()
                );
                tokio::time::sleep(wait).await;
                *attempt += 1;
                Ok(())
            }
            _ => Err(ApiError { method, uri: path_of(uri), failure, attempts: *attempt }),
        }
    }

    async fn attempt(
        &self,
        uri: &str,
        headers: HeaderMap,
        cap: usize,
        cached: Option<&Entry>,
    ) -> Result<(Body, Fresh), Failure> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let request = format!("GET {}", path_of(uri));
        let response = self.octo._get_with_headers(uri, Some(headers)).await.map_err(|e| no_answer(&request, &e))?;
        let status = response.status();
        note_answer(&request, status, response.headers(), &self.budget, "rate limit");
        if status == StatusCode::NOT_MODIFIED {
            let Some(entry) = cached else {
                return Err(Failure::Malformed("304 Not Modified to a request that was not conditional".into()));
            };
            self.not_modified.fetch_add(1, Ordering::Relaxed);
            let body = Body {
                bytes: entry.body[..entry.body.len().min(cap)].to_vec(),
                capped: entry.body.len() > cap,
                next: entry.next.clone(),
                last: entry.last.clone(),
            };
            return Ok((body, None));
        }
        let (next, last) = links(response.headers());
        let fresh = Validators::from_headers(response.headers());
        let headers = response.headers().clone();
        let limit = if status.is_success() { cap } else { MAX_ERROR_BYTES };
        let (bytes, capped) = read_capped(response.into_body(), limit).await.map_err(Failure::Transport)?;
        if status.is_success() {
            return Ok((Body { bytes, capped, next, last }, fresh));
        }
        Err(classify(status, &headers, &bytes))
    }

    /// Refuses to send a request when the last answer said the budget is spent until a reset
    /// still to come: asking again would only be refused, and counts against some limits.
    pub(super) fn check_budget(&self, uri: &str) -> Result<(), ApiError> {
        spent_budget(&self.budget, "GET", uri)
    }
}

/// The error for a request that `budget` (REST's or GraphQL's) says cannot be answered before
/// its reset.
pub(super) fn spent_budget(budget: &Mutex<Option<RateLimit>>, method: &'static str, uri: &str) -> Result<(), ApiError> {
    let budget = budget.lock().unwrap_or_else(|p| p.into_inner());
    match budget.as_ref() {
        Some(rate) if rate.remaining == 0 && !rate.has_reset() => {
            Err(ApiError { method, uri: path_of(uri), failure: Failure::RateLimited(Some(rate.clone())), attempts: 0 })
        }
        _ => Ok(()),
    }
}

/// The failure of a request that got no answer, logged.
pub(super) fn no_answer(request: &str, e: &octocrab::Error) -> Failure {
    let why = innermost(e);
    tracing::info!("{request} -> failed: {why}");
    Failure::Transport(why)
}

/// Logs an answer (`-v`) and keeps the rate-limit state it reports in `budget`, REST's or
/// GraphQL's (`unit` names it in the log).
pub(super) fn note_answer(
    request: &str,
    status: StatusCode,
    headers: &HeaderMap,
    budget: &Mutex<Option<RateLimit>>,
    unit: &str,
) -> Option<RateLimit> {
    let rate = RateLimit::from_headers(headers);
    let left = rate.as_ref().map_or("not sent".to_string(), |r| r.remaining.to_string());
    tracing::info!("{request} -> {} ({unit} remaining: {left})", status.as_u16());
    if let Some(rate) = &rate {
        *budget.lock().unwrap_or_else(|p| p.into_inner()) = Some(rate.clone());
    }
    rate
}

/// The header that asks "changed since this answer?": `If-None-Match` when there is an ETag (the
/// stronger validator, and GitHub sends one on every answer), else `If-Modified-Since`.
fn conditional(validators: &Validators) -> Option<(http::HeaderName, HeaderValue)> {
    let (name, value) = match (&validators.etag, &validators.last_modified) {
        (Some(etag), _) => (IF_NONE_MATCH, etag),
        (None, Some(date)) => (IF_MODIFIED_SINCE, date),
        (None, None) => return None,
    };
    Some((name, HeaderValue::from_str(value).ok()?))
}

/// Reads a body up to `cap` bytes and says whether there was more.
pub(super) async fn read_capped(
    mut body: BoxBody<Bytes, octocrab::Error>,
    cap: usize,
) -> Result<(Vec<u8>, bool), String> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("the answer was cut off: {}", innermost(&e)))?;
        if let Ok(data) = frame.into_data() {
            let room = cap - bytes.len();
            if data.len() > room {
                bytes.extend_from_slice(&data[..room]);
                return Ok((bytes, true));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok((bytes, false))
}

pub(super) fn parse<T: DeserializeOwned>(method: &'static str, uri: &str, body: &Body) -> Result<T, ApiError> {
    let malformed = |why: String| ApiError { method, uri: path_of(uri), failure: Failure::Malformed(why), attempts: 1 };
    if body.capped {
        return Err(malformed(format!("the answer is larger than {} MiB", MAX_JSON_BYTES / (1024 * 1024))));
    }
    let de = &mut serde_json::Deserializer::from_slice(&body.bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_eof() {
            malformed("the JSON ends too early (a truncated answer)".into())
        } else if path == "." {
            malformed(format!("not the JSON expected: {inner}"))
        } else {
            malformed(format!("not the JSON expected at `{path}`: {inner}"))
        }
    })
}

/// The `next` and `last` URLs of a `Link` header.
fn links(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    let Some(link) = headers.get(http::header::LINK).and_then(|v| v.to_str().ok()) else {
        return (None, None);
    };
    let mut next = None;
    let mut last = None;
    for part in link.split(',') {
        let mut pieces = part.split(';');
        let url = pieces.next().unwrap_or("").trim().trim_start_matches('<').trim_end_matches('>');
        for param in pieces {
            match param.trim() {
                r#"rel="next""# => next = Some(url.to_string()),
                r#"rel="last""# => last = Some(url.to_string()),
                _ => {}
            }
        }
    }
    (next, last)
}

/// The `page` number in a pagination URL.
pub fn page_number(url: &str) -> Option<u64> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.strip_prefix("page=")).and_then(|n| n.parse().ok())
}

/// The path and query of a URI, for logs and messages (never the host's credentials, never a token).
pub(super) fn path_of(uri: &str) -> String {
    match uri.parse::<Uri>() {
        Ok(u) => u.path_and_query().map_or_else(|| u.path().to_string(), |p| p.as_str().to_string()),
        Err(_) => uri.to_string(),
    }
}

/// The most specific message in an error's chain ("Connection refused (os error 111)"), since
/// the outer layers only say "Service error".
pub(super) fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_next_and_last_from_a_link_header() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::LINK,
            HeaderValue::from_static(
                r#"<https://api.github.com/repositories/1/issues?per_page=3&page=2>; rel="next", <https://api.github.com/repositories/1/issues?per_page=3&page=5>; rel="last""#,
            ),
        );
        let (next, last) = links(&h);
        assert_eq!(next.as_deref(), Some("https://api.github.com/repositories/1/issues?per_page=3&page=2"));
        assert_eq!(last.as_deref().and_then(page_number), Some(5));
    }

    #[test]
    fn page_number_is_not_confused_with_per_page() {
        assert_eq!(page_number("http://x/r?per_page=1"), None);
        assert_eq!(page_number("http://x/r?per_page=1&page=12"), Some(12));
    }

    #[test]
    fn logs_show_the_path_not_the_host() {
        assert_eq!(path_of("http://127.0.0.1:9/repos/a/b/labels?page=2"), "/repos/a/b/labels?page=2");
    }
}
