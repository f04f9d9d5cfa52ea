//! Tiny fixture sites written into temporary folders.
#![allow(dead_code)]

pub mod http;
pub mod tree;

use std::path::{Path, PathBuf};

pub const CONFIG: &str = "title = \"Test Atlas\"\nbase_url = \"https://example.org/atlas/\"\n";

pub const SOURCE: &str = "---\ntitle: A Report\nshort: Doe 2020\nkind: report\nyear: 2020\nsummary: A report.\n---\nA report [@doe-2020, §1].\n";

/// Runs the `atlas` binary with `--root <root>` and `args`, and waits for it.
pub fn atlas(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_atlas"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

/// A fixture site in a temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A site with the config, one source (`doe-2020`) and the given files.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let site = Site::bare(&[
            ("atlas.toml", CONFIG),
            ("content/sources/doe-2020.md", SOURCE),
        ]);
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// A site with only the given files.
    pub fn bare(files: &[(&str, &str)]) -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        self.write_bytes(path, text.as_bytes());
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) {
        let p = self.root().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("site")
    }

    /// Builds into `site/`; returns the result.
    pub fn build(&self) -> atlas::BuildResult {
        atlas::build(self.root(), &self.out(), &atlas::BuildOptions::default())
    }

    /// Builds and panics on any error, printing the diagnostics.
    pub fn build_ok(&self) -> atlas::BuildResult {
        let r = self.build();
        assert!(
            !r.diagnostics.has_errors(),
            "build failed:\n{}",
            r.diagnostics.render()
        );
        r
    }

    /// A file of the built site.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.out().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Runs the checks only and returns the rendered diagnostics.
    pub fn check(&self) -> String {
        atlas::run(self.root(), &atlas::BuildOptions::default())
            .diagnostics
            .render()
    }
}

/// A park entry with the given extra front matter and body (and the
/// required `updated` after them, unless they give it).
pub fn park(extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: Test Park\nsummary: A park.\n{extra}{}---\n{body}",
        reviewed(extra)
    )
}

/// The `updated:` line an item needs, unless `extra` has one.
pub fn reviewed(extra: &str) -> &'static str {
    if extra.contains("updated:") {
        ""
    } else {
        "updated: 2024-05-01\n"
    }
}

/// A lab entry with the given extra front matter.
pub fn lab(extra: &str) -> String {
    format!(
        "---\ntitle: Test Lab\nsummary: A lab.\n{extra}{}---\nA lab [@doe-2020, §2].\n",
        reviewed(extra)
    )
}

/// Every file of a built site folder (but atlas's marker), sorted by path.
pub fn read_site(dir: &Path) -> Vec<atlas::OutputFile> {
    let mut files: Vec<atlas::OutputFile> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != atlas::output::MARKER)
        .map(|e| atlas::OutputFile {
            path: e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            bytes: std::fs::read(e.path()).unwrap().into(),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Asserts that every relative link and source in the HTML files of a site
/// built into `site` names a file there; returns how many were checked.
pub fn assert_links_resolve(site: &Path, files: &[atlas::OutputFile]) -> usize {
    let mut checked = 0;
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        let dir = site.join(Path::new(&f.path).parent().unwrap());
        for link in links(&html) {
            if link.starts_with("http") || link.starts_with('#') || link.starts_with('/') {
                continue;
            }
            let target = link.split('#').next().unwrap();
            assert!(
                dir.join(target).is_file(),
                "{}: link `{link}` does not resolve",
                f.path
            );
            checked += 1;
        }
    }
    checked
}

/// Every `id="..."` value in an HTML text.
pub fn ids_of(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        let end = rest.find('"').unwrap();
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// Asserts that no id is given twice on a page.
pub fn assert_unique_ids(path: &str, html: &str) {
    let mut seen = std::collections::HashSet::new();
    for id in ids_of(html) {
        assert!(seen.insert(id.clone()), "{path}: id `{id}` is given twice");
    }
}

/// Asserts what every page of a built site must hold: ids unique on the
/// page; every relative `href` and `src` naming a file of the site and, with
/// a `#fragment`, an id of that page; no citation left raw (`[@` outside
/// code) nor its placeholder (`atlas-cite:`). Returns how many links were
/// checked.
pub fn assert_page_invariants(site: &Path) -> usize {
    let files = read_site(site);
    let html_of = |path: &str| -> Option<String> {
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
    };
    let mut checked = 0;
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        assert_unique_ids(&f.path, &html);
        assert!(
            !html.contains("atlas-cite:"),
            "{}: a citation placeholder",
            f.path
        );
        let outside_code = strip_code(&html);
        assert!(!outside_code.contains("[@"), "{}: a raw citation", f.path);
        if f.path == "404.html" {
            continue;
        }
        let dir = Path::new(&f.path).parent().unwrap();
        for link in links(&html) {
            if link.starts_with("http") || link.starts_with("mailto:") {
                continue;
            }
            let (target, fragment) = match link.split_once('#') {
                Some((t, frag)) => (t, Some(frag)),
                None => (link.as_str(), None),
            };
            let path = if target.is_empty() {
                f.path.clone()
            } else {
                normalize(&dir.join(target))
            };
            let page = files.iter().find(|g| g.path == path);
            assert!(page.is_some(), "{}: `{link}` names no file", f.path);
            if let Some(frag) = fragment.filter(|fr| !fr.is_empty()) {
                let frag = percent_encoding::percent_decode_str(frag).decode_utf8_lossy();
                let target_html = html_of(&path).unwrap_or_default();
                assert!(
                    ids_of(&target_html).iter().any(|id| *id == frag),
                    "{}: `{link}`: `{path}` has no id `{frag}`",
                    f.path
                );
            }
            checked += 1;
        }
    }
    checked
}

/// The HTML without the insides of `<code>` elements.
fn strip_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<code") {
        out.push_str(&rest[..i]);
        rest = match rest[i..].find("</code>") {
            Some(j) => &rest[i + j + 7..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// `a/b/../c` -> `a/c`, with `/` separators.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// Every `href="..."` and `src="..."` value in an HTML text.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}
