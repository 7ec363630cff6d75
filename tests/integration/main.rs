//! The integration tests, as one test binary: each module runs the real `cm-audit` binary (against
//! fixture checkouts or the fake GitHub in `support`) or renders reports for snapshots. One binary
//! links the crate and the fake GitHub once instead of once per file, which keeps a clean build
//! small on disk and quick to link.

mod common;
mod support;

mod action_files;
mod action_run;
mod api_audit;
mod api_dynamics;
mod api_dynamics_figures;
mod api_faults;
mod api_newcomers;
mod api_requests;
mod api_schema;
mod cache_requests;
mod checkout_edges;
mod cli;
mod config;
mod corpus;
mod fix_files;
mod fix_github;
mod graphql_fake;
mod local_audit;
mod monthly_report;
mod newcomer_report;
mod org_audit;
mod readme_sample;
mod render_dynamics;
mod render_formats;
mod render_safety;
mod report_snapshots;
mod rules;
mod security;
mod target_resolution;
mod unreadable_input;
