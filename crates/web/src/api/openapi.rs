//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, built from the route table so that it
//! cannot list a route that does not exist; `describe` must know every API route (tested).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::policy::{Policy, RouteInfo};
use crate::state::AppState;

pub(super) fn obj(props: Value, required: &[&str]) -> Value {
    json!({ "type": "object", "properties": props, "required": required })
}

fn station_body() -> Value {
    obj(
        json!({
            "street_id": { "type": ["integer", "string"] },
            "name": { "type": "string", "maxLength": 60 },
            "address": { "type": "string", "maxLength": 200 },
            "kind": { "type": "string", "enum": ["hotel", "centralized", "other"] },
            "capacity": { "type": ["integer", "string"] },
            "contact_name": { "type": "string", "maxLength": 30 },
            "contact_phone": { "type": "string" },
            "active": { "type": "boolean" }
        }),
        &["street_id", "name", "address", "kind", "capacity", "contact_name", "contact_phone"],
    )
}

fn guest_body() -> Value {
    let s = json!({"type": "string"});
    obj(
        json!({
            "doc_type": {"type":"string","enum":["id_card","hk_macau_permit","taiwan_permit","passport","hk_id","other"]},
            "doc_number": s, "name": s, "sex": {"type":"string","enum":["male","female",""]}, "birth_date": {"type":"string","description":"YYYY-MM-DD"},
            "phone": s, "phone2": s, "region": s,
            "category": {"type":"string","enum":["cross_border_driver","inbound_traveller","close_contact","secondary_contact","other"]},
            "chronic_disease": s, "pregnant": {"type":"string","enum":["true","false",""]}, "medical_notes": s,
            "employer": s, "plate_cn": s, "plate_hk": s, "exemption_status": {"type":"string","enum":["valid","suspended","revoked",""]},
            "exemption_date": s, "exemption_reason": s
        }),
        &["doc_type", "doc_number", "name", "phone", "region", "category"],
    )
}

fn enterprise_body() -> Value {
    let s = json!({"type": "string"});
    let date = json!({"type": "string", "description": "YYYY-MM-DD or blank"});
    obj(
        json!({
            "uscc": s, "name": s, "street_id": {"type": ["integer", "string"]},
            "industry": {"type":"string","enum":["manufacturing","logistics","construction","trade","catering","technology","services","other"]},
            "above_scale": {"type": ["boolean", "string"]}, "headcount": {"type": ["integer", "string"]},
            "contact_name": s, "contact_phone": s,
            "resumption": {"type":"string","enum":["not_started","applied","approved","resumed",""]},
            "applied_on": date, "approved_on": date, "resumed_on": date
        }),
        &["uscc", "name", "street_id", "industry", "headcount", "contact_name", "contact_phone"],
    )
}

fn grants() -> Value {
    json!({ "type": "array", "items": obj(json!({
        "role": { "type": "string", "enum": ["admin","commander","station_lead","station_staff","medical","counsellor","inspector","enterprise","viewer"] },
        "scope": { "type": "string", "description": "district | street:ID | station:ID | enterprise:ID" }
    }), &["role", "scope"]) })
}

