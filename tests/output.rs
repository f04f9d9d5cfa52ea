//! The output folder: streaming writes, user files kept and never deleted,
//! leftovers of killed builds cleaned, mount points, concurrent builds,
//! and builds killed at any point.

mod common;
#[path = "../benches/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use atlas::body::Body;
use atlas::output::{MARKER, Staging, Swap, Trash};
use common::tree::{Node, all, atlas_names, tree, wait_for_trash_removal};
use common::{Site, park};

fn keep() -> Vec<String> {
    atlas::config::default_keep()
}

/// The project folder's entries but the output and the lock beside it.
fn outside(site: &Site) -> BTreeMap<String, Node> {
    tree(site.root(), &|p| p == "site" || p.starts_with("site/"))
}

/// The output's files but the user's.
fn atlas_files(out: &Path) -> BTreeMap<String, Node> {
    tree(out, &|p| {
        p == ".git" || p.starts_with(".git/") || p == "CNAME"
    })
}

fn body(text: &str) -> Body {
    Body::from(text.to_string())
}

fn staged(out: &Path, files: &[(&str, &str)]) -> Trash {
    let root = out.parent().unwrap();
    let staging = Staging::begin(root, out, &keep()).unwrap();
    for (path, text) in files {
        staging.write(path, &body(text)).unwrap();
    }
    staging.commit().unwrap()
}

#[test]
fn a_body_in_pieces_is_written_as_its_pieces_one_after_another() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let staging = Staging::begin(dir.path(), &out, &keep()).unwrap();
    let pieces: Vec<bytes::Bytes> = (0..10_000).map(|i| format!("{i},").into()).collect();
    let expected: String = (0..10_000).map(|i| format!("{i},")).collect();
    staging.write("data/big.csv", &Body::from(pieces)).unwrap();
    staging
        .write("data/empty.csv", &Body::from(Vec::<bytes::Bytes>::new()))
        .unwrap();
    staging.commit().unwrap().remove();
    assert_eq!(
        std::fs::read_to_string(out.join("data/big.csv")).unwrap(),
        expected
    );
    assert_eq!(std::fs::read(out.join("data/empty.csv")).unwrap(), b"");
}

#[test]
fn streaming_writes_from_many_threads_and_commits() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let staging = Staging::begin(dir.path(), &out, &keep()).unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let staging = &staging;
            s.spawn(move || {
                for i in 0..50 {
                    let path = format!("t{t}/p{i}/index.html");
                    staging.write(&path, &body(&path)).unwrap();
                }
            });
        }
    });
    // Nothing is in place before the commit.
    assert!(!out.exists());
    let trash = staging.commit().unwrap();
    assert!(trash.path().is_none());
    assert_eq!(
        std::fs::read_to_string(out.join("t3/p7/index.html")).unwrap(),
        "t3/p7/index.html"
    );
    let manifest = atlas::output::manifest_of(&out).unwrap();
    assert_eq!(manifest.len(), 400);
    assert!(manifest.contains("t7/p49/index.html"));

    // A second output replaces the first; the old one comes back as trash.
    let trash = staged(&out, &[("index.html", "new")]);
    let old = trash.path().unwrap().to_path_buf();
    assert!(old.join("t3/p7/index.html").is_file());
    assert_eq!(all(&out).len(), 2, "{:?}", all(&out).keys());
    trash.remove();
    assert!(!old.exists());
    assert_eq!(atlas_names(dir.path()), Vec::<String>::new());
}

