//! Routes of care: staff and working groups, roster and handovers, staff tests, counselling,
//! incidents and complaints, relatives, disinfection, supplies and plans, each with its policy.

use yizhan_core::access::Permission;

use super::{
    counselling, disinfection, handovers, incidents, plans, relative_links, relative_page,
    relatives, roster, staff, staff_tests, supplies,
};
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r
        // working groups and staff
        .get("/stations/{id}/staff", Perm(StaffRead), staff::list)
        .get("/stations/{id}/staff/export.xlsx", Perm(StaffRead), staff::export)
        .post("/stations/{id}/staff", Perm(StaffManage), staff::create)
        .post("/stations/{id}/groups", Perm(StaffManage), staff::create_group)
        .post("/groups/{id}", Perm(StaffManage), staff::update_group)
        .get("/staff/{id}/edit", Perm(StaffManage), staff::edit_form)
        .post("/staff/{id}", Perm(StaffManage), staff::update)
        .post("/staff/{id}/leader", Perm(StaffManage), staff::make_leader)
        // roster and handovers
        .get("/stations/{id}/roster", Perm(StaffRead), roster::show)
        .get("/stations/{id}/roster/export.xlsx", Perm(StaffRead), roster::export)
        .post("/stations/{id}/days-off", Perm(StaffManage), roster::add_day_off)
        .post("/groups/{id}/roster", Perm(StaffManage), roster::generate)
        .post("/groups/{id}/roster/swap", Perm(StaffManage), roster::swap)
        .post("/groups/{id}/handovers", Perm(DutyRecord), handovers::write)
        .post("/handovers/{id}/ack", Perm(DutyRecord), handovers::acknowledge)
        .post("/handover-items/{id}/done", Perm(DutyRecord), handovers::item_done)
        .get("/api/v1/stations/{id}/roster", Perm(StaffRead), roster::api_show)
        .post("/api/v1/groups/{id}/roster", Perm(StaffManage), roster::api_generate)
        // disinfection and medical waste
        .get("/stations/{id}/disinfection", Perm(StaffRead), disinfection::show)
        .get(
            "/stations/{id}/disinfection/export.xlsx",
            Perm(StaffRead),
            disinfection::export_records,
        )
        .get("/stations/{id}/waste/export.xlsx", Perm(StaffRead), disinfection::export_waste)
        .post("/stations/{id}/disinfection", Perm(HygieneRecord), disinfection::record)
        .post("/stations/{id}/disinfection/areas", Perm(StaffManage), disinfection::create_area)
        .post("/stations/{id}/waste", Perm(HygieneRecord), disinfection::record_waste)
        .post("/disinfection/{id}/verify", Perm(HygieneVerify), disinfection::verify)
        .get("/api/v1/stations/{id}/disinfection", Perm(StaffRead), disinfection::api_show)
        .post("/api/v1/stations/{id}/disinfection", Perm(HygieneRecord), disinfection::api_record)
        .post("/api/v1/disinfection/{id}/verify", Perm(HygieneVerify), disinfection::api_verify)
        // supplies, meals and diets
        .get("/stations/{id}/supplies", Perm(StaffRead), supplies::show)
        .get("/stations/{id}/supplies/export.xlsx", Perm(StaffRead), supplies::export)
        .post("/stations/{id}/supplies", Perm(SuppliesManage), supplies::create_item)
        .post("/supplies/{id}/movements", Perm(SuppliesManage), supplies::move_stock)
        .get("/api/v1/stations/{id}/supplies", Perm(StaffRead), supplies::api_list)
        .post("/api/v1/supplies/{id}/movements", Perm(SuppliesManage), supplies::api_move)
        .get("/stations/{id}/meals", Perm(StaffRead), supplies::meals)
        .get("/stations/{id}/meals/export.xlsx", Perm(StaffRead), supplies::export_meals)
        .post("/stations/{id}/meals", Perm(CareRecord), supplies::record_meal)
        .post("/stays/{id}/diet", Perm(CareRecord), supplies::set_diet)
        // relatives: contacts and deliveries
        .get("/stations/{id}/relatives", Perm(StaffRead), relatives::show)
        .get("/stations/{id}/contacts/export.xlsx", Perm(StaffRead), relatives::export_contacts)
        .get("/stations/{id}/deliveries/export.xlsx", Perm(StaffRead), relatives::export_deliveries)
        .post("/stations/{id}/contacts", Perm(CareRecord), relatives::record_contact)
        .post("/stations/{id}/deliveries", Perm(CareRecord), relatives::receive)
        .post("/deliveries/{id}/step", Perm(CareRecord), relatives::step)
        // relatives' links: made by the guest or by staff on consent; the relative's own page
        .post("/stays/{id}/relative-links", Perm(GuestsWrite), relative_links::create)
        .post("/relative-links/{id}/revoke", Perm(GuestsWrite), relative_links::revoke)
        .post("/delivery-bookings/{id}/receive", Perm(CareRecord), relative_links::receive_booking)
        .post("/g/relatives", Public, relative_links::guest_create)
        .post("/g/relatives/revoke", Public, relative_links::guest_revoke)
        .get("/r/{token}", Public, relative_page::open)
        .get("/r", Public, relative_page::show)
        .post("/r/deliveries", Public, relative_page::book)
        .post("/r/messages", Public, relative_page::message)
        // staff tests of the closed loop
        .get("/stations/{id}/staff-tests", Perm(StaffRead), staff_tests::show)
        .get("/stations/{id}/staff-tests/export.xlsx", Perm(StaffRead), staff_tests::export)
        .post("/staff/{id}/tests", Perm(TestsRecord), staff_tests::record)
        // emergency plans and drills
        .get("/stations/{id}/plans", Perm(StaffRead), plans::list)
        .get("/stations/{id}/plans/export.xlsx", Perm(StaffRead), plans::export)
        .post("/stations/{id}/plans", Perm(StaffManage), plans::publish)
        .get("/plans/{id}", Perm(StaffRead), plans::show)
        .post("/plans/{id}/drills", Perm(StaffManage), plans::record_drill)
        // counselling: counsellors only
        .get("/stays/{id}/counselling", Perm(CounselNotes), counselling::show)
        .post("/stays/{id}/counselling", Perm(CounselNotes), counselling::record)
        .get("/api/v1/stays/{id}/counselling", Perm(CounselNotes), counselling::api_list)
        .post("/api/v1/stays/{id}/counselling", Perm(CounselNotes), counselling::api_record)
        // incidents and complaints
        .get("/stations/{id}/incidents", Perm(StaffRead), incidents::list)
        .get("/stations/{id}/incidents/export.xlsx", Perm(StaffRead), incidents::export_incidents)
        .get("/stations/{id}/complaints/export.xlsx", Perm(StaffRead), incidents::export_complaints)
        .post("/stations/{id}/incidents", Perm(IncidentsRecord), incidents::record_incident)
        .post("/stations/{id}/complaints", Perm(IncidentsRecord), incidents::record_complaint)
        .post("/incidents/{id}/close", Perm(IncidentsClose), incidents::close_incident)
        .post("/complaints/{id}/status", Perm(IncidentsRecord), incidents::step_complaint)
        .get("/api/v1/stations/{id}/incidents", Perm(StaffRead), incidents::api_list)
        .post(
            "/api/v1/stations/{id}/incidents",
            Perm(IncidentsRecord),
            incidents::api_record_incident,
        )
        .post(
            "/api/v1/stations/{id}/complaints",
            Perm(IncidentsRecord),
            incidents::api_record_complaint,
        )
}
