//! Front matter: find it in the file, keeping byte offsets, and index where
//! each top-level key and its value sit so later checks can point at them.

use std::ops::Range;
use std::sync::Arc;

/// Byte ranges of the parts of a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The YAML between the `---` lines.
    pub front: Range<usize>,
    /// The Markdown after the closing line.
    pub body: Range<usize>,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    Empty,
    /// The file does not open with a `---` line.
    Missing,
    /// The opening `---` at this range is never closed.
    Unclosed(Range<usize>),
}

/// Splits `text` (which may start with a BOM and use CRLF) into front matter and body.
pub fn split_front_matter(text: &str) -> Result<Split, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if text[start..].trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = Lines::new(text, start);
    let Some(first) = lines.next() else {
        return Err(SplitError::Empty);
    };
    if text[first.clone()].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let front_start = first.end + newline_len(text, first.end);
    for line in lines {
        let trimmed = text[line.clone()].trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = (line.end + newline_len(text, line.end)).min(text.len());
            return Ok(Split {
                front: front_start.min(line.start)..line.start,
                body: body_start..text.len(),
            });
        }
    }
    Err(SplitError::Unclosed(first))
}

/// Iterates over line ranges (without the line break) from `start`.
pub(super) struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str, start: usize) -> Self {
        Lines { text, pos: start }
    }
}

impl Iterator for Lines<'_> {
    type Item = Range<usize>;
    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let len = rest.find('\n').unwrap_or(rest.len());
        let mut end = self.pos + len;
        let range_end = if end > self.pos && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let range = self.pos..range_end;
        if end < self.text.len() {
            end += 1;
        }
        self.pos = end;
        Some(range)
    }
}

fn newline_len(text: &str, at: usize) -> usize {
    let rest = &text.as_bytes()[at.min(text.len())..];
    if rest.starts_with(b"\r\n") {
        2
    } else if rest.starts_with(b"\n") {
        1
    } else {
        0
    }
}

/// Where each top-level key of the front matter is: the key itself and the
/// region of its value (up to the next top-level key). Offsets are the
/// file's; the key names are read from the front matter's text, which the
/// index shares with its [`Head`](super::Head) (an entry's index is kept for
/// the whole build: a few spans, no strings of its own).
#[derive(Debug, Clone, Default)]
pub struct KeyIndex {
    /// The file's text up to its body.
    text: Arc<str>,
    /// In file order; a repeated key only where it first appears.
    spans: Box<[KeySpan]>,
    /// The whole front matter, for problems with no better place.
    pub front: Range<usize>,
}

#[derive(Debug, Clone)]
struct KeySpan {
    key: Range<usize>,
    value: Range<usize>,
}

impl KeyIndex {
    /// Indexes the front matter at `front` in `text` (the file's text up to
    /// its body, at least). Top-level keys are the lines that start at
    /// column 0 with `name:`.
    pub fn build(text: Arc<str>, front: Range<usize>) -> KeyIndex {
        let mut spans: Vec<KeySpan> = Vec::new();
        // The span the lines being read belong to.
        let mut last: Option<usize> = None;
        for line in Lines::new(&text[..front.end], front.start) {
            let s = &text[line.clone()];
            if let Some((name, colon)) = key_of(s) {
                if let Some(prev) = last.take() {
                    let k = &mut spans[prev];
                    k.value.end = trim_end_at(&text, line.start, k.value.start);
                }
                let value_start = line.start + colon + 1;
                let skipped = text[value_start..line.end].len()
                    - text[value_start..line.end].trim_start().len();
                let seen = spans.iter().position(|k| &text[k.key.clone()] == name);
                last = Some(seen.unwrap_or_else(|| {
                    spans.push(KeySpan {
                        key: line.start..line.start + name.len(),
                        value: value_start + skipped..line.end,
                    });
                    spans.len() - 1
                }));
            } else if let Some(prev) = last
                && !s.trim().is_empty()
            {
                spans[prev].value.end = line.end;
            }
        }
        // A value that starts on the next line (a block list, an indented
        // scalar) starts where its text does.
        for k in &mut spans {
            let value = &text[k.value.clone()];
            k.value.start += value.len() - value.trim_start().len();
        }
        KeyIndex {
            text,
            spans: spans.into_boxed_slice(),
            front,
        }
    }

    fn get(&self, key: &str) -> Option<&KeySpan> {
        self.spans.iter().find(|k| &self.text[k.key.clone()] == key)
    }

    /// Whether a line of the front matter starts with `key:`.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The span of `key` itself, or the whole front matter.
    pub fn key(&self, key: &str) -> Range<usize> {
        self.get(key).map_or(self.front.clone(), |k| k.key.clone())
    }

    /// The span of `key`'s value (the key if the value is empty).
    pub fn value(&self, key: &str) -> Range<usize> {
        match self.get(key) {
            Some(k) if !k.value.is_empty() => k.value.clone(),
            Some(k) => k.key.clone(),
            None => self.front.clone(),
        }
    }

    /// The span of `needle` inside `key`'s value, e.g. one id in a list,
    /// falling back to the whole value.
    pub fn find_in(&self, text: &str, key: &str, needle: &str) -> Range<usize> {
        word_in(text, self.value(key), needle)
    }