#[test]
fn writes_outside_the_site_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let staging = Staging::begin(dir.path(), &out, &keep()).unwrap();
    for bad in [
        "../escape.html",
        "a/../../escape.html",
        "/etc/passwd",
        "a\\b.html",
        "a\0b",
        "",
        "con/index.html",
        MARKER,
    ] {
        let e = staging.write(bad, &body("x")).unwrap_err();
        assert!(e.message.starts_with("cannot write `"), "{bad:?}: {e}");
    }
    let e = staging.write("CNAME", &body("x")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: the site has a file `CNAME`, but `output_keep` keeps `CNAME` for files atlas does not write\n  = hint: remove it from `output_keep` in atlas.toml, or rename the file in the theme\n"
    );
    staging.write("a.html", &body("1")).unwrap();
    let e = staging.write("a.html", &body("2")).unwrap_err();
    assert_eq!(e.message, "two files of the site are both `a.html`");
    // Dropped without a commit: nothing is left, nothing escaped.
    drop(staging);
    assert_eq!(
        all(dir.path()).keys().collect::<Vec<_>>(),
        [".site.atlas-lock"]
    );
}

#[test]
fn a_github_pages_checkout_keeps_its_git_folder_and_cname() {
    let s = Site::new(&[("content/parks/p.md", &park("", "Text.\n"))]);
    // A fresh clone: only what output_keep keeps, no marker yet.
    s.write("site/.git/HEAD", "ref: refs/heads/gh-pages\n");
    s.write("site/.git/objects/ab/cdef", "object");
    s.write("site/CNAME", "atlas.example.org\n");
    s.write("site/.well-known/security.txt", "Contact: x\n");
    let user = |s: &Site| {
        tree(&s.out(), &|p| {
            !(p.starts_with(".git") || p == "CNAME" || p.starts_with(".well-known"))
        })
    };
    let before = user(&s);
    s.build_ok();
    assert!(s.out().join("parks/p/index.html").is_file());
    assert_eq!(user(&s), before);
    s.write("content/parks/p.md", &park("", "Changed.\n"));
    s.build_ok();
    s.build_ok();
    assert!(s.read("parks/p/index.html").contains("Changed."));
    assert_eq!(user(&s), before);
    assert_eq!(atlas_names(s.root()), Vec::<String>::new());
    assert!(
        !atlas::output::manifest_of(&s.out())
            .unwrap()
            .contains("CNAME")
    );
}

