//! Each check kind on snapshots built in code, including the API-backed kinds a checkout never fills.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use super::RuleSet;
use super::finding::{Finding, Status};
use crate::repo_ref::RepoRef;
use crate::snapshot::{FileBody, InheritedFiles, Label, RepoSettings, Snapshot, Tree};

fn snapshot(files: &[(&str, &str)]) -> Snapshot {
    let mut snap =
        Snapshot::new(Some(RepoRef::new("acme", "widgets")), Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap());
    snap.tree = Tree { paths: files.iter().map(|(p, _)| p.to_string()).collect(), truncated: false };
    snap.files =
        files.iter().map(|(p, t)| (p.to_string(), FileBody::Text { text: t.to_string(), truncated: false })).collect();
    snap
}

fn run(snap: &Snapshot) -> BTreeMap<String, Finding> {
    RuleSet::builtin().evaluate(snap).findings.into_iter().map(|f| (f.rule.clone(), f)).collect()
}

const COC: &str = "# Code of conduct\n\nWe pledge a harassment-free experience for everyone who takes part in this project, \
whatever their background. Report problems to conduct@acme.example; the team reviews every report, keeps it \
confidential, and may warn or ban anyone who breaks these rules.\n";

#[test]
fn the_shipped_rules_cover_every_responsibility_with_at_least_25_rules() {
    let rules = RuleSet::builtin();
    assert!(rules.rules.len() >= 25, "{}", rules.rules.len());
    for resp in super::rule::Responsibility::ALL {
        assert!(rules.rules.iter().filter(|r| r.responsibility == resp).count() >= 3, "{resp}");
    }
    for r in &rules.rules {
        assert!(!r.rationale.trim().is_empty() && !r.remedy.trim().is_empty(), "{}", r.id);
    }
}

#[test]
fn repository_settings_pass_and_fail_when_the_api_filled_them() {
    let mut snap = snapshot(&[]);
    snap.settings = Some(RepoSettings {
        description: Some("Widgets for everyone".into()),
        topics: vec!["rust".into()],
        has_issues: false,
        ..RepoSettings::default()
    });
    let f = run(&snap);
    assert_eq!(f["repo-description"].status, Status::Pass);
    assert_eq!(f["repo-description"].message, "the repository describes itself: \"Widgets for everyone\"");
    assert_eq!(f["repo-topics"].status, Status::Fail);
    assert_eq!(f["repo-topics"].message, "1 topic, fewer than 3");
    assert_eq!(f["issues-enabled"].status, Status::Fail);
}

#[test]
fn releases_count_as_release_notes_when_there_is_no_changelog() {
    let mut snap = snapshot(&[]);
    snap.settings = Some(RepoSettings { releases: Some(4), ..RepoSettings::default() });
    assert_eq!(run(&snap)["changelog"].status, Status::Pass);
    snap.settings = Some(RepoSettings { releases: Some(0), ..RepoSettings::default() });
    assert_eq!(run(&snap)["changelog"].status, Status::Fail);
}

#[test]
fn welcoming_labels_match_common_variants_in_any_case() {
    for name in
        ["good first issue", "Good-First-Issue", "help wanted", "E-easy", "first-timers-only", "beginner friendly"]
    {
        let mut snap = snapshot(&[]);
        snap.labels =
            Some(vec![Label { name: "bug".into(), description: None }, Label { name: name.into(), description: None }]);
        assert_eq!(run(&snap)["welcoming-labels"].status, Status::Pass, "{name}");
    }
    let mut snap = snapshot(&[]);
    snap.labels = Some(vec![Label { name: "not easy at all".into(), description: None }]);
    assert_eq!(run(&snap)["welcoming-labels"].status, Status::Fail);
}

#[test]
fn first_interaction_v3_warns_about_greeting_returning_contributors() {
    let wf = "on: [pull_request_target]\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/first-interaction@v3\n";
    let f = run(&snapshot(&[(".github/workflows/welcome.yml", wf)]));
    assert_eq!(f["greeting"].status, Status::Warn);
    assert!(f["greeting"].message.contains("greets returning contributors"));
    assert_eq!(f["greeting"].evidence[0].line, Some(6));
}

#[test]
fn a_probot_welcome_config_is_a_greeting() {
    let f = run(&snapshot(&[(
        ".github/config.yml",
        "newIssueWelcomeComment: >\n  Thanks for opening your first issue!\n",
    )]));
    assert_eq!(f["greeting"].status, Status::Pass);
}

