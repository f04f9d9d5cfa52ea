//! Citations: Pandoc-style citation groups -> numbered notes; quote checks;
//! coverage.
//!
//! A citation group is the text inside `[...]` in the body (`@id, locator;
//! @id2, locator, "quote"`) or a fact's `cite:` string (the same, with the
//! `@` optional). Each group becomes one note in the entry's [`Notes`], which
//! number fact-box citations, text citations and ordinary footnotes in one
//! sequence by first use.

use std::collections::HashMap;
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// One reference inside a citation group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CiteRef {
    pub source: String,
    pub locator: String,
    pub quote: Option<String>,
    /// Byte range of the source id in the file, for messages.
    #[serde(skip)]
    pub id_span: Range<usize>,
    #[serde(skip)]
    pub quote_span: Range<usize>,
}

/// A malformed citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteError {
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

/// Parses a citation group. `base` is the offset of `text` in the file.
/// `at_required` is true in the body (`[@id]`) and false in front matter.
pub fn parse_group(text: &str, base: usize, at_required: bool) -> Result<Vec<CiteRef>, CiteError> {
    let mut refs = Vec::new();
    for (part, start) in split_outside_quotes(text, ';') {
        refs.push(parse_one(part, base + start, at_required)?);
    }
    Ok(refs)
}

/// How many references a citation group holds (its `;`-separated parts
/// outside quotes), whether or not they are well formed.
pub fn count_refs(text: &str) -> usize {
    split_outside_quotes(text, ';')
        .iter()
        .filter(|(p, _)| !p.trim().is_empty())
        .count()
}

fn parse_one(part: &str, base: usize, at_required: bool) -> Result<CiteRef, CiteError> {
    let lead = part.len() - part.trim_start().len();
    let trimmed = part.trim();
    let err = |span: Range<usize>, message: &str, hint: &str| CiteError {
        span,
        message: message.into(),
        hint: hint.into(),
    };
    // An empty part is pointed at where it stands (a diagnostic shows a
    // caret there), never past the text.
    let whole = base + lead..base + lead + trimmed.len();
    let (rest, id_start) = match trimmed.strip_prefix('@') {
        Some(r) => (r, base + lead + 1),
        None if at_required => {
            return Err(err(
                whole,
                "each citation in a group starts with `@`",
                "write `[@source-id, locator]`; separate several with `;`",
            ));
        }
        None => (trimmed, base + lead),
    };
    let id_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let id = &rest[..id_len];
    if id.is_empty() {
        return Err(err(
            whole,
            "citation without a source id",
            "write `[@source-id, locator]`",
        ));
    }
    let id_span = id_start..id_start + id_len;
    let after = &rest[id_len..];
    let mut cite = CiteRef {
        source: id.to_string(),
        locator: String::new(),
        quote: None,
        id_span: id_span.clone(),
        quote_span: 0..0,
    };
    if after.trim().is_empty() {
        return Ok(cite);
    }
    let Some(tail) = after.strip_prefix(',') else {
        let at = id_span.end;
        return Err(err(
            at..at + after.len(),
            "expected `,` after the source id",
            "a locator follows a comma: `[@source-id, §3]`",
        ));
    };
    let tail_start = id_span.end + 1;
    let mut pieces = split_outside_quotes(tail, ',');
    // A trailing quoted piece is the quote; everything before is the locator
    // (locators may hold commas: `Table 1, row 3`).
    // ... unless it is the only piece: then it is a locator that names a
    // section by its quoted heading (`[@id, "Basic Requirements"]`).
    if pieces.len() > 1
        && let Some((last, off)) = pieces.last().copied()
        && let Some((q, q_off)) = unquote(last)
    {
        pieces.pop();
        cite.quote = Some(q.to_string());
        let q_start = tail_start + off + q_off;
        cite.quote_span = q_start..q_start + q.len();
        if q.trim().is_empty() {
            return Err(err(
                cite.quote_span.clone(),
                "empty quote",
                "quote a few words from the source, or drop the quote",
            ));
        }
    }
    let locator = pieces
        .iter()
        .map(|(p, _)| p.trim())
        .collect::<Vec<_>>()
        .join(", ");
    if locator.is_empty() {
        let at = id_span.end;
        return Err(err(
            at..at + 1 + tail.trim_end().len(),
            "empty locator",
            "say where in the source: `§3`, `Box 4`, `Table 1`, `Figure 2`, `fn 12`, `slide 5`",
        ));
    }
    // Dashes as Pandoc writes them: `--` an en dash (`§3--5`), `---` an em dash.
    cite.locator = locator.replace("---", "—").replace("--", "–");
    Ok(cite)
}

