//! What a failed GitHub request means, and the one-line error a person reads for it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};

use crate::error::Error;

/// The permission a fine-grained token needs for a kind of request (documented in docs/github.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Metadata,
    Contents,
    Issues,
    PullRequests,
    Discussions,
}

impl Permission {
    fn name(self) -> &'static str {
        match self {
            Permission::Metadata => "Metadata",
            Permission::Contents => "Contents",
            Permission::Issues => "Issues",
            Permission::PullRequests => "Pull requests",
            Permission::Discussions => "Discussions",
        }
    }
}

/// The furthest a reset can be: GitHub's rate-limit window is an hour; five minutes more allow
/// for a clock apart from GitHub's.
const LONGEST_RESET_SECS: i64 = 3600 + 300;

/// GitHub's primary rate-limit state, from the `x-ratelimit-*` headers of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: u64,
    /// When the budget is refilled (seconds since the epoch).
    pub reset: Option<i64>,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let number =
            |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
        Some(RateLimit {
            remaining: u64::try_from(number("x-ratelimit-remaining")?).ok()?,
            limit: number("x-ratelimit-limit").and_then(|n| u64::try_from(n).ok()),
            reset: number("x-ratelimit-reset"),
        })
    }

    /// The reset, when it is one GitHub gives: within the hour its window lasts (five minutes
    /// more for clocks apart). A later one is a server's mistake, not a time to wait for.
    pub fn plausible_reset(&self) -> Option<i64> {
        self.reset.filter(|r| r - Utc::now().timestamp() <= LONGEST_RESET_SECS)
    }

    pub fn has_reset(&self) -> bool {
        self.plausible_reset().is_none_or(|r| Utc::now().timestamp() >= r)
    }

    /// The error for a budget too small for the requests still to make.
    pub fn too_low(&self, need: usize, anonymous: bool) -> Error {
        Error::RateLimit(format!(
            "GitHub's API rate limit has {} requests left, and this audit needs at least {need}; {}{}",
            self.remaining,
            self.reset_phrase(),
            token_hint(anonymous)
        ))
    }

    /// "it resets at 10:42:00 UTC, in 37 minutes".
    pub fn reset_phrase(&self) -> String {
        match (self.reset, self.plausible_reset().and_then(|r| DateTime::<Utc>::from_timestamp(r, 0))) {
            (_, Some(at)) => {
                let minutes = (at - Utc::now()).num_minutes().max(0) + 1;
                format!("it resets at {} UTC, in about {minutes} min", at.format("%Y-%m-%d %H:%M:%S"))
            }
            (Some(reset), None) => format!(
                "the server says it resets at {reset} (seconds since 1970), which is not a reset GitHub gives: \
                 its limits reset within the hour"
            ),
            (None, None) => "GitHub did not say when it resets".to_string(),
        }
    }
}

fn token_hint(anonymous: bool) -> &'static str {
    if anonymous { "; a token (GITHUB_TOKEN or --token) allows 5,000 an hour" } else { "" }
}

/// Why one request failed, as far as the answer tells.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// 404 or 410: absent, or not visible with this token.
    NotFound {
        status: u16,
        message: String,
    },
    /// 409: what GitHub answers on git endpoints of an empty repository.
    Conflict(String),
    /// 401: the token is wrong or expired.
    Unauthorized(String),
    /// 403 without any rate-limit sign: the token lacks a permission.
    Forbidden(String),
    /// 403 or 429 with the budget spent.
    RateLimited(Option<RateLimit>),
    /// 403 or 429 from a secondary (abuse) limit, with how long GitHub asks to wait.
    SecondaryLimit {
        retry_after: Option<Duration>,
    },
    Server {
        status: u16,
    },
    /// Any other refusal (422 and the like).
    Rejected {
        status: u16,
        message: String,
    },
    /// No answer: connection refused or reset, timeout, a body cut off.
    Transport(String),
    /// An answer that is not the JSON expected.
    Malformed(String),
}

impl Failure {
    /// A few words for the retry log.
    pub fn short(&self) -> String {
        match self {
            Failure::Server { status } => format!("status {status}"),
            Failure::SecondaryLimit { .. } => "secondary rate limit".into(),
            Failure::Transport(why) => why.clone(),
            Failure::Rejected { status, message } => format!("{status}: {message}"),
            other => format!("{other:?}"),
        }
    }
}

/// Classifies a non-success answer from its status, headers and (capped) body.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Failure {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_string());
    let code = status.as_u16();
    match code {
        401 => Failure::Unauthorized(message),
        403 | 429 => {
            let rate = RateLimit::from_headers(headers);
            let retry_after = headers
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            if rate.as_ref().is_some_and(|r| r.remaining == 0) {
                Failure::RateLimited(rate)
            } else if retry_after.is_some()
                || code == 429
                || message.to_ascii_lowercase().contains("secondary rate limit")
            {
                Failure::SecondaryLimit { retry_after }
            } else {
                Failure::Forbidden(message)
            }
        }
        404 | 410 => Failure::NotFound { status: code, message },
        409 => Failure::Conflict(message),
        500..=599 => Failure::Server { status: code },
        _ => Failure::Rejected { status: code, message },
    }
}

