//! cm-audit: audit a repository's community health.
//!
//! Data flows one way: [`collect`] fills a [`snapshot::Snapshot`], the [`engine`] evaluates the
//! rules on it with no I/O, and [`report`] renders the findings.

pub mod action;
pub mod audit;
pub mod cli;
pub mod collect;
pub mod documents;
pub mod engine;
pub mod error;
pub mod explain;
pub mod fix;
pub mod logging;
pub mod newcomers;
pub mod org;
pub mod plain_text;
pub mod repo_ref;
pub mod report;
pub mod snapshot;
pub mod target;
