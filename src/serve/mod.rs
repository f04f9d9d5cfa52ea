//! `atlas serve`: build, serve the site from memory, watch, rebuild, reload.
//!
//! 1. Bind the address first (so the base URL is known and a busy port is
//!    reported at once), then build with a persistent
//!    [`Session`](crate::Session): its memo keeps every result, so each
//!    rebuild makes only what an edit changed.
//! 2. Serve the last good build's files from memory ([`http`] maps request
//!    paths onto them and refuses anything outside the site). HTML gets the
//!    live script, and the error overlay while the build fails.
//! 3. Watch the project ([`watch`]); on each change, rebuild incrementally
//!    and push over server-sent events either `reload` (with the paths that
//!    changed) or `build-error` (the overlay). A failed build keeps the last
//!    good site; nothing a file does can stop the server.

mod http;
mod watch;

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt as _;
use tokio::sync::broadcast;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::body::Body as FileBody;
use crate::{BuildOptions, BuildResult, Collect, Session};

pub use http::{Target, content_type, overlay, percent_decode, resolve};
pub use watch::is_relevant;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The project folder.
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// How long the files must be quiet before a rebuild.
    pub debounce: Duration,
    /// Print each rebuild's result to the terminal.
    pub verbose: bool,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 1111,
            debounce: Duration::from_millis(50),
            verbose: true,
        }
    }
}

/// A message to open pages.
#[derive(Debug, Clone)]
enum Live {
    /// A build succeeded; these site paths changed.
    Reload(Arc<Vec<String>>),
    /// A build failed: the overlay to show.
    Error(Arc<String>),
}

impl Live {
    fn event(&self) -> Event {
        match self {
            Live::Reload(paths) => Event::default()
                .event("reload")
                .data(serde_json::to_string(&**paths).unwrap_or_else(|_| "[\"*\"]".into())),
            Live::Error(html) => Event::default()
                .event("build-error")
                .data(serde_json::to_string(&**html).unwrap_or_default()),
        }
    }
}

/// What is being served.
#[derive(Default, Clone)]
struct Site {
    /// The last good build, by site path.
    files: HashMap<String, FileBody>,
    /// The overlay, while the latest build fails.
    overlay: Option<Arc<String>>,
    /// Changes with every build, so a reconnecting page knows it missed one.
    generation: String,
}

struct Shared {
    site: RwLock<Arc<Site>>,
    live: broadcast::Sender<Live>,
}

impl Shared {
    fn site(&self) -> Arc<Site> {
        self.site
            .read()
            .map_or_else(|e| e.into_inner().clone(), |s| s.clone())
    }
}

/// A running server. Dropping it stops the server and the watcher.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    runtime: Option<tokio::runtime::Runtime>,
    rebuilder: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's URL, e.g. `http://127.0.0.1:1111/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves until the process is stopped.
    pub fn wait(mut self) {
        if let Some(t) = self.rebuilder.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
        if let Some(t) = self.rebuilder.take() {
            let _ = t.join();
        }
    }
}

/// Binds, builds, and starts serving and watching in the background.
pub fn start(options: &ServeOptions) -> Result<Server, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("atlas-serve")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let wanted = SocketAddr::new(options.bind, options.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(wanted))
        .map_err(|e| format!("cannot listen on {wanted}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {wanted}: {e}"))?;
    let (live, _) = broadcast::channel(64);
    let shared = Arc::new(Shared {
        site: RwLock::new(Arc::new(Site::default())),
        live,
    });
    let mut rebuilder = Rebuilder {
        root: options.root.clone(),
        build: BuildOptions {
            base_url: Some(base_url(addr)),
        },
        session: Session::persistent(),
        shared: shared.clone(),
        builds: 0,
        instance: format!("{:x}", std::process::id() as u128 ^ now_nanos()),
        verbose: options.verbose,
        warned: Default::default(),
    };
    // Watch first, so nothing changed during the first build goes unreported.
    let watch = watch::Watch::start(&options.root, options.debounce)?;
    rebuilder.session.inputs.watched();
    rebuilder.rebuild("initial build");
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let thread = std::thread::Builder::new()
        .name("atlas-rebuild".into())
        .spawn(move || rebuilder.run(watch, &thread_stop))
        .map_err(|e| format!("cannot start the watcher: {e}"))?;
    let app = router(shared);
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Server {
        addr,
        stop,
        runtime: Some(runtime),
        rebuilder: Some(thread),
    })
}

/// The base URL a served site is built with, so canonical links and the 404
/// page (which links from the site's absolute path) work on the local server.
fn base_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Rebuilds on changes and publishes the result.
struct Rebuilder {
    root: PathBuf,
    build: BuildOptions,
    session: Session,
    shared: Arc<Shared>,
    builds: u64,
    instance: String,
    verbose: bool,
    /// Digests of the warnings of the last build, printed already.
    warned: std::collections::HashSet<crate::memo::Digest>,
}

