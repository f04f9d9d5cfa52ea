//! atlas: a static site generator for an annotated, cited atlas.
//!
//! The build pipeline, in order (types flow one way):
//!
//! 1. [`config`]: `atlas.toml` -> [`Config`].
//! 2. [`inputs`] and [`load`]: `content/` -> [`load::SourceFile`]s (path,
//!    kind, id, digested text), reusing unchanged texts while serving.
//! 3. [`entry`]: each file -> a validated [`entry::Entry`]: its head (front
//!    matter split with offsets, YAML parsed, every key checked) and body.
//! 4. [`graph`]: the heads -> the [`graph::Atlas`]: ids checked, relations
//!    resolved in both directions, taxonomies grouped.
//! 5. [`geo`]: `geodata/` -> the base map, and site locations joined to
//!    entries and validated.
//! 6. [`prepare`]: each entry -> its fact box, [`markdown`] body, relations
//!    and notes (via [`cite`]); quotes checked against the sources' texts.
//! 7. [`pages`]: every page and file of the site, each made from one input
//!    value with a [`theme`] template, handed to a sink as it is made:
//!    [`output`] writes them into a fresh folder swapped into place, through
//!    the one [`xml`] guard that drops what XML forbids from every markup file.
//!
//! Every derived value is a [`memo::Query`]: a plain function of one input
//! value, keyed by that value's digest. `build` keeps nothing between runs;
//! `serve` keeps everything and makes again only what an edit changed. Both
//! run this same code.
//!
//! Every stage collects [`diag::Diagnostic`]s instead of stopping at the first
//! problem; the build writes nothing if any is an error.

pub mod body;
pub mod cite;
pub mod cli;
pub mod config;
pub mod dataset;
pub mod diag;
pub mod entry;
pub mod fsio;
#[doc(hidden)]
pub mod fuzzing;
pub mod geo;
pub mod graph;
pub mod highlight;
pub mod html;
pub mod inputs;
pub mod kind;
pub mod limits;
pub mod load;
pub mod markdown;
pub mod memo;
pub mod output;
pub mod pages;
pub mod pinyin;
pub mod prepare;
pub mod reference;
pub mod schema;
pub mod serve;
pub mod theme;
pub mod timing;
pub mod views;
pub mod xml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use body::Body;
use bytes::Bytes;
use rayon::prelude::*;

pub use config::Config;
use diag::{Diagnostic, Diagnostics};
use entry::{Entry, Kind};
use graph::{ASSEMBLE, AtlasInput, Names, SUMMARY};
use memo::{Digested, Memo, Query};
use pages::{Depth, PageConfig};
use prepare::{PREPARE, PrepareConfig, PrepareInput, Prepared, REFS, RelationInput};

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, with `/` separators.
    pub path: String,
    /// Shared, so the memo and the server keep it without copies.
    pub bytes: Bytes,
}

/// What a run produced: the files (when collected), counts, coverage,
/// problems.
#[derive(Debug, Default)]
pub struct BuildResult {
    /// The files, sorted by path, when the run collected them ([`run`]).
    pub files: Vec<OutputFile>,
    /// How many files the run made.
    pub file_count: usize,
    pub counts: BTreeMap<&'static str, usize>,
    pub coverage: BTreeMap<String, cite::Coverage>,
    pub diagnostics: Diagnostics,
    /// How each query was answered (from the memo, or made).
    pub stats: memo::Stats,
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

/// What a run keeps for the next: the memo of every query's results and the
/// files as read. A build's session keeps nothing.
pub struct Session {
    pub memo: Memo,
    pub inputs: inputs::Inputs,
}

impl Session {
    /// A session for one run: keeps nothing.
    pub fn fresh() -> Session {
        Session {
            memo: Memo::transient(),
            inputs: inputs::Inputs::fresh(),
        }
    }

    /// A session whose runs make only what changed since the last (`serve`).
    pub fn persistent() -> Session {
        Session {
            memo: Memo::persistent(),
            inputs: inputs::Inputs::persistent(),
        }
    }
}

/// Where a run's files go as they are made: a folder being written, the
/// server's memory, or nowhere (`check`). Called from many threads.
pub trait Sink: Sync {
    fn put(&self, path: &str, body: &Body) -> Result<(), Diagnostic>;
}

/// A sink that keeps the files, for [`run`].
#[derive(Default)]
pub struct Collect(Mutex<Vec<(String, Body)>>);

impl Sink for Collect {
    fn put(&self, path: &str, body: &Body) -> Result<(), Diagnostic> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), body.clone()));
        Ok(())
    }
}

