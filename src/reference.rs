//! How to cite an entry: one [`Reference`] per entry page, written in the
//! forms readers and their tools take: a sentence, BibTeX, CSL-JSON and RIS
//! (offered as files beside the page), the Highwire `citation_*` meta tags
//! that Zotero's connector and Google Scholar read, and a schema.org
//! description (JSON-LD) of the page and of what it is about.
//!
//! The atlas is the corporate author of its entries. An entry's date is
//! the date it was last reviewed (its `updated`): the date of the version
//! a reader cites, so it is also given as the access date (a static page
//! cannot know when it is read, and the build never reads the clock).

use serde::Serialize;
use serde_json::{Value, json};

use crate::entry::{Date, Head, Kind};
use crate::memo::{Digested, Query};
use crate::pages::PageConfig;

/// What an entry's citation is made from.
#[derive(Hash)]
pub struct CitationInput {
    pub config: Digested<PageConfig>,
    pub head: Digested<Head>,
    /// The entry's place on the map, if it has one.
    pub site: Option<Digested<crate::geo::Site>>,
}

/// An entry's citation in every form.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Citation {
    pub text: String,
    pub bibtex: String,
    pub csl_json: String,
    pub ris: String,
    /// The Highwire Press meta tags: (name, content).
    pub meta: Vec<Meta>,
    /// The schema.org JSON-LD, ready for a `<script type="application/ld+json">`.
    pub json_ld: String,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct Meta {
    pub name: &'static str,
    pub content: String,
}

/// An entry's citation.
pub static CITATION: Query<CitationInput, Citation> = Query::with_cutoff("citation", |input| {
    let r = Reference::of(&input.config, &input.head);
    Citation {
        text: r.text(),
        bibtex: r.bibtex(),
        csl_json: r.csl_json(),
        ris: r.ris(),
        meta: r.highwire(),
        json_ld: crate::html::script_json(&json_ld(
            &input.config,
            &input.head,
            input.site.as_deref(),
        )),
    }
});

/// The files "Cite this entry" offers, beside the entry's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    Bibtex,
    Ris,
    CslJson,
}

impl Form {
    pub const ALL: [Form; 3] = [Form::Bibtex, Form::Ris, Form::CslJson];

    /// The file's name in the entry's folder.
    pub fn file(self) -> &'static str {
        match self {
            Form::Bibtex => "cite.bib",
            Form::Ris => "cite.ris",
            Form::CslJson => "cite.json",
        }
    }

    /// The citation in this form.
    pub fn of(self, c: &Citation) -> &str {
        match self {
            Form::Bibtex => &c.bibtex,
            Form::Ris => &c.ris,
            Form::CslJson => &c.csl_json,
        }
    }
}

/// What every form of an entry's citation says.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The citation key: `atlas-<id>`.
    pub key: String,
    pub title: String,
    /// The atlas: author, publisher and container.
    pub site: String,
    pub url: String,
    /// When the entry was last reviewed.
    pub updated: Option<Date>,
    pub summary: String,
    pub language: String,
}

impl Reference {
    pub fn of(config: &PageConfig, head: &Head) -> Reference {
        Reference {
            key: format!("atlas-{}", head.id),
            title: one_line(head.title()),
            site: one_line(&config.title),
            url: format!("{}{}", config.base_url, head.url_path()),
            updated: head.item().and_then(|m| m.updated),
            summary: one_line(head.summary()),
            language: config.language.clone(),
        }
    }

    /// As a sentence.
    pub fn text(&self) -> String {
        let updated = self
            .updated
            .map(|d| format!(" Last updated {d}."))
            .unwrap_or_default();
        format!(
            "“{}.” In {}. {}.{}",
            self.title, self.site, self.url, updated
        )
    }

    /// As a BibTeX `@misc` entry, which BibTeX's standard styles and
    /// biblatex both take: every special character escaped, braces kept
    /// balanced, the title and the corporate author protected by braces.
    pub fn bibtex(&self) -> String {
        let mut fields = vec![
            ("author", format!("{{{}}}", bibtex_text(&self.site))),
            ("title", format!("{{{}}}", bibtex_text(&self.title))),
            ("howpublished", bibtex_text(&self.site)),
        ];
        if let Some(d) = self.updated {
            fields.push(("year", d.year.to_string()));
            fields.push(("date", d.to_string()));
        }
        fields.push(("url", bibtex_url(&self.url)));
        if let Some(d) = self.updated {
            fields.push(("urldate", d.to_string()));
            fields.push(("note", format!("Last reviewed {d}")));
        }
        if !self.language.is_empty() {
            fields.push(("langid", bibtex_text(&language_name(&self.language))));
        }
        let mut out = format!("@misc{{{},\n", self.key);
        for (name, value) in fields {
            out.push_str(&format!("  {name} = {{{value}}},\n"));
        }
        out.push('}');
        out
    }

