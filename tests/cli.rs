//! The binary: exit codes and the `new` command.

mod common;
use common::{Site, atlas, park};

#[test]
fn exit_codes() {
    let s = Site::new(&[("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n"))]);
    assert_eq!(atlas(s.root(), &["check"]).status.code(), Some(0));
    assert_eq!(atlas(s.root(), &["build"]).status.code(), Some(0));
    assert!(s.out().join("parks/p/index.html").is_file());
    assert_eq!(atlas(s.root(), &["frobnicate"]).status.code(), Some(2));
    s.write("content/parks/q.md", "no front matter");
    let out = atlas(s.root(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: missing front matter"));
}

#[test]
fn new_creates_a_file_that_checks() {
    let s = Site::new(&[]);
    let out = atlas(s.root(), &["new", "lab", "High Energy Photon Source"]);
    assert_eq!(out.status.code(), Some(0));
    let path = s.root().join("content/labs/high-energy-photon-source.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("title: High Energy Photon Source  # required"));
    assert!(text.contains("park: null"));
    // Only the empty summary is left to fill in.
    let out = atlas(s.root(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing required field `summary`"), "{err}");
    assert_eq!(
        atlas(s.root(), &["new", "lab", "High Energy Photon Source"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        atlas(s.root(), &["new", "castle", "X"]).status.code(),
        Some(2)
    );
    // Ids are unique across kinds: no park with the lab's id is written.
    let out = atlas(s.root(), &["new", "park", "High Energy Photon Source"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: the id `high-energy-photon-source` is taken by"),
        "{err}"
    );
    assert!(
        !s.root()
            .join("content/parks/high-energy-photon-source.md")
            .exists()
    );
}
