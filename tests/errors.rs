//! One test per class of content error: the exact diagnostic text.

mod common;
use common::{Site, park};

#[test]
fn yaml_syntax_error_points_at_the_file_line() {
    let s = Site::new(&[(
        "content/parks/p.md",
        "---\ntitle: Test\nsummary: x\naliases: [a, b\n---\nBody\n",
    )]);
    let out = s.check();
    assert!(out.contains("error: invalid YAML"), "{out}");
    // The YAML parser sees line 3 of the front matter; the user sees line 5 of the file.
    assert!(out.contains("--> content/parks/p.md:5:"), "{out}");
}

#[test]
fn unknown_key_suggests_the_close_one() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("provnce: Beijing\n", "Body [@doe-2020, §1].\n"),
    )]);
    let out = s.check();
    let expected = "error: unknown field `provnce`\n --> content/parks/p.md:4:1\n  |\n4 | provnce: Beijing\n  | ^^^^^^^ not a field of this kind\n  |\n  = hint: did you mean `province`?\n";
    assert!(out.contains(expected), "{out}");
}

#[test]
fn a_field_of_another_kind_says_so() {
    let s = Site::new(&[("content/parks/p.md", &park("predecessor: x\n", ""))]);
    let out = s.check();
    assert!(
        out.contains("hint: `predecessor` is a field of program, not of a park"),
        "{out}"
    );
}

#[test]
fn wrong_types_are_all_reported() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("area_km2: large\naliases: 5\n", ""),
    )]);
    let out = s.check();
    assert!(out.contains("error: wrong type for `area_km2`: invalid type: string \"large\", expected f64\n --> content/parks/p.md:4:11"), "{out}");
    assert!(out.contains("error: wrong type for `aliases`"), "{out}");
}

#[test]
fn missing_required_field() {
    let s = Site::new(&[("content/labs/l.md", "---\ntitle: Lab\n---\nx\n")]);
    let out = s.check();
    assert!(
        out.contains("error: missing required field `summary`\n --> content/labs/l.md:1:1"),
        "{out}"
    );
    assert!(out.contains("hint: add `summary: ...`"), "{out}");
}

#[test]
fn unknown_relation_target_and_wrong_kind() {
    let s = Site::new(&[
        (
            "content/labs/l.md",
            "---\ntitle: Lab\nsummary: x\npark: huairou\nprograms: [doe-2020]\n---\n",
        ),
        ("content/parks/huairou-science-city.md", &park("", "")),
    ]);
    let out = s.check();
    assert!(
        out.contains("error: unknown id `huairou` in `park`\n --> content/labs/l.md:4:7"),
        "{out}"
    );
    assert!(
        out.contains("hint: did you mean `huairou-science-city`?"),
        "{out}"
    );
    assert!(
        out.contains("error: `doe-2020` is a source, but `programs` takes a program"),
        "{out}"
    );
}

#[test]
fn duplicate_ids_across_kinds() {
    let s = Site::new(&[
        ("content/parks/x.md", &park("", "")),
        ("content/labs/x.md", "---\ntitle: X\nsummary: x\n---\n"),
    ]);
    let out = s.check();
    assert!(out.contains("error: duplicate id `x`"), "{out}");
}

#[test]
fn ids_that_collide_when_case_is_ignored() {
    let s = Site::new(&[
        ("content/parks/zone.md", &park("", "")),
        ("content/programs/Zone.md", &park("", "")),
    ]);
    let out = s.check();
    assert!(out.contains("have ids that differ only in case"), "{out}");
}

#[test]
fn invalid_file_name() {
    let s = Site::new(&[("content/parks/Big Park.md", &park("", ""))]);
    let out = s.check();
    assert!(out.contains("error: invalid entry id `Big Park`"), "{out}");
    assert!(
        out.contains("hint: rename the file to `big-park.md`"),
        "{out}"
    );
}

#[test]
fn missing_front_matter() {
    let s = Site::new(&[("content/parks/p.md", "Just text\n")]);
    let out = s.check();
    assert!(
        out.contains("error: missing front matter\n --> content/parks/p.md:1:1"),
        "{out}"
    );
}

