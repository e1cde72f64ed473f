//! The command's fixtures: a failed inspection and the rectification it orders.

use super::*;

/// A started inspection of the station with its one item failed, a photo of the finding and a
/// rectification ordered (deadline a week away): (rectification id, photo id).
pub async fn rectification_fixture(db: &Db, station_id: i64, checklist: i64) -> (i64, i64) {
    let sys = Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let (insp, item) =
        failed_inspection(db, station_id, checklist, "302房退房后无终末消毒记录").await;
    let id = insp.id;
    let photo = yizhan_store::command::photos::add(
        db,
        &sys,
        &yizhan_store::command::photos::NewPhoto {
            subject: yizhan_store::command::photos::Subject::Item {
                inspection_id: id,
                item_id: item,
            },
            width: 1,
            height: 1,
            sha256: "0".repeat(64),
            jpeg: vec![0xFF, 0xD8, 0xFF, 0xD9],
            thumb: vec![0xFF, 0xD8, 0xFF, 0xD9],
        },
    )
    .await
    .unwrap();
    let rect = yizhan_store::command::rectifications::create(
        db,
        &sys,
        &insp,
        &yizhan_core::command::rectification::NewOrder {
            item_id: item,
            severity: yizhan_core::command::rectification::Severity::Major,
            responsible: "卓悦驿站".into(),
            deadline: today + chrono::Duration::days(7),
        },
    )
    .await
    .unwrap();
    (rect, photo)
}

/// An inspection of the station started today with the checklist's first item failed for
/// `finding`: (the inspection, the item id).
pub async fn failed_inspection(
    db: &Db,
    station_id: i64,
    checklist: i64,
    finding: &str,
) -> (yizhan_store::command::inspections::Inspection, i64) {
    let sys = Actor::system();
    let id = yizhan_store::command::inspections::create(
        db,
        &sys,
        &yizhan_core::command::inspection::NewInspection {
            template_id: checklist,
            unit: yizhan_core::command::inspection::Unit::Station(station_id),
            kind: yizhan_core::command::inspection::InspectionKind::Unannounced,
            planned_on: yizhan_core::time::local_date(yizhan_store::db::now()),
            team: "区督导组".into(),
            inspector_street: None,
        },
    )
    .await
    .unwrap();
    yizhan_store::command::inspections::start(db, &sys, id).await.unwrap();
    let insp = yizhan_store::command::inspections::get(db, id).await.unwrap();
    let item = yizhan_store::command::inspections::items(db, checklist).await.unwrap()[0].id;
    yizhan_store::command::inspections::record(
        db,
        &sys,
        &insp,
        item,
        yizhan_core::command::inspection::Outcome::Fail,
        Some(finding),
    )
    .await
    .unwrap();
    let insp = yizhan_store::command::inspections::get(db, id).await.unwrap();
    (insp, item)
}
