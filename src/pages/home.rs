//! The home page (`index.html`): what the atlas is, its counts, the map of
//! China, and China's leading entries of each kind: those marked `featured`
//! (or, for a kind with none, its first entries in China).

use std::collections::BTreeMap;

use super::map::MapFigure;
use super::{Depth, Job, Made, PageConfig, Site, base_context, job_with, render};
use crate::kind::Kind;
use crate::memo::{Digested, Query};
use crate::theme::Template;
use crate::views::{Card, SiteView};

/// How many entries of each kind the home page shows at most.
pub const HOME_PREVIEW: usize = 12;

/// What the home page reads.
#[derive(Hash)]
pub struct HomePage {
    pub template: Template,
    pub site: Digested<SiteView>,
    pub config: Digested<PageConfig>,
    /// The entries shown, by kind name.
    pub entries: BTreeMap<&'static str, Vec<Digested<Card>>>,
    /// The maps; the first (China) is shown.
    pub maps: Digested<Vec<MapFigure>>,
}

/// Rendering the home page.
pub static PAGE: Query<HomePage, Made> = Query::new("home page", |p| {
    let entries: BTreeMap<&str, Vec<&Card>> = p
        .entries
        .iter()
        .map(|(k, cards)| (*k, cards.iter().map(|c| &**c).collect()))
        .collect();
    let info = p
        .config
        .info(&p.config.title, &p.config.description, "", "home");
    let mut c = base_context(&p.site, Depth::Root, &info);
    c.insert("entries", &entries);
    c.insert("map", &p.maps.first());
    render(&p.template, &c)
});

/// The home page.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let entries: BTreeMap<&str, Vec<Digested<Card>>> = Kind::ITEMS
        .iter()
        .map(|&k| {
            let china: Vec<Digested<Card>> = site
                .atlas
                .of_kind(k)
                .map(|i| site.card(i, Depth::Root))
                .filter(|c| !c.foreign)
                .collect();
            let featured: Vec<Digested<Card>> =
                china.iter().filter(|c| c.featured).cloned().collect();
            let shown = if featured.is_empty() { china } else { featured };
            (k.name(), shown.into_iter().take(HOME_PREVIEW).collect())
        })
        .collect();
    let input = move || HomePage {
        template: site.theme.template("home.html"),
        site: site.view.clone(),
        config: site.config.clone(),
        entries: entries.clone(),
        maps: super::map::figures(site, Depth::Root, site.view.map.clone()),
    };
    vec![job_with(site.memo, "index.html", &PAGE, input)]
}
