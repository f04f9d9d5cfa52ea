//! Step 1: `content/` -> [`SourceFile`]s (path, kind, id, text).
//!
//! The folder gives the kind and the file name the id. Files that cannot be
//! entries (not UTF-8, badly named, in an unknown folder) are reported here and
//! left out; everything else goes on to front matter parsing.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics};
use crate::kind::Kind;
use crate::memo::Digested;

/// One content file, read whole.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators, for messages.
    pub path: String,
    pub kind: Kind,
    pub id: String,
    /// The text with its digest.
    pub text: Digested<str>,
    /// Length and modification time when read.
    pub stamp: Stamp,
}

/// Reads every `.md` file under `root/content`, in a stable order.
pub fn load_content(root: &Path, diags: &mut Diagnostics) -> Vec<SourceFile> {
    load_content_with(root, diags, &|_, _| None)
}

/// Gives a file's text and stamp without reading it, where it can (from its
/// path relative to the root and its path on disk).
pub type Reuse<'a> = dyn Fn(&str, &Path) -> Option<(Digested<str>, Stamp)> + Sync + 'a;

/// A file's length and modification time, for telling whether it changed.
pub type Stamp = (u64, Option<std::time::SystemTime>);

/// The [`Stamp`] of the file at `path` (zero if it cannot be read).
pub fn stamp_of(path: &Path) -> Stamp {
    std::fs::metadata(path).map_or((0, None), |m| (m.len(), m.modified().ok()))
}

/// [`load_content`], taking a file's text from `reuse` instead of reading
/// it, where it gives one. The files are read in parallel.
pub fn load_content_with(
    root: &Path,
    diags: &mut Diagnostics,
    reuse: &Reuse<'_>,
) -> Vec<SourceFile> {
    let content = root.join("content");
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("no `content/` folder")
                .in_file("content")
                .hint("create content/parks, content/programs, content/labs or run `atlas new`"),
        );
        return Vec::new();
    }
    let mut files: Vec<(std::path::PathBuf, String, Kind)> = Vec::new();
    // Lowercased file stems seen so far (as indexes into `files`), to catch ids that differ only in case.
    let mut seen: rustc_hash::FxHashMap<String, usize> = Default::default();
    let walker = WalkDir::new(&content)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()));
    for item in walker {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                diags.push(Diagnostic::error(format!("cannot read content: {e}")));
                continue;
            }
        };
        let rel = || display_path(root, item.path());
        if item.file_type().is_dir() {
            if item.depth() == 1 && Kind::from_folder(&item.file_name().to_string_lossy()).is_none()
            {
                diags.push(
                    Diagnostic::warning(format!(
                        "folder `{}` is not a kind of entry; its files are ignored",
                        rel()
                    ))
                    .in_file(&rel())
                    .hint(format!("entries live in {}", Kind::folder_list())),
                );
            }
            continue;
        }
        if item.depth() > 2 {
            if is_markdown(item.path()) {
                diags.push(
                    Diagnostic::warning(format!("`{}` is nested too deep and is ignored", rel()))
                        .in_file(&rel())
                        .hint("entries sit directly in their kind's folder, e.g. content/parks/<id>.md"),
                );
            }
            continue;
        }
        let Some(kind) = item
            .path()
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| Kind::from_folder(&n.to_string_lossy()))
        else {
            continue;
        };
        if !is_markdown(item.path()) {
            // Editors' backups and stray files are not content; say so once.
            if !is_editor_temp(&item.file_name().to_string_lossy()) {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{}` is not a Markdown file and is ignored",
                        rel()
                    ))
                    .in_file(&rel()),
                );
            }
            continue;
        }
        let stem = item
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // The same as display_path(), made directly: this runs per file.
        let rel = format!(
            "content/{}/{}",
            kind.folder(),
            item.file_name().to_string_lossy()
        );
        // The very same id twice is a duplicate, reported once entries are known.
        let lower = stem.to_lowercase();
        if let Some(&first) = seen.get(&lower) {
            let (first_path, first_rel, _) = &files[first];
            if first_path.file_stem() != item.path().file_stem() {
                diags.push(
                    Diagnostic::error(format!("`{rel}` and `{first_rel}` have ids that differ only in case"))
                        .in_file(&rel)
                        .hint("on case-insensitive file systems (macOS, Windows) both would be written to one folder; rename one"),
                );
                continue;
            }
        } else {
            seen.insert(lower, files.len());
        }
        files.push((item.into_path(), rel, kind));
    }
    let read: Vec<Result<SourceFile, Diagnostic>> = files
        .into_par_iter()
        .map(|(path, rel, kind)| read_file(&path, rel, kind, reuse))
        .collect();
    let mut out = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(f) => out.push(f),
            Err(d) => diags.push(d),
        }
    }
    out
}

fn read_file(
    path: &Path,
    rel: String,
    kind: Kind,
    reuse: &Reuse<'_>,
) -> Result<SourceFile, Diagnostic> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Err(why) = check_id(&stem) {
        return Err(
            Diagnostic::error(format!("invalid entry id `{stem}`: {why}"))
                .in_file(&rel)
                .hint(format!("rename the file to `{}.md`", suggest_id(&stem))),
        );
    }
    if let Some((text, stamp)) = reuse(&rel, path) {
        return Ok(SourceFile {
            path: rel,
            kind,
            id: stem,
            text,
            stamp,
        });
    }
    let stamp = stamp_of(path);
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read `{rel}`: {e}")).in_file(&rel))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let offset = String::from_utf8_lossy(&e.as_bytes()[..good]).len();
            return Err(Diagnostic::error("file is not valid UTF-8")
                .at(&rel, &lossy, offset..offset + 1)
                .label("invalid byte here")
                .hint("save the file as UTF-8"));
        }
    };
    Ok(SourceFile {
        path: rel,
        kind,
        id: stem,
        text: Digested::text(Arc::from(text)),
        stamp,
    })
}

/// Ids are lowercase ASCII letters, digits and single hyphens, so they are
/// safe in URLs and the same on every file system.
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("it is empty");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("ids use only lowercase letters a-z, digits and hyphens");
    }
    if id.starts_with('-') || id.ends_with('-') || id.contains("--") {
        return Err("ids do not start or end with a hyphen or hold two in a row");
    }
    Ok(())
}

/// Makes a valid id from any text: `Huairou Science City` -> `huairou-science-city`.
pub fn suggest_id(text: &str) -> String {
    let id = hyphenate(text, |c| c.is_ascii_alphanumeric());
    if id.is_empty() { "entry".into() } else { id }
}

/// Lowercases `text` and joins the runs of characters `keep` accepts with
/// single hyphens: the one rule behind ids, term slugs and heading anchors.
pub fn hyphenate(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if keep(c) {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-').len();
    out.truncate(trimmed);
    out
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Files editors leave beside the one being edited.
pub fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with(".#")
        || name.starts_with('#')
}

/// A path relative to the root with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(check_id("huairou-science-city").is_ok());
        assert!(check_id("program-863").is_ok());
        assert!(check_id("Huairou").is_err());
        assert!(check_id("a--b").is_err());
        assert!(check_id("a_b").is_err());
        assert_eq!(suggest_id("Huairou Science_City!"), "huairou-science-city");
    }
}
