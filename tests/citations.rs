//! Citations: syntax, numbering, back-links, cited-by, BibTeX, quotes, errors.

mod common;
use common::{Site, park};

const OTHER: &str = "---\ntitle: Other Paper\nshort: Roe 2021\nkind: paper\nyear: 2021\nsummary: s\ntext: roe.txt\n---\nAnnotation [@roe-2021, §1].\n";

fn site(entry: &str) -> Site {
    let config = format!("{}sources_text_dir = \"texts\"\n", common::CONFIG);
    Site::new(&[
        ("atlas.toml", &config),
        ("content/sources/roe-2021.md", OTHER),
        (
            "texts/roe.txt",
            "The park covers “101\n  square kilometres” of land.\nSection 2 lists platforms.",
        ),
        ("content/parks/p.md", entry),
    ])
}

#[test]
fn syntax_forms_become_numbered_notes() {
    let s = site(&park(
        "",
        "One [@doe-2020]. Two [@doe-2020, §3.2]. Three [@doe-2020, Box 4; @roe-2021, Table 1].\n",
    ));
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(html.contains("One<sup class=\"note-ref\"><a href=\"#note-1\" id=\"ref-1\" data-note=\"1\">1</a></sup>."), "{html}");
    assert!(html.contains("<span class=\"note-text\"><a class=\"cite\" href=\"../../sources/doe-2020/index.html\">Doe 2020</a>.</span>"), "{html}");
    assert!(html.contains("Doe 2020</a>, §3.2."));
    assert!(html.contains("Doe 2020</a>, Box 4; <a class=\"cite\" href=\"../../sources/roe-2021/index.html\">Roe 2021</a>, Table 1."));
    assert!(
        r.diagnostics
            .render()
            .contains("warning: citation of `doe-2020` has no locator")
    );
}

#[test]
fn numbering_by_first_use_across_facts_text_and_footnotes() {
    let entry = park(
        "established: { value: 2016, cite: \"roe-2021, §2\" }\n",
        "First [^a]. Then [@doe-2020, §1]. Again [@roe-2021, §2]. And [@doe-2020, §1].\n\n[^a]: A plain footnote.\n",
    );
    let s = site(&entry);
    s.build_ok();
    let html = s.read("parks/p/index.html");
    // Notes are numbered as a reader meets them: the text first, then the
    // fact box, whose roe §2 reuses the text's note 3.
    assert!(
        html.contains("First<sup class=\"note-ref\"><a href=\"#note-1\""),
        "{html}"
    );
    assert!(html.contains("Then<sup class=\"note-ref\"><a href=\"#note-2\""));
    assert!(html.contains("Again<sup class=\"note-ref\"><a href=\"#note-3\" id=\"ref-3\""));
    assert!(html.contains("And<sup class=\"note-ref\"><a href=\"#note-2\" id=\"ref-2-2\""));
    assert!(
        html.contains(
            "<dt>Established</dt><dd>2016<sup class=\"note-ref\"><a href=\"#note-3\" id=\"ref-3-2\""
        ),
        "{html}"
    );
    // Back-links to each place that cites a note.
    assert!(html.contains("<a class=\"backref\" href=\"#ref-3\" aria-label=\"Back to reference 1 of note 3\">↩<sup>1</sup></a> <a class=\"backref\" href=\"#ref-3-2\""), "{html}");
    assert!(html.contains(
        "<li id=\"note-1\" value=\"1\"><span class=\"note-text\">A plain footnote.</span>"
    ));
}

#[test]
fn source_pages_list_what_cites_them() {
    let s = site(&park(
        "area_km2: { value: 101, cite: \"roe-2021, §1\" }\n",
        "Text [@roe-2021, Table 1].\n",
    ));
    s.build_ok();
    let html = s.read("sources/roe-2021/index.html");
    assert!(
        html.contains("Cited by (3 citations in 2 entries)"),
        "{html}"
    );
    assert!(html.contains("<a href=\"../../parks/p/index.html#note-2\">§1</a> <span class=\"context\">(Area)</span>"), "{html}");
    assert!(html.contains("<a href=\"../../parks/p/index.html#note-1\">Table 1</a> <span class=\"context\">(text)</span>"));
    let bib = s.read("sources/index.html");
    // Without authors, a reference starts with its title.
    assert!(bib.contains("<cite>Other Paper</cite> (2021)."), "{bib}");
    assert!(bib.contains("<cite>A Report</cite> (2020)."));
    assert!(!bib.contains("n.d."));
}

