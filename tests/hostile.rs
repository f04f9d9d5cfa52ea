//! Hostile and odd inputs: each one builds or gets a located diagnostic,
//! never hangs the build, never reads outside the project, and a failed
//! build leaves the previous site and everything around it as it was.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::tree::{Node, all, tree};
use common::{Site, atlas, park};

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

fn symlink(target: &Path, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A site that built once; then `spoil` makes it hostile. The next build
/// must fail with exactly `expected` among its errors (rendered), and leave
/// the previous site and every other file as they were.
fn fails_cleanly(site: &Site, spoil: impl FnOnce(&Site), expected: &str) -> String {
    site.build_ok();
    spoil(site);
    let skip_lock = |p: &str| p == ".site.atlas-lock";
    let before = tree(site.root(), &skip_lock);
    let r = site.build();
    let rendered = r.diagnostics.render_errors();
    assert!(
        rendered.contains(expected),
        "expected:\n{expected}\ngot:\n{rendered}"
    );
    drop(r);
    assert!(
        tree(site.root(), &skip_lock) == before,
        "the failed build changed files"
    );
    rendered
}

fn good_site() -> Site {
    Site::new(&[("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n"))])
}

// B.1: only regular files are read.

#[test]
fn a_named_pipe_as_an_entry_is_reported_not_read() {
    let s = good_site();
    let out = fails_cleanly(
        &s,
        |s| mkfifo(&s.root().join("content/parks/fifo.md")),
        "error: `content/parks/fifo.md` is a named pipe (FIFO), not a regular file\n --> content/parks/fifo.md\n  = hint: atlas reads regular files only; replace it with a file, or move it away\n",
    );
    assert_eq!(out.matches("error:").count(), 1, "{out}");
}

#[test]
fn a_named_pipe_as_the_config_is_reported_not_read() {
    let s = good_site();
    fails_cleanly(
        &s,
        |s| {
            std::fs::remove_file(s.root().join("atlas.toml")).unwrap();
            mkfifo(&s.root().join("atlas.toml"));
        },
        "error: `atlas.toml` is a named pipe (FIFO), not a regular file\n --> atlas.toml\n  = hint: atlas reads regular files only; replace it with a file, or move it away\n",
    );
    let out = atlas(s.root(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_named_pipe_as_a_source_text_is_reported_not_read() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        (
            "content/sources/doe-2020.md",
            "---\ntitle: A Report\nshort: Doe 2020\nkind: report\nyear: 2020\nsummary: A report.\ntext: doe.txt\n---\nA report.\n",
        ),
        ("texts/doe.txt", "The report's text."),
    ]);
    s.write(
        "atlas.toml",
        &format!("{}sources_text_dir = \"texts\"\n", common::CONFIG),
    );
    fails_cleanly(
        &s,
        |s| {
            std::fs::remove_file(s.root().join("texts/doe.txt")).unwrap();
            mkfifo(&s.root().join("texts/doe.txt"));
        },
        "error: `texts/doe.txt` is a named pipe (FIFO), not a regular file\n --> content/sources/doe-2020.md:7:7\n  |\n7 | text: doe.txt\n  |       ^^^^^^^\n  |\n  = hint: atlas reads regular files only; replace it with a file, or move it away\n",
    );
}

#[test]
fn named_pipes_in_geodata_and_the_theme_are_reported_not_read() {
    let expected = |p: &str| {
        format!(
            "error: `{p}` is a named pipe (FIFO), not a regular file\n --> {p}\n  = hint: atlas reads regular files only; replace it with a file, or move it away\n"
        )
    };
    for path in [
        "geodata/sites/x.geojson",
        "geodata/base/china-provinces.geojson",
        "themes/default/templates/page.html",
        "themes/default/static/x.css",
    ] {
        let s = good_site();
        fails_cleanly(&s, |s| mkfifo(&s.root().join(path)), &expected(path));
    }
}

#[test]
fn a_socket_in_content_is_reported() {
    let s = good_site();
    fails_cleanly(
        &s,
        |s| {
            std::os::unix::net::UnixListener::bind(s.root().join("content/parks/sock.md")).unwrap();
        },
        "error: `content/parks/sock.md` is a socket, not a regular file\n --> content/parks/sock.md\n",
    );
}

// B.2: symbolic links are followed inside the project only.

