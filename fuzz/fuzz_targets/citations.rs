//! The citation scanner on any text: `[@id, locator; @id2, "quote"]` groups
//! and the marks it must leave alone (`\[@`, `[@x](...)`, footnotes), then
//! each group parsed, as the renderer does, and the whole text parsed as a
//! fact's `cite:` value.
//!
//! Asserts: no panic; every group and every error lies inside the text, on
//! character boundaries, in order and apart; a group is `[@...]`; masking
//! keeps every offset and leaves one placeholder per group, no other; each parsed reference's id and quote are the text
//! at their spans; every error's span lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (groups, errors) = atlas::markdown::scan_citations(text);
    let mut last = 0;
    for g in &groups {
        let r = g.range.clone();
        assert!(
            last <= r.start && r.start < r.end && r.end <= text.len(),
            "{r:?}"
        );
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let raw = &text[r.clone()];
        assert!(raw.starts_with("[@") && raw.ends_with(']'), "{raw:?}");
        last = r.end;
        // As the renderer parses it: the inside, offset in the text.
        match atlas::cite::parse_group(&raw[1..raw.len() - 1], r.start + 1, true) {
            Ok(refs) => {
                assert!(!refs.is_empty());
                for c in refs {
                    assert!(c.id_span.start > r.start && c.id_span.end < r.end);
                    assert_eq!(text[c.id_span.clone()], c.source);
                    if let Some(q) = &c.quote {
                        assert!(c.quote_span.end < r.end);
                        assert_eq!(&text[c.quote_span.clone()], q);
                    }
                }
            }
            Err(e) => span_inside(text, e.span, &e.message),
        }
    }
    for e in &errors {
        span_inside(text, e.range.clone(), e.message);
    }
    let masked = atlas::fuzzing::mask(text, &groups);
    assert_eq!(masked.len(), text.len(), "masking moved the text");
    // Outside the groups the text is as written, but for placeholder
    // characters of its own (an error), which are masked as something else.
    let outside = |part: &str| -> String {
        part.chars()
            .map(|c| {
                if atlas_fuzz::is_placeholder(c) {
                    "\u{FFFD}x".to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let mut at = 0;
    for g in &groups {
        let r = g.range.clone();
        assert!(masked.is_char_boundary(r.start) && masked.is_char_boundary(r.end));
        assert_eq!(
            masked[at..r.start],
            outside(&text[at..r.start]),
            "masking changed the text"
        );
        at = r.end;
    }
    assert_eq!(
        masked[at..],
        outside(&text[at..]),
        "masking changed the text"
    );
    assert_eq!(
        masked
            .chars()
            .filter(|&c| atlas_fuzz::is_placeholder(c))
            .count(),
        groups.len(),
        "one placeholder per group"
    );
    // A fact's `cite:` value: the same syntax, `@` optional.
    let _ = atlas::cite::count_refs(text);
    match atlas::cite::parse_group(text, 0, false) {
        Ok(refs) => {
            for c in refs {
                assert_eq!(text[c.id_span.clone()], c.source);
            }
        }
        Err(e) => span_inside(text, e.span, &e.message),
    }
});

fn span_inside(text: &str, span: std::ops::Range<usize>, message: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{message}: {span:?} of {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{message}: {span:?}"
    );
}
