//! The binary audits fixture checkouts: what it finds, where, and what it refuses to be fooled by.

use crate::common;

use common::{evidence, finding, json_report, message, status};

#[test]
fn well_kept_project_passes_every_rule_a_checkout_can_show() {
    let r = json_report("well-kept", &[]);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["score"], 100);
    for f in r["findings"].as_array().unwrap() {
        let s = f["status"].as_str().unwrap();
        assert!(s == "pass" || s == "skipped", "{} is {s}: {}", f["rule"], f["message"]);
    }
    assert_eq!(finding(&r, "coc-reporting-channel")["location"], "CODE_OF_CONDUCT.md");
    assert_eq!(evidence(&r, "coc-reporting-channel")[0].split(": ").next(), Some("CODE_OF_CONDUCT.md:20"));
    assert!(
        evidence(&r, "greeting")[0].starts_with(".github/workflows/greet.yml:10: uses: actions/first-interaction@")
    );
}

#[test]
fn rules_needing_the_api_are_skipped_with_the_reason_never_failed() {
    let r = json_report("well-kept", &[]);
    for rule in [
        "welcoming-labels",
        "repo-topics",
        "repo-description",
        "issues-enabled",
        "absence-factor",
        "questions-answered",
        "release-pulse",
    ] {
        assert_eq!(status(&r, rule), "skipped", "{rule}");
        assert!(message(&r, rule).contains("needs the GitHub API"), "{rule}: {}", message(&r, rule));
    }
    let unavailable: Vec<&str> =
        r["unavailable"].as_array().unwrap().iter().map(|u| u["data"].as_str().unwrap()).collect();
    assert_eq!(unavailable, ["settings", "labels", "issues", "inherited", "discussions", "releases"]);
    assert_eq!(r["sources"]["local_tree"], "well-kept");
    assert_eq!(r["sources"]["local_listing"], "walk");
}

#[test]
fn hollow_files_warn_and_their_content_rules_are_skipped_not_cascaded() {
    let r = json_report("bare", &[]);
    for rule in ["readme-present", "contributing-present", "coc-present"] {
        assert_eq!(status(&r, rule), "warn", "{rule}");
        assert!(message(&r, rule).contains("is hollow"), "{rule}: {}", message(&r, rule));
    }
    assert!(
        evidence(&r, "contributing-present").contains(&"CONTRIBUTING.md:5: unfilled placeholder `TODO`".to_string())
    );
    for rule in ["contributing-dev-setup", "contributing-tests", "coc-reporting-channel", "coc-enforcement"] {
        assert_eq!(status(&r, rule), "skipped", "{rule}");
        assert!(message(&r, rule).starts_with("requires "), "{rule}");
    }
    assert_eq!(status(&r, "license"), "fail");
    // What the owner's .github repository may hold (issue and pull request templates, a security
    // policy) is unknown in a checkout and not scored: the rest still scores low.
    assert_eq!(status(&r, "security-policy"), "skipped");
    assert!(r["score"].as_u64().unwrap() < 30, "score {}", r["score"]);
}

#[test]
fn judges_the_file_github_shows_and_names_the_other() {
    let r = json_report("tricky", &[]);
    let f = finding(&r, "contributing-present");
    assert_eq!(f["location"], ".github/CONTRIBUTING.md");
    assert_eq!(
        evidence(&r, "contributing-present"),
        ["CONTRIBUTING.MD: another contributing guide; GitHub shows .github/CONTRIBUTING.md"]
    );
    // The CI notes GitHub shows say nothing about setting up or testing; the other guide does,
    // and a fact found in it counts, naming where.
    assert_eq!(status(&r, "contributing-dev-setup"), "pass");
    assert_eq!(
        message(&r, "contributing-dev-setup"),
        "CONTRIBUTING.MD mentions how to set up a development environment (another contributing guide; GitHub shows .github/CONTRIBUTING.md)"
    );
}

#[test]
fn follows_a_pointer_file_to_the_real_page_in_the_tree() {
    let r = json_report("tricky", &[]);
    assert_eq!(status(&r, "coc-present"), "pass");
    assert!(message(&r, "coc-present").contains("CODE-OF-CONDUCT"), "{}", message(&r, "coc-present"));
    assert!(message(&r, "coc-present").contains("via its link to docs/policies/conduct.rst"));
    assert_eq!(status(&r, "coc-reporting-channel"), "pass");
    assert!(evidence(&r, "coc-reporting-channel")[0].starts_with("docs/policies/conduct.rst:10: "));
    // The README links to the pointer, which exists: that counts.
    assert_eq!(status(&r, "coc-linked"), "pass");
}

