//! Routes of the district command (inspections; rectifications, notices and the daily report
//! come next), each with its policy.

use yizhan_core::access::Permission;

use crate::pages;
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r
        // inspections (督导检查)
        .get(
            "/inspections",
            Perm(InspectionsRead),
            pages::inspections::list,
        )
        .post(
            "/inspections",
            Perm(InspectionsManage),
            pages::inspections::create,
        )
        .get(
            "/inspections/templates",
            Perm(InspectionsManage),
            pages::inspections::templates,
        )
        .post(
            "/inspections/templates",
            Perm(InspectionsManage),
            pages::inspections::create_template,
        )
        .get(
            "/inspections/{id}",
            Perm(InspectionsRead),
            pages::inspections::show,
        )
        .post(
            "/inspections/{id}/start",
            Perm(InspectionsManage),
            pages::inspections::start,
        )
        .post(
            "/inspections/{id}/results",
            Perm(InspectionsManage),
            pages::inspections::record,
        )
        .post(
            "/inspections/{id}/finish",
            Perm(InspectionsManage),
            pages::inspections::finish,
        )
        .get(
            "/api/v1/inspections/{id}",
            Perm(InspectionsRead),
            pages::inspections::api_show,
        )
}
