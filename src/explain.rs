//! What the rules are: the `rules` listing, `explain RULE`, and the reference in docs/rules.md.

use std::fmt::Write;

use crate::engine::RuleSet;
use crate::engine::rule::{Responsibility, Rule};

/// One line a rule: id, responsibility, severity, title.
pub fn list(rules: &RuleSet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{:<34} {:<20} {:<7} TITLE", "ID", "RESPONSIBILITY", "SEVERITY");
    for r in &rules.rules {
        let off = if rules.ignored.contains_key(&r.id) { " (ignored by config)" } else { "" };
        let _ = writeln!(out, "{:<34} {:<20} {:<7} {}{off}", r.id, r.responsibility.id(), r.severity.id(), r.title);
    }
    let _ = writeln!(out, "\n{} rules. `cm-audit explain RULE` tells more.", rules.rules.len());
    out
}

/// The rule a person asked for, in any case and with `_` for `-`; else why not, with the nearest
/// id when one is close (`coc-presnt` → "did you mean coc-present?").
pub fn find<'a>(rules: &'a RuleSet, asked: &str) -> Result<&'a Rule, String> {
    let id = asked.trim().to_ascii_lowercase().replace('_', "-");
    if let Some(rule) = rules.rule(&id) {
        return Ok(rule);
    }
    let nearest = rules
        .rules
        .iter()
        .map(|r| (edit_distance(&id, &r.id), r))
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, r)| *distance <= (r.id.len() / 3).max(2));
    Err(match nearest {
        Some((_, r)) => format!("no rule `{asked}`: did you mean {}? (`cm-audit rules` lists them)", r.id),
        None => format!("no rule `{asked}`: `cm-audit rules` lists them"),
    })
}

/// Levenshtein distance: the fewest one-character insertions, deletions and substitutions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

fn needs(rule: &Rule) -> String {
    if rule.requires.is_empty() {
        String::new()
    } else {
        format!("Requires: {} (skipped unless they pass)\n", rule.requires.join(", "))
    }
}

/// Everything about one rule, for a person.
pub fn explain(rules: &RuleSet, rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}\n", rule.id, rule.title);
    let _ = writeln!(out, "Responsibility: {} ({})", rule.responsibility.title(), rule.responsibility.summary());
    let _ = writeln!(out, "Severity: {}, weight {}", rule.severity.id(), rule.weight);
    if let Some(reason) = rules.ignored.get(&rule.id) {
        let _ = writeln!(out, "Ignored by config: {reason}");
    }
    let _ = write!(out, "{}", needs(rule));
    let _ = writeln!(out, "\nWhy it matters:\n{}\n", indent(rule.rationale.trim()));
    let _ = writeln!(out, "What it looks for:\n{}\n", indent(&looks_for(rules, rule)));
    let _ = writeln!(out, "How to fix it:\n{}\n", indent(rule.remedy.trim()));
    let _ = writeln!(out, "More: {}", rule.docs);
    out
}

fn looks_for(rules: &RuleSet, rule: &Rule) -> String {
    let mut text = rule.check.describe();
    let mut docs: Vec<&str> = rule.check.documents();
    docs.sort();
    docs.dedup();
    for d in docs {
        if let Some(kind) = rules.documents.get(d) {
            let _ = write!(text, "\n`{d}` is the {}: {}", kind.spec.name, describe_places(kind));
        }
    }
    if let Some(a) = &rule.applies_if {
        let _ = write!(text, "\nApplies only when: {}", a.describe());
    }
    text
}

fn describe_places(kind: &crate::documents::kind::DocumentKind) -> String {
    let s = &kind.spec;
    let mut parts = Vec::new();
    if !s.stems.is_empty() {
        parts.push(format!("files named {} in any case and with - or _", s.stems.join(", ")));
    }
    if !s.paths.is_empty() {
        parts.push(format!("the paths {}", s.paths.join(", ")));
    }
    let places = s.places.clone().unwrap_or_else(|| vec![".github".into(), "".into(), "docs".into()]);
    let places: Vec<String> =
        places.iter().map(|p| if p.is_empty() { "the root".into() } else { format!("{p}/") }).collect();
    parts.push(format!("looked for in {}", places.join(", ")));
    if s.deeper {
        parts.push("then a few levels under doc/, docs/, documentation/, community/, governance/".into());
    }
    if s.folder {
        parts.push("a folder of pages with that name counts".into());
    }
    if s.org_fallback {
        parts.push("inherited from the owner's .github repository when absent".into());
    }
    parts.join("; ")
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {}", l.trim())).collect::<Vec<_>>().join("\n")
}

/// The rules reference, docs/rules.md, generated from the rules so that it never drifts.
pub fn reference_markdown(rules: &RuleSet) -> String {
    let mut out = String::from(
        "<!-- Generated by `cm-audit rules --format markdown`; do not edit by hand. -->\n# cm-audit rules\n\n\
         Each rule belongs to one responsibility of a community manager. Severity sets the default weight \
         (high 10, medium 5, low 2); a rule's score counts a pass fully, a warning half, a failure not at all, \
         and never counts a skipped or ignored rule. Turn rules off or tune them in `cm-audit.toml` \
         (see docs/config.md).\n",
    );
    for resp in Responsibility::ALL {
        let _ = writeln!(out, "\n## {} — {}\n", resp.title(), resp.summary());
        let _ = writeln!(out, "| rule | severity | title |\n| --- | --- | --- |");
        for r in rules.rules.iter().filter(|r| r.responsibility == resp) {
            let _ = writeln!(out, "| [`{}`](#{}) | {} | {} |", r.id, r.id, r.severity.id(), r.title);
        }
    }
    for r in &rules.rules {
        let _ = writeln!(out, "\n### {}\n", r.id);
        let _ = writeln!(
            out,
            "**{}** · {} · severity {} (weight {})\n",
            r.title,
            r.responsibility.title(),
            r.severity.id(),
            r.weight
        );
        let _ = writeln!(out, "{}\n", r.rationale.trim().replace('\n', " "));
        let _ = writeln!(out, "*Looks for:* {}\n", looks_for(rules, r).replace('\n', "  \n"));
        if !r.requires.is_empty() {
            let _ = writeln!(
                out,
                "*Requires:* {} (skipped unless they pass)\n",
                r.requires.iter().map(|q| format!("[`{q}`](#{q})")).collect::<Vec<_>>().join(", ")
            );
        }
        let _ = writeln!(out, "*Fix:* {}", r.remedy.trim());
    }
    out
}
