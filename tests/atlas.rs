//! The real atlas in this repository: it builds with zero errors and zero
//! warnings, every relation and citation resolves, and every page exists.

mod common;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_real_atlas_builds_clean() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let r = atlas::build(root(), &site, &atlas::BuildOptions::default());
    let rendered = r.diagnostics.render();
    assert!(
        r.diagnostics.is_clean(),
        "the atlas has problems:\n{rendered}"
    );
    // Without the sources' texts beside the checkout the quotes cannot be
    // checked: the build says so once and checks the rest.
    if !root().join("../shared/sources").is_dir() {
        eprintln!("the sources' texts are not beside the checkout: quotes not checked");
    }
    for (kind, min) in [
        ("parks", 30),
        ("programs", 150),
        ("labs", 40),
        ("institutions", 50),
        ("sources", 5),
        ("pages", 3),
    ] {
        assert!(r.counts[kind] >= min, "only {} {kind}", r.counts[kind]);
    }
    // Every entry has its page; every internal link in the site resolves.
    let files = common::read_site(&site);
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    assert!(common::assert_links_resolve(&site, &files) > 1000);
    assert!(pages > 300, "{pages} pages");
}

#[test]
fn every_relation_shows_on_both_pages() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let r = atlas::build(root(), &site, &atlas::BuildOptions::default());
    assert!(!r.diagnostics.has_errors(), "{}", r.diagnostics.render());
    let mut checked = 0;
    for kind in ["parks", "programs", "labs"] {
        for f in std::fs::read_dir(root().join("content").join(kind)).unwrap() {
            let path = f.unwrap().path();
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            let html =
                std::fs::read_to_string(site.join(kind).join(&id).join("index.html")).unwrap();
            // Each related card links to a page that links back.
            let Some(start) = html.find("<section class=\"relations\"") else {
                continue;
            };
            let end = html[start..].find("</section>").unwrap() + start;
            let mut rest = &html[start..end];
            while let Some(i) = rest.find("<li><a href=\"../../") {
                rest = &rest[i + 19..];
                let target = &rest[..rest.find('"').unwrap()];
                let other = std::fs::read_to_string(site.join(target)).unwrap();
                assert!(
                    other.contains(&format!("/{id}/index.html\"")),
                    "{target} does not link back to {id}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} relations checked");
}

#[test]
fn every_page_of_the_real_atlas_holds_its_invariants() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let r = atlas::build(root(), &site, &atlas::BuildOptions::default());
    assert!(!r.diagnostics.has_errors(), "{}", r.diagnostics.render());
    // Unique ids, every link and fragment resolving, no raw citation.
    assert!(common::assert_page_invariants(&site) > 5000);
}

/// A fresh clone has no `../shared/sources` beside it: the atlas still
/// builds clean, with one note that its quotes were not checked.
#[test]
fn a_clone_without_the_source_texts_builds_clean_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("atlas");
    for folder in ["content", "geodata", "themes"] {
        copy_tree(&root().join(folder), &clone.join(folder));
    }
    std::fs::copy(root().join("atlas.toml"), clone.join("atlas.toml")).unwrap();
    let r = atlas::run(&clone, &atlas::BuildOptions::default());
    let out = r.diagnostics.render();
    assert!(r.diagnostics.is_clean(), "{out}");
    assert_eq!(
        out.matches("note: quotes are not checked").count(),
        1,
        "{out}"
    );
    assert_eq!(out.matches("note:").count(), 1, "{out}");
}

fn copy_tree(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