impl Collect {
    /// The files, sorted by path, each in one buffer.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = self
            .into_unordered()
            .into_iter()
            .map(|(path, body)| OutputFile {
                path,
                bytes: body.to_bytes(),
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// The files as they were given, in the order they were made (which
    /// varies from run to run): for a caller that looks each one up by
    /// path anyway.
    pub fn into_unordered(self) -> Vec<(String, Body)> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// A sink that drops every file (`atlas check`).
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: &Body) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// Runs the pipeline and keeps the files in memory: everything but writing.
/// The files are complete only if there are no errors.
pub fn run(root: &Path, options: &BuildOptions) -> BuildResult {
    let collect = Collect::default();
    let mut result = run_with(root, options, &mut Session::fresh(), &collect);
    result.files = collect.into_files();
    result
}

/// Runs the pipeline on a session, handing each file to `sink` as it is made.
pub fn run_with(
    root: &Path,
    options: &BuildOptions,
    session: &mut Session,
    sink: &dyn Sink,
) -> BuildResult {
    session.inputs.begin();
    let result = pipeline(root, options, session, sink);
    session.inputs.end();
    let mut result = result;
    result.stats = session.memo.sweep();
    timing::stats(&result.stats);
    result
}

/// What parsing a file reads: its identity and text, and the vocabularies
/// its terms are checked against.
#[derive(Hash)]
struct ParseInput {
    path: String,
    kind: Kind,
    id: String,
    text: Digested<str>,
    vocabulary: Digested<config::Taxonomies>,
}

static PARSE: Query<ParseInput, (Option<Entry>, Vec<Diagnostic>)> = Query::new("parse", |input| {
    let file = load::SourceFile {
        path: input.path.clone(),
        kind: input.kind,
        id: input.id.clone(),
        text: input.text.clone(),
        stamp: (0, None),
    };
    entry::parse_entry(&file, &input.vocabulary)
});

fn pipeline(
    root: &Path,
    options: &BuildOptions,
    session: &mut Session,
    sink: &dyn Sink,
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
    let memo = &session.memo;
    // Every file leaves through this guard: no markup carries a character
    // XML forbids, whichever page or file it is (see `xml`).
    let sink = &xml::Guard::new(sink, memo);
    let files = session.inputs.content(root, diags);
    clock.lap("load");

    // 3. Parse.
    let vocabulary = Digested::new(config.taxonomies.clone());
    let parsed: Vec<Digested<(Option<Entry>, Vec<Diagnostic>)>> = files
        .par_iter()
        .map(|f| {
            let input = ParseInput {
                path: f.path.clone(),
                kind: f.kind,
                id: f.id.clone(),
                text: f.text.clone(),
                vocabulary: vocabulary.clone(),
            };
            memo.get(&PARSE, &input)
        })
        .collect();
    let mut by_path: rustc_hash::FxHashMap<&str, &Entry> = Default::default();
    for p in &parsed {
        diags.extend(p.1.iter().cloned());
        if let Some(e) = &p.0 {
            by_path.insert(e.path(), e);
        }
    }
    clock.lap("parse");

    // 4. The atlas, from heads.
    let heads = parsed
        .iter()
        .filter_map(|p| p.0.as_ref().map(|e| e.head.clone()))
        .collect();
    let assembled = memo.get(
        &ASSEMBLE,
        &AtlasInput {
            heads,
            labels: vocabulary.clone(),
        },
    );
    let atlas = &assembled.0;
    diags.extend(assembled.1.iter().cloned());
    let entries: Vec<&Entry> = atlas
        .entries
        .iter()
        .map(|h| by_path[h.path.as_str()])
        .collect();
    for kind in Kind::ALL {
        result
            .counts
            .insert(kind.folder(), atlas.of_kind(kind).count());
    }
    clock.lap("graph");

    // 5. Geodata.
    let inputs = &mut session.inputs;
    let reader = fsio::Reader::new(root);
    let geo_files = geo::GeoFiles::read(
        root,
        &reader,
        |found, rel| inputs.read(&reader, found.path(), rel, limits::GEODATA),
        diags,
    );
    let placed: geo::Placed = atlas
        .entries
        .iter()
        .map(|h| (h.id.clone(), h.kind, h.item().is_none_or(|m| m.in_china())))
        .collect();
    let placed = Digested::new(placed);
    let sites = memo.get(
        &geo::SITES,
        &geo::SitesInput {
            files: geo_files.sites,
            placed: placed.clone(),
        },
    );
    // (id, kind, in China) by atlas index.
    let places = geo::marks::Places(
        geo::points(&sites)
            .map(|(s, lonlat)| (lonlat, !placed[s.entry].2))
            .collect(),
    );
    let geo = geo::Geo {
        base: memo.get(&geo::BASE, &geo_files.base),
        overview: memo.get(&geo::marks::OVERVIEW, &places),
        sites,
    };
    diags.extend(geo.base.diags.iter().cloned());
    diags.extend(geo.sites.diags.iter().cloned());
    clock.lap("geo");

    // 6. The theme, the cards and the site view, which every page reads.
    let theme = match theme::Theme::load(root, &config.theme) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return result;
        }
    };
    let compiled = memo.get(&theme::COMPILE, &Digested::new(theme));
    let compiled = match &*compiled {
        Ok(c) => c,
        Err(d) => {
            diags.push(d.clone());
            return result;
        }
    };
    let index_html = config.index_html_links;
    let cards: [Vec<Digested<views::Card>>; 3] = [Depth::Root, Depth::One, Depth::Two].map(|d| {
        atlas
            .entries
            .par_iter()
            .map(|h| {
                memo.get(
                    &views::CARD,
                    &views::CardInput {
                        head: h.clone(),
                        root: d.root(),
                        index_html,
                        labels: vocabulary.clone(),
                    },
                )
            })
            .collect()
    });
    let page_config = Digested::new(PageConfig {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        language: config.language.clone(),
        index_html,
        edit_url: config.edit_url.clone(),
        labels: config.taxonomies.clone(),
        license: config.license.clone(),
    });
    let site_view = memo.get(
        &pages::SITE_VIEW,
        &pages::SiteInput::of(atlas, &cards[0], page_config.clone()),
    );
    let texts = source_texts(root, &config, atlas, &mut session.inputs, memo, diags);
    clock.lap("theme and cards");