/// A request that failed for good (after the retries the policy allows).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// `GET`, `POST` or `PATCH`.
    pub method: &'static str,
    /// The request's path and query.
    pub uri: String,
    pub failure: Failure,
    pub attempts: u32,
}

impl ApiError {
    /// Why an optional kind of data cannot be had with this token, when that is all it is
    /// (no permission, disabled, absent); `None` when the failure must stop the audit.
    pub fn unavailable_reason(&self, permission: Permission) -> Option<String> {
        match &self.failure {
            Failure::Forbidden(message) => Some(format!(
                "GitHub refused to list it (403: {message}); the token needs the {} read permission",
                permission.name()
            )),
            Failure::NotFound { status, message } => Some(format!("GitHub does not serve it ({status}: {message})")),
            _ => None,
        }
    }

    /// The error a person reads, naming what was being read (`what`).
    pub fn into_error(self, what: &str, permission: Permission, anonymous: bool) -> Error {
        let ApiError { method, uri, failure, attempts } = self;
        match failure {
            Failure::NotFound { .. } => Error::NotFound(if anonymous {
                format!(
                    "{what} was not found, or is private: set GITHUB_TOKEN or pass --token to see private repositories"
                )
            } else {
                format!("{what} was not found, or is not visible with this token")
            }),
            Failure::Unauthorized(message) => Error::Auth(format!(
                "GitHub rejected the token (401: {message}): check --token, GITHUB_TOKEN or GH_TOKEN"
            )),
            Failure::Forbidden(message) => Error::Auth(format!(
                "GitHub refused to read {what} (403: {message}): the token needs the {} read permission",
                permission.name()
            )),
            Failure::RateLimited(rate) => {
                let reset = rate
                    .as_ref()
                    .map_or_else(|| "GitHub did not say when it resets".to_string(), RateLimit::reset_phrase);
                let limit = rate.and_then(|r| r.limit).map_or_else(String::new, |l| format!(" ({l} requests an hour)"));
                Error::RateLimit(format!("GitHub's API rate limit is spent{limit}; {reset}{}", token_hint(anonymous)))
            }
            Failure::SecondaryLimit { retry_after } => Error::RateLimit(format!(
                "GitHub's secondary rate limit refused {method} {uri} after {attempts} tries{}; try again in a few minutes",
                retry_after.map_or_else(String::new, |w| format!(" (it asks to wait {} s)", w.as_secs()))
            )),
            Failure::Server { status } => Error::Network(format!(
                "GitHub answered {status} to {method} {uri} ({attempts} tries); try again later"
            )),
            Failure::Conflict(message) | Failure::Rejected { message, .. } => {
                Error::Network(format!("GitHub refused {method} {uri}: {message}"))
            }
            Failure::Transport(why) => Error::Network(format!(
                "no answer from the GitHub API for {method} {uri}: {why} ({attempts} tries); check --api-url and the network"
            )),
            Failure::Malformed(why) => Error::Network(format!("GitHub's answer to {method} {uri} is unusable: {why}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_403_with_the_budget_spent_is_the_primary_limit() {
        let h = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-reset", "1900000000"),
        ]);
        let f = classify(StatusCode::FORBIDDEN, &h, br#"{"message":"API rate limit exceeded"}"#);
        assert_eq!(
            f,
            Failure::RateLimited(Some(RateLimit { limit: Some(60), remaining: 0, reset: Some(1_900_000_000) }))
        );
    }

    #[test]
    fn retry_after_or_the_message_marks_a_secondary_limit() {
        let h = headers(&[("x-ratelimit-remaining", "4000"), ("retry-after", "7")]);
        assert_eq!(
            classify(StatusCode::FORBIDDEN, &h, b"{}"),
            Failure::SecondaryLimit { retry_after: Some(Duration::from_secs(7)) }
        );
        let by_message = classify(
            StatusCode::FORBIDDEN,
            &HeaderMap::new(),
            br#"{"message":"You have exceeded a secondary rate limit."}"#,
        );
        assert_eq!(by_message, Failure::SecondaryLimit { retry_after: None });
    }

    #[test]
    fn a_403_without_rate_limit_signs_is_a_missing_permission() {
        let h = headers(&[("x-ratelimit-remaining", "4999")]);
        let f = classify(StatusCode::FORBIDDEN, &h, br#"{"message":"Resource not accessible by integration"}"#);
        assert_eq!(f, Failure::Forbidden("Resource not accessible by integration".into()));
        let e = ApiError { method: "GET", uri: "/repos/a/b/issues".into(), failure: f, attempts: 1 };
        assert!(e.unavailable_reason(Permission::Issues).unwrap().contains("Issues read permission"));
    }

    #[test]
    fn a_body_that_is_not_json_still_gives_a_message() {
        assert_eq!(
            classify(StatusCode::NOT_FOUND, &HeaderMap::new(), b"<html>"),
            Failure::NotFound { status: 404, message: "Not Found".into() }
        );
    }
}
