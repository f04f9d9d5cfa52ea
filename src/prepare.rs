//! Step 5: each entry -> its prepared content: fact box, body, relations and
//! notes, numbered in reading order (the Chinese name in the heading, the
//! text, the fact box, then relations).
//!
//! [`PREPARE`] reads one [`PrepareInput`] and nothing else: the entry, the
//! settings that shape its HTML, the summaries of exactly the entries it
//! names (looked up beforehand by [`REFS`], a scan that finds every id the
//! entry could name), the cards of the entries it is related to, and the
//! list of all ids only when one of its look-ups failed (for "did you
//! mean"). So a title edit prepares again only the entries that show that
//! title, and a body edit only the entry itself.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::cite::{CiteRef, Coverage, NoteBody, Notes, parse_group};
use crate::config::Taxonomies;
use crate::diag::Diagnostic;
use crate::entry::{Entry, Fact, FactRow, FieldType, Kind, ValueType, url_path};
use crate::graph::{Names, Rel, Summary, Taxonomy};
use crate::load::suggest_id;
use crate::markdown::{Body, Links, Resolve, check_sources, render_body};
use crate::memo::{Digested, Query};
use crate::views::{Card, CiteUse, FactView, NoteRef, NoteView, RelatedItem, RelationView};

/// Relative prefix from an entry page (`kind/id/`) to the site root.
pub const ENTRY_ROOT: &str = "../../";
/// Relative prefix from a plain page (`id/`) to the site root.
pub const PAGE_ROOT: &str = "../";

/// The relative prefix from the page of an entry of `kind` to the root.
pub fn root_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Page => PAGE_ROOT,
        _ => ENTRY_ROOT,
    }
}

/// The settings that shape prepared HTML, and what the pages around it hold.
#[derive(Debug, Clone, Hash)]
pub struct PrepareConfig {
    pub index_html: bool,
    pub allow_html: bool,
    pub labels: Taxonomies,
    /// The ids the theme's templates write.
    pub reserved: BTreeSet<String>,
    /// The site's files other than pages, which relative links may name.
    pub files: BTreeSet<String>,
}

/// One relation of the entry, as its page shows it.
#[derive(Hash)]
pub struct RelationInput {
    pub rel: Rel,
    /// Declared by this entry (else by the other one).
    pub outgoing: bool,
    /// The entry at the other end, as a card for this page.
    pub card: Digested<Card>,
    pub other_kind: Kind,
    /// The relation's citation, when this entry declares it with one.
    pub cite: Option<String>,
}

/// Everything preparing an entry reads.
#[derive(Hash)]
pub struct PrepareInput {
    pub entry: Entry,
    pub config: Digested<PrepareConfig>,
    /// Every id [`REFS`] found, with the entry's summary if it exists.
    pub found: Vec<(String, Option<Digested<Summary>>)>,
    /// All ids, only when a look-up failed.
    pub names: Option<Digested<Names>>,
    /// The heading ids of each entry the text links into with a
    /// `#fragment`, sorted by id.
    pub anchors: Vec<(String, Digested<Vec<String>>)>,
    pub relations: Vec<RelationInput>,
}

impl Resolve for PrepareInput {
    fn summary(&self, id: &str) -> Option<&Summary> {
        let i = self.found.binary_search_by(|(k, _)| k.as_str().cmp(id));
        // An id the scan did not find cannot have been named; treating it as
        // unknown keeps the result a function of this input.
        debug_assert!(i.is_ok(), "`{id}` was not found by the scan of references");
        i.ok().and_then(|i| self.found[i].1.as_deref())
    }

    fn closest(&self, id: &str, kind: Option<Kind>) -> Option<&str> {
        self.names.as_ref()?.closest(id, kind)
    }

    fn anchors(&self, id: &str) -> Option<&[String]> {
        let i = self
            .anchors
            .binary_search_by(|(k, _)| k.as_str().cmp(id))
            .ok()?;
        Some(self.anchors[i].1.as_slice())
    }
}

/// What the heading ids of an entry's page are made from.
#[derive(Hash)]
pub struct AnchorsInput {
    pub entry: Entry,
    pub reserved: Digested<BTreeSet<String>>,
}

