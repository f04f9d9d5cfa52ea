//! Read-only views the templates receive: plain data made from the atlas,
//! never the internal structs. Site-wide links (menu, kinds) are written
//! relative to the site root and templates prefix them with `root`; cards
//! and the HTML inside views link relative to the page they are made for.

use serde::Serialize;

use crate::config::Taxonomies;
use crate::entry::Head;
use crate::markdown::{Heading, href};
use crate::memo::{Digested, Query};

/// The whole site, the same on every page.
#[derive(Debug, Clone, Hash, Serialize)]
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
    /// Entries in China.
    pub entry_count: usize,
    /// Comparators abroad.
    pub abroad_count: usize,
    /// The licence of the atlas's data and text.
    pub license: Option<crate::config::License>,
    /// Link to the downloads page, relative to the root.
    pub data: String,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct MenuItem {
    pub title: String,
    pub href: String,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct KindView {
    pub kind: String,
    pub label: String,
    pub href: String,
    /// Entries in China (all, for sources).
    pub count: usize,
    /// Comparators abroad.
    pub abroad: usize,
}

/// What every page knows about itself.
#[derive(Debug, Clone, Hash, Serialize)]
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
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Card {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub name_zh: String,
    pub summary: String,
    /// Relative to the page the card is made for.
    pub href: String,
    /// The designation's label (`National high-tech industrial development zone`).
    pub designation: String,
    /// The province, or the country of a comparator abroad.
    pub province: String,
    pub established: String,
    /// Outside China: a comparator, listed apart from China's own entries.
    pub foreign: bool,
    /// Shown first on the home page.
    pub featured: bool,
    /// Lowercased titles, aliases and names, for the table filter.
    pub search: String,
}

impl Card {
    /// The order of a list of entries: by the title shown, letters of
    /// either case together, then by id (titles may repeat).
    pub fn order(&self) -> (String, &str) {
        (self.title.to_lowercase(), &self.id)
    }
}

/// What a card is made from: the entry's head, and how the page it is on
/// links (its relative root and whether links name `index.html`).
#[derive(Hash)]
pub struct CardInput {
    pub head: Digested<Head>,
    pub root: &'static str,
    pub index_html: bool,
    pub labels: Digested<Taxonomies>,
}

/// An entry's card; digested by content, so only a change the card shows
/// makes the lists that show it again.
pub static CARD: Query<CardInput, Card> = Query::with_cutoff("card", |input| {
    let e = &input.head;
    let mut c = Card {
        id: e.id.clone(),
        kind: e.kind.name().to_string(),
        title: e.title().to_string(),
        name_zh: String::new(),
        summary: e.summary().to_string(),
        href: href(input.root, &e.url_path(), input.index_html),
        designation: String::new(),
        province: String::new(),
        established: String::new(),
        foreign: false,
        featured: false,
        search: String::new(),
    };
    let Some(item) = e.item() else {
        c.search = c.title.to_lowercase();
        return c;
    };
    c.name_zh = item
        .name_zh
        .as_ref()
        .map(|f| f.value.clone())
        .unwrap_or_default();
    c.designation = item
        .designation
        .as_ref()
        .map(|d| {
            input
                .labels
                .designation
                .get(&d.value)
                .cloned()
                .unwrap_or_else(|| d.value.clone())
        })
        .unwrap_or_default();
    c.foreign = !item.in_china();
    c.featured = item.featured;
    c.province = match (&item.province, c.foreign) {
        (Some(p), false) => p.value.clone(),
        _ if c.foreign => item.country_name().to_string(),
        _ => String::new(),
    };
    c.established = item
        .established
        .as_ref()
        .map(|d| d.value.year.to_string())
        .unwrap_or_default();
    let mut words = vec![c.title.to_lowercase(), c.name_zh.clone()];
    words.extend(item.aliases.iter().map(|a| a.to_lowercase()));
    c.search = words.join(" | ");
    c
});

/// One row of a fact box.
#[derive(Debug, Clone, Hash, Serialize)]
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

#[derive(Debug, Clone, Hash, Serialize)]
pub struct NoteRef {
    pub number: usize,
    pub anchor: String,
}

/// A group of related entries.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct RelationView {
    pub label: String,
    pub items: Vec<RelatedItem>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct RelatedItem {
    pub card: Card,
    pub notes: Vec<NoteRef>,
}

/// A numbered note at the foot of a page.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct NoteView {
    pub number: usize,
    /// Escaped HTML.
    pub html: String,
    /// Anchor ids of the places that refer to the note.
    pub refs: Vec<String>,
}

/// A park, program or lab page: what its template reads, borrowed from
/// the prepared entry (a page is rendered once; nothing is copied for it).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct EntryView<'a> {
    pub card: &'a Card,
    /// The Chinese name with its note marks, or marked as the atlas's own.
    pub name_zh: Option<&'a FactView>,
    pub kind_label: String,
    pub kind_href: String,
    pub aliases: &'a [String],
    pub facts: &'a [FactView],
    pub relations: &'a [RelationView],
    pub body: &'a str,
    pub headings: &'a [Heading],
    pub notes: &'a [NoteView],
    /// "Cite this entry": as text, BibTeX, CSL-JSON, RIS, meta tags, JSON-LD.
    pub citation: &'a crate::reference::Citation,
    pub edit_href: String,
    pub updated: String,
    pub path: &'a str,
    pub location: Option<&'a LocationView>,
}

/// A source page: what its template reads, borrowed where it can be.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct SourceView<'a> {
    pub card: &'a Card,
    pub short: &'a str,
    pub reference: String,
    pub authors: &'a [String],
    pub kind: &'a str,
    pub year: String,
    pub publisher: &'a str,
    pub venue: &'a str,
    pub url: &'a str,
    pub accessed: String,
    /// Where a reader finds a source without a URL.
    pub availability: &'a str,
    pub language: &'a str,
    pub body: &'a str,
    pub notes: &'a [NoteView],
    pub cited_by: Vec<CitedBy<'a>>,
    pub cite_count: usize,
    pub edit_href: String,
}

/// One entry that cites a source, with each place it does.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct CitedBy<'a> {
    pub card: &'a Card,
    pub uses: &'a [CiteUse],
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct CiteUse {
    pub locator: String,
    pub quote: String,
    /// "text" or the fact's label.
    pub context: String,
    /// The note on the citing page.
    pub note: usize,
}

/// A taxonomy term with its entries (borrowed: a term may list thousands).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct TermView<'a> {
    pub label: String,
    pub href: String,
    /// Entries in China.
    pub count: usize,
    /// Comparators abroad.
    pub abroad: usize,
    pub entries: Vec<&'a Card>,
}

/// The location block of an entry page.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct LocationView {
    /// Inline SVGs: the national (or world) locator, then any inset.
    pub maps: Vec<String>,
    pub precision: String,
    pub approximate: bool,
    pub provenance: String,
    /// `[lon, lat]` rounded for display.
    pub coordinates: String,
    /// True when the entry records that it has no fixed place.
    pub unlocated: bool,
}
