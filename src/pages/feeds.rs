//! Files for machines and for lost readers: `atom.xml` (the Atom feed, RFC
//! 4287, of the most recently reviewed entries), `sitemap.xml` (the
//! Sitemaps protocol 0.9), `robots.txt` and `404.html`.

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, render};
use crate::kind::Kind;
use crate::memo::{Digested, Query};
use crate::theme::Template;
use crate::views::SiteView;

/// Where the feed, sitemap, robots.txt and 404 page go.
pub const FEED_PATH: &str = "atom.xml";
pub const SITEMAP_PATH: &str = "sitemap.xml";
pub const ROBOTS_PATH: &str = "robots.txt";
pub const NOT_FOUND_PATH: &str = "404.html";
/// Every file this module makes.
pub const PATHS: [&str; 4] = [FEED_PATH, SITEMAP_PATH, ROBOTS_PATH, NOT_FOUND_PATH];

/// How many entries the feed carries.
pub const FEED_ITEMS: usize = 50;

/// One entry of the feed.
#[derive(Debug, Clone, Hash, serde::Serialize)]
pub struct FeedItem {
    pub title: String,
    pub summary: String,
    pub url: String,
    pub id: String,
    /// When the entry was last reviewed (its `updated`), RFC 3339.
    pub updated: String,
}

/// What the feed reads: the most recently reviewed entries, newest first.
#[derive(Hash)]
pub struct Feed {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub items: Vec<FeedItem>,
}

/// Rendering the feed.
pub static FEED: Query<Feed, Made> = Query::new("feed", |p| {
    let updated = p
        .items
        .first()
        .map_or("1970-01-01T00:00:00Z", |i| i.updated.as_str());
    let mut c = base_context(
        &p.site,
        Depth::Root,
        &p.config.info("Feed", "", "atom.xml", ""),
    );
    c.insert("items", &p.items);
    c.insert("updated", updated);
    render(&p.template, &c)
});

/// What the sitemap reads: the absolute URL of every page.
#[derive(Hash)]
pub struct Sitemap {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub urls: Vec<String>,
}

/// Rendering the sitemap.
pub static SITEMAP: Query<Sitemap, Made> = Query::new("sitemap", |p| {
    let info = p.config.info("Sitemap", "", "sitemap.xml", "");
    let mut c = base_context(&p.site, Depth::Root, &info);
    c.insert("urls", &p.urls);
    render(&p.template, &c)
});

/// What `robots.txt` and `404.html` read: the site alone.
#[derive(Hash)]
pub struct Plain {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
}

/// Rendering `robots.txt`.
pub static ROBOTS: Query<Plain, Made> = Query::new("robots", |p| {
    let info = p.config.info("robots", "", "robots.txt", "");
    render(&p.template, &base_context(&p.site, Depth::Root, &info))
});

/// Rendering `404.html`: a host serves it at any depth, so it links from
/// the site's absolute path rather than relatively.
pub static NOT_FOUND: Query<Plain, Made> = Query::new("not found", |p| {
    let info = p.config.info("Page not found", "", "404.html", "not-found");
    let mut c = base_context(&p.site, Depth::Root, &info);
    c.insert("root", base_path(&p.config.base_url));
    render(&p.template, &c)
});

/// The path part of a base URL (`/atlas/` for `https://host/atlas/`).
pub fn base_path(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// The feed, sitemap, robots.txt and 404 page; the sitemap lists the pages
/// of `planned`.
pub fn plan<'a>(site: &'a Site<'a>, planned: &[Job<'a>]) -> Vec<Job<'a>> {
    let config = &site.config;
    // The newest items picked by index first: a rebuild builds only the
    // items the feed shows, not one per entry.
    // Ordered as the feed's timestamps are: a missing month or day is the
    // first, a missing date 1970-01-01.
    let updated = |i: usize| {
        site.atlas.entries[i]
            .item()
            .and_then(|m| m.updated)
            .map_or((1970, 1, 1), |d| {
                (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))
            })
    };
    let mut newest: Vec<usize> = Kind::ITEMS
        .iter()
        .flat_map(|&k| site.atlas.of_kind(k))
        .collect();
    let newest_first = |a: &usize, b: &usize| {
        updated(*b)
            .cmp(&updated(*a))
            .then_with(|| site.atlas.entries[*a].id.cmp(&site.atlas.entries[*b].id))
    };
    if newest.len() > FEED_ITEMS {
        newest.select_nth_unstable_by(FEED_ITEMS - 1, newest_first);
        newest.truncate(FEED_ITEMS);
    }
    newest.sort_by(newest_first);
    let items: Vec<FeedItem> = newest
        .into_iter()
        .map(|i| &site.atlas.entries[i])
        .map(|e| FeedItem {
            title: e.title().to_string(),
            summary: e.summary().to_string(),
            url: format!("{}{}", config.base_url, e.url_path()),
            id: e.id.clone(),
            updated: e
                .item()
                .and_then(|m| m.updated)
                .map_or_else(|| "1970-01-01T00:00:00Z".into(), |d| d.rfc3339()),
        })
        .collect();
    // Entry pages are made in the pass over the entries, not planned here.
    let entry_pages = site
        .atlas
        .entries
        .iter()
        .filter(|e| e.kind.is_item())
        .map(|e| e.url_path());
    let mut urls: Vec<String> = planned
        .iter()
        .filter_map(|j| j.path.strip_suffix("index.html").map(str::to_string))
        .chain(entry_pages)
        .map(|p| format!("{}{p}", config.base_url))
        .collect();
    urls.sort();
    let plain = |name: &'static str| Plain {
        template: site.theme.template(name),
        site: site.view.clone(),
        config: config.clone(),
    };
    vec![
        job(
            site.memo,
            FEED_PATH,
            &FEED,
            Feed {
                template: site.theme.template("atom.xml"),
                site: site.view.clone(),
                config: config.clone(),
                items,
            },
        ),
        job(
            site.memo,
            SITEMAP_PATH,
            &SITEMAP,
            Sitemap {
                template: site.theme.template("sitemap.xml"),
                site: site.view.clone(),
                config: config.clone(),
                urls,
            },
        ),
        job(site.memo, ROBOTS_PATH, &ROBOTS, plain("robots.txt")),
        job(site.memo, NOT_FOUND_PATH, &NOT_FOUND, plain("404.html")),
    ]
}
