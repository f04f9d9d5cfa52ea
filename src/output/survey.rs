//! A look through an existing output: what it holds that atlas did not
//! write, kept or not.

use std::path::Path;

use rustc_hash::FxHashSet;

use super::io_error;
use super::manifest::{Manifest, is_atlas_name, under};
use crate::diag::Diagnostic;

/// A survey of the old output, running or done.
#[derive(Debug)]
pub(super) enum Pending {
    Running(std::thread::JoinHandle<Result<Survey, Diagnostic>>),
    Done(Result<Survey, Diagnostic>),
}

impl Pending {
    pub(super) fn wait(self) -> Result<Survey, Diagnostic> {
        match self {
            Pending::Done(done) => done,
            Pending::Running(running) => running.join().unwrap_or_else(|_| {
                Err(Diagnostic::error("the look through the old output failed"))
            }),
        }
    }
}

/// How far [`survey`] looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Depth {
    /// The output's own entries.
    Top,
    /// Everything in it.
    All,
}

/// What the existing output holds.
#[derive(Debug)]
pub(super) struct Survey {
    pub(super) exists: bool,
    /// The kept entries atlas did not write.
    pub(super) kept: Vec<String>,
}

/// Looks through the existing output: every file must be one atlas wrote
/// (per the marker) or be kept by `output_keep`. Anything else is an error
/// naming it: atlas never deletes what it did not write.
pub(super) fn survey(
    out: &Path,
    shown: &str,
    keep: &[String],
    depth: Depth,
) -> Result<Survey, Diagnostic> {
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
            if !keep.contains(&name) && !is_atlas_name(&name) {
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
                if !(holds_ours || leads_to_keep) {
                    unknown.push(format!("{path}/"));
                } else if depth == Depth::All {
                    stack.push(path);
                }
            } else if !manifest.wrote(&path, keep) {
                unknown.push(path);
            }
        }
    }
    if !unknown.is_empty() && depth == Depth::Top {
        // Failing anyway: name everything.
        return survey(out, shown, keep, Depth::All);
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
