//! The site configuration: `atlas.toml` at the project root -> [`Config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Diagnostic;

/// The file name of the configuration, at the project root.
pub const CONFIG_FILE: &str = "atlas.toml";

/// The validated site configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL of the published site, ending in `/`; used for canonical
    /// URLs, the sitemap and the feed. Pages themselves link relatively.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Write `index.html` into links, so the site browses from `file://`.
    #[serde(default = "yes")]
    pub index_html_links: bool,
    /// Pass raw HTML in Markdown through instead of escaping it.
    #[serde(default)]
    pub allow_html: bool,
    /// Folder of the sources' plain texts, for quote checks (relative to the root).
    #[serde(default)]
    pub sources_text_dir: Option<PathBuf>,
    /// Prefix of a link to edit an entry's file (the file's path is appended).
    #[serde(default)]
    pub edit_url: Option<String>,
    /// Where the site is written, relative to the root.
    #[serde(default = "default_output")]
    pub output: PathBuf,
    #[serde(default)]
    pub taxonomies: Taxonomies,
    #[serde(default)]
    pub citations: CitationConfig,
}

/// Controlled vocabularies: slug -> label. An empty table accepts any slug.
#[derive(Debug, Clone, Default, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomies {
    #[serde(default)]
    pub designation: BTreeMap<String, String>,
    #[serde(default)]
    pub field: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitationConfig {
    /// Fail the build when the share of cited facts and paragraphs is below this (0..=1).
    #[serde(default)]
    pub min_coverage: Option<f64>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_output() -> PathBuf {
    "site".into()
}
fn yes() -> bool {
    true
}

impl Config {
    /// Reads and validates `atlas.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}"))
                .in_file(CONFIG_FILE)
                .hint("run atlas in the folder that holds atlas.toml, or pass --root")
        })?;
        Self::parse(&text)
    }

    /// Parses the text of a configuration file.
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let d = Diagnostic::error(format!("invalid {CONFIG_FILE}: {}", e.message()));
            match e.span() {
                Some(span) => d.at(CONFIG_FILE, text, span),
                None => d.in_file(CONFIG_FILE),
            }
        })?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if let Some(min) = config.citations.min_coverage
            && !(0.0..=1.0).contains(&min)
        {
            return Err(
                Diagnostic::error("`citations.min_coverage` must be between 0 and 1")
                    .in_file(CONFIG_FILE),
            );
        }
        Ok(config)
    }

    /// The path part of `base_url` (`/atlas/` for `https://host/atlas/`).
    pub fn base_path(&self) -> &str {
        let rest = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        rest.find('/').map_or("/", |i| &rest[i..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_subpath_and_root() {
        let mut c = Config::parse("title = 't'\nbase_url = 'https://h.org/atlas'").unwrap();
        assert_eq!(c.base_url, "https://h.org/atlas/");
        assert_eq!(c.base_path(), "/atlas/");
        c.base_url = "https://h.org/".into();
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn unknown_key_is_located() {
        let e = Config::parse("title = 't'\nbase_url = 'x'\ntitel = 1\n").unwrap_err();
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        assert_eq!(e.location.unwrap().line, 3);
    }
}
