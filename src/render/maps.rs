//! Map views for pages, the static base maps, and the GeoJSON download.

use bytes::Bytes;
use serde::Serialize;
use serde_json::json;

use super::OutputFile;
use super::entry::card;
use crate::config::Config;
use crate::geo::svg::{Mark, VIEWS, View, base_map, map_with_marks, shows, views_for};
use crate::geo::{Geo, Site};
use crate::graph::Atlas;
use crate::incremental::{Cache, digest};
use crate::markdown::Links;

/// The location block of an entry page.
#[derive(Debug, Clone, Serialize)]
pub struct LocationView {
    /// Inline SVGs: the national (or world) locator, then any inset.
    pub maps: Vec<String>,
    pub precision: String,
    pub approximate: bool,
    pub provenance: String,
    /// `[lon, lat]` rounded for display.
    pub coordinates: String,
    /// True when the entry records that it has no fixed place.
    pub unlocated: bool,
}

/// One row of the table beside a map.
#[derive(Debug, Clone, Serialize)]
pub struct SiteRow {
    pub title: String,
    pub href: String,
    pub kind: String,
    pub place: String,
    pub precision: String,
    pub approximate: bool,
    pub provenance: String,
    pub region: String,
}

/// A map with a heading, for the map page and the home page.
#[derive(Debug, Clone, Serialize)]
pub struct MapFigure {
    pub slug: String,
    pub title: String,
    pub svg: String,
    pub count: usize,
}

fn marks(atlas: &Atlas, geo: &Geo, links: &Links) -> Vec<Mark> {
    geo.points()
        .map(|(site, lonlat)| mark(atlas, links, site.entry, lonlat, false))
        .collect()
}

/// The mark of entry `i` at `lonlat`.
fn mark(atlas: &Atlas, links: &Links, i: usize, lonlat: (f64, f64), current: bool) -> Mark {
    let e = &atlas.entries[i];
    Mark {
        href: links.href(&e.url_path()),
        title: e.title().to_string(),
        kind: e.kind.name().to_string(),
        lonlat,
        current,
        foreign: e.item().is_some_and(|m| !m.in_china()),
    }
}

/// The location of entry `i` with small maps, if it has a location.
pub fn location(atlas: &Atlas, geo: &Geo, i: usize, links: &Links) -> Option<LocationView> {
    let site = geo.sites.get(&i)?;
    let Some(lonlat) = site.point else {
        return Some(LocationView {
            maps: Vec::new(),
            precision: String::new(),
            approximate: false,
            provenance: site.provenance.clone(),
            coordinates: String::new(),
            unlocated: true,
        });
    };
    // Only this entry's mark, so each page stays small (and the build linear).
    let mark = [mark(atlas, links, i, lonlat, true)];
    let maps = views_for(lonlat, mark[0].foreign)
        .into_iter()
        .map(|v| {
            map_with_marks(
                v,
                &mark,
                links.root,
                &format!(
                    "Location of {} on a map of {}",
                    atlas.entries[i].title(),
                    v.title
                ),
            )
        })
        .collect();
    Some(LocationView {
        maps,
        precision: site.precision.clone(),
        approximate: site.approximate,
        provenance: site.provenance.clone(),
        coordinates: format!("{:.2}° E, {:.2}° N", lonlat.0, lonlat.1),
        unlocated: false,
    })
}

/// Every view with all marks, for the map page (`root` is its prefix).
pub fn figures(atlas: &Atlas, geo: &Geo, links: &Links) -> Vec<MapFigure> {
    let all = marks(atlas, geo, links);
    VIEWS
        .iter()
        .map(|v| {
            let count = all.iter().filter(|m| shows(v, m)).count();
            let label = format!(
                "Map of {}: {count} parks and labs, each a link to its entry",
                v.title
            );
            MapFigure {
                slug: v.slug.into(),
                title: v.title.into(),
                svg: map_with_marks(v, &all, links.root, &label),
                count,
            }
        })
        .collect()
}

/// The table of every located site, beside the maps.
pub fn rows(atlas: &Atlas, geo: &Geo, links: &Links) -> Vec<SiteRow> {
    let mut rows: Vec<SiteRow> = geo
        .sites
        .values()
        .map(|s| {
            let c = card(atlas, s.entry, links);
            let foreign = atlas.entries[s.entry].item().is_some_and(|m| !m.in_china());
            let region = s
                .point
                .map(|p| {
                    views_for(p, foreign)
                        .iter()
                        .map(|v| v.title)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "no fixed place".into());
            SiteRow {
                title: c.title,
                href: c.href,
                kind: c.kind,
                place: c.province,
                precision: s.precision.clone(),
                approximate: s.approximate,
                provenance: s.provenance.clone(),
                region,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.title.cmp(&b.title));
    rows
}

/// Static base maps for every view and the combined GeoJSON of all sites.
/// Each is made again only when the geodata (or, for the GeoJSON, an
/// entry's front matter) changes.
pub fn static_files(
    atlas: &Atlas,
    config: &Config,
    geo: &Geo,
    cache: &mut Cache,
) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = VIEWS
        .iter()
        .map(|v: &View| {
            cache.memo(
                &format!("static/map-{}.svg", v.slug),
                |d| Some(d.geo),
                || Bytes::from(base_map(geo, v)),
            )
        })
        .collect();
    files.push(cache.memo(
        "data/sites.geojson",
        |d| Some(digest(&(d.config, d.geo, d.fronts))),
        || Bytes::from(sites_geojson(atlas, config, geo)),
    ));
    files
}

/// All located sites as one FeatureCollection, with each entry's id, kind,
/// names, URL and the provenance of its position.
pub fn sites_geojson(atlas: &Atlas, config: &Config, geo: &Geo) -> String {
    let features: Vec<serde_json::Value> = geo
        .sites
        .values()
        .map(|s| feature(atlas, config, s))
        .collect();
    let fc = json!({ "type": "FeatureCollection", "features": features });
    let mut text = serde_json::to_string_pretty(&fc).unwrap_or_default();
    text.push('\n');
    text
}

fn feature(atlas: &Atlas, config: &Config, s: &Site) -> serde_json::Value {
    let e = &atlas.entries[s.entry];
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
            "url": format!("{}{}", config.base_url, e.url_path()),
            "precision": s.precision,
            "approximate": s.approximate,
            "provenance": s.provenance,
        }
    })
}
