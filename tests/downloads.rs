//! The downloads and the citation files of the real atlas, read back with
//! real parsers: every fact of `atlas.json` is in `facts.csv` with its
//! source; `datapackage.json` lists the columns the CSV files have; every
//! source a fact cites resolves; every entry's BibTeX parses with a BibTeX
//! parser and has what biblatex needs; CSL-JSON, RIS, the Highwire tags and
//! the JSON-LD are well formed. (`.ci/run` also validates the package with
//! the Frictionless validator and the BibTeX with Python's bibtexparser.)

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

/// The item pages of the built site: `parks/x/`, ...
fn entry_folders() -> Vec<String> {
    let json: Value = serde_json::from_str(&read("data/atlas.json")).unwrap();
    json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let page = e["page"].as_str().unwrap();
            page.strip_prefix("https://example.org/atlas/")
                .unwrap()
                .to_string()
        })
        .collect()
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
            // Written for readers of the data: plain text, and no
            // instructions to the authors of entries.
            let description = f["description"].as_str().unwrap();
            assert!(
                !description.contains('`')
                    && !description.contains("cite it")
                    && !description.contains("atlas.toml"),
                "{path}: {name}: {description}"
            );
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

#[test]
fn every_entry_bibtex_parses_and_has_what_biblatex_needs() {
    use biblatex::ChunksExt;
    let folders = entry_folders();
    assert!(folders.len() > 250);
    let mut all = String::new();
    for folder in &folders {
        let bib = read(&format!("{folder}cite.bib"));
        let parsed = biblatex::Bibliography::parse(&bib)
            .unwrap_or_else(|e| panic!("{folder}cite.bib: {e:?}\n{bib}"));
        assert_eq!(parsed.len(), 1, "{bib}");
        let entry = parsed.iter().next().unwrap();
        let report = entry.verify();
        assert!(
            report.missing.is_empty() && report.malformed.is_empty(),
            "{folder}: missing {:?}, malformed {:?}\n{bib}",
            report.missing,
            report
                .malformed
                .iter()
                .map(|(k, e)| format!("{k}: {e:?}"))
                .collect::<Vec<_>>()
        );
        for field in [
            "title",
            "author",
            "howpublished",
            "year",
            "url",
            "urldate",
            "note",
        ] {
            assert!(entry.get(field).is_some(), "{folder}: no {field}\n{bib}");
        }
        assert_eq!(
            entry.get("url").unwrap().format_verbatim(),
            format!("https://example.org/atlas/{folder}")
        );
        assert!(!bib.contains(" & ") && bib.contains("\\&"), "{bib}");
        // The page shows the same BibTeX (HTML-escaped).
        let html = read(&format!("{folder}index.html"));
        let shown = bib
            .trim_end()
            .replace('&', "&amp;")
            .replace('\'', "&#39;")
            .replace('"', "&quot;");
        assert!(
            html.contains(&shown),
            "{folder}: the page's BibTeX differs\n{shown}"
        );
        all.push_str(&bib);
        all.push('\n');
    }
    // All together, as one .bib file: keys are unique.
    let parsed = biblatex::Bibliography::parse(&all).unwrap();
    assert_eq!(parsed.len(), folders.len());
}

/// The variables of CSL 1.0.2 (its `csl-data.json` schema) that the atlas
/// writes, with their JSON types.
const CSL_VARIABLES: &[(&str, &str)] = &[
    ("id", "string"),
    ("type", "string"),
    ("title", "string"),
    ("author", "names"),
    ("container-title", "string"),
    ("publisher", "string"),
    ("URL", "string"),
    ("abstract", "string"),
    ("language", "string"),
    ("issued", "date"),
    ("accessed", "date"),
    ("note", "string"),
];

