//! A synthetic atlas of any size, for the benchmarks and the incremental
//! rebuild tests: parks, programs and labs with relations, citations,
//! internal links, taxonomies and site locations, all valid.
//!
//! Each park, program and lab has about 600 words of body text in several
//! paragraphs with citations (`[@source-N, §k]`), a Markdown table, three
//! footnotes, a four-line fenced YAML code block (different in every entry),
//! four internal links (`[text](@id)`) to other entries and a `## Facilities`
//! list; two taxonomies (designation and fields); parks and labs located in
//! `geodata/sites/sites.geojson`. An entry cites a few sources
//! near it (not all of them), as a real entry does.
//!
//! The text is made by a small deterministic generator, so the same `n`
//! always gives the same files.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// Designations by kind, all listed in the generated atlas.toml.
const PARK_DESIGNATIONS: &[&str] = &["national-high-tech-zone", "science-city", "science-park"];
const PROGRAM_DESIGNATIONS: &[&str] = &["plan", "program", "strategy"];
const LAB_DESIGNATIONS: &[&str] = &["state-key-lab", "research-institute", "national-lab"];
const FIELDS: &[&str] = &[
    "materials",
    "energy",
    "physics",
    "quantum",
    "robotics",
    "life-sciences",
    "semiconductors",
    "space-science",
];
const PROVINCES: &[(&str, f64, f64)] = &[
    ("Beijing", 116.4, 39.9),
    ("Shanghai", 121.5, 31.2),
    ("Guangdong", 113.3, 23.1),
    ("Jiangsu", 118.8, 32.1),
    ("Zhejiang", 120.2, 30.3),
    ("Sichuan", 104.1, 30.7),
    ("Hubei", 114.3, 30.6),
    ("Anhui", 117.3, 31.9),
];
const WORDS: &[&str] = &[
    "innovation",
    "research",
    "national",
    "science",
    "technology",
    "industrial",
    "development",
    "laboratory",
    "facility",
    "zone",
    "policy",
    "funding",
    "talent",
    "platform",
    "cluster",
    "frontier",
];

/// How many entries of each kind an atlas of `n` items has.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub parks: usize,
    pub programs: usize,
    pub labs: usize,
    pub sources: usize,
}

impl Shape {
    pub fn of(n: usize) -> Shape {
        let n = n.max(10);
        let programs = (n / 10).max(2);
        let parks = (n * 3 / 10).max(2);
        Shape {
            parks,
            programs,
            labs: n - programs - parks,
            sources: (n / 20).clamp(3, 500),
        }
    }
}

/// A tiny xorshift generator: deterministic and dependency-free, so the
/// same seed gives the same corpus (and the same edit sequence in the
/// randomized serve test) on every machine. The seed must not be 0.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.bits() % n.max(1) as u64) as usize
    }
    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub fn park_id(i: usize) -> String {
    format!("park-{i}")
}
pub fn program_id(i: usize) -> String {
    format!("program-{i}")
}
pub fn lab_id(i: usize) -> String {
    format!("lab-{i}")
}
pub fn source_id(i: usize) -> String {
    format!("source-{i}")
}

/// Writes an atlas of `n` items (plus sources and pages) into `root`, with
/// site locations for parks and labs if `with_sites`.
pub fn write_atlas(root: &Path, n: usize, with_sites: bool) {
    let shape = Shape::of(n);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    write(root, "atlas.toml", &config());
    for i in 0..shape.sources {
        write(
            root,
            &format!("content/sources/{}.md", source_id(i)),
            &source(i),
        );
    }
    for i in 0..shape.programs {
        let text = program(i, &shape, &mut rng);
        write(
            root,
            &format!("content/programs/{}.md", program_id(i)),
            &text,
        );
    }
    for i in 0..shape.parks {
        let text = park(i, &shape, &mut rng);
        write(root, &format!("content/parks/{}.md", park_id(i)), &text);
    }
    for i in 0..shape.labs {
        let text = lab(i, &shape, &mut rng);
        write(root, &format!("content/labs/{}.md", lab_id(i)), &text);
    }
    write(
        root,
        "content/pages/about.md",
        "---\ntitle: About\nsummary: What this atlas is.\nmenu: 1\n---\nA synthetic atlas [@source-0, §1].\n",
    );
    if with_sites {
        write(
            root,
            "geodata/sites/sites.geojson",
            &sites(&shape, &mut rng),
        );
    }
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("a parent")).expect("create folder");
    std::fs::write(p, text).expect("write corpus file");
}