#[test]
fn unclosed_front_matter() {
    let s = Site::new(&[("content/parks/p.md", "---\ntitle: x\n")]);
    assert!(s.check().contains("error: front matter is never closed"));
}

#[test]
fn empty_file() {
    let s = Site::new(&[("content/parks/p.md", "")]);
    let out = s.check();
    assert!(
        out.contains("error: file is empty\n --> content/parks/p.md"),
        "{out}"
    );
}

#[test]
fn invalid_utf8() {
    let s = Site::new(&[]);
    s.write_bytes("content/parks/p.md", b"---\ntitle: caf\xe9\n---\n");
    let out = s.check();
    assert!(
        out.contains("error: file is not valid UTF-8\n --> content/parks/p.md:2:11"),
        "{out}"
    );
}

#[test]
fn bom_is_a_warning_and_crlf_is_accepted() {
    let text = "\u{feff}---\r\ntitle: P\r\nsummary: s\r\nupdated: 2024-05-01\r\n---\r\nText [@doe-2020, §1].\r\n";
    let s = Site::new(&[("content/parks/p.md", text)]);
    let r = s.build_ok();
    let out = r.diagnostics.render();
    assert!(
        out.contains("warning: file starts with a byte-order mark (BOM)"),
        "{out}"
    );
    assert!(s.read("parks/p/index.html").contains("<h1>P"));
}

#[test]
fn crlf_errors_have_the_right_line() {
    let s = Site::new(&[(
        "content/parks/p.md",
        "---\r\ntitle: P\r\nsummary: s\r\ncolour: red\r\n---\r\n",
    )]);
    let out = s.check();
    assert!(
        out.contains("content/parks/p.md:4:1\n  |\n4 | colour: red\n"),
        "{out}"
    );
}

#[test]
fn unknown_province_and_vocabulary_term() {
    let config = format!(
        "{}[taxonomies.designation]\nscience-city = \"Science city\"\n",
        common::CONFIG
    );
    let s = Site::new(&[
        ("atlas.toml", &config),
        (
            "content/parks/p.md",
            &park("province: Bejing\ndesignation: sciense-city\n", ""),
        ),
    ]);
    let out = s.check();
    assert!(out.contains("error: unknown province `Bejing`"), "{out}");
    assert!(out.contains("hint: did you mean `Beijing`?"), "{out}");
    assert!(
        out.contains("warning: `sciense-city` is not in the designation vocabulary"),
        "{out}"
    );
    assert!(out.contains("hint: did you mean `science-city`?"), "{out}");
}

#[test]
fn link_to_unknown_entry() {
    let s = Site::new(&[
        (
            "content/parks/p.md",
            &park("", "See [Torch](@torch-progam).\n"),
        ),
        ("content/programs/torch-program.md", &park("", "")),
    ]);
    let out = s.check();
    assert!(
        out.contains("error: link to unknown id `torch-progam`\n --> content/parks/p.md:6:14"),
        "{out}"
    );
    assert!(out.contains("did you mean `torch-program`?"), "{out}");
}

#[test]
fn template_errors_name_the_template_and_line() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "")),
        (
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{{ nope( }}\n{% endblock main %}\n",
        ),
    ]);
    let out = s.check();
    assert!(out.contains("error: template syntax error"), "{out}");
    assert!(
        out.contains("--> themes/default/templates/page.html:3:"),
        "{out}"
    );
}

#[test]
fn template_rendering_errors_are_located() {
    let s = Site::new(&[
        (
            "content/pages/about.md",
            "---\ntitle: About\nsummary: s\n---\nx\n",
        ),
        (
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{{ missing.field }}\n{% endblock main %}\n",
        ),
    ]);
    let out = s.check();
    assert!(out.contains("error: template error"), "{out}");
    assert!(
        out.contains("themes/default/templates/page.html:3:"),
        "{out}"
    );
}

