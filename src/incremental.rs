//! Incremental rebuilds, for `atlas serve`: what a run may reuse from the
//! run before it.
//!
//! Every stage of the pipeline still runs on every rebuild; a [`Cache`]
//! threaded through [`crate::run_with`] only skips work whose inputs have not
//! changed, so the result equals a full build byte for byte. It keeps:
//!
//! 1. file texts, by path: reused while the file's length and modification
//!    time are the same, the time is safely older than the run that read it
//!    (so a write within the file system's timestamp granularity cannot
//!    hide), and no change under the path was reported with
//!    [`Cache::changed`];
//! 2. parsed entries, by path, while the text (the same shared text, or one
//!    with the same digest) and the config are the same; then the atlas
//!    (ids, relations, taxonomies) while no path or front matter changed,
//!    and the geodata while, besides, no file under `geodata/` changed (read
//!    again only when reported, once the cache is [`Cache::watched`]);
//! 3. prepared entries (fact box, body, relations, notes), while everything
//!    the preparation read is the same: the entry's text, the config, its
//!    relations in both directions with the front matter of the entries at
//!    their other end, and the front matter of every entry it looked up by
//!    id (citations, `(@id)` links). An entry whose preparation reported a
//!    problem may have searched all ids for a suggestion, so it also depends
//!    on the list of ids. Editing one entry's text re-prepares that entry
//!    and, if its front matter changed, the entries that show it;
//! 4. rendered pages, by output path, while the page's template digest (the
//!    template with every template it extends, includes or takes components
//!    from) and its key are the same. A page's key is a digest of the inputs
//!    its context is made from ([`Digests`]; see `render::pages`), taken
//!    without making the context, so an unchanged page costs a lookup;
//! 5. whole output files ([`Cache::memo`]) and per-entry pieces of the
//!    downloads and the search index ([`Cache::pieces`]), by key.
//!
//! [`Cache::off`], which a plain build uses, stores nothing and takes no
//! digests.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::entry::{Entry, parse_entry};
use crate::geo::Geo;
use crate::graph::Atlas;
use crate::load::{SourceFile, Stamp};
use crate::render::{OutputFile, Prepared, Theme};

/// How much older than the run that read it a file's modification time must
/// be for its text to be reused on the strength of its stamp alone: more than
/// any file system's timestamp granularity (FAT's is two seconds).
const STAMP_MARGIN: Duration = Duration::from_secs(3);

/// What the last run reused and what it redid.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub read: usize,
    pub read_reused: usize,
    pub parsed: usize,
    pub parse_reused: usize,
    pub prepared: usize,
    pub prepare_reused: usize,
    pub rendered: usize,
    pub render_reused: usize,
}

/// What parsing one file gives.
pub type ParseResult = (Option<Arc<Entry>>, Vec<Diagnostic>);

/// Digests of a run's inputs, which page and output keys are made from.
#[derive(Debug, Default, Clone)]
pub struct Digests {
    pub config: u64,
    /// The geodata files.
    pub geo: u64,
    /// Per entry, in atlas order: its path, kind, id and front matter.
    pub front: Vec<u64>,
    /// All of `front`, in order (so also every id and the entry count).
    pub fronts: u64,
    /// Per entry: everything its preparation read (see the module docs).
    pub prepared: Vec<u64>,
}

struct Parsed {
    text: Arc<str>,
    text_digest: u64,
    /// Path, kind, id and front matter.
    front: u64,
    entry: Option<Arc<Entry>>,
    diags: Vec<Diagnostic>,
}

/// What a preparation read besides its own entry and relations.
#[derive(Debug, Clone, Default)]
struct Deps {
    ids: Vec<String>,
    /// It reported a problem, so may have searched every id.
    all_ids: bool,
}

