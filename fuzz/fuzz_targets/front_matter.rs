//! An entry file: front matter split from the body and its YAML parsed into
//! the entry's metadata, as the build parses every file in `content/`, for
//! an item, a source and a plain page.
//!
//! Asserts: no panic; every diagnostic located inside the file (path, line,
//! column) and printable; a parsed entry's body and front matter lie on
//! character boundaries and split the file where it says, each key it
//! indexes is the text at its place; an entry without errors has the
//! required fields.
#![no_main]

use atlas::entry::{Kind, Meta};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The loader refuses a file that is not UTF-8 before parsing it.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [Kind::Park, Kind::Source, Kind::Page] {
        check(kind, text);
    }
});

fn check(kind: Kind, text: &str) {
    let path = format!("content/{}/fuzz.md", kind.folder());
    let (entry, diags) = atlas::fuzzing::front_matter(kind, text);
    for d in &diags {
        if d.message == "file is empty" {
            assert!(text.trim_start_matches('\u{feff}').trim().is_empty());
            assert_eq!(d.path.as_deref(), Some(path.as_str()));
            continue;
        }
        atlas_fuzz::assert_located(d, &path, text);
    }
    let errors = diags.iter().any(|d| d.is_error());
    let Some(entry) = entry else {
        assert!(errors, "no entry and no error");
        return;
    };
    let body = entry.body.clone();
    assert!(body.start <= body.end && body.end == text.len(), "{body:?}");
    assert!(text.is_char_boundary(body.start));
    assert_eq!(&*entry.text, text);
    let head = &entry.head;
    assert_eq!(&*head.front, &text[..body.start]);
    let front = head.keys.front.clone();
    assert!(front.end <= body.start && text.is_char_boundary(front.start));
    assert!(text.is_char_boundary(front.end));
    for (key, at) in head.keys.in_order() {
        assert!(
            front.start <= at.start && at.end <= front.end,
            "{key}: {at:?}"
        );
        assert_eq!(&text[at.clone()], key);
        let value = head.keys.value(key);
        assert!(
            value.start <= value.end && value.end <= front.end,
            "{key}: {value:?}"
        );
        assert!(text.is_char_boundary(value.start) && text.is_char_boundary(value.end));
    }
    if !errors {
        let (title, summary) = (head.title(), head.summary());
        assert!(!title.is_empty(), "no title and no error");
        if let Meta::Item(item) = &head.meta {
            assert!(!summary.is_empty(), "no summary and no error");
            assert!(item.updated.is_some(), "no `updated` and no error");
        }
    }
}
