//! Step 5: each entry -> its prepared content: fact box, body, relations and
//! notes, numbered in reading order (facts, then text, then relations).

use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::cite::{CiteRef, Coverage, NoteBody, Notes, parse_group};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::entry::{Entry, Fact, Kind, url_path};
use crate::graph::{Atlas, Rel, Taxonomy};
use crate::load::suggest_id;
use crate::markdown::{Body, Links, check_sources, render_body};

use super::views::{Card, FactView, NoteRef, NoteView, RelatedItem, RelationView};

/// Relative prefix from an entry page (`kind/id/`) to the site root.
pub const ENTRY_ROOT: &str = "../../";

/// An entry, prepared for its page and for the pages that cite or list it.
#[derive(Debug, Default)]
pub struct Prepared {
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
    if entry.kind.is_item() {
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
    label: &str,
    (fact_cite, quote): (Option<&str>, Option<&str>),
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<NoteRef> {
    // Designations and fields classify the entry in the atlas's own
    // vocabularies; they are not claims of a source, so coverage leaves them out.
    let is_claim = !matches!(key, "designation" | "fields");
    p.coverage.facts += usize::from(is_claim);
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
    if let (Some(q), Some(first)) = (quote, refs.first_mut()) {
        let q_at = entry.text[region.clone()]
            .find(q)
            .map_or(region.start, |i| region.start + i);
        first.quote = Some(q.to_string());
        first.quote_span = q_at..q_at + q.len();
    }
    if refs.is_empty() {
        return Vec::new();
    }
    p.coverage.cited_facts += usize::from(is_claim);
    let (number, anchor) = notes.cite(refs.clone());
    p.cites
        .extend(refs.into_iter().map(|r| (number, label.to_string(), r)));
    vec![NoteRef { number, anchor }]
}

fn facts(
    entry: &Entry,
    atlas: &Atlas,
    config: &Config,
    links: &Links,
    notes: &mut Notes,
    p: &mut Prepared,
) -> Vec<FactView> {
    let item = entry.item().expect("items only");
    let mut out = Vec::new();
    let mut push = |key: &str,
                    label: &str,
                    html: String,
                    fact: Option<(&Option<String>, &Option<String>, &Option<String>)>,
                    p: &mut Prepared| {
        let (cite, quote, note) = fact.map_or((None, None, None), |(c, q, n)| {
            (c.as_deref(), q.as_deref(), n.clone())
        });
        let refs = cite_fact(entry, atlas, key, label, (cite, quote), notes, p);
        out.push(FactView {
            label: label.to_string(),
            html,
            notes: refs,
            note: note.unwrap_or_default(),
        });
    };
    fn parts<T>(f: &Fact<T>) -> Option<(&Option<String>, &Option<String>, &Option<String>)> {
        Some((&f.cite, &f.quote, &f.note))
    }
    let term = |tax: Taxonomy, label: &str| {
        let path = format!("{}/{}/", tax.slug(), suggest_id(label));
        format!("<a href=\"{}\">{}</a>", links.href(&path), esc(label))
    };
    if let Some(d) = &item.designation {
        let label = config
            .taxonomies
            .designation
            .get(&d.value)
            .map_or(d.value.as_str(), String::as_str);
        push(
            "designation",
            "Designation",
            term(Taxonomy::Designation, label),
            parts(d),
            p,
        );
    }
    if let Some(d) = &item.established {
        let label = match entry.kind {
            Kind::Program => "Launched",
            _ => "Established",
        };
        push("established", label, esc(&d.value.to_string()), parts(d), p);
    }
    if let Some(d) = &item.ended {
        push("ended", "Ended", esc(&d.value.to_string()), parts(d), p);
    }
    if let Some(a) = &item.agency {
        let label = if entry.kind == Kind::Program {
            "Lead agency"
        } else {
            "Institution"
        };
        push("agency", label, esc(&a.value), parts(a), p);
    }
    if let Some(c) = &item.city {
        push("city", "City", esc(&c.value), parts(c), p);
    }
    if let Some(pr) = &item.province {
        push(
            "province",
            "Province",
            term(Taxonomy::Province, &pr.value),
            parts(pr),
            p,
        );
    }
    if let Some(c) = &item.country {
        push("country", "Country", esc(&c.value), parts(c), p);
    }
    if let Some(a) = &item.area_km2 {
        push(
            "area_km2",
            "Area",
            format!("{} km²", format_number(a.value)),
            parts(a),
            p,
        );
    }
    for f in &item.fields {
        let label = config
            .taxonomies
            .field
            .get(&f.value)
            .map_or(f.value.as_str(), String::as_str);
        push("fields", "Field", term(Taxonomy::Field, label), parts(f), p);
    }
    for f in &item.facts {
        push(
            "facts",
            &f.label,
            esc(&f.value),
            Some((&f.cite, &f.quote, &f.note)),
            p,
        );
    }
    merge_repeated_labels(out)
}

/// Joins consecutive rows with the same label (several fields) into one.
fn merge_repeated_labels(rows: Vec<FactView>) -> Vec<FactView> {
    let mut out: Vec<FactView> = Vec::new();
    for row in rows {
        match out.last_mut() {
            Some(last)
                if row.label == "Field" && (last.label == "Field" || last.label == "Fields") =>
            {
                last.label = "Fields".into();
                last.html = format!("{}, {}", last.html, row.html);
                last.notes.extend(row.notes);
            }
            _ => out.push(row),
        }
    }
    out
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
                Some(c) => {
                    let before = p.coverage;
                    let r = cite_fact(
                        entry,
                        atlas,
                        rel.key(),
                        rel.label(),
                        (Some(c), None),
                        notes,
                        p,
                    );
                    // Relations are not facts for coverage.
                    p.coverage = before;
                    r
                }
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
        c.name_zh = item.name_zh.clone().unwrap_or_default();
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

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    crate::markdown::escape_attr(s)
}
