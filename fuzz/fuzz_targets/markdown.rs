//! An entry's body rendered as the build prepares an entry: citations,
//! footnotes, links by id, headings with attributes, code, tables, alerts,
//! raw HTML, the notes numbered and written.
//!
//! Asserts: no panic; every diagnostic located inside the file; the HTML of
//! the text and of each note well formed (every tag closed in order) with
//! only the elements and attributes the writer writes: no script, no event
//! handler, no `href` or `src` of another scheme than http(s) and mailto, no
//! link inside a link, no placeholder character (nor in the headings,
//! the search text or a diagnostic); every id on the page
//! (the theme's, the headings', the notes') given once, each heading's among
//! them; and for a body without errors: every `#fragment` link names an id
//! on the page, every note mark a note, and every citation group written
//! became a note mark or stands as written.
#![no_main]

use atlas::fuzzing::{ENTRY_PATH, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let r = render(body);
    let reserved = body.chars().any(atlas_fuzz::is_placeholder);
    if reserved {
        assert!(
            r.diagnostics.iter().any(|d| d.is_error()),
            "a placeholder character in the text and no error"
        );
    }
    for d in &r.diagnostics {
        atlas_fuzz::assert_located(d, ENTRY_PATH, &r.file);
        if !reserved {
            let text = format!("{}{:?}{:?}", d.message, d.label, d.hint);
            assert!(
                !text.chars().any(atlas_fuzz::is_placeholder),
                "a placeholder in a diagnostic:\n{d}"
            );
        }
    }
    for h in &r.headings {
        assert!(
            reserved || !h.text.chars().any(atlas_fuzz::is_placeholder),
            "{h:?}"
        );
    }
    assert!(
        reserved || !r.text.chars().any(atlas_fuzz::is_placeholder),
        "a placeholder in the search text: {:?}",
        r.text
    );
    let page = atlas_fuzz::check_html(&r.html, reserved);
    let mut ids: Vec<String> = r.reserved.iter().cloned().collect();
    ids.extend(page.ids.iter().cloned());
    let mut marks = page.note_marks.clone();
    let mut fragments = page.fragments.clone();
    let shown = |c: &atlas_fuzz::Checked| {
        c.text.matches("[@").count()
            + c.attributes.matches("[@").count()
            + c.attributes.matches("%5B@").count()
    };
    let mut literal = shown(&page);
    for (n, html) in &r.notes {
        // The notes list gives each note its item's id.
        ids.push(format!("note-{n}"));
        let note = atlas_fuzz::check_html(html, reserved);
        literal += shown(&note);
        ids.extend(note.ids);
        marks.extend(note.note_marks);
        fragments.extend(note.fragments);
    }
    atlas_fuzz::assert_unique(&ids, &r.html);
    for h in &r.headings {
        assert!(ids.contains(&h.id), "heading `{}` not on the page", h.id);
    }
    if r.diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    for f in &fragments {
        assert!(
            ids.contains(f),
            "`#{f}` names no id on the page:\n{}",
            r.html
        );
    }
    for n in &marks {
        assert!(
            r.notes.iter().any(|(k, _)| k == n),
            "note mark {n} without its note:\n{}",
            r.html
        );
    }
    let is_cite = |n: &usize| {
        r.notes
            .iter()
            .any(|(k, html)| k == n && html.starts_with("<a class=\"cite\""))
    };
    let cite_marks = marks.iter().filter(|n| is_cite(n)).count();
    // What is left out on purpose: comments, a footnote nobody refers to
    // or defined a second time,
    // a heading attribute, a code fence's line and cells past a table's
    // last column (each reported), a link reference definition.
    let left_out = body.contains("<!--")
        || r.diagnostics.iter().any(|d| {
            // (A message quoting a long text is cut: its start is matched.)
            [
                "footnote `",
                "this row has ",
                "heading attribute",
                "a citation on a code fence",
            ]
            .iter()
            .any(|m| d.message.starts_with(m))
        })
        || has_reference_definitions(body);
    if left_out {
        return;
    }
    // Shown as written: in the text, in a URL, or quoted by a diagnostic.
    literal += r
        .diagnostics
        .iter()
        .map(|d| d.message.matches("[@").count())
        .sum::<usize>();
    let (groups, _) = atlas::markdown::scan_citations(body);
    assert!(
        cite_marks + literal >= groups.len(),
        "{} citations written, {cite_marks} note marks and {literal} shown as written:\n{}\n{:#?}",
        groups.len(),
        r.html,
        r.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
});

/// Whether the body defines a link reference (`[x]: https://...`), as the
/// renderer's parser reads it: one nobody uses is left out without a word,
/// as Markdown has it.
fn has_reference_definitions(body: &str) -> bool {
    let (groups, _) = atlas::markdown::scan_citations(body);
    let masked = atlas::fuzzing::mask(body, &groups);
    let mut parser = pulldown_cmark::Parser::new_ext(&masked, atlas::markdown::OPTIONS);
    for _ in parser.by_ref() {}
    parser.reference_definitions().iter().next().is_some()
}
