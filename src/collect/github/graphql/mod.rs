//! Collection through GitHub's GraphQL API, for what REST needs many requests for: a repository's
//! settings, labels and release count in one query, the bodies of the files rules read in one,
//! and issues and pull requests with their first comments, reviews and ready-for-review events
//! a hundred at a time. GraphQL needs a token; without one, or on a server without the endpoint,
//! collection stays on REST (src/collect/github/repository.rs decides).
//!
//! GitHub answers a query with HTTP 200 even when parts of it failed: `errors` then lists them,
//! each with the `path` of the field that failed (`NOT_FOUND`, `FORBIDDEN`), beside the data that
//! could be had. The primary rate limit is one of those errors (`RATE_LIMITED`), with its own
//! budget of points apart from REST's.

pub mod activity;
pub mod blobs;
pub mod discussions;
pub mod history;
pub mod kept;
pub mod overview;

use std::sync::atomic::Ordering;

use http::StatusCode;
use http::Uri;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::client::{
    Client, MAX_ERROR_BYTES, MAX_JSON_BYTES, no_answer, note_answer, path_of, read_capped, spent_budget,
};
use super::errors::{ApiError, Failure, RateLimit, classify};

/// A query's answer: its data, and the errors of the parts that failed.
#[derive(Debug, Default)]
pub struct Answer {
    pub data: Value,
    pub errors: Vec<QueryError>,
}

/// One entry of a GraphQL answer's `errors`.
#[derive(Debug, Clone, Deserialize)]
pub struct QueryError {
    /// `NOT_FOUND`, `FORBIDDEN`, `RATE_LIMITED`, ...; absent for a query GitHub could not run.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub message: String,
    /// The field that failed, from the query's root: names (or aliases) and list indexes.
    #[serde(default)]
    pub path: Vec<Value>,
}

impl QueryError {
    fn at(&self, alias: &str) -> bool {
        self.path.first().and_then(Value::as_str) == Some(alias)
    }

    /// The REST failure this error stands for, so that both APIs are reported alike.
    pub fn failure(&self) -> Failure {
        match self.kind.as_deref() {
            Some("NOT_FOUND") => Failure::NotFound { status: 404, message: self.message.clone() },
            Some("FORBIDDEN") => Failure::Forbidden(self.message.clone()),
            _ => Failure::Rejected { status: 200, message: self.message.clone() },
        }
    }

    /// This error as the failure of the query `name`.
    pub fn api_error(&self, name: &str) -> ApiError {
        ApiError { method: "POST", uri: query_label(name), failure: self.failure(), attempts: 1 }
    }
}

/// Whether a query's failure is one REST may not meet: an error of a kind GitHub does not use
/// for permissions or absence, as a server without some field would answer.
pub fn is_unexpected(e: &ApiError) -> bool {
    matches!(e.failure, Failure::Rejected { .. })
}

/// How errors and logs name a query: its endpoint and its operation's name.
pub fn query_label(name: &str) -> String {
    format!("/graphql ({name} query)")
}

impl Answer {
    /// The error of the field at `alias` (a root field of the query), if it failed.
    pub fn error_at(&self, alias: &str) -> Option<&QueryError> {
        self.errors.iter().find(|e| e.at(alias))
    }

    /// The data at `alias`, typed; `None` when it is null (the field failed, or has no value).
    pub fn take<T: DeserializeOwned>(&mut self, name: &str, alias: &str) -> Result<Option<T>, ApiError> {
        let value = self.data.get_mut(alias).map(Value::take).unwrap_or(Value::Null);
        if value.is_null() {
            return Ok(None);
        }
        serde_path_to_error::deserialize(value).map(Some).map_err(|e| ApiError {
            method: "POST",
            uri: query_label(name),
            failure: Failure::Malformed(format!("not the data expected at `{alias}.{}`: {}", e.path(), e.inner())),
            attempts: 1,
        })
    }

