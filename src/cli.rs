//! The command line: clap types and dispatch.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::audit::{self, ExternalConfig};
use crate::collect::github::{self, GithubOptions};
use crate::collect::local::Ownership;
use crate::dynamics::{self, Bucket};
use crate::engine::RuleSet;
use crate::error::{Error, Result, exit};
use crate::explain;
use crate::fix;
use crate::logging;
use crate::org::{self, OrgOptions};
use crate::report::monthly::{MonthlyView, Period};
use crate::report::{self, Format, RenderOptions, Report};
use crate::target::{self, Target};

#[derive(Debug, Parser)]
#[command(
    name = "cm-audit",
    version,
    about = "Audit a repository's community health and say what a community manager would fix first",
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 audited, 1 below --fail-under, 2 usage or config error, 3 cannot read input, \
                  4 repository not found, 5 token missing or lacking permission, 6 rate limited, 7 network or API failure, \
                  8 `report --period` malformed, in the future or not covered by the data."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    audit: AuditArgs,
}

/// How a report is rendered: by an audit, or again from a saved one.
#[derive(Debug, clap::Args)]
struct RenderArgs {
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Render markdown or HTML with this minijinja template instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Show what changed since a previous `--format json` report (markdown and HTML).
    #[arg(long, value_name = "FILE")]
    compare: Option<PathBuf>,
}

impl RenderArgs {
    /// The options, with the template and the report to compare with read (before any collection:
    /// a wrong path should not cost the API budget).
    fn options(&self) -> Result<RenderOptions> {
        RenderOptions::read(self.format, self.template.as_deref(), self.compare.as_deref())
    }
}

/// How the community dynamics are measured (docs/dynamics.md).
#[derive(Debug, Clone, Copy, clap::Args)]
struct DynamicsArgs {
    /// Keep the logins of who carries the project in the JSON report (markdown and HTML never show them).
    #[arg(long)]
    people: bool,
    /// The trends' buckets.
    #[arg(long, value_enum, value_name = "BUCKET", default_value_t = Bucket::Month)]
    by: Bucket,
}

impl DynamicsArgs {
    fn settings(self, span: Option<crate::dynamics::Span>) -> dynamics::Settings {
        dynamics::Settings { span, bucket: self.by, name_people: self.people }
    }
}

#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// A checkout's folder (default `.`), or OWNER/REPO, or https://github.com/OWNER/REPO.
    target: Option<String>,
    /// Audit a snapshot saved by `cm-audit snapshot` instead of collecting.
    #[arg(long, value_name = "FILE", conflicts_with = "target")]
    from: Option<PathBuf>,
    #[command(flatten)]
    render: RenderArgs,
    #[command(flatten)]
    dynamics: DynamicsArgs,
    /// Exit with status 1 when the overall score is below this (0-100).
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u8).range(0..=100))]
    fail_under: Option<u8>,
    /// Run from a sub-folder of a checkout, audit that folder alone, not the repository root.
    #[arg(long)]
    no_root: bool,
    #[command(flatten)]
    org: OrgArgs,
    #[command(flatten)]
    network: Network,
    #[command(flatten)]
    common: Common,
}

/// Auditing every repository of an owner (docs/github.md).
#[derive(Debug, clap::Args)]
struct OrgArgs {
    /// Audit every repository of this organisation that the token can see.
    #[arg(long, value_name = "ORG", group = "owner", conflicts_with_all = ["target", "from"])]
    org: Option<String>,
    /// Audit every repository of this user.
    #[arg(long, value_name = "USER", group = "owner", conflicts_with_all = ["target", "from"])]
    user: Option<String>,
    /// Audit forks too.
    #[arg(long, requires = "owner")]
    include_forks: bool,
    /// Audit archived repositories too.
    #[arg(long, requires = "owner")]
    include_archived: bool,
    /// Only repositories whose name matches this glob (`lib-*`).
    #[arg(long = "match", value_name = "GLOB", requires = "owner", value_parser = parse_glob)]
    matching: Option<globset::GlobMatcher>,
    /// Repositories audited at once.
    #[arg(long, value_name = "N", default_value_t = org::DEFAULT_JOBS, value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,
    /// When the rate limit runs out, wait for its reset instead of stopping.
    #[arg(long, requires = "owner")]
    wait: bool,
}

