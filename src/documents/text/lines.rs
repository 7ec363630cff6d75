//! The line-by-line reader: each line of a document classified as prose, blank, heading, underline,
//! code or comment. Markdown's code blocks and headings come from the parser; reStructuredText,
//! AsciiDoc and plain text are read by their line conventions, forgivingly, since real files mix
//! styles.

use std::sync::LazyLock;

use regex::Regex;

use super::markdown::Block;
use super::{Format, Line, LineKind};

static INLINE_COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--.*?-->").unwrap());
static ATX_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^ {0,3}(#{1,6})(\s+|$)").unwrap());
static ADOC_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(={1,6})\s+\S").unwrap());
static SETEXT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^ {0,3}(=+|-+)\s*$").unwrap());

/// The lines of `text`, classified by `format`; `blocks` is what the Markdown parser says of each
/// line, for Markdown.
pub(super) fn read(text: &str, format: Format, blocks: Option<&[Option<Block>]>) -> Vec<Line> {
    let raw: Vec<&str> = text.lines().collect();
    let mut lines: Vec<Line> = Vec::with_capacity(raw.len());
    let mut fence: Option<(char, usize)> = None;
    let mut in_comment = false;
    let mut rst_literal = false;
    let mut rst_levels: Vec<char> = Vec::new();

    for (i, &line) in raw.iter().enumerate() {
        let trimmed = line.trim_start();
        let block = blocks.and_then(|b| b.get(i).copied().flatten());
        // Fenced code (plain text, AsciiDoc) and literal blocks (reStructuredText).
        if let Some((ch, len)) = fence {
            let closes =
                trimmed.starts_with(&ch.to_string().repeat(len)) && trimmed.trim_end().chars().all(|c| c == ch);
            if closes {
                fence = None;
            }
            lines.push(Line { text: line.to_string(), kind: LineKind::Code });
            continue;
        }
        if format == Format::Rst && rst_literal {
            if line.trim().is_empty() || line.starts_with(char::is_whitespace) {
                lines.push(Line { text: line.to_string(), kind: LineKind::Code });
                continue;
            }
            rst_literal = false;
        }
        if in_comment {
            if let Some(end) = line.find("-->") {
                in_comment = false;
                let rest = &line[end + 3..];
                lines.push(classify_plain(rest));
            } else {
                lines.push(Line { text: String::new(), kind: LineKind::Comment });
            }
            continue;
        }
        if block == Some(Block::Code) {
            lines.push(Line { text: line.to_string(), kind: LineKind::Code });
            continue;
        }
        // reStructuredText has no fences: its `~~~~` lines are title adornments.
        if matches!(format, Format::PlainText | Format::AsciiDoc) {
            for fence_char in ['`', '~'] {
                let run = trimmed.chars().take_while(|&c| c == fence_char).count();
                if run >= 3 && (fence_char == '~' || !trimmed[run..].contains('`')) {
                    fence = Some((fence_char, run));
                }
            }
            if fence.is_some() {
                lines.push(Line { text: line.to_string(), kind: LineKind::Code });
                continue;
            }
        }
        let mut text = INLINE_COMMENT.replace_all(line, "").into_owned();
        if let Some(start) = text.find("<!--") {
            in_comment = true;
            text.truncate(start);
            let kind = if text.trim().is_empty() { LineKind::Comment } else { LineKind::Prose };
            lines.push(Line { text, kind });
            continue;
        }
        if format == Format::Rst {
            let t = text.trim_end();
            if t.ends_with("::") || t.trim_start().starts_with(".. code") || t.trim_start().starts_with(".. sourcecode")
            {
                rst_literal = true;
            }
            if t.starts_with(".. ") && !t.contains("::") && !t.starts_with(".. _") {
                lines.push(Line { text, kind: LineKind::Comment });
                continue;
            }
        }
        let mut kind = classify_plain(&text).kind;
        if kind == LineKind::Prose {
            match format {
                Format::Markdown => {
                    if let Some(Block::Heading(level)) = block {
                        kind = LineKind::Heading(level);
                    }
                }
                Format::PlainText => {
                    if let Some(c) = ATX_HEADING.captures(&text) {
                        kind = LineKind::Heading(c[1].len() as u8);
                    }
                }
                Format::AsciiDoc => {
                    if let Some(c) = ADOC_HEADING.captures(&text) {
                        kind = LineKind::Heading(c[1].len() as u8);
                    }
                }
                Format::Rst | Format::Data => {}
            }
        }
        if block == Some(Block::Underline) {
            lines.push(Line { text, kind: LineKind::Underline });
            continue;
        }
        // An underline turns the line above into a heading.
        let prev_is_prose = lines.last().is_some_and(|l| l.kind == LineKind::Prose);
        if prev_is_prose && i > 0 {
            let underline_level = match format {
                Format::PlainText if SETEXT.is_match(&text) => {
                    Some(if text.trim_start().starts_with('=') { 1 } else { 2 })
                }
                Format::Rst if is_rst_adornment(&text) => {
                    let ch = text.trim().chars().next().unwrap_or('=');
                    let level = match rst_levels.iter().position(|&c| c == ch) {
                        Some(p) => p + 1,
                        None => {
                            rst_levels.push(ch);
                            rst_levels.len()
                        }
                    };
                    Some(level.min(6) as u8)
                }
                _ => None,
            };
            if let Some(level) = underline_level {
                if let Some(last) = lines.last_mut() {
                    last.kind = LineKind::Heading(level);
                }
                lines.push(Line { text, kind: LineKind::Underline });
                continue;
            }
        }
        // An rst overline (the line above a title) is not prose.
        if format == Format::Rst && is_rst_adornment(&text) {
            kind = LineKind::Underline;
        }
        lines.push(Line { text, kind });
    }
    lines
}

/// A reStructuredText title adornment: three or more of one punctuation character.
fn is_rst_adornment(line: &str) -> bool {
    let t = line.trim_end();
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return false };
    "=-~^\"'*+#`:.".contains(first) && t.len() >= 3 && chars.all(|c| c == first)
}

fn classify_plain(text: &str) -> Line {
    let kind = if text.trim().is_empty() { LineKind::Blank } else { LineKind::Prose };
    Line { text: text.to_string(), kind }
}
