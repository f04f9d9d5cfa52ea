//! Marks over a map: each site a link a finger can hit, sites too close to
//! tell apart drawn as one numbered cluster, a label shown on hover and
//! keyboard focus, and the legend that says what each shape is.
//!
//! An inline SVG scales with the width it is shown at, so a mark drawn at a
//! fixed size in the map's units would shrink to a speck on a phone. An
//! overview map is therefore drawn at several levels of detail, each for a
//! range of widths ([`LEVEL_WIDTHS`]); the theme's CSS shows the one that
//! fits the map's box (`@container` rules) and hides the others (hidden
//! marks take no focus and are not read). Each level is drawn for the
//! narrowest width it is shown at, so no mark there is smaller than
//! [`TARGET`] CSS pixels across, and marks whose centres would be closer than
//! [`GAP`] are merged into a cluster. Nothing here needs script: a cluster
//! links to the inset that shows its sites apart, or to the table of sites;
//! the theme's script makes it open a list of its sites instead.

use std::fmt::Write as _;

use super::svg::{Frame, Mark, VIEWS, View, shown_on, shows};
use crate::html::escape;
use crate::memo::Query;

/// Widths of a map's box (CSS px) from which each level of detail of an
/// overview map is shown. `style.css` switches levels at the same widths.
pub const LEVEL_WIDTHS: [f64; 4] = [260.0, 420.0, 720.0, 960.0];
/// The narrowest a locator map is shown (two side by side in a phone's
/// fact box); a locator has one mark and one level.
const LOCATOR_WIDTH: f64 = 140.0;

// Sizes in CSS px at the narrowest width a level is shown at.
/// Across a mark's hit area (WCAG 2.5.8's minimum target).
pub const TARGET: f64 = 24.0;
/// Radius of a hit area: half the target, and a pixel to spare for the
/// map's border and rounding.
const HIT: f64 = TARGET / 2.0 + 1.0;
/// The least distance between the centres of two marks; closer ones cluster.
pub const GAP: f64 = 30.0;
/// Radius of a site's dot.
const DOT: f64 = 5.0;
/// Labels shown on hover and focus.
const LABEL: f64 = 13.0;
/// Characters of a label line before it wraps.
const LABEL_LINE: usize = 26;

/// How a map with marks is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Detail<'a> {
    /// A map of many sites (the map page, the home page): levels of detail,
    /// crowds drawn as clusters. Without script a cluster links to the map
    /// page at the inset that shows its sites, or at its table of sites;
    /// `more` is the link to the map page ("" on the map page itself).
    /// `levels` are the view's clusters at each level of detail, from
    /// [`OVERVIEW`], over the marks it shows in order.
    Overview {
        more: &'a str,
        levels: &'a [Vec<Cluster>],
    },
    /// An entry's locator: its one mark, for a small map.
    Locator,
}

/// A map drawn with its marks.
pub struct Drawn {
    /// An inline SVG in its box.
    pub svg: String,
    /// Whether any level of detail drew a cluster (for the legend).
    pub clusters: bool,
}

