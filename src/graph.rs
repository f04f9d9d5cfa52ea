//! Step 3: entries -> the [`Atlas`]: ids checked, relations resolved in both
//! directions, taxonomies grouped.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::entry::{Fact, Head, Kind};
use crate::load::suggest_id;
use crate::memo::{Digested, Query};

/// Kinds of relation. Each is declared on one side and shown on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rel {
    /// lab or institution -> park it is in
    Park,
    /// park, lab or institution -> program
    Program,
    /// x -> larger x (or a lab -> the institution it belongs to)
    PartOf,
    /// program -> program it replaced
    Predecessor,
    /// anything -> anything
    Related,
}

impl Rel {
    pub const ALL: [Rel; 5] = [
        Rel::Park,
        Rel::Program,
        Rel::PartOf,
        Rel::Predecessor,
        Rel::Related,
    ];

    /// The front matter key that declares the relation.
    pub fn key(self) -> &'static str {
        match self {
            Rel::Park => "park",
            Rel::Program => "programs",
            Rel::PartOf => "part_of",
            Rel::Predecessor => "predecessor",
            Rel::Related => "related",
        }
    }

    /// Heading on the declaring entry's page.
    pub fn label(self) -> &'static str {
        match self {
            Rel::Park => "Located in",
            Rel::Program => "Programs and designations",
            Rel::PartOf => "Part of",
            Rel::Predecessor => "Preceded by",
            Rel::Related => "Related",
        }
    }

    /// Heading on the target's page, given the kind of the entries listed.
    pub fn inverse_label(self, from: Kind) -> &'static str {
        match (self, from) {
            (Rel::Park, Kind::Institution) => "Institutions here",
            (Rel::Park, _) => "Labs and facilities here",
            (Rel::Program, Kind::Park) => "Parks and zones",
            (Rel::Program, Kind::Institution) => "Institutions",
            (Rel::Program, _) => "Labs and facilities",
            (Rel::PartOf, _) => "Includes",
            (Rel::Predecessor, _) => "Succeeded by",
            (Rel::Related, _) => "Related",
        }
    }

    fn allows(self, from: Kind, to: Kind) -> bool {
        match self {
            Rel::Park => to == Kind::Park,
            Rel::Program => to == Kind::Program,
            Rel::PartOf => to == from || (from == Kind::Lab && to == Kind::Institution),
            Rel::Predecessor => to == Kind::Program,
            Rel::Related => to.is_item(),
        }
    }
}

/// One resolved relation.
#[derive(Debug, Clone)]
pub struct Link {
    pub rel: Rel,
    pub from: usize,
    pub to: usize,
    /// The citation of the relation, if it has one.
    pub cite: Option<String>,
}

/// A taxonomy: a way to group items (province, field, designation, period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Taxonomy {
    Province,
    Field,
    Designation,
    Period,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 4] = [
        Taxonomy::Designation,
        Taxonomy::Province,
        Taxonomy::Field,
        Taxonomy::Period,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Taxonomy::Province => "province",
            Taxonomy::Field => "field",
            Taxonomy::Designation => "designation",
            Taxonomy::Period => "period",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Taxonomy::Province => "Provinces",
            Taxonomy::Field => "Fields",
            Taxonomy::Designation => "Designations",
            Taxonomy::Period => "Periods",
        }
    }
}

/// A taxonomy term and the items that carry it.
#[derive(Debug, Clone)]
pub struct Term {
    pub slug: String,
    pub label: String,
    pub entries: Vec<usize>,
}

/// Everything the site is made of, resolved: the heads of all entries (their
/// front matter, never their bodies), ids, relations and taxonomies.
#[derive(Debug, Default, Clone)]
pub struct Atlas {
    /// Sorted by kind, then id: the order of every listing.
    pub entries: Vec<Digested<Head>>,
    pub index: FxHashMap<String, usize>,
    pub links: Vec<Link>,
    /// For each entry, indexes into `links` where it is the source.
    pub outgoing: Vec<Vec<usize>>,
    /// For each entry, indexes into `links` where it is the target.
    pub incoming: Vec<Vec<usize>>,
    pub taxonomies: BTreeMap<Taxonomy, Vec<Term>>,
}

