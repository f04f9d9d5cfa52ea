//! Geodata: `geodata/**.geojson` -> validated site locations joined to
//! entries, and the base map; drawn as SVG by [`svg`].
//!
//! Site files (`geodata/sites/*.geojson`) hold one feature per located park or
//! lab: `properties.id` names the entry, `precision` says how exact the
//! position is (`site`, `district`, `city`, `region`), `approximate` whether
//! it comes from general knowledge rather than a source, and `provenance`
//! where it came from. A feature with a `null` geometry records that an entry
//! has no fixed place (a satellite), with the reason in `provenance`.
//! The base map (`geodata/base/`) is read as it is and not validated beyond parsing.

pub mod marks;
pub mod projection;
pub mod svg;

use std::collections::BTreeMap;
use std::path::Path;

use geojson::{GeoJson, GeometryValue};

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::fsio::display_path;
use crate::fsio::{Found, ReadError, Reader};
use crate::kind::Kind;
use crate::memo::{Digested, Query};

/// The folder under the project root that holds the geodata.
pub const FOLDER: &str = "geodata";

/// The precisions a site position may have.
pub const PRECISIONS: &[&str] = &["site", "district", "city", "region"];

/// Where China's sites may lie (lon, lat), with a margin: a point outside is
/// reported, and a hint given if swapping lon and lat would put it inside.
const CHINA: ((f64, f64), (f64, f64)) = ((73.0, 135.5), (17.5, 54.0));

/// A located entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Index of the entry in the atlas.
    pub entry: usize,
    /// (lon, lat) of the mark: the point, or the first ring's centroid of a polygon.
    pub point: Option<(f64, f64)>,
    /// Polygon rings where a boundary is known.
    pub rings: Vec<Vec<(f64, f64)>>,
    pub precision: String,
    pub approximate: bool,
    pub provenance: String,
    /// The file the feature is in, for the download.
    pub file: String,
}

impl std::hash::Hash for Site {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let bits = |p: &(f64, f64)| (p.0.to_bits(), p.1.to_bits());
        self.entry.hash(state);
        self.point.as_ref().map(bits).hash(state);
        for ring in &self.rings {
            ring.iter().map(bits).collect::<Vec<_>>().hash(state);
        }
        (
            &self.precision,
            self.approximate,
            &self.provenance,
            &self.file,
        )
            .hash(state);
    }
}