/// An inline SVG in its box: the static base map as an image, with linked
/// marks over it. `root` is the relative prefix from the page to the site
/// root; `label` names the map for assistive technology.
pub fn map_with_marks(
    view: &View,
    marks: &[Mark],
    root: &str,
    label: &str,
    detail: Detail,
) -> Drawn {
    let mut clustered = false;
    let f = Frame::new(view);
    let mut out = format!(
        "<div class=\"map-box\"><svg class=\"map map-{slug}\" viewBox=\"{vb}\" role=\"group\" aria-label=\"{label}\"><image href=\"{root}static/map-{slug}.svg\" width=\"{w}\" height=\"{h}\"/>",
        slug = view.slug,
        vb = f.view_box(),
        label = escape(label),
        w = f.width,
        h = f.height,
    );
    let mut shown: Vec<(&Mark, (f64, f64))> = marks
        .iter()
        .filter(|m| shows(view, m))
        .map(|m| (m, f.xy(m.lonlat.0, m.lonlat.1)))
        .collect();
    match detail {
        Detail::Locator => {
            // The entry the locator is about goes last, on top.
            shown.sort_by_key(|(m, _)| m.current);
            let pen = Pen::new(&f, LOCATOR_WIDTH);
            for (m, at) in &shown {
                pen.mark(&mut out, m, *at);
            }
        }
        Detail::Overview { more, levels } => {
            debug_assert_eq!(levels.len(), LEVEL_WIDTHS.len());
            for (k, (&width, level)) in LEVEL_WIDTHS.iter().zip(levels).enumerate() {
                let pen = Pen::new(&f, width);
                let _ = write!(out, "<g class=\"level level-{k}\">");
                for c in level {
                    debug_assert!(c.members.iter().all(|&i| i < shown.len()));
                    if let [one] = c.members[..] {
                        pen.mark(&mut out, shown[one].0, shown[one].1);
                    } else {
                        clustered = true;
                        let mut members: Vec<&Mark> =
                            c.members.iter().map(|&i| shown[i].0).collect();
                        members.sort_by(|a, b| a.title.cmp(&b.title).then(a.href.cmp(&b.href)));
                        let inset = inset_of(view, &members);
                        pen.cluster(&mut out, &members, (c.x, c.y), more, inset);
                    }
                }
                out.push_str("</g>");
            }
        }
    }
    out.push_str("</svg></div>");
    Drawn {
        svg: out,
        clusters: clustered,
    }
}

/// Where the located sites are, for the overview maps: each site's
/// (lon, lat) and whether it is outside China, in the order of
/// [`super::points`].
#[derive(Debug, Default)]
pub struct Places(pub Vec<((f64, f64), bool)>);

impl std::hash::Hash for Places {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for &((lon, lat), foreign) in &self.0 {
            (lon.to_bits(), lat.to_bits(), foreign).hash(state);
        }
    }
}

/// For each view of [`VIEWS`], at each level of detail, its clusters.
pub type Overview = Vec<Vec<Vec<Cluster>>>;

/// The clusters of every overview map: for each view of [`VIEWS`], at each
/// level of detail of [`LEVEL_WIDTHS`], over the places it shows in order.
/// Made once per run (the map page and the home page draw the same
/// clusters) and independent of the pages' links.
pub static OVERVIEW: Query<Places, Overview> = Query::new("clusters", |places| {
    use rayon::prelude::*;
    VIEWS
        .par_iter()
        .map(|view| {
            let f = Frame::new(view);
            let points: Vec<(f64, f64)> = places
                .0
                .iter()
                .filter(|&&(lonlat, foreign)| shown_on(view, lonlat, foreign))
                .map(|&((lon, lat), _)| f.xy(lon, lat))
                .collect();
            LEVEL_WIDTHS
                .par_iter()
                .map(|&width| clusters(&points, GAP * Pen::new(&f, width).scale))
                .collect()
        })
        .collect()
});

/// The inset that shows a cluster of China's map apart: one that holds
/// all its sites.
fn inset_of(view: &View, members: &[&Mark]) -> Option<&'static View> {
    VIEWS
        .iter()
        .filter(|v| !v.world && v.width < view.width)
        .find(|v| members.iter().all(|m| v.contains(m.lonlat)))
}

/// Sites that stand closer than a gap, gathered: each cluster's members
/// (indexes into the points) and where it is drawn.
#[derive(Debug)]
pub struct Cluster {
    members: Vec<usize>,
    x: f64,
    y: f64,
}

