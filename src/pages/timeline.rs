//! The timeline of China's programs (`timeline/index.html`), drawn at build
//! time: one row per dated program, its title a link to its entry, and a bar
//! from launch to end (or a mark where no end is given).

use std::fmt::Write as _;

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, render};
use crate::entry::{Date, Kind};
use crate::html::escape;
use crate::memo::{Digested, Query};
use crate::theme::Template;
use crate::views::SiteView;

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
    let (chart, count) = timeline(&p.items);
    let info = p.config.info(
        "Timeline",
        "China's science and technology programs and plans by the year they began.",
        "timeline/",
        "timeline-page",
    );
    let mut c = base_context(&p.site, Depth::One, &info);
    c.insert("chart", &chart);
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

/// The timeline, and how many programs it shows: a list with one row per
/// program (its title, a link, wrapping as text does, and its dates), each
/// row's bar drawn in an SVG stretched across the row's track. The tracks
/// all span the same decades, so bars line up under the axis of decades
/// above them; text is HTML, so it keeps its size at any width.
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
        first - first.rem_euclid(10),
        last - last.rem_euclid(10) + 10,
    );
    let span = f64::from(to - from);
    let mut html =
        String::from("<div class=\"timeline\"><ol class=\"timeline-axis\" aria-hidden=\"true\">");
    for decade in (from..to).step_by(10) {
        let _ = write!(html, "<li>{decade}</li>");
    }
    let _ = write!(
        html,
        "</ol><ol class=\"timeline-rows\" aria-label=\"{} programs from {from} to {to}\">",
        items.len()
    );
    // Decade lines, the same in every track.
    let mut ticks = String::new();
    for k in (0..to - from).step_by(10).skip(1) {
        let _ = write!(
            ticks,
            "<line class=\"tick\" x1=\"{k}\" x2=\"{k}\" y1=\"0\" y2=\"1\"/>"
        );
    }
    for item in items.iter() {
        let start = year_fraction(&item.start) - f64::from(from);
        let bar = match &item.end {
            Some(end) => format!(
                "<rect class=\"span\" x=\"{start:.2}\" y=\"0.2\" width=\"{:.2}\" height=\"0.6\"/>",
                (year_fraction(end) + 1.0 / 12.0 - f64::from(from) - start).max(0.5)
            ),
            None => format!(
                "<rect class=\"start\" x=\"{:.2}\" y=\"0.1\" width=\"{:.2}\" height=\"0.8\"/>",
                (start - 0.35).max(0.0),
                0.7
            ),
        };
        let when = match &item.end {
            Some(end) => format!("{}–{}", item.start, end),
            None => item.start.to_string(),
        };
        let _ = write!(
            html,
            "<li><span class=\"what\"><a href=\"{href}\">{title}</a> <span class=\"when\">{when}</span></span><svg class=\"track\" viewBox=\"0 0 {span} 1\" preserveAspectRatio=\"none\" aria-hidden=\"true\">{ticks}{bar}</svg></li>",
            href = escape(&item.href),
            title = escape(&item.title),
        );
    }
    html.push_str("</ol></div>");
    (html, items.len())
}
