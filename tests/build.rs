//! Features of a successful build, asserted on the real HTML.

mod common;
use common::{Site, assert_links_resolve, lab, park};

#[test]
fn markdown_features() {
    let body = "## Big \"Science\"\n\nText with ~~old~~ and -- dashes [^n].\n\n[^n]: A note.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n";
    let s = Site::new(&[("content/parks/p.md", &park("", body))]);
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains(
            "<h2 id=\"big-science\">Big “Science” <a class=\"anchor\" href=\"#big-science\""
        ),
        "{html}"
    );
    assert!(html.contains("<del>old</del>"));
    assert!(html.contains("–"), "smart dashes");
    assert!(html.contains("<table>"));
    assert!(html.contains("class=\"hl-"), "highlighted code");
    assert!(
        html.contains("<li id=\"note-1\" value=\"1\"><span class=\"note-text\">A note.</span>"),
        "{html}"
    );
    let css = s.read("static/highlight.css");
    assert!(css.contains("prefers-color-scheme: dark"));
}

#[test]
fn raw_html_is_escaped_unless_allowed() {
    let body = "<script>alert(1)</script>\n\nA <b>bold</b> word.\n";
    let s = Site::new(&[("content/parks/p.md", &park("", body))]);
    s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
    let allowed = format!("{}allow_html = true\n", common::CONFIG);
    s.write("atlas.toml", &allowed);
    s.build_ok();
    assert!(s.read("parks/p/index.html").contains("A <b>bold</b> word."));
}

#[test]
fn javascript_links_are_dropped() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "",
            "[click](javascript:alert(1)) and [x]( JavaScript:void(0))\n",
        ),
    )]);
    let r = s.build_ok();
    let html = s.read("parks/p/index.html");
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    assert!(html.contains("click"));
    assert!(
        r.diagnostics
            .render()
            .contains("warning: unsafe link dropped")
    );
}

#[test]
fn relations_show_both_ways_and_links_resolve() {
    let s = Site::new(&[
        (
            "content/parks/huairou.md",
            &park(
                "programs: [torch]\n",
                "A park [@doe-2020, §1]. See [the lab](@ihep).\n",
            ),
        ),
        (
            "content/labs/ihep.md",
            &lab("park: { value: huairou, cite: \"doe-2020, Figure 9\" }\n"),
        ),
        (
            "content/programs/torch.md",
            "---\ntitle: Torch Program\nsummary: s\nupdated: 2024-05-01\nestablished: 1988\n---\n",
        ),
        (
            "content/programs/later.md",
            "---\ntitle: Later\nsummary: s\nupdated: 2024-05-01\npredecessor: torch\n---\n",
        ),
    ]);
    s.build_ok();
    let park_html = s.read("parks/huairou/index.html");
    assert!(
        park_html.contains("<h3>Labs and facilities here</h3>"),
        "{park_html}"
    );
    assert!(park_html.contains("href=\"../../labs/ihep/index.html\">Test Lab</a>"));
    assert!(park_html.contains("<a href=\"../../labs/ihep/index.html\">the lab</a>"));
    let lab_html = s.read("labs/ihep/index.html");
    assert!(lab_html.contains("<h3>Located in</h3>"));
    let torch = s.read("programs/torch/index.html");
    assert!(
        torch.contains("<h3>Parks and zones</h3>") && torch.contains("<h3>Succeeded by</h3>"),
        "{torch}"
    );
    assert!(
        s.read("programs/later/index.html")
            .contains("<h3>Preceded by</h3>")
    );
    assert!(s.read("period/1980s/index.html").contains("Torch Program"));
}