#[test]
fn a_link_to_etc_passwd_is_refused_and_not_shown() {
    let s = good_site();
    let out = fails_cleanly(
        &s,
        |s| {
            symlink(
                Path::new("/etc/passwd"),
                &s.root().join("content/parks/passwd.md"),
            )
        },
        "error: `content/parks/passwd.md` is a symbolic link to `/etc/passwd`, outside the project\n --> content/parks/passwd.md\n  = hint: atlas reads only files inside the project; move the file there, or point the link inside it\n",
    );
    assert!(!out.contains("root:"), "{out}");
    let checked = atlas(s.root(), &["check"]);
    assert!(!String::from_utf8_lossy(&checked.stderr).contains("root:"));
}

#[test]
fn links_inside_the_project_are_followed() {
    let s = Site::new(&[("shared/parks/p.md", &park("", "Linked [@doe-2020, §1].\n"))]);
    symlink(
        &s.root().join("shared/parks"),
        &s.root().join("content/parks"),
    );
    symlink(
        &s.root().join("shared/parks/p.md"),
        &s.root().join("content/labs/l.md"),
    );
    s.build_ok();
    assert!(s.read("parks/p/index.html").contains("Linked"));
    assert!(s.out().join("labs/l/index.html").is_file());
}

#[test]
fn broken_and_looping_links_are_named() {
    let s = good_site();
    fails_cleanly(
        &s,
        |s| {
            symlink(
                Path::new("nowhere.md"),
                &s.root().join("content/parks/gone.md"),
            )
        },
        "error: `content/parks/gone.md` is a broken symbolic link\n --> content/parks/gone.md\n  = hint: point the link at an existing file, or remove it\n",
    );
    let s = good_site();
    fails_cleanly(
        &s,
        |s| symlink(Path::new("."), &s.root().join("content/parks/again")),
        "error: `content/parks/again` is a symbolic link that leads back into itself\n --> content/parks/again\n",
    );
}

#[test]
fn a_kind_folder_linked_outside_the_project_is_one_error() {
    let elsewhere = tempfile::tempdir().unwrap();
    for i in 0..5 {
        std::fs::write(elsewhere.path().join(format!("p{i}.md")), park("", "")).unwrap();
    }
    let s = good_site();
    let target = elsewhere.path().canonicalize().unwrap();
    let out = fails_cleanly(
        &s,
        |s| {
            std::fs::remove_dir_all(s.root().join("content/parks")).unwrap();
            symlink(&target, &s.root().join("content/parks"));
        },
        &format!(
            "error: `content/parks` is a symbolic link to `{}`, outside the project\n --> content/parks\n",
            target.display()
        ),
    );
    assert_eq!(out.matches("error:").count(), 1, "{out}");
}

#[test]
fn theme_and_geodata_folders_linked_outside_are_refused() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(elsewhere.path().join("templates")).unwrap();
    std::fs::write(elsewhere.path().join("templates/page.html"), "{{ secret }}").unwrap();
    std::fs::write(elsewhere.path().join("sites.geojson"), "{}").unwrap();
    let target = elsewhere.path().canonicalize().unwrap();
    for link in ["themes/default", "geodata/sites"] {
        let s = good_site();
        fails_cleanly(
            &s,
            |s| symlink(&target, &s.root().join(link)),
            &format!(
                "error: `{link}` is a symbolic link to `{}`, outside the project\n --> {link}\n",
                target.display()
            ),
        );
    }
}

#[test]
fn a_source_text_outside_the_text_folder_is_refused() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        ("texts/doe.txt", "The report's text."),
    ]);
    s.write(
        "atlas.toml",
        &format!("{}sources_text_dir = \"texts\"\n", common::CONFIG),
    );
    let passwd = Path::new("/etc/passwd").canonicalize().unwrap();
    fails_cleanly(
        &s,
        |s| {
            s.write(
            "content/sources/doe-2020.md",
            "---\ntitle: A Report\nshort: Doe 2020\nkind: report\nyear: 2020\nsummary: A report.\ntext: ../../../../../../../../etc/passwd\n---\nA report.\n",
        )
        },
        &format!(
            "error: `texts/../../../../../../../../etc/passwd` leads to `{}`, outside `sources_text_dir`\n --> content/sources/doe-2020.md:7:7\n",
            passwd.display()
        ),
    );
}

// B.3: limits.

#[test]
fn files_over_their_limit_are_refused_unread() {
    let cases = [
        (
            "content/parks/big.md",
            "`content/parks/big.md` is 3 MiB; an entry may be at most 2 MiB",
            3u64 << 20,
        ),
        (
            "geodata/sites/big.geojson",
            "`geodata/sites/big.geojson` is 40 MiB; a geodata file may be at most 32 MiB",
            40 << 20,
        ),
        (
            "themes/default/templates/page.html",
            "`themes/default/templates/page.html` is 1.5 MiB; a template may be at most 1 MiB",
            3 << 19,
        ),
    ];
    for (path, message, len) in cases {
        let s = good_site();
        fails_cleanly(
            &s,
            |s| {
                let p = s.root().join(path);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                // Sparse: the size is checked before anything is read.
                std::fs::File::create(&p).unwrap().set_len(len).unwrap();
            },
            &format!("error: {message}\n --> {path}\n"),
        );
    }
}

