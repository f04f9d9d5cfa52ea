//! Maps: the map page (`map/index.html`: every view with all marks, and a
//! table of every site), the locator maps of entry pages, the static base
//! maps (`static/map-<view>.svg`) and the combined GeoJSON download.

use serde::Serialize;
use serde_json::json;
use tera::Context;

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, job_with, render};
use crate::geo::Base;
use crate::geo::marks::{Detail, Overview, legend, map_with_marks};
use crate::geo::svg::{Mark, VIEWS, base_map, shows, views_for};
use crate::memo::{Digested, Memo, Query};
use crate::theme::Template;
use crate::views::{Card, LocationView, SiteView};

/// One row of the table beside a map (borrowed from the site and its
/// card: the table lists every located site).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct SiteRow<'a> {
    pub title: &'a str,
    pub href: &'a str,
    pub kind: &'a str,
    pub place: &'a str,
    pub precision: &'a str,
    pub approximate: bool,
    pub provenance: &'a str,
    pub region: String,
    pub foreign: bool,
}

/// A map with a heading, for the map page and the home page.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct MapFigure {
    pub slug: String,
    pub title: String,
    pub svg: String,
    /// What each kind of mark on it is (HTML).
    pub legend: String,
    pub count: usize,
}

/// What a locator map is made from.
#[derive(Hash)]
pub struct LocationInput {
    pub site: Digested<crate::geo::Site>,
    /// The entry's card on its own page.
    pub card: Digested<Card>,
}

/// The location block of an entry page.
pub static LOCATION: Query<LocationInput, LocationView> = Query::new("locator", |input| {
    let site = &input.site;
    let Some(lonlat) = site.point else {
        return LocationView {
            maps: Vec::new(),
            precision: String::new(),
            approximate: false,
            provenance: site.provenance.clone(),
            coordinates: String::new(),
            unlocated: true,
        };
    };
    let card = &input.card;
    // Only this entry's mark, so each page stays small (and the build linear).
    let mark = [mark(card, lonlat, true)];
    let maps = views_for(lonlat, card.foreign)
        .into_iter()
        .map(|v| {
            map_with_marks(
                v,
                &mark,
                Depth::Two.root(),
                &format!("Location of {} on a map of {}", card.title, v.title),
                Detail::Locator,
            )
            .svg
        })
        .collect();
    LocationView {
        maps,
        precision: site.precision.clone(),
        approximate: site.approximate,
        provenance: site.provenance.clone(),
        coordinates: format!("{:.2}° E, {:.2}° N", lonlat.0, lonlat.1),
        unlocated: false,
    }
});

/// The location block of entry `i`'s page (`card` is its card there), if
/// it has a location.
pub fn location(
    memo: &Memo,
    geo: &crate::geo::Geo,
    i: usize,
    card: &Digested<Card>,
) -> Option<Digested<LocationView>> {
    let located = geo.sites.get(&i)?;
    let input = LocationInput {
        site: located.clone(),
        card: card.clone(),
    };
    Some(memo.get(&LOCATION, &input))
}

/// The mark of an entry (as its card says) at `lonlat`.
fn mark(card: &Card, lonlat: (f64, f64), current: bool) -> Mark {
    Mark {
        href: card.href.clone(),
        title: card.title.clone(),
        kind: card.kind.clone(),
        lonlat,
        current,
        foreign: card.foreign,
    }
}

/// What the map page and the home map are drawn from: every located
/// entry's mark, for pages at one depth.
#[derive(Hash)]
pub struct MarksInput {
    pub depth: Depth,
    /// The link from the page to the map page, where a cluster leads
    /// without script ("" on the map page itself).
    pub more: String,
    pub marks: Vec<Mark>,
    /// The clusters of each view, over these marks.
    pub overview: Digested<Overview>,
}

/// Every view with all marks.
pub static FIGURES: Query<MarksInput, Vec<MapFigure>> = Query::new("map figures", |input| {
    use rayon::prelude::*;
    VIEWS
        .par_iter()
        .zip(&*input.overview)
        .map(|(v, levels)| {
            let shown: Vec<Mark> = input
                .marks
                .iter()
                .filter(|m| shows(v, m))
                .cloned()
                .collect();
            let count = shown.len();
            let kinds: Vec<&str> = ["park", "lab", "institution"]
                .into_iter()
                .filter(|k| shown.iter().any(|m| m.kind == *k))
                .collect();
            let what = if v.world {
                "comparators abroad"
            } else {
                "sites in China"
            };
            let label = format!(
                "Map of {}: {count} {what}, each a link to its entry",
                v.title
            );
            let drawn = map_with_marks(
                v,
                &shown,
                input.depth.root(),
                &label,
                Detail::Overview {
                    more: &input.more,
                    levels,
                },
            );
            MapFigure {
                slug: v.slug.into(),
                title: v.title.into(),
                legend: legend(&kinds, drawn.clusters),
                svg: drawn.svg,
                count,
            }
        })
        .collect()
});

/// The figures for pages at `depth`; `more` links such a page to the map
/// page ("" on the map page).
pub fn figures(site: &Site, depth: Depth, more: String) -> Digested<Vec<MapFigure>> {
    let marks = crate::geo::points(&site.geo.sites)
        .map(|(s, lonlat)| mark(&site.card(s.entry, depth), lonlat, false))
        .collect();
    let input = MarksInput {
        depth,
        more,
        marks,
        overview: site.geo.overview.clone(),
    };
    site.memo.get(&FIGURES, &input)
}

