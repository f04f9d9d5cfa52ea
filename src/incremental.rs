//! Incremental rebuilds, for `atlas serve`: what a run may reuse from the
//! run before it.
//!
//! Every stage of the pipeline still runs on every rebuild; a [`Cache`]
//! threaded through [`crate::run_with`] only skips work whose inputs have not
//! changed, so the result equals a full build byte for byte. It keeps:
//!
//! 1. parsed entries, by file path, valid while the file's text and the
//!    config are the same;
//! 2. prepared entries (fact box, body, relations, notes), valid while the
//!    entry's text and everything else [`render`](crate::render) reads to
//!    prepare it are the same: the config and every entry's path, id, kind and
//!    front matter. Preparing an entry never reads another entry's body, so
//!    editing one entry's text re-prepares only that entry;
//! 3. rendered pages, by output path, valid while the page's template digest
//!    (the template with every template it extends, includes or takes
//!    components from) and its context digest (taken while the page is
//!    planned, see [`PageContext`]) are the same. So an edit re-renders the
//!    pages that show what changed, and a template edit the pages that use
//!    the template.
//!
//! [`Cache::off`], which a plain build uses, stores nothing and takes no
//! digests.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::entry::{Entry, parse_entry};
use crate::graph::Atlas;
use crate::load::SourceFile;
use crate::render::{OutputFile, Prepared, Theme};

/// What a run reused and what it redid.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub parsed: usize,
    pub parse_reused: usize,
    pub prepared: usize,
    pub prepare_reused: usize,
    pub rendered: usize,
    pub render_reused: usize,
}

/// What parsing one file gives.
type ParseResult = (Option<Entry>, Vec<Diagnostic>);

struct Parsed {
    text: u64,
    entry: Option<Entry>,
    diags: Vec<Diagnostic>,
}

/// Results of the previous run, each with the digest of its inputs.
#[derive(Default)]
pub struct Cache {
    enabled: bool,
    config: u64,
    parsed: HashMap<String, Parsed>,
    prepared: HashMap<String, (u64, Prepared)>,
    /// The keys of the current run's prepared entries, in atlas order.
    prepared_keys: Vec<(String, u64)>,
    pages: HashMap<String, (u64, Vec<u8>)>,
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

    /// Parsing with reuse: parses the files whose text (or the config) changed.
    pub fn parse(
        &mut self,
        files: &[SourceFile],
        config: &Config,
    ) -> Vec<(Option<Entry>, Vec<Diagnostic>)> {
        if !self.enabled {
            return files.par_iter().map(|f| parse_entry(f, config)).collect();
        }
        self.stats = Stats::default();
        let config_digest = digest(&format!("{config:?}"));
        if config_digest != self.config {
            self.parsed.clear();
            self.config = config_digest;
        }
        let results: Vec<(u64, Option<ParseResult>)> = files
            .par_iter()
            .map(|f| {
                let text = digest(&*f.text);
                let cached = self.parsed.get(&f.path).filter(|p| p.text == text);
                (text, cached.map(|p| (p.entry.clone(), p.diags.clone())))
            })
            .collect();
        let fresh: Vec<ParseResult> = files
            .par_iter()
            .zip(&results)
            .filter(|(_, (_, cached))| cached.is_none())
            .map(|(f, _)| parse_entry(f, config))
            .collect();
        self.stats.parsed = fresh.len();
        self.stats.parse_reused = files.len() - fresh.len();
        let mut fresh = fresh.into_iter();
        let mut out = Vec::with_capacity(files.len());
        let mut parsed = HashMap::with_capacity(files.len());
        for (f, (text, cached)) in files.iter().zip(results) {
            let (entry, diags) = match cached {
                Some(c) => c,
                None => fresh.next().expect("one fresh result per miss"),
            };
            parsed.insert(
                f.path.clone(),
                Parsed {
                    text,
                    entry: entry.clone(),
                    diags: diags.clone(),
                },
            );
            out.push((entry, diags));
        }
        self.parsed = parsed;
        out
    }

    /// Preparing with reuse: prepares the entries whose inputs changed (see
    /// the module docs); `prepare` makes one entry's.
    pub fn prepare(
        &mut self,
        atlas: &Atlas,
        config: &Config,
        prepare: impl Fn(usize) -> Prepared + Sync,
    ) -> Vec<Prepared> {
        let n = atlas.entries.len();
        if !self.enabled {
            return (0..n).into_par_iter().map(&prepare).collect();
        }
        let mut skeleton = DefaultHasher::new();
        format!("{config:?}").hash(&mut skeleton);
        for e in &atlas.entries {
            (&e.path, &e.id, e.kind, &e.text[..e.body.start]).hash(&mut skeleton);
        }
        let skeleton = skeleton.finish();
        self.prepared_keys = atlas
            .entries
            .par_iter()
            .map(|e| (e.path.clone(), digest(&(skeleton, &*e.text))))
            .collect();
        let mut slots: Vec<Option<Prepared>> = self
            .prepared_keys
            .iter()
            .map(|(path, key)| match self.prepared.remove(path) {
                Some((k, p)) if k == *key => Some(p),
                _ => None,
            })
            .collect();
        self.prepared.clear();
        self.stats.prepare_reused = slots.iter().filter(|s| s.is_some()).count();
        self.stats.prepared = n - self.stats.prepare_reused;
        slots.par_iter_mut().enumerate().for_each(|(i, slot)| {
            if slot.is_none() {
                *slot = Some(prepare(i));
            }
        });
        slots
            .into_iter()
            .map(|s| s.expect("every slot is filled"))
            .collect()
    }

