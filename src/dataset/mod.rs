//! The published dataset: what its tables hold, as columns made from the
//! field table, and each entry's and source's rows.
//!
//! Three tables, each a CSV file and a part of `data/atlas.json`:
//!
//! - **entries** (`data/atlas.csv`): one row per park, program, lab and
//!   institution; a column per front matter field of the items (in
//!   [`FIELDS`] order; a list field's values joined by `; `), plus `id`,
//!   `kind`, `page` and `in_china`. The values only: their provenance is in
//!   the facts.
//! - **facts** (`data/facts.csv`): one row per fact and citation, in the
//!   long format: every [`FactRow`] of an entry (the same facts its fact box
//!   shows, `facts:` items included), with the source, locator and quote of
//!   each of its citations; a fact without a citation has one row with
//!   none.
//! - **sources** (`data/sources.csv`): one row per source, a column per
//!   source field, so every `source` of a fact resolves.
//!
//! The columns are listed once ([`entry_columns`], [`fact_columns`],
//! [`source_columns`]), and the CSV headers, the JSON keys and the
//! `datapackage.json` schemas are all made from those lists; no column list
//! is kept by hand beside the field table.

pub mod package;

use serde_json::{Map, Value, json};

use crate::cite::parse_group;
use crate::entry::{FIELDS, FactRow, FieldSpec, FieldType, Head, Kind, SOURCE_KINDS, ValueType};

/// The type of a column, as Table Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    String,
    Integer,
    Number,
    Boolean,
}

/// One column of a table.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    /// A Table Schema format (`uri`).
    pub format: Option<&'static str>,
    pub description: String,
    /// A pattern the values match (dates: `2016`, `2016-09`, `2016-09-01`).
    pub pattern: Option<&'static str>,
    /// The only values the column takes.
    pub values: Vec<&'static str>,
    /// Every row has a value.
    pub required: bool,
    /// Several values, joined by [`LIST_SEPARATOR`] in CSV (an array in JSON).
    pub list: bool,
    /// The field of the front matter it holds.
    field: Option<&'static FieldSpec>,
}

/// How a list's values are joined in a CSV cell.
pub const LIST_SEPARATOR: &str = "; ";

/// The values a date takes: a year, a year and month, or a full date.
pub const DATE_PATTERN: &str = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?";

impl Column {
    fn new(name: &'static str, ty: ColumnType, description: impl Into<String>) -> Column {
        Column {
            name,
            ty,
            format: None,
            description: description.into(),
            pattern: None,
            values: Vec::new(),
            required: false,
            list: false,
            field: None,
        }
    }

    fn required(self) -> Column {
        Column {
            required: true,
            ..self
        }
    }

    fn date(self) -> Column {
        Column {
            pattern: Some(DATE_PATTERN),
            ..self
        }
    }

    fn uri(self) -> Column {
        Column {
            format: Some("uri"),
            ..self
        }
    }

