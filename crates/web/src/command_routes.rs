//! Routes of the district command (inspections; rectifications, notices and the daily report
//! come next), each with its policy.

use yizhan_core::access::Permission;

use crate::pages;
use crate::pages::photos::UPLOAD_LIMIT;
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r
        // inspections (督导检查)
        .get("/inspections", Perm(InspectionsRead), pages::inspections::list)
        .post("/inspections", Perm(InspectionsManage), pages::inspections::create)
        .get("/inspections/templates", Perm(InspectionsManage), pages::inspections::templates)
        .post(
            "/inspections/templates",
            Perm(InspectionsManage),
            pages::inspections::create_template,
        )
        .get("/inspections/{id}", Perm(InspectionsRead), pages::inspections::show)
        .post("/inspections/{id}/start", Perm(InspectionsManage), pages::inspections::start)
        .post("/inspections/{id}/results", Perm(InspectionsManage), pages::inspections::record)
        .post("/inspections/{id}/finish", Perm(InspectionsManage), pages::inspections::finish)
        .get("/api/v1/inspections/{id}", Perm(InspectionsRead), pages::inspections::api_show)
        // evidence photos (现场照片)
        .upload(
            "/inspections/{id}/photos",
            Perm(InspectionsManage),
            pages::photos::upload_for_item,
            UPLOAD_LIMIT,
        )
        .upload(
            "/rectifications/{id}/photos",
            Perm(RectificationsSubmit),
            pages::photos::upload_for_rectification,
            UPLOAD_LIMIT,
        )
        .get("/photos/{id}", Perm(InspectionsRead), pages::photos::show)
        .get("/photos/{id}/thumb", Perm(InspectionsRead), pages::photos::thumb)
        // rectifications (整改)
        .post(
            "/inspections/{id}/rectifications",
            Perm(InspectionsManage),
            pages::rectifications::create,
        )
        .get("/rectifications", Perm(InspectionsRead), pages::rectifications::list)
        .get("/rectifications.xlsx", Perm(InspectionsRead), pages::rectifications::export)
        .get("/rectifications/{id}", Perm(InspectionsRead), pages::rectifications::show)
        .post(
            "/rectifications/{id}/submit",
            Perm(RectificationsSubmit),
            pages::rectifications::submit,
        )
        .post("/rectifications/{id}/verify", Perm(InspectionsManage), pages::rectifications::verify)
        .get("/api/v1/rectifications/{id}", Perm(InspectionsRead), pages::rectifications::api_show)
        // daily situation report (日报)
        .get("/reports", Perm(ReportsRead), pages::reports::list)
        .post("/reports", Perm(ReportsGenerate), pages::reports::generate)
        .get("/reports/{day}", Perm(ReportsRead), pages::reports::show)
        .get("/reports/{day}/export.xlsx", Perm(ReportsRead), pages::reports::export_xlsx)
        .get("/reports/{day}/export.docx", Perm(ReportsRead), pages::reports::export_docx)
        .get("/api/v1/reports/{day}", Perm(ReportsRead), pages::reports::api_show)
        // notices (通报)
        .get("/notices", Perm(InspectionsRead), pages::notices::list)
        .post("/notices", Perm(InspectionsManage), pages::notices::create)
        .get("/notices/{id}", Perm(InspectionsRead), pages::notices::show)
        .post("/notices/{id}/publish", Perm(InspectionsManage), pages::notices::publish)
        .get("/notices/{id}/export.docx", Perm(InspectionsRead), pages::notices::export_docx)
        .get("/api/v1/notices/{id}", Perm(InspectionsRead), pages::notices::api_show)
        // the district overview (指挥总览)
        .get("/command", Perm(ReportsRead), pages::overview::show)
        // special task groups (专责小组)
        .get("/task-groups", Perm(ReportsRead), pages::task_groups::list)
        .post("/task-groups", Perm(TaskGroupsManage), pages::task_groups::create)
        .get("/task-groups/{id}", Perm(ReportsRead), pages::task_groups::show)
        .get("/task-groups/{id}/export.xlsx", Perm(ReportsRead), pages::task_groups::export)
        .post("/task-groups/{id}/tasks", Perm(TaskGroupsManage), pages::task_groups::add_task)
        .post("/tasks/{id}/status", Perm(TaskGroupsManage), pages::task_groups::set_status)
        // directives (通知、工作方案) and their receipts
        .get("/directives", Perm(DirectivesRead), pages::directives::list)
        .post("/directives", Perm(DirectivesIssue), pages::directives::create)
        .get("/directives/{id}", Perm(DirectivesRead), pages::directives::show)
        .upload(
            "/directives/{id}/files",
            Perm(DirectivesIssue),
            pages::directives::attach,
            pages::directives::UPLOAD_LIMIT,
        )
        .post("/directives/{id}/publish", Perm(DirectivesIssue), pages::directives::publish)
        .post("/directives/{id}/remind", Perm(DirectivesIssue), pages::directives::remind)
        .post(
            "/directives/{id}/acknowledge",
            Perm(DirectivesAcknowledge),
            pages::directives::acknowledge,
        )
        .get("/directives/{id}/export.xlsx", Perm(DirectivesRead), pages::directives::export)
        .get("/directive-files/{id}", Perm(DirectivesRead), pages::directives::download)
        .get("/api/v1/directives/{id}", Perm(DirectivesRead), pages::directives::api_show)
}
