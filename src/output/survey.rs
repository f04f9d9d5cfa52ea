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
    let manifest = match Manifest::of(out) {
        Some(manifest) => manifest,
        None => {
            // A folder atlas did not make may hold only what `output_keep` keeps.
            let entries = std::fs::read_dir(out).map_err(|e| io_error(out, e))?;
            let mut others: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !keep.contains(name) && !is_atlas_name(name))
                .collect();
            if !others.is_empty() {
                others.sort();
                return Err(refuse(format!(
                    "it exists and atlas did not create it (it holds {})",
                    list(&others)
                )));
            }
            Manifest::Listed(FxHashSet::default())
        }
    };
    let (mut kept, mut unknown) = look_through(out, &manifest, keep, depth)?;
    if !unknown.is_empty() && depth == Depth::Top {
        // Failing anyway: name everything.
        (kept, unknown) = look_through(out, &manifest, keep, Depth::All)?;
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

/// The kept entries of the output (which it does not look into), and the
/// files and folders (`name/`) that are neither atlas's nor kept.
fn look_through(
    out: &Path,
    manifest: &Manifest,
    keep: &[String],
    depth: Depth,
) -> Result<(Vec<String>, Vec<String>), Diagnostic> {
    let folders = manifest.folders();
    let (mut kept, mut unknown) = (Vec::new(), Vec::new());
    let mut stack = vec![String::new()];
    while let Some(folder) = stack.pop() {
        let dir = out.join(&folder);
        let entries = std::fs::read_dir(&dir).map_err(|e| io_error(&dir, e))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if folder.is_empty() && is_atlas_name(&name) {
                continue;
            }
            let path = if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            };
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
    Ok((kept, unknown))
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
