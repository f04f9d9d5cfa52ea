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

pub mod projection;
pub mod svg;

use std::collections::BTreeMap;
use std::path::Path;

use geojson::{GeoJson, GeometryValue};

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::entry::Kind;
use crate::fsio::{Found, Reader};
use crate::graph::Atlas;
use crate::limits;
use crate::load::display_path;

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

/// A base map shape: a name and its rings.
#[derive(Debug, Clone)]
pub struct Shape {
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// All geodata, joined to the atlas.
#[derive(Debug, Default)]
pub struct Geo {
    /// Sites by entry index.
    pub sites: BTreeMap<usize, Site>,
    pub provinces: Vec<Shape>,
    pub countries: Vec<Shape>,
}

impl Geo {
    /// Reads and validates `root/geodata`. Missing folders are fine (a site may
    /// have no maps); problems are reported with file and feature index.
    pub fn load(root: &Path, atlas: &Atlas, diags: &mut Diagnostics) -> Geo {
        let mut geo = Geo::default();
        let reader = Reader::new(root);
        for file in geodata_files(root, &reader, diags) {
            match file {
                GeoFile::Provinces(f) => geo.provinces = read_shapes(&reader, &f, diags),
                GeoFile::Countries(f) => geo.countries = read_shapes(&reader, &f, diags),
                GeoFile::Sites(f) => read_sites(&reader, &f, atlas, &mut geo, diags),
            }
        }
        for kind in [Kind::Park, Kind::Lab] {
            for i in atlas.of_kind(kind) {
                if !geo.sites.contains_key(&i) {
                    let e = &atlas.entries[i];
                    diags.push(
                        Diagnostic::warning(format!("{} `{}` has no location", kind.name(), e.id))
                            .in_file(&e.path)
                            .hint("add a feature with its id to a file in geodata/sites/, or one with a null geometry and the reason in `provenance`"),
                    );
                }
            }
        }
        geo
    }

    /// Located sites (with a point), in entry order.
    pub fn points(&self) -> impl Iterator<Item = (&Site, (f64, f64))> {
        self.sites.values().filter_map(|s| s.point.map(|p| (s, p)))
    }
}

/// A geodata file atlas reads, by its role.
enum GeoFile {
    Provinces(Found),
    Countries(Found),
    Sites(Found),
}

/// The files under `geodata/` that atlas reads, in file-name order; every
/// other file (but notes such as a README) gets a warning saying it is ignored.
fn geodata_files(root: &Path, reader: &Reader, diags: &mut Diagnostics) -> Vec<GeoFile> {
    let mut files = Vec::new();
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
        match inside {
            "/base/china-provinces.geojson" => files.push(GeoFile::Provinces(item)),
            "/base/world-countries.geojson" => files.push(GeoFile::Countries(item)),
            _ if inside.starts_with("/sites/") && geojson => files.push(GeoFile::Sites(item)),
            _ if is_note(&item.file_name().to_string_lossy()) => {}
            _ => diags.push(
                Diagnostic::warning(format!("`{rel}` is not read and is ignored"))
                    .in_file(&rel)
                    .hint("site locations go in geodata/sites/*.geojson; the base map is geodata/base/china-provinces.geojson and world-countries.geojson"),
            ),
        }
    }
    files
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

fn read_text(reader: &Reader, file: &Found, diags: &mut Diagnostics) -> Option<(String, String)> {
    let rel = reader.rel(file.path());
    match reader
        .read_found(file, limits::GEODATA)
        .and_then(|bytes| reader.decode(file.path(), bytes))
    {
        Ok(t) => Some((rel, t)),
        Err(e) => {
            diags.push(e.diagnostic());
            None
        }
    }
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

fn read_shapes(reader: &Reader, file: &Found, diags: &mut Diagnostics) -> Vec<Shape> {
    let Some((rel, text)) = read_text(reader, file, diags) else {
        return Vec::new();
    };
    let Some(fc) = parse(&rel, &text, diags) else {
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
    reader: &Reader,
    file: &Found,
    atlas: &Atlas,
    geo: &mut Geo,
    diags: &mut Diagnostics,
) {
    let Some((rel, text)) = read_text(reader, file, diags) else {
        return;
    };
    let Some(fc) = parse(&rel, &text, diags) else {
        return;
    };
    for (index, f) in fc.features.iter().enumerate() {
        let props = f.properties.clone().unwrap_or_default();
        let get = |k: &str| {
            props
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let id = get("id");
        // Located only when there is something to report: finding a
        // feature in the text is a search of the whole file.
        let here = |d: Diagnostic| d.at(&rel, &text, locate_feature(&text, index, &id));
        let what = if id.is_empty() {
            format!("feature {index}")
        } else {
            format!("feature {index} (`{id}`)")
        };
        let Some(&entry) = atlas.index.get(&id) else {
            let mut d = here(Diagnostic::error(format!("{what} has no entry")));
            d = match atlas.closest_id(&id) {
                Some(close) if !id.is_empty() => d.hint(format!("did you mean `{close}`?")),
                _ => d.hint("`properties.id` must be the id of a park or lab in content/"),
            };
            diags.push(d);
            continue;
        };
        let e = &atlas.entries[entry];
        if !matches!(e.kind, Kind::Park | Kind::Lab) {
            diags.push(here(Diagnostic::error(format!(
                "{what}: `{id}` is a {}; only parks and labs have locations",
                e.kind.name()
            ))));
            continue;
        }
        if geo.sites.contains_key(&entry) {
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
            diags.push(here(Diagnostic::error(format!(
                "{what}: `approximate` must be true or false"
            ))));
        }
        let in_china = e
            .item()
            .and_then(|m| m.country.as_ref())
            .is_none_or(|c| c.value == "China");
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
        geo.sites.insert(
            entry,
            Site {
                entry,
                point,
                rings,
                precision,
                approximate: approximate.unwrap_or(true),
                provenance,
                file: rel.clone(),
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
