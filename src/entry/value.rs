//! Value types of the front matter: dates, facts with provenance.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer};
use yaml_serde::Value;

/// A date as precise as the source allows: a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// Parses `2016`, `2016-09` or `2016-09-01`.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date; write 2016, \"2016-09\" or \"2016-09-01\"");
        let mut parts = text.trim().split('-');
        let year: i32 = parts
            .next()
            .filter(|y| y.len() == 4)
            .and_then(|y| y.parse().ok())
            .ok_or_else(bad)?;
        let mut number = |max: u8| -> Result<Option<u8>, String> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == 2 => match p.parse::<u8>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
                    _ => Err(bad()),
                },
                Some(_) => Err(bad()),
            }
        };
        let month = number(12)?;
        let day = if month.is_some() { number(31)? } else { None };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }

    /// An RFC 3339 timestamp at midnight UTC, for feeds.
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1)
        )
    }

    /// Today's date (UTC), for files `atlas new` writes. Builds never read
    /// the clock.
    pub fn today() -> Date {
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400) as i64;
        // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// The decade, for the `period` taxonomy: `1980s`.
    pub fn decade(&self) -> String {
        format!("{}s", self.year - self.year.rem_euclid(10))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Number(n) => match n.as_i64() {
                Some(y) if (1000..=9999).contains(&y) => Ok(Date {
                    year: y as i32,
                    month: None,
                    day: None,
                }),
                _ => Err(de::Error::custom(format!(
                    "`{n}` is not a year; write 2016, \"2016-09\" or \"2016-09-01\""
                ))),
            },
            Value::String(s) => Date::parse(&s).map_err(de::Error::custom),
            other => Err(de::Error::custom(format!(
                "expected a date (2016, \"2016-09\" or \"2016-09-01\"), found {}",
                describe(&other)
            ))),
        }
    }
}

impl serde::Serialize for Date {
    /// As written in front matter: `2016`, `2016-09` or `2016-09-01`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A fact: a value with optional provenance. In YAML either the plain value
/// or a mapping `{ value, cite, quote, note, editorial }`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Fact<T> {
    pub value: T,
    /// Citation text in the in-text syntax without brackets: `id, locator; id2, loc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cite: Option<String>,
    /// A quote from the source; allowed only with a single citation (several
    /// citations carry their quotes inside the citation they come from).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The atlas's own remark on the fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The value comes from the atlas's editors (general knowledge), not
    /// from the sources.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub editorial: bool,
}

impl<T> Fact<T> {
    pub fn plain(value: T) -> Self {
        Fact {
            value,
            cite: None,
            quote: None,
            note: None,
            editorial: false,
        }
    }
}

const FACT_KEYS: [&str; 5] = ["value", "cite", "quote", "note", "editorial"];

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Fact<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let Value::Mapping(map) = &value else {
            let value = yaml_serde::from_value(value).map_err(de::Error::custom)?;
            return Ok(Fact::plain(value));
        };
        if !map.contains_key("value") {
            // Not a fact mapping: let the value type say what it expected.
            let value = yaml_serde::from_value(value.clone()).map_err(|_| {
                de::Error::custom("a fact written as a mapping needs a `value` key: `{ value: ..., cite: \"source-id, locator\" }`")
            })?;
            return Ok(Fact::plain(value));
        }
        let mut fact =
            Fact::plain(yaml_serde::from_value(map["value"].clone()).map_err(de::Error::custom)?);
        for (k, v) in map {
            let key = k.as_str().unwrap_or("");
            let slot = match key {
                "value" => continue,
                "editorial" => {
                    fact.editorial = v.as_bool().ok_or_else(|| {
                        de::Error::custom(format!(
                            "`editorial` should be true or false, found {}",
                            describe(v)
                        ))
                    })?;
                    continue;
                }
                "cite" => &mut fact.cite,
                "quote" => &mut fact.quote,
                "note" => &mut fact.note,
                _ => {
                    return Err(de::Error::custom(format!(
                        "unknown key `{}` in a fact; a fact takes {}",
                        key,
                        FACT_KEYS.join(", ")
                    )));
                }
            };
            *slot = Some(string_of(v, key).map_err(de::Error::custom)?);
        }
        Ok(fact)
    }
}

/// An extra fact with its own label: `{ label, value, cite, quote, note, editorial }`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabeledFact {
    pub label: String,
    #[serde(deserialize_with = "scalar_string")]
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cite: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub editorial: bool,
}

impl LabeledFact {
    /// The fact without its label.
    pub fn fact(&self) -> Fact<&str> {
        Fact {
            value: self.value.as_str(),
            cite: self.cite.clone(),
            quote: self.quote.clone(),
            note: self.note.clone(),
            editorial: self.editorial,
        }
    }
}

fn scalar_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    string_of(&Value::deserialize(d)?, "value").map_err(de::Error::custom)
}

/// A scalar as text (numbers and booleans written unquoted are accepted).
fn string_of(v: &Value, key: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("`{key}` should be text, found {}", describe(other))),
    }
}

/// A YAML value's type in words, for messages.
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2016").unwrap().to_string(), "2016");
        assert_eq!(Date::parse("2016-09").unwrap().to_string(), "2016-09");
        assert_eq!(Date::parse("2016-09-01").unwrap().to_string(), "2016-09-01");
        assert!(Date::parse("2016-13").is_err());
        assert!(Date::parse("16").is_err());
        assert!(Date::parse("2016-9").is_err());
        assert_eq!(Date::parse("1986").unwrap().decade(), "1980s");
    }

    #[test]
    fn facts_plain_and_full() {
        let f: Fact<f64> = yaml_serde::from_str("101").unwrap();
        assert_eq!(f, Fact::plain(101.0));
        let f: Fact<f64> = yaml_serde::from_str("{ value: 101, cite: \"a, Table 1\" }").unwrap();
        assert_eq!(f.cite.as_deref(), Some("a, Table 1"));
        let e = yaml_serde::from_str::<Fact<f64>>("{ value: 1, cite: x, src: y }").unwrap_err();
        assert!(e.to_string().contains("unknown key `src`"), "{e}");
        let e = yaml_serde::from_str::<Fact<f64>>("{ cite: x }").unwrap_err();
        assert!(e.to_string().contains("needs a `value` key"), "{e}");
    }
}