    // 7. Entries: each prepared, its quotes checked and (for an item) its
    // page made, in one parallel pass; what other pages read of it (its
    // brief) is kept, the rest let go as soon as the page is written.
    let summaries: Vec<Digested<graph::Summary>> = atlas
        .entries
        .par_iter()
        .map(|h| memo.get(&SUMMARY, h))
        .collect();
    let reserved = Digested::new(compiled.reserved_ids.clone());
    let prepare_config = Digested::new(PrepareConfig {
        index_html,
        allow_html: config.allow_html,
        labels: config.taxonomies.clone(),
        reserved: compiled.reserved_ids.clone(),
        files: pages::site_files(compiled),
    });
    let names = std::sync::OnceLock::new();
    let all_names = || {
        names
            .get_or_init(|| {
                Digested::new(Names(
                    atlas
                        .entries
                        .iter()
                        .map(|h| (h.id.clone(), h.kind))
                        .collect(),
                ))
            })
            .clone()
    };
    let entry_pages = pages::entry::Pages {
        memo,
        template: compiled.template("entry.html"),
        site: site_view.clone(),
        config: page_config.clone(),
        cards: &cards,
        geo: &geo,
    };
    let made: Vec<EntryMade> = entries
        .par_iter()
        .enumerate()
        .map(|(i, entry)| {
            let refs = memo.get(&REFS, *entry);
            let found: Vec<(String, Option<Digested<graph::Summary>>)> = refs
                .ids
                .iter()
                .map(|id| {
                    (
                        id.clone(),
                        atlas.index.get(id).map(|&j| summaries[j].clone()),
                    )
                })
                .collect();
            let names = found.iter().any(|(_, s)| s.is_none()).then(all_names);
            let mut relations = Vec::new();
            for (outgoing, links) in [(true, &atlas.outgoing[i]), (false, &atlas.incoming[i])] {
                for &l in links {
                    let link = &atlas.links[l];
                    let other = if outgoing { link.to } else { link.from };
                    relations.push(RelationInput {
                        rel: link.rel,
                        outgoing,
                        card: cards[Depth::Two as usize][other].clone(),
                        other_kind: atlas.entries[other].kind,
                        cite: if outgoing { link.cite.clone() } else { None },
                    });
                }
            }
            let anchors = refs
                .fragments
                .iter()
                .filter_map(|id| {
                    let &j = atlas.index.get(id)?;
                    let input = prepare::AnchorsInput {
                        entry: entries[j].clone(),
                        reserved: reserved.clone(),
                    };
                    Some((id.clone(), memo.get(&prepare::ANCHORS, &input)))
                })
                .collect();
            let input = PrepareInput {
                entry: (*entry).clone(),
                config: prepare_config.clone(),
                found,
                names,
                anchors,
                relations,
            };
            let prepared = memo.get(&PREPARE, &input);
            let mut problems = check_quotes(memo, entry, &prepared, &texts);
            let head = &atlas.entries[i];
            if !head.kind.is_item() {
                return EntryMade {
                    brief: prepared.brief.clone(),
                    prepared: Some(prepared),
                    problems,
                };
            }
            for (path, made) in entry_pages.make(i, head, &prepared) {
                problems.extend(sink.put(&path, &made).err());
            }
            EntryMade {
                brief: prepared.brief.clone(),
                prepared: None,
                problems,
            }
        })
        .collect();
    // The entries' texts are no longer needed.
    drop(entries);
    drop(by_path);
    drop(parsed);
    drop(files);
    clock.lap("entries");