/// A base map shape: a name and its rings.
#[derive(Debug, Clone)]
pub struct Shape {
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// The base map: provinces and country outlines, with the problems found
/// reading them.
#[derive(Debug, Default)]
pub struct Base {
    pub provinces: Vec<Shape>,
    pub countries: Vec<Shape>,
    pub diags: Vec<Diagnostic>,
}

/// Located entries, by atlas index, with the problems found reading and
/// joining the site files.
#[derive(Debug, Default)]
pub struct Sites {
    /// Each located entry's site, digested once: pages take it as part of
    /// their input at the cost of a shared handle.
    pub by_entry: BTreeMap<usize, Digested<Site>>,
    pub diags: Vec<Diagnostic>,
}

impl std::ops::Deref for Sites {
    type Target = BTreeMap<usize, Digested<Site>>;
    fn deref(&self) -> &Self::Target {
        &self.by_entry
    }
}

/// All geodata, joined to the atlas.
#[derive(Debug, Clone, Default)]
pub struct Geo {
    pub base: Digested<Base>,
    pub sites: Digested<Sites>,
    /// The clusters of the overview maps ([`marks::OVERVIEW`]).
    pub overview: Digested<marks::Overview>,
}

impl Default for Digested<marks::Overview> {
    /// The clusters of no places: every view at every level, empty.
    fn default() -> Self {
        Digested::with_digest(
            0,
            std::sync::Arc::new((marks::OVERVIEW.make)(&marks::Places::default())),
        )
    }
}

impl Default for Digested<Base> {
    fn default() -> Self {
        Digested::with_digest(0, Default::default())
    }
}

impl Default for Digested<Sites> {
    fn default() -> Self {
        Digested::with_digest(0, Default::default())
    }
}

/// A file of geodata as read: its path relative to the root, and its text.
pub type GeoFile = (String, Digested<str>);

/// The geodata files of a project: the base map's and the sites'.
#[derive(Debug, Default, Clone, Hash)]
pub struct GeoFiles {
    pub base: Vec<GeoFile>,
    pub sites: Vec<GeoFile>,
}

impl GeoFiles {
    /// Finds the geodata files and reads them with `read` (missing folders
    /// are fine: a site may have no maps); every other file under
    /// `geodata/` (but notes such as a README) gets a warning saying it is
    /// ignored.
    pub fn read(
        root: &Path,
        reader: &Reader,
        mut read: impl FnMut(&Found, &str) -> Result<Digested<str>, ReadError>,
        diags: &mut Diagnostics,
    ) -> GeoFiles {
        let mut files = GeoFiles::default();
        for item in reader.walk(&root.join(FOLDER)).skip_hidden() {
            let item = match item {
                Ok(item) => item,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            if item.is_dir() {
                continue;
            }
            let rel = display_path(root, item.path());
            let inside = rel.strip_prefix(FOLDER).unwrap_or(&rel);
            let geojson = item.path().extension().is_some_and(|e| e == "geojson");
            let into = match inside {
                _ if [PROVINCES_FILE, COUNTRIES_FILE]
                    .iter()
                    .any(|f| inside == format!("/base/{f}")) =>
                {
                    &mut files.base
                }
                _ if inside.starts_with("/sites/") && geojson => &mut files.sites,
                _ if is_note(&item.file_name().to_string_lossy()) => continue,
                _ => {
                    diags.push(
                        Diagnostic::warning(format!("`{rel}` is not read and is ignored"))
                            .in_file(&rel)
                            .hint("site locations go in geodata/sites/*.geojson; the base map is geodata/base/china-provinces.geojson and world-countries.geojson"),
                    );
                    continue;
                }
            };
            match read(&item, &rel) {
                Ok(text) => into.push((rel, text)),
                Err(e) => diags.push(e.diagnostic()),
            }
        }
        files
    }
}

/// Notes kept beside the data (a README, a licence) and editors' backups.
fn is_note(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    crate::load::is_editor_temp(name)
        || lower.ends_with(".md")
        || lower.ends_with(".txt")
        || lower.starts_with("readme")
        || lower.starts_with("licen")
}

const PROVINCES_FILE: &str = "china-provinces.geojson";
const COUNTRIES_FILE: &str = "world-countries.geojson";

/// What a located entry must be, to check its feature: (id, kind, in China),
/// in atlas order.
pub type Placed = Vec<(String, Kind, bool)>;

/// Reading the base map.
pub static BASE: Query<Vec<GeoFile>, Base> = Query::new("base map", |files| {
    let mut diags = Diagnostics::default();
    let mut base = Base::default();
    for (rel, text) in files {
        let shapes = read_shapes(rel, text, &mut diags);
        if rel.ends_with(PROVINCES_FILE) {
            base.provinces = shapes;
        } else {
            base.countries = shapes;
        }
    }
    base.diags = diags.into_iter().collect();
    base
});

/// What the sites are joined with.
#[derive(Hash)]
pub struct SitesInput {
    pub files: Vec<GeoFile>,
    pub placed: Digested<Placed>,
}

/// Reading the site files and joining them to the entries.
pub static SITES: Query<SitesInput, Sites> = Query::new("sites", |input| {
    let mut diags = Diagnostics::default();
    let index: rustc_hash::FxHashMap<&str, usize> = input
        .placed
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (id.as_str(), i))
        .collect();
    let mut sites = BTreeMap::new();
    for (rel, text) in &input.files {
        read_sites(rel, text, &input.placed, &index, &mut sites, &mut diags);
    }
    for (i, (id, kind, _)) in input.placed.iter().enumerate() {
        if kind.is_place() && !sites.contains_key(&i) {
            diags.push(
                Diagnostic::warning(format!("{} `{id}` has no location", kind.name()))
                    .in_file(&format!("content/{}/{id}.md", kind.folder()))
                    .hint("add a feature with its id to a file in geodata/sites/, or one with a null geometry and the reason in `provenance`"),
            );
        }
    }
    Sites {
        by_entry: sites
            .into_iter()
            .map(|(i, site)| (i, Digested::new(site)))
            .collect(),
        diags: diags.into_iter().collect(),
    }
});

/// Located sites (with a point), in entry order.
pub fn points(sites: &Sites) -> impl Iterator<Item = (&Site, (f64, f64))> + '_ {
    sites.values().filter_map(|s| s.point.map(|p| (&**s, p)))
}

