//! Step 6: the pages and other files of the site.
//!
//! Each kind of page lives in one module, which says what a page of that
//! kind reads (its input struct, made of [`Digested`] parts and the
//! [`Template`] it renders with) and how it renders (a plain function of
//! that input, run through the [`Memo`]). A page cannot read what its input
//! does not hold, so its key, the input's digest, cannot miss anything:
//!
//! | module | pages |
//! |---|---|
//! | [`entry`] | a page per park, program, lab and institution; its citation files (`cite.bib`, `cite.ris`, `cite.json`) |
//! | [`source`] | a page per source; the bibliography |
//! | [`plain`] | a page per plain page (about, methodology) |
//! | [`lists`] | the index of each kind; the taxonomies and their terms |
//! | [`home`] | the home page |
//! | [`map`] | the map page; the locator maps; the static base maps |
//! | [`timeline`] | the timeline of programs |
//! | [`feeds`] | `atom.xml`, `sitemap.xml`, `robots.txt`, `404.html` |
//! | [`downloads`] | `data/`: the downloads page, `atlas.json`, `atlas.csv`, `facts.csv`, `sources.csv`, `datapackage.json`, `sites.geojson`; the search index |
//! | [`statics`] | the theme's static files and the highlighting CSS |
//!
//! A module's `plan` lists its pages for a run as [`Job`]s; the pipeline
//! makes them all in parallel and hands each file to a sink as it is made.
//! Entry pages are the exception: the pipeline makes each in the pass that
//! prepares its entry ([`entry::Pages`]), so their bodies need not all be
//! held at once.

pub mod downloads;
pub mod entry;
pub mod feeds;
pub mod home;
pub mod lists;
pub mod map;
pub mod plain;
pub mod source;
pub mod statics;
pub mod timeline;

use std::hash::Hash;

use tera::Context;

use crate::body::Body;
use crate::config::Taxonomies;
use crate::diag::Diagnostic;
use crate::geo::Geo;
use crate::graph::Atlas;
use crate::memo::{Digested, Memo, Query};
use crate::prepare::{Brief, Prepared};
use crate::theme::Compiled;
use crate::views::{Card, KindView, MenuItem, PageInfo, SiteView};

/// A made file, or why it could not be made.
pub type Made = Result<Body, Diagnostic>;

/// One file of the site to make: its path and how (a memoised query on an
/// input the job holds).
pub struct Job<'a> {
    /// Path inside the site, `/`-separated.
    pub path: String,
    make: Box<dyn Fn() -> Digested<Made> + Send + Sync + 'a>,
}

impl Job<'_> {
    /// Makes the file (or takes it from the memo).
    pub fn make(&self) -> Digested<Made> {
        (self.make)()
    }
}

/// A job that makes `path` with `query` on `input`.
pub fn job<'a, I: Hash + Send + Sync + 'a>(
    memo: &'a Memo,
    path: impl Into<String>,
    query: &'static Query<I, Made>,
    input: I,
) -> Job<'a> {
    Job {
        path: path.into(),
        make: Box::new(move || memo.get(query, &input)),
    }
}

/// A job that makes `path` with `query` on the input `input` gives when the
/// job runs (in parallel with the others): for inputs that take work to
/// gather, such as the pieces of a download.
pub fn job_with<'a, I: Hash + 'a>(
    memo: &'a Memo,
    path: impl Into<String>,
    query: &'static Query<I, Made>,
    input: impl Fn() -> I + Send + Sync + 'a,
) -> Job<'a> {
    Job {
        path: path.into(),
        make: Box::new(move || memo.get(query, &input())),
    }
}

/// How deep a page is, which decides how its links climb to the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Depth {
    /// The home page, feeds, downloads: at the root.
    Root = 0,
    /// Index pages, plain pages, the map: `x/index.html`.
    One = 1,
    /// Entry, source and term pages: `x/y/index.html`.
    Two = 2,
}

impl Depth {
    /// The relative prefix from a page at this depth to the root.
    pub const fn root(self) -> &'static str {
        match self {
            Depth::Root => "",
            Depth::One => "../",
            Depth::Two => "../../",
        }
    }
}

/// The settings pages read.
#[derive(Debug, Clone, Hash)]
pub struct PageConfig {
    pub title: String,
    pub description: String,
    /// Absolute, ending in `/`.
    pub base_url: String,
    pub language: String,
    pub index_html: bool,
    /// Prefix of a link to edit an entry's file.
    pub edit_url: Option<String>,
    pub labels: Taxonomies,
    /// The licence of the atlas's data and text, if the site states one.
    pub license: Option<crate::config::License>,
}

impl PageConfig {
    /// What every page knows about itself.
    pub fn info(&self, title: &str, description: &str, path: &str, class: &str) -> PageInfo {
        PageInfo {
            title: title.into(),
            description: description.into(),
            path: path.into(),
            canonical: format!("{}{path}", self.base_url),
            class: class.into(),
            article: class.starts_with("entry") || class == "source",
        }
    }

    /// A relative link from a page at `depth` to the site folder `url_path`.
    pub fn href(&self, depth: Depth, url_path: &str) -> String {
        crate::markdown::href(depth.root(), url_path, self.index_html)
    }
}

/// A context with what every page has: the site, the root prefix, the page.
pub fn base_context(site: &SiteView, depth: Depth, info: &PageInfo) -> Context {
    let mut c = Context::new();
    c.insert("site", site);
    c.insert("root", depth.root());
    c.insert("page", info);
    c
}