/// Results of the previous run, each with the digest of its inputs.
#[derive(Default)]
pub struct Cache {
    enabled: bool,
    config: u64,
    /// Paths reported changed since the last run (relative to the root).
    changed: Vec<String>,
    /// Every change is reported.
    watched: bool,
    /// A file under `geodata/` may have changed since the last run.
    geodata_changed: bool,
    /// When the last run started loading files.
    loaded_at: Option<SystemTime>,
    files: FxHashMap<String, (Stamp, Arc<str>)>,
    parsed: FxHashMap<String, Parsed>,
    /// Every parsed file's path and front matter digest, in load order.
    fronts: u64,
    prepared: FxHashMap<String, (u64, Deps, Arc<Prepared>)>,
    digests: Option<Arc<Digests>>,
    /// The last atlas with its problems, and the digest of its inputs.
    atlas: Option<(u64, Atlas, Vec<Diagnostic>)>,
    /// The geodata with its problems, and the digest of its inputs.
    geo: Option<(u64, Arc<Geo>, Vec<Diagnostic>)>,
    /// A digest of the files under `geodata/`.
    geodata: u64,
    pages: FxHashMap<String, (u64, Bytes)>,
    memo: FxHashMap<String, (u64, Bytes)>,
    pieces: FxHashMap<&'static str, FxHashMap<String, (u64, Arc<str>)>>,
    /// What the last run did.
    pub stats: Stats,
}

impl Cache {
    /// A cache that keeps results between runs.
    pub fn new() -> Cache {
        Cache {
            enabled: true,
            ..Cache::default()
        }
    }

    /// No cache: every stage does all its work, and no digest is taken.
    pub fn off() -> Cache {
        Cache::default()
    }

    pub fn is_on(&self) -> bool {
        self.enabled
    }

    /// Says that from now on every change under the project is reported
    /// with [`Cache::changed`] (by a file watcher started before the run
    /// that filled the cache), so unreported files are not even looked at.
    pub fn watched(&mut self) {
        self.watched = true;
    }

    /// Reports that files or folders changed (paths relative to the root),
    /// so their texts are read again whatever their stamps say.
    pub fn changed<S: Into<String>>(&mut self, paths: impl IntoIterator<Item = S>) {
        if self.enabled {
            self.changed.extend(paths.into_iter().map(Into::into));
            self.changed.sort();
            self.changed.dedup();
        }
    }