/// The site's own top-level folders that are neither a kind's nor a
/// taxonomy's (those are read from [`Kind::ALL`] and [`Taxonomy::ALL`]).
const SITE_FOLDERS: &[&str] = &[
    "static",
    "data",
    "map",
    "timeline",
    "search",
    "bibliography",
];

/// Whether a plain page's id would collide with one of the site's own
/// folders (a page `x` is `x/index.html`). A collision this misses is still
/// caught where files leave the pipeline (`xml::Guard`), less helpfully.
fn reserved(id: &str) -> bool {
    Kind::ALL.iter().any(|k| k.folder() == id)
        || Taxonomy::ALL.iter().any(|t| t.slug() == id)
        || SITE_FOLDERS.contains(&id)
}

/// What the atlas is assembled from: every entry's head, and the labels of
/// the vocabularies.
#[derive(Hash)]
pub struct AtlasInput {
    pub heads: Vec<Digested<Head>>,
    pub labels: Digested<crate::config::Taxonomies>,
}

/// The atlas with the problems found assembling it.
pub type Assembled = (Atlas, Vec<Diagnostic>);

/// Assembling the atlas, from heads only: editing a body never does it again.
pub static ASSEMBLE: Query<AtlasInput, Assembled> = Query::new("atlas", |input| {
    let mut diags = Diagnostics::default();
    let atlas = Atlas::assemble(input.heads.clone(), &input.labels, &mut diags);
    (atlas, diags.into_iter().collect())
});

impl Atlas {
    /// Checks ids and resolves relations and taxonomies.
    pub fn assemble(
        mut entries: Vec<Digested<Head>>,
        labels: &crate::config::Taxonomies,
        diags: &mut Diagnostics,
    ) -> Atlas {
        entries.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        let mut atlas = Atlas::default();
        for entry in entries {
            if entry.kind == Kind::Page && reserved(&entry.id) {
                diags.push(
                    Diagnostic::error(format!(
                        "page id `{}` is reserved for the site's own pages",
                        entry.id
                    ))
                    .in_file(&entry.path)
                    .hint("rename the file"),
                );
                continue;
            }
            if let Some(&first) = atlas.index.get(&entry.id) {
                let first_path = &atlas.entries[first].path;
                diags.push(
                    Diagnostic::error(format!("duplicate id `{}`", entry.id))
                        .in_file(&entry.path)
                        .label(format!("`{first_path}` has the same id"))
                        .hint("ids are unique across all kinds; rename one of the files"),
                );
                continue;
            }
            atlas.index.insert(entry.id.clone(), atlas.entries.len());
            atlas.entries.push(entry);
        }
        atlas.outgoing = vec![Vec::new(); atlas.entries.len()];
        atlas.incoming = vec![Vec::new(); atlas.entries.len()];
        atlas.resolve_relations(diags);
        atlas.check_cycles(diags);
        atlas.group_taxonomies(labels, diags);
        atlas
    }

    fn resolve_relations(&mut self, diags: &mut Diagnostics) {
        let mut links = Vec::new();
        // A relation declared twice is one link.
        let mut seen = rustc_hash::FxHashSet::default();
        for (from, entry) in self.entries.iter().enumerate() {
            let Some(item) = entry.item() else { continue };
            let declared: [(Rel, Vec<&Fact<String>>); 5] = [
                (Rel::Park, item.park.iter().collect()),
                (Rel::Program, item.programs.iter().collect()),
                (Rel::PartOf, item.part_of.iter().collect()),
                (Rel::Predecessor, item.predecessor.iter().collect()),
                (Rel::Related, item.related.iter().collect()),
            ];
            for (rel, targets) in declared {
                for target in targets {
                    if let Some(to) = self.resolve(entry, rel, &target.value, diags)
                        && seen.insert((from, to, rel))
                    {
                        links.push(Link {
                            rel,
                            from,
                            to,
                            cite: target.cite.clone(),
                        });
                    }
                }
            }
        }
        for (i, link) in links.iter().enumerate() {
            self.outgoing[link.from].push(i);
            self.incoming[link.to].push(i);
        }
        self.links = links;
    }

