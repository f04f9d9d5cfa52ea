//! A site file (`geodata/sites/*.geojson`) read and joined to the entries
//! as the build reads it. The entries it may name are the ids the file
//! itself gives, each made a park, lab, institution or program, in China or
//! abroad, by its length, so the join and every check behind it are reached.
//!
//! Asserts: no panic; every diagnostic names the file (or, for an entry
//! without a place, the entry's file) and, when it points into the file,
//! lies inside it; each site is an entry that may have a place, read from
//! this file, with a position in range (in China for a Chinese entry) and
//! closed rings of at least four positions; no feature dropped without an
//! error.
#![no_main]

use atlas::entry::Kind;
use atlas::fuzzing::{GEO_PATH, sites};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let placed = placed(text);
    let s = sites(text, placed.clone());
    for d in &s.diags {
        match &d.location {
            Some(_) => atlas_fuzz::assert_located(d, GEO_PATH, text),
            None => {
                let path = d.path.as_deref().expect("a diagnostic without a file");
                assert!(path == GEO_PATH || path.starts_with("content/"), "{d}");
                let _ = d.to_string();
            }
        }
    }
    for (&i, site) in s.iter() {
        assert_eq!(site.entry, i);
        let (_, kind, in_china) = &placed[i];
        assert!(kind.is_place(), "a {} placed", kind.name());
        assert_eq!(site.file, GEO_PATH);
        if let Some((lon, lat)) = site.point {
            assert!(lon.is_finite() && lat.is_finite());
            assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
            if *in_china {
                assert!((73.0..=135.5).contains(&lon) && (17.5..=54.0).contains(&lat));
            }
        }
        for ring in &site.rings {
            assert!(ring.len() >= 4 && ring.first() == ring.last());
        }
    }
    if let Ok(geojson::GeoJson::FeatureCollection(fc)) = text.parse::<geojson::GeoJson>() {
        let errors = s.diags.iter().filter(|d| d.is_error()).count();
        assert!(
            fc.features.len() <= s.len() + errors,
            "{} features, {} sites, {errors} errors",
            fc.features.len(),
            s.len()
        );
    }
});

/// The entries a file may name: each `"id": "..."` string in it, its kind
/// and country chosen by its length.
fn placed(text: &str) -> Vec<(String, Kind, bool)> {
    let mut out: Vec<(String, Kind, bool)> = Vec::new();
    for (at, _) in text.match_indices("\"id\"") {
        let rest = text[at + 4..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        let id = &rest[..end];
        if out.iter().any(|(i, _, _)| i == id) {
            continue;
        }
        let kind = [Kind::Park, Kind::Lab, Kind::Institution, Kind::Program][id.len() % 4];
        out.push((id.to_string(), kind, id.len() % 5 != 0));
    }
    out
}