#[test]
fn csl_json_ris_and_meta_tags_of_every_entry() {
    for folder in entry_folders() {
        let url = format!("https://example.org/atlas/{folder}");
        let csl: Value = serde_json::from_str(&read(&format!("{folder}cite.json"))).unwrap();
        let item = &csl.as_array().unwrap()[0];
        assert_eq!(item["type"], "webpage");
        assert_eq!(item["URL"], url.as_str());
        for (key, value) in item.as_object().unwrap() {
            let ty = CSL_VARIABLES
                .iter()
                .find(|(k, _)| k == key)
                .unwrap_or_else(|| panic!("`{key}` is not a CSL variable the atlas writes"))
                .1;
            let ok = match ty {
                "string" => value.is_string(),
                "names" => value
                    .as_array()
                    .is_some_and(|a| a.iter().all(|n| n["literal"].is_string())),
                "date" => value["date-parts"][0]
                    .as_array()
                    .is_some_and(|p| (1..=3).contains(&p.len()) && p.iter().all(Value::is_u64)),
                _ => false,
            };
            assert!(ok, "{folder}: {key} = {value}");
        }
        let ris = read(&format!("{folder}cite.ris"));
        assert!(
            ris.starts_with("TY  - ELEC\r\n") && ris.ends_with("ER  - \r\n"),
            "{ris}"
        );
        for line in ris.split_terminator("\r\n") {
            assert!(
                line.len() >= 6 && &line[2..6] == "  - ",
                "{folder}: `{line}`"
            );
            assert!(
                line[..2]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
        }
        assert!(ris.contains(&format!("\r\nUR  - {url}\r\n")));
        let html = read(&format!("{folder}index.html"));
        for name in [
            "citation_title",
            "citation_author",
            "citation_publication_date",
            "citation_date",
            "citation_publisher",
        ] {
            assert!(
                html.contains(&format!("<meta name=\"{name}\" content=\"")),
                "{folder}: {name}"
            );
        }
        assert!(html.contains(&format!(
            "<meta name=\"citation_public_url\" content=\"{url}\">"
        )));
        for file in ["cite.bib", "cite.ris", "cite.json"] {
            assert!(
                html.contains(&format!("<a href=\"{file}\" download=")),
                "{folder}: {file}"
            );
        }
        let ld = json_ld(&html);
        assert_eq!(ld["@type"], "WebPage");
        assert_eq!(ld["url"], url.as_str());
        let expected = match folder.split('/').next().unwrap() {
            "parks" | "labs" => "Place",
            "institutions" => "Organization",
            _ => "Thing",
        };
        assert_eq!(ld["mainEntity"]["@type"], expected, "{folder}");
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

// "each Atom entry's `updated` is the founding date of the thing": it is
// the date the entry was last reviewed, and the feed says so.
#[test]
fn the_feed_dates_each_entry_by_its_last_review_and_says_so() {
    let json: Value = serde_json::from_str(&read("data/atlas.json")).unwrap();
    let reviewed: BTreeMap<&str, &Value> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["page"].as_str().unwrap(), e))
        .collect();
    let feed = read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let subtitle = doc
        .descendants()
        .find(|n| n.has_tag_name("subtitle"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        subtitle.contains("an entry's updated is the date its text and facts were last reviewed"),
        "{subtitle}"
    );
    let mut entries = 0;
    for entry in doc.descendants().filter(|n| n.has_tag_name("entry")) {
        let child = |name: &str| {
            entry
                .children()
                .find(|n| n.has_tag_name(name))
                .and_then(|n| n.text())
                .unwrap()
        };
        let e = reviewed[child("id")];
        let updated = e["updated"].as_str().unwrap();
        assert!(
            child("updated").starts_with(updated),
            "{} {updated}",
            child("id")
        );
        if let Some(founded) = e["established"].as_str() {
            assert!(
                !child("updated").starts_with(&format!("{founded}-01-01")) || founded == updated
            );
        }
        entries += 1;
    }
    assert_eq!(entries, 50);
    assert!(feed.contains("<rights>Creative Commons Attribution 4.0 International (CC-BY-4.0)"));
}
