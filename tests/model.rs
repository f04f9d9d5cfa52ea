//! The content model: institutions, comparators abroad, editorial facts,
//! quotes that belong to one citation, the atlas's own notes.

mod common;
use common::{Site, park};

#[test]
fn institutions_are_a_kind_of_their_own() {
    let s = Site::new(&[
        (
            "content/institutions/merics.md",
            "---\ntitle: MERICS\nsummary: A think tank.\ncountry: { value: Germany, editorial: true }\nupdated: 2026-11-29\n---\nA think tank [@doe-2020, §1].\n",
        ),
        ("content/labs/l.md", &common::lab("part_of: merics\n")),
    ]);
    s.build_ok();
    let html = s.read("institutions/merics/index.html");
    assert!(html.contains("<h1>MERICS"), "{html}");
    assert!(s.read("institutions/index.html").contains("MERICS"));
    // A lab may be part of an institution; the institution lists it.
    assert!(html.contains("Includes"), "{html}");
}

#[test]
fn editorial_facts_and_names_are_marked_and_counted_apart() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "name_zh: 测试园\ncountry: { value: China, editorial: true }\nestablished: { value: 2001, cite: \"doe-2020, §2\" }\n",
            "Text [@doe-2020, §1].\n",
        ),
    )]);
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("added by the atlas, not in the sources"),
        "{html}"
    );
    assert!(html.contains(">atlas</span>"), "{html}");
    let c = r.coverage["p"];
    assert_eq!((c.facts, c.cited_facts, c.editorial_facts), (3, 1, 2));
}

#[test]
fn a_quote_belongs_to_one_citation() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "established: { value: 2001, cite: \"doe-2020, §2; doe-2020, §3\", quote: \"the words\" }\n",
            "",
        ),
    )]);
    let out = s.check();
    assert!(
        out.contains(
            "error: `established` has one quote for several citations\n --> content/parks/p.md:4:"
        ),
        "{out}"
    );
    assert!(
        out.contains("which citation does this quote come from?"),
        "{out}"
    );
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "established: { value: 2001, cite: \"doe-2020, §2\", editorial: true }\n",
            "",
        ),
    )]);
    let out = s.check();
    assert!(
        out.contains("error: `established` is marked editorial but cites a source"),
        "{out}"
    );
}

#[test]
fn atlas_notes_render_and_are_not_uncited_claims() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "",
            "Cited [@doe-2020, §1].\n\n> [!NOTE]\n> The record differs.\n",
        ),
    )]);
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains(
            "<aside class=\"atlas-note\" role=\"note\"><p class=\"atlas-note-label\">Atlas note</p>"
        ),
        "{html}"
    );
    assert!(html.contains("The record differs."), "{html}");
    let c = r.coverage["p"];
    assert_eq!((c.paragraphs, c.cited_paragraphs), (1, 1));
}
