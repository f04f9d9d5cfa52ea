//! The theme: templates and static assets. The default theme is compiled into
//! the binary (so any site builds without copying it) and a site's
//! `themes/<theme>/` may override any file of it.
//!
//! Compiling gives a [`Template`] handle per template name: what a page's
//! input holds of the theme. It digests as the template's text together
//! with every template it may use (extends, includes, imports, components),
//! so a page is made again when, and only when, something it renders with
//! changes. That dependency analysis of template text is the one place
//! where keys rest on reading code rather than on construction; it errs
//! towards more dependencies, and a template that names another by a
//! computed expression depends on all of them.
//!
//! Rendering is bounded: a page may produce at most [`MAX_RANGE`] elements
//! with `range()` in all and at most [`MAX_PAGE_BYTES`] of output, so a
//! runaway loop in a template is an error, not a hang.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::fsio::Reader;
use crate::fsio::display_path;
use crate::limits;
use crate::memo::{Digest, Digested, Query, digest};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/", $name)))),*]
    };
}

/// The default theme's files, by path inside the theme folder.
const DEFAULT_THEME: &[(&str, &str)] = embed!(
    "templates/base.html",
    "templates/components.html",
    "templates/home.html",
    "templates/entry.html",
    "templates/kind.html",
    "templates/source.html",
    "templates/bibliography.html",
    "templates/page.html",
    "templates/taxonomy.html",
    "templates/term.html",
    "templates/map.html",
    "templates/timeline.html",
    "templates/data.html",
    "templates/404.html",
    "templates/sitemap.xml",
    "templates/atom.xml",
    "templates/robots.txt",
    "static/style.css",
    "static/atlas.js",
    "static/favicon.svg",
);

/// A theme file and where it came from, for messages.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Shown in messages: `themes/default/templates/entry.html` or `<built-in>/...`.
    pub origin: String,
    pub text: String,
}

/// The theme's templates and static files, by path inside the theme.
#[derive(Debug, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, ThemeFile>,
    pub statics: BTreeMap<String, Digested<Vec<u8>>>,
}

