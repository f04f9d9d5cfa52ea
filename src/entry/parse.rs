//! Raw front matter -> validated [`Entry`], reporting every problem in the file.

use serde::de::DeserializeOwned;
use yaml_serde::{Mapping, Value};

use super::fields::{FIELDS, FieldType, PROVINCES, SOURCE_KINDS, fields_of};
use super::front::{KeyIndex, Lines, SplitError, key_of, split_front_matter};
use super::value::describe;
use super::{Entry, Head, ItemMeta, Kind, Meta, PageMeta, SourceMeta};
use std::sync::Arc;

use crate::config::Taxonomies;
use crate::diag::{Diagnostic, did_you_mean};
use crate::load::SourceFile;
use crate::memo::{Digested, digest};

/// Parses and validates one file. Returns the entry if it is usable (even
/// with warnings) and every problem found.
pub fn parse_entry(file: &SourceFile, vocabulary: &Taxonomies) -> (Option<Entry>, Vec<Diagnostic>) {
    let mut p = Parser {
        file,
        text: &file.text,
        diags: Vec::new(),
        keys: KeyIndex::default(),
    };
    let entry = p.parse(vocabulary);
    (entry, p.diags)
}

struct Parser<'a> {
    file: &'a SourceFile,
    text: &'a str,
    diags: Vec<Diagnostic>,
    keys: KeyIndex,
}