    fn one_of(self, values: &[&'static str]) -> Column {
        Column {
            values: values.to_vec(),
            ..self
        }
    }

    /// The column of a front matter field.
    fn of_field(f: &'static FieldSpec) -> Column {
        let (ty, list, date) = match f.ty {
            FieldType::Text | FieldType::Url | FieldType::SourceKind => {
                (ColumnType::String, false, false)
            }
            FieldType::Texts => (ColumnType::String, true, false),
            FieldType::Integer => (ColumnType::Integer, false, false),
            FieldType::Bool => (ColumnType::Boolean, false, false),
            FieldType::Date => (ColumnType::String, false, true),
            FieldType::Fact(ValueType::Number) => (ColumnType::Number, false, false),
            FieldType::Fact(v) => (ColumnType::String, false, v == ValueType::Date),
            FieldType::Facts(_) | FieldType::LabeledFacts => (ColumnType::String, true, false),
        };
        let mut description = f.column_doc().to_string();
        if list {
            // LIST_SEPARATOR, in words.
            description.push_str(" (in CSV, several values are separated by semicolons)");
        }
        let c = Column {
            list,
            required: f.required,
            field: Some(f),
            ..Column::new(f.name, ty, description)
        };
        match f.ty {
            _ if date => c.date(),
            FieldType::Url => c.uri(),
            FieldType::SourceKind => c.one_of(SOURCE_KINDS),
            _ => c,
        }
    }
}

/// The names of the item kinds.
const ITEM_KINDS: [&str; 4] = [
    Kind::ITEMS[0].name(),
    Kind::ITEMS[1].name(),
    Kind::ITEMS[2].name(),
    Kind::ITEMS[3].name(),
];

/// The columns of the entries table.
pub fn entry_columns() -> Vec<Column> {
    let mut columns = vec![
        Column::new(
            "id",
            ColumnType::String,
            "the entry's id, unique in the atlas",
        )
        .required(),
        Column::new(
            "kind",
            ColumnType::String,
            "park, program, lab or institution",
        )
        .required()
        .one_of(&ITEM_KINDS),
        Column::new("page", ColumnType::String, "the entry's page in the atlas")
            .required()
            .uri(),
    ];
    columns.extend(
        FIELDS
            .iter()
            .filter(|f| f.kinds.iter().any(|k| k.is_item()))
            // `facts:` items are in the facts table, each with its label.
            .filter(|f| f.ty != FieldType::LabeledFacts)
            .map(Column::of_field)
            .map(|c| match c.name {
                "country" => Column {
                    description: "country (China where the entry gives none)".into(),
                    required: true,
                    ..c
                },
                _ => c,
            }),
    );
    columns.push(
        Column::new(
            "in_china",
            ColumnType::Boolean,
            "true for an entry in China; false for a comparator abroad",
        )
        .required(),
    );
    columns
}

/// The columns of the facts table.
pub fn fact_columns() -> Vec<Column> {
    use ColumnType::{Boolean, Integer, String};
    vec![
        Column::new("entry_id", String, "the id of the entry the fact is about").required(),
        Column::new(
            "fact",
            Integer,
            "the fact's number in its entry (rows of one fact with several citations share it)",
        )
        .required(),
        Column::new("field", String, "the front matter field the fact is in").required(),
        Column::new(
            "label",
            String,
            "the fact's label on the entry's page",
        ),
        Column::new("value", String, "the value, as written in the entry").required(),
        Column::new("source", String, "the id of the cited source (in the sources table)"),
        Column::new(
            "locator",
            String,
            "where in the source: §3, Box 4, Table 1, Figure 9, fn 12, slide 14, ...",
        ),
        Column::new("quote", String, "the passage of the source quoted for the fact"),
        Column::new("note", String, "the atlas's own remark on the fact"),
        Column::new(
            "editorial",
            Boolean,
            "true when the value comes from the atlas's editors, not from the sources (as does a Chinese name given without a citation)",
        )
        .required(),
    ]
}

/// The columns of the sources table.
pub fn source_columns() -> Vec<Column> {
    let mut columns = vec![
        Column::new(
            "id",
            ColumnType::String,
            "the source's id, as the facts table names it",
        )
        .required(),
        Column::new("page", ColumnType::String, "the source's page in the atlas")
            .required()
            .uri(),
    ];
    columns.extend(
        FIELDS
            .iter()
            .filter(|f| f.kinds.contains(&Kind::Source))
            // The file name of the atlas's own copy of the text: not published.
            .filter(|f| f.name != "text")
            .map(Column::of_field),
    );
    columns
}

/// The values of a row, by column, as JSON (lists as arrays).
pub type Record = Vec<(&'static str, Value)>;

/// An item's row in the entries table.
pub fn entry_record(head: &Head, base_url: &str) -> Record {
    let item = head.item().expect("items only");
    let front = serde_json::to_value(item).unwrap_or_default();
    entry_columns()
        .into_iter()
        .map(|c| {
            let value = match c.name {
                "id" => json!(head.id),
                "kind" => json!(head.kind.name()),
                "page" => json!(format!("{base_url}{}", head.url_path())),
                "in_china" => json!(item.in_china()),
                "country" => json!(item.country_name()),
                _ => field_value(&c, &front),
            };
            (c.name, value)
        })
        .collect()
}

/// A source's row in the sources table.
pub fn source_record(head: &Head, base_url: &str) -> Record {
    let front = head
        .source()
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or_default();
    source_columns()
        .into_iter()
        .map(|c| {
            let value = match c.name {
                "id" => json!(head.id),
                "page" => json!(format!("{base_url}{}", head.url_path())),
                _ => field_value(&c, &front),
            };
            (c.name, value)
        })
        .collect()
}

/// A field's value in the serialized front matter: a fact's value, a
/// list's values, nothing for an empty text or list.
fn field_value(c: &Column, front: &Value) -> Value {
    let Some(field) = c.field else {
        return Value::Null;
    };
    let v = front.get(field.name).unwrap_or(&Value::Null);
    let value = match field.ty {
        FieldType::Fact(_) => v.get("value").cloned().unwrap_or(Value::Null),
        FieldType::Facts(_) => Value::Array(
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.get("value").cloned())
                .collect(),
        ),
        _ => v.clone(),
    };
    match value {
        Value::String(s) if s.is_empty() => Value::Null,
        Value::Number(n) => tidy_number(&n),
        other => other,
    }
}

/// Whole numbers without a fraction (`101`, not `101.0`).
fn tidy_number(n: &serde_json::Number) -> Value {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => json!(f as i64),
        _ => Value::Number(n.clone()),
    }
}