    fn resolve(&self, entry: &Head, rel: Rel, id: &str, diags: &mut Diagnostics) -> Option<usize> {
        // Where the id is written, looked up only for a message.
        let at = |d: Diagnostic| {
            let span = entry.keys.find_in(&entry.front, rel.key(), id);
            d.at(&entry.path, &entry.front, span)
        };
        let Some(&to) = self.index.get(id) else {
            let mut d = at(Diagnostic::error(format!(
                "unknown id `{id}` in `{}`",
                rel.key()
            )))
            .label("no entry with this id");
            if let Some(close) = self.closest_id(id) {
                d = d.hint(format!("did you mean `{close}`?"));
            } else {
                d = d.hint(format!(
                    "create it with `atlas new {} \"...\"`",
                    target_kind_hint(rel, entry.kind)
                ));
            }
            diags.push(d);
            return None;
        };
        let target = &self.entries[to];
        if to == self.index[&entry.id] {
            diags.push(at(Diagnostic::error(format!(
                "`{}` refers to the entry itself",
                rel.key()
            ))));
            return None;
        }
        if !rel.allows(entry.kind, target.kind) {
            diags.push(
                at(Diagnostic::error(format!(
                    "`{id}` is a {}, but `{}` takes a {}",
                    target.kind.name(),
                    rel.key(),
                    target_kind_hint(rel, entry.kind)
                )))
                .hint("use `related` for other links between entries"),
            );
            return None;
        }
        Some(to)
    }

    /// `part_of` and `predecessor` form chains (each entry declares at most
    /// one); a chain that comes back to where it started is an error,
    /// reported once, at the first entry of the cycle in atlas order.
    fn check_cycles(&self, diags: &mut Diagnostics) {
        for rel in [Rel::PartOf, Rel::Predecessor] {
            let next: Vec<Option<usize>> = self
                .outgoing
                .iter()
                .map(|ls| {
                    ls.iter()
                        .map(|&l| &self.links[l])
                        .find(|l| l.rel == rel)
                        .map(|l| l.to)
                })
                .collect();
            // 0: not seen, 1: on the chain being followed, 2: done.
            let mut state = vec![0u8; next.len()];
            for start in 0..next.len() {
                let mut chain = Vec::new();
                let mut at = Some(start);
                while let Some(i) = at {
                    if state[i] == 2 {
                        break;
                    }
                    if state[i] == 1 {
                        let from = chain.iter().position(|&j| j == i).unwrap_or(0);
                        let cycle = &chain[from..];
                        let first = *cycle.iter().min().unwrap_or(&i);
                        let e = &self.entries[first];
                        let mut names: Vec<&str> = Vec::new();
                        let k = cycle.iter().position(|&j| j == first).unwrap_or(0);
                        for j in cycle[k..].iter().chain(&cycle[..k]) {
                            names.push(&self.entries[*j].id);
                        }
                        names.push(&e.id);
                        let span = e.keys.value(rel.key());
                        diags.push(
                            Diagnostic::error(format!(
                                "`{}` goes round in a circle: {}",
                                rel.key(),
                                names.join(" → ")
                            ))
                            .at(&e.path, &e.front, span)
                            .hint(match rel {
                                Rel::PartOf => "an entry cannot be part of what is part of it; remove one `part_of`",
                                _ => "a program cannot succeed what succeeds it; remove one `predecessor`",
                            }),
                        );
                        break;
                    }
                    state[i] = 1;
                    chain.push(i);
                    at = next[i];
                }
                for i in chain {
                    state[i] = 2;
                }
            }
        }
    }

    /// The closest existing id, for "did you mean".
    pub fn closest_id(&self, id: &str) -> Option<&str> {
        did_you_mean(id, self.entries.iter().map(|e| e.id.as_str()))
    }

    pub fn get(&self, id: &str) -> Option<&Head> {
        self.index.get(id).map(|&i| &*self.entries[i])
    }

