//! Step 7: files -> the output folder, atomically.
//!
//! The site is written into a fresh sibling folder and swapped into place
//! only when every file is written, so a failed build leaves the previous
//! site whole. atlas only ever replaces or deletes a folder that carries its
//! marker file, i.e. one it created.

use std::path::{Path, PathBuf};

use crate::OutputFile;
use crate::diag::Diagnostic;

/// The file that marks a folder as atlas output.
pub const MARKER: &str = ".atlas-output";

/// Checks that `out` is a safe place to write the site for the project at `root`.
pub fn check_output_path(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out_abs = absolute(out);
    let refuse = |why: &str| {
        Err(Diagnostic::error(format!(
            "refusing to write the site to `{}`: {why}",
            out.display()
        ))
        .hint("choose a new folder or one atlas created, e.g. `--output site`"))
    };
    if out_abs.parent().is_none() {
        return refuse("it is a file system root");
    }
    if root.starts_with(&out_abs) {
        return refuse("it is the project folder or one of its parents");
    }
    for protected in ["content", "themes", "geodata", "src", "tests", ".git"] {
        if out_abs.starts_with(root.join(protected)) {
            return refuse(&format!("it is inside `{protected}/`"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && out_abs == home
    {
        return refuse("it is the home folder");
    }
    if out_abs.exists() {
        if !out_abs.is_dir() {
            return refuse("it is a file");
        }
        let empty = std::fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out_abs.join(MARKER).is_file() {
            return refuse("it exists and atlas did not create it");
        }
    }
    Ok(())
}

/// Writes `files` into `out`, replacing its previous content only on success.
pub fn write_site(root: &Path, out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    check_output_path(root, out)?;
    let out = absolute(out);
    let parent = out.parent().expect("checked: not a root");
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    let pid = std::process::id();
    let fresh = parent.join(format!(".{name}.atlas-new-{pid}"));
    let old = parent.join(format!(".{name}.atlas-old-{pid}"));
    // Leftovers of an interrupted run carry the marker; anything else is not ours.
    for leftover in [&fresh, &old] {
        if leftover.join(MARKER).is_file() {
            std::fs::remove_dir_all(leftover).map_err(|e| io_error(leftover, e))?;
        }
    }
    let result = write_all(&fresh, files);
    if let Err(e) = result {
        if fresh.join(MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&fresh);
        }
        return Err(e);
    }
    let had_old = out.exists();
    if had_old {
        std::fs::rename(&out, &old).map_err(|e| io_error(&out, e))?;
    }
    if let Err(e) = std::fs::rename(&fresh, &out) {
        if had_old {
            let _ = std::fs::rename(&old, &out);
        }
        return Err(io_error(&out, e));
    }
    if had_old && old.join(MARKER).is_file() {
        std::fs::remove_dir_all(&old).map_err(|e| io_error(&old, e))?;
    } else if had_old {
        // An empty folder we were allowed to replace.
        let _ = std::fs::remove_dir(&old);
    }
    Ok(())
}

fn write_all(dir: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    std::fs::create_dir(dir).map_err(|e| io_error(dir, e))?;
    std::fs::write(
        dir.join(MARKER),
        b"This folder was written by atlas and is replaced by each build.\n",
    )
    .map_err(|e| io_error(dir, e))?;
    let mut made = std::collections::HashSet::new();
    for f in files {
        let path = dir.join(&f.path);
        if let Some(p) = path.parent()
            && made.insert(p.to_path_buf())
        {
            std::fs::create_dir_all(p).map_err(|e| io_error(p, e))?;
        }
        std::fs::write(&path, &f.bytes).map_err(|e| io_error(&path, e))?;
    }
    Ok(())
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write `{}`: {e}", path.display()))
}

/// An absolute, lexically normalised path (the folder may not exist yet).
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_paths() {
        let root = Path::new("/tmp/project");
        assert!(check_output_path(root, Path::new("/tmp/project")).is_err());
        assert!(check_output_path(root, Path::new("/tmp")).is_err());
        assert!(check_output_path(root, Path::new("/")).is_err());
        assert!(check_output_path(root, Path::new("/tmp/project/content/x")).is_err());
        assert!(check_output_path(root, Path::new("/tmp/project/site/../..")).is_err());
        assert!(check_output_path(root, Path::new("/tmp/project/does-not-exist-site")).is_ok());
    }
}
