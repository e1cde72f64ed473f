//! Routes of return to work (复工复产): enterprises so far; workers, transport, difficulties and
//! relief come next. Each with its policy.

use yizhan_core::access::Permission;

use crate::pages;
use crate::pages::enterprises::UPLOAD_LIMIT;
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r.get("/enterprises", Perm(EnterprisesRead), pages::enterprises::list)
        .get("/enterprises/export.xlsx", Perm(EnterprisesRead), pages::enterprises::export)
        .get("/enterprises/new", Perm(EnterprisesWrite), pages::enterprises::new)
        .post("/enterprises", Perm(EnterprisesWrite), pages::enterprises::create)
        .get("/enterprises/review", Perm(ResumptionReview), pages::enterprises::queue)
        .get("/enterprises/{id}", Perm(EnterprisesRead), pages::enterprises::show)
        .get("/enterprises/{id}/edit", Perm(EnterprisesWrite), pages::enterprises::edit)
        .post("/enterprises/{id}", Perm(EnterprisesWrite), pages::enterprises::update)
        .upload(
            "/enterprises/{id}/plan",
            Perm(EnterprisesWrite),
            pages::enterprises::upload_plan,
            UPLOAD_LIMIT,
        )
        .get("/enterprises/{id}/plan", Perm(EnterprisesRead), pages::enterprises::download_plan)
        // resumption review: the enterprise applies and reports resumed, the command reviews
        .post("/enterprises/{id}/apply", Perm(ResumptionApply), pages::enterprises::apply)
        .post("/enterprises/{id}/review", Perm(ResumptionReview), pages::enterprises::review)
        .post("/enterprises/{id}/resumed", Perm(EnterprisesWrite), pages::enterprises::resumed)
        .post(
            "/api/v1/enterprises/{id}/apply",
            Perm(ResumptionApply),
            pages::enterprises::api_apply,
        )
        .post(
            "/api/v1/enterprises/{id}/review",
            Perm(ResumptionReview),
            pages::enterprises::api_review,
        )
        .post(
            "/api/v1/enterprises/{id}/resumed",
            Perm(EnterprisesWrite),
            pages::enterprises::api_resumed,
        )
        .get("/api/v1/enterprises", Perm(EnterprisesRead), pages::enterprises::api_list)
        .get("/api/v1/enterprises/{id}", Perm(EnterprisesRead), pages::enterprises::api_show)
        .put("/api/v1/enterprises/{id}", Perm(EnterprisesWrite), pages::enterprises::api_update)
        .get("/resumption", Perm(ReportsRead), pages::resumption::show)
        .get("/resumption/export.xlsx", Perm(ReportsRead), pages::resumption::export)
        // returning workers (返岗人员)
        .get("/workers", Perm(EnterprisesRead), pages::returning_workers::list)
        .get("/workers/export.xlsx", Perm(EnterprisesRead), pages::returning_workers::export)
        .get("/workers/new", Perm(EnterprisesWrite), pages::returning_workers::new)
        .get("/workers/import", Perm(EnterprisesWrite), pages::worker_import::form)
        .get(
            "/workers/import/template.xlsx",
            Perm(EnterprisesWrite),
            pages::worker_import::template,
        )
        .upload(
            "/workers/import",
            Perm(EnterprisesWrite),
            pages::worker_import::upload,
            pages::worker_import::UPLOAD_LIMIT,
        )
        .get("/imports/{id}/report.xlsx", Perm(EnterprisesWrite), pages::worker_import::report)
        .get("/imports/{id}", Perm(EnterprisesWrite), pages::worker_import::show)
        .get("/imports/{id}/progress", Perm(EnterprisesWrite), pages::worker_import::progress)
        .post("/workers", Perm(EnterprisesWrite), pages::returning_workers::create)
        .get("/workers/{id}", Perm(EnterprisesRead), pages::returning_workers::show)
        .post("/workers/{id}/status", Perm(EnterprisesWrite), pages::returning_workers::set_status)
        .get("/api/v1/workers", Perm(EnterprisesRead), pages::returning_workers::api_list)
        .get("/api/v1/workers/{id}", Perm(EnterprisesRead), pages::returning_workers::api_show)
        // special trains and chartered buses (专列、包车)
        .get("/transports", Perm(ReportsRead), pages::transports::list)
        .post("/transports", Perm(TransportManage), pages::transports::create)
        .get("/transports/{id}", Perm(ReportsRead), pages::transports::show)
        .post("/transports/{id}/manifest", Perm(TransportManage), pages::transports::board)
        .post(
            "/api/v1/transports/{id}/manifest",
            Perm(TransportManage),
            pages::transports::api_board,
        )
        // difficulty tickets (困难诉求)
        .get("/difficulties", Perm(EnterprisesRead), pages::difficulties::list)
        .get("/difficulties/export.xlsx", Perm(EnterprisesRead), pages::difficulties::export)
        .post("/difficulties", Perm(EnterprisesWrite), pages::difficulties::raise)
        .get("/difficulties/{id}", Perm(EnterprisesRead), pages::difficulties::show)
        .post("/difficulties/{id}/step", Perm(DifficultiesHandle), pages::difficulties::step)
        // relief (惠企政策: 减免租金 and other measures)
        .get("/relief", Perm(EnterprisesRead), pages::relief::list)
        .get("/relief/export.xlsx", Perm(EnterprisesRead), pages::relief::export)
        .post("/relief", Perm(EnterprisesWrite), pages::relief::apply)
        .post("/relief/{id}/decide", Perm(ReliefDecide), pages::relief::decide)
        // economic indicators (经济指标): read by the command, written district-wide
        .get("/indicators", Perm(ReportsRead), pages::indicators::show)
        .get("/indicators/export.xlsx", Perm(ReportsRead), pages::indicators::export)
        .post("/indicators", Perm(IndicatorsWrite), pages::indicators::set)
        .get("/indicators/import/template.xlsx", Perm(IndicatorsWrite), pages::indicators::template)
        .upload(
            "/indicators/import",
            Perm(IndicatorsWrite),
            pages::indicators::import,
            pages::indicators::UPLOAD_LIMIT,
        )
        .get("/api/v1/indicators", Perm(ReportsRead), pages::indicators::api)
}