/// Summary and request body of each API route; `None` for a route nobody documented.
pub fn describe(method: &str, path: &str) -> Option<(&'static str, Option<Value>)> {
    if let Some(d) = super::stay_life_doc::describe(method, path) {
        return Some(d);
    }
    Some(match (method, path) {
        ("GET", "/api/v1/session") => ("Current user and CSRF token", None),
        ("POST", "/api/v1/session") => (
            "Log in",
            Some(obj(
                json!({ "username": {"type":"string"}, "password": {"type":"string"} }),
                &["username", "password"],
            )),
        ),
        ("DELETE", "/api/v1/session") => ("Log out", None),
        ("POST", "/api/v1/account/password") => (
            "Change own password",
            Some(obj(
                json!({ "current": {"type":"string"}, "new": {"type":"string"} }),
                &["current", "new"],
            )),
        ),
        ("GET", "/api/v1/streets") => ("Streets in scope", None),
        ("GET", "/api/v1/stations") => (
            "Stations in scope, 50 a page: the total in X-Total-Count, the neighbouring pages in Link",
            None,
        ),
        ("POST", "/api/v1/stations") => ("Create a station", Some(station_body())),
        ("GET", "/api/v1/stations/{id}") => ("One station", None),
        ("PUT", "/api/v1/stations/{id}") => ("Update a station", Some(station_body())),
        ("GET", "/api/v1/stations/{id}/rooms") => ("Rooms of a station with occupancy", None),
        ("POST", "/api/v1/stations/{id}/rooms") => (
            "Create one room, or a range (floor, from, to)",
            Some(json!({ "oneOf": [
                obj(json!({ "number": {"type": ["string","integer"]}, "floor": {"type": ["string","integer"]}, "beds": {"type": ["string","integer"]}, "kind": {"type":"string","enum":["single","family","barrier_free"]}, "note": {"type":"string"} }), &["number", "floor", "beds", "kind"]),
                obj(json!({ "floor": {"type": ["string","integer"]}, "first": {"type": ["string","integer"]}, "last": {"type": ["string","integer"]}, "beds": {"type": ["string","integer"]}, "kind": {"type":"string"}, "prefix": {"type":"string"} }), &["floor", "first", "last", "beds", "kind"]),
            ]})),
        ),
        ("GET", "/api/v1/rooms/{id}") => ("One room", None),
        ("PUT", "/api/v1/rooms/{id}") => (
            "Edit a room",
            Some(obj(
                json!({ "number": {"type": ["string","integer"]}, "floor": {"type": ["string","integer"]}, "beds": {"type": ["string","integer"]}, "kind": {"type":"string"}, "note": {"type":"string"} }),
                &["number", "floor", "beds", "kind"],
            )),
        ),
        ("POST", "/api/v1/rooms/{id}/state") => (
            "Change a room's state by hand, with a reason",
            Some(obj(
                json!({ "state": {"type":"string","enum":["ready","occupied","awaiting_disinfection","disinfected","maintenance","sealed"]}, "reason": {"type":"string"} }),
                &["state", "reason"],
            )),
        ),
        ("GET", "/api/v1/policies") => ("Quarantine policies (all versions)", None),
        ("GET", "/api/v1/stations/{id}/guests") => (
            "Guests of a station, masked, 50 a page (?q=search&all=true&page=): the total in X-Total-Count, the neighbouring pages in Link",
            None,
        ),
        ("POST", "/api/v1/stations/{id}/guests") => (
            "Register a guest; 409 with the existing guest when the document is known",
            Some(guest_body()),
        ),
        ("GET", "/api/v1/guests/{id}") => ("One guest, masked", None),
        ("PUT", "/api/v1/guests/{id}") => ("Edit a guest", Some(guest_body())),
        ("POST", "/api/v1/guests/{id}/reveal") => ("The guest unmasked (audited)", None),
        ("POST", "/api/v1/guests/{id}/check-in") => (
            "Check the guest in: a ready room (or occupied with a free bed) and a policy",
            Some(obj(
                json!({ "room_id": {"type": ["integer","string"]}, "policy_id": {"type": ["integer","string"]} }),
                &["room_id", "policy_id"],
            )),
        ),
        ("GET", "/api/v1/stays/{id}") => ("A stay with its test calendar", None),
        ("POST", "/api/v1/stays/{id}/move") => (
            "Move to another room",
            Some(obj(
                json!({ "room_id": {"type": ["integer","string"]}, "reason": {"type":"string"} }),
                &["room_id", "reason"],
            )),
        ),
        ("POST", "/api/v1/stays/{id}/check-out") => (
            "End the stay; `released` only when the period is complete and every test negative",
            Some(obj(
                json!({ "outcome": {"type":"string","enum":["released","transferred_hospital","turned_back","exemption_revoked","transferred_other","other"]}, "reason": {"type":"string"} }),
                &["outcome"],
            )),
        ),
        ("POST", "/api/v1/stays/{id}/health") => (
            "Record a temperature (and symptoms) for a slot; ≥37.3 °C or a symptom opens an alert",
            Some(obj(
                json!({ "temperature": {"type": ["string","number"]}, "symptoms": {"type":"array","items":{"type":"string","enum":["fever_feeling","cough","sore_throat","fatigue","loss_of_smell_taste","diarrhoea","shortness_of_breath","other"]}}, "day": {"type":"string"}, "slot": {"type":"string","enum":["am","pm",""]}, "note": {"type":"string"} }),
                &["temperature"],
            )),
        ),
        ("GET", "/api/v1/stations/{id}/tests") => {
            ("Tests due on a day (?day=YYYY-MM-DD) and overdue ones", None)
        }
        ("POST", "/api/v1/stations/{id}/tests/results") => (
            "Results by barcode, all or none; 422 with a per-row report",
            Some(obj(
                json!({ "rows": {"type":"array","items": obj(json!({ "barcode": {"type":"string"}, "result": {"type":"string"} }), &["barcode", "result"]) } }),
                &["rows"],
            )),
        ),
        ("POST", "/api/v1/tests/{id}/sample") => (
            "Record the tube barcode of a sample",
            Some(obj(json!({ "barcode": {"type":"string"} }), &["barcode"])),
        ),
        ("POST", "/api/v1/tests/{id}/result") => (
            "Record a result; positive seals the room and opens an alert",
            Some(obj(
                json!({ "result": {"type":"string","enum":["negative","positive","invalid"]} }),
                &["result"],
            )),
        ),
        ("GET", "/api/v1/stations/{id}/attention") => {
            ("Key-attention list, most urgent first", None)
        }
        ("GET", "/api/v1/stations/{id}/releases") => {
            ("Stays due for release by tomorrow, each with what still blocks it", None)
        }
        ("GET", "/api/v1/inbox") => (
            "The notification centre: how many are unread, the newest id, and with ?after=N the newest items after N to announce",
            None,
        ),
        ("GET", "/api/v1/alerts/{id}") => (
            "An alert with its timeline (raised, each escalation level and whom it reached, acknowledged, closed) and its notifications",
            None,
        ),
        ("POST", "/api/v1/alerts/{id}/acknowledge") => {
            ("Acknowledge an alert: its escalation stops; a second time changes nothing", None)
        }
        ("POST", "/api/v1/alerts/{id}/close") => (
            "Close an alert with a note",
            Some(obj(json!({ "note": {"type":"string"} }), &["note"])),
        ),
        ("GET", "/api/v1/stations/{id}/board") => (
            "Wall-board snapshot (masked): today's figures, room grid, movements, attention, tests, KPIs, 14-day charts",
            None,
        ),
        ("GET", "/api/v1/district/board") => {
            ("District board: every station's figures grouped by street, with totals", None)
        }
        ("GET", "/api/v1/stations/{id}/kpis") => (
            "KPI counts for a period (?from=&to=, default the last 30 days) and days since the last of each",
            None,
        ),
        ("GET", "/api/v1/stations/{id}/roster") => (
            "The roster of every working group for a week (?from=YYYY-MM-DD) and who is on duty now",
            None,
        ),
        ("POST", "/api/v1/groups/{id}/roster") => (
            "Generate a group's roster; 422 lists every conflict (short-staffed shifts) and saves nothing",
            Some(obj(
                json!({ "from": {"type":"string","format":"date"}, "days": {"type": ["string","integer"]} }),
                &["days"],
            )),
        ),
        ("GET", "/api/v1/stations/{id}/disinfection") => {
            ("Routine areas (next due, overdue) and the latest disinfection records", None)
        }
        ("POST", "/api/v1/stations/{id}/disinfection") => (
            "Record a disinfection: target area:ID (routine) or room:ID (terminal; the room must await it and becomes disinfected)",
            Some(obj(
                json!({ "target": {"type":"string","example":"room:12"}, "agent": {"type":"string"}, "concentration": {"type": ["string","integer"], "description": "mg/L"}, "minutes": {"type": ["string","integer"]}, "operator": {"type":"string"}, "done_at": {"type":"string","example":"2026-01-02 08:30"} }),
                &["target", "agent", "concentration", "minutes", "operator", "done_at"],
            )),
        ),
        ("POST", "/api/v1/disinfection/{id}/verify") => (
            "Evaluate a terminal disinfection (someone other than the operator and recorder); the room becomes ready",
            None,
        ),
        ("GET", "/api/v1/stations/{id}/supplies") => {
            ("Supply items with stock; low is true at or below the item's threshold", None)
        }
        ("POST", "/api/v1/supplies/{id}/movements") => (
            "Move stock in or out; 422 (field quantity) if it would go below zero",
            Some(obj(
                json!({ "direction": {"type":"string","enum":["in","out"]}, "quantity": {"type": ["string","integer"]}, "reason": {"type":"string"} }),
                &["direction", "quantity"],
            )),
        ),
        ("GET", "/api/v1/inspections/{id}") => (
            "An inspection with its checklist and results; before an unannounced one starts, 404 to all but the inspecting side (the district's command, or the street that planned it): the inspected unit, its street's accounts and every viewer",
            None,
        ),
        ("POST", "/api/v1/inspections") => (
            "Plan an inspection of a unit in one's scope (station:ID, street:ID or enterprise:ID) with a checklist template: planned or unannounced, not in the past; 201 with it",
            Some(obj(
                json!({
                    "template_id": {"type": ["integer", "string"]},
                    "unit": {"type": "string", "description": "station:ID | street:ID | enterprise:ID"},
                    "kind": {"type": "string", "enum": ["planned", "unannounced", ""]},
                    "planned_on": {"type": "string", "description": "YYYY-MM-DD, today or later"},
                    "team": {"type": "string", "maxLength": 100}
                }),
                &["template_id", "unit", "planned_on", "team"],
            )),
        ),
        ("POST", "/api/v1/inspections/{id}/start") => (
            "The inspectors are on site: the inspection starts (an unannounced one becomes visible to the unit)",
            None,
        ),
        ("POST", "/api/v1/inspections/{id}/results") => (
            "One checklist item's result (pass, fail or na, with a note; a fail needs one); again for the same item replaces it",
            Some(obj(
                json!({
                    "item_id": {"type": ["integer", "string"]},
                    "result": {"type": "string", "enum": ["pass", "fail", "na"]},
                    "note": {"type": "string", "maxLength": 500}
                }),
                &["item_id", "result"],
            )),
        ),
        ("POST", "/api/v1/inspections/{id}/finish") => {
            ("Finish the inspection: 422 on results while an item has none", None)
        }
        ("POST", "/api/v1/inspections/{id}/rectifications") => (
            "Order the fix of a failed item of the inspection: severity, the unit's person responsible and a deadline (today or later); 201 with the order",
            Some(obj(
                json!({
                    "item_id": {"type": ["integer", "string"]},
                    "severity": {"type": "string", "enum": ["minor", "major", "critical", ""]},
                    "responsible": {"type": "string", "maxLength": 60},
                    "deadline": {"type": "string", "description": "YYYY-MM-DD"}
                }),
                &["item_id", "responsible", "deadline"],
            )),
        ),
        ("POST", "/api/v1/notices") => (
            "Draft a notice of the inspections of a period (the district's, or one street's: street_id), with the command's words; 201 with the draft and what it finds so far",
            Some(obj(
                json!({
                    "title": {"type": "string", "maxLength": 100},
                    "period_from": {"type": "string", "description": "YYYY-MM-DD, not after today"},
                    "period_to": {"type": "string", "description": "YYYY-MM-DD, not before period_from"},
                    "street_id": {"type": ["integer", "string"], "description": "blank: the whole district"},
                    "summary": {"type": "string"}
                }),
                &["title", "period_from", "period_to"],
            )),
        ),
        ("POST", "/api/v1/notices/{id}/publish") => {
            ("Publish the notice: its content is fixed as it stands now", None)
        }
        ("POST", "/api/v1/rectifications/{id}/submit") => (
            "The responsible unit reports what it did",
            Some(obj(json!({ "text": {"type": "string", "maxLength": 1000} }), &["text"])),
        ),
        ("POST", "/api/v1/rectifications/{id}/verify") => (
            "The inspectors close the order (a remark is optional) or reopen it (saying why)",
            Some(obj(
                json!({
                    "decision": {"type": "string", "enum": ["close", "reopen"]},
                    "text": {"type": "string", "maxLength": 1000}
                }),
                &["decision"],
            )),
        ),
        ("GET", "/api/v1/rectifications/{id}") => {
            ("A rectification order with its status, whether it is overdue, and its photos", None)
        }
        ("GET", "/api/v1/directives/{id}") => (
            "A directive with its attachments and receipts: every recipient for the command, the reader's own row for a unit (reading it records the reading)",
            None,
        ),
        ("GET", "/api/v1/enterprises") => (
            "A page (50) of the enterprises in the reader's scope (an enterprise account: its own), contact phones masked, with the total and how many of them resumed; search q (name or the start of the credit code), filters street, industry, resumption, above_scale=1, sort street|name|headcount|updated",
            None,
        ),
        ("GET", "/api/v1/enterprises/{id}") => (
            "One enterprise with its resumption status and dates and the command's last review (decision, reason, who, when); 404 outside the reader's scope",
            None,
        ),
        ("PUT", "/api/v1/enterprises/{id}") => (
            "Edit an enterprise. The command may also correct the resumption status and dates; an enterprise's own account may not change them (blank keeps them, another value is a 422 naming the field and nothing is saved)",
            Some(enterprise_body()),
        ),
        ("POST", "/api/v1/enterprises/{id}/apply") => (
            "The enterprise's own account applies to resume (not_started → applied); 422 (field plan) until the prevention plan is filed, 409 (field resumption) from any other status",
            None,
        ),
        ("POST", "/api/v1/enterprises/{id}/review") => (
            "A commander of the enterprise's street or the district approves (applied → approved) or rejects (applied → not_started, the reason kept and shown to the enterprise); the reason is required; of two reviews at once one lands, the other is a 409 (field resumption)",
            Some(obj(
                json!({ "decision": {"type":"string","enum":["approve","reject"]}, "reason": {"type":"string","maxLength":500} }),
                &["decision", "reason"],
            )),
        ),
        ("POST", "/api/v1/enterprises/{id}/resumed") => (
            "Approved → resumed: reported by the enterprise's own account or recorded by its command; 409 (field resumption) from any other status",
            None,
        ),
        ("GET", "/api/v1/workers") => (
            "Returning workers in the reader's scope, 100 a page (page=), search q (a full ID number, a phone, or the start of a name), filters status and province; ID numbers and phones masked",
            None,
        ),
        ("GET", "/api/v1/indicators") => (
            "An economic indicator's twelve months of a year (indicator=, year=; default the first indicator and its newest year): value, target, % of target, same month last year, YoY %, year to date and its YoY, the trough where growth turns up; amounts in the unit (100 million yuan)",
            None,
        ),
        ("GET", "/api/v1/workers/{id}") => {
            ("One returning worker (masked); 404 outside the reader's scope", None)
        }
        ("POST", "/api/v1/transports/{id}/manifest") => (
            "Put a returning worker on the lowest free seat of a train or bus; 201 with the seat, 422 (field worker_id) when full or already on board",
            Some(obj(json!({ "worker_id": {"type": ["string","integer"]} }), &["worker_id"])),
        ),
        ("GET", "/api/v1/notices/{id}") => (
            "A notice with its content: units by severity and the findings; frozen once published, live while a draft (command only)",
            None,
        ),
        ("GET", "/api/v1/reports/{day}") => (
            "The archived daily report of a day (YYYY-MM-DD): per-station figures and the district's sum, with what is missing as codes (missing) and as text in the caller's language (missing_text; the language set with POST /lang); 404 if none was made",
            None,
        ),
        ("GET", "/api/v1/stays/{id}/counselling") => {
            ("Counselling sessions of a stay with their notes (counsellors only)", None)
        }
        ("POST", "/api/v1/stays/{id}/counselling") => (
            "Record a counselling session; a high risk puts the guest in key attention",
            Some(obj(
                json!({ "held_at": {"type":"string","example":"2026-01-02 09:00"}, "minutes": {"type": ["string","integer"]}, "risk": {"type":"string","enum":["low","medium","high"]}, "notes": {"type":"string"} }),
                &["held_at", "minutes", "risk", "notes"],
            )),
        ),
        ("GET", "/api/v1/stations/{id}/incidents") => {
            ("Incidents and complaints of a station (complainants masked)", None)
        }
        ("POST", "/api/v1/stations/{id}/incidents") => (
            "Record an incident (accident, security, fire, escape attempt, other)",
            Some(obj(
                json!({ "kind": {"type":"string","enum":["accident","security","fire","escape_attempt","other"]}, "occurred_at": {"type":"string"}, "place": {"type":"string"}, "description": {"type":"string"}, "injured": {"type": ["string","integer"]}, "action_taken": {"type":"string"} }),
                &["kind", "occurred_at", "place", "description"],
            )),
        ),
        ("POST", "/api/v1/stations/{id}/complaints") => (
            "Record a complaint from a guest or relative",
            Some(obj(
                json!({ "source": {"type":"string","enum":["guest","relative","other"]}, "complainant": {"type":"string"}, "topic": {"type":"string"}, "detail": {"type":"string"}, "stay_id": {"type": ["string","integer"]} }),
                &["source", "complainant", "topic", "detail"],
            )),
        ),
        ("GET", "/api/v1/users") => (
            "All accounts (admin), 50 a page: the total in X-Total-Count, the neighbouring pages in Link",
            None,
        ),

        ("POST", "/api/v1/users") => (
            "Create an account; returns a person's one-time password, or none for a system's account (service: true), which calls the API with tokens",
            Some(obj(
                json!({ "username": {"type":"string"}, "display_name": {"type":"string"}, "grants": grants(), "service": {"type":"boolean"} }),
                &["username", "display_name", "grants"],
            )),
        ),
        ("GET", "/api/v1/users/{id}/tokens") => (
            "A system account's API tokens, the newest first (no secrets: only their first characters)",
            None,
        ),
        ("POST", "/api/v1/users/{id}/tokens") => (
            "Issue an API token to a system account; the secret is in the answer this once",
            Some(obj(
                json!({ "label": {"type":"string","maxLength":60}, "days": {"type":["integer","string"], "description": "1–365, default 90"}, "calls_per_minute": {"type":["integer","string"], "description": "1–100000, default 600"} }),
                &["label"],
            )),
        ),
        ("POST", "/api/v1/users/{id}/tokens/revoke") => (
            "Revoke one of the account's API tokens at once",
            Some(obj(json!({ "token": {"type":"integer","minimum":1} }), &["token"])),
        ),
        ("GET", "/api/v1/users/{id}/hook") => (
            "The system account's change hook: the last sequence number its receiver took, failed tries, the next try, the last error (no address, no secret); null when it has none",
            None,
        ),
        ("PUT", "/api/v1/users/{id}/hook") => (
            "Push the change feed to a system account's address (the account must read the whole district): from now on each page of changes is POSTed as {delivery, events, next_after}, signed X-Yizhan-Signature: t=UNIX,v1=hex HMAC-SHA256 of \"UNIX.\" + body under the secret, which is in the answer this once; a page is sent until the receiver answers 2xx, pages in order",
            Some(obj(json!({ "url": {"type":"string","maxLength":1000} }), &["url"])),
        ),
        ("DELETE", "/api/v1/users/{id}/hook") => ("Stop pushing changes to the account", None),
        ("GET", "/api/v1/users/{id}") => ("One account (admin)", None),
        ("PUT", "/api/v1/users/{id}") => (
            "Update an account's name, status and roles",
            Some(obj(
                json!({ "display_name": {"type":"string"}, "active": {"type":"boolean"}, "grants": grants() }),
                &["display_name", "active", "grants"],
            )),
        ),
        ("GET", "/api/v1/audit") => (
            "Audit entries, 50 a page from the newest (before=SEQ for older ones, next_before says where the next page starts), q to search who, the start of the action or the object; verify=1 adds the chain's verdict (admin)",
            None,
        ),
        ("GET", "/api/v1/events") => (
            "The change feed, oldest first: that an object changed (seq, at, action, object_type, object_id; never who or what values: read the object through its operation). Start at after=0, then ask with after=next_after; more=true means ask again at once. Sign-ins, reveals, unmasked exports, passwords, tokens and counselling are not in it. An account that reads the whole district's guests gets every change; a station's or a street's, the changes about its stations (from the version that records an entry's station on)",
            None,
        ),
        ("GET", "/api/v1/openapi.json") => ("This document", None),
        _ => return None,
    })
}

