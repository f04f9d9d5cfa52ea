//! The downloads and the citation files of the real atlas, read back with
//! real parsers: every fact of `atlas.json` is in `facts.csv` with its
//! source; `datapackage.json` lists the columns the CSV files have; every
//! source a fact cites resolves; the downloads page describes the dataset.
//! (`.ci/run` also validates the package with the Frictionless validator.)

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

/// The real atlas, built once for every test here.
fn site() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let r = atlas::build(root, &out, &atlas::BuildOptions::default());
        assert!(!r.diagnostics.has_errors(), "{}", r.diagnostics.render());
        (dir, out)
    });
    path
}

fn read(path: &str) -> String {
    std::fs::read_to_string(site().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A CSV download's header and rows, as maps from column to cell.
fn table(path: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let text = read(path);
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{path} has no byte-order mark"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// A JSON value as the CSV writes it (text, numbers shortest, null empty).
fn as_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn every_fact_of_the_json_is_in_the_facts_csv_with_its_source() {
    let json: Value = serde_json::from_str(&read("data/atlas.json")).unwrap();
    let (_, rows) = table("data/facts.csv");
    let key = |r: &BTreeMap<String, String>| {
        [
            "entry_id",
            "fact",
            "field",
            "label",
            "value",
            "source",
            "locator",
            "quote",
            "note",
            "editorial",
        ]
        .map(|c| r[c].clone())
    };
    let mut csv: BTreeSet<[String; 10]> = rows.iter().map(key).collect();
    assert_eq!(csv.len(), rows.len(), "rows repeat");
    let mut facts = 0;
    let mut cited = 0;
    for e in json["entries"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        for (n, f) in e["facts"].as_array().unwrap().iter().enumerate() {
            facts += 1;
            let citations = f["citations"].as_array().unwrap();
            let none = [Value::Null];
            let each: Vec<&Value> = if citations.is_empty() {
                none.iter().collect()
            } else {
                citations.iter().collect()
            };
            for c in each {
                cited += usize::from(!c.is_null());
                let row = [
                    id.to_string(),
                    (n + 1).to_string(),
                    as_cell(&f["field"]),
                    as_cell(&f["label"]),
                    as_cell(&f["value"]),
                    as_cell(&c["source"]),
                    as_cell(&c["locator"]),
                    as_cell(&c["quote"]),
                    as_cell(&f["note"]),
                    as_cell(&f["editorial"]),
                ];
                assert!(csv.remove(&row), "not in facts.csv: {row:?}");
            }
        }
    }
    assert!(csv.is_empty(), "rows of facts.csv not in the JSON: {csv:?}");
    // The real atlas: its `facts:` items are there too.
    assert!(
        facts > 1500 && cited > 700,
        "{facts} facts, {cited} citations"
    );
    assert!(
        rows.iter()
            .any(|r| r["field"] == "facts" && !r["label"].is_empty())
    );
}

#[test]
fn every_cited_source_resolves_in_the_json_and_the_sources_csv() {
    let json: Value = serde_json::from_str(&read("data/atlas.json")).unwrap();
    let ids: BTreeSet<&str> = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    let (_, sources) = table("data/sources.csv");
    let csv_ids: BTreeSet<&str> = sources.iter().map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, csv_ids);
    assert_eq!(ids.len(), 5);
    let (_, facts) = table("data/facts.csv");
    for f in &facts {
        let source = f["source"].as_str();
        assert!(source.is_empty() || ids.contains(source), "{f:?}");
    }
    for s in json["sources"].as_array().unwrap() {
        assert!(s["title"].is_string() && s["page"].is_string(), "{s}");
        assert!(s["url"].is_string() || s["availability"].is_string(), "{s}");
    }
}

#[test]
fn entries_give_their_country_and_the_downloads_their_licence() {
    let json: Value = serde_json::from_str(&read("data/atlas.json")).unwrap();
    assert_eq!(json["license"]["id"], "CC-BY-4.0");
    let entries = json["entries"].as_array().unwrap();
    let abroad = entries.iter().filter(|e| e["in_china"] == false).count();
    assert!(abroad > 5, "{abroad} comparators");
    for e in entries {
        let country = e["country"].as_str().unwrap();
        assert_eq!(country == "China", e["in_china"] == true, "{}", e["id"]);
        assert!(e["updated"].is_string(), "{}", e["id"]);
    }
    // The entries table holds the same entries, with the same countries.
    let (_, rows) = table("data/atlas.csv");
    assert_eq!(rows.len(), entries.len());
    for (row, e) in rows.iter().zip(entries) {
        assert_eq!(row["id"], e["id"].as_str().unwrap());
        assert_eq!(row["country"], e["country"].as_str().unwrap());
        assert_eq!(row["in_china"], e["in_china"].to_string());
    }
    let descriptor: Value = serde_json::from_str(&read("data/datapackage.json")).unwrap();
    assert_eq!(descriptor["licenses"][0]["name"], "CC-BY-4.0");
    assert!(
        read("index.html")
            .contains("rel=\"license\" href=\"https://creativecommons.org/licenses/by/4.0/\"")
    );
}

#[test]
fn the_descriptor_lists_the_columns_each_csv_has() {
    let descriptor: Value = serde_json::from_str(&read("data/datapackage.json")).unwrap();
    let resources = descriptor["resources"].as_array().unwrap();
    let mut tables = 0;
    for r in resources {
        let path = format!("data/{}", r["path"].as_str().unwrap());
        assert!(site().join(&path).is_file(), "{path} is not written");
        assert!(
            r["mediatype"].is_string() && r["encoding"] == "utf-8",
            "{r}"
        );
        let Some(fields) = r["schema"]["fields"].as_array() else {
            continue;
        };
        tables += 1;
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        let (header, rows) = table(&path);
        assert_eq!(names, header, "{path}");
        for f in fields {
            let name = f["name"].as_str().unwrap();
            let ty = f["type"].as_str().unwrap();
            for row in &rows {
                let cell = &row[name];
                let ok = match ty {
                    _ if cell.is_empty() => f["constraints"]["required"] != true,
                    "string" => true,
                    "integer" => cell.parse::<i64>().is_ok(),
                    "number" => cell.parse::<f64>().is_ok(),
                    "boolean" => cell == "true" || cell == "false",
                    other => panic!("type {other}"),
                };
                assert!(ok, "{path}: `{cell}` in {name} ({ty})");
            }
        }
    }
    assert_eq!(tables, 3);
    // Every file of data/ is described.
    let described: BTreeSet<&str> = resources
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    for f in std::fs::read_dir(site().join("data")).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        assert!(
            described.contains(name.as_str())
                || ["datapackage.json", "index.html"].contains(&name.as_str()),
            "{name} is not in datapackage.json"
        );
    }
}

/// The JSON-LD of a page.
fn json_ld(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("no JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let text = &html[start..end];
    assert!(!text.contains('<'), "{text}");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_downloads_page_describes_the_dataset() {
    let html = read("data/index.html");
    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "Dataset");
    assert_eq!(
        ld["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    let downloads = ld["distribution"].as_array().unwrap();
    assert_eq!(downloads.len(), 5);
    assert!(
        downloads
            .iter()
            .any(|d| d["contentUrl"] == "https://example.org/atlas/data/facts.csv")
    );
    assert!(ld["description"].as_str().unwrap().len() >= 50);
    for file in [
        "atlas.csv",
        "facts.csv",
        "sources.csv",
        "atlas.json",
        "sites.geojson",
        "datapackage.json",
    ] {
        assert!(html.contains(&format!("href=\"{file}\"")), "{file}");
    }
    // The footer of every page links it.
    assert!(read("parks/index.html").contains("href=\"../data/index.html\">Downloads</a>"));
}