#[test]
fn look_alike_files_are_not_community_files() {
    let r = json_report("tricky", &[]);
    // LICENSES_bundled.txt and licenses/ hold third-party licences.
    assert_eq!(status(&r, "license"), "fail");
    // security-insights.yml is not a security policy (one may still come from the owner's .github).
    assert_eq!(status(&r, "security-policy"), "skipped");
    assert!(message(&r, "security-policy").starts_with("no security policy in "), "{}", message(&r, "security-policy"));
    // docs/changelog/ holds only images; release/ holds tooling.
    assert!(message(&r, "changelog").starts_with("no changelog found"), "{}", message(&r, "changelog"));
    // A page about code-formatting tooling is not a code of conduct (the pointer is).
    assert!(!message(&r, "coc-present").contains("tooling"));
}

#[test]
fn text_signals_that_fool_naive_checkers_do_not_count() {
    let r = json_report("tricky", &[]);
    // "How to get help" over a TODO, and an FAQ, are not a support channel; a SUPPORT.md in the
    // owner's .github repository, which a checkout does not see, would be.
    assert_eq!(status(&r, "support-channel"), "skipped");
    let ev = evidence(&r, "support-channel");
    assert!(ev.contains(&"README.md:21: heading `## How to get help` has nothing under it".to_string()), "{ev:?}");
    // matrix.org and discourse in sample output (a code block), and "matrix" in prose, are no chat link.
    assert_ne!(status(&r, "chat-or-forum"), "pass");
}

#[test]
fn deeper_places_folders_rst_and_lower_case_names_are_found() {
    let r = json_report("deep", &[]);
    assert_eq!(finding(&r, "contributing-present")["location"], "docs/contributing");
    assert!(message(&r, "contributing-present").contains("a folder of 3 pages"));
    assert!(evidence(&r, "contributing-dev-setup")[0].starts_with("docs/contributing/setup.md:1: "));
    assert!(evidence(&r, "contributing-tests")[0].starts_with("docs/contributing/testing.md:3: "));
    // An rst link to the folder counts as a link to the guide.
    assert_eq!(status(&r, "readme-links-contributing"), "pass");
    assert_eq!(finding(&r, "governance")["location"], "doc/dev/governance.rst");
    assert_eq!(finding(&r, "coc-present")["location"], ".github/code_of_conduct.md");
    assert_eq!(finding(&r, "license")["location"], "COPYING");
}

#[test]
fn an_unfilled_template_placeholder_is_not_a_reporting_channel() {
    let r = json_report("deep", &[]);
    assert_eq!(status(&r, "coc-reporting-channel"), "fail");
    assert!(message(&r, "coc-reporting-channel").contains("unfilled template placeholder"));
    assert_eq!(
        evidence(&r, "coc-reporting-channel"),
        [".github/code_of_conduct.md:14: unfilled placeholder `[INSERT CONTACT METHOD]`"]
    );
}

#[test]
fn a_support_route_only_in_the_issue_chooser_counts() {
    let r = json_report("deep", &[]);
    assert_eq!(status(&r, "support-channel"), "pass");
    assert_eq!(evidence(&r, "support-channel"), [".github/ISSUE_TEMPLATE/config.yml:3: - name: Questions and help"]);
}

#[test]
fn gaps_come_first_most_important_first() {
    let r = json_report("bare", &[]);
    let statuses: Vec<&str> = r["findings"].as_array().unwrap().iter().map(|f| f["status"].as_str().unwrap()).collect();
    let first_non_gap = statuses.iter().position(|s| *s != "fail" && *s != "warn").unwrap();
    assert!(statuses[first_non_gap..].iter().all(|s| *s != "fail" && *s != "warn"));
    let severities: Vec<&str> =
        r["findings"].as_array().unwrap()[..first_non_gap].iter().map(|f| f["severity"].as_str().unwrap()).collect();
    let rank = |s: &str| ["high", "medium", "low"].iter().position(|x| *x == s).unwrap();
    assert!(severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{severities:?}");
}

#[test]
fn each_responsibility_is_scored() {
    let r = json_report("tricky", &[]);
    let ids: Vec<&str> = r["responsibilities"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["welcoming", "conflict-resolution", "leadership", "communication", "engagement"]);
    let conflict = &r["responsibilities"][1];
    // Every conflict-resolution rule passes in the tricky fixture.
    assert_eq!(conflict["score"], 100);
    assert_eq!(conflict["failed"], 0);
}

/// Messages speak to people: no regular expression and no internal name in any finding.
#[test]
fn no_message_shows_a_regular_expression_or_an_internal_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    std::fs::write(
        dir.path().join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    )
    .unwrap();
    let with_a_workflow = dir.path().to_str().unwrap().to_string();
    for target in ["bare", "tricky", "deep", "well-kept", with_a_workflow.as_str()] {
        common::assert_no_raw_patterns(&json_report(target, &[]));
    }
    let r = json_report(&with_a_workflow, &[]);
    assert!(
        message(&r, "greeting")
            .starts_with("no workflow greets first-time contributors (actions/first-interaction or a welcome bot)"),
        "{}",
        message(&r, "greeting")
    );
}
