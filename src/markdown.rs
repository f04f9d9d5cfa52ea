//! An entry's Markdown body -> HTML, in one pass over pulldown-cmark's
//! events with their source offsets. The renderer writes the HTML itself,
//! so whatever the Markdown context (paragraph, heading, table cell, list
//! item, block quote, footnote, link text):
//!
//! 1. citations `[@id, locator]` are found in the source first
//!    ([`scan_citations`]) and stand in the text as placeholders pulldown-cmark
//!    leaves alone, so they become numbered notes wherever text can stand,
//!    and malformed or nested ones are located errors;
//! 2. every link and image target goes through [`html::classify`]: `(@id)`
//!    links are checked (with their `#fragment`), same-page `#fragment`s
//!    too, script and other schemes are dropped, root-relative paths and
//!    files the site does not have are reported;
//! 3. every id comes from one allocator per page ([`Ids`]), which knows the
//!    ids the theme writes and those of the notes, so headings never
//!    collide with them or with each other; heading attribute syntax gives
//!    only an id and classes;
//! 4. footnotes may be defined anywhere; a reference to an undefined one,
//!    a definition nobody refers to, and a second definition of a label are
//!    reported;
//! 5. code blocks are highlighted; raw HTML is escaped unless allowed;
//!    GitHub-style alerts (`> [!NOTE]`) are the atlas's own notes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser,
    Tag, TagEnd,
};

use crate::cite::{CiteRef, Notes, parse_group};
use crate::diag::{Diagnostic, Severity};
use crate::entry::{Entry, Kind};
use crate::graph::Summary;
use crate::highlight;
use crate::html::{self, Target};

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

/// How much of a body's text the search index keeps, in characters (so
/// Chinese text is kept as long as English).
pub const SEARCH_TEXT_CHARS: usize = 1200;

/// What a text may know of other entries: those it names, looked up before
/// it is rendered.
pub trait Resolve {
    /// The entry `id`, if there is one.
    fn summary(&self, id: &str) -> Option<&Summary>;
    /// The closest existing id (of `kind`, if given), for "did you mean".
    fn closest(&self, id: &str, kind: Option<Kind>) -> Option<&str>;
    /// The heading ids of entry `id`'s page, if the text links into it with
    /// a `#fragment`.
    fn anchors(&self, id: &str) -> Option<&[String]>;
}

/// How links are written from the page the body appears on, and what the
/// page around the body holds.
pub struct Links<'a> {
    pub resolve: &'a dyn Resolve,
    /// Relative prefix from the page to the site root (`../../`).
    pub root: &'a str,
    pub index_html: bool,
    pub allow_html: bool,
    /// Ids the theme's templates write, which headings must not take.
    pub reserved: &'a BTreeSet<String>,
    /// The site's files other than pages (`static/style.css`,
    /// `data/atlas.json`), which relative links may name.
    pub files: &'a BTreeSet<String>,
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

pub const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_SMART_PUNCTUATION)
    .union(Options::ENABLE_HEADING_ATTRIBUTES)
    .union(Options::ENABLE_GFM);

/// A citation group found in the source: `[@a, §1; @b, Box 2]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Byte range of the whole group, brackets included, in the text scanned.
    pub range: Range<usize>,
}

/// A malformed group: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupError {
    pub range: Range<usize>,
    pub message: &'static str,
    pub hint: &'static str,
    /// Not an error: a link's text that looks like a citation (published
    /// as the link's words).
    pub warn: bool,
}

/// The first placeholder character: group `k` stands in the text as the
/// character `PLACEHOLDER + k` (from Unicode's supplementary private use
/// area, which no text of ours holds) followed by ASCII `x`s up to the
/// group's length, so every offset in the text stays as it was.
const PLACEHOLDER: u32 = 0xF0000;
/// The most citation groups one text may hold.
pub const MAX_GROUPS: usize = 0xFFFD;
/// The shortest citation group: as long as its placeholder character
/// (`[@a]`); `[@]` is an error.
const MIN_GROUP: usize = 4;
/// What stands in the masked text for a placeholder character the author
/// wrote (an error, see [`reserved_chars`]): as many bytes, and no placeholder.
const RESERVED_STAND_IN: &str = "\u{FFFD}x";

/// Finds the citation groups of a Markdown text: `[@` up to its matching
/// `]`, unless escaped (`\[@`), the text of a link (`[@x](...)`,
/// `[@x][ref]`, `[@x][]`) or a footnote mark. A group followed by a
/// footnote mark or another citation (`[@a, §1][^n]`, `[@a][@b]`) is a
/// group. A group holding another bracket (`[@a, §1[^n]]`) or never closed
/// is an error, and stays as it is.
/// Whether the bracketed text ending before `end` is a link's text: an
/// address (`(`) or a reference label (`[label]`, `[]`) follows it. A
/// footnote mark (`[^n]`) or a citation (`[@b]`) after it is not a label.
fn link_text(bytes: &[u8], end: usize) -> bool {
    match bytes.get(end) {
        Some(b'(') => true,
        Some(b'[') => !matches!(bytes.get(end + 1), Some(b'^' | b'@')),
        _ => false,
    }
}

pub fn scan_citations(text: &str) -> (Vec<Group>, Vec<GroupError>) {
    let bytes = text.as_bytes();
    let (mut groups, mut errors) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'[' if bytes[i + 1] == b'@' => {}
            _ => {
                i += 1;
                continue;
            }
        }
        let start = i;
        let mut depth = 0;
        let mut nested = false;
        let mut end = None;
        let mut j = i + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' => j += 1,
                b'[' => {
                    depth += 1;
                    nested = true;
                }
                b']' if depth > 0 => depth -= 1,
                b']' => {
                    end = Some(j + 1);
                    break;
                }
                // A group does not run over a blank line.
                b'\n'
                    if text[j + 1..]
                        .trim_start_matches([' ', '\t', '\r'])
                        .starts_with('\n') =>
                {
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let Some(end) = end else {
            errors.push(GroupError {
                range: start..text[start..].find('\n').map_or(text.len(), |n| start + n),
                message: "citation is never closed",
                hint: "close it with `]`: `[@source-id, locator]`",
                warn: false,
            });
            i += 2;
            continue;
        };
        if nested {
            errors.push(GroupError {
                range: start..end,
                message: "a citation cannot hold brackets (a footnote or another citation)",
                hint: "put a footnote after the citation: `[@source-id, §1][^note]`",
                warn: false,
            });
        } else if end - start < MIN_GROUP && !link_text(bytes, end) {
            // `[@]`: shorter than its placeholder would be.
            errors.push(GroupError {
                range: start..end,
                message: "citation without a source id",
                hint: "write `[@source-id, locator]`",
                warn: false,
            });
        } else if !link_text(bytes, end) {
            groups.push(Group { range: start..end });
        } else {
            errors.push(GroupError {
                range: start..end,
                message: "a citation followed by `(` or `[label]` is read as a link's text, not as a citation",
                hint: "to cite, put the citation after the link: `[words](https://...) [@source-id, §1]`; to keep these words, write `\\@`",
                warn: true,
            });
        }
        i = end;
    }
    if groups.len() > MAX_GROUPS {
        let extra = groups.split_off(MAX_GROUPS);
        errors.push(GroupError {
            range: extra[0].range.clone(),
            message: "too many citations in one text",
            hint: "split the entry",
            warn: false,
        });
    }
    (groups, errors)
}

