//! What each API operation answers on success: the schema of the Rust type its handler
//! serialises. Every JSON answer the tests receive is checked against it (`tests/common`), so a
//! schema that drifts from its handler fails the suite.

use serde_json::{Value, json};

use super::schema::{list_of, of, or_null};
use crate::admin::account::json as account;
use crate::admin::users::{hooks, json as users, tokens};
use crate::board::{district, snapshot};
use crate::care::{disinfection, incidents, roster, supplies};
use crate::command::{directives, inspections, notices, rectifications, reports};
use crate::notify::inbox;
use crate::station::{alerts, attention, health, kpis, releases, stays, transfers};
use crate::station::{
    arrival_check_in, arrivals, cases, exposure_measures, guest_requests, home_monitoring,
    transfer_dispatch,
};
use crate::work::{enterprises, indicators, returning_workers};
use yizhan_store::admin::api_tokens::ApiToken;
use yizhan_store::admin::event_hooks::EventHook;
use yizhan_store::admin::events::Page;
use yizhan_store::station::policies::PolicyRow;
use yizhan_store::station::rooms::Room;
use yizhan_store::station::sampling::DueTest;
use yizhan_store::station::stations::{Station, Street};
use yizhan_store::station::trips::Trip;

/// The schema of the success answer of `method path`; `None` when it has no body (204) or is
/// not described yet.
pub fn of_operation(method: &str, path: &str) -> Option<Value> {
    Some(match (method, path) {
        ("GET", "/api/v1/openapi.json") => json!({
            "type": "object", "description": "This document: OpenAPI 3.1",
            "required": ["openapi", "info", "paths"],
        }),
        ("GET", "/api/v1/session") => of::<account::SessionAnswer>(),
        ("POST", "/api/v1/session") => of::<account::SignedIn>(),
        ("GET", "/api/v1/inbox") => of::<inbox::Unread>(),
        ("GET", "/api/v1/users") => list_of::<users::UserView>(),
        ("POST", "/api/v1/users") => of::<users::Created>(),
        ("GET" | "PUT", "/api/v1/users/{id}") => of::<users::UserView>(),
        ("GET", "/api/v1/users/{id}/tokens") => list_of::<ApiToken>(),
        ("POST", "/api/v1/users/{id}/tokens") => of::<tokens::Issued>(),
        ("POST", "/api/v1/users/{id}/tokens/revoke") => of::<ApiToken>(),
        ("GET", "/api/v1/users/{id}/hook") => or_null::<EventHook>(),
        ("PUT", "/api/v1/users/{id}/hook") => of::<hooks::SetHook>(),
        ("GET", "/api/v1/audit") => of::<users::AuditPage>(),
        ("GET", "/api/v1/events") => of::<Page>(),
        ("GET", "/api/v1/stations/{id}/board") => of::<snapshot::Snapshot>(),
        ("GET", "/api/v1/district/board") => of::<district::DistrictSnapshot>(),
        ("GET", "/api/v1/streets") => list_of::<Street>(),
        ("GET", "/api/v1/stations") => list_of::<Station>(),
        ("POST", "/api/v1/stations") | ("GET" | "PUT", "/api/v1/stations/{id}") => of::<Station>(),
        ("GET" | "POST", "/api/v1/stations/{id}/rooms") => list_of::<Room>(),
        ("GET" | "PUT", "/api/v1/rooms/{id}") | ("POST", "/api/v1/rooms/{id}/state") => {
            of::<Room>()
        }
        ("GET", "/api/v1/policies") => list_of::<PolicyRow>(),
        ("GET", "/api/v1/stations/{id}/guests") => list_of::<crate::station::guests::GuestView>(),
        ("POST", "/api/v1/stations/{id}/guests")
        | ("GET" | "PUT", "/api/v1/guests/{id}")
        | ("POST", "/api/v1/guests/{id}/reveal") => of::<crate::station::guests::GuestView>(),
        ("POST", "/api/v1/guests/{id}/check-in")
        | ("GET", "/api/v1/stays/{id}")
        | ("POST", "/api/v1/stays/{id}/move")
        | ("POST", "/api/v1/stays/{id}/period")
        | ("POST", "/api/v1/stays/{id}/check-out")
        | ("POST", "/api/v1/transfers/{id}/accept") => of::<stays::json::StayView>(),
        ("POST", "/api/v1/stays/{id}/transfer") => of::<transfers::ApiTransfer>(),
        ("GET", "/api/v1/stations/{id}/transfers/incoming") => list_of::<transfers::ApiTransfer>(),
        ("POST", "/api/v1/stays/{id}/health") => of::<health::json::Recorded>(),
        ("GET", "/api/v1/stations/{id}/tests") => list_of::<DueTest>(),
        ("POST", "/api/v1/stations/{id}/tests/results") => of::<health::json::Imported>(),
        ("POST", "/api/v1/tests/{id}/sample" | "/api/v1/tests/{id}/result") => {
            of::<yizhan_store::station::stays::StayTest>()
        }
        ("GET", "/api/v1/stations/{id}/attention") => list_of::<attention::AttentionRow>(),
        ("GET", "/api/v1/stations/{id}/releases") => list_of::<releases::ApiDue>(),
        ("POST", "/api/v1/alerts/{id}/close") => of::<yizhan_store::station::health::Alert>(),
        ("GET", "/api/v1/alerts/{id}") | ("POST", "/api/v1/alerts/{id}/acknowledge") => {
            of::<alerts::json::AlertAnswer>()
        }
        ("POST", "/api/v1/alerts/{id}/escalate") => of::<alerts::json::Escalated>(),
        ("GET", "/api/v1/stations/{id}/kpis") => of::<kpis::Kpis>(),
        ("GET", "/api/v1/transfers") => list_of::<transfer_dispatch::ApiInTransit>(),
        ("GET", "/api/v1/arrivals" | "/api/v1/stations/{id}/arrivals") => {
            list_of::<arrivals::ApiArrival>()
        }
        ("GET", "/api/v1/arrivals/proposal") => of::<arrivals::ApiProposal>(),
        ("POST", "/api/v1/arrivals/allocate") => of::<arrivals::Allocated>(),
        ("POST", "/api/v1/arrivals/{id}/check-in") => of::<arrival_check_in::CheckedIn>(),
        ("GET", "/api/v1/stations/{id}/requests") => list_of::<guest_requests::ApiRequest>(),
        ("GET", "/api/v1/cases") => list_of::<cases::ApiCase>(),
        ("GET", "/api/v1/cases/{id}/measures") => list_of::<exposure_measures::ApiMeasure>(),
        ("POST", "/api/v1/stays/{id}/trips" | "/api/v1/trips/{id}/back") => of::<Trip>(),
        ("GET", "/api/v1/home-monitoring") => list_of::<home_monitoring::ApiRow>(),
        ("POST", "/api/v1/cases/{id}/measures")
        | ("POST", "/api/v1/stations/{id}/disinfection")
        | ("POST", "/api/v1/stays/{id}/counselling")
        | ("POST", "/api/v1/stations/{id}/incidents" | "/api/v1/stations/{id}/complaints")
        | ("POST", "/api/v1/transports/{id}/manifest") => of::<crate::kit::Created>(),
        ("GET", "/api/v1/stations/{id}/roster") => list_of::<roster::ApiGroup>(),
        ("POST", "/api/v1/groups/{id}/roster") => of::<roster::Generated>(),
        ("GET", "/api/v1/stations/{id}/disinfection") => of::<disinfection::ApiView>(),
        ("POST", "/api/v1/disinfection/{id}/verify") => {
            of::<yizhan_store::care::disinfection::Record>()
        }
        ("GET", "/api/v1/stations/{id}/supplies") => list_of::<supplies::ApiItem>(),
        ("POST", "/api/v1/supplies/{id}/movements") => of::<supplies::ApiItem>(),
        ("GET", "/api/v1/stays/{id}/counselling") => {
            list_of::<yizhan_store::care::counselling::Session>()
        }
        ("GET", "/api/v1/stations/{id}/incidents") => of::<incidents::Ledgers>(),
        ("GET", "/api/v1/inspections/{id}")
        | ("POST", "/api/v1/inspections")
        | ("POST", "/api/v1/inspections/{id}/start")
        | ("POST", "/api/v1/inspections/{id}/results")
        | ("POST", "/api/v1/inspections/{id}/finish") => of::<inspections::ApiInspection>(),
        ("GET", "/api/v1/rectifications/{id}")
        | ("POST", "/api/v1/inspections/{id}/rectifications")
        | ("POST", "/api/v1/rectifications/{id}/submit" | "/api/v1/rectifications/{id}/verify") => {
            of::<rectifications::ApiRectification>()
        }
        ("GET", "/api/v1/reports/{day}") => of::<reports::ReportJson<'static>>(),
        ("GET", "/api/v1/notices/{id}")
        | ("POST", "/api/v1/notices" | "/api/v1/notices/{id}/publish") => {
            of::<notices::ApiNotice>()
        }
        ("GET", "/api/v1/directives/{id}") => of::<directives::ApiDirective>(),
        ("GET", "/api/v1/enterprises") => of::<enterprises::register::ApiPage>(),
        ("GET" | "PUT", "/api/v1/enterprises/{id}")
        | ("POST", "/api/v1/enterprises/{id}/apply")
        | ("POST", "/api/v1/enterprises/{id}/review")
        | ("POST", "/api/v1/enterprises/{id}/resumed") => of::<enterprises::View>(),
        ("GET", "/api/v1/workers") => of::<returning_workers::ApiPage>(),
        ("GET", "/api/v1/workers/{id}") => of::<returning_workers::View>(),
        ("GET", "/api/v1/indicators") => of::<indicators::ApiView>(),
        _ => return None,
    })
}