fn parse(rel: &str, text: &str, diags: &mut Diagnostics) -> Option<geojson::FeatureCollection> {
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => Some(fc),
        Ok(_) => {
            diags.push(Diagnostic::error("expected a GeoJSON FeatureCollection").in_file(rel));
            None
        }
        Err(e) => {
            let msg = e.to_string();
            let d = Diagnostic::error(format!("invalid GeoJSON: {msg}"));
            // serde_json reports "line L column C"; point there when it does.
            let d = match json_position(&msg) {
                Some((line, col)) => d.at(
                    rel,
                    text,
                    offset_of(text, line, col)..offset_of(text, line, col) + 1,
                ),
                None => d.in_file(rel),
            };
            diags.push(d.hint("check the file with a GeoJSON validator; geometries are Point, Polygon or MultiPolygon"));
            None
        }
    }
}

fn read_shapes(rel: &str, text: &str, diags: &mut Diagnostics) -> Vec<Shape> {
    let Some(fc) = parse(rel, text, diags) else {
        return Vec::new();
    };
    fc.features
        .iter()
        .filter_map(|f| {
            let name = f
                .properties
                .as_ref()
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string();
            let rings = rings_of(&f.geometry.as_ref()?.value);
            Some(Shape { name, rings })
        })
        .collect()
}

fn rings_of(value: &GeometryValue) -> Vec<Vec<(f64, f64)>> {
    let conv = |ring: &Vec<geojson::Position>| -> Vec<(f64, f64)> {
        ring.iter()
            .filter(|p| p.len() >= 2)
            .map(|p| (p[0], p[1]))
            .collect()
    };
    match value {
        GeometryValue::Polygon { coordinates } => coordinates.iter().map(conv).collect(),
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().flatten().map(conv).collect()
        }
        _ => Vec::new(),
    }
}

