//! The page-level invariants on a generated atlas: every id unique on its
//! page, every internal link and fragment resolving, no raw citation.

mod common;
#[path = "../benches/corpus.rs"]
mod corpus;

#[test]
fn every_page_of_a_generated_atlas_holds_its_invariants() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("atlas");
    corpus::write_atlas(&root, 150, true);
    let site = dir.path().join("site");
    let r = atlas::build(&root, &site, &atlas::BuildOptions::default());
    assert!(!r.diagnostics.has_errors(), "{}", r.diagnostics.render());
    assert!(common::assert_page_invariants(&site) > 3000);
}
