//! The accuracy corpus: real projects' community files (snapshots under tests/corpus/snapshots/,
//! collected from checkouts of the labelled commits) and, for each, the decisions a careful reader
//! reached by reading them (tests/corpus/labels/). This test audits each snapshot as a user would
//! (`cm-audit --from`), reports how many decisions agree and which do not, and fails when agreement
//! falls below the figure reached, or when a report's "Fix first" line names a gap the labels say is
//! not one. docs/accuracy.md says how the corpus was made and how to extend it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::common;

/// Decision-level agreement reached (in tenths of a percent); a change that lowers it fails.
const AGREEMENT_FLOOR_PERMILLE: usize = 986;
/// Each project labels every rule a checkout decides from its files, and `release-pulse` when its
/// snapshot holds releases (its version tags, read since the corpus began).
const RULES_LABELLED: usize = 31;

#[derive(Debug, Deserialize)]
struct Labels {
    repository: String,
    commit: String,
    labels: BTreeMap<String, Label>,
}

#[derive(Debug, Deserialize)]
struct Label {
    expect: Expect,
    why: String,
}

/// One status, or the statuses a careful reader would accept.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Expect {
    One(String),
    Any(Vec<String>),
}

impl Expect {
    fn accepts(&self, status: &str) -> bool {
        match self {
            Expect::One(s) => s == status,
            Expect::Any(all) => all.iter().any(|s| s == status),
        }
    }

    fn shown(&self) -> String {
        match self {
            Expect::One(s) => s.clone(),
            Expect::Any(all) => all.join("/"),
        }
    }
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every labelled project with its labels, by name.
fn labelled() -> Vec<(String, Labels)> {
    let mut out: Vec<(String, Labels)> = std::fs::read_dir(corpus().join("labels"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let labels: Labels = toml::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, labels)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn audit(snapshot: &Path) -> Value {
    let out = common::cm_audit().arg("--from").arg(snapshot).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}: {}", snapshot.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn real_projects_decisions_agree_with_a_careful_reading() {
    let projects = labelled();
    assert!(projects.len() >= 20, "the corpus has {} projects", projects.len());
    let (mut decisions, mut agreeing) = (0, 0);
    let mut disagreements: Vec<String> = Vec::new();
    let mut refutable_fix_first: Vec<String> = Vec::new();
    for (name, labels) in &projects {
        let snapshot = corpus().join("snapshots").join(format!("{name}.json"));
        let with_releases = std::fs::read_to_string(&snapshot).unwrap().contains("\n  \"releases\": {");
        assert_eq!(
            labels.labels.len(),
            RULES_LABELLED + usize::from(with_releases),
            "{name}: every rule a checkout decides is labelled"
        );
        assert_eq!(labels.commit.len(), 40, "{name}: the commit read is named in full");
        let report = audit(&snapshot);
        assert_eq!(
            report["repository"],
            labels.repository.as_str(),
            "{name}: the snapshot is of the labelled repository"
        );
        let findings: BTreeMap<&str, &Value> =
            report["findings"].as_array().unwrap().iter().map(|f| (f["rule"].as_str().unwrap(), f)).collect();
        for (rule, label) in &labels.labels {
            let finding = findings.get(rule.as_str()).unwrap_or_else(|| panic!("{name}: no rule {rule}"));
            let status = finding["status"].as_str().unwrap();
            decisions += 1;
            if label.expect.accepts(status) {
                agreeing += 1;
            } else {
                disagreements.push(format!(
                    "{name} {rule}: cm-audit says {status} ({}); the reader says {} ({})",
                    finding["message"].as_str().unwrap_or(""),
                    label.expect.shown(),
                    label.why
                ));
            }
        }
        // The report's first gap is its "Fix first" line: the labels must call it a gap too.
        let first_gap = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| matches!(f["status"].as_str(), Some("fail" | "warn")));
        if let Some(gap) = first_gap {
            let rule = gap["rule"].as_str().unwrap();
            let status = gap["status"].as_str().unwrap();
            if let Some(label) = labels.labels.get(rule).filter(|l| !l.expect.accepts(status)) {
                refutable_fix_first
                    .push(format!("{name}: Fix first {rule} ({status}); the reader says {}", label.expect.shown()));
            }
        }
    }
    let permille = agreeing * 1000 / decisions;
    println!(
        "corpus: {} projects, {decisions} labelled decisions, {agreeing} agree ({}.{}%), {} disagree",
        projects.len(),
        permille / 10,
        permille % 10,
        disagreements.len()
    );
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(refutable_fix_first.is_empty(), "Fix first lines the labels refute:\n{}", refutable_fix_first.join("\n"));
    assert!(
        permille >= AGREEMENT_FLOOR_PERMILLE,
        "agreement fell to {}.{}% (floor {}.{}%):\n{}",
        permille / 10,
        permille % 10,
        AGREEMENT_FLOOR_PERMILLE / 10,
        AGREEMENT_FLOOR_PERMILLE % 10,
        disagreements.join("\n")
    );
}
