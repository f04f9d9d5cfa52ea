//! Watching the project: `content/`, `themes/`, `geodata/` (recursively) and
//! `atlas.toml`, with debouncing; reads, editors' temporary files and hidden
//! files do not start a rebuild. A watched folder that is deleted, renamed or
//! created while serving is watched again.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::load::is_editor_temp;

/// The folders a rebuild reads.
pub const WATCHED_FOLDERS: [&str; 3] = ["content", "themes", "geodata"];

/// The longest a burst of changes may delay a rebuild.
const MAX_DELAY: Duration = Duration::from_secs(1);

/// A debounced watch on a project.
pub struct Watch {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    debounce: Duration,
}

/// What one wait for changes found.
pub enum Changes {
    /// Files that a build reads changed (paths relative to the root).
    Relevant(Vec<PathBuf>),
    /// Only irrelevant files changed, or nothing within the timeout.
    None,
    /// The watcher is gone.
    Closed,
}

impl Watch {
    pub fn start(root: &Path, debounce: Duration) -> Result<Watch, String> {
        let (tx, events) = channel();
        let watcher =
            notify::recommended_watcher(tx).map_err(|e| format!("cannot watch files: {e}"))?;
        // Events name absolute paths; compare them with an absolute root.
        let root = normalized(&std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()));
        let mut watch = Watch {
            root: root.clone(),
            watcher,
            events,
            debounce,
        };
        watch
            .watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
        for folder in WATCHED_FOLDERS {
            watch.rewatch(folder);
        }
        Ok(watch)
    }

    /// (Re)watches a folder of the root if it exists. Deleting or renaming a
    /// folder ends its watch; watching it anew picks up its new state.
    fn rewatch(&mut self, folder: &str) {
        let path = self.root.join(folder);
        let _ = self.watcher.unwatch(&path);
        if path.is_dir() {
            // A folder that vanishes between the check and the call is
            // watched again at its next event.
            let _ = self.watcher.watch(&path, RecursiveMode::Recursive);
        }
    }

    /// Waits up to `timeout` for a change that can affect the site, then
    /// for the files to be quiet for the debounce time (editors save in
    /// several steps), and returns what changed.
    pub fn wait(&mut self, timeout: Duration) -> Changes {
        let mut paths = Vec::new();
        let mut deadline = Instant::now() + timeout;
        let mut first_at: Option<Instant> = None;
        loop {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            match self.events.recv_timeout(deadline - now) {
                Ok(Ok(event)) => {
                    // Reads (ours included: a build opens every file) are not changes.
                    if matches!(event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    let mut changed: Vec<PathBuf> =
                        event.paths.iter().map(|p| normalized(p)).collect();
                    // Events were lost: anything may have changed.
                    if event.need_rescan() {
                        changed.extend(WATCHED_FOLDERS.iter().map(|f| self.root.join(f)));
                    }
                    for p in &changed {
                        self.rewatch_if_folder(p);
                    }
                    let relevant: Vec<PathBuf> = changed
                        .into_iter()
                        .filter(|p| is_relevant(&self.root, p))
                        .collect();
                    if relevant.is_empty() {
                        continue;
                    }
                    paths.extend(relevant);
                    let first = *first_at.get_or_insert(now);
                    deadline = (now + self.debounce).min(first + MAX_DELAY);
                }
                // Errors (e.g. a watch on a vanished folder) are not changes.
                Ok(Err(_)) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Changes::Closed,
            }
        }
        if paths.is_empty() {
            return Changes::None;
        }
        let mut rel: Vec<PathBuf> = paths
            .iter()
            .filter_map(|p| p.strip_prefix(&self.root).ok().map(Path::to_path_buf))
            .collect();
        rel.sort();
        rel.dedup();
        Changes::Relevant(rel)
    }

    fn rewatch_if_folder(&mut self, path: &Path) {
        if let Some(folder) = WATCHED_FOLDERS.iter().find(|f| path == self.root.join(f)) {
            self.rewatch(folder);
        }
    }
}

/// `path` without `.` components (`/p/./content` -> `/p/content`).
fn normalized(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Whether a change at `path` can change the site: `atlas.toml`, or a file
/// in a watched folder that is not hidden nor an editor's temporary file.
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let path = normalized(path);
    let Ok(rel) = path.strip_prefix(normalized(root)) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return false;
    };
    if first == CONFIG_FILE {
        return rel.components().count() == 1;
    }
    if !WATCHED_FOLDERS.contains(&first.as_ref()) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(is_editor_temp(&name) || name.starts_with('.') || is_numbered_probe(&name))
}

/// Vim checks that a folder is writable by creating a file named `4913`
/// (and upwards) beside the one it saves.
fn is_numbered_probe(name: &str) -> bool {
    !name.is_empty() && name.len() <= 5 && name.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevance() {
        let root = Path::new("/p");
        assert!(is_relevant(root, Path::new("/p/atlas.toml")));
        assert!(is_relevant(root, Path::new("/p/content/parks/a.md")));
        assert!(is_relevant(root, Path::new("/p/content")));
        assert!(is_relevant(
            root,
            Path::new("/p/themes/x/templates/base.html")
        ));
        assert!(is_relevant(root, Path::new("/p/geodata/sites/a.geojson")));
        assert!(!is_relevant(root, Path::new("/p/site/index.html")));
        assert!(!is_relevant(root, Path::new("/p/content/parks/.a.md.swp")));
        assert!(!is_relevant(root, Path::new("/p/content/parks/a.md~")));
        assert!(!is_relevant(root, Path::new("/p/content/parks/4913")));
        assert!(!is_relevant(root, Path::new("/p/target/x")));
        assert!(!is_relevant(root, Path::new("/q/content/a.md")));
        assert!(is_relevant(
            Path::new("/p/."),
            Path::new("/p/./content/a.md")
        ));
    }
}
