//! The list of pages to render (each an output path, a template and what it
//! shows), each page's Tera context, and its incremental key.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use tera::Context;

use super::entry::{Prepared, card, esc};
use super::maps;
use super::views::*;
use crate::config::Config;
use crate::entry::{Entry, Kind, url_path};
use crate::geo::Geo;
use crate::graph::{Atlas, Taxonomy};
use crate::incremental::{Digests, digest_json};
use crate::markdown::{Links, href};

/// How many entries of each kind the home page lists.
const HOME_PREVIEW: usize = 12;

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    Home,
    Kind(Kind),
    /// A park, program or lab, by atlas index.
    Entry(usize),
    Source(usize),
    /// A plain page (about, methodology).
    Plain(usize),
    Bibliography,
    Map,
    Timeline,
    Taxonomy(Taxonomy),
    /// A term of a taxonomy, by its index in the taxonomy's terms.
    Term(Taxonomy, usize),
    NotFound,
    Sitemap,
    Feed,
    Robots,
}

/// One page to render: its output path, template and what it shows. Its
/// context is made only when it is rendered ([`Planner::context`]), and
/// its key ([`Planner::key`]) without making the context.
pub struct Page {
    pub path: String,
    pub template: &'static str,
    pub shows: Shows,
}

impl crate::incremental::PlannedPage for Page {
    fn path(&self) -> &str {
        &self.path
    }
    fn template(&self) -> &str {
        self.template
    }
}

/// Who cites each source: (citing entry, index into its `cited`), in
/// entry order.
type Citers = FxHashMap<usize, Vec<(usize, usize)>>;

/// Makes the list of pages, and each page's context and key on demand.
pub struct Planner<'a> {
    atlas: &'a Atlas,
    config: &'a Config,
    geo: &'a Geo,
    prepared: &'a [Arc<Prepared>],
    site: SiteView,
    /// Made on first use: only source pages need it.
    citers: OnceLock<Citers>,
    /// A digest of `site`.
    site_digest: u64,
    pub pages: Vec<Page>,
}

