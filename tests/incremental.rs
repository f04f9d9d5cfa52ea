//! Incremental rebuilds: `atlas serve` serves what a fresh full build makes,
//! byte for byte, after any sequence of edits; and an edit makes again only
//! what it touches.

mod common;
#[path = "../benches/corpus.rs"]
mod corpus;
use corpus::Rng;

use std::collections::BTreeSet;
use std::path::Path;

use atlas::serve::{ServeOptions, Server};
use atlas::{BuildOptions, BuildResult, Collect, Session};
use common::http::{Events, get};

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let text = read(root, path);
    assert!(text.contains(from), "`{from}` not in {path}");
    write(root, path, &text.replacen(from, to, 1));
}

/// A run with the session, checked against a fresh full build.
fn rebuild(root: &Path, session: &mut Session, what: &str) -> BuildResult {
    let options = BuildOptions::default();
    let collect = Collect::default();
    let mut incremental = atlas::run_with(root, &options, session, &collect);
    incremental.files = collect.into_files();
    let full = atlas::run(root, &options);
    assert_eq!(
        incremental.diagnostics.render(),
        full.diagnostics.render(),
        "{what}: diagnostics"
    );
    if !full.diagnostics.has_errors() {
        assert_same_files(&incremental.files, &full.files, what);
    }
    assert_eq!(incremental.coverage, full.coverage, "{what}: coverage");
    incremental
}

fn assert_same_files(a: &[atlas::OutputFile], b: &[atlas::OutputFile], what: &str) {
    let paths = |f: &[atlas::OutputFile]| f.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(a), paths(b), "{what}: paths");
    for (x, y) in a.iter().zip(b) {
        assert!(x.bytes == y.bytes, "{what}: {} differs", x.path);
    }
}

#[test]
fn an_edit_makes_again_only_what_it_touches() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    corpus::write_atlas(root, 120, true);
    let mut session = Session::persistent();
    let first = rebuild(root, &mut session, "first build");
    assert!(
        !first.diagnostics.has_errors(),
        "{}",
        first.diagnostics.render()
    );
    let pages = first.stats.made("entry page");
    assert!(pages > 100, "{:?}", first.stats);

    // Nothing changed: nothing is made.
    let r = rebuild(root, &mut session, "no change");
    assert_eq!(r.stats.made_total(), 0, "{:?}", r.stats);

    // A body edit: the entry is parsed and prepared again, and only the
    // pages that show its text (its own, the sources it cites, search).
    edit(
        root,
        "content/labs/lab-3.md",
        "## Facilities",
        "A new paragraph.\n\n## Facilities",
    );
    let r = rebuild(root, &mut session, "body edit");
    assert_eq!(
        (r.stats.made("parse"), r.stats.made("prepare")),
        (1, 1),
        "{:?}",
        r.stats
    );
    assert_eq!(r.stats.made("entry page"), 1, "{:?}", r.stats);
    assert_eq!(
        r.stats.made("atlas"),
        0,
        "a body edit leaves the atlas: {:?}",
        r.stats
    );
    let page = r
        .files
        .iter()
        .find(|f| f.path == "labs/lab-3/index.html")
        .unwrap();
    assert!(String::from_utf8_lossy(&page.bytes).contains("A new paragraph."));

    // A title edit: the entries that show the title are prepared again
    // (those related to it, and those that link to it), not all.
    edit(
        root,
        "content/parks/park-2.md",
        "title: \"Park 2\"",
        "title: \"Park Two\"",
    );
    let r = rebuild(root, &mut session, "title edit");
    assert_eq!(r.stats.made("parse"), 1);
    let prepared = r.stats.made("prepare");
    assert!(prepared > 1 && prepared < 30, "title edit: {:?}", r.stats);
    assert!(r.stats.made("entry page") < pages / 2, "{:?}", r.stats);

    // A fact that no other page shows: only the entry's own page, its JSON
    // record and its CSV row.
    edit(root, "content/parks/park-2.md", "city: City", "city: Town");
    let r = rebuild(root, &mut session, "city edit");
    assert_eq!(r.stats.made("prepare"), 1, "{:?}", r.stats);
    assert_eq!(r.stats.made("entry page"), 1, "{:?}", r.stats);
    assert_eq!(
        r.stats.made("kind index"),
        0,
        "the card did not change: {:?}",
        r.stats
    );

    // A source's short name: the entries citing it, not all.
    edit(
        root,
        "content/sources/source-1.md",
        "short: \"Author 1",
        "short: \"Writer 1",
    );
    let r = rebuild(root, &mut session, "source short name edit");
    let prepared = r.stats.made("prepare");
    assert!(
        prepared > 2 && prepared < 120,
        "citing entries only: {:?}",
        r.stats
    );
    assert!(
        r.files.iter().any(|f| f.path.starts_with("labs/")
            && String::from_utf8_lossy(&f.bytes).contains("Writer 1")),
        "the new short name is in the notes"
    );

    // A template edit: only the pages made with it.
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/source.html"),
    )
    .unwrap();
    write(
        root,
        "themes/default/templates/source.html",
        &builtin.replacen("{% block main %}", "{% block main %}<p>Overridden</p>", 1),
    );
    let r = rebuild(root, &mut session, "template edit");
    let sources = corpus::Shape::of(120).sources;
    assert_eq!(r.stats.made("source page"), sources, "{:?}", r.stats);
    assert_eq!(r.stats.made("entry page"), 0, "{:?}", r.stats);
    assert_eq!(r.stats.made("prepare"), 0, "{:?}", r.stats);

    // A config edit makes everything again.
    edit(root, "atlas.toml", "Synthetic Atlas", "Synthetic Atlas Two");
    let r = rebuild(root, &mut session, "config edit");
    assert!(r.stats.made("entry page") >= pages, "{:?}", r.stats);
}