#[test]
fn never_panics_on_odd_content() {
    let odd: &[&str] = &[
        "---\n---\n",
        "---\n- a\n- b\n---\n",
        "---\ntitle: [\n---\n",
        "---\n: x\n---\n",
        "---\ntitle: 1\nsummary: 2\nestablished: 99999\n---\n",
        "---\ntitle: t\nsummary: s\nfacts: [{label: a}]\n---\n",
        "---\ntitle: t\nsummary: s\n---\n[@]\n[@doe-2020,]\n[^x]\n[a](@)\n",
        "---\ntitle: t\nsummary: s\nestablished: {cite: x}\n---\n",
        "\u{feff}",
        "---",
        "---\r\n---\r\n",
        "---\ntitle: t\nsummary: s\nprograms: {a: b}\n---\n",
    ];
    for (i, text) in odd.iter().enumerate() {
        let s = Site::new(&[(&format!("content/parks/p{i}.md"), text)]);
        let r = atlas::run(s.root(), &atlas::BuildOptions::default());
        assert!(
            r.diagnostics.has_errors(),
            "case {i} should be an error: {text:?}"
        );
    }
}

#[test]
fn a_page_id_that_is_a_folder_of_the_site_is_reserved() {
    // Every kind's folder and every taxonomy's, not a list kept by hand.
    for id in ["institutions", "labs", "period", "province", "map", "data"] {
        let s = Site::new(&[(
            &format!("content/pages/{id}.md"),
            "---\ntitle: A page\nsummary: s\n---\nx\n",
        )]);
        let out = s.check();
        assert!(
            out.contains(&format!(
                "error: page id `{id}` is reserved for the site's own pages\n --> content/pages/{id}.md"
            )),
            "{id}: {out}"
        );
    }
}

#[test]
fn two_files_at_one_path_are_an_error_in_check_and_build() {
    // A theme file at a path the site writes itself: neither may silently
    // replace the other, whichever is made first.
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "")),
        ("themes/default/static/search-index.js", "window.X = 1;\n"),
    ]);
    let expected = "error: two files of the site are both `static/search-index.js`";
    let out = s.check();
    assert!(out.contains(expected), "{out}");
    let built = s.build();
    assert!(built.diagnostics.has_errors());
    assert!(built.diagnostics.render().contains(expected));
    assert!(!s.out().exists(), "a failed build publishes nothing");
}

#[test]
fn a_value_on_the_line_below_its_key_is_pointed_at_there() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("province:\n  Bejing\n", "Body [@doe-2020, §1].\n"),
    )]);
    let out = s.check();
    assert!(out.contains("--> content/parks/p.md:5:3\n"), "{out}");
    assert!(out.contains("5 |   Bejing\n"), "{out}");
}

#[test]
fn columns_on_the_first_line_do_not_count_a_byte_order_mark() {
    let s = Site::new(&[("content/labs/l.md", "\u{feff}---\ntitle: Lab\n---\nx\n")]);
    let out = s.check();
    assert!(
        out.contains("error: missing required field `summary`\n --> content/labs/l.md:1:1"),
        "{out}"
    );
}

#[test]
fn a_repeated_key_is_pointed_at_where_it_repeats() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("city: Beijing\ntitle: Second title\n", ""),
    )]);
    let out = s.check();
    assert!(
        out.contains("error: invalid YAML: duplicate entry with key \"title\"\n --> content/parks/p.md:5:1\n  |\n5 | title: Second title\n  | ^^^^^"),
        "{out}"
    );
}

#[test]
fn a_problem_in_one_item_of_facts_is_pointed_at_in_that_item() {
    let facts = "facts:\n  - label: One\n    value: 1\n    editorial: true\n  - label: Two\n    value: 2\n    cite: \"doe-2020, §1\"\n    editorial: true\n";
    let s = Site::new(&[("content/parks/p.md", &park(facts, ""))]);
    let out = s.check();
    // Line 11 is the second item's `editorial: true`, not the first's (line 7).
    assert!(
        out.contains(
            "error: `facts` is marked editorial but cites a source\n  --> content/parks/p.md:11:5"
        ),
        "{out}"
    );
}

