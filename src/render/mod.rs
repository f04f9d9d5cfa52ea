//! Steps 5–6: the atlas -> every output file, rendered in parallel.
//!
//! 1. Prepare each entry (facts, body, relations, notes) in parallel.
//! 2. Check quotes against the sources' texts; gather "cited by" lists.
//! 3. Make the list of pages, each an output path, a template and what it shows.
//! 4. Render every page in parallel with Tera, making its context of views
//!    just before; add static files, maps and downloads.
//!
//! Steps 1 and 4 and the downloads go through an
//! [`incremental::Cache`](crate::incremental), which `atlas serve` uses to skip
//! entries, pages and pieces whose inputs are unchanged.

mod data;
mod entry;
pub mod maps;
mod pages;
mod theme;
mod timeline;
pub mod views;

use std::collections::BTreeMap;

use bytes::Bytes;

use crate::cite::{Coverage, SourceTexts};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::entry::Kind;
use crate::geo::Geo;
use crate::graph::Atlas;
use crate::incremental::Cache;

pub use entry::{Prepared, esc};
pub use theme::Theme;

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, with `/` separators.
    pub path: String,
    /// Shared, so the incremental cache and the server keep it without copies.
    pub bytes: Bytes,
}

/// The result of rendering: files, and the citation coverage per entry.
#[derive(Debug, Default)]
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub coverage: BTreeMap<String, Coverage>,
}

/// Renders the whole site.
pub fn render_site(
    atlas: &Atlas,
    config: &Config,
    theme: &Theme,
    texts: &SourceTexts,
    geo: &Geo,
    diags: &mut Diagnostics,
    cache: &mut Cache,
) -> Rendered {
    let mut clock = crate::timing::Clock::start();
    let prepared = cache.prepare(atlas, |i| entry::prepare(atlas, i, config));
    clock.lap("prepare");
    let mut coverage = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        diags.extend(p.diags.iter().cloned());
        let e = &atlas.entries[i];
        if e.kind.is_item() {
            coverage.insert(e.id.clone(), p.coverage);
        }
        check_quotes(e, p, texts, diags);
    }
    check_unused_sources(atlas, &prepared, diags);
    clock.lap("checks");
    let tera = match theme.compile() {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Rendered {
                files: Vec::new(),
                coverage,
            };
        }
    };
    clock.lap("compile theme");
    let planner = pages::Planner::new(atlas, config, &prepared, geo);
    clock.lap("plan");
    let results = cache.render(
        theme,
        &planner.pages,
        |page, digests| planner.key(page, digests),
        |page| {
            tera.render(page.template, &planner.context(page))
                .map(|html| OutputFile {
                    path: page.path.clone(),
                    bytes: Bytes::from(html),
                })
                .map_err(|e| theme.diagnostic(&e))
        },
    );
    clock.lap("render");
    let mut files = Vec::with_capacity(results.len() + theme.statics.len() + 1);
    let mut reported = std::collections::HashSet::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            // The same template error on a thousand pages is one problem.
            Err(d) => {
                if reported.insert(d.to_string()) {
                    diags.push(d);
                }
            }
        }
    }
    for (name, bytes) in &theme.statics {
        files.push(OutputFile {
            path: format!("static/{name}"),
            bytes: Bytes::copy_from_slice(bytes),
        });
    }
    files.push(OutputFile {
        path: "static/highlight.css".into(),
        bytes: Bytes::from_static(crate::highlight::theme_css().as_bytes()),
    });
    files.extend(maps::static_files(atlas, config, geo, cache));
    clock.lap("map files");
    files.extend(data::files(atlas, config, &prepared, cache));
    clock.lap("data files");
    files.sort_by(|a, b| a.path.cmp(&b.path));
    clock.lap("finish");
    Rendered { files, coverage }
}

fn check_quotes(
    entry: &crate::entry::Entry,
    p: &Prepared,
    texts: &SourceTexts,
    diags: &mut Diagnostics,
) {
    for (_, _, r) in &p.cites {
        let Some(q) = &r.quote else { continue };
        if texts.contains(&r.source, q) == Some(false) {
            diags.push(
                Diagnostic::error(format!("quote not found in `{}`", r.source))
                    .at(&entry.path, &entry.text, r.quote_span.clone())
                    .label("this text does not occur in the source")
                    .hint("copy the words exactly as the source prints them (spacing and curly quotes may differ)"),
            );
        }
    }
}

fn check_unused_sources(
    atlas: &Atlas,
    prepared: &[std::sync::Arc<Prepared>],
    diags: &mut Diagnostics,
) {
    // A source's annotation citing itself does not make it used.
    let cited: rustc_hash::FxHashSet<&str> = prepared
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.cited.iter().map(move |(source, _)| (i, source.as_str())))
        .filter(|&(i, source)| atlas.entries[i].id != source)
        .map(|(_, source)| source)
        .collect();
    for i in atlas.of_kind(Kind::Source) {
        let e = &atlas.entries[i];
        if !cited.contains(e.id.as_str()) {
            diags.push(
                Diagnostic::warning(format!("source `{}` is never cited", e.id))
                    .in_file(&e.path)
                    .hint("cite it with `[@id, locator]` or remove it"),
            );
        }
    }
}