fn config() -> String {
    let mut out = String::from(
        "title = \"Synthetic Atlas\"\nbase_url = \"https://example.org/atlas/\"\n\n[taxonomies.designation]\n",
    );
    for d in PARK_DESIGNATIONS
        .iter()
        .chain(PROGRAM_DESIGNATIONS)
        .chain(LAB_DESIGNATIONS)
    {
        let _ = writeln!(out, "{d} = \"{}\"", d.replace('-', " "));
    }
    out.push_str("\n[taxonomies.field]\n");
    for f in FIELDS {
        let _ = writeln!(out, "{f} = \"{}\"", f.replace('-', " "));
    }
    out
}

fn source(i: usize) -> String {
    format!(
        "---\ntitle: \"Report {i} on science parks\"\nshort: \"Author {i} 20{:02}\"\nauthors: [Author {i}]\nyear: 20{:02}\nkind: report\npublisher: Institute {i}\nsummary: A synthetic report.\n---\nA report on parks, programs and labs [@{}, §1].\n",
        i % 25,
        i % 25,
        source_id(i)
    )
}

/// Body text vocabulary (the titles and summaries use `WORDS`).
const NOUNS: &[&str] = &[
    "innovation",
    "research",
    "science",
    "technology",
    "development",
    "laboratory",
    "facility",
    "zone",
    "policy",
    "funding",
    "talent",
    "platform",
    "cluster",
    "frontier",
    "network",
    "programme",
    "institute",
    "university",
    "enterprise",
    "incubator",
    "instrument",
    "beamline",
    "detector",
    "campus",
    "budget",
    "province",
    "ministry",
    "strategy",
    "output",
    "patent",
    "standard",
    "pilot",
    "consortium",
    "workforce",
    "capacity",
    "supercomputer",
    "reactor",
    "telescope",
    "genome",
    "satellite",
];
const ADJECTIVES: &[&str] = &[
    "national",
    "industrial",
    "regional",
    "applied",
    "basic",
    "strategic",
    "shared",
    "large",
    "new",
    "joint",
    "provincial",
    "municipal",
    "advanced",
    "key",
    "early",
    "public",
    "private",
    "open",
    "major",
    "leading",
];
const VERBS: &[&str] = &[
    "supports",
    "hosts",
    "funds",
    "links",
    "expands",
    "attracts",
    "trains",
    "builds",
    "operates",
    "coordinates",
    "reviews",
    "extends",
    "reports",
    "measures",
    "plans",
    "follows",
];
const CONNECTIVES: &[&str] = &[
    "while", "because", "after", "as", "and", "since", "although", "before", "where", "so that",
];

/// What an entry's generated text draws on: the shape of the atlas, its own
/// id (never linked to itself) and the sources it cites.
struct Ctx<'a> {
    shape: &'a Shape,
    id: String,
    /// The entry cites `CITED` consecutive sources from this one on.
    first_source: usize,
}

/// How many different sources one entry cites.
const CITED: usize = 3;

impl Ctx<'_> {
    fn new(shape: &Shape, id: String, salt: usize) -> Ctx<'_> {
        Ctx {
            shape,
            id,
            first_source: salt % shape.sources,
        }
    }

    /// `source-N, §k`, N among the entry's sources.
    fn cite(&self, rng: &mut Rng) -> String {
        let n = (self.first_source + rng.below(CITED)) % self.shape.sources;
        format!("{}, §{}", source_id(n), rng.below(9) + 1)
    }

    /// An id of another entry of the kind `kind` (0 park, 1 lab, 2 program).
    fn other(&self, rng: &mut Rng, kind: usize) -> String {
        let (count, make): (usize, fn(usize) -> String) = match kind {
            0 => (self.shape.parks, park_id),
            1 => (self.shape.labs.max(1), lab_id),
            _ => (self.shape.programs, program_id),
        };
        let mut i = rng.below(count);
        if make(i) == self.id {
            i = (i + 1) % count;
        }
        make(i)
    }
}