impl Theme {
    /// The built-in default theme, overlaid with the files in `root/themes/<name>/`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let mut theme = Theme::built_in()?;
        if let Err(why) = crate::config::check_theme_name(name) {
            return Err(
                Diagnostic::error(format!("invalid theme name `{name}`: {why}"))
                    .in_file("atlas.toml"),
            );
        }
        let dir = root.join("themes").join(name);
        if !dir.is_dir() {
            if name != "default" {
                return Err(Diagnostic::error(format!("theme `{name}` not found"))
                    .in_file("atlas.toml")
                    .hint(format!(
                        "create themes/{name}/ or set `theme = \"default\"`"
                    )));
            }
            return Ok(theme);
        }
        let reader = Reader::new(root);
        for item in reader.walk(&dir) {
            let item = item?;
            if item.is_dir() || crate::load::is_editor_temp(&item.file_name().to_string_lossy()) {
                continue;
            }
            let rel = display_path(&dir, item.path());
            let origin = display_path(root, item.path());
            let limit = if rel.starts_with("templates/") {
                limits::TEMPLATE
            } else {
                limits::THEME_FILE
            };
            let bytes = reader.read_found(&item, limit)?;
            theme.insert(&rel, origin, bytes)?;
        }
        Ok(theme)
    }

    /// The built-in default theme alone, as compiled into the binary.
    pub fn built_in() -> Result<Theme, Diagnostic> {
        let mut theme = Theme::default();
        for (path, text) in DEFAULT_THEME {
            theme.insert(path, format!("<built-in>/{path}"), text.as_bytes().to_vec())?;
        }
        Ok(theme)
    }

    fn insert(&mut self, rel: &str, origin: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8(bytes)
                .map_err(|_| Diagnostic::error("template is not valid UTF-8").in_file(&origin))?;
            self.templates
                .insert(name.to_string(), ThemeFile { origin, text });
        } else if let Some(name) = rel.strip_prefix("static/") {
            self.statics.insert(name.to_string(), Digested::new(bytes));
        }
        Ok(())
    }

    /// Compiles the templates with Tera, turning its errors into located diagnostics.
    pub fn compile(&self) -> Result<tera::Tera, Diagnostic> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        // Bounded: a template's loops cannot run away (see the module docs).
        tera.register_function("range", bounded_range);
        tera.add_raw_templates(
            self.templates
                .iter()
                .map(|(name, f)| (name.as_str(), f.text.as_str())),
        )
        .map_err(|e| self.diagnostic(&e, ""))?;
        Ok(tera)
    }

    /// Every `id="..."` written literally in the templates: ids a page has
    /// before its content adds any, which headings must not take.
    fn literal_ids(&self) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for f in self.templates.values() {
            for (at, _) in f.text.match_indices("id=\"") {
                let rest = &f.text[at + 4..];
                let Some(end) = rest.find('"') else { continue };
                let id = &rest[..end];
                if !id.is_empty() && !id.contains("{{") && !id.contains("{%") {
                    ids.insert(id.to_string());
                }
            }
        }
        ids
    }

    /// A Tera error as a diagnostic naming the template file and line:
    /// the report's place when Tera gives one (on the error or one it
    /// wraps), else the tag that names the missing or circular template,
    /// else the start of `rendering`, the template the page was made with
    /// (empty while compiling).
    pub fn diagnostic(&self, e: &tera::Error, rendering: &str) -> Diagnostic {
        // Tera wraps some errors: the report may sit on a source.
        let mut chain: Vec<&tera::Error> = vec![e];
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            if let Some(t) = s.downcast_ref::<tera::Error>() {
                chain.push(t);
            }
            source = s.source();
        }
        let report = chain.iter().find_map(|t| match t.kind() {
            tera::ErrorKind::SyntaxError(r) => Some(("template syntax error", r)),
            tera::ErrorKind::RenderingError(r) => Some(("template error", r)),
            _ => None,
        });
        if let Some((kind, report)) = report
            && let Some(file) = self.templates.get(report.filename())
        {
            return Diagnostic::error(format!("{kind}: {}", report.message()))
                .at(&file.origin, &file.text, report.span().range.clone())
                .hint(format!("in template `{}`", report.filename()));
        }
        // Checks made when templates are compiled come as reports already
        // written out (`error: ...\n --> name:line:col`): read the place back.
        if let Some(d) = self.written_report(&e.to_string()) {
            return d;
        }
        // Where the error can be pinned to a tag naming a template.
        let (template, needle, message) = match e.kind() {
            tera::ErrorKind::MissingParent { current, parent } => (
                current.as_str(),
                Some(parent.as_str()),
                format!("template `{current}` extends `{parent}`, which the theme does not have"),
            ),
            tera::ErrorKind::CircularExtend {
                tpl,
                inheritance_chain,
            } => (
                tpl.as_str(),
                inheritance_chain.last().map(String::as_str),
                format!(
                    "templates extend each other in a circle: {}",
                    inheritance_chain.join(" → ")
                ),
            ),
            tera::ErrorKind::CircularInclude { tpl, include_chain } => (
                tpl.as_str(),
                include_chain.get(1).map(String::as_str),
                format!(
                    "templates include each other in a circle: {}",
                    include_chain.join(" → ")
                ),
            ),
            tera::ErrorKind::TemplateNotFound(name) if name == rendering => {
                return Diagnostic::error(format!("the theme has no template `{name}`"))
                    .in_file("themes")
                    .hint(format!(
                        "add templates/{name} to the theme, or remove the override that replaced it"
                    ));
            }
            _ => (rendering, None, format!("{e}")),
        };
        match self.templates.get(template) {
            Some(file) => {
                let at = needle
                    .and_then(|n| file.text.find(&format!("\"{n}\"")))
                    .map_or(0..1, |i| i..i + needle.map_or(1, str::len) + 2);
                Diagnostic::error(format!("template error: {message}"))
                    .at(&file.origin, &file.text, at)
                    .hint(format!("in template `{template}`"))
            }
            None => Diagnostic::error(format!("template error: {message}")).in_file("themes"),
        }
    }
}

