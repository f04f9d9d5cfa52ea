//! `atlas schema`: the front matter schemas accept what the parser accepts
//! (the real atlas, `atlas new`'s files) and reject what it rejects. A small
//! validator for the parts of JSON Schema the generator uses checks them.

mod common;

use std::path::Path;
use std::process::Command;

use atlas::entry::Kind;
use serde_json::Value;

/// Errors of `value` against `schema` (draft 2020-12 subset: type, enum,
/// pattern, lengths, bounds, properties, required, additionalProperties,
/// items, oneOf, anyOf, $ref to $defs), as JSON pointer-ish paths.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let mut fail = |why: &str| errors.push(format!("{at}: {why}"));
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local refs only");
        return validate(root, &root["$defs"][name], value, at, errors);
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type"),
        };
        let ok = names.iter().any(|t| match *t {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "null" => value.is_null(),
            other => panic!("unknown type {other}"),
        });
        if !ok {
            return fail(&format!("not {names:?}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        fail("not in the enum");
    }
    if let Some(s) = value.as_str() {
        if let Some(p) = schema.get("pattern").and_then(Value::as_str)
            && !regex::Regex::new(p).unwrap().is_match(s)
        {
            fail(&format!("does not match {p}"));
        }
        if let Some(n) = schema.get("minLength").and_then(Value::as_u64)
            && (s.chars().count() as u64) < n
        {
            fail("too short");
        }
    }
    if let Some(x) = value.as_f64() {
        let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
        if bound("minimum").is_some_and(|m| x < m)
            || bound("maximum").is_some_and(|m| x > m)
            || bound("exclusiveMinimum").is_some_and(|m| x <= m)
        {
            fail("out of bounds");
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !object.contains_key(key.as_str().unwrap()) {
                errors.push(format!("{at}/{}: missing", key.as_str().unwrap()));
            }
        }
        for (k, v) in object {
            match properties.and_then(|p| p.get(k)) {
                Some(s) => validate(root, s, v, &format!("{at}/{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}/{k}: not allowed"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            validate(root, items, v, &format!("{at}/{i}"), errors);
        }
    }
    for (key, want_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let passing = options
                .iter()
                .filter(|o| {
                    let mut e = Vec::new();
                    validate(root, o, value, at, &mut e);
                    e.is_empty()
                })
                .count();
            if passing == 0 || (want_one && passing > 1) {
                errors.push(format!("{at}: {passing} of {key} match"));
            }
        }
    }
}

fn errors_of(schema: &Value, yaml: &str) -> Vec<String> {
    let value: Value = yaml_serde::from_str(yaml).expect("front matter is YAML");
    let mut errors = Vec::new();
    validate(schema, schema, &value, "", &mut errors);
    errors
}

fn front_matter(text: &str) -> &str {
    let split = atlas::entry::split_front_matter(text).expect("front matter");
    &text[split.front]
}

fn schemas_for(root: &Path) -> Vec<(Kind, Value)> {
    let config = atlas::Config::load(root).unwrap();
    Kind::ALL
        .iter()
        .map(|&k| (k, atlas::schema::schema(k, &config)))
        .collect()
}

#[test]
fn the_command_writes_one_schema_per_kind() {
    let site = common::Site::new(&[]);
    let out = site.root().join("editor-schemas");
    let status = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .arg("--root")
        .arg(site.root())
        .args(["schema", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    for kind in ["park", "program", "lab", "source", "page"] {
        let text = std::fs::read_to_string(out.join(format!("{kind}.schema.json"))).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["additionalProperties"], false);
        assert!(
            schema["required"]
                .as_array()
                .unwrap()
                .contains(&"title".into())
        );
    }
    // The default folder is schemas/.
    let status = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .arg("--root")
        .arg(site.root())
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    assert!(site.root().join("schemas/park.schema.json").is_file());
}

#[test]
fn schemas_carry_types_vocabularies_and_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = atlas::Config::load(root).unwrap();
    let park = atlas::schema::schema(Kind::Park, &config);
    let p = &park["properties"];
    assert!(
        p["area_km2"]["description"]
            .as_str()
            .unwrap()
            .contains("square kilometres")
    );
    let designation = p["designation"].to_string();
    assert!(
        designation.contains("national-high-tech-zone"),
        "{designation}"
    );
    assert!(p["province"].to_string().contains("Guangdong"));
    assert!(p["fields"].to_string().contains("semiconductors"));
    assert!(p.get("agency").is_none(), "agency is not a park field");
    let source = atlas::schema::schema(Kind::Source, &config);
    assert!(source["properties"]["kind"].to_string().contains("slides"));
    // A fact is a plain value or { value, cite, quote, note }, nothing else.
    let fact = &p["established"]["anyOf"][1]["oneOf"][1];
    assert_eq!(fact["additionalProperties"], false);
    assert_eq!(fact["required"], serde_json::json!(["value"]));
}

#[test]
fn the_real_atlas_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schemas = schemas_for(root);
    let mut checked = 0;
    for (kind, schema) in &schemas {
        let dir = root.join("content").join(kind.folder());
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        for f in files {
            let path = f.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let errors = errors_of(schema, front_matter(&text));
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 10);
}

#[test]
fn new_files_point_at_their_schema_and_only_lack_a_summary() {
    let site = common::Site::new(&[]);
    for (kind, schema) in schemas_for(site.root()) {
        let text = atlas::cli::new_entry_text(kind, "Some Title");
        let first = text.lines().nth(1).unwrap();
        assert_eq!(
            first,
            format!(
                "# yaml-language-server: $schema=../../schemas/{}.schema.json",
                kind.name()
            )
        );
        let errors = errors_of(&schema, front_matter(&text));
        assert!(
            errors.iter().all(|e| e.starts_with("/summary")),
            "{kind:?}: {errors:?}"
        );
        // The parser reads the comment line as a comment.
        let file = atlas::load::SourceFile {
            path: format!("content/{}/some-title.md", kind.folder()),
            kind,
            id: "some-title".into(),
            text: text.into(),
            stamp: (0, None),
        };
        let config = atlas::Config::load(site.root()).unwrap();
        let (entry, diags) = atlas::entry::parse_entry(&file, &config.taxonomies);
        assert!(entry.is_some());
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["missing required field `summary`"], "{kind:?}");
    }
}

/// The schema and the parser agree on each value: both accept or both reject.
#[test]
fn schema_and_parser_agree() {
    let config = atlas::Config::parse(
        "title = 't'\nbase_url = 'https://x.org/'\n[taxonomies.designation]\nscience-city = 'Science city'\n[taxonomies.field]\nphysics = 'Physics'\n",
    )
    .unwrap();
    let schema = atlas::schema::schema(Kind::Park, &config);
    let cases = [
        ("area_km2: 12.5", true),
        (
            "area_km2: { value: 12.5, cite: \"doe-2020, §1\", quote: q, note: n }",
            true,
        ),
        ("area_km2: -3", false),
        ("area_km2: { value: 3, src: x }", false),
        ("area_km2: { cite: \"doe-2020, §1\" }", false),
        ("established: 2016", true),
        ("established: \"2016-09\"", true),
        ("established: 2016-09-30", true),
        ("established: \"2016-13\"", false),
        ("established: 16", false),
        (
            "established: { value: \"2016-09-01\", cite: \"doe-2020, §1\" }",
            true,
        ),
        ("province: Guangdong", true),
        ("province: Atlantis", false),
        ("province: { value: Beijing, note: capital }", true),
        (
            "programs: [torch-program, { value: program-863, cite: \"doe-2020, §2\" }]",
            true,
        ),
        ("programs: torch-program", false),
        ("fields: [physics]", true),
        ("aliases: [A, B]", true),
        ("aliases: A", false),
        ("name_zh: null", true),
        ("city: 12", false),
        (
            "facts: [{ label: Staff, value: 300, cite: \"doe-2020, §3\" }]",
            true,
        ),
        ("facts: [{ label: Staff }]", false),
        ("facts: [{ label: Staff, value: 3, extra: 1 }]", false),
        ("updated: \"2024-05-01\"", true),
        ("updated: yesterday", false),
        ("titel: Typo", false),
        ("agency: Ministry", false),
    ];
    for (line, valid) in cases {
        let reviewed = if line.starts_with("updated:") {
            ""
        } else {
            "updated: 2024-05-01\n"
        };
        let yaml = format!("title: Park\nsummary: A park.\n{reviewed}{line}\n");
        let schema_ok = errors_of(&schema, &yaml).is_empty();
        let file = atlas::load::SourceFile {
            path: "content/parks/p.md".into(),
            kind: Kind::Park,
            id: "p".into(),
            text: format!("---\n{yaml}---\nBody.\n").into(),
            stamp: (0, None),
        };
        let (_, diags) = atlas::entry::parse_entry(&file, &config.taxonomies);
        let parser_ok = !diags.iter().any(|d| d.is_error());
        assert_eq!(
            schema_ok,
            valid,
            "schema on `{line}`: {:?}",
            errors_of(&schema, &yaml)
        );
        assert_eq!(parser_ok, valid, "parser on `{line}`: {diags:?}");
    }
}