impl<'a> Planner<'a> {
    /// Plans every page of the site.
    pub fn new(
        atlas: &'a Atlas,
        config: &'a Config,
        prepared: &'a [Arc<Prepared>],
        geo: &'a Geo,
    ) -> Planner<'a> {
        let mut pages = Vec::new();
        let mut add = |path: String, template: &'static str, shows: Shows| {
            let path = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path
            };
            pages.push(Page {
                path,
                template,
                shows,
            });
        };
        add(String::new(), "home.html", Shows::Home);
        for kind in Kind::ITEMS {
            add(
                format!("{}/", kind.folder()),
                "kind.html",
                Shows::Kind(kind),
            );
        }
        for (i, e) in atlas.entries.iter().enumerate() {
            let (template, shows) = match e.kind {
                Kind::Source => ("source.html", Shows::Source(i)),
                Kind::Page => ("page.html", Shows::Plain(i)),
                _ => ("entry.html", Shows::Entry(i)),
            };
            add(e.url_path(), template, shows);
        }
        add("sources/".into(), "bibliography.html", Shows::Bibliography);
        add("map/".into(), "map.html", Shows::Map);
        add("timeline/".into(), "timeline.html", Shows::Timeline);
        for tax in Taxonomy::ALL {
            add(
                format!("{}/", tax.slug()),
                "taxonomy.html",
                Shows::Taxonomy(tax),
            );
            for (j, t) in terms(atlas, tax).iter().enumerate() {
                add(
                    format!("{}/{}/", tax.slug(), t.slug),
                    "term.html",
                    Shows::Term(tax, j),
                );
            }
        }
        add("404.html".into(), "404.html", Shows::NotFound);
        add("sitemap.xml".into(), "sitemap.xml", Shows::Sitemap);
        add("atom.xml".into(), "atom.xml", Shows::Feed);
        add("robots.txt".into(), "robots.txt", Shows::Robots);
        let site = site_view(atlas, config);
        Planner {
            atlas,
            config,
            geo,
            prepared,
            site_digest: digest_json(&site),
            site,
            citers: OnceLock::new(),
            pages,
        }
    }

    /// A digest of everything the page's context is made from, given the
    /// run's digests: equal keys mean equal contexts.
    pub fn key(&self, page: &Page, d: &Digests) -> u64 {
        let mut h = DefaultHasher::new();
        (d.config, self.site_digest, &page.path).hash(&mut h);
        let fronts_of = |h: &mut DefaultHasher, entries: &mut dyn Iterator<Item = usize>| {
            for i in entries {
                d.front[i].hash(h);
            }
        };
        match page.shows {
            Shows::Home | Shows::Map => (d.fronts, d.geo).hash(&mut h),
            Shows::Timeline | Shows::Feed => d.fronts.hash(&mut h),
            Shows::Kind(k) => fronts_of(&mut h, &mut self.atlas.of_kind(k)),
            Shows::Bibliography => fronts_of(&mut h, &mut self.atlas.of_kind(Kind::Source)),
            Shows::Entry(i) => (d.prepared[i], d.geo).hash(&mut h),
            Shows::Plain(i) => d.prepared[i].hash(&mut h),
            Shows::Source(i) => {
                d.prepared[i].hash(&mut h);
                for &(from, k) in self.citers_of(i) {
                    (d.front[from], self.prepared[from].cited[k].1).hash(&mut h);
                }
            }
            Shows::Taxonomy(tax) => {
                for t in terms(self.atlas, tax) {
                    (&t.slug, &t.label, t.entries.len()).hash(&mut h);
                }
            }
            Shows::Term(tax, j) => {
                let t = &terms(self.atlas, tax)[j];
                (&t.slug, &t.label).hash(&mut h);
                fronts_of(&mut h, &mut t.entries.iter().copied());
            }
            Shows::Sitemap => {
                for p in &self.pages {
                    p.path.hash(&mut h);
                }
            }
            Shows::NotFound | Shows::Robots => {}
        }
        h.finish()
    }

    /// The page's Tera context.
    pub fn context(&self, page: &Page) -> Context {
        match page.shows {
            Shows::Home => self.home(),
            Shows::Kind(k) => self.kind_index(k),
            Shows::Entry(i) => self.entry(i),
            Shows::Source(i) => self.source(i),
            Shows::Plain(i) => self.plain(i),
            Shows::Bibliography => self.bibliography(),
            Shows::Map => self.map(),
            Shows::Timeline => self.timeline(),
            Shows::Taxonomy(tax) => self.taxonomy(tax),
            Shows::Term(tax, j) => self.term(tax, j),
            Shows::NotFound => {
                // A host serves 404.html at any depth, so it links from the site's absolute path.
                let info = self.info("Page not found", "", "404.html", "not-found");
                self.base(self.config.base_path(), &info)
            }
            Shows::Sitemap => self.sitemap(),
            Shows::Feed => self.feed(),
            Shows::Robots => self.base("", &self.info("robots", "", "robots.txt", "")),
        }
    }

    /// The entries citing source `i`, each once.
    fn citers_of(&self, i: usize) -> &[(usize, usize)] {
        let citers = self.citers.get_or_init(|| {
            let mut out = Citers::default();
            for (from, p) in self.prepared.iter().enumerate() {
                for (k, (source, _)) in p.cited.iter().enumerate() {
                    if let Some(&s) = self.atlas.index.get(source) {
                        out.entry(s).or_default().push((from, k));
                    }
                }
            }
            out
        });
        citers.get(&i).map_or(&[], Vec::as_slice)
    }

    fn links(&self, root: &'static str) -> Links<'_> {
        Links {
            atlas: self.atlas,
            root,
            index_html: self.config.index_html_links,
            allow_html: self.config.allow_html,
        }
    }

    /// A context with what every page has: the site, the root prefix, the page.
    fn base(&self, root: &str, info: &PageInfo) -> Context {
        let mut c = Context::new();
        c.insert("site", &self.site);
        c.insert("root", root);
        c.insert("page", info);
        c
    }

    fn info(&self, title: &str, description: &str, path: &str, class: &str) -> PageInfo {
        PageInfo {
            title: title.into(),
            description: description.into(),
            path: path.into(),
            canonical: format!("{}{path}", self.config.base_url),
            class: class.into(),
            article: class.starts_with("entry") || class == "source",
        }
    }

    fn home(&self) -> Context {
        let links = self.links("");
        let kinds: BTreeMap<String, Vec<Card>> = Kind::ITEMS
            .iter()
            .map(|&k| {
                (
                    k.name().to_string(),
                    // The home page previews a dozen of each kind.
                    self.atlas
                        .of_kind(k)
                        .take(HOME_PREVIEW)
                        .map(|i| card(self.atlas, i, &links))
                        .collect(),
                )
            })
            .collect();
        let national = maps::figures(self.atlas, self.geo, &links)
            .into_iter()
            .next();
        let info = self.info(&self.config.title, &self.config.description, "", "home");
        let mut c = self.base("", &info);
        c.insert("entries", &kinds);
        c.insert("map", &national);
        c
    }

    fn timeline(&self) -> Context {
        let links = self.links("../");
        let (svg, count) = super::timeline::timeline(self.atlas, &links);
        let info = self.info(
            "Timeline",
            "China's science and technology programs and plans by the year they began.",
            "timeline/",
            "timeline-page",
        );
        let mut c = self.base("../", &info);
        c.insert("svg", &svg);
        c.insert("count", &count);
        c
    }

    fn map(&self) -> Context {
        let links = self.links("../");
        let info = self.info(
            "Map",
            "Where China's science parks and labs are, drawn at build time.",
            "map/",
            "map-page",
        );
        let mut c = self.base("../", &info);
        c.insert("figures", &maps::figures(self.atlas, self.geo, &links));
        c.insert("rows", &maps::rows(self.atlas, self.geo, &links));
        c
    }

    fn kind_index(&self, kind: Kind) -> Context {
        let links = self.links("../");
        let cards: Vec<Card> = self
            .atlas
            .of_kind(kind)
            .map(|i| card(self.atlas, i, &links))
            .collect();
        let path = format!("{}/", kind.folder());
        let info = self.info(
            kind.label_plural(),
            "",
            &path,
            &format!("index {}", kind.name()),
        );
        let mut c = self.base("../", &info);
        c.insert("kind", kind.name());
        c.insert("entries", &cards);
        c
    }

    fn entry(&self, i: usize) -> Context {
        let e = &self.atlas.entries[i];
        let p = &self.prepared[i];
        let links = self.links("../../");
        let path = e.url_path();
        let view = EntryView {
            card: card(self.atlas, i, &links),
            name_zh: p.name_zh.clone(),
            kind_label: e.kind.label_plural().into(),
            kind_href: links.href(&format!("{}/", e.kind.folder())),
            aliases: e.item().map(|m| m.aliases.clone()).unwrap_or_default(),
            facts: p.facts.clone(),
            relations: p.relations.clone(),
            body: p.body.html.clone(),
            headings: p.body.headings.clone(),
            notes: p.notes.clone(),
            cite_text: cite_text(self.config, e),
            bibtex: bibtex(self.config, e),
            edit_href: self.edit_href(e),
            updated: e
                .item()
                .and_then(|m| m.updated)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            path: e.path.clone(),
            location: maps::location(self.atlas, self.geo, i, &links),
        };
        let info = self.info(
            e.title(),
            e.summary(),
            &path,
            &format!("entry {}", e.kind.name()),
        );
        let mut c = self.base("../../", &info);
        c.insert("entry", &view);
        c
    }

    fn edit_href(&self, e: &Entry) -> String {
        self.config
            .edit_url
            .as_ref()
            .map(|u| format!("{u}{}", e.path))
            .unwrap_or_default()
    }

    fn source(&self, i: usize) -> Context {
        let e = &self.atlas.entries[i];
        let p = &self.prepared[i];
        let s = e.source().expect("a source");
        let links = self.links("../../");
        let mut groups: Vec<CitedBy> = Vec::new();
        let cites = self.citers_of(i).iter().flat_map(|&(from, _)| {
            self.prepared[from]
                .cites
                .iter()
                .filter(|(_, _, r)| r.source == e.id)
                .map(move |c| (from, c))
        });
        for (from, (note, context, r)) in cites {
            let from_card = card(self.atlas, from, &links);
            let use_ = CiteUse {
                locator: r.locator.clone(),
                quote: r.quote.clone().unwrap_or_default(),
                context: context.clone(),
                href: format!("{}#note-{note}", from_card.href),
            };
            match groups.iter_mut().find(|g| g.card.id == from_card.id) {
                Some(g) => {
                    if !g.uses.iter().any(|u| {
                        u.href == use_.href
                            && u.locator == use_.locator
                            && u.context == use_.context
                    }) {
                        g.uses.push(use_)
                    }
                }
                None => groups.push(CitedBy {
                    card: from_card,
                    uses: vec![use_],
                }),
            }
        }
        let count = groups.iter().map(|g| g.uses.len()).sum();
        let view = SourceView {
            card: card(self.atlas, i, &links),
            short: s.short.clone(),
            reference: reference_html(s),
            authors: s.authors.clone(),
            kind: s.kind.clone(),
            year: source_year(s),
            publisher: s.publisher.clone().unwrap_or_default(),
            venue: s.venue.clone().unwrap_or_default(),
            url: s.url.clone().unwrap_or_default(),
            accessed: s.accessed.map(|d| d.to_string()).unwrap_or_default(),
            language: s.language.clone().unwrap_or_default(),
            body: p.body.html.clone(),
            notes: p.notes.clone(),
            cited_by: groups,
            cite_count: count,
            edit_href: self.edit_href(e),
        };
        let path = e.url_path();
        let info = self.info(e.title(), e.summary(), &path, "source");
        let mut c = self.base("../../", &info);
        c.insert("source", &view);
        c
    }

    fn plain(&self, i: usize) -> Context {
        let e = &self.atlas.entries[i];
        let p = &self.prepared[i];
        let path = e.url_path();
        let info = self.info(e.title(), e.summary(), &path, "page");
        let mut c = self.base("../", &info);
        c.insert("body", &p.body.html);
        c.insert("notes", &p.notes);
        c.insert("edit_href", &self.edit_href(e));
        c
    }

    fn bibliography(&self) -> Context {
        let links = self.links("../");
        let sources: Vec<BTreeMap<&str, serde_json::Value>> = self
            .atlas
            .of_kind(Kind::Source)
            .map(|i| {
                let c = card(self.atlas, i, &links);
                let r = reference_html(self.atlas.entries[i].source().expect("source"));
                BTreeMap::from([
                    ("card", serde_json::to_value(c).unwrap_or_default()),
                    ("reference", r.into()),
                ])
            })
            .collect();
        let info = self.info(
            "Sources",
            "The reports the atlas is written from.",
            "sources/",
            "bibliography",
        );
        let mut c = self.base("../", &info);
        c.insert("sources", &sources);
        c
    }

    fn taxonomy(&self, tax: Taxonomy) -> Context {
        let links = self.links("../");
        let summaries: Vec<TermView> = terms(self.atlas, tax)
            .iter()
            .map(|t| TermView {
                label: t.label.clone(),
                href: links.href(&format!("{}/{}/", tax.slug(), t.slug)),
                count: t.entries.len(),
                entries: Vec::new(),
            })
            .collect();
        let path = format!("{}/", tax.slug());
        let info = self.info(tax.label(), "", &path, "taxonomy");
        let mut c = self.base("../", &info);
        c.insert("terms", &summaries);
        c
    }

    fn term(&self, tax: Taxonomy, j: usize) -> Context {
        let t = &terms(self.atlas, tax)[j];
        let links = self.links("../../");
        let view = TermView {
            label: t.label.clone(),
            href: String::new(),
            count: t.entries.len(),
            entries: t
                .entries
                .iter()
                .map(|&i| card(self.atlas, i, &links))
                .collect(),
        };
        let taxonomy = MenuItem {
            title: tax.label().into(),
            href: links.href(&format!("{}/", tax.slug())),
        };
        let path = format!("{}/{}/", tax.slug(), t.slug);
        let info = self.info(&format!("{}: {}", tax.label(), t.label), "", &path, "term");
        let mut c = self.base("../../", &info);
        c.insert("term", &view);
        c.insert("taxonomy", &taxonomy);
        c
    }

    fn sitemap(&self) -> Context {
        let urls: Vec<String> = self
            .pages
            .iter()
            .take_while(|p| p.shows != Shows::NotFound)
            .filter(|p| p.path.ends_with("index.html"))
            .map(|p| {
                format!(
                    "{}{}",
                    self.config.base_url,
                    p.path.trim_end_matches("index.html")
                )
            })
            .collect();
        let mut c = self.base("", &self.info("Sitemap", "", "sitemap.xml", ""));
        c.insert("urls", &urls);
        c
    }

    fn feed(&self) -> Context {
        let mut items: Vec<(String, &Entry)> = Kind::ITEMS
            .iter()
            .flat_map(|&k| self.atlas.of_kind(k))
            .map(|i| &*self.atlas.entries[i])
            .map(|e| (feed_date(e), e))
            .collect();
        items.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let updated = items
            .first()
            .map(|(d, _)| d.clone())
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        let feed: Vec<BTreeMap<&str, String>> = items
            .iter()
            .take(50)
            .map(|(date, e)| {
                BTreeMap::from([
                    ("title", e.title().to_string()),
                    ("summary", e.summary().to_string()),
                    ("url", format!("{}{}", self.config.base_url, e.url_path())),
                    ("id", e.id.clone()),
                    ("updated", date.clone()),
                ])
            })
            .collect();
        let mut c = self.base("", &self.info("Feed", "", "atom.xml", ""));
        c.insert("items", &feed);
        c.insert("updated", &updated);
        c
    }
}

