//! Files for machines and for lost readers: `atom.xml` (the Atom feed, RFC
//! 4287, of the most recently reviewed entries), `sitemap.xml` (the
//! Sitemaps protocol 0.9), `robots.txt` and `404.html`.

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, render};
use crate::kind::Kind;
use crate::memo::{Digested, Query};
use crate::theme::Template;
use crate::views::SiteView;

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
    let mut items: Vec<FeedItem> = Kind::ITEMS
        .iter()
        .flat_map(|&k| site.atlas.of_kind(k))
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
    items.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    items.truncate(FEED_ITEMS);
    let mut urls: Vec<String> = planned
        .iter()
        .filter_map(|j| j.path.strip_suffix("index.html"))
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
            "atom.xml",
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
            "sitemap.xml",
            &SITEMAP,
            Sitemap {
                template: site.theme.template("sitemap.xml"),
                site: site.view.clone(),
                config: config.clone(),
                urls,
            },
        ),
        job(site.memo, "robots.txt", &ROBOTS, plain("robots.txt")),
        job(site.memo, "404.html", &NOT_FOUND, plain("404.html")),
    ]
}