    /// As CSL-JSON (CSL 1.0.2): an array holding one `webpage` item.
    pub fn csl_json(&self) -> String {
        let mut item = json!({
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "author": [{ "literal": self.site }],
            "container-title": self.site,
            "publisher": self.site,
            "URL": self.url,
            "abstract": self.summary,
            "language": self.language,
        });
        if let Some(d) = self.updated {
            item["issued"] = csl_date(d);
            item["accessed"] = csl_date(d);
            item["note"] = json!(format!("Last reviewed {d}"));
        }
        let mut text = serde_json::to_string_pretty(&json!([item])).unwrap_or_default();
        text.push('\n');
        text
    }

    /// As RIS: an electronic source (`ELEC`), one tag per line, CRLF.
    pub fn ris(&self) -> String {
        let mut lines = vec![
            ("TY", "ELEC".to_string()),
            ("ID", self.key.clone()),
            ("TI", self.title.clone()),
            // A name without a comma: read as one corporate name.
            ("AU", self.site.replace(',', "")),
            ("T2", self.site.clone()),
            ("PB", self.site.clone()),
        ];
        if let Some(d) = self.updated {
            lines.push(("PY", d.year.to_string()));
            lines.push(("DA", ris_date(d)));
            lines.push(("Y2", ris_date(d)));
        }
        lines.push(("UR", self.url.clone()));
        lines.push(("AB", self.summary.clone()));
        lines.push(("LA", self.language.clone()));
        if let Some(d) = self.updated {
            lines.push(("N1", format!("Last reviewed {d}")));
        }
        let mut out = String::new();
        for (tag, value) in lines {
            // A tag's value is one line.
            let value = one_line(&value);
            if !value.is_empty() {
                out.push_str(&format!("{tag}  - {value}\r\n"));
            }
        }
        out.push_str("ER  - \r\n");
        out
    }

    /// The Highwire Press tags, in the order Google Scholar documents them.
    pub fn highwire(&self) -> Vec<Meta> {
        let mut meta = vec![
            Meta {
                name: "citation_title",
                content: self.title.clone(),
            },
            Meta {
                name: "citation_author",
                content: self.site.clone(),
            },
        ];
        if let Some(d) = self.updated {
            for name in ["citation_publication_date", "citation_date"] {
                meta.push(Meta {
                    name,
                    content: ris_date(d),
                });
            }
        }
        for (name, content) in [
            ("citation_publisher", &self.site),
            ("citation_public_url", &self.url),
            ("citation_abstract_html_url", &self.url),
            ("citation_language", &self.language),
        ] {
            meta.push(Meta {
                name,
                content: content.clone(),
            });
        }
        meta
    }
}

