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
        .get(
            "/stations/{id}/staff/export.xlsx",
            Perm(StaffRead),
            pages::staff::export,
        )
        .post(
            "/stations/{id}/staff",
            Perm(StaffManage),
            pages::staff::create,
        )
        .post(
            "/stations/{id}/groups",
            Perm(StaffManage),
            pages::staff::create_group,
        )
        .get(
            "/staff/{id}/edit",
            Perm(StaffManage),
            pages::staff::edit_form,
        )
        .post("/staff/{id}", Perm(StaffManage), pages::staff::update)
        .post(
            "/staff/{id}/leader",
            Perm(StaffManage),
            pages::staff::make_leader,
        )
        // roster and handovers
        .get(
            "/stations/{id}/roster",
            Perm(StaffRead),
            pages::roster::show,
        )
        .get(
            "/stations/{id}/roster/export.xlsx",
            Perm(StaffRead),
            pages::roster::export,
        )
        .post(
            "/stations/{id}/days-off",
            Perm(StaffManage),
            pages::roster::add_day_off,
        )
        .post(
            "/groups/{id}/roster",
            Perm(StaffManage),
            pages::roster::generate,
        )
        .post(
            "/groups/{id}/roster/swap",
            Perm(StaffManage),
            pages::roster::swap,
        )
        .post(
            "/groups/{id}/handovers",
            Perm(DutyRecord),
            pages::handovers::write,
        )
        .post(
            "/handovers/{id}/ack",
            Perm(DutyRecord),
            pages::handovers::acknowledge,
        )
        .post(
            "/handover-items/{id}/done",
            Perm(DutyRecord),
            pages::handovers::item_done,
        )
        .get(
            "/api/v1/stations/{id}/roster",
            Perm(StaffRead),
            pages::roster::api_show,
        )
        .post(
            "/api/v1/groups/{id}/roster",
            Perm(StaffManage),
            pages::roster::api_generate,
        )
        // counselling: counsellors only
        .get(
            "/stays/{id}/counselling",
            Perm(CounselNotes),
            pages::counselling::show,
        )
        .post(
            "/stays/{id}/counselling",
            Perm(CounselNotes),
            pages::counselling::record,
        )
        .get(
            "/api/v1/stays/{id}/counselling",
            Perm(CounselNotes),
            pages::counselling::api_list,
        )
        .post(
            "/api/v1/stays/{id}/counselling",
            Perm(CounselNotes),
            pages::counselling::api_record,
        )
        // incidents and complaints
        .get(
            "/stations/{id}/incidents",
            Perm(StaffRead),
            pages::incidents::list,
        )
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
        .post(
            "/stations/{id}/incidents",
            Perm(IncidentsRecord),
            pages::incidents::record_incident,
        )
        .post(
            "/stations/{id}/complaints",
            Perm(IncidentsRecord),
            pages::incidents::record_complaint,
        )
        .post(
            "/incidents/{id}/close",
            Perm(IncidentsClose),
            pages::incidents::close_incident,
        )
        .post(
            "/complaints/{id}/status",
            Perm(IncidentsRecord),
            pages::incidents::step_complaint,
        )
        .get(
            "/api/v1/stations/{id}/incidents",
            Perm(StaffRead),
            pages::incidents::api_list,
        )
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