/// `text` with every group replaced by its placeholder (the same length),
/// and every placeholder character the text itself holds by a stand-in of
/// the same length, so no character but a group's reads as one.
pub(crate) fn mask(text: &str, groups: &[Group]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let unmasked = |out: &mut String, part: &str| {
        let mut rest = part;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_reserved(c)) {
            out.push_str(&rest[..i]);
            out.push_str(RESERVED_STAND_IN);
            rest = &rest[i + c.len_utf8()..];
        }
        out.push_str(rest);
    };
    for (k, g) in groups.iter().enumerate() {
        unmasked(&mut out, &text[at..g.range.start]);
        let c = char::from_u32(PLACEHOLDER + k as u32).expect("a private-use character");
        out.push(c);
        for _ in c.len_utf8()..g.range.len() {
            out.push('x');
        }
        at = g.range.end;
    }
    unmasked(&mut out, &text[at..]);
    out
}

/// Whether `c` is in the range of placeholder characters (Unicode's
/// supplementary private use area A, U+F0000 to U+FFFFD).
fn is_reserved(c: char) -> bool {
    (PLACEHOLDER..=0xFFFFD).contains(&(c as u32))
}

/// Where a text holds a placeholder character of its own: the renderer
/// cannot tell it from a citation's, so each is an error (and is masked
/// as something else).
pub fn reserved_chars(text: &str) -> Vec<Range<usize>> {
    text.char_indices()
        .filter(|&(_, c)| is_reserved(c))
        .map(|(i, c)| i..i + c.len_utf8())
        .collect()
}

/// The group whose placeholder `c` is, if it is one.
fn placeholder(c: char) -> Option<usize> {
    let n = c as u32;
    (PLACEHOLDER..PLACEHOLDER + MAX_GROUPS as u32)
        .contains(&n)
        .then(|| (n - PLACEHOLDER) as usize)
}

/// The ids a page allots: one allocator per page, which knows the ids the
/// theme writes and the notes' ids, and numbers repeats.
pub struct Ids<'a> {
    reserved: &'a BTreeSet<String>,
    used: std::collections::HashSet<String>,
    /// The next number to try for each name already taken.
    next: HashMap<String, usize>,
}

impl<'a> Ids<'a> {
    pub fn new(reserved: &'a BTreeSet<String>) -> Self {
        Ids {
            reserved,
            used: Default::default(),
            next: Default::default(),
        }
    }

    /// Whether `id` is taken by the theme or by the notes.
    pub fn is_reserved(&self, id: &str) -> bool {
        self.reserved.contains(id) || crate::cite::is_note_id(id)
    }

    /// A unique id from `wanted`: as it is if free, else numbered
    /// (`main-1`, `main-2`). A name whose numbered forms are the notes' ids
    /// (`note` → `note-1`, `ref-2` → `ref-2-1`) is numbered apart
    /// (`note-h1`), so every name finds a free id.
    pub fn allot(&mut self, wanted: &str) -> String {
        if !self.is_reserved(wanted) && self.used.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let sep = if crate::cite::is_note_id(&format!("{wanted}-1")) {
            "-h"
        } else {
            "-"
        };
        let mut n = self.next.get(wanted).copied().unwrap_or(1);
        loop {
            let id = format!("{wanted}{sep}{n}");
            n += 1;
            if !self.is_reserved(&id) && self.used.insert(id.clone()) {
                self.next.insert(wanted.to_string(), n);
                return id;
            }
        }
    }
}

/// Heading text -> an id: lowercase words joined by hyphens, keeping
/// non-ASCII letters (so Chinese headings keep their words).
pub fn slugify(text: &str) -> String {
    let slug = crate::load::hyphenate(text, char::is_alphanumeric);
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}

/// The heading ids of a body, as its page gives them: the anchors a
/// `(@id#fragment)` link from another entry may name.
pub fn anchors(body: &str, reserved: &BTreeSet<String>) -> Vec<String> {
    let (groups, _) = scan_citations(body);
    let masked = mask(body, &groups);
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(&masked, OPTIONS)
        .into_offset_iter()
        .collect();
    let mut ids = Ids::new(reserved);
    heading_ids(&events, (&groups, body), &mut ids, &mut |_, _| {})
        .into_values()
        .collect()
}

/// Allots the id of every heading (by index of its start event), from its
/// attribute `{#id}` if any, else from its words (never a citation's or a
/// note mark's). `report` hears of dropped attributes and renamed ids.
fn heading_ids(
    events: &[(Event, Range<usize>)],
    (groups, body): (&[Group], &str),
    ids: &mut Ids,
    report: &mut dyn FnMut(Range<usize>, String),
) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    for (k, (event, range)) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { id, .. }) = event else {
            continue;
        };
        let words = heading_words(&events[k + 1..], groups);
        let wanted = match id {
            Some(custom) if !custom.is_empty() => restore(custom, groups, body).into_owned(),
            _ => slugify(&words),
        };
        let id_ok = |s: &str| {
            !s.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || c == '"'
                    || c == '\''
                    || !crate::xml::allowed(c)
            })
        };
        let wanted = if id_ok(&wanted) {
            wanted
        } else {
            report(
                range.clone(),
                format!(
                    "heading id `{wanted}` holds spaces, quotes or control characters; made from the heading's words instead"
                ),
            );
            slugify(&words)
        };
        let given = ids.allot(&wanted);
        if id.is_some() && given != wanted {
            report(
                range.clone(),
                format!(
                    "heading id `{wanted}` is already used on the page; this heading gets `{given}`"
                ),
            );
        }
        out.insert(k, given);
    }
    out
}

/// The words of a heading, from the events after its start: text and code,
/// without citations or note marks.
fn heading_words(events: &[(Event, Range<usize>)], groups: &[Group]) -> String {
    let mut words = String::new();
    for (e, _) in events {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => {
                split_placeholders(t, groups, |piece| match piece {
                    Piece::Text(s) => words.push_str(s),
                    Piece::Group(_) => words.push(' '),
                });
            }
            _ => {}
        }
    }
    words
}

