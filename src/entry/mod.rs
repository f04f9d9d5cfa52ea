//! Step 2: a [`SourceFile`](crate::load::SourceFile) -> a validated [`Entry`].
//!
//! `front` splits the file into front matter and body (keeping byte offsets)
//! and indexes where each key sits; `fields` declares what each kind takes;
//! `parse` turns raw YAML into typed, validated metadata and reports every
//! problem with its line and column.

mod facts;
mod fields;
mod front;
mod parse;
mod value;

use std::ops::Range;
use std::sync::Arc;

pub use facts::{FactRow, rows as fact_rows};
pub use fields::{FIELDS, FieldSpec, FieldType, PROVINCES, SOURCE_KINDS, ValueType, fields_of};
pub use front::{KeyIndex, split_front_matter};
pub use parse::parse_entry;
pub use value::{Date, Fact, LabeledFact};

/// What an entry is. The folder under `content/` decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Park,
    Program,
    Lab,
    /// Universities, academies, think tanks, firms, publishers, agencies:
    /// organisations that are not themselves research facilities.
    Institution,
    Source,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Park,
        Kind::Program,
        Kind::Lab,
        Kind::Institution,
        Kind::Source,
        Kind::Page,
    ];
    /// The kinds that are atlas items (have facts and relations).
    pub const ITEMS: [Kind; 4] = [Kind::Park, Kind::Program, Kind::Lab, Kind::Institution];
    /// The items that are places: they may have a location and are drawn on maps.
    pub const PLACES: [Kind; 3] = [Kind::Park, Kind::Lab, Kind::Institution];

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == name || k.folder() == name)
    }

    /// The folder under `content/` (and the URL prefix, except for pages).
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Park => "parks",
            Kind::Program => "programs",
            Kind::Lab => "labs",
            Kind::Institution => "institutions",
            Kind::Source => "sources",
            Kind::Page => "pages",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Park => "park",
            Kind::Program => "program",
            Kind::Lab => "lab",
            Kind::Institution => "institution",
            Kind::Source => "source",
            Kind::Page => "page",
        }
    }

    /// Plural heading for index pages.
    pub fn label_plural(self) -> &'static str {
        match self {
            Kind::Park => "Parks and zones",
            Kind::Program => "Programs and plans",
            Kind::Lab => "Labs and facilities",
            Kind::Institution => "Institutions",
            Kind::Source => "Sources",
            Kind::Page => "Pages",
        }
    }

    pub fn is_item(self) -> bool {
        Kind::ITEMS.contains(&self)
    }

    /// Whether entries of this kind may have a location.
    pub fn is_place(self) -> bool {
        Kind::PLACES.contains(&self)
    }

    pub fn folder_list() -> String {
        Kind::ALL
            .iter()
            .map(|k| format!("content/{}/", k.folder()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A validated entry: its identity, its metadata, and where its body is.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub kind: Kind,
    /// Path relative to the project root, for messages and edit links.
    pub path: String,
    pub text: Arc<str>,
    /// Byte range of the Markdown body in `text`.
    pub body: Range<usize>,
    /// Where each front matter key and its value sit in `text`.
    pub keys: KeyIndex,
    pub meta: Meta,
}

/// Metadata by kind.
#[derive(Debug, Clone)]
pub enum Meta {
    Item(Box<ItemMeta>),
    Source(Box<SourceMeta>),
    Page(PageMeta),
}

/// The front matter of a park, program, lab or institution, deserialized
/// directly from YAML; [`FIELDS`] says which keys each kind takes.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ItemMeta {
    pub title: String,
    pub summary: String,
    /// The Chinese name: cited where a source prints it; uncited, the
    /// standard name supplied by the atlas from general knowledge.
    pub name_zh: Option<Fact<String>>,
    pub aliases: Vec<String>,
    pub designation: Option<Fact<String>>,
    pub fields: Vec<Fact<String>>,
    pub established: Option<Fact<Date>>,
    pub ended: Option<Fact<Date>>,
    /// Absent means China; any other country makes the entry a comparator.
    pub country: Option<Fact<String>>,
    pub province: Option<Fact<String>>,
    pub city: Option<Fact<String>>,
    pub area_km2: Option<Fact<f64>>,
    pub agency: Option<Fact<String>>,
    pub programs: Vec<Fact<String>>,
    pub park: Option<Fact<String>>,
    pub part_of: Option<Fact<String>>,
    pub predecessor: Option<Fact<String>>,
    pub related: Vec<Fact<String>>,
    pub facts: Vec<LabeledFact>,
    /// The date the entry was last reviewed.
    pub updated: Option<Date>,
    /// Shown first on the home page.
    pub featured: bool,
}

impl ItemMeta {
    /// The country, `China` when none is given.
    pub fn country_name(&self) -> &str {
        self.country.as_ref().map_or(CHINA, |c| c.value.as_str())
    }

    /// Whether the entry is in China (else it is a comparator from abroad).
    pub fn in_china(&self) -> bool {
        self.country_name() == CHINA
    }
}

/// The country of entries that give none.
pub const CHINA: &str = "China";

/// The front matter of a source.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct SourceMeta {
    pub title: String,
    pub short: String,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub date: Option<Date>,
    pub publisher: Option<String>,
    pub venue: Option<String>,
    pub kind: String,
    pub url: Option<String>,
    pub accessed: Option<Date>,
    /// Why the source has no URL, and where a reader finds it.
    pub availability: Option<String>,
    pub language: Option<String>,
    pub text: Option<String>,
    pub summary: String,
}

/// The front matter of a plain page.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PageMeta {
    pub title: String,
    pub summary: String,
    pub menu: Option<i64>,
}

impl Entry {
    pub fn title(&self) -> &str {
        match &self.meta {
            Meta::Item(m) => &m.title,
            Meta::Source(m) => &m.title,
            Meta::Page(m) => &m.title,
        }
    }

    pub fn summary(&self) -> &str {
        match &self.meta {
            Meta::Item(m) => &m.summary,
            Meta::Source(m) => &m.summary,
            Meta::Page(m) => &m.summary,
        }
    }

    pub fn item(&self) -> Option<&ItemMeta> {
        match &self.meta {
            Meta::Item(m) => Some(m),
            _ => None,
        }
    }

    pub fn source(&self) -> Option<&SourceMeta> {
        match &self.meta {
            Meta::Source(m) => Some(m),
            _ => None,
        }
    }

    /// The Markdown body.
    pub fn body_text(&self) -> &str {
        &self.text[self.body.clone()]
    }

    /// The site path of the entry's page, relative to the site root, as a
    /// folder (`parks/huairou-science-city/`).
    pub fn url_path(&self) -> String {
        url_path(self.kind, &self.id)
    }
}

/// The site folder of an entry of `kind` with `id`.
pub fn url_path(kind: Kind, id: &str) -> String {
    match kind {
        Kind::Page => format!("{id}/"),
        _ => format!("{}/{id}/", kind.folder()),
    }
}
