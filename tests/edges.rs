//! Inputs at their edges that once built silently wrong: dates off the
//! calendar, GeoJSON in its standard form, relation cycles, locators with
//! dashes, template errors without a place. Each is either accepted and
//! right or a located diagnostic.

mod common;
use common::{Site, park};

#[test]
fn dates_are_checked_against_the_calendar() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("established: 2016-02-30\n", "Text [@doe-2020, §1].\n"),
    )]);
    let out = s.check();
    assert!(
        out.contains("error: wrong type for `established`: `2016-02-30` is not a day of the calendar: February 2016 has 29 days\n --> content/parks/p.md:4:14"),
        "{out}"
    );
    let s = Site::new(&[(
        "content/parks/p.md",
        &park("updated: 2023-02-30T00:00:00Z\n", "Text [@doe-2020, §1].\n"),
    )]);
    let out = s.check();
    assert!(
        out.contains(
            "`2023-02-30T00:00:00Z` is a date and time; write the date alone, e.g. \"2023-02-30\""
        ),
        "{out}"
    );
    assert!(!out.contains("atom"), "{out}");
}

fn sites_file(feature: &str) -> String {
    format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{feature}\n]}}\n")
}

#[test]
fn a_feature_may_carry_its_id_as_the_standard_member() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        (
            "geodata/sites/s.geojson",
            &sites_file(
                "{\"type\":\"Feature\",\"id\":\"p\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.4,39.9]},\"properties\":{\"precision\":\"city\",\"approximate\":true,\"provenance\":\"general knowledge\"}}",
            ),
        ),
    ]);
    let r = s.build_ok();
    assert!(
        !r.diagnostics.render().contains("no location"),
        "{}",
        r.diagnostics.render()
    );
    assert!(s.read("parks/p/index.html").contains("116.40° E"));
}

#[test]
fn a_missing_key_is_called_missing() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        (
            "geodata/sites/s.geojson",
            &sites_file(
                "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.4,39.9]},\"properties\":{\"id\":\"p\",\"precision\":\"city\",\"provenance\":\"x\"}}",
            ),
        ),
    ]);
    let out = s.check();
    assert!(
        out.contains(
            "error: feature 0 (`p`): `approximate` is missing\n --> geodata/sites/s.geojson:2:"
        ),
        "{out}"
    );
    assert!(out.contains("hint: add `\"approximate\": true`"), "{out}");
    // Two ids that disagree.
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        (
            "geodata/sites/s.geojson",
            &sites_file(
                "{\"type\":\"Feature\",\"id\":\"q\",\"geometry\":null,\"properties\":{\"id\":\"p\",\"provenance\":\"x\"}}",
            ),
        ),
    ]);
    let out = s.check();
    assert!(
        out.contains("error: feature 0 has the id `q` but `properties.id` `p`"),
        "{out}"
    );
}

#[test]
fn relations_that_go_round_in_a_circle_are_errors() {
    let s = Site::new(&[
        (
            "content/parks/a.md",
            &park("part_of: b\n", "A [@doe-2020, §1].\n"),
        ),
        (
            "content/parks/b.md",
            &park("part_of: c\n", "B [@doe-2020, §1].\n"),
        ),
        (
            "content/parks/c.md",
            &park("part_of: a\n", "C [@doe-2020, §1].\n"),
        ),
        (
            "content/programs/x.md",
            "---\ntitle: X\nsummary: s\nupdated: 2024-05-01\npredecessor: y\n---\nX [@doe-2020, §1].\n",
        ),
        (
            "content/programs/y.md",
            "---\ntitle: Y\nsummary: s\nupdated: 2024-05-01\npredecessor: x\n---\nY [@doe-2020, §1].\n",
        ),
    ]);
    let out = s.check();
    assert!(
        out.contains(
            "error: `part_of` goes round in a circle: a → b → c → a\n --> content/parks/a.md:4:10"
        ),
        "{out}"
    );
    assert!(out.contains("error: `predecessor` goes round in a circle: x → y → x\n --> content/programs/x.md:5:14"), "{out}");
    assert_eq!(out.matches("goes round in a circle").count(), 2, "{out}");
}

#[test]
fn locators_with_dashes_and_pages_read_right() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "",
            "A [@doe-2020, §3--5]. B [@doe-2020, p. 12]. C [@doe-2020, pp. 3--4, \"A report\"].\n",
        ),
    )]);
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(html.contains("Doe 2020</a>, §3–5."), "{html}");
    assert!(html.contains("Doe 2020</a>, p. 12."), "{html}");
    assert!(
        html.contains("Doe 2020</a>, pp. 3–4: <q>A report</q>."),
        "{html}"
    );
}

/// A site whose theme `t` overrides `page.html` with `template`.
fn theme_site(template: &str) -> String {
    let s = Site::new(&[
        ("atlas.toml", &format!("{}theme = \"t\"\n", common::CONFIG)),
        (
            "content/pages/about.md",
            "---\ntitle: About\nsummary: s\n---\nAbout [@doe-2020, §1].\n",
        ),
        ("themes/t/templates/page.html", template),
    ]);
    s.check()
}

#[test]
fn every_template_error_names_its_file_and_line() {
    for (template, message, place) in [
        (
            "{% if %}",
            "error: template syntax error:",
            "themes/t/templates/page.html:1:7",
        ),
        (
            "{{ nope.x }}",
            "error: template error: Variable `nope` is not defined",
            "themes/t/templates/page.html:1:4",
        ),
        (
            "{{ page.title | nofilter }}",
            "error: template error: Unknown filter `nofilter`",
            "themes/t/templates/page.html:1:17",
        ),
        (
            "{% extends \"missing.html\" %}",
            "error: template error: template `page.html` extends `missing.html`, which the theme does not have",
            "themes/t/templates/page.html:1:12",
        ),
        (
            "{% include \"missing.html\" %}",
            "error: template error: Unknown template `missing.html`",
            "themes/t/templates/page.html:1:12",
        ),
        (
            "{{ nofn() }}",
            "error: template error: Unknown function `nofn`",
            "themes/t/templates/page.html:1:4",
        ),
        (
            "{% extends \"page.html\" %}",
            "error: template error: templates extend each other in a circle",
            "themes/t/templates/page.html:1:12",
        ),
        (
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
            "error: template error: the page's loops would take more than 100000 `range` elements in all (the limit per page)",
            "themes/t/templates/page.html:1:45",
        ),
    ] {
        let out = theme_site(template);
        assert!(out.contains(message), "{template}:\n{out}");
        assert!(
            out.contains(&format!("--> {place}\n")),
            "{template}:\n{out}"
        );
        assert!(!out.contains("--> themes\n"), "{template}:\n{out}");
    }
}