/// `t` (from the masked `body`) as written: each placeholder put back to
/// the citation group it stands for.
fn restore<'t>(t: &'t str, groups: &[Group], body: &str) -> Cow<'t, str> {
    if !t.chars().any(|c| placeholder(c).is_some()) {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    split_placeholders(t, groups, |piece| match piece {
        Piece::Text(s) => out.push_str(s),
        Piece::Group(k) => out.push_str(groups.get(k).map_or("", |g| &body[g.range.clone()])),
    });
    Cow::Owned(out)
}

/// A run of text, or a citation group's placeholder.
enum Piece<'t> {
    Text(&'t str),
    Group(usize),
}

/// Calls `each` on the runs of `t` and the groups whose placeholders stand
/// in it, in order.
fn split_placeholders<'t>(t: &'t str, groups: &[Group], mut each: impl FnMut(Piece<'t>)) {
    let mut rest = t;
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| placeholder(c).is_some()) {
        let k = placeholder(c).expect("a placeholder");
        if at > 0 {
            each(Piece::Text(&rest[..at]));
        }
        let after = at + c.len_utf8();
        // The filler is ASCII `x`s, as many bytes as the group has beyond
        // the placeholder character.
        let filler = groups.get(k).map_or(0, |g| g.range.len() - c.len_utf8());
        let skip = rest[after..]
            .bytes()
            .take(filler)
            .take_while(|&b| b == b'x')
            .count();
        each(Piece::Group(k));
        rest = &rest[after + skip..];
    }
    if !rest.is_empty() {
        each(Piece::Text(rest));
    }
}

/// Renders the body of `entry`, adding its notes to `notes`.
pub fn render_body(
    entry: &Entry,
    notes: &mut Notes,
    links: &Links,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let body = entry.body_text();
    let base = entry.body.start;
    let (groups, malformed) = scan_citations(body);
    for e in malformed {
        let d = if e.warn {
            Diagnostic::warning(e.message)
        } else {
            Diagnostic::error(format!("malformed citation: {}", e.message))
        };
        diags.push(
            d.at(
                entry.path(),
                &entry.text,
                base + e.range.start..base + e.range.end,
            )
            .hint(e.hint),
        );
    }
    for at in reserved_chars(body) {
        let c = body[at.clone()].chars().next().unwrap_or_default();
        diags.push(
            Diagnostic::error(format!(
                "the character U+{:04X} cannot stand in the text",
                u32::from(c)
            ))
            .at(entry.path(), &entry.text, base + at.start..base + at.end)
            .label("a private-use character atlas reserves")
            .hint("atlas marks citations with the characters U+F0000 to U+FFFFD while it renders a text; remove it"),
        );
    }
    let first_diag = diags.len();
    let masked = mask(body, &groups);
    let mut broken: Vec<(Range<usize>, String, LinkType)> = Vec::new();
    let mut callback = |link: BrokenLink<'_>| {
        broken.push((
            link.span.clone(),
            link.reference.to_string(),
            link.link_type,
        ));
        None
    };
    let events: Vec<(Event, Range<usize>)> =
        Parser::new_with_broken_link_callback(&masked, OPTIONS, Some(&mut callback))
            .into_offset_iter()
            .collect();
    let mut r = Renderer {
        entry,
        links,
        notes,
        diags,
        base,
        body,
        masked: &masked,
        groups: &groups,
        out: String::with_capacity(body.len() * 2),
        ids: Ids::new(links.reserved),
        heading_ids: BTreeMap::new(),
        out_body: Body::default(),
        para_cited: None,
        table: None,
        definitions: HashMap::new(),
        referenced: Vec::new(),
        text: String::new(),
        text_chars: 0,
        in_html_comment: false,
        html_block: None,
        link_marks: None,
    };
    r.report_broken(&broken);
    r.report_undefined_footnotes(&events);
    let mut renamed = Vec::new();
    r.heading_ids = heading_ids(
        &events,
        (&groups, body),
        &mut r.ids,
        &mut |range, message| renamed.push((range, message)),
    );
    for (range, message) in renamed {
        let d = r.warning(range, message);
        r.diags.push(d);
    }
    r.collect_definitions(&events);
    r.run(&events, 0..events.len());
    r.footnotes(&events);
    // A message quoting the text (a footnote label, a link reference, an
    // id) quotes it as written.
    for d in &mut r.diags[first_diag..] {
        for s in [Some(&mut d.message), d.label.as_mut(), d.hint.as_mut()]
            .into_iter()
            .flatten()
        {
            if let Cow::Owned(restored) = restore(s, &groups, body) {
                *s = restored;
            }
        }
    }
    let Renderer {
        mut out_body,
        out,
        text,
        ..
    } = r;
    out_body.html = out;
    out_body.text = text.trim_end().to_string();
    out_body
}

/// The state of a table being written.
struct Table {
    alignments: Vec<Alignment>,
    in_head: bool,
    cell: usize,
}

struct Renderer<'a, 'b> {
    entry: &'a Entry,
    links: &'a Links<'b>,
    notes: &'a mut Notes,
    diags: &'a mut Vec<Diagnostic>,
    /// Offset of the body in the entry's file.
    base: usize,
    /// The body as written (the events come from its masked copy).
    body: &'a str,
    /// The body as pulldown-cmark reads it: citations masked.
    masked: &'a str,
    groups: &'a [Group],
    out: String,
    ids: Ids<'b>,
    /// The id of each heading, by the index of its start event.
    heading_ids: BTreeMap<usize, String>,
    out_body: Body,
    /// Inside a paragraph: whether it cites a source yet.
    para_cited: Option<bool>,
    table: Option<Table>,
    /// Footnote label -> the index of its definition's start event.
    definitions: HashMap<String, usize>,
    /// Footnote labels in the order first referred to.
    referenced: Vec<String>,
    /// The words, for search.
    text: String,
    /// How many characters `text` has.
    text_chars: usize,
    /// Inside an HTML comment that spans several events (lines of a block).
    in_html_comment: bool,
    /// Inside an HTML block shown as text: whether its paragraph is open.
    html_block: Option<bool>,
    /// Inside a link's text: the note marks that follow the link.
    link_marks: Option<String>,
}

impl Renderer<'_, '_> {
    fn at(&self, severity: Severity, range: Range<usize>, message: String) -> Diagnostic {
        let abs = self.base + range.start..self.base + range.end;
        let d = match severity {
            Severity::Error => Diagnostic::error(message),
            Severity::Warning => Diagnostic::warning(message),
            Severity::Note => Diagnostic::note(message),
        };
        d.at(self.entry.path(), &self.entry.text, abs)
    }