/// A sentence of 11 to 21 words, with a capital and without its full stop.
fn sentence(rng: &mut Rng) -> String {
    let mut s = format!(
        "The {} {} {} the {} {} of the {} {}",
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(VERBS),
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(NOUNS),
        rng.pick(NOUNS),
    );
    if rng.below(3) > 0 {
        let _ = write!(
            s,
            " {} the {} {} {} {} {}",
            rng.pick(CONNECTIVES),
            rng.pick(NOUNS),
            rng.pick(VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(NOUNS),
        );
    }
    if rng.below(2) > 0 {
        let _ = write!(s, " in {} {}", 1990 + rng.below(35), rng.pick(NOUNS));
    }
    s
}

/// A paragraph of `sentences` sentences, every other one cited; `link`
/// (markdown of an internal link) and `footnote` (`[^n]`) go into it.
fn paragraph(
    rng: &mut Rng,
    ctx: &Ctx,
    sentences: usize,
    link: Option<&str>,
    footnote: Option<usize>,
) -> String {
    let mut out = String::new();
    for s in 0..sentences {
        out.push_str(&sentence(rng));
        if s == 1
            && let Some(link) = link
        {
            let _ = write!(out, ", as {link} shows");
        }
        if s % 2 == 0 || s == sentences - 1 {
            let _ = write!(out, " [@{}]", ctx.cite(rng));
        }
        out.push('.');
        if s == 2
            && let Some(n) = footnote
        {
            let _ = write!(out, "[^{n}]");
        }
        out.push(if s + 1 == sentences { '\n' } else { ' ' });
    }
    out.push('\n');
    out
}

/// The body: about 600 words in five paragraphs with citations, four
/// internal links, three footnotes, a table, a YAML code block that differs
/// from entry to entry and the `## Facilities` list.
fn body(rng: &mut Rng, ctx: &Ctx) -> String {
    let links: Vec<String> = [0, 1, 2, rng.below(3)]
        .iter()
        .map(|&kind| {
            let id = ctx.other(rng, kind);
            let text = match kind {
                0 => "a related park",
                1 => "a partner lab",
                _ => "the program behind it",
            };
            format!("[{text}](@{id})")
        })
        .collect();
    let mut out = String::new();
    out.push_str(&paragraph(rng, ctx, 6, Some(&links[0]), Some(1)));
    out.push_str(&paragraph(rng, ctx, 5, Some(&links[1]), None));

    let first_year = 2015 + rng.below(5);
    out.push_str("| Year | Budget (million CNY) | Staff | Projects |\n|---:|---:|---:|---:|\n");
    for y in 0..4 {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            first_year + y,
            100 + rng.below(5000),
            10 + rng.below(900),
            1 + rng.below(60)
        );
    }
    let _ = writeln!(
        out,
        "\nStaff and budgets by year, as reported [@{}].\n",
        ctx.cite(rng)
    );

    out.push_str(&paragraph(rng, ctx, 5, Some(&links[2]), Some(2)));
    let _ = write!(
        out,
        "```yaml\nid: {}\nbudget_million_cny: {}\nstaff: {{ total: {}, researchers: {} }}\nfields: [{}, {}]\n```\n\n",
        ctx.id,
        100 + rng.below(9000),
        50 + rng.below(2000),
        10 + rng.below(40),
        rng.pick(FIELDS),
        rng.pick(FIELDS),
    );
    out.push_str(&paragraph(rng, ctx, 5, Some(&links[3]), Some(3)));

    out.push_str("## Facilities\n\n");
    for _ in 0..3 {
        let _ = writeln!(
            out,
            "- The {} {} {}",
            rng.pick(ADJECTIVES),
            rng.pick(WORDS),
            rng.pick(NOUNS)
        );
    }
    out.push('\n');
    out.push_str(&paragraph(rng, ctx, 4, None, None));

    let _ = writeln!(
        out,
        "[^1]: Figures for {} are rounded to the nearest {} and exclude {} staff.",
        first_year,
        rng.pick(&["ten", "hundred", "thousand"]),
        rng.pick(ADJECTIVES)
    );
    let _ = writeln!(
        out,
        "[^2]: The {} {} was renamed in {}; the older name is kept here.",
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        1995 + rng.below(25)
    );
    let _ = writeln!(
        out,
        "[^3]: Counted by the {} {} {}, not by the {} itself.",
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(&["office", "bureau", "survey"]),
        rng.pick(NOUNS)
    );
    out
}

fn program(i: usize, shape: &Shape, rng: &mut Rng) -> String {
    let ctx = Ctx::new(shape, program_id(i), i * 13 + 5);
    let mut out = format!(
        "---\ntitle: \"Program {i}\"\nupdated: 2024-05-01\nsummary: \"The {} {} program number {i}.\"\ndesignation: {}\nfields: [{}]\nestablished: {{ value: {}, cite: \"{}\" }}\nagency: Ministry {}\n",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(PROGRAM_DESIGNATIONS),
        rng.pick(FIELDS),
        1980 + rng.below(40),
        ctx.cite(rng),
        rng.below(20)
    );
    if i > 0 && i.is_multiple_of(3) {
        let _ = writeln!(out, "predecessor: {}", program_id(i - 1));
    }
    out.push_str("---\n");
    out.push_str(&body(rng, &ctx));
    out
}

