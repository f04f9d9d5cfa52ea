//! What each kind's front matter takes: one table drives validation (unknown
//! and missing keys), `atlas new` and the documentation.

use super::Kind;

const ITEMS: &[Kind] = &[Kind::Park, Kind::Program, Kind::Lab];
const PLACES: &[Kind] = &[Kind::Park, Kind::Lab];

/// One front matter key.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kinds: &'static [Kind],
    pub required: bool,
    /// What the field means, for `atlas new` and the schema.
    pub doc: &'static str,
    /// The YAML written by `atlas new` (`{title}` is replaced by the title).
    pub example: &'static str,
}

macro_rules! field {
    ($name:literal, $kinds:expr, $req:literal, $doc:literal, $ex:literal) => {
        FieldSpec {
            name: $name,
            kinds: $kinds,
            required: $req,
            doc: $doc,
            example: $ex,
        }
    };
}

/// Every key, in the order `atlas new` writes them.
pub const FIELDS: &[FieldSpec] = &[
    field!(
        "title",
        &[
            Kind::Park,
            Kind::Program,
            Kind::Lab,
            Kind::Source,
            Kind::Page
        ],
        true,
        "English name",
        "\"{title}\""
    ),
    field!(
        "short",
        &[Kind::Source],
        true,
        "short reference shown in notes, e.g. Grasten & Haakonsson 2023",
        "\"{title}\""
    ),
    field!(
        "summary",
        &[
            Kind::Park,
            Kind::Program,
            Kind::Lab,
            Kind::Source,
            Kind::Page
        ],
        true,
        "one sentence for lists, search and previews",
        "\"\""
    ),
    field!(
        "name_zh",
        ITEMS,
        false,
        "Chinese name, where a source gives it",
        "null"
    ),
    field!(
        "aliases",
        ITEMS,
        false,
        "other names, abbreviations and misspellings found in sources",
        "[]"
    ),
    field!(
        "designation",
        ITEMS,
        false,
        "the kind of thing, from the designation vocabulary in atlas.toml",
        "null"
    ),
    field!(
        "fields",
        ITEMS,
        false,
        "research fields, from the field vocabulary",
        "[]"
    ),
    field!(
        "established",
        ITEMS,
        false,
        "date founded, launched or approved: 2016, \"2016-09\" or \"2016-09-01\"; cite it as { value: 2016, cite: \"source-id, §1\" }",
        "null"
    ),
    field!(
        "ended",
        &[Kind::Program],
        false,
        "date the program ended or was superseded",
        "null"
    ),
    field!(
        "country",
        PLACES,
        false,
        "country; China when absent",
        "China"
    ),
    field!(
        "province",
        PLACES,
        false,
        "Chinese provincial-level division",
        "null"
    ),
    field!("city", PLACES, false, "city or district", "null"),
    field!(
        "area_km2",
        &[Kind::Park],
        false,
        "area in square kilometres",
        "null"
    ),
    field!(
        "agency",
        &[Kind::Program, Kind::Lab],
        false,
        "lead ministry or agency (program); host institution (lab)",
        "null"
    ),
    field!(
        "programs",
        PLACES,
        false,
        "ids of programs the entry belongs to",
        "[]"
    ),
    field!(
        "park",
        &[Kind::Lab],
        false,
        "id of the park the lab is in",
        "null"
    ),
    field!(
        "part_of",
        ITEMS,
        false,
        "id of a larger entry of the same kind",
        "null"
    ),
    field!(
        "predecessor",
        &[Kind::Program],
        false,
        "id of the program this one replaced",
        "null"
    ),
    field!(
        "related",
        ITEMS,
        false,
        "ids of other related entries",
        "[]"
    ),
    field!(
        "facts",
        ITEMS,
        false,
        "further facts: a list of { label, value, cite, quote, note }",
        "[]"
    ),
    field!(
        "updated",
        ITEMS,
        false,
        "date the entry was last reviewed",
        "null"
    ),
    field!(
        "authors",
        &[Kind::Source],
        false,
        "authors, as printed",
        "[]"
    ),
    field!(
        "year",
        &[Kind::Source],
        false,
        "year of publication",
        "null"
    ),
    field!(
        "date",
        &[Kind::Source],
        false,
        "full date of publication",
        "null"
    ),
    field!(
        "publisher",
        &[Kind::Source],
        false,
        "publisher or institution",
        "null"
    ),
    field!(
        "venue",
        &[Kind::Source],
        false,
        "journal, newspaper or series",
        "null"
    ),
    field!(
        "kind",
        &[Kind::Source],
        true,
        "report, article, slides, paper, book or web",
        "report"
    ),
    field!(
        "url",
        &[Kind::Source],
        false,
        "the publisher's page for the source",
        "null"
    ),
    field!(
        "accessed",
        &[Kind::Source],
        false,
        "date the URL was accessed",
        "null"
    ),
    field!(
        "language",
        &[Kind::Source],
        false,
        "language code, e.g. en or zh",
        "en"
    ),
    field!(
        "text",
        &[Kind::Source],
        false,
        "file name of the source's plain text in sources_text_dir, for quote checks",
        "null"
    ),
    field!(
        "menu",
        &[Kind::Page],
        false,
        "position in the site menu",
        "null"
    ),
];

/// The keys a kind takes.
pub fn fields_of(kind: Kind) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(move |f| f.kinds.contains(&kind))
}

/// The source kinds a source's `kind` may take.
pub const SOURCE_KINDS: &[&str] = &["report", "article", "slides", "paper", "book", "web"];

/// China's provincial-level divisions, as `province` takes them.
pub const PROVINCES: &[&str] = &[
    "Anhui",
    "Beijing",
    "Chongqing",
    "Fujian",
    "Gansu",
    "Guangdong",
    "Guangxi",
    "Guizhou",
    "Hainan",
    "Hebei",
    "Heilongjiang",
    "Henan",
    "Hong Kong",
    "Hubei",
    "Hunan",
    "Inner Mongolia",
    "Jiangsu",
    "Jiangxi",
    "Jilin",
    "Liaoning",
    "Macao",
    "Ningxia",
    "Qinghai",
    "Shaanxi",
    "Shandong",
    "Shanghai",
    "Shanxi",
    "Sichuan",
    "Taiwan",
    "Tianjin",
    "Tibet",
    "Xinjiang",
    "Yunnan",
    "Zhejiang",
];
