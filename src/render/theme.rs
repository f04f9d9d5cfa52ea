//! The theme: templates and static assets. The default theme is compiled into
//! the binary (so any site builds without copying it) and a site's
//! `themes/<theme>/` may override any file of it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::fsio::Reader;
use crate::limits;
use crate::load::display_path;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $name)))),*]
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
    "templates/404.html",
    "templates/sitemap.xml",
    "templates/atom.xml",
    "templates/robots.txt",
    "static/style.css",
    "static/atlas.js",
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
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The built-in default theme, overlaid with the files in `root/themes/<name>/`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let mut theme = Theme::default();
        for (path, text) in DEFAULT_THEME {
            theme.insert(path, format!("<built-in>/{path}"), text.as_bytes().to_vec())?;
        }
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

    fn insert(&mut self, rel: &str, origin: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8(bytes)
                .map_err(|_| Diagnostic::error("template is not valid UTF-8").in_file(&origin))?;
            self.templates
                .insert(name.to_string(), ThemeFile { origin, text });
        } else if let Some(name) = rel.strip_prefix("static/") {
            self.statics.insert(name.to_string(), bytes);
        }
        Ok(())
    }

    /// Compiles the templates with Tera, turning its errors into located diagnostics.
    pub fn compile(&self) -> Result<tera::Tera, Diagnostic> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.add_raw_templates(
            self.templates
                .iter()
                .map(|(name, f)| (name.as_str(), f.text.as_str())),
        )
        .map_err(|e| self.diagnostic(&e))?;
        Ok(tera)
    }

    /// A Tera error as a diagnostic pointing into the template.
    pub fn diagnostic(&self, e: &tera::Error) -> Diagnostic {
        let report = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
            _ => None,
        };
        let Some(report) = report else {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message = format!("{message}: {s}");
                source = s.source();
            }
            return Diagnostic::error(format!("template error: {message}")).in_file("themes");
        };
        let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
            "template syntax error"
        } else {
            "template error"
        };
        let mut message = report.message().to_string();
        if let Some(s) = std::error::Error::source(e) {
            message = format!("{message}: {s}");
        }
        match self.templates.get(report.filename()) {
            Some(file) => Diagnostic::error(format!("{kind}: {message}"))
                .at(&file.origin, &file.text, report.span().range.clone())
                .hint(format!("in template `{}`", report.filename())),
            None => Diagnostic::error(format!("{kind} in `{}`: {message}", report.filename())),
        }
    }
}
