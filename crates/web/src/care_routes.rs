//! Routes of station staff and care (working groups, staff, counselling, incidents and
//! complaints, and the rest of issue 5), each with its policy.

use yizhan_core::access::Permission;

use crate::pages;
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r
        // working groups and staff
        .get("/stations/{id}/staff", Perm(StaffRead), pages::staff::list)
        .get("/stations/{id}/staff/export.xlsx", Perm(StaffRead), pages::staff::export)
        .post("/stations/{id}/staff", Perm(StaffManage), pages::staff::create)
        .post("/stations/{id}/groups", Perm(StaffManage), pages::staff::create_group)
        .get("/staff/{id}/edit", Perm(StaffManage), pages::staff::edit_form)
        .post("/staff/{id}", Perm(StaffManage), pages::staff::update)
        .post("/staff/{id}/leader", Perm(StaffManage), pages::staff::make_leader)
        // roster and handovers
        .get("/stations/{id}/roster", Perm(StaffRead), pages::roster::show)
        .get("/stations/{id}/roster/export.xlsx", Perm(StaffRead), pages::roster::export)
        .post("/stations/{id}/days-off", Perm(StaffManage), pages::roster::add_day_off)
        .post("/groups/{id}/roster", Perm(StaffManage), pages::roster::generate)
        .post("/groups/{id}/roster/swap", Perm(StaffManage), pages::roster::swap)
        .post("/groups/{id}/handovers", Perm(DutyRecord), pages::handovers::write)
        .post("/handovers/{id}/ack", Perm(DutyRecord), pages::handovers::acknowledge)
        .post("/handover-items/{id}/done", Perm(DutyRecord), pages::handovers::item_done)
        .get("/api/v1/stations/{id}/roster", Perm(StaffRead), pages::roster::api_show)
        .post("/api/v1/groups/{id}/roster", Perm(StaffManage), pages::roster::api_generate)
        // disinfection and medical waste
        .get("/stations/{id}/disinfection", Perm(StaffRead), pages::disinfection::show)
        .get(
            "/stations/{id}/disinfection/export.xlsx",
            Perm(StaffRead),
            pages::disinfection::export_records,
        )
        .get("/stations/{id}/waste/export.xlsx", Perm(StaffRead), pages::disinfection::export_waste)
        .post("/stations/{id}/disinfection", Perm(HygieneRecord), pages::disinfection::record)
        .post(
            "/stations/{id}/disinfection/areas",
            Perm(StaffManage),
            pages::disinfection::create_area,
        )
        .post("/stations/{id}/waste", Perm(HygieneRecord), pages::disinfection::record_waste)
        .post("/disinfection/{id}/verify", Perm(HygieneVerify), pages::disinfection::verify)
        .get("/api/v1/stations/{id}/disinfection", Perm(StaffRead), pages::disinfection::api_show)
        .post(
            "/api/v1/stations/{id}/disinfection",
            Perm(HygieneRecord),
            pages::disinfection::api_record,
        )
        .post(
            "/api/v1/disinfection/{id}/verify",
            Perm(HygieneVerify),
            pages::disinfection::api_verify,
        )
        // supplies, meals and diets
        .get("/stations/{id}/supplies", Perm(StaffRead), pages::supplies::show)
        .get("/stations/{id}/supplies/export.xlsx", Perm(StaffRead), pages::supplies::export)
        .post("/stations/{id}/supplies", Perm(SuppliesManage), pages::supplies::create_item)
        .post("/supplies/{id}/movements", Perm(SuppliesManage), pages::supplies::move_stock)
        .get("/api/v1/stations/{id}/supplies", Perm(StaffRead), pages::supplies::api_list)
        .post("/api/v1/supplies/{id}/movements", Perm(SuppliesManage), pages::supplies::api_move)
        .get("/stations/{id}/meals", Perm(StaffRead), pages::supplies::meals)
        .get("/stations/{id}/meals/export.xlsx", Perm(StaffRead), pages::supplies::export_meals)
        .post("/stations/{id}/meals", Perm(CareRecord), pages::supplies::record_meal)
        .post("/stays/{id}/diet", Perm(CareRecord), pages::supplies::set_diet)
        // relatives: contacts and deliveries
        .get("/stations/{id}/relatives", Perm(StaffRead), pages::relatives::show)
        .get(
            "/stations/{id}/contacts/export.xlsx",
            Perm(StaffRead),
            pages::relatives::export_contacts,
        )
        .get(
            "/stations/{id}/deliveries/export.xlsx",
            Perm(StaffRead),
            pages::relatives::export_deliveries,
        )
        .post("/stations/{id}/contacts", Perm(CareRecord), pages::relatives::record_contact)
        .post("/stations/{id}/deliveries", Perm(CareRecord), pages::relatives::receive)
        .post("/deliveries/{id}/step", Perm(CareRecord), pages::relatives::step)
        // staff tests of the closed loop
        .get("/stations/{id}/staff-tests", Perm(StaffRead), pages::staff_tests::show)
        .get("/stations/{id}/staff-tests/export.xlsx", Perm(StaffRead), pages::staff_tests::export)
        .post("/staff/{id}/tests", Perm(TestsRecord), pages::staff_tests::record)
        // emergency plans and drills
        .get("/stations/{id}/plans", Perm(StaffRead), pages::plans::list)
        .get("/stations/{id}/plans/export.xlsx", Perm(StaffRead), pages::plans::export)
        .post("/stations/{id}/plans", Perm(StaffManage), pages::plans::publish)
        .get("/plans/{id}", Perm(StaffRead), pages::plans::show)
        .post("/plans/{id}/drills", Perm(StaffManage), pages::plans::record_drill)
        // counselling: counsellors only
        .get("/stays/{id}/counselling", Perm(CounselNotes), pages::counselling::show)
        .post("/stays/{id}/counselling", Perm(CounselNotes), pages::counselling::record)
        .get("/api/v1/stays/{id}/counselling", Perm(CounselNotes), pages::counselling::api_list)
        .post("/api/v1/stays/{id}/counselling", Perm(CounselNotes), pages::counselling::api_record)
        // incidents and complaints
        .get("/stations/{id}/incidents", Perm(StaffRead), pages::incidents::list)
        .get(
            "/stations/{id}/incidents/export.xlsx",
            Perm(StaffRead),
            pages::incidents::export_incidents,
        )
        .get(
            "/stations/{id}/complaints/export.xlsx",
            Perm(StaffRead),
            pages::incidents::export_complaints,
        )
        .post("/stations/{id}/incidents", Perm(IncidentsRecord), pages::incidents::record_incident)
        .post(
            "/stations/{id}/complaints",
            Perm(IncidentsRecord),
            pages::incidents::record_complaint,
        )
        .post("/incidents/{id}/close", Perm(IncidentsClose), pages::incidents::close_incident)
        .post("/complaints/{id}/status", Perm(IncidentsRecord), pages::incidents::step_complaint)
        .get("/api/v1/stations/{id}/incidents", Perm(StaffRead), pages::incidents::api_list)
        .post(
            "/api/v1/stations/{id}/incidents",
            Perm(IncidentsRecord),
            pages::incidents::api_record_incident,
        )
        .post(
            "/api/v1/stations/{id}/complaints",
            Perm(IncidentsRecord),
            pages::incidents::api_record_complaint,
        )
}
