//! A folder's whole content as a value, to compare before and after.

use std::collections::BTreeMap;
use std::path::Path;

/// One entry of a folder, as compared: never read through a link or a pipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir,
    File(Vec<u8>),
    Link(std::path::PathBuf),
    Other,
}

/// Every entry under `dir` by its `/`-separated path, but those `skip` names.
pub fn tree(dir: &Path, skip: &dyn Fn(&str) -> bool) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    walk(dir, "", skip, &mut out);
    out
}

fn walk(dir: &Path, prefix: &str, skip: &dyn Fn(&str) -> bool, out: &mut BTreeMap<String, Node>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if skip(&path) {
            continue;
        }
        let t = e.file_type().unwrap();
        let node = if t.is_dir() {
            walk(&e.path(), &path, skip, out);
            Node::Dir
        } else if t.is_symlink() {
            Node::Link(std::fs::read_link(e.path()).unwrap())
        } else if t.is_file() {
            Node::File(std::fs::read(e.path()).unwrap())
        } else {
            Node::Other
        };
        out.insert(path, node);
    }
}

/// Every entry under `dir` (see [`tree`]).
pub fn all(dir: &Path) -> BTreeMap<String, Node> {
    tree(dir, &|_| false)
}

/// The names in `dir` that atlas uses for its own folders and lock.
pub fn atlas_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("atlas-new") || n.contains("atlas-old"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Waits until the background removal of old outputs beside and inside
/// `out` is done: no `atlas-old` folder left (it has a deadline).
pub fn wait_for_trash_removal(out: &Path) {
    let parent = out.parent().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while atlas_names(parent)
        .iter()
        .chain(&atlas_names(out))
        .any(|n| n.contains("atlas-old"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "old outputs were not removed: {:?} {:?}",
            atlas_names(parent),
            atlas_names(out)
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
