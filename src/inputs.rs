//! The inputs of a run: the files it reads, each with its digest, reused
//! from the previous run when they cannot have changed.
//!
//! This is the one place that decides whether a file changed; everything
//! after it works on digests. A file's text is reused when:
//!
//! - the inputs are *watched* (`atlas serve` starts a file watcher before
//!   its first run and reports every change with [`Inputs::changed`]) and no
//!   change was reported under its path; unreported files are not even
//!   looked at, and the content folder is not walked again unless something
//!   under it changed;
//! - otherwise, its length and modification time are what they were and
//!   the time is safely older than the run that read it, so a write within
//!   a file system's timestamp granularity cannot hide.
//!
//! [`Inputs::fresh`], which a build uses, keeps nothing.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashMap;

use crate::diag::Diagnostics;
use crate::fsio::{ReadError, Reader};
use crate::limits::Limit;
use crate::load::{SourceFile, Stamp, stamp_of};
use crate::memo::Digested;

/// How much older than the run that read it a file's modification time must
/// be for its text to be reused on the strength of its stamp alone: more than
/// any file system's timestamp granularity (FAT's is two seconds).
const STAMP_MARGIN: Duration = Duration::from_secs(3);

/// The files of a project as the last run read them.
#[derive(Default)]
pub struct Inputs {
    keep: bool,
    /// Every change is reported.
    watched: bool,
    /// Paths reported changed since the last run (relative to the root).
    changed: Vec<String>,
    /// When the last run started.
    last_run: Option<SystemTime>,
    /// When this run started.
    this_run: Option<SystemTime>,
    files: FxHashMap<String, (Stamp, Digested<str>)>,
    /// The content files and the problems found walking them, while
    /// nothing under `content/` is reported changed.
    content: Option<(Vec<SourceFile>, Diagnostics)>,
    /// How many files the last run read, and how many it reused.
    pub read: usize,
    pub reused: usize,
}

impl Inputs {
    /// Inputs that keep nothing: every run reads every file.
    pub fn fresh() -> Inputs {
        Inputs::default()
    }

    /// Inputs that keep what they read for the next run.
    pub fn persistent() -> Inputs {
        Inputs {
            keep: true,
            ..Inputs::default()
        }
    }

    /// Says that from now on every change under the project is reported
    /// with [`Inputs::changed`], by a watcher started before the run that
    /// first read the files.
    pub fn watched(&mut self) {
        self.watched = self.keep;
    }

    /// Reports that files or folders changed (paths relative to the root).
    pub fn changed<S: Into<String>>(&mut self, paths: impl IntoIterator<Item = S>) {
        if self.keep {
            self.changed.extend(paths.into_iter().map(Into::into));
            self.changed.sort();
            self.changed.dedup();
        }
    }

    /// Starts a run.
    pub fn begin(&mut self) {
        self.this_run = Some(SystemTime::now());
        self.read = 0;
        self.reused = 0;
    }

    /// Ends a run: reported changes are accounted for.
    pub fn end(&mut self) {
        self.last_run = self.this_run;
        self.changed.clear();
    }

    /// Whether a change was reported at `rel` or a folder it is in (or,
    /// for a folder, anything under it).
    fn reported(&self, rel: &str) -> bool {
        self.changed.iter().any(|c| {
            let under = |a: &str, b: &str| {
                a.strip_prefix(b)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            };
            under(rel, c) || under(c, rel)
        })
    }

    /// The kept text of `rel`, if it cannot have changed.
    fn kept(&self, rel: &str, path: &Path) -> Option<(Stamp, Digested<str>)> {
        let (old, text) = self.files.get(rel)?;
        if self.reported(rel) {
            return None;
        }
        if self.watched {
            return Some((*old, text.clone()));
        }
        let stamp = stamp_of(path);
        let settled = match (stamp.1, self.last_run) {
            (Some(modified), Some(at)) => modified + STAMP_MARGIN < at,
            _ => false,
        };
        (*old == stamp && settled).then(|| (stamp, text.clone()))
    }

    /// The content files, read in parallel, reusing unchanged texts.
    pub fn content(&mut self, root: &Path, diags: &mut Diagnostics) -> Vec<SourceFile> {
        if self.watched
            && !self.reported("content")
            && let Some((files, found)) = &self.content
        {
            diags.extend(found.iter().cloned());
            self.reused += files.len();
            return files.clone();
        }
        if let Some(files) = self.edited_only(root) {
            if let Some((_, found)) = &self.content {
                diags.extend(found.iter().cloned());
            }
            return files;
        }
        let reused = std::sync::atomic::AtomicUsize::new(0);
        let reuse = |rel: &str, path: &Path| {
            let (stamp, text) = self.kept(rel, path)?;
            reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Some((text, stamp))
        };
        let mut found = Diagnostics::default();
        let files = crate::load::load_content_with(root, &mut found, &reuse);
        let reused = reused.into_inner();
        self.reused += reused;
        self.read += files.len() - reused;
        diags.extend(found.iter().cloned());
        if self.keep {
            for f in &files {
                self.files.insert(f.path.clone(), (f.stamp, f.text.clone()));
            }
            self.content = Some((files.clone(), found));
        }
        files
    }

    /// While watched, when every change reported under `content/` is an
    /// edit of a file the last walk found, and each still reads (a regular
    /// file inside the project, within its limit, UTF-8): the last walk's
    /// files with those texts read again, without walking the folder. What
    /// the walk reported stays true: no file came, went or was renamed.
    /// Anything else (`None`) walks again.
    fn edited_only(&mut self, root: &Path) -> Option<Vec<SourceFile>> {
        if !self.watched {
            return None;
        }
        let (files, found) = self.content.as_ref()?;
        let under_content = |c: &String| c.starts_with("content/");
        if self.changed.iter().any(|c| c == "content") {
            return None;
        }
        let edited: Vec<&String> = self.changed.iter().filter(|c| under_content(c)).collect();
        let mut files = files.clone();
        let found = found.clone();
        let reader = Reader::new(root);
        let mut texts = Vec::with_capacity(edited.len());
        for rel in edited {
            let f = files.iter_mut().find(|f| &f.path == rel)?;
            let path = root.join(rel);
            let stamp = stamp_of(&path);
            let text = reader.read_text(&path, crate::limits::ENTRY).ok()?;
            f.text = Digested::text(Arc::from(text));
            f.stamp = stamp;
            texts.push((f.path.clone(), (f.stamp, f.text.clone())));
        }
        self.read += texts.len();
        self.reused += files.len() - texts.len();
        self.files.extend(texts);
        self.content = Some((files.clone(), found));
        Some(files)
    }

    /// The text of the file at `path` (shown as `rel`), read with `reader`
    /// within `limit` unless it is kept.
    pub fn read(
        &mut self,
        reader: &Reader,
        path: &Path,
        rel: &str,
        limit: Limit,
    ) -> Result<Digested<str>, ReadError> {
        if let Some((_, text)) = self.kept(rel, path) {
            self.reused += 1;
            return Ok(text);
        }
        let stamp = stamp_of(path);
        let text = reader.read_text(path, limit)?;
        let text = Digested::text(Arc::from(text));
        self.read += 1;
        if self.keep {
            self.files.insert(rel.to_string(), (stamp, text.clone()));
        }
        Ok(text)
    }

    /// Forgets kept texts of files no longer read (call rarely: it is a
    /// pass over all kept files).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.files.retain(|path, _| keep(path));
    }
}