impl OrgArgs {
    fn options(&self) -> Option<OrgOptions> {
        let owner = match (&self.org, &self.user) {
            (Some(org), _) => github::Owner::Organisation(org.clone()),
            (None, Some(user)) => github::Owner::User(user.clone()),
            (None, None) => return None,
        };
        Some(OrgOptions {
            owner,
            include_forks: self.include_forks,
            include_archived: self.include_archived,
            matching: self.matching.clone(),
            jobs: usize::from(self.jobs),
            wait: self.wait,
        })
    }
}

fn parse_glob(glob: &str) -> std::result::Result<globset::GlobMatcher, String> {
    globset::Glob::new(glob).map(|g| g.compile_matcher()).map_err(|e| e.to_string())
}

/// What every command takes, `rules` and `explain` included.
#[derive(Debug, Clone, clap::Args)]
struct Common {
    /// Config file (default: `.github/cm-audit.toml` or `cm-audit.toml` in the audited tree).
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// The time the audit is taken at (RFC 3339), for reproducible reports.
    #[arg(long, env = "CM_AUDIT_NOW", hide = true, global = true)]
    now: Option<DateTime<Utc>>,
}

/// How to reach GitHub: for the commands that may (an audit, `snapshot`, `action`), not for
/// `rules` and `explain`, whose help would otherwise list them.
#[derive(Debug, Clone, clap::Args)]
struct Network {
    /// GitHub token (default: $GITHUB_TOKEN, then $GH_TOKEN); without one, GitHub allows 60 requests an hour.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// GitHub API base URL; GitHub Enterprise Server's is https://HOST/api/v3.
    #[arg(long, value_name = "URL", env = "GITHUB_API_URL", default_value = github::DEFAULT_API_URL)]
    api_url: String,
    /// How far back to collect issues and pull requests: 90d, 12w, 48h [default: 90d].
    #[arg(long, value_name = "DURATION", value_parser = github::parse_window)]
    window: Option<chrono::TimeDelta>,
    /// Seconds to wait for GitHub to connect or to go on answering; a whole answer may take 4 times that.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Log each GitHub API request (method, path, status, rate limit left) to stderr.
    #[arg(short, long)]
    verbose: bool,
    /// First backoff before retrying a failed request (tests shorten it).
    #[arg(long, env = "CM_AUDIT_RETRY_BACKOFF_MS", default_value_t = 1000, hide = true)]
    retry_backoff_ms: u64,
    /// The longest wait a secondary rate limit may ask for before cm-audit gives up.
    #[arg(long, env = "CM_AUDIT_MAX_WAIT_SECS", default_value_t = 120, hide = true)]
    max_wait_secs: u64,
    /// Where GitHub's answers are kept to revalidate them (default: $XDG_CACHE_HOME/cm-audit, else ~/.cache/cm-audit).
    #[arg(long, value_name = "DIR", env = "CM_AUDIT_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// Keep no answers and send no conditional requests.
    #[arg(long)]
    no_cache: bool,
    /// Collect through the REST API only, without GraphQL (which needs a token, and has its own budget).
    #[arg(long, env = "CM_AUDIT_REST_ONLY")]
    rest_only: bool,
}

