//! Code highlighting with syntect into CSS classes, and the theme CSS for
//! light and dark mode. The syntax set loads once, on first use, so sites
//! without code blocks never pay for it.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A `<pre><code>` block, highlighted if `lang` is known.
pub fn code_block(code: &str, lang: &str) -> String {
    let lang_class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", crate::html::escape(lang))
    };
    let set = syntaxes();
    let syntax = (!lang.is_empty())
        .then(|| set.find_syntax_by_token(lang))
        .flatten();
    let Some(syntax) = syntax else {
        return format!(
            "<pre class=\"code\"><code{lang_class}>{}</code></pre>\n",
            escape(code)
        );
    };
    match classed(code, syntax, set) {
        Some(html) => {
            format!("<pre class=\"code hl-code\"><code{lang_class}>{html}</code></pre>\n")
        }
        None => format!(
            "<pre class=\"code\"><code{lang_class}>{}</code></pre>\n",
            escape(code)
        ),
    }
}

/// `code` as spans with syntect's classes, as syntect's
/// `ClassedHTMLGenerator` writes it; `None` if syntect fails on it. Lines
/// are parsed through [`lines`], so a line met before in the same state
/// is not parsed again.
fn classed(code: &str, syntax: &SyntaxReference, set: &SyntaxSet) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 4);
    let mut open: isize = 0;
    // The syntax's place in the set names it in the cache.
    let which = set
        .syntaxes()
        .iter()
        .position(|s| std::ptr::eq(s, syntax))?;
    for line in LinesWithEndings::from(code) {
        let ops = lines::parse(which, &mut state, line, set)?;
        let (spans, delta) = line_tokens_to_classed_spans(line, &ops.0, STYLE, &mut scopes).ok()?;
        open += delta;
        html.push_str(&spans);
    }
    for _ in 0..open {
        html.push_str("</span>");
    }
    Some(html)
}

/// Lines parsed once, shared by the code blocks a thread highlights, in
/// this run and the next. Syntect's parse of a line is a function of the
/// parser's state before it and the line, so a line that comes again in a
/// state met before (a block's first line, a line after a complete one)
/// takes the kept result. Bounded: a few states per syntax, a line is kept
/// when it is seen a second time, and only so many. (Per thread: a parser
/// state holds regex match data that cannot cross threads.)
mod lines {
    use std::cell::RefCell;
    use std::rc::Rc;

    use rustc_hash::{FxHashMap, FxHashSet};
    use syntect::parsing::{ParseState, ScopeStackOp, SyntaxSet};

    /// A line's parse: syntect's scope operations, and the state after it.
    pub type Parsed = Rc<(Vec<(usize, ScopeStackOp)>, ParseState)>;

    /// States and lines at most kept; lines longer than this are not kept.
    const MAX_STATES: usize = 16;
    const MAX_LINES: usize = 1 << 13;
    const MAX_LINE: usize = 256;
    const MAX_SEEN: usize = 1 << 18;

    #[derive(Default)]
    struct Lines {
        /// States lines began in, by syntax (its place in the set).
        states: FxHashMap<usize, Vec<ParseState>>,
        /// Digests of (syntax, state, line) seen once.
        seen: FxHashSet<u64>,
        parsed: FxHashMap<(usize, usize, Box<str>), Parsed>,
    }

    thread_local! {
        static LINES: RefCell<Lines> = RefCell::default();
    }

    /// Parses `line` of the set's `syntax`-th syntax in `state`, leaving
    /// `state` as after it; `None` if syntect fails.
    pub fn parse(
        syntax: usize,
        state: &mut ParseState,
        line: &str,
        set: &SyntaxSet,
    ) -> Option<Parsed> {
        LINES.with_borrow_mut(|lines| {
            let states = lines.states.entry(syntax).or_default();
            let at = match states.iter().position(|s| s == state) {
                Some(i) => Some(i),
                None if states.len() < MAX_STATES => {
                    states.push(state.clone());
                    Some(states.len() - 1)
                }
                None => None,
            };
            let key = at
                .filter(|_| line.len() <= MAX_LINE)
                .map(|i| (syntax, i, Box::<str>::from(line)));
            if let Some(found) = key.as_ref().and_then(|k| lines.parsed.get(k)) {
                state.clone_from(&found.1);
                return Some(found.clone());
            }
            let ops = state.parse_line(line, set).ok()?;
            let parsed: Parsed = Rc::new((ops, state.clone()));
            if let Some(key) = key {
                let again = !lines.seen.insert(crate::memo::digest(&key) as u64);
                if lines.seen.len() > MAX_SEEN {
                    lines.seen.clear();
                }
                if again && lines.parsed.len() < MAX_LINES {
                    lines.parsed.insert(key, parsed.clone());
                }
            }
            Some(parsed)
        })
    }
}

/// CSS for the highlight classes: a light theme, and a dark one under
/// `prefers-color-scheme: dark`. Made once per process: `serve` rebuilds often.
pub fn theme_css() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| {
        let themes = ThemeSet::load_defaults();
        let light = css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], STYLE)
            .unwrap_or_default();
        let dark = css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], STYLE)
            .unwrap_or_default();
        format!(
            "/* Generated by atlas from syntect's InspiredGitHub and base16-ocean.dark themes. */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
        )
    })
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::html::push_text(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_into_classes() {
        let html = code_block("fn main() {}\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("language-rust"));
        let plain = code_block("<b>x</b>", "nosuchlang");
        assert!(plain.contains("&lt;b&gt;x&lt;/b&gt;"));
    }

    #[test]
    fn css_has_light_and_dark() {
        let css = theme_css();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}
