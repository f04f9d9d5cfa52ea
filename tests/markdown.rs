//! Markdown at its edges: citations and notes in every inline context,
//! footnotes anywhere, unique ids, checked links and fragments, and one
//! sanitising path for every URL and attribute. Each input either renders
//! correctly or gets a located diagnostic.

mod common;
use common::{Site, park};

const SMITH: &str = "---\ntitle: Another Report\nshort: Smith 2021\nkind: report\nyear: 2021\nsummary: s.\n---\nSmith's report [@smith-2021, §1].\n";

/// A site with sources `doe-2020` and `smith-2021` and a park `p` with
/// `body`.
fn site(body: &str) -> Site {
    Site::new(&[
        ("content/sources/smith-2021.md", SMITH),
        ("content/parks/p.md", &park("", body)),
    ])
}

/// The text between `<main` and `</main>` of a built page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap();
    &html[start..end]
}

#[test]
fn a_footnote_in_a_heading_is_a_note() {
    let s = site("## Funding[^f]\n\nText [@doe-2020, §1].\n\n[^f]: In current yuan.\n");
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(html.contains("<h2 id=\"funding\">Funding<sup class=\"note-ref\"><a href=\"#note-1\" id=\"ref-1\" data-note=\"1\">1</a></sup> <a class=\"anchor\" href=\"#funding\""), "{html}");
    assert!(
        html.contains(
            "<li id=\"note-1\" value=\"1\"><span class=\"note-text\">In current yuan.</span>"
        ),
        "{html}"
    );
    assert!(!html.contains("href=\"#f\""), "{html}");
}

#[test]
fn a_citation_in_a_heading_is_a_note_and_leaves_the_id_alone() {
    let s = site("## Budget [@smith-2021, §5]\n\nText [@doe-2020, §1].\n");
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("<h2 id=\"budget\">Budget<sup class=\"note-ref\"><a href=\"#note-1\""),
        "{html}"
    );
    assert!(!html.contains("atlas-cite"), "{html}");
    assert!(html.contains("Smith 2021</a>, §5."), "{html}");
    let source = s.read("sources/smith-2021/index.html");
    assert!(
        source.contains("parks/p/index.html#note-1\">§5</a>"),
        "{source}"
    );
}

#[test]
fn citations_and_notes_work_in_every_inline_context() {
    let body = "\
| Year | Budget |\n|---|---|\n| 2020 [@doe-2020, §2] | 5[^t] |\n\n\
- a claim [@doe-2020, §3]\n\n\
> quoted [@doe-2020, §4]\n\n\
See [the report [@smith-2021, §6]](https://example.org/report) for more.\n\n\
Text.[^n]\n\n\
[^t]: Rounded.\n\
[^n]: A note citing [@smith-2021, §7].\n";
    let s = site(body);
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    let body = main_of(&html);
    for locator in ["§2", "§3", "§4", "§6", "§7"] {
        assert!(
            body.contains(&format!(", {locator}.</span>")),
            "{locator} not a note:\n{body}"
        );
    }
    assert!(body.contains("<td>2020<sup class=\"note-ref\">"), "{body}");
    assert!(
        body.contains(
            "<a href=\"https://example.org/report\">the report</a><sup class=\"note-ref\">"
        ),
        "{body}"
    );
    assert!(!body.contains("[@"), "{body}");
    assert!(r.diagnostics.is_empty() || !r.diagnostics.has_errors());
}

#[test]
fn a_footnote_may_be_defined_before_its_first_use() {
    let s = site("[^early]: Defined first.\n\nText[^early] [@doe-2020, §1].\n");
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("<span class=\"note-text\">Defined first.</span>"),
        "{html}"
    );
    assert!(
        !r.diagnostics.render().contains("never referred to"),
        "{}",
        r.diagnostics.render()
    );
}

#[test]
fn a_second_definition_of_a_footnote_is_reported() {
    let s = site("Text[^a] [@doe-2020, §1].\n\n[^a]: One.\n\n[^a]: Two.\n");
    let out = s.check();
    assert!(out.contains("warning: footnote `a` is defined twice; this definition is ignored\n  --> content/parks/p.md:10:1"), "{out}");
}

