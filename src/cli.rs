//! The command line: `build`, `check`, `serve`, `new`, `schema`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::entry::{Kind, fields_of};
use crate::{BuildOptions, BuildResult};

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_CONTENT: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "atlas",
    version,
    about = "Builds an annotated, cited atlas into a static site"
)]
pub struct Cli {
    /// The project folder (holding atlas.toml and content/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into site/ (replaced only if the build succeeds).
    Build {
        /// Output folder (default: `output` in atlas.toml, else site/).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Base URL of the published site, e.g. https://example.org/atlas/.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Run every check a build runs, and write nothing.
    Check {
        /// List citation coverage for every entry.
        #[arg(long)]
        coverage: bool,
    },
    /// Write a new entry file with every field its kind takes.
    New {
        /// park, program, lab, source or page.
        kind: String,
        /// The entry's title; the id is made from it.
        title: String,
    },
    /// Build, serve on localhost, rebuild on every change and reload open pages.
    Serve {
        /// Port to listen on.
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (e.g. 0.0.0.0 to be reachable from other machines).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// Write a JSON Schema of each kind's front matter, for editors.
    Schema {
        /// Output folder (default: schemas/).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// Runs the command line and returns the exit code.
pub fn main_with(cli: Cli) -> i32 {
    let root = cli.root;
    match cli.command {
        Command::Build { output, base_url } => {
            let started = Instant::now();
            let out = crate::output_dir(&root, output.as_deref());
            let result = crate::build(&root, &out, &BuildOptions { base_url });
            report(&result, false);
            if result.diagnostics.has_errors() {
                eprintln!("build failed; the previous site (if any) is untouched");
                return EXIT_CONTENT;
            }
            eprintln!(
                "built {} files into {} in {} ms",
                result.files.len(),
                out.display(),
                started.elapsed().as_millis()
            );
            EXIT_OK
        }
        Command::Check { coverage } => {
            let result = crate::run(&root, &BuildOptions::default());
            report(&result, coverage);
            if result.diagnostics.has_errors() {
                EXIT_CONTENT
            } else {
                EXIT_OK
            }
        }
        Command::New { kind, title } => new_entry(&root, &kind, &title),
        Command::Serve { port, bind } => crate::serve::serve(&crate::serve::ServeOptions {
            port,
            bind,
            ..crate::serve::ServeOptions::new(root)
        }),
        Command::Schema { output } => {
            let dir = output.unwrap_or_else(|| root.join(crate::schema::DEFAULT_DIR));
            match crate::schema::write_schemas(&root, &dir) {
                Ok(files) => {
                    for f in files {
                        println!("{}", f.display());
                    }
                    EXIT_OK
                }
                Err(d) => {
                    eprint!("{d}");
                    EXIT_CONTENT
                }
            }
        }
    }
}

/// Prints diagnostics, entry counts and coverage to stderr.
fn report(result: &BuildResult, per_entry: bool) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{}", result.diagnostics.render());
    let counts: Vec<String> = result
        .counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if !counts.is_empty() {
        let _ = writeln!(err, "entries: {}", counts.join(", "));
    }
    let total = result.total_coverage();
    if total.total() > 0 {
        let editorial = if total.editorial_facts > 0 {
            format!(
                " ({} more marked as the atlas's own)",
                total.editorial_facts
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            err,
            "citations: {}/{} facts{editorial} and {}/{} paragraphs cited; {:.1}% accounted for",
            total.cited_facts,
            total.facts,
            total.cited_paragraphs,
            total.paragraphs,
            total.ratio() * 100.0
        );
    }
    if per_entry {
        for (id, c) in &result.coverage {
            if c.cited() < c.total() {
                let _ = writeln!(
                    err,
                    "  {id}: {} of {} facts, {} of {} paragraphs uncited",
                    c.facts - c.cited_facts,
                    c.facts,
                    c.paragraphs - c.cited_paragraphs,
                    c.paragraphs
                );
            }
        }
    }
    let (e, w) = (
        result.diagnostics.error_count(),
        result.diagnostics.warning_count(),
    );
    if e + w > 0 {
        let _ = writeln!(err, "{e} error(s), {w} warning(s)");
    }
}

fn new_entry(root: &Path, kind: &str, title: &str) -> i32 {
    let Some(kind) = Kind::from_name(kind) else {
        eprintln!("error: unknown kind `{kind}`\n  = hint: use park, program, lab, source or page");
        return EXIT_USAGE;
    };
    let id = crate::load::suggest_id(title);
    let dir = root.join("content").join(kind.folder());
    let path = dir.join(format!("{id}.md"));
    if path.exists() {
        eprintln!("error: `{}` already exists", path.display());
        return EXIT_CONTENT;
    }
    let text = new_entry_text(kind, title);
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, text)) {
        eprintln!("error: cannot write `{}`: {e}", path.display());
        return EXIT_CONTENT;
    }
    println!("{}", path.display());
    EXIT_OK
}

/// The text of a new entry: every field of the kind, with a comment saying what it is.
pub fn new_entry_text(kind: Kind, title: &str) -> String {
    let mut out = format!("---\n{}\n", crate::schema::modeline(kind));
    for f in fields_of(kind) {
        let value = f
            .example
            .replace("{title}", &title.replace('"', "'"))
            .replace("{today}", &format!("\"{}\"", crate::entry::Date::today()));
        let required = if f.required { "required; " } else { "" };
        out.push_str(&format!("{}: {value}  # {required}{}\n", f.name, f.doc));
    }
    out.push_str("---\n");
    out.push_str("Write the entry here. Cite every fact with its source and locator, e.g. `[@source-id, §1]`.\n");
    out
}