#[test]
fn at_most_fifty_problems_are_shown_per_file() {
    let ids: Vec<String> = (0..60).map(|i| format!("nowhere-{i:02}")).collect();
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(&format!("related: [{}]\n", ids.join(", ")), ""),
    )]);
    let out = atlas::run(s.root(), &Default::default())
        .diagnostics
        .render_errors();
    assert_eq!(out.matches("error: unknown id").count(), 50, "{out}");
    assert!(
        out.contains("... and 10 more problems in `content/parks/p.md`\n"),
        "{out}"
    );
}

// B.4: unexpected files are named.

#[test]
fn files_atlas_ignores_are_named_in_a_warning() {
    let s = Site::new(&[
        ("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n")),
        ("content/index.md", "---\ntitle: Home\n---\n"),
        ("content/parks/notes.txt", "notes"),
        ("content/places/x.md", "x"),
        ("geodata/x.geojson", "{}"),
        ("geodata/base/rivers.geojson", "{}"),
        ("geodata/base/README.md", "notes are fine"),
    ]);
    let out = s.check();
    for expected in [
        "warning: `content/index.md` is not in a kind's folder and is ignored\n --> content/index.md\n",
        "warning: `content/parks/notes.txt` is not a Markdown file and is ignored\n",
        "warning: folder `content/places` is not a kind of entry; its files are ignored\n",
        "warning: `geodata/x.geojson` is not read and is ignored\n --> geodata/x.geojson\n  = hint: site locations go in geodata/sites/*.geojson",
        "warning: `geodata/base/rivers.geojson` is not read and is ignored\n",
    ] {
        assert!(out.contains(expected), "expected:\n{expected}\ngot:\n{out}");
    }
    assert!(!out.contains("README"), "{out}");
}

// B.5: ids Windows cannot hold.

#[test]
fn ids_windows_reserves_are_refused() {
    for id in ["con", "aux", "nul", "prn", "com1", "lpt9"] {
        let s = good_site();
        fails_cleanly(
            &s,
            |s| s.write(&format!("content/labs/{id}.md"), &common::lab("")),
            &format!(
                "error: invalid entry id `{id}`: Windows reserves this name: a folder with it cannot exist there, so the site could not be checked out or served on Windows\n --> content/labs/{id}.md\n  = hint: rename the file to `{id}-1.md`\n"
            ),
        );
    }
}

#[test]
fn term_pages_never_take_a_name_windows_reserves() {
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(
            "fields: [nul, aux]\ndesignation: con\n",
            "Text [@doe-2020, §1].\n",
        ),
    )]);
    s.build_ok();
    for page in [
        "field/nul-1/index.html",
        "field/aux-1/index.html",
        "designation/con-1/index.html",
    ] {
        assert!(s.out().join(page).is_file(), "{page}");
    }
    assert!(
        s.read("parks/p/index.html")
            .contains("field/nul-1/index.html")
    );
    common::assert_links_resolve(&s.out(), &common::read_site(&s.out()));
}

// C.1-3: config values.

