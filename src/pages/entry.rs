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
use crate::reference::{CITATION, Citation, CitationInput, Form};
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
    pub citation: Digested<Citation>,
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
    /// Makes (or takes from the memo) the files of entry `i`: its page,
    /// then the citation files beside it, each as (path, bytes). The page
    /// and the files read one citation, made once.
    pub fn make(
        &self,
        i: usize,
        head: &Digested<Head>,
        prepared: &Digested<Prepared>,
    ) -> Vec<(String, Digested<Made>)> {
        let card = self.cards[Depth::Two as usize][i].clone();
        let citation = citation(self.memo, &self.config, self.geo, i, head);
        let folder = head.url_path();
        let mut files = Vec::with_capacity(1 + Form::ALL.len());
        for form in Form::ALL {
            let file = CiteFile {
                citation: citation.clone(),
                form,
            };
            files.push((
                [folder.as_str(), form.file()].concat(),
                self.memo.get(&CITE_FILE, &file),
            ));
        }
        let input = EntryPage {
            citation,
            template: self.template.clone(),
            site: self.site.clone(),
            config: self.config.clone(),
            head: head.clone(),
            prepared: prepared.clone(),
            location: super::map::location(self.memo, self.geo, i, &card),
            card,
        };
        files.insert(0, (folder + "index.html", self.memo.get(&PAGE, &input)));
        files
    }

    /// How many files [`Pages::make`] gives for each entry.
    pub const FILES_PER_ENTRY: usize = 1 + Form::ALL.len();
}

fn context(p: &EntryPage) -> Context {
    let e = &p.head;
    let prepared = &p.prepared;
    let config = &p.config;
    let item = e.item();
    let view = EntryView {
        card: &p.card,
        name_zh: prepared.name_zh.as_ref(),
        kind_label: e.kind.label_plural().into(),
        kind_href: config.href(Depth::Two, &format!("{}/", e.kind.folder())),
        aliases: item.map(|m| m.aliases.as_slice()).unwrap_or_default(),
        facts: &prepared.facts,
        relations: &prepared.relations,
        body: &prepared.body.html,
        headings: &prepared.body.headings,
        notes: &prepared.notes,
        citation: &p.citation,
        edit_href: edit_href(config, e),
        updated: item
            .and_then(|m| m.updated)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        path: &e.path,
        location: p.location.as_deref(),
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

/// Entry `i`'s citation (`head` is its head).
pub fn citation(
    memo: &Memo,
    config: &Digested<PageConfig>,
    geo: &Geo,
    i: usize,
    head: &Digested<Head>,
) -> Digested<Citation> {
    let input = CitationInput {
        config: config.clone(),
        head: head.clone(),
        site: geo.sites.get(&i).cloned(),
    };
    memo.get(&CITATION, &input)
}

/// What a citation file beside an entry's page reads.
#[derive(Hash)]
pub struct CiteFile {
    pub citation: Digested<Citation>,
    pub form: Form,
}

/// A citation file: `cite.bib`, `cite.ris` or `cite.json`.
pub static CITE_FILE: Query<CiteFile, Made> = Query::new("citation file", |f| {
    let mut text = f.form.of(&f.citation).to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text.into())
});
