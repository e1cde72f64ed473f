//! Routes of return to work (复工复产): enterprises, returning workers and imports, transports,
//! difficulties, rent relief, indicators and resumption, each with its policy.

use yizhan_core::access::Permission;

use super::{
    difficulties, enterprises, indicators, picker, relief, resumption, returning_workers,
    transports, worker_import,
};
use crate::policy::{Policy, Routes};
use crate::work::enterprises::UPLOAD_LIMIT;

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r.get("/enterprises", Perm(EnterprisesRead), enterprises::list)
        .get("/enterprises/export.xlsx", Perm(EnterprisesRead), enterprises::export)
        .get("/enterprises/new", Perm(EnterprisesWrite), enterprises::new)
        .post("/enterprises", Perm(EnterprisesWrite), enterprises::create)
        .get("/enterprises/review", Perm(ResumptionReview), enterprises::queue)
        .get("/enterprises/pick", Login, picker::search)
        .get("/enterprises/{id}", Perm(EnterprisesRead), enterprises::show)
        .get("/enterprises/{id}/edit", Perm(EnterprisesWrite), enterprises::edit)
        .post("/enterprises/{id}", Perm(EnterprisesWrite), enterprises::update)
        .upload(
            "/enterprises/{id}/plan",
            Perm(EnterprisesWrite),
            enterprises::upload_plan,
            UPLOAD_LIMIT,
        )
        .get("/enterprises/{id}/plan", Perm(EnterprisesRead), enterprises::download_plan)
        // resumption review: the enterprise applies and reports resumed, the command reviews
        .post("/enterprises/{id}/apply", Perm(ResumptionApply), enterprises::apply)
        .post("/enterprises/{id}/review", Perm(ResumptionReview), enterprises::review)
        .post("/enterprises/{id}/resumed", Perm(EnterprisesWrite), enterprises::resumed)
        .post("/api/v1/enterprises/{id}/apply", Perm(ResumptionApply), enterprises::api_apply)
        .post("/api/v1/enterprises/{id}/review", Perm(ResumptionReview), enterprises::api_review)
        .post("/api/v1/enterprises/{id}/resumed", Perm(EnterprisesWrite), enterprises::api_resumed)
        .get("/api/v1/enterprises", Perm(EnterprisesRead), enterprises::api_list)
        .get("/api/v1/enterprises/{id}", Perm(EnterprisesRead), enterprises::api_show)
        .put("/api/v1/enterprises/{id}", Perm(EnterprisesWrite), enterprises::api_update)
        .get("/resumption", Perm(ReportsRead), resumption::show)
        .get("/resumption/export.xlsx", Perm(ReportsRead), resumption::export)
        // returning workers (返岗人员)
        .get("/workers", Perm(EnterprisesRead), returning_workers::list)
        .get("/workers/export.xlsx", Perm(EnterprisesRead), returning_workers::export)
        .get("/workers/new", Perm(EnterprisesWrite), returning_workers::new)
        .get("/workers/import", Perm(EnterprisesWrite), worker_import::form)
        .get("/workers/import/template.xlsx", Perm(EnterprisesWrite), worker_import::template)
        .upload(
            "/workers/import",
            Perm(EnterprisesWrite),
            worker_import::upload,
            worker_import::UPLOAD_LIMIT,
        )
        .get("/imports/{id}/report.xlsx", Perm(EnterprisesWrite), worker_import::report)
        .get("/imports/{id}", Perm(EnterprisesWrite), worker_import::show)
        .get("/imports/{id}/progress", Perm(EnterprisesWrite), worker_import::progress)
        .post("/workers", Perm(EnterprisesWrite), returning_workers::create)
        .get("/workers/{id}", Perm(EnterprisesRead), returning_workers::show)
        .post("/workers/{id}/status", Perm(EnterprisesWrite), returning_workers::set_status)
        .get("/api/v1/workers", Perm(EnterprisesRead), returning_workers::api_list)
        .get("/api/v1/workers/{id}", Perm(EnterprisesRead), returning_workers::api_show)
        // special trains and chartered buses (专列、包车)
        .get("/transports", Perm(ReportsRead), transports::list)
        .post("/transports", Perm(TransportManage), transports::create)
        .get("/transports/{id}", Perm(ReportsRead), transports::show)
        .post("/transports/{id}/manifest", Perm(TransportManage), transports::board)
        .post("/api/v1/transports/{id}/manifest", Perm(TransportManage), transports::api_board)
        // difficulty tickets (困难诉求)
        .get("/difficulties", Perm(EnterprisesRead), difficulties::list)
        .get("/difficulties/export.xlsx", Perm(EnterprisesRead), difficulties::export)
        .post("/difficulties", Perm(EnterprisesWrite), difficulties::raise)
        .get("/difficulties/{id}", Perm(EnterprisesRead), difficulties::show)
        .post("/difficulties/{id}/step", Perm(DifficultiesHandle), difficulties::step)
        // relief (惠企政策: 减免租金 and other measures)
        .get("/relief", Perm(EnterprisesRead), relief::list)
        .get("/relief/export.xlsx", Perm(EnterprisesRead), relief::export)
        .post("/relief", Perm(EnterprisesWrite), relief::apply)
        .post("/relief/{id}/decide", Perm(ReliefDecide), relief::decide)
        // economic indicators (经济指标): read by the command, written district-wide
        .get("/indicators", Perm(ReportsRead), indicators::show)
        .get("/indicators/export.xlsx", Perm(ReportsRead), indicators::export)
        .post("/indicators", Perm(IndicatorsWrite), indicators::set)
        .get("/indicators/import/template.xlsx", Perm(IndicatorsWrite), indicators::template)
        .upload(
            "/indicators/import",
            Perm(IndicatorsWrite),
            indicators::import,
            indicators::UPLOAD_LIMIT,
        )
        .get("/api/v1/indicators", Perm(ReportsRead), indicators::api)
}
