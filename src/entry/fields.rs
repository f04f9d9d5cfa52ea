//! What each kind's front matter takes: one table drives validation (unknown
//! and missing keys), `atlas new` and the documentation.

use super::Kind;

const ITEMS: &[Kind] = &Kind::ITEMS;
const PLACES: &[Kind] = &Kind::PLACES;
/// Labs and institutions: what sits in a park.
const IN_PARKS: &[Kind] = &[Kind::Lab, Kind::Institution];

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
    /// The YAML written by `atlas new` (`{title}` is replaced by the title,
    /// `{today}` by today's date).
    pub example: &'static str,
    /// The row label in an entry's fact box; empty for fields shown
    /// elsewhere (names in the header, relations under "Connections").
    pub label: &'static str,
    /// Labels for particular kinds, overriding `label`.
    pub labels: &'static [(Kind, &'static str)],
    /// The unit a number is shown with (`km²`).
    pub unit: &'static str,
    /// What the field means to a reader of the downloads, where `doc`
    /// also tells an author how to write it (empty: `doc` says it).
    pub data_doc: &'static str,
}

impl FieldSpec {
    /// Shows the field in the fact box under `label`.
    const fn shown(self, label: &'static str) -> Self {
        FieldSpec { label, ..self }
    }

    /// Other labels for some kinds.
    const fn shown_for(self, labels: &'static [(Kind, &'static str)]) -> Self {
        FieldSpec { labels, ..self }
    }

    const fn unit(self, unit: &'static str) -> Self {
        FieldSpec { unit, ..self }
    }

    /// Describes the field's column in the downloads as `doc` for
    /// readers, without the author's instructions.
    const fn in_data(self, data_doc: &'static str) -> Self {
        FieldSpec { data_doc, ..self }
    }

    /// What the field's column in the downloads holds.
    pub fn column_doc(&self) -> &'static str {
        if self.data_doc.is_empty() {
            self.doc
        } else {
            self.data_doc
        }
    }

    /// The fact-box label for an entry of `kind` (empty: not in the fact box).
    pub fn label_for(&self, kind: Kind) -> &'static str {
        self.labels
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.label, |(_, l)| l)
    }
}

/// What a field's value is: drives the JSON schema (`atlas schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    /// A list of texts.
    Texts,
    Integer,
    /// true or false.
    Bool,
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

impl FieldType {
    /// A value of this type as written in front matter, for hints.
    pub fn sample(self) -> &'static str {
        let fact = |v: ValueType| match v {
            ValueType::Text => "{ value: \"...\", cite: \"source-id, §1\" }",
            ValueType::Number => "{ value: 101, cite: \"source-id, Table 1\" }",
            ValueType::Date => "{ value: 2016, cite: \"source-id, §1\" }",
            ValueType::Id => "torch-program",
            ValueType::Designation => "science-city",
            ValueType::Field => "physics",
            ValueType::Province => "Beijing",
        };
        match self {
            FieldType::Text => "\"...\"",
            FieldType::Texts => "[one, two]",
            FieldType::Integer => "1",
            FieldType::Bool => "true",
            FieldType::Date => "\"2016-09-01\"",
            FieldType::Url => "https://example.org/report",
            FieldType::SourceKind => "report",
            FieldType::Fact(v) => fact(v),
            FieldType::Facts(ValueType::Id) => "[torch-program, program-863]",
            FieldType::Facts(ValueType::Field) => "[physics, materials]",
            FieldType::Facts(_) => "[one, { value: two, cite: \"source-id, §1\" }]",
            FieldType::LabeledFacts => "[{ label: Staff, value: 300, cite: \"source-id, §3\" }]",
        }
    }
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
            label: "",
            labels: &[],
            unit: "",
            data_doc: "",
        }
    };
}

/// Every key, in the order `atlas new` writes them.
pub const FIELDS: &[FieldSpec] = &[
    field!(
        "title",
        &Kind::ALL,
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
        &Kind::ALL,
        true,
        T::Text,
        "one sentence for lists, search and previews",
        "\"\""
    ),
    field!(
        "name_zh",
        ITEMS,
        false,
        T::Fact(V::Text),
        "standard Chinese name; cite it where a source prints it, plain when it comes from general knowledge",
        "null"
    )
    .in_data("standard Chinese name"),
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
    )
    .shown("Designation")
    .in_data("the kind of thing, a term of the atlas's designation vocabulary"),
    field!(
        "established",
        ITEMS,
        false,
        T::Fact(V::Date),
        "date founded, launched or approved: 2016, \"2016-09\" or \"2016-09-01\"; cite it as { value: 2016, cite: \"source-id, §1\" }",
        "null"
    )
    .in_data("date founded, launched or approved: a year, year-month or full date (2016, 2016-09, 2016-09-01)")
    .shown("Established")
    .shown_for(&[(Kind::Program, "Launched")]),
    field!(
        "ended",
        &[Kind::Program],
        false,
        T::Fact(V::Date),
        "date the program ended or was superseded",
        "null"
    )
    .shown("Ended"),
    field!(
        "agency",
        &[Kind::Program, Kind::Lab, Kind::Institution],
        false,
        T::Fact(V::Text),
        "lead ministry or agency (program); host institution (lab)",
        "null"
    )
    .shown("Institution")
    .shown_for(&[(Kind::Program, "Lead agency"), (Kind::Institution, "Parent body")]),
    field!(
        "city",
        PLACES,
        false,
        T::Fact(V::Text),
        "city or district",
        "null"
    )
    .shown("City"),
    field!(
        "province",
        PLACES,
        false,
        T::Fact(V::Province),
        "Chinese provincial-level division",
        "null"
    )
    .shown("Province"),
    field!(
        "country",
        ITEMS,
        false,
        T::Fact(V::Text),
        "country; China when absent (any other country makes the entry a comparator from abroad)",
        "China"
    )
    .shown("Country"),
    field!(
        "area_km2",
        &[Kind::Park],
        false,
        T::Fact(V::Number),
        "area in square kilometres",
        "null"
    )
    .shown("Area")
    .unit("km²"),
    field!(
        "fields",
        ITEMS,
        false,
        T::Facts(V::Field),
        "research fields, from the field vocabulary",
        "[]"
    )
    .shown("Fields"),
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
        IN_PARKS,
        false,
        T::Fact(V::Id),
        "id of the park the lab or institution is in",
        "null"
    ),
    field!(
        "part_of",
        ITEMS,
        false,
        T::Fact(V::Id),
        "id of a larger entry of the same kind (a lab may be part of an institution)",
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
    )
    .shown("Facts"),
    field!(
        "updated",
        ITEMS,
        true,
        T::Date,
        "date the entry was last reviewed: 2016, \"2016-09\" or \"2016-09-01\"",
        "{today}"
    )
    .in_data("date the entry was last reviewed: a year, year-month or full date"),
    field!(
        "featured",
        ITEMS,
        false,
        T::Bool,
        "true to show the entry first on the home page (entries in China only)",
        "false"
    )
    .in_data("true for an entry the home page shows first"),
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
        "availability",
        &[Kind::Source],
        false,
        T::Text,
        "where a reader finds the source when it has no URL, and why",
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
