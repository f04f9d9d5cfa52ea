//! Downloads and the search index: every item as JSON (`data/atlas.json`)
//! and CSV (`data/atlas.csv`) with the source of each fact, the combined
//! GeoJSON (`data/sites.geojson`), and a script-loaded index for
//! client-side search (`static/search-index.js`).
//!
//! Each is joined from one piece per entry, made by its own query, so an
//! edit makes again only the pieces it touches and one join.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use rayon::prelude::*;

use super::{Job, Made, Site, job_with};
use crate::entry::{Fact, Head, Kind};
use crate::memo::{Digested, Query};
use crate::prepare::Brief;

/// What an entry's JSON record reads: its head, the relations declared by
/// others (relation key, id of the declaring entry) and the base URL.
#[derive(Hash)]
pub struct RecordInput {
    pub head: Digested<Head>,
    pub linked_from: Vec<(&'static str, String)>,
    pub base_url: String,
}

/// An entry's record, pretty-printed at its depth in the download.
pub static RECORD: Query<RecordInput, String> = Query::new("json record", |input| {
    record_json(&record(&input.base_url, &input.head, &input.linked_from))
});

/// What the JSON download joins.
#[derive(Hash)]
pub struct JsonInput {
    pub title: String,
    pub base_url: String,
    pub records: Vec<Digested<String>>,
}

/// `data/atlas.json`.
pub static JSON: Query<JsonInput, Made> = Query::new("atlas.json", |input| {
    let records: Vec<&str> = input.records.iter().map(|r| r.as_str()).collect();
    Ok(Bytes::from(atlas_json(
        &input.title,
        &input.base_url,
        &records,
    )))
});

/// What an entry's CSV row reads.
#[derive(Hash)]
pub struct RowInput {
    pub head: Digested<Head>,
    pub base_url: String,
}

/// An entry's CSV line.
pub static ROW: Query<RowInput, String> =
    Query::new("csv row", |input| csv_row(&input.base_url, &input.head));

/// `data/atlas.csv`: the header and every row.
pub static CSV: Query<Vec<Digested<String>>, Made> = Query::new("atlas.csv", |rows| {
    let mut out = CSV_HEADER.join(",");
    out.push('\n');
    for r in rows {
        out.push_str(r);
    }
    Ok(Bytes::from(out))
});

/// What an entry's search document reads.
#[derive(Hash)]
pub struct DocInput {
    pub head: Digested<Head>,
    pub brief: Digested<Brief>,
    pub index_html: bool,
}

/// An entry's search document.
pub static DOC: Query<DocInput, String> = Query::new("search document", |input| {
    search_doc(&input.head, &input.brief, input.index_html)
});

/// `static/search-index.js`.
pub static SEARCH: Query<Vec<Digested<String>>, Made> = Query::new("search index", |docs| {
    let docs: Vec<&str> = docs.iter().map(|d| d.as_str()).collect();
    Ok(Bytes::from(format!(
        "window.ATLAS_SEARCH = [{}];\n",
        docs.join(",")
    )))
});

/// Where the downloads and the search index go.
pub const JSON_PATH: &str = "data/atlas.json";
pub const CSV_PATH: &str = "data/atlas.csv";
pub const SEARCH_PATH: &str = "static/search-index.js";
pub const GEOJSON_PATH: &str = "data/sites.geojson";
/// Every file this module makes.
pub const PATHS: [&str; 4] = [JSON_PATH, CSV_PATH, SEARCH_PATH, GEOJSON_PATH];

/// The downloads and the search index.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let atlas = site.atlas;
    let config = &site.config;
    let memo = site.memo;
    let items = || Kind::ITEMS.iter().flat_map(|&k| atlas.of_kind(k));
    // Each download gathers its pieces when its job runs, in parallel.
    let records = move || JsonInput {
        title: config.title.clone(),
        base_url: config.base_url.clone(),
        records: items()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&i| {
                let linked_from = atlas.incoming[i]
                    .iter()
                    .map(|&l| {
                        let link = &atlas.links[l];
                        (link.rel.key(), atlas.entries[link.from].id.clone())
                    })
                    .collect();
                let input = RecordInput {
                    head: atlas.entries[i].clone(),
                    linked_from,
                    base_url: config.base_url.clone(),
                };
                memo.get(&RECORD, &input)
            })
            .collect(),
    };
    let rows = move || {
        items()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&i| {
                let input = RowInput {
                    head: atlas.entries[i].clone(),
                    base_url: config.base_url.clone(),
                };
                memo.get(&ROW, &input)
            })
            .collect()
    };
    let docs = move || {
        atlas
            .entries
            .par_iter()
            .enumerate()
            .filter(|(_, e)| e.kind != Kind::Page || !e.summary().is_empty())
            .map(|(i, head)| {
                let input = DocInput {
                    head: head.clone(),
                    brief: site.briefs[i].clone(),
                    index_html: config.index_html,
                };
                memo.get(&DOC, &input)
            })
            .collect()
    };
    vec![
        job_with(memo, JSON_PATH, &JSON, records),
        job_with(memo, CSV_PATH, &CSV, rows),
        job_with(memo, SEARCH_PATH, &SEARCH, docs),
        job_with(memo, GEOJSON_PATH, &super::map::SITES_GEOJSON, move || {
            super::map::SitesDownload {
                base_url: config.base_url.clone(),
                sites: site.geo.sites.clone(),
                heads: atlas.entries.clone(),
            }
        }),
    ]
}

