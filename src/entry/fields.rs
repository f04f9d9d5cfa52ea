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
    /// What the value is, for the schema.
    pub ty: FieldType,
    /// What the field means, for `atlas new` and the schema.
    pub doc: &'static str,
    /// The YAML written by `atlas new` (`{title}` is replaced by the title).
    pub example: &'static str,
}

/// What a field's value is: drives the JSON schema (`atlas schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    /// A list of texts.
    Texts,
    Integer,
    /// A date: 2016, "2016-09" or "2016-09-01".
    Date,
    /// An http(s) URL.
    Url,
    /// One of [`SOURCE_KINDS`].
    SourceKind,
    /// A fact: the value, plain or as `{ value, cite, quote, note }`.
    Fact(ValueType),
    /// A list of facts.
    Facts(ValueType),
    /// A list of `{ label, value, cite, quote, note }`.
    LabeledFacts,
}

/// The value of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Text,
    Number,
    Date,
    /// The id of another entry.
    Id,
    /// A term of the `designation` vocabulary in atlas.toml.
    Designation,
    /// A term of the `field` vocabulary in atlas.toml.
    Field,
    /// One of [`PROVINCES`].
    Province,
}

use FieldType as T;
use ValueType as V;

macro_rules! field {
    ($name:literal, $kinds:expr, $req:literal, $ty:expr, $doc:literal, $ex:literal) => {
        FieldSpec {
            name: $name,
            kinds: $kinds,
            required: $req,
            ty: $ty,
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
        T::Text,
        "English name",
        "\"{title}\""
    ),
    field!(
        "short",
        &[Kind::Source],
        true,
        T::Text,
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
        T::Text,
        "one sentence for lists, search and previews",
        "\"\""
    ),
    field!(
        "name_zh",
        ITEMS,
        false,
        T::Text,
        "Chinese name, where a source gives it",
        "null"
    ),
    field!(
        "aliases",
        ITEMS,
        false,
        T::Texts,
        "other names, abbreviations and misspellings found in sources",
        "[]"
    ),
    field!(
        "designation",
        ITEMS,
        false,
        T::Fact(V::Designation),
        "the kind of thing, from the designation vocabulary in atlas.toml",
        "null"
    ),
    field!(
        "fields",
        ITEMS,
        false,
        T::Facts(V::Field),
        "research fields, from the field vocabulary",
        "[]"
    ),
    field!(
        "established",
        ITEMS,
        false,
        T::Fact(V::Date),
        "date founded, launched or approved: 2016, \"2016-09\" or \"2016-09-01\"; cite it as { value: 2016, cite: \"source-id, §1\" }",
        "null"
    ),
    field!(
        "ended",
        &[Kind::Program],
        false,
        T::Fact(V::Date),
        "date the program ended or was superseded",
        "null"
    ),
    field!(
        "country",
        PLACES,
        false,
        T::Fact(V::Text),
        "country; China when absent",
        "China"
    ),
    field!(
        "province",
        PLACES,
        false,
        T::Fact(V::Province),
        "Chinese provincial-level division",
        "null"
    ),
    field!(
        "city",
        PLACES,
        false,
        T::Fact(V::Text),
        "city or district",
        "null"
    ),
    field!(
        "area_km2",
        &[Kind::Park],
        false,
        T::Fact(V::Number),
        "area in square kilometres",
        "null"
    ),
    field!(
        "agency",
        &[Kind::Program, Kind::Lab],
        false,
        T::Fact(V::Text),
        "lead ministry or agency (program); host institution (lab)",
        "null"
    ),
    field!(
        "programs",
        PLACES,
        false,
        T::Facts(V::Id),
        "ids of programs the entry belongs to",
        "[]"
    ),
    field!(
        "park",
        &[Kind::Lab],
        false,
        T::Fact(V::Id),
        "id of the park the lab is in",
        "null"
    ),
    field!(
        "part_of",
        ITEMS,
        false,
        T::Fact(V::Id),
        "id of a larger entry of the same kind",
        "null"
    ),
    field!(
        "predecessor",
        &[Kind::Program],
        false,
        T::Fact(V::Id),
        "id of the program this one replaced",
        "null"
    ),
    field!(
        "related",
        ITEMS,
        false,
        T::Facts(V::Id),
        "ids of other related entries",
        "[]"
    ),
    field!(
        "facts",
        ITEMS,
        false,
        T::LabeledFacts,
        "further facts: a list of { label, value, cite, quote, note }",
        "[]"
    ),
    field!(
        "updated",
        ITEMS,
        false,
        T::Date,
        "date the entry was last reviewed",
        "null"
    ),
    field!(
        "authors",
        &[Kind::Source],
        false,
        T::Texts,
        "authors, as printed",
        "[]"
    ),
    field!(
        "year",
        &[Kind::Source],
        false,
        T::Integer,
        "year of publication",
        "null"
    ),
    field!(
        "date",
        &[Kind::Source],
        false,
        T::Date,
        "full date of publication",
        "null"
    ),
    field!(
        "publisher",
        &[Kind::Source],
        false,
        T::Text,
        "publisher or institution",
        "null"
    ),
    field!(
        "venue",
        &[Kind::Source],
        false,
        T::Text,
        "journal, newspaper or series",
        "null"
    ),
    field!(
        "kind",
        &[Kind::Source],
        true,
        T::SourceKind,
        "report, article, slides, paper, book or web",
        "report"
    ),
    field!(
        "url",
        &[Kind::Source],
        false,
        T::Url,
        "the publisher's page for the source",
        "null"
    ),
    field!(
        "accessed",
        &[Kind::Source],
        false,
        T::Date,
        "date the URL was accessed",
        "null"
    ),
    field!(
        "language",
        &[Kind::Source],
        false,
        T::Text,
        "language code, e.g. en or zh",
        "en"
    ),
    field!(
        "text",
        &[Kind::Source],
        false,
        T::Text,
        "file name of the source's plain text in sources_text_dir, for quote checks",
        "null"
    ),
    field!(
        "menu",
        &[Kind::Page],
        false,
        T::Integer,
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
