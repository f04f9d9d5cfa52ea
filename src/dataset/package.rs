//! The dataset's descriptor: a Frictionless Data Package
//! (`data/datapackage.json`, Data Package spec v1) naming each file, its
//! format and, for the CSV tables, every column with its type, the keys
//! that join them and the CSV dialect written; the licence and the sources.
//! The downloads page shows the same descriptor, and its schema.org
//! `Dataset` is made from it.

use serde::Serialize;
use serde_json::{Value, json};

use super::{Column, ColumnType, entry_columns, fact_columns, source_columns};
use crate::config::License;
use crate::entry::Date;

/// The files of the dataset, inside `data/`.
pub const ENTRIES_FILE: &str = "atlas.csv";
pub const FACTS_FILE: &str = "facts.csv";
pub const SOURCES_FILE: &str = "sources.csv";
pub const JSON_FILE: &str = "atlas.json";
pub const GEOJSON_FILE: &str = "sites.geojson";
pub const DESCRIPTOR_FILE: &str = "datapackage.json";

/// What the descriptor is made from.
#[derive(Debug, Clone, Hash)]
pub struct PackageInput {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub license: Option<License>,
    /// Each source's title and URL.
    pub sources: Vec<(String, Option<String>)>,
    /// The latest `updated` of the entries.
    pub updated: Option<Date>,
}

/// A Data Package descriptor.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Descriptor {
    pub profile: &'static str,
    pub name: String,
    pub title: String,
    pub description: String,
    pub homepage: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<LicenseRef>,
    pub sources: Vec<SourceRef>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct LicenseRef {
    pub name: String,
    pub path: String,
    pub title: String,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct SourceRef {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// One file of the package.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Resource {
    pub name: &'static str,
    pub path: &'static str,
    pub profile: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub format: &'static str,
    pub mediatype: &'static str,
    pub encoding: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialect: Option<Dialect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Schema>,
}

/// How the CSV files are written.
#[derive(Debug, Clone, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dialect {
    pub delimiter: &'static str,
    pub line_terminator: &'static str,
    pub quote_char: &'static str,
    pub double_quote: bool,
    pub header: bool,
}

/// A Table Schema.
#[derive(Debug, Clone, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    pub missing_values: [&'static str; 1],
}

/// A column, as Table Schema describes it.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Field {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    pub description: String,
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Default, Hash, Serialize)]
pub struct Constraints {
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<&'static str>,
    #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<&'static str>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct ForeignKey {
    pub fields: &'static str,
    pub reference: Reference,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct Reference {
    pub resource: &'static str,
    pub fields: &'static str,
}

fn fields(columns: Vec<Column>) -> Vec<Field> {
    columns
        .into_iter()
        .map(|c| Field {
            name: c.name,
            ty: c.ty,
            format: c.format,
            description: c.description,
            constraints: Constraints {
                required: c.required,
                pattern: c.pattern,
                values: c.values,
            },
        })
        .collect()
}

const CSV_DIALECT: Dialect = Dialect {
    delimiter: ",",
    line_terminator: "\r\n",
    quote_char: "\"",
    double_quote: true,
    header: true,
};

fn table(
    name: &'static str,
    path: &'static str,
    title: &'static str,
    description: &'static str,
    columns: Vec<Column>,
    primary_key: Option<&'static str>,
    foreign_keys: Vec<ForeignKey>,
) -> Resource {
    Resource {
        name,
        path,
        profile: "tabular-data-resource",
        title,
        description,
        format: "csv",
        mediatype: "text/csv",
        encoding: "utf-8",
        dialect: Some(CSV_DIALECT),
        schema: Some(Schema {
            fields: fields(columns),
            primary_key,
            foreign_keys,
            missing_values: [""],
        }),
    }
}

fn file(
    name: &'static str,
    path: &'static str,
    title: &'static str,
    description: &'static str,
    format: &'static str,
    mediatype: &'static str,
) -> Resource {
    Resource {
        name,
        path,
        profile: "data-resource",
        title,
        description,
        format,
        mediatype,
        encoding: "utf-8",
        dialect: None,
        schema: None,
    }
}

fn key(fields: &'static str, resource: &'static str) -> ForeignKey {
    ForeignKey {
        fields,
        reference: Reference {
            resource,
            fields: "id",
        },
    }
}

/// The descriptor of the dataset.
pub fn descriptor(input: &PackageInput) -> Descriptor {
    let resources = vec![
        table(
            "entries",
            ENTRIES_FILE,
            "Entries",
            "One row per park, program, lab and institution, with a column per field of the \
             front matter. The values only: the source of each is in facts.csv.",
            entry_columns(),
            Some("id"),
            Vec::new(),
        ),
        table(
            "facts",
            FACTS_FILE,
            "Facts and their sources",
            "One row per fact and citation: every fact of every entry with the source, locator \
             and quote of each of its citations (a fact without a citation has one row without \
             a source; an editorial value is marked as such).",
            fact_columns(),
            None,
            vec![key("entry_id", "entries"), key("source", "sources")],
        ),
        table(
            "sources",
            SOURCES_FILE,
            "Sources",
            "One row per source document that the facts cite.",
            source_columns(),
            Some("id"),
            Vec::new(),
        ),
        file(
            "atlas",
            JSON_FILE,
            "The whole atlas as JSON",
            "The three tables in one file: every entry with its values, its facts (each with \
             its citations) and the entries linking to it; every source; the licence.",
            "json",
            "application/json",
        ),
        file(
            "sites",
            GEOJSON_FILE,
            "Sites",
            "The location of every located park, lab and institution as GeoJSON, with its \
             precision and where the position comes from.",
            "geojson",
            "application/geo+json",
        ),
    ];
    Descriptor {
        profile: "data-package",
        name: package_name(&input.title),
        title: input.title.clone(),
        description: input.description.clone(),
        homepage: input.base_url.clone(),
        licenses: input
            .license
            .iter()
            .map(|l| LicenseRef {
                name: l.id.clone(),
                path: l.url.clone(),
                title: l.title.clone(),
            })
            .collect(),
        sources: input
            .sources
            .iter()
            .map(|(title, url)| SourceRef {
                title: title.clone(),
                path: url.clone(),
            })
            .collect(),
        resources,
    }
}

/// A package name as the spec wants it (lowercase letters, digits, `-._/`):
/// `China Science & Innovation Atlas` -> `china-science-innovation-atlas`.
pub fn package_name(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "atlas".into()
    } else {
        words.join("-")
    }
}