impl Rebuilder {
    fn run(&mut self, mut watch: watch::Watch, stop: &AtomicBool) {
        while !stop.load(Ordering::SeqCst) {
            match watch.wait(Duration::from_millis(200)) {
                watch::Changes::Relevant(paths) => {
                    let what = match paths.as_slice() {
                        [one] => crate::fsio::display_path(Path::new(""), one),
                        many => format!("{} changes", many.len()),
                    };
                    self.session.inputs.changed(
                        paths
                            .iter()
                            .map(|p| crate::fsio::display_path(Path::new(""), p)),
                    );
                    self.rebuild(&what);
                }
                watch::Changes::None => {}
                watch::Changes::Closed => return,
            }
        }
    }

    fn rebuild(&mut self, what: &str) {
        let started = Instant::now();
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let collect = Collect::default();
            let result = crate::run_with(&self.root, &self.build, &mut self.session, &collect);
            let mut clock = crate::timing::Clock::start();
            // `update` looks every file up by path: no order is needed.
            let files = collect.into_unordered();
            clock.lap("collect");
            (result, files)
        }));
        self.builds += 1;
        let (result, files) = match run {
            Ok(r) => r,
            Err(panic) => {
                // A bug, not the content's fault: start over with an empty memo.
                self.session = Session::persistent();
                self.session.inputs.watched();
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let mut r = BuildResult::default();
                r.diagnostics.push(crate::diag::Diagnostic::error(format!(
                    "internal error while building: {why}"
                )));
                (r, Vec::new())
            }
        };
        if self.verbose {
            eprint!("{}", self.terminal_report(&result.diagnostics));
        }
        if result.diagnostics.has_errors() {
            let overlay = Arc::new(overlay(&result.diagnostics.render_errors()));
            self.publish(None, Some(overlay.clone()));
            let _ = self.shared.live.send(Live::Error(overlay));
            if self.verbose {
                eprintln!("{what}: build failed; still serving the last good site");
            }
            return;
        }
        let mut clock = crate::timing::Clock::start();
        let changed = self.publish(Some(files), None);
        clock.lap("publish");
        if self.verbose {
            eprintln!(
                "{what}: rebuilt in {} ms, {} file(s) changed",
                started.elapsed().as_millis(),
                changed.len()
            );
        }
        let _ = self.shared.live.send(Live::Reload(Arc::new(changed)));
    }

    /// What to print of a build's problems: every error, and the warnings
    /// not printed after the build before (a large atlas may have thousands
    /// that stay the same from one edit to the next), with a count of the rest.
    fn terminal_report(&mut self, diags: &crate::diag::Diagnostics) -> String {
        let mut out = String::new();
        let mut warned = std::collections::HashSet::new();
        let mut repeated = 0;
        for d in diags.sorted() {
            if d.is_error() {
                out.push_str(&format!("{d}\n"));
                continue;
            }
            let key = crate::memo::digest(&d.to_string());
            warned.insert(key);
            if self.warned.contains(&key) {
                repeated += 1;
            } else {
                out.push_str(&format!("{d}\n"));
            }
        }
        if repeated > 0 {
            out.push_str(&format!(
                "({repeated} warning(s) as in the previous build, not repeated)\n"
            ));
        }
        self.warned = warned;
        out
    }

    /// Swaps in a good build (returning the paths that changed, sorted) or
    /// sets the overlay over the last good one.
    ///
    /// The served files are updated in place: a run changes a few of tens
    /// of thousands, so only those are replaced (a reader answering a
    /// request at that moment keeps the site it holds: the map is copied
    /// then).
    fn publish(
        &self,
        build: Option<Vec<(String, FileBody)>>,
        overlay: Option<Arc<String>>,
    ) -> Vec<String> {
        let mut guard = self.shared.site.write().unwrap_or_else(|e| e.into_inner());
        let site = Arc::make_mut(&mut guard);
        site.overlay = overlay;
        site.generation = format!("{}-{}", self.instance, self.builds);
        let Some(files) = build else {
            return Vec::new();
        };
        let changed = update(&mut site.files, files);
        drop(guard);
        changed
    }
}