#[test]
fn a_link_to_a_file_that_does_not_exist_does_not_count() {
    let readme = "# Widgets\n\nWidgets does many useful things for many people. Please read our [code of conduct](CODE_OF_CONDUCT.md) \
before taking part in the project; it applies everywhere.\n";
    let f = run(&snapshot(&[("README.md", readme), (".github/code_of_conduct.md", COC)]));
    assert_eq!(f["coc-present"].status, Status::Pass);
    assert_eq!(f["coc-linked"].status, Status::Fail);
    assert_eq!(f["coc-linked"].message, "README.md links to a code of conduct that does not exist");
    assert_eq!(f["coc-linked"].evidence[0].text, "links to CODE_OF_CONDUCT.md, which is not in the repository");
}

#[test]
fn a_github_url_to_this_repository_counts_as_a_link() {
    let readme = "# Widgets\n\nWidgets does many useful things for many people. Please read our \
[code of conduct](https://github.com/acme/widgets/blob/main/.github/code_of_conduct.md) before taking part.\n";
    let f = run(&snapshot(&[("README.md", readme), (".github/code_of_conduct.md", COC)]));
    assert_eq!(f["coc-linked"].status, Status::Pass);
}

#[test]
fn inherited_files_count_and_say_where_they_come_from() {
    let mut snap = snapshot(&[("README.md", "# Widgets\n")]);
    snap.inherited = Some(InheritedFiles {
        from: "acme/.github".into(),
        tree: Tree { paths: vec!["CODE_OF_CONDUCT.md".into(), "docs/deep/GOVERNANCE.md".into()], truncated: false },
        files: [("CODE_OF_CONDUCT.md".to_string(), FileBody::Text { text: COC.into(), truncated: false })].into(),
    });
    let f = run(&snap);
    assert_eq!(f["coc-present"].status, Status::Pass);
    assert!(f["coc-present"].message.contains("(inherited from acme/.github)"), "{}", f["coc-present"].message);
    assert_eq!(f["coc-reporting-channel"].status, Status::Pass);
    // Not this repository's file: no location here, and the evidence names whose it is.
    for rule in ["coc-present", "coc-reporting-channel"] {
        assert_eq!(f[rule].location, None, "{rule}");
        assert!(f[rule].evidence.iter().all(|e| e.path.is_none()), "{rule}: {:?}", f[rule].evidence);
    }
    let evidence = &f["coc-reporting-channel"].evidence[0].text;
    assert!(evidence.starts_with("acme/.github: CODE_OF_CONDUCT.md:"), "{evidence}");
    // GitHub does not fall back to pages deeper than its own places.
    assert_eq!(f["governance"].status, Status::Fail);
}

#[test]
fn an_external_pointer_passes_presence_and_skips_what_it_cannot_read() {
    let coc = "This project follows the [Rust code of conduct](https://www.rust-lang.org/policies/code-of-conduct).\n";
    let f = run(&snapshot(&[("CODE_OF_CONDUCT.md", coc)]));
    assert_eq!(f["coc-present"].status, Status::Pass);
    assert!(f["coc-present"].message.contains("points to https://www.rust-lang.org/policies/code-of-conduct"));
    assert_eq!(f["coc-enforcement"].status, Status::Skipped);
    assert!(f["coc-enforcement"].message.contains("could not be checked"));
}

#[test]
fn a_document_kept_elsewhere_and_linked_from_the_readme_is_a_warning_not_a_failure() {
    let readme = "# Widgets\n\nWidgets for everyone. Please read our [code of conduct](https://acme.example/code-of-conduct/) \
and the [changes](widgets/CHANGELOG.md) of each crate. Our [governance](https://github.com/acme/meta/blob/main/conduct/coc.md) \
is elsewhere, and the [security page](https://github.com/acme/widgets/security/policy) shows an inherited policy.\n";
    let changes = "# Changes\n\n## 1.2.0\n\nWidgets are now twice as fast, and the docs say how to build them.\n";
    let f = run(&snapshot(&[("README.md", readme), ("widgets/CHANGELOG.md", changes)]));
    let coc = &f["coc-present"];
    assert_eq!(coc.status, Status::Warn, "{}", coc.message);
    assert!(coc.message.ends_with("README.md links to one at https://acme.example/code-of-conduct/, which GitHub does not show with the repository and which was not read"), "{}", coc.message);
    assert_eq!(coc.evidence[0].line, Some(3));
    assert_eq!(f["coc-reporting-channel"].status, Status::Skipped, "its text was not read");
    // GitHub does not look for a changelog: the one the README leads to is the project's.
    let changelog = &f["changelog"];
    assert_eq!(changelog.status, Status::Pass, "{}", changelog.message);
    assert_eq!(changelog.message, "found widgets/CHANGELOG.md, which README.md links to: 14 words");
    // A link whose folder or repository is named for a kind is not a link to that document.
    assert_eq!(f["governance"].status, Status::Fail, "{}", f["governance"].message);
    // GitHub's page of the repository's security policy: only the API can tell what it shows.
    assert_eq!(f["security-policy"].status, Status::Fail, "{}", f["security-policy"].message);
}

