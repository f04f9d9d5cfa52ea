//! Lists: the index of each kind of item (`parks/index.html`, ...), each
//! taxonomy (`designation/index.html`, ...) and each of its terms
//! (`designation/science-city/index.html`, ...). Entries in China are
//! listed first; comparators abroad apart, after them.

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, render};
use crate::graph::Taxonomy;
use crate::kind::Kind;
use crate::memo::{Digested, Query};
use crate::theme::Template;
use crate::views::{Card, MenuItem, SiteView, TermView};

/// Cards split into China's own and the comparators abroad, each by title.
fn split(cards: &[Digested<Card>]) -> (Vec<&Card>, Vec<&Card>) {
    let mut cards: Vec<&Card> = cards.iter().map(|c| &**c).collect();
    cards.sort_by_cached_key(|c| c.order());
    cards.into_iter().partition(|c| !c.foreign)
}

/// What a kind's index page reads.
#[derive(Hash)]
pub struct KindIndex {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub kind: Kind,
    pub cards: Vec<Digested<Card>>,
}

/// Rendering a kind's index page.
pub static KIND_INDEX: Query<KindIndex, Made> = Query::new("kind index", |p| {
    let path = format!("{}/", p.kind.folder());
    let info = p.config.info(
        p.kind.label_plural(),
        "",
        &path,
        &format!("index {}", p.kind.name()),
    );
    let (china, abroad) = split(&p.cards);
    let mut c = base_context(&p.site, Depth::One, &info);
    c.insert("kind", p.kind.name());
    c.insert("entries", &china);
    c.insert("abroad", &abroad);
    render(&p.template, &c)
});

/// What a taxonomy's page reads: each term with its counts.
#[derive(Hash)]
pub struct TaxonomyPage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub taxonomy: Taxonomy,
    /// (slug, label, entries in China, comparators abroad).
    pub terms: Vec<(String, String, usize, usize)>,
}

/// Rendering a taxonomy's page.
pub static TAXONOMY: Query<TaxonomyPage, Made> = Query::new("taxonomy", |p| {
    let tax = p.taxonomy;
    let terms: Vec<TermView> = p
        .terms
        .iter()
        .map(|(slug, label, china, abroad)| TermView {
            label: label.clone(),
            href: p
                .config
                .href(Depth::One, &format!("{}/{slug}/", tax.slug())),
            count: *china,
            abroad: *abroad,
            entries: Vec::new(),
        })
        .collect();
    let path = format!("{}/", tax.slug());
    let info = p.config.info(tax.label(), "", &path, "taxonomy");
    let mut c = base_context(&p.site, Depth::One, &info);
    c.insert("terms", &terms);
    render(&p.template, &c)
});

/// What a term's page reads.
#[derive(Hash)]
pub struct TermPage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub taxonomy: Taxonomy,
    pub slug: String,
    pub label: String,
    pub cards: Vec<Digested<Card>>,
}

/// Rendering a term's page.
pub static TERM: Query<TermPage, Made> = Query::new("term", |p| {
    let tax = p.taxonomy;
    let (china, abroad) = split(&p.cards);
    let view = TermView {
        label: p.label.clone(),
        href: String::new(),
        count: china.len(),
        abroad: abroad.len(),
        entries: china,
    };
    let taxonomy = MenuItem {
        title: tax.label().into(),
        href: p.config.href(Depth::Two, &format!("{}/", tax.slug())),
    };
    let path = format!("{}/{}/", tax.slug(), p.slug);
    let info = p
        .config
        .info(&format!("{}: {}", tax.label(), p.label), "", &path, "term");
    let mut c = base_context(&p.site, Depth::Two, &info);
    c.insert("term", &view);
    c.insert("abroad", &abroad);
    c.insert("taxonomy", &taxonomy);
    render(&p.template, &c)
});

/// The kind indexes, taxonomies and terms.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let atlas = site.atlas;
    let mut jobs = Vec::new();
    let kind_template = site.theme.template("kind.html");
    for kind in Kind::ITEMS {
        let input = KindIndex {
            template: kind_template.clone(),
            site: site.view.clone(),
            config: site.config.clone(),
            kind,
            cards: atlas
                .of_kind(kind)
                .map(|i| site.card(i, Depth::One))
                .collect(),
        };
        jobs.push(job(
            site.memo,
            format!("{}/index.html", kind.folder()),
            &KIND_INDEX,
            input,
        ));
    }
    let taxonomy_template = site.theme.template("taxonomy.html");
    let term_template = site.theme.template("term.html");
    for tax in Taxonomy::ALL {
        let terms = atlas.taxonomies.get(&tax).map_or(&[][..], Vec::as_slice);
        let counted = terms
            .iter()
            .map(|t| {
                let abroad = t
                    .entries
                    .iter()
                    .filter(|&&i| site.cards[0][i].foreign)
                    .count();
                (
                    t.slug.clone(),
                    t.label.clone(),
                    t.entries.len() - abroad,
                    abroad,
                )
            })
            .collect();
        jobs.push(job(
            site.memo,
            format!("{}/index.html", tax.slug()),
            &TAXONOMY,
            TaxonomyPage {
                template: taxonomy_template.clone(),
                site: site.view.clone(),
                config: site.config.clone(),
                taxonomy: tax,
                terms: counted,
            },
        ));
        for t in terms {
            let input = TermPage {
                template: term_template.clone(),
                site: site.view.clone(),
                config: site.config.clone(),
                taxonomy: tax,
                slug: t.slug.clone(),
                label: t.label.clone(),
                cards: t
                    .entries
                    .iter()
                    .map(|&i| site.card(i, Depth::Two))
                    .collect(),
            };
            jobs.push(job(
                site.memo,
                format!("{}/{}/index.html", tax.slug(), t.slug),
                &TERM,
                input,
            ));
        }
    }
    jobs
}