/// The entry files of the project, by path relative to the root.
fn entry_files(root: &Path, folder: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join("content").join(folder))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| format!("content/{folder}/{}", e.file_name().to_string_lossy()))
                .filter(|p| p.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn pick_id<S: AsRef<str>>(rng: &mut Rng, paths: &[S]) -> String {
    id_of(paths[rng.below(paths.len())].as_ref())
}

fn id_of(path: &str) -> String {
    path.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".md")
        .to_string()
}

/// Sets (or with `None` removes) a top-level front matter key.
fn set_key(text: &str, key: &str, value: Option<&str>) -> String {
    let (front, body) = {
        let rest = text.strip_prefix("---\n").expect("front matter");
        let end = rest.find("\n---\n").expect("closed front matter");
        (&rest[..end], &rest[end + 5..])
    };
    let mut lines: Vec<String> = front
        .lines()
        .filter(|l| !l.starts_with(&format!("{key}:")))
        .map(str::to_string)
        .collect();
    if let Some(v) = value {
        lines.push(format!("{key}: {v}"));
    }
    format!("---\n{}\n---\n{body}", lines.join("\n"))
}

/// One random edit of the project; returns what it did.
fn random_edit(root: &Path, rng: &mut Rng, step: usize) -> String {
    let parks = entry_files(root, "parks");
    let programs = entry_files(root, "programs");
    let labs = entry_files(root, "labs");
    let sources = entry_files(root, "sources");
    let items: Vec<&String> = parks.iter().chain(&programs).chain(&labs).collect();
    let any_id = |rng: &mut Rng| pick_id(rng, &items);
    let source = pick_id(rng, &sources);
    let cite = format!("{source}, §{}", rng.below(9) + 1);
    let path = items[rng.below(items.len())].clone();
    let kind = path.split('/').nth(1).unwrap().to_string();
    let text = read(root, &path);
    let value: Option<String> = match rng.below(31) {
        // Every front matter field of the items, set, changed or removed.
        0 => Some(format!("title: \"Renamed {step}\"")),
        1 => Some(format!("summary: \"Summary {step}.\"")),
        2 => Some(format!("name_zh: 名称{step}")),
        3 => Some(format!("aliases: [Alias {step}, A{step}]")),
        4 => Some(format!(
            "designation: {}",
            rng.pick(&["science-city", "plan", "state-key-lab", "national-lab"])
        )),
        5 => Some(format!(
            "established: {{ value: {}, cite: \"{cite}\" }}",
            1970 + rng.below(50)
        )),
        6 if kind == "programs" => Some(format!("ended: {}", 2020 + rng.below(5))),
        7 => Some(format!("agency: \"Agency {step}\"")),
        8 if kind != "programs" => Some(format!("city: City {step}")),
        9 if kind != "programs" => Some(format!(
            "province: {{ value: {}, cite: \"{cite}\" }}",
            rng.pick(&["Beijing", "Shanghai", "Anhui", "Hubei"])
        )),
        10 => Some(format!(
            "country: {}",
            rng.pick(&["China", "{ value: Germany, editorial: true }"])
        )),
        11 if kind == "parks" => Some(format!("area_km2: {}.5", rng.below(90) + 1)),
        12 => Some(format!(
            "fields: [{}]",
            rng.pick(&["physics", "energy", "quantum, materials"])
        )),
        13 if kind != "programs" => Some(format!("programs: [{}]", pick_id(rng, &programs))),
        14 if kind == "labs" => Some(format!("park: {}", pick_id(rng, &parks))),
        15 => {
            let same = match kind.as_str() {
                "parks" => &parks,
                "programs" => &programs,
                _ => &labs,
            };
            Some(format!("part_of: {}", pick_id(rng, same)))
        }
        16 if kind == "programs" => Some(format!("predecessor: {}", pick_id(rng, &programs))),
        17 => Some(format!("related: [{}]", any_id(rng))),
        18 => Some(format!(
            "facts: [{{ label: Staff, value: {}, cite: \"{cite}\" }}]",
            rng.below(900)
        )),
        19 => Some(format!(
            "updated: 2026-0{}-1{}",
            rng.below(9) + 1,
            rng.below(9)
        )),
        20 => Some(format!("featured: {}", rng.below(2) == 0)),
        21 => {
            // A key removed.
            let key = *rng.pick(&[
                "related",
                "programs",
                "part_of",
                "name_zh",
                "aliases",
                "fields",
                "established",
            ]);
            write(root, &path, &set_key(&text, key, None));
            return format!("{path}: removed `{key}`");
        }
        22 => {
            let body = format!(
                "Step {step} adds a claim [@{cite}] and links [an entry](@{}).\n",
                any_id(rng)
            );
            write(root, &path, &format!("{text}\n{body}"));
            return format!("{path}: body");
        }
        23 => {
            // Renamed: what named the old id now fails, and is reported.
            let new = path.replace(".md", &format!("-r{step}.md"));
            std::fs::rename(root.join(&path), root.join(&new)).unwrap();
            return format!("renamed {path} to {new}");
        }
        24 => {
            std::fs::remove_file(root.join(&path)).unwrap();
            return format!("deleted {path}");
        }
        25 => {
            let new = format!("content/programs/new-{step}.md");
            write(
                root,
                &new,
                &format!(
                    "---\ntitle: New {step}\nsummary: New.\nupdated: 2026-01-01\nrelated: [{}]\n---\nNew [@{cite}].\n",
                    any_id(rng)
                ),
            );
            return format!("added {new}");
        }
        26 => {
            let name = *rng.pick(&[
                "entry.html",
                "source.html",
                "kind.html",
                "base.html",
                "term.html",
            ]);
            let builtin = read(
                Path::new(env!("CARGO_MANIFEST_DIR")),
                &format!("themes/default/templates/{name}"),
            );
            let changed = if rng.below(3) == 0 {
                builtin
            } else {
                builtin
                    .replacen(
                        "{% block main %}",
                        &format!("{{% block main %}}<p>Step {step}</p>"),
                        1,
                    )
                    .replacen("<body", &format!("<body data-step=\"{step}\""), 1)
            };
            write(root, &format!("themes/default/templates/{name}"), &changed);
            return format!("template {name}");
        }
        27 => {
            let sites = read(root, "geodata/sites/sites.geojson");
            let mut lines: Vec<&str> = sites.lines().collect();
            let feature_lines: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains("\"Feature\""))
                .collect();
            if let Some(&i) = feature_lines.get(rng.below(feature_lines.len())) {
                if rng.below(2) == 0 {
                    let moved = lines[i].replacen("\"coordinates\":[1", "\"coordinates\":[11", 1);
                    let moved = moved.replacen("[111", "[116", 1);
                    let mut owned: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                    owned[i] = moved;
                    write(root, "geodata/sites/sites.geojson", &owned.join("\n"));
                    return "geodata: a site moved".into();
                }
                lines.remove(i);
                let joined = lines
                    .join("\n")
                    .replace(",\n]", "\n]")
                    .replace("[\n,", "[\n");
                write(root, "geodata/sites/sites.geojson", &joined);
                return "geodata: a site removed".into();
            }
            return "geodata: nothing to change".into();
        }
        29 => {
            // A source's front matter: every note citing it shows its short
            // reference, its page and the bibliography its other fields.
            let path = format!("content/sources/{source}.md");
            let text = read(root, &path);
            let (key, value) = match rng.below(4) {
                0 => ("short", format!("\"Writer {step} 2020\"")),
                1 => ("title", format!("\"Retitled report {step}\"")),
                2 => ("year", format!("{}", 1990 + rng.below(30))),
                _ => ("url", format!("https://example.org/report-{step}")),
            };
            write(root, &path, &set_key(&text, key, Some(&value)));
            return format!("{path}: {key}: {value}");
        }
        30 => {
            // A plain page's front matter: its title is in every page's menu.
            let path = "content/pages/about.md";
            let text = read(root, path);
            let (key, value) = match rng.below(3) {
                0 => ("title", format!("\"About {step}\"")),
                1 => ("menu", format!("{}", rng.below(5))),
                _ => ("summary", format!("\"What atlas {step} is.\"")),
            };
            write(root, path, &set_key(&text, key, Some(&value)));
            return format!("{path}: {key}: {value}");
        }
        _ => {
            let config = read(root, "atlas.toml");
            let changed = if config.contains("title = \"Synthetic Atlas\"") {
                config.replacen(
                    "title = \"Synthetic Atlas\"",
                    &format!("title = \"Synthetic Atlas {step}\""),
                    1,
                )
            } else {
                config.replacen(
                    "physics = \"physics\"",
                    &format!("physics = \"Physics {step}\""),
                    1,
                )
            };
            write(root, "atlas.toml", &changed);
            return "config".into();
        }
    };
    match value {
        Some(line) => {
            let (key, v) = line.split_once(": ").unwrap();
            write(root, &path, &set_key(&text, key, Some(v)));
            format!("{path}: {line}")
        }
        None => "nothing".into(),
    }
}