#[test]
fn a_phrase_wrapped_onto_the_next_line_is_found_where_it_starts() {
    let guide = "# Contributing\n\nThanks for helping. Suggested ways to work on your copy (compile and run\n\
the tests without touching system packages) are in the development notes, which every new contributor reads.\n\n\
Then open a pull request: a maintainer reviews it within a week, and asks for changes kindly when \
something needs them. Questions are welcome in the discussions at any time.\n";
    let f = run(&snapshot(&[("CONTRIBUTING.md", guide)]));
    let tests = &f["contributing-tests"];
    assert_eq!(tests.status, Status::Pass, "{}", tests.message);
    assert_eq!(tests.evidence[0].line, Some(3), "the line where `run the tests` starts");
    // Not across paragraphs: "run" ends one, "the tests" starts the next.
    let apart = "# Contributing\n\nThanks for helping: send a pull request and we will review it within a week, we run\n\n\
the tests ourselves. Questions are welcome in the discussions at any time, and a maintainer answers \
within a few days: nobody is expected to know the code base before their first pull request.\n";
    assert_eq!(run(&snapshot(&[("CONTRIBUTING.md", apart)]))["contributing-tests"].status, Status::Fail);
}

#[test]
fn a_readme_leads_to_the_contributing_guide_through_the_web_too() {
    let guide = "# Contributing\n\nThank you for helping. Read our [developer guide](https://acme.example/dev/index.html) \
first, and ask on the [forum](https://forum.acme.example) when anything is unclear. A maintainer answers every pull \
request within a week, and the tests run on every push, so nothing you try can break the project.\n";
    let readme = |body: &str| format!("# Widgets\n\nWidgets for everyone, made by volunteers.\n\n{body}\n");
    let status = |body: &str| {
        let f = run(&snapshot(&[("README.md", &readme(body)), ("CONTRIBUTING.md", guide)]));
        (f["readme-links-contributing"].status, f["readme-links-contributing"].message.clone())
    };
    // numpy: the README's "Contributing" link goes where the guide itself sends contributors.
    let (shared, message) = status("- **Contributing:** https://acme.example/dev/index.html");
    assert_eq!(shared, Status::Pass, "{message}");
    assert!(message.contains("where the contributing guide (CONTRIBUTING.md) also sends readers"), "{message}");
    // xarray: the page of the project's site built from the guide itself.
    let (built, message) =
        status("See the [contributing page](https://docs.acme.example/en/stable/contributing.html).");
    assert_eq!(built, Status::Pass, "{message}");
    assert_eq!(message, "README.md links to the contributing guide");
    // Another site's page named for it.
    let (named, message) = status("See the [contributing page](https://guides.example.org/contributing.html).");
    assert_eq!(named, Status::Pass, "{message}");
    assert!(message.ends_with("links to a contributing guide at https://guides.example.org/contributing.html"));
    // The same forum link, on a line that does not speak of contributing; a line that does, to a page
    // the guide does not name: neither leads to the guide.
    assert_eq!(status("Questions go to the [forum](https://forum.acme.example).").0, Status::Fail);
    assert_eq!(status("Contributing: see https://acme.example/about").0, Status::Fail);
}

#[test]
fn a_document_that_defers_to_one_elsewhere_leaves_its_substance_unchecked_not_failed() {
    let prose = "Everyone taking part in this project, in the issue tracker, in pull requests and on social \
media, is expected to treat other people with respect, to assume good faith when a message reads harshly, to \
welcome people new to the project, and more generally to follow the guidelines articulated";
    let coc = |link: &str, blank_lines: usize| {
        format!(
            "# Treat each other well\n{}\n{prose} in the [Community Code of Conduct]({link}).\n",
            "\n".repeat(blank_lines)
        )
    };
    let reporting = |text: &str| run(&snapshot(&[("CODE_OF_CONDUCT.md", text)]))["coc-reporting-channel"].clone();
    // requests: its code of conduct adopts the Python community's, whose reporting channel is there.
    let adopted = reporting(&coc("https://www.python.org/psf/codeofconduct/", 1));
    assert_eq!(adopted.status, Status::Skipped, "{}", adopted.message);
    assert!(adopted.message.contains("defers to https://www.python.org/psf/codeofconduct/, which was not read"));
    // Not a deferral: the file's own history.
    let history = "https://github.com/acme/widgets/commits/main/CODE_OF_CONDUCT.md";
    assert_eq!(reporting(&coc(history, 1)).status, Status::Fail);
    // Far below the opening lines, another code of conduct is cited in passing, not deferred to.
    assert_eq!(reporting(&coc("https://www.python.org/psf/codeofconduct/", 14)).status, Status::Fail);
    // A credit to the text it was adapted from is not a page to read for what it lacks.
    let adapted = format!(
        "# Code of conduct\n\n{prose} here.\n\n## Attribution\n\nThis Code of Conduct is adapted from the \
         Contributor Covenant, version 2.1, available at https://www.contributor-covenant.org/version/2/1/code_of_conduct.html\n"
    );
    assert_eq!(reporting(&adapted).status, Status::Fail);
}

