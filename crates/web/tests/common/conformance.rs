//! Every JSON answer of `/api/v1` a test receives is checked against the OpenAPI document the
//! server publishes: the success answer against its operation's schema (generated from the
//! handler's type), an error against the error shape. So the whole suite keeps the document
//! true, and a handler whose answer drifts from its described type fails the test that called it.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use axum::http::{Method, StatusCode};
use serde_json::Value;
use yizhan_web::policy::RouteInfo;

struct Operation {
    method: String,
    template: Vec<String>,
    responses: Value,
}

struct Document {
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

fn document(routes: &[RouteInfo]) -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc = yizhan_web::api::openapi::document(routes);
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                operations.push(Operation {
                    method: method.to_uppercase(),
                    template: path.split('/').map(str::to_owned).collect(),
                    responses: op["responses"].clone(),
                });
            }
        }
        Document { operations, validators: Mutex::new(HashMap::new()) }
    })
}

/// The operation `method path` is an instance of: the template of the same length whose literal
/// segments all match, the one with most literal segments when several do.
fn operation<'d>(doc: &'d Document, method: &Method, path: &str) -> Option<&'d Operation> {
    let segments: Vec<&str> = path.split('?').next().unwrap_or("").split('/').collect();
    doc.operations
        .iter()
        .filter(|o| o.method == method.as_str() && o.template.len() == segments.len())
        .filter(|o| o.template.iter().zip(&segments).all(|(t, s)| t.starts_with('{') || t == s))
        .max_by_key(|o| o.template.iter().filter(|t| !t.starts_with('{')).count())
}

/// Panics, naming the operation and what does not match, when `body` (JSON) is not what the
/// document says `method path` answers with `status`.
pub fn check(routes: &[RouteInfo], method: &Method, path: &str, status: StatusCode, body: &[u8]) {
    if !path.starts_with("/api/v1/") {
        return;
    }
    let doc = document(routes);
    let Some(op) = operation(doc, method, path) else {
        return;
    };
    let range = format!("{}XX", status.as_u16() / 100);
    let key = status.as_str();
    let Some(schema) = op.responses[key]
        .get("content")
        .or_else(|| op.responses[&range].get("content"))
        .map(|c| c["application/json"]["schema"].clone())
    else {
        return;
    };
    let name = format!("{} {} {}", op.method, op.template.join("/"), status.as_u16());
    let validator = doc
        .validators
        .lock()
        .unwrap()
        .entry(name.clone())
        .or_insert_with(|| {
            std::sync::Arc::new(
                jsonschema::draft202012::new(&schema)
                    .unwrap_or_else(|e| panic!("{name}: the document's schema is not valid: {e}")),
            )
        })
        .clone();
    let value: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{name} ({path}): the answer is not JSON ({e})"));
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("at {}: {}", e.instance_path(), e))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "{name} ({path}) answered other than its schema in the OpenAPI document says:\n{}\n{}",
        errors.join("\n"),
        String::from_utf8_lossy(body).chars().take(2000).collect::<String>()
    );
}
