//! Reading inputs: every file atlas reads (the config, content, geodata,
//! the theme, source texts) is read through a [`Reader`], which
//!
//! 1. reads regular files only: a named pipe, socket or device is reported,
//!    never opened for reading (a pipe would stall the build forever); the
//!    file is opened non-blocking and checked again once open, so a file
//!    swapped for a pipe in between cannot stall it either;
//! 2. follows a symbolic link only where it resolves inside the folder the
//!    reader is bound to (the project, or `sources_text_dir` for source
//!    texts): a link to `/etc/passwd` in `content/` is refused, not shown;
//! 3. reads at most the [`Limit`] of its kind of file;
//! 4. reports each problem as a [`ReadError`] naming the file.
//!
//! [`Reader::walk`] lists a folder on the same terms, in file-name order.

use std::fs::{File, OpenOptions};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::limits::{self, Limit};

/// Reads files that resolve inside one folder.
#[derive(Debug, Clone)]
pub struct Reader {
    /// Paths in messages are relative to this (the project root).
    root: PathBuf,
    /// Where every file read must resolve (canonical).
    bound: PathBuf,
    /// How the bound is named in messages.
    bound_name: String,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Problem {
    Missing,
    /// It resolves (through a symbolic link) outside the reader's folder.
    Outside {
        target: PathBuf,
        link: bool,
    },
    /// A folder, named pipe, socket or device: what it is.
    NotRegular(&'static str),
    BrokenLink,
    LinkLoop,
    TooLarge {
        len: u64,
        limit: Limit,
    },
    /// Read, but not UTF-8: the text (invalid bytes replaced) and where
    /// the first invalid byte is in it.
    NotUtf8 {
        text: String,
        offset: usize,
    },
    Io(std::io::Error),
}

/// A file that was not read: its path (relative to the project) and why.
#[derive(Debug)]
pub struct ReadError {
    pub path: String,
    pub problem: Problem,
    bound_name: String,
}

impl ReadError {
    pub fn is_missing(&self) -> bool {
        matches!(self.problem, Problem::Missing)
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        match &self.problem {
            Problem::Missing => "check the file's name and folder".into(),
            Problem::Outside { .. } => format!(
                "atlas reads only files inside {}; move the file there, or point the link inside it",
                self.bound_name
            ),
            Problem::NotRegular(_) => {
                "atlas reads regular files only; replace it with a file, or move it away".into()
            }
            Problem::BrokenLink | Problem::LinkLoop => {
                "point the link at an existing file, or remove it".into()
            }
            Problem::TooLarge { limit, .. } => limit.hint.to_string(),
            Problem::NotUtf8 { .. } => "save the file as UTF-8".into(),
            Problem::Io(_) => "check the file's permissions".into(),
        }
    }

    /// The error as a diagnostic about the file (located at the bad byte
    /// for text that is not UTF-8).
    pub fn diagnostic(&self) -> Diagnostic {
        match &self.problem {
            Problem::NotUtf8 { text, offset } => Diagnostic::error("file is not valid UTF-8")
                .at(&self.path, text, *offset..*offset + 1)
                .label("invalid byte here"),
            _ => Diagnostic::error(self.to_string()).in_file(&self.path),
        }
        .hint(self.hint())
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = &self.path;
        match &self.problem {
            Problem::Missing => write!(f, "`{path}` does not exist"),
            Problem::Outside { target, link } => write!(
                f,
                "`{path}` {} `{}`, outside {}",
                if *link {
                    "is a symbolic link to"
                } else {
                    "leads to"
                },
                target.display(),
                self.bound_name
            ),
            Problem::NotRegular(what) => write!(f, "`{path}` is {what}, not a regular file"),
            Problem::BrokenLink => write!(f, "`{path}` is a broken symbolic link"),
            Problem::LinkLoop => {
                write!(f, "`{path}` is a symbolic link that leads back into itself")
            }
            Problem::TooLarge { len, limit } => write!(
                f,
                "`{path}` is {}; {} may be at most {}",
                limits::size(*len),
                limit.what,
                limits::size(limit.bytes)
            ),
            Problem::NotUtf8 { .. } => write!(f, "`{path}` is not valid UTF-8"),
            Problem::Io(e) => write!(f, "cannot read `{path}`: {e}"),
        }
    }
}

impl From<ReadError> for Diagnostic {
    fn from(e: ReadError) -> Diagnostic {
        e.diagnostic()
    }
}

impl Reader {
    /// A reader of the project at `root`.
    pub fn new(root: &Path) -> Reader {
        Reader::within(root, root, "the project")
    }

    /// A reader of the files inside `dir` (named `bound_name` in messages),
    /// naming paths relative to `root`.
    pub fn within(root: &Path, dir: &Path, bound_name: &str) -> Reader {
        Reader {
            root: root.to_path_buf(),
            bound: dir
                .canonicalize()
                .unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.into())),
            bound_name: bound_name.to_string(),
        }
    }

