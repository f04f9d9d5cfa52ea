//! Step 5: each entry -> its prepared content: fact box, body, relations and
//! notes, numbered in reading order (facts, then text, then relations).

use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::cite::{CiteRef, Coverage, NoteBody, Notes, parse_group};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::entry::{Entry, FieldType, Kind, ValueType, url_path};
use crate::graph::{Atlas, Rel, Taxonomy};
use crate::load::suggest_id;
use crate::markdown::{Body, Links, check_sources, render_body};

use super::views::{Card, FactView, NoteRef, NoteView, RelatedItem, RelationView};

/// Relative prefix from an entry page (`kind/id/`) to the site root.
pub const ENTRY_ROOT: &str = "../../";

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
    /// Each source cited, once, with a digest of how (note numbers,
    /// contexts, locators, quotes): what the source's page shows of this entry.
    pub cited: Vec<(String, u64)>,
    pub diags: Vec<Diagnostic>,
}

/// Prepares entry `i` of the atlas.
pub fn prepare(atlas: &Atlas, i: usize, config: &Config) -> Prepared {
    let entry = &atlas.entries[i];
    let root = match entry.kind {
        Kind::Page => "../",
        _ => ENTRY_ROOT,
    };
    let links = Links {
        atlas,
        root,
        index_html: config.index_html_links,
        allow_html: config.allow_html,
    };
    let mut p = Prepared::default();
    let mut notes = Notes::default();
    if let Some(item) = entry.item() {
        p.name_zh = item
            .name_zh
            .as_ref()
            .map(|name| name_zh(entry, atlas, name, &mut notes, &mut p));
        p.facts = facts(entry, atlas, config, &links, &mut notes, &mut p);
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
    if entry.kind.is_item() {
        p.relations = relations(atlas, i, &links, &mut notes, &mut p);
    }
    p.cited = cited_sources(&p.cites);
    p.notes = notes
        .list
        .iter()
        .map(|n| NoteView {
            number: n.number,
            html: note_html(&n.body, atlas, &links),
            refs: n.refs.clone(),
        })
        .collect();
    p
}

fn cited_sources(cites: &[(usize, String, CiteRef)]) -> Vec<(String, u64)> {
    let mut by_source: std::collections::BTreeMap<&str, DefaultHasher> = Default::default();
    for (note, context, r) in cites {
        let h = by_source.entry(&r.source).or_default();
        (note, context, &r.locator, &r.quote).hash(h);
    }
    by_source
        .into_iter()
        .map(|(s, h)| (s.to_string(), h.finish()))
        .collect()
}

/// Registers a fact's citation (if any) as a note; counts it for coverage.
fn cite_fact(
    entry: &Entry,
    atlas: &Atlas,
    key: &str,
    context: &str,
    (fact_cite, quote): (Option<&str>, Option<&str>),
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<NoteRef> {
    let Some(cite) = fact_cite else {
        return Vec::new();
    };
    // Find the cite text in the file so problems point at it.
    let region = entry.keys.value(key);
    let base = entry.text[region.clone()]
        .find(cite)
        .map_or(region.start, |i| region.start + i);
    let mut refs = match parse_group(cite, base, false) {
        Ok(r) => r,
        Err(e) => {
            p.diags.push(
                Diagnostic::error(format!("malformed citation: {}", e.message))
                    .at(&entry.path, &entry.text, e.span)
                    .hint(e.hint),
            );
            return Vec::new();
        }
    };
    refs = check_sources(entry, atlas, refs, &mut p.diags);
    // A fact-level quote belongs to its single citation (parsing refuses it
    // beside several).
    if let (Some(q), [only]) = (quote, refs.as_mut_slice()) {
        let q_at = entry.text[region.clone()]
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
    atlas: &Atlas,
    name: &crate::entry::Fact<String>,
    notes: &mut Notes,
    p: &mut Prepared,
) -> FactView {
    let refs = cite_fact(
        entry,
        atlas,
        "name_zh",
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
    atlas: &Atlas,
    config: &Config,
    links: &Links,
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<FactView> {
    let item = entry.item().expect("items only");
    let mut out: Vec<FactView> = Vec::new();
    let mut last_field = "";
    for row in crate::entry::fact_rows(item) {
        let field = row.field;
        let field_label = field.label_for(entry.kind);
        if field_label.is_empty() {
            continue;
        }
        let label = row.label.clone().unwrap_or_else(|| field_label.to_string());
        let html = fact_html(&row, config, links);
        // Designations and fields classify the entry in the atlas's own
        // vocabularies; they are not claims of a source.
        let is_claim = !matches!(
            field.ty,
            FieldType::Fact(ValueType::Designation) | FieldType::Facts(ValueType::Field)
        );
        let refs = cite_fact(
            entry,
            atlas,
            field.name,
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
                    prev.note = [prev.note.as_str(), view.note.as_str()]
                        .iter()
                        .filter(|n| !n.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" ");
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
fn fact_html(row: &crate::entry::FactRow, config: &Config, links: &Links) -> String {
    let text = row.text();
    let term = |tax: Taxonomy, label: &str| {
        let path = format!("{}/{}/", tax.slug(), suggest_id(label));
        format!("<a href=\"{}\">{}</a>", links.href(&path), esc(label))
    };
    let vocabulary_label = |terms: &std::collections::BTreeMap<String, String>| {
        terms.get(&text).cloned().unwrap_or_else(|| text.clone())
    };
    let value = match row.field.ty {
        FieldType::Fact(v) | FieldType::Facts(v) => v,
        _ => ValueType::Text,
    };
    match value {
        ValueType::Designation => term(
            Taxonomy::Designation,
            &vocabulary_label(&config.taxonomies.designation),
        ),
        ValueType::Field => term(Taxonomy::Field, &vocabulary_label(&config.taxonomies.field)),
        ValueType::Province => term(Taxonomy::Province, &text),
        _ if !row.field.unit.is_empty() => format!("{} {}", esc(&text), row.field.unit),
        _ => esc(&text),
    }
}

fn relations(
    atlas: &Atlas,
    i: usize,
    links: &Links,
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<RelationView> {
    let entry = &atlas.entries[i];
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
    for rel in Rel::ALL {
        for &l in &atlas.outgoing[i] {
            let link = &atlas.links[l];
            if link.rel != rel {
                continue;
            }
            let refs = match &link.cite {
                // Relations are not facts for coverage.
                Some(c) => cite_fact(
                    entry,
                    atlas,
                    rel.key(),
                    rel.label(),
                    (Some(c), None),
                    notes,
                    p,
                ),
                None => Vec::new(),
            };
            add(
                rel.label(),
                RelatedItem {
                    card: card(atlas, link.to, links),
                    notes: refs,
                },
            );
        }
    }
    for rel in Rel::ALL {
        for &l in &atlas.incoming[i] {
            let link = &atlas.links[l];
            if link.rel != rel {
                continue;
            }
            let from_kind = atlas.entries[link.from].kind;
            add(
                rel.inverse_label(from_kind),
                RelatedItem {
                    card: card(atlas, link.from, links),
                    notes: Vec::new(),
                },
            );
        }
    }
    for g in &mut groups {
        g.items.sort_by(|a, b| a.card.title.cmp(&b.card.title));
    }
    groups
}

/// An entry as a card, with links relative to the page `links` is for.
pub fn card(atlas: &Atlas, i: usize, links: &Links) -> Card {
    let e = &atlas.entries[i];
    let mut c = Card {
        id: e.id.clone(),
        kind: e.kind.name().to_string(),
        title: e.title().to_string(),
        name_zh: String::new(),
        summary: e.summary().to_string(),
        href: links.href(&e.url_path()),
        designation: String::new(),
        province: String::new(),
        established: String::new(),
        search: String::new(),
    };
    if let Some(item) = e.item() {
        c.name_zh = item
            .name_zh
            .as_ref()
            .map(|f| f.value.clone())
            .unwrap_or_default();
        c.designation = item
            .designation
            .as_ref()
            .map(|d| d.value.clone())
            .unwrap_or_default();
        c.province = item
            .province
            .as_ref()
            .map(|p| p.value.clone())
            .or_else(|| item.country.as_ref().map(|c| c.value.clone()))
            .unwrap_or_default();
        c.established = item
            .established
            .as_ref()
            .map(|d| d.value.year.to_string())
            .unwrap_or_default();
        let mut words = vec![c.title.to_lowercase(), c.name_zh.clone()];
        words.extend(item.aliases.iter().map(|a| a.to_lowercase()));
        c.search = words.join(" | ");
    } else {
        c.search = c.title.to_lowercase();
    }
    c
}

/// The HTML of a note: a citation's short references, or a footnote's text.
fn note_html(body: &NoteBody, atlas: &Atlas, links: &Links) -> String {
    match body {
        NoteBody::Footnote { html, .. } => html
            .trim()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>")
            .to_string(),
        NoteBody::Cite(refs) => {
            let mut out = String::new();
            for (k, r) in refs.iter().enumerate() {
                if k > 0 {
                    out.push_str("; ");
                }
                let short = atlas
                    .get(&r.source)
                    .and_then(|e| e.source())
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

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    crate::markdown::escape_attr(s)
}