    // Checks over prepared entries.
    let mut page_problems = Vec::new();
    for (i, m) in made.iter().enumerate() {
        diags.extend(m.brief.diags.iter().cloned());
        let head = &atlas.entries[i];
        if head.kind.is_item() {
            result.coverage.insert(head.id.clone(), m.brief.coverage);
        }
        for d in &m.problems {
            // A problem of an entry's own quotes, or of its page.
            page_problems.push(d.clone());
        }
    }
    let briefs: Vec<Digested<prepare::Brief>> = made.iter().map(|m| m.brief.clone()).collect();
    let prepared: Vec<Option<Digested<Prepared>>> = made.into_iter().map(|m| m.prepared).collect();
    check_unused_sources(atlas, &briefs, &mut result.diagnostics);
    check_coverage(&config, &mut result);
    let diags = &mut result.diagnostics;
    clock.lap("checks");

    // 8. Every other page and file.
    let site = pages::Site {
        memo,
        config: page_config,
        atlas,
        briefs: &briefs,
        prepared: &prepared,
        cards: &cards,
        view: site_view,
        geo: &geo,
        theme: compiled,
    };
    let jobs = pages::plan(&site);
    clock.lap("plan");
    page_problems.extend(
        jobs.par_iter()
            .filter_map(|job| {
                let clock = timing::Clock::start();
                let made = job.make();
                clock.slow(&job.path);
                sink.put(&job.path, &made).err()
            })
            .collect::<Vec<_>>(),
    );
    // The same template error on a thousand pages is one problem.
    let mut reported = std::collections::HashSet::new();
    for d in page_problems {
        if reported.insert(d.to_string()) {
            diags.push(d);
        }
    }
    result.file_count = jobs.len()
        + pages::entry::Pages::FILES_PER_ENTRY
            * atlas.entries.iter().filter(|e| e.kind.is_item()).count();
    clock.lap("render");
    result
}

/// What the pass over the entries gives for one: its brief, the whole
/// prepared entry when another page shows its body (a source's or a plain
/// page's), and the problems with its quotes or its page.
struct EntryMade {
    brief: Digested<prepare::Brief>,
    prepared: Option<Digested<Prepared>>,
    problems: Vec<Diagnostic>,
}