#[test]
fn the_same_unknown_source_in_two_facts_is_reported_at_each() {
    let facts = "facts:\n  - label: One\n    value: 1\n    cite: \"nosuch-2020, §1\"\n  - label: Two\n    value: 2\n    cite: \"nosuch-2020, §1\"\n";
    let s = Site::new(&[("content/parks/p.md", &park(facts, ""))]);
    let out = s.check();
    assert!(out.contains("content/parks/p.md:7:12"), "{out}");
    assert!(out.contains("content/parks/p.md:10:12"), "{out}");
}

#[test]
fn two_term_labels_named_alike_are_an_error_not_one_page() {
    let config = format!(
        "{}\n[taxonomies.designation]\nscience-park = \"Science park\"\nscience-park-2 = \"Science Park!\"\n",
        common::CONFIG
    );
    let entry = |title: &str, designation: &str| {
        format!(
            "---\ntitle: {title}\nsummary: S.\ndesignation: {designation}\nupdated: 2024-01-01\n---\nText [@doe-2020, §1].\n"
        )
    };
    let s = Site::new(&[
        ("atlas.toml", &config),
        ("content/parks/q.md", &entry("Q", "science-park")),
        ("content/parks/r.md", &entry("R", "science-park-2")),
        ("content/parks/s.md", &entry("S", "science-park-2")),
    ]);
    let out = s.check();
    assert!(out.contains("error: the designations `Science Park!` and `Science park` would have one page, `designation/science-park/`\n --> content/parks/r.md:4:14"), "{out}");
    // Told once, not for every entry with the label.
    assert_eq!(out.matches("would have one page").count(), 1, "{out}");
}

#[test]
fn a_value_listed_twice_is_an_error_where_it_repeats() {
    let s = Site::new(&[
        (
            "content/parks/p.md",
            &park(
                "fields: [physics, physics]\naliases: [ZGC, Z, ZGC]\nrelated:\n  - q\n  - q\n",
                "Text [@doe-2020, §1].\n",
            ),
        ),
        ("content/parks/q.md", &park("", "Text [@doe-2020, §1].\n")),
    ]);
    let out = s.check();
    for (message, at) in [
        (
            "error: `physics` is listed twice in `fields`",
            "content/parks/p.md:4:19",
        ),
        (
            "error: `ZGC` is listed twice in `aliases`",
            "content/parks/p.md:5:19",
        ),
        (
            "error: `q` is listed twice in `related`",
            "content/parks/p.md:8:5",
        ),
    ] {
        assert!(
            out.contains(&format!("{message}\n --> {at}")),
            "{message}: {out}"
        );
    }
}

#[test]
fn a_fact_with_an_empty_value_or_label_is_an_error() {
    for (item, what) in [
        ("{ label: \"\", value: \"\" }", "value"),
        ("{ label: \" \", value: one }", "label"),
    ] {
        let s = Site::new(&[(
            "content/parks/p.md",
            &park(
                &format!("facts:\n  - {{ label: A, value: one }}\n  - {item}\n"),
                "Text [@doe-2020, §1].\n",
            ),
        )]);
        let out = s.check();
        assert!(
            out.contains(&format!(
                "error: a fact in `facts` has an empty {what}\n --> content/parks/p.md:6:3"
            )),
            "{out}"
        );
    }
}

#[test]
fn a_yaml_tag_is_an_error_not_a_value_read_without_it() {
    for (line, col, tag) in [
        ("title: !!binary aGVsbG8=", 8, "!!binary"),
        (
            "title: !!python/object:os.system ls",
            8,
            "!!python/object:os.system",
        ),
        ("aliases: [a, !custom b]", 14, "!custom"),
    ] {
        let s = Site::new(&[(
            "content/parks/p.md",
            &format!("---\n{line}\nsummary: S.\nupdated: 2024-01-01\n---\nText [@doe-2020, §1].\n")
                .replace("---\naliases", "---\ntitle: T\naliases"),
        )]);
        let out = s.check();
        let row = if line.starts_with("aliases") { 3 } else { 2 };
        assert!(
            out.contains(&format!(
                "error: the YAML tag `{tag}` is not read\n --> content/parks/p.md:{row}:{col}"
            )),
            "{out}"
        );
    }
    // A `!` inside a value, quoted, or in a comment is no tag.
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "aliases: [\"!Bang\", 'Wow!', A!B] # !note\n",
            "Text [@doe-2020, §1].\n",
        ),
    )]);
    assert!(!s.check().contains("YAML tag"));
}

