//! Step 7: files -> the output folder, atomically, keeping what is not atlas's.
//!
//! 1. [`Staging::begin`] checks the output path, takes the lock beside the
//!    output (`.site.atlas-lock`: builds into one folder run one after the
//!    other), cleans up what killed builds left, checks the existing output
//!    for files atlas did not write, and makes a fresh staging folder
//!    carrying the marker.
//! 2. [`Staging::write`] writes one file; any number of threads may call it.
//! 3. [`Staging::commit`] records what was written (the manifest), swaps
//!    the new tree into place in one rename, and carries the files listed
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

use std::collections::BTreeSet;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::diag::Diagnostic;
use crate::render::OutputFile;

/// The file that marks a folder as atlas output and lists what atlas wrote.
pub const MARKER: &str = ".atlas-output";

/// The new marker while it is copied into an output whose contents are swapped.
const MARKER_NEW: &str = ".atlas-output.new";

/// Names atlas gives its own files and folders inside an output.
fn is_atlas_name(name: &str) -> bool {
    name == MARKER
        || name == MARKER_NEW
        || name.starts_with(".atlas-new-")
        || name.starts_with(".atlas-old-")
}

/// The first line of every marker.
const HEADER: &str = "# This folder was written by atlas and is replaced by each build.";
/// The second line of a staging folder's marker while it is written.
const IN_PROGRESS: &str = "# A build in progress: everything here is atlas's.";
/// The second line of a marker listing the files atlas wrote.
const LISTED: &str =
    "# atlas wrote the files listed below and deletes only these; anything else here is yours.";
/// The whole marker of atlas versions before the manifest.
const LEGACY: &str = "This folder was written by atlas and is replaced by each build.";

/// What a marker says is atlas's.
#[derive(Debug)]
enum Manifest {
    /// A staging folder: all of it.
    InProgress,
    /// Written before markers listed files: all of it but `output_keep`.
    Legacy,
    /// These files (paths inside the folder).
    Listed(FxHashSet<String>),
}

impl Manifest {
    /// The manifest of the folder `dir`, if it carries a marker.
    fn of(dir: &Path) -> Option<Manifest> {
        let marker = dir.join(MARKER);
        if !std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let text = std::fs::read_to_string(marker).ok()?;
        Some(Manifest::parse(&text))
    }

    fn parse(text: &str) -> Manifest {
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
    fn listing<'a>(files: impl IntoIterator<Item = &'a String>) -> String {
        let mut text = format!("{HEADER}\n{LISTED}\n");
        for f in files {
            text.push_str(f);
            text.push('\n');
        }
        text
    }

    /// Whether atlas wrote the file at `path` (not under a kept path).
    fn wrote(&self, path: &str, keep: &[String]) -> bool {
        match self {
            Manifest::InProgress => true,
            Manifest::Legacy => !keep.iter().any(|k| under(path, k)),
            Manifest::Listed(files) => files.contains(path),
        }
    }