/// The terms of a taxonomy (none if no entry has one).
fn terms(atlas: &Atlas, tax: Taxonomy) -> &[crate::graph::Term] {
    atlas.taxonomies.get(&tax).map_or(&[], Vec::as_slice)
}

fn site_view(atlas: &Atlas, config: &Config) -> SiteView {
    let mut menu: Vec<(i64, String, String)> = atlas
        .of_kind(Kind::Page)
        .map(|i| {
            let e = &atlas.entries[i];
            let order = match &e.meta {
                crate::entry::Meta::Page(m) => m.menu.unwrap_or(i64::MAX),
                _ => i64::MAX,
            };
            (
                order,
                e.title().to_string(),
                href("", &e.url_path(), config.index_html_links),
            )
        })
        .collect();
    menu.sort();
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        language: config.language.clone(),
        map: href("", "map/", config.index_html_links),
        timeline: href("", "timeline/", config.index_html_links),
        home: if config.index_html_links {
            "index.html".into()
        } else {
            String::new()
        },
        menu: menu
            .into_iter()
            .map(|(_, title, href)| MenuItem { title, href })
            .collect(),
        indexes: Kind::ITEMS
            .iter()
            .chain([Kind::Source].iter())
            .map(|&k| {
                let h = href("", &format!("{}/", k.folder()), config.index_html_links);
                (k.name().to_string(), h)
            })
            .collect(),
        kinds: Kind::ITEMS
            .iter()
            .chain([Kind::Source].iter())
            .map(|&k| KindView {
                kind: k.name().into(),
                label: k.label_plural().into(),
                href: href("", &format!("{}/", k.folder()), config.index_html_links),
                count: atlas.of_kind(k).count(),
            })
            .collect(),
        taxonomies: Taxonomy::ALL
            .iter()
            .map(|t| MenuItem {
                title: t.label().into(),
                href: href("", &format!("{}/", t.slug()), config.index_html_links),
            })
            .collect(),
        entry_count: Kind::ITEMS.iter().map(|&k| atlas.of_kind(k).count()).sum(),
    }
}

