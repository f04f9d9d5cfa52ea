//! Geodata: validation errors, map marks, and the GeoJSON download.

mod common;
use common::{Site, lab, park};

fn point(id: &str, lon: f64, lat: f64) -> String {
    format!(
        "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon},{lat}]}},\"properties\":{{\"id\":\"{id}\",\"precision\":\"district\",\"approximate\":true,\"provenance\":\"general knowledge\"}}}}"
    )
}

fn collection(features: &[String]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        features.join(",\n")
    )
}

fn site(features: &[String]) -> Site {
    Site::new(&[
        (
            "content/parks/huairou.md",
            &park("", "Text [@doe-2020, §1].\n"),
        ),
        ("content/labs/ihep.md", &lab("park: huairou\n")),
        ("content/labs/cern.md", &lab("country: Switzerland\n")),
        ("geodata/sites/sites.geojson", &collection(features)),
    ])
}

fn all_good() -> Vec<String> {
    vec![
        point("huairou", 116.63, 40.41),
        point("ihep", 116.32, 39.91),
        point("cern", 6.05, 46.23),
    ]
}

#[test]
fn swapped_coordinates_get_a_hint() {
    let mut f = all_good();
    f[0] = point("huairou", 40.41, 116.63);
    let out = site(&f).check();
    assert!(out.contains("error: feature 0 (`huairou`): [40.41, 116.63] is out of range (longitude ±180, latitude ±90)"), "{out}");
    assert!(out.contains("--> geodata/sites/sites.geojson:2:"), "{out}");
    assert!(
        out.contains("hint: GeoJSON is [longitude, latitude]: did you mean [116.63, 40.41]?"),
        "{out}"
    );
    f[0] = point("huairou", 40.0, 80.0);
    let out = site(&f).check();
    assert!(out.contains("[40, 80] lies outside China"), "{out}");
    assert!(out.contains("did you mean [80, 40]?"), "{out}");
}

#[test]
fn points_outside_the_region_and_foreign_points() {
    let mut f = all_good();
    f[1] = point("ihep", 2.35, 48.85);
    let out = site(&f).check();
    assert!(
        out.contains("error: feature 1 (`ihep`): [2.35, 48.85] lies outside China"),
        "{out}"
    );
    assert!(
        out.contains("hint: set `country` on the entry if it is outside China"),
        "{out}"
    );
    // CERN is in Switzerland: no complaint.
    assert!(!out.contains("`cern`"), "{out}");
}

#[test]
fn unclosed_rings_and_invalid_geometry() {
    let mut f = all_good();
    f[0] = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.6,40.4],[116.7,40.4],[116.7,40.5],[116.6,40.5]]]},\"properties\":{\"id\":\"huairou\",\"precision\":\"site\",\"approximate\":true,\"provenance\":\"x\"}}".into();
    let out = site(&f).check();
    assert!(
        out.contains("error: feature 0 (`huairou`): ring 0 is not closed"),
        "{out}"
    );
    f[0] = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[116.6,40.4],[116.7,40.4]]},\"properties\":{\"id\":\"huairou\",\"precision\":\"site\",\"approximate\":true,\"provenance\":\"x\"}}".into();
    assert!(
        site(&f)
            .check()
            .contains("a LineString cannot locate a site")
    );
    let s = site(&all_good());
    s.write(
        "geodata/sites/broken.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"type\": \"Feature\",, }\n]}",
    );
    let out = s.check();
    assert!(out.contains("error: invalid GeoJSON"), "{out}");
    assert!(out.contains("--> geodata/sites/broken.geojson:2:"), "{out}");
}

#[test]
fn features_without_entries_and_entries_without_features() {
    let mut f = all_good();
    f.push(point("huairo", 116.6, 40.4));
    f.remove(1);
    let out = site(&f).check();
    assert!(
        out.contains("error: feature 2 (`huairo`) has no entry"),
        "{out}"
    );
    assert!(out.contains("hint: did you mean `huairou`?"), "{out}");
    assert!(out.contains("warning: lab `ihep` has no location"), "{out}");
}

#[test]
fn bad_precision_and_missing_provenance() {
    let mut f = all_good();
    f[0] = f[0]
        .replace("\"district\"", "\"distrct\"")
        .replace("general knowledge", "");
    let out = site(&f).check();
    assert!(out.contains("invalid precision `distrct`"), "{out}");
    assert!(out.contains("did you mean `district`?"), "{out}");
    assert!(
        out.contains("does not say where its position came from"),
        "{out}"
    );
}