    fn error(&self, range: Range<usize>, message: String) -> Diagnostic {
        self.at(Severity::Error, range, message)
    }

    fn warning(&self, range: Range<usize>, message: String) -> Diagnostic {
        self.at(Severity::Warning, range, message)
    }

    /// Raw HTML in the text: passed through with `allow_html`; otherwise
    /// an HTML comment is left out (its author meant it hidden) and any
    /// other HTML is shown as text with a warning at its opening tag.
    fn raw_html(&mut self, raw: &CowStr<'_>, range: Range<usize>) {
        let raw = self.restore(raw).into_owned();
        if self.links.allow_html {
            self.out.push_str(&raw);
            return;
        }
        // Comments are left out, wherever they start and end (a comment may
        // run over several lines, and text may follow it on its line).
        let mut shown = String::new();
        let mut rest = raw.as_str();
        while !rest.is_empty() {
            if self.in_html_comment {
                // `<!-->` and `<!--->` are whole (empty) comments.
                let close = if rest.starts_with('>') {
                    Some((0, 1))
                } else if rest.starts_with("->") {
                    Some((0, 2))
                } else {
                    rest.find("-->").map(|i| (i, 3))
                };
                match close {
                    Some((i, len)) => {
                        rest = &rest[i + len..];
                        self.in_html_comment = false;
                    }
                    None => rest = "",
                }
            } else if let Some(i) = rest.find("<!--") {
                shown.push_str(&rest[..i]);
                rest = &rest[i + 4..];
                self.in_html_comment = true;
            } else {
                shown.push_str(rest);
                rest = "";
            }
        }
        if shown.trim().is_empty() {
            return;
        }
        if self.html_block == Some(false) {
            // An HTML block shown as text reads as a paragraph.
            self.out.push_str("<p>");
            self.html_block = Some(true);
        }
        // One warning at each opening tag (a closing tag goes with its own).
        if opening_tag(&shown).is_some() {
            let source = &self.body[range.clone()];
            let at = range.start + opening_tag(source).unwrap_or(0);
            let d = self
                .warning(at..at + 1, "raw HTML is shown as text".into())
                .hint("write it in Markdown, or set `allow_html = true` in atlas.toml to publish HTML as written");
            self.diags.push(d);
        }
        html::push_text(&mut self.out, &shown);
    }

    /// A reference link to a reference nobody defines (`[text][ref]`) is
    /// not left as raw text without a word. (`[text]` alone is ordinary text.)
    fn report_broken(&mut self, broken: &[(Range<usize>, String, LinkType)]) {
        for (range, reference, link_type) in broken {
            if matches!(link_type, LinkType::Reference | LinkType::Collapsed) {
                let d = self
                    .warning(range.clone(), format!("link reference `{reference}` is not defined"))
                    .hint(format!("add `[{reference}]: https://...` on a line of its own, or link by id: `[text](@id)`"));
                self.diags.push(d);
            }
        }
    }

    /// A reference to a footnote nobody defines comes as the text `[`,
    /// `^label`, `]`: reported, not left as raw text.
    fn report_undefined_footnotes(&mut self, events: &[(Event, Range<usize>)]) {
        for w in events.windows(3) {
            let (Event::Text(open), Event::Text(label), Event::Text(close)) =
                (&w[0].0, &w[1].0, &w[2].0)
            else {
                continue;
            };
            let contiguous = w[0].1.end == w[1].1.start && w[1].1.end == w[2].1.start;
            if let ("[", Some(label), "]", true) = (
                open.as_ref(),
                label.strip_prefix('^'),
                close.as_ref(),
                contiguous,
            ) && !label.is_empty()
            {
                let d = self
                    .error(
                        w[0].1.start..w[2].1.end,
                        format!("footnote `{label}` is not defined"),
                    )
                    .hint(format!("add `[^{label}]: ...` on a line of its own"));
                self.diags.push(d);
            }
        }
    }

    /// Finds every footnote definition; a second definition of a label is
    /// reported (the first one counts).
    fn collect_definitions(&mut self, events: &[(Event, Range<usize>)]) {
        for (k, (e, range)) in events.iter().enumerate() {
            if let Event::Start(Tag::FootnoteDefinition(label)) = e {
                if self.definitions.contains_key(label.as_ref()) {
                    let d = self
                        .warning(
                            range.start..range.start + label.len() + 3,
                            format!(
                                "footnote `{label}` is defined twice; this definition is ignored"
                            ),
                        )
                        .hint("keep one definition per label");
                    self.diags.push(d);
                } else {
                    self.definitions.insert(label.to_string(), k);
                }
            }
        }
    }