#[test]
fn a_heading_that_only_names_the_topic_does_not_count() {
    let coc = "# Code of conduct\n\nWe pledge a harassment-free experience for everyone who takes part in this project, \
whatever their background, and we expect kindness and patience from all. Disagreement is welcome; \
personal attacks, harassment and insults are not, in any of the project's spaces.\n\n## Enforcement\n\n## Reporting\n\nTBD\n";
    let f = run(&snapshot(&[("CODE_OF_CONDUCT.md", coc)]));
    assert_eq!(f["coc-enforcement"].status, Status::Fail);
    assert_eq!(f["coc-enforcement"].evidence[0].text, "heading `## Enforcement` has nothing under it");
}

#[test]
fn citation_applies_only_to_research_software() {
    let f = run(&snapshot(&[("README.md", "# Widgets\n\nWidgets makes widgets.\n")]));
    assert_eq!(f["citation"].status, Status::Skipped);
    assert!(f["citation"].message.starts_with("not applicable"));
    let f = run(&snapshot(&[(
        "README.md",
        "# Widgets\n\nWidgets computes the widget spectra of large samples, fast and in parallel, on a laptop or a \
         cluster.\n\nIf you use Widgets in a paper, please cite https://doi.org/10.1000/xyz.\n",
    )]));
    assert_eq!(f["citation"].status, Status::Fail, "{}", f["citation"].message);
    // A citation file passes, research signs or not.
    let f = run(&snapshot(&[
        ("README.md", "# Widgets\n\nWidgets makes widgets.\n"),
        ("CITATION.cff", "cff-version: 1.2.0\ntitle: Widgets\n"),
    ]));
    assert_eq!(f["citation"].status, Status::Pass, "{}", f["citation"].message);
}

#[test]
fn a_requirement_loop_in_a_config_is_refused() {
    let config = r#"
[[rule]]
id = "a"
title = "a"
responsibility = "welcoming"
severity = "low"
requires = ["b"]
rationale = "r"
remedy = "r"
check = { kind = "file", document = "readme" }

[[rule]]
id = "b"
title = "b"
responsibility = "welcoming"
severity = "low"
requires = ["a"]
rationale = "r"
remedy = "r"
check = { kind = "file", document = "readme" }
"#;
    let err = RuleSet::load(Some(("loop.toml", config))).unwrap_err();
    assert!(err.0.contains("requirements form a loop"), "{}", err.0);
}

mod newcomer_rules {
    use chrono::{DateTime, TimeDelta, Utc};

    use super::*;
    use crate::snapshot::{Activity, Actor, Item, Response, ResponseKind};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn item(number: u64, author: &str, association: &str, created: &str, answered_after_hours: Option<i64>) -> Item {
        let created_at = at(created);
        Item {
            url: format!("https://github.com/acme/widgets/issues/{number}"),
            responses: answered_after_hours
                .map(|h| Response {
                    kind: ResponseKind::Comment,
                    author: Some(Actor { login: "maintainer".into(), is_bot: false }),
                    author_association: "MEMBER".into(),
                    at: created_at + TimeDelta::hours(h),
                })
                .into_iter()
                .collect(),
            ..Item::opened_for_test(number, author, association, created)
        }
    }

    fn with_items(items: Vec<Item>) -> Snapshot {
        let mut snap = snapshot(&[]);
        snap.activity = Some(Activity {
            window_start: at("2026-08-03T00:00:00Z"),
            items,
            authors_with_earlier_items: Some(vec![]),
            authors_not_looked_up: vec![],
            complete: true,
            previous: None,
        });
        snap
    }

    #[test]
    fn fast_answers_to_newcomers_pass() {
        // Five first-timers, answered after 1, 2, 3, 5 and 30 hours: all within 48 h.
        let items = (1..=5)
            .zip([1, 2, 3, 5, 30])
            .map(|(n, h)| item(n, &format!("new{n}"), "FIRST_TIMER", "2026-10-01T10:00:00+02:00", Some(h)))
            .collect();
        let f = run(&with_items(items));
        assert_eq!(f["newcomer-response"].status, Status::Pass, "{}", f["newcomer-response"].message);
        assert_eq!(f["waiting-newcomers"].status, Status::Pass);
    }

