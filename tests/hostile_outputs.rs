//! Hostile text in what the site writes: the characters XML forbids (a NUL
//! in a title or a summary) are dropped from every XML, SVG and HTML file,
//! which a strict XML parser then reads.

mod common;

use common::Site;

/// A site with control characters in a title and a summary.
fn hostile_site() -> Site {
    Site::new(&[(
        "content/parks/control.md",
        "---\ntitle: \"Bad\\0Title\\x01\\x0b\\x0c\\x1f\\uFFFE\\uFFFF end\"\nsummary: \"Sum\\0mary\\x08 here.\"\nupdated: 2024-05-02\n---\nText [@doe-2020, §1].\n",
    )])
}

fn forbidden(c: char) -> bool {
    !atlas::xml::allowed(c)
}

// Hostile input: "a `\0` in a summary makes atom.xml invalid XML".
#[test]
fn characters_xml_forbids_are_dropped_from_every_markup_file() {
    let s = hostile_site();
    s.build_ok();
    for path in ["atom.xml", "sitemap.xml"] {
        let text = s.read(path);
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let feed = s.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .filter_map(|n| n.text())
        .collect();
    assert!(titles.contains(&"BadTitle end"), "{titles:?}");
    assert!(feed.contains("<summary>Summary here.</summary>"), "{feed}");
    let mut checked = 0;
    for f in common::read_site(&s.out()) {
        if !atlas::xml::is_markup(&f.path) {
            continue;
        }
        let text = String::from_utf8(f.bytes.to_vec()).unwrap();
        assert!(
            !text.chars().any(forbidden),
            "{} holds a character XML forbids",
            f.path
        );
        if f.path.ends_with(".svg") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        }
        checked += 1;
    }
    assert!(checked > 20, "{checked} files");
    let page = s.read("parks/control/index.html");
    assert!(page.contains("<h1>BadTitle end"), "{page}");
}