    /// The error of `alias` as an [`ApiError`] of the query `name`, when that field failed.
    pub fn failed(&self, name: &str, alias: &str) -> Option<ApiError> {
        self.error_at(alias).map(|e| e.api_error(name))
    }
}

/// Why a query was not run: GraphQL is not to be used (no token, turned off, or the server has
/// no endpoint), or it failed.
pub enum QueryFailure {
    Unavailable,
    Api(ApiError),
}

impl From<ApiError> for QueryFailure {
    fn from(e: ApiError) -> Self {
        QueryFailure::Api(e)
    }
}

impl Client {
    /// Whether GraphQL queries are to be tried (a token, and an endpoint not known to be absent).
    pub fn uses_graphql(&self) -> bool {
        self.graphql_url.is_some() && !self.graphql_absent.load(Ordering::Relaxed)
    }

    /// Stops using GraphQL for the rest of the run, saying why once: REST collects what GraphQL
    /// would have.
    pub fn give_up_graphql(&self, why: &str) -> QueryFailure {
        if !self.graphql_absent.swap(true, Ordering::Relaxed) {
            tracing::warn!("{why}; collecting through REST instead");
        }
        QueryFailure::Unavailable
    }

    /// Runs the query `name` with the retry policy of a GET (a query changes nothing, so it is
    /// safe to send again). Errors that concern the whole query (the rate limit, a query GitHub
    /// could not run) fail it; errors of some of its fields are left in the answer.
    pub async fn query(&self, name: &str, query: &str, variables: Value) -> Result<Answer, QueryFailure> {
        let Some(url) = self.graphql_url.as_deref().filter(|_| self.uses_graphql()) else {
            return Err(QueryFailure::Unavailable);
        };
        let label = query_label(name);
        let body = json!({ "query": query, "variables": variables });
        let mut attempt = 1;
        loop {
            spent_budget(&self.graphql_budget, "POST", &label)?;
            let failure = match self.in_time(self.query_once(url, name, &body)).await {
                Ok(answer) => return Ok(answer),
                // 501: a server that takes no POST at all (a plain HTTP server, a REST-only double).
                Err(Failure::NotFound { .. } | Failure::Server { status: 501 }) if attempt == 1 => {
                    // An old or partial server (or a test double) without GraphQL: REST will do.
                    tracing::info!("no GraphQL endpoint at {}: collecting through REST", path_of(url));
                    self.graphql_absent.store(true, Ordering::Relaxed);
                    return Err(QueryFailure::Unavailable);
                }
                Err(Failure::Rejected { status, message }) => {
                    // A query this server does not take (an older Enterprise Server's schema, say):
                    // REST collects what GraphQL would have.
                    return Err(
                        self.give_up_graphql(&format!("GraphQL refused the {name} query ({status}: {message})"))
                    );
                }
                Err(failure) => failure,
            };
            let mut error = match self.back_off("POST", url, failure, &mut attempt, true).await {
                Ok(()) => continue,
                Err(e) => e,
            };
            if let Failure::Server { status } = error.failure
                && !self.graphql_answered.load(Ordering::Relaxed)
            {
                // GraphQL has not worked once this run (GitHub's GraphQL service down while REST is
                // up, or a server whose GraphQL is broken): REST can still give the audit.
                let tries = error.attempts;
                return Err(
                    self.give_up_graphql(&format!("GraphQL answered {status} to the {name} query ({tries} tries)"))
                );
            }
            error.uri = label;
            return Err(QueryFailure::Api(error));
        }
    }