    /// The span of the `j`th item (from 0) of `key`'s value when the value
    /// is a block sequence (`- ` items one under another): from its `-` to
    /// the end of its last line. `None` for any other value.
    pub fn item(&self, key: &str, j: usize) -> Option<Range<usize>> {
        let value = self.get(key)?.value.clone();
        let text = &*self.text;
        let first_line = text[..value.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = value.start - first_line;
        let is_item = |line: &str| {
            // Spaces first, so the slices below fall on character boundaries.
            line.len() > indent
                && line.as_bytes()[..indent].iter().all(|&b| b == b' ')
                && line[indent..].starts_with('-')
                && line[indent + 1..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        };
        let mut starts = Vec::new();
        for line in Lines::new(&text[..value.end], first_line) {
            if is_item(&text[line.clone()]) {
                starts.push(line.start + indent);
            }
        }
        if starts.first() != Some(&value.start) {
            return None;
        }
        let start = *starts.get(j)?;
        let end = starts
            .get(j + 1)
            .map_or(value.end, |&next| trim_end_at(text, next, start));
        Some(start..end)
    }

    /// The span of `needle` inside the `j`th item of `key`'s value (see
    /// [`KeyIndex::item`]), else inside the whole value, falling back to the
    /// item or the value.
    pub fn find_in_item(&self, key: &str, j: usize, needle: &str) -> Range<usize> {
        let region = self.item(key, j).unwrap_or_else(|| self.value(key));
        word_in(&self.text, region, needle)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys in file order.
    pub fn in_order(&self) -> Vec<(&str, Range<usize>)> {
        self.spans
            .iter()
            .map(|k| (&self.text[k.key.clone()], k.key.clone()))
            .collect()
    }
}

/// The key a front matter line starts, with the offset of its colon: a
/// top-level key is a line that starts at column 0 with `name:` (ASCII
/// letters, digits, `_` and `-`).
pub(super) fn key_of(line: &str) -> Option<(&str, usize)> {
    line.find(':')
        .filter(|&i| {
            i > 0
                && line[..i]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .map(|i| (&line[..i], i))
}

/// The span of `needle` (see [`find_word`]) inside `region` of `text`, else
/// the region.
fn word_in(text: &str, region: Range<usize>, needle: &str) -> Range<usize> {
    find_word(&text[region.clone()], needle)
        .map(|i| region.start + i..region.start + i + needle.len())
        .unwrap_or(region)
}

/// The first occurrence of `needle` not glued to other id characters.
fn find_word(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    hay.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(is_id) && !after.is_some_and(is_id)
    })
}

fn trim_end_at(text: &str, end: usize, floor: usize) -> usize {
    let trimmed = text[floor..end].trim_end().len();
    floor + trimmed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_and_body() {
        let t = "---\ntitle: A\n---\nBody\n";
        let s = split_front_matter(t).unwrap();
        assert_eq!(&t[s.front], "title: A\n");
        assert_eq!(&t[s.body], "Body\n");
    }

    #[test]
    fn handles_crlf_and_bom() {
        let t = "\u{feff}---\r\ntitle: A\r\n---\r\nBody";
        let s = split_front_matter(t).unwrap();
        assert_eq!(&t[s.front], "title: A\r\n");
        assert_eq!(&t[s.body], "Body");
    }

    #[test]
    fn reports_missing_unclosed_empty() {
        assert_eq!(split_front_matter(""), Err(SplitError::Empty));
        assert_eq!(split_front_matter(" \n"), Err(SplitError::Empty));
        assert_eq!(split_front_matter("title: x\n"), Err(SplitError::Missing));
        assert_eq!(
            split_front_matter("---\ntitle: x\n"),
            Err(SplitError::Unclosed(0..3))
        );
    }

    #[test]
    fn empty_front_matter() {
        let t = "---\n---\nx";
        let s = split_front_matter(t).unwrap();
        assert_eq!(&t[s.front], "");
    }

    #[test]
    fn indexes_keys_and_values() {
        let t = "---\ntitle: A b\nprograms:\n  - x\n  - torch\nprovince: Beijing\n---\n";
        let s = split_front_matter(t).unwrap();
        let k = KeyIndex::build(Arc::from(&t[..s.body.start]), s.front);
        assert_eq!(&t[k.key("title")], "title");
        assert_eq!(&t[k.value("title")], "A b");
        assert_eq!(&t[k.value("programs")], "- x\n  - torch");
        assert_eq!(&t[k.find_in(t, "programs", "torch")], "torch");
        assert_eq!(&t[k.find_in(t, "programs", "x")], "x");
        assert_eq!(&t[k.value("province")], "Beijing");
        let names: Vec<&str> = k.in_order().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["title", "programs", "province"]);
        assert!(k.contains("programs") && !k.contains("program"));
        assert_eq!(k.value("missing"), k.front);
    }

    #[test]
    fn items_of_a_block_sequence() {
        let t = "---\nfacts:\n  - label: A\n    editorial: true\n\n  - label: B\n    cite: x\n    editorial: true\nfields: [a, b]\n---\n";
        let s = split_front_matter(t).unwrap();
        let k = KeyIndex::build(Arc::from(&t[..s.body.start]), s.front);
        assert_eq!(
            &t[k.item("facts", 0).unwrap()],
            "- label: A\n    editorial: true"
        );
        assert_eq!(
            &t[k.item("facts", 1).unwrap()],
            "- label: B\n    cite: x\n    editorial: true"
        );
        assert_eq!(k.item("facts", 2), None);
        assert_eq!(k.item("fields", 0), None);
        let second = k.find_in_item("facts", 1, "editorial");
        assert_eq!(&t[second.clone()], "editorial");
        assert!(second.start > k.item("facts", 1).unwrap().start);
        assert_eq!(&t[k.find_in_item("fields", 1, "b")], "b");
    }

    #[test]
    fn a_repeated_key_is_found_where_it_first_appears() {
        let t = "---
title: A
city: X
title: B
---
";
        let s = split_front_matter(t).unwrap();
        let k = KeyIndex::build(Arc::from(&t[..s.body.start]), s.front);
        assert_eq!(&t[k.value("title")], "A");
        assert_eq!(k.key("title"), 4..9);
        assert_eq!(k.in_order().len(), 2);
    }
}
