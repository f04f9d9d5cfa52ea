//! The site configuration: `atlas.toml` at the project root -> [`Config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::fsio::Reader;
use crate::limits;

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
    /// Files and folders in the output folder that atlas did not write and
    /// carries over into each new build (paths inside the output, `/`-separated).
    #[serde(default = "default_keep")]
    pub output_keep: Vec<String>,
    #[serde(default)]
    pub taxonomies: Taxonomies,
    #[serde(default)]
    pub citations: CitationConfig,
    /// The licence of the atlas's data and text: shown at the foot of every
    /// page, on the downloads page and in the downloads.
    #[serde(default)]
    pub license: Option<License>,
}

/// A licence, as `[license]` in atlas.toml gives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// Its SPDX identifier, e.g. `CC-BY-4.0`.
    pub id: String,
    /// Its full name.
    pub title: String,
    /// Where its text is.
    pub url: String,
    /// What it covers and how to credit the atlas.
    #[serde(default)]
    pub notice: String,
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
/// What a GitHub Pages checkout or a host keeps in the published folder.
pub fn default_keep() -> Vec<String> {
    [".git", "CNAME", ".nojekyll", ".well-known"]
        .map(String::from)
        .to_vec()
}
fn yes() -> bool {
    true
}

impl Config {
    /// Reads and validates `atlas.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = Reader::new(root)
            .read_text(&path, limits::CONFIG)
            .map_err(|e| match e.is_missing() {
                true => Diagnostic::error(format!("cannot read {CONFIG_FILE}: it does not exist"))
                    .in_file(CONFIG_FILE)
                    .hint("run atlas in the folder that holds atlas.toml, or pass --root"),
                false => e.diagnostic(),
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
        config.check().map_err(|bad| bad.locate(text))?;
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

    /// Checks the values whose type alone does not make them valid.
    fn check(&self) -> Result<(), BadValue> {
        let bad = |key, value: &str, why: String, hint: &str| BadValue {
            key,
            message: format!("invalid `{key}` `{value}`: {why}"),
            hint: hint.to_string(),
        };
        check_http_url(&self.base_url).map_err(|why| {
            bad(
                "base_url",
                &self.base_url,
                why,
                "write the full address of the published site, e.g. `https://example.org/atlas/`",
            )
        })?;
        if let Some(edit) = &self.edit_url {
            check_http_url(edit).map_err(|why| {
                bad(
                    "edit_url",
                    edit,
                    why,
                    "write the full address, e.g. `https://github.com/owner/repo/edit/main/`",
                )
            })?;
        }
        check_theme_name(&self.theme).map_err(|why| {
            bad(
                "theme",
                &self.theme,
                why,
                "name a folder in themes/, e.g. `theme = \"default\"`",
            )
        })?;
        if let Some(license) = &self.license {
            check_http_url(&license.url).map_err(|why| {
                bad(
                    "license",
                    &license.url,
                    why,
                    "give the licence's address, e.g. `url = \"https://creativecommons.org/licenses/by/4.0/\"`",
                )
            })?;
        }
        for keep in &self.output_keep {
            check_keep_path(keep).map_err(|why| {
                bad(
                    "output_keep",
                    keep,
                    why,
                    "list paths inside the output folder, e.g. `[\"CNAME\", \".well-known\"]`",
                )
            })?;
        }
        Ok(())
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

/// A config value that is not valid, by its key.
struct BadValue {
    key: &'static str,
    message: String,
    hint: String,
}

impl BadValue {
    /// The diagnostic, pointing at the key's value in the config's text.
    fn locate(self, text: &str) -> Diagnostic {
        let d = Diagnostic::error(self.message).hint(self.hint);
        let span = toml::de::DeTable::parse(text).ok().and_then(|table| {
            table
                .get_ref()
                .iter()
                .find(|(k, _)| k.get_ref() == self.key)
                .map(|(_, v)| v.span())
        });
        match span {
            Some(span) => d.at(CONFIG_FILE, text, span),
            None => d.in_file(CONFIG_FILE),
        }
    }
}

/// Checks that `value` is an absolute `http` or `https` URL with a host,
/// without a query or fragment: what the site's own addresses may be.
/// Gives the reason if not.
pub fn check_http_url(value: &str) -> Result<url::Url, String> {
    let url = check_link_url(value)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err("it has a query or fragment (`?`, `#`)".into());
    }
    Ok(url)
}

/// Checks that `value` is an absolute `http` or `https` URL (RFC 3986, as
/// the WHATWG URL parser reads it) with a host and no user name or
/// password: what a link out of the site may be. Gives the reason if not.
pub fn check_link_url(value: &str) -> Result<url::Url, String> {
    if value.contains(char::is_whitespace) {
        return Err("it holds a space".into());
    }
    let url = url::Url::parse(value).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            "it is relative; it must be an absolute http(s) URL".to_string()
        }
        e => format!("it is not a URL ({e})"),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "its scheme is `{}`; only http and https are allowed",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it holds a user name or password".into());
    }
    Ok(url)
}

/// `--base-url`: an absolute http(s) URL, ending in `/`.
pub fn parse_base_url(value: &str) -> Result<String, String> {
    check_http_url(value)
        .map_err(|why| format!("{why}; write the full address, e.g. https://example.org/atlas/"))?;
    Ok(if value.ends_with('/') {
        value.to_string()
    } else {
        format!("{value}/")
    })
}

/// A theme is one folder in `themes/`, named plainly: never a path that
/// could lead elsewhere (`../x`, `/`).
pub fn check_theme_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.contains(['/', '\\']) {
        return Err("it is a path; a theme is one folder name in themes/".into());
    }
    if name.starts_with('.') {
        return Err("it starts with `.`".into());
    }
    if name.chars().any(char::is_control) || name.contains(':') {
        return Err("it holds characters a folder name cannot".into());
    }
    Ok(())
}

/// An `output_keep` entry: a relative path inside the output folder.
fn check_keep_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        return Err("it must be a relative path with `/` separators".into());
    }
    if path.chars().any(char::is_control) {
        return Err("it holds control characters".into());
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err("it must not hold empty, `.` or `..` parts".into());
    }
    Ok(())
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
        let e = Config::parse("title = 't'\nbase_url = 'https://x.org'\ntitel = 1\n").unwrap_err();
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        assert_eq!(e.location.unwrap().line, 3);
    }

    #[test]
    fn urls_must_be_absolute_http() {
        for bad in [
            "/atlas/",
            "atlas/",
            "javascript:alert(1)",
            "ftp://h.org/",
            "https://",
            "http://h.org/?a=1",
            "https://user:pass@h.org/",
            "https://h.org/a b/",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
        // A link out of the site may have a query, never a broken host.
        assert!(check_link_url("http://vip.example.cn/Detail?id=675405781").is_ok());
        for bad in [
            "https://",
            "http://[::1",
            "https://exa mple.com/<x>",
            "https://u@h.org/",
        ] {
            assert!(check_link_url(bad).is_err(), "{bad}");
        }
        for good in [
            "https://h.org",
            "http://localhost:8000/atlas/",
            "https://例え.jp/",
        ] {
            assert!(check_http_url(good).is_ok(), "{good}");
        }
        assert_eq!(
            parse_base_url("https://h.org/a").unwrap(),
            "https://h.org/a/"
        );
    }

    #[test]
    fn theme_names_are_plain_folder_names() {
        for bad in ["", "../../x", "/", "a/b", "..", ".hidden", "a\\b"] {
            assert!(check_theme_name(bad).is_err(), "{bad}");
        }
        assert!(check_theme_name("my-theme").is_ok());
    }
}
