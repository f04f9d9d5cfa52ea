//! The two ways of publishing the README describes: GitHub Pages under a
//! project subpath, and a static host at a domain root. A build with each
//! `--base-url` gives absolute URLs with exactly that prefix wherever a
//! file needs one (sitemap, feed, canonical links, citation metadata,
//! JSON-LD, the downloads), and the 404 page links from the base path.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Site, park};

fn build_at(base: &str) -> Site {
    let s = Site::new(&[
        (
            "content/parks/p.md",
            &park("name_zh: 怀柔\n", "Text [@doe-2020, §1].\n"),
        ),
        (
            "content/pages/about.md",
            "---\ntitle: About\nsummary: What the atlas is.\nmenu: 1\n---\nAbout [@doe-2020, §1].\n",
        ),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .arg("--root")
        .arg(s.root())
        .args(["build", "--base-url", base])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    s
}

/// Every absolute URL of the site's own that `text` holds starts with
/// `base`, and the configured base URL appears nowhere.
fn assert_urls_under(path: &str, text: &str, base: &str) {
    assert!(
        !text.contains("https://example.org/atlas/"),
        "{path} still names the configured base_url"
    );
    assert!(text.contains(base), "{path} names no URL under {base}");
}

fn assert_published_at(s: &Site, base: &str, base_path: &str) {
    let sitemap = s.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.len() > 10, "{sitemap}");
    for loc in &locs {
        assert!(loc.starts_with(base), "sitemap: {loc}");
    }
    assert!(locs.contains(&format!("{base}parks/p/").as_str()));
    assert!(locs.contains(&format!("{base}data/").as_str()));

    let feed = s.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    for n in doc.descendants() {
        if n.has_tag_name("id") {
            assert!(
                n.text().unwrap().starts_with(base),
                "feed id {:?}",
                n.text()
            );
        }
        if let Some(href) = n.attribute("href") {
            assert!(href.starts_with(base), "feed link {href}");
        }
    }
    assert!(feed.contains(&format!("<link href=\"{base}atom.xml\" rel=\"self\"")));

    assert!(
        s.read("robots.txt")
            .contains(&format!("Sitemap: {base}sitemap.xml"))
    );

    let page = s.read("parks/p/index.html");
    for expected in [
        format!("<link rel=\"canonical\" href=\"{base}parks/p/\">"),
        format!("<meta property=\"og:url\" content=\"{base}parks/p/\">"),
        format!("<meta name=\"citation_public_url\" content=\"{base}parks/p/\">"),
        format!("<meta name=\"citation_abstract_html_url\" content=\"{base}parks/p/\">"),
        format!("\"@id\":\"{base}parks/p/\""),
        format!("In Test Atlas. {base}parks/p/."),
    ] {
        assert!(page.contains(&expected), "{expected}\n{page}");
    }
    // Pages link relatively, so they also work from disk.
    assert!(page.contains("href=\"../../static/style.css\""));
    assert!(
        s.read("about/index.html")
            .contains(&format!("<link rel=\"canonical\" href=\"{base}about/\">"))
    );

    assert!(
        s.read("parks/p/cite.bib")
            .contains(&format!("  url = {{{base}parks/p/}},\n"))
    );
    assert!(
        s.read("parks/p/cite.ris")
            .contains(&format!("UR  - {base}parks/p/\r\n"))
    );
    assert!(
        s.read("parks/p/cite.json")
            .contains(&format!("\"URL\": \"{base}parks/p/\""))
    );

    let package: serde_json::Value =
        serde_json::from_str(&s.read("data/datapackage.json")).unwrap();
    assert_eq!(package["homepage"], base);
    let json: serde_json::Value = serde_json::from_str(&s.read("data/atlas.json")).unwrap();
    assert_eq!(json["url"], base);
    assert_eq!(json["entries"][0]["page"], format!("{base}parks/p/"));
    assert!(
        s.read("data/atlas.csv")
            .contains(&format!(",{base}parks/p/,"))
    );
    assert!(
        s.read("data/index.html")
            .contains(&format!("\"contentUrl\":\"{base}data/facts.csv\""))
    );

    // A host serves 404.html at any depth: it links from the base path.
    let not_found = s.read("404.html");
    assert!(
        not_found.contains(&format!("href=\"{base_path}static/style.css\"")),
        "{not_found}"
    );

    for path in [
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "parks/p/index.html",
        "parks/p/cite.bib",
        "data/atlas.json",
        "data/datapackage.json",
        "data/index.html",
    ] {
        assert_urls_under(path, &s.read(path), base);
    }
    assert!(
        !s.read("data/sites.geojson")
            .contains("https://example.org/atlas/")
    );
}

#[test]
fn github_pages_at_a_project_subpath() {
    let base = "https://user.github.io/atlas/";
    let s = build_at(base);
    assert_published_at(&s, base, "/atlas/");
}

#[test]
fn a_static_host_at_a_domain_root() {
    // Given without the final slash, as a host's settings often show it.
    let s = build_at("https://atlas.example.net");
    assert_published_at(&s, "https://atlas.example.net/", "/");
}

#[test]
fn the_pages_workflow_runs_only_by_hand_and_sets_the_base_url() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workflow = std::fs::read_to_string(root.join(".github/workflows/pages.yml")).unwrap();
    let on = workflow
        .lines()
        .skip_while(|l| *l != "on:")
        .skip(1)
        .take_while(|l| l.starts_with(' ') || l.is_empty())
        .filter(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>();
    assert_eq!(
        on,
        ["workflow_dispatch:"],
        "the workflow must not run on its own"
    );
    assert!(workflow.contains(
        "cargo run --release -- build --output site --base-url \"${{ steps.pages.outputs.base_url }}\""
    ));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains(".github/workflows/pages.yml"));
    assert!(readme.contains("base_url = \"https://<owner>.github.io/<repository>/\""));
    assert!(readme.contains("base_url = \"https://atlas.example.org/\""));
}
