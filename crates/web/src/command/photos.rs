//! Evidence photos: taken with the phone's camera at the site, uploaded to an inspection item
//! (the finding) or to a rectification (the fix), shown as thumbnails. What is served is always
//! our own re-encoded JPEG with headers that forbid running anything.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::command::inspection::KEY_FINISHED;
use yizhan_core::error::OnField;
use yizhan_store::command::photos::{self, NewPhoto, Subject};

use crate::auth::Ctx;
use crate::command::inspections::visible_inspection;
use crate::command::rectifications::visible_rectification;
use crate::error::WebError;
use crate::kit::extract::Id;
use crate::kit::photo::process;
use crate::policy::deny;
use crate::state::AppState;

/// A photo upload may be this large on the wire (the photo plus the form's other fields).
pub const UPLOAD_LIMIT: usize = yizhan_core::command::evidence::MAX_BYTES + 64 * 1024;

async fn store(
    state: &AppState,
    ctx: &Ctx,
    subject: Subject,
    bytes: Vec<u8>,
) -> Result<i64, WebError> {
    // Decoding a camera picture takes tens of milliseconds of CPU: off the async threads.
    let p = tokio::task::spawn_blocking(move || process(&bytes))
        .await
        .map_err(|e| WebError::Internal(format!("photo task: {e}")))??;
    Ok(photos::add(
        &state.db,
        &Actor::from(ctx.user()?),
        &NewPhoto {
            subject,
            width: p.width,
            height: p.height,
            sha256: p.sha256,
            jpeg: p.jpeg,
            thumb: p.thumb,
        },
    )
    .await?)
}

/// `POST /inspections/{id}/photos?_csrf=…`: a photo of one item's finding.
pub async fn upload_for_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    form: crate::kit::upload::Form,
) -> Result<Response, WebError> {
    let i = visible_inspection(&state, &ctx, id, true).await?;
    let upload = crate::kit::upload::read(form).await?;
    if i.started_at.is_none() || i.finished_at.is_some() {
        return Err(WebError::Rule {
            field: None,
            key: if i.finished_at.is_some() {
                KEY_FINISHED
            } else {
                yizhan_core::command::inspection::KEY_NOT_STARTED
            },
        });
    }
    let item_id = yizhan_core::validate::parse_int(upload.field("item_id"), 1, i64::MAX, "1")
        .on("item_id")?;
    if !yizhan_store::command::inspections::items(&state.db, i.template_id)
        .await?
        .iter()
        .any(|it| it.id == item_id)
    {
        return Err(WebError::NotFound);
    }
    store(&state, &ctx, Subject::Item { inspection_id: id, item_id }, upload.bytes).await?;
    Ok(Redirect::to(&format!("/inspections/{id}#item-{item_id}")).into_response())
}

/// `POST /rectifications/{id}/photos?_csrf=…`: a photo of the fix, by the responsible station.
pub async fn upload_for_rectification(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    form: crate::kit::upload::Form,
) -> Result<Response, WebError> {
    let r = visible_rectification(&state, &ctx, id, Permission::RectificationsSubmit).await?;
    let upload = crate::kit::upload::read(form).await?;
    if r.status() == yizhan_core::command::rectification::Status::Closed {
        return Err(WebError::Rule {
            field: None,
            key: yizhan_core::command::rectification::KEY_WRONG_STATE,
        });
    }
    store(
        &state,
        &ctx,
        Subject::Rectification { inspection_id: r.inspection_id, id },
        upload.bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/rectifications/{id}")).into_response())
}

async fn serve(state: &AppState, ctx: &Ctx, id: i64, thumb: bool) -> Result<Response, WebError> {
    let p = photos::get(&state.db, id).await?;
    // A photo is seen by whoever may see its inspection (so never before an unannounced one starts).
    if visible_inspection(state, ctx, p.inspection_id, false).await.is_err() {
        return Err(deny(state, ctx, &format!("photo {id}"), WebError::NotFound).await);
    }
    let bytes = photos::data(&state.db, id, thumb).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=86400".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"photo-{id}.jpg\"")),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /photos/{id}`: the stored photo.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    serve(&state, &ctx, id, false).await
}

/// `GET /photos/{id}/thumb`: its thumbnail.
pub async fn thumb(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    serve(&state, &ctx, id, true).await
}
