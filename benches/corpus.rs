//! A synthetic atlas of any size, for the benchmark and the incremental
//! rebuild tests: parks, programs and labs with relations, citations,
//! internal links, taxonomies and site locations, all valid.
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

/// A tiny xorshift generator: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
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
/// site locations for parks and every other lab if `with_sites`.
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

fn cite(rng: &mut Rng, shape: &Shape) -> String {
    format!(
        "{}, §{}",
        source_id(rng.below(shape.sources)),
        rng.below(9) + 1
    )
}

/// A few paragraphs with citations, an internal link and a list.
fn body(rng: &mut Rng, shape: &Shape, link: &str) -> String {
    let mut out = String::new();
    for p in 0..3 {
        for s in 0..4 {
            let words: Vec<&str> = (0..12).map(|_| rng.pick(WORDS)).collect();
            let _ = write!(out, "The {} ", words.join(" "));
            if s == 1 && p == 0 {
                let _ = write!(out, "is described with [a related entry](@{link}) ");
            }
            let _ = write!(out, "[@{}]. ", cite(rng, shape));
        }
        out.push_str("\n\n");
    }
    out.push_str("## Facilities\n\n");
    for _ in 0..3 {
        let _ = writeln!(out, "- A {} {}", rng.pick(WORDS), rng.pick(WORDS));
    }
    out
}

fn program(i: usize, shape: &Shape, rng: &mut Rng) -> String {
    let mut out = format!(
        "---\ntitle: \"Program {i}\"\nsummary: \"The {} {} program number {i}.\"\ndesignation: {}\nfields: [{}]\nestablished: {{ value: {}, cite: \"{}\" }}\nagency: Ministry {}\n",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(PROGRAM_DESIGNATIONS),
        rng.pick(FIELDS),
        1980 + rng.below(40),
        cite(rng, shape),
        rng.below(20)
    );
    if i > 0 && i.is_multiple_of(3) {
        let _ = writeln!(out, "predecessor: {}", program_id(i - 1));
    }
    out.push_str("---\n");
    let link = park_id(rng.below(shape.parks));
    out.push_str(&body(rng, shape, &link));
    out
}

fn park(i: usize, shape: &Shape, rng: &mut Rng) -> String {
    let (province, _, _) = PROVINCES[rng.below(PROVINCES.len())];
    let mut out = format!(
        "---\ntitle: \"Park {i}\"\naliases: [P{i}]\nsummary: \"A {} {} park in {province}.\"\ndesignation: {}\nprovince: {{ value: {province}, cite: \"{}\" }}\ncity: City {}\narea_km2: {{ value: {}.5, cite: \"{}\" }}\nfields: [{}, {}]\nestablished: {}\nprograms: [{}, {{ value: {}, cite: \"{}\" }}]\n",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(PARK_DESIGNATIONS),
        cite(rng, shape),
        rng.below(50),
        rng.below(300) + 1,
        cite(rng, shape),
        FIELDS[i % FIELDS.len()],
        FIELDS[(i + 3) % FIELDS.len()],
        1985 + rng.below(35),
        program_id(rng.below(shape.programs)),
        program_id(rng.below(shape.programs)),
        cite(rng, shape),
    );
    if i > 0 && i.is_multiple_of(7) {
        let _ = writeln!(out, "part_of: {}", park_id(rng.below(i)));
    }
    out.push_str("---\n");
    let link = lab_id(rng.below(shape.labs.max(1)));
    out.push_str(&body(rng, shape, &link));
    out
}

fn lab(i: usize, shape: &Shape, rng: &mut Rng) -> String {
    let (province, _, _) = PROVINCES[rng.below(PROVINCES.len())];
    let mut out = format!(
        "---\ntitle: \"Lab {i}\"\nname_zh: \"实验室{i}\"\nsummary: \"A {} {} lab.\"\ndesignation: {}\nprovince: {province}\ncity: City {}\nfields: [{}]\nagency: University {}\npark: {{ value: {}, cite: \"{}\" }}\nprograms: [{}]\nestablished: \"{}-0{}\"\n",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(LAB_DESIGNATIONS),
        rng.below(50),
        rng.pick(FIELDS),
        rng.below(100),
        park_id(rng.below(shape.parks)),
        cite(rng, shape),
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
    let link = program_id(rng.below(shape.programs));
    out.push_str(&body(rng, shape, &link));
    out
}

/// One point per park and per every other lab, near its province's capital.
fn sites(shape: &Shape, rng: &mut Rng) -> String {
    let mut features = Vec::new();
    let ids = (0..shape.parks)
        .map(park_id)
        .chain((0..shape.labs).step_by(2).map(lab_id));
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
