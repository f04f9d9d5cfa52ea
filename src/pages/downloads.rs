//! The downloads and the search index: the dataset's tables as CSV
//! (`data/atlas.csv` entries, `data/facts.csv`, `data/sources.csv`) and
//! together as JSON (`data/atlas.json`), its Frictionless descriptor
//! (`data/datapackage.json`), the combined GeoJSON (`data/sites.geojson`),
//! the downloads page (`data/index.html`), and a script-loaded index for
//! client-side search (`static/search-index.js`).
//!
//! What the tables hold is [`crate::dataset`]'s; this module makes them.
//! Each download is joined from one piece per entry or source, made by its
//! own query, so an edit makes again only the pieces it touches and the
//! joins.

use bytes::Bytes;
use serde_json::{Value, json};

use rayon::prelude::*;

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, job_with, render};
use crate::body::{Body, piece};
use crate::config::License;
use crate::dataset::package::{self, Descriptor, PackageInput};
use crate::dataset::{self, Column};
use crate::entry::{Head, Kind};
use crate::memo::{Digested, Query};
use crate::prepare::Brief;
use crate::theme::Template;
use crate::views::SiteView;

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
    let mut r = dataset::record_object(dataset::entry_record(&input.head, &input.base_url));
    r.insert("facts".into(), json!(dataset::fact_records(&input.head)));
    // The inverse relations, so a reader of the data need not compute them.
    let inverse: Vec<Value> = input
        .linked_from
        .iter()
        .map(|(rel, from)| json!({ "relation": rel, "from": from }))
        .collect();
    r.insert("linked_from".into(), json!(inverse));
    record_json(&Value::Object(r))
});

/// What a source's pieces read.
#[derive(Hash)]
pub struct SourceInput {
    pub head: Digested<Head>,
    pub base_url: String,
}

/// A source's record, pretty-printed at its depth in the download.
pub static SOURCE_RECORD: Query<SourceInput, String> = Query::new("json source", |input| {
    let r = dataset::record_object(dataset::source_record(&input.head, &input.base_url));
    record_json(&Value::Object(r))
});

/// What the JSON download joins.
#[derive(Hash)]
pub struct JsonInput {
    pub title: String,
    pub base_url: String,
    pub license: Option<License>,
    pub records: Vec<Digested<String>>,
    pub sources: Vec<Digested<String>>,
}

/// `data/atlas.json`.
pub static JSON: Query<JsonInput, Made> = Query::new("atlas.json", |input| {
    let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let license = match &input.license {
        // As a JSON value first: keys in order, as in the rest of the file.
        Some(l) => indent(&serde_json::to_value(l).map_or_else(
            |_| "null".into(),
            |v| serde_json::to_string_pretty(&v).unwrap_or_default(),
        )),
        None => "null".into(),
    };
    let top = [
        ("entries", Written::Array(&input.records)),
        ("license", Written::Text(license)),
        ("sources", Written::Array(&input.sources)),
        ("title", Written::Text(string(&input.title))),
        ("url", Written::Text(string(&input.base_url))),
    ];
    Ok(object(&top))
});

/// What an entry's rows read.
#[derive(Hash)]
pub struct RowInput {
    pub head: Digested<Head>,
    pub base_url: String,
}

/// An entry's line of the entries table.
pub static ROW: Query<RowInput, String> = Query::new("csv row", |input| {
    let record = dataset::entry_record(&input.head, &input.base_url);
    dataset::csv_line(&record, &dataset::entry_columns())
});

/// An entry's lines of the facts table.
pub static FACT_ROWS: Query<Digested<Head>, String> = Query::new("csv facts", |head| {
    let columns = dataset::fact_columns();
    dataset::fact_rows(head)
        .iter()
        .map(|r| dataset::csv_line(r, &columns))
        .collect()
});

/// A source's line of the sources table.
pub static SOURCE_ROW: Query<SourceInput, String> = Query::new("csv source", |input| {
    let record = dataset::source_record(&input.head, &input.base_url);
    dataset::csv_line(&record, &dataset::source_columns())
});

/// The tables of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Entries,
    Facts,
    Sources,
}

impl Table {
    pub fn columns(self) -> Vec<Column> {
        match self {
            Table::Entries => dataset::entry_columns(),
            Table::Facts => dataset::fact_columns(),
            Table::Sources => dataset::source_columns(),
        }
    }
}

/// What a CSV download joins: its table and its rows' pieces.
#[derive(Hash)]
pub struct CsvInput {
    pub table: Table,
    pub rows: Vec<Digested<String>>,
}

/// A CSV download: a byte-order mark (so a spreadsheet reads it as UTF-8),
/// the header and every row.
pub static CSV: Query<CsvInput, Made> = Query::new("csv table", |input| {
    let mut head = String::from('\u{feff}');
    head.push_str(&dataset::csv_header(&input.table.columns()));
    let mut pieces = Vec::with_capacity(1 + input.rows.len());
    pieces.push(Bytes::from(head));
    pieces.extend(input.rows.iter().map(piece));
    Ok(Body::from(pieces))
});

