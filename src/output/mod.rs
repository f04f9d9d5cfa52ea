//! Step 7: files -> the output folder, atomically, keeping what is not atlas's.
//!
//! 1. [`Staging::begin`] checks the output path, takes the lock beside the
//!    output (`.site.atlas-lock`: builds into one folder run one after the
//!    other), cleans up what killed builds left (`place`), checks the top
//!    of the existing output for files atlas did not write and starts a
//!    look through all of it (`survey`), and makes a fresh staging folder
//!    carrying the marker (`manifest`).
//! 2. [`Staging::write`] writes one file; any number of threads may call it.
//! 3. [`Staging::commit`] waits for the look through the old output,
//!    records what was written (the manifest), swaps the new tree into
//!    place in one exchange (`swap`), and carries the files listed
//!    in `output_keep` over from the old tree; the old tree comes back as
//!    [`Trash`], removed later so the user does not wait for it (the CLI
//!    hands it to a detached `atlas __remove-trash`).
//!
//! The marker file `.atlas-output` lists the files atlas wrote. atlas only
//! ever deletes files a marker lists (or, while a build is in progress,
//! anything in its own staging folder): a file in the output that atlas did
//! not write is carried over if `output_keep` names it, and otherwise stops
//! the build before anything changed. An output folder that is a mount
//! point (a Docker volume) cannot be renamed: its contents are swapped
//! instead, inside it.

mod manifest;
mod place;
mod survey;
mod swap;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::OutputFile;
use crate::body::Body;
use crate::diag::Diagnostic;
pub use manifest::MARKER;
use manifest::{HEADER, IN_PROGRESS, Manifest, is_atlas_name, remove_folder, under};
use place::{Place, carry_kept};
use survey::{Depth, Pending, survey};
use swap::{exchange, is_mount_point, rename_into_place, swap_contents, unique_dir, unique_name};

/// Where the new tree is put together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Swap {
    /// Beside the output, renamed into place; inside it if the output is a
    /// mount point.
    Auto,
    /// Inside the output, its contents moved (what a mount point needs).
    Contents,
}

/// A new output being written. Dropped without [`Staging::commit`], it
/// removes its staging folder and the output stays as it was.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    /// The staging folder.
    dir: PathBuf,
    /// Staging inside the output, to swap its contents.
    inside: bool,
    keep: Vec<String>,
    /// The look through the whole old output, running while the site is
    /// written: the kept files it holds (paths inside the output), or the
    /// error naming the files atlas did not write.
    survey: Option<Pending>,
    /// Whether the output folder exists (and so is replaced).
    replaces: bool,
    written: Mutex<FxHashSet<String>>,
    folders: Mutex<FxHashSet<String>>,
    committed: bool,
    /// Held until the staging is committed or dropped.
    _lock: File,
}

/// The old output after a commit, to be deleted. Dropped, it is deleted
/// then and there; [`Trash::detach`] hands it to someone else.
#[derive(Debug, Default)]
pub struct Trash {
    path: Option<PathBuf>,
}

impl Trash {
    /// Deletes the old output now.
    pub fn remove(mut self) {
        if let Some(path) = self.path.take() {
            remove_folder(&path);
        }
    }

    /// The folder holding the old output, if there was one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Gives the folder up without deleting it: the caller deletes it with
    /// [`remove_trash`] (e.g. in a detached process).
    pub fn detach(mut self) -> Option<PathBuf> {
        self.path.take()
    }
}

impl Drop for Trash {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            remove_folder(&path);
        }
    }
}

/// Removes a folder a [`Trash`] was detached from: only a folder named as
/// atlas names its old outputs and carrying the marker, and of it only the
/// files the marker lists. Returns whether the folder is gone.
pub fn remove_trash(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !(name.contains(".atlas-old-") || name.contains(".atlas-new-")) {
        return false;
    }
    remove_folder(path);
    std::fs::symlink_metadata(path).is_err()
}

impl Staging {
    /// Checks `out` (see [`check_output_path`]), takes the lock, removes what
    /// killed builds left, and makes a fresh staging folder with the marker.
    /// `keep` lists what the old output may hold that atlas did not write.
    pub fn begin(root: &Path, out: &Path, keep: &[String]) -> Result<Staging, Diagnostic> {
        Staging::begin_with(root, out, keep, Swap::Auto)
    }