    /// Keeps this run's prepared entries for the next run.
    pub fn keep_prepared(&mut self, prepared: Vec<Prepared>) {
        if !self.enabled {
            return;
        }
        let keys = std::mem::take(&mut self.prepared_keys);
        self.prepared = keys
            .into_iter()
            .zip(prepared)
            .map(|((path, key), p)| (path, (key, p)))
            .collect();
    }

    /// Rendering with reuse: renders the pages whose template or context
    /// changed; `render` renders one page.
    pub fn render<P: PlannedPage + Sync>(
        &mut self,
        theme: &Theme,
        pages: &[P],
        render: impl Fn(&P) -> Result<OutputFile, Diagnostic> + Sync,
    ) -> Vec<Result<OutputFile, Diagnostic>> {
        if !self.enabled {
            return pages.par_iter().map(&render).collect();
        }
        let templates = template_digests(theme);
        let keys: Vec<Option<u64>> = pages
            .iter()
            .map(|p| {
                let template = templates.get(p.template()).copied().unwrap_or(0);
                p.digest().map(|d| digest(&(d, template, p.template())))
            })
            .collect();
        let results: Vec<(bool, Result<OutputFile, Diagnostic>)> = pages
            .par_iter()
            .zip(&keys)
            .map(|(page, key)| {
                let cached = self
                    .pages
                    .get(page.path())
                    .filter(|(k, _)| Some(*k) == *key);
                match cached {
                    Some((_, bytes)) => (
                        true,
                        Ok(OutputFile {
                            path: page.path().to_string(),
                            bytes: bytes.clone(),
                        }),
                    ),
                    None => (false, render(page)),
                }
            })
            .collect();
        let mut kept = HashMap::with_capacity(pages.len());
        let mut out = Vec::with_capacity(results.len());
        for (((reused, result), key), page) in results.into_iter().zip(keys).zip(pages) {
            if reused {
                self.stats.render_reused += 1;
                if let Some(old) = self.pages.remove(page.path()) {
                    kept.insert(page.path().to_string(), old);
                }
            } else {
                self.stats.rendered += 1;
                if let (Some(key), Ok(file)) = (key, &result) {
                    kept.insert(file.path.clone(), (key, file.bytes.clone()));
                }
            }
            out.push(result);
        }
        self.pages = kept;
        out
    }
}

/// What [`Cache::render`] needs to know of a planned page.
pub trait PlannedPage {
    fn path(&self) -> &str;
    fn template(&self) -> &str;
    /// The digest of the page's context, if one was taken.
    fn digest(&self) -> Option<u64>;
}

/// A page's Tera context as it is planned, with a digest of everything put
/// into it (when the run keeps a cache). Values are serialized to JSON for the
/// digest: deterministic for the views (structs, `Vec`s, `BTreeMap`s), so equal
/// digests mean equal contexts.
pub struct PageContext {
    context: tera::Context,
    hasher: Option<DefaultHasher>,
}

impl PageContext {
    /// A context; `digest` says whether to take a digest.
    pub fn new(digest: bool) -> PageContext {
        PageContext {
            context: tera::Context::new(),
            hasher: digest.then(DefaultHasher::new),
        }
    }

    /// Inserts `value` under `key`, as [`tera::Context::insert`].
    pub fn insert<S, T>(&mut self, key: S, value: &T)
    where
        S: Into<std::borrow::Cow<'static, str>>,
        T: Serialize + ?Sized,
    {
        let key = key.into();
        if let Some(h) = &mut self.hasher {
            key.hash(h);
            // A value that cannot be serialized makes the digest unusable.
            if serde_json::to_writer(HashWriter(h), value).is_err() {
                self.hasher = None;
            }
        }
        self.context.insert(key, value);
    }

    /// The context and its digest.
    pub fn finish(self) -> (tera::Context, Option<u64>) {
        (self.context, self.hasher.map(|h| h.finish()))
    }
}

struct HashWriter<'a>(&'a mut DefaultHasher);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
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

    #[test]
    fn context_digest_follows_values() {
        let digest_of = |v: &[u32]| {
            let mut c = PageContext::new(true);
            c.insert("root", "../");
            c.insert("list", v);
            c.finish().1.unwrap()
        };
        assert_eq!(digest_of(&[1, 2]), digest_of(&[1, 2]));
        assert_ne!(digest_of(&[1, 2]), digest_of(&[2, 1]));
        assert!(PageContext::new(false).finish().1.is_none());
    }
}