    #[test]
    fn a_newcomer_waiting_a_month_fails_and_is_named() {
        // Opened 2026-09-20, audited 2026-11-01: 42 days without an answer.
        let items = vec![item(7, "newbie", "FIRST_TIMER", "2026-09-20T00:00:00Z", None)];
        let f = run(&with_items(items));
        assert_eq!(f["waiting-newcomers"].status, Status::Fail, "{}", f["waiting-newcomers"].message);
        assert!(
            f["waiting-newcomers"].evidence[0]
                .text
                .starts_with("#7 \"item 7\" (https://github.com/acme/widgets/issues/7)")
        );
        // One judged item is too few to judge the response rate.
        assert_eq!(f["newcomer-response"].status, Status::Skipped);
    }

    #[test]
    fn without_the_api_the_measured_rules_are_skipped() {
        let f = run(&snapshot(&[]));
        for rule in ["newcomer-response", "waiting-newcomers", "newcomers-vs-regulars", "good-first-issues"] {
            assert_eq!(f[rule].status, Status::Skipped, "{rule}");
        }
    }

    #[test]
    fn good_first_issues_count_only_open_unassigned_current_ones() {
        let mut snap = snapshot(&[]);
        snap.labels = Some(vec![Label { name: "good first issue".into(), description: None }]);
        let gfi = |n: u64, updated: &str, assignee: Option<&str>| {
            let mut i = item(n, "maintainer", "MEMBER", "2025-01-01T00:00:00Z", None);
            i.labels = vec!["good first issue".into()];
            i.updated_at = Some(at(updated));
            i.assignees = assignee.map(String::from).into_iter().collect();
            i
        };
        snap.welcoming_issues = Some(vec![
            gfi(1, "2026-10-01T00:00:00Z", None),
            gfi(2, "2026-10-02T00:00:00Z", None),
            gfi(3, "2025-06-01T00:00:00Z", Some("someone")),
        ]);
        let f = run(&snap);
        // Three open, two unassigned (67%), one not updated for 518 days: a warning naming it.
        assert_eq!(f["good-first-issues"].status, Status::Warn, "{}", f["good-first-issues"].message);
        assert!(f["good-first-issues"].evidence[0].text.starts_with("#3 "));
    }

    #[test]
    fn the_config_names_maintainers_and_bots() {
        let config = "[newcomers]\nmaintainers = [\"new1\"]\nbots = [\".*-ci\"]\ntarget_hours = 24\n";
        let rules = RuleSet::load(Some(("c.toml", config))).unwrap();
        let policy = rules.newcomer_policy(&snapshot(&[]));
        assert_eq!(policy.target, TimeDelta::hours(24));
        assert!(policy.is_bot(&Actor { login: "acme-ci".into(), is_bot: false }));
        let err = RuleSet::load(Some(("c.toml", "[newcomers]\nbots = [\"(\"]\n"))).unwrap_err();
        assert!(err.0.contains("field `newcomers.bots`"), "{}", err.0);
    }
}

#[test]
fn prose_patterns_match_whole_words_only() {
    use super::pattern::Phrase;
    let ping = Phrase::new("(ping|bump).{0,40}(review|reviewers|maintainers?)").unwrap();
    assert!(ping.is_match("Feel free to ping the maintainers after a week."));
    assert!(!ping.is_match("Thanks for helping the maintainers!"), "`ping` inside `helping`");
    assert!(!Phrase::new("bump").unwrap().is_match("The bot bumps the version."), "`bump` inside `bumps`");
    // The engine chooses the reading that ends on a word's end: `reviewers`, not `review|ers`.
    assert!(ping.is_match("bump the reviewers"));
    // Punctuation at either end leaves that end free: a URL's path, a DOI prefix.
    assert!(Phrase::new(r"/contribute\b").unwrap().is_match("see https://github.com/acme/widgets/contribute"));
    assert!(Phrase::new(r"doi\.org/").unwrap().is_match("https://doi.org/10.5281/zenodo.1"));
    assert!(Phrase::new(r"#[\w.-]+:[\w.-]+\.org\b").unwrap().is_match("join #widgets:matrix.org"));
}

