//! Every fact of an item as a uniform row, walked from the field table.
//!
//! The item struct is serialized once and its fact fields read back in the
//! order of [`FIELDS`], so whatever reads facts generically (validation, the
//! fact box, the downloads, coverage) sees a new fact field as soon as it is
//! in the table and the struct, without a list of its own.

use serde_json::Value;

use super::fields::{FIELDS, FieldSpec, FieldType};
use super::{ItemMeta, Kind};

/// One fact of an item: a field's value with its provenance.
#[derive(Debug, Clone)]
pub struct FactRow {
    /// The field it is in.
    pub field: &'static FieldSpec,
    /// The label of an entry of `facts:` (else `None`: the field's own label).
    pub label: Option<String>,
    /// The value as written (text, number, date as text).
    pub value: Value,
    pub cite: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    pub editorial: bool,
}

impl FactRow {
    /// Whether the value is the atlas's own rather than a source's: marked
    /// `editorial: true`, or a Chinese name given without a citation (the
    /// standard name, which the atlas supplies without needing the mark).
    pub fn is_editorial(&self) -> bool {
        self.editorial || (self.field.name == "name_zh" && self.cite.is_none())
    }

    /// The value as text: strings as they are, numbers in their shortest form.
    pub fn text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
                _ => n.to_string(),
            },
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// The facts of `item` (of any item kind), in field-table order; list
/// fields give one row per element.
pub fn rows(item: &ItemMeta) -> Vec<FactRow> {
    let Ok(Value::Object(map)) = serde_json::to_value(item) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in FIELDS
        .iter()
        .filter(|f| f.kinds.iter().any(|k| Kind::ITEMS.contains(k)))
    {
        let Some(value) = map.get(field.name) else {
            continue;
        };
        match (field.ty, value) {
            (FieldType::Fact(_), v) if !v.is_null() => out.push(row(field, v, None)),
            (FieldType::Facts(_), Value::Array(items)) => {
                out.extend(items.iter().map(|v| row(field, v, None)));
            }
            (FieldType::LabeledFacts, Value::Array(items)) => {
                out.extend(items.iter().map(|v| {
                    let label = v.get("label").and_then(Value::as_str).map(str::to_string);
                    row(field, v, label)
                }));
            }
            _ => {}
        }
    }
    // Every item's facts are kept for the whole build: no spare capacity.
    out.shrink_to_fit();
    out
}

/// Each row with its place among its field's rows, from 0. The rows of one
/// field are the items of its list, in order ([`rows`]), so this is the
/// item a row was read from, for locating it
/// ([`KeyIndex::item`](super::front::KeyIndex::item)).
pub fn with_item(rows: &[FactRow]) -> impl Iterator<Item = (usize, &FactRow)> {
    rows.iter().scan(("", 0), |(field, n), row| {
        if *field == row.field.name {
            *n += 1;
        } else {
            (*field, *n) = (row.field.name, 0);
        }
        Some((*n, row))
    })
}

fn row(field: &'static FieldSpec, v: &Value, label: Option<String>) -> FactRow {
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    FactRow {
        field,
        label,
        value: v.get("value").cloned().unwrap_or(Value::Null),
        cite: text("cite"),
        quote: text("quote"),
        note: text("note"),
        editorial: v.get("editorial").and_then(Value::as_bool).unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Fact;

    #[test]
    fn rows_follow_the_table() {
        let item = ItemMeta {
            established: Some(Fact {
                cite: Some("a, §1".into()),
                ..Fact::plain(crate::entry::Date::parse("2016-09").unwrap())
            }),
            fields: vec![Fact::plain("energy".into()), Fact::plain("physics".into())],
            country: Some(Fact {
                editorial: true,
                ..Fact::plain("Japan".into())
            }),
            ..ItemMeta::default()
        };
        let rows = rows(&item);
        let names: Vec<&str> = rows.iter().map(|r| r.field.name).collect();
        assert_eq!(names, ["established", "country", "fields", "fields"]);
        assert_eq!(rows[0].text(), "2016-09");
        assert_eq!(rows[0].cite.as_deref(), Some("a, §1"));
        assert!(rows[1].editorial);
    }
}