    /// Makes sure a new block starts on its own line.
    fn block(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    /// Writes the events `span` of `events` (the whole list, or the inside
    /// of an element). Indexes stay those of the whole list, which the
    /// heading ids are kept by.
    fn run(&mut self, events: &[(Event, Range<usize>)], span: Range<usize>) {
        let mut k = span.start;
        while k < span.end {
            k = self.event(events, k);
        }
    }

    /// Writes event `k` (and, for elements handled whole, its contents);
    /// returns the index of the next event to write.
    fn event(&mut self, events: &[(Event, Range<usize>)], k: usize) -> usize {
        let (event, range) = &events[k];
        match event {
            Event::Start(tag) => return self.start(events, k, tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(t),
            Event::Code(t) => {
                self.out.push_str("<code>");
                let code = self.restore(t).into_owned();
                html::push_text(&mut self.out, &code);
                self.out.push_str("</code>");
                self.words(&code);
            }
            Event::Html(raw) | Event::InlineHtml(raw) => self.raw_html(raw, range.clone()),
            Event::SoftBreak => {
                self.out.push('\n');
                self.space();
            }
            Event::HardBreak => {
                self.out.push_str("<br />\n");
                self.space();
            }
            Event::Rule => {
                self.block();
                self.out.push_str("<hr />\n");
            }
            Event::FootnoteReference(label) => self.footnote_ref(label, range),
            Event::TaskListMarker(done) => {
                self.out.push_str(if *done {
                    "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n"
                } else {
                    "<input disabled=\"\" type=\"checkbox\"/>\n"
                });
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => html::push_text(&mut self.out, t),
        }
        k + 1
    }

    /// The index of the event that ends the element started at `k`.
    fn end_of(events: &[(Event, Range<usize>)], k: usize) -> usize {
        let mut depth = 0;
        for (j, (e, _)) in events.iter().enumerate().skip(k) {
            match e {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return j;
                    }
                }
                _ => {}
            }
        }
        events.len()
    }

    fn start(
        &mut self,
        events: &[(Event, Range<usize>)],
        k: usize,
        tag: &Tag,
        range: &Range<usize>,
    ) -> usize {
        match tag {
            Tag::Paragraph => {
                self.block();
                self.out.push_str("<p>");
                self.para_cited = Some(false);
            }
            Tag::Heading {
                level,
                classes,
                attrs,
                ..
            } => {
                self.block();
                let id = self.heading_ids.get(&k).cloned().unwrap_or_default();
                for (name, _) in attrs {
                    let name = self.restore(name);
                    let d = self
                        .warning(
                            range.clone(),
                            format!("heading attribute `{name}` is dropped"),
                        )
                        .hint("a heading takes an id and classes only: `## Title {#id .class}`");
                    self.diags.push(d);
                }
                let classes: Vec<String> = classes
                    .iter()
                    .map(|c| self.restore(c).into_owned())
                    .collect();
                for c in classes.iter().filter(|c| !html::is_class(c)) {
                    let d = self
                        .warning(range.clone(), format!("class `{c}` is dropped"))
                        .hint("class names hold letters, digits, `-` and `_`");
                    self.diags.push(d);
                }
                let lvl = *level as u8;
                let _ = write!(self.out, "<h{lvl} id=\"");
                html::push_escaped(&mut self.out, &id);
                self.out.push('"');
                self.out
                    .push_str(&html::class_attr(classes.iter().map(String::as_str)));
                self.out.push('>');
                let end = Self::end_of(events, k);
                self.run(events, k + 1..end);
                let text = heading_words(&events[k + 1..end], self.groups);
                self.out.push_str(" <a class=\"anchor\" href=\"#");
                html::push_escaped(&mut self.out, &id);
                let _ = writeln!(
                    self.out,
                    "\" aria-label=\"Link to this section\">#</a></h{lvl}>"
                );
                self.space();
                self.out_body.headings.push(Heading {
                    level: lvl,
                    id,
                    text,
                });
                return end + 1;
            }
            Tag::BlockQuote(None) => {
                self.block();
                self.out.push_str("<blockquote>\n");
            }
            Tag::BlockQuote(Some(kind)) => {
                let end = Self::end_of(events, k);
                self.atlas_note(*kind, events, k + 1..end);
                return end + 1;
            }
            Tag::CodeBlock(kind) => {
                let end = Self::end_of(events, k);
                let mut code = String::new();
                for (e, _) in &events[k + 1..end] {
                    if let Event::Text(t) = e {
                        code.push_str(&self.restore(t));
                    }
                }
                let info = match kind {
                    CodeBlockKind::Fenced(info) => self.restore(info),
                    CodeBlockKind::Indented => Cow::Borrowed(""),
                };
                if let Cow::Owned(_) = info {
                    let d = self
                        .warning(range.start..range.start + 3, "a citation on a code fence's line is not shown".into())
                        .hint("the line that opens a code block names its language only; cite in the text around the block");
                    self.diags.push(d);
                }
                self.block();
                self.out
                    .push_str(&highlight::code_block(&code, language(&info)));
                return end + 1;
            }
            Tag::HtmlBlock => self.html_block = Some(false),
            Tag::List(Some(1)) => {
                self.block();
                self.out.push_str("<ol>\n");
            }
            Tag::List(Some(start)) => {
                self.block();
                let _ = writeln!(self.out, "<ol start=\"{start}\">");
            }
            Tag::List(None) => {
                self.block();
                self.out.push_str("<ul>\n");
            }
            Tag::Item => {
                self.block();
                self.out.push_str("<li>");
            }
            Tag::Table(alignments) => {
                self.block();
                self.table = Some(Table {
                    alignments: alignments.clone(),
                    in_head: false,
                    cell: 0,
                });
                self.out.push_str("<table>");
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.cell = 0;
                }
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                let columns = self.table.as_ref().map_or(0, |t| t.alignments.len());
                if let Some(t) = &mut self.table {
                    t.cell = 0;
                }
                let cells = row_cells(&self.masked[range.clone()]);
                if cells > columns {
                    let d = self
                        .warning(
                            range.clone(),
                            format!(
                                "this row has {cells} cells but the table has {columns} columns; the cells past the last are not shown"
                            ),
                        )
                        .hint("add the columns to the table's first row, or write a `|` inside a cell as `\\|`");
                    self.diags.push(d);
                }
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                let (cell, align) = match &self.table {
                    Some(t) => (
                        if t.in_head { "th" } else { "td" },
                        t.alignments.get(t.cell).copied(),
                    ),
                    None => ("td", None),
                };
                let _ = write!(self.out, "<{cell}");
                self.out.push_str(match align {
                    Some(Alignment::Left) => " style=\"text-align: left\">",
                    Some(Alignment::Center) => " style=\"text-align: center\">",
                    Some(Alignment::Right) => " style=\"text-align: right\">",
                    _ => ">",
                });
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Superscript => self.out.push_str("<sup>"),
            Tag::Subscript => self.out.push_str("<sub>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let end = Self::end_of(events, k);
                let dest_url = self.restore(dest_url).into_owned();
                let dest = if *link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url
                };
                let title = self.title(title, range, "a link's title");
                self.link(&dest, &title, (events, k + 1..end), range);
                return end + 1;
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let end = Self::end_of(events, k);
                let dest = self.restore(dest_url).into_owned();
                let title = self.title(title, range, "an image's title");
                self.image(&dest, &title, &events[k + 1..end], range);
                return end + 1;
            }
            // Written after the text, as notes (see `footnotes`).
            Tag::FootnoteDefinition(_) => return Self::end_of(events, k) + 1,
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
        k + 1
    }

    fn end(&mut self, tag: &TagEnd) {
        match tag {
            TagEnd::HtmlBlock => {
                let opened = self.html_block.take() == Some(true);
                if opened {
                    self.out.push_str("</p>\n");
                }
            }
            TagEnd::Paragraph => {
                self.out.push_str("</p>\n");
                self.space();
                if let Some(cited) = self.para_cited.take() {
                    self.out_body.paragraphs += 1;
                    self.out_body.cited_paragraphs += usize::from(cited);
                }
            }
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::List(true) => self.out.push_str("</ol>\n"),
            TagEnd::List(false) => self.out.push_str("</ul>\n"),
            TagEnd::Item => {
                self.out.push_str("</li>\n");
                self.space();
            }
            TagEnd::Table => {
                self.out.push_str("</tbody></table>\n");
                self.table = None;
            }
            TagEnd::TableHead => {
                self.out.push_str("</tr></thead><tbody>\n");
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                let in_head = self.table.as_ref().is_some_and(|t| t.in_head);
                self.out.push_str(if in_head { "</th>" } else { "</td>" });
                if let Some(t) = &mut self.table {
                    t.cell += 1;
                }
                self.space();
            }
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Superscript => self.out.push_str("</sup>"),
            TagEnd::Subscript => self.out.push_str("</sub>"),
            _ => {}
        }
    }

    /// Text, with the citations that stand in it as placeholders.
    fn text(&mut self, t: &str) {
        let groups = self.groups;
        split_placeholders(t, groups, |piece| match piece {
            Piece::Text(s) => {
                html::push_text(&mut self.out, s);
                self.words(s);
            }
            Piece::Group(k) => self.citation(k),
        });
    }

    /// The text of an event as written in the source: placeholders in
    /// code or raw HTML are put back to the citations they stand for.
    fn restore<'t>(&self, t: &'t str) -> Cow<'t, str> {
        restore(t, self.groups, self.body)
    }

    /// Separates words in the search text.
    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(' ') && self.text_chars < SEARCH_TEXT_CHARS
        {
            self.text.push(' ');
            self.text_chars += 1;
        }
    }

    /// Adds words to the search text, up to its limit.
    fn words(&mut self, t: &str) {
        for c in t.chars() {
            if self.text_chars >= SEARCH_TEXT_CHARS {
                return;
            }
            let c = if c.is_whitespace() { ' ' } else { c };
            if c == ' ' && (self.text.is_empty() || self.text.ends_with(' ')) {
                continue;
            }
            self.text.push(c);
            self.text_chars += 1;
        }
    }

    /// Drops the space between a word and its note mark, as `word [@x]` is
    /// usually written but `word¹` is how it reads.
    fn trim_space_before_note(&mut self) {
        let trimmed = self.out.trim_end_matches([' ', '\n', '\t']).len();
        self.out.truncate(trimmed);
    }

    fn note_ref(&mut self, n: usize, anchor: &str) {
        self.trim_space_before_note();
        while self.text.ends_with(' ') {
            self.text.pop();
            self.text_chars -= 1;
        }
        let out = self.link_marks.as_mut().unwrap_or(&mut self.out);
        let _ = write!(
            out,
            "<sup class=\"note-ref\"><a href=\"#note-{n}\" id=\"{anchor}\" data-note=\"{n}\">{n}</a></sup>"
        );
    }

    /// A citation group, as a numbered note.
    fn citation(&mut self, k: usize) {
        let range = self.groups[k].range.clone();
        let raw = &self.body[range.clone()];
        let inner_start = self.base + range.start + 1;
        let inner = &raw[1..raw.len() - 1];
        let refs = match parse_group(inner, inner_start, true) {
            Ok(refs) => refs,
            Err(e) => {
                let d = Diagnostic::error(format!("malformed citation: {}", e.message))
                    .at(self.entry.path(), &self.entry.text, e.span)
                    .hint(e.hint);
                self.diags.push(d);
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
            return;
        }
        if let Some(c) = self.para_cited.as_mut() {
            *c = true;
        }
        let (n, anchor) = self.notes.cite(refs.clone());
        self.out_body.cites.extend(refs.into_iter().map(|r| (n, r)));
        self.note_ref(n, &anchor);
    }

    fn footnote_ref(&mut self, label: &str, range: &Range<usize>) {
        if !self.definitions.contains_key(label) {
            let d = self
                .error(range.clone(), format!("footnote `{label}` is not defined"))
                .hint(format!("add `[^{label}]: ...` on a line of its own"));
            self.diags.push(d);
            return;
        }
        if !self.referenced.iter().any(|l| l == label) {
            self.referenced.push(label.to_string());
        }
        let (n, anchor) = self.notes.footnote(label);
        self.note_ref(n, &anchor);
    }

    /// The footnotes, each written (as a note) in the order first referred
    /// to; definitions nobody refers to are reported.
    fn footnotes(&mut self, events: &[(Event, Range<usize>)]) {
        let mut done = 0;
        // Writing one footnote may refer to another.
        while done < self.referenced.len() {
            let label = self.referenced[done].clone();
            done += 1;
            let k = self.definitions[&label];
            let end = Self::end_of(events, k);
            let saved = (
                std::mem::take(&mut self.out),
                self.para_cited.take(),
                self.out_body.paragraphs,
                self.out_body.cited_paragraphs,
                self.text.len(),
                self.text_chars,
            );
            self.run(events, k + 1..end);
            let html = std::mem::replace(&mut self.out, saved.0);
            self.para_cited = saved.1;
            // Paragraphs inside a note are not counted for coverage, nor
            // searched.
            self.out_body.paragraphs = saved.2;
            self.out_body.cited_paragraphs = saved.3;
            self.text.truncate(saved.4);
            self.text_chars = saved.5;
            self.notes.define_footnote(&label, html);
        }
        let mut unused: Vec<(&String, &usize)> = self
            .definitions
            .iter()
            .filter(|(l, _)| !self.referenced.contains(l))
            .collect();
        unused.sort_by_key(|(_, k)| **k);
        let unused: Vec<(String, Range<usize>)> = unused
            .into_iter()
            .map(|(l, &k)| (l.clone(), events[k].1.clone()))
            .collect();
        for (label, range) in unused {
            let d = self
                .warning(
                    range.start..range.start + label.len() + 4,
                    format!("footnote `{label}` is never referred to"),
                )
                .hint(format!("refer to it with `[^{label}]` or remove it"));
            self.diags.push(d);
        }
    }

    /// A GitHub-style alert (`> [!NOTE]`): the atlas's own editorial note.
    /// Its paragraphs speak in the atlas's voice, so coverage does not count
    /// them as claims (they may still cite).
    fn atlas_note(
        &mut self,
        kind: BlockQuoteKind,
        events: &[(Event, Range<usize>)],
        inner: Range<usize>,
    ) {
        let label = match kind {
            BlockQuoteKind::Note => "Atlas note",
            BlockQuoteKind::Tip => "Atlas tip",
            BlockQuoteKind::Important => "Important (atlas note)",
            BlockQuoteKind::Warning => "Warning (atlas note)",
            BlockQuoteKind::Caution => "Caution (atlas note)",
        };
        let counted = (self.out_body.paragraphs, self.out_body.cited_paragraphs);
        self.block();
        let _ = writeln!(
            self.out,
            "<aside class=\"atlas-note\" role=\"note\"><p class=\"atlas-note-label\">{label}</p>"
        );
        self.run(events, inner);
        self.out.push_str("</aside>\n");
        self.out_body.paragraphs = counted.0;
        self.out_body.cited_paragraphs = counted.1;
        self.out_body.editorial_notes += 1;
    }

    /// Where a link or image target leads, checked; `None` drops it (with
    /// a diagnostic).
    fn target(&mut self, dest: &str, range: &Range<usize>, image: bool) -> Option<String> {
        match html::classify(dest) {
            Target::External(url) if image => {
                let d = self
                    .error(range.clone(), format!("image `{url}` is on another site"))
                    .hint("a page of the atlas makes no third-party request: put the image in the theme's static/ folder and link it relatively");
                self.diags.push(d);
                None
            }
            Target::External(url) => Some(url.to_string()),
            Target::Entry { id, .. } if image => {
                let d = self
                    .error(range.clone(), format!("an image cannot show the entry `@{id}`"))
                    .label("an entry is a page, not a picture")
                    .hint("link to it instead: `[text](@id)`; an image is a file in the theme's static/ folder");
                self.diags.push(d);
                None
            }
            Target::Entry { id, fragment } => self.internal_link(id, fragment, range),
            Target::Fragment(f) => {
                let decoded = percent_decode(f);
                let known = self.heading_ids.values().any(|id| *id == decoded)
                    || self.ids.is_reserved(&decoded);
                if !known {
                    let d = self
                        .error(
                            range.clone(),
                            format!("`#{f}` names no heading on this page"),
                        )
                        .hint(self.fragment_hint(
                            &decoded,
                            self.heading_ids.values().map(String::as_str),
                        ));
                    self.diags.push(d);
                }
                Some(format!("#{f}"))
            }
            Target::Relative(path) => self.relative(path, range),
            Target::RootRelative(path) => {
                let d = self
                    .error(range.clone(), format!("`{path}` is a path from the host's root"))
                    .hint("it breaks under a subpath and from file://; link entries by id (`[text](@id)`) and site files by a relative path");
                self.diags.push(d);
                None
            }
            Target::Forbidden(scheme) => {
                let d = self
                    .warning(
                        range.clone(),
                        format!("unsafe link dropped: the `{scheme}:` scheme is not allowed"),
                    )
                    .hint("link to a web page (https://) or an entry id (`[text](@id)`)");
                self.diags.push(d);
                None
            }
        }
    }

    fn fragment_hint<'i>(&self, wanted: &str, ids: impl Iterator<Item = &'i str>) -> String {
        let ids: Vec<&str> = ids.collect();
        match crate::diag::did_you_mean(wanted, ids.iter().copied()) {
            Some(close) => format!("did you mean `#{close}`?"),
            None if ids.is_empty() => "the page has no headings to link to".into(),
            None => format!("its headings are: {}", ids.join(", ")),
        }
    }

    /// A relative path: it must name a file of the site (not a page: those
    /// are linked by id). A page's folder holds nothing but the page, so the
    /// path must climb to the site's root first.
    fn relative(&mut self, path: &str, range: &Range<usize>) -> Option<String> {
        let file = path.split(['#', '?']).next().unwrap_or("");
        // The page's own folders (unnamed: the path must climb out of them).
        let depth = self.links.root.matches("..").count();
        let mut resolved: Vec<Option<&str>> = vec![None; depth];
        let mut above_root = false;
        for part in file.split('/') {
            match part {
                "" | "." => {}
                ".." => above_root |= resolved.pop().is_none(),
                p => resolved.push(Some(p)),
            }
        }
        let in_site: Option<Vec<&str>> = resolved.into_iter().collect();
        if let (false, Some(parts)) = (above_root, in_site)
            && self.links.files.contains(&percent_decode(&parts.join("/")))
        {
            return Some(path.to_string());
        }
        let d = self
            .error(range.clone(), format!("`{path}` names no file of the site"))
            .hint("link entries by id (`[text](@id)`); a relative link must name a file in the theme's static/ folder or in data/");
        self.diags.push(d);
        None
    }

    /// A link's or image's title as written; a citation in it cannot be a
    /// note (an attribute holds text only), so it stays as written, with a
    /// warning.
    fn title(&mut self, title: &str, range: &Range<usize>, what: &str) -> String {
        let restored = self.restore(title);
        if let Cow::Owned(_) = restored {
            let d = self
                .warning(
                    range.clone(),
                    format!("a citation in {what} is shown as written, not as a note"),
                )
                .hint("put the citation after the link or image: `[text](url \"title\") [@source-id, §1]`");
            self.diags.push(d);
        }
        restored.into_owned()
    }

    /// A link; the note marks in its text follow it (a mark is a link, and
    /// a link cannot hold another). A link whose text is nothing but note
    /// marks would have no text: an error.
    fn link(
        &mut self,
        dest: &str,
        title: &str,
        (events, inner): (&[(Event, Range<usize>)], Range<usize>),
        range: &Range<usize>,
    ) {
        if self.link_marks.is_some() {
            // An autolink in a link's text (`[see <https://x.org>](...)`):
            // a link cannot hold another, and its text is its address.
            self.run(events, inner);
            return;
        }
        let target = self.target(dest, range, false);
        if let Some(url) = &target {
            self.out.push_str("<a href=\"");
            html::push_url(&mut self.out, url);
            if !title.is_empty() {
                self.out.push_str("\" title=\"");
                html::push_escaped(&mut self.out, title);
            }
            self.out.push_str("\">");
        }
        let text_start = self.out.len();
        let outer = self.link_marks.replace(String::new());
        self.run(events, inner);
        let marks = std::mem::replace(&mut self.link_marks, outer).unwrap_or_default();
        // (A mark takes the spaces before it, which may reach back past the
        // start of the text.)
        let no_words = self
            .out
            .get(text_start..)
            .is_none_or(|t| t.trim().is_empty());
        if !marks.is_empty() && no_words {
            let d = self
                .error(range.clone(), "a link's text is only a citation or a note mark".into())
                .label("the link would have no words")
                .hint("give the link words of its own and cite after it: `[the report](https://...) [@source-id, §1]`");
            self.diags.push(d);
        }
        if target.is_some() {
            self.out.push_str("</a>");
        }
        self.out.push_str(&marks);
    }

    fn image(
        &mut self,
        dest: &str,
        title: &str,
        inner: &[(Event, Range<usize>)],
        range: &Range<usize>,
    ) {
        let mut cited = false;
        let alt: String = inner
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => {
                    let text = self.restore(t);
                    cited |= matches!((e, &text), (Event::Text(_), Cow::Owned(_)));
                    Some(text.into_owned())
                }
                _ => None,
            })
            .collect();
        if cited {
            let d = self
                .warning(
                    range.clone(),
                    "a citation in an image's description is shown as written, not as a note"
                        .into(),
                )
                .hint("cite after the image: `![a map](map.png) [@source-id, §1]`");
            self.diags.push(d);
        }
        let Some(url) = self.target(dest, range, true) else {
            html::push_text(&mut self.out, &alt);
            return;
        };
        self.out.push_str("<img src=\"");
        html::push_url(&mut self.out, &url);
        self.out.push_str("\" alt=\"");
        html::push_escaped(&mut self.out, &alt);
        if !title.is_empty() {
            self.out.push_str("\" title=\"");
            html::push_escaped(&mut self.out, title);
        }
        self.out.push_str("\" />");
    }

    /// `@id` or `@id#fragment` -> a relative URL, or an error.
    fn internal_link(
        &mut self,
        id: &str,
        fragment: Option<&str>,
        range: &Range<usize>,
    ) -> Option<String> {
        let resolve = self.links.resolve;
        // Only an id written as it is (not through an escape or an entity,
        // `&#64;`) is looked up: the entries a text names are found by
        // reading it as written (`prepare::REFS`).
        let text = &self.body[range.clone()];
        let plain = written_plainly(text, id);
        let found = if plain { resolve.summary(id) } else { None };
        let Some(entry) = found else {
            let at = text
                .find(id)
                .filter(|_| !id.is_empty())
                .map_or(range.clone(), |i| {
                    range.start + i..range.start + i + id.len()
                });
            let mut d = self
                .error(at, format!("link to unknown id `{id}`"))
                .label("no entry with this id");
            if !plain && is_id(id) {
                d = d.hint(format!(
                    "write the id as it is, without escapes or entities: `(@{id})`"
                ));
            } else if let Some(close) = resolve.closest(id, None) {
                d = d.hint(format!("did you mean `{close}`?"));
            }
            self.diags.push(d);
            return None;
        };
        self.out_body.links_to.push(id.to_string());
        let mut url = self.links.href(&entry.url_path);
        if let Some(f) = fragment {
            let decoded = percent_decode(f);
            let anchors = resolve.anchors(id).unwrap_or(&[]);
            let known = anchors.contains(&decoded) || self.ids.is_reserved(&decoded);
            if !known {
                let d = self
                    .error(range.clone(), format!("`{id}` has no heading `#{f}`"))
                    .hint(self.fragment_hint(&decoded, anchors.iter().map(String::as_str)));
                self.diags.push(d);
            }
            url.push('#');
            url.push_str(f);
        }
        Some(url)
    }
}