fn park(i: usize, shape: &Shape, rng: &mut Rng) -> String {
    let ctx = Ctx::new(shape, park_id(i), i * 7);
    let (province, _, _) = PROVINCES[rng.below(PROVINCES.len())];
    let words = (rng.pick(WORDS), rng.pick(WORDS));
    let (designation, province_cite) = (rng.pick(PARK_DESIGNATIONS), ctx.cite(rng));
    let (city, area, area_cite) = (rng.below(50), rng.below(300) + 1, ctx.cite(rng));
    let established = 1985 + rng.below(35);
    // Two programs, the second another than the first (a value listed
    // twice is an error).
    let first = rng.below(shape.programs);
    let mut second = rng.below(shape.programs);
    if second == first {
        second = (first + 1) % shape.programs;
    }
    let mut out = format!(
        "---\ntitle: \"Park {i}\"\nupdated: 2024-05-01\naliases: [P{i}]\nsummary: \"A {} {} park in {province}.\"\ndesignation: {}\nprovince: {{ value: {province}, cite: \"{}\" }}\ncity: City {}\narea_km2: {{ value: {}.5, cite: \"{}\" }}\nfields: [{}, {}]\nestablished: {}\nprograms: [{}, {{ value: {}, cite: \"{}\" }}]\n",
        words.0,
        words.1,
        designation,
        province_cite,
        city,
        area,
        area_cite,
        FIELDS[i % FIELDS.len()],
        FIELDS[(i + 3) % FIELDS.len()],
        established,
        program_id(first),
        program_id(second),
        ctx.cite(rng),
    );
    if i > 0 && i.is_multiple_of(7) {
        let _ = writeln!(out, "part_of: {}", park_id(rng.below(i)));
    }
    out.push_str("---\n");
    out.push_str(&body(rng, &ctx));
    out
}

fn lab(i: usize, shape: &Shape, rng: &mut Rng) -> String {
    let ctx = Ctx::new(shape, lab_id(i), i * 11 + 3);
    let (province, _, _) = PROVINCES[rng.below(PROVINCES.len())];
    let mut out = format!(
        "---\ntitle: \"Lab {i}\"\nupdated: 2024-05-01\nname_zh: \"实验室{i}\"\nsummary: \"A {} {} lab.\"\ndesignation: {}\nprovince: {province}\ncity: City {}\nfields: [{}]\nagency: University {}\npark: {{ value: {}, cite: \"{}\" }}\nprograms: [{}]\nestablished: \"{}-0{}\"\n",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(LAB_DESIGNATIONS),
        rng.below(50),
        rng.pick(FIELDS),
        rng.below(100),
        park_id(rng.below(shape.parks)),
        ctx.cite(rng),
        program_id(rng.below(shape.programs)),
        1990 + rng.below(30),
        rng.below(9) + 1,
    );
    if i.is_multiple_of(5) {
        let _ = writeln!(
            out,
            "related: [{}, {}]",
            lab_id((i + 1) % shape.labs),
            park_id(rng.below(shape.parks))
        );
    }
    out.push_str("---\n");
    out.push_str(&body(rng, &ctx));
    out
}

/// One point per park and per lab, near a province's capital.
fn sites(shape: &Shape, rng: &mut Rng) -> String {
    let mut features = Vec::new();
    let ids = (0..shape.parks)
        .map(park_id)
        .chain((0..shape.labs).map(lab_id));
    for id in ids {
        let (_, lon, lat) = PROVINCES[rng.below(PROVINCES.len())];
        let dx = rng.below(100) as f64 / 100.0;
        let dy = rng.below(100) as f64 / 100.0;
        features.push(format!(
            "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{:.2},{:.2}]}},\"properties\":{{\"id\":\"{id}\",\"precision\":\"city\",\"approximate\":true,\"provenance\":\"synthetic\"}}}}",
            lon + dx,
            lat + dy
        ));
    }
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        features.join(",\n")
    )
}

/// The comma-separated numbers in the environment variable `name` (`_` as
/// thousands separator allowed, e.g. `10_000`), or in `default` when unset.
pub fn env_list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect()
}