/// Gathers `points` into clusters drawn at least `gap` apart. Points lead
/// clusters in order of how many others stand within `gap` of them (ties in
/// input order), so clusters centre on crowds; a point within `gap` of a
/// leader follows the nearest one. Clusters come top to bottom, then left
/// to right, the order a keyboard visits them.
fn clusters(points: &[(f64, f64)], gap: f64) -> Vec<Cluster> {
    // Squared distances against the squared gap: the same order, without
    // a square root per pair.
    let dist = |a: usize, b: usize| {
        let (dx, dy) = (points[a].0 - points[b].0, points[a].1 - points[b].1);
        dx * dx + dy * dy
    };
    let within = gap * gap;
    // Points within `gap` of each other lie in the same or neighbouring
    // cells of a grid `gap` wide, so each point is compared with those
    // only: linear in the points for any spread, not quadratic.
    let grid = Grid::new(points, gap);
    let n = points.len();
    let crowd = crowds(points, gap, &grid);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| crowd[b].cmp(&crowd[a]).then(a.cmp(&b)));
    let mut leaders: Vec<usize> = Vec::new();
    // Leaders by cell, as indexes into `leaders`.
    let mut led: Vec<Vec<usize>> = vec![Vec::new(); grid.cells()];
    let near_leaders = |led: &Vec<Vec<usize>>, cell: usize| {
        grid.neighbours(cell)
            .flat_map(|c| led[c].iter().copied())
            .collect::<Vec<usize>>()
    };
    for i in order {
        let cell = grid.cell_of(i);
        if near_leaders(&led, cell)
            .iter()
            .all(|&l| dist(leaders[l], i) >= within)
        {
            led[cell].push(leaders.len());
            leaders.push(i);
        }
    }
    let mut cs: Vec<Cluster> = leaders
        .iter()
        .map(|&l| Cluster {
            members: Vec::new(),
            x: points[l].0,
            y: points[l].1,
        })
        .collect();
    for i in 0..n {
        // Some leader stands within `gap` (a point that leads, at 0), so
        // the nearest is in a neighbouring cell; ties go to the first.
        let mut nearest: Option<(f64, usize)> = None;
        for l in near_leaders(&led, grid.cell_of(i)) {
            let d = dist(leaders[l], i);
            if nearest.is_none_or(|(bd, bl)| d.total_cmp(&bd).then(l.cmp(&bl)).is_lt()) {
                nearest = Some((d, l));
            }
        }
        let (_, l) = nearest.expect("every point leads or follows");
        cs[l].members.push(i);
    }
    cs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    cs
}