/// The heading ids of an entry's page, for `(@id#fragment)` links from
/// others: made from its body alone, by the same allocator as its page.
pub static ANCHORS: Query<AnchorsInput, Vec<String>> = Query::new("anchors", |input| {
    crate::markdown::anchors(input.entry.body_text(), &input.reserved)
});

/// What other pages and checks read of a prepared entry: small, so a build
/// keeps it for every entry while it lets each entry's page part go as soon
/// as the page is written.
#[derive(Debug, Default)]
pub struct Brief {
    pub coverage: Coverage,
    /// What each cited source's page shows of this entry, by source id.
    pub uses: BTreeMap<String, Digested<Vec<CiteUse>>>,
    /// The text, for search.
    pub text: String,
    pub diags: Vec<Diagnostic>,
}

impl std::hash::Hash for Brief {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.coverage, &self.uses, &self.text).hash(state);
        for d in &self.diags {
            d.to_string().hash(state);
        }
    }
}

/// An entry, prepared for its page and for the pages that cite or list it.
#[derive(Debug, Default)]
pub struct Prepared {
    /// The Chinese name, with its citation or marked as the atlas's own.
    pub name_zh: Option<FactView>,
    pub facts: Vec<FactView>,
    pub body: Body,
    pub relations: Vec<RelationView>,
    pub notes: Vec<NoteView>,
    pub coverage: Coverage,
    /// Every citation: (note number, context label, reference).
    pub cites: Vec<(usize, String, CiteRef)>,
    pub diags: Vec<Diagnostic>,
    /// What other pages read of the entry (coverage, uses, search text and
    /// the problems found), made last.
    pub brief: Digested<Brief>,
}

impl Default for Digested<Brief> {
    fn default() -> Self {
        Digested::new(Brief::default())
    }
}

/// The ids an entry could name, and those it could link into with a
/// `#fragment`.
#[derive(Debug, Default)]
pub struct Refs {
    pub ids: Vec<String>,
    pub fragments: Vec<String>,
}

/// Every id an entry could name: relation targets and the sources of its
/// fact citations (from the front matter), and every `@id` in its text. A
/// superset is harmless (a needless dependency); the renderer looks up
/// nothing else.
pub static REFS: Query<Entry, Refs> = Query::new("references", |entry| {
    let mut ids = Vec::new();
    let mut fragments = Vec::new();
    if let Some(item) = entry.head.item() {
        for row in &entry.head.facts {
            if matches!(
                row.field.ty,
                FieldType::Fact(ValueType::Id) | FieldType::Facts(ValueType::Id)
            ) {
                ids.push(row.text());
            }
            if let Some(cite) = &row.cite {
                ids.extend(cited_ids(cite));
            }
        }
        if let Some(cite) = item.name_zh.as_ref().and_then(|n| n.cite.as_ref()) {
            ids.extend(cited_ids(cite));
        }
    }
    let body = entry.body_text();
    for (at, _) in body.match_indices('@') {
        let rest = &body[at + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 {
            ids.push(rest[..len].to_string());
            if rest[len..].starts_with('#') {
                fragments.push(rest[..len].to_string());
            }
        }
    }
    ids.sort();
    ids.dedup();
    fragments.sort();
    fragments.dedup();
    Refs { ids, fragments }
});

/// The source ids of a citation group as written in front matter, however
/// malformed the rest is.
fn cited_ids(cite: &str) -> impl Iterator<Item = String> + '_ {
    cite.split(';').filter_map(|part| {
        let id = part.trim().trim_start_matches('@');
        let len = id
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(id.len());
        (len > 0).then(|| id[..len].to_string())
    })
}

/// Preparing an entry.
pub static PREPARE: Query<PrepareInput, Prepared> = Query::new("prepare", prepare);