#[test]
fn a_file_atlas_did_not_write_stops_the_build_and_stays() {
    let s = Site::new(&[("content/parks/p.md", &park("", "Text.\n"))]);
    s.build_ok();
    s.write("site/notes.txt", "mine");
    s.write("site/parks/p/draft.md", "mine too");
    s.write("site/drafts/a.md", "and this");
    s.write("content/parks/q.md", &park("", "New.\n"));
    let (before, around) = (all(&s.out()), outside(&s));
    let r = s.build();
    assert_eq!(
        r.diagnostics.render(),
        format!(
            "error: the output folder `{}` holds files that atlas did not write: `drafts/`, `notes.txt`, `parks/p/draft.md`\n  = hint: atlas never deletes what it did not write: add it to `output_keep` in atlas.toml to carry it over into every build, or move it away\n\n",
            s.out().display()
        )
    );
    assert_eq!(all(&s.out()), before);
    assert_eq!(outside(&s), around);

    // Kept, they are carried over.
    s.write(
        "atlas.toml",
        &format!(
            "{}output_keep = [\"notes.txt\", \"drafts\", \"parks/p/draft.md\"]\n",
            common::CONFIG
        ),
    );
    s.build_ok();
    assert_eq!(
        std::fs::read_to_string(s.out().join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(s.out().join("drafts/a.md")).unwrap(),
        "and this"
    );
    assert_eq!(
        std::fs::read_to_string(s.out().join("parks/p/draft.md")).unwrap(),
        "mine too"
    );
    assert!(s.out().join("parks/q/index.html").is_file());
}

#[test]
fn a_folder_atlas_did_not_make_is_refused_untouched() {
    let s = Site::new(&[("content/parks/p.md", &park("", ""))]);
    s.write("site/precious.txt", "keep me");
    s.write("site/CNAME", "x");
    let before = all(s.root());
    let r = s.build();
    assert_eq!(
        r.diagnostics.render(),
        format!(
            "error: refusing to write the site to `{}`: it exists and atlas did not create it (it holds `precious.txt`)\n  = hint: choose a new folder or one atlas created, e.g. `--output site`\n\n",
            s.out().display()
        )
    );
    assert_eq!(all(s.root()), before);
}

#[test]
fn an_output_of_an_older_atlas_is_replaced_keeping_user_files() {
    let s = Site::new(&[("content/parks/p.md", &park("", ""))]);
    s.write(
        "site/.atlas-output",
        "This folder was written by atlas and is replaced by each build.\n",
    );
    s.write("site/parks/old/index.html", "old page");
    s.write("site/CNAME", "x");
    s.build_ok();
    assert!(!s.out().join("parks/old").exists());
    assert_eq!(std::fs::read_to_string(s.out().join("CNAME")).unwrap(), "x");
    assert_eq!(atlas_names(s.root()), Vec::<String>::new());
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_nothing_else() {
    let s = Site::new(&[("content/parks/p.md", &park("", ""))]);
    s.build_ok();
    let marker_in_progress = "# This folder was written by atlas and is replaced by each build.\n# A build in progress: everything here is atlas's.\n";
    // A staging folder of a killed build (an old version's name, too).
    s.write(".site.atlas-new-999/.atlas-output", marker_in_progress);
    s.write(".site.atlas-new-999/parks/x/index.html", "x");
    s.write(".site.atlas-new-31337-2/.atlas-output", marker_in_progress);
    // An old output whose removal was killed, holding a kept file that had
    // not been carried over yet.
    s.write(
        ".site.atlas-old-123-0/.atlas-output",
        "# This folder was written by atlas and is replaced by each build.\n# atlas wrote the files listed below and deletes only these; anything else here is yours.\nindex.html\n",
    );
    s.write(".site.atlas-old-123-0/index.html", "old");
    s.write(".site.atlas-old-123-0/CNAME", "mine");
    // Inside the output, from a swap of a mount point's contents.
    s.write("site/.atlas-new-77-0/.atlas-output", marker_in_progress);
    s.write("site/.atlas-new-77-0/a.html", "a");
    // Not atlas's: no marker.
    s.write(".site.atlas-new-555/precious.txt", "not atlas's");
    s.build_ok();
    assert_eq!(atlas_names(s.root()), [".site.atlas-new-555"]);
    assert_eq!(atlas_names(&s.out()), Vec::<String>::new());
    assert_eq!(
        std::fs::read_to_string(s.root().join(".site.atlas-new-555/precious.txt")).unwrap(),
        "not atlas's"
    );
    assert_eq!(
        std::fs::read_to_string(s.out().join("CNAME")).unwrap(),
        "mine"
    );
}

#[test]
fn a_build_killed_between_renames_gets_its_previous_output_back() {
    let s = Site::new(&[("content/parks/p.md", &park("", "First.\n"))]);
    s.build_ok();
    s.write("site/CNAME", "mine");
    s.build_ok();
    let before = all(&s.out());
    // As if killed after the output was renamed away, before the new one came in.
    std::fs::rename(s.out(), s.root().join(".site.atlas-old-4242-0")).unwrap();
    s.write("content/parks/p.md", "---\ntitle: [broken\n---\n");
    assert!(s.build().diagnostics.has_errors());
    assert_eq!(atlas::output::check_output_path(s.root(), &s.out()), Ok(()));
    // The failed build did not write; the next one puts the previous output back first.
    let staging = Staging::begin(s.root(), &s.out(), &keep()).unwrap();
    assert_eq!(all(&s.out()), before);
    drop(staging);
    assert_eq!(atlas_names(s.root()), Vec::<String>::new());
}

#[test]
fn the_contents_of_an_output_are_swapped_when_it_cannot_be_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    staged(&out, &[("index.html", "1"), ("parks/a/index.html", "a")]).remove();
    std::fs::write(out.join("CNAME"), "mine").unwrap();
    std::fs::create_dir_all(out.join(".git/objects")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
    let staging = Staging::begin_with(dir.path(), &out, &keep(), Swap::Contents).unwrap();
    staging.write("index.html", &body("2")).unwrap();
    staging.write("labs/b/index.html", &body("b")).unwrap();
    // The new tree is put together inside the output.
    assert_eq!(atlas_names(&out).len(), 1);
    let trash = staging.commit().unwrap();
    assert!(trash.path().unwrap().starts_with(&out));
    trash.remove();
    assert_eq!(
        all(&out).into_keys().collect::<Vec<_>>(),
        [
            ".atlas-output",
            ".git",
            ".git/HEAD",
            ".git/objects",
            "CNAME",
            "index.html",
            "labs",
            "labs/b",
            "labs/b/index.html"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "2"
    );
    assert_eq!(atlas_names(dir.path()), Vec::<String>::new());
}

/// Unmounts the tmpfs when the test ends, passed or not.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn an_output_that_is_a_mount_point_is_swapped_inside() {
    let s = Site::new(&[("content/parks/p.md", &park("", "First.\n"))]);
    std::fs::create_dir(s.out()).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "tmpfs"])
        .arg(s.out())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if !mounted {
        eprintln!("skipped: mounting a tmpfs is not permitted here");
        return;
    }
    let _guard = Mounted(s.out());
    s.write("site/CNAME", "mine");
    s.build_ok();
    s.write("content/parks/p.md", &park("", "Second.\n"));
    s.build_ok();
    assert!(s.read("parks/p/index.html").contains("Second."));
    assert_eq!(s.read("CNAME"), "mine");
    assert_eq!(atlas_names(s.root()), Vec::<String>::new());
    assert_eq!(atlas_names(&s.out()), Vec::<String>::new());
    // The binary too, whose old output is removed in the background.
    let out = atlas_bin(s.root(), &["build"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for_trash_removal(&s.out());
    assert!(s.read("parks/p/index.html").contains("Second."));
}

#[test]
fn a_volume_in_a_read_only_folder_is_locked_and_swapped_inside() {
    let s = Site::new(&[("content/parks/p.md", &park("", "First.\n"))]);
    let place = tempfile::tempdir().unwrap();
    let parent = place.path().join("ro");
    let out = parent.join("site");
    std::fs::create_dir(&parent).unwrap();
    let mount = |args: &[&str], at: &Path| {
        Command::new("mount")
            .args(args)
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|st| st.success())
    };
    if !mount(&["-t", "tmpfs", "tmpfs"], &parent) {
        eprintln!("skipped: mounting a tmpfs is not permitted here");
        return;
    }
    let _parent = Mounted(parent.clone());
    std::fs::create_dir(&out).unwrap();
    assert!(mount(&["-t", "tmpfs", "tmpfs"], &out));
    let _out = Mounted(out.clone());
    assert!(mount(&["-o", "remount,ro"], &parent));
    std::fs::write(out.join("CNAME"), "mine").unwrap();
    let options = atlas::BuildOptions::default();
    for _ in 0..2 {
        let r = atlas::build(s.root(), &out, &options);
        assert!(!r.diagnostics.has_errors(), "{}", r.diagnostics.render());
    }
    assert!(out.join("parks/p/index.html").is_file());
    assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "mine");
    assert_eq!(atlas_names(&out), Vec::<String>::new());
    assert!(out.join(".atlas-lock").is_file());
}

