//! Which file fixes which rules: the one table `cm-audit fix` works from. A rule missing here is
//! one a file cannot fix (a licence is the owners' choice, labels and settings live on GitHub) or
//! one whose file needs facts only a person has (CODEOWNERS, a roadmap).

/// One file `fix` can write.
#[derive(Debug, Clone, Copy)]
pub struct Fixable {
    /// Where it is written, relative to the repository's root.
    pub path: &'static str,
    /// Its template's name under `templates/fix/`.
    pub template: &'static str,
    /// The rules it fixes, by id (`cm-audit rules`).
    pub rules: &'static [&'static str],
    /// The rule whose finding says whether (and where) a document of this kind is already in the
    /// tree; `None` when only the file's own path says so.
    pub present: Option<&'static str>,
}

pub const FIXABLE: &[Fixable] = &[
    Fixable {
        path: "CONTRIBUTING.md",
        template: "CONTRIBUTING.md.j2",
        rules: &[
            "contributing-present",
            "contributing-dev-setup",
            "contributing-tests",
            "contributing-first-issues",
            "contributing-review-expectations",
        ],
        present: Some("contributing-present"),
    },
    Fixable {
        path: "CODE_OF_CONDUCT.md",
        template: "CODE_OF_CONDUCT.md.j2",
        rules: &["coc-present", "coc-reporting-channel", "coc-enforcement", "coc-confidentiality"],
        present: Some("coc-present"),
    },
    Fixable {
        path: "SECURITY.md",
        template: "SECURITY.md.j2",
        rules: &["security-policy", "security-reporting"],
        present: Some("security-policy"),
    },
    Fixable {
        path: "SUPPORT.md",
        template: "SUPPORT.md.j2",
        rules: &["support-channel"],
        present: Some("support-channel"),
    },
    Fixable {
        path: "GOVERNANCE.md",
        template: "GOVERNANCE.md.j2",
        rules: &["governance", "governance-decisions", "maintainer-ladder", "maintainers-listed"],
        present: Some("governance"),
    },
    Fixable {
        path: ".github/ISSUE_TEMPLATE/bug_report.yml",
        template: "bug_report.yml.j2",
        rules: &["issue-templates"],
        present: Some("issue-templates"),
    },
    Fixable {
        path: ".github/ISSUE_TEMPLATE/feature_request.yml",
        template: "feature_request.yml.j2",
        rules: &["issue-templates"],
        present: Some("issue-templates"),
    },
    Fixable {
        path: ".github/ISSUE_TEMPLATE/config.yml",
        template: "config.yml.j2",
        rules: &["issue-chooser-links"],
        present: None,
    },
    Fixable {
        path: ".github/pull_request_template.md",
        template: "pull_request_template.md.j2",
        rules: &["pull-request-template"],
        present: Some("pull-request-template"),
    },
    Fixable { path: "CITATION.cff", template: "CITATION.cff.j2", rules: &["citation"], present: None },
    Fixable {
        path: ".github/workflows/greeting.yml",
        template: "greeting.yml.j2",
        rules: &["greeting"],
        present: None,
    },
];

/// The built-in templates, shipped in the binary.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("CONTRIBUTING.md.j2", include_str!("../../templates/fix/CONTRIBUTING.md.j2")),
    ("CODE_OF_CONDUCT.md.j2", include_str!("../../templates/fix/CODE_OF_CONDUCT.md.j2")),
    ("SECURITY.md.j2", include_str!("../../templates/fix/SECURITY.md.j2")),
    ("SUPPORT.md.j2", include_str!("../../templates/fix/SUPPORT.md.j2")),
    ("GOVERNANCE.md.j2", include_str!("../../templates/fix/GOVERNANCE.md.j2")),
    ("bug_report.yml.j2", include_str!("../../templates/fix/bug_report.yml.j2")),
    ("feature_request.yml.j2", include_str!("../../templates/fix/feature_request.yml.j2")),
    ("config.yml.j2", include_str!("../../templates/fix/config.yml.j2")),
    ("pull_request_template.md.j2", include_str!("../../templates/fix/pull_request_template.md.j2")),
    ("CITATION.cff.j2", include_str!("../../templates/fix/CITATION.cff.j2")),
    ("greeting.yml.j2", include_str!("../../templates/fix/greeting.yml.j2")),
];

/// The greeting workflow's action, pinned to the commit of its tag: v1 (not v3, which greets
/// returning contributors on every pull request, as the `greeting` rule warns).
pub const FIRST_INTERACTION: &str = "actions/first-interaction@34f15e814fe48ac9312ccf29db4e74fa767cbab7 # v1.3.0";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleSet;

    #[test]
    fn every_rule_named_is_a_rule_and_every_template_is_shipped() {
        let rules = RuleSet::builtin();
        for fixable in FIXABLE {
            for id in fixable.rules.iter().chain(fixable.present.iter()) {
                assert!(rules.rule(id).is_some(), "{}: no rule {id}", fixable.path);
            }
            assert!(TEMPLATES.iter().any(|(name, _)| *name == fixable.template), "{}", fixable.template);
        }
    }

    #[test]
    fn the_greeting_action_is_pinned_to_a_full_commit() {
        let (_, reference) = FIRST_INTERACTION.split_once('@').unwrap();
        let sha = reference.split_whitespace().next().unwrap();
        assert!(sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()), "{sha}");
    }
}
