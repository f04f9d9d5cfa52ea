//! The list of pages to render: each an output path, a template and a context.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tera::Context;

use super::entry::{Prepared, card, esc};
use super::maps;
use super::views::*;
use crate::config::Config;
use crate::entry::{Entry, Kind, url_path};
use crate::geo::Geo;
use crate::graph::{Atlas, Taxonomy};
use crate::incremental::PageContext;
use crate::markdown::{Links, href};

/// How many entries of each kind the home page lists.
const HOME_PREVIEW: usize = 12;

/// One page to render.
pub struct Page {
    pub path: String,
    pub template: String,
    pub context: Context,
    /// A digest of the context, when planning for an incremental rebuild.
    pub digest: Option<u64>,
}

impl crate::incremental::PlannedPage for Page {
    fn path(&self) -> &str {
        &self.path
    }
    fn template(&self) -> &str {
        &self.template
    }
    fn digest(&self) -> Option<u64> {
        self.digest
    }
}

struct Planner<'a> {
    atlas: &'a Atlas,
    config: &'a Config,
    geo: &'a Geo,
    site: SiteView,
    pages: Vec<Page>,
    digests: bool,
}

/// Plans every page of the site, taking a digest of each context if `digests`.
pub fn plan(
    atlas: &Atlas,
    config: &Config,
    prepared: &[Prepared],
    geo: &Geo,
    digests: bool,
) -> Vec<Page> {
    let mut p = Planner {
        atlas,
        config,
        geo,
        site: site_view(atlas, config),
        pages: Vec::new(),
        digests,
    };
    p.home();
    for kind in Kind::ITEMS {
        p.kind_index(kind);
    }
    let cited_by = cited_by(atlas, prepared);
    for (i, e) in atlas.entries.iter().enumerate() {
        match e.kind {
            Kind::Source => p.source(
                i,
                &prepared[i],
                cited_by.get(&i).map(Vec::as_slice).unwrap_or(&[]),
            ),
            Kind::Page => p.plain(i, &prepared[i]),
            _ => p.entry(i, &prepared[i]),
        }
    }
    p.bibliography();
    p.map();
    p.timeline();
    p.taxonomies();
    p.special();
    p.pages
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

impl Planner<'_> {
    fn links(&self, root: &'static str) -> Links<'_> {
        Links {
            atlas: self.atlas,
            root,
            index_html: self.config.index_html_links,
            allow_html: self.config.allow_html,
        }
    }

    /// Adds a page at site folder `dir` (`""` for the root) or file `path`.
    fn add(
        &mut self,
        path: &str,
        template: &str,
        root: &str,
        info: PageInfo,
        extra: impl FnOnce(&mut PageContext),
    ) {
        let mut context = PageContext::new(self.digests);
        context.insert("site", &self.site);
        context.insert("root", root);
        context.insert("page", &info);
        extra(&mut context);
        let (context, digest) = context.finish();
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        self.pages.push(Page {
            path: file,
            template: template.into(),
            context,
            digest,
        });
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

    fn home(&mut self) {
        let links = self.links("");
        let kinds: Vec<(String, Vec<Card>)> = Kind::ITEMS
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
        self.add("", "home.html", "", info, |c| {
            c.insert("entries", &kinds.into_iter().collect::<BTreeMap<_, _>>());
            c.insert("map", &national);
        });
    }

    fn timeline(&mut self) {
        let links = self.links("../");
        let (svg, count) = super::timeline::timeline(self.atlas, &links);
        let info = self.info(
            "Timeline",
            "China's science and technology programs and plans by the year they began.",
            "timeline/",
            "timeline-page",
        );
        self.add("timeline/", "timeline.html", "../", info, |c| {
            c.insert("svg", &svg);
            c.insert("count", &count);
        });
    }

    fn map(&mut self) {
        let links = self.links("../");
        let figures = maps::figures(self.atlas, self.geo, &links);
        let rows = maps::rows(self.atlas, self.geo, &links);
        let info = self.info(
            "Map",
            "Where China's science parks and labs are, drawn at build time.",
            "map/",
            "map-page",
        );
        self.add("map/", "map.html", "../", info, |c| {
            c.insert("figures", &figures);
            c.insert("rows", &rows);
        });
    }

    fn kind_index(&mut self, kind: Kind) {
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
        self.add(&path, "kind.html", "../", info, |c| {
            c.insert("kind", kind.name());
            c.insert("entries", &cards);
        });
    }

    fn entry(&mut self, i: usize, p: &Prepared) {
        let e = &self.atlas.entries[i];
        let links = self.links("../../");
        let path = e.url_path();
        let view = EntryView {
            card: card(self.atlas, i, &links),
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
        self.add(&path, "entry.html", "../../", info, |c| {
            c.insert("entry", &view)
        });
    }

    fn edit_href(&self, e: &Entry) -> String {
        self.config
            .edit_url
            .as_ref()
            .map(|u| format!("{u}{}", e.path))
            .unwrap_or_default()
    }

    fn source(
        &mut self,
        i: usize,
        p: &Prepared,
        cited_by: &[(usize, usize, String, crate::cite::CiteRef)],
    ) {
        let e = &self.atlas.entries[i];
        let s = e.source().expect("a source");
        let links = self.links("../../");
        let mut groups: Vec<CitedBy> = Vec::new();
        for (from, note, context, r) in cited_by {
            let from_card = card(self.atlas, *from, &links);
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
        self.add(&path, "source.html", "../../", info, |c| {
            c.insert("source", &view)
        });
    }

    fn plain(&mut self, i: usize, p: &Prepared) {
        let e = &self.atlas.entries[i];
        let path = e.url_path();
        let info = self.info(e.title(), e.summary(), &path, "page");
        let body = p.body.html.clone();
        let notes = p.notes.clone();
        let edit = self.edit_href(e);
        self.add(&path, "page.html", "../", info, |c| {
            c.insert("body", &body);
            c.insert("notes", &notes);
            c.insert("edit_href", &edit);
        });
    }

    fn bibliography(&mut self) {
        let links = self.links("../");
        let sources: Vec<(Card, String)> = self
            .atlas
            .of_kind(Kind::Source)
            .map(|i| {
                (
                    card(self.atlas, i, &links),
                    reference_html(self.atlas.entries[i].source().expect("source")),
                )
            })
            .collect();
        let sources: Vec<BTreeMap<&str, serde_json::Value>> = sources
            .into_iter()
            .map(|(c, r)| {
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
        self.add("sources/", "bibliography.html", "../", info, |c| {
            c.insert("sources", &sources)
        });
    }

    fn taxonomies(&mut self) {
        for tax in Taxonomy::ALL {
            let terms = self.atlas.taxonomies.get(&tax).cloned().unwrap_or_default();
            let index_links = self.links("../");
            let summaries: Vec<TermView> = terms
                .iter()
                .map(|t| TermView {
                    label: t.label.clone(),
                    href: index_links.href(&format!("{}/{}/", tax.slug(), t.slug)),
                    count: t.entries.len(),
                    entries: Vec::new(),
                })
                .collect();
            let path = format!("{}/", tax.slug());
            let info = self.info(tax.label(), "", &path, "taxonomy");
            self.add(&path, "taxonomy.html", "../", info, |c| {
                c.insert("terms", &summaries)
            });
            for t in &terms {
                let term_links = self.links("../../");
                let view = TermView {
                    label: t.label.clone(),
                    href: String::new(),
                    count: t.entries.len(),
                    entries: t
                        .entries
                        .iter()
                        .map(|&i| card(self.atlas, i, &term_links))
                        .collect(),
                };
                let taxonomy = MenuItem {
                    title: tax.label().into(),
                    href: term_links.href(&format!("{}/", tax.slug())),
                };
                let path = format!("{}/{}/", tax.slug(), t.slug);
                let info = self.info(&format!("{}: {}", tax.label(), t.label), "", &path, "term");
                self.add(&path, "term.html", "../../", info, |c| {
                    c.insert("term", &view);
                    c.insert("taxonomy", &taxonomy);
                });
            }
        }
    }

    /// 404, sitemap, feed, robots.
    fn special(&mut self) {
        // A host serves 404.html at any depth, so it links from the site's absolute path.
        let base_path = self.config.base_path().to_string();
        let info = self.info("Page not found", "", "404.html", "not-found");
        self.add("404.html", "404.html", &base_path, info, |_| {});
        let urls: Vec<String> = self
            .pages
            .iter()
            .filter(|p| p.path.ends_with("index.html"))
            .map(|p| {
                format!(
                    "{}{}",
                    self.config.base_url,
                    p.path.trim_end_matches("index.html")
                )
            })
            .collect();
        let info = self.info("Sitemap", "", "sitemap.xml", "");
        self.add("sitemap.xml", "sitemap.xml", "", info, |c| {
            c.insert("urls", &urls)
        });
        let mut items: Vec<(String, &Entry)> = Kind::ITEMS
            .iter()
            .flat_map(|&k| self.atlas.of_kind(k))
            .map(|i| &self.atlas.entries[i])
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
        let info = self.info("Feed", "", "atom.xml", "");
        self.add("atom.xml", "atom.xml", "", info, |c| {
            c.insert("items", &feed);
            c.insert("updated", &updated);
        });
        let info = self.info("robots", "", "robots.txt", "");
        self.add("robots.txt", "robots.txt", "", info, |_| {});
    }
}

/// (source index, citing entry, note number, context, reference) grouped by source.
fn cited_by(
    atlas: &Atlas,
    prepared: &[Prepared],
) -> BTreeMap<usize, Vec<(usize, usize, String, crate::cite::CiteRef)>> {
    let mut out: BTreeMap<usize, Vec<_>> = BTreeMap::new();
    for (from, p) in prepared.iter().enumerate() {
        for (note, context, r) in &p.cites {
            if let Some(&s) = atlas.index.get(&r.source) {
                out.entry(s)
                    .or_default()
                    .push((from, *note, context.clone(), r.clone()));
            }
        }
    }
    out
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