#[test]
fn in_a_checkout_a_missing_document_github_inherits_is_unknown_not_missing() {
    use crate::snapshot::DataKind;
    let mut snap =
        snapshot(&[("README.md", "# Widgets\n\nWidgets for everyone, made with care by the acme team and friends.\n")]);
    snap.unavailable.insert(DataKind::Inherited, "needs the GitHub API".into());
    let f = run(&snap);
    for inheritable in
        ["coc-present", "security-policy", "contributing-present", "issue-templates", "pull-request-template"]
    {
        assert_eq!(f[inheritable].status, Status::Skipped, "{inheritable}: {}", f[inheritable].message);
        assert!(f[inheritable].message.contains("owner's .github repository"), "{}", f[inheritable].message);
    }
    // Dependents follow their requirement; kinds GitHub never inherits still fail.
    assert_eq!(f["coc-reporting-channel"].status, Status::Skipped);
    assert_eq!(f["license"].status, Status::Fail);
    assert_eq!(f["codeowners"].status, Status::Fail);

    // A repository with its own issue-template folder is not given the owner's chooser config.
    let mut own_templates = snapshot(&[(
        ".github/ISSUE_TEMPLATE/bug.yml",
        "name: Bug report\ndescription: Tell us what broke so that we can fix it\nbody:\n  - type: textarea\n",
    )]);
    own_templates.unavailable.insert(DataKind::Inherited, "needs the GitHub API".into());
    let f = run(&own_templates);
    assert_eq!(f["issue-chooser-links"].status, Status::Fail, "{}", f["issue-chooser-links"].message);

    // Through the API the owner's files were seen: missing is missing.
    assert_eq!(run(&snapshot(&[]))["coc-present"].status, Status::Fail);
}

/// A contributing guide of real length (over the pointer limit) that sends readers on for details.
const GUIDE_OPENING: &str = "# Contributing to widgets\n\nThank you for taking the time to contribute to \
widgets. Everyone is welcome here, whether you fix a typo, report a bug, answer a question in the tracker \
or write a whole new feature; we are glad to have you with us and we try to make the first steps easy.\n\n";

#[test]
fn a_guide_is_followed_to_the_docs_site_page_built_from_the_tree() {
    let guide = format!("{GUIDE_OPENING}For details, please read https://acme.github.io/devdocs/dev/workflow.html.\n");
    let workflow = "Workflow\n========\n\nSee :doc:`testing` for the test suite.\n";
    let testing = "Testing\n=======\n\nRun ``spin test`` from the repository root; it builds and runs the tests.\n";
    let f = run(&snapshot(&[
        ("CONTRIBUTING.rst", &guide),
        ("doc/source/dev/workflow.rst", workflow),
        ("doc/source/dev/testing.rst", testing),
    ]));
    let tests = &f["contributing-tests"];
    assert_eq!(tests.status, Status::Pass, "{}", tests.message);
    assert_eq!(
        tests.message,
        "doc/source/dev/testing.rst mentions how to run the tests (reached from CONTRIBUTING.rst → doc/source/dev/workflow.rst)"
    );
    assert_eq!(tests.evidence[0].path.as_deref(), Some("doc/source/dev/testing.rst"));
}

#[test]
fn every_rule_reading_a_guide_that_leads_to_an_unread_page_is_skipped_alike() {
    let guide = format!("{GUIDE_OPENING}Our guide lives at https://widgets.example.org/developers/guide/.\n");
    let f = run(&snapshot(&[("CONTRIBUTING.md", &guide), ("README.md", "# Widgets\n\nWidgets for everyone.\n")]));
    let rules = [
        "contributing-dev-setup",
        "contributing-tests",
        "contributing-first-issues",
        "contributing-review-expectations",
    ];
    for rule in rules {
        assert_eq!(f[rule].status, Status::Skipped, "{rule}: {}", f[rule].message);
        assert!(
            f[rule]
                .message
                .contains("CONTRIBUTING.md leads to https://widgets.example.org/developers/guide/, which was not read"),
            "{rule}: {}",
            f[rule].message
        );
    }
    // With nothing unread, a fact in no page is missing.
    let f = run(&snapshot(&[("CONTRIBUTING.md", GUIDE_OPENING)]));
    assert_eq!(f["contributing-tests"].status, Status::Fail);
}

#[test]
fn the_page_the_readme_names_for_the_guide_is_read_with_it() {
    let readme = "# Widgets\n\nWidgets for everyone, made with care by the acme team and friends.\n\n\
For contributing code specifically, the developer docs have a\n[guide](docs/index_dev.rst) with a quickstart.\n";
    let dev = "Developer docs\n==============\n\nNot sure where to start? Take a look at the good first issues.\n";
    let f = run(&snapshot(&[("README.md", readme), ("CONTRIBUTING.md", GUIDE_OPENING), ("docs/index_dev.rst", dev)]));
    let first = &f["contributing-first-issues"];
    assert_eq!(first.status, Status::Pass, "{}", first.message);
    assert!(
        first.message.contains("the page README.md sends readers to for the contributing guide"),
        "{}",
        first.message
    );
}

