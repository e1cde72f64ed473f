//! Routes of a station's work (stations, rooms, guests and stays, the health round, nucleic-acid
//! tests, key attention, certificates, policies), pages and JSON, each with its policy.

use yizhan_core::access::Permission;

use super::{
    attention, certificates, exports, guests, health, kpis, policies, releases, rooms, sampling,
    stations, stays,
};
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r.get("/stations", Perm(StationsRead), stations::list)
        .get("/stations/new", Perm(StationsWrite), stations::new_form)
        .get("/stations/export.xlsx", Perm(StationsRead), stations::export)
        .post("/stations", Perm(StationsWrite), stations::create)
        .get("/stations/{id}", Perm(StationsRead), stations::show)
        .get("/stations/{id}/edit", Perm(StationsWrite), stations::edit_form)
        .post("/stations/{id}", Perm(StationsWrite), stations::update)
        .get("/stations/{id}/rooms", Perm(StationsRead), rooms::grid)
        .get("/stations/{id}/rooms/export.xlsx", Perm(StationsRead), rooms::export)
        .get("/stations/{id}/rooms/new", Perm(RoomsManage), rooms::new_form)
        .post("/stations/{id}/rooms", Perm(RoomsManage), rooms::create)
        .post("/stations/{id}/rooms/bulk", Perm(RoomsManage), rooms::create_bulk)
        .get("/rooms/{id}", Perm(StationsRead), rooms::show)
        .get("/rooms/{id}/qr.svg", Perm(StationsRead), rooms::qr)
        .get("/rooms/{id}/edit", Perm(RoomsManage), rooms::edit_form)
        .post("/rooms/{id}", Perm(RoomsManage), rooms::update)
        .post("/rooms/{id}/state", Perm(RoomsOperate), rooms::set_state)
        .get("/stations/{id}/guests", Perm(GuestsRead), guests::list)
        .get("/stations/{id}/guests/export.xlsx", Perm(GuestsRead), guests::export)
        .get("/stations/{id}/guests/new", Perm(GuestsWrite), guests::new_form)
        .post("/stations/{id}/guests", Perm(GuestsWrite), guests::create)
        .get("/guests/{id}", Perm(GuestsRead), guests::show)
        .get("/guests/{id}/edit", Perm(GuestsWrite), guests::edit_form)
        .post("/guests/{id}", Perm(GuestsWrite), guests::update)
        .post("/guests/{id}/reveal", Perm(PiiReveal), guests::reveal)
        .post("/guests/{id}/relatives", Perm(GuestsWrite), guests::add_relative)
        .post("/guests/{id}/relatives/delete", Perm(GuestsWrite), guests::remove_relative)
        .post("/guests/{id}/check-in", Perm(GuestsWrite), stays::check_in)
        .post("/stays/{id}/move", Perm(GuestsWrite), stays::move_room)
        .post("/stays/{id}/check-out", Either(GuestsWrite, ReleaseApprove), stays::check_out)
        .get("/stations/{id}/stays/export.xlsx", Perm(GuestsRead), exports::stays_xlsx)
        .get("/stations/{id}/health/export.xlsx", Perm(GuestsRead), exports::health_xlsx)
        .get("/stations/{id}/round", Perm(HealthRecord), health::round)
        .post("/stays/{id}/health", Perm(HealthRecord), health::record)
        .get("/stations/{id}/tests", Perm(GuestsRead), sampling::due)
        .post("/stations/{id}/tests/import", Perm(TestsRecord), sampling::import)
        .post("/tests/{id}/sample", Perm(TestsRecord), sampling::sample)
        .post("/tests/{id}/result", Perm(TestsRecord), sampling::result)
        .get("/stations/{id}/attention", Perm(GuestsRead), attention::list)
        .post("/alerts/{id}/close", Perm(AlertsClose), attention::close_alert)
        .post("/stays/{id}/flags", Perm(AttentionManage), attention::flag)
        .post("/flags/{id}/close", Perm(AttentionManage), attention::close_flag)
        .post("/stays/{id}/notes", Perm(AttentionManage), attention::add_note)
        .get("/stations/{id}/releases", Perm(GuestsRead), releases::list)
        .post("/stays/{id}/release", Perm(ReleaseApprove), releases::release)
        .get("/stays/{id}/certificate", Perm(GuestsRead), certificates::show)
        .get("/verify/{number}", Public, certificates::verify)
        .get("/policies", Login, policies::list)
        .post("/policies", Perm(PoliciesManage), policies::create)
        .get("/api/v1/streets", Perm(StationsRead), stations::json::streets)
        .get("/api/v1/stations", Perm(StationsRead), stations::json::list)
        .post("/api/v1/stations", Perm(StationsWrite), stations::json::create)
        .get("/api/v1/stations/{id}", Perm(StationsRead), stations::json::get)
        .put("/api/v1/stations/{id}", Perm(StationsWrite), stations::json::update)
        .get("/api/v1/stations/{id}/rooms", Perm(StationsRead), rooms::json::list)
        .post("/api/v1/stations/{id}/rooms", Perm(RoomsManage), rooms::json::create)
        .get("/api/v1/rooms/{id}", Perm(StationsRead), rooms::json::get)
        .put("/api/v1/rooms/{id}", Perm(RoomsManage), rooms::json::update)
        .post("/api/v1/rooms/{id}/state", Perm(RoomsOperate), rooms::json::set_state)
        .get("/api/v1/policies", Login, policies::json::list)
        .get("/api/v1/stations/{id}/guests", Perm(GuestsRead), guests::json::list)
        .post("/api/v1/stations/{id}/guests", Perm(GuestsWrite), guests::json::create)
        .get("/api/v1/guests/{id}", Perm(GuestsRead), guests::json::get)
        .put("/api/v1/guests/{id}", Perm(GuestsWrite), guests::json::update)
        .post("/api/v1/guests/{id}/reveal", Perm(PiiReveal), guests::json::reveal)
        .post("/api/v1/guests/{id}/check-in", Perm(GuestsWrite), stays::json::check_in)
        .get("/api/v1/stays/{id}", Perm(GuestsRead), stays::json::get_stay)
        .post("/api/v1/stays/{id}/move", Perm(GuestsWrite), stays::json::move_room)
        .post(
            "/api/v1/stays/{id}/check-out",
            Either(GuestsWrite, ReleaseApprove),
            stays::json::check_out,
        )
        .post("/api/v1/stays/{id}/health", Perm(HealthRecord), health::json::record)
        .get("/api/v1/stations/{id}/tests", Perm(GuestsRead), health::json::due)
        .post("/api/v1/stations/{id}/tests/results", Perm(TestsRecord), health::json::results)
        .post("/api/v1/tests/{id}/sample", Perm(TestsRecord), health::json::sample)
        .post("/api/v1/tests/{id}/result", Perm(TestsRecord), health::json::result)
        .get("/api/v1/stations/{id}/attention", Perm(GuestsRead), health::json::attention)
        .get("/api/v1/stations/{id}/releases", Perm(GuestsRead), releases::api_list)
        .post("/api/v1/alerts/{id}/close", Perm(AlertsClose), health::json::close_alert)
        .get("/api/v1/stations/{id}/kpis", Perm(StationsRead), kpis::api)
}
