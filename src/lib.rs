//! cm-audit: audit a repository's community health.
//!
//! Data flows one way, assembled in [`audit`]:
//!
//! 1. [`collect`] lists the tree of a source (a checkout, or GitHub) and reads its config file;
//! 2. the [`engine`] loads the rules with that config and says what they need
//!    ([`engine::needs::DataNeeds`]: documents to read and follow, labels, API data);
//! 3. [`collect`] gathers that, and nothing else, into a [`snapshot::Snapshot`] (it never sees a
//!    rule; [`documents`] tells it which files a kind of document may be and where they lead);
//! 4. the [`engine`] evaluates every rule on the snapshot with no I/O, measuring the figures
//!    (newcomers) once ([`engine::evaluation::Evaluation`]);
//! 5. [`report`] builds a [`report::Report`] from the evaluation, carrying the rules' metadata its
//!    renderers need, and renders it (text, JSON, markdown, HTML, SARIF).
//!
//! `--from` skips steps 1 to 3 with a saved snapshot; [`action`] and [`org`] run the same steps.

pub mod action;
pub mod audit;
pub mod cli;
pub mod collect;
pub mod documents;
pub mod dynamics;
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
