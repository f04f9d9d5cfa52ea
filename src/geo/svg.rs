//! Maps drawn at build time as SVG: no script, no tiles, no third-party request.
//!
//! A [`Frame`] fits a projection to a region and a width in pixels. Base maps
//! (provinces and neighbouring countries) are written once as static SVG files
//! that carry their own light and dark style; marks are drawn over them as
//! links with accessible names.

use std::fmt::Write as _;

use super::projection::{Albers, equirectangular};
use super::{Base, Shape};
use crate::html::escape;

/// A region of the map and how it is drawn.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// File-name slug, e.g. `china`, `beijing`.
    pub slug: &'static str,
    pub title: &'static str,
    /// (lon min, lon max), (lat min, lat max).
    pub lon: (f64, f64),
    pub lat: (f64, f64),
    pub world: bool,
    pub width: f64,
}

/// The national map, the insets where sites crowd together, and the world.
pub const VIEWS: &[View] = &[
    View {
        slug: "china",
        title: "China",
        lon: (73.0, 135.5),
        lat: (17.5, 54.0),
        world: false,
        width: 1000.0,
    },
    View {
        slug: "beijing",
        title: "Beijing area",
        lon: (115.6, 117.6),
        lat: (39.5, 40.9),
        world: false,
        width: 600.0,
    },
    View {
        slug: "yangtze-delta",
        title: "Yangtze River Delta",
        lon: (116.8, 122.2),
        lat: (29.6, 32.6),
        world: false,
        width: 600.0,
    },
    View {
        slug: "pearl-delta",
        title: "Pearl River Delta",
        lon: (112.7, 114.7),
        lat: (21.9, 23.5),
        world: false,
        width: 600.0,
    },
    View {
        slug: "world",
        title: "World",
        lon: (-180.0, 180.0),
        lat: (-58.0, 84.0),
        world: true,
        width: 1000.0,
    },
];

impl View {
    pub fn by_slug(slug: &str) -> Option<&'static View> {
        VIEWS.iter().find(|v| v.slug == slug)
    }

    pub fn contains(&self, (lon, lat): (f64, f64)) -> bool {
        (self.lon.0..=self.lon.1).contains(&lon) && (self.lat.0..=self.lat.1).contains(&lat)
    }
}

/// A view fitted to pixels.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    view: View,
    albers: Albers,
    scale: f64,
    x0: f64,
    y0: f64,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    pub fn new(view: &View) -> Frame {
        let albers = Albers::china();
        let mut f = Frame {
            view: *view,
            albers,
            scale: 1.0,
            x0: 0.0,
            y0: 0.0,
            width: view.width,
            height: 0.0,
        };
        // Fit the projected outline of the region (edges sampled: parallels curve).
        let mut edge = Vec::new();
        for k in 0..=20 {
            let t = k as f64 / 20.0;
            let lon = view.lon.0 + (view.lon.1 - view.lon.0) * t;
            let lat = view.lat.0 + (view.lat.1 - view.lat.0) * t;
            for (a, b) in [
                (lon, view.lat.0),
                (lon, view.lat.1),
                (view.lon.0, lat),
                (view.lon.1, lat),
            ] {
                edge.push(f.raw(a, b));
            }
        }
        let (minx, maxx, miny, maxy) = bounds(&edge);
        f.scale = view.width / (maxx - minx);
        f.x0 = minx;
        f.y0 = maxy;
        f.height = ((maxy - miny) * f.scale).round();
        f
    }

    fn raw(&self, lon: f64, lat: f64) -> (f64, f64) {
        if self.view.world {
            equirectangular(lon, lat)
        } else {
            self.albers.project(lon, lat)
        }
    }

    /// (lon, lat) -> SVG pixels (y down).
    pub fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.raw(lon, lat);
        ((x - self.x0) * self.scale, (self.y0 - y) * self.scale)
    }

    /// The SVG `viewBox` of the frame.
    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", self.width, self.height)
    }

    /// SVG path data for rings, dropping points closer than half a pixel and
    /// rings entirely outside the frame.
    fn path(&self, rings: &[Vec<(f64, f64)>]) -> String {
        let mut d = String::new();
        for ring in rings {
            let pts: Vec<(f64, f64)> = ring.iter().map(|&(lon, lat)| self.xy(lon, lat)).collect();
            let (minx, maxx, miny, maxy) = bounds(&pts);
            let margin = 20.0;
            if maxx < -margin
                || minx > self.width + margin
                || maxy < -margin
                || miny > self.height + margin
            {
                continue;
            }
            let mut kept: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
            for p in pts {
                if kept
                    .last()
                    .is_none_or(|q: &(f64, f64)| (p.0 - q.0).abs() + (p.1 - q.1).abs() >= 0.5)
                {
                    kept.push(p);
                }
            }
            if kept.len() < 3 {
                continue;
            }
            for (i, (x, y)) in kept.iter().enumerate() {
                let _ = write!(d, "{}{:.1} {:.1}", if i == 0 { "M" } else { "L" }, x, y);
            }
            d.push('Z');
        }
        d
    }
}

