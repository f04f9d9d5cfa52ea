//! The characters XML forbids, dropped from every markup file the site
//! writes.
//!
//! XML 1.0 allows tab, line feed and carriage return of the C0 controls and
//! neither U+FFFE nor U+FFFF; one such character anywhere makes a document
//! ill-formed and a feed reader rejects the whole feed. Content can carry
//! them where its source text does not show them (a YAML `"\0"` escape, a
//! `\u0001` in a GeoJSON string), so they are removed at the one place
//! every file leaves the pipeline ([`Guard`], in front of the sink),
//! by the file's extension: `.xml`, `.svg` and the HTML pages (whose inline
//! SVG is XML too, and where HTML forbids the same controls). A new XML
//! output cannot forget the rule: it never hands its bytes to the sink
//! itself. Dropping is safe after rendering because none of these
//! characters can be part of markup; JSON escapes them, and CSV cells drop
//! them when written (`pages::downloads`).

use bytes::Bytes;

use crate::Sink;
use crate::body::Body;
use crate::diag::Diagnostic;
use crate::memo::{Digest, Digested, Memo, Query, digest};
use crate::pages::Made;
use rustc_hash::FxHashSet;
use std::sync::Mutex;

/// Whether XML 1.0 allows `c` in a document.
pub fn allowed(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// `text` without the characters XML forbids (borrowed when it has none).
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

/// Whether the file at `path` is markup (XML, SVG, HTML).
pub fn is_markup(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    ["xml", "svg", "html", "htm", "xhtml", "atom", "rss"]
        .iter()
        .any(|m| ext.eq_ignore_ascii_case(m))
}

/// Markup bytes without the characters XML forbids; the same bytes, not a
/// copy, when there are none (the common case: a byte scan).
pub fn clean_bytes(bytes: &Bytes) -> Bytes {
    // Every forbidden character is a C0 control byte, or U+FFFE/U+FFFF
    // (EF BF BE, EF BF BF in UTF-8).
    // Scanned in blocks without an early exit, which the compiler turns
    // into vector instructions: every output passes through here.
    let control = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    let mut controls = false;
    let mut ef = false;
    for block in bytes.chunks(256) {
        controls |= block.iter().fold(false, |any, &b| any | control(b));
        ef |= block.iter().fold(false, |any, &b| any | (b == 0xEF));
        if controls {
            break;
        }
    }
    // Chinese text has many characters led by EF (full-width punctuation),
    // few by EF BF.
    let suspect = controls || (ef && bytes.windows(2).any(|w| w == [0xEF, 0xBF]));
    if !suspect {
        return bytes.clone();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => match clean(text) {
            std::borrow::Cow::Borrowed(_) => bytes.clone(),
            std::borrow::Cow::Owned(text) => Bytes::from(text),
        },
        // Not text: not ours to change.
        Err(_) => bytes.clone(),
    }
}

/// The way every file leaves the pipeline: hands it to the sink, without
/// the characters XML forbids if it is markup, and refuses a second file at
/// a path already given (two pages, or a page and a theme file, that would
/// overwrite one another: `build`, `check` and `serve` all report it, as an
/// error). The scan is a query on the file's digest, so `atlas serve` does
/// not scan again the files a run took unchanged from the memo.
pub struct Guard<'a> {
    sink: &'a dyn Sink,
    memo: &'a Memo,
    /// The digest of every path given so far.
    given: Mutex<FxHashSet<Digest>>,
}

/// A markup file without the characters XML forbids.
static CLEAN: Query<Digested<Made>, Body> = Query::new("xml guard", |made| match &**made {
    Ok(Body::One(bytes)) => Body::One(clean_bytes(bytes)),
    // Pieces may split a character: cleaned whole.
    Ok(body) => Body::One(clean_bytes(&body.to_bytes())),
    Err(_) => Body::One(Bytes::new()),
});

impl<'a> Guard<'a> {
    /// A guard in front of `sink`, for one run.
    pub fn new(sink: &'a dyn Sink, memo: &'a Memo) -> Self {
        Guard {
            sink,
            memo,
            given: Mutex::default(),
        }
    }

    /// Hands the file at `path` on; a file that could not be made gives
    /// its problem, and so does a path given before.
    pub fn put(&self, path: &str, made: &Digested<Made>) -> Result<(), Diagnostic> {
        let first = self
            .given
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(digest(path));
        if !first {
            return Err(
                Diagnostic::error(format!("two files of the site are both `{path}`")).hint(
                    "two pages, or a page and a theme file, have the same path: rename one of them",
                ),
            );
        }
        match &**made {
            Err(d) => Err(d.clone()),
            Ok(_) if is_markup(path) => self.sink.put(path, &self.memo.get(&CLEAN, made)),
            Ok(bytes) => self.sink.put(path, bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_dropped_and_others_kept() {
        let text = "a\0b\u{1}c\u{b}d\u{c}e\u{1f}f\u{fffe}g\u{ffff}h\ti\nj\rk\u{7f}l\u{fffd}m中";
        assert_eq!(clean(text), "abcdefgh\ti\nj\rk\u{7f}l\u{fffd}m中");
        let clean_text = Bytes::from_static("<p>ok ﻿ 中</p>".as_bytes());
        assert_eq!(clean_bytes(&clean_text).as_ptr(), clean_text.as_ptr());
        assert_eq!(
            clean_bytes(&Bytes::from("<t>a\0b</t>")),
            Bytes::from("<t>ab</t>")
        );
        assert!(is_markup("atom.xml") && is_markup("static/map-china.svg"));
        assert!(is_markup("parks/x/index.html") && !is_markup("data/atlas.csv"));
    }
}