/// The run's data the pages are planned from. Planning reads it; a page's
/// rendering reads only the input its plan hands it.
pub struct Site<'a> {
    pub memo: &'a Memo,
    pub config: Digested<PageConfig>,
    pub atlas: &'a Atlas,
    /// What other pages read of each entry, by atlas index.
    pub briefs: &'a [Digested<Brief>],
    /// The whole prepared entry, for the entries whose body a page here
    /// shows (sources and plain pages), by atlas index.
    pub prepared: &'a [Option<Digested<Prepared>>],
    /// Every entry's card, by atlas index, for pages at each depth.
    pub cards: &'a [Vec<Digested<Card>>; 3],
    pub view: Digested<SiteView>,
    pub geo: &'a Geo,
    pub theme: &'a Compiled,
}

impl Site<'_> {
    /// Entry `i`'s card for a page at `depth`.
    pub fn card(&self, i: usize, depth: Depth) -> Digested<Card> {
        self.cards[depth as usize][i].clone()
    }

    /// Entry `i` prepared whole (a source or a plain page).
    pub fn prepared(&self, i: usize) -> Digested<Prepared> {
        self.prepared[i]
            .clone()
            .expect("sources and plain pages are kept whole")
    }
}

/// Every file of the site, planned.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let mut jobs = Vec::new();
    jobs.extend(home::plan(site));
    jobs.extend(lists::plan(site));
    jobs.extend(source::plan(site));
    jobs.extend(plain::plan(site));
    jobs.extend(map::plan(site));
    jobs.extend(timeline::plan(site));
    jobs.extend(downloads::plan(site));
    // Last: the sitemap lists every page planned before it.
    jobs.extend(feeds::plan(site, &jobs));
    jobs.extend(statics::plan(site));
    jobs
}

/// The site's files other than pages, by path inside the site: what a
/// relative link in content may name.
pub fn site_files(theme: &Compiled) -> std::collections::BTreeSet<String> {
    let mut files: std::collections::BTreeSet<String> = theme
        .statics()
        .map(|(name, _)| format!("static/{name}"))
        .collect();
    files.extend(
        [statics::HIGHLIGHT_CSS_PATH]
            .into_iter()
            .chain(downloads::PATHS)
            .chain(feeds::PATHS)
            .map(str::to_string),
    );
    files.extend(crate::geo::svg::VIEWS.iter().map(map::base_map_path));
    files
}

/// What the site view is made from: the settings, the plain pages for the
/// menu, and how many entries of each kind are in China and abroad.
#[derive(Hash)]
pub struct SiteInput {
    pub config: Digested<PageConfig>,
    /// (menu position, title, site folder) of each plain page.
    pub pages: Vec<(i64, String, String)>,
    /// (kind, in China, abroad).
    pub counts: Vec<(crate::kind::Kind, usize, usize)>,
}

impl SiteInput {
    /// The input of the site view for `atlas`, counting from each entry's
    /// card (`cards[i]` is entry `i`'s).
    pub fn of(
        atlas: &crate::graph::Atlas,
        cards: &[Digested<Card>],
        config: Digested<PageConfig>,
    ) -> SiteInput {
        use crate::kind::Kind;
        let pages = atlas
            .of_kind(Kind::Page)
            .map(|i| {
                let e = &atlas.entries[i];
                let order = match &e.meta {
                    crate::entry::Meta::Page(m) => m.menu.unwrap_or(i64::MAX),
                    _ => i64::MAX,
                };
                (order, e.title().to_string(), e.url_path())
            })
            .collect();
        let counts = Kind::ITEMS
            .iter()
            .chain([Kind::Source].iter())
            .map(|&k| {
                let abroad = atlas.of_kind(k).filter(|&i| cards[i].foreign).count();
                (k, atlas.of_kind(k).count() - abroad, abroad)
            })
            .collect();
        SiteInput {
            config,
            pages,
            counts,
        }
    }
}

/// The site view, the same on every page; digested by content.
pub static SITE_VIEW: Query<SiteInput, SiteView> = Query::with_cutoff("site view", |input| {
    use crate::graph::Taxonomy;
    let config = &input.config;
    let link = |path: &str| crate::markdown::href("", path, config.index_html);
    let mut menu = input.pages.clone();
    menu.sort();
    let items = || input.counts.iter().filter(|(k, _, _)| k.is_item());
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        language: config.language.clone(),
        map: link("map/"),
        timeline: link("timeline/"),
        home: if config.index_html {
            "index.html".into()
        } else {
            String::new()
        },
        menu: menu
            .into_iter()
            .map(|(_, title, path)| MenuItem {
                title,
                href: link(&path),
            })
            .collect(),
        indexes: input
            .counts
            .iter()
            .map(|(k, _, _)| (k.name().to_string(), link(&format!("{}/", k.folder()))))
            .collect(),
        kinds: input
            .counts
            .iter()
            .map(|&(k, count, abroad)| KindView {
                kind: k.name().into(),
                label: k.label_plural().into(),
                href: link(&format!("{}/", k.folder())),
                count,
                abroad,
            })
            .collect(),
        taxonomies: Taxonomy::ALL
            .iter()
            .map(|t| MenuItem {
                title: t.label().into(),
                href: link(&format!("{}/", t.slug())),
            })
            .collect(),
        entry_count: items().map(|c| c.1).sum(),
        abroad_count: items().map(|c| c.2).sum(),
        license: config.license.clone(),
        data: link("data/"),
    }
});

/// Renders a template page: the template with a context made from the
/// page's input alone.
pub fn render(template: &crate::theme::Template, context: &Context) -> Made {
    template.render(context).map(Body::from)
}
