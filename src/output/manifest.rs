//! The marker (`.atlas-output`) and what it lists: which files in a folder
//! are atlas's, and deleting exactly those.

use std::fs::File;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// The file that marks a folder as atlas output and lists what atlas wrote.
pub const MARKER: &str = ".atlas-output";

/// The new marker while it is copied into an output whose contents are swapped.
pub(super) const MARKER_NEW: &str = ".atlas-output.new";

/// The lock file inside an output whose parent cannot be written.
pub(super) const LOCK_INSIDE: &str = ".atlas-lock";

/// Names atlas gives its own files and folders inside an output.
pub(super) fn is_atlas_name(name: &str) -> bool {
    name == MARKER
        || name == MARKER_NEW
        || name == LOCK_INSIDE
        || name.starts_with(".atlas-new-")
        || name.starts_with(".atlas-old-")
}

/// The first line of every marker.
pub(super) const HEADER: &str = "# This folder was written by atlas and is replaced by each build.";
/// The second line of a staging folder's marker while it is written.
pub(super) const IN_PROGRESS: &str = "# A build in progress: everything here is atlas's.";
/// The second line of a marker listing the files atlas wrote.
const LISTED: &str =
    "# atlas wrote the files listed below and deletes only these; anything else here is yours.";
/// The whole marker of atlas versions before the manifest.
const LEGACY: &str = "This folder was written by atlas and is replaced by each build.";

/// What a marker says is atlas's.
#[derive(Debug)]
pub(super) enum Manifest {
    /// A staging folder: all of it.
    InProgress,
    /// Written before markers listed files: all of it but `output_keep`.
    Legacy,
    /// These files (paths inside the folder).
    Listed(FxHashSet<String>),
}

impl Manifest {
    /// The manifest of the folder `dir`, if it carries a marker.
    pub(super) fn of(dir: &Path) -> Option<Manifest> {
        let marker = dir.join(MARKER);
        if !std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let text = std::fs::read_to_string(marker).ok()?;
        Some(Manifest::parse(&text))
    }

    pub(super) fn parse(text: &str) -> Manifest {
        let mut lines = text.lines();
        match (lines.next(), lines.next()) {
            (Some(HEADER), Some(IN_PROGRESS)) => Manifest::InProgress,
            (Some(HEADER), Some(LISTED)) => {
                Manifest::Listed(lines.filter(|l| !l.is_empty()).map(String::from).collect())
            }
            // An older marker, or one damaged: deleting less is the safe side.
            (Some(LEGACY), _) => Manifest::Legacy,
            _ => Manifest::Listed(FxHashSet::default()),
        }
    }

    /// The marker's text listing `files`.
    pub(super) fn listing<'a>(files: impl IntoIterator<Item = &'a String>) -> String {
        let mut text = format!("{HEADER}\n{LISTED}\n");
        for f in files {
            text.push_str(f);
            text.push('\n');
        }
        text
    }

    /// Whether atlas wrote the file at `path` (not under a kept path).
    pub(super) fn wrote(&self, path: &str, keep: &[String]) -> bool {
        match self {
            Manifest::InProgress => true,
            Manifest::Legacy => !keep.iter().any(|k| under(path, k)),
            Manifest::Listed(files) => files.contains(path),
        }
    }

    /// The folders that hold a listed file (`None`: every folder may).
    pub(super) fn folders(&self) -> Option<FxHashSet<&str>> {
        let Manifest::Listed(files) = self else {
            return None;
        };
        let mut folders = FxHashSet::default();
        for f in files {
            let mut rest = f.as_str();
            while let Some((parent, _)) = rest.rsplit_once('/') {
                if !folders.insert(parent) {
                    break;
                }
                rest = parent;
            }
        }
        Some(folders)
    }
}

/// Whether `path` is `base` or inside it.
pub(super) fn under(path: &str, base: &str) -> bool {
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Deletes a folder atlas left, if it carries the marker: the files its
/// manifest lists (everything, for a staging folder), then the folders
/// left empty, the marker and the folder. Anything else stays, with the
/// marker. Another process removing the same folder holds a lock on its
/// marker; then this one leaves it alone.
pub(super) fn remove_folder(dir: &Path) {
    let marker = dir.join(MARKER);
    if !std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file()) {
        return;
    }
    let Ok(file) = File::open(&marker) else {
        return;
    };
    if file.try_lock().is_err() {
        return;
    }
    let Some(manifest) = Manifest::of(dir) else {
        return;
    };
    let empty = match &manifest {
        Manifest::InProgress | Manifest::Legacy => remove_all_but_marker(dir),
        Manifest::Listed(files) => remove_listed(dir, "", files),
    };
    if empty {
        let _ = std::fs::remove_file(&marker);
        let _ = std::fs::remove_dir(dir);
    }
}

fn remove_all_but_marker(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let items: Vec<_> = entries
        .flatten()
        .filter(|e| e.file_name() != MARKER)
        .collect();
    items.par_iter().for_each(|e| {
        let _ = match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(e.path()),
            _ => std::fs::remove_file(e.path()),
        };
    });
    true
}

/// Deletes the listed files under `dir/folder`; returns whether it is empty
/// now (but for the marker).
fn remove_listed(dir: &Path, folder: &str, files: &FxHashSet<String>) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
        return false;
    };
    let items: Vec<_> = entries.flatten().collect();
    let kept: usize = items
        .par_iter()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if folder.is_empty() && name == MARKER {
                return 0;
            }
            let path = if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            };
            let gone = if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_listed(dir, &path, files) && std::fs::remove_dir(e.path()).is_ok()
            } else {
                files.contains(&path) && std::fs::remove_file(e.path()).is_ok()
            };
            usize::from(!gone)
        })
        .sum();
    kept == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests() {
        let text = Manifest::listing(&["a/b.html".to_string(), "c".to_string()]);
        let m = Manifest::parse(&text);
        assert!(m.wrote("a/b.html", &[]) && m.wrote("c", &[]) && !m.wrote("d", &[]));
        assert_eq!(m.folders().unwrap().into_iter().collect::<Vec<_>>(), ["a"]);
        assert!(matches!(
            Manifest::parse(&format!("{LEGACY}\n")),
            Manifest::Legacy
        ));
        assert!(matches!(
            Manifest::parse(&format!("{HEADER}\n{IN_PROGRESS}\n")),
            Manifest::InProgress
        ));
        // Damaged: nothing is atlas's.
        assert!(!Manifest::parse("junk\nx\n").wrote("x", &[]));
        assert!(under(".well-known/x", ".well-known") && !under(".well-knownx", ".well-known"));
    }
}