impl Theme {
    /// The first problem of a report Tera wrote out as text, located in
    /// its template (with how many more there are).
    fn written_report(&self, text: &str) -> Option<Diagnostic> {
        let mut lines = text.lines();
        let mut found = Vec::new();
        while let Some(line) = lines.next() {
            let Some(message) = line.trim().strip_prefix("error: ") else {
                continue;
            };
            let Some(place) = lines.next().and_then(|l| l.trim().strip_prefix("--> ")) else {
                continue;
            };
            let mut parts = place.rsplitn(3, ':');
            let (Some(col), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let (Ok(line), Ok(col)) = (line.parse::<usize>(), col.parse::<usize>()) else {
                continue;
            };
            found.push((message.to_string(), name.to_string(), line, col));
        }
        let (message, name, line, col) = found.first()?.clone();
        let file = self.templates.get(&name)?;
        let start: usize = file
            .text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let at = file.text[start..]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(start, |(i, _)| start + i);
        let word = file.text[at..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '"'))
            .unwrap_or(1)
            .max(1);
        let more = match found.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more problem(s) in the theme)"),
        };
        Some(
            Diagnostic::error(format!("template error: {message}{more}"))
                .at(&file.origin, &file.text, at..at + word)
                .hint(format!("in template `{name}`")),
        )
    }
}

/// A compiled theme: its Tera, each template's dependency digest, the ids
/// its templates write.
pub struct Compiled {
    tera: Arc<tera::Tera>,
    theme: Arc<Theme>,
    digests: HashMap<String, Digest>,
    /// Ids the templates write literally (`main`, `notes-heading`, ...).
    pub reserved_ids: BTreeSet<String>,
}

impl Compiled {
    /// The theme's static files, by path inside `static/`.
    pub fn statics(&self) -> impl Iterator<Item = (&String, &Digested<Vec<u8>>)> {
        self.theme.statics.iter()
    }

    /// The handle of template `name` (which need not exist: rendering then
    /// reports it).
    pub fn template(&self, name: &'static str) -> Template {
        Template {
            name,
            digest: self.digests.get(name).copied().unwrap_or(0),
            tera: self.tera.clone(),
            theme: self.theme.clone(),
        }
    }
}

/// Compiling the theme.
pub static COMPILE: Query<Digested<Theme>, Result<Compiled, Diagnostic>> =
    Query::new("theme", |theme| {
        let tera = theme.compile()?;
        Ok(Compiled {
            tera: Arc::new(tera),
            digests: template_digests(theme),
            reserved_ids: theme.literal_ids(),
            theme: theme.arc().clone(),
        })
    });

impl std::hash::Hash for Theme {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for (name, f) in &self.templates {
            (name, &f.text).hash(state);
        }
        self.statics.hash(state);
    }
}

/// One template, as a page's input holds it: it hashes as the template's
/// name and the digest of everything it renders with.
#[derive(Clone)]
pub struct Template {
    pub name: &'static str,
    digest: Digest,
    tera: Arc<tera::Tera>,
    theme: Arc<Theme>,
}

impl std::hash::Hash for Template {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.name, self.digest).hash(state);
    }
}

/// The most `range()` elements a page's templates may produce in all.
pub const MAX_RANGE: usize = 100_000;
/// The most bytes one page may have.
pub const MAX_PAGE_BYTES: usize = 256 << 20;

thread_local! {
    /// What is left of the `range()` budget of the page being rendered.
    static RANGE_LEFT: Cell<usize> = const { Cell::new(MAX_RANGE) };
}

fn bounded_range(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("`range` was called with `step_by` 0"));
    }
    let len = if (step > 0 && end > start) || (step < 0 && start > end) {
        ((end - start).unsigned_abs().div_ceil(step.unsigned_abs())) as usize
    } else {
        0
    };
    let left = RANGE_LEFT.with(Cell::get);
    if len > left {
        return Err(tera::Error::message(format!(
            "the page's loops would take more than {MAX_RANGE} `range` elements in all (the limit per page)"
        )));
    }
    RANGE_LEFT.with(|c| c.set(left - len));
    let mut out = Vec::with_capacity(len);
    let mut i = start;
    while out.len() < len {
        out.push(i);
        i += step;
    }
    Ok(out)
}