/// One citation of a fact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Citation {
    pub source: String,
    pub locator: String,
    pub quote: Option<String>,
}

/// The citations of a fact: its `cite` parsed, its `quote` going with its
/// only citation.
pub fn citations(row: &FactRow) -> Vec<Citation> {
    let Some(cite) = &row.cite else {
        return Vec::new();
    };
    match parse_group(cite, 0, false) {
        Ok(refs) => {
            let single = refs.len() == 1;
            refs.into_iter()
                .map(|r| Citation {
                    source: r.source,
                    locator: r.locator,
                    quote: r.quote.or_else(|| row.quote.clone().filter(|_| single)),
                })
                .collect()
        }
        // A build with a malformed citation fails; keep what was written.
        Err(_) => vec![Citation {
            source: cite.clone(),
            locator: String::new(),
            quote: row.quote.clone(),
        }],
    }
}

/// A fact's label: a `facts:` item's own, else its field's on the page.
pub fn fact_label(row: &FactRow, kind: Kind) -> Option<String> {
    row.label
        .clone()
        .or_else(|| Some(row.field.label_for(kind).to_string()))
        .filter(|l| !l.is_empty())
}

/// An item's facts as JSON: one object per fact, with its citations.
pub fn fact_records(head: &Head) -> Vec<Value> {
    head.facts
        .iter()
        .map(|row| {
            let mut m = Map::new();
            m.insert("field".into(), json!(row.field.name));
            m.insert("label".into(), json!(fact_label(row, head.kind)));
            let value = match &row.value {
                Value::Number(n) => tidy_number(n),
                other => other.clone(),
            };
            m.insert("value".into(), value);
            m.insert("citations".into(), json!(citations(row)));
            m.insert("note".into(), json!(row.note));
            m.insert("editorial".into(), json!(row.is_editorial()));
            Value::Object(m)
        })
        .collect()
}

/// An item's rows in the facts table: one per fact and citation, in
/// [`fact_columns`] order.
pub fn fact_rows(head: &Head) -> Vec<Record> {
    let mut rows = Vec::new();
    for (n, row) in head.facts.iter().enumerate() {
        let cites = citations(row);
        // An uncited fact still has its row, without a source.
        let each: Vec<Option<&Citation>> = if cites.is_empty() {
            vec![None]
        } else {
            cites.iter().map(Some).collect()
        };
        for c in each {
            rows.push(vec![
                ("entry_id", json!(head.id)),
                ("fact", json!(n + 1)),
                ("field", json!(row.field.name)),
                ("label", json!(fact_label(row, head.kind))),
                ("value", json!(row.text())),
                ("source", json!(c.map(|c| &c.source))),
                ("locator", json!(c.map(|c| &c.locator))),
                ("quote", json!(c.and_then(|c| c.quote.as_ref()))),
                ("note", json!(row.note)),
                ("editorial", json!(row.is_editorial())),
            ]);
        }
    }
    rows
}