/// Makes `served` hold exactly the files of `new` (whose paths are
/// unique: `xml::Guard` fails a run that gives a path twice), returning the site paths whose bytes changed, were added or
/// went away, sorted.
fn update(served: &mut HashMap<String, FileBody>, new: Vec<(String, FileBody)>) -> Vec<String> {
    let differs: Vec<usize> = new
        .iter()
        .enumerate()
        .filter(|(_, (path, body))| !served.get(path).is_some_and(|b| b.same(body)))
        .map(|(i, _)| i)
        .collect();
    let added = differs
        .iter()
        .filter(|&&i| !served.contains_key(&new[i].0))
        .count();
    let mut changed = Vec::with_capacity(differs.len());
    // Some served path is not in the build.
    if served.len() + added > new.len() {
        let kept: FxHashSet<&str> = new.iter().map(|(path, _)| path.as_str()).collect();
        let gone: Vec<String> = served
            .keys()
            .filter(|p| !kept.contains(p.as_str()))
            .cloned()
            .collect();
        for path in &gone {
            served.remove(path);
        }
        changed.extend(gone);
    }
    let mut differs = differs.into_iter().peekable();
    for (i, (path, body)) in new.into_iter().enumerate() {
        if differs.next_if_eq(&i).is_some() {
            changed.push(path.clone());
            served.insert(path, body);
        }
    }
    changed.sort();
    changed
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(http::SCRIPT_PATH, get(script))
        .route(http::EVENTS_PATH, get(events))
        .fallback(page)
        .with_state(shared)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, content_type("live.js"))],
        http::SCRIPT,
    )
        .into_response()
}

async fn events(State(shared): State<Arc<Shared>>) -> Response {
    let receiver = shared.live.subscribe();
    let site = shared.site();
    let mut first = vec![
        Event::default()
            .event("hello")
            .data(site.generation.clone())
            .retry(Duration::from_millis(500)),
    ];
    if let Some(o) = &site.overlay {
        first.push(Live::Error(o.clone()).event());
    }
    let updates = futures_util::stream::unfold(receiver, |mut rx| async move {
        match rx.recv().await {
            Ok(live) => Some((live.event(), rx)),
            // Missed messages: reload to be sure.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Some((Live::Reload(Arc::new(vec!["*".into()])).event(), rx))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    let stream = futures_util::stream::iter(first)
        .chain(updates)
        .map(Ok::<_, Infallible>);
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn page(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let site = shared.site();
    let target = resolve(request.uri().path(), |p| site.files.contains_key(p));
    match target {
        Target::Folder(to) => {
            let location = match request.uri().query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Target::File(path) => match site.files.get(&path) {
            Some(body) => file_response(&site, &path, body.to_bytes(), StatusCode::OK),
            None => not_found(&site),
        },
        Target::Invalid => not_found(&site),
    }
}

/// The site's own 404 page, with status 404.
fn not_found(site: &Site) -> Response {
    match site.files.get("404.html") {
        Some(body) => file_response(site, "404.html", body.to_bytes(), StatusCode::NOT_FOUND),
        None => file_response(
            site,
            "404.html",
            Bytes::from_static(http::NO_SITE.as_bytes()),
            StatusCode::NOT_FOUND,
        ),
    }
}

fn file_response(site: &Site, path: &str, bytes: Bytes, status: StatusCode) -> Response {
    let body = if http::is_html(path) {
        Body::from(http::inject(
            &bytes,
            site.overlay.as_deref().map(String::as_str),
        ))
    } else {
        Body::from(bytes)
    };
    (status, [(header::CONTENT_TYPE, content_type(path))], body).into_response()
}

/// Runs `atlas serve` until the process is stopped; an error if it cannot
/// start (the address is taken, the project cannot be watched).
pub fn serve(options: &ServeOptions) -> Result<(), String> {
    let server = start(options)?;
    eprintln!(
        "serving {} at {} (watching content/, themes/, geodata/ and atlas.toml; Ctrl-C to stop)",
        options.root.display(),
        server.url()
    );
    server.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &'static str) -> (String, FileBody) {
        (path.into(), Bytes::from_static(text.as_bytes()).into())
    }

    fn served(files: &[(&str, &'static str)]) -> HashMap<String, FileBody> {
        files.iter().map(|&(p, t)| file(p, t)).collect()
    }

    /// The served files as text, to compare.
    fn texts(files: &HashMap<String, FileBody>) -> std::collections::BTreeMap<String, Bytes> {
        files
            .iter()
            .map(|(p, b)| (p.clone(), b.to_bytes()))
            .collect()
    }

    #[test]
    fn update_replaces_changed_adds_new_and_drops_gone_files() {
        let mut files = served(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let changed = update(
            &mut files,
            vec![file("d", "4"), file("b", "20"), file("a", "1")],
        );
        assert_eq!(changed, ["b", "c", "d"]);
        assert_eq!(
            texts(&files),
            texts(&served(&[("a", "1"), ("b", "20"), ("d", "4")]))
        );
        // The same build again changes nothing.
        let again = vec![file("a", "1"), file("b", "20"), file("d", "4")];
        assert!(update(&mut files, again).is_empty());
        assert_eq!(files.len(), 3);
        // A build with fewer files, none of them changed.
        assert_eq!(update(&mut files, vec![file("b", "20")]), ["a", "d"]);
        assert_eq!(texts(&files), texts(&served(&[("b", "20")])));
    }
}