#[test]
fn a_maintainers_file_counts_for_the_people_it_names() {
    let nobody = "# Maintainer guidelines\n\nMaintainers review pull requests, triage issues and cut releases.\n";
    assert_eq!(run(&snapshot(&[("MAINTAINERS.md", nobody)]))["maintainers-listed"].status, Status::Fail);
    let named = "# Maintainers\n\n- Ada Lopez (@ada-lopez)\n";
    assert_eq!(run(&snapshot(&[("MAINTAINERS.md", named)]))["maintainers-listed"].status, Status::Pass);
    // Three people with handles in a page the guide leads to (pytest's contact page).
    let guide = format!("{GUIDE_OPENING}Talk to the developers: see [contact](doc/contact.rst).\n");
    let contact = "Contact\n=======\n\nThe core team can be contacted individually:\n\n\
* Bruno Oliveira (:user:`nicoddemus`)\n* Freya Bruhin (:user:`The-Compiler`)\n* Ran Benita (:user:`bluetech`)\n";
    let f = run(&snapshot(&[("CONTRIBUTING.md", &guide), ("doc/contact.rst", contact)]));
    assert_eq!(f["maintainers-listed"].status, Status::Pass, "{}", f["maintainers-listed"].message);
    let two = contact.lines().take(6).collect::<Vec<_>>().join("\n");
    let f = run(&snapshot(&[("CONTRIBUTING.md", &guide), ("doc/contact.rst", &two)]));
    assert_eq!(f["maintainers-listed"].status, Status::Fail, "two people are not yet a list");
}

#[test]
fn an_enforcement_heading_over_a_contact_is_not_enforcement_and_investigating_is_not_confidentiality() {
    let coc = format!(
        "# Code of conduct\n\n{}\n\n## Enforcement\n\nWrite to moderation@acme.example with any concern, at any time, day or night.\n\n\
We will investigate every report.\n",
        COC.lines().nth(2).unwrap()
    );
    let coc = coc.replace("keeps it confidential, and may warn or ban anyone who breaks these rules", "reads each one");
    let f = run(&snapshot(&[("CODE_OF_CONDUCT.md", &coc)]));
    assert_eq!(f["coc-enforcement"].status, Status::Fail, "{}", f["coc-enforcement"].message);
    assert_eq!(f["coc-confidentiality"].status, Status::Fail, "{}", f["coc-confidentiality"].message);
    let anonymous = coc.replace("We will investigate every report.", "Reports may be made anonymously.");
    assert_eq!(run(&snapshot(&[("CODE_OF_CONDUCT.md", &anonymous)]))["coc-confidentiality"].status, Status::Pass);
}

#[test]
fn pointers_real_projects_use_for_starter_issues_support_and_maintainers() {
    // httpx: a labelled-issues URL is the pointer to starter issues.
    let guide = format!(
        "{GUIDE_OPENING}- [Implement new features](https://github.com/acme/widgets/issues?q=is%3Aissue+is%3Aopen+label%3A%22good+first+issue%22)\n"
    );
    assert_eq!(run(&snapshot(&[("CONTRIBUTING.md", &guide)]))["contributing-first-issues"].status, Status::Pass);
    // networkx: a project website's /contribute page is not one.
    let site = format!("{GUIDE_OPENING}See https://widgets.org/documentation/latest/developer/contribute.html.\n");
    assert_ne!(run(&snapshot(&[("CONTRIBUTING.md", &site)]))["contributing-first-issues"].status, Status::Pass);
    // fd: an issue template for questions tells users where to ask.
    let question = "---\nname: Question\nabout: Ask a question about widgets.\nlabels: question\n---\n";
    let f = run(&snapshot(&[(".github/ISSUE_TEMPLATE/question.md", question)]));
    assert_eq!(f["support-channel"].status, Status::Pass, "{}", f["support-channel"].message);
    // black: an authors file that says who maintains the project.
    let authors =
        "# Authors\n\nGlued together by Ada.\n\nMaintained with:\n\n- [Carol Willing](mailto:carol@example.org)\n";
    assert_eq!(run(&snapshot(&[("AUTHORS.md", authors)]))["maintainers-listed"].status, Status::Pass);
    let credits_only = "# Authors\n\nMultiple contributions by:\n\n- [Carol Willing](mailto:carol@example.org)\n";
    assert_eq!(run(&snapshot(&[("AUTHORS.md", credits_only)]))["maintainers-listed"].status, Status::Fail);
}

