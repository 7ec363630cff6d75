//! The Action's files agree with the binary: action.yml declares exactly the inputs it reads
//! and the outputs it writes, and runs the published image of this version, whose entrypoint
//! (the Dockerfile) is the `action` subcommand.

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;

use support::fake_github::{FakeGithub, Repo, World};
use support::{TOKEN, anonymous};

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The keys of a top-level mapping of action.yml (`inputs`, `outputs`): the lines indented by
/// two spaces under it. action.yml is ours and written so; a stray indent fails the test.
fn keys_of(yaml: &str, section: &str) -> BTreeSet<String> {
    yaml.lines()
        .skip_while(|l| *l != format!("{section}:"))
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter_map(|l| l.strip_prefix("  ").filter(|k| !k.starts_with(' ')))
        .filter_map(|l| l.strip_suffix(':'))
        .map(str::to_string)
        .collect()
}

/// A top-level scalar under `runs:`, e.g. `image`.
fn runs_value(yaml: &str, key: &str) -> String {
    let prefix = format!("  {key}: ");
    yaml.lines()
        .skip_while(|l| *l != "runs:")
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no runs.{key}"))
        .to_string()
}

#[test]
fn action_yml_declares_exactly_the_inputs_the_binary_reads() {
    let declared = keys_of(&read("action.yml"), "inputs");
    let read_by_binary: BTreeSet<String> =
        cm_audit::action::inputs::INPUT_NAMES.iter().map(|n| n.to_string()).collect();
    assert_eq!(declared, read_by_binary);
}

#[test]
fn action_yml_declares_exactly_the_outputs_the_binary_writes() {
    let fake = FakeGithub::start(World::default().with(Repo::new("acme/tiny").file("README.md", "# Tiny\n")));
    let dir = tempfile::TempDir::new().unwrap();
    let output = dir.path().join("output");
    anonymous(&fake)
        .arg("action")
        .env("INPUT_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "acme/tiny")
        .env("GITHUB_EVENT_NAME", "workflow_dispatch")
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", dir.path())
        .assert()
        .success();
    let written: BTreeSet<String> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once("<<").map(|(name, _)| name.to_string()))
        .collect();
    assert_eq!(keys_of(&read("action.yml"), "outputs"), written);
}

#[test]
fn action_yml_runs_the_published_image_of_this_version() {
    let yaml = read("action.yml");
    assert_eq!(runs_value(&yaml, "using"), "docker");
    assert_eq!(
        runs_value(&yaml, "image"),
        format!("docker://ghcr.io/cm-audit/cm-audit:v{}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_images_entrypoint_is_the_action_subcommand() {
    let dockerfile = read("Dockerfile");
    let entrypoint = dockerfile.lines().rev().find_map(|l| l.strip_prefix("ENTRYPOINT ")).expect("an ENTRYPOINT");
    let argv: Vec<String> = serde_json::from_str(entrypoint).expect("the exec form");
    assert_eq!(argv, ["/usr/local/bin/cm-audit", "action"]);
    assert!(dockerfile.contains("COPY --from=build /cm-audit /usr/local/bin/cm-audit"));
    // The subcommand exists in this binary.
    assert_cmd::cargo::cargo_bin_cmd!("cm-audit").args(["action", "--help"]).assert().success();
}

#[test]
fn the_readme_shows_the_validated_example_workflows() {
    let readme = read("README.md");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples");
    let mut examples = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(readme.contains(&format!("```yaml\n{text}```")), "{} differs from the README's", path.display());
        examples += 1;
    }
    assert_eq!(examples, 3);
}
