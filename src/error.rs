//! The library's errors, and the exit code each maps to.

use crate::engine::RuleError;

/// Exit statuses, documented in the README.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    /// The audit ran, and the user's policy (`--fail-under`) failed.
    pub const POLICY: u8 = 1;
    /// Bad arguments or a bad config file.
    pub const USAGE: u8 = 2;
    /// Something could not be read or written (the checkout, a snapshot file).
    pub const RUNTIME: u8 = 3;
    /// The repository does not exist or is not visible with this token.
    pub const NOT_FOUND: u8 = 4;
    /// The token is missing, invalid or lacks a permission.
    pub const AUTH: u8 = 5;
    /// GitHub's rate limit is exhausted.
    pub const RATE_LIMIT: u8 = 6;
    /// The network or the API failed (connection, timeout, 5xx, malformed answer).
    pub const NETWORK: u8 = 7;
    /// A monthly report's period is malformed, in the future, or not covered by the data.
    pub const PERIOD: u8 = 8;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error("invalid config: {0}")]
    Config(#[from] RuleError),
    #[error("{0}")]
    Runtime(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Auth(String),
    #[error("{0}")]
    RateLimit(String),
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    Period(String),
}

impl Error {
    /// The same error with `context` before its message (a config error keeps its own words).
    pub fn in_context(self, context: &str) -> Error {
        match self {
            Error::Usage(m) => Error::Usage(format!("{context}{m}")),
            Error::Config(e) => Error::Config(e),
            Error::Runtime(m) => Error::Runtime(format!("{context}{m}")),
            Error::NotFound(m) => Error::NotFound(format!("{context}{m}")),
            Error::Auth(m) => Error::Auth(format!("{context}{m}")),
            Error::RateLimit(m) => Error::RateLimit(format!("{context}{m}")),
            Error::Network(m) => Error::Network(format!("{context}{m}")),
            Error::Period(m) => Error::Period(format!("{context}{m}")),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Config(_) => exit::USAGE,
            Error::Runtime(_) => exit::RUNTIME,
            Error::NotFound(_) => exit::NOT_FOUND,
            Error::Auth(_) => exit::AUTH,
            Error::RateLimit(_) => exit::RATE_LIMIT,
            Error::Network(_) => exit::NETWORK,
            Error::Period(_) => exit::PERIOD,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