#[test]
fn cite_this_entry_as_text_and_bibtex() {
    let s = site(&park(
        "updated: \"2024-05-01\"\n",
        "Text [@roe-2021, §1].\n",
    ));
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(html.contains("“Test Park.” In Test Atlas. https://example.org/atlas/parks/p/. Last updated 2024-05-01."), "{html}");
    let bib = "@misc{atlas-p,\n  author = {{Test Atlas}},\n  title = {{Test Park}},\n  howpublished = {Test Atlas},\n  year = {2024},\n  date = {2024-05-01},\n  url = {https://example.org/atlas/parks/p/},\n  urldate = {2024-05-01},\n  note = {Last reviewed 2024-05-01},\n  langid = {english},\n}";
    assert!(html.contains(bib), "{html}");
    assert_eq!(s.read("parks/p/cite.bib"), format!("{bib}\n"));
}

#[test]
fn quotes_are_checked_after_normalising() {
    let s = site(&park(
        "area_km2: { value: 101, cite: \"roe-2021, §1\", quote: \"\\\"101 square kilometres\\\"\" }\n",
        "Found [@roe-2021, §2, \"lists   platforms\"]. Missing [@roe-2021, §2, \"lists labs\"].\n",
    ));
    let out = s.check();
    // Only the missing quote is reported: curly quotes, line breaks and
    // runs of spaces do not count as differences.
    assert_eq!(out.matches("quote not found").count(), 1, "{out}");
    assert!(
        out.contains("error: quote not found in `roe-2021`\n --> content/parks/p.md:7:70"),
        "{out}"
    );
    assert!(
        out.contains("^^^^^^^^^^ this text does not occur in the source"),
        "{out}"
    );
}

#[test]
fn citation_errors() {
    let s = site(&park(
        "",
        "A [@roe-2012, §1]. B [@roe-2021 §1]. C [@roe-2021, ]. D [@roe-2021, §1; roe-2021, §2].\n",
    ));
    let out = s.check();
    assert!(out.contains("error: unknown source `roe-2012`\n --> content/parks/p.md:6:5\n  |\n6 | A [@roe-2012, §1]."), "{out}");
    assert!(out.contains("= hint: did you mean `roe-2021`?"));
    assert!(out.contains("error: malformed citation: expected `,` after the source id"));
    assert!(out.contains("error: malformed citation: empty locator"));
    assert!(out.contains("error: malformed citation: each citation in a group starts with `@`"));
    assert!(
        out.contains("warning: source `doe-2020` is never cited"),
        "{out}"
    );
}

#[test]
fn fact_citation_errors_point_into_the_front_matter() {
    let s = site(&park(
        "established: { value: 2016, cite: \"rowe-2021, §2\" }\n",
        "x [@roe-2021, §1]\n",
    ));
    let out = s.check();
    assert!(
        out.contains("error: unknown source `rowe-2021`\n --> content/parks/p.md:4:36"),
        "{out}"
    );
}

#[test]
fn coverage_is_counted_and_can_fail_the_build() {
    let entry = park(
        "established: { value: 2016, cite: \"roe-2021, §1\" }\ncity: Beijing\n",
        "Cited [@roe-2021, §1].\n\nNot cited.\n",
    );
    let s = site(&entry);
    let r = s.build_ok();
    let c = r.coverage["p"];
    assert_eq!(
        (c.cited_facts, c.facts, c.cited_paragraphs, c.paragraphs),
        (1, 2, 1, 2)
    );
    let strict = format!(
        "{}sources_text_dir = \"texts\"\n[citations]\nmin_coverage = 0.9\n",
        common::CONFIG
    );
    s.write("atlas.toml", &strict);
    let out = s.check();
    assert!(
        out.contains("error: citation coverage 50.0% is below the required 90.0%"),
        "{out}"
    );
}