/// What the map page reads.
#[derive(Hash)]
pub struct MapPage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub figures: Digested<Vec<MapFigure>>,
    /// Every located (or deliberately unlocated) entry: its site and card.
    pub rows: Vec<(Digested<crate::geo::Site>, Digested<Card>)>,
}

/// Rendering the map page.
pub static PAGE: Query<MapPage, Made> = Query::new("map page", |p| {
    let info = p.config.info(
        "Map",
        "Where China's science parks, labs and institutions are, drawn at build time.",
        "map/",
        "map-page",
    );
    let mut c: Context = base_context(&p.site, Depth::One, &info);
    c.insert("figures", &*p.figures);
    c.insert("rows", &rows(&p.rows));
    // Rows of entries with no fixed place (a satellite) are in the table
    // but on no map: the caption says how many.
    let unmapped = p.rows.iter().filter(|(s, _)| s.point.is_none()).count();
    c.insert("mapped", &(p.rows.len() - unmapped));
    c.insert("unmapped", &unmapped);
    render(&p.template, &c)
});

/// The table of every located site, beside the maps: China's first, then
/// the comparators abroad, each in the order of every list of entries
/// ([`Card::order`]).
fn rows(sites: &[(Digested<crate::geo::Site>, Digested<Card>)]) -> Vec<SiteRow<'_>> {
    let mut sites: Vec<&(Digested<crate::geo::Site>, Digested<Card>)> = sites.iter().collect();
    sites.sort_by_cached_key(|(_, c)| (c.foreign, c.order()));
    sites
        .into_iter()
        .map(|(s, c)| {
            let region = s
                .point
                .map(|p| {
                    views_for(p, c.foreign)
                        .iter()
                        .map(|v| v.title)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "no fixed place".into());
            SiteRow {
                title: &c.title,
                href: &c.href,
                kind: &c.kind,
                place: &c.province,
                precision: &s.precision,
                approximate: s.approximate,
                provenance: &s.provenance,
                region,
                foreign: c.foreign,
            }
        })
        .collect()
}

/// The map page and the static base maps.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let page = move || MapPage {
        template: site.theme.template("map.html"),
        site: site.view.clone(),
        config: site.config.clone(),
        figures: figures(site, Depth::One, String::new()),
        rows: site
            .geo
            .sites
            .values()
            .map(|s| (s.clone(), site.card(s.entry, Depth::One)))
            .collect(),
    };
    let mut jobs = vec![job_with(site.memo, "map/index.html", &PAGE, page)];
    for (k, v) in VIEWS.iter().enumerate() {
        jobs.push(job(
            site.memo,
            base_map_path(v),
            &BASE_MAP,
            (site.geo.base.clone(), k),
        ));
    }
    jobs
}

/// Where the static base map of a view goes.
pub fn base_map_path(view: &crate::geo::svg::View) -> String {
    format!("static/map-{}.svg", view.slug)
}

/// A static base map: the base shapes drawn for view `k` of [`VIEWS`].
pub static BASE_MAP: Query<(Digested<Base>, usize), Made> =
    Query::new("base map svg", |(base, k)| {
        Ok(base_map(base, &VIEWS[*k]).into())
    });

/// What one feature of the GeoJSON download is made from: the site, the
/// entry's head and the base URL.
#[derive(Hash)]
pub struct FeatureInput {
    pub base_url: String,
    pub head: Digested<crate::entry::Head>,
    pub site: Digested<crate::geo::Site>,
}

/// One site as a GeoJSON Feature, pretty-printed at its depth in the
/// download; made again only when its site or its entry's head changes.
pub static FEATURE: Query<FeatureInput, String> = Query::new("geojson feature", |input| {
    super::downloads::record_json(&feature(&input.base_url, &input.head, &input.site))
});

/// What the GeoJSON download joins: each located site's feature, in the
/// order of the sites.
#[derive(Hash)]
pub struct SitesDownload {
    pub features: Vec<Digested<String>>,
}

/// `data/sites.geojson`: all located sites as one FeatureCollection (RFC
/// 7946), with each entry's id, kind, names, URL and the provenance of its
/// position.
pub static SITES_GEOJSON: Query<SitesDownload, Made> = Query::new("sites geojson", |input| {
    use super::downloads::{Written, object};
    Ok(object(&[
        ("features", Written::Array(&input.features)),
        ("type", Written::Text("\"FeatureCollection\"".into())),
    ]))
});

fn feature(base_url: &str, e: &crate::entry::Head, s: &crate::geo::Site) -> serde_json::Value {
    let item = e.item();
    let geometry = match (s.point, s.rings.is_empty()) {
        (None, _) => serde_json::Value::Null,
        (Some(p), true) => json!({ "type": "Point", "coordinates": [p.0, p.1] }),
        (Some(_), false) => json!({
            "type": "Polygon",
            "coordinates": s.rings.iter().map(|r| r.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>()).collect::<Vec<_>>()
        }),
    };
    json!({
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "id": e.id,
            "kind": e.kind.name(),
            "title": e.title(),
            "name_zh": item.and_then(|m| m.name_zh.as_ref().map(|f| f.value.clone())),
            "aliases": item.map(|m| m.aliases.clone()).unwrap_or_default(),
            "country": item.map(|m| m.country_name().to_string()),
            "url": format!("{base_url}{}", e.url_path()),
            "precision": s.precision,
            "approximate": s.approximate,
            "provenance": s.provenance,
        }
    })
}
