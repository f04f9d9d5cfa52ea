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
        r.diagnostics.is_empty(),
        "the atlas has problems:\n{rendered}"
    );
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
