//! Diagnostics: every problem the pipeline finds, with where it is and what to do.
//!
//! Stages never stop at the first problem. They push [`Diagnostic`]s into a
//! [`Diagnostics`] list and go on; the caller prints them all, grouped by file,
//! and sets the exit code. A diagnostic that points into a file carries a
//! [`Location`] computed once, when it is made, from the file's own text, so
//! rendering needs no access to the sources.

use std::fmt::{self, Write as _};
use std::ops::Range;

use crate::limits;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build fails.
    Error,
    /// Reported; the build goes on.
    Warning,
    /// Something worth knowing that is not a problem (e.g. a check that
    /// could not run here); not counted as a warning.
    Note,
}

/// A place in a file: the path shown to the user, 1-based line and column, and
/// the text of that line so the message can show it with a caret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub col: usize,
    /// The text of the line, without its line break; of a line longer than
    /// [`limits::DIAGNOSTIC_LINE`] characters only a window around the caret,
    /// with `…` where it was cut, so a diagnostic's size is bounded whatever
    /// the line's.
    pub line_text: String,
    /// The caret's 1-based column in `line_text` (`col` unless the line was cut).
    pub caret: usize,
    /// How many characters the caret underlines (at least 1, at most
    /// [`limits::DIAGNOSTIC_CARET`]).
    pub width: usize,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Box<Location>>,
    /// Text printed beside the caret.
    pub label: Option<String>,
    pub hint: Option<String>,
    /// A file-level place without a line (e.g. an invalid file name).
    pub path: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    pub fn note(message: impl Into<String>) -> Self {
        Self::new(Severity::Note, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            message: bounded(message.into()),
            location: None,
            label: None,
            hint: None,
            path: None,
        }
    }

    /// Points the diagnostic at `range` (byte offsets) of `text`, the content of `path`.
    pub fn at(mut self, path: &str, text: &str, range: Range<usize>) -> Self {
        self.location = Some(Box::new(locate(path, text, range)));
        self.path = Some(path.to_string());
        self
    }

    /// Names a file without pointing into it.
    pub fn in_file(mut self, path: &str) -> Self {
        self.path = Some(path.to_string());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(bounded(label.into()));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(bounded(hint.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The key diagnostics are sorted by: file, then position, then text.
    fn sort_key(&self) -> (Option<&str>, usize, usize, Severity, &str) {
        let (line, col) = self.location.as_ref().map_or((0, 0), |l| (l.line, l.col));
        (
            self.path.as_deref(),
            line,
            col,
            self.severity,
            &self.message,
        )
    }
}

/// Turns a byte offset into a 1-based line and a 1-based column counted in
/// characters. CRLF line endings count as one break; an offset past the end
/// or inside a character is clamped.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut col = text[line_start..offset].chars().count() + 1;
    // A byte-order mark is invisible: the first line's columns start after it.
    if line_start == 0 && offset > 0 && text.starts_with('\u{feff}') {
        col -= 1;
    }
    (line, col)
}

fn locate(path: &str, text: &str, range: Range<usize>) -> Location {
    let start = floor_boundary(text, range.start);
    let (line, col) = line_col(text, start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    // The caret covers the range but never runs past the end of the line.
    let end = floor_boundary(text, range.end.clamp(start, line_end));
    let width = text[start..end]
        .chars()
        .count()
        .clamp(1, limits::DIAGNOSTIC_CARET);
    let line_str = text[line_start..line_end].trim_end_matches('\r');
    let caret_byte = (start - line_start).min(line_str.len());
    // The caret indexes the line's characters (a byte-order mark among
    // them), whatever column is reported.
    let nth = line_str[..caret_byte].chars().count() + 1;
    let (line_text, caret) = window(line_str, caret_byte, nth, width);
    Location {
        path: path.to_string(),
        line,
        col,
        line_text,
        caret,
        width,
    }
}

/// A long line cut to a window around the caret, so the caret stays on
/// screen and a diagnostic stays small: returns the text kept and the
/// caret's column in it. `caret_byte` is the caret's byte offset in `line`
/// and `col` its 1-based column; `width` how many characters it underlines.
fn window(line: &str, caret_byte: usize, col: usize, width: usize) -> (String, usize) {
    if line.chars().nth(limits::DIAGNOSTIC_LINE).is_none() {
        return (line.to_string(), col);
    }
    // Up to 40 characters before the caret, the underline (at least 20) and 40 after.
    let back = (col - 1).min(39);
    let from = match back {
        0 => caret_byte,
        n => line[..caret_byte]
            .char_indices()
            .rev()
            .nth(n - 1)
            .map_or(0, |(i, _)| i),
    };
    let ahead = width.max(20) + 41;
    let to = line[caret_byte..]
        .char_indices()
        .nth(ahead)
        .map_or(line.len(), |(i, _)| caret_byte + i);
    let cut_before = from > 0;
    let mut shown = String::with_capacity(to - from + 6);
    if cut_before {
        shown.push('…');
    }
    shown.push_str(&line[from..to]);
    if to < line.len() {
        shown.push('…');
    }
    (shown, back + 1 + usize::from(cut_before))
}

/// `text` cut to [`limits::DIAGNOSTIC_TEXT`] characters.
fn bounded(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(limits::DIAGNOSTIC_TEXT) {
        let rest = text[cut..].chars().count();
        text.truncate(cut);
        let _ = write!(text, "… ({rest} more characters)");
    }
    text
}

/// User text made safe to print: control characters (escape sequences
/// would reach the terminal raw) and bidirectional overrides (which make
/// text read differently from what it is) shown as `\u{1b}`; line breaks
/// and tabs are kept where `keep_breaks`.
pub fn escape(text: &str, keep_breaks: bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep_breaks)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c, keep_breaks);
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char, keep_breaks: bool) -> bool {
    (c.is_control() && !(keep_breaks && matches!(c, '\n' | '\t')))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Pushes `c`, escaped if it must be; returns how many characters it took.
fn push_escaped(out: &mut String, c: char, keep_breaks: bool) -> usize {
    if needs_escape(c, keep_breaks) {
        let before = out.len();
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
        out.len() - before
    } else {
        out.push(c);
        1
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    /// Renders in the style of rustc:
    ///
    /// ```text
    /// error: unknown source `merics-2024`
    ///   --> content/labs/x.md:14:19
    ///    |
    /// 14 | founded in 2007 [@merics-2024, §3] and
    ///    |                   ^^^^^^^^^^^ no source with this id
    ///    |
    ///    = hint: did you mean `groenewegen-lau-laha-2023`?
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        writeln!(f, "{severity}: {}", escape(&self.message, true))?;
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(gutter);
        let label = self.label.as_deref().map(|l| escape(l, true));
        match (&self.location, &self.path) {
            (Some(loc), _) => {
                writeln!(
                    f,
                    "{pad}--> {}:{}:{}",
                    escape(&loc.path, false),
                    loc.line,
                    loc.col
                )?;
                writeln!(f, "{pad} |")?;
                let (shown, lead, width) = caret_line(loc);
                writeln!(f, "{} | {}", loc.line, shown)?;
                let mut marker = format!("{}{}", " ".repeat(lead), "^".repeat(width));
                if let Some(label) = &label {
                    let _ = write!(marker, " {label}");
                }
                writeln!(f, "{pad} | {marker}")?;
            }
            (None, Some(path)) => {
                writeln!(f, "{pad}--> {}", escape(path, false))?;
                if let Some(label) = &label {
                    writeln!(f, "{pad} = note: {label}")?;
                }
            }
            (None, None) => {
                if let Some(label) = &label {
                    writeln!(f, "{pad} = note: {label}")?;
                }
            }
        }
        if let Some(hint) = &self.hint {
            if self.location.is_some() {
                writeln!(f, "{pad} |")?;
            }
            writeln!(f, "{pad} = hint: {}", escape(hint, true))?;
        }
        Ok(())
    }
}

/// The line as printed (tabs as spaces, control characters escaped), the
/// number of columns before the caret and the caret's width, both counted
/// in terminal columns (Unicode East Asian Width, UAX #11) so the caret
/// stays under its text.
fn caret_line(loc: &Location) -> (String, usize, usize) {
    let mut shown = String::with_capacity(loc.line_text.len());
    let (mut lead, mut width) = (0, 0);
    let under = loc.caret..loc.caret + loc.width;
    for (i, c) in loc.line_text.chars().enumerate() {
        let taken = if c == '\t' {
            shown.push(' ');
            1
        } else if needs_escape(c, false) {
            push_escaped(&mut shown, c, false)
        } else {
            // As wide as the terminal prints it: two columns for Chinese,
            // none for a zero-width mark.
            shown.push(c);
            unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
        };
        if i + 1 < loc.caret {
            lead += taken;
        } else if under.contains(&(i + 1)) {
            width += taken;
        }
    }
    // A caret past the end of the line (a missing value) still shows.
    let past = under
        .end
        .saturating_sub(loc.line_text.chars().count() + 1)
        .min(loc.width);
    (shown, lead, (width + past).max(1))
}

/// The problems collected by a run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// No error and no warning (notes may be there).
    pub fn is_clean(&self) -> bool {
        self.error_count() + self.warning_count() == 0
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file and position, so output is stable whatever order the
    /// parallel stages finished in.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        items.dedup_by(|a, b| a == b);
        items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Every diagnostic, rendered, with a blank line between them.
    pub fn render(&self) -> String {
        self.render_where(|_| true)
    }

    /// The errors only, rendered as [`Diagnostics::render`] does.
    pub fn render_errors(&self) -> String {
        self.render_where(Diagnostic::is_error)
    }

    /// Renders the diagnostics `keep` accepts, at most
    /// [`limits::DIAGNOSTICS_PER_FILE`] per file and a count of the rest.
    fn render_where(&self, keep: impl Fn(&Diagnostic) -> bool) -> String {
        let mut out = String::new();
        let (mut file, mut shown, mut hidden) = (None, 0, 0);
        let more = |out: &mut String, file: Option<&str>, hidden: usize| {
            if let (Some(path), 1..) = (file, hidden) {
                let s = if hidden == 1 { "" } else { "s" };
                let _ = writeln!(
                    out,
                    "... and {hidden} more problem{s} in `{}`\n",
                    escape(path, false)
                );
            }
        };
        for d in self.sorted().into_iter().filter(|d| keep(d)) {
            if d.path.as_deref() != file {
                more(&mut out, file, hidden);
                (file, shown, hidden) = (d.path.as_deref(), 0, 0);
            }
            if file.is_some() && shown == limits::DIAGNOSTICS_PER_FILE {
                hidden += 1;
                continue;
            }
            shown += 1;
            let _ = writeln!(out, "{d}");
        }
        more(&mut out, file, hidden);
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The closest candidate to `word`, for "did you mean" hints, if any is close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_counts_terminal_columns() {
        let text = "name_zh: { value: \"实验室\", cite: \"nosuch-2020, §1\" }\n";
        let at = text.find("nosuch").unwrap();
        let loc = locate("x.md", text, at..at + "nosuch-2020".len());
        let (_, lead, width) = caret_line(&loc);
        // 19 + 3 Chinese characters two columns wide + 10.
        assert_eq!((lead, width), (35, 11));
        // A byte-order mark takes no column.
        let text = "\u{feff}title x\n";
        let loc = locate("x.md", text, 9..10);
        assert_eq!(caret_line(&loc).1, 6);
    }

    #[test]
    fn line_col_counts_lines_and_chars() {
        let text = "ab\ncdé\r\nfg";
        assert_eq!(line_col(text, 0), (1, 1));
        let bom = "\u{feff}---\ntitle: x\n";
        assert_eq!(line_col(bom, 0), (1, 1));
        assert_eq!(line_col(bom, 3), (1, 1));
        assert_eq!(line_col(bom, 4), (1, 2));
        assert_eq!(line_col(bom, 7), (2, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4)); // after é (2 bytes)
        assert_eq!(line_col(text, 9), (3, 1));
        assert_eq!(line_col(text, 99), (3, 3));
        assert_eq!(line_col(text, 6), (2, 3)); // inside é: clamped back
    }

    #[test]
    fn renders_like_rustc() {
        let text = "a\nfounded [@merics-2024, §3] x\n";
        let start = text.find("merics").unwrap();
        let d = Diagnostic::error("unknown source `merics-2024`")
            .at("content/labs/x.md", text, start..start + 11)
            .label("no source with this id")
            .hint("did you mean `merics-2023`?");
        let expected = "error: unknown source `merics-2024`\n \
                        --> content/labs/x.md:2:11\n  |\n\
                        2 | founded [@merics-2024, §3] x\n  \
                        |           ^^^^^^^^^^^ no source with this id\n  |\n  \
                        = hint: did you mean `merics-2023`?\n";
        assert_eq!(d.to_string(), expected);
    }

    /// The rendering before lines were cut when located: the whole line
    /// kept, cut when printed.
    fn window_when_printed(line: &str, col: usize, width: usize) -> (String, usize) {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() <= 100 {
            return (line.to_string(), col);
        }
        let start = col.saturating_sub(40).min(chars.len());
        let end = (col + width.max(20) + 40).min(chars.len());
        let mut shown = String::new();
        if start > 0 {
            shown.push('…');
        }
        shown.extend(&chars[start..end]);
        if end < chars.len() {
            shown.push('…');
        }
        (shown, col - start + usize::from(start > 0))
    }

    #[test]
    fn long_lines_are_cut_when_located_as_they_were_when_printed() {
        let lines = [
            "short line".to_string(),
            "é".repeat(100),
            "é".repeat(101),
            format!("{}x{}", "中".repeat(30), "a".repeat(300)),
            format!("{}x{}", "a".repeat(300), "b".repeat(10)),
            format!("{}x", "a".repeat(150)),
        ];
        for line in &lines {
            let n = line.chars().count();
            for col in [1, 2, 39, 40, 41, 42, 60, n / 2, n, n + 1] {
                let col = col.clamp(1, n + 1);
                for width in [1, 5, 30, 300] {
                    let byte = line
                        .char_indices()
                        .nth(col - 1)
                        .map_or(line.len(), |(i, _)| i);
                    let end = line
                        .char_indices()
                        .nth(col - 1 + width)
                        .map_or(line.len(), |(i, _)| i);
                    let text = format!("first\n{line}\nlast");
                    let loc = locate("f", &text, 6 + byte..6 + end);
                    let width = loc.width;
                    assert_eq!(
                        (loc.line_text.clone(), loc.caret),
                        window_when_printed(line, col, width),
                        "col {col} width {width} of a line of {n}"
                    );
                    assert!(loc.line_text.chars().count() <= 100 + 2 * 40 + 200 + 2);
                }
            }
        }
    }

    #[test]
    fn a_huge_range_on_a_huge_line_keeps_a_small_location() {
        let line = "x, ".repeat(100_000);
        let d = Diagnostic::error("m").at("f", &line, 10..line.len());
        let loc = d.location.unwrap();
        assert_eq!(loc.width, limits::DIAGNOSTIC_CARET);
        assert!(loc.line_text.len() < 400, "{}", loc.line_text.len());
        let long = Diagnostic::error("y".repeat(50_000)).hint("z".repeat(5_000));
        assert!(long.message.len() < 2_100 && long.message.ends_with("… (48000 more characters)"));
        assert!(long.hint.unwrap().len() < 2_100);
    }

    #[test]
    fn control_characters_are_shown_escaped_with_the_caret_under_its_text() {
        let text = "title: \u{1b}[31mred \u{202e}x: [\n";
        let at = text.find('x').unwrap();
        let d = Diagnostic::error("bad \u{1b}[2J\nnext")
            .at("content/\u{7}p.md", text, at..at + 1)
            .label("here \u{1b}")
            .hint("fix \u{9b}31m");
        let expected = "error: bad \\u{1b}[2J\nnext\n \
                        --> content/\\u{7}p.md:1:18\n  |\n\
                        1 | title: \\u{1b}[31mred \\u{202e}x: [\n  \
                        |                              ^ here \\u{1b}\n  |\n  \
                        = hint: fix \\u{9b}31m\n";
        assert_eq!(d.to_string(), expected);
        assert!(!d.to_string().contains('\u{1b}'));
    }

    #[test]
    fn at_most_fifty_problems_per_file_are_shown() {
        let mut diags = Diagnostics::default();
        for i in 0..53 {
            diags.push(Diagnostic::error(format!("problem {i:02}")).in_file("content/a.md"));
        }
        diags.push(Diagnostic::warning("other").in_file("content/b.md"));
        let out = diags.render();
        assert!(out.contains("problem 49"), "{out}");
        assert!(!out.contains("problem 50"), "{out}");
        assert!(out.contains("error: problem 49\n --> content/a.md\n\n... and 3 more problems in `content/a.md`\n\nwarning: other\n"), "{out}");
        assert_eq!(diags.error_count(), 53);
    }

    #[test]
    fn suggests_close_words() {
        assert_eq!(did_you_mean("titel", ["title", "summary"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "summary"]), None);
    }
}
