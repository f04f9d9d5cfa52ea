//! Step 4: an entry's Markdown body -> HTML, as one pass over pulldown-cmark's
//! events with their source offsets:
//!
//! 1. `[@id, locator]` (a "broken" reference link to pulldown-cmark) becomes a
//!    numbered note reference; the group is parsed from the source text so
//!    every problem has an exact position.
//! 2. `[text](@id)` becomes a relative link to that entry, checked.
//! 3. `[^label]` footnotes join the same numbered notes.
//! 4. Headings get ids and anchor links; code blocks are highlighted into
//!    CSS classes; raw HTML is escaped unless allowed; `javascript:` links
//!    are dropped.

use std::collections::HashSet;
use std::fmt::Write as _;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html,
};

use crate::cite::{CiteRef, Notes, parse_group};
use crate::diag::Diagnostic;
use crate::entry::{Entry, Kind};
use crate::graph::Summary;
use crate::highlight;

/// What the page needs from a rendered body.
#[derive(Debug, Default)]
pub struct Body {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The text, for search (see [`SEARCH_TEXT_CHARS`]).
    pub text: String,
    pub paragraphs: usize,
    pub cited_paragraphs: usize,
    /// Editorial notes (`> [!NOTE]` blocks) in the text.
    pub editorial_notes: usize,
    /// Every citation in the text, for "cited by" lists.
    pub cites: Vec<(usize, CiteRef)>,
    /// The ids of the entries the text links to with `(@id)`.
    pub links_to: Vec<String>,
}

#[derive(Debug, Clone, Hash, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// What a text may know of other entries: those it names, looked up before
/// it is rendered.
pub trait Resolve {
    /// The entry `id`, if there is one.
    fn summary(&self, id: &str) -> Option<&Summary>;
    /// The closest existing id (of `kind`, if given), for "did you mean".
    fn closest(&self, id: &str, kind: Option<Kind>) -> Option<&str>;
}

/// How links are written from the page the body appears on.
pub struct Links<'a> {
    pub resolve: &'a dyn Resolve,
    /// Relative prefix from the page to the site root (`../../`).
    pub root: &'a str,
    pub index_html: bool,
    pub allow_html: bool,
}

impl Links<'_> {
    /// A relative link to a site folder (`parks/x/`).
    pub fn href(&self, url_path: &str) -> String {
        href(self.root, url_path, self.index_html)
    }
}

/// A relative link from a page at `root` to the site folder `url_path`.
pub fn href(root: &str, url_path: &str, index_html: bool) -> String {
    let mut s = format!("{root}{url_path}");
    if index_html && (s.is_empty() || s.ends_with('/')) {
        s.push_str("index.html");
    } else if s.is_empty() {
        s.push_str("./");
    }
    s
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_SMART_PUNCTUATION)
    .union(Options::ENABLE_HEADING_ATTRIBUTES)
    .union(Options::ENABLE_GFM);

/// The prefix of the placeholder URL given to citation groups.
const CITE_URL: &str = "atlas-cite:";

/// Renders the body of `entry`, adding its notes to `notes`.
pub fn render_body(
    entry: &Entry,
    notes: &mut Notes,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let text = entry.body_text();
    let base = entry.body.start;
    let mut cb = |link: pulldown_cmark::BrokenLink<'_>| {
        link.reference
            .trim_start()
            .starts_with('@')
            .then(|| (CowStr::from(CITE_URL), CowStr::from("")))
    };
    let parser = Parser::new_with_broken_link_callback(text, OPTIONS, Some(&mut cb));
    let mut r = Renderer {
        entry,
        links,
        notes,
        diags,
        base,
        body: Body::default(),
        out: Vec::new(),
        used_ids: HashSet::new(),
        para_cited: None,
        defined: Vec::new(),
    };
    let events: Vec<(Event, std::ops::Range<usize>)> = parser.into_offset_iter().collect();
    r.run(events);
    r.check_footnotes();
    let Renderer { mut body, out, .. } = r;
    body.text = plain_text(&out, SEARCH_TEXT_CHARS);
    html::push_html(&mut body.html, out.into_iter());
    body
}

/// How much of a body's text the search index keeps, in characters (so
/// Chinese text is kept as long as English).
pub const SEARCH_TEXT_CHARS: usize = 1200;

/// The words of rendered events, for search: text and inline code, with a
/// space between blocks; note marks, code blocks and raw HTML left out; at
/// most `max` characters.
fn plain_text(events: &[Event], max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut space = false;
    for e in events {
        let text: &str = match e {
            Event::Text(t) | Event::Code(t) => t,
            Event::SoftBreak | Event::HardBreak | Event::End(_) | Event::Start(_) => {
                space = true;
                continue;
            }
            _ => continue,
        };
        for word in text.split_whitespace() {
            if space && !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            for c in word.chars() {
                if chars >= max {
                    return out;
                }
                out.push(c);
                chars += 1;
            }
            space = true;
        }
        if !text.ends_with(char::is_whitespace) {
            space = false;
        }
    }
    out
}

