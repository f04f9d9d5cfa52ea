//! Step 1: `content/` -> [`SourceFile`]s (path, kind, id, text).
//!
//! The folder gives the kind and the file name the id. Files that cannot be
//! entries (not UTF-8, badly named, in an unknown folder) are reported here and
//! left out; everything else goes on to front matter parsing.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::fsio::{Found, Reader, display_path, is_windows_reserved};
use crate::kind::Kind;
use crate::limits;
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
    let reader = Reader::new(root);
    let mut files: Vec<(Found, String, Kind)> = Vec::new();
    // Lowercased file stems seen so far (as indexes into `files`), to catch ids that differ only in case.
    let mut seen: rustc_hash::FxHashMap<String, usize> = Default::default();
    for item in reader.walk(&content).skip_hidden() {
        let item = match item {
            Ok(item) => item,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let rel = || display_path(root, item.path());
        if item.is_dir() {
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
        if item.depth() == 1 {
            if !is_editor_temp(&item.file_name().to_string_lossy()) {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{}` is not in a kind's folder and is ignored",
                        rel()
                    ))
                    .in_file(&rel())
                    .hint(format!(
                        "entries live in {}; a plain page goes in content/pages/",
                        Kind::folder_list()
                    )),
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
            let (first_found, first_rel, _) = &files[first];
            if first_found.path().file_stem() != item.path().file_stem() {
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
        files.push((item, rel, kind));
    }
    if let Some(d) = too_many(files.len(), limits::MAX_ENTRIES) {
        diags.push(d);
        return Vec::new();
    }
    let read: Vec<Result<SourceFile, Diagnostic>> = files
        .into_par_iter()
        .map(|(found, rel, kind)| read_file(&reader, &found, rel, kind, reuse))
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

/// An error if an atlas has more entries than `max`.
fn too_many(entries: usize, max: usize) -> Option<Diagnostic> {
    (entries > max).then(|| {
        Diagnostic::error(format!(
            "content/ holds {entries} entries; atlas reads at most {max}"
        ))
        .in_file("content")
        .hint("split the atlas into several sites, or move files that are not entries out of content/")
    })
}

fn read_file(
    reader: &Reader,
    found: &Found,
    rel: String,
    kind: Kind,
    reuse: &Reuse<'_>,
) -> Result<SourceFile, Diagnostic> {
    let path = found.path();
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
    let bytes = reader.read_found(found, limits::ENTRY)?;
    let text = reader.decode(path, bytes)?;
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
    if is_windows_reserved(id) {
        return Err(
            "Windows reserves this name: a folder with it cannot exist there, so the site could not be checked out or served on Windows",
        );
    }
    Ok(())
}

/// Makes a valid id from any text: `Huairou Science City` -> `huairou-science-city`.
pub fn suggest_id(text: &str) -> String {
    let id = hyphenate(text, |c| c.is_ascii_alphanumeric());
    if id.is_empty() {
        "entry".into()
    } else if is_windows_reserved(&id) {
        // `con`, `aux`, `lpt1`: names Windows cannot give a folder.
        format!("{id}-1")
    } else {
        id
    }
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
        for reserved in ["con", "aux", "nul", "prn", "com1", "lpt9", "com0"] {
            assert!(check_id(reserved).is_err(), "{reserved}");
            assert!(check_id(&suggest_id(reserved)).is_ok(), "{reserved}");
        }
        assert_eq!(suggest_id("Con"), "con-1");
        assert!(check_id("console").is_ok());
    }

    #[test]
    fn at_most_max_entries() {
        assert!(too_many(10, 10).is_none());
        let d = too_many(11, 10).unwrap();
        assert_eq!(
            d.message,
            "content/ holds 11 entries; atlas reads at most 10"
        );
    }
}
