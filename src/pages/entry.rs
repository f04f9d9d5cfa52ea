//! Entry pages: one per park, program, lab and institution
//! (`<kind>s/<id>/index.html`), from the prepared entry, its card, its
//! locator maps and the site's settings.

use tera::Context;

use super::{Depth, Made, PageConfig, base_context, render};
use crate::entry::Head;
use crate::geo::Geo;
use crate::memo::Memo;
use crate::memo::{Digested, Query};
use crate::prepare::Prepared;
use crate::theme::Template;
use crate::views::{Card, EntryView, SiteView};

use crate::views::LocationView;

/// What an entry page reads.
#[derive(Hash)]
pub struct EntryPage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub head: Digested<Head>,
    pub prepared: Digested<Prepared>,
    pub card: Digested<Card>,
    pub location: Option<Digested<LocationView>>,
}

/// Rendering an entry page.
pub static PAGE: Query<EntryPage, Made> =
    Query::new("entry page", |p| render(&p.template, &context(p)));

/// What every entry page of a run shares. Entry pages are made in the pass
/// that prepares the entries, each as soon as its entry is prepared, so a
/// build never holds every body at once.
pub struct Pages<'a> {
    pub memo: &'a Memo,
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    /// Every entry's card, by depth and atlas index.
    pub cards: &'a [Vec<Digested<Card>>; 3],
    pub geo: &'a Geo,
}

impl Pages<'_> {
    /// Where entry `head`'s page goes.
    pub fn path(&self, head: &Head) -> String {
        format!("{}index.html", head.url_path())
    }

    /// Makes (or takes from the memo) the page of entry `i`.
    pub fn make(
        &self,
        i: usize,
        head: &Digested<Head>,
        prepared: &Digested<Prepared>,
    ) -> Digested<Made> {
        let card = self.cards[Depth::Two as usize][i].clone();
        let input = EntryPage {
            template: self.template.clone(),
            site: self.site.clone(),
            config: self.config.clone(),
            head: head.clone(),
            prepared: prepared.clone(),
            location: super::map::location(self.memo, self.geo, i, &card),
            card,
        };
        self.memo.get(&PAGE, &input)
    }
}

fn context(p: &EntryPage) -> Context {
    let e = &p.head;
    let prepared = &p.prepared;
    let config = &p.config;
    let item = e.item();
    let view = EntryView {
        card: (*p.card).clone(),
        name_zh: prepared.name_zh.clone(),
        kind_label: e.kind.label_plural().into(),
        kind_href: config.href(Depth::Two, &format!("{}/", e.kind.folder())),
        aliases: item.map(|m| m.aliases.clone()).unwrap_or_default(),
        facts: prepared.facts.clone(),
        relations: prepared.relations.clone(),
        body: prepared.body.html.clone(),
        headings: prepared.body.headings.clone(),
        notes: prepared.notes.clone(),
        cite_text: cite_text(config, e),
        bibtex: bibtex(config, e),
        edit_href: edit_href(config, e),
        updated: item
            .and_then(|m| m.updated)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        path: e.path.clone(),
        location: p.location.as_deref().cloned(),
    };
    let info = config.info(
        e.title(),
        e.summary(),
        &e.url_path(),
        &format!("entry {}", e.kind.name()),
    );
    let mut c = base_context(&p.site, Depth::Two, &info);
    c.insert("entry", &view);
    c
}

/// The link to edit an entry's file, if the site has an edit URL.
pub fn edit_href(config: &PageConfig, e: &Head) -> String {
    config
        .edit_url
        .as_ref()
        .map(|u| format!("{u}{}", e.path))
        .unwrap_or_default()
}

/// "Cite this entry" as text.
fn cite_text(config: &PageConfig, e: &Head) -> String {
    let updated = e
        .item()
        .and_then(|m| m.updated)
        .map(|d| format!(" Last updated {d}."))
        .unwrap_or_default();
    format!(
        "“{}.” In {}. {}{}.{}",
        e.title(),
        config.title,
        config.base_url,
        e.url_path(),
        updated
    )
}

/// "Cite this entry" as BibTeX.
fn bibtex(config: &PageConfig, e: &Head) -> String {
    let braces = |s: &str| s.replace(['{', '}'], "");
    let mut out = format!(
        "@misc{{atlas-{id},\n  title = {{{title}}},\n  howpublished = {{{site}}},\n  url = {{{url}{path}}},\n",
        id = e.id,
        title = braces(e.title()),
        site = braces(&config.title),
        url = config.base_url,
        path = e.url_path(),
    );
    if let Some(d) = e.item().and_then(|m| m.updated) {
        out.push_str(&format!(
            "  year = {{{}}},\n  note = {{Last updated {d}}},\n",
            d.year
        ));
    }
    out.push('}');
    out
}
