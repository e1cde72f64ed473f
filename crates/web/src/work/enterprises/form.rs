//! Registering an enterprise and editing it, by page and by API, with the same checks.

use super::*;

#[derive(Template)]
#[template(path = "enterprises/form.html")]
struct FormPage {
    layout: Layout,
    id: Option<i64>,
    f: EnterpriseInput,
    streets: Vec<Street>,
    industries: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    error: Option<String>,
    /// The status is not this person's to set here (the enterprise's own account): shown, not
    /// editable; it moves by applying and by the command's review.
    locked: Option<String>,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: EnterpriseInput,
    e: Option<&WebError>,
) -> Result<FormPage, WebError> {
    let tr = ctx.tr();
    let p = ctx.user()?;
    let mut streets = yizhan_store::station::stations::streets(&state.db).await?;
    let mut locked = None;
    match id {
        None => streets.retain(|s| p.can(Permission::EnterprisesWrite, Target::Street(s.id))),
        Some(id) => {
            let stored = enterprises::get(&state.db, id).await?;
            if !resumption::parties(p, stored.target()).contains(&Party::Command) {
                locked = Some(tr.t(stored.resumption.label_key()).to_owned());
            }
        }
    }
    Ok(FormPage {
        layout: Layout::new(state, ctx, "enterprise.title"),
        locked,
        id,
        f,
        streets,
        industries: options(&tr, Industry::ALL, Industry::as_str, Industry::label_key),
        statuses: options(&tr, Resumption::ALL, Resumption::as_str, Resumption::label_key),
        error: e.map(|e| e.message(&tr)),
    })
}

/// Registering a new enterprise is for the district and the streets; an enterprise's own
/// account edits itself only.
async fn may_register(state: &AppState, ctx: &Ctx) -> Result<(), WebError> {
    if writable_or_readable_streets(state, ctx, Permission::EnterprisesWrite).await?.is_empty() {
        return Err(deny(state, ctx, "enterprise register", WebError::Forbidden).await);
    }
    Ok(())
}

/// `GET /enterprises/new`.
pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    may_register(&state, &ctx).await?;
    let f = EnterpriseInput {
        resumption: "not_started".into(),
        industry: "manufacturing".into(),
        ..Default::default()
    };
    render::page(&form_page(&state, &ctx, None, f, None).await?)
}

fn input_of(e: &Enterprise) -> EnterpriseInput {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    EnterpriseInput {
        uscc: e.uscc.clone(),
        name: e.name.clone(),
        street_id: e.street_id.to_string(),
        industry: e.industry.to_string(),
        above_scale: if e.above_scale { "on".into() } else { String::new() },
        headcount: e.headcount.to_string(),
        contact_name: e.contact_name.clone(),
        contact_phone: e.contact_phone.clone(),
        resumption: e.resumption.as_str().to_owned(),
        applied_on: date(e.applied_on),
        approved_on: date(e.approved_on),
        resumed_on: date(e.resumed_on),
    }
}

/// `GET /enterprises/{id}/edit`.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let e = visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    render::page(&form_page(&state, &ctx, Some(id), input_of(&e), None).await?)
}

/// `POST /enterprises` (new), `POST /enterprises/{id}` and `PUT /api/v1/enterprises/{id}` (edit)
/// share the checks: the status locked for whoever is not the command (blanks take the stored
/// values, a change is refused naming the field), valid input, the (new) street in the writer's
/// scope, and the status still the one checked when the write lands.
async fn save_op(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &mut EnterpriseInput,
) -> Result<i64, WebError> {
    let p = ctx.user()?;
    let stored = match id {
        Some(id) => Some(enterprises::get(&state.db, id).await?),
        None => None,
    };
    if let Some(e) = &stored {
        lock_form(&resumption::parties(p, e.target()), &e.progress(), f)?;
    }
    let n = validate_enterprise(f, today())?;
    let target = match id {
        Some(id) => Target::Enterprise { id, street: n.street_id },
        None => Target::Street(n.street_id),
    };
    if !p.can(Permission::EnterprisesWrite, target) {
        return Err(WebError::Rule {
            field: Some("street_id".into()),
            key: "error.street_out_of_scope",
        });
    }
    let actor = Actor::from(p);
    Ok(match stored {
        Some(e) => {
            enterprises::update(&state.db, &actor, e.id, e.status(), &n)
                .await
                .map_err(|e| conflict(e.into()))?;
            e.id
        }
        None => enterprises::create(&state.db, &actor, &n).await?,
    })
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    mut f: EnterpriseInput,
) -> Result<Response, WebError> {
    match save_op(state, ctx, id, &mut f).await {
        Ok(id) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = form_page(state, ctx, id, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /enterprises`.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    FormBody(f): FormBody<EnterpriseInput>,
) -> Result<Response, WebError> {
    may_register(&state, &ctx).await?;
    save(&state, &ctx, None, f).await
}

/// `POST /enterprises/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<EnterpriseInput>,
) -> Result<Response, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    save(&state, &ctx, Some(id), f).await
}

/// `PUT /api/v1/enterprises/{id}`: the edit form's twin, with the same checks.
pub async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<View>, WebError> {
    visible(&state, &ctx, id, Permission::EnterprisesWrite).await?;
    let mut f: EnterpriseInput = json_form(&body)?;
    save_op(&state, &ctx, Some(id), &mut f).await?;
    let e = enterprises::get(&state.db, id).await?;
    Ok(Json(view(&ctx.tr(), e)))
}