    async fn query_once(&self, url: &str, name: &str, body: &Value) -> Result<Answer, Failure> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let request = format!("POST {} ({name} query)", path_of(url));
        let target: Uri = url.parse().map_err(|e| Failure::Transport(format!("{url} is not a URI: {e}")))?;
        let response = self.octo._post(target, Some(body)).await.map_err(|e| no_answer(&request, &e))?;
        let status = response.status();
        let rate = note_answer(&request, status, response.headers(), &self.graphql_budget, "GraphQL points");
        let headers = response.headers().clone();
        let limit = if status.is_success() { MAX_JSON_BYTES } else { MAX_ERROR_BYTES };
        let (bytes, capped) = read_capped(response.into_body(), limit).await.map_err(Failure::Transport)?;
        if !status.is_success() {
            return match classify(status, &headers, &bytes) {
                // GitHub also reports a spent GraphQL budget as a 403 whose body is a GraphQL answer.
                Failure::Forbidden(_) if rate_limited(&bytes) => Err(Failure::RateLimited(rate)),
                failure => Err(failure),
            };
        }
        if capped {
            return Err(Failure::Malformed(format!("the answer is larger than {} MiB", MAX_JSON_BYTES >> 20)));
        }
        let answer = parse_answer(&bytes)?;
        self.graphql_answered.store(true, Ordering::Relaxed);
        if answer.errors.iter().any(|e| e.kind.as_deref() == Some("RATE_LIMITED")) {
            return Err(Failure::RateLimited(rate.map(|r| RateLimit { remaining: 0, ..r })));
        }
        // Errors without a path concern the whole query (GitHub could not run it); data is then null.
        if let Some(whole) = answer.errors.iter().find(|e| e.path.is_empty()) {
            return Err(Failure::Rejected { status: StatusCode::OK.as_u16(), message: whole.message.clone() });
        }
        Ok(answer)
    }
}

/// Whether a refusal's body is GraphQL's rate-limit error.
fn rate_limited(body: &[u8]) -> bool {
    parse_answer(body).is_ok_and(|a| a.errors.iter().any(|e| e.kind.as_deref() == Some("RATE_LIMITED")))
}

fn parse_answer(bytes: &[u8]) -> Result<Answer, Failure> {
    #[derive(Deserialize)]
    struct Raw {
        #[serde(default)]
        data: Value,
        #[serde(default)]
        errors: Vec<QueryError>,
    }
    let raw: Raw = serde_json::from_slice(bytes).map_err(|e| {
        Failure::Malformed(if e.is_eof() {
            "the JSON ends too early (a truncated answer)".to_string()
        } else {
            format!("not a GraphQL answer: {e}")
        })
    })?;
    Ok(Answer { data: raw.data, errors: raw.errors })
}

/// A GraphQL string literal: JSON's escaping is valid GraphQL.
pub fn literal(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// A connection's paging state.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The cursor to ask for the next page with, when there is one.
    pub fn next(&self) -> Option<&str> {
        self.end_cursor.as_deref().filter(|_| self.has_next_page)
    }
}

/// A connection's nodes, with its paging state when asked for.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection<T> {
    #[serde(default = "Vec::new")]
    pub nodes: Vec<Option<T>>,
    pub page_info: Option<PageInfo>,
}

impl<T> Default for Connection<T> {
    fn default() -> Self {
        Connection { nodes: Vec::new(), page_info: None }
    }
}

impl<T> Connection<T> {
    pub fn items(self) -> impl Iterator<Item = T> {
        self.nodes.into_iter().flatten()
    }

    pub fn next(&self) -> Option<String> {
        self.page_info.as_ref().and_then(PageInfo::next).map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_kept_with_the_data_and_found_by_alias() {
        let answer = parse_answer(
            br#"{"data":{"repository":{"x":1},"dotGithub":null},"errors":[{"type":"NOT_FOUND","path":["dotGithub"],"message":"Could not resolve to a Repository with the name 'o/.github'."}]}"#,
        )
        .ok()
        .unwrap();
        assert!(answer.error_at("repository").is_none());
        let e = answer.error_at("dotGithub").unwrap();
        assert!(matches!(e.failure(), Failure::NotFound { status: 404, .. }));
    }

    #[test]
    fn a_truncated_answer_is_malformed() {
        assert!(matches!(parse_answer(br#"{"data":{"repos"#), Err(Failure::Malformed(m)) if m.contains("truncated")));
        assert!(rate_limited(br#"{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}"#));
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