/// The status of a success: 201 where something is recorded, 204 where nothing is returned.
fn success(method: &str, path: &str) -> &'static str {
    match (method, path) {
        ("DELETE", "/api/v1/session")
        | ("POST", "/api/v1/account/password")
        | ("POST", "/api/v1/cases/{id}/steps")
        | ("POST", "/api/v1/home-monitoring/{id}/follow-ups")
        | ("POST", "/api/v1/transfers/{id}/refuse")
        | ("POST", "/api/v1/transfers/{id}/redirect")
        | ("POST", "/api/v1/arrivals/{id}/assign")
        | ("POST", "/api/v1/arrivals/{id}/cancel")
        | ("POST", "/api/v1/requests/{id}")
        | ("DELETE", "/api/v1/users/{id}/hook") => "204",
        ("POST", "/api/v1/stations")
        | ("POST", "/api/v1/inspections")
        | ("POST", "/api/v1/inspections/{id}/rectifications")
        | ("POST", "/api/v1/notices")
        | ("POST", "/api/v1/users")
        | ("POST", "/api/v1/users/{id}/tokens")
        | ("POST", "/api/v1/stations/{id}/rooms")
        | ("POST", "/api/v1/stations/{id}/guests")
        | ("POST", "/api/v1/guests/{id}/check-in")
        | ("POST", "/api/v1/arrivals/{id}/check-in")
        | ("POST", "/api/v1/transports/{id}/manifest")
        | ("POST", "/api/v1/stays/{id}/counselling")
        | ("POST", "/api/v1/stations/{id}/incidents")
        | ("POST", "/api/v1/stations/{id}/complaints")
        | ("POST", "/api/v1/stations/{id}/disinfection")
        | ("POST", "/api/v1/stays/{id}/transfer")
        | ("POST", "/api/v1/transfers/{id}/accept")
        | ("POST", "/api/v1/stays/{id}/trips")
        | ("POST", "/api/v1/cases/{id}/measures")
        | ("POST", "/api/v1/alerts/{id}/escalate") => "201",
        _ => "200",
    }
}