/// How many cells a table row's text holds: its `|`s that are not escaped,
/// but a leading and a trailing one.
fn row_cells(row: &str) -> usize {
    let row = row.trim();
    let mut bars: usize = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '|' => bars += 1,
            _ => {}
        }
    }
    let leading = usize::from(row.starts_with('|'));
    let trailing = usize::from(row.len() > 1 && row.ends_with('|') && !row.ends_with("\\|"));
    (bars + 1).saturating_sub(leading + trailing).max(1)
}

/// Where the first opening tag of raw HTML is (`<b`, `<!DOCTYPE`, `<?x`),
/// comments aside.
fn opening_tag(html: &str) -> Option<usize> {
    html.match_indices('<').map(|(i, _)| i).find(|&i| {
        let after = &html[i + 1..];
        !after.starts_with("!--")
            && after
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'!' || b == b'?')
    })
}

/// Whether `id` holds only what an id may (ASCII letters and digits, `-`, `_`).
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `text` names the id as `@id`, written as it is.
fn written_plainly(text: &str, id: &str) -> bool {
    let is_id_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    is_id(id)
        && text.match_indices('@').any(|(at, _)| {
            let rest = &text.as_bytes()[at + 1..];
            rest.starts_with(id.as_bytes()) && !rest.get(id.len()).is_some_and(is_id_byte)
        })
}

