//! The terminal report: scores at a glance, then each responsibility's gaps with evidence and
//! remedy, most important first. Styles are ANSI; `anstream` strips them when the output is not a
//! terminal or `NO_COLOR` is set.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::Report;
use super::compare::Comparison;
use super::dynamics_view::DynamicsView;
use crate::engine::finding::{Evidence, Finding, Status};
use crate::newcomers::{NewcomerSummary, human};
use crate::plain_text::flatten;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default();
const BAR_WIDTH: usize = 20;

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn symbol(status: Status) -> String {
    match status {
        Status::Pass => paint(GREEN, "✓"),
        Status::Warn => paint(YELLOW, "!"),
        Status::Fail => paint(RED, "✗"),
        Status::Skipped => paint(DIM, "-"),
        Status::Ignored => paint(DIM, "~"),
    }
}

fn score_style(score: Option<u8>) -> Style {
    match score {
        Some(s) if s >= 80 => GREEN,
        Some(s) if s >= 50 => YELLOW,
        Some(_) => RED,
        None => DIM,
    }
}

fn bar(score: Option<u8>) -> String {
    let filled = score.map_or(0, |s| (usize::from(s) * BAR_WIDTH + 50) / 100);
    format!("{}{}", paint(score_style(score), &"█".repeat(filled)), paint(DIM, &"░".repeat(BAR_WIDTH - filled)))
}

fn score_text(score: Option<u8>) -> String {
    score.map_or_else(|| "n/a".to_string(), |s| s.to_string())
}

/// Renders the report as styled text, with what changed since a base report when given. Every text
/// from the repository, its config or GitHub is flattened: a terminal would act on its escape
/// sequences (clear the screen, set the title, hide text), BEL and NUL, and bidirectional overrides
/// make it read otherwise than it is.
pub fn render(report: &Report, comparison: Option<&Comparison>) -> String {
    let mut out = String::new();
    let name = flatten(report.repository.as_deref().or(report.sources.local_tree.as_deref()).unwrap_or("repository"));
    let _ = writeln!(
        out,
        "{} {}  {} {}/100",
        paint(BOLD, "cm-audit"),
        name,
        paint(DIM, "score"),
        paint(score_style(report.score).bold(), &score_text(report.score))
    );
    let _ = writeln!(out, "{}", paint(DIM, &flatten(&report.sources_line())));
    if let Some(top) = report.gaps().next() {
        let _ = writeln!(out, "\n{} {}: {}", paint(BOLD, "Fix first:"), flatten(&top.title), flatten(&top.remedy));
    }
    let _ = writeln!(out);
    for r in &report.responsibilities {
        let _ = writeln!(out, "  {:<20} {:>3}  {}", r.title, score_text(r.score), bar(r.score));
    }
    if let Some(n) = &report.newcomers {
        newcomer_lines(&mut out, n);
    }
    if let Some(d) = &report.dynamics {
        dynamics_lines(&mut out, &DynamicsView::new(d));
    }
    if let Some(c) = comparison {
        comparison_lines(&mut out, c);
    }
    for r in &report.responsibilities {
        let mine: Vec<&Finding> = report.findings.iter().filter(|f| f.responsibility == r.id).collect();
        let _ = writeln!(
            out,
            "\n{} {}",
            paint(BOLD, &format!("{} {}", r.title, score_text(r.score))),
            paint(DIM, &format!("— {}", r.summary))
        );
        for f in mine {
            finding(&mut out, f);
        }
    }
    let skipped = report.with_status(Status::Skipped).count();
    let _ = writeln!(
        out,
        "\n{}",
        paint(
            DIM,
            &format!(
                "{} gaps, {} passing, {skipped} skipped, {} ignored. `cm-audit explain RULE` says why a rule matters.",
                report.gaps().count(),
                report.with_status(Status::Pass).count(),
                report.with_status(Status::Ignored).count()
            )
        )
    );
    out
}

