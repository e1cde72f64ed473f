//! The OpenAPI document describes what each operation answers (issue 22, item 2), and the suite
//! holds every answer to it (`common::conformance`).

use axum::http::{Method, StatusCode};
use yizhan_store::Backend;
use yizhan_store::testing::TestDb;

use crate::common::conformance;

#[tokio::test]
async fn every_answer_with_a_body_has_its_schema() {
    let t = TestDb::new(Backend::Sqlite).await;
    let (_, routes) = yizhan_web::build(t.db.clone(), Default::default());
    let doc = yizhan_web::api::openapi::document(&routes);
    // A tuple's `prefixItems` is valid JSON Schema 2020-12, but schemathesis 4.32 refuses the
    // whole operation for it: pairs are said as arrays of two.
    assert!(!doc.to_string().contains("prefixItems"));
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let (status, ok) = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(s, _)| s.starts_with('2'))
                .expect("a success answer");
            if status == "204" {
                assert!(ok.get("content").is_none(), "{method} {path}: 204 with a body");
                continue;
            }
            match ok["content"]["application/json"]["schema"].as_object() {
                Some(schema) => assert!(!schema.is_empty(), "{method} {path}: empty schema"),
                None => missing.push(format!("{} {path}", method.to_uppercase())),
            }
        }
    }
    assert!(missing.is_empty(), "operations without a schema of their answer: {missing:?}");
}

#[tokio::test]
async fn an_answer_that_drifts_from_its_schema_is_caught() {
    let t = TestDb::new(Backend::Sqlite).await;
    let (_, routes) = yizhan_web::build(t.db.clone(), Default::default());
    let check = |path: &'static str, status: StatusCode, body: &'static str| {
        let routes = routes.clone();
        std::panic::catch_unwind(move || {
            conformance::check(&routes, &Method::GET, path, status, body.as_bytes())
        })
        .is_ok()
    };
    let good = r#"{"seq":7,"at":"2026-12-07T10:00:00Z","action":"stay.check_in","object_type":"stay","object_id":"3"}"#;
    let page = |events: &str, more: &str| {
        format!(r#"{{"events":[{events}],"next_after":7,"more":{more}}}"#)
    };
    let ok: &'static str = Box::leak(page(good, "false").into_boxed_str());
    let wrong_type: &'static str = Box::leak(page(good, "\"no\"").into_boxed_str());
    let missing: &'static str =
        Box::leak(page(r#"{"seq":7,"action":"stay.check_in"}"#, "false").into_boxed_str());
    assert!(check("/api/v1/events?after=0", StatusCode::OK, ok));
    assert!(!check("/api/v1/events?after=0", StatusCode::OK, wrong_type), "a string for a bool");
    assert!(!check("/api/v1/events", StatusCode::OK, missing), "required fields missing");
    // An error answer is held to the error shape.
    assert!(check(
        "/api/v1/events",
        StatusCode::UNPROCESSABLE_ENTITY,
        r#"{"error":{"code":"invalid","message":"after: 0 or more"}}"#
    ));
    assert!(!check("/api/v1/events", StatusCode::FORBIDDEN, r#"{"message":"no"}"#));
}