#[test]
fn a_document_is_what_it_says_not_what_it_is_called() {
    // cobra: CONDUCT.md is a user contract about versions, not a code of conduct.
    let contract = "## Cobra User Contract\n\n### Versioning\n\nCobra will follow a steady release cadence. Non \
breaking changes will be released as minor versions quarterly, and patch releases as needed.\n";
    let f = run(&snapshot(&[("CONDUCT.md", contract)]));
    assert_eq!(f["coc-present"].status, Status::Fail, "{}", f["coc-present"].message);
    assert_eq!(run(&snapshot(&[("CONDUCT.md", COC)]))["coc-present"].status, Status::Pass);
    // astropy: a "vision" page of history is not a roadmap; one that says what comes next is.
    let vision = "Vision\n======\n\nThis document describes the vision for a common astronomy package, as agreed by \
the community at the meeting that founded the project, and the principles it was built on.\n";
    let f = run(&snapshot(&[("docs/development/vision.rst", vision)]));
    assert_eq!(f["roadmap"].status, Status::Fail, "{}", f["roadmap"].message);
    let planned = vision.replace("and the principles it was built on", "and what is planned for the next release");
    let f = run(&snapshot(&[("docs/development/vision.rst", &planned)]));
    assert_eq!(f["roadmap"].status, Status::Pass, "{}", f["roadmap"].message);
    // networkx: governance is an enhancement proposal titled for it.
    let nxep = "NXEP 1 — Governance and Decision Making\n=======================================\n\n\
The project is run by its core developers, who make decisions by consensus; when consensus fails, the \
steering council votes, and any core developer may nominate a new core developer.\n";
    let f = run(&snapshot(&[
        ("doc/developer/nxeps/nxep-0001.rst", nxep),
        ("doc/developer/nxeps/nxep-0002.rst", "NXEP 2 — API design\n===================\n"),
    ]));
    assert_eq!(f["governance"].status, Status::Pass, "{}", f["governance"].message);
    assert_eq!(f["governance"].location.as_deref(), Some("doc/developer/nxeps/nxep-0001.rst"));
    assert_eq!(f["governance-decisions"].status, Status::Pass);
}

#[test]
fn a_readme_section_asking_for_donations_counts_for_funding() {
    let readme = "# Widgets\n\nWidgets for everyone, made with care by the acme team and friends.\n\n## Donate\n\n\
The acme team develops and supports widgets. To grow the community, [please donate today](https://acme.example/donate).\n";
    // People can give; GitHub shows no Sponsor button without a funding file.
    let f = run(&snapshot(&[("README.md", readme)]));
    assert_eq!(f["funding"].status, Status::Warn, "{}", f["funding"].message);
    let no_section = readme.replace("## Donate", "## About");
    assert_eq!(run(&snapshot(&[("README.md", &no_section)]))["funding"].status, Status::Fail);
}

#[test]
fn the_covenants_reporting_sentence_is_not_enforcement_but_a_decision_process_is() {
    let pledge = "# Code of conduct\n\nWe pledge to make participation in our community a harassment-free experience for \
everyone, whatever their age, body size, disability, ethnicity, gender identity, level of experience, \
education, nationality, personal appearance, race, religion, or sexual identity and orientation.\n\n";
    let reporting = "## Reporting\n\nInstances of abusive behavior may be reported to the community leaders \
responsible for enforcement at conduct@acme.example.\n";
    let coc = format!("{pledge}{reporting}");
    assert_eq!(run(&snapshot(&[("CODE_OF_CONDUCT.md", &coc)]))["coc-enforcement"].status, Status::Fail);

    // networkx: the noun, in a sentence that says who acts.
    let decided = format!(
        "{coc}\n## What happens next\n\nEnforcement is enacted via transparent decision by the Steering Council.\n"
    );
    assert_eq!(run(&snapshot(&[("CODE_OF_CONDUCT.md", &decided)]))["coc-enforcement"].status, Status::Pass);
}

#[test]
fn a_security_policy_that_sends_reports_to_the_public_tracker_gives_no_private_channel() {
    let supported = "## Supported versions\n\nWe fix security problems in the latest release of widgets only; \
older releases get no fixes, so please upgrade before you report.\n\n";
    let public = "# Security policy\n\nTo report a vulnerability, please open an issue on GitHub with the `security` \
label and the steps to reproduce it.\n";
    let public = format!("{public}\n{supported}");
    assert_eq!(run(&snapshot(&[("SECURITY.md", &public)]))["security-reporting"].status, Status::Fail);
    // fzf and bat: privately, or by e-mail to a person the page links.
    for private in [
        "# Security\n\nIf you wish to report a security vulnerability privately, please follow the guidelines below.\n",
        "# Security\n\nTo report a security vulnerability, please contact [David Peter](https://david-peter.de/) via email.\n",
    ] {
        let private = format!("{private}\n{supported}");
        assert_eq!(
            run(&snapshot(&[("SECURITY.md", &private)]))["security-reporting"].status,
            Status::Pass,
            "{private}"
        );
    }
}