/// The descriptor as written to `data/datapackage.json`.
pub fn descriptor_json(d: &Descriptor) -> String {
    let mut text = serde_json::to_string_pretty(d).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema.org `Dataset` of the downloads page (JSON-LD), from the
/// descriptor.
pub fn dataset_json_ld(d: &Descriptor, input: &PackageInput) -> Value {
    let data_url = format!("{}data/", input.base_url);
    let distribution: Vec<Value> = d
        .resources
        .iter()
        .map(|r| {
            json!({
                "@type": "DataDownload",
                "name": r.title,
                "description": r.description,
                "encodingFormat": r.mediatype,
                "contentUrl": format!("{data_url}{}", r.path),
            })
        })
        .collect();
    let mut dataset = json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": data_url,
        "name": d.title,
        "description": dataset_description(&d.description),
        "url": data_url,
        "sameAs": input.base_url,
        "isAccessibleForFree": true,
        "creator": { "@type": "Organization", "name": d.title, "url": input.base_url },
        "publisher": { "@type": "Organization", "name": d.title, "url": input.base_url },
        "spatialCoverage": { "@type": "Place", "name": "China" },
        "keywords": ["China", "science parks", "research laboratories", "science policy", "innovation"],
        "distribution": distribution,
        "citation": d.sources.iter().map(|s| match &s.path {
            Some(url) => json!({ "@type": "CreativeWork", "name": s.title, "url": url }),
            None => json!({ "@type": "CreativeWork", "name": s.title }),
        }).collect::<Vec<_>>(),
    });
    if let Some(l) = &input.license {
        dataset["license"] = json!(l.url);
    }
    if let Some(u) = input.updated {
        dataset["dateModified"] = json!(u.to_string());
    }
    dataset
}

/// Search engines want a dataset described in at least 50 characters.
fn dataset_description(description: &str) -> String {
    let extra = "Downloads of every entry, every fact with its source, locator and quote, \
                 and every source, as CSV and JSON, with the map positions as GeoJSON.";
    if description.is_empty() {
        extra.into()
    } else {
        format!("{description} {extra}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec() {
        assert_eq!(
            package_name("China Science & Innovation Atlas"),
            "china-science-innovation-atlas"
        );
        assert_eq!(package_name("中文"), "atlas");
    }
}
