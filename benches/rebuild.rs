//! Benchmark (not a test): full build time and edit-to-reload time on
//! synthetic atlases.
//!
//! ```sh
//! cargo bench --bench rebuild                          # 10,000 entries
//! ATLAS_BENCH_N=1000,10000,100000 cargo bench --bench rebuild
//! ATLAS_BENCH_EDITS=9 ATLAS_BENCH_SITES=0 cargo bench --bench rebuild
//! ```
//!
//! For each size N it writes an atlas of N parks, programs and labs (with
//! relations, citations and, unless `ATLAS_BENCH_SITES=0`, site locations),
//! then measures:
//!
//! - a full build (`atlas::run`, everything but writing files);
//! - with `atlas serve` running on it: from writing a file to the SSE
//!   `reload` event naming the page, and to the new page being served, for a
//!   body edit, a title edit (shown on lists and related pages) and a
//!   template edit (every source page).

#[path = "corpus.rs"]
mod corpus;
// The same client the serve tests use; the bench reads only some of it.
#[path = "../tests/common/http.rs"]
#[allow(dead_code)]
mod http;

use std::net::SocketAddr;
use std::path::Path;

use http::{Events, get};
use std::time::{Duration, Instant};

fn main() {
    let sizes = corpus::env_list("ATLAS_BENCH_N", "10000");
    let edits = corpus::env_list("ATLAS_BENCH_EDITS", "5")
        .first()
        .copied()
        .unwrap_or(5)
        .max(1);
    let sites = std::env::var("ATLAS_BENCH_SITES").map_or(true, |v| v != "0");
    println!(
        "atlas rebuild benchmark ({} cores, site locations {})",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if sites { "on" } else { "off" }
    );
    for n in sizes {
        bench(n, edits, sites);
    }
}

fn bench(n: usize, edits: usize, sites: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    corpus::write_atlas(root, n, sites);
    println!("\n== {n} entries ==");

    let started = Instant::now();
    let full = atlas::run(root, &atlas::BuildOptions::default());
    let full_time = started.elapsed();
    let bytes: usize = full.files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "full build:            {:>8.0} ms  ({} files, {} MB, {} errors, {} warnings)",
        ms(full_time),
        full.files.len(),
        bytes / 1_000_000,
        full.diagnostics.error_count(),
        full.diagnostics.warning_count()
    );
    drop(full);

    let mut options = atlas::serve::ServeOptions::new(root);
    options.port = 0;
    options.verbose = false;
    let started = Instant::now();
    let server = atlas::serve::start(&options).expect("server starts");
    println!(
        "serve start-up:        {:>8.0} ms  (bind, first build, watch)",
        ms(started.elapsed())
    );
    let addr = server.addr();
    let mut events = Events::open(addr);

    let lab = "content/labs/lab-3.md";
    let mut body = Vec::new();
    for i in 0..edits {
        let t = time_edit(
            root,
            &mut events,
            addr,
            lab,
            "labs/lab-3/index.html",
            |text| {
                text.replacen(
                    "## Facilities",
                    &format!("Edit number {i}.\n\n## Facilities"),
                    1,
                )
            },
            &format!("Edit number {i}."),
        );
        body.push(t);
    }
    report("body edit", &body);

    let park = "content/parks/park-2.md";
    let mut title = Vec::new();
    for i in 0..edits {
        let t = time_edit(
            root,
            &mut events,
            addr,
            park,
            "parks/park-2/index.html",
            |text| {
                let start = text.find("title: ").expect("a title");
                let end = start + text[start..].find('\n').expect("a line");
                format!("{}title: \"Park Two {i}\"{}", &text[..start], &text[end..])
            },
            &format!("Park Two {i}"),
        );
        title.push(t);
    }
    report("title edit", &title);

    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/source.html"),
    )
    .expect("the built-in template");
    let mut template = Vec::new();
    for i in 0..edits.min(3) {
        let marker = format!("<p>Template edit {i}</p>");
        let text = builtin.replacen(
            "{% block main %}",
            &format!("{{% block main %}}{marker}"),
            1,
        );
        let t = time_write(
            root,
            &mut events,
            addr,
            "themes/default/templates/source.html",
            &text,
            "sources/source-0/index.html",
            &marker,
        );
        template.push(t);
    }
    report("template edit", &template);
    drop(server);
}

/// (to the reload event, to the new page being served)
type Timing = (Duration, Duration);

fn time_edit(
    root: &Path,
    events: &mut Events,
    addr: SocketAddr,
    path: &str,
    page: &str,
    change: impl Fn(&str) -> String,
    marker: &str,
) -> Timing {
    let text = std::fs::read_to_string(root.join(path)).expect("the file");
    let new = change(&text);
    time_write(root, events, addr, path, &new, page, marker)
}

fn time_write(
    root: &Path,
    events: &mut Events,
    addr: SocketAddr,
    path: &str,
    text: &str,
    page: &str,
    marker: &str,
) -> Timing {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("folder");
    let started = Instant::now();
    std::fs::write(&p, text).expect("write");
    events.wait_for(&format!("\"{page}\""));
    let to_event = started.elapsed();
    let deadline = started + Duration::from_secs(600);
    while !get(addr, &format!("/{page}")).body.contains(marker) {
        assert!(Instant::now() < deadline, "the edit never showed up");
        std::thread::sleep(Duration::from_millis(5));
    }
    (to_event, started.elapsed())
}

fn report(what: &str, times: &[Timing]) {
    let mut events: Vec<f64> = times.iter().map(|t| ms(t.0)).collect();
    let mut pages: Vec<f64> = times.iter().map(|t| ms(t.1)).collect();
    events.sort_by(f64::total_cmp);
    pages.sort_by(f64::total_cmp);
    println!(
        "{what:<14} to reload event: median {:>6.0} ms (min {:.0}, max {:.0}); to new page served: median {:>6.0} ms  [{} runs]",
        events[events.len() / 2],
        events[0],
        events[events.len() - 1],
        pages[pages.len() / 2],
        times.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
