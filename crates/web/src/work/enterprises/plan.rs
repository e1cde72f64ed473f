//! The prevention plan an enterprise files: uploaded as a file, always downloaded as one.

use super::*;

/// `POST /enterprises/{id}/plan?_csrf=…`: files the prevention plan (PDF, Word, picture).
pub async fn upload_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    form: crate::kit::upload::Form,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    let upload = crate::kit::upload::read(form).await?;
    let (content_type, sha, name) = crate::kit::upload::document(&upload)?;
    enterprises::file_plan(
        &state.db,
        &Actor::from(ctx.user()?),
        id,
        &name,
        content_type,
        &sha,
        &upload.bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}")).into_response())
}

/// `GET /enterprises/{id}/plan`: the filed plan, always as a download.
pub async fn download_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesRead).await?;
    let plan = enterprises::plan(&state.db, id).await?.ok_or(WebError::NotFound)?;
    let data = enterprises::plan_data(&state.db, id).await?;
    let encoded = crate::policy::urlencode(&plan.name).replace('+', "%20");
    Ok((
        [
            (header::CONTENT_TYPE, plan.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"plan\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}
