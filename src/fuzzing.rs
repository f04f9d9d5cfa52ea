//! Entry points for the fuzz targets in `fuzz/` (see README, "Fuzzing"):
//! each hands a text held in memory to a parser that contributors' files
//! reach, through the code the build runs, and returns what the build keeps
//! of it. Not part of atlas's interface: nothing else calls these.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::config::Taxonomies;
use crate::diag::Diagnostic;
use crate::entry::{Entry, Kind, parse_entry};
use crate::geo::{Placed, SITES, Sites, SitesInput};
use crate::graph::{Names, Summary};
use crate::load::SourceFile;
use crate::markdown::{Group, Heading};
use crate::memo::Digested;
use crate::prepare::{PREPARE, PrepareConfig, PrepareInput, REFS};
use crate::theme::{COMPILE, Theme};

/// The path a fuzzed entry file has, as diagnostics name it.
pub const ENTRY_PATH: &str = "content/parks/fuzz.md";

/// The path a fuzzed site file has, as diagnostics name it.
pub const GEO_PATH: &str = "geodata/sites/fuzz.geojson";

/// The front matter [`render`] puts before a fuzzed body.
pub const FRONT: &str = "---\ntitle: Fuzz Park\nsummary: A park.\nupdated: 2024-05-01\n---\n";

/// The entries a fuzzed body may name: (kind, id, title or short reference).
pub const KNOWN: &[(Kind, &str, &str)] = &[
    (Kind::Source, "doe-2020", "Doe 2020"),
    (Kind::Source, "smith-2021", "Smith 2021"),
    (Kind::Park, "p", "Park P"),
    (Kind::Park, "q", "Park Q"),
    (Kind::Program, "torch-program", "Torch Program"),
];

/// The heading ids of entry `q`, which `(@q#fragment)` links may name.
pub const Q_ANCHORS: &[&str] = &["history", "中关村历史"];

/// The file of `kind` at `path` holding `text`, as the loader hands it on.
pub fn source_file(path: &str, kind: Kind, text: &str) -> SourceFile {
    let id = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".md")
        .to_string();
    SourceFile {
        path: path.to_string(),
        kind,
        id,
        text: Digested::text(Arc::from(text)),
        stamp: (text.len() as u64, None),
    }
}

/// An entry file of `kind` split and parsed as the build parses every file
/// in `content/` ([`parse_entry`], with open vocabularies).
pub fn front_matter(kind: Kind, text: &str) -> (Option<Entry>, Vec<Diagnostic>) {
    let path = format!("content/{}/fuzz.md", kind.folder());
    parse_entry(&source_file(&path, kind, text), &Taxonomies::default())
}

/// `text` with every citation group masked as the renderer masks it before
/// pulldown-cmark reads it (each group a placeholder of the same length).
pub fn mask(text: &str, groups: &[Group]) -> String {
    crate::markdown::mask(text, groups)
}

/// What the build keeps of a rendered body: the HTML of the text and of
/// each note, the headings, and every diagnostic.
#[derive(Debug)]
pub struct Rendered {
    /// The whole entry file: [`FRONT`] and the body.
    pub file: String,
    /// Where the body is in `file`.
    pub body: Range<usize>,
    pub html: String,
    /// (number, HTML) of each note, as the notes list shows them.
    pub notes: Vec<(usize, String)>,
    pub headings: Vec<Heading>,
    /// The words, for search.
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The ids the page has before the body adds any (the theme's).
    pub reserved: BTreeSet<String>,
}

/// The settings the build prepares entries with: the built-in theme's
/// reserved ids and site files, `index.html` links, no raw HTML.
fn config() -> &'static Digested<PrepareConfig> {
    static CONFIG: OnceLock<Digested<PrepareConfig>> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let theme = Theme::built_in().expect("the built-in theme loads");
        let compiled = (COMPILE.make)(&Digested::new(theme)).expect("the built-in theme compiles");
        Digested::new(PrepareConfig {
            index_html: true,
            allow_html: false,
            labels: Taxonomies::default(),
            reserved: compiled.reserved_ids.clone(),
            files: crate::pages::site_files(&compiled),
        })
    })
}

/// `body` as the body of a park (after [`FRONT`]), prepared as the build
/// prepares every entry ([`PREPARE`]): the ids it names looked up among
/// [`KNOWN`] (by [`REFS`], as the build does), its Markdown rendered, its
/// notes numbered and written.
pub fn render(body: &str) -> Rendered {
    let file = format!("{FRONT}{body}");
    let (entry, mut diagnostics) = front_matter(Kind::Park, &file);
    let config = config();
    let Some(entry) = entry else {
        return Rendered {
            body: file.len()..file.len(),
            file,
            html: String::new(),
            notes: Vec::new(),
            headings: Vec::new(),
            text: String::new(),
            diagnostics,
            reserved: config.reserved.clone(),
        };
    };
    let summary = |id: &str| {
        KNOWN
            .iter()
            .find(|(_, k, _)| *k == id)
            .map(|&(kind, id, title)| {
                Digested::new(Summary {
                    id: id.to_string(),
                    kind,
                    title: title.to_string(),
                    short: if kind == Kind::Source {
                        title.to_string()
                    } else {
                        String::new()
                    },
                    url_path: crate::entry::url_path(kind, id),
                })
            })
    };
    let refs = (REFS.make)(&entry);
    let found: Vec<(String, Option<Digested<Summary>>)> = refs
        .ids
        .iter()
        .map(|id| (id.clone(), summary(id)))
        .collect();
    let names = found.iter().any(|(_, s)| s.is_none()).then(|| {
        Digested::new(Names(
            KNOWN
                .iter()
                .map(|&(kind, id, _)| (id.to_string(), kind))
                .collect(),
        ))
    });
    let anchors = refs
        .fragments
        .iter()
        .filter(|id| *id == "q")
        .map(|id| {
            let ids: Vec<String> = Q_ANCHORS.iter().map(|s| s.to_string()).collect();
            (id.clone(), Digested::new(ids))
        })
        .collect();
    let body = entry.body.clone();
    let input = PrepareInput {
        entry,
        config: config.clone(),
        found,
        names,
        anchors,
        relations: Vec::new(),
    };
    let mut prepared = (PREPARE.make)(&input);
    diagnostics.extend(prepared.brief.diags.iter().cloned());
    Rendered {
        file,
        body,
        html: std::mem::take(&mut prepared.body.html),
        notes: prepared
            .notes
            .iter()
            .map(|n| (n.number, n.html.clone()))
            .collect(),
        headings: std::mem::take(&mut prepared.body.headings),
        text: prepared.brief.text.clone(),
        diagnostics,
        reserved: config.reserved.clone(),
    }
}

/// A site file read and joined to the entries `placed` as the build reads
/// every file in `geodata/sites/` ([`SITES`]).
pub fn sites(text: &str, placed: Placed) -> Sites {
    let input = SitesInput {
        files: vec![(GEO_PATH.to_string(), Digested::text(Arc::from(text)))],
        placed: Digested::new(placed),
    };
    (SITES.make)(&input)
}
