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

use crate::memo::Digested;

pub use facts::{FactRow, rows as fact_rows, with_item};
pub use fields::{FIELDS, FieldSpec, FieldType, PROVINCES, SOURCE_KINDS, ValueType, fields_of};
pub use front::{KeyIndex, split_front_matter};
pub use parse::parse_entry;
pub use value::{Date, Fact, LabeledFact};

pub use crate::kind::Kind;

/// What the rest of the atlas may know of an entry: its identity and front
/// matter, never its body. Other entries' pages read heads only, so editing
/// a body changes no other page.
#[derive(Debug, Clone)]
pub struct Head {
    pub id: String,
    pub kind: Kind,
    /// Path relative to the project root, for messages and edit links.
    pub path: String,
    /// The file's text up to the body, so front matter problems can point
    /// into it (line numbers are the file's).
    pub front: Arc<str>,
    /// Where each front matter key and its value sit in `front`.
    pub keys: KeyIndex,
    pub meta: Meta,
    /// An item's facts, in field-table order (empty for other kinds).
    pub facts: Vec<FactRow>,
}

/// A validated entry: its head, and the whole text with where the body is.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Digested from the path and the front matter's text.
    pub head: Digested<Head>,
    /// The whole file, digested.
    pub text: Digested<str>,
    /// Byte range of the Markdown body in `text`.
    pub body: Range<usize>,
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
    /// The Chinese name: cited where a source prints it; uncited, supplied
    /// by the atlas (the standard name from general knowledge, or a
    /// descriptive rendering that the entry's note marks as such).
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

impl std::hash::Hash for Entry {
    /// An entry is its head and its text.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.head, &self.text, &self.body).hash(state);
    }
}

impl Entry {
    pub fn id(&self) -> &str {
        &self.head.id
    }

    pub fn kind(&self) -> Kind {
        self.head.kind
    }

    pub fn path(&self) -> &str {
        &self.head.path
    }

    /// The Markdown body.
    pub fn body_text(&self) -> &str {
        &self.text[self.body.clone()]
    }
}

impl Head {
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