/// The query parameters an API route reads (all optional), with what the server accepts.
fn query(method: &str, path: &str) -> Vec<Value> {
    // Every one may also be empty: blank is the default, as a form's blank field.
    let blank_or =
        |schema: Value| json!({ "anyOf": [schema, { "type": "string", "maxLength": 0 }] });
    let date = blank_or(json!({ "type": "string", "format": "date" }));
    let text = json!({ "type": "string", "maxLength": crate::kit::extract::MAX_QUERY_VALUE });
    let page = (
        "page",
        blank_or(json!({ "type": "integer", "minimum": 1, "maximum": 1_000_000 })),
        "50 a page; the total is in X-Total-Count",
    );
    // A column to sort by, or -column for the other way round.
    let sort = |keys: &[&str]| {
        let all: Vec<String> = keys.iter().flat_map(|k| [k.to_string(), format!("-{k}")]).collect();
        blank_or(json!({ "type": "string", "enum": all }))
    };
    let list: Vec<(&str, Value, &str)> = match (method, path) {
        ("GET", "/api/v1/stations") => vec![
            page.clone(),
            ("q", text.clone(), "every word in the name, address, contact or street"),
            ("sort", sort(&["name", "street", "capacity"]), "the order, default the register's"),
        ],
        ("GET", "/api/v1/users") => vec![
            page.clone(),
            ("q", text.clone(), "every word in the username or name"),
            ("sort", sort(&["username", "display_name"]), "the order, default by username"),
        ],
        ("GET", "/api/v1/stations/{id}/guests") => vec![
            page.clone(),
            ("q", text, "name, document or room number"),
            (
                "all",
                blank_or(
                    json!({ "type": "string", "enum": ["true", "false", "1", "0", "on", "off"] }),
                ),
                "also guests who have left",
            ),
        ],
        ("GET", "/api/v1/stations/{id}/tests") => vec![("day", date, "default today")],
        ("GET", "/api/v1/stations/{id}/kpis") => {
            vec![("from", date.clone(), "default 30 days ago"), ("to", date, "default today")]
        }
        ("GET", "/api/v1/stations/{id}/roster") => {
            vec![("from", date, "first of the seven days shown, default today")]
        }
        ("GET", "/api/v1/audit") => vec![
            ("q", text.clone(), "who, the start of the action (guest.) or the object's kind or id"),
            (
                "before",
                blank_or(json!({ "type": "integer", "minimum": 1 })),
                "entries before this sequence number",
            ),
            ("verify", text.clone(), "1: verify the whole chain"),
        ],
        ("GET", "/api/v1/events") => vec![
            (
                "after",
                blank_or(json!({ "type": "integer", "minimum": 0 })),
                "the last sequence number you have (next_after of the previous page), default 0",
            ),
            (
                "limit",
                blank_or(json!({ "type": "integer", "minimum": 1, "maximum": 500 })),
                "at most this many events, default 100",
            ),
        ],
        ("GET", "/api/v1/enterprises") => vec![
            (
                "page",
                blank_or(json!({ "type": "integer", "minimum": 1, "maximum": 1_000_000 })),
                "50 enterprises a page",
            ),
            ("q", text.clone(), "part of the name, or the start of the credit code"),
            ("street", blank_or(json!({ "type": "integer", "minimum": 1 })), "a street id"),
            (
                "industry",
                blank_or(
                    json!({ "type": "string", "enum": yizhan_core::work::enterprise::Industry::ALL.iter().map(|i| i.as_str()).collect::<Vec<_>>() }),
                ),
                "an industry",
            ),
            (
                "resumption",
                blank_or(
                    json!({ "type": "string", "enum": ["not_started", "applied", "approved", "resumed"] }),
                ),
                "a resumption status",
            ),
            ("above_scale", text.clone(), "1: above-scale enterprises only"),
            (
                "sort",
                blank_or(
                    json!({ "type": "string", "enum": ["street", "name", "headcount", "updated"] }),
                ),
                "the order, default street",
            ),
        ],
        ("GET", "/api/v1/workers") => vec![
            (
                "page",
                blank_or(json!({ "type": "integer", "minimum": 1, "maximum": 1_000_000 })),
                "100 workers a page",
            ),
            ("q", text.clone(), "a full ID number, a phone number, or the start of a name"),
            ("status", text.clone(), "a worker status"),
            ("province", text, "a home province"),
            (
                "after",
                blank_or(json!({ "type": "integer", "minimum": 0 })),
                "the next_after of the page before: the page starts after that id (fast at any depth)",
            ),
        ],
        ("GET", "/api/v1/indicators") => vec![
            (
                "indicator",
                blank_or(
                    json!({ "type": "string", "enum": ["industrial_added_value", "import_export", "exports", "retail_sales", "fixed_investment"] }),
                ),
                "default the first",
            ),
            (
                "year",
                blank_or(json!({ "type": "integer", "minimum": 2000 })),
                "up to this year; default the newest with figures",
            ),
        ],
        _ => vec![],
    };
    list.into_iter()
        .map(|(name, schema, description)| {
            json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": description })
        })
        .collect()
}