#[test]
fn nested_or_unclosed_citations_are_located_errors() {
    let s = site("One claim [@doe-2020, §1[^two]].\n\n[^two]: x\n");
    let out = s.check();
    assert!(out.contains("error: malformed citation: a citation cannot hold brackets (a footnote or another citation)\n --> content/parks/p.md:6:11"), "{out}");
    let s = site("Open [@doe-2020, §1 and never closed.\n");
    let out = s.check();
    assert!(
        out.contains(
            "error: malformed citation: citation is never closed\n --> content/parks/p.md:6:6"
        ),
        "{out}"
    );
}

#[test]
fn an_undefined_footnote_is_an_error() {
    let s = site("Text[^nope] [@doe-2020, §1].\n");
    let out = s.check();
    assert!(
        out.contains("error: footnote `nope` is not defined\n --> content/parks/p.md:6:5"),
        "{out}"
    );
}

#[test]
fn only_citations_of_sources_make_a_paragraph_cited() {
    let s = site("Only a footnote.[^n]\n\nA citation [@doe-2020, §1].\n\n[^n]: A remark.\n");
    let r = s.build_ok();
    let c = r.coverage["p"];
    assert_eq!((c.paragraphs, c.cited_paragraphs), (2, 1));
}

#[test]
fn every_id_on_a_page_is_unique_whatever_the_headings_say() {
    let s = site(
        "## Note 1\n\nA [@doe-2020, §1].\n\n## Notes heading\n\n## Main\n\n## Facts heading\n\n## Main\n\n## Intro {#main}\n",
    );
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    for id in [
        "note-1-1",
        "notes-heading-1",
        "main-1",
        "facts-heading-1",
        "main-2",
        "main-3",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no `{id}`:\n{html}");
    }
    common::assert_unique_ids("parks/p/index.html", &html);
    assert!(
        r.diagnostics
            .render()
            .contains("heading id `main` is already used on the page; this heading gets `main-3`"),
        "{}",
        r.diagnostics.render()
    );
}

#[test]
fn links_and_images_are_checked() {
    let s = Site::new(&[
        ("content/sources/smith-2021.md", SMITH),
        (
            "content/parks/q.md",
            &park("", "## 中关村历史\n\n## History\n\nQ [@doe-2020, §1].\n"),
        ),
        (
            "content/parks/p.md",
            &park(
                "",
                "[other](/parks/q/) ![map](/static/docs/map.png) [ok](@q#history) [zh](@q#中关村历史) [bad](@q#future) [here](#nowhere) [missing](../../static/none.css) [style](../../static/style.css) [d](../../data/atlas.json) ![a page](@q).\n\n## Top\n\n[up](#top) [x](@nobody) [@doe-2020, §1]\n",
            ),
        ),
    ]);
    let out = s.check();
    for expected in [
        "error: `/parks/q/` is a path from the host's root\n --> content/parks/p.md:6:1",
        "= hint: it breaks under a subpath and from file://; link entries by id (`[text](@id)`) and site files by a relative path",
        "error: `/static/docs/map.png` is a path from the host's root\n --> content/parks/p.md:6:20",
        "error: `q` has no heading `#future`",
        "= hint: its headings are: 中关村历史, history",
        "error: `#nowhere` names no heading on this page",
        "error: `../../static/none.css` names no file of the site",
        "error: link to unknown id `nobody`",
        "error: an image cannot show the entry `@q`",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert_eq!(out.matches("error:").count(), 7, "{out}");
}

#[test]
fn script_urls_and_event_handlers_never_reach_a_page() {
    let s = site(
        "## Click [me](javascript:alert(1))\n\n## Hello {onclick=alert(1) .ok #main}\n\n![x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](java\tscript:x) [w](data:text/html,x) [v](vbscript:x)\n\nText [@doe-2020, §1].\n",
    );
    let r = s.build_ok();
    let html = s.read("parks/p/index.html").to_lowercase();
    for bad in [
        "javascript:",
        "vbscript:",
        "data:text",
        "onclick",
        "src=\"java",
    ] {
        assert!(!html.contains(bad), "`{bad}` reached the page");
    }
    let out = r.diagnostics.render();
    assert!(out.contains("warning: unsafe link dropped: the `javascript:` scheme is not allowed\n --> content/parks/p.md:6:10"), "{out}");
    assert!(
        out.contains("warning: heading attribute `onclick` is dropped"),
        "{out}"
    );
    assert_eq!(out.matches("unsafe link dropped").count(), 5, "{out}");
    common::assert_unique_ids("parks/p/index.html", &s.read("parks/p/index.html"));
}

#[test]
fn code_fences_in_the_forms_other_tools_write() {
    let s = site(
        "```yaml,ignore\na: 1\n```\n\n```{.python .numbers}\nx = 1\n```\n\n```js title=\"x\"\nlet y;\n```\n\n```no-such-language\n<b>plain</b> [@doe-2020, §1]\n```\n\nText [@doe-2020, §1].\n",
    );
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("<code class=\"language-yaml\"><span class=\"hl-"),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"language-python\"><span class=\"hl-"),
        "{html}"
    );
    assert!(
        html.contains("<code class=\"language-js\"><span class=\"hl-"),
        "{html}"
    );
    assert!(html.contains("<code class=\"language-no-such-language\">&lt;b&gt;plain&lt;/b&gt; [@doe-2020, §1]\n</code>"), "{html}");
}