fn comparison_lines(out: &mut String, c: &Comparison) {
    let signed = |change: Option<i16>| change.map_or_else(|| "n/a".to_string(), |d| format!("{d:+}"));
    let _ = writeln!(
        out,
        "\n{} overall {} → {} ({})",
        paint(BOLD, &format!("Changes since the base report of {}:", c.base_generated_at.format("%Y-%m-%d %H:%M UTC"))),
        score_text(c.score.before),
        score_text(c.score.after),
        signed(c.score.change)
    );
    if let Some(other) = &c.other_repository {
        let _ = writeln!(out, "  {}", paint(YELLOW, &format!("the base report is of {other}, not of this repository")));
    }
    for r in c.responsibilities.iter().filter(|r| r.score.change.is_some_and(|d| d != 0)) {
        let _ = writeln!(out, "  {:<20} {}", r.title, signed(r.score.change));
    }
    for (title, changes, status) in [("Fixed", &c.fixed, Status::Pass), ("Broken", &c.broken, Status::Fail)] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {}", paint(BOLD, &format!("{title} ({})", changes.len())));
        for change in changes {
            let _ = writeln!(
                out,
                "  {} {}  {}: {} → {}",
                symbol(status),
                change.title,
                change.rule,
                change.before.id(),
                change.after.id()
            );
        }
    }
    if c.not_comparable > 0 {
        let _ = writeln!(
            out,
            "  {}",
            paint(
                DIM,
                &format!("{} rules skipped or absent in one of the two reports are not compared", c.not_comparable)
            )
        );
    }
}

fn newcomer_lines(out: &mut String, n: &NewcomerSummary) {
    let f = &n.figures;
    let median = |g: &crate::newcomers::Figures| g.median.map_or_else(|| "n/a".to_string(), human);
    let _ = writeln!(
        out,
        "\n  {} median first response {} for {} newcomer items, {} for {} by regulars; {} newcomers waiting",
        paint(BOLD, "Newcomers:"),
        median(&f.newcomers.all),
        f.newcomers.all.count,
        median(&f.regulars.all),
        f.regulars.all.count,
        n.waiting.len()
    );
    for item in n.waiting.iter().take(3) {
        let _ = writeln!(out, "      {}", paint(DIM, &flatten(&item.describe())));
    }
}

/// A line a figure, its trend at the end; the text may quote a release tag from the repository.
fn dynamics_lines(out: &mut String, d: &DynamicsView) {
    let _ = writeln!(
        out,
        "\n  {} {}",
        paint(BOLD, "Community dynamics:"),
        paint(DIM, &format!("{}, by {}", d.span, d.bucket))
    );
    for f in &d.figures {
        let trend = f.trend.as_ref().map(|t| format!("  {} {} → {}", t.spark, t.first, t.last)).unwrap_or_default();
        let text = flatten(&f.text);
        let _ = writeln!(
            out,
            "    {}: {}{}",
            f.name,
            if f.measured { text } else { paint(DIM, &text) },
            paint(DIM, &trend)
        );
    }
}

fn finding(out: &mut String, f: &Finding) {
    let sev = match f.status {
        Status::Fail | Status::Warn => format!(" [{}]", f.severity.id()),
        _ => String::new(),
    };
    let title = flatten(&f.title);
    let _ = writeln!(out, "  {} {title}{}  {}", symbol(f.status), paint(DIM, &sev), paint(DIM, &flatten(&f.rule)));
    let _ = writeln!(out, "      {}", flatten(&f.message));
    if f.status.is_gap() {
        for e in f.evidence.iter().take(5) {
            let _ = writeln!(out, "      {}", paint(DIM, &evidence_line(e)));
        }
        let _ = writeln!(out, "      → {}", flatten(&f.remedy));
    } else if let Some(e) = f.evidence.first().filter(|_| f.status == Status::Pass) {
        let _ = writeln!(out, "      {}", paint(DIM, &evidence_line(e)));
    }
}

fn evidence_line(e: &Evidence) -> String {
    let line = match (&e.path, e.line) {
        (Some(p), Some(l)) => format!("{p}:{l}: {}", e.text),
        (Some(p), None) => format!("{p}: {}", e.text),
        _ => e.text.clone(),
    };
    flatten(&line)
}
