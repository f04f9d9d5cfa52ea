//! The examples in README.md are real: the example entry builds in the real
//! atlas without a problem, and every citation written in the text names a
//! source, a locator and (with the source texts beside the checkout) a quote
//! the source prints.

mod common;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The fenced blocks of `lang` in a Markdown text (indented ones too).
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None if trimmed == format!("```{lang}") => current = Some((indent, Vec::new())),
            Some((_, lines)) if trimmed == "```" => {
                out.push(lines.join("\n") + "\n");
                current = None;
            }
            Some((indent, lines)) => lines.push(line.get(*indent..).unwrap_or(line).to_string()),
            None => {}
        }
    }
    out
}

/// A copy of the real atlas (content, geodata, config), with its texts
/// where the real one has them.
fn copy_of_the_atlas(to: &Path) {
    for folder in ["content", "geodata"] {
        for e in walkdir::WalkDir::new(root().join(folder))
            .into_iter()
            .filter_map(Result::ok)
        {
            let target = to
                .join(folder)
                .join(e.path().strip_prefix(root().join(folder)).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(e.path(), &target).unwrap();
            }
        }
    }
    let texts = root().join("../shared/sources").canonicalize().ok();
    let mut config = std::fs::read_to_string(root().join("atlas.toml")).unwrap();
    if let Some(texts) = texts {
        config = config.replace(
            "\"../shared/sources\"",
            &format!("{:?}", texts.display().to_string()),
        );
    }
    std::fs::write(to.join("atlas.toml"), config).unwrap();
}

#[test]
fn the_example_entry_of_the_readme_builds_in_the_atlas() {
    let examples = blocks(&readme(), "markdown");
    let entry = examples
        .iter()
        .find(|b| b.starts_with("---\n"))
        .expect("an example entry in README.md");
    let dir = tempfile::tempdir().unwrap();
    copy_of_the_atlas(dir.path());
    std::fs::write(dir.path().join("content/parks/readme-example.md"), entry).unwrap();
    // The atlas note example, as an entry's text.
    let note = examples
        .iter()
        .find(|b| b.starts_with("> [!NOTE]"))
        .expect("an atlas note example in README.md");
    std::fs::write(
        dir.path().join("content/programs/readme-note-example.md"),
        format!("---\ntitle: Example\nsummary: s.\nupdated: 2026-11-29\n---\nA claim [@grasten-haakonsson-2023, §5].\n\n{note}"),
    )
    .unwrap();
    let r = atlas::run(dir.path(), &atlas::BuildOptions::default());
    let problems: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity != atlas::diag::Severity::Note)
        .filter(|d| d.path.as_deref().is_some_and(|p| p.contains("readme")))
        .map(|d| d.to_string())
        .filter(|d| !d.contains("has no location"))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.path.as_deref().is_some_and(|p| p.contains("readme"))
                || d.severity == atlas::diag::Severity::Note),
        "{}",
        r.diagnostics.render()
    );
    let html = String::from_utf8_lossy(
        &r.files
            .iter()
            .find(|f| f.path == "parks/readme-example/index.html")
            .unwrap()
            .bytes,
    )
    .into_owned();
    assert!(
        html.contains("<q>more than 100 square kilometers</q>"),
        "{html}"
    );
}

#[test]
fn every_citation_in_the_readme_text_is_real() {
    let readme = readme();
    let mut cited = 0;
    for (at, _) in readme.match_indices("`[@") {
        let rest = &readme[at + 1..];
        let end = rest.find("]`").expect("a closed citation");
        let group = &rest[1..end];
        let refs = atlas::cite::parse_group(group, 0, true)
            .unwrap_or_else(|e| panic!("{group}: {}", e.message));
        for r in refs {
            assert!(
                root()
                    .join("content/sources")
                    .join(format!("{}.md", r.source))
                    .is_file(),
                "README cites `{}`, which is not a source",
                r.source
            );
            if let (Some(q), Some(text)) = (&r.quote, source_text(&r.source)) {
                assert!(
                    atlas::cite::normalize_for_quotes(&text)
                        .contains(&atlas::cite::normalize_for_quotes(q)),
                    "README quotes `{q}`, which `{}` does not print",
                    r.source
                );
            }
            cited += 1;
        }
    }
    assert!(cited >= 3, "{cited}");
}