/// How many points stand within `gap` of each point (itself included),
/// exactly as comparing every pair counts them. Over a grid of cells a
/// `k`-th of `gap` wide (`k` grows with how crowded the points are), with
/// the box each cell's points fill: a cell whose box lies wholly inside a
/// point's circle counts whole, one wholly outside is skipped, and only
/// the points of cells across the circle's edge are compared one by one.
/// So a crowd of thousands costs each point about the length of its
/// circle's edge, not the whole crowd. The tests on the boxes round as the
/// comparison of a point does (differences, squares and sums are monotone),
/// so they never disagree with it. `coarse` is the points' grid of cells
/// `gap` wide.
fn crowds(points: &[(f64, f64)], gap: f64, coarse: &Grid) -> Vec<usize> {
    let within = gap * gap;
    let occupied = (0..coarse.cells())
        .filter(|&c| coarse.start[c + 1] > coarse.start[c])
        .count()
        .max(1);
    let per_cell = points.len() as f64 / occupied as f64;
    let k = per_cell.cbrt().ceil().clamp(1.0, 16.0) as usize;
    let fine;
    let (grid, reach) = if k == 1 {
        (coarse, 1)
    } else {
        fine = Grid::new(points, gap / k as f64);
        (&fine, k + 1)
    };
    // (x min, x max, y min, y max) of each cell's points.
    let boxes: Vec<(f64, f64, f64, f64)> = (0..grid.cells())
        .map(|c| {
            grid.at[grid.start[c]..grid.start[c + 1]].iter().fold(
                (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
                |(x0, x1, y0, y1), &(x, y)| (x0.min(x), x1.max(x), y0.min(y), y1.max(y)),
            )
        })
        .collect();
    let beyond = |v: f64, lo: f64, hi: f64| {
        if v < lo {
            lo - v
        } else if v > hi {
            v - hi
        } else {
            0.0
        }
    };
    (0..points.len())
        .map(|i| {
            let (x, y) = points[i];
            let cell = grid.cell_of(i);
            let (cx, cy) = (cell % grid.width, cell / grid.width);
            let mut count = 0;
            for row in cy.saturating_sub(reach)..=(cy + reach).min(grid.height - 1) {
                for col in cx.saturating_sub(reach)..=(cx + reach).min(grid.width - 1) {
                    let c = row * grid.width + col;
                    let near = &grid.at[grid.start[c]..grid.start[c + 1]];
                    if near.is_empty() {
                        continue;
                    }
                    let (x0, x1, y0, y1) = boxes[c];
                    let (fx, fy) = (
                        (x0 - x).abs().max((x1 - x).abs()),
                        (y0 - y).abs().max((y1 - y).abs()),
                    );
                    if fx * fx + fy * fy < within {
                        count += near.len();
                        continue;
                    }
                    let (nx, ny) = (beyond(x, x0, x1), beyond(y, y0, y1));
                    if nx * nx + ny * ny >= within {
                        continue;
                    }
                    count += near
                        .iter()
                        .map(|&(px, py)| {
                            let (dx, dy) = (px - x, py - y);
                            usize::from(dx * dx + dy * dy < within)
                        })
                        .sum::<usize>();
                }
            }
            count
        })
        .collect()
}

/// Points bucketed in square cells `gap` wide, over the box that holds
/// them: each point's cell, and each cell's points in input order.
struct Grid {
    /// Columns and rows.
    width: usize,
    height: usize,
    /// The cell of each point, row by row.
    cell: Vec<usize>,
    /// Cell `c`'s points are `at[start[c]..start[c + 1]]`, in input order.
    start: Vec<usize>,
    at: Vec<(f64, f64)>,
}

impl Grid {
    fn new(points: &[(f64, f64)], gap: f64) -> Grid {
        let at = |v: f64| (v / gap).floor();
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in points {
            x0 = x0.min(at(x));
            y0 = y0.min(at(y));
            x1 = x1.max(at(x));
            y1 = y1.max(at(y));
        }
        if points.is_empty() {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let width = (x1 - x0) as usize + 1;
        let height = (y1 - y0) as usize + 1;
        let cell: Vec<usize> = points
            .iter()
            .map(|&(x, y)| (at(y) - y0) as usize * width + (at(x) - x0) as usize)
            .collect();
        let mut start = vec![0; width * height + 1];
        for &c in &cell {
            start[c + 1] += 1;
        }
        for c in 0..width * height {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut at = vec![(0.0, 0.0); points.len()];
        for (i, &c) in cell.iter().enumerate() {
            at[fill[c]] = points[i];
            fill[c] += 1;
        }
        Grid {
            width,
            height,
            cell,
            start,
            at,
        }
    }

    fn cells(&self) -> usize {
        self.width * self.height
    }

    fn cell_of(&self, point: usize) -> usize {
        self.cell[point]
    }

    /// The cell and its up to eight neighbours.
    fn neighbours(&self, cell: usize) -> impl Iterator<Item = usize> + '_ {
        let (cx, cy) = (cell % self.width, cell / self.width);
        (cy.saturating_sub(1)..=(cy + 1).min(self.height - 1)).flat_map(move |y| {
            (cx.saturating_sub(1)..=(cx + 1).min(self.width - 1)).map(move |x| y * self.width + x)
        })
    }
}

/// Draws marks on one frame for one width it is shown at: `scale` map units
/// to a CSS pixel.
struct Pen<'a> {
    frame: &'a Frame,
    scale: f64,
}

impl Pen<'_> {
    fn new(frame: &Frame, width: f64) -> Pen<'_> {
        Pen {
            frame,
            scale: frame.width / width,
        }
    }

    /// One site: a link holding its hit area, its dot and its label.
    fn mark(&self, out: &mut String, m: &Mark, (x, y): (f64, f64)) {
        let s = self.scale;
        let r = if m.current { DOT * 1.5 } else { DOT } * s;
        let current = if m.current { " current" } else { "" };
        let _ = write!(
            out,
            "<a href=\"{}\" class=\"mark {}{current}\"><title>{} ({})</title><circle class=\"hit\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\"/>",
            escape(&m.href),
            escape(&m.kind),
            escape(&m.title),
            escape(&m.kind),
            (HIT * s).max(r),
        );
        dot(out, &m.kind, (x, y), r);
        self.label(out, &m.title, (x, y), r);
        out.push_str("</a>");
    }

    /// Several sites as one numbered mark. Without script it leads to the
    /// map page (`more`) at the `inset` that shows the sites apart, or at the
    /// table of sites; `data-sites` lists them (`[href, title, kind]`) for
    /// the script that opens the list, `data-inset` names the inset.
    fn cluster(
        &self,
        out: &mut String,
        members: &[&Mark],
        (x, y): (f64, f64),
        more: &str,
        inset: Option<&View>,
    ) {
        let s = self.scale;
        let n = members.len();
        let r = cluster_radius(n) * s;
        let list: Vec<[&str; 3]> = members
            .iter()
            .map(|m| [m.href.as_str(), m.title.as_str(), m.kind.as_str()])
            .collect();
        let names: Vec<&str> = members.iter().take(4).map(|m| m.title.as_str()).collect();
        let others = if n > 4 {
            format!(" and {} more", n - 4)
        } else {
            String::new()
        };
        let (href, inset) = match inset {
            Some(v) => (
                format!("{more}#{}", v.slug),
                format!(" data-inset=\"{}\"", escape(v.title)),
            ),
            None => (format!("{more}#sites"), String::new()),
        };
        let _ = write!(
            out,
            "<a href=\"{}\" class=\"mark cluster\" data-sites=\"{}\"{inset}><title>{n} sites here: {}{others}</title><circle class=\"hit\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\"/><circle class=\"dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"/><text class=\"num\" x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\">{n}</text>",
            escape(&href),
            escape(&serde_json::to_string(&list).unwrap_or_default()),
            escape(&names.join(", ")),
            (HIT * s).max(r),
            11.0 * s,
        );
        self.label(
            out,
            &format!("{} sites: {} and {} more", n, members[0].title, n - 1),
            (x, y),
            r,
        );
        out.push_str("</a>");
    }

    /// A label beside a mark of radius `r`, shown on hover and focus: wrapped
    /// into short lines, and set to the mark's right, left or above it so
    /// that it stays inside the map.
    fn label(&self, out: &mut String, text: &str, (x, y): (f64, f64), r: f64) {
        let s = self.scale;
        let (w, h) = (self.frame.width, self.frame.height);
        let size = LABEL * s;
        let line = size * 1.2;
        let lines = wrap(text, LABEL_LINE);
        let block = line * lines.len() as f64;
        let pad = 4.0 * s;
        let (anchor, lx, top) = if x < w / 3.0 {
            ("start", x + r + pad, y - block / 2.0)
        } else if x > w * 2.0 / 3.0 {
            ("end", x - r - pad, y - block / 2.0)
        } else if y - r - pad - block > 0.0 {
            ("middle", x, y - r - pad - block)
        } else {
            ("middle", x, y + r + pad)
        };
        let top = top.clamp(0.0, (h - block).max(0.0));
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{lx:.1}\" y=\"{:.1}\" font-size=\"{size:.1}\" stroke-width=\"{:.1}\" text-anchor=\"{anchor}\">",
            top + size,
            3.0 * s,
        );
        for (k, l) in lines.iter().enumerate() {
            let dy = if k == 0 { 0.0 } else { line };
            let _ = write!(
                out,
                "<tspan x=\"{lx:.1}\" dy=\"{dy:.1}\">{}</tspan>",
                escape(l)
            );
        }
        out.push_str("</text>");
    }
}

