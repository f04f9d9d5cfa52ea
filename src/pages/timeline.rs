//! The timeline of China's programs (`timeline/index.html`), drawn at build
//! time as SVG: one row per dated program, a bar from launch to end (or a
//! dot where no end is given), each a link to its entry.

use std::fmt::Write as _;

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, render};
use crate::entry::{Date, Kind};
use crate::markdown::escape_attr;
use crate::memo::{Digested, Query};
use crate::theme::Template;
use crate::views::SiteView;

const ROW: f64 = 18.0;
const LABEL: f64 = 330.0;
const WIDTH: f64 = 1000.0;

/// A dated program, for the timeline.
#[derive(Debug, Clone, Hash)]
pub struct Item {
    pub title: String,
    /// Relative to the timeline page.
    pub href: String,
    pub start: Date,
    pub end: Option<Date>,
}

/// What the timeline page reads.
#[derive(Hash)]
pub struct TimelinePage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    /// China's dated programs, in atlas order.
    pub items: Vec<Item>,
}

/// Rendering the timeline page.
pub static PAGE: Query<TimelinePage, Made> = Query::new("timeline", |p| {
    let (svg, count) = timeline(&p.items);
    let info = p.config.info(
        "Timeline",
        "China's science and technology programs and plans by the year they began.",
        "timeline/",
        "timeline-page",
    );
    let mut c = base_context(&p.site, Depth::One, &info);
    c.insert("svg", &svg);
    c.insert("count", &count);
    render(&p.template, &c)
});

/// The timeline page.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let atlas = site.atlas;
    let items = atlas
        .of_kind(Kind::Program)
        .filter_map(|i| {
            let e = &atlas.entries[i];
            let m = e.item().filter(|m| m.in_china())?;
            Some(Item {
                title: e.title().to_string(),
                href: site.config.href(Depth::One, &e.url_path()),
                start: m.established.as_ref()?.value,
                end: m.ended.as_ref().map(|d| d.value),
            })
        })
        .collect();
    let input = TimelinePage {
        template: site.theme.template("timeline.html"),
        site: site.view.clone(),
        config: site.config.clone(),
        items,
    };
    vec![job(site.memo, "timeline/index.html", &PAGE, input)]
}

fn year_fraction(d: &Date) -> f64 {
    d.year as f64 + (d.month.unwrap_or(1) as f64 - 1.0) / 12.0
}

/// The timeline SVG, and how many programs it shows.
fn timeline(items: &[Item]) -> (String, usize) {
    let mut items: Vec<&Item> = items.iter().collect();
    items.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.title.cmp(&b.title)));
    if items.is_empty() {
        return (String::new(), 0);
    }
    let first = items.iter().map(|i| i.start.year).min().unwrap_or(1950);
    let last = items
        .iter()
        .map(|i| i.end.map_or(i.start.year, |e| e.year))
        .max()
        .unwrap_or(2025);
    let (from, to) = (
        (first - first.rem_euclid(10)) as f64,
        (last - last.rem_euclid(10) + 10) as f64,
    );
    let x = |year: f64| LABEL + (year - from) / (to - from) * (WIDTH - LABEL - 30.0);
    let height = 30.0 + items.len() as f64 * ROW + 10.0;
    let mut svg = format!(
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" role=\"group\" aria-label=\"Timeline of {} programs from {from} to {to}\">",
        items.len()
    );
    let mut decade = from;
    while decade <= to {
        let _ = write!(
            svg,
            "<line class=\"tick\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"22\" y2=\"{bottom}\"/><text class=\"year\" x=\"{x:.1}\" y=\"16\">{decade}</text>",
            x = x(decade),
            bottom = height - 8.0,
        );
        decade += 10.0;
    }
    for (k, item) in items.iter().enumerate() {
        let y = 30.0 + k as f64 * ROW;
        let start = x(year_fraction(&item.start));
        let mark = match &item.end {
            Some(end) => format!(
                "<rect class=\"span\" x=\"{start:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"8\" rx=\"3\"/>",
                y + 4.0,
                (x(year_fraction(end) + 1.0 / 12.0) - start).max(4.0)
            ),
            None => format!(
                "<circle class=\"start\" cx=\"{start:.1}\" cy=\"{:.1}\" r=\"4.5\"/>",
                y + 8.0
            ),
        };
        let when = match &item.end {
            Some(end) => format!("{}–{}", item.start, end),
            None => item.start.to_string(),
        };
        let _ = write!(
            svg,
            "<a href=\"{href}\"><title>{title} ({when})</title><text class=\"label\" x=\"{lx}\" y=\"{ty:.1}\">{short}</text>{mark}</a>",
            href = escape_attr(&item.href),
            title = escape_attr(&item.title),
            lx = LABEL - 8.0,
            ty = y + 12.0,
            short = escape_attr(&shorten(&item.title, 46)),
        );
    }
    svg.push_str("</svg>");
    (svg, items.len())
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}
