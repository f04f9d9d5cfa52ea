//! Incremental rebuilds equal full builds byte for byte, and redo only what
//! an edit touches.

#[path = "../benches/corpus.rs"]
mod corpus;

use std::path::Path;

use atlas::incremental::{Cache, Stats};
use atlas::{BuildOptions, BuildResult};

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    assert!(text.contains(from), "`{from}` not in {path}");
    write(root, path, &text.replacen(from, to, 1));
}

/// Rebuilds with the cache and checks the result against a fresh full build.
fn rebuild(root: &Path, cache: &mut Cache, what: &str) -> (BuildResult, Stats) {
    let options = BuildOptions::default();
    let incremental = atlas::run_with(root, &options, cache);
    let full = atlas::run(root, &options);
    assert_eq!(
        incremental.diagnostics.render(),
        full.diagnostics.render(),
        "{what}: diagnostics"
    );
    assert_eq!(
        incremental.files.len(),
        full.files.len(),
        "{what}: file count"
    );
    for (a, b) in incremental.files.iter().zip(&full.files) {
        assert_eq!(a.path, b.path, "{what}");
        assert!(a.bytes == b.bytes, "{what}: {} differs", a.path);
    }
    assert_eq!(incremental.coverage, full.coverage, "{what}: coverage");
    (incremental, cache.stats)
}

#[test]
fn incremental_rebuilds_equal_full_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    corpus::write_atlas(root, 120, true);
    let mut cache = Cache::new();
    let (first, stats) = rebuild(root, &mut cache, "first build");
    assert!(
        !first.diagnostics.has_errors(),
        "{}",
        first.diagnostics.render()
    );
    let pages = stats.rendered;
    assert!(pages > 100, "{stats:?}");

    // Nothing changed: nothing is redone.
    let (_, stats) = rebuild(root, &mut cache, "no change");
    assert_eq!(
        (stats.parsed, stats.prepared, stats.rendered),
        (0, 0, 0),
        "{stats:?}"
    );

    // A body edit re-renders the entry's page (and the sources it cites);
    // the other entries are neither parsed nor prepared again.
    edit(
        root,
        "content/labs/lab-3.md",
        "## Facilities",
        "A new paragraph.\n\n## Facilities",
    );
    let (r, stats) = rebuild(root, &mut cache, "body edit");
    assert_eq!((stats.parsed, stats.prepared), (1, 1), "{stats:?}");
    assert!(stats.rendered < 10, "{stats:?}");
    let page = r
        .files
        .iter()
        .find(|f| f.path == "labs/lab-3/index.html")
        .unwrap();
    assert!(String::from_utf8_lossy(&page.bytes).contains("A new paragraph."));

    // A title edit re-renders the pages that show the entry, not all.
    edit(
        root,
        "content/parks/park-2.md",
        "title: \"Park 2\"",
        "title: \"Park Two\"",
    );
    let (_, stats) = rebuild(root, &mut cache, "title edit");
    assert_eq!(stats.parsed, 1);
    assert!(stats.rendered < pages / 2, "{stats:?}");
    // Only the entries that show the park (its relations) are prepared again.
    assert!(
        stats.prepared > 1 && stats.prepared < 30,
        "title edit: {stats:?}"
    );

    // A source's short name appears in the notes of every entry citing it.
    edit(
        root,
        "content/sources/source-1.md",
        "short: \"Author 1",
        "short: \"Writer 1",
    );
    let (r, stats) = rebuild(root, &mut cache, "source short name edit");
    assert!(
        stats.prepared > 2 && stats.prepared < 120,
        "citing entries only: {stats:?}"
    );
    assert!(
        r.files.iter().any(|f| f.path.starts_with("labs/")
            && String::from_utf8_lossy(&f.bytes).contains("Writer 1")),
        "the new short name is in the notes"
    );

    // Relations, new and deleted entries.
    edit(
        root,
        "content/labs/lab-4.md",
        "programs: [",
        "related: [park-1]\nprograms: [",
    );
    rebuild(root, &mut cache, "relation added");
    write(
        root,
        "content/programs/program-new.md",
        "---\ntitle: A New Program\nsummary: New.\nupdated: 2024-05-01\n---\nNew [@source-1, §2].\n",
    );
    rebuild(root, &mut cache, "entry added");
    std::fs::remove_file(root.join("content/labs/lab-7.md")).unwrap();
    rebuild(root, &mut cache, "entry deleted");

    // A template override re-renders what uses the template.
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/source.html"),
    )
    .unwrap();
    write(
        root,
        "themes/default/templates/source.html",
        &builtin.replacen("{% block main %}", "{% block main %}<p>Overridden</p>", 1),
    );
    let (_, stats) = rebuild(root, &mut cache, "template edit");
    let sources = corpus::Shape::of(120).sources;
    assert_eq!(stats.rendered, sources, "only source pages: {stats:?}");

    // Errors and their fix.
    edit(
        root,
        "content/parks/park-5.md",
        "title:",
        "title: [unclosed\nx:",
    );
    let (r, _) = rebuild(root, &mut cache, "yaml error");
    assert!(r.diagnostics.has_errors());
    edit(
        root,
        "content/parks/park-5.md",
        "title: [unclosed\nx:",
        "title:",
    );
    rebuild(root, &mut cache, "yaml fixed");

    // Geodata and configuration.
    edit(
        root,
        "geodata/sites/sites.geojson",
        "\"precision\":\"city\"",
        "\"precision\":\"site\"",
    );
    rebuild(root, &mut cache, "geodata edit");
    edit(root, "atlas.toml", "Synthetic Atlas", "Synthetic Atlas Two");
    let (_, stats) = rebuild(root, &mut cache, "config edit");
    assert!(stats.parsed > 100, "a config edit re-parses: {stats:?}");
}