    /// The ids of all entries, in atlas order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.id.as_str())
    }

    /// Groups the entries by term. A term's page is named by its label
    /// (`suggest_id`, as the entries' links to it are); two labels with one
    /// name would share a page, which is an error located where the second
    /// is used.
    fn group_taxonomies(&mut self, labels: &crate::config::Taxonomies, diags: &mut Diagnostics) {
        let mut groups: BTreeMap<Taxonomy, BTreeMap<String, Term>> = BTreeMap::new();
        // Labels repeat across entries: make each one's slug once.
        let mut slugs: FxHashMap<String, String> = FxHashMap::default();
        // Each clash is told once, where it first appears.
        let mut clashes = std::collections::HashSet::new();
        let mut add = |tax: Taxonomy, label: &str, i: usize, e: &Head, key: &str, value: &str| {
            let slug = match slugs.get(label) {
                Some(s) => s.clone(),
                None => {
                    let s = suggest_id(label);
                    slugs.insert(label.to_string(), s.clone());
                    s
                }
            };
            let term = groups
                .entry(tax)
                .or_default()
                .entry(slug.clone())
                .or_insert_with(|| Term {
                    slug,
                    label: label.to_string(),
                    entries: Vec::new(),
                });
            if term.label != label {
                if !clashes.insert((tax, label.to_string())) {
                    return;
                }
                let span = e.keys.find_in(&e.front, key, value);
                diags.push(
                    Diagnostic::error(format!(
                        "the {} `{label}` and `{}` would have one page, `{}/{}/`",
                        tax.label().to_lowercase(),
                        term.label,
                        tax.slug(),
                        term.slug
                    ))
                    .at(&e.path, &e.front, span)
                    .label("a page is named by the label's letters and digits")
                    .hint(if tax == Taxonomy::Province {
                        "write the province the same way in every entry"
                    } else {
                        "give the terms labels with different letters or digits in atlas.toml"
                    }),
                );
                return;
            }
            // Entries come in order, so a repeat is the last one.
            if term.entries.last() != Some(&i) {
                term.entries.push(i);
            }
        };
        for (i, e) in self.entries.iter().enumerate() {
            let Some(item) = e.item() else { continue };
            if let Some(p) = &item.province {
                add(Taxonomy::Province, &p.value, i, e, "province", &p.value);
            }
            for f in &item.fields {
                let label = labels
                    .field
                    .get(&f.value)
                    .map_or(f.value.as_str(), String::as_str);
                add(Taxonomy::Field, label, i, e, "fields", &f.value);
            }
            if let Some(d) = &item.designation {
                let label = labels
                    .designation
                    .get(&d.value)
                    .map_or(d.value.as_str(), String::as_str);
                add(Taxonomy::Designation, label, i, e, "designation", &d.value);
            }
            if let Some(date) = &item.established {
                let decade = date.value.decade();
                add(Taxonomy::Period, &decade, i, e, "established", "");
            }
        }
        self.taxonomies = groups
            .into_iter()
            .map(|(tax, terms)| (tax, terms.into_values().collect()))
            .collect();
    }

    /// Indexes of the entries of `kind`, in id order.
    pub fn of_kind(&self, kind: Kind) -> std::ops::Range<usize> {
        // Entries are sorted by kind, so each kind is one run of them.
        let start = self.entries.partition_point(|e| e.kind < kind);
        let end = self.entries.partition_point(|e| e.kind <= kind);
        start..end
    }
}

fn target_kind_hint(rel: Rel, from: Kind) -> &'static str {
    match rel {
        Rel::Park => "park",
        Rel::Program | Rel::Predecessor => "program",
        Rel::PartOf if from == Kind::Lab => "lab or institution",
        Rel::PartOf => from.name(),
        Rel::Related => "park, program, lab or institution",
    }
}

/// What other entries' pages may know of an entry, to link to it and name
/// it: small, and digested by content, so a change to the entry that leaves
/// it as it was changes no other page.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Summary {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// A source's short reference (`Grasten & Haakonsson 2023`); else empty.
    pub short: String,
    /// The site folder of its page (`parks/x/`).
    pub url_path: String,
}

/// An entry's summary, from its head.
pub static SUMMARY: Query<Digested<Head>, Summary> =
    Query::with_cutoff("summary", |head| Summary {
        id: head.id.clone(),
        kind: head.kind,
        title: head.title().to_string(),
        short: head.source().map(|s| s.short.clone()).unwrap_or_default(),
        url_path: head.url_path(),
    });

/// Every id with its kind, for "did you mean" hints: given to a step only
/// when one of its look-ups failed, so the others do not depend on it.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Names(pub Vec<(String, Kind)>);

impl Names {
    /// The closest id to `id` (of `kind`, if given).
    pub fn closest(&self, id: &str, kind: Option<Kind>) -> Option<&str> {
        did_you_mean(
            id,
            self.0
                .iter()
                .filter(|(_, k)| kind.is_none_or(|want| *k == want))
                .map(|(n, _)| n.as_str()),
        )
    }
}