impl Network {
    fn github_options(&self) -> GithubOptions {
        let token = github::token_from(self.token.clone(), |k| std::env::var(k).ok());
        let mut opts = GithubOptions::new(&self.api_url, token);
        if let Some(window) = self.window {
            opts.window = window;
        }
        opts.timeout = Duration::from_secs(self.timeout);
        opts.retry.backoff = Duration::from_millis(self.retry_backoff_ms);
        opts.retry.max_wait = Duration::from_secs(self.max_wait_secs);
        if self.rest_only {
            opts.graphql_url = None;
        }
        opts.cache_dir = match self.no_cache {
            true => None,
            false => self.cache_dir.clone().or_else(|| github::Cache::default_dir(|k| std::env::var(k).ok())),
        };
        opts
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every rule: id, responsibility, severity, title.
    Rules {
        #[arg(short, long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Say why a rule matters, what it looks for and how to fix it.
    Explain {
        /// The rule's id, as `cm-audit rules` lists it.
        rule: String,
    },
    /// Collect a repository and print its snapshot as JSON, to audit later with `--from`.
    Snapshot {
        /// A checkout's folder (default `.`) or OWNER/REPO.
        target: Option<String>,
        /// Run from a sub-folder of a checkout, collect that folder alone, not the repository root.
        #[arg(long)]
        no_root: bool,
        #[command(flatten)]
        network: Network,
    },
    /// Render a report saved with `--format json` again: as text, markdown or HTML, with a template or
    /// a comparison, without auditing again.
    Render {
        /// The saved report.
        report: PathBuf,
        #[command(flatten)]
        render: RenderArgs,
        /// Keep the logins of who carries the project, when the saved report has them (JSON only).
        #[arg(long)]
        people: bool,
    },
    /// The monthly community report, in markdown ready to post: new contributors welcomed, the
    /// community's figures, releases, and the gaps fixed and opened since a previous report.
    Report(MonthlyArgs),
    /// Write the missing community files from templates filled from the tree; a dry run unless --write (docs/fix.md).
    Fix(FixArgs),
    /// Run as the GitHub Action: inputs from `INPUT_*`, the run from `GITHUB_*` (docs/action.md).
    Action {
        #[command(flatten)]
        network: Network,
    },
}

#[derive(Debug, clap::Args)]
struct FixArgs {
    /// A checkout's folder (default `.`), or OWNER/REPO (a dry run, or --labels).
    target: Option<String>,
    /// Write the files into the checkout (never over a file that is there).
    #[arg(long)]
    write: bool,
    /// Fix only these rules (ids as `cm-audit rules` lists them).
    #[arg(long, value_name = "RULE", num_args = 1..)]
    only: Vec<String>,
    /// Use the templates in this folder instead of the built-in ones of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Create the missing welcoming labels (good first issue, help wanted) of OWNER/REPO instead.
    #[arg(long, conflicts_with_all = ["write", "only", "templates"])]
    labels: bool,
    /// With --labels: create them (without it, say which would be created).
    #[arg(long, requires = "labels")]
    apply: bool,
    /// Run from a sub-folder of a checkout, fix that folder alone, not the repository root.
    #[arg(long)]
    no_root: bool,
    #[command(flatten)]
    network: Network,
}

#[derive(Debug, clap::Args)]
struct MonthlyArgs {
    /// OWNER/REPO, or https://github.com/OWNER/REPO.
    target: Option<String>,
    /// The month: YYYY-MM (UTC), last-month, or this-month (so far).
    #[arg(long, value_name = "MONTH")]
    period: String,
    /// Report on a snapshot saved by `cm-audit snapshot` instead of collecting (offline).
    #[arg(long, value_name = "FILE", conflicts_with = "target")]
    from: Option<PathBuf>,
    /// A previous `--format json` report: its figures beside this month's, and the gaps fixed and opened since.
    #[arg(long, value_name = "FILE")]
    compare: Option<PathBuf>,
    #[arg(short, long, value_enum, default_value_t = MonthlyFormat::Markdown)]
    format: MonthlyFormat,
    #[command(flatten)]
    dynamics: DynamicsArgs,
    #[command(flatten)]
    network: Network,
}

/// The monthly report's forms: to post, or to keep and compare with next month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MonthlyFormat {
    Markdown,
    /// The month's whole report, to compare with next month (`--compare`) or render again.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Markdown,
}

/// Parses the arguments, runs, and returns the process's exit status.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::USAGE } else { exit::SUCCESS };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote config, repository and server text: one line, whatever it holds.
            eprintln!("error: {}", crate::plain_text::flatten(&e.to_string()));
            e.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<u8> {
    let common = cli.audit.common.clone();
    let now = common.now.unwrap_or_else(Utc::now);
    let external = common.config.as_deref().map(ExternalConfig::read).transpose()?;
    match cli.command {
        Some(Command::Rules { format }) => {
            let rules = rules_only(external.as_ref())?;
            let text = match format {
                RulesFormat::Text => explain::list(&rules),
                RulesFormat::Markdown => explain::reference_markdown(&rules),
            };
            print(&text)?;
            Ok(exit::SUCCESS)
        }
        Some(Command::Explain { rule }) => {
            let rules = rules_only(external.as_ref())?;
            let r = explain::find(&rules, &rule).map_err(Error::Usage)?;
            print(&explain::explain(&rules, r))?;
            Ok(exit::SUCCESS)
        }
        Some(Command::Snapshot { target, no_root, network }) => {
            let (snap, _) = collect(target.as_deref(), no_root, &network, external.as_ref(), now)?;
            let json = serde_json::to_string_pretty(&snap).map_err(|e| Error::Runtime(e.to_string()))?;
            print(&format!("{json}\n"))?;
            Ok(exit::SUCCESS)
        }
        Some(Command::Render { report, render, people }) => {
            if render.format == Format::Sarif {
                return Err(Error::Usage(
                    "a saved report keeps no rule descriptions, which SARIF needs: audit again with --format sarif"
                        .into(),
                ));
            }
            let options = render.options()?;
            let mut saved = report::compare::read_saved(&report, "the report to render")?;
            if !people {
                saved.forget_people();
            }
            print(&report::render(&saved, &options)?)?;
            Ok(exit::SUCCESS)
        }
        Some(Command::Fix(args)) => fix_cmd(args, external.as_ref(), now),
        Some(Command::Report(args)) => monthly_cmd(args, external.as_ref(), now),
        Some(Command::Action { network }) => {
            // A workflow's token changes on every run and ETags are per token: a cache would only
            // write files that are never read again.
            let opts = GithubOptions { cache_dir: None, ..network.github_options() };
            crate::action::run(opts, now)
        }
        None => audit_cmd(cli.audit, external.as_ref(), now),
    }
}

fn rules_only(external: Option<&ExternalConfig>) -> Result<RuleSet> {
    match external {
        Some(c) => Ok(RuleSet::load(Some((&c.name, &c.text)))?),
        None => Ok(RuleSet::builtin()),
    }
}

/// Collects what the user named. Run from a sub-folder of a checkout (no target, or `.`), the
/// repository root is audited, as git and cargo find theirs, unless `no_root`.
fn collect(
    target: Option<&str>,
    no_root: bool,
    network: &Network,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(crate::snapshot::Snapshot, RuleSet)> {
    let input = target.unwrap_or(".");
    let cwd = std::env::current_dir().map_err(|e| Error::Runtime(format!("cannot read the current folder: {e}")))?;
    match Target::resolve(input, &cwd)? {
        Target::Folder(folder) => {
            say_what_has_no_effect_on_a_checkout(network);
            collect_folder(&folder, input == "." && !no_root, external, now)
        }
        Target::Github { repo, bare } => {
            logging::init(network.verbose);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Runtime(format!("cannot start the async runtime: {e}")))?;
            let opts = network.github_options();
            let collected = runtime.block_on(async {
                let client = github::Client::new(&opts)?;
                client.say_if_anonymous();
                let owner_files = github::OwnerFiles::default();
                audit::github(&client, &owner_files, &opts, &repo, github::FilesFrom::DefaultBranch, external, now)
                    .await
            });
            // `OWNER/REPO` as typed may have been meant as a folder: say that it is not one.
            if bare {
                collected.map_err(|e| e.in_context(&format!("{input} is not a folder; as OWNER/REPO: ")))
            } else {
                collected
            }
        }
    }
}

/// `--window` and `-v` are about the API; on a checkout they would silently do nothing.
fn say_what_has_no_effect_on_a_checkout(network: &Network) {
    let given: Vec<&str> = [(network.window.is_some(), "--window"), (network.verbose, "-v")]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect();
    if !given.is_empty() {
        let (flags, have, they_are) = match given.as_slice() {
            [one] => (one.to_string(), "has", "it is"),
            many => (many.join(" and "), "have", "they are"),
        };
        eprintln!(
            "cm-audit: {flags} {have} no effect on a checkout: {they_are} about the GitHub API (audit OWNER/REPO)"
        );
    }
}

/// A checkout's folder, or its repository root when `from_root` and the folder is below it.
fn collect_folder(
    folder: &std::path::Path,
    from_root: bool,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<(crate::snapshot::Snapshot, RuleSet)> {
    match target::repository_root(folder).filter(|_| from_root) {
        Some((root, shown)) => {
            let (mut snap, rules) = audit::checkout(&root, Ownership::Checked, external, now)?;
            snap.sources.local_tree = Some(shown.clone());
            snap.sources.notes.insert(
                0,
                format!("audited the repository root {shown} (the nearest folder with .git above .); --no-root audits . alone"),
            );
            Ok((snap, rules))
        }
        None => audit::checkout(folder, Ownership::Checked, external, now),
    }
}

/// `--org` or `--user`: one row per repository; the exit status is the first failure's, if any.
fn org_cmd(args: &AuditArgs, opts: OrgOptions, external: Option<&ExternalConfig>, now: DateTime<Utc>) -> Result<u8> {
    if args.render.template.is_some() || args.render.compare.is_some() || args.fail_under.is_some() {
        return Err(Error::Usage(
            "--template, --compare and --fail-under work on one repository, not with --org or --user".into(),
        ));
    }
    logging::init(args.network.verbose);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the async runtime: {e}")))?;
    let report = runtime.block_on(org::audit(&opts, &args.network.github_options(), external, now))?;
    print(&report::org::render(&report, args.render.format)?)?;
    Ok(report.exit_code().unwrap_or(exit::SUCCESS))
}

fn audit_cmd(args: AuditArgs, external: Option<&ExternalConfig>, now: DateTime<Utc>) -> Result<u8> {
    if let Some(opts) = args.org.options() {
        return org_cmd(&args, opts, external, now);
    }
    let options = args.render.options()?;
    let (snap, rules) = match &args.from {
        Some(file) => {
            let snap = audit::load_snapshot(file)?;
            let rules = audit::rules_for(&snap, external)?;
            (snap, rules)
        }
        None => collect(args.target.as_deref(), args.no_root, &args.network, external, now)?,
    };
    let report = audit::report_with(&snap, &rules, &args.dynamics.settings(None), now);
    let text = report::render(&report, &options)?;
    print(&text)?;
    Ok(policy(&report, args.fail_under))
}

/// `cm-audit report --period`: the month's report, from a collection reaching back to the
/// month's start (and the month before it), or from a snapshot that does.
fn monthly_cmd(args: MonthlyArgs, external: Option<&ExternalConfig>, now: DateTime<Utc>) -> Result<u8> {
    let asked = Period::parse(&args.period, now)?;
    let previous = args.compare.as_deref().map(report::compare::read_base).transpose()?;
    let (snap, rules) = match &args.from {
        Some(file) => {
            let snap = audit::load_snapshot(file)?;
            let rules = audit::rules_for(&snap, external)?;
            (snap, rules)
        }
        None => {
            let target = args.target.as_deref().ok_or_else(|| {
                Error::Usage("name the repository (OWNER/REPO), or give a snapshot with --from FILE".into())
            })?;
            let cwd =
                std::env::current_dir().map_err(|e| Error::Runtime(format!("cannot read the current folder: {e}")))?;
            if let Target::Folder(_) = Target::resolve(target, &cwd)? {
                return Err(Error::Usage(format!(
                    "{target} is a checkout, which has no issues or pull requests: name the repository as OWNER/REPO"
                )));
            }
            let at_least = args.network.window.unwrap_or(TimeDelta::zero());
            let network = Network { window: Some(asked.window(now, at_least)), ..args.network.clone() };
            collect(Some(target), false, &network, external, now)?
        }
    };
    let period = asked.covered_by(&snap)?;
    let report = audit::report_with(&snap, &rules, &args.dynamics.settings(Some(period.span())), now);
    let text = match args.format {
        MonthlyFormat::Json => report::render(&report, &RenderOptions::read(Format::Json, None, None)?)?,
        MonthlyFormat::Markdown => {
            let comparison = previous.as_ref().map(|p| report::compare::Comparison::new(p, &report));
            let beside = previous.as_ref().zip(comparison.as_ref());
            MonthlyView::new(&report, &period, beside, false).render()?
        }
    };
    print(&text)?;
    Ok(exit::SUCCESS)
}

/// `cm-audit fix`: a checkout's missing files (written with --write), an API repository's as a
/// dry run, or with --labels its missing welcoming labels.
fn fix_cmd(args: FixArgs, external: Option<&ExternalConfig>, now: DateTime<Utc>) -> Result<u8> {
    let input = args.target.as_deref().unwrap_or(".");
    let cwd = std::env::current_dir().map_err(|e| Error::Runtime(format!("cannot read the current folder: {e}")))?;
    let options = fix::Options { only: args.only, templates: args.templates };
    match (Target::resolve(input, &cwd)?, args.labels) {
        (Target::Folder(_), true) => Err(Error::Usage("--labels works on OWNER/REPO: labels live on GitHub".into())),
        (Target::Folder(folder), false) => {
            let root = match target::repository_root(&folder).filter(|_| input == "." && !args.no_root) {
                Some((root, _)) => root,
                None => folder,
            };
            let audited = fix::audit_checkout(&root, external, now)?;
            let planned = fix::plan(&audited, &fix::checkout_reader(&root), &fix::checkout_tags(&root), &options)?;
            if !args.write {
                print(&fix_summary(&planned, &root.display().to_string()))?;
                return Ok(exit::SUCCESS);
            }
            let written = fix::write(&root, &planned)?;
            let mut out: String = written.iter().map(|p| format!("wrote {p}\n")).collect();
            out.push_str(&fix::left_alone(&planned));
            out.push_str(&format!(
                "{} written. Fill in the placeholders ([INSERT ...]) and run `cm-audit` again: it names each one left.\n",
                crate::plain_text::count(written.len() as u64, "file")
            ));
            print(&out)?;
            Ok(exit::SUCCESS)
        }
        (Target::Github { repo, .. }, labels) => {
            logging::init(args.network.verbose);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Runtime(format!("cannot start the async runtime: {e}")))?;
            let opts = args.network.github_options();
            if labels {
                return runtime.block_on(labels_cmd(&repo, &opts, args.apply));
            }
            if args.write {
                return Err(Error::Usage(
                    "--write writes into a checkout; for OWNER/REPO, the Action's `fix: pull-request` commits the files".into(),
                ));
            }
            let (audited, fact_files) = runtime.block_on(async {
                let client = github::Client::new(&opts)?;
                client.say_if_anonymous();
                let audited = fix::audit_github(&client, &opts, &repo, external, now).await?;
                let (tree, git_ref) = (&audited.snap.tree.paths, audited.snap.sources.git_ref.as_deref());
                let fact_files = fix::github::fact_files(&client, &repo, tree, git_ref).await.map_err(|e| {
                    e.into_error(
                        &format!("the build files of {repo}"),
                        github::Permission::Contents,
                        opts.token.is_none(),
                    )
                })?;
                Ok::<_, Error>((audited, fact_files))
            })?;
            let planned = fix::plan(&audited, &fix::remote_reader(&audited.snap, &fact_files), &[], &options)?;
            print(&fix_summary(&planned, &repo.to_string()))?;
            Ok(exit::SUCCESS)
        }
    }
}

/// The dry run's output: a line saying what it is, then the diffs and what is left alone.
fn fix_summary(planned: &[fix::Planned], target: &str) -> String {
    let to_create = fix::created(planned).len();
    let head = match to_create {
        0 => format!("# cm-audit fix: nothing to create in {target}\n"),
        n => format!(
            "# cm-audit fix: {} to create in {target} (a dry run: --write writes them)\n",
            crate::plain_text::count(n as u64, "file")
        ),
    };
    head + &fix::describe(planned)
}

/// `fix --labels`: the welcoming labels the repository lacks, created with --apply.
async fn labels_cmd(repo: &crate::repo_ref::RepoRef, opts: &GithubOptions, apply: bool) -> Result<u8> {
    let client = github::Client::new(opts)?;
    let anonymous = opts.token.is_none();
    let missing = fix::github::missing_labels(&client, repo)
        .await
        .map_err(|e| e.into_error(&format!("the labels of {repo}"), github::Permission::Issues, anonymous))?;
    let mut out = String::new();
    for label in &missing {
        if apply {
            fix::github::create_label(&client, repo, label).await.map_err(|e| {
                e.into_error(&format!("create label {:?}", label.name), github::Permission::Issues, anonymous)
            })?;
            out.push_str(&format!("created label {:?} (#{}: {})\n", label.name, label.color, label.description));
        } else {
            out.push_str(&format!("would create label {:?} (#{}: {})\n", label.name, label.color, label.description));
        }
    }
    out.push_str(&match (missing.is_empty(), apply) {
        (true, _) => format!("{repo} has the welcoming labels already\n"),
        (false, false) => "a dry run: --apply creates them\n".to_string(),
        (false, true) => String::new(),
    });
    print(&out)?;
    Ok(exit::SUCCESS)
}

fn policy(report: &Report, fail_under: Option<u8>) -> u8 {
    match report.below(fail_under) {
        Some((score, min)) => {
            eprintln!("cm-audit: score {score} is below --fail-under {min}");
            exit::POLICY
        }
        None => exit::SUCCESS,
    }
}

/// Writes to stdout, stripping styles when it is not a terminal; a closed pipe is not an error.
fn print(text: &str) -> Result<()> {
    let mut out = anstream::stdout();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Runtime(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}