/// Checks an entry's quotes against its sources' texts.
fn check_quotes(
    memo: &Memo,
    entry: &Entry,
    prepared: &Digested<Prepared>,
    texts: &BTreeMap<String, Digested<String>>,
) -> Vec<Diagnostic> {
    let mut sources: Vec<(String, Option<Digested<String>>)> = prepared
        .cites
        .iter()
        .filter(|(_, _, r)| r.quote.is_some())
        .map(|(_, _, r)| (r.source.clone(), texts.get(&r.source).cloned()))
        .collect();
    if sources.is_empty() {
        return Vec::new();
    }
    sources.sort_by(|a, b| a.0.cmp(&b.0));
    sources.dedup_by(|a, b| a.0 == b.0);
    let input = prepare::QuoteInput {
        path: entry.path().to_string(),
        text: entry.text.clone(),
        prepared: prepared.clone(),
        sources,
    };
    memo.get(&prepare::QUOTES, &input).to_vec()
}

/// Runs the pipeline, writing each file into a staging folder as it is
/// made, and, if there are no errors, swaps the site into place at `out`
/// (see [`output`]); the previous output comes back as the result's trash.
pub fn build(root: &Path, out: &Path, options: &BuildOptions) -> BuildResult {
    let mut result = BuildResult::default();
    if let Err(d) = output::check_output_path(root, out) {
        result.diagnostics.push(d);
        return result;
    }
    let keep = Config::load(root)
        .map(|c| c.output_keep)
        .unwrap_or_else(|_| config::default_keep());
    let staging = match output::Staging::begin(root, out, &keep) {
        Ok(s) => s,
        Err(d) => {
            result.diagnostics.push(d);
            return result;
        }
    };
    let sink = Staged(&staging);
    result = run_with(root, options, &mut Session::fresh(), &sink);
    if !result.diagnostics.has_errors() {
        match staging.commit() {
            Ok(trash) => result.trash = Some(trash),
            Err(d) => result.diagnostics.push(d),
        }
    }
    result
}

/// A sink writing into a staging folder.
struct Staged<'a>(&'a output::Staging);

impl Sink for Staged<'_> {
    fn put(&self, path: &str, body: &Body) -> Result<(), Diagnostic> {
        self.0.write(path, body)
    }
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

/// The sources' texts that are available, normalised for quote matching,
/// by source id.
fn source_texts(
    root: &Path,
    config: &Config,
    atlas: &graph::Atlas,
    inputs: &mut inputs::Inputs,
    memo: &Memo,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Digested<String>> {
    let mut texts = BTreeMap::new();
    let Some(configured) = &config.sources_text_dir else {
        return texts;
    };
    let dir = root.join(configured);
    // A checkout without the texts beside it (they are not published with
    // the atlas): one note, not a warning per source.
    if !dir.is_dir() {
        diags.push(
            Diagnostic::note(format!(
                "quotes are not checked: the sources' texts are not in `{}`",
                configured.display()
            ))
            .in_file(config::CONFIG_FILE)
            .hint("put the plain texts there (see README, \"The source texts\") to check every quote against its source"),
        );
        return texts;
    }
    let reader = fsio::Reader::within(root, &dir, "`sources_text_dir`");
    for i in atlas.of_kind(Kind::Source) {
        let e = &atlas.entries[i];
        let Some(name) = e.source().and_then(|s| s.text.as_ref()) else {
            continue;
        };
        let path = dir.join(name);
        let rel = fsio::display_path(root, &path);
        match inputs.read(&reader, &path, &rel, limits::SOURCE_TEXT) {
            Ok(t) => {
                texts.insert(e.id.clone(), memo.get(&cite::NORMALIZE, &t));
            }
            Err(err) if !err.is_missing() => diags.push(
                Diagnostic::error(err.to_string())
                    .at(&e.path, &e.front, e.keys.value("text"))
                    .hint(err.hint()),
            ),
            Err(_) => diags.push(
                Diagnostic::warning(format!(
                    "text of source `{}` not found; its quotes are not checked",
                    e.id
                ))
                .at(&e.path, &e.front, e.keys.value("text"))
                .hint(format!("expected `{name}` in {}", dir.display())),
            ),
        }
    }
    texts
}

fn check_unused_sources(
    atlas: &graph::Atlas,
    briefs: &[Digested<prepare::Brief>],
    diags: &mut Diagnostics,
) {
    // A source's annotation citing itself does not make it used.
    let cited: rustc_hash::FxHashSet<&str> = briefs
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.uses.keys().map(move |source| (i, source.as_str())))
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