fn read_sites(
    rel: &str,
    text: &str,
    placed: &Placed,
    index: &rustc_hash::FxHashMap<&str, usize>,
    sites: &mut BTreeMap<usize, Site>,
    diags: &mut Diagnostics,
) {
    let Some(fc) = parse(rel, text, diags) else {
        return;
    };
    let closest = |id: &str| did_you_mean(id, placed.iter().map(|(i, _, _)| i.as_str()));
    for (feature, f) in fc.features.iter().enumerate() {
        let props = f.properties.clone().unwrap_or_default();
        let get = |k: &str| {
            props
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        // The entry's id: RFC 7946's Feature `id` member (as QGIS and
        // geojson.io write it) or `properties.id`; both must agree.
        let member = match &f.id {
            Some(geojson::feature::Id::String(s)) => s.clone(),
            Some(geojson::feature::Id::Number(n)) => n.to_string(),
            None => String::new(),
        };
        let property = get("id");
        let id = if member.is_empty() {
            property.clone()
        } else {
            member.clone()
        };
        // Located only when there is something to report: finding a
        // feature in the text is a search of the whole file.
        let here = |d: Diagnostic| d.at(rel, text, locate_feature(text, feature, &id));
        if !member.is_empty() && !property.is_empty() && member != property {
            diags.push(
                here(Diagnostic::error(format!(
                    "feature {feature} has the id `{member}` but `properties.id` `{property}`"
                )))
                .hint("give the entry's id once, as the feature's `id` or as `properties.id`"),
            );
            continue;
        }
        let what = if id.is_empty() {
            format!("feature {feature}")
        } else {
            format!("feature {feature} (`{id}`)")
        };
        let Some(&entry) = index.get(id.as_str()) else {
            let mut d = here(Diagnostic::error(format!("{what} has no entry")));
            d = match closest(&id) {
                Some(close) if !id.is_empty() => d.hint(format!("did you mean `{close}`?")),
                _ if id.is_empty() => d.hint("give the feature an `id` (or `properties.id`): the id of a park, lab or institution in content/"),
                _ => d.hint("the feature's `id` must be the id of a park, lab or institution in content/"),
            };
            diags.push(d);
            continue;
        };
        let (_, kind, in_china) = &placed[entry];
        if !kind.is_place() {
            diags.push(here(Diagnostic::error(format!(
                "{what}: `{id}` is a {}; only parks, labs and institutions have locations",
                kind.name()
            ))));
            continue;
        }
        if sites.contains_key(&entry) {
            diags.push(
                here(Diagnostic::error(format!(
                    "{what}: `{id}` is located twice"
                )))
                .hint("keep one feature per entry"),
            );
            continue;
        }
        let precision = get("precision");
        let provenance = get("provenance");
        if f.geometry.is_some() && !PRECISIONS.contains(&precision.as_str()) {
            let hint = did_you_mean(&precision, PRECISIONS.iter().copied()).map_or_else(
                || format!("use one of: {}", PRECISIONS.join(", ")),
                |c| format!("did you mean `{c}`?"),
            );
            diags.push(
                here(Diagnostic::error(format!(
                    "{what}: invalid precision `{precision}`"
                )))
                .hint(hint),
            );
        }
        if provenance.trim().is_empty() {
            diags.push(here(Diagnostic::error(format!("{what} does not say where its position came from")))
                .hint("add `provenance`, e.g. \"Approximate centre of the district, from general knowledge\""));
        }
        let approximate = props.get("approximate").and_then(|v| v.as_bool());
        if approximate.is_none() && f.geometry.is_some() {
            let d = match props.get("approximate") {
                None => Diagnostic::error(format!("{what}: `approximate` is missing"))
                    .hint("add `\"approximate\": true` when the position comes from general knowledge, `false` when a source gives it"),
                Some(other) => Diagnostic::error(format!(
                    "{what}: `approximate` must be true or false, not {other}"
                )),
            };
            diags.push(here(d));
        }
        let in_china = *in_china;
        let (point, rings) = match &f.geometry {
            None => (None, Vec::new()),
            Some(g) => match check_geometry(&g.value, in_china) {
                Ok(pr) => pr,
                Err((message, hint)) => {
                    let mut d = here(Diagnostic::error(format!("{what}: {message}")));
                    if let Some(h) = hint {
                        d = d.hint(h);
                    }
                    diags.push(d);
                    continue;
                }
            },
        };
        sites.insert(
            entry,
            Site {
                entry,
                point,
                rings,
                precision,
                approximate: approximate.unwrap_or(true),
                provenance,
                file: rel.to_string(),
            },
        );
    }
}

/// A ring of (lon, lat) positions.
type Ring = Vec<(f64, f64)>;
/// A geometry's mark point and rings.
type Checked = (Option<(f64, f64)>, Vec<Ring>);
/// What is wrong with a geometry, and a hint.
type Problem = (String, Option<String>);

/// Validates a geometry; returns its mark point and rings.
fn check_geometry(value: &GeometryValue, in_china: bool) -> Result<Checked, Problem> {
    match value {
        GeometryValue::Point { coordinates } => {
            Ok((Some(check_position(coordinates, in_china)?), Vec::new()))
        }
        GeometryValue::Polygon { coordinates } => {
            let rings = check_rings(coordinates, in_china)?;
            Ok((Some(centroid(&rings[0])), rings))
        }
        GeometryValue::MultiPolygon { coordinates } => {
            let mut rings = Vec::new();
            for poly in coordinates {
                rings.extend(check_rings(poly, in_china)?);
            }
            if rings.is_empty() {
                return Err(("empty MultiPolygon".into(), None));
            }
            Ok((Some(centroid(&rings[0])), rings))
        }
        other => Err((
            format!("a {} cannot locate a site", other.type_name()),
            Some("use a Point, Polygon or MultiPolygon".into()),
        )),
    }
}

/// Checks one position: [lon, lat], in range, and inside China for Chinese sites.
fn check_position(p: &geojson::Position, in_china: bool) -> Result<(f64, f64), Problem> {
    if p.len() < 2 || p.len() > 3 {
        return Err((
            format!(
                "a position has {} numbers; write [longitude, latitude]",
                p.len()
            ),
            None,
        ));
    }
    let (lon, lat) = (p[0], p[1]);
    let swap = || format!("GeoJSON is [longitude, latitude]: did you mean [{lat}, {lon}]?");
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        let hint = ((-180.0..=180.0).contains(&lat) && (-90.0..=90.0).contains(&lon)).then(swap);
        return Err((
            format!("[{lon}, {lat}] is out of range (longitude ±180, latitude ±90)"),
            hint,
        ));
    }
    if in_china && !inside_china(lon, lat) {
        let hint = if inside_china(lat, lon) {
            swap()
        } else {
            "set `country` on the entry if it is outside China".into()
        };
        return Err((format!("[{lon}, {lat}] lies outside China"), Some(hint)));
    }
    Ok((lon, lat))
}