/// Splits on `sep` outside straight or curly double quotes, keeping offsets.
fn split_outside_quotes(text: &str, sep: char) -> Vec<(&str, usize)> {
    let mut parts = Vec::new();
    let mut in_quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match (in_quote, c) {
            (None, '"') => in_quote = Some('"'),
            (None, '“') => in_quote = Some('”'),
            (Some(close), c) if c == close => in_quote = None,
            (None, c) if c == sep => {
                parts.push((&text[start..i], start));
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push((&text[start..], start));
    parts
}

/// `  "text" ` -> (`text`, offset of `text` in the input).
fn unquote(piece: &str) -> Option<(&str, usize)> {
    let lead = piece.len() - piece.trim_start().len();
    let t = piece.trim();
    for (open, close) in [('"', '"'), ('“', '”')] {
        if t.len() >= 2 && t.starts_with(open) && t.ends_with(close) {
            let inner = &t[open.len_utf8()..t.len() - close.len_utf8()];
            return Some((inner, lead + open.len_utf8()));
        }
    }
    None
}

/// Whether `id` is one the notes give: `note-3`, `ref-3`, `ref-3-2`.
pub fn is_note_id(id: &str) -> bool {
    let numbers = |s: &str| {
        !s.is_empty()
            && s.split('-')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if let Some(n) = id.strip_prefix("note-") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    id.strip_prefix("ref-")
        .is_some_and(|n| numbers(n) && n.split('-').count() <= 2)
}

/// What a note says.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteBody {
    /// A citation group.
    Cite(Vec<CiteRef>),
    /// An ordinary Markdown footnote, rendered.
    Footnote { label: String, html: String },
}

/// One numbered note and every place that refers to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub number: usize,
    pub body: NoteBody,
    /// Anchor ids of the references to this note, in order.
    pub refs: Vec<String>,
}

/// The notes of one entry, numbered by first use.
#[derive(Debug, Default, Clone)]
pub struct Notes {
    pub list: Vec<Note>,
    by_key: HashMap<String, usize>,
}

impl Notes {
    /// Registers a use of a citation group; the same group cited again
    /// reuses its number. Returns (number, anchor id of this reference).
    pub fn cite(&mut self, refs: Vec<CiteRef>) -> (usize, String) {
        let key = refs
            .iter()
            .map(|r| {
                format!(
                    "{}|{}|{}",
                    r.source,
                    r.locator,
                    r.quote.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join(";");
        self.use_key(format!("c:{key}"), || NoteBody::Cite(refs))
    }

    /// Registers a use of footnote `label`; its text is filled in by
    /// [`Notes::define_footnote`].
    pub fn footnote(&mut self, label: &str) -> (usize, String) {
        let label_owned = label.to_string();
        self.use_key(format!("f:{label}"), || NoteBody::Footnote {
            label: label_owned,
            html: String::new(),
        })
    }

    /// Sets the text of footnote `label`; false if it is never referred to.
    pub fn define_footnote(&mut self, label: &str, html: String) -> bool {
        match self.by_key.get(&format!("f:{label}")) {
            Some(&i) => {
                if let NoteBody::Footnote { html: h, .. } = &mut self.list[i].body {
                    *h = html;
                }
                true
            }
            None => false,
        }
    }

    fn use_key(&mut self, key: String, body: impl FnOnce() -> NoteBody) -> (usize, String) {
        let index = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                let number = self.list.len() + 1;
                self.list.push(Note {
                    number,
                    body: body(),
                    refs: Vec::new(),
                });
                self.by_key.insert(key, number - 1);
                number - 1
            }
        };
        let note = &mut self.list[index];
        let anchor = if note.refs.is_empty() {
            format!("ref-{}", note.number)
        } else {
            format!("ref-{}-{}", note.number, note.refs.len() + 1)
        };
        note.refs.push(anchor.clone());
        (note.number, anchor)
    }
}

/// Normalises text for quote matching: composed (NFC), typographic quotes, apostrophes and
/// hyphens become plain ones, every run of whitespace one space, and a word broken
/// by a hyphen at a line end is left as printed (quotes must not span one).
pub fn normalize_for_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    // Composed (NFC, UAX #15): `ü` typed as `u` and a combining diaeresis
    // matches the `ü` of the source.
    for c in text.nfc() {
        let c = match c {
            '“' | '”' | '„' | '″' => '"',
            '‘' | '’' | '‚' | '′' => '\'',
            '\u{2010}' | '\u{2011}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// A source's text normalised for quote matching.
pub static NORMALIZE: crate::memo::Query<crate::memo::Digested<str>, String> =
    crate::memo::Query::new("normalised text", |text| normalize_for_quotes(text));

/// Cited and uncited facts and paragraphs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Coverage {
    pub facts: usize,
    pub cited_facts: usize,
    /// Facts the atlas supplies itself, marked `editorial: true`.
    pub editorial_facts: usize,
    pub paragraphs: usize,
    pub cited_paragraphs: usize,
}

impl Coverage {
    pub fn add(&mut self, other: Coverage) {
        self.facts += other.facts;
        self.cited_facts += other.cited_facts;
        self.editorial_facts += other.editorial_facts;
        self.paragraphs += other.paragraphs;
        self.cited_paragraphs += other.cited_paragraphs;
    }

    pub fn total(&self) -> usize {
        self.facts + self.paragraphs
    }

    /// Facts and paragraphs accounted for: cited, or marked editorial.
    pub fn cited(&self) -> usize {
        self.cited_facts + self.editorial_facts + self.cited_paragraphs
    }

    /// The share of facts and paragraphs that carry a citation (1 when there is nothing to cite).
    pub fn ratio(&self) -> f64 {
        if self.total() == 0 {
            1.0
        } else {
            self.cited() as f64 / self.total() as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_groups() {
        let g = parse_group("@a, §3; @b, Box 4, \"101 km²\"", 10, true).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].source.as_str(), g[0].locator.as_str()), ("a", "§3"));
        assert_eq!(g[0].id_span, 11..12);
        assert_eq!(g[1].locator, "Box 4");
        assert_eq!(g[1].quote.as_deref(), Some("101 km²"));
        let text = "@a, §3; @b, Box 4, \"101 km²\"";
        assert_eq!(
            &text[g[1].quote_span.start - 10..g[1].quote_span.end - 10],
            "101 km²"
        );
    }

    #[test]
    fn locators_with_commas_and_bare_ids() {
        let g = parse_group("@a, Table 1, row 2", 0, true).unwrap();
        assert_eq!(g[0].locator, "Table 1, row 2");
        let g = parse_group("@a", 0, true).unwrap();
        assert_eq!(g[0].locator, "");
        let g = parse_group("@a, \"Basic Requirements\"", 0, true).unwrap();
        assert_eq!(
            (g[0].locator.as_str(), g[0].quote.as_deref()),
            ("\"Basic Requirements\"", None)
        );
        let g = parse_group("a, Table 1; b, §2", 0, false).unwrap();
        assert_eq!(g[1].source, "b");
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(
            parse_group("@a, ", 0, true).unwrap_err().message,
            "empty locator"
        );
        assert_eq!(
            parse_group("@a §3", 0, true).unwrap_err().message,
            "expected `,` after the source id"
        );
        assert_eq!(
            parse_group("@, §3", 0, true).unwrap_err().message,
            "citation without a source id"
        );
        assert!(parse_group("@a, §1; b, §2", 0, true).is_err());
    }

    #[test]
    fn an_error_points_inside_the_text_even_at_an_empty_part() {
        for (text, span) in [("", 0..0), ("@a;", 3..3), ("  ", 2..2), ("@a x", 2..4)] {
            let e = parse_group(text, 0, false).unwrap_err();
            assert_eq!(e.span, span, "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn numbers_by_first_use_and_reuses() {
        let mut n = Notes::default();
        let a = parse_group("@a, §1", 0, true).unwrap();
        assert_eq!(n.cite(a.clone()), (1, "ref-1".into()));
        assert_eq!(n.footnote("x"), (2, "ref-2".into()));
        assert_eq!(n.cite(a), (1, "ref-1-2".into()));
        assert!(n.define_footnote("x", "<p>x</p>".into()));
        assert!(!n.define_footnote("y", String::new()));
    }

    #[test]
    fn quotes_match_after_normalising() {
        let t = normalize_for_quotes("the “big   science”\nfacilities’ share");
        assert!(t.contains(&normalize_for_quotes("\"big science\" facilities'")));
        assert!(!t.contains(&normalize_for_quotes("small science")));
        // One letter, composed or not.
        let source = normalize_for_quotes("Charles-Clemens R\u{fc}ling");
        assert!(source.contains(&normalize_for_quotes("Clemens Ru\u{308}ling")));
    }
}