#[test]
fn a_citation_like_link_text_stays_a_link() {
    let s = site(
        "Follow [@someone](https://example.org/someone) and `[@doe-2020, §1]` in code. Text [@doe-2020, §1].\n",
    );
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("<a href=\"https://example.org/someone\">@someone</a>"),
        "{html}"
    );
    assert!(html.contains("<code>[@doe-2020, §1]</code>"), "{html}");
    // It is said, where it stands; an escaped `@` is plainly words.
    let out = s.check();
    assert!(out.contains("warning: a citation followed by `(` or `[label]` is read as a link's text, not as a citation\n --> content/parks/p.md:6:8"), "{out}");
    let s = site("Follow [\\@someone](https://example.org/someone). Text [@doe-2020, §1].\n");
    assert!(!s.check().contains("warning: a citation"));
}

#[test]
fn a_footnote_or_a_citation_may_follow_a_citation() {
    // The form the README gives for a remark on a cited claim, and two
    // citations side by side: every note is kept.
    let s = site(
        "A claim [@doe-2020, §1][^n].\n\nTwo [@doe-2020, §2][@smith-2021, §3].\n\n[^n]: My remark.\n",
    );
    let r = s.build_ok();
    assert!(!r.diagnostics.render().contains("warning: a citation"));
    let html = s.read("parks/p/index.html");
    let main = main_of(&html);
    assert!(!main.contains("[@"), "{main}");
    for note in [
        "Doe 2020</a>, §1.",
        "My remark.",
        "Doe 2020</a>, §2.",
        "Smith 2021</a>, §3.",
    ] {
        assert!(main.contains(note), "{note}: {main}");
    }
    assert_eq!(main.matches("<li id=\"note-").count(), 4, "{main}");
}

#[test]
fn raw_html_is_shown_as_text_with_a_warning_and_comments_are_left_out() {
    let s = site(
        "Text [@doe-2020, §1] with <b>bold</b> words.\n\n<!-- an editor's\nnote, hidden -->\n\n<div onclick=\"x()\">block</div>\n\nAfter <!-- inline --> it.\n",
    );
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    let main = main_of(&html);
    assert!(
        main.contains("with &lt;b&gt;bold&lt;/b&gt; words"),
        "{main}"
    );
    assert!(
        main.contains("<p>&lt;div onclick=\"x()\"&gt;block&lt;/div&gt;\n</p>"),
        "{main}"
    );
    assert!(!main.contains("<div onclick"), "{main}");
    assert!(!main.contains("editor"), "{main}");
    assert!(!main.contains("inline"), "{main}");
    assert!(main.contains("After  it."), "{main}");
    let report = r.diagnostics.render();
    // One warning per opening tag (a closing tag goes with its opening one).
    assert_eq!(
        report.matches("warning: raw HTML is shown as text").count(),
        2,
        "{report}"
    );
    assert!(report.contains("content/parks/p.md:"), "{report}");
    assert!(report.contains("allow_html = true"), "{report}");
}

// Found by fuzzing (fuzz/, README "Fuzzing"): each kind of fault, kept.

#[test]
fn an_empty_citation_is_a_located_error() {
    let s = site("Text [@] and more [@doe-2020, §1].\n");
    let out = s.check();
    assert!(
        out.contains("error: malformed citation: citation without a source id\n --> content/parks/p.md:6:6\n  |\n6 | Text [@] and more [@doe-2020, §1].\n  |      ^^^"),
        "{out}"
    );
    assert_eq!(out.matches("error:").count(), 1, "{out}");
}

