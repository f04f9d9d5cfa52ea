//! `atlas serve` over HTTP: live reload, the error overlay, path safety,
//! content types and concurrent requests. The client is a minimal HTTP/1.1
//! request over a `TcpStream`; every wait has a deadline.

mod common;

use std::time::{Duration, Instant};

use atlas::serve::{ServeOptions, Server};
use common::http::{Events, WAIT, get};
use common::{Site, park};

fn start(site: &Site) -> Server {
    let mut options = ServeOptions::new(site.root());
    options.port = 0;
    options.verbose = false;
    atlas::serve::start(&options).expect("server starts")
}

/// Polls `check` until it holds or the deadline passes.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn edits_reload_and_errors_show_an_overlay_over_the_last_good_page() {
    let site = Site::new(&[
        (
            "content/parks/test-park.md",
            &park("", "First text [@doe-2020, §1].\n"),
        ),
        (
            "content/pages/about.md",
            "---\ntitle: About\nsummary: About.\n---\nAbout [@doe-2020, §2].\n",
        ),
    ]);
    let server = start(&site);
    let addr = server.addr();
    let page = get(addr, "/parks/test-park/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("First text"));
    assert!(
        page.body
            .contains("<script src=\"/__atlas/live.js\"></script></body>")
    );
    assert!(!page.body.contains("atlas-overlay"));
    let mut events = Events::open(addr);

    // An edit: the new page is served and open pages are told to reload it.
    site.write(
        "content/parks/test-park.md",
        &park("", "Second text [@doe-2020, §1].\n"),
    );
    let reload = events.wait_for("event: reload");
    assert!(reload.contains("parks/test-park/index.html"), "{reload}");
    assert!(get(addr, "/parks/test-park/").body.contains("Second text"));

    // An error: the overlay carries the terminal's message; the last good
    // page is still served.
    site.write(
        "content/parks/test-park.md",
        &park("", "Broken [@nobody-2021, §1].\n"),
    );
    let error = events.wait_for("event: build-error");
    // The overlay shows the errors as the terminal prints them.
    let terminal = atlas::run(site.root(), &atlas::BuildOptions::default())
        .diagnostics
        .render_errors();
    assert!(
        terminal.contains("content/parks/test-park.md:6:"),
        "{terminal}"
    );
    let escaped = atlas::prepare::esc(&terminal);
    assert!(
        error.contains(&serde_json::to_string(&escaped).unwrap()[1..40]),
        "{error}"
    );
    let page = get(addr, "/parks/test-park/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Second text"), "the last good page");
    assert!(page.body.contains("id=\"atlas-overlay\""));
    assert!(page.body.contains("<pre"));
    assert!(page.body.contains(&escaped), "the terminal's text, escaped");
    // Every page shows it, and so does a newly opened event stream.
    assert!(get(addr, "/about/").body.contains("atlas-overlay"));
    Events::open(addr).wait_for("event: build-error");

    // The fix clears it.
    site.write(
        "content/parks/test-park.md",
        &park("", "Fixed text [@doe-2020, §1].\n"),
    );
    events.wait_for("event: reload");
    let page = get(addr, "/parks/test-park/");
    assert!(page.body.contains("Fixed text"));
    assert!(!page.body.contains("atlas-overlay"));

    // Editors' temporary files, a deleted file and a renamed folder do not
    // stop the server.
    site.write("content/parks/.test-park.md.swp", "\0binary");
    site.write("content/parks/test-park.md~", "backup");
    std::fs::remove_file(site.root().join("content/pages/about.md")).unwrap();
    eventually("the deleted page to go", || {
        get(addr, "/about/").status == 404
    });
    std::fs::rename(
        site.root().join("content/parks"),
        site.root().join("content/parkz"),
    )
    .unwrap();
    eventually("the renamed folder's entry to go", || {
        get(addr, "/parks/test-park/").status == 404
    });
    std::fs::rename(
        site.root().join("content/parkz"),
        site.root().join("content/parks"),
    )
    .unwrap();
    eventually("the folder to come back", || {
        get(addr, "/parks/test-park/").status == 200
    });
    // The folder is watched again after coming back.
    site.write(
        "content/parks/test-park.md",
        &park("", "Back again [@doe-2020, §1].\n"),
    );
    eventually("an edit in the renamed-back folder", || {
        get(addr, "/parks/test-park/").body.contains("Back again")
    });
    // A broken config is an error too, and fixing it recovers.
    site.write("atlas.toml", "title = \n");
    events.wait_for("event: build-error");
    site.write("atlas.toml", common::CONFIG);
    events.wait_for("event: reload");
    assert_eq!(get(addr, "/").status, 200);

    // Geodata is watched too: a new site file, then a moved point.
    let sites = |lon: f64| {
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon},40.41]}},\"properties\":{{\"id\":\"test-park\",\"precision\":\"district\",\"approximate\":true,\"provenance\":\"general knowledge\"}}}}]}}\n"
        )
    };
    site.write("geodata/sites/sites.geojson", &sites(116.63));
    eventually("the new location", || {
        get(addr, "/parks/test-park/").body.contains("116.63° E")
    });
    site.write("geodata/sites/sites.geojson", &sites(116.25));
    eventually("the moved location", || {
        get(addr, "/parks/test-park/").body.contains("116.25° E")
    });
}