/// `%`-escapes decoded, for comparing a fragment with heading ids.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The language of a code fence's info string, in the forms other tools
/// write: `rust`, `rust,ignore`, `rust title="x"`, `{.rust}`, `{.rust .x}`.
pub fn language(info: &str) -> &str {
    let info = info.trim().trim_start_matches('{').trim_start();
    let first = info
        .split(|c: char| c.is_whitespace() || c == ',' || c == '}')
        .next()
        .unwrap_or("");
    first.trim_start_matches('.')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_citation_groups_and_malformed_ones() {
        let text = "A [@a, §1] b \\[@not] [@x](https://x) [@y][ref] [@z][] c [@d, §1[^n]] e [@f][^n] [@g][@h] [@open";
        let (groups, errors) = scan_citations(text);
        let found: Vec<&str> = groups.iter().map(|g| &text[g.range.clone()]).collect();
        // A footnote mark or a citation after a group is not a link label.
        assert_eq!(found, ["[@a, §1]", "[@f]", "[@g]", "[@h]"]);
        let bad = |warn: bool| -> Vec<&str> {
            errors
                .iter()
                .filter(|e| e.warn == warn)
                .map(|e| &text[e.range.clone()])
                .collect()
        };
        assert_eq!(bad(false), ["[@d, §1[^n]]", "[@open"]);
        // The text of a link, published as it is, with a warning.
        assert_eq!(bad(true), ["[@x]", "[@y]", "[@z]"]);
    }

    #[test]
    fn masking_keeps_every_offset() {
        let text = "x [@a, §1] y [@bb, Table 2] z";
        let (groups, _) = scan_citations(text);
        let masked = mask(text, &groups);
        assert_eq!(masked.len(), text.len());
        assert_eq!(&masked[..2], "x ");
        assert_eq!(&masked[groups[1].range.end..], " z");
        assert_eq!(placeholder(masked[2..].chars().next().unwrap()), Some(0));
    }

    #[test]
    fn code_fence_languages() {
        for (info, lang) in [
            ("rust", "rust"),
            ("rust,ignore", "rust"),
            ("js title=\"x\"", "js"),
            ("{.python}", "python"),
            ("{.python .numbers}", "python"),
            ("", ""),
        ] {
            assert_eq!(language(info), lang, "{info}");
        }
    }

    #[test]
    fn ids_are_unique_and_keep_clear_of_the_theme() {
        let reserved: BTreeSet<String> = ["main".to_string(), "notes-heading".into()].into();
        let mut ids = Ids::new(&reserved);
        assert_eq!(ids.allot("main"), "main-1");
        assert_eq!(ids.allot("notes-heading"), "notes-heading-1");
        assert_eq!(ids.allot("note-1"), "note-1-1");
        assert_eq!(ids.allot("intro"), "intro");
        assert_eq!(ids.allot("intro"), "intro-1");
        // Numbered, these would be the notes' ids.
        assert_eq!(ids.allot("note"), "note");
        assert_eq!(ids.allot("note"), "note-h1");
        assert_eq!(ids.allot("ref-2"), "ref-2-h1");
        assert_eq!(ids.allot("ref-2"), "ref-2-h2");
        assert_eq!(slugify("中关村 Science Park"), "中关村-science-park");
    }
}