struct Renderer<'a, 'b> {
    entry: &'a Entry,
    links: &'a Links<'b>,
    notes: &'a mut Notes,
    diags: &'a mut Vec<Diagnostic>,
    base: usize,
    body: Body,
    out: Vec<Event<'a>>,
    used_ids: HashSet<String>,
    /// Inside a paragraph: whether it has a citation yet.
    para_cited: Option<bool>,
    /// Footnote labels defined, with their offsets.
    defined: Vec<(String, usize)>,
}

impl<'a> Renderer<'a, '_> {
    fn error(&mut self, range: std::ops::Range<usize>, message: String) -> Diagnostic {
        let abs = self.base + range.start..self.base + range.end;
        Diagnostic::error(message).at(self.entry.path(), &self.entry.text, abs)
    }

    fn run(&mut self, events: Vec<(Event<'a>, std::ops::Range<usize>)>) {
        let mut iter = events.into_iter();
        while let Some((event, range)) = iter.next() {
            match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let inner = collect_until_end(&mut iter);
                    self.link(link_type, dest_url, title, id, inner, range);
                }
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let inner = collect_until_end(&mut iter);
                    self.heading(level, id, classes, attrs, inner);
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let inner = collect_until_end(&mut iter);
                    let code: String = inner
                        .into_iter()
                        .filter_map(|(e, _)| match e {
                            Event::Text(t) => Some(t.into_string()),
                            _ => None,
                        })
                        .collect();
                    let lang = match &kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                        CodeBlockKind::Indented => "",
                    };
                    self.out
                        .push(Event::Html(highlight::code_block(&code, lang).into()));
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let inner = collect_until_end(&mut iter);
                    self.atlas_note(kind, inner);
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let inner = collect_until_end(&mut iter);
                    self.footnote_definition(label.into_string(), inner, range);
                }
                Event::FootnoteReference(label) => {
                    self.mark_cited();
                    self.trim_space_before_note();
                    let (n, anchor) = self.notes.footnote(&label);
                    self.out.push(note_ref(n, &anchor));
                    if !self.defined.iter().any(|(l, _)| *l == *label) {
                        self.defined.push((format!("?{label}"), range.start));
                    }
                }
                Event::Start(Tag::Paragraph) => {
                    self.para_cited = Some(false);
                    self.out.push(Event::Start(Tag::Paragraph));
                }
                Event::End(TagEnd::Paragraph) => {
                    if let Some(cited) = self.para_cited.take() {
                        self.body.paragraphs += 1;
                        self.body.cited_paragraphs += usize::from(cited);
                    }
                    self.out.push(Event::End(TagEnd::Paragraph));
                }
                Event::Html(raw) | Event::InlineHtml(raw) if !self.links.allow_html => {
                    self.out.push(Event::Text(raw));
                }
                other => self.out.push(other),
            }
        }
    }

    /// Drops the space between a word and its note mark, as `word [@x]` is
    /// usually written but `word¹` is how it reads.
    fn trim_space_before_note(&mut self) {
        if matches!(self.out.last(), Some(Event::SoftBreak)) {
            self.out.pop();
        }
        if let Some(Event::Text(t)) = self.out.last_mut()
            && t.ends_with(char::is_whitespace)
        {
            *t = CowStr::from(t.trim_end().to_string());
        }
    }

    fn mark_cited(&mut self) {
        if let Some(c) = self.para_cited.as_mut() {
            *c = true;
        }
    }

    fn link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        inner: Vec<(Event<'a>, std::ops::Range<usize>)>,
        range: std::ops::Range<usize>,
    ) {
        if dest.as_ref() == CITE_URL {
            self.citation(range);
            return;
        }
        let dest_str = dest.trim();
        let scheme: String = dest_str
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .take(11)
            .collect::<String>()
            .to_ascii_lowercase();
        if ["javascript:", "vbscript:", "data:"]
            .iter()
            .any(|s| scheme.starts_with(s))
        {
            let d = self
                .error(range, "unsafe link dropped".into())
                .label("script URLs are not allowed")
                .hint("link to a web page or an entry id (`[text](@id)`)");
            self.diags.push(Diagnostic {
                severity: crate::diag::Severity::Warning,
                ..d
            });
            self.push_inner(inner);
            return;
        }
        let dest = match dest_str.strip_prefix('@') {
            Some(target) => match self.internal_link(target, range) {
                Some(url) => CowStr::from(url),
                None => {
                    self.push_inner(inner);
                    return;
                }
            },
            None => dest,
        };
        self.out.push(Event::Start(Tag::Link {
            link_type,
            dest_url: dest,
            title,
            id,
        }));
        self.push_inner(inner);
        self.out.push(Event::End(TagEnd::Link));
    }

    fn push_inner(&mut self, inner: Vec<(Event<'a>, std::ops::Range<usize>)>) {
        for (e, _) in inner {
            match e {
                Event::Html(raw) | Event::InlineHtml(raw) if !self.links.allow_html => {
                    self.out.push(Event::Text(raw))
                }
                e => self.out.push(e),
            }
        }
    }

    /// `@id` or `@id#anchor` -> a relative URL, or an error.
    fn internal_link(&mut self, target: &str, range: std::ops::Range<usize>) -> Option<String> {
        let (id, anchor) = target
            .split_once('#')
            .map_or((target, None), |(i, a)| (i, Some(a)));
        let resolve = self.links.resolve;
        let Some(entry) = resolve.summary(id) else {
            let text = &self.entry.text[self.base + range.start..self.base + range.end];
            let at = text.find(id).map_or(range.clone(), |i| {
                range.start + i..range.start + i + id.len()
            });
            let mut d = self
                .error(at, format!("link to unknown id `{id}`"))
                .label("no entry with this id");
            if let Some(close) = resolve.closest(id, None) {
                d = d.hint(format!("did you mean `{close}`?"));
            }
            self.diags.push(d);
            return None;
        };
        self.body.links_to.push(id.to_string());
        let mut url = self.links.href(&entry.url_path);
        if let Some(a) = anchor {
            url.push('#');
            url.push_str(a);
        }
        Some(url)
    }

    fn citation(&mut self, range: std::ops::Range<usize>) {
        let raw = &self.entry.text[self.base + range.start..self.base + range.end];
        let inner = raw.trim_start_matches('[').trim_end_matches(']');
        let inner_start = self.base + range.start + (raw.len() - raw.trim_start_matches('[').len());
        let refs = match parse_group(inner, inner_start, true) {
            Ok(refs) => refs,
            Err(e) => {
                let d = Diagnostic::error(format!("malformed citation: {}", e.message))
                    .at(self.entry.path(), &self.entry.text, e.span)
                    .hint(e.hint);
                self.diags.push(d);
                self.out.push(Event::Text(CowStr::from(raw.to_string())));
                return;
            }
        };
        let refs = check_sources(
            (self.entry.path(), &self.entry.text),
            self.links.resolve,
            refs,
            self.diags,
        );
        if refs.is_empty() {
            self.out.push(Event::Text(CowStr::from(raw.to_string())));
            return;
        }
        self.mark_cited();
        self.trim_space_before_note();
        let (n, anchor) = self.notes.cite(refs.clone());
        self.body.cites.extend(refs.into_iter().map(|r| (n, r)));
        self.out.push(note_ref(n, &anchor));
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        inner: Vec<(Event<'a>, std::ops::Range<usize>)>,
    ) {
        let plain: String = inner
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let wanted = id
            .map(|i| i.into_string())
            .unwrap_or_else(|| slugify(&plain));
        let mut unique = wanted.clone();
        let mut n = 1;
        while !self.used_ids.insert(unique.clone()) {
            unique = format!("{wanted}-{n}");
            n += 1;
        }
        let lvl = level as u8;
        let mut inner_html = String::new();
        let mut inner_events = Vec::new();
        std::mem::swap(&mut self.out, &mut inner_events);
        self.push_inner(inner);
        std::mem::swap(&mut self.out, &mut inner_events);
        html::push_html(&mut inner_html, inner_events.into_iter());
        let mut tag = format!("<h{lvl} id=\"{}\"", escape_attr(&unique));
        if !classes.is_empty() {
            let c: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            let _ = write!(tag, " class=\"{}\"", escape_attr(&c.join(" ")));
        }
        for (k, v) in &attrs {
            let _ = write!(
                tag,
                " {}=\"{}\"",
                escape_attr(k),
                escape_attr(v.as_deref().unwrap_or(""))
            );
        }
        let _ = write!(
            tag,
            ">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{lvl}>",
            id = escape_attr(&unique)
        );
        tag.push('\n');
        self.out.push(Event::Html(tag.into()));
        self.body.headings.push(Heading {
            level: lvl,
            id: unique,
            text: plain,
        });
    }

    /// A GitHub-style alert (`> [!NOTE]`): the atlas's own editorial note.
    /// Its paragraphs speak in the atlas's voice, so coverage does not count
    /// them as claims (they may still cite).
    fn atlas_note(
        &mut self,
        kind: pulldown_cmark::BlockQuoteKind,
        inner: Vec<(Event<'a>, std::ops::Range<usize>)>,
    ) {
        use pulldown_cmark::BlockQuoteKind as K;
        let label = match kind {
            K::Note => "Atlas note",
            K::Tip => "Atlas tip",
            K::Important => "Important (atlas note)",
            K::Warning => "Warning (atlas note)",
            K::Caution => "Caution (atlas note)",
        };
        let counted = (self.body.paragraphs, self.body.cited_paragraphs);
        self.out.push(Event::Html(
            format!("<aside class=\"atlas-note\" role=\"note\"><p class=\"atlas-note-label\">{label}</p>\n").into(),
        ));
        self.run(inner);
        self.out.push(Event::Html("</aside>\n".into()));
        self.body.paragraphs = counted.0;
        self.body.cited_paragraphs = counted.1;
        self.body.editorial_notes += 1;
    }

    fn footnote_definition(
        &mut self,
        label: String,
        inner: Vec<(Event<'a>, std::ops::Range<usize>)>,
        range: std::ops::Range<usize>,
    ) {
        let mut sub = Vec::new();
        std::mem::swap(&mut self.out, &mut sub);
        let saved = self.para_cited.take();
        // Paragraphs inside a note are not counted for coverage.
        let counted = (self.body.paragraphs, self.body.cited_paragraphs);
        self.run(inner);
        self.body.paragraphs = counted.0;
        self.body.cited_paragraphs = counted.1;
        self.para_cited = saved;
        std::mem::swap(&mut self.out, &mut sub);
        let mut html_out = String::new();
        html::push_html(&mut html_out, sub.into_iter());
        if !self.notes.define_footnote(&label, html_out) {
            let d = self
                .error(
                    range.start..range.start + label.len() + 4,
                    format!("footnote `{label}` is never referred to"),
                )
                .hint(format!("refer to it with `[^{label}]` or remove it"));
            self.diags.push(Diagnostic {
                severity: crate::diag::Severity::Warning,
                ..d
            });
        }
        self.defined.push((label, range.start));
    }

    fn check_footnotes(&mut self) {
        let defined: HashSet<&str> = self
            .defined
            .iter()
            .filter(|(l, _)| !l.starts_with('?'))
            .map(|(l, _)| l.as_str())
            .collect();
        let missing: Vec<(String, usize)> = self
            .defined
            .iter()
            .filter(|(l, _)| l.starts_with('?') && !defined.contains(&l[1..]))
            .cloned()
            .collect();
        for (label, at) in missing {
            let label = &label[1..];
            let d = self
                .error(
                    at..at + label.len() + 3,
                    format!("footnote `{label}` is not defined"),
                )
                .hint(format!("add `[^{label}]: ...` on a line of its own"));
            self.diags.push(d);
        }
    }
}

/// Reports unknown sources and citations without locators; returns the refs to keep.
pub fn check_sources(
    (path, text): (&str, &str),
    resolve: &dyn Resolve,
    refs: Vec<CiteRef>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<CiteRef> {
    let mut keep = Vec::new();
    for r in refs {
        let known = resolve
            .summary(&r.source)
            .is_some_and(|e| e.kind == Kind::Source);
        if !known {
            let mut d = Diagnostic::error(format!("unknown source `{}`", r.source))
                .at(path, text, r.id_span.clone())
                .label("no source with this id");
            d = match resolve.closest(&r.source, Some(Kind::Source)) {
                Some(close) => d.hint(format!("did you mean `{close}`?")),
                None => d.hint("sources are the files in content/sources/"),
            };
            diags.push(d);
            continue;
        }
        if r.locator.is_empty() {
            diags.push(
                Diagnostic::warning(format!("citation of `{}` has no locator", r.source))
                    .at(path, text, r.id_span.clone())
                    .hint(format!(
                        "say where in the source: `{}, §3`, `Box 4`, `Table 1`, `fn 12`",
                        r.source
                    )),
            );
        }
        keep.push(r);
    }
    keep
}

fn note_ref<'a>(n: usize, anchor: &str) -> Event<'a> {
    Event::Html(
        format!("<sup class=\"note-ref\"><a href=\"#note-{n}\" id=\"{anchor}\" data-note=\"{n}\">{n}</a></sup>").into(),
    )
}

/// Collects the events up to the end of the element just started (which is
/// consumed but not returned).
fn collect_until_end<'a>(
    iter: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
) -> Vec<(Event<'a>, std::ops::Range<usize>)> {
    let mut depth = 1;
    let mut out = Vec::new();
    for (e, r) in iter.by_ref() {
        match &e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        out.push((e, r));
    }
    out
}

/// Heading text -> an id: lowercase words joined by hyphens, keeping non-ASCII letters.
pub fn slugify(text: &str) -> String {
    let slug = crate::load::hyphenate(text, char::is_alphanumeric);
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}

pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
