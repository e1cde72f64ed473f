//! The OpenAPI words for a stay's life beyond its room (issue 19): the period, transfers between
//! stations, drivers' runs, positive cases, their exposure measures and home monitoring.

use serde_json::{Value, json};

use super::openapi::obj;

pub fn describe(method: &str, path: &str) -> Option<(&'static str, Option<Value>)> {
    Some(match (method, path) {
        ("POST", "/api/v1/stays/{id}/period") => (
            "Extend or shorten the centralized period (days from check-in); the test calendar is recomputed and the old one kept",
            Some(obj(
                json!({ "days": {"type": ["integer","string"]}, "reason": {"type":"string"} }),
                &["days", "reason"],
            )),
        ),
        ("POST", "/api/v1/stays/{id}/transfer") => (
            "Transfer to another station (`station_id`) or to any station of the district (`\"any\"`): the stay ends and the guest is in transit until a station accepts",
            Some(obj(
                json!({ "station_id": {"type": ["integer","string"]}, "reason": {"type":"string"} }),
                &["station_id", "reason"],
            )),
        ),
        ("GET", "/api/v1/stations/{id}/transfers/incoming") => (
            "Guests in transit to this station (or to any station), masked, the oldest first",
            None,
        ),
        ("POST", "/api/v1/transfers/{id}/accept") => (
            "Accept a guest in transit into a room of the receiving station: the stay opened for the rest of the period; 422 when another station took them first",
            Some(obj(json!({ "room_id": {"type": ["integer","string"]} }), &["room_id"])),
        ),
        ("POST", "/api/v1/transfers/{id}/refuse") => (
            "The station a guest in transit is addressed to refuses them, saying why: the transfer goes back to the command (any station), the sending station and the command are told",
            Some(obj(json!({ "reason": {"type":"string"} }), &["reason"])),
        ),
        ("GET", "/api/v1/transfers") => (
            "Every guest in transit in the district (the command's dispatch), masked, the oldest first, each with its way so far: refusals and allocations",
            None,
        ),
        ("POST", "/api/v1/transfers/{id}/redirect") => (
            "The command addresses a guest in transit to a station (or back to any): not the sending station, nor one that refused them; the station is told",
            Some(obj(
                json!({ "station_id": {"type": ["integer","string"]}, "reason": {"type":"string"} }),
                &["station_id", "reason"],
            )),
        ),
        ("GET", "/api/v1/arrivals") => (
            "Planned arrivals of the district (intake), masked, the soonest first; state (planned, allocated, arrived, cancelled), day and q (name, document's last 4, party, port) filter; paged",
            None,
        ),
        ("GET", "/api/v1/arrivals/proposal") => (
            "The proposed station for each arrival waiting for one (free beds, categories each station takes, parties kept together) and why the rest cannot be placed; its fingerprint confirms it",
            None,
        ),
        ("POST", "/api/v1/arrivals/allocate") => (
            "Confirm the proposal whose fingerprint was read: all or nothing; 422 when it changed meanwhile or a station no longer has the beds",
            Some(obj(json!({ "fingerprint": {"type":"string"} }), &["fingerprint"])),
        ),
        ("POST", "/api/v1/arrivals/{id}/assign") => (
            "Move an arrival, with its party, to a station that takes them and has the beds",
            Some(obj(json!({ "station_id": {"type": ["integer","string"]} }), &["station_id"])),
        ),
        ("POST", "/api/v1/arrivals/{id}/cancel") => (
            "Take an arrival off the list (not yet checked in), saying why",
            Some(obj(json!({ "reason": {"type":"string"} }), &["reason"])),
        ),
        ("POST", "/api/v1/arrivals/{id}/check-in") => (
            "Check an expected arrival in at its station, into a room of it: the guest registered from the list, the stay opened under the arrival's policy; 201 with stay_id and guest_id",
            Some(obj(json!({ "room_id": {"type": ["integer","string"]} }), &["room_id"])),
        ),
        ("GET", "/api/v1/stations/{id}/arrivals") => (
            "A station's planned arrivals (state filter; allocated: still to come), masked, paged",
            None,
        ),
        ("GET", "/api/v1/stations/{id}/requests") => (
            "Guests' requests of a station, open ones by deadline (all=1: answered ones too), each with its working group and whether it is late; the guest masked; paged",
            None,
        ),
        ("POST", "/api/v1/requests/{id}") => (
            "Take a guest's request in hand (in_progress) or close it (done, with the answer the guest sees); 422 when it was answered meanwhile",
            Some(obj(
                json!({ "state": {"type":"string","enum":["in_progress","done"]}, "answer": {"type":"string"} }),
                &["state"],
            )),
        ),
        ("GET", "/api/v1/cases") => (
            "Positive cases one may see, open first, each step with its deadline, done or overdue",
            None,
        ),
        ("POST", "/api/v1/cases/{id}/steps") => (
            "A step of a case done: report (reported_to), confirm (result), transfer (vehicle, escort, hospital, handover_at, receiver), disinfect, unseal; each once",
            Some(obj(
                json!({ "step": {"type":"string","enum":["report","confirm","transfer","disinfect","unseal"]}, "reported_to": {"type":"string"}, "result": {"type":"string","enum":["positive","negative"]}, "vehicle": {"type":"string"}, "escort": {"type":"string"}, "hospital": {"type":"string"}, "handover_at": {"type":"string"}, "receiver": {"type":"string"}, "note": {"type":"string"} }),
                &["step"],
            )),
        ),
        ("POST", "/api/v1/alerts/{id}/escalate") => (
            "Escalate a fever alert to a suspected case (the medical officer's call): the case opened with its timed steps, the room sealed, the command told; 201 with case_id, 422 for another kind of alert or a stay with a case",
            None,
        ),
        ("GET", "/api/v1/cases/{id}/measures") => (
            "Measures ordered for the people on a case's exposure list, oldest first, with what each did",
            None,
        ),
        ("POST", "/api/v1/cases/{id}/measures") => (
            "A measure for a person on the exposure list: a guest (extend with days and note, test_now, test_daily, move_room with room_id) or a staff member (home_quarantine with days, off the roster); every refusal at once",
            Some(obj(
                json!({ "kind": {"type":"string","enum":["guest","staff"]}, "person_id": {"type": ["integer","string"]}, "action": {"type":"string","enum":["extend","test_now","test_daily","move_room","home_quarantine"]}, "days": {"type": ["integer","string"]}, "room_id": {"type": ["integer","string"]}, "note": {"type":"string"} }),
                &["kind", "person_id", "action"],
            )),
        ),
        ("POST", "/api/v1/stays/{id}/trips") => (
            "A cross-border driver out on a run: plate, port, destination, back within 1–72 hours; one run out at a time",
            Some(obj(
                json!({ "plate": {"type":"string"}, "port": {"type":"string"}, "destination": {"type":"string"}, "hours": {"type": ["integer","string"]} }),
                &["plate", "port", "destination", "hours"],
            )),
        ),
        ("POST", "/api/v1/trips/{id}/back") => ("The driver is back from the run", None),
        ("GET", "/api/v1/home-monitoring") => (
            "People under home health monitoring in one's streets, masked, 50 a page (?q=&closed=1&page=): today's follow-up and the missed days; the total in X-Total-Count",
            None,
        ),
        ("POST", "/api/v1/home-monitoring/{id}/follow-ups") => (
            "Today's follow-up (a second one today replaces the first): reached with a temperature, symptoms and a test, or not reached with a note; a fever, symptoms or a positive is told at once",
            Some(obj(
                json!({ "reached": {"type":"boolean"}, "temperature": {"type": ["string","number"]}, "symptoms": {"type":"array","items":{"type":"string","enum":["fever_feeling","cough","sore_throat","fatigue","loss_of_smell_taste","diarrhoea","shortness_of_breath","other"]}}, "test": {"type":"string","enum":["","negative","pending","positive"]}, "note": {"type":"string"} }),
                &["reached"],
            )),
        ),
        _ => return None,
    })
}
