//! Patterns rules are written with: regular expressions for names, phrases for prose.

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A case-insensitive regular expression, compiled when the rule is loaded.
#[derive(Debug, Clone)]
pub struct Pattern {
    regex: Regex,
    /// As written in the rule, for messages and the generated reference.
    source: String,
}

impl Pattern {
    pub fn new(src: &str) -> Result<Self, String> {
        Self::compile(src, src)
    }

    fn compile(src: &str, regex: &str) -> Result<Self, String> {
        RegexBuilder::new(regex)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .map(|regex| Pattern { regex, source: src.to_string() })
            .map_err(|e| format!("invalid regex `{src}`: {}", e.to_string().lines().last().unwrap_or("")))
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// Whether the pattern matches the whole of `text`, surrounding spaces aside (a label's name).
    pub fn is_full_match(&self, text: &str) -> bool {
        let text = text.trim();
        self.regex.find(text).is_some_and(|m| m.start() == 0 && m.end() == text.len())
    }

    pub fn find_iter<'t>(&self, text: &'t str) -> regex::Matches<'_, 't> {
        self.regex.find_iter(text)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A pattern for prose, matched as words: where a match begins or ends with a letter or digit, the
/// text around it may not continue the word, so `ping` does not match "helping" nor `bump` "bumps".
/// A match that begins or ends with punctuation (`/contribute`, `doi.org/`) is not constrained there.
#[derive(Debug, Clone)]
pub struct Phrase(Pattern);

impl Phrase {
    pub fn new(src: &str) -> Result<Self, String> {
        // `\b` holds where a word character meets a non-word one; `\B\b{start-half}` where neither
        // side is a word character (at the start: the match begins with punctuation after more).
        let bounded = format!(r"(?:\b|\B\b{{start-half}})(?:{src})(?:\b|\B\b{{end-half}})");
        Pattern::compile(src, &bounded).map(Phrase)
    }
}

impl std::ops::Deref for Phrase {
    type Target = Pattern;
    fn deref(&self) -> &Pattern {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Phrase {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Phrase::new(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Phrase {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}