    /// [`Staging::begin`], choosing how the new tree is swapped in (tests
    /// force the way a mount point needs).
    #[doc(hidden)]
    pub fn begin_with(
        root: &Path,
        out: &Path,
        keep: &[String],
        swap: Swap,
    ) -> Result<Staging, Diagnostic> {
        if keep.iter().any(|k| k == MARKER) {
            return Err(Diagnostic::error(format!(
                "`output_keep` lists `{MARKER}`, atlas's own marker file"
            ))
            .in_file(crate::config::CONFIG_FILE)
            .hint("remove it from `output_keep`"));
        }
        let shown = out.display().to_string();
        let out = check_path(root, out)?;
        let place = Place::of(&out);
        std::fs::create_dir_all(&place.parent).map_err(|e| io_error(&place.parent, e))?;
        let (lock, locked_inside) = place.lock(&shown)?;
        place.clean_leftovers(keep);
        // Its top level now, to fail early; all of it while the site is written.
        let state = survey(&out, &shown, keep, Depth::Top)?;
        let survey = state.exists.then(|| {
            let (o, k, sh) = (out.clone(), keep.to_vec(), shown.clone());
            let job = move || survey(&o, &sh, &k, Depth::All);
            match std::thread::Builder::new()
                .name("atlas-survey".into())
                .spawn(job)
            {
                Ok(running) => Pending::Running(running),
                Err(_) => Pending::Done(survey(&out, &shown, keep, Depth::All)),
            }
        });
        let inside =
            state.exists && (locked_inside || swap == Swap::Contents || is_mount_point(&out));
        let dir = if inside {
            unique_dir(&out, ".atlas-new")?
        } else {
            unique_dir(&place.parent, &format!(".{}.atlas-new", place.name))?
        };
        let marker = format!("{HEADER}\n{IN_PROGRESS}\n");
        if let Err(e) = std::fs::write(dir.join(MARKER), marker) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(io_error(&dir, e));
        }
        Ok(Staging {
            out,
            dir,
            inside,
            keep: keep.to_vec(),
            survey,
            replaces: state.exists,
            written: Mutex::default(),
            folders: Mutex::default(),
            committed: false,
            _lock: lock,
        })
    }

    /// Writes the file at `path` (inside the site, `/`-separated) into the
    /// new output. Callable from many threads at once.
    pub fn write(&self, path: &str, body: &Body) -> Result<(), Diagnostic> {
        check_site_path(path).map_err(|why| {
            Diagnostic::error(format!("cannot write `{path}` into the site: {why}"))
                .hint("a page or file path is relative, with `/` separators and names every system can hold")
        })?;
        if let Some(k) = self.keep.iter().find(|k| under(path, k)) {
            return Err(Diagnostic::error(format!(
                "the site has a file `{path}`, but `output_keep` keeps `{k}` for files atlas does not write"
            ))
            .hint("remove it from `output_keep` in atlas.toml, or rename the file in the theme"));
        }
        if !lock(&self.written).insert(path.to_string()) {
            return Err(
                Diagnostic::error(format!("two files of the site are both `{path}`"))
                    .hint("two pages have the same path: rename one of the entries or theme files"),
            );
        }
        if let Some((parent, _)) = path.rsplit_once('/')
            && !lock(&self.folders).contains(parent)
        {
            let folder = self.dir.join(parent);
            std::fs::create_dir_all(&folder).map_err(|e| io_error(&folder, e))?;
            lock(&self.folders).insert(parent.to_string());
        }
        let file = self.dir.join(path);
        let written = match body {
            Body::One(bytes) => std::fs::write(&file, bytes),
            // Many small pieces: gathered into few writes.
            Body::Pieces(pieces) => File::create(&file).and_then(|f| {
                let mut out = std::io::BufWriter::with_capacity(1 << 16, f);
                pieces.iter().try_for_each(|p| out.write_all(p))?;
                out.flush()
            }),
        };
        written.map_err(|e| io_error(&file, e))
    }

    /// Swaps the new tree into place; returns the old one, to delete.
    pub fn commit(mut self) -> Result<Trash, Diagnostic> {
        // Nothing changes before the old output is known to hold nothing but atlas's and kept files.
        let kept = match self.survey.take() {
            Some(pending) => pending.wait()?.kept,
            None => Vec::new(),
        };
        let mut written: Vec<&String> = Vec::new();
        let all = std::mem::take(&mut *lock(&self.written));
        written.extend(all.iter());
        written.sort_unstable();
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, Manifest::listing(written)).map_err(|e| io_error(&marker, e))?;
        // The old output becomes atlas's to replace now the build is done.
        let old_marker = self.out.join(MARKER);
        if self.replaces && std::fs::symlink_metadata(&old_marker).is_err() {
            std::fs::write(&old_marker, Manifest::listing([]))
                .map_err(|e| io_error(&old_marker, e))?;
        }
        let trash = if !self.replaces {
            rename_into_place(&self.dir, &self.out)?;
            None
        } else if self.inside {
            Some(swap_contents(&self.out, &self.dir, &kept)?)
        } else {
            self.swap_beside(&kept)?
        };
        self.committed = true;
        if let Some(trash) = &trash {
            carry_kept(trash, &self.out, &kept)?;
        }
        Ok(Trash { path: trash })
    }

    /// Renames the staging folder into place: exchanging it with the output
    /// in one step where the system can, else in two renames. A mount point
    /// refuses the rename: then its contents are swapped.
    fn swap_beside(&self, kept: &[String]) -> Result<Option<PathBuf>, Diagnostic> {
        let place = Place::of(&self.out);
        let busy = |e: &std::io::Error| {
            matches!(
                e.kind(),
                ErrorKind::ResourceBusy | ErrorKind::CrossesDevices
            )
        };
        match exchange(&self.dir, &self.out) {
            Ok(()) => {
                // The staging folder's name now holds the old output: name it so.
                let old = unique_name(&place.parent, &format!(".{}.atlas-old", place.name));
                return Ok(Some(match std::fs::rename(&self.dir, &old) {
                    Ok(()) => old,
                    Err(_) => self.dir.clone(),
                }));
            }
            Err(e) if busy(&e) => {
                return swap_contents(&self.out, &self.dir, kept).map(Some);
            }
            Err(_) => {}
        }
        let old = unique_name(&place.parent, &format!(".{}.atlas-old", place.name));
        match std::fs::rename(&self.out, &old) {
            Ok(()) => {}
            Err(e) if busy(&e) => {
                return swap_contents(&self.out, &self.dir, kept).map(Some);
            }
            Err(e) => return Err(io_error(&self.out, e)),
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            let _ = std::fs::rename(&old, &self.out);
            return Err(io_error(&self.out, e));
        }
        Ok(Some(old))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Nothing but atlas's files is ever in a staging folder before the commit.
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Checks that `out` is a safe place to write the site for the project at
/// `root`, and that it holds nothing atlas did not write but what
/// `output_keep` (in the project's atlas.toml) keeps.
pub fn check_output_path(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let shown = out.display().to_string();
    let out = check_path(root, out)?;
    survey(&out, &shown, &configured_keep(root), Depth::Top).map(|_| ())
}

/// The project's `output_keep`, or the default where atlas.toml cannot be read.
fn configured_keep(root: &Path) -> Vec<String> {
    crate::Config::load(root).map_or_else(|_| crate::config::default_keep(), |c| c.output_keep)
}

/// Refuses outputs that would put the project at risk; returns the output
/// as an absolute path (resolved, if it is a symbolic link).
fn check_path(root: &Path, out: &Path) -> Result<PathBuf, Diagnostic> {
    let root = absolute(root);
    let mut out_abs = absolute(out);
    if std::fs::symlink_metadata(&out_abs).is_ok_and(|m| m.is_symlink())
        && let Ok(target) = out_abs.canonicalize()
    {
        out_abs = target;
    }
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
    Ok(out_abs)
}

/// Why a path inside the site cannot be written, if it cannot: it must be
/// relative, `/`-separated, without `.` or `..` parts, and hold names
/// every system can (Windows reserves `con`, `nul`, `:` ...).
fn check_site_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.starts_with('/') {
        return Err("it is empty or absolute".into());
    }
    if path.contains('\\') {
        return Err("it holds a backslash".into());
    }
    if path.chars().any(char::is_control) {
        return Err("it holds a control character".into());
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err("it holds an empty, `.` or `..` part".into());
        }
        if part.contains(['<', '>', ':', '"', '|', '?', '*']) || part.ends_with([' ', '.']) {
            return Err(format!("`{part}` is not a name Windows can hold"));
        }
        if crate::fsio::is_windows_reserved(part) {
            return Err(format!("Windows reserves the name `{part}`"));
        }
    }
    if is_atlas_name(path.split('/').next().unwrap_or(path)) {
        return Err("atlas uses the name for its own files".into());
    }
    Ok(())
}