/// A JSON value as a CSV cell's text: numbers in their shortest form,
/// lists joined by [`LIST_SEPARATOR`], nothing for null.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match tidy_number(n) {
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        },
        Value::Array(items) => items
            .iter()
            .map(cell_text)
            .collect::<Vec<_>>()
            .join(LIST_SEPARATOR),
        Value::Object(_) => v.to_string(),
    }
}

/// A cell as written into a CSV download: the characters XML forbids
/// dropped (no text file should carry them), and a text that a spreadsheet
/// would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) prefixed with `'`, as OWASP recommends against CSV
/// injection. A number in a number column is left as it is. The JSON
/// download keeps every value unchanged.
pub fn spreadsheet_cell(text: &str, ty: ColumnType) -> String {
    let text = crate::xml::clean(text);
    let numeric = matches!(ty, ColumnType::Number | ColumnType::Integer)
        && text.parse::<f64>().is_ok_and(f64::is_finite);
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !numeric => format!("'{text}"),
        _ => text.into_owned(),
    }
}

/// One CSV line (CRLF-terminated, quoted where needed) of `record`'s cells,
/// typed by `columns`.
pub fn csv_line(record: &Record, columns: &[Column]) -> String {
    let cells = record
        .iter()
        .zip(columns)
        .map(|((_, v), c)| spreadsheet_cell(&cell_text(v), c.ty));
    csv_line_of(cells)
}

/// The header line of a table.
pub fn csv_header(columns: &[Column]) -> String {
    csv_line_of(columns.iter().map(|c| c.name.to_string()))
}

fn csv_line_of(cells: impl Iterator<Item = String>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = w.write_record(cells.collect::<Vec<_>>());
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A record as a JSON object (keys in column order, lists as arrays).
pub fn record_object(record: Record) -> Map<String, Value> {
    record
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let s = ColumnType::String;
        assert_eq!(
            spreadsheet_cell("=cmd|' /C calc'!A0", s),
            "'=cmd|' /C calc'!A0"
        );
        for lead in ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_cell(lead, s), format!("'{lead}"));
        }
        assert_eq!(spreadsheet_cell("-12.5", ColumnType::Number), "-12.5");
        assert_eq!(spreadsheet_cell("-1+2", ColumnType::Number), "'-1+2");
        assert_eq!(spreadsheet_cell("a\0b", s), "ab");
        assert_eq!(spreadsheet_cell("Zhongguancun", s), "Zhongguancun");
    }

    #[test]
    fn lines_are_quoted_where_needed() {
        let columns = [
            Column::new("a", ColumnType::String, ""),
            Column::new("b", ColumnType::Number, ""),
            Column::new("c", ColumnType::String, ""),
        ];
        let record: Record = vec![
            ("a", json!("say \"x\", then y")),
            ("b", json!(101.0)),
            ("c", json!(["one", "two"])),
        ];
        assert_eq!(
            csv_line(&record, &columns),
            "\"say \"\"x\"\", then y\",101,one; two\r\n"
        );
        assert_eq!(csv_header(&columns), "a,b,c\r\n");
    }

    #[test]
    fn columns_come_from_the_field_table() {
        let names: Vec<&str> = entry_columns().iter().map(|c| c.name).collect();
        for f in FIELDS
            .iter()
            .filter(|f| f.kinds.iter().any(|k| k.is_item()))
        {
            assert_eq!(
                names.contains(&f.name),
                f.ty != FieldType::LabeledFacts,
                "{}",
                f.name
            );
        }
        let sources: Vec<&str> = source_columns().iter().map(|c| c.name).collect();
        assert!(sources.contains(&"accessed") && !sources.contains(&"text"));
    }
}