/// The whole download as `serde_json::to_string_pretty` writes it (keys in
/// order), from records already written at their depth.
fn atlas_json(title: &str, url: &str, records: &[&str]) -> String {
    let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let entries = if records.is_empty() {
        "[]".to_string()
    } else {
        format!("[\n{}\n  ]", records.join(",\n"))
    };
    format!(
        "{{\n  \"entries\": {entries},\n  \"title\": {},\n  \"url\": {}\n}}\n",
        string(title),
        string(url)
    )
}

/// A record pretty-printed as an element of the `entries` array.
fn record_json(record: &Value) -> String {
    let text = serde_json::to_string_pretty(record).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (k, line) in text.lines().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

fn fact_json<T: serde::Serialize>(f: &Fact<T>) -> Value {
    let mut m = Map::new();
    m.insert("value".into(), json!(f.value));
    for (k, v) in [("cite", &f.cite), ("quote", &f.quote), ("note", &f.note)] {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    Value::Object(m)
}

fn record(base_url: &str, e: &Head, linked_from: &[(&str, String)]) -> Value {
    let m = e.item().expect("items only");
    let mut r = Map::new();
    r.insert("id".into(), json!(e.id));
    r.insert("kind".into(), json!(e.kind.name()));
    r.insert("title".into(), json!(m.title));
    r.insert("name_zh".into(), json!(m.name_zh.as_ref().map(fact_json)));
    r.insert("aliases".into(), json!(m.aliases));
    r.insert("summary".into(), json!(m.summary));
    r.insert("url".into(), json!(format!("{base_url}{}", e.url_path())));
    let date = |d: &Option<Fact<crate::entry::Date>>| {
        d.as_ref().map(|f| {
            fact_json(&Fact {
                value: f.value.to_string(),
                cite: f.cite.clone(),
                quote: f.quote.clone(),
                note: f.note.clone(),
                editorial: f.editorial,
            })
        })
    };
    let text = |f: &Option<Fact<String>>| f.as_ref().map(fact_json);
    let list = |l: &Vec<Fact<String>>| l.iter().map(fact_json).collect::<Vec<_>>();
    r.insert("designation".into(), json!(text(&m.designation)));
    r.insert("fields".into(), json!(list(&m.fields)));
    r.insert("established".into(), json!(date(&m.established)));
    r.insert("ended".into(), json!(date(&m.ended)));
    r.insert("country".into(), json!(text(&m.country)));
    r.insert("province".into(), json!(text(&m.province)));
    r.insert("city".into(), json!(text(&m.city)));
    r.insert("area_km2".into(), json!(m.area_km2.as_ref().map(fact_json)));
    r.insert("agency".into(), json!(text(&m.agency)));
    r.insert("programs".into(), json!(list(&m.programs)));
    r.insert("park".into(), json!(text(&m.park)));
    r.insert("part_of".into(), json!(text(&m.part_of)));
    r.insert("predecessor".into(), json!(text(&m.predecessor)));
    r.insert("related".into(), json!(list(&m.related)));
    r.insert(
        "facts".into(),
        json!(m.facts.iter().map(|f| json!({
        "label": f.label, "value": f.value, "cite": f.cite, "quote": f.quote, "note": f.note,
    })).collect::<Vec<_>>()),
    );
    // The inverse relations, so a reader of the data need not compute them.
    let inverse: Vec<Value> = linked_from
        .iter()
        .map(|(rel, from)| json!({ "relation": rel, "from": from }))
        .collect();
    r.insert("linked_from".into(), json!(inverse));
    Value::Object(r)
}

/// The columns of the CSV download: one row per item, each fact column
/// followed by its source.
const CSV_HEADER: [&str; 23] = [
    "id",
    "kind",
    "title",
    "name_zh",
    "aliases",
    "designation",
    "established",
    "established_source",
    "ended",
    "ended_source",
    "country",
    "province",
    "city",
    "location_source",
    "area_km2",
    "area_km2_source",
    "agency",
    "agency_source",
    "programs",
    "park",
    "part_of",
    "predecessor",
    "url",
];

/// One CSV line (with its newline) for an item.
fn csv_row(base_url: &str, e: &Head) -> String {
    let cite = |f: Option<&Option<String>>| f.and_then(|c| c.clone()).unwrap_or_default();
    let m = e.item().expect("items only");
    let val = |f: &Option<Fact<String>>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
    let mut sources: Vec<String> = [&m.city, &m.province, &m.country]
        .iter()
        .filter_map(|f| f.as_ref().and_then(|f| f.cite.clone()))
        .collect();
    sources.dedup();
    let location_source = sources.join("; ");
    let row = [
        e.id.clone(),
        e.kind.name().into(),
        m.title.clone(),
        m.name_zh
            .as_ref()
            .map(|f| f.value.clone())
            .unwrap_or_default(),
        m.aliases.join("; "),
        val(&m.designation),
        shown(&m.established),
        cite(m.established.as_ref().map(|f| &f.cite)),
        shown(&m.ended),
        cite(m.ended.as_ref().map(|f| &f.cite)),
        val(&m.country),
        val(&m.province),
        val(&m.city),
        location_source,
        shown(&m.area_km2),
        cite(m.area_km2.as_ref().map(|f| &f.cite)),
        val(&m.agency),
        cite(m.agency.as_ref().map(|f| &f.cite)),
        m.programs
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        val(&m.park),
        val(&m.part_of),
        val(&m.predecessor),
        format!("{base_url}{}", e.url_path()),
    ];
    let mut out = row
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    out
}

/// A fact's value as text, or nothing.
fn shown<T: std::fmt::Display>(f: &Option<Fact<T>>) -> String {
    f.as_ref().map(|f| f.value.to_string()).unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One document of the search index, which `static/search-index.js` sets
/// as `window.ATLAS_SEARCH`: loaded on demand by `atlas.js`, so search works
/// from `file://` where fetching JSON does not.
fn search_doc(e: &Head, brief: &Brief, index_html: bool) -> String {
    let item = e.item();
    let text = &brief.text;
    let href = crate::markdown::href("", &e.url_path(), index_html);
    let doc = json!({
        "t": e.title(),
        "p": crate::pinyin::search_text(item.and_then(|m| m.name_zh.as_ref()).map_or("", |f| &f.value)),
        "z": item.and_then(|m| m.name_zh.as_ref().map(|f| f.value.clone())).unwrap_or_default(),
        "a": item.map(|m| m.aliases.join(" | ")).unwrap_or_default(),
        "k": e.kind.name(),
        "s": e.summary(),
        "x": text,
        "h": href,
    });
    serde_json::to_string(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_download_equals_serde_pretty_output() {
        let (title, url) = ("An \"Atlas\"", "https://example.org/atlas/");
        let records = [
            json!({"id": "a", "aliases": [], "facts": [{"label": "x", "value": "1\n2"}]}),
            json!({"id": "b", "linked_from": [{"from": "a"}], "empty": {}}),
        ];
        for n in [0, 1, 2] {
            let whole = json!({
                "title": title,
                "url": url,
                "entries": records[..n],
            });
            let mut expected = serde_json::to_string_pretty(&whole).unwrap();
            expected.push('\n');
            let pieces: Vec<String> = records[..n].iter().map(record_json).collect();
            let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
            assert_eq!(atlas_json(title, url, &pieces), expected, "{n} records");
        }
    }

    #[test]
    fn csv_quotes_when_needed() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