#[test]
fn note_marks_in_a_link_follow_the_link() {
    let s = site("See [the report [@smith-2021, §6]](https://example.org/report) and more.\n");
    s.build_ok();
    let html = s.read("parks/p/index.html");
    let body = main_of(&html);
    assert!(
        body.contains("<a href=\"https://example.org/report\">the report</a><sup class=\"note-ref\"><a href=\"#note-1\" id=\"ref-1\" data-note=\"1\">1</a></sup> and more."),
        "{body}"
    );
}

#[test]
fn a_link_whose_text_is_only_a_citation_is_an_error() {
    let s = site("Text [[@doe-2020, §1]](https://example.org/report).\n");
    let out = s.check();
    assert!(
        out.contains(
            "error: a link's text is only a citation or a note mark\n --> content/parks/p.md:6:6\n"
        ),
        "{out}"
    );
    assert!(out.contains("the link would have no words"), "{out}");
}

#[test]
fn citations_where_no_note_can_stand_are_shown_as_written() {
    let s = site(
        "A [link](https://example.org/a \"after [@doe-2020, §2]\") and ![a map [@doe-2020, §3]](../../static/style.css) and [b](https://example.org/[@doe-2020,x]) [@doe-2020, §1].\n\n```[@doe-2020]\ncode\n```\n\n## Heading {#[@doe-2020] .[@smith-2021]}\n",
    );
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    let body = main_of(&html);
    assert!(body.contains("title=\"after [@doe-2020, §2]\""), "{body}");
    assert!(body.contains("alt=\"a map [@doe-2020, §3]\""), "{body}");
    assert!(
        body.contains("href=\"https://example.org/%5B@doe-2020,x%5D\""),
        "{body}"
    );
    assert!(body.contains("class=\"language-[@doe-2020]\""), "{body}");
    assert!(body.contains("<h2 id=\"[@doe-2020]\">Heading"), "{body}");
    assert!(
        !body.contains('\u{f0000}') && !body.contains('\u{f0001}'),
        "{body}"
    );
    let out = r.diagnostics.render();
    assert!(
        out.contains("warning: a citation in a link's title is shown as written, not as a note\n --> content/parks/p.md:6:3"),
        "{out}"
    );
    assert!(
        out.contains(
            "warning: a citation in an image's description is shown as written, not as a note"
        ),
        "{out}"
    );
    assert!(
        out.contains("warning: class `[@smith-2021]` is dropped"),
        "{out}"
    );
    assert!(
        out.contains(
            "warning: a citation on a code fence's line is not shown\n --> content/parks/p.md:8:1"
        ),
        "{out}"
    );
    assert!(!out.contains('\u{f0000}'), "{out}");
}

#[test]
fn a_private_use_character_atlas_reserves_is_an_error_and_no_citation() {
    // U+F0000 is the placeholder of the first citation, U+F0005 of none.
    let s = site("One \u{f0000} and \u{f0005} [@doe-2020, §1] in `code \u{f0000}`.\n");
    let out = s.check();
    assert!(
        out.contains(
            "error: the character U+F0000 cannot stand in the text\n --> content/parks/p.md:6:5\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "error: the character U+F0005 cannot stand in the text\n --> content/parks/p.md:6:11\n"
        ),
        "{out}"
    );
    assert_eq!(out.matches("error:").count(), 3, "{out}");
}

#[test]
fn a_link_by_id_written_through_an_entity_is_an_error() {
    let s = Site::new(&[
        ("content/parks/q.md", &park("", "Q [@doe-2020, §1].\n")),
        (
            "content/parks/p.md",
            &park("", "[Q](&#64;q) [R](@q.r) [@doe-2020, §1]\n"),
        ),
    ]);
    let out = s.check();
    assert!(out.contains("error: link to unknown id `q`"), "{out}");
    assert!(
        out.contains("hint: write the id as it is, without escapes or entities: `(@q)`"),
        "{out}"
    );
    assert!(out.contains("error: link to unknown id `q.r`"), "{out}");
}

#[test]
fn headings_inside_notes_and_footnotes_get_their_own_ids() {
    let s =
        site("## First\n\nText [@doe-2020, §1].[^n]\n\n> [!NOTE]\n> ## Second\n\n[^n]: ## Third\n");
    s.build_ok();
    let html = s.read("parks/p/index.html");
    for id in ["first", "second", "third"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no `{id}`:\n{html}");
    }
    common::assert_unique_ids("parks/p/index.html", &html);
}

