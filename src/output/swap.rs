//! Putting a new tree in place of an old one: in one exchange, in two
//! renames, or (for a mount point) by moving the contents.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::io_error;
use super::manifest::{MARKER, MARKER_NEW, is_atlas_name};
use crate::diag::Diagnostic;

/// Swaps the contents of `out` for those of `staged` without renaming
/// `out` itself (a mount point cannot be): the old entries move into a
/// trash folder inside `out`, the new ones in. Entries named in `kept`
/// stay where they are. Returns the trash folder.
pub(super) fn swap_contents(
    out: &Path,
    staged: &Path,
    kept: &[String],
) -> Result<PathBuf, Diagnostic> {
    let trash = unique_dir(out, ".atlas-old")?;
    // The trash carries the old manifest from the start, so a kill at any
    // point leaves folders the next build knows how to clean up.
    let old_marker = out.join(MARKER);
    std::fs::copy(&old_marker, trash.join(MARKER)).map_err(|e| io_error(&old_marker, e))?;
    let skip = |name: &str| is_atlas_name(name) || kept.iter().any(|k| k == name);
    let entries = std::fs::read_dir(out).map_err(|e| io_error(out, e))?;
    for e in entries.flatten() {
        let name = e.file_name();
        if !skip(&name.to_string_lossy()) {
            std::fs::rename(e.path(), trash.join(&name)).map_err(|e| io_error(out, e))?;
        }
    }
    // The new marker goes in first: from here the output holds only files it lists.
    let new_marker = staged.join(MARKER);
    let tmp = out.join(MARKER_NEW);
    std::fs::copy(&new_marker, &tmp).map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, &old_marker).map_err(|e| io_error(&old_marker, e))?;
    let entries = std::fs::read_dir(staged).map_err(|e| io_error(staged, e))?;
    for e in entries.flatten() {
        let name = e.file_name();
        if name != MARKER {
            move_or_copy(&e.path(), &out.join(&name)).map_err(|e| io_error(out, e))?;
        }
    }
    let _ = std::fs::remove_file(&new_marker);
    let _ = std::fs::remove_dir(staged);
    Ok(trash)
}

/// Renames, or where that would cross file systems, copies and deletes the source.
fn move_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Err(e) if e.kind() == ErrorKind::CrossesDevices => {
            copy_tree(from, to)?;
            if from.is_dir() {
                std::fs::remove_dir_all(from)
            } else {
                std::fs::remove_file(from)
            }
        }
        other => other,
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(from)?.is_dir() {
        std::fs::create_dir(to)?;
        for e in std::fs::read_dir(from)? {
            let e = e?;
            copy_tree(&e.path(), &to.join(e.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(from, to).map(|_| ())
    }
}

pub(super) fn rename_into_place(dir: &Path, out: &Path) -> Result<(), Diagnostic> {
    std::fs::rename(dir, out).map_err(|e| io_error(out, e))
}

/// Exchanges two folders in one step (Linux, macOS).
pub(super) fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
    {
        let _ = (a, b);
        Err(std::io::Error::from(ErrorKind::Unsupported))
    }
}

/// Whether `dir` is a mount point: on another device than its parent, or
/// listed as one (a bind mount is on the same device).
pub(super) fn is_mount_point(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
        if let Some(parent) = dir.parent()
            && dev(dir) != dev(parent)
        {
            return true;
        }
    }
    let Ok(canonical) = dir.canonicalize() else {
        return false;
    };
    std::fs::read_to_string("/proc/self/mountinfo").is_ok_and(|info| {
        info.lines()
            .filter_map(|l| l.split(' ').nth(4))
            .any(|m| Path::new(&unescape_mount(m)) == canonical)
    })
}

/// A mount point as mountinfo writes it: space, tab, newline and backslash as octal escapes.
pub(super) fn unescape_mount(m: &str) -> String {
    m.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
}

/// A folder `{prefix}-{pid}-{n}` in `parent` that did not exist, made.
pub(super) fn unique_dir(parent: &Path, prefix: &str) -> Result<PathBuf, Diagnostic> {
    let pid = std::process::id();
    for n in 0.. {
        let dir = parent.join(format!("{prefix}-{pid}-{n}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&dir, e)),
        }
    }
    unreachable!("some name is free")
}

/// A name `{prefix}-{pid}-{n}` in `parent` that nothing has.
pub(super) fn unique_name(parent: &Path, prefix: &str) -> PathBuf {
    let pid = std::process::id();
    (0..)
        .map(|n| parent.join(format!("{prefix}-{pid}-{n}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("some name is free")
}
