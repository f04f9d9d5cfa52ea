//! The atlas's own content keeps its policy: every entry in China has a
//! Chinese name, every source a URL or a stated reason for none, and no
//! comparator abroad is counted or drawn as in China.

use std::path::Path;

use atlas::entry::{Kind, Meta};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every entry of the real atlas, parsed.
fn entries() -> Vec<atlas::entry::Entry> {
    let mut diags = atlas::diag::Diagnostics::default();
    let files = atlas::load::load_content(root(), &mut diags);
    let config = atlas::Config::load(root()).unwrap();
    files
        .iter()
        .filter_map(|f| atlas::entry::parse_entry(f, &config.taxonomies).0)
        .collect()
}

#[test]
fn every_entry_in_china_has_a_chinese_name() {
    let missing: Vec<String> = entries()
        .iter()
        .filter_map(|e| {
            let item = e.head.item()?;
            (item.in_china() && item.name_zh.is_none()).then(|| e.path().to_string())
        })
        .collect();
    assert!(missing.is_empty(), "no `name_zh`: {missing:#?}");
}

#[test]
fn every_source_has_a_url_or_a_stated_reason_for_none() {
    let mut checked = 0;
    for e in entries() {
        let Meta::Source(s) = &e.head.meta else {
            continue;
        };
        let url = s.url.as_deref().unwrap_or("");
        let reason = s.availability.as_deref().unwrap_or("");
        assert!(
            url.starts_with("http") || reason.len() > 20,
            "{}: neither `url` nor `availability`",
            e.path()
        );
        if !url.is_empty() {
            assert!(
                s.accessed.is_some(),
                "{}: a `url` without `accessed`",
                e.path()
            );
        }
        checked += 1;
    }
    assert!(checked >= 5);
}

#[test]
fn no_comparator_abroad_is_counted_or_drawn_as_in_china() {
    let r = atlas::run(root(), &atlas::BuildOptions::default());
    assert!(!r.diagnostics.has_errors(), "{}", r.diagnostics.render());
    let page = |path: &str| {
        let f = r.files.iter().find(|f| f.path == path).unwrap();
        String::from_utf8_lossy(&f.bytes).into_owned()
    };
    let all = entries();
    let abroad: Vec<&atlas::entry::Entry> = all
        .iter()
        .filter(|e| e.head.item().is_some_and(|m| !m.in_china()))
        .collect();
    assert!(abroad.len() > 10, "{} comparators", abroad.len());
    // Not drawn on China's maps (the national map and its insets).
    for (path, prefix) in [("map/index.html", "../"), ("index.html", "")] {
        let html = page(path);
        for svg in html.split("<svg class=\"map map-").skip(1) {
            let (slug, rest) = svg.split_once('"').unwrap();
            if slug == "world" {
                continue;
            }
            let svg = &rest[..rest.find("</svg>").unwrap()];
            for e in &abroad {
                let href = format!("href=\"{prefix}{}index.html\"", e.head.url_path());
                assert!(
                    !svg.contains(&href),
                    "{path}: `{}` drawn on the map of {slug}",
                    e.id()
                );
            }
        }
    }
    // Not counted as in China: each kind's index lists China's entries in
    // its first table and the comparators in a second.
    for kind in Kind::ITEMS {
        let in_china = all
            .iter()
            .filter(|e| e.kind() == kind && e.head.item().is_some_and(|m| m.in_china()))
            .count();
        let html = page(&format!("{}/index.html", kind.folder()));
        assert!(
            html.contains(&format!("<caption>{in_china} in China</caption>")),
            "{}: not {in_china} in China",
            kind.folder()
        );
        let first = &html[..html.find("</table>").unwrap()];
        for e in abroad.iter().filter(|e| e.kind() == kind) {
            assert!(
                !first.contains(&format!("/{}/index.html\"", e.id())),
                "`{}` in China's table",
                e.id()
            );
        }
    }
    // The home page's count of entries in China.
    let home = page("index.html");
    let in_china = all
        .iter()
        .filter(|e| e.head.item().is_some_and(|m| m.in_china()))
        .count();
    let footer = &home[home.find("<footer").unwrap()..];
    assert!(footer.contains(&format!("{in_china} entries")), "{footer}");
}