/// The descriptor of the dataset.
pub static DESCRIPTOR: Query<PackageInput, Descriptor> =
    Query::with_cutoff("data package", package::descriptor);

/// `data/datapackage.json`.
pub static DESCRIPTOR_JSON: Query<Digested<Descriptor>, Made> =
    Query::new("datapackage.json", |d| {
        Ok(Body::from(package::descriptor_json(d)))
    });

/// What the downloads page reads.
#[derive(Hash)]
pub struct DataPage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub package: PackageInput,
}

/// The downloads page: every file with its columns, the licence, and the
/// dataset's schema.org description for search engines.
pub static PAGE: Query<DataPage, Made> = Query::new("downloads page", |p| {
    let d = package::descriptor(&p.package);
    let info = p.config.info(
        "Downloads",
        "The atlas's data: every entry, every fact with its source, and every source, as CSV and JSON.",
        "data/",
        "data-page",
    );
    let mut c = base_context(&p.site, Depth::One, &info);
    c.insert("package", &d);
    c.insert(
        "json_ld",
        &crate::html::script_json(&package::dataset_json_ld(&d, &p.package)),
    );
    c.insert("descriptor", package::DESCRIPTOR_FILE);
    render(&p.template, &c)
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
    // The documents themselves are its pieces: the index of a large atlas
    // is tens of MB, and every document is kept for the next run anyway.
    let mut pieces = Vec::with_capacity(2 * docs.len() + 2);
    pieces.push(Bytes::from_static(b"window.ATLAS_SEARCH = ["));
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            pieces.push(Bytes::from_static(b","));
        }
        pieces.push(piece(d));
    }
    pieces.push(Bytes::from_static(b"];\n"));
    Ok(Body::from(pieces))
});

/// Where the downloads and the search index go.
pub const JSON_PATH: &str = "data/atlas.json";
pub const CSV_PATH: &str = "data/atlas.csv";
pub const FACTS_PATH: &str = "data/facts.csv";
pub const SOURCES_PATH: &str = "data/sources.csv";
pub const DESCRIPTOR_PATH: &str = "data/datapackage.json";
pub const SEARCH_PATH: &str = "static/search-index.js";
pub const GEOJSON_PATH: &str = "data/sites.geojson";
pub const PAGE_PATH: &str = "data/index.html";
/// Every file this module makes.
pub const PATHS: [&str; 8] = [
    JSON_PATH,
    CSV_PATH,
    FACTS_PATH,
    SOURCES_PATH,
    DESCRIPTOR_PATH,
    SEARCH_PATH,
    GEOJSON_PATH,
    PAGE_PATH,
];

/// What the descriptor of `site`'s dataset is made from.
fn package_input(site: &Site) -> PackageInput {
    let atlas = site.atlas;
    let config = &site.config;
    PackageInput {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        license: config.license.clone(),
        sources: atlas
            .of_kind(Kind::Source)
            .map(|i| &atlas.entries[i])
            .map(|e| {
                let url = e.source().and_then(|s| s.url.clone());
                (e.title().to_string(), url)
            })
            .collect(),
        updated: Kind::ITEMS
            .iter()
            .flat_map(|&k| atlas.of_kind(k))
            .filter_map(|i| atlas.entries[i].item().and_then(|m| m.updated))
            .max(),
    }
}