#[test]
fn maps_have_one_linked_labelled_mark_per_located_entry() {
    let s = site(&all_good());
    s.build_ok();
    let html = s.read("map/index.html");
    let china = &html[html.find("class=\"map map-china\"").unwrap()..];
    let china = &china[..china.find("</svg>").unwrap()];
    // On China's map the two Beijing sites stand too close: at each level of
    // detail they are one cluster listing both, leading to the Beijing inset.
    let levels = atlas::geo::marks::LEVEL_WIDTHS.len();
    assert_eq!(china.matches("<g class=\"level level-").count(), levels);
    assert_eq!(china.matches("<a href=").count(), levels, "{china}");
    assert_eq!(
        china.matches("<a href=\"#beijing\" class=\"mark cluster\" data-sites=\"[[&quot;../labs/ihep/index.html&quot;,&quot;Test Lab&quot;,&quot;lab&quot;],[&quot;../parks/huairou/index.html&quot;,&quot;Test Park&quot;,&quot;park&quot;]]\" data-inset=\"Beijing area\"><title>2 sites here: Test Lab, Test Park</title>").count(),
        levels,
        "{china}"
    );
    // On the inset they stand apart: one linked, named mark each, at each level.
    let inset = &html[html.find("class=\"map map-beijing\"").unwrap()..];
    let inset = &inset[..inset.find("</svg>").unwrap()];
    assert_eq!(inset.matches("<a href=").count(), 2 * levels, "{inset}");
    assert!(inset.contains("<a href=\"../parks/huairou/index.html\" class=\"mark park\"><title>Test Park (park)</title><circle class=\"hit\""), "{inset}");
    let world = &html[html.find("class=\"map map-world\"").unwrap()..];
    let world = &world[..world.find("</svg>").unwrap()];
    assert_eq!(
        world.matches("<a href=").count(),
        levels,
        "only the foreign site: {world}"
    );
    // A legend names the kinds drawn.
    assert!(html.contains("<ul class=\"map-legend\">"), "{html}");
    // A text table of the same sites.
    assert!(
        html.contains("<caption>3 sites, the same as on the maps</caption>"),
        "{html}"
    );
    // The locator on an entry page, and the base maps it draws on.
    let lab = s.read("labs/ihep/index.html");
    assert!(
        lab.contains("<image href=\"../../static/map-china.svg\""),
        "{lab}"
    );
    assert!(
        lab.contains("<image href=\"../../static/map-beijing.svg\""),
        "Beijing inset"
    );
    assert!(lab.contains("class=\"mark lab current\""));
    for view in ["china", "beijing", "yangtze-delta", "pearl-delta", "world"] {
        assert!(
            s.read(&format!("static/map-{view}.svg"))
                .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
        );
    }
}

#[test]
fn the_download_parses_and_round_trips() {
    let s = site(&all_good());
    s.build_ok();
    let text = s.read("data/sites.geojson");
    let parsed: geojson::GeoJson = text.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = &parsed else {
        panic!("not a collection")
    };
    assert_eq!(fc.features.len(), 3);
    let props = fc.features[0].properties.as_ref().unwrap();
    assert_eq!(props["id"], "huairou");
    assert_eq!(props["kind"], "park");
    assert_eq!(props["url"], "https://example.org/atlas/parks/huairou/");
    assert_eq!(props["provenance"], "general knowledge");
    // Serialising what was parsed gives the same data back.
    let again: geojson::GeoJson = parsed.to_string().parse().unwrap();
    assert_eq!(again, parsed);
}

#[test]
fn a_site_without_geodata_still_builds() {
    let s = Site::new(&[(
        "content/programs/torch.md",
        "---\ntitle: Torch\nsummary: s\nupdated: 2024-05-01\n---\nx [@doe-2020, §1]\n",
    )]);
    s.build_ok();
    assert!(s.read("map/index.html").contains("<caption>0 sites"));
}

#[test]
fn the_site_table_counts_apart_the_sites_with_no_fixed_place() {
    let mut f = all_good();
    f[1] = "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"id\":\"ihep\",\"provenance\":\"A satellite: no fixed place.\"}}".into();
    let s = site(&f);
    s.build_ok();
    let html = s.read("map/index.html");
    // Three rows, two of them on the maps: the caption does not claim three.
    assert!(
        html.contains("<caption>3 sites: 2 on the maps, 1 with no fixed place</caption>"),
        "{html}"
    );
    let row = &html[html.find("<a href=\"../labs/ihep/index.html\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("<td data-label=\"Map\">no fixed place</td>"),
        "{row}"
    );
    assert!(
        row.contains("<td data-label=\"Precision\">none</td>"),
        "{row}"
    );
}
