//! Diagnostics: every problem the pipeline finds, with where it is and what to do.
//!
//! Stages never stop at the first problem. They push [`Diagnostic`]s into a
//! [`Diagnostics`] list and go on; the caller prints them all, grouped by file,
//! and sets the exit code. A diagnostic that points into a file carries a
//! [`Location`] computed once, when it is made, from the file's own text, so
//! rendering needs no access to the sources.

use std::fmt::{self, Write as _};
use std::ops::Range;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build fails.
    Error,
    /// Reported; the build goes on.
    Warning,
}

/// A place in a file: the path shown to the user, 1-based line and column, and
/// the text of that line so the message can show it with a caret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub col: usize,
    /// The full text of the line, without its line break.
    pub line_text: String,
    /// How many characters the caret underlines (at least 1).
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

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
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
        self.label = Some(label.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn locate(path: &str, text: &str, range: Range<usize>) -> Location {
    let (line, col) = line_col(text, range.start);
    let start = range.start.min(text.len());
    let line_start = text[..floor_boundary(text, start)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line_text = text[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    // The caret covers the range but never runs past the end of the line.
    let end = range.end.clamp(start, line_end);
    let width = text[floor_boundary(text, start)..floor_boundary(text, end)]
        .chars()
        .count()
        .max(1);
    Location {
        path: path.to_string(),
        line,
        col,
        line_text,
        width,
    }
}

/// A long line cut to a window around the caret, so the caret stays on
/// screen: returns the text shown and the caret's column in it.
fn window(line: &str, col: usize, width: usize) -> (String, usize) {
    const MAX: usize = 100;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX {
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
        };
        writeln!(f, "{severity}: {}", self.message)?;
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(gutter);
        match (&self.location, &self.path) {
            (Some(loc), _) => {
                writeln!(f, "{pad}--> {}:{}:{}", loc.path, loc.line, loc.col)?;
                writeln!(f, "{pad} |")?;
                let (shown, col) = window(&loc.line_text.replace('\t', " "), loc.col, loc.width);
                writeln!(f, "{} | {}", loc.line, shown)?;
                let mut marker = String::new();
                let lead: String = shown.chars().take(col - 1).collect();
                let _ = write!(
                    marker,
                    "{}{}",
                    " ".repeat(lead.chars().count()),
                    "^".repeat(loc.width)
                );
                if let Some(label) = &self.label {
                    let _ = write!(marker, " {label}");
                }
                writeln!(f, "{pad} | {marker}")?;
            }
            (None, Some(path)) => {
                writeln!(f, "{pad}--> {path}")?;
                if let Some(label) = &self.label {
                    writeln!(f, "{pad} = note: {label}")?;
                }
            }
            (None, None) => {
                if let Some(label) = &self.label {
                    writeln!(f, "{pad} = note: {label}")?;
                }
            }
        }
        if let Some(hint) = &self.hint {
            if self.location.is_some() {
                writeln!(f, "{pad} |")?;
            }
            writeln!(f, "{pad} = hint: {hint}")?;
        }
        Ok(())
    }
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
        self.items.len() - self.error_count()
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

    fn render_where(&self, keep: impl Fn(&Diagnostic) -> bool) -> String {
        let mut out = String::new();
        for d in self.sorted().into_iter().filter(|d| keep(d)) {
            let _ = writeln!(out, "{d}");
        }
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
    fn line_col_counts_lines_and_chars() {
        let text = "ab\ncdé\r\nfg";
        assert_eq!(line_col(text, 0), (1, 1));
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

    #[test]
    fn suggests_close_words() {
        assert_eq!(did_you_mean("titel", ["title", "summary"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "summary"]), None);
    }
}