    /// `path` relative to the root, with `/` separators, for messages.
    pub fn rel(&self, path: &Path) -> String {
        display_path(&self.root, path)
    }

    fn error(&self, path: &Path, problem: Problem) -> ReadError {
        ReadError {
            path: self.rel(path),
            problem,
            bound_name: self.bound_name.clone(),
        }
    }

    /// Where `path` leads, if inside the bound: checks every link on the way.
    fn check_inside(&self, path: &Path) -> Result<(), ReadError> {
        let link = std::fs::symlink_metadata(path)
            .map_err(|e| self.io_error(path, e))?
            .is_symlink();
        let target = match path.canonicalize() {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(self.error(path, Problem::BrokenLink));
            }
            Err(e) if is_loop(&e) => {
                return Err(self.error(path, Problem::LinkLoop));
            }
            Err(e) => return Err(self.io_error(path, e)),
        };
        if target.starts_with(&self.bound) {
            Ok(())
        } else {
            Err(self.error(path, Problem::Outside { target, link }))
        }
    }

    fn io_error(&self, path: &Path, e: std::io::Error) -> ReadError {
        let problem = if e.kind() == std::io::ErrorKind::NotFound {
            Problem::Missing
        } else {
            Problem::Io(e)
        };
        self.error(path, problem)
    }

    /// Reads the regular file at `path`, at most `limit`.
    pub fn read(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
        self.check_inside(path)?;
        self.read_checked(path, limit)
    }

    /// Reads the regular file at `path`, at most `limit`, as UTF-8.
    pub fn read_text(&self, path: &Path, limit: Limit) -> Result<String, ReadError> {
        let bytes = self.read(path, limit)?;
        self.decode(path, bytes)
    }

    /// Reads a file [`Reader::walk`] found.
    pub fn read_found(&self, found: &Found, limit: Limit) -> Result<Vec<u8>, ReadError> {
        self.read_checked(found.path(), limit)
    }

    /// Bytes as UTF-8, or where they are not.
    pub fn decode(&self, path: &Path, bytes: Vec<u8>) -> Result<String, ReadError> {
        String::from_utf8(bytes).map_err(|e| {
            let good = e.utf8_error().valid_up_to();
            let offset = String::from_utf8_lossy(&e.as_bytes()[..good]).len();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            self.error(path, Problem::NotUtf8 { text, offset })
        })
    }

    /// Reads a file already known to resolve inside the bound.
    fn read_checked(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
        // Look before opening: opening a named pipe for reading waits for a writer.
        let meta = std::fs::metadata(path).map_err(|e| self.io_error(path, e))?;
        if let Some(what) = not_regular(&meta) {
            return Err(self.error(path, Problem::NotRegular(what)));
        }
        let file = open_nonblocking(path).map_err(|e| self.io_error(path, e))?;
        // Look again at what was opened: the path may have changed since.
        let meta = file.metadata().map_err(|e| self.io_error(path, e))?;
        if let Some(what) = not_regular(&meta) {
            return Err(self.error(path, Problem::NotRegular(what)));
        }
        let too_large = |len| self.error(path, Problem::TooLarge { len, limit });
        if meta.len() > limit.bytes {
            return Err(too_large(meta.len()));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(limit.bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.io_error(path, e))?;
        // It grew while being read.
        if bytes.len() as u64 > limit.bytes {
            return Err(too_large(bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// The folders and regular files under `dir` (not `dir` itself), in
    /// file-name order, following symbolic links that resolve inside the
    /// bound. A link leading outside, a loop, a broken link, a named pipe,
    /// socket or device is an error item (and a folder's contents are
    /// skipped). A missing `dir` has no items.
    pub fn walk(&self, dir: &Path) -> Walk<'_> {
        let state = match std::fs::symlink_metadata(dir) {
            Err(_) => State::Done,
            Ok(_) => match self.check_inside(dir) {
                Ok(()) => State::Walking,
                Err(e) => State::Refused(e.into()),
            },
        };
        Walk {
            reader: self,
            inner: walkdir::WalkDir::new(dir)
                .min_depth(1)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter(),
            state,
            skip_hidden: false,
        }
    }
}

/// An entry [`Reader::walk`] found: a folder or a regular file, inside the bound.
#[derive(Debug)]
pub struct Found {
    entry: walkdir::DirEntry,
}

impl Found {
    pub fn path(&self) -> &Path {
        self.entry.path()
    }

    pub fn into_path(self) -> PathBuf {
        self.entry.into_path()
    }

    pub fn file_name(&self) -> &std::ffi::OsStr {
        self.entry.file_name()
    }

    /// How deep below the walked folder: 1 for its own entries.
    pub fn depth(&self) -> usize {
        self.entry.depth()
    }

    pub fn is_dir(&self) -> bool {
        self.entry.file_type().is_dir()
    }
}

/// The walk of a folder: see [`Reader::walk`].
pub struct Walk<'a> {
    reader: &'a Reader,
    inner: walkdir::IntoIter,
    state: State,
    skip_hidden: bool,
}

enum State {
    Walking,
    /// The walked folder itself leads outside: this is the only item.
    Refused(Diagnostic),
    Done,
}

impl Walk<'_> {
    /// Leaves out files and folders whose names start with `.`.
    pub fn skip_hidden(mut self) -> Self {
        self.skip_hidden = true;
        self
    }

    fn check(&mut self, entry: walkdir::DirEntry) -> Option<Result<Found, Diagnostic>> {
        let reader = self.reader;
        if self.skip_hidden && entry.file_name().to_string_lossy().starts_with('.') {
            if entry.file_type().is_dir() {
                self.inner.skip_current_dir();
                return None;
            }
            // A hidden Markdown file looks like content: say it is not read.
            let name = entry.file_name().to_string_lossy();
            if name.ends_with(".md") && !name.starts_with(".#") {
                let rel = display_path(&reader.root, entry.path());
                return Some(Err(Diagnostic::warning(format!(
                    "`{rel}` is hidden (its name starts with `.`) and is ignored"
                ))
                .in_file(&rel)
                .hint("rename it without the leading `.` to publish it")));
            }
            return None;
        }
        if entry.path_is_symlink()
            && let Err(e) = reader.check_inside(entry.path())
        {
            if entry.file_type().is_dir() {
                self.inner.skip_current_dir();
            }
            return Some(Err(e.into()));
        }
        let file_type = entry.file_type();
        if !file_type.is_dir() && !file_type.is_file() {
            let what = type_name(file_type);
            return Some(Err(reader
                .error(entry.path(), Problem::NotRegular(what))
                .into()));
        }
        Some(Ok(Found { entry }))
    }

    fn walk_error(&self, e: walkdir::Error) -> Diagnostic {
        let reader = self.reader;
        let path = e.path().unwrap_or(Path::new("")).to_path_buf();
        let problem = if e.loop_ancestor().is_some() {
            Problem::LinkLoop
        } else if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink())
            && std::fs::metadata(&path).is_err()
        {
            Problem::BrokenLink
        } else {
            match e.into_io_error() {
                Some(io) => Problem::Io(io),
                None => Problem::Missing,
            }
        };
        reader.error(&path, problem).into()
    }
}

