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
        #[arg(long, value_parser = crate::config::parse_base_url)]
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
    /// Delete an old output a build left (run by `build` in the background).
    #[command(name = "__remove-trash", hide = true)]
    RemoveTrash { path: PathBuf },
}

/// Runs the command line and returns the exit code.
pub fn main_with(cli: Cli) -> i32 {
    let root = cli.root;
    match cli.command {
        Command::Build { output, base_url } => {
            let started = Instant::now();
            let out = crate::output_dir(&root, output.as_deref());
            let mut result = crate::build(&root, &out, &BuildOptions { base_url });
            report(&result, false);
            if result.diagnostics.has_errors() {
                eprintln!("build failed; the previous site (if any) is untouched");
                return EXIT_CONTENT;
            }
            if let Some(trash) = result.trash.take() {
                remove_in_background(trash);
            }
            eprintln!(
                "built {} files into {} in {} ms",
                result.file_count,
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
        Command::Serve { port, bind } => {
            if let Some(warning) = bind_warning(bind) {
                eprintln!("{warning}");
            }
            let options = crate::serve::ServeOptions {
                port,
                bind,
                ..crate::serve::ServeOptions::new(root)
            };
            match crate::serve::serve(&options) {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("error: {e}");
                    if e.contains("listen") {
                        eprintln!("  = hint: pick another port with --port, e.g. --port 1112");
                    }
                    EXIT_USAGE
                }
            }
        }
        Command::RemoveTrash { path } => {
            crate::output::remove_trash(&path);
            EXIT_OK
        }
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

/// Deletes the old output in a detached process, so the user does not wait
/// for it (deleting a large tree takes longer than building it); inline if
/// no process can be started.
fn remove_in_background(trash: crate::output::Trash) {
    let Some(path) = trash.path().map(Path::to_path_buf) else {
        return;
    };
    let mut command = match std::env::current_exe() {
        Ok(exe) => std::process::Command::new(exe),
        Err(_) => return trash.remove(),
    };
    command
        .arg("__remove-trash")
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Its own process group: a Ctrl-C meant for the next command does not stop it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    if command.spawn().is_ok() {
        trash.detach();
    } else {
        trash.remove();
    }
}

/// A warning when `atlas serve` listens beyond this machine.
pub fn bind_warning(bind: std::net::IpAddr) -> Option<crate::diag::Diagnostic> {
    (!bind.is_loopback()).then(|| {
        crate::diag::Diagnostic::warning(format!(
            "serving on {bind}: the site and its live-reload endpoint are reachable from other machines"
        ))
        .hint("use --bind 127.0.0.1 (the default) to serve this machine only")
    })
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
        eprint!(
            "{}",
            crate::diag::Diagnostic::error(format!("unknown kind `{kind}`"))
                .hint("use park, program, lab, source or page")
        );
        return EXIT_USAGE;
    };
    let id = crate::load::suggest_id(title);
    // Ids are unique across kinds (and letter case): the entry would not build.
    let taken = Kind::ALL.iter().find_map(|k| {
        let folder = root.join("content").join(k.folder());
        std::fs::read_dir(&folder).ok()?.flatten().find_map(|f| {
            let name = f.file_name().to_string_lossy().to_lowercase();
            (name == format!("{id}.md")).then(|| folder.join(f.file_name()))
        })
    });
    if let Some(other) = taken {
        eprint!(
            "{}",
            crate::diag::Diagnostic::error(format!("the id `{id}` is taken by `{}`", other.display()))
                .hint("ids are unique across all kinds: give the new entry another title, or rename its file after")
        );
        return EXIT_CONTENT;
    }
    let dir = root.join("content").join(kind.folder());
    let path = dir.join(format!("{id}.md"));
    let text = new_entry_text(kind, title);
    // `create_new`: never replace a file, even one made since we looked.
    let written = std::fs::create_dir_all(&dir).and_then(|_| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
    });
    match written {
        Ok(()) => {
            println!("{}", path.display());
            EXIT_OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("error: `{}` already exists", path.display());
            EXIT_CONTENT
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            EXIT_CONTENT
        }
    }
}

/// The text of a new entry: every field of the kind, with a comment saying
/// what it is. Values from the user are written by the YAML library, so the
/// file parses back to exactly what was given, whatever the title holds.
pub fn new_entry_text(kind: Kind, title: &str) -> String {
    let mut out = format!("---\n{}\n", crate::schema::modeline(kind));
    for f in fields_of(kind) {
        let required = if f.required { "required; " } else { "" };
        let comment = format!("# {required}{}", f.doc);
        let line = if f.example.contains("{title}") {
            let mut value = yaml_serde::Mapping::new();
            value.insert(f.name.into(), title.into());
            yaml_serde::to_string(&value).unwrap_or_else(|_| format!("{}: \"\"\n", f.name))
        } else {
            let example = f
                .example
                .replace("{today}", &format!("\"{}\"", crate::entry::Date::today()));
            format!("{}: {example}\n", f.name)
        };
        // A value over several lines takes its comment above it.
        match line.strip_suffix('\n').filter(|l| !l.contains('\n')) {
            Some(one) => out.push_str(&format!("{one}  {comment}\n")),
            None => out.push_str(&format!("{comment}\n{line}")),
        }
    }
    out.push_str("---\n");
    out.push_str("Write the entry here. Cite every fact with its source and locator, e.g. `[@source-id, §1]`.\n");
    out
}
