//! Routes of the district command: inspections, rectifications and their photos, daily reports,
//! notices, directives, task groups and the overview, each with its policy.

use yizhan_core::access::Permission;

use super::{
    directives, inspections, notices, overview, photos, rectifications, reports, task_groups,
};
use crate::command::photos::UPLOAD_LIMIT;
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r
        // inspections (督导检查)
        .get("/inspections", Perm(InspectionsRead), inspections::list)
        .post("/inspections", Perm(InspectionsManage), inspections::create)
        .get("/inspections/templates", Perm(InspectionsManage), inspections::templates)
        .post("/inspections/templates", Perm(InspectionsManage), inspections::create_template)
        .get("/inspections/{id}", Perm(InspectionsRead), inspections::show)
        .post("/inspections/{id}/start", Perm(InspectionsManage), inspections::start)
        .post("/inspections/{id}/results", Perm(InspectionsManage), inspections::record)
        .post("/inspections/{id}/checklist", Perm(InspectionsManage), inspections::save_checklist)
        .post("/inspections/{id}/finish", Perm(InspectionsManage), inspections::finish)
        .get("/api/v1/inspections/{id}", Perm(InspectionsRead), inspections::api_show)
        .post("/api/v1/inspections", Perm(InspectionsManage), inspections::json::create)
        .post("/api/v1/inspections/{id}/start", Perm(InspectionsManage), inspections::json::start)
        .post(
            "/api/v1/inspections/{id}/results",
            Perm(InspectionsManage),
            inspections::json::record,
        )
        .post("/api/v1/inspections/{id}/finish", Perm(InspectionsManage), inspections::json::finish)
        // evidence photos (现场照片)
        .upload(
            "/inspections/{id}/photos",
            Perm(InspectionsManage),
            photos::upload_for_item,
            UPLOAD_LIMIT,
        )
        .upload(
            "/rectifications/{id}/photos",
            Perm(RectificationsSubmit),
            photos::upload_for_rectification,
            UPLOAD_LIMIT,
        )
        .get("/photos/{id}", Perm(InspectionsRead), photos::show)
        .get("/photos/{id}/thumb", Perm(InspectionsRead), photos::thumb)
        // rectifications (整改)
        .post("/inspections/{id}/rectifications", Perm(InspectionsManage), rectifications::create)
        .get("/rectifications", Perm(InspectionsRead), rectifications::list)
        .get("/rectifications.xlsx", Perm(InspectionsRead), rectifications::export)
        .get("/rectifications/{id}", Perm(InspectionsRead), rectifications::show)
        .post("/rectifications/{id}/submit", Perm(RectificationsSubmit), rectifications::submit)
        .post("/rectifications/{id}/verify", Perm(InspectionsManage), rectifications::verify)
        .get("/api/v1/rectifications/{id}", Perm(InspectionsRead), rectifications::api_show)
        .post(
            "/api/v1/inspections/{id}/rectifications",
            Perm(InspectionsManage),
            rectifications::api_create,
        )
        .post(
            "/api/v1/rectifications/{id}/submit",
            Perm(RectificationsSubmit),
            rectifications::api_submit,
        )
        .post(
            "/api/v1/rectifications/{id}/verify",
            Perm(InspectionsManage),
            rectifications::api_verify,
        )
        // daily situation report (日报)
        .get("/reports", Perm(ReportsRead), reports::list)
        .post("/reports", Perm(ReportsGenerate), reports::generate)
        .get("/reports/{day}", Perm(ReportsRead), reports::show)
        .get("/reports/{day}/export.xlsx", Perm(ReportsRead), reports::export_xlsx)
        .get("/reports/{day}/export.docx", Perm(ReportsRead), reports::export_docx)
        .get("/api/v1/reports/{day}", Perm(ReportsRead), reports::api_show)
        // notices (通报)
        .get("/notices", Perm(InspectionsRead), notices::list)
        .post("/notices", Perm(InspectionsManage), notices::create)
        .get("/notices/{id}", Perm(InspectionsRead), notices::show)
        .post("/notices/{id}/publish", Perm(InspectionsManage), notices::publish)
        .get("/notices/{id}/export.docx", Perm(InspectionsRead), notices::export_docx)
        .get("/api/v1/notices/{id}", Perm(InspectionsRead), notices::api_show)
        .post("/api/v1/notices", Perm(InspectionsManage), notices::api_create)
        .post("/api/v1/notices/{id}/publish", Perm(InspectionsManage), notices::api_publish)
        // the district overview (指挥总览)
        .get("/command", Perm(ReportsRead), overview::show)
        // special task groups (专责小组)
        .get("/task-groups", Perm(ReportsRead), task_groups::list)
        .post("/task-groups", Perm(TaskGroupsManage), task_groups::create)
        .get("/task-groups/{id}", Perm(ReportsRead), task_groups::show)
        .get("/task-groups/{id}/export.xlsx", Perm(ReportsRead), task_groups::export)
        .post("/task-groups/{id}/tasks", Perm(TaskGroupsManage), task_groups::add_task)
        .post("/tasks/{id}/status", Perm(TaskGroupsManage), task_groups::set_status)
        // directives (通知、工作方案) and their receipts
        .get("/directives", Perm(DirectivesRead), directives::list)
        .post("/directives", Perm(DirectivesIssue), directives::create)
        .get("/directives/{id}", Perm(DirectivesRead), directives::show)
        .upload(
            "/directives/{id}/files",
            Perm(DirectivesIssue),
            directives::attach,
            directives::UPLOAD_LIMIT,
        )
        .post("/directives/{id}/publish", Perm(DirectivesIssue), directives::publish)
        .post("/directives/{id}/remind", Perm(DirectivesIssue), directives::remind)
        .post("/directives/{id}/acknowledge", Perm(DirectivesAcknowledge), directives::acknowledge)
        .get("/directives/{id}/export.xlsx", Perm(DirectivesRead), directives::export)
        .get("/directive-files/{id}", Perm(DirectivesRead), directives::download)
        .get("/api/v1/directives/{id}", Perm(DirectivesRead), directives::api_show)
}