#[test]
fn concurrent_builds_into_one_folder_all_succeed() {
    let s = Site::new(&[("content/parks/p.md", &park("", "Text.\n"))]);
    let files = atlas::run(s.root(), &Default::default()).files;
    s.write("site/CNAME", "mine");
    atlas::output::write_site(s.root(), &s.out(), &files).unwrap();
    let expected = all(&s.out());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..400 {
            scope.spawn(|| {
                if let Err(d) = atlas::output::write_site(s.root(), &s.out(), &files) {
                    failures.lock().unwrap().push(d.to_string());
                }
            });
        }
    });
    assert_eq!(failures.into_inner().unwrap(), Vec::<String>::new());
    assert_eq!(all(&s.out()), expected);
    assert_eq!(atlas_names(s.root()), Vec::<String>::new());
}

fn atlas_bin(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_atlas"));
    c.arg("--root").arg(root).args(args);
    c
}

#[test]
fn concurrent_processes_into_one_folder_all_succeed() {
    let s = Site::new(&[("content/parks/p.md", &park("", "Text.\n"))]);
    let children: Vec<_> = (0..16)
        .map(|_| {
            atlas_bin(s.root(), &["build"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    wait_for_trash_removal(&s.out());
    assert!(s.out().join("parks/p/index.html").is_file());
    assert_eq!(atlas_names(s.root()), Vec::<String>::new());
}

/// Starts a build of `root` with the binary and kills it when `when` says so.
fn kill_build(root: &Path, when: &dyn Fn(Instant) -> bool) {
    let mut child = atlas_bin(root, &["build"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        if when(started) {
            child.kill().unwrap();
            child.wait().unwrap();
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn builds_killed_at_any_point_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A few thousand entries: the build runs long enough to be killed mid-way.
    let entries = if cfg!(debug_assertions) { 500 } else { 2000 };
    corpus::write_atlas(root, entries, true);
    let clean = root.join("clean");
    let built = atlas_bin(root, &["build", "--output"])
        .arg(&clean)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let expected = all(&clean);
    std::fs::remove_dir_all(&clean).unwrap();
    let _ = std::fs::remove_file(root.join(".clean.atlas-lock"));

    let out = root.join("site");
    assert!(
        atlas_bin(root, &["build"])
            .output()
            .unwrap()
            .status
            .success()
    );
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(out.join("CNAME"), "atlas.example.org\n").unwrap();
    let project = tree(root, &|p| p == "site" || p.starts_with("site/"));

    let staging_appeared = |_: Instant| atlas_names(root).iter().any(|n| n.contains("atlas-new"));
    let files_written = |_: Instant| {
        atlas_names(root)
            .iter()
            .filter(|n| n.contains("atlas-new"))
            .any(|n| root.join(n).join("parks").exists())
    };
    let after = |ms: u64| move |t: Instant| t.elapsed() >= Duration::from_millis(ms);
    let points: [(&str, &dyn Fn(Instant) -> bool); 5] = [
        ("staging folder made", &staging_appeared),
        ("files being written", &files_written),
        ("50 ms", &after(50)),
        ("150 ms", &after(150)),
        ("400 ms", &after(400)),
    ];
    for (what, when) in points {
        kill_build(root, when);
        let built = atlas_bin(root, &["build"]).output().unwrap();
        assert!(
            built.status.success(),
            "after a kill at {what}: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        wait_for_trash_removal(&out);
        assert_eq!(
            atlas_names(root),
            Vec::<String>::new(),
            "after a kill at {what}"
        );
        assert_eq!(
            atlas_names(&out),
            Vec::<String>::new(),
            "after a kill at {what}"
        );
        assert!(
            atlas_files(&out) == expected,
            "after a kill at {what}: the site differs from a clean build's"
        );
        assert_eq!(
            std::fs::read_to_string(out.join(".git/HEAD")).unwrap(),
            "ref: refs/heads/gh-pages\n"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("CNAME")).unwrap(),
            "atlas.example.org\n"
        );
        let now = tree(root, &|p| p == "site" || p.starts_with("site/"));
        assert!(
            now == project,
            "after a kill at {what}: the project changed"
        );
    }
}