fn prepare(input: &PrepareInput) -> Prepared {
    let entry = &input.entry;
    let config = &input.config;
    let links = Links {
        resolve: input,
        root: root_of(entry.kind()),
        index_html: config.index_html,
        allow_html: config.allow_html,
        reserved: &config.reserved,
        files: &config.files,
    };
    let mut p = Prepared::default();
    let mut notes = Notes::default();
    // Notes are numbered as a reader meets them: the Chinese name in the
    // heading, the text, the fact box beside or after it, the relations.
    let item = entry.head.item();
    if let Some(name) = item.and_then(|item| item.name_zh.as_ref()) {
        p.name_zh = Some(name_zh(entry, input, name, &mut notes, &mut p));
    }
    p.body = render_body(entry, &mut notes, &links, &mut p.diags);
    p.coverage.paragraphs = p.body.paragraphs;
    p.coverage.cited_paragraphs = p.body.cited_paragraphs;
    p.cites.extend(
        p.body
            .cites
            .iter()
            .map(|(n, r)| (*n, "text".to_string(), r.clone())),
    );
    if item.is_some() {
        p.facts = facts(entry, input, &links, &mut notes, &mut p);
    }
    if entry.kind().is_item() {
        p.relations = relations(entry, input, &mut notes, &mut p);
    }
    let uses = uses(&p.cites);
    p.notes = notes
        .list
        .iter()
        .map(|n| NoteView {
            number: n.number,
            html: note_html(&n.body, input, &links),
            refs: n.refs.clone(),
        })
        .collect();
    p.body.cites.clear();
    p.brief = Digested::new(Brief {
        coverage: p.coverage,
        uses,
        text: std::mem::take(&mut p.body.text),
        diags: std::mem::take(&mut p.diags),
    });
    p
}

/// Each cited source's uses, once per note, locator and context.
fn uses(cites: &[(usize, String, CiteRef)]) -> BTreeMap<String, Digested<Vec<CiteUse>>> {
    let mut by_source: BTreeMap<&str, Vec<CiteUse>> = BTreeMap::new();
    for (note, context, r) in cites {
        let list = by_source.entry(&r.source).or_default();
        let use_ = CiteUse {
            locator: r.locator.clone(),
            quote: r.quote.clone().unwrap_or_default(),
            context: context.clone(),
            note: *note,
        };
        if !list
            .iter()
            .any(|u| u.note == use_.note && u.locator == use_.locator && u.context == use_.context)
        {
            list.push(use_);
        }
    }
    by_source
        .into_iter()
        .map(|(s, mut list)| {
            // Kept for the whole build (source pages read them last).
            list.shrink_to_fit();
            (s.to_string(), Digested::new(list))
        })
        .collect()
}

