//! JSON Schemas of the API's answers, generated from the Rust types that are serialised (so a
//! field added to a type is in the document with it). OpenAPI 3.1 takes JSON Schema 2020-12 as
//! it is; each schema is self-contained (no `$ref`), as the document has no shared components.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

/// The schema of `T` as serialised.
pub fn of<T: JsonSchema>() -> Value {
    let settings = SchemaSettings::draft2020_12().for_serialize().with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    let mut v = settings.into_generator().into_root_schema_for::<T>().to_value();
    if let Some(m) = v.as_object_mut() {
        m.remove("title");
    }
    plain_enums(&mut v);
    v
}

/// A code list whose codes have doc comments comes out of schemars as a `oneOf` of one `const`
/// per code. Generated clients read a plain `enum` best (openapi-python-client refuses the
/// `oneOf` form), so each such `oneOf` becomes one `enum` of the codes, with what each code
/// means kept in the description ("code: meaning" a line).
fn plain_enums(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let codes = m.get("oneOf").and_then(Value::as_array).and_then(|list| {
                let mut codes = Vec::new();
                let mut meanings = Vec::new();
                let mut nullable = false;
                for s in list {
                    if s == &json!({ "type": "null" }) {
                        nullable = true;
                        continue;
                    }
                    if s.get("type") != Some(&json!("string")) {
                        return None;
                    }
                    let these: Vec<Value> = match (s.get("const"), s.get("enum")) {
                        (Some(c), None) => vec![c.clone()],
                        (None, Some(Value::Array(e))) => e.clone(),
                        _ => return None,
                    };
                    if let Some(d) = s.get("description").and_then(Value::as_str) {
                        let names: Vec<&str> = these.iter().filter_map(Value::as_str).collect();
                        meanings.push(format!("{}: {d}", names.join(", ")));
                    }
                    codes.extend(these);
                }
                if nullable {
                    codes.push(Value::Null);
                }
                Some((codes, meanings, nullable))
            });
            if let Some((codes, meanings, nullable)) = codes {
                m.remove("oneOf");
                let t = if nullable { json!(["string", "null"]) } else { json!("string") };
                m.insert("type".into(), t);
                m.insert("enum".into(), Value::Array(codes));
                if !meanings.is_empty() {
                    let d = m.get("description").and_then(Value::as_str).map(str::to_owned);
                    let text = d.into_iter().chain(meanings).collect::<Vec<_>>().join("\n");
                    m.insert("description".into(), Value::String(text));
                }
            }
            m.values_mut().for_each(plain_enums);
        }
        Value::Array(list) => list.iter_mut().for_each(plain_enums),
        _ => {}
    }
}

/// A list of `T`.
pub fn list_of<T: JsonSchema>() -> Value {
    json!({ "type": "array", "items": of::<T>() })
}

/// `T`, or `null` where there is none.
pub fn or_null<T: JsonSchema>() -> Value {
    json!({ "anyOf": [of::<T>(), { "type": "null" }] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(JsonSchema, serde::Serialize)]
    #[allow(dead_code)]
    struct Inner {
        n: i64,
    }
    #[derive(JsonSchema, serde::Serialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        maybe: Option<String>,
        at: chrono::DateTime<chrono::Utc>,
    }

    /// The codes of a code list, one of them explained.
    #[derive(JsonSchema, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Kind {
        /// A hotel.
        Hotel,
        Other,
    }
    #[derive(JsonSchema, serde::Serialize)]
    #[allow(dead_code)]
    struct WithKind {
        kind: Kind,
        maybe: Option<Kind>,
    }

    #[test]
    fn a_code_list_is_one_enum_with_its_meanings() {
        let s = of::<WithKind>();
        let kind = &s["properties"]["kind"];
        assert_eq!(kind["type"], "string");
        assert_eq!(kind["enum"], json!(["other", "hotel"]));
        assert!(kind["description"].as_str().unwrap().contains("hotel: A hotel."));
        assert!(!s.to_string().contains("oneOf"), "{s}");
        let maybe = &s["properties"]["maybe"]["anyOf"];
        assert_eq!(maybe[0]["enum"], json!(["other", "hotel"]), "{maybe}");
        assert_eq!(maybe[1], json!({ "type": "null" }));
        // A null among the codes' `oneOf` makes the one enum nullable.
        let mut nullable = json!({"oneOf": [{"type": "string", "const": "a"}, {"type": "null"}]});
        plain_enums(&mut nullable);
        assert_eq!(nullable, json!({"type": ["string", "null"], "enum": ["a", null]}));
        // A mix (an object among the strings) is left as it is.
        let mut mixed = json!({"oneOf": [{"type": "string", "const": "a"}, {"type": "object"}]});
        plain_enums(&mut mixed);
        assert!(mixed.get("oneOf").is_some());
    }

    #[test]
    fn a_schema_stands_alone_with_its_parts_inline() {
        let s = of::<Outer>();
        let text = s.to_string();
        assert!(!text.contains("$ref") && !text.contains("$defs") && !text.contains("$schema"));
        assert_eq!(s["properties"]["inner"]["properties"]["n"]["type"], "integer");
        assert_eq!(s["properties"]["at"]["format"], "date-time");
        assert_eq!(s["required"], json!(["inner", "maybe", "at"]));
        assert_eq!(list_of::<Inner>()["items"]["required"], json!(["n"]));
    }
}