#[test]
fn base_url_must_be_an_absolute_http_url() {
    for bad in [
        "/atlas/",
        "atlas/",
        "javascript:alert(1)",
        "ftp://example.org/",
    ] {
        let s = good_site();
        let why = match bad {
            "javascript:alert(1)" => "its scheme is `javascript`; only http and https are allowed",
            "ftp://example.org/" => "its scheme is `ftp`; only http and https are allowed",
            _ => "it is relative; it must be an absolute http(s) URL",
        };
        fails_cleanly(
            &s,
            |s| {
                s.write(
                    "atlas.toml",
                    &format!("title = \"T\"\nbase_url = \"{bad}\"\n"),
                )
            },
            &format!(
                "error: invalid `base_url` `{bad}`: {why}\n --> atlas.toml:2:12\n  |\n2 | base_url = \"{bad}\"\n  |            {}\n  |\n  = hint: write the full address of the published site, e.g. `https://example.org/atlas/`\n",
                "^".repeat(bad.len() + 2)
            ),
        );
        // On the command line: a usage error naming it, and nothing written.
        s.write("atlas.toml", common::CONFIG);
        let before = all(s.root());
        let out = atlas(s.root(), &["build", "--base-url", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with(&format!("error: invalid value '{bad}' for '--base-url <BASE_URL>': {why}; write the full address, e.g. https://example.org/atlas/\n")),
            "{err}"
        );
        assert!(all(s.root()) == before);
    }
}

#[test]
fn a_good_base_url_gives_absolute_urls_everywhere() {
    let s = good_site();
    let out = atlas(
        s.root(),
        &["build", "--base-url", "https://mirror.example.net/atlas"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        s.read("sitemap.xml")
            .contains("<loc>https://mirror.example.net/atlas/parks/p/</loc>")
    );
    assert!(
        s.read("atom.xml")
            .contains("<id>https://mirror.example.net/atlas/</id>")
    );
}

#[test]
fn edit_url_must_be_an_absolute_http_url() {
    let s = good_site();
    fails_cleanly(
        &s,
        |s| {
            s.write(
                "atlas.toml",
                &format!(
                    "{}edit_url = \"javascript:alert(document.cookie)//\"\n",
                    common::CONFIG
                ),
            )
        },
        "error: invalid `edit_url` `javascript:alert(document.cookie)//`: its scheme is `javascript`; only http and https are allowed\n --> atlas.toml:3:12\n",
    );
}

#[test]
fn the_theme_is_a_folder_in_themes() {
    for bad in ["../../x", "/", "a/b", ".."] {
        let s = good_site();
        fails_cleanly(
            &s,
            |s| {
                s.write(
                    "atlas.toml",
                    &format!("{}theme = \"{bad}\"\n", common::CONFIG),
                )
            },
            &format!("error: invalid `theme` `{bad}`: "),
        );
    }
    let s = good_site();
    let out = fails_cleanly(
        &s,
        |s| {
            s.write(
                "atlas.toml",
                &format!("{}theme = \"../../x\"\n", common::CONFIG),
            )
        },
        "error: invalid `theme` `../../x`: it is a path; a theme is one folder name in themes/\n --> atlas.toml:3:9\n  |\n3 | theme = \"../../x\"\n  |         ^^^^^^^^^\n  |\n  = hint: name a folder in themes/, e.g. `theme = \"default\"`\n",
    );
    assert_eq!(out.matches("error:").count(), 1);
}

#[test]
fn output_keep_holds_relative_paths() {
    let s = good_site();
    fails_cleanly(
        &s,
        |s| {
            s.write(
                "atlas.toml",
                &format!("{}output_keep = [\"../x\"]\n", common::CONFIG),
            )
        },
        "error: invalid `output_keep` `../x`: it must not hold empty, `.` or `..` parts\n --> atlas.toml:3:15\n",
    );
}

// C.4: serving beyond this machine.

#[test]
fn serving_beyond_loopback_warns() {
    let s = good_site();
    let mut child = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .arg("--root")
        .arg(s.root())
        .args(["serve", "--bind", "0.0.0.0", "--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for _ in 0..2 {
        first.push_str(&lines.next().unwrap().unwrap());
        first.push('\n');
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        first,
        "warning: serving on 0.0.0.0: the site and its live-reload endpoint are reachable from other machines\n  = hint: use --bind 127.0.0.1 (the default) to serve this machine only\n"
    );
    assert!(atlas::cli::bind_warning("127.0.0.1".parse().unwrap()).is_none());
    assert!(atlas::cli::bind_warning("::1".parse().unwrap()).is_none());
    assert!(atlas::cli::bind_warning("192.168.1.5".parse().unwrap()).is_some());
}

// C.5: what `atlas new` writes parses back to what was given.

/// Titles that are hard for YAML, and many made by a small generator from
/// the characters that are.
fn titles() -> Vec<String> {
    let mut titles: Vec<String> = [
        "Foo \\ Bar \"q\"",
        "key: value",
        "a # not a comment",
        "- leading dash",
        "* star",
        "& anchor",
        "! tag",
        "% directive",
        "@ at",
        "`backtick`",
        "'single'",
        "\"double\"",
        "line\nbreak",
        "trailing\n",
        "  spaces  ",
        "tab\there",
        "null",
        "true",
        "~",
        "123",
        "1e3",
        "2016-09-01",
        "[not, a, list]",
        "{not: a map}",
        "中关村科学城",
        "emoji 🚀🧪",
        "",
        "---",
        "...",
        "\u{1b}[31mred",
        "\u{85}next line\u{2028}separator",
        "\u{feff}bom",
        "\u{7f}del",
        "?",
        "|",
        ">",
    ]
    .map(String::from)
    .to_vec();
    titles.push("long ".repeat(2_000));
    let alphabet: Vec<char> = "ab :#-*&!%@`'\"\\\n\t[]{},|>?~中🚀\u{1b}\u{85}\u{2028}\u{a0} 0."
        .chars()
        .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..2_000 {
        let mut t = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for _ in 0..(state % 24) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            t.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        titles.push(t);
    }
    titles
}

#[test]
fn new_entries_parse_back_to_their_title() {
    for title in titles() {
        for kind in [atlas::entry::Kind::Park, atlas::entry::Kind::Source] {
            let text = atlas::cli::new_entry_text(kind, &title);
            let front = text
                .strip_prefix("---\n")
                .and_then(|t| t.split_once("\n---\n"))
                .map(|(f, _)| f)
                .unwrap_or_else(|| panic!("no front matter for {title:?}:\n{text}"));
            let value: yaml_serde::Mapping = yaml_serde::from_str(front)
                .unwrap_or_else(|e| panic!("{title:?} does not parse back: {e}\n{front}"));
            assert_eq!(
                value.get("title").and_then(|v| v.as_str()),
                Some(title.as_str()),
                "{front}"
            );
        }
    }
}

#[test]
fn new_writes_a_title_with_quotes_and_backslashes_that_checks() {
    let s = Site::new(&[]);
    let out = atlas(s.root(), &["new", "park", "Foo \\ Bar \"q\""]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(s.root().join("content/parks/foo-bar-q.md")).unwrap();
    assert!(
        text.contains("title: Foo \\ Bar \"q\"  # required; English name\n"),
        "{text}"
    );
    let checked = atlas(s.root(), &["check"]);
    let err = String::from_utf8_lossy(&checked.stderr);
    assert!(!err.contains("invalid YAML"), "{err}");
    assert!(err.contains("missing required field `summary`"), "{err}");
}

// D: diagnostics stay small and print safely.

#[test]
fn twenty_thousand_unknown_ids_on_one_line_stay_small() {
    let ids: Vec<String> = (0..20_000)
        .map(|i| format!("missing-entry-{i:05}"))
        .collect();
    let s = Site::new(&[(
        "content/parks/p.md",
        &park(&format!("related: [{}]\n", ids.join(", ")), ""),
    )]);
    let r = atlas::run(s.root(), &Default::default());
    let unknown: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("unknown id"))
        .collect();
    assert_eq!(unknown.len(), 20_000);
    for d in &unknown {
        let loc = d.location.as_ref().unwrap();
        assert!(loc.line_text.len() < 400, "{}", loc.line_text.len());
    }
    let rendered = r.diagnostics.render_errors();
    assert!(rendered.len() < 50_000, "{}", rendered.len());
    assert!(rendered.contains("... and 19950 more problems in `content/parks/p.md`"));
    let last = unknown
        .iter()
        .find(|d| d.message.contains("missing-entry-19999"))
        .unwrap();
    let expected_col = 11 + 19_999 * "missing-entry-00000, ".len();
    assert_eq!(last.location.as_ref().unwrap().col, expected_col);
    assert!(last.to_string().contains(&format!(
        " --> content/parks/p.md:4:{expected_col}\n  |\n4 | …sing-entry-19997, missing-entry-19998, missing-entry-19999]\n  |                                         ^^^^^^^^^^^^^^^^^^^ no entry with this id\n"
    )), "{last}");
}

#[test]
fn escape_sequences_in_a_yaml_error_are_shown_escaped() {
    let s = good_site();
    let out = fails_cleanly(
        &s,
        |s| {
            s.write(
                "content/parks/p.md",
                "---\ntitle: \u{1b}[2J\u{1b}[31mred: [\nsummary: x\n---\n",
            )
        },
        "2 | title: \\u{1b}[2J\\u{1b}[31mred: [\n",
    );
    assert!(!out.contains('\u{1b}'), "{out:?}");
    let checked = atlas(s.root(), &["check"]);
    assert!(!checked.stderr.contains(&0x1b));
}

#[test]
fn a_failed_build_leaves_no_trace() {
    let s = good_site();
    s.build_ok();
    let before = all(s.root());
    s.write("content/parks/p.md", "---\ntitle: [broken\n---\n");
    let mut expected = before.clone();
    expected.insert(
        "content/parks/p.md".into(),
        Node::File(b"---\ntitle: [broken\n---\n".to_vec()),
    );
    assert!(s.build().diagnostics.has_errors());
    assert!(all(s.root()) == expected);
}
