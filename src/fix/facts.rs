//! What the project's own tree tells about it, for the templates: its name, the commands that set
//! it up and run its tests (from its build files), its maintainers (CODEOWNERS), its links and
//! licence. What the tree does not tell stays empty, and the template writes a placeholder.

use serde::Serialize;
use toml::Table;

use crate::snapshot::Snapshot;

/// Reads a file of the tree by its path; `None` when it is absent or not text.
pub type Read<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The files the facts are read from, beyond those an audit reads: what a repository on GitHub
/// is asked for before its files are written.
pub const FACT_FILES: &[&str] = &[
    "Cargo.toml",
    "pyproject.toml",
    "setup.cfg",
    "package.json",
    "go.mod",
    "Makefile",
    "makefile",
    "GNUmakefile",
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
];

#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    pub project: Project,
    pub commands: Commands,
    /// GitHub handles from CODEOWNERS, without the `@`.
    pub maintainers: Vec<String>,
    pub support: Support,
    pub security: Security,
    pub citation: Citation,
    pub greeting: Greeting,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Project {
    pub name: String,
    /// `owner/name`, when known.
    pub repository: Option<String>,
    /// `https://github.com/owner/name`, when known.
    pub url: Option<String>,
    /// The folder `git clone` makes.
    pub folder: String,
    /// The documentation site.
    pub docs: Option<String>,
    /// The licence as the build file declares it (an SPDX expression).
    pub licence: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Commands {
    pub setup: Vec<String>,
    pub test: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Support {
    pub discussions: Option<String>,
    pub chat: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Security {
    /// The release series that gets fixes (`2.4.x`), from the newest version tag.
    pub supported: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Citation {
    pub authors: Vec<String>,
    pub version: Option<String>,
    /// SPDX identifiers (CITATION.cff takes a list for `A OR B`).
    pub licences: Vec<String>,
    #[serde(rename = "abstract")]
    pub abstract_: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Greeting {
    pub action: String,
}

impl Facts {
    /// Gathers the facts from the snapshot and the files `read` gives; `tags` are the
    /// repository's tag names, when known.
    pub fn gather(snap: &Snapshot, read: Read<'_>, tags: &[String]) -> Facts {
        let has = |path: &str| snap.tree.paths.iter().any(|p| p == path);
        let toml = |path: &str| has(path).then(|| read(path)).flatten().and_then(|t| t.parse::<Table>().ok());
        let cargo = toml("Cargo.toml");
        let pyproject = toml("pyproject.toml");
        let package: Option<serde_json::Value> =
            has("package.json").then(|| read("package.json")).flatten().and_then(|t| serde_json::from_str(&t).ok());
        let go_module = has("go.mod")
            .then(|| read("go.mod"))
            .flatten()
            .and_then(|t| t.lines().find_map(|l| l.strip_prefix("module ").map(|m| m.trim().to_string())));

        let cargo_package = cargo.as_ref().and_then(|c| c.get("package")).and_then(|p| p.as_table());
        let python_project = pyproject.as_ref().and_then(|p| p.get("project")).and_then(|p| p.as_table());
        fn field<'t>(table: Option<&'t Table>, key: &str) -> Option<&'t str> {
            table.and_then(|t| t.get(key)).and_then(|v| v.as_str())
        }
        let package_field = |key: &str| package.as_ref().and_then(|p| p.get(key)).and_then(|v| v.as_str());

        let repository = snap.repository.as_ref().map(ToString::to_string);
        let url = repository.as_ref().map(|r| format!("https://github.com/{r}"));
        let name = field(cargo_package, "name")
            .or_else(|| field(python_project, "name"))
            .or_else(|| package_field("name"))
            .map(str::to_string)
            .or_else(|| go_module.as_ref().and_then(|m| m.rsplit('/').next()).map(str::to_string))
            .or_else(|| repository.as_ref().and_then(|r| r.rsplit('/').next()).map(str::to_string))
            .or_else(|| readme_title(snap, read))
            .unwrap_or_else(|| "this project".to_string());
        let folder = repository.as_ref().and_then(|r| r.rsplit('/').next()).unwrap_or(&name).to_string();
        let docs = snap
            .settings
            .as_ref()
            .and_then(|s| s.homepage.clone())
            .filter(|h| !h.trim().is_empty())
            .or_else(|| field(cargo_package, "documentation").map(str::to_string))
            .or_else(|| project_url(python_project, "documentation"));
        let licence = field(cargo_package, "license")
            .or_else(|| python_project.and_then(|p| p.get("license")).and_then(licence_of))
            .or_else(|| package_field("license"))
            .map(str::to_string);
        let version = field(cargo_package, "version")
            .or_else(|| field(python_project, "version"))
            .or_else(|| package_field("version"))
            .map(str::to_string)
            .or_else(|| newest_version(tags).map(|(tag, _)| tag.trim_start_matches('v').to_string()));
        let authors = cargo_package
            .and_then(|p| p.get("authors"))
            .and_then(|a| a.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).map(without_address).collect())
            .or_else(|| {
                python_project.and_then(|p| p.get("authors")).and_then(|a| a.as_array()).map(|a| {
                    a.iter().filter_map(|v| v.get("name").and_then(|n| n.as_str())).map(str::to_string).collect()
                })
            })
            .or_else(|| package_field("author").map(|a| vec![without_address(a)]))
            .unwrap_or_default();
        let description = field(cargo_package, "description")
            .or_else(|| field(python_project, "description"))
            .or_else(|| package_field("description"))
            .map(str::to_string)
            .or_else(|| snap.settings.as_ref().and_then(|s| s.description.clone()));

        let discussions =
            snap.settings.as_ref().filter(|s| s.has_discussions).and(url.as_ref()).map(|u| format!("{u}/discussions"));
        Facts {
            commands: commands(&has, read, cargo.is_some(), pyproject.as_ref(), package.as_ref(), go_module.is_some()),
            maintainers: codeowners(&has, read),
            support: Support { discussions, chat: chat_links(snap, read) },
            security: Security { supported: newest_version(tags).map(|(_, series)| series) },
            citation: Citation {
                authors,
                version,
                licences: licence.as_deref().map(spdx_ids).unwrap_or_default(),
                abstract_: description,
            },
            greeting: Greeting { action: super::table::FIRST_INTERACTION.to_string() },
            project: Project { name, repository, url, folder, docs, licence },
        }
    }
}

/// The set-up and test commands the build files name, in the order a newcomer runs them.
fn commands(
    has: &dyn Fn(&str) -> bool,
    read: Read<'_>,
    cargo: bool,
    pyproject: Option<&Table>,
    package: Option<&serde_json::Value>,
    go: bool,
) -> Commands {
    let mut c = Commands::default();
    if cargo {
        c.setup.push("cargo build".into());
        c.test.push("cargo test".into());
    }
    if go {
        c.setup.push("go build ./...".into());
        c.test.push("go test ./...".into());
    }
    let tool = |name: &str| pyproject.and_then(|p| p.get("tool")).and_then(|t| t.get(name));
    let setup_cfg = has("setup.cfg").then(|| read("setup.cfg")).flatten().unwrap_or_default();
    if has("pixi.toml") || tool("pixi").is_some() {
        c.setup.push("pixi install".into());
        c.test.push("pixi run test".into());
    } else if tool("hatch").is_some() {
        c.setup.push("pip install hatch".into());
        c.test.push("hatch test".into());
    } else if pyproject.is_some() || has("setup.py") || !setup_cfg.is_empty() {
        let extras = pyproject
            .and_then(|p| p.get("project"))
            .and_then(|p| p.get("optional-dependencies"))
            .and_then(|o| o.as_table())
            .and_then(|o| ["dev", "test", "tests", "testing"].into_iter().find(|e| o.contains_key(*e)));
        c.setup.push(match extras {
            Some(extra) => format!("python -m pip install -e \".[{extra}]\""),
            None => "python -m pip install -e .".into(),
        });
        if has("noxfile.py") {
            c.test.push("nox".into());
        } else if has("tox.ini") || tool("tox").is_some() || setup_cfg.contains("[tox:tox]") {
            c.test.push("tox".into());
        } else if tool("pytest").is_some()
            || has("pytest.ini")
            || has("conftest.py")
            || setup_cfg.contains("[tool:pytest]")
            || pyproject.is_some_and(|p| p.to_string().contains("pytest"))
        {
            c.test.push("python -m pytest".into());
        }
    }
    if let Some(package) = package {
        c.setup.push(
            if has("pnpm-lock.yaml") {
                "pnpm install"
            } else if has("yarn.lock") {
                "yarn install"
            } else if has("package-lock.json") {
                "npm ci"
            } else {
                "npm install"
            }
            .into(),
        );
        let scripts = package.get("scripts").and_then(|s| s.as_object());
        if scripts.is_some_and(|s| s.contains_key("build")) {
            c.setup.push("npm run build".into());
        }
        if scripts.is_some_and(|s| s.contains_key("test")) {
            c.test.push("npm test".into());
        }
    }
    if let Some(makefile) = ["Makefile", "makefile", "GNUmakefile"].into_iter().find(|m| has(m)).and_then(read) {
        let targets: Vec<&str> = makefile
            .lines()
            .filter_map(|l| l.split_once(':').map(|(t, _)| t))
            .filter(|t| !t.is_empty() && t.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
            .collect();
        let first = |wanted: &[&str]| wanted.iter().find(|w| targets.contains(w)).map(|w| format!("make {w}"));
        if c.setup.is_empty()
            && let Some(setup) = first(&["dev", "setup", "install", "build"])
        {
            c.setup.push(setup);
        }
        if c.test.is_empty()
            && let Some(test) = first(&["test", "tests", "check"])
        {
            c.test.push(test);
        }
    }
    c
}

/// The people CODEOWNERS names (not teams), in order.
fn codeowners(has: &dyn Fn(&str) -> bool, read: Read<'_>) -> Vec<String> {
    let Some(text) =
        [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"].into_iter().find(|p| has(p)).and_then(read)
    else {
        return Vec::new();
    };
    let mut handles: Vec<String> = Vec::new();
    for owner in text.lines().filter(|l| !l.trim_start().starts_with('#')).flat_map(|l| l.split_whitespace().skip(1)) {
        if let Some(handle) = owner.strip_prefix('@').filter(|h| !h.contains('/'))
            && !handles.iter().any(|h| h == handle)
        {
            handles.push(handle.to_string());
        }
    }
    handles
}

/// Where the README's prose (not its code) sends people to talk, by the hosts of chats and
/// forums, the first of each.
fn chat_links(snap: &Snapshot, read: Read<'_>) -> Vec<Link> {
    const PLACES: [(&str, &str); 7] = [
        ("Matrix", r"^https://matrix\.to/"),
        ("Discord", r"^https://(www\.)?discord(app)?\.(gg|com/invite)/"),
        ("Zulip", r"^https://[\w-]+\.zulipchat\.com"),
        ("Gitter", r"^https://gitter\.im/"),
        ("Slack", r"^https://(join\.slack\.com|[\w-]+\.slack\.com)"),
        ("Forum", r"^https://(discourse|forum|discuss)\.[\w.-]+"),
        ("Mailing list", r"^https://groups\.google\.com/"),
    ];
    let Some(path) = readme(snap) else { return Vec::new() };
    let Some(text) = read(path) else { return Vec::new() };
    let links: Vec<String> =
        crate::documents::text::Doc::parse(path, &text).links().into_iter().map(|(_, url)| url).collect();
    PLACES
        .iter()
        .filter_map(|(name, pattern)| {
            let host = regex::Regex::new(pattern).expect("a valid pattern");
            let url = links.iter().find(|url| host.is_match(url))?;
            Some(Link { name: name.to_string(), url: url.clone() })
        })
        .collect()
}

fn readme(snap: &Snapshot) -> Option<&str> {
    snap.tree
        .paths
        .iter()
        .map(String::as_str)
        .find(|p| !p.contains('/') && p.to_ascii_lowercase().starts_with("readme"))
}

/// The README's first heading, as a name of last resort.
fn readme_title(snap: &Snapshot, read: Read<'_>) -> Option<String> {
    let text = read(readme(snap)?)?;
    let title = text.lines().find_map(|l| l.strip_prefix("# "))?.trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// `[project.urls]`'s entry of this name, whatever its case.
fn project_url(project: Option<&Table>, name: &str) -> Option<String> {
    let urls = project?.get("urls")?.as_table()?;
    urls.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str()).map(str::to_string)
}

/// PEP 621's `license`: an SPDX string, or `{ text = "MIT" }`.
fn licence_of(value: &toml::Value) -> Option<&str> {
    value.as_str().or_else(|| value.get("text").and_then(|t| t.as_str())).filter(|l| !l.contains('\n'))
}

/// The identifiers of `A OR B` (and Cargo's old `A/B`).
fn spdx_ids(expression: &str) -> Vec<String> {
    expression
        .split(" OR ")
        .flat_map(|part| part.split('/'))
        .map(|id| id.trim().trim_matches(|c| c == '(' || c == ')').to_string())
        .filter(|id| !id.is_empty() && !id.contains(' '))
        .collect()
}

/// `Jane Doe <jane@example.org>` without the address: an author's name is what a citation needs.
fn without_address(author: &str) -> String {
    author.split('<').next().unwrap_or(author).trim().to_string()
}

/// The newest `vX.Y.Z` tag and its series (`X.Y.x`).
fn newest_version(tags: &[String]) -> Option<(String, String)> {
    let parse = |tag: &str| -> Option<(u64, u64, u64)> {
        let mut parts = tag.strip_prefix('v').unwrap_or(tag).splitn(3, '.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = parts.next().unwrap_or("0").split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
        Some((major, minor, patch))
    };
    let (tag, (major, minor, _)) = tags.iter().filter_map(|t| parse(t).map(|v| (t, v))).max_by_key(|(_, v)| *v)?;
    Some((tag.clone(), format!("{major}.{minor}.x")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(files: &[(&str, &str)], tags: &[&str]) -> Facts {
        let mut snap = Snapshot::new(Some(crate::repo_ref::RepoRef::new("acme", "widgets")), chrono::Utc::now());
        snap.tree.paths = files.iter().map(|(p, _)| p.to_string()).collect();
        let files: Vec<(String, String)> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
        let read = move |path: &str| files.iter().find(|(p, _)| p == path).map(|(_, t)| t.clone());
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        Facts::gather(&snap, &read, &tags)
    }

    #[test]
    fn a_crate_is_built_and_tested_with_cargo_and_named_from_its_manifest() {
        let f = facts(
            &[(
                "Cargo.toml",
                "[package]\nname = \"gizmo\"\nlicense = \"MIT OR Apache-2.0\"\nauthors = [\"Jo Bloggs <jo@example.org>\"]\n",
            )],
            &[],
        );
        assert_eq!(f.project.name, "gizmo");
        assert_eq!(
            (f.commands.setup, f.commands.test),
            (vec!["cargo build".to_string()], vec!["cargo test".to_string()])
        );
        assert_eq!(f.citation.licences, ["MIT", "Apache-2.0"]);
        assert_eq!(f.citation.authors, ["Jo Bloggs"]);
    }

    #[test]
    fn python_test_runners_are_found_in_their_files() {
        let pyproject = "[project]\nname = \"widgets\"\n[project.optional-dependencies]\ntest = [\"pytest\"]\n";
        let f = facts(&[("pyproject.toml", pyproject), ("tox.ini", "")], &[]);
        assert_eq!(f.commands.setup, ["python -m pip install -e \".[test]\""]);
        assert_eq!(f.commands.test, ["tox"]);
        let f = facts(&[("pyproject.toml", pyproject)], &[]);
        assert_eq!(f.commands.test, ["python -m pytest"]);
        let f = facts(&[("pyproject.toml", "[project]\nname = \"w\"\n[tool.pixi.tasks]\ntest = \"pytest\"\n")], &[]);
        assert_eq!(
            (f.commands.setup, f.commands.test),
            (vec!["pixi install".to_string()], vec!["pixi run test".to_string()])
        );
    }

    #[test]
    fn package_scripts_and_make_targets_are_used_when_present() {
        let f = facts(
            &[
                ("package.json", r#"{"name": "w", "scripts": {"test": "jest", "build": "tsc"}}"#),
                ("package-lock.json", "{}"),
            ],
            &[],
        );
        assert_eq!(f.commands.setup, ["npm ci", "npm run build"]);
        assert_eq!(f.commands.test, ["npm test"]);
        let f = facts(&[("Makefile", "all: build\nbuild:\n\tcc x.c\ncheck: build\n\t./run-tests\n")], &[]);
        assert_eq!(
            (f.commands.setup, f.commands.test),
            (vec!["make build".to_string()], vec!["make check".to_string()])
        );
    }

    #[test]
    fn nothing_known_is_nothing_invented() {
        let f = facts(&[("main.py", "print(1)")], &[]);
        assert!(f.commands.setup.is_empty() && f.commands.test.is_empty());
        assert!(f.maintainers.is_empty() && f.citation.authors.is_empty());
        assert_eq!(f.project.name, "widgets");
    }

    #[test]
    fn the_readmes_chat_and_forum_links_are_support_links() {
        let readme = "# w\n\nChat on [Matrix](https://matrix.to/#/#w:matrix.org) or https://discord.gg/abc123.\n\n\
                      ```\nhttps://gitter.im/example in an example is no link\n```\n";
        let f = facts(&[("README.md", readme)], &[]);
        let links: Vec<(&str, &str)> = f.support.chat.iter().map(|l| (l.name.as_str(), l.url.as_str())).collect();
        assert_eq!(links, [("Matrix", "https://matrix.to/#/#w:matrix.org"), ("Discord", "https://discord.gg/abc123")]);
    }

    #[test]
    fn codeowners_people_and_the_newest_release_series() {
        let f = facts(
            &[(".github/CODEOWNERS", "# owners\n* @ana @acme/core\ndocs/ @bo @ana\n")],
            &["v1.2.0", "v1.10.1", "nightly"],
        );
        assert_eq!(f.maintainers, ["ana", "bo"]);
        assert_eq!(f.security.supported.as_deref(), Some("1.10.x"));
    }
}
