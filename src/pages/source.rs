//! Source pages (`sources/<id>/index.html`): the reference, the annotation,
//! and every entry that cites the source with each place it does; and the
//! bibliography (`sources/index.html`).

use std::fmt::Write as _;

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, render};
use crate::entry::{Head, Kind, SourceMeta};
use crate::memo::{Digested, Query};
use crate::prepare::{Prepared, esc};
use crate::theme::Template;
use crate::views::{Card, CiteUse, CitedBy, SiteView, SourceView};

/// An entry citing a source: its card and each place it does.
pub type Citer = (Digested<Card>, Digested<Vec<CiteUse>>);

/// What a source page reads.
#[derive(Hash)]
pub struct SourcePage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub head: Digested<Head>,
    /// The source's own annotation, prepared.
    pub prepared: Digested<Prepared>,
    pub card: Digested<Card>,
    /// Each entry citing the source (in atlas order), with how.
    pub citers: Vec<Citer>,
}

/// Rendering a source page.
pub static PAGE: Query<SourcePage, Made> = Query::new("source page", |p| {
    let e = &p.head;
    let s = e.source().expect("a source");
    let mut cited_by: Vec<CitedBy> = p
        .citers
        .iter()
        .map(|(card, uses)| CitedBy {
            card,
            uses: uses.as_slice(),
        })
        .collect();
    cited_by.sort_by_cached_key(|c| c.card.order());
    let view = SourceView {
        card: &p.card,
        short: &s.short,
        reference: reference_html(s),
        authors: &s.authors,
        kind: &s.kind,
        year: source_year(s).unwrap_or_default(),
        publisher: s.publisher.as_deref().unwrap_or_default(),
        venue: s.venue.as_deref().unwrap_or_default(),
        url: s.url.as_deref().unwrap_or_default(),
        accessed: s.accessed.map(|d| d.to_string()).unwrap_or_default(),
        availability: s.availability.as_deref().unwrap_or_default(),
        language: s.language.as_deref().unwrap_or_default(),
        body: &p.prepared.body.html,
        notes: &p.prepared.notes,
        cite_count: cited_by.iter().map(|c| c.uses.len()).sum(),
        cited_by,
        edit_href: super::entry::edit_href(&p.config, e),
    };
    let info = p
        .config
        .info(e.title(), e.summary(), &e.url_path(), "source");
    let mut c = base_context(&p.site, Depth::Two, &info);
    c.insert("source", &view);
    render(&p.template, &c)
});

/// What the bibliography reads.
#[derive(Hash)]
pub struct Bibliography {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub sources: Vec<(Digested<Card>, Digested<Head>)>,
}

/// Rendering the bibliography.
pub static BIBLIOGRAPHY: Query<Bibliography, Made> = Query::new("bibliography", |p| {
    let sources: Vec<serde_json::Value> = p
        .sources
        .iter()
        .map(|(card, head)| {
            let reference = head.source().map(reference_html).unwrap_or_default();
            serde_json::json!({ "card": &**card, "reference": reference })
        })
        .collect();
    let info = p.config.info(
        "Sources",
        "The reports the atlas is written from.",
        "sources/",
        "bibliography",
    );
    let mut c = base_context(&p.site, Depth::One, &info);
    c.insert("sources", &sources);
    render(&p.template, &c)
});

/// The source pages and the bibliography.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let atlas = site.atlas;
    // Who cites each source, in atlas order.
    let mut citers: Vec<Vec<Citer>> = vec![Vec::new(); atlas.entries.len()];
    for (from, p) in site.briefs.iter().enumerate() {
        for (source, uses) in &p.uses {
            if let Some(&s) = atlas.index.get(source) {
                citers[s].push((site.card(from, Depth::Two), uses.clone()));
            }
        }
    }
    let template = site.theme.template("source.html");
    let mut jobs: Vec<Job<'a>> = atlas
        .of_kind(Kind::Source)
        .map(|i| {
            let head = &atlas.entries[i];
            let input = SourcePage {
                template: template.clone(),
                site: site.view.clone(),
                config: site.config.clone(),
                head: head.clone(),
                prepared: site.prepared(i),
                card: site.card(i, Depth::Two),
                citers: std::mem::take(&mut citers[i]),
            };
            job(
                site.memo,
                format!("{}index.html", head.url_path()),
                &PAGE,
                input,
            )
        })
        .collect();
    let bibliography = Bibliography {
        template: site.theme.template("bibliography.html"),
        site: site.view.clone(),
        config: site.config.clone(),
        sources: atlas
            .of_kind(Kind::Source)
            .map(|i| (site.card(i, Depth::One), atlas.entries[i].clone()))
            .collect(),
    };
    jobs.push(job(
        site.memo,
        "sources/index.html",
        &BIBLIOGRAPHY,
        bibliography,
    ));
    jobs
}

/// The source's date as printed: the full date, else the year.
pub fn source_year(s: &SourceMeta) -> Option<String> {
    s.date
        .map(|d| d.to_string())
        .or(s.year.map(|y| y.to_string()))
}

/// A full reference in HTML, in author–date style: `Authors (date).
/// <cite>Title</cite>. Venue. Publisher.` Without authors it starts with the
/// title; without a date it says none; a publisher that repeats the venue
/// is given once.
pub fn reference_html(s: &SourceMeta) -> String {
    let mut out = String::new();
    let title = format!("<cite>{}</cite>", esc(&s.title));
    match (s.authors.is_empty(), source_year(s)) {
        (false, Some(year)) => {
            let _ = write!(
                out,
                "{} ({}). {title}.",
                esc(&s.authors.join(", ")),
                esc(&year)
            );
        }
        (false, None) => {
            let _ = write!(out, "{}. {title}.", esc(&s.authors.join(", ")));
        }
        (true, Some(year)) => {
            let _ = write!(out, "{title} ({}).", esc(&year));
        }
        (true, None) => {
            let _ = write!(out, "{title}.");
        }
    }
    let mut parts: Vec<&String> = Vec::new();
    for part in [&s.venue, &s.publisher].into_iter().flatten() {
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    for part in parts {
        let _ = write!(out, " {}.", esc(part));
    }
    out
}
