//! What the Action hands back to the workflow: step outputs (`GITHUB_OUTPUT`), the job summary
//! (`GITHUB_STEP_SUMMARY`) and `::warning` annotations on stdout.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::engine::rule::Responsibility;
use crate::error::{Error, Result};
use crate::report::Report;
use crate::report::markdown::REPORT_MARKER;

/// GitHub shows about ten annotations of a level per step; more would be hidden anyway.
pub const MAX_ANNOTATIONS: usize = 10;
/// GitHub's limit on one step's summary.
const SUMMARY_LIMIT: usize = 1024 * 1024;

/// The step outputs action.yml declares: `score`, `scores` (JSON), `report`, and `error`, empty
/// when the audit was made.
pub fn outputs(report: &Report, report_path: &Path) -> Vec<(&'static str, String)> {
    let scores: BTreeMap<&str, Option<u8>> = report.responsibilities.iter().map(|r| (r.id.id(), r.score)).collect();
    vec![
        ("score", report.score.map(|s| s.to_string()).unwrap_or_default()),
        ("scores", serde_json::to_string(&scores).unwrap_or_default()),
        ("report", report_path.display().to_string()),
        ("error", String::new()),
    ]
}

/// The outputs of a run that could not audit: no score, each responsibility unscored, and the
/// error, so that a later step can tell.
pub fn unscored(e: &Error) -> Vec<(&'static str, String)> {
    let scores: BTreeMap<&str, Option<u8>> = Responsibility::ALL.iter().map(|r| (r.id(), None)).collect();
    vec![
        ("score", String::new()),
        ("scores", serde_json::to_string(&scores).unwrap_or_default()),
        ("error", e.to_string()),
    ]
}

/// The job summary of a run that could not audit: what failed and what to check.
pub fn failure_summary(repository: Option<&str>, e: &Error, workflow_mistake: bool) -> String {
    let heading = match (repository, workflow_mistake) {
        (Some(repo), false) => format!("cm-audit could not audit `{repo}`"),
        _ => "cm-audit could not run".to_string(),
    };
    let check = match e {
        Error::Usage(_) | Error::Config(_) => {
            "the step's inputs (`with:`) and the config file they name, against docs/action.md; the step fails until they are fixed"
        }
        Error::Auth(_) => {
            "the `token` input (by default the workflow's `GITHUB_TOKEN`) and the job's `permissions:`: reading needs `contents: read`, commenting `pull-requests: write`"
        }
        Error::NotFound(_) => "the `repository` input, and that the token can see the repository",
        Error::RateLimit(_) => {
            "how often the workflow runs: the workflow's token has 1,000 requests an hour per repository; run later, or pass a token with its own budget"
        }
        Error::Network(_) => {
            "the runner's network, GitHub's status (https://www.githubstatus.com), and `GITHUB_API_URL` on GitHub Enterprise Server"
        }
        Error::Runtime(_) => "that the workspace and the runner's temporary folder can be read and written",
        Error::Period(_) => {
            "the `window` input: the tracking issue's month needs a window reaching back to its first day"
        }
    };
    let passes = match workflow_mistake {
        true => "",
        false => {
            "

The step passes: only `fail-under` fails it, and there is no score to compare."
        }
    };
    format!(
        "{REPORT_MARKER}
## ⚠️ {heading}

**What failed:** {e}

**What to check:** {check}.{passes}
"
    )
}

/// Appends outputs to the `GITHUB_OUTPUT` file in its multi-line form, whose delimiter is
/// chosen so that no value can end it early.
pub fn write_outputs(file: &Path, outputs: &[(&str, String)]) -> Result<()> {
    let mut text = String::new();
    for (name, value) in outputs {
        let delimiter = delimiter_for(value);
        text.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
    }
    append(file, &text)
}

fn delimiter_for(value: &str) -> String {
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let mut n = seed ^ u128::from(std::process::id());
    loop {
        let delimiter = format!("CM_AUDIT_EOF_{n:x}");
        if !value.contains(&delimiter) {
            return delimiter;
        }
        n = n.wrapping_add(1);
    }
}

/// Appends the markdown report to the job summary, within GitHub's limit for one step.
pub fn write_summary(file: &Path, markdown: &str) -> Result<()> {
    let mut text = markdown.to_string();
    crate::report::markdown::truncate(&mut text, SUMMARY_LIMIT);
    append(file, &format!("{text}\n"))
}

fn append(file: &Path, text: &str) -> Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Error::Runtime(format!("cannot write {}: {e}", file.display())))
}

/// `::warning` workflow commands for the gaps that name a file, most important first.
pub fn annotations(report: &Report) -> Vec<String> {
    report
        .gaps()
        .filter_map(|f| {
            let file = f.location.as_deref()?;
            Some(format!(
                "::warning file={},title={}::{}",
                escape_property(file),
                escape_property(&format!("cm-audit {}: {}", f.rule, f.title)),
                escape_data(&f.message)
            ))
        })
        .take(MAX_ANNOTATIONS)
        .collect()
}

/// One warning without a file, for the workflow's log and the run's page.
pub fn warning(message: &str) -> String {
    format!("::warning title=cm-audit::{}", escape_data(message))
}

/// Text from the repository must not end the command or start another: newlines are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_cannot_end_its_heredoc_early() {
        let value = "line\nCM_AUDIT_EOF_0\n";
        let delimiter = delimiter_for(value);
        assert!(!value.contains(&delimiter));
    }

    #[test]
    fn repository_text_cannot_start_another_workflow_command() {
        assert_eq!(escape_data("a\n::error::x%"), "a%0A::error::x%25");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
