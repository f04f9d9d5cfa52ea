//! The output's place: its parent folder, the lock beside it, and the
//! folders killed builds left there.

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::io_error;
use super::manifest::{LOCK_INSIDE, MARKER, Manifest, remove_folder};
use crate::diag::Diagnostic;

/// The output's parent folder and name, and the names atlas uses beside it.
pub(super) struct Place {
    out: PathBuf,
    pub(super) parent: PathBuf,
    pub(super) name: String,
}

impl Place {
    pub(super) fn of(out: &Path) -> Place {
        Place {
            out: out.to_path_buf(),
            parent: out.parent().unwrap_or(Path::new("/")).to_path_buf(),
            name: out
                .file_name()
                .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned()),
        }
    }

    /// Takes the lock on builds into this output, waiting (and saying so)
    /// while another has it. The lock file is beside the output, or inside
    /// it where the parent cannot be written (a volume mounted into a
    /// read-only file system): then the second value is true, and the build
    /// must stage inside the output too.
    pub(super) fn lock(&self, shown: &str) -> Result<(File, bool), Diagnostic> {
        let open = |path: &Path| {
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)
        };
        let beside = self.parent.join(format!(".{}.atlas-lock", self.name));
        let (file, path, inside) = match open(&beside) {
            Ok(file) => (file, beside, false),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
                ) && self.out.is_dir() =>
            {
                let inside = self.out.join(LOCK_INSIDE);
                let file = open(&inside).map_err(|e| io_error(&inside, e))?;
                (file, inside, true)
            }
            Err(e) => return Err(io_error(&beside, e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("waiting for another build into `{shown}` to finish...");
                file.lock().map_err(|e| io_error(&path, e))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_error(&path, e)),
        }
        Ok((file, inside))
    }

    /// Folders earlier builds left, beside the output and inside it: the
    /// staging folders and old outputs of builds that were killed (or whose
    /// old output is still being removed).
    fn leftovers(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let beside = format!(".{}.atlas-", self.name);
        for (dir, prefix) in [(&self.parent, beside.as_str()), (&self.out, ".atlas-")] {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name();
                let Some(rest) = name
                    .to_string_lossy()
                    .strip_prefix(prefix)
                    .map(String::from)
                else {
                    continue;
                };
                if !(rest.starts_with("new-") || rest.starts_with("old-"))
                    || !e.file_type().is_ok_and(|t| t.is_dir())
                {
                    continue;
                }
                if Manifest::of(&e.path()).is_some() {
                    found.push(e.path());
                } else {
                    // A build killed before it wrote the marker left it
                    // empty; one that is not empty is not atlas's.
                    let _ = std::fs::remove_dir(e.path());
                }
            }
        }
        found
    }

    /// Cleans up after killed builds: restores the previous output if a
    /// build was killed between renames, carries kept files left in an old
    /// output back, and deletes the rest (what the markers list).
    pub(super) fn clean_leftovers(&self, keep: &[String]) {
        let leftovers = self.leftovers();
        if std::fs::symlink_metadata(&self.out).is_err() {
            let newest = leftovers
                .iter()
                .filter(|l| l.to_string_lossy().contains(".atlas-old-"))
                .filter(|l| !matches!(Manifest::of(l), Some(Manifest::InProgress)))
                .max_by_key(|l| modified(&l.join(MARKER)));
            if let Some(previous) = newest {
                let _ = std::fs::rename(previous, &self.out);
            }
        }
        for leftover in leftovers {
            if std::fs::symlink_metadata(&leftover).is_err() {
                continue;
            }
            if let Some(manifest) = Manifest::of(&leftover) {
                let kept = user_entries(&leftover, &manifest, keep);
                let _ = carry_kept(&leftover, &self.out, &kept);
            }
            remove_folder(&leftover);
        }
    }
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The kept entries (by `output_keep`) in `dir` that atlas did not write.
fn user_entries(dir: &Path, manifest: &Manifest, keep: &[String]) -> Vec<String> {
    keep.iter()
        .filter(|k| std::fs::symlink_metadata(dir.join(k)).is_ok())
        .filter(|k| !manifest.wrote(k, keep))
        .cloned()
        .collect()
}

/// Moves the kept entries `kept` from `from` into the output `out` (unless
/// it has them already): a user's `.git` or `CNAME` goes on from one
/// output to the next.
pub(super) fn carry_kept(from: &Path, out: &Path, kept: &[String]) -> Result<(), Diagnostic> {
    for k in kept {
        let (src, dst) = (from.join(k), out.join(k));
        if std::fs::symlink_metadata(&src).is_err() || std::fs::symlink_metadata(&dst).is_ok() {
            continue;
        }
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::rename(&src, &dst).map_err(|e| {
            Diagnostic::error(format!(
                "cannot carry `{k}` over into the new output: {e}; it is in `{}`",
                from.display()
            ))
            .hint("move it back into the output folder yourself")
        })?;
    }
    Ok(())
}