    /// Loading with reuse: reads the content files that may have changed.
    pub fn load(
        &mut self,
        root: &std::path::Path,
        diags: &mut crate::diag::Diagnostics,
    ) -> Vec<SourceFile> {
        if !self.enabled {
            return crate::load::load_content(root, diags);
        }
        self.stats = Stats::default();
        self.digests = None;
        let started = SystemTime::now();
        let changed = std::mem::take(&mut self.changed);
        self.geodata_changed = !self.watched
            || changed
                .iter()
                .any(|c| c.split('/').next() == Some(crate::geo::FOLDER));
        let (files, loaded_at) = (&self.files, self.loaded_at);
        let reused = std::sync::atomic::AtomicUsize::new(0);
        // The path itself, or a folder it is in.
        let is_changed = |rel: &str| {
            changed.iter().any(|c| {
                rel.strip_prefix(c.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        };
        let watched = self.watched;
        let reuse = |rel: &str, path: &Path| {
            let (old, text) = files.get(rel)?;
            if is_changed(rel) {
                return None;
            }
            // Every change is reported: no need to look at the file.
            let stamp = if watched {
                *old
            } else {
                let stamp = crate::load::stamp_of(path);
                let settled = match (stamp.1, loaded_at) {
                    (Some(modified), Some(at)) => modified + STAMP_MARGIN < at,
                    _ => false,
                };
                if *old != stamp || !settled {
                    return None;
                }
                stamp
            };
            reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Some((text.clone(), stamp))
        };
        let loaded = crate::load::load_content_with(root, diags, &reuse);
        let reused = reused.into_inner();
        self.stats.read_reused = reused;
        self.stats.read = loaded.len() - reused;
        if reused < loaded.len() || self.files.len() != loaded.len() {
            self.files = loaded
                .iter()
                .map(|f| (f.path.clone(), (f.stamp, f.text.clone())))
                .collect();
        }
        self.loaded_at = Some(started);
        loaded
    }

    /// Parsing with reuse: parses the files whose text (or the config) changed.
    pub fn parse(&mut self, files: &[SourceFile], config: &Config) -> Vec<ParseResult> {
        let parse = |f: &SourceFile| {
            let (e, d) = parse_entry(f, config);
            (e.map(Arc::new), d)
        };
        if !self.enabled {
            return files.par_iter().map(parse).collect();
        }
        let config_digest = digest(&format!("{config:?}"));
        if config_digest != self.config {
            self.parsed.clear();
            self.config = config_digest;
        }
        let old = &self.parsed;
        // (what to keep, parsed by this run, the result)
        let results: Vec<(Option<Parsed>, bool, ParseResult)> = files
            .par_iter()
            .map(|f| {
                let cached = old.get(&f.path);
                let result = |p: &Parsed| (p.entry.clone(), p.diags.clone());
                if let Some(p) = cached.filter(|p| Arc::ptr_eq(&p.text, &f.text)) {
                    return (None, false, result(p));
                }
                let text_digest = digest(&*f.text);
                if let Some(p) = cached.filter(|p| p.text_digest == text_digest) {
                    return (Some(p.clone_with(f.text.clone())), false, result(p));
                }
                let (entry, diags) = parse(f);
                let front = entry.as_ref().map_or(0, |e| {
                    digest(&(&e.path, e.kind, &e.id, &e.text[..e.body.start]))
                });
                let parsed = Parsed {
                    text: f.text.clone(),
                    text_digest,
                    front,
                    entry: entry.clone(),
                    diags: diags.clone(),
                };
                (Some(parsed), true, (entry, diags))
            })
            .collect();
        let mut out = Vec::with_capacity(files.len());
        for (f, (update, fresh, result)) in files.iter().zip(results) {
            if fresh {
                self.stats.parsed += 1;
            } else {
                self.stats.parse_reused += 1;
            }
            if let Some(p) = update {
                self.parsed.insert(f.path.clone(), p);
            }
            out.push(result);
        }
        // Forget files that are gone.
        if self.parsed.len() > files.len() {
            let kept: FxHashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
            self.parsed.retain(|path, _| kept.contains(path.as_str()));
        }
        let mut h = DefaultHasher::new();
        for f in files {
            (&f.path, self.parsed.get(&f.path).map(|p| p.front)).hash(&mut h);
        }
        self.fronts = h.finish();
        out
    }

    /// Assembling with reuse: while no entry's path or front matter changed
    /// (nor the config), ids, relations and taxonomies are what they were,
    /// and only the entries themselves (with their new bodies) are swapped in.
    pub fn assemble(
        &mut self,
        entries: Vec<Arc<Entry>>,
        config: &Config,
        diags: &mut Diagnostics,
    ) -> Atlas {
        if !self.enabled {
            return Atlas::assemble(entries, &config.taxonomies, diags);
        }
        let key = digest(&(self.config, self.fronts));
        // Taken when the atlas is assembled anew.
        let mut entries = Some(entries);
        let mut atlas = reuse_or(&mut self.atlas, key, diags, |found| {
            let entries = entries.take().expect("assembled once");
            Atlas::assemble(entries, &config.taxonomies, found)
        });
        // A reused atlas holds the previous run's entries: swap in this run's.
        if let Some(entries) = entries {
            let by_path: FxHashMap<&str, &Arc<Entry>> =
                entries.iter().map(|e| (e.path.as_str(), e)).collect();
            for e in &mut atlas.entries {
                if let Some(new) = by_path.get(e.path.as_str()) {
                    *e = (*new).clone();
                }
            }
        }
        atlas
    }

    /// Geodata with reuse: loaded again when a file under `geodata/` or any
    /// entry's front matter changed (sites are joined to entries by id and
    /// checked against their kind and country).
    pub fn geo(&mut self, root: &Path, atlas: &Atlas, diags: &mut Diagnostics) -> Arc<Geo> {
        if !self.enabled {
            return Arc::new(Geo::load(root, atlas, diags));
        }
        // While serving, the files are read only when the watcher saw one change.
        if self.geodata_changed || self.geo.is_none() {
            let mut h = DefaultHasher::new();
            let walker = walkdir::WalkDir::new(root.join(crate::geo::FOLDER)).sort_by_file_name();
            for item in walker.into_iter().filter_map(Result::ok) {
                if item.file_type().is_file() {
                    (item.path(), std::fs::read(item.path()).ok()).hash(&mut h);
                }
            }
            self.geodata = h.finish();
        }
        let key = digest(&(self.config, self.fronts, self.geodata));
        reuse_or(&mut self.geo, key, diags, |found| {
            Arc::new(Geo::load(root, atlas, found))
        })
    }

    /// Preparing with reuse: prepares the entries whose inputs changed (see
    /// the module docs); `prepare` makes one entry's. Also takes this run's
    /// [`Digests`].
    pub fn prepare(
        &mut self,
        atlas: &Atlas,
        prepare: impl Fn(usize) -> Prepared + Sync,
    ) -> Vec<Arc<Prepared>> {
        let n = atlas.entries.len();
        if !self.enabled {
            return (0..n)
                .into_par_iter()
                .map(|i| Arc::new(prepare(i)))
                .collect();
        }
        let (text, front): (Vec<u64>, Vec<u64>) = atlas
            .entries
            .iter()
            .map(|e| {
                self.parsed
                    .get(&e.path)
                    .map_or((0, 0), |p| (p.text_digest, p.front))
            })
            .unzip();
        let fronts = digest(&front);
        let ids = digest(&atlas.entries.iter().map(|e| &e.id).collect::<Vec<_>>());
        let config = self.config;
        let key = |i: usize, deps: &Deps| {
            // Front digests include the path, so the id.
            let mut h = DefaultHasher::new();
            (config, text[i]).hash(&mut h);
            for &l in &atlas.outgoing[i] {
                let link = &atlas.links[l];
                (link.rel as u8, front[link.to]).hash(&mut h);
            }
            h.write_u8(0xff);
            for &l in &atlas.incoming[i] {
                let link = &atlas.links[l];
                (link.rel as u8, front[link.from]).hash(&mut h);
            }
            h.write_u8(0xff);
            for id in &deps.ids {
                match atlas.index.get(id) {
                    Some(&j) => front[j].hash(&mut h),
                    None => id.hash(&mut h),
                }
            }
            if deps.all_ids {
                ids.hash(&mut h);
            }
            h.finish()
        };
        let old = &self.prepared;
        let done: Vec<(u64, Option<Deps>, Arc<Prepared>)> = atlas
            .entries
            .par_iter()
            .enumerate()
            .map(|(i, e)| match old.get(&e.path) {
                Some((k, deps, p)) if key(i, deps) == *k => (*k, None, p.clone()),
                _ => {
                    let p = prepare(i);
                    let deps = deps_of(&p);
                    (key(i, &deps), Some(deps), Arc::new(p))
                }
            })
            .collect();
        let mut prepared = Vec::with_capacity(n);
        let mut keys = Vec::with_capacity(n);
        for (e, (k, deps, p)) in atlas.entries.iter().zip(done) {
            match deps {
                Some(deps) => {
                    self.stats.prepared += 1;
                    self.prepared.insert(e.path.clone(), (k, deps, p.clone()));
                }
                None => self.stats.prepare_reused += 1,
            }
            keys.push(k);
            prepared.push(p);
        }
        if self.prepared.len() > n {
            let kept: FxHashSet<&str> = atlas.entries.iter().map(|e| e.path.as_str()).collect();
            self.prepared.retain(|path, _| kept.contains(path.as_str()));
        }
        self.digests = Some(Arc::new(Digests {
            config,
            geo: self.geodata,
            front,
            fronts,
            prepared: keys,
        }));
        prepared
    }

    /// Rendering with reuse: renders the pages whose template or key changed;
    /// `key` gives a page's key from the run's digests, `render` renders it.
    pub fn render<P: PlannedPage + Sync>(
        &mut self,
        theme: &Theme,
        pages: &[P],
        key: impl Fn(&P, &Digests) -> u64 + Sync,
        render: impl Fn(&P) -> Result<OutputFile, Diagnostic> + Sync,
    ) -> Vec<Result<OutputFile, Diagnostic>> {
        let Some(d) = self.digests.clone() else {
            return pages.par_iter().map(&render).collect();
        };
        let templates = template_digests(theme);
        let old = &self.pages;
        let results: Vec<(u64, bool, Result<OutputFile, Diagnostic>)> = pages
            .par_iter()
            .map(|page| {
                let template = templates.get(page.template()).copied().unwrap_or(0);
                let k = digest(&(key(page, &d), template, page.template()));
                match old.get(page.path()).filter(|(old, _)| *old == k) {
                    Some((_, bytes)) => (
                        k,
                        true,
                        Ok(OutputFile {
                            path: page.path().to_string(),
                            bytes: bytes.clone(),
                        }),
                    ),
                    None => (k, false, render(page)),
                }
            })
            .collect();
        let mut out = Vec::with_capacity(results.len());
        for (k, reused, result) in results {
            if reused {
                self.stats.render_reused += 1;
            } else {
                self.stats.rendered += 1;
                if let Ok(file) = &result {
                    self.pages
                        .insert(file.path.clone(), (k, file.bytes.clone()));
                }
            }
            out.push(result);
        }
        // Pages no longer made are forgotten now and then.
        if self.pages.len() > 2 * pages.len() + 64 {
            let kept: FxHashSet<&str> = pages.iter().map(|p| p.path()).collect();
            self.pages.retain(|path, _| kept.contains(path.as_str()));
        }
        out
    }

    /// A whole output file, made again only when its key changes (`key`
    /// gives `None` when it cannot tell).
    pub fn memo(
        &mut self,
        path: &str,
        key: impl FnOnce(&Digests) -> Option<u64>,
        make: impl FnOnce() -> Bytes,
    ) -> OutputFile {
        let Some(k) = self.digests.clone().and_then(|d| key(&d)) else {
            return OutputFile {
                path: path.into(),
                bytes: make(),
            };
        };
        let bytes = match self.memo.get(path) {
            Some((old, bytes)) if *old == k => bytes.clone(),
            _ => {
                let bytes = make();
                self.memo.insert(path.into(), (k, bytes.clone()));
                bytes
            }
        };
        OutputFile {
            path: path.into(),
            bytes,
        }
    }

    /// One piece of text per entry of `items` (kept under `name`), each made
    /// again only when its key changes; with a digest of all their keys
    /// (`None` without a cache).
    pub fn pieces(
        &mut self,
        name: &'static str,
        atlas: &Atlas,
        items: &[usize],
        key: impl Fn(usize, &Digests) -> u64 + Sync,
        make: impl Fn(usize) -> String + Sync,
    ) -> (Vec<Arc<str>>, Option<u64>) {
        let Some(d) = self.digests.clone() else {
            return (
                items.par_iter().map(|&i| Arc::from(make(i))).collect(),
                None,
            );
        };
        let old = self.pieces.entry(name).or_default();
        let made: Vec<(u64, Arc<str>, bool)> = items
            .par_iter()
            .map(|&i| {
                let k = key(i, &d);
                match old.get(&atlas.entries[i].path) {
                    Some((o, text)) if *o == k => (k, text.clone(), false),
                    _ => (k, Arc::from(make(i)), true),
                }
            })
            .collect();
        for (&i, (k, text, fresh)) in items.iter().zip(&made) {
            if *fresh {
                old.insert(atlas.entries[i].path.clone(), (*k, text.clone()));
            }
        }
        if old.len() > items.len() {
            let kept: FxHashSet<&str> = items
                .iter()
                .map(|&i| atlas.entries[i].path.as_str())
                .collect();
            old.retain(|path, _| kept.contains(path.as_str()));
        }
        let all = digest(&made.iter().map(|(k, _, _)| *k).collect::<Vec<_>>());
        (made.into_iter().map(|(_, t, _)| t).collect(), Some(all))
    }
}

/// A stage's result kept with the problems it found: the kept one while
/// `key` is the same, else one made by `make` (which reports into its argument).
fn reuse_or<T: Clone>(
    slot: &mut Option<(u64, T, Vec<Diagnostic>)>,
    key: u64,
    diags: &mut Diagnostics,
    make: impl FnOnce(&mut Diagnostics) -> T,
) -> T {
    if let Some((k, kept, found)) = slot.as_ref()
        && *k == key
    {
        diags.extend(found.iter().cloned());
        return kept.clone();
    }
    let mut found = Diagnostics::default();
    let made = make(&mut found);
    let found: Vec<Diagnostic> = found.into_iter().collect();
    diags.extend(found.iter().cloned());
    *slot = Some((key, made.clone(), found));
    made
}

impl Parsed {
    fn clone_with(&self, text: Arc<str>) -> Parsed {
        Parsed {
            text,
            text_digest: self.text_digest,
            front: self.front,
            entry: self.entry.clone(),
            diags: self.diags.clone(),
        }
    }
}

/// The ids a preparation looked up: the sources it cites and the entries its
/// text links to.
fn deps_of(p: &Prepared) -> Deps {
    let mut ids: Vec<String> = p
        .cites
        .iter()
        .map(|(_, _, r)| r.source.clone())
        .chain(p.body.links_to.iter().cloned())
        .collect();
    ids.sort();
    ids.dedup();
    Deps {
        ids,
        all_ids: !p.diags.is_empty(),
    }
}

/// What [`Cache::render`] needs to know of a planned page.
pub trait PlannedPage {
    fn path(&self) -> &str;
    fn template(&self) -> &str;
}

/// A digest of anything hashable.
pub fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A digest of anything serializable, through its JSON form (deterministic
/// for the views: structs, `Vec`s, `BTreeMap`s).
pub fn digest_json<T: serde::Serialize + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    let _ = serde_json::to_writer(HashWriter(&mut h), value);
    h.finish()
}

struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// For each template, a digest of its text and of every template it may
/// use: those it names in quotes (extends, include, import) and those that
/// define a component whose name it mentions. A template that includes or
/// extends a computed name may use any template, so it depends on all.
pub fn template_digests(theme: &Theme) -> HashMap<String, u64> {
    let names: Vec<&str> = theme.templates.keys().map(String::as_str).collect();
    let components: Vec<(&str, String)> = theme
        .templates
        .iter()
        .flat_map(|(name, f)| {
            component_names(&f.text)
                .into_iter()
                .map(move |c| (name.as_str(), c))
        })
        .collect();
    let uses: HashMap<&str, Vec<&str>> = theme
        .templates
        .iter()
        .map(|(name, f)| {
            let text = &f.text;
            let used: Vec<&str> = if names_computed_template(text) {
                names.clone()
            } else {
                names
                    .iter()
                    .copied()
                    .filter(|n| {
                        text.contains(&format!("\"{n}\"")) || text.contains(&format!("'{n}'"))
                    })
                    .chain(
                        components
                            .iter()
                            .filter(|(_, c)| text.contains(c.as_str()))
                            .map(|(n, _)| *n),
                    )
                    .collect()
            };
            (name.as_str(), used)
        })
        .collect();
    names
        .iter()
        .map(|&name| {
            let mut closure = BTreeSet::from([name]);
            let mut todo = vec![name];
            while let Some(t) = todo.pop() {
                for &u in uses.get(t).into_iter().flatten() {
                    if closure.insert(u) {
                        todo.push(u);
                    }
                }
            }
            let mut h = DefaultHasher::new();
            for t in closure {
                (t, &theme.templates[t].text).hash(&mut h);
            }
            (name.to_string(), h.finish())
        })
        .collect()
}

/// The names after `{% component` in a template.
fn component_names(text: &str) -> Vec<String> {
    tags(text)
        .filter_map(|tag| tag.strip_prefix("component"))
        .filter(|rest| rest.starts_with(char::is_whitespace))
        .map(|rest| {
            rest.trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// Whether a template extends, includes or imports a name it computes.
fn names_computed_template(text: &str) -> bool {
    tags(text).any(|tag| {
        ["extends", "include", "import"].iter().any(|kw| {
            tag.strip_prefix(kw).is_some_and(|rest| {
                rest.starts_with(char::is_whitespace)
                    && !rest.trim_start().starts_with(['"', '\'', '['])
            })
        })
    })
}

/// The insides of the `{% ... %}` tags of a template, trimmed.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).filter_map(|rest| {
        let inner = rest.split("%}").next()?;
        Some(inner.trim_matches(|c: char| c == '-' || c.is_whitespace()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_component_names_and_computed_includes() {
        let t = "{% component entry_table(entries: array) %}x{% endcomponent entry_table %}\n{%- component notes_list(n: array) -%}{% endcomponent %}";
        assert_eq!(component_names(t), ["entry_table", "notes_list"]);
        assert!(!names_computed_template("{% extends \"base.html\" %}"));
        assert!(!names_computed_template(
            "{% include ['a.html', 'b.html'] %}"
        ));
        assert!(names_computed_template("{% include page.template %}"));
    }
}
