//! The one path by which text from content reaches HTML: escaping, and the
//! check of every URL, class name and id that goes into an attribute.
//!
//! The Markdown renderer writes its HTML itself and calls these for every
//! text, URL and attribute, whatever the Markdown context (paragraph,
//! heading, table cell, footnote, link text); no other code writes content
//! into HTML attributes.

use std::fmt::Write as _;

/// Escapes text for an attribute value in double quotes (and for element
/// content): `&`, `<`, `>`, `"` and `'`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    push_escaped(&mut out, s);
    out
}

/// Appends `s` to `out`, escaped as [`escape`] does.
pub fn push_escaped(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(out, s);
}

/// Appends `s` to `out` as element content: `&`, `<` and `>` escaped.
pub fn push_text(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html_body_text(out, s);
}

/// A JSON value as the text of a `<script type="application/ld+json">`
/// element: `<`, `>` and `&` written as JSON escapes, so no text in it can
/// close the element (`</script>`) or open a comment. The script is data,
/// not code: a strict Content-Security-Policy allows it.
pub fn script_json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// What a link or image target in content is, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<'a> {
    /// An `http`, `https` or `mailto` URL, as written (trimmed).
    External(&'a str),
    /// `@id`, optionally with a `#fragment`: an entry of the atlas.
    Entry {
        id: &'a str,
        fragment: Option<&'a str>,
    },
    /// `#fragment`: a place on the same page.
    Fragment(&'a str),
    /// A path relative to the page (`../../static/x.png`).
    Relative(&'a str),
    /// A path from the host's root (`/parks/x/`): it breaks under a
    /// subpath and from `file://`.
    RootRelative(&'a str),
    /// A scheme that is not allowed (`javascript:`, `data:`, `file:`, ...),
    /// with the scheme as written, lowercased.
    Forbidden(String),
}

/// The schemes a link in content may use.
pub const SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Classifies a link or image target as written in content. Control
/// characters and whitespace inside a scheme (`java\tscript:`) cannot
/// smuggle one past the check: browsers drop them, so this does too before
/// looking at the scheme.
pub fn classify(dest: &str) -> Target<'_> {
    let dest = dest.trim();
    if let Some(rest) = dest.strip_prefix('@') {
        let (id, fragment) = match rest.split_once('#') {
            Some((id, f)) => (id, Some(f)),
            None => (rest, None),
        };
        return Target::Entry { id, fragment };
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        return Target::Fragment(fragment);
    }
    if let Some(scheme) = scheme_of(dest) {
        return if SCHEMES.contains(&scheme.as_str()) {
            Target::External(dest)
        } else {
            Target::Forbidden(scheme)
        };
    }
    if dest.starts_with('/') || dest.starts_with('\\') {
        return Target::RootRelative(dest);
    }
    Target::Relative(dest)
}

/// The scheme of a URL (lowercased), if it has one: the letters, digits,
/// `+`, `-` and `.` before a `:` that comes before any `/`, `?` or `#`,
/// ignoring control characters and whitespace as browsers do.
fn scheme_of(dest: &str) -> Option<String> {
    let mut scheme = String::new();
    for c in dest.chars() {
        if c.is_control() || c.is_whitespace() {
            continue;
        }
        match c {
            ':' => return (!scheme.is_empty()).then_some(scheme),
            '/' | '?' | '#' => return None,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase());
            }
            // Anything else cannot be in a scheme; browsers would read it as
            // a path, and so does this.
            _ => return None,
        }
    }
    None
}

/// Appends a URL as an attribute value: percent-encoding what may not
/// stand raw in a URL (spaces, quotes, angle brackets, non-ASCII) and
/// escaping `&` and `'` for HTML.
pub fn push_url(out: &mut String, url: &str) {
    let _ = pulldown_cmark_escape::escape_href(out, url);
}

/// Whether a class name from content is safe as it is: letters, digits,
/// `-` and `_` only.
pub fn is_class(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// ` class="a b"`, for the class names that are safe; nothing if none is.
pub fn class_attr<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let safe: Vec<&str> = names.into_iter().filter(|n| is_class(n)).collect();
    let mut out = String::new();
    if !safe.is_empty() {
        let _ = write!(out, " class=\"{}\"", escape(&safe.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_targets_and_refuses_script_schemes() {
        assert_eq!(
            classify("https://x.org/a"),
            Target::External("https://x.org/a")
        );
        assert_eq!(
            classify(" mailto:a@b.org "),
            Target::External("mailto:a@b.org")
        );
        assert_eq!(
            classify("@torch#history"),
            Target::Entry {
                id: "torch",
                fragment: Some("history")
            }
        );
        assert_eq!(classify("#top"), Target::Fragment("top"));
        assert_eq!(classify("/parks/q/"), Target::RootRelative("/parks/q/"));
        assert_eq!(
            classify("../static/x.png"),
            Target::Relative("../static/x.png")
        );
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " java\tscript:alert(1)",
            "java\u{0}script:x",
            "vbscript:x",
            "data:text/html,<script>",
            "file:///etc/passwd",
        ] {
            assert!(matches!(classify(bad), Target::Forbidden(_)), "{bad}");
        }
        // A colon after a slash is a path, not a scheme.
        assert_eq!(classify("a/b:c"), Target::Relative("a/b:c"));
    }

    #[test]
    fn escapes_text_urls_and_classes() {
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        let mut out = String::new();
        push_url(&mut out, "https://x.org/a b\"c?d=<e>&f");
        assert_eq!(out, "https://x.org/a%20b%22c?d=%3Ce%3E&amp;f");
        assert_eq!(
            class_attr(["ok", "no\"pe", "also-ok"]),
            " class=\"ok also-ok\""
        );
        assert_eq!(class_attr(["x onclick=y"]), "");
    }
}
