//! Hostile text in what the site writes: a title that a spreadsheet would
//! run as a formula is neutralised in every CSV download; the characters
//! XML forbids (a NUL in a title or a summary) are dropped from every XML,
//! SVG and HTML file, which a strict XML parser then reads; LaTeX's
//! special characters in a title leave the BibTeX parseable.

mod common;

use common::{Site, park};

const FORMULA: &str = "=cmd|' /C calc'!A0";

/// A site with a formula for a title, control characters in a title and a
/// summary, and LaTeX's specials in a title.
fn hostile_site() -> Site {
    Site::new(&[
        (
            "content/parks/formula.md",
            &park(
                "facts: [{ label: \"@risk\", value: \"+1 555 0100\", cite: \"doe-2020, §1\" }, { label: \"Tab\", value: \"\\tx\", editorial: true }]\n",
                "Text [@doe-2020, §1].\n",
            )
            .replace("title: Test Park", &format!("title: \"{FORMULA}\"")),
        ),
        (
            "content/parks/control.md",
            "---\ntitle: \"Bad\\0Title\\x01\\x0b\\x0c\\x1f\\uFFFE\\uFFFF end\"\nsummary: \"Sum\\0mary\\x08 here.\"\nupdated: 2024-05-02\n---\nText [@doe-2020, §1].\n",
        ),
        (
            "content/parks/latex.md",
            "---\ntitle: 'R&D {Zone} 100% $5 #1 a_b ~ ^ \\ end'\nsummary: A park.\nupdated: 2024-05-03\n---\nText [@doe-2020, §1].\n",
        ),
    ])
}

/// A CSV download's rows (BOM dropped).
fn rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

// Hostile input: "a title `=cmd|' /C calc'!A0` is written unchanged into atlas.csv".
#[test]
fn cells_a_spreadsheet_would_run_are_neutralised() {
    let s = hostile_site();
    s.build_ok();
    let entries = rows(&s.read("data/atlas.csv"));
    let header = &entries[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let formula = entries.iter().find(|r| r[col("id")] == "formula").unwrap();
    assert_eq!(formula[col("title")], format!("'{FORMULA}"));
    let facts = rows(&s.read("data/facts.csv"));
    let label = |l: &str| facts.iter().find(|r| r[3] == l).unwrap().clone();
    assert_eq!(label("'@risk")[4], "'+1 555 0100");
    assert_eq!(label("Tab")[4], "'\tx");
    // No cell of any CSV starts as a formula would.
    for path in ["data/atlas.csv", "data/facts.csv", "data/sources.csv"] {
        for row in rows(&s.read(path)) {
            for cell in row {
                let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!risky, "{path}: {cell:?}");
            }
        }
    }
    // The JSON keeps the value as written.
    let json: serde_json::Value = serde_json::from_str(&s.read("data/atlas.json")).unwrap();
    let e = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "formula")
        .unwrap();
    assert_eq!(e["title"], FORMULA);
}

fn forbidden(c: char) -> bool {
    !atlas::xml::allowed(c)
}

// Hostile input: "a `\0` in a summary makes atom.xml invalid XML".
#[test]
fn characters_xml_forbids_are_dropped_from_every_markup_file() {
    let s = hostile_site();
    let r = s.build_ok();
    // The author is told, at the value.
    let warnings = r.diagnostics.render();
    assert!(
        warnings.contains("warning: `title` holds the control character U+0000, which XML forbids\n --> content/parks/control.md:2:8"),
        "{warnings}"
    );
    assert!(warnings.contains("`summary` holds the control character U+0000"));
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
    // JSON escapes what it carries; the data keeps the value as written.
    let json: serde_json::Value = serde_json::from_str(&s.read("data/atlas.json")).unwrap();
    let e = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "control")
        .unwrap();
    assert_eq!(
        e["title"],
        "Bad\0Title\u{1}\u{b}\u{c}\u{1f}\u{fffe}\u{ffff} end"
    );
    // The citation files hold no control character either.
    for file in ["cite.bib", "cite.ris", "cite.json"] {
        let text = s.read(&format!("parks/control/{file}"));
        assert!(
            !text.contains('\0') && !text.contains('\u{1}'),
            "{file}: {text:?}"
        );
    }
}

#[test]
fn latex_specials_in_a_title_leave_the_bibtex_parseable() {
    use biblatex::ChunksExt;
    let s = hostile_site();
    s.build_ok();
    let bib = s.read("parks/latex/cite.bib");
    assert!(
        bib.contains("title = {{R\\&D \\textbraceleft{}Zone\\textbraceright{} 100\\% \\$5 \\#1 a\\_b \\textasciitilde{} \\textasciicircum{} \\textbackslash{} end}},"),
        "{bib}"
    );
    let parsed = biblatex::Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}\n{bib}"));
    let entry = parsed.get("atlas-latex").unwrap();
    let title = entry.title().unwrap().format_verbatim();
    assert!(
        title.starts_with("R&D ") && title.contains("100% $5 #1 a_b"),
        "{title}"
    );
    // A formula title is plain text to BibTeX.
    let parsed = biblatex::Bibliography::parse(&s.read("parks/formula/cite.bib")).unwrap();
    let title = parsed
        .get("atlas-formula")
        .unwrap()
        .title()
        .unwrap()
        .format_verbatim();
    assert_eq!(title, FORMULA);
}
