//! Plain pages (`<id>/index.html`): about, methodology, glossary.

use super::{Depth, Job, Made, PageConfig, Site, base_context, job, render};
use crate::entry::{Head, Kind};
use crate::memo::{Digested, Query};
use crate::prepare::Prepared;
use crate::theme::Template;
use crate::views::SiteView;

/// What a plain page reads.
#[derive(Hash)]
pub struct PlainPage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    pub head: Digested<Head>,
    pub prepared: Digested<Prepared>,
}

/// Rendering a plain page.
pub static PAGE: Query<PlainPage, Made> = Query::new("plain page", |p| {
    let e = &p.head;
    let info = p.config.info(e.title(), e.summary(), &e.url_path(), "page");
    let mut c = base_context(&p.site, Depth::One, &info);
    c.insert("body", &p.prepared.body.html);
    c.insert("notes", &p.prepared.notes);
    c.insert("edit_href", &super::entry::edit_href(&p.config, e));
    render(&p.template, &c)
});

/// The plain pages of a run.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let template = site.theme.template("page.html");
    site.atlas
        .of_kind(Kind::Page)
        .map(|i| {
            let head = &site.atlas.entries[i];
            let input = PlainPage {
                template: template.clone(),
                site: site.view.clone(),
                config: site.config.clone(),
                head: head.clone(),
                prepared: site.prepared[i].clone(),
            };
            job(
                site.memo,
                format!("{}index.html", head.url_path()),
                &PAGE,
                input,
            )
        })
        .collect()
}