/// A writer that refuses to grow a page past [`MAX_PAGE_BYTES`].
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.0.len() + buf.len() > MAX_PAGE_BYTES {
            return Err(too_large());
        }
        self.0.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cold]
fn too_large() -> std::io::Error {
    std::io::Error::other(format!(
        "the page would be larger than {} MB (the limit per page)",
        MAX_PAGE_BYTES >> 20
    ))
}

impl Template {
    /// Renders the template with `context`, within the page limits; an
    /// error is a diagnostic pointing into the template.
    pub fn render(&self, context: &tera::Context) -> Result<Vec<u8>, Diagnostic> {
        RANGE_LEFT.with(|c| c.set(MAX_RANGE));
        let mut out = Bounded(Vec::with_capacity(16 << 10));
        self.tera
            .render_to(self.name, context, &mut out)
            .map_err(|e| self.theme.diagnostic(&e, self.name))?;
        Ok(out.0)
    }
}

/// For each template, a digest of its text and of every template it may
/// use: those it names in quotes (extends, include, import) and those that
/// define a component whose name it mentions. A template that includes or
/// extends a computed name may use any template, so it depends on all.
fn template_digests(theme: &Theme) -> HashMap<String, Digest> {
    let names: Vec<&str> = theme.templates.keys().map(String::as_str).collect();
    let components: Vec<(&str, String)> = theme
        .templates
        .iter()
        .flat_map(|(name, f)| {
            component_names(&f.text)
                .into_iter()
                .map(move |c| (name.as_str(), c))
        })
        .collect();
    let uses: HashMap<&str, Vec<&str>> = theme
        .templates
        .iter()
        .map(|(name, f)| {
            let text = &f.text;
            let used: Vec<&str> = if names_computed_template(text) {
                names.clone()
            } else {
                names
                    .iter()
                    .copied()
                    .filter(|n| {
                        text.contains(&format!("\"{n}\"")) || text.contains(&format!("'{n}'"))
                    })
                    .chain(
                        components
                            .iter()
                            .filter(|(_, c)| text.contains(c.as_str()))
                            .map(|(n, _)| *n),
                    )
                    .collect()
            };
            (name.as_str(), used)
        })
        .collect();
    names
        .iter()
        .map(|&name| {
            let mut closure = BTreeSet::from([name]);
            let mut todo = vec![name];
            while let Some(t) = todo.pop() {
                for &u in uses.get(t).into_iter().flatten() {
                    if closure.insert(u) {
                        todo.push(u);
                    }
                }
            }
            let texts: Vec<(&str, &str)> = closure
                .into_iter()
                .map(|t| (t, theme.templates[t].text.as_str()))
                .collect();
            (name.to_string(), digest(&texts))
        })
        .collect()
}

/// The names after `{% component` in a template.
fn component_names(text: &str) -> Vec<String> {
    tags(text)
        .filter_map(|tag| tag.strip_prefix("component"))
        .filter(|rest| rest.starts_with(char::is_whitespace))
        .map(|rest| {
            rest.trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// Whether a template extends, includes or imports a name it computes.
fn names_computed_template(text: &str) -> bool {
    tags(text).any(|tag| {
        ["extends", "include", "import"].iter().any(|kw| {
            tag.strip_prefix(kw).is_some_and(|rest| {
                rest.starts_with(char::is_whitespace)
                    && !rest.trim_start().starts_with(['"', '\'', '['])
            })
        })
    })
}

/// The insides of the `{% ... %}` tags of a template, trimmed.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).filter_map(|rest| {
        let inner = rest.split("%}").next()?;
        Some(inner.trim_matches(|c: char| c == '-' || c.is_whitespace()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_component_names_and_computed_includes() {
        let t = "{% component entry_table(entries: array) %}x{% endcomponent entry_table %}\n{%- component notes_list(n: array) -%}{% endcomponent %}";
        assert_eq!(component_names(t), ["entry_table", "notes_list"]);
        assert!(!names_computed_template("{% extends \"base.html\" %}"));
        assert!(!names_computed_template(
            "{% include ['a.html', 'b.html'] %}"
        ));
        assert!(names_computed_template("{% include page.template %}"));
    }
}
