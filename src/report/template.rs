//! The minijinja set-up for the markdown and HTML reports: the built-in templates, a user's own
//! template, and escaping that applies to every value a template prints.
//!
//! Markdown templates escape with [`markdown::escape_text`], HTML templates with minijinja's HTML
//! escaping; a template opts out only with `|safe`, which the built-in ones use solely on text
//! the filters below produced.

use std::borrow::Cow;
use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, HtmlEscape, State, UndefinedBehavior};
use serde::Serialize;

use super::markdown;
use crate::error::{Error, Result};

/// The built-in templates, by the name a template of a user's may `extends`; the name's
/// extension sets the escaping.
const BUILTIN: [(&str, &str); 5] = [
    ("report.md", include_str!("../../templates/report.md.j2")),
    ("report.html", include_str!("../../templates/report.html.j2")),
    ("org.md", include_str!("../../templates/org.md.j2")),
    ("org.html", include_str!("../../templates/org.html.j2")),
    ("monthly.md", include_str!("../../templates/monthly.md.j2")),
];

/// The auto-escape mode of markdown templates (minijinja knows HTML and JSON only).
const MARKDOWN_ESCAPE: AutoEscape = AutoEscape::Custom(Cow::Borrowed("markdown"));

/// What a built-in template renders: one repository's report, or an owner's table of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Report,
    Org,
    /// The monthly community report.
    Monthly,
}

/// What a template renders to; it decides the escaping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Markdown,
    Html,
}

impl Markup {
    /// The extension of its templates' names, by which the environment escapes for it.
    fn extension(self) -> &'static str {
        match self {
            Markup::Markdown => "md",
            Markup::Html => "html",
        }
    }
}

/// A template the user gave with `--template`, used instead of the built-in one.
#[derive(Debug, Clone)]
pub struct UserTemplate {
    /// The file it was read from, for error messages.
    pub origin: String,
    pub source: String,
}

impl UserTemplate {
    pub fn read(path: &Path) -> Result<UserTemplate> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("cannot read template {}: {e}", path.display())))?;
        Ok(UserTemplate { origin: path.display().to_string(), source })
    }
}

/// Renders the view with the built-in template of a page in a markup, or the user's.
///
/// The built-in templates stay registered beside a user's, so a user's template can
/// `{% extends "report.md" %}` and replace only the blocks it wants to change.
pub fn render(page: Page, markup: Markup, view: &impl Serialize, user: Option<&UserTemplate>) -> Result<String> {
    let mut env = environment();
    let page = match page {
        Page::Report => "report",
        Page::Org => "org",
        Page::Monthly => "monthly",
    };
    let name = format!("{}.{}", if user.is_some() { "custom" } else { page }, markup.extension());
    if let Some(user) = user {
        env.add_template_owned(name.clone(), user.source.clone())
            .map_err(|e| Error::Usage(format!("template {}: {}", user.origin, describe(&e))))?;
    }
    let template = env.get_template(&name).map_err(|e| Error::Runtime(describe(&e)))?;
    template.render(Value::from(Serde(view))).map_err(|e| match user {
        Some(user) => Error::Usage(format!("template {}: {}", user.origin, describe(&e))),
        None => Error::Runtime(format!("built-in template {name}: {}", describe(&e))),
    })
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Block tags on lines of their own leave no blank lines behind: markdown cares about them.
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_auto_escape_callback(|name| match name.rsplit('.').next() {
        Some("md") => MARKDOWN_ESCAPE,
        Some("html") => AutoEscape::Html,
        _ => AutoEscape::None,
    });
    env.set_formatter(|out, state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        if *state.auto_escape() == MARKDOWN_ESCAPE && !value.is_safe() {
            return out
                .write_str(&markdown::escape_text(&value.to_string()))
                .map_err(|e| minijinja::Error::new(ErrorKind::WriteFailure, e.to_string()));
        }
        minijinja::escape_formatter(out, state, value)
    });
    env.add_filter("code", code);
    env.add_filter("link", link);
    env.add_filter("escape", escape);
    env.add_filter("e", escape);
    for (name, source) in BUILTIN {
        env.add_template(name, source).expect("the built-in templates compile (tested)");
    }
    env
}

fn is_markdown(state: &State) -> bool {
    *state.auto_escape() == MARKDOWN_ESCAPE
}

/// `{{ path|code }}`: text shown verbatim as code.
fn code(state: &State, text: &Value) -> Value {
    if text.is_none() || text.is_undefined() {
        return Value::from("");
    }
    let text = text.to_string();
    Value::from_safe_string(if is_markdown(state) {
        markdown::code_span(&text)
    } else {
        format!("<code>{}</code>", HtmlEscape(&text))
    })
}

/// `{{ url|link("text") }}`: a link to a web page; any other URL shows only the text.
fn link(state: &State, url: &str, text: &str) -> Value {
    Value::from_safe_string(if is_markdown(state) {
        markdown::link(text, url)
    } else {
        match markdown::web_url(url) {
            Some(url) => format!("<a href=\"{}\">{}</a>", HtmlEscape(url), HtmlEscape(text)),
            None => HtmlEscape(text).to_string(),
        }
    })
}

/// `|e` and `|escape` escape for the template's own markup (minijinja's would fail on markdown).
fn escape(state: &mut State, value: &Value) -> std::result::Result<Value, minijinja::Error> {
    if is_markdown(state) && !value.is_safe() {
        return Ok(Value::from_safe_string(markdown::escape_text(&value.to_string())));
    }
    minijinja::filters::escape(state, value)
}

/// A template error in one line, with where it happened.
fn describe(e: &minijinja::Error) -> String {
    let mut text = e.to_string();
    if let (Some(name), Some(line)) = (e.name(), e.line()) {
        text = format!("{text} ({name} line {line})");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_str(name: &str, source: &str, ctx: Value) -> String {
        let mut env = environment();
        env.add_template_owned(name.to_string(), source.to_string()).unwrap();
        env.get_template(name).unwrap().render(ctx).unwrap()
    }

    #[test]
    fn markdown_templates_escape_every_value_and_html_templates_too() {
        let ctx = Value::from(Serde(serde_json::json!({"t": "<b>*x*</b>", "m": "hi @x", "none": null})));
        let md = render_str("a.md", "{{ t }}|{{ m }}|{{ none }}|{{ t|e }}|{{ t|safe }}", ctx.clone());
        assert_eq!(md, "&lt;b&gt;\\*x\\*&lt;/b&gt;|hi `@x`||&lt;b&gt;\\*x\\*&lt;/b&gt;|<b>*x*</b>");
        assert_eq!(render_str("a.html", "{{ t }}|{{ none }}", ctx), "&lt;b&gt;*x*&lt;&#x2f;b&gt;|");
    }

    #[test]
    fn filters_make_code_and_only_web_links_in_either_markup() {
        let ctx = Value::from(Serde(
            serde_json::json!({"p": "a`b", "u": "javascript:alert(1)", "w": "https://e.com/?a=1&b"}),
        ));
        let md = render_str("a.md", "{{ p|code }} {{ u|link('x') }} {{ w|link('docs') }}", ctx.clone());
        assert_eq!(md, "``a`b`` x [docs](<https://e.com/?a=1&b>)");
        let html = render_str("a.html", "{{ p|code }} {{ u|link('x') }} {{ w|link('docs') }}", ctx);
        assert_eq!(html, "<code>a`b</code> x <a href=\"https:&#x2f;&#x2f;e.com&#x2f;?a=1&amp;b\">docs</a>");
    }
}