/// The downloads, their page and the search index.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let atlas = site.atlas;
    let config = &site.config;
    let memo = site.memo;
    let items = || {
        Kind::ITEMS
            .iter()
            .flat_map(|&k| atlas.of_kind(k))
            .collect::<Vec<_>>()
    };
    let sources = || atlas.of_kind(Kind::Source).collect::<Vec<_>>();
    let source_input = move |i: usize| SourceInput {
        head: atlas.entries[i].clone(),
        base_url: config.base_url.clone(),
    };
    // Each download gathers its pieces when its job runs, in parallel.
    let records = move || JsonInput {
        title: config.title.clone(),
        base_url: config.base_url.clone(),
        license: config.license.clone(),
        records: items()
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
        sources: sources()
            .into_iter()
            .map(|i| memo.get(&SOURCE_RECORD, &source_input(i)))
            .collect(),
    };
    let rows = move || CsvInput {
        table: Table::Entries,
        rows: items()
            .par_iter()
            .map(|&i| {
                let input = RowInput {
                    head: atlas.entries[i].clone(),
                    base_url: config.base_url.clone(),
                };
                memo.get(&ROW, &input)
            })
            .collect(),
    };
    let facts = move || CsvInput {
        table: Table::Facts,
        rows: items()
            .par_iter()
            .map(|&i| memo.get(&FACT_ROWS, &atlas.entries[i]))
            .collect(),
    };
    let source_rows = move || CsvInput {
        table: Table::Sources,
        rows: sources()
            .into_iter()
            .map(|i| memo.get(&SOURCE_ROW, &source_input(i)))
            .collect(),
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
    let package = package_input(site);
    let descriptor = memo.get(&DESCRIPTOR, &package);
    vec![
        job_with(memo, JSON_PATH, &JSON, records),
        job_with(memo, CSV_PATH, &CSV, rows),
        job_with(memo, FACTS_PATH, &CSV, facts),
        job_with(memo, SOURCES_PATH, &CSV, source_rows),
        job(memo, DESCRIPTOR_PATH, &DESCRIPTOR_JSON, descriptor),
        job(
            memo,
            PAGE_PATH,
            &PAGE,
            DataPage {
                template: site.theme.template("data.html"),
                site: site.view.clone(),
                config: config.clone(),
                package,
            },
        ),
        job_with(memo, SEARCH_PATH, &SEARCH, docs),
        job_with(memo, GEOJSON_PATH, &super::map::SITES_GEOJSON, move || {
            let features = site
                .geo
                .sites
                .values()
                .collect::<Vec<_>>()
                .par_iter()
                .map(|s| {
                    let input = super::map::FeatureInput {
                        base_url: config.base_url.clone(),
                        head: atlas.entries[s.entry].clone(),
                        site: (*s).clone(),
                    };
                    memo.get(&super::map::FEATURE, &input)
                })
                .collect();
            super::map::SitesDownload { features }
        }),
    ]
}

/// A member of a top-level object, already written at its depth: a
/// value's text, or an array of records.
pub(super) enum Written<'a> {
    Text(String),
    Array(&'a [Digested<String>]),
}

/// An object as `serde_json::to_string_pretty` writes it, from its members
/// (in key order). Each record of an array is a piece of the body, not
/// copied (the download of a large atlas is tens of MB); the text between
/// records is gathered into pieces of its own.
pub(super) fn object(members: &[(&str, Written)]) -> Body {
    let mut pieces = Vec::new();
    let mut glue = String::from("{\n");
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            glue.push_str(",\n");
        }
        glue.push_str("  ");
        glue.push_str(&serde_json::to_string(k).unwrap_or_default());
        glue.push_str(": ");
        match v {
            Written::Text(t) => glue.push_str(t),
            Written::Array([]) => glue.push_str("[]"),
            Written::Array(records) => {
                glue.push_str("[\n");
                for (j, r) in records.iter().enumerate() {
                    if j > 0 {
                        glue.push_str(",\n");
                    }
                    pieces.push(Bytes::from(std::mem::take(&mut glue)));
                    pieces.push(piece(r));
                }
                glue.push_str("\n  ]");
            }
        }
    }
    glue.push_str("\n}\n");
    pieces.push(Bytes::from(glue));
    Body::from(pieces)
}

/// A pretty-printed value moved in by one level (its first line stays).
fn indent(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(k, line)| {
            if k == 0 {
                line.to_string()
            } else {
                format!("  {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A record pretty-printed as an element of a top-level array.
pub(super) fn record_json(record: &Value) -> String {
    let text = serde_json::to_string_pretty(record).unwrap_or_default();
    // Exactly its size: a large atlas keeps every record until the download
    // is joined.
    let lines = text.lines().count();
    let mut out = String::with_capacity(text.len() + 4 * lines);
    for (k, line) in text.lines().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
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
    let mut doc = serde_json::to_string(&doc).unwrap_or_default();
    // Kept until the index is joined: no spare capacity.
    doc.shrink_to_fit();
    doc
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
        let license = License {
            id: "CC-BY-4.0".into(),
            title: "CC BY".into(),
            url: "https://creativecommons.org/licenses/by/4.0/".into(),
            notice: "Credit us.".into(),
        };
        for n in [0, 1, 2] {
            let whole = json!({
                "title": title,
                "url": url,
                "license": license,
                "entries": records[..n],
                "sources": records[..n],
            });
            let mut expected = serde_json::to_string_pretty(&whole).unwrap();
            expected.push('\n');
            let pieces: Vec<Digested<String>> = records[..n]
                .iter()
                .map(|r| Digested::new(record_json(r)))
                .collect();
            let joined = object(&[
                ("entries", Written::Array(&pieces)),
                (
                    "license",
                    Written::Text(indent(
                        &serde_json::to_string_pretty(&json!(license)).unwrap(),
                    )),
                ),
                ("sources", Written::Array(&pieces)),
                (
                    "title",
                    Written::Text(serde_json::to_string(title).unwrap()),
                ),
                ("url", Written::Text(serde_json::to_string(url).unwrap())),
            ]);
            assert_eq!(joined.to_bytes(), expected, "{n} records");
        }
    }
}