/// Writes `files` into `out`, replacing its previous content only on
/// success; returns the old output to delete.
pub fn publish(root: &Path, out: &Path, files: &[OutputFile]) -> Result<Trash, Diagnostic> {
    let staging = Staging::begin(root, out, &configured_keep(root))?;
    files
        .par_iter()
        .try_for_each(|f| staging.write(&f.path, &Body::One(f.bytes.clone())))?;
    staging.commit()
}

/// Writes `files` into `out`, replacing its previous content only on
/// success, and deletes the old output.
pub fn write_site(root: &Path, out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    publish(root, out, files).map(Trash::remove)
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

/// Paths, sorted, for tests and messages.
#[doc(hidden)]
pub fn manifest_of(dir: &Path) -> Option<BTreeSet<String>> {
    match Manifest::of(dir)? {
        Manifest::Listed(files) => Some(files.into_iter().collect()),
        _ => None,
    }
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

    #[test]
    fn staging_is_shared_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Staging>();
        send_sync::<Trash>();
    }

    #[test]
    fn site_paths() {
        for good in [
            "index.html",
            "parks/x/index.html",
            ".well-known/x",
            "a b/c.txt",
        ] {
            assert!(check_site_path(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/etc/x",
            "../x",
            "a/../b",
            "a//b",
            "./a",
            "a\\b",
            "a\0b",
            "a\nb",
            "con/index.html",
            "parks/aux/index.html",
            "a:b",
            "x.",
            MARKER,
            ".atlas-new-1-0/x",
        ] {
            assert!(check_site_path(bad).is_err(), "{bad:?}");
        }
    }
}