/// Radius (CSS px) of a cluster of `n` sites: larger for larger crowds, at
/// most half the gap.
fn cluster_radius(n: usize) -> f64 {
    (8.0 + 1.6 * (n as f64).ln()).min(GAP / 2.0)
}

/// A site's dot, shaped by kind so that colour is not the only cue: a park
/// a circle, a lab a square, an institution a diamond.
fn dot(out: &mut String, kind: &str, (x, y): (f64, f64), r: f64) {
    let _ = match kind {
        "lab" => write!(
            out,
            "<rect class=\"dot\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
            x - r * 0.9,
            y - r * 0.9,
            r * 1.8,
            r * 1.8
        ),
        "institution" => {
            let d = r * 1.25;
            write!(
                out,
                "<path class=\"dot\" d=\"M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z\"/>",
                y - d,
                x + d,
                y + d,
                x - d
            )
        }
        _ => write!(
            out,
            "<circle class=\"dot\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"/>"
        ),
    };
}

/// Words of `text` in lines of about `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// What each kind of mark is called in a legend.
fn kind_label(kind: &str) -> &str {
    match kind {
        "park" => "Park or zone",
        "lab" => "Lab or facility",
        "institution" => "Institution",
        other => other,
    }
}

/// The legend of a map: a swatch and a name for each kind of mark it shows
/// (in the order given), and the cluster if it draws any.
pub fn legend(kinds: &[&str], clusters: bool) -> String {
    let mut out = String::from("<ul class=\"map-legend\">");
    for kind in kinds {
        let _ = write!(
            out,
            "<li><svg class=\"swatch mark {k}\" viewBox=\"-8 -8 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\">",
            k = escape(kind)
        );
        dot(&mut out, kind, (0.0, 0.0), DOT);
        let _ = write!(out, "</svg>{}</li>", escape(kind_label(kind)));
    }
    if clusters {
        out.push_str("<li><svg class=\"swatch mark cluster\" viewBox=\"-10 -10 20 20\" width=\"20\" height=\"20\" aria-hidden=\"true\"><circle class=\"dot\" r=\"9.5\"/><text class=\"num\" font-size=\"11\" text-anchor=\"middle\" dominant-baseline=\"central\">3</text></svg>Sites close together: select the number to list them</li>");
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The clustering as first written: every point against every other.
    fn clusters_by_brute_force(points: &[(f64, f64)], gap: f64) -> Vec<Cluster> {
        let dist = |a: usize, b: usize| {
            let (dx, dy) = (points[a].0 - points[b].0, points[a].1 - points[b].1);
            dx * dx + dy * dy
        };
        let gap = gap * gap;
        let n = points.len();
        let crowd: Vec<usize> = (0..n)
            .map(|i| (0..n).filter(|&j| dist(i, j) < gap).count())
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| crowd[b].cmp(&crowd[a]).then(a.cmp(&b)));
        let mut leaders: Vec<usize> = Vec::new();
        for i in order {
            if leaders.iter().all(|&l| dist(l, i) >= gap) {
                leaders.push(i);
            }
        }
        let mut cs: Vec<Cluster> = leaders
            .iter()
            .map(|&l| Cluster {
                members: Vec::new(),
                x: points[l].0,
                y: points[l].1,
            })
            .collect();
        for i in 0..n {
            let nearest = (0..leaders.len())
                .min_by(|&a, &b| dist(leaders[a], i).total_cmp(&dist(leaders[b], i)))
                .unwrap();
            cs[nearest].members.push(i);
        }
        cs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        cs
    }

    /// Pseudo-random coordinates in `0..size` (xorshift), in steps of a
    /// thousandth of `size` so that some fall on cell borders.
    fn coordinates(mut state: u64, size: f64) -> impl FnMut() -> f64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 1000) as f64 * size / 1000.0
        }
    }

    #[test]
    fn the_grid_clusters_as_comparing_every_pair_does() {
        let mut next = coordinates(0x2545_f491_4f6c_dd1d, 1000.0);
        for (n, gap) in [(50, 30.0), (400, 24.0), (1000, 60.0), (300, 7.5)] {
            // Crowds and strays, some on cell borders.
            let points: Vec<(f64, f64)> = (0..n)
                .map(|i| match i % 3 {
                    0 => (next() / 20.0 + 100.0, next() / 20.0 + 200.0),
                    1 => ((next() / gap).round() * gap, next()),
                    _ => (next(), next()),
                })
                .collect();
            let grid = clusters(&points, gap);
            let brute = clusters_by_brute_force(&points, gap);
            assert_eq!(grid.len(), brute.len(), "{n} points, gap {gap}");
            for (a, b) in grid.iter().zip(&brute) {
                assert_eq!(a.members, b.members);
                assert_eq!((a.x, a.y), (b.x, b.y));
            }
        }
    }

    #[test]
    fn crowds_count_as_comparing_every_pair_does() {
        let mut next = coordinates(0x9e37_79b9_7f4a_7c15, 1000.0);
        // Sparse points, a dense crowd (fine cells), points on cell borders
        // and exactly a gap apart.
        for (n, gap, crowd) in [
            (300, 30.0, 0.0),
            (3000, 40.0, 0.8),
            (2000, 7.5, 0.5),
            (500, 100.0, 1.0),
        ] {
            let points: Vec<(f64, f64)> = (0..n)
                .map(|i| {
                    if (i as f64) < crowd * n as f64 {
                        (500.0 + next() / 10.0, 300.0 + next() / 10.0)
                    } else if i % 5 == 0 {
                        (
                            (next() / gap).round() * gap,
                            (next() / gap).round() * gap / 4.0,
                        )
                    } else {
                        (next(), next())
                    }
                })
                .collect();
            let within = gap * gap;
            let brute: Vec<usize> = points
                .iter()
                .map(|&(x, y)| {
                    points
                        .iter()
                        .filter(|&&(px, py)| {
                            let (dx, dy) = (px - x, py - y);
                            dx * dx + dy * dy < within
                        })
                        .count()
                })
                .collect();
            let grid = Grid::new(&points, gap);
            assert_eq!(crowds(&points, gap, &grid), brute, "{n} points, gap {gap}");
        }
    }

    #[test]
    fn close_points_cluster_and_far_ones_do_not() {
        let points = [(0.0, 0.0), (5.0, 0.0), (100.0, 0.0), (3.0, 4.0)];
        let cs = clusters(&points, 30.0);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].members, vec![0, 1, 3]);
        assert_eq!((cs[0].x, cs[0].y), (0.0, 0.0), "drawn at its leader");
        assert_eq!(cs[1].members, vec![2]);
    }

    #[test]
    fn cluster_centres_end_at_least_a_gap_apart() {
        let points: Vec<(f64, f64)> = (0..60)
            .map(|i| ((i * 37 % 101) as f64 * 3.0, (i * 53 % 89) as f64 * 2.0))
            .collect();
        let cs = clusters(&points, 40.0);
        assert_eq!(cs.iter().map(|c| c.members.len()).sum::<usize>(), 60);
        for (i, a) in cs.iter().enumerate() {
            for b in &cs[i + 1..] {
                assert!((a.x - b.x).hypot(a.y - b.y) >= 40.0);
            }
        }
    }

    #[test]
    fn labels_wrap_at_word_boundaries() {
        assert_eq!(
            wrap("Beijing Huairou Comprehensive National Science Centre", 26),
            vec![
                "Beijing Huairou",
                "Comprehensive National",
                "Science Centre"
            ]
        );
        assert_eq!(wrap("", 26), Vec::<String>::new());
    }
}