impl Parser<'_> {
    fn error(&self, range: std::ops::Range<usize>, message: String) -> Diagnostic {
        Diagnostic::error(message).at(&self.file.path, self.text, range)
    }

    fn warning(&self, range: std::ops::Range<usize>, message: String) -> Diagnostic {
        Diagnostic::warning(message).at(&self.file.path, self.text, range)
    }

    fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn parse(&mut self, vocabulary: &Taxonomies) -> Option<Entry> {
        let text = self.text;
        if text.starts_with('\u{feff}') {
            let d = self
                .warning(0..3, "file starts with a byte-order mark (BOM)".into())
                .label("invisible BOM here")
                .hint("it is ignored; save the file as UTF-8 without BOM");
            self.report(d);
        }
        let split = match split_front_matter(text) {
            Ok(s) => s,
            Err(e) => {
                self.report_split(e);
                return None;
            }
        };
        let mapping = self.parse_yaml(split.front.clone())?;
        // The file's text up to the body: kept with the head, for messages.
        let front: Arc<str> = Arc::from(&text[..split.body.start]);
        self.keys = KeyIndex::build(front.clone(), split.front.clone());
        self.check_keys(&mapping);
        self.check_controls(&mapping);
        let meta = match self.file.kind {
            Kind::Park | Kind::Program | Kind::Lab | Kind::Institution => {
                let item: ItemMeta = self.deserialize(&mapping);
                self.check_item(&item, vocabulary);
                Meta::Item(Box::new(item))
            }
            Kind::Source => {
                let source: SourceMeta = self.deserialize(&mapping);
                self.check_source(&source);
                Meta::Source(Box::new(source))
            }
            Kind::Page => Meta::Page(self.deserialize::<PageMeta>(&mapping)),
        };
        let facts = match &meta {
            Meta::Item(item) => super::facts::rows(item),
            _ => Vec::new(),
        };
        if !facts.is_empty() {
            self.check_facts(&facts);
        }
        let head = Head {
            facts,
            id: self.file.id.clone(),
            kind: self.file.kind,
            path: self.file.path.clone(),
            keys: std::mem::take(&mut self.keys),
            meta,
            front: front.clone(),
        };
        let head_digest = digest(&(&head.path, head.kind, &head.id, &*front));
        Some(Entry {
            head: Digested::with_digest(head_digest, Arc::new(head)),
            text: self.file.text.clone(),
            body: split.body,
        })
    }

    fn report_split(&mut self, e: SplitError) {
        let path = &self.file.path;
        let d = match e {
            SplitError::Empty => Diagnostic::error("file is empty")
                .in_file(path)
                .hint("start the file with front matter: a `---` line, `title: ...`, and a closing `---` line; `atlas new` writes one"),
            SplitError::Missing => Diagnostic::error("missing front matter")
                .at(path, self.text, 0..first_line_len(self.text))
                .label("expected `---` on the first line")
                .hint("an entry starts with YAML front matter between two `---` lines"),
            SplitError::Unclosed(r) => Diagnostic::error("front matter is never closed")
                .at(path, self.text, r)
                .label("opened here")
                .hint("add a line with only `---` after the last key"),
        };
        self.diags.push(d);
    }

    fn parse_yaml(&mut self, front: std::ops::Range<usize>) -> Option<Mapping> {
        let yaml = &self.text[front.clone()];
        match yaml_serde::from_str::<Value>(yaml) {
            Ok(Value::Mapping(m)) => Some(m),
            Ok(Value::Null) => Some(Mapping::new()),
            Ok(other) => {
                let d = self
                    .error(
                        front.clone(),
                        format!("front matter is {}, not a set of keys", describe(&other)),
                    )
                    .hint("write one `key: value` per line");
                self.report(d);
                None
            }
            Err(e) => {
                // The YAML parser counts from the start of the front matter;
                // shift to the file so the line is the one the user sees.
                let at = e
                    .location()
                    .map_or(front.start, |l| front.start + l.index());
                let message = yaml_message(&e.to_string());
                // The parser places a repeated key at the start of its
                // mapping; a repeated top-level key is shown where it repeats.
                let (at, width) =
                    repeated_key(yaml, &message).map_or((at, 1), |(i, len)| (front.start + i, len));
                let d = self
                    .error(at..at + width, format!("invalid YAML: {message}"))
                    .hint(yaml_hint(&message));
                self.report(d);
                None
            }
        }
    }

    /// Warns of a value holding a character XML forbids (a YAML `"\0"`
    /// escape gives a NUL): the site drops it from every page and feed
    /// (`crate::xml`), so the author should know it is there.
    fn check_controls(&mut self, mapping: &Mapping) {
        fn first_forbidden(v: &Value) -> Option<char> {
            match v {
                Value::String(s) => s.chars().find(|&c| !crate::xml::allowed(c)),
                Value::Sequence(items) => items.iter().find_map(first_forbidden),
                Value::Mapping(m) => m.values().find_map(first_forbidden),
                Value::Tagged(t) => first_forbidden(&t.value),
                _ => None,
            }
        }
        // A tag asks for a type atlas does not have (`!!binary`,
        // `!!python/object:...`); the parser drops the standard ones, so the
        // value would be read as if it had none. Found in the text.
        for at in yaml_tags(&self.text[self.keys.front.clone()]) {
            let at = self.keys.front.start + at.start..self.keys.front.start + at.end;
            let tag = &self.text[at.clone()];
            let d = self
                .error(at.clone(), format!("the YAML tag `{tag}` is not read"))
                .hint("remove the tag: a value is text, a number, a date, a list or a mapping as written; quote a text that starts with `!`");
            self.report(d);
        }
        for (key, value) in mapping {
            let Some(name) = key.as_str() else { continue };
            let Some(c) = first_forbidden(value) else {
                continue;
            };
            let d = self
                .warning(
                    self.keys.value(name),
                    format!(
                        "`{name}` holds the control character U+{:04X}, which XML forbids",
                        u32::from(c)
                    ),
                )
                .label("dropped from the site's pages, feed and sitemap")
                .hint("remove it (a `\\0` or `\\x..` escape in a quoted string makes one)");
            self.report(d);
        }
    }

    fn check_keys(&mut self, mapping: &Mapping) {
        let kind = self.file.kind;
        let allowed: Vec<&str> = fields_of(kind).map(|f| f.name).collect();
        for key in mapping.keys() {
            let Some(name) = key.as_str() else {
                // Its line: a plain number or boolean is indexed as written
                // (`1:`); a complex key starts with `?` at column 0.
                let written = match key {
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                let front = self.keys.front.clone();
                let range = written
                    .and_then(|w| self.keys.has(&w).then(|| self.keys.key(&w)))
                    .or_else(|| {
                        Lines::new(self.text, front.start)
                            .take_while(|l| l.start < front.end)
                            .find(|l| self.text[l.clone()].starts_with(['?', ':']))
                    })
                    .unwrap_or(front);
                self.report(self.error(
                    range,
                    format!("front matter key {} is not text", describe(key)),
                ));
                continue;
            };
            if allowed.contains(&name) {
                continue;
            }
            let range = self.keys.key(name);
            let hint = if let Some(other) = FIELDS.iter().find(|f| f.name == name) {
                let kinds: Vec<&str> = other.kinds.iter().map(|k| k.name()).collect();
                format!(
                    "`{name}` is a field of {}, not of a {}",
                    kinds.join(", "),
                    kind.name()
                )
            } else if let Some(close) = did_you_mean(name, allowed.iter().copied()) {
                format!("did you mean `{close}`?")
            } else {
                format!("a {} takes: {}", kind.name(), allowed.join(", "))
            };
            let d = self
                .error(range, format!("unknown field `{name}`"))
                .label("not a field of this kind")
                .hint(hint);
            self.report(d);
        }
        for field in fields_of(kind).filter(|f| f.required) {
            let present = mapping
                .get(field.name)
                .is_some_and(|v| !v.is_null() && v.as_str() != Some(""));
            if !present {
                let range = if self.keys.contains(field.name) {
                    self.keys.key(field.name)
                } else {
                    // The opening `---` (after a BOM, if any).
                    let start = if self.text.starts_with('\u{feff}') {
                        3
                    } else {
                        0
                    };
                    start..start + 3
                };
                let d = self
                    .error(range, format!("missing required field `{}`", field.name))
                    .hint(format!("add `{}: ...` ({})", field.name, field.doc));
                self.report(d);
            }
        }
    }

    /// Deserializes `mapping` into `T`, reporting each key whose value has
    /// the wrong type at that key and leaving it out, so one bad value does
    /// not hide the others.
    fn deserialize<T: DeserializeOwned + Default>(&mut self, mapping: &Mapping) -> T {
        if let Ok(t) = yaml_serde::from_value::<T>(Value::Mapping(mapping.clone())) {
            return t;
        }
        let mut good = Mapping::new();
        for (k, v) in mapping {
            if !k.is_string() {
                // Told by `check_keys`.
                continue;
            }
            let mut one = Mapping::new();
            one.insert(k.clone(), v.clone());
            match yaml_serde::from_value::<T>(Value::Mapping(one)) {
                Ok(_) => {
                    good.insert(k.clone(), v.clone());
                }
                Err(e) => {
                    let name = k.as_str().unwrap_or("?");
                    // In a list, the first item that is wrong.
                    let wrong_item = v.as_sequence().and_then(|items| {
                        items.iter().position(|item| {
                            let mut one = Mapping::new();
                            one.insert(k.clone(), Value::Sequence(vec![item.clone()]));
                            yaml_serde::from_value::<T>(Value::Mapping(one)).is_err()
                        })
                    });
                    let range = wrong_item
                        .and_then(|j| self.keys.item(name, j))
                        .unwrap_or_else(|| self.keys.value(name));
                    let mut d = self.error(
                        range,
                        format!("wrong type for `{name}`: {}", serde_message(&e.to_string())),
                    );
                    if let Some(spec) = FIELDS.iter().find(|f| f.name == name) {
                        d = d.hint(format!(
                            "`{name}` is the {}, e.g. `{name}: {}`",
                            spec.doc,
                            spec.ty.sample()
                        ));
                    }
                    self.report(d);
                }
            }
        }
        yaml_serde::from_value(Value::Mapping(good)).unwrap_or_default()
    }

    fn check_item(&mut self, raw: &ItemMeta, vocabulary: &Taxonomies) {
        if let Some(d) = &raw.designation {
            self.check_term("designation", &d.value, &vocabulary.designation);
        }
        for f in &raw.fields {
            self.check_term("fields", &f.value, &vocabulary.field);
        }
        self.check_list("aliases", &raw.aliases);
        let in_china = raw.in_china();
        // China written another way would make the entry a comparator
        // from abroad, off China's maps and counts.
        if let Some(c) = &raw.country
            && !in_china
            && [
                "china",
                "prc",
                "people's republic of china",
                "p.r. china",
                "中国",
                "中华人民共和国",
            ]
            .contains(&c.value.trim().to_lowercase().as_str())
        {
            let range = self.keys.value("country");
            let d = self
                .error(range, format!("`country: {}` names China another way", c.value))
                .label("an entry outside China is a comparator from abroad")
                .hint("write `China`, or leave `country` out: entries are in China unless they say otherwise");
            self.report(d);
        }
        if let Some(p) = &raw.province {
            if !in_china {
                let range = self.keys.value("province");
                self.report(
                    self.warning(range, "`province` is set for an entry outside China".into()),
                );
            } else if !PROVINCES.contains(&p.value.as_str()) {
                let range = self.keys.value("province");
                let hint = did_you_mean(&p.value, PROVINCES.iter().copied()).map_or_else(
                    || format!("use one of: {}", PROVINCES.join(", ")),
                    |c| format!("did you mean `{c}`?"),
                );
                let d = self
                    .error(range, format!("unknown province `{}`", p.value))
                    .hint(hint);
                self.report(d);
            }
        }
        if let Some(a) = &raw.area_km2
            && !(a.value > 0.0 && a.value.is_finite())
        {
            let range = self.keys.value("area_km2");
            self.report(self.error(range, "`area_km2` must be a positive number".into()));
        }
        if let (Some(s), Some(e)) = (&raw.established, &raw.ended)
            && e.value < s.value
        {
            let range = self.keys.value("ended");
            self.report(self.error(
                range,
                format!(
                    "`ended` ({}) is before `established` ({})",
                    e.value, s.value
                ),
            ));
        }
    }

    fn check_term(
        &mut self,
        key: &str,
        term: &str,
        vocabulary: &std::collections::BTreeMap<String, String>,
    ) {
        if vocabulary.is_empty() || vocabulary.contains_key(term) {
            return;
        }
        let range = self.keys.find_in(self.text, key, term);
        let hint = did_you_mean(term, vocabulary.keys().map(String::as_str)).map_or_else(
            || {
                format!(
                    "add `{term}` to [taxonomies.{}] in atlas.toml, or use a listed term",
                    vocab_name(key)
                )
            },
            |c| format!("did you mean `{c}`?"),
        );
        let d = self
            .warning(
                range,
                format!("`{term}` is not in the {} vocabulary", vocab_name(key)),
            )
            .hint(hint);
        self.report(d);
    }

    /// Where each value of `key`'s list is written: in its own item when
    /// the list is a block, else found one after another in the value
    /// (`[a, b, a]`), so a repeat is located where it repeats.
    fn item_spans(&self, key: &str, values: &[String]) -> Vec<std::ops::Range<usize>> {
        let region = self.keys.value(key);
        let mut after = region.start;
        let mut spans = Vec::with_capacity(values.len());
        for (j, v) in values.iter().enumerate() {
            if self.keys.item(key, j).is_some() {
                spans.push(self.keys.find_in_item(key, j, v));
                continue;
            }
            let rest = after..region.end;
            let at = self.text[rest.clone()]
                .find(v.as_str())
                .map_or(rest.clone(), |k| rest.start + k..rest.start + k + v.len());
            after = at.end.min(region.end);
            spans.push(at);
        }
        spans
    }

    /// Checks the values of a list: each given once, and none holding the
    /// mark that separates a list's values in the downloads' CSV cells
    /// (where it would read as two). Empty values are told elsewhere.
    fn check_list(&mut self, key: &str, values: &[String]) {
        let mut seen = std::collections::HashSet::new();
        for (v, at) in values.iter().zip(self.item_spans(key, values)) {
            if v.trim().is_empty() {
                continue;
            }
            let d = if v.contains(LIST_MARK) {
                self.error(at, format!("`{v}` in `{key}` holds `{LIST_MARK}`"))
                    .label("the downloads' CSV separates a list's values with `; `")
                    .hint("write it without `;` (a comma or a dash reads the same), or give each part as a value of its own")
            } else if !seen.insert(v.as_str()) {
                self.error(at, format!("`{v}` is listed twice in `{key}`"))
                    .hint("remove the repeat")
            } else {
                continue;
            };
            self.report(d);
        }
    }

    fn check_source(&mut self, raw: &SourceMeta) {
        self.check_list("authors", &raw.authors);
        let kind = &raw.kind;
        if !kind.is_empty() && !SOURCE_KINDS.contains(&kind.as_str()) {
            let range = self.keys.value("kind");
            let d = self
                .error(range, format!("unknown source kind `{kind}`"))
                .hint(format!("use one of: {}", SOURCE_KINDS.join(", ")));
            self.report(d);
        }
        if let Some(url) = &raw.url
            && let Err(why) = crate::config::check_link_url(url)
        {
            let range = self.keys.value("url");
            let d = self
                .error(
                    range,
                    format!("`url` is not a link a reader can follow: {why}"),
                )
                .hint("give the publisher's page as a full address: https://...");
            self.report(d);
        }
    }

    /// Checks each fact: it has a value (and a label, in `facts:`), a
    /// list gives each value once, an editorial value has no citation, and
    /// a quote belongs to a single citation.
    fn check_facts(&mut self, rows: &[super::FactRow]) {
        for field in FIELDS
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Facts(_)))
        {
            let values: Vec<String> = rows
                .iter()
                .filter(|r| r.field.name == field.name)
                .map(|r| r.text())
                .collect();
            self.check_list(field.name, &values);
        }
        for (item, row) in super::with_item(rows) {
            let field = row.field;
            let at = |p: &Self, needle: &str| p.keys.find_in_item(field.name, item, needle);
            let value = row.text();
            if value.trim().is_empty() || row.label.as_ref().is_some_and(|l| l.trim().is_empty()) {
                let range = item_span(self, field.name, item);
                let what = if value.trim().is_empty() {
                    "value"
                } else {
                    "label"
                };
                let d = self
                    .error(
                        range,
                        format!("a fact in `{}` has an empty {what}", field.name),
                    )
                    .hint("give it one, or remove the fact");
                self.report(d);
            }
            if row.editorial && row.cite.is_some() {
                let range = at(self, "editorial");
                let d = self
                    .error(range, format!("`{}` is marked editorial but cites a source", field.name))
                    .hint("a fact is either cited (`cite: \"source-id, locator\"`) or supplied by the atlas (`editorial: true`), not both");
                self.report(d);
            }
            if let (Some(quote), Some(cite)) = (&row.quote, &row.cite)
                && crate::cite::count_refs(cite) > 1
            {
                let range = at(self, quote);
                let d = self
                    .error(range, format!("`{}` has one quote for several citations", field.name))
                    .label("which citation does this quote come from?")
                    .hint("put the quote inside the citation it comes from: `cite: \"a, §1, \\\"the words\\\"; b, §2\"`");
                self.report(d);
            }
        }
    }
}