fn check_rings(polygon: &[Vec<geojson::Position>], in_china: bool) -> Result<Vec<Ring>, Problem> {
    if polygon.is_empty() {
        return Err(("a Polygon needs at least one ring".into(), None));
    }
    let mut rings = Vec::new();
    for (k, ring) in polygon.iter().enumerate() {
        let pts: Ring = ring
            .iter()
            .map(|p| check_position(p, in_china))
            .collect::<Result<_, _>>()?;
        if pts.len() < 4 {
            return Err((
                format!(
                    "ring {k} has {} positions; a ring needs at least 4",
                    pts.len()
                ),
                None,
            ));
        }
        if pts.first() != pts.last() {
            return Err((
                format!("ring {k} is not closed"),
                Some("repeat the first position at the end of the ring".into()),
            ));
        }
        rings.push(pts);
    }
    Ok(rings)
}

fn inside_china(lon: f64, lat: f64) -> bool {
    (CHINA.0.0..=CHINA.0.1).contains(&lon) && (CHINA.1.0..=CHINA.1.1).contains(&lat)
}

fn centroid(ring: &[(f64, f64)]) -> (f64, f64) {
    let n = ring.len().saturating_sub(1).max(1) as f64;
    let (sx, sy) = ring
        .iter()
        .take(ring.len().saturating_sub(1).max(1))
        .fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
    (sx / n, sy / n)
}

/// The byte range of feature `index` in the file, found by its id or by
/// counting `"Feature"` type tags; the start of the file if neither works.
fn locate_feature(text: &str, index: usize, id: &str) -> std::ops::Range<usize> {
    if !id.is_empty() {
        let quoted = format!("\"{id}\"");
        if let Some(i) = text
            .match_indices(&quoted)
            .map(|(i, _)| i)
            .find(|&i| text[..i].trim_end().ends_with(':'))
        {
            return i..i + quoted.len();
        }
    }
    text.match_indices("\"Feature\"")
        .nth(index)
        .map_or(0..1, |(i, _)| i..i + 9)
}

fn json_position(msg: &str) -> Option<(usize, usize)> {
    let rest = &msg[msg.find("line ")? + 5..];
    let line: usize = rest.split_whitespace().next()?.parse().ok()?;
    let col_at = rest.find("column ")? + 7;
    let col: usize = rest[col_at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    Some((line, col))
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + col.saturating_sub(1)).min(text.len())
}
