//! What a rule set needs collected, said in the collectors' terms: the documents to read and
//! follow, the labels whose open issues are wanted, and the kinds of API data. Collectors see
//! this and never a rule.

use std::collections::{BTreeMap, BTreeSet};

use super::check::{LabelsCheck, label_matches};
use super::rule::Rule;
use crate::documents::kind::DocumentKind;
use crate::documents::locate;
use crate::snapshot::{DataKind, Tree};

/// What collection must gather for a rule set.
#[derive(Debug, Clone)]
pub struct DataNeeds {
    /// The document kinds whose files are read, and whose pointers and guides are followed.
    pub documents: BTreeMap<String, DocumentKind>,
    /// The labels whose open issues are collected.
    pub labels: LabelMatchers,
    /// The kinds of data only an API has that the rules judge.
    pub api: BTreeSet<DataKind>,
}

/// The label names the rules look for, each rule's as it matches them.
#[derive(Debug, Clone, Default)]
pub struct LabelMatchers(Vec<LabelsCheck>);

impl LabelMatchers {
    /// Whether a label is one some rule looks for (`-` and `_` read as spaces, as the rules read them).
    pub fn matches(&self, name: &str) -> bool {
        self.0.iter().any(|c| label_matches(c, name))
    }
}

impl DataNeeds {
    pub(super) fn new(documents: &BTreeMap<String, DocumentKind>, rules: &[Rule]) -> DataNeeds {
        let mut needs =
            DataNeeds { documents: documents.clone(), labels: LabelMatchers::default(), api: BTreeSet::new() };
        if documents.values().any(|kind| kind.spec.org_fallback) {
            needs.api.insert(DataKind::Inherited);
        }
        for check in rules.iter().flat_map(|r| r.applies_if.iter().chain([&r.check])) {
            check.add_needs(&mut needs);
        }
        needs
    }

    /// Adds a label matcher: the open issues of labels it matches are collected.
    pub(super) fn want_labels(&mut self, matcher: LabelsCheck) {
        self.labels.0.push(matcher);
    }

    /// Whether the rules judge a kind of API data.
    pub fn wants(&self, kind: DataKind) -> bool {
        self.api.contains(&kind)
    }

    /// The files whose bodies are read in a tree, before any is followed.
    pub fn paths_to_read(&self, tree: &Tree) -> BTreeSet<String> {
        locate::paths_to_read(&self.documents, tree)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::RuleSet;
    use crate::snapshot::DataKind;

    #[test]
    fn the_shipped_rules_want_every_kind_of_api_data() {
        let needs = RuleSet::builtin().needs();
        for kind in [
            DataKind::Settings,
            DataKind::Labels,
            DataKind::Issues,
            DataKind::Inherited,
            DataKind::Discussions,
            DataKind::Releases,
        ] {
            assert!(needs.wants(kind), "{kind:?}");
        }
    }

    #[test]
    fn labels_named_by_any_rule_are_wanted_also_the_exact_names_of_good_first_issues() {
        let config = "[rules.good-first-issues.check]\nalso = [\"mentored\"]\n";
        let needs = RuleSet::load(Some(("cm-audit.toml", config))).unwrap().needs();
        for wanted in ["good first issue", "help-wanted", "Mentored", "E-easy"] {
            assert!(needs.labels.matches(wanted), "{wanted}");
        }
        assert!(!needs.labels.matches("bug"));
        assert!(!RuleSet::builtin().needs().labels.matches("mentored"));
    }
}