/// Where YAML tags (`!name`, `!!name`, `!<uri>`) stand in front matter
/// text: a `!` outside quotes and comments that starts a node, after a
/// key's `: `, an item's `- `, `[`, `{`, `,` or `? `, or at a line's
/// start. (A plain value cannot start with `!`; one that does is quoted.)
fn yaml_tags(front: &str) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let (mut quote, mut before, mut spaced) = (None, None::<u8>, true);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if spaced || matches!(before, Some(b'[' | b'{' | b',')) => {
                    quote = Some(b)
                }
                (None, b'#') if spaced => break,
                (None, b'!')
                    if spaced
                        && matches!(
                            before,
                            None | Some(b':' | b'-' | b'?' | b'[' | b'{' | b',')
                        )
                        || matches!(before, Some(b'[' | b'{' | b',')) =>
                {
                    let end = line[i..]
                        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
                        .map_or(line.len(), |n| i + n);
                    found.push(offset + i..offset + end);
                    i = end;
                    continue;
                }
                _ => {}
            }
            if quote.is_none() {
                spaced = b.is_ascii_whitespace();
                if !spaced {
                    before = Some(b);
                }
            }
            i += 1;
        }
        offset += line.len();
    }
    found
}

/// What separates a list's values in a CSV cell (the first character of
/// `dataset::LIST_SEPARATOR`), which no value of a list may hold.
const LIST_MARK: char = crate::dataset::LIST_SEPARATOR.as_bytes()[0] as char;