#[test]
fn china_written_another_way_is_an_error_not_a_comparator_abroad() {
    for country in ["china", "\" China\"", "中国", "PRC"] {
        let s = Site::new(&[(
            "content/parks/p.md",
            &park(&format!("country: {country}\n"), "Text [@doe-2020, §1].\n"),
        )]);
        let out = s.check();
        assert!(
            out.contains("names China another way\n --> content/parks/p.md:4:10"),
            "{country}: {out}"
        );
    }
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("country: Switzerland\n", "Text [@doe-2020, §1].\n"),
    )]);
    assert!(!s.check().contains("another way"));
}

#[test]
fn a_source_url_a_reader_cannot_follow_is_an_error() {
    for url in [
        "\"https://\"",
        "\"http://[::1\"",
        "\"https://exa mple.com/x\"",
        "\"ftp://h.org/r.pdf\"",
    ] {
        let source = common::SOURCE.replace("year: 2020\n", &format!("year: 2020\nurl: {url}\n"));
        let s = Site::new(&[
            ("content/sources/doe-2020.md", &source),
            ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        ]);
        let out = s.check();
        assert!(
            out.contains("error: `url` is not a link a reader can follow: ")
                && out.contains("--> content/sources/doe-2020.md:6:6"),
            "{url}: {out}"
        );
    }
}

#[test]
fn a_wrong_type_in_a_later_list_item_is_located_in_that_item() {
    let facts = "facts:\n  - { label: A, value: one }\n  - { label: B, value: ~ }\n";
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(facts, "Text [@doe-2020, §1].\n"),
    )]);
    let out = s.check();
    assert!(out.contains("error: wrong type for `facts`: `value` should be text, found nothing\n --> content/parks/p.md:6:3"), "{out}");
    // An item that is no fact says so in the author's terms.
    let facts = "facts:\n  - { label: A, value: one }\n  - just text\n";
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(facts, "Text [@doe-2020, §1].\n"),
    )]);
    let out = s.check();
    assert!(out.contains("--> content/parks/p.md:6:3"), "{out}");
    assert!(
        out.contains("a fact `{ label, value, cite }`") && !out.contains("struct"),
        "{out}"
    );
}

#[test]
fn a_key_that_is_not_text_is_one_error_on_its_own_line() {
    for (key, what) in [("1: c", "a number"), ("? [a, b]\n: c", "a list")] {
        let s = Site::new(&[(
            "content/parks/p.md",
            &park(&format!("{key}\n"), "Text [@doe-2020, §1].\n"),
        )]);
        let out = s.check();
        assert!(
            out.contains(&format!(
                "error: front matter key {what} is not text\n --> content/parks/p.md:4:1"
            )),
            "{out}"
        );
        assert_eq!(out.matches("error:").count(), 1, "{out}");
    }
}

#[test]
fn a_hidden_markdown_file_is_ignored_with_a_warning() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        ("content/labs/.draft-lab.md", &common::lab("")),
        ("content/labs/.#p.md", "editor lock"),
        ("content/.obsidian/notes.md", "settings"),
    ]);
    let out = s.check();
    assert!(out.contains("warning: `content/labs/.draft-lab.md` is hidden (its name starts with `.`) and is ignored"), "{out}");
    // An editor's lock file and a hidden folder are not content at all.
    assert_eq!(out.matches("is hidden").count(), 1, "{out}");
}

#[test]
fn a_list_value_holding_the_csv_separator_is_an_error() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("aliases: [\"a; b\", c]\n", "Text [@doe-2020, §1].\n"),
    )]);
    let out = s.check();
    assert!(
        out.contains("error: `a; b` in `aliases` holds `;`\n --> content/parks/p.md:4:12"),
        "{out}"
    );
}