/// A path parameter: `{id}` is a positive integer, `{day}` a date.
fn path_param(name: &str) -> Value {
    let schema = match name {
        "day" => json!({ "type": "string", "format": "date" }),
        _ => json!({ "type": "integer", "minimum": 1 }),
    };
    json!({ "name": name, "in": "path", "required": true, "schema": schema })
}

pub fn document(routes: &[RouteInfo]) -> Value {
    let error = json!({ "description": "Error", "content": { "application/json": { "schema": {
        "type": "object", "properties": { "error": obj(json!({
            "code": {"type":"string"}, "message": {"type":"string"}, "field": {"type":"string"},
            "errors": {"type":"array", "description": "every refused field of a 422 at once",
                "items": obj(json!({
                    "field": {"type":["string","null"]}, "message": {"type":"string"}
                }), &["message"])}
        }), &["code", "message"]) }, "required": ["error"] } } } });
    let mut paths = serde_json::Map::new();
    for r in routes.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let Some((summary, body)) = describe(r.method, r.path) else {
            continue;
        };
        let status = success(r.method, r.path);
        let mut ok = json!({ "description": "OK" });
        if let Some(schema) = super::answers::of_operation(r.method, r.path) {
            ok["content"] = json!({ "application/json": { "schema": schema } });
            if summary.contains("X-Total-Count") {
                ok["headers"] = json!({
                    "X-Total-Count": { "description": "rows in the whole list", "schema": { "type": "integer", "minimum": 0 } },
                    "Link": { "description": "the neighbouring pages: <URL>; rel=\"next\", <URL>; rel=\"prev\"", "schema": { "type": "string" } },
                });
            }
        }
        let mut op = json!({
            "summary": summary,
            "responses": { status: ok, "4XX": error.clone() },
        });
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(path_param)
            .chain(query(r.method, r.path))
            .collect();
        let signed_in = !matches!(r.policy, Policy::Public | Policy::Board);
        let writes = r.method != "GET";
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        // Every signed-in write takes an optional Idempotency-Key (`api::idempotency`).
        if signed_in && writes {
            let key = json!({ "name": "Idempotency-Key", "in": "header", "required": false,
                "schema": { "type": "string", "minLength": 1, "maxLength": 255 },
                "description": "1–255 visible ASCII characters. A retry with the same key and body within 24 h gets the first answer again (header Idempotent-Replayed: true) and changes nothing; the same key with another request is a 422, while the first still runs a 409 (taken over after 5 minutes without an answer)." });
            match op.get_mut("parameters").and_then(Value::as_array_mut) {
                Some(list) => list.push(key),
                None => op["parameters"] = json!([key]),
            }
        }
        if let Some(b) = body {
            op["requestBody"] =
                json!({ "required": true, "content": { "application/json": { "schema": b } } });
        }
        // A system account's token; or the session cookie, and on every state-changing request
        // the CSRF token of the session; before login (the login itself), the anonymous token
        // and the cookie it goes with.
        match (signed_in, writes) {
            (true, true) => {
                op["security"] = json!([{ "token": [] }, { "session": [], "csrf": [] }])
            }
            (true, false) => op["security"] = json!([{ "token": [] }, { "session": [] }]),
            (false, true) => op["security"] = json!([{ "anonymous": [], "login_csrf": [] }]),
            (false, false) => {}
        }
        paths
            .entry(r.path.to_owned())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .map(|m| m.insert(r.method.to_lowercase(), op));
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Yizhan API", "version": "1", "description": "Health stations, district command and return-to-work" },
        "components": { "securitySchemes": {
            "token": { "type": "http", "scheme": "bearer", "description": "A system account's API token (issued by an administrator, shown once); no CSRF token with it" },
            "session": { "type": "apiKey", "in": "cookie", "name": "yz_session", "description": "Set by the login" },
            "csrf": { "type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "The session's token: `csrf_token` of the login or of GET /api/v1/session" },
            "anonymous": { "type": "apiKey", "in": "cookie", "name": "yz_csrf", "description": "Set by GET /api/v1/session without a session" },
            "login_csrf": { "type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "The anonymous token: `csrf_token` of GET /api/v1/session without a session" },
        } },
        "paths": paths,
    })
}

pub async fn serve(State(state): State<AppState>) -> Json<Value> {
    Json(document(&state.routes))
}