/// Every file of the project's inputs, by path relative to the root.
fn snapshot(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for dir in ["content", "themes", "geodata"] {
        for e in walkdir::WalkDir::new(root.join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out.insert(
        "atlas.toml".into(),
        std::fs::read(root.join("atlas.toml")).unwrap(),
    );
    out
}

/// Puts the project's inputs back as `state` has them.
fn restore(root: &Path, state: &std::collections::BTreeMap<String, Vec<u8>>) {
    let now = snapshot(root);
    for path in now.keys().filter(|p| !state.contains_key(*p)) {
        std::fs::remove_file(root.join(path)).unwrap();
    }
    for (path, bytes) in state {
        if now.get(path) != Some(bytes) {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
}

fn start(root: &Path) -> Server {
    let mut options = ServeOptions::new(root);
    options.port = 0;
    options.verbose = false;
    atlas::serve::start(&options).expect("server starts")
}

/// What `serve` adds to every HTML page it serves.
fn served_as_built(bytes: &[u8]) -> Vec<u8> {
    let script = b"<script src=\"/__atlas/live.js\"></script>";
    match bytes.windows(script.len()).position(|w| w == script) {
        Some(at) => [&bytes[..at], &bytes[at + script.len()..]].concat(),
        None => bytes.to_vec(),
    }
}

#[test]
fn served_pages_equal_a_full_build_after_random_edits() {
    let seed: u64 = std::env::var("ATLAS_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_a71a5);
    let steps: usize = std::env::var("ATLAS_TEST_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    eprintln!("seed {seed}, {steps} steps (ATLAS_TEST_SEED, ATLAS_TEST_STEPS)");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    corpus::write_atlas(root, 40, true);
    let server = start(root);
    let addr = server.addr();
    let options = BuildOptions {
        base_url: Some(server.url()),
    };
    let mut events = Events::open(addr);
    let mut rng = Rng(seed);
    let mut served_before: BTreeSet<String> = BTreeSet::new();
    let mut last_good: Vec<atlas::OutputFile> = atlas::run(root, &options).files;
    let mut good_state = snapshot(root);
    for step in 0..steps {
        // After a failed build, most often go back to the last good state
        // (itself an edit of many files), so the steps go on exercising
        // rebuilds of a working atlas.
        let broken = atlas::run(root, &options).diagnostics.has_errors();
        let what = if broken && rng.below(3) > 0 {
            restore(root, &good_state);
            "restored the last good state".to_string()
        } else {
            random_edit(root, &mut rng, step)
        };
        if what == "nothing" {
            continue;
        }
        let event = events.settle(std::time::Duration::from_millis(400));
        let full = atlas::run(root, &options);
        if full.diagnostics.has_errors() {
            assert!(
                event.contains("build-error"),
                "step {step} ({what}): {event}"
            );
        } else {
            assert!(
                event.contains("event: reload"),
                "step {step} ({what}): {event}\n{}",
                full.diagnostics.render()
            );
            last_good = full.files;
            good_state = snapshot(root);
        }
        // Whether or not this build failed, the last good site is served,
        // every file as a full build makes it.
        for f in &last_good {
            let reply = get(addr, &format!("/{}", f.path));
            assert_eq!(reply.status, 200, "step {step} ({what}): {}", f.path);
            let served = if f.path.ends_with(".html") {
                let without_overlay = match reply.body.find("<div id=\"atlas-overlay\"") {
                    Some(at) => {
                        let end = reply.body[at..].find("</pre></div>").unwrap() + at + 12;
                        [&reply.bytes[..at], &reply.bytes[end..]].concat()
                    }
                    None => reply.bytes.clone(),
                };
                served_as_built(&without_overlay)
            } else {
                reply.bytes
            };
            assert!(
                served == f.bytes.as_ref(),
                "step {step} ({what}): {} is stale",
                f.path
            );
        }
        // Nothing is served that the build no longer makes.
        let now: BTreeSet<String> = last_good.iter().map(|f| f.path.clone()).collect();
        for gone in served_before.difference(&now) {
            assert_eq!(
                get(addr, &format!("/{gone}")).status,
                404,
                "step {step} ({what}): {gone} is still served"
            );
        }
        served_before = now;
    }
}
