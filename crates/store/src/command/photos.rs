//! Evidence photos: metadata in `photos`, the bytes in `photo_data`, so lists never load them.
//! They live in the database so that every node of a cluster serves the same files.

use chrono::{DateTime, Utc};
use serde::Serialize;
use yizhan_core::access::Actor;
use yizhan_core::command::evidence::{KEY_TOO_MANY, MAX_PER_SUBJECT};
use yizhan_core::error::DomainError;

use crate::admin::audit::{self, Entry};
use crate::db::{Db, Result, now, q};
use crate::error::StoreError;

/// What a photo is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A checklist item of an inspection (the finding).
    Item { inspection_id: i64, item_id: i64 },
    /// A rectification order (the fix), of the given inspection.
    Rectification { inspection_id: i64, id: i64 },
}

pub struct NewPhoto {
    pub subject: Subject,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, schemars::JsonSchema)]
pub struct Photo {
    pub id: i64,
    pub inspection_id: i64,
    pub item_id: Option<i64>,
    pub rectification_id: Option<i64>,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, inspection_id, item_id, rectification_id, width, height, bytes, uploaded_by, uploaded_at FROM photos";

pub async fn add(db: &Db, actor: &Actor, p: &NewPhoto) -> Result<i64> {
    let (inspection_id, item_id, rect_id) = match p.subject {
        Subject::Item { inspection_id, item_id } => (inspection_id, Some(item_id), None),
        Subject::Rectification { inspection_id, id } => (inspection_id, None, Some(id)),
    };
    let mut tx = db.begin().await?;
    // One lock per inspection keeps the per-subject count honest under concurrent uploads.
    tx.lock(0x7068_6f74_0000_0000 ^ inspection_id).await?;
    let (count,): (i64,) = tx
        .fetch_one(
            q("SELECT COUNT(*) FROM photos WHERE inspection_id = $1
                 AND item_id IS NOT DISTINCT FROM $2 AND rectification_id IS NOT DISTINCT FROM $3")
            .bind(inspection_id)
            .bind(item_id)
            .bind(rect_id),
        )
        .await?;
    if count >= MAX_PER_SUBJECT {
        return Err(StoreError::Refused(DomainError::Rule {
            field: Some("file"),
            key: KEY_TOO_MANY,
        }));
    }
    let (id,): (i64,) = tx
        .fetch_one(
            q("INSERT INTO photos (inspection_id, item_id, rectification_id, width, height, bytes, sha256, uploaded_by, uploaded_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(inspection_id)
            .bind(item_id)
            .bind(rect_id)
            .bind(i64::from(p.width))
            .bind(i64::from(p.height))
            .bind(p.jpeg.len() as i64)
            .bind(p.sha256.as_str())
            .bind(actor.name.as_str())
            .bind(now()),
        )
        .await?;
    tx.execute(
        q("INSERT INTO photo_data (photo_id, jpeg, thumb) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(p.jpeg.as_slice())
            .bind(p.thumb.as_slice()),
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        Entry::new("photo.upload", "photo", id).detail(serde_json::json!({
            "inspection_id": inspection_id, "item_id": item_id, "rectification_id": rect_id,
            "sha256": p.sha256,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<Photo> {
    db.fetch_one(crate::db::q_dynamic(format!("{SELECT} WHERE id = $1")).bind(id)).await
}

/// Every photo of an inspection: its findings' and its rectifications'.
pub async fn of_inspection(db: &Db, inspection_id: i64) -> Result<Vec<Photo>> {
    db.fetch_all(
        crate::db::q_dynamic(format!("{SELECT} WHERE inspection_id = $1 ORDER BY id"))
            .bind(inspection_id),
    )
    .await
}

/// The stored JPEG, or its thumbnail.
pub async fn data(db: &Db, id: i64, thumb: bool) -> Result<Vec<u8>> {
    let sql = if thumb {
        "SELECT thumb FROM photo_data WHERE photo_id = $1"
    } else {
        "SELECT jpeg FROM photo_data WHERE photo_id = $1"
    };
    let (bytes,): (Vec<u8>,) = db.fetch_one(crate::db::q_dynamic(sql.to_owned()).bind(id)).await?;
    Ok(bytes)
}