#[test]
fn cells_past_a_tables_last_column_are_reported() {
    let s = site(
        "| Year | Budget |\n|---|---|\n| 2020 | 5 | 6 [@doe-2020, §2] |\n| 2021 | a \\| b |\n\n> | A | B |\n> |---|---|\n> | 1 | 2 |\n\nText [@doe-2020, §1].\n",
    );
    let out = s.check();
    assert!(
        out.contains("warning: this row has 3 cells but the table has 2 columns; the cells past the last are not shown\n --> content/parks/p.md:8:1"),
        "{out}"
    );
    assert_eq!(out.matches("cells but the table").count(), 1, "{out}");
}

#[test]
fn headings_named_like_notes_get_ids_of_their_own() {
    // Numbered as repeats, `note` would be `note-1`, the first note's id.
    let s = site("## Note\n\n## Note\n\n## Ref 1\n\n## Ref 1\n\nText [@doe-2020, §1].\n");
    s.build_ok();
    let html = s.read("parks/p/index.html");
    for id in ["note", "note-h1", "ref-1-h1", "ref-1-h2"] {
        assert!(
            html.contains(&format!("<h2 id=\"{id}\">")),
            "no `{id}`:\n{html}"
        );
    }
    common::assert_unique_ids("parks/p/index.html", &html);
}

#[test]
fn a_footnote_of_several_blocks_keeps_them_whole() {
    let s = site(
        "Text [@doe-2020, §1].[^n]\n\n[^n]: First paragraph.\n\n    Second paragraph.\n\n    ```\n    code\n    ```\n",
    );
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("<span class=\"note-text\"><p>First paragraph.</p>\n<p>Second paragraph.</p>\n<pre class=\"code\"><code>code\n</code></pre></span>"),
        "{html}"
    );
}

#[test]
fn text_after_an_html_comment_and_after_an_empty_comment_is_shown() {
    let s =
        site("<!-- hidden --> shown after\n\n<!-->\n\n<div>kept</div>\n\nText [@doe-2020, §1].\n");
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    let body = main_of(&html);
    assert!(body.contains("shown after"), "{body}");
    assert!(!body.contains("hidden"), "{body}");
    assert!(body.contains("&lt;div&gt;kept&lt;/div&gt;"), "{body}");
    let out = r.diagnostics.render();
    assert!(
        out.contains("warning: raw HTML is shown as text\n  --> content/parks/p.md:10:1"),
        "{out}"
    );
    assert_eq!(out.matches("raw HTML is shown as text").count(), 1, "{out}");
}

#[test]
fn a_heading_id_with_a_control_character_is_made_from_its_words() {
    let s = site("## Intro {#a\u{1}b}\n\nText [@doe-2020, §1].\n");
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(html.contains("<h2 id=\"intro\">"), "{html}");
    assert!(
        r.diagnostics.render().contains(
            "holds spaces, quotes or control characters; made from the heading's words instead"
        ),
        "{}",
        r.diagnostics.render()
    );
}

#[test]
fn code_is_searched_as_written() {
    let s = site("Text [@doe-2020, §1] and `[@smith-2021, §2]` in code.\n");
    s.build_ok();
    let index = s.read("static/search-index.js");
    assert!(index.contains("[@smith-2021, §2]"), "{index}");
    assert!(
        !index.contains('\u{f0001}') && !index.contains('\u{f0000}'),
        "{index}"
    );
}

#[test]
fn a_dropped_link_whose_text_is_only_a_citation_is_an_error() {
    // The link is dropped (its scheme), and the mark takes the space before it.
    let s = site("Text [ [@doe-2020, §1]](javascript:x) and more [@doe-2020, §2].\n");
    let out = s.check();
    assert!(
        out.contains("error: a link's text is only a citation or a note mark"),
        "{out}"
    );
    assert!(out.contains("unsafe link dropped"), "{out}");
}

#[test]
fn an_autolink_in_a_links_text_is_its_text() {
    let s =
        site("See [the <https://example.org/x> page](https://example.org/y) [@doe-2020, §1].\n");
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        main_of(&html)
            .contains("<a href=\"https://example.org/y\">the https://example.org/x page</a>"),
        "{html}"
    );
}