    /// The folders that hold a listed file (`None`: every folder may).
    fn folders(&self) -> Option<FxHashSet<&str>> {
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
fn under(path: &str, base: &str) -> bool {
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

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
    /// Paths (inside the output) of the kept files the old output holds.
    kept: Vec<String>,
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
        let shown = out.display().to_string();
        let out = check_path(root, out)?;
        let place = Place::of(&out);
        std::fs::create_dir_all(&place.parent).map_err(|e| io_error(&place.parent, e))?;
        let lock = place.lock(&shown)?;
        place.clean_leftovers(keep);
        let state = survey(&out, &shown, keep)?;
        let inside = state.exists && (swap == Swap::Contents || is_mount_point(&out));
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
            kept: state.kept,
            replaces: state.exists,
            written: Mutex::default(),
            folders: Mutex::default(),
            committed: false,
            _lock: lock,
        })
    }

    /// Writes the file at `path` (inside the site, `/`-separated) into the
    /// new output. Callable from many threads at once.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
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
        std::fs::write(&file, bytes).map_err(|e| io_error(&file, e))
    }

    /// Swaps the new tree into place; returns the old one, to delete.
    pub fn commit(mut self) -> Result<Trash, Diagnostic> {
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
            Some(swap_contents(&self.out, &self.dir, &self.kept)?)
        } else {
            self.swap_beside()?
        };
        self.committed = true;
        if let Some(trash) = &trash {
            carry_kept(trash, &self.out, &self.kept)?;
        }
        Ok(Trash { path: trash })
    }

    /// Renames the staging folder into place: exchanging it with the output
    /// in one step where the system can, else in two renames. A mount point
    /// refuses the rename: then its contents are swapped.
    fn swap_beside(&self) -> Result<Option<PathBuf>, Diagnostic> {
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
                return swap_contents(&self.out, &self.dir, &self.kept).map(Some);
            }
            Err(_) => {}
        }
        let old = unique_name(&place.parent, &format!(".{}.atlas-old", place.name));
        match std::fs::rename(&self.out, &old) {
            Ok(()) => {}
            Err(e) if busy(&e) => {
                return swap_contents(&self.out, &self.dir, &self.kept).map(Some);
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

/// The output's parent folder and name, and the names atlas uses beside it.
struct Place {
    out: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Place {
    fn of(out: &Path) -> Place {
        Place {
            out: out.to_path_buf(),
            parent: out.parent().unwrap_or(Path::new("/")).to_path_buf(),
            name: out
                .file_name()
                .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned()),
        }
    }

    /// Takes the lock on builds into this output, waiting (and saying so) while another has it.
    fn lock(&self, shown: &str) -> Result<File, Diagnostic> {
        let path = self.parent.join(format!(".{}.atlas-lock", self.name));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_error(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("waiting for another build into `{shown}` to finish...");
                file.lock().map_err(|e| io_error(&path, e))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_error(&path, e)),
        }
        Ok(file)
    }

    /// Folders earlier builds left, beside the output and inside it: the
    /// staging folders and old outputs of builds that were killed (or whose
    /// old output is still being removed).
    fn leftovers(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let prefixes = [
            (&self.parent, format!(".{}.atlas-new-", self.name)),
            (&self.parent, format!(".{}.atlas-old-", self.name)),
            (&self.out, ".atlas-new-".to_string()),
            (&self.out, ".atlas-old-".to_string()),
        ];
        for (dir, prefix) in &prefixes {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in entries.flatten() {
                if !e.file_name().to_string_lossy().starts_with(prefix.as_str())
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
    fn clean_leftovers(&self, keep: &[String]) {
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
fn carry_kept(from: &Path, out: &Path, kept: &[String]) -> Result<(), Diagnostic> {
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

/// What the existing output holds.
struct Survey {
    exists: bool,
    /// The kept entries atlas did not write.
    kept: Vec<String>,
}

/// Looks through the existing output: every file must be one atlas wrote
/// (per the marker) or be kept by `output_keep`. Anything else is an error
/// naming it: atlas never deletes what it did not write.
fn survey(out: &Path, shown: &str, keep: &[String]) -> Result<Survey, Diagnostic> {
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(Survey {
            exists: false,
            kept: Vec::new(),
        });
    };
    let refuse = |why: String| {
        Diagnostic::error(format!("refusing to write the site to `{shown}`: {why}"))
            .hint("choose a new folder or one atlas created, e.g. `--output site`")
    };
    if !meta.is_dir() {
        return Err(refuse("it is a file".into()));
    }
    let manifest = Manifest::of(out);
    let mut unknown = Vec::new();
    if manifest.is_none() {
        // A folder atlas did not make may hold only what `output_keep` keeps.
        let entries = std::fs::read_dir(out).map_err(|e| io_error(out, e))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !keep.contains(&name) {
                unknown.push(name);
            }
        }
        if !unknown.is_empty() {
            unknown.sort();
            return Err(refuse(format!(
                "it exists and atlas did not create it (it holds {})",
                list(&unknown)
            )));
        }
    }
    let manifest = manifest.unwrap_or(Manifest::Listed(FxHashSet::default()));
    let folders = manifest.folders();
    let mut kept = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(folder) = stack.pop() {
        let dir = out.join(&folder);
        let entries = std::fs::read_dir(&dir).map_err(|e| io_error(&dir, e))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if folder.is_empty() {
                name.clone()
            } else {
                format!("{folder}/{name}")
            };
            if folder.is_empty() && is_atlas_name(&name) {
                continue;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            // A kept folder is the user's; a kept file is, unless atlas wrote it.
            if keep.contains(&path) && (is_dir || !manifest.wrote(&path, keep)) {
                kept.push(path);
            } else if is_dir {
                let leads_to_keep = keep.iter().any(|k| under(k, &path));
                let holds_ours = folders.as_ref().is_none_or(|f| f.contains(path.as_str()));
                if holds_ours || leads_to_keep {
                    stack.push(path);
                } else {
                    unknown.push(format!("{path}/"));
                }
            } else if !manifest.wrote(&path, keep) {
                unknown.push(path);
            }
        }
    }
    if !unknown.is_empty() {
        unknown.sort();
        return Err(Diagnostic::error(format!(
            "the output folder `{shown}` holds {} that atlas did not write: {}",
            if unknown.len() == 1 {
                "a file"
            } else {
                "files"
            },
            list(&unknown)
        ))
        .hint(
            "atlas never deletes what it did not write: add it to `output_keep` in atlas.toml \
             to carry it over into every build, or move it away",
        ));
    }
    kept.sort();
    Ok(Survey { exists: true, kept })
}

/// Names, quoted: the first ten and how many more.
fn list(names: &[String]) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(10)
        .map(|n| format!("`{}`", crate::diag::escape(n, false)))
        .collect();
    if names.len() > 10 {
        shown.push(format!("and {} more", names.len() - 10));
    }
    shown.join(", ")
}

/// Swaps the contents of `out` for those of `staged` without renaming
/// `out` itself (a mount point cannot be): the old entries move into a
/// trash folder inside `out`, the new ones in. Entries named in `kept`
/// stay where they are. Returns the trash folder.
fn swap_contents(out: &Path, staged: &Path, kept: &[String]) -> Result<PathBuf, Diagnostic> {
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

fn rename_into_place(dir: &Path, out: &Path) -> Result<(), Diagnostic> {
    std::fs::rename(dir, out).map_err(|e| io_error(out, e))
}

/// Exchanges two folders in one step (Linux, macOS).
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
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
fn is_mount_point(dir: &Path) -> bool {
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
fn unescape_mount(m: &str) -> String {
    m.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
}

/// A folder `{prefix}-{pid}-{n}` in `parent` that did not exist, made.
fn unique_dir(parent: &Path, prefix: &str) -> Result<PathBuf, Diagnostic> {
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
fn unique_name(parent: &Path, prefix: &str) -> PathBuf {
    let pid = std::process::id();
    (0..)
        .map(|n| parent.join(format!("{prefix}-{pid}-{n}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("some name is free")
}

/// Deletes a folder atlas left, if it carries the marker: the files its
/// manifest lists (everything, for a staging folder), then the folders
/// left empty, the marker and the folder. Anything else stays, with the
/// marker. Another process removing the same folder holds a lock on its
/// marker; then this one leaves it alone.
fn remove_folder(dir: &Path) {
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

/// Checks that `out` is a safe place to write the site for the project at
/// `root`, and that it holds nothing atlas did not write but what
/// `output_keep` (in the project's atlas.toml) keeps.
pub fn check_output_path(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let shown = out.display().to_string();
    let out = check_path(root, out)?;
    survey(&out, &shown, &configured_keep(root)).map(|_| ())
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
        .try_for_each(|f| staging.write(&f.path, &f.bytes))?;
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