/// Text on one line: runs of white space (line breaks too) as one space,
/// control characters dropped.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text for a BibTeX field in braces: LaTeX's special characters escaped.
/// Braces and the backslash become commands with balanced braces, because
/// BibTeX counts every brace (escaped or not) to find a field's end.
pub fn bibtex_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in one_line(text).chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A URL for BibTeX's `url` field, which biblatex reads verbatim: only
/// what would unbalance the field or end it is percent-encoded.
fn bibtex_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            ' ' => out.push_str("%20"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// biblatex's name for a language code (`en` -> `english`).
fn language_name(code: &str) -> String {
    match code.split(['-', '_']).next().unwrap_or("") {
        "en" => "english",
        "zh" => "chinese",
        "de" => "german",
        "fr" => "french",
        "ja" => "japanese",
        other => other,
    }
    .to_string()
}

/// A CSL date: `{"date-parts": [[2026, 11, 29]]}`, as precise as known.
fn csl_date(d: Date) -> Value {
    let mut parts = vec![json!(d.year)];
    parts.extend(d.month.map(|m| json!(m)));
    parts.extend(d.day.map(|x| json!(x)));
    json!({ "date-parts": [parts] })
}

/// A RIS or Highwire date: `2026/11/29`, `2026/11` or `2026`.
fn ris_date(d: Date) -> String {
    let mut s = format!("{:04}", d.year);
    if let Some(m) = d.month {
        s.push_str(&format!("/{m:02}"));
    }
    if let Some(x) = d.day {
        s.push_str(&format!("/{x:02}"));
    }
    s
}

/// The schema.org description of an entry's page and of what it is about.
///
/// Parks and labs are a `Place`: they have a site (a lab in the atlas is a
/// laboratory or facility at a place, often within a park, which
/// `containedInPlace` gives). Institutions are an `Organization`: the atlas
/// keeps them apart precisely because they are organisations rather than
/// research facilities, and `Organization` gives what their entries hold
/// (a parent body, a founding date, an address). Programs are plans,
/// designations and funds, which are neither; schema.org has no core type
/// for a government programme, so they are a plain `Thing`.
pub fn json_ld(config: &PageConfig, head: &Head, site: Option<&crate::geo::Site>) -> Value {
    let url = format!("{}{}", config.base_url, head.url_path());
    let mut subject = json!({
        "@type": match head.kind {
            Kind::Park | Kind::Lab => "Place",
            Kind::Institution => "Organization",
            _ => "Thing",
        },
        "@id": format!("{url}#subject"),
        "name": head.title(),
        "description": head.summary(),
        "url": url,
    });
    if let Some(m) = head.item() {
        let mut names: Vec<&str> = m.name_zh.iter().map(|f| f.value.as_str()).collect();
        names.extend(m.aliases.iter().map(String::as_str));
        if !names.is_empty() {
            subject["alternateName"] = json!(names);
        }
        let mut address = json!({ "@type": "PostalAddress", "addressCountry": m.country_name() });
        if let Some(p) = &m.province {
            address["addressRegion"] = json!(p.value);
        }
        if let Some(c) = &m.city {
            address["addressLocality"] = json!(c.value);
        }
        let park = m.park.as_ref().map(|p| {
            let park_url = format!(
                "{}{}",
                config.base_url,
                crate::entry::url_path(Kind::Park, &p.value)
            );
            json!({ "@type": "Place", "@id": format!("{park_url}#subject"), "url": park_url })
        });
        match head.kind {
            Kind::Park | Kind::Lab => {
                subject["address"] = address;
                if let Some(geo) = site.and_then(coordinates) {
                    subject["geo"] = geo;
                }
                if let Some(park) = park {
                    subject["containedInPlace"] = park;
                }
            }
            Kind::Institution => {
                subject["address"] = address;
                if let Some(d) = &m.established {
                    subject["foundingDate"] = json!(d.value.to_string());
                }
                if let Some(park) = park {
                    subject["location"] = park;
                }
            }
            _ => {}
        }
    }
    let mut page = json!({
        "@context": "https://schema.org",
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": head.title(),
        "description": head.summary(),
        "inLanguage": config.language,
        "isPartOf": { "@type": "WebSite", "name": config.title, "url": config.base_url },
        "publisher": { "@type": "Organization", "name": config.title, "url": config.base_url },
        "mainEntity": subject,
    });
    if let Some(d) = head.item().and_then(|m| m.updated) {
        page["dateModified"] = json!(d.to_string());
    }
    if let Some(l) = &config.license {
        page["license"] = json!(l.url);
    }
    page
}

/// A site's position as schema.org coordinates, unless it is known only to
/// the region (too coarse to give as a point).
fn coordinates(site: &crate::geo::Site) -> Option<Value> {
    let (lon, lat) = site.point?;
    if site.precision == "region" {
        return None;
    }
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    Some(json!({ "@type": "GeoCoordinates", "latitude": round(lat), "longitude": round(lon) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(title: &str) -> Reference {
        Reference {
            key: "atlas-x".into(),
            title: title.into(),
            site: "China Science & Innovation Atlas".into(),
            url: "https://example.org/atlas/parks/x/".into(),
            updated: Some(Date::parse("2026-11-29").unwrap()),
            summary: "A park.".into(),
            language: "en".into(),
        }
    }

    #[test]
    fn bibtex_escapes_every_special_character() {
        assert_eq!(
            bibtex_text("A & B {x} 100% $5 #1 a_b ~ ^ \\ end"),
            "A \\& B \\textbraceleft{}x\\textbraceright{} 100\\% \\$5 \\#1 a\\_b \\textasciitilde{} \\textasciicircum{} \\textbackslash{} end"
        );
        let bib = reference("R&D {Zone}").bibtex();
        assert!(bib.starts_with("@misc{atlas-x,\n  author = {{China Science \\& Innovation Atlas}},\n  title = {{R\\&D \\textbraceleft{}Zone\\textbraceright{}}},\n"), "{bib}");
        assert!(bib.contains("  year = {2026},\n  date = {2026-11-29},\n  url = {https://example.org/atlas/parks/x/},\n  urldate = {2026-11-29},\n"), "{bib}");
        // Braces balance, escaped or not.
        assert_eq!(bib.matches('{').count(), bib.matches('}').count());
    }

    #[test]
    fn ris_and_csl() {
        let ris = reference("Line\nbreak").ris();
        assert!(
            ris.starts_with("TY  - ELEC\r\nID  - atlas-x\r\nTI  - Line break\r\n"),
            "{ris}"
        );
        assert!(ris.contains("DA  - 2026/11/29\r\nY2  - 2026/11/29\r\n"));
        assert!(ris.ends_with("ER  - \r\n"));
        let csl: Value = serde_json::from_str(&reference("T").csl_json()).unwrap();
        assert_eq!(csl[0]["type"], "webpage");
        assert_eq!(csl[0]["issued"], json!({ "date-parts": [[2026, 11, 29]] }));
    }
}