/// Registers a fact's citation (if any) as a note.
fn cite_fact(
    entry: &Entry,
    resolve: &dyn Resolve,
    (key, item): (&str, Option<usize>),
    context: &str,
    (fact_cite, quote): (Option<&str>, Option<&str>),
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<NoteRef> {
    let Some(cite) = fact_cite else {
        return Vec::new();
    };
    let text: &str = &entry.text;
    // Find the cite text in the file so problems point at it: in the
    // fact's own item when the key holds a list of them.
    let keys = &entry.head.keys;
    let region = item
        .and_then(|j| keys.item(key, j))
        .unwrap_or_else(|| keys.value(key));
    let base = text[region.clone()]
        .find(cite)
        .map_or(region.start, |i| region.start + i);
    let mut refs = match parse_group(cite, base, false) {
        Ok(r) => r,
        Err(e) => {
            p.diags.push(
                Diagnostic::error(format!("malformed citation: {}", e.message))
                    .at(entry.path(), text, e.span)
                    .hint(e.hint),
            );
            return Vec::new();
        }
    };
    refs = check_sources((entry.path(), text), resolve, refs, &mut p.diags);
    // A fact-level quote belongs to its single citation (parsing refuses it
    // beside several).
    if let (Some(q), [only]) = (quote, refs.as_mut_slice()) {
        let q_at = text[region.clone()]
            .find(q)
            .map_or(region.start, |i| region.start + i);
        only.quote = Some(q.to_string());
        only.quote_span = q_at..q_at + q.len();
    }
    if refs.is_empty() {
        return Vec::new();
    }
    let (number, anchor) = notes.cite(refs.clone());
    p.cites
        .extend(refs.into_iter().map(|r| (number, context.to_string(), r)));
    vec![NoteRef { number, anchor }]
}

/// The Chinese name: cited where a source prints it, else supplied by the
/// atlas (a name, so it needs no `editorial: true` to say so).
fn name_zh(
    entry: &Entry,
    resolve: &dyn Resolve,
    name: &Fact<String>,
    notes: &mut Notes,
    p: &mut Prepared,
) -> FactView {
    let refs = cite_fact(
        entry,
        resolve,
        ("name_zh", None),
        "Chinese name",
        (name.cite.as_deref(), name.quote.as_deref()),
        notes,
        p,
    );
    p.coverage.facts += 1;
    if refs.is_empty() {
        p.coverage.editorial_facts += 1;
    } else {
        p.coverage.cited_facts += 1;
    }
    FactView {
        label: "Chinese name".into(),
        html: esc(&name.value),
        editorial: refs.is_empty(),
        notes: refs,
        note: name.note.clone().unwrap_or_default(),
    }
}

/// The fact box: every fact field the table shows, in table order; the
/// elements of a list field share one row.
fn facts(
    entry: &Entry,
    input: &PrepareInput,
    links: &Links,
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<FactView> {
    let mut out: Vec<FactView> = Vec::new();
    let mut last_field = "";
    for (item, row) in crate::entry::with_item(&entry.head.facts) {
        let field = row.field;
        let field_label = field.label_for(entry.kind());
        if field_label.is_empty() {
            continue;
        }
        let label = row.label.clone().unwrap_or_else(|| field_label.to_string());
        let html = fact_html(row, &input.config.labels, links);
        // Designations and fields classify the entry in the atlas's own
        // vocabularies; they are not claims of a source.
        let is_claim = !matches!(
            field.ty,
            FieldType::Fact(ValueType::Designation) | FieldType::Facts(ValueType::Field)
        );
        let refs = cite_fact(
            entry,
            input,
            (field.name, Some(item)),
            &label,
            (row.cite.as_deref(), row.quote.as_deref()),
            notes,
            p,
        );
        if is_claim {
            p.coverage.facts += 1;
            if !refs.is_empty() {
                p.coverage.cited_facts += 1;
            } else if row.editorial {
                p.coverage.editorial_facts += 1;
            }
        }
        let view = FactView {
            label,
            html,
            notes: refs,
            note: row.note.clone().unwrap_or_default(),
            editorial: row.editorial,
        };
        let same_list = matches!(field.ty, FieldType::Facts(_)) && last_field == field.name;
        last_field = field.name;
        match out.last_mut() {
            Some(prev) if same_list => {
                prev.html = format!("{}, {}", prev.html, view.html);
                prev.notes.extend(view.notes);
                if !view.note.is_empty() {
                    if !prev.note.is_empty() {
                        prev.note.push(' ');
                    }
                    prev.note.push_str(&view.note);
                }
                prev.editorial |= view.editorial;
            }
            _ => out.push(view),
        }
    }
    out
}

/// A fact's value as HTML: taxonomy terms link to their pages, numbers get
/// their unit.
fn fact_html(row: &FactRow, labels: &Taxonomies, links: &Links) -> String {
    let text = row.text();
    let term = |tax: Taxonomy, label: &str| {
        let path = format!("{}/{}/", tax.slug(), suggest_id(label));
        format!("<a href=\"{}\">{}</a>", links.href(&path), esc(label))
    };
    let label_in = |terms: &BTreeMap<String, String>| {
        terms.get(&text).cloned().unwrap_or_else(|| text.clone())
    };
    let value = match row.field.ty {
        FieldType::Fact(v) | FieldType::Facts(v) => v,
        _ => ValueType::Text,
    };
    match value {
        ValueType::Designation => term(Taxonomy::Designation, &label_in(&labels.designation)),
        ValueType::Field => term(Taxonomy::Field, &label_in(&labels.field)),
        ValueType::Province => term(Taxonomy::Province, &text),
        _ if !row.field.unit.is_empty() => format!("{} {}", esc(&text), row.field.unit),
        _ => esc(&text),
    }
}

/// The relations in both directions, grouped under their headings, each
/// group sorted by title.
fn relations(
    entry: &Entry,
    input: &PrepareInput,
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<RelationView> {
    let mut groups: Vec<RelationView> = Vec::new();
    let mut add =
        |label: &str, item: RelatedItem| match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => {
                if !g.items.iter().any(|x| x.card.id == item.card.id) {
                    g.items.push(item);
                }
            }
            None => groups.push(RelationView {
                label: label.to_string(),
                items: vec![item],
            }),
        };
    // Declared relations first, then those declared by others, each in
    // the order of `Rel::ALL`.
    for outgoing in [true, false] {
        for rel in Rel::ALL {
            for r in input
                .relations
                .iter()
                .filter(|r| r.rel == rel && r.outgoing == outgoing)
            {
                // Relations are not facts for coverage.
                let notes = cite_fact(
                    entry,
                    input,
                    (rel.key(), None),
                    rel.label(),
                    (r.cite.as_deref(), None),
                    notes,
                    p,
                );
                let label = if outgoing {
                    rel.label()
                } else {
                    rel.inverse_label(r.other_kind)
                };
                add(
                    label,
                    RelatedItem {
                        card: (*r.card).clone(),
                        notes,
                    },
                );
            }
        }
    }
    for g in &mut groups {
        g.items.sort_by(|a, b| a.card.title.cmp(&b.card.title));
    }
    groups
}

/// The HTML of a note: a citation's short references, or a footnote's text.
fn note_html(body: &NoteBody, resolve: &dyn Resolve, links: &Links) -> String {
    match body {
        // A footnote of one paragraph reads as a line of the list; one of
        // several blocks (paragraphs, a list, code) keeps them whole.
        NoteBody::Footnote { html, .. } => {
            let html = html.trim();
            match html
                .strip_prefix("<p>")
                .and_then(|h| h.strip_suffix("</p>"))
            {
                Some(inner) if !inner.contains("<p>") && !inner.contains("</p>") => {
                    inner.to_string()
                }
                _ => html.to_string(),
            }
        }
        NoteBody::Cite(refs) => {
            let mut out = String::new();
            for (k, r) in refs.iter().enumerate() {
                if k > 0 {
                    out.push_str("; ");
                }
                let short = resolve
                    .summary(&r.source)
                    .map_or(r.source.as_str(), |s| s.short.as_str());
                let _ = write!(
                    out,
                    "<a class=\"cite\" href=\"{}\">{}</a>",
                    links.href(&url_path(Kind::Source, &r.source)),
                    esc(short)
                );
                if !r.locator.is_empty() {
                    let _ = write!(out, ", {}", esc(&r.locator));
                }
                if let Some(q) = &r.quote {
                    let _ = write!(out, ": <q>{}</q>", esc(q));
                }
            }
            out.push('.');
            out
        }
    }
}

/// What checking an entry's quotes reads: the entry's file (to point at a
/// quote), its citations, and the normalised text of each source it quotes
/// (`None` when the text is not available: those quotes are not checked).
#[derive(Hash)]
pub struct QuoteInput {
    pub path: String,
    pub text: Digested<str>,
    pub prepared: Digested<Prepared>,
    pub sources: Vec<(String, Option<Digested<String>>)>,
}

/// Checks that every quote occurs in its source's text.
pub static QUOTES: Query<QuoteInput, Vec<Diagnostic>> = Query::new("quotes", |input| {
    let mut out = Vec::new();
    for (_, _, r) in &input.prepared.cites {
        let Some(q) = &r.quote else { continue };
        let text = input
            .sources
            .binary_search_by(|(s, _)| s.as_str().cmp(&r.source))
            .ok()
            .and_then(|i| input.sources[i].1.as_ref());
        let Some(text) = text else { continue };
        if !text.contains(&crate::cite::normalize_for_quotes(q)) {
            out.push(
                Diagnostic::error(format!("quote not found in `{}`", r.source))
                    .at(&input.path, &input.text, r.quote_span.clone())
                    .label("this text does not occur in the source")
                    .hint("copy the words exactly as the source prints them (spacing and curly quotes may differ)"),
            );
        }
    }
    out
});

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    crate::html::escape(s)
}