impl Iterator for Walk<'_> {
    type Item = Result<Found, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Done => None,
            State::Refused(d) => Some(Err(d)),
            State::Walking => loop {
                let entry = match self.inner.next()? {
                    Ok(entry) => entry,
                    Err(e) => {
                        self.state = State::Walking;
                        return Some(Err(self.walk_error(e)));
                    }
                };
                if let Some(item) = self.check(entry) {
                    self.state = State::Walking;
                    return Some(item);
                }
            },
        }
    }
}

fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32);
    }
    options.open(path)
}

fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    return e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error());
    #[cfg(not(unix))]
    return false;
}

fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    (!meta.is_file()).then(|| type_name(meta.file_type()))
}

/// What a file that is not a regular file is, for messages.
fn type_name(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a file"
    }
}

/// Names Windows cannot give a file or folder, whatever follows a dot
/// (`con`, `con.html`, `aux.tar.gz`) and in any case: a site with one
/// cannot be checked out or served there.
pub fn is_windows_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.trim_end_matches([' ', '.']).to_ascii_lowercase();
    match stem.as_str() {
        "con" | "prn" | "aux" | "nul" | "conin$" | "conout$" => true,
        s => {
            let (head, tail) = s.split_at(s.len().min(3));
            matches!(head, "com" | "lpt")
                && matches!(
                    tail,
                    "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9"
                )
                || matches!(s, "com¹" | "com²" | "com³" | "lpt¹" | "lpt²" | "lpt³")
        }
    }
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
    fn windows_reserved_names() {
        for name in [
            "con",
            "CON",
            "prn",
            "aux",
            "nul",
            "com1",
            "com9",
            "lpt1",
            "lpt9",
            "com0",
            "nul.md",
            "con.tar.gz",
            "Aux.html",
            "com¹",
        ] {
            assert!(is_windows_reserved(name), "{name}");
        }
        for name in [
            "cons",
            "console",
            "com10",
            "lpt",
            "com",
            "icon",
            "nul-1",
            "auxiliary",
        ] {
            assert!(!is_windows_reserved(name), "{name}");
        }
    }
}