/// The span of item `j` of `key`'s list, or of its whole value.
fn item_span(p: &Parser, key: &str, j: usize) -> std::ops::Range<usize> {
    p.keys.item(key, j).unwrap_or_else(|| p.keys.value(key))
}

fn vocab_name(key: &str) -> &str {
    if key == "fields" { "field" } else { key }
}

fn first_line_len(text: &str) -> usize {
    text.find('\n').unwrap_or(text.len()).max(1)
}

/// The YAML library's message without its own position suffix (we print ours).
fn yaml_message(raw: &str) -> String {
    let cut = raw.find(" at line ").unwrap_or(raw.len());
    raw[..cut].trim_end_matches(',').to_string()
}

fn serde_message(raw: &str) -> String {
    // Our type names mean nothing to an author.
    yaml_message(raw).replace("struct LabeledFact", "a fact `{ label, value, cite }`")
}

fn yaml_hint(message: &str) -> String {
    if message.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted, e.g. `title: \"Plan: 2006\"`".into()
    } else if message.contains("duplicate") {
        "each key may appear once; remove or merge the repeated one".into()
    } else if message.contains("found character that cannot start any token") {
        "values starting with `@`, `` ` `` or `%` must be quoted".into()
    } else if message.contains("did not find expected") {
        "check the indentation and that brackets and quotes are closed".into()
    } else {
        "check the YAML syntax on this line".into()
    }
}

/// For the parser's `duplicate entry with key "k"` about a top-level key of
/// `yaml`: where its second `k:` line starts, and the key's length.
fn repeated_key(yaml: &str, message: &str) -> Option<(usize, usize)> {
    let key = message
        .strip_prefix("duplicate entry with key \"")?
        .split('"')
        .next()?;
    Lines::new(yaml, 0)
        .filter(|line| key_of(&yaml[line.clone()]).is_some_and(|(name, _)| name == key))
        .nth(1)
        .map(|line| (line.start, key.len()))
}
