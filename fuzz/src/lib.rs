//! What the fuzz targets assert, shared: diagnostics located inside their
//! file, and HTML that a strict parser reads back as the writer means it.

use std::collections::HashSet;

use atlas::diag::Diagnostic;

/// Asserts that `d` points inside `text` (the file at `path`): the path,
/// a line the file has, a column that line has (one past its end at most),
/// and the line's own text; and that it prints.
pub fn assert_located(d: &Diagnostic, path: &str, text: &str) {
    let shown = d.to_string();
    let loc = d
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("a diagnostic without a place:\n{shown}"));
    assert_eq!(loc.path, path, "{shown}");
    assert_eq!(d.path.as_deref(), Some(path), "{shown}");
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        loc.line >= 1 && loc.line <= lines.len(),
        "line {} of {}:\n{shown}",
        loc.line,
        lines.len()
    );
    // A carriage return is a column (as JSON parsers count it), though
    // not shown at the end of a line.
    let raw = lines[loc.line - 1];
    let line = raw.trim_end_matches('\r');
    let chars = raw.chars().count();
    assert!(
        loc.col >= 1 && loc.col <= chars + 1,
        "column {} of a line of {chars} characters:\n{shown}",
        loc.col
    );
    assert!(
        loc.caret >= 1 && loc.width >= 1,
        "caret {} width {}:\n{shown}",
        loc.caret,
        loc.width
    );
    if chars <= atlas::limits::DIAGNOSTIC_LINE {
        assert_eq!(loc.line_text, line, "{shown}");
    }
}

/// Whether `c` is one of the characters the renderer masks citations with.
pub fn is_placeholder(c: char) -> bool {
    ('\u{F0000}'..='\u{FFFFD}').contains(&c)
}

/// The elements the Markdown writer and the notes write.
const ELEMENTS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "sup",
    "sub",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "span",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "aside",
    "img",
    "br",
    "hr",
    "input",
    "q",
];

/// The attributes they write.
const ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "href",
    "src",
    "alt",
    "title",
    "aria-label",
    "data-note",
    "start",
    "disabled",
    "type",
    "checked",
    "style",
    "role",
];

/// The schemes a link or image on a page may have.
const SCHEMES: &[&str] = &["http", "https", "mailto"];

/// What an HTML fragment holds, once checked.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every `id`, in order.
    pub ids: Vec<String>,
    /// Every same-page link target (`href="#x"`), decoded.
    pub fragments: Vec<String>,
    /// How many note marks (`<sup class="note-ref">`) link to each note.
    pub note_marks: Vec<usize>,
    /// The text as a reader gets it: every text node, entities decoded.
    pub text: String,
    /// Every attribute value, one a line, entities decoded.
    pub attributes: String,
}

/// Reads `html` (a body or a note) back with a strict XML parser, after the
/// guard every page passes through, and asserts: every tag closed in order,
/// only the elements and attributes the writer writes, no event handler or
/// script, every `href` and `src` of an allowed scheme, no link inside a
/// link, no placeholder character (unless the input holds one, which is an
/// error). Returns its ids, links and text.
pub fn check_html(html: &str, input_has_placeholders: bool) -> Checked {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script element:\n{html}");
    assert!(
        input_has_placeholders || !html.chars().any(is_placeholder),
        "a citation placeholder reached the HTML:\n{html}"
    );
    let clean = atlas::xml::clean(html);
    let wrapped = format!("<div>{clean}</div>");
    let doc = roxmltree::Document::parse(&wrapped)
        .unwrap_or_else(|e| panic!("not well formed ({e}):\n{html}"));
    let mut out = Checked::default();
    for node in doc.root_element().descendants().skip(1) {
        if let Some(t) = node.text().filter(|_| node.is_text()) {
            out.text.push_str(t);
        }
        if !node.is_element() {
            continue;
        }
        let name = node.tag_name().name();
        assert!(ELEMENTS.contains(&name), "element <{name}>:\n{html}");
        if name == "a" {
            assert!(
                !node.ancestors().skip(1).any(|a| a.has_tag_name("a")),
                "a link inside a link:\n{html}"
            );
        }
        for attr in node.attributes() {
            let key = attr.name();
            let value = attr.value();
            out.attributes.push_str(value);
            out.attributes.push('\n');
            assert!(
                !key.to_ascii_lowercase().starts_with("on"),
                "event handler `{key}`:\n{html}"
            );
            assert!(
                ATTRIBUTES.contains(&key),
                "attribute `{key}` on <{name}>:\n{html}"
            );
            match key {
                "style" => assert!(
                    ["left", "center", "right"]
                        .iter()
                        .any(|a| value == format!("text-align: {a}")),
                    "style `{value}`:\n{html}"
                ),
                "href" | "src" => {
                    if let Some(scheme) = scheme(value) {
                        assert!(
                            SCHEMES.contains(&scheme.as_str()),
                            "{key} with the scheme `{scheme}:`:\n{html}"
                        );
                    }
                    if let Some(f) = value.strip_prefix('#') {
                        out.fragments.push(decode(f));
                    }
                }
                "id" => out.ids.push(value.to_string()),
                _ => {}
            }
        }
        if name == "sup" && node.attribute("class") == Some("note-ref") {
            let n = node
                .children()
                .find(|c| c.has_tag_name("a"))
                .and_then(|a| a.attribute("data-note"))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a note mark without its number:\n{html}"));
            out.note_marks.push(n);
        }
    }
    out
}

/// The scheme of a URL as a browser reads it (control characters and
/// whitespace dropped, lowercased), if it has one.
fn scheme(url: &str) -> Option<String> {
    let mut s = String::new();
    for c in url.chars() {
        if c.is_control() || c.is_whitespace() {
            continue;
        }
        match c {
            ':' => return Some(s),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                s.push(c.to_ascii_lowercase())
            }
            _ => return None,
        }
    }
    None
}

/// `%`-escapes decoded.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if bytes[i] == b'%'
            && let Some(b) = hex
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Asserts that no id is given twice.
pub fn assert_unique(ids: &[String], html: &str) {
    let mut seen = HashSet::new();
    for id in ids {
        assert!(seen.insert(id), "the id `{id}` is given twice:\n{html}");
    }
}
