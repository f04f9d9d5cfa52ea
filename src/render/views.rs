//! Read-only views the templates receive: plain data made from the atlas,
//! never the internal structs. Links are written relative to the site root
//! (`parks/x/index.html`); templates prefix them with `root`.

use serde::Serialize;

use crate::markdown::Heading;

/// The whole site, the same on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub language: String,
    /// Link to the home page, relative to the root.
    pub home: String,
    /// Link to the map page, relative to the root.
    pub map: String,
    /// Link to the timeline page, relative to the root.
    pub timeline: String,
    pub menu: Vec<MenuItem>,
    pub kinds: Vec<KindView>,
    /// The index page of each kind, by kind name (`park`, ..., `source`),
    /// relative to the root.
    pub indexes: std::collections::BTreeMap<String, String>,
    pub taxonomies: Vec<MenuItem>,
    pub entry_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MenuItem {
    pub title: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindView {
    pub kind: String,
    pub label: String,
    pub href: String,
    pub count: usize,
}

/// What every page knows about itself.
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    pub title: String,
    pub description: String,
    /// Site path of the page (`parks/x/`), for canonical URLs.
    pub path: String,
    pub canonical: String,
    /// A body class, e.g. `entry park`.
    pub class: String,
    /// An entry's page (Open Graph type `article`).
    pub article: bool,
}

/// An entry as shown in lists and tables.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub name_zh: String,
    pub summary: String,
    pub href: String,
    pub designation: String,
    pub province: String,
    pub established: String,
    /// Lowercased titles, aliases and names, for the table filter.
    pub search: String,
}

/// One row of a fact box.
#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    pub label: String,
    /// Escaped HTML (may hold links).
    pub html: String,
    pub notes: Vec<NoteRef>,
    /// The atlas's own remark on the fact.
    pub note: String,
    /// The value comes from the atlas's editors, not from the sources.
    pub editorial: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteRef {
    pub number: usize,
    pub anchor: String,
}

/// A group of related entries.
#[derive(Debug, Clone, Serialize)]
pub struct RelationView {
    pub label: String,
    pub items: Vec<RelatedItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedItem {
    pub card: Card,
    pub notes: Vec<NoteRef>,
}

/// A numbered note at the foot of a page.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub number: usize,
    /// Escaped HTML.
    pub html: String,
    /// Anchor ids of the places that refer to the note.
    pub refs: Vec<String>,
}

/// A park, program or lab page.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub card: Card,
    /// The Chinese name with its note marks, or marked as the atlas's own.
    pub name_zh: Option<FactView>,
    pub kind_label: String,
    pub kind_href: String,
    pub aliases: Vec<String>,
    pub facts: Vec<FactView>,
    pub relations: Vec<RelationView>,
    pub body: String,
    pub headings: Vec<Heading>,
    pub notes: Vec<NoteView>,
    pub cite_text: String,
    pub bibtex: String,
    pub edit_href: String,
    pub updated: String,
    pub path: String,
    pub location: Option<super::maps::LocationView>,
}

/// A source page.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub card: Card,
    pub short: String,
    pub reference: String,
    pub authors: Vec<String>,
    pub kind: String,
    pub year: String,
    pub publisher: String,
    pub venue: String,
    pub url: String,
    pub accessed: String,
    pub language: String,
    pub body: String,
    pub notes: Vec<NoteView>,
    pub cited_by: Vec<CitedBy>,
    pub cite_count: usize,
    pub edit_href: String,
}

/// One entry that cites a source, with each place it does.
#[derive(Debug, Clone, Serialize)]
pub struct CitedBy {
    pub card: Card,
    pub uses: Vec<CiteUse>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CiteUse {
    pub locator: String,
    pub quote: String,
    /// "text" or the fact's label.
    pub context: String,
    /// Link to the note on the citing page.
    pub href: String,
}

/// A taxonomy term with its entries.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub label: String,
    pub href: String,
    pub count: usize,
    pub entries: Vec<Card>,
}