#[test]
fn every_internal_link_resolves_to_a_file() {
    let s = Site::new(&[
        (
            "content/parks/p.md",
            &park(
                "province: Beijing\nfields: [energy]\ndesignation: science-city\nestablished: 2016\n",
                "Text [@doe-2020, §1] [x](@l).\n",
            ),
        ),
        ("content/labs/l.md", &lab("park: p\n")),
        (
            "content/pages/about.md",
            "---\ntitle: About\nsummary: s\nmenu: 1\n---\nSee [p](@p).\n",
        ),
    ]);
    s.build_ok();
    let checked = assert_links_resolve(&s.out(), &common::read_site(&s.out()));
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn links_work_from_disk_and_under_a_subpath() {
    let s = Site::new(&[("content/parks/p.md", &park("", ""))]);
    let r = atlas::build(
        s.root(),
        &s.out(),
        &atlas::BuildOptions {
            base_url: Some("https://host.org/sub/atlas".into()),
        },
    );
    assert!(!r.diagnostics.has_errors());
    let html = s.read("parks/p/index.html");
    assert!(
        html.contains("<link rel=\"canonical\" href=\"https://host.org/sub/atlas/parks/p/\">"),
        "{html}"
    );
    assert!(html.contains("href=\"../../static/style.css\""));
    assert!(html.contains("class=\"brand\" href=\"../../index.html\""));
    assert!(
        s.read("404.html")
            .contains("href=\"/sub/atlas/static/style.css\"")
    );
    assert!(
        s.read("sitemap.xml")
            .contains("<loc>https://host.org/sub/atlas/parks/p/</loc>")
    );
    assert!(
        s.read("robots.txt")
            .contains("Sitemap: https://host.org/sub/atlas/sitemap.xml")
    );
    assert!(
        s.read("atom.xml")
            .contains("<id>https://host.org/sub/atlas/parks/p/</id>")
    );
    // Without index.html in links, folder URLs are used.
    s.write(
        "atlas.toml",
        &format!("{}index_html_links = false\n", common::CONFIG),
    );
    s.build_ok();
    assert!(
        s.read("parks/p/index.html")
            .contains("class=\"brand\" href=\"../../\"")
    );
}

#[test]
fn output_is_deterministic() {
    let files: Vec<(String, String)> = (0..30)
        .map(|i| {
            (
                format!("content/parks/p{i}.md"),
                park(
                    &format!("related: [p{}]\n", (i + 1) % 30),
                    "Text [@doe-2020, §1].\n",
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let s = Site::new(&refs);
    s.build_ok();
    let a = common::read_site(&s.out());
    s.build_ok();
    let b = common::read_site(&s.out());
    assert_eq!(a, b);
    let on_disk: Vec<u8> = std::fs::read(s.out().join("parks/p3/index.html")).unwrap();
    assert_eq!(
        on_disk,
        a.iter()
            .find(|f| f.path == "parks/p3/index.html")
            .unwrap()
            .bytes
    );
}

#[test]
fn a_failed_build_keeps_the_previous_site() {
    let s = Site::new(&[("content/parks/p.md", &park("", "Good.\n"))]);
    s.build_ok();
    let before = s.read("parks/p/index.html");
    s.write("content/parks/p.md", "---\ntitle: [broken\n---\n");
    let r = s.build();
    assert!(r.diagnostics.has_errors());
    assert_eq!(s.read("parks/p/index.html"), before);
    let siblings: Vec<_> = std::fs::read_dir(s.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !siblings
            .iter()
            .any(|n| n.to_string_lossy().contains("atlas-new")),
        "{siblings:?}"
    );
}

#[test]
fn refuses_to_overwrite_a_folder_it_did_not_create() {
    let s = Site::new(&[("content/parks/p.md", &park("", ""))]);
    s.write("site/precious.txt", "keep me");
    let r = s.build();
    assert!(
        r.diagnostics
            .render()
            .contains("it exists and atlas did not create it")
    );
    assert_eq!(
        std::fs::read_to_string(s.out().join("precious.txt")).unwrap(),
        "keep me"
    );
    let r = atlas::build(s.root(), s.root(), &atlas::BuildOptions::default());
    assert!(
        r.diagnostics
            .render()
            .contains("it is the project folder or one of its parents")
    );
    assert!(s.root().join("content/parks/p.md").exists());
}

#[test]
fn pages_for_every_kind_and_taxonomy() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("province: Beijing\n", "")),
        (
            "content/pages/glossary.md",
            "---\ntitle: Glossary\nsummary: s\nmenu: 3\n---\nTerms.\n",
        ),
    ]);
    s.build_ok();
    for path in [
        "index.html",
        "parks/index.html",
        "programs/index.html",
        "labs/index.html",
        "sources/index.html",
        "sources/doe-2020/index.html",
        "glossary/index.html",
        "province/index.html",
        "province/beijing/index.html",
        "field/index.html",
        "designation/index.html",
        "period/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
    ] {
        assert!(s.out().join(path).is_file(), "missing {path}");
    }
    assert!(
        s.read("index.html")
            .contains("href=\"glossary/index.html\">Glossary</a>")
    );
    assert!(
        s.read("parks/index.html")
            .contains("data-search=\"test park | \"")
    );
}

#[test]
fn new_writes_a_valid_entry_of_every_kind() {
    let s = Site::new(&[]);
    for kind in ["park", "program", "lab", "page"] {
        let text = atlas::cli::new_entry_text(
            atlas::entry::Kind::from_name(kind).unwrap(),
            "Zhangjiang Science City",
        );
        let filled = text.replace("summary: \"\"", "summary: \"A summary.\"");
        s.write(&format!("content/{kind}s/x-{kind}.md"), &filled);
    }
    let out = s.check();
    assert!(!out.contains("error"), "{out}");
}

#[test]
fn data_downloads_and_search_index() {
    let s = Site::new(&[
        (
            "content/parks/p.md",
            &park(
                "name_zh: 怀柔\nestablished: { value: 2016, cite: \"doe-2020, §1\" }\nprovince: Beijing\n",
                "Big science [@doe-2020, §1].\n",
            ),
        ),
        ("content/labs/l.md", &lab("park: p\n")),
    ]);
    s.build_ok();
    let json: serde_json::Value = serde_json::from_str(&s.read("data/atlas.json")).unwrap();
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let p = entries.iter().find(|e| e["id"] == "p").unwrap();
    assert_eq!(p["established"], "2016");
    assert_eq!(p["country"], "China");
    assert_eq!(
        p["facts"][1],
        serde_json::json!({
            "field": "established", "label": "Established", "value": "2016",
            "citations": [{ "source": "doe-2020", "locator": "§1", "quote": null }],
            "note": null, "editorial": false,
        })
    );
    assert_eq!(
        p["linked_from"],
        serde_json::json!([{ "relation": "park", "from": "l" }])
    );
    assert_eq!(json["sources"][0]["id"], "doe-2020");
    let csv = s.read("data/atlas.csv");
    assert!(
        csv.starts_with("\u{feff}id,kind,page,title,summary,name_zh,"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "\r\np,park,https://example.org/atlas/parks/p/,Test Park,A park.,怀柔,,,2016,"
        ),
        "{csv}"
    );
    let facts = s.read("data/facts.csv");
    assert!(
        facts.contains("\r\np,2,established,Established,2016,doe-2020,§1,,,false\r\n"),
        "{facts}"
    );
    // A Chinese name without a citation is the atlas's own.
    assert!(
        facts.contains("\r\np,1,name_zh,,怀柔,,,,,true\r\n"),
        "{facts}"
    );
    let index = s.read("static/search-index.js");
    assert!(index.starts_with("window.ATLAS_SEARCH = [{"), "{index}");
    assert!(index.contains("\"x\":\"Big science.\""), "{index}");
}

#[test]
fn timeline_draws_dated_programs() {
    let s = Site::new(&[
        (
            "content/programs/a.md",
            "---\ntitle: Plan A\nsummary: s\nupdated: 2024-05-01\nestablished: 1986\nended: 2016\n---\nx [@doe-2020, §1]\n",
        ),
        (
            "content/programs/b.md",
            "---\ntitle: Plan B\nsummary: s\nupdated: 2024-05-01\nestablished: \"2006-02\"\n---\nx [@doe-2020, §1]\n",
        ),
        (
            "content/programs/c.md",
            "---\ntitle: Undated\nsummary: s\nupdated: 2024-05-01\n---\nx [@doe-2020, §1]\n",
        ),
    ]);
    s.build_ok();
    let html = s.read("timeline/index.html");
    assert!(
        html.contains("aria-label=\"2 programs from 1980 to 2020\""),
        "{html}"
    );
    // Each row: the title (whole, never cut), its dates, a bar on a track.
    assert!(
        html.contains(
            "<a href=\"../programs/a/index.html\">Plan A</a> <span class=\"when\">1986–2016</span>"
        ),
        "{html}"
    );
    assert!(html.contains("Plan B</a> <span class=\"when\">2006-02</span>"));
    assert!(
        html.contains("<li>1980</li><li>1990</li><li>2000</li><li>2010</li></ol>"),
        "{html}"
    );
    assert!(!html.contains("Undated"));
}

#[test]
fn lists_are_in_the_order_of_the_titles_shown_not_of_the_ids() {
    let entry = |title: &str| {
        format!(
            "---\ntitle: {title}\nsummary: A park.\nupdated: 2024-05-01\n---\nText [@doe-2020, §1].\n"
        )
    };
    let s = Site::new(&[
        ("content/parks/a-zone.md", &entry("Zhongguancun")),
        ("content/parks/b-zone.md", &entry("beijing Park")),
        ("content/parks/c-zone.md", &entry("Alpha Zone")),
    ]);
    s.build_ok();
    let order = |html: &str| {
        let mut at: Vec<(usize, &str)> = ["Alpha Zone", "beijing Park", "Zhongguancun"]
            .into_iter()
            .map(|t| (html.find(&format!(">{t}</a>")).expect(t), t))
            .collect();
        at.sort();
        at.into_iter().map(|(_, t)| t).collect::<Vec<_>>()
    };
    let expected = ["Alpha Zone", "beijing Park", "Zhongguancun"];
    assert_eq!(order(&s.read("parks/index.html")), expected);
    // The entries citing a source, on its page.
    assert_eq!(order(&s.read("sources/doe-2020/index.html")), expected);
}
