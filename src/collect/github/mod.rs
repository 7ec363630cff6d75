//! Collection through the GitHub REST API (octocrab), with the fewest requests the data allows.
//! The request plan and the token permissions are documented in docs/github.md.

mod activity;
mod cache;
mod client;
mod errors;
mod files;
mod graphql;
mod owner;
mod repository;
mod rest;
mod window;
mod write;

use std::path::PathBuf;
use std::time::Duration;

use chrono::TimeDelta;

use crate::newcomers::Policy;

pub use cache::Cache;
pub use client::{Client, Page};
pub use errors::{ApiError, Failure, Permission, RateLimit};
pub use owner::{Budgets, ListedRepo, Owner, rate_limits, repositories};
pub use repository::{FilesFrom, GithubCollection, OwnerFiles, with_files_at};

/// The public API; GitHub Enterprise Server's is `https://HOST/api/v3`.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// Ten years: more is a typo, and would reach past any repository's history.
const MAX_WINDOW_DAYS: i64 = 3650;

/// How to reach GitHub and what to collect.
#[derive(Debug, Clone)]
pub struct GithubOptions {
    pub api_url: String,
    /// Never printed nor logged.
    pub token: Option<String>,
    /// Issues and pull requests created this long before the audit time are collected
    /// (by default the newcomer figures' window, `Policy::DEFAULT_WINDOW`).
    pub window: TimeDelta,
    /// The longest wait for a connection or for the next bytes of an answer.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// The conditional-request cache's folder; `None`: no cache.
    pub cache_dir: Option<PathBuf>,
    /// GitHub's GraphQL endpoint, used with a token for what REST needs many requests for;
    /// `None`: REST only (as without a token, since GraphQL needs one).
    pub graphql_url: Option<String>,
}

/// Bounded retries: 5xx answers and transport failures back off exponentially; secondary rate
/// limits wait as long as GitHub asks, when that is no longer than `max_wait`.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Tries per request, the first included.
    pub attempts: u32,
    /// The first backoff; each retry doubles it.
    pub backoff: Duration,
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { attempts: 3, backoff: Duration::from_secs(1), max_wait: Duration::from_secs(120) }
    }
}

impl GithubOptions {
    /// Options with the defaults; an empty `api_url` (an unset variable passed on) is the public API.
    pub fn new(api_url: &str, token: Option<String>) -> GithubOptions {
        let api_url = match api_url.trim().trim_end_matches('/') {
            "" => DEFAULT_API_URL,
            url => url,
        };
        GithubOptions {
            api_url: api_url.to_string(),
            token,
            // The window the newcomer figures measure by default, so that the two always agree.
            window: Policy::DEFAULT_WINDOW,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            cache_dir: None,
            graphql_url: Some(graphql_url_for(api_url)),
        }
    }

    /// The API's URL as reports, snapshots, logs and errors show it: without the credentials a
    /// URL can carry (`https://user:token@host`).
    pub fn api_shown(&self) -> String {
        without_credentials(&self.api_url)
    }
}

fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if scheme.is_empty() => rest[at + 1..].to_string(),
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// The GraphQL endpoint beside a REST base URL: `https://api.github.com/graphql`, and
/// `https://HOST/api/graphql` for GitHub Enterprise Server's `https://HOST/api/v3`. Derived rather
/// than read from `GITHUB_GRAPHQL_URL`, so that the two can never point at different servers.
pub fn graphql_url_for(api_url: &str) -> String {
    match api_url.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{api_url}/graphql"),
    }
}

/// The token: the flag's, else `GITHUB_TOKEN`, else `GH_TOKEN`; an empty value counts as none
/// (Actions passes empty inputs).
pub fn token_from(flag: Option<String>, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let usable = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    usable(flag).or_else(|| usable(env("GITHUB_TOKEN"))).or_else(|| usable(env("GH_TOKEN")))
}

/// Parses a window such as `90d`, `12w` or `48h`.
pub fn parse_window(s: &str) -> Result<TimeDelta, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a window: expected a number and a unit, e.g. 90d, 12w, 48h"))?;
    let window = match unit {
        "d" => TimeDelta::try_days(n),
        "w" => TimeDelta::try_weeks(n),
        "h" => TimeDelta::try_hours(n),
        _ => return Err(format!("`{s}`: the unit must be d (days), w (weeks) or h (hours)")),
    };
    window
        .filter(|w| *w > TimeDelta::zero() && *w <= TimeDelta::days(MAX_WINDOW_DAYS))
        .ok_or_else(|| format!("`{s}` is not a usable window: from 1h to {MAX_WINDOW_DAYS}d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_in_days_weeks_and_hours() {
        assert_eq!(parse_window("90d"), Ok(TimeDelta::days(90)));
        assert_eq!(parse_window("2w"), Ok(TimeDelta::days(14)));
        assert_eq!(parse_window("48h"), Ok(TimeDelta::hours(48)));
        for bad in ["", "d", "90", "90y", "0d", "-3d", "99999999999d"] {
            assert!(parse_window(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_empty_api_url_is_the_public_api() {
        assert_eq!(GithubOptions::new("", None).api_url, DEFAULT_API_URL);
        assert_eq!(GithubOptions::new("https://ghe.example/api/v3/", None).api_url, "https://ghe.example/api/v3");
    }

    #[test]
    fn the_url_shown_carries_no_credentials() {
        let shown = |url: &str| GithubOptions::new(url, None).api_shown();
        assert_eq!(shown("https://robot:s3cret@ghe.example/api/v3"), "https://ghe.example/api/v3");
        assert_eq!(shown("http://token@127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(shown("https://ghe.example/api/v3?x=a@b"), "https://ghe.example/api/v3?x=a@b");
        assert_eq!(shown(DEFAULT_API_URL), DEFAULT_API_URL);
    }

    #[test]
    fn the_graphql_endpoint_sits_beside_the_rest_one() {
        assert_eq!(graphql_url_for(DEFAULT_API_URL), "https://api.github.com/graphql");
        assert_eq!(graphql_url_for("https://ghe.example/api/v3"), "https://ghe.example/api/graphql");
        assert_eq!(graphql_url_for("http://127.0.0.1:8080"), "http://127.0.0.1:8080/graphql");
    }

    #[test]
    fn token_order_is_flag_then_github_token_then_gh_token() {
        let env = |k: &str| match k {
            "GITHUB_TOKEN" => Some("".to_string()),
            "GH_TOKEN" => Some("gh".to_string()),
            _ => None,
        };
        assert_eq!(token_from(None, env).as_deref(), Some("gh"));
        assert_eq!(token_from(Some("flag".into()), env).as_deref(), Some("flag"));
        assert_eq!(token_from(Some(" ".into()), env).as_deref(), Some("gh"));
        assert_eq!(token_from(None, |_| None), None);
    }
}