#[test]
fn paths_outside_the_site_are_never_served() {
    let site = Site::new(&[("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n"))]);
    site.write("secret.txt", "TOP SECRET");
    let server = start(&site);
    let addr = server.addr();
    assert_eq!(get(addr, "/").status, 200);
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/static/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/C:/Windows/win.ini",
        "/./index.html",
        "/%00",
        "/%ff",
        "/atlas.toml",
        "/content/parks/p.md",
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 404, "{target}: {}", r.head);
        assert!(!r.body.contains("TOP SECRET") && !r.body.contains("root:"));
        assert!(
            r.body.contains("Page not found"),
            "{target}: the site's 404 page"
        );
    }
    // A raw backslash is not even a valid request target.
    let r = get(addr, "/..\\secret.txt");
    assert!(r.status == 400 || r.status == 404, "{}", r.head);
    assert!(!r.body.contains("TOP SECRET"));
}

#[test]
fn content_types_folders_and_the_404_page() {
    let site = Site::new(&[("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n"))]);
    for (name, bytes) in [
        ("pixel.png", &b"\x89PNG\r\n\x1a\n"[..]),
        ("icon.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("data.json", b"{}"),
        (
            "shape.geojson",
            b"{\"type\":\"FeatureCollection\",\"features\":[]}",
        ),
        ("notes.txt", b"notes"),
    ] {
        site.write_bytes(&format!("themes/default/static/{name}"), bytes);
    }
    let server = start(&site);
    let addr = server.addr();
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/parks/p/index.html", "text/html; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/atlas.js", "text/javascript; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/static/pixel.png", "image/png"),
        ("/static/icon.svg", "image/svg+xml"),
        ("/static/data.json", "application/json"),
        ("/static/shape.geojson", "application/geo+json"),
        ("/static/notes.txt", "text/plain; charset=utf-8"),
        ("/__atlas/live.js", "text/javascript; charset=utf-8"),
    ] {
        let r = get(addr, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    // Only HTML gets the live script; the file on disk never does.
    assert!(!get(addr, "/sitemap.xml").body.contains("live.js"));
    assert_eq!(get(addr, "/static/pixel.png").bytes, b"\x89PNG\r\n\x1a\n");
    // A folder without its slash is redirected, keeping the query.
    let r = get(addr, "/parks/p?x=1");
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/parks/p/?x=1"));
    let r = get(addr, "/parks/nothing-here/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
    assert!(r.body.contains("/__atlas/live.js"));
    // serve writes no site/ folder.
    assert!(!site.out().exists());
}

#[test]
fn many_concurrent_requests() {
    let site = Site::new(&[("content/parks/p.md", &park("", "Text [@doe-2020, §1].\n"))]);
    let server = start(&site);
    let addr = server.addr();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..20 {
                    let path = match (t + i) % 4 {
                        0 => "/",
                        1 => "/parks/p/",
                        2 => "/static/style.css",
                        _ => "/missing/",
                    };
                    let r = get(addr, path);
                    let want = if path == "/missing/" { 404 } else { 200 };
                    assert_eq!(r.status, want, "{path}");
                }
            })
        })
        .collect();
    // Open event streams do not hold up other requests.
    let _events: Vec<Events> = (0..4).map(|_| Events::open(addr)).collect();
    for t in threads {
        t.join().expect("a client thread");
    }
}

#[test]
fn a_busy_port_is_an_error_not_a_panic() {
    let site = Site::new(&[]);
    let first = start(&site);
    let mut options = ServeOptions::new(site.root());
    options.port = first.addr().port();
    options.verbose = false;
    let Err(e) = atlas::serve::start(&options) else {
        panic!("a second server on the same port");
    };
    assert!(e.contains("cannot listen"), "{e}");
}