/// The text of a source, if the texts are beside the checkout.
fn source_text(id: &str) -> Option<String> {
    let entry =
        std::fs::read_to_string(root().join("content/sources").join(format!("{id}.md"))).ok()?;
    let name = entry.lines().find_map(|l| l.strip_prefix("text: "))?.trim();
    std::fs::read_to_string(root().join("../shared/sources").join(name)).ok()
}

/// README's table of fields by kind says what the field table says: every
/// item field once, in its order, with the kinds that take it and whether
/// each must give it.
#[test]
fn the_readme_field_table_matches_the_field_table() {
    use atlas::entry::{FIELDS, Kind};
    let readme = readme();
    let start = readme
        .find("| field | park | program | lab | institution |")
        .expect("README has the table of fields by kind");
    let rows: Vec<(String, Vec<String>)> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<String> = l.split('|').map(|c| c.trim().to_string()).collect();
            (cells[1].trim_matches('`').to_string(), cells[2..6].to_vec())
        })
        .collect();
    let expected: Vec<(String, Vec<String>)> = FIELDS
        .iter()
        .filter(|f| Kind::ITEMS.iter().any(|k| f.kinds.contains(k)))
        .map(|f| {
            let marks = Kind::ITEMS
                .iter()
                .map(|k| match (f.kinds.contains(k), f.required) {
                    (false, _) => "",
                    (true, true) => "required",
                    (true, false) => "·",
                })
                .map(str::to_string)
                .collect();
            (f.name.to_string(), marks)
        })
        .collect();
    assert_eq!(
        rows, expected,
        "README's fields by kind against entry::FIELDS"
    );
}

/// Every diagnostic README's table explains is one atlas can print: each
/// message in the table's first column matches a message in the source
/// (`x`, `id` and `...` standing for what varies).
#[test]
fn every_diagnostic_the_readme_explains_exists() {
    let readme = readme();
    let start = readme
        .find("| diagnostic | what it means |")
        .expect("README has the table of diagnostics");
    // The source's messages with every `{...}` placeholder as `x`.
    let mut source = String::new();
    for entry in walkdir_rs(&root().join("src")) {
        source.push_str(&std::fs::read_to_string(entry).unwrap());
    }
    let placeholder = regex::Regex::new(r#"\{[^{}\s"]*\}"#).unwrap();
    let source = placeholder.replace_all(&source, "x");
    let span = regex::Regex::new(r"``? (.+?) ``?|`([^`]+)`").unwrap();
    let mut checked = 0;
    for line in readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
    {
        let first = line.split(" | ").next().unwrap().trim_start_matches("| ");
        for part in first.split(" / ") {
            let part = part.split(" (").next().unwrap();
            let message = span
                .captures(part)
                .and_then(|c| c.get(1).or(c.get(2)))
                .unwrap_or_else(|| panic!("no message in {part}"))
                .as_str();
            // What varies (a quoted name, `...`) may be anything in the source.
            let pattern = regex::escape(message)
                .replace(r"\.\.\.", ".*")
                .replace("`x`", "`[^`]*`")
                .replace("`id`", "`[^`]*`")
                .replace("`/x`", "`[^`]*`")
                .replace("`#x`", "`#[^`]*`")
                .replace("`x:`", "`[^`]*`")
                .replace("`2016-02-30`", "`[^`]*`");
            let found = regex::Regex::new(&pattern).unwrap().is_match(&source);
            assert!(
                found,
                "README explains `{message}`, which atlas never prints"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// Every `.rs` file under `dir`.
fn walkdir_rs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walkdir_rs(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