/// The date an item counts as updated, for the feed: `updated`, else `established`.
fn feed_date(e: &Entry) -> String {
    e.item()
        .and_then(|m| m.updated.or(m.established.as_ref().map(|d| d.value)))
        .map_or_else(|| "1970-01-01T00:00:00Z".into(), |d| d.rfc3339())
}

fn source_year(s: &crate::entry::SourceMeta) -> String {
    s.date
        .map(|d| d.to_string())
        .or(s.year.map(|y| y.to_string()))
        .unwrap_or_else(|| "n.d.".into())
}

/// A full reference in HTML: Authors (year). *Title*. Venue. Publisher.
pub fn reference_html(s: &crate::entry::SourceMeta) -> String {
    let mut out = String::new();
    if !s.authors.is_empty() {
        let _ = write!(out, "{} ", esc(&s.authors.join(", ")));
    }
    let _ = write!(
        out,
        "({}). <cite>{}</cite>.",
        esc(&source_year(s)),
        esc(&s.title)
    );
    for part in [&s.venue, &s.publisher].into_iter().flatten() {
        let _ = write!(out, " {}.", esc(part));
    }
    out
}

fn cite_text(config: &Config, e: &Entry) -> String {
    let updated = e
        .item()
        .and_then(|m| m.updated)
        .map(|d| format!(" Last updated {d}."))
        .unwrap_or_default();
    format!(
        "“{}.” In {}. {}{}.{}",
        e.title(),
        config.title,
        config.base_url,
        url_path(e.kind, &e.id),
        updated
    )
}

fn bibtex(config: &Config, e: &Entry) -> String {
    let braces = |s: &str| s.replace(['{', '}'], "");
    let mut out = format!(
        "@misc{{atlas-{id},\n  title = {{{title}}},\n  howpublished = {{{site}}},\n  url = {{{url}{path}}},\n",
        id = e.id,
        title = braces(e.title()),
        site = braces(&config.title),
        url = config.base_url,
        path = url_path(e.kind, &e.id),
    );
    if let Some(d) = e.item().and_then(|m| m.updated) {
        let _ = writeln!(
            out,
            "  year = {{{}}},\n  note = {{Last updated {d}}},",
            d.year
        );
    }
    out.push('}');
    out
}
