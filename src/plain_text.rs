//! Text from outside (a repository, a config, a server) made safe to show in a terminal, a
//! Markdown table or a workflow's log.

/// Text from a repository, a config or a server as one line of plain text, wherever it is shown:
/// line breaks and tabs become spaces, so that it cannot start a line of its own (which a
/// workflow runner would read as a command); other control characters (a terminal's escape
/// sequences, BEL, NUL) and the bidirectional overrides that make text read differently than it
/// is stored are dropped.
pub fn flatten(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// "1 page", "3 pages": a count with its noun, for messages.
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A share from 0 to 1 as a whole percentage: "33%".
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A day's date in UTC, for messages: "2026-11-20".
pub fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_shown_is_one_line_without_control_or_bidirectional_characters() {
        assert_eq!(flatten("a\nb\tc\r"), "a b c ");
        assert_eq!(flatten("red\u{1b}[31m \u{202E}txt.exe"), "red[31m txt.exe");
    }
}
