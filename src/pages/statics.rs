//! The theme's static files (`static/...`) and the highlighting CSS
//! (`static/highlight.css`), copied as they are.

use bytes::Bytes;

use super::{Job, Made, Site, job};
use crate::memo::{Digested, Query};

/// A static file: its bytes as the theme has them.
pub static STATIC: Query<Digested<Vec<u8>>, Made> = Query::new("static file", |bytes| {
    Ok(Bytes::copy_from_slice(bytes).into())
});

/// The highlighting CSS, made once per process.
pub static HIGHLIGHT_CSS: Query<(), Made> = Query::new("highlight css", |()| {
    Ok(Bytes::from_static(crate::highlight::theme_css().as_bytes()).into())
});

/// Where the highlighting CSS goes.
pub const HIGHLIGHT_CSS_PATH: &str = "static/highlight.css";

/// Every static file of the theme, and the highlighting CSS.
pub fn plan<'a>(site: &'a Site<'a>) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job<'a>> = site
        .theme
        .statics()
        .map(|(name, bytes)| job(site.memo, format!("static/{name}"), &STATIC, bytes.clone()))
        .collect();
    jobs.push(job(site.memo, HIGHLIGHT_CSS_PATH, &HIGHLIGHT_CSS, ()));
    jobs
}
