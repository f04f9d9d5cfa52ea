//! atlas: a static site generator for an annotated, cited atlas.
//!
//! The build pipeline, in order (types flow one way):
//!
//! 1. [`config`]: `atlas.toml` -> [`Config`].
//! 2. [`load`]: `content/` -> [`load::SourceFile`]s (path, kind, id, text).
//! 3. [`entry`]: each file -> a validated [`entry::Entry`] (front matter
//!    split with offsets, YAML parsed, every key checked), in parallel.
//! 4. [`graph`]: entries -> the [`graph::Atlas`]: ids checked, relations
//!    resolved in both directions, taxonomies grouped.
//! 5. [`geo`]: `geodata/` -> site locations joined to entries, validated.
//! 6. [`render`]: each entry prepared (fact box, [`markdown`] body, notes via
//!    [`cite`]) in parallel; quotes checked; pages planned; every page
//!    rendered with Tera in parallel.
//! 7. [`output`]: files written into a fresh folder and swapped into place.
//!
//! Every stage collects [`diag::Diagnostic`]s instead of stopping at the first
//! problem; the build writes nothing if any is an error.

pub mod cite;
pub mod cli;
pub mod config;
pub mod diag;
pub mod entry;
pub mod fsio;
pub mod geo;
pub mod graph;
pub mod highlight;
pub mod incremental;
pub mod limits;
pub mod load;
pub mod markdown;
pub mod output;
pub mod render;
pub mod schema;
pub mod serve;
pub mod timing;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use config::Config;
use diag::{Diagnostic, Diagnostics};
use entry::Kind;

/// What a run produced: the files (if it got that far), counts, coverage, problems.
#[derive(Debug, Default)]
pub struct BuildResult {
    pub files: Vec<render::OutputFile>,
    pub counts: BTreeMap<&'static str, usize>,
    pub coverage: BTreeMap<String, cite::Coverage>,
    pub diagnostics: Diagnostics,
    /// The previous output, replaced by this build: deleted when dropped.
    pub trash: Option<output::Trash>,
}

impl BuildResult {
    /// Citation coverage over all items.
    pub fn total_coverage(&self) -> cite::Coverage {
        let mut total = cite::Coverage::default();
        for c in self.coverage.values() {
            total.add(*c);
        }
        total
    }
}

/// Options of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Overrides the config's `base_url`.
    pub base_url: Option<String>,
}

/// Runs steps 1–6: everything but writing. The files are complete only if
/// there are no errors.
pub fn run(root: &Path, options: &BuildOptions) -> BuildResult {
    run_with(root, options, &mut incremental::Cache::off())
}

/// [`run`], reusing what `cache` kept from the previous run where the inputs
/// are unchanged (see [`incremental`]); the result is the same.
pub fn run_with(
    root: &Path,
    options: &BuildOptions,
    cache: &mut incremental::Cache,
) -> BuildResult {
    let mut result = BuildResult::default();
    let mut clock = timing::Clock::start();
    let diags = &mut result.diagnostics;
    let mut config = match Config::load(root) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            return result;
        }
    };
    if let Some(base) = &options.base_url {
        config.base_url = if base.ends_with('/') {
            base.clone()
        } else {
            format!("{base}/")
        };
    }
    let files = cache.load(root, diags);
    clock.lap("load");
    let parsed: Vec<(Option<std::sync::Arc<entry::Entry>>, Vec<Diagnostic>)> =
        cache.parse(&files, &config);
    clock.lap("parse");
    let mut entries = Vec::with_capacity(parsed.len());
    for (e, d) in parsed {
        diags.extend(d);
        entries.extend(e);
    }
    let atlas = cache.assemble(entries, &config, diags);
    clock.lap("graph");
    for kind in Kind::ALL {
        result
            .counts
            .insert(kind.folder(), atlas.of_kind(kind).count());
    }
    let geo = cache.geo(root, &atlas, diags);
    clock.lap("geo");
    let texts = load_source_texts(root, &config, &atlas, diags);
    clock.lap("source texts");
    let theme = match render::Theme::load(root, &config.theme) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return result;
        }
    };
    clock.lap("theme");
    let rendered = render::render_site(&atlas, &config, &theme, &texts, &geo, diags, cache);
    result.files = rendered.files;
    result.coverage = rendered.coverage;
    check_coverage(&config, &mut result);
    result
}

/// Runs the pipeline and, if there are no errors, writes the site to `out`.
pub fn build(root: &Path, out: &Path, options: &BuildOptions) -> BuildResult {
    if let Err(d) = output::check_output_path(root, out) {
        let mut result = BuildResult::default();
        result.diagnostics.push(d);
        return result;
    }
    let mut result = run(root, options);
    if !result.diagnostics.has_errors() {
        match output::publish(root, out, &result.files) {
            Ok(trash) => result.trash = Some(trash),
            Err(d) => result.diagnostics.push(d),
        }
    }
    result
}

/// The output folder: `--output`, else the config's `output`, relative to `root`.
pub fn output_dir(root: &Path, cli: Option<&Path>) -> PathBuf {
    match cli {
        Some(p) => p.to_path_buf(),
        None => {
            let configured = Config::load(root)
                .map(|c| c.output)
                .unwrap_or_else(|_| "site".into());
            root.join(configured)
        }
    }
}

fn load_source_texts(
    root: &Path,
    config: &Config,
    atlas: &graph::Atlas,
    diags: &mut Diagnostics,
) -> cite::SourceTexts {
    let mut texts = cite::SourceTexts::default();
    let Some(dir) = &config.sources_text_dir else {
        return texts;
    };
    let dir = root.join(dir);
    let reader = fsio::Reader::within(root, &dir, "`sources_text_dir`");
    for i in atlas.of_kind(Kind::Source) {
        let e = &atlas.entries[i];
        let Some(name) = e.source().and_then(|s| s.text.as_ref()) else {
            continue;
        };
        match reader.read_text(&dir.join(name), limits::SOURCE_TEXT) {
            Ok(t) => texts.insert(&e.id, &t),
            Err(err) if !err.is_missing() => diags.push(
                Diagnostic::error(err.to_string())
                    .at(&e.path, &e.text, e.keys.value("text"))
                    .hint(err.hint()),
            ),
            Err(_) => diags.push(
                Diagnostic::warning(format!(
                    "text of source `{}` not found; its quotes are not checked",
                    e.id
                ))
                .at(&e.path, &e.text, e.keys.value("text"))
                .hint(format!("expected `{name}` in {}", dir.display())),
            ),
        }
    }
    texts
}

fn check_coverage(config: &Config, result: &mut BuildResult) {
    let Some(min) = config.citations.min_coverage else {
        return;
    };
    let total = result.total_coverage();
    if total.ratio() < min {
        result.diagnostics.push(
            Diagnostic::error(format!(
                "citation coverage {:.1}% is below the required {:.1}%",
                total.ratio() * 100.0,
                min * 100.0
            ))
            .in_file(config::CONFIG_FILE)
            .hint("run `atlas check --coverage` to list uncited facts and paragraphs per entry"),
        );
    }
}
