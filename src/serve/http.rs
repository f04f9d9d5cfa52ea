//! What the server answers: request paths -> site files (never anything
//! outside the site), content types, and the live script and error overlay
//! injected into served HTML.

/// Where the live reload script is served.
pub const SCRIPT_PATH: &str = "/__atlas/live.js";
/// Where the server-sent events stream is served.
pub const EVENTS_PATH: &str = "/__atlas/events";
/// The live reload script.
pub const SCRIPT: &str = include_str!("live.js");

/// How a request path maps onto the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by its path inside the site.
    File(String),
    /// A folder asked for without its trailing slash: redirect to `path/`.
    Folder(String),
    /// Nothing the site can have: traversal, backslashes, bad encoding.
    Invalid,
}

/// Maps a request path (as sent, percent-encoded, starting with `/`) onto a
/// site path: `/` and folders (`/parks/x/`) to their `index.html`. `files`
/// says whether the site has a path, to tell a folder without its slash.
pub fn resolve(raw: &str, has: impl Fn(&str) -> bool) -> Target {
    let Some(path) = percent_decode(raw) else {
        return Target::Invalid;
    };
    let Some(rel) = path.strip_prefix('/') else {
        return Target::Invalid;
    };
    // An absolute path (`//etc`), a Windows path or a control character can
    // never name a site file; `.` and `..` segments are refused rather than
    // resolved, so no request climbs out of the site.
    if rel.starts_with('/')
        || rel.contains('\\')
        || rel.contains(':')
        || rel.chars().any(char::is_control)
        || rel.split('/').any(|s| s == "." || s == "..")
        || rel.contains("//")
    {
        return Target::Invalid;
    }
    if rel.is_empty() || rel.ends_with('/') {
        return Target::File(format!("{rel}index.html"));
    }
    if !has(rel) && has(&format!("{rel}/index.html")) {
        return Target::Folder(format!("/{rel}/"));
    }
    Target::File(rel.to_string())
}

/// Decodes `%XX` escapes; `None` if an escape is malformed or the result is
/// not UTF-8.
pub fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The content type of a site path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "bib" => "application/x-bibtex; charset=utf-8",
        "ris" => "application/x-research-info-systems; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

pub fn is_html(path: &str) -> bool {
    content_type(path).starts_with("text/html")
}

/// The overlay shown over every open page while the build fails: the
/// diagnostics as the terminal shows them, escaped, in a `<pre>`.
pub fn overlay(diagnostics: &str) -> String {
    format!(
        concat!(
            "<div id=\"atlas-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;",
            "overflow:auto;margin:0;padding:2rem;background:rgba(24,24,24,.94);color:#f3f3f3;",
            "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">",
            "<p style=\"margin:0 0 1rem;font-weight:bold;color:#ff8a80\">The build failed; ",
            "this is the last good version of the page. Fix the file and the page updates.</p>",
            "<pre style=\"margin:0;white-space:pre-wrap;font:inherit\">{}</pre></div>"
        ),
        crate::html::escape(diagnostics)
    )
}

/// An HTML page with the live script (and the overlay, if any) added
/// before `</body>`, or at the end when there is none.
pub fn inject(html: &[u8], overlay: Option<&str>) -> Vec<u8> {
    let mut tail = String::new();
    if let Some(o) = overlay {
        tail.push_str(o);
    }
    tail.push_str(&format!("<script src=\"{SCRIPT_PATH}\"></script>"));
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tail.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tail.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The page served for any path while there is no good build yet.
pub const NO_SITE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>atlas serve</title></head><body><p>The site has not been built yet.</p></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str) -> Target {
        Target::File(p.into())
    }

    #[test]
    fn maps_paths_and_refuses_traversal() {
        let has = |p: &str| p == "parks/x/index.html" || p == "index.html";
        assert_eq!(resolve("/", has), file("index.html"));
        assert_eq!(resolve("/parks/x/", has), file("parks/x/index.html"));
        assert_eq!(resolve("/parks/x", has), Target::Folder("/parks/x/".into()));
        assert_eq!(resolve("/static/a%20b.css", has), file("static/a b.css"));
        for bad in [
            "/../etc/passwd",
            "/parks/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "/..%5c..%5cetc",
            "/a\\b",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/C:/Windows",
            "/%00",
            "/%zz",
            "/%ff",
            "/./index.html",
        ] {
            assert_eq!(resolve(bad, has), Target::Invalid, "{bad}");
        }
    }

    #[test]
    fn injects_before_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", Some("<div>o</div>"));
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.ends_with("<div>o</div><script src=\"/__atlas/live.js\"></script></BODY></html>"),
            "{out}"
        );
        assert!(
            String::from_utf8(inject(b"plain", None))
                .unwrap()
                .ends_with("</script>")
        );
    }

    #[test]
    fn overlay_escapes() {
        let o = overlay("error: <b> & \"x\"\n --> a.md:1:2");
        assert!(
            o.contains("error: &lt;b&gt; &amp; &quot;x&quot;\n --&gt; a.md:1:2"),
            "{o}"
        );
    }
}