/// (min x, max x, min y, max y) of points.
fn bounds(points: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    points.iter().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    )
}

/// One site on a map.
#[derive(Debug, Clone)]
pub struct Mark {
    pub href: String,
    pub title: String,
    /// The entry's kind: `park`, `lab` or `institution`.
    pub kind: String,
    pub lonlat: (f64, f64),
    /// The entry the page is about (drawn larger).
    pub current: bool,
    /// Outside China: shown on the world map, which leaves China's sites to the national map.
    pub foreign: bool,
}

impl std::hash::Hash for Mark {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.href, &self.title, &self.kind).hash(state);
        (self.lonlat.0.to_bits(), self.lonlat.1.to_bits()).hash(state);
        (self.current, self.foreign).hash(state);
    }
}

/// Whether `view` shows mark `m`.
pub fn shows(view: &View, m: &Mark) -> bool {
    shown_on(view, m.lonlat, m.foreign)
}

/// Whether `view` shows a site at `lonlat`, outside China if `foreign`.
pub fn shown_on(view: &View, lonlat: (f64, f64), foreign: bool) -> bool {
    // China's maps show China's sites only; the world map the comparators.
    view.contains(lonlat) && view.world == foreign
}

const BASE_STYLE: &str = ".land{fill:#e9e5dc;stroke:#fdfcfa;stroke-width:.5}.province{fill:#f3efe6;stroke:#a59d8e;stroke-width:.6;stroke-linejoin:round}.frame{fill:#dfe9ef}\
@media (prefers-color-scheme:dark){.land{fill:#2a2d31;stroke:#16181b}.province{fill:#33373c;stroke:#6d737a}.frame{fill:#1c2329}}";

/// A standalone base map (provinces and countries), for `static/map-<slug>.svg`.
pub fn base_map(geo: &Base, view: &View) -> String {
    let f = Frame::new(view);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"Base map: {}\"><style>{BASE_STYLE}</style><rect class=\"frame\" width=\"100%\" height=\"100%\"/>",
        f.view_box(),
        f.width,
        f.height,
        view.title
    );
    let shapes = |out: &mut String, list: &[Shape], class: &str, skip: &[&str]| {
        for s in list.iter().filter(|s| !skip.contains(&s.name.as_str())) {
            let d = f.path(&s.rings);
            if !d.is_empty() {
                let _ = write!(
                    out,
                    "<path class=\"{class}\" d=\"{d}\"><title>{}</title></path>",
                    escape(&s.name)
                );
            }
        }
    };
    let provinces_drawn = !view.world && !geo.provinces.is_empty();
    let skip: &[&str] = if provinces_drawn {
        &["China", "Taiwan"]
    } else {
        &[]
    };
    shapes(&mut out, &geo.countries, "land", skip);
    if provinces_drawn {
        shapes(&mut out, &geo.provinces, "province", &[]);
    }
    out.push_str("</svg>\n");
    out
}

/// The views a site shows in: China's national map and any inset for a
/// site in China, the world map for a comparator abroad.
pub fn views_for(lonlat: (f64, f64), foreign: bool) -> Vec<&'static View> {
    let world = View::by_slug("world").expect("world view");
    if foreign {
        return vec![world];
    }
    let china = View::by_slug("china").expect("china view");
    let mut out = vec![if china.contains(lonlat) { china } else { world }];
    out.extend(
        VIEWS
            .iter()
            .filter(|v| v.width < 1000.0 && v.contains(lonlat)),
    );
    out
}
