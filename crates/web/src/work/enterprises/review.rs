//! Resumption by review: the enterprise applies and reports resumed, the command approves or
//! rejects with a reason; the review queue. Pages and API share `take_step`.

use super::*;
use yizhan_store::work::Within;

/// The enterprise and the parties this person acts as on it; 404 (audited) when none — the
/// enterprise is not theirs, whatever the route's permission.
async fn acting(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(Enterprise, Vec<Party>), WebError> {
    let e = enterprises::get(&state.db, id).await?;
    let parties = resumption::parties(ctx.user()?, e.target());
    if parties.is_empty() {
        return Err(deny(state, ctx, &format!("enterprise {id}"), WebError::NotFound).await);
    }
    Ok((e, parties))
}

/// The one operation behind the step pages and their API twins: the domain's decision for the
/// caller's parties, then the conditional write. Returns the enterprise as it now stands.
async fn take_step(
    state: &AppState,
    ctx: &Ctx,
    (e, parties): (Enterprise, Vec<Party>),
    step: Step,
    reason: Option<&str>,
) -> Result<Enterprise, WebError> {
    let m =
        resumption::next(&parties, e.status(), step, e.has_plan).map_err(|e| conflict(e.into()))?;
    enterprises::take_step(&state.db, &Actor::from(ctx.user()?), e.id, m, reason, today())
        .await
        .map_err(|e| conflict(e.into()))?;
    Ok(enterprises::get(&state.db, e.id).await?)
}

/// A step from a page: back to the enterprise (or the review queue), or the page again with
/// the refusal. `review` is the command's form, when the step is a review.
async fn step_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    step: Option<Step>,
    review: Option<&ReviewForm>,
) -> Result<Response, WebError> {
    let acting = acting(state, ctx, id).await?;
    let to_queue = review.is_some_and(|f| f.back == "queue");
    let result = match (step, review) {
        (Some(step), None) => take_step(state, ctx, acting, step, None).await,
        (_, Some(f)) => match review_of(f) {
            Ok((step, reason)) => take_step(state, ctx, acting, step, Some(&reason)).await,
            Err(e) => Err(e),
        },
        (None, None) => Err(WebError::BadRequest(String::new())),
    };
    match result {
        Ok(_) if to_queue => Ok(Redirect::to("/enterprises/review").into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = if to_queue {
                render::page(&queue_page(state, ctx, QueueFilter::default(), Some(&e)).await?)?
            } else {
                let typed = review.map(|f| f.reason.clone()).unwrap_or_default();
                let ent = enterprises::get(&state.db, id).await?;
                render::page(&show_page(state, ctx, ent, Some(&e), typed).await?)?
            };
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /enterprises/{id}/apply`: the enterprise applies to resume (its plan filed).
pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    step_page(&state, &ctx, id, Some(Step::Apply), None).await
}

/// `POST /enterprises/{id}/resumed`: the enterprise reports (or the command records) that it
/// has resumed, once approved.
pub async fn resumed(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    step_page(&state, &ctx, id, Some(Step::Resume), None).await
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    /// `queue`: the form was sent from the review queue, go back there.
    #[serde(default)]
    back: String,
}

fn review_of(f: &ReviewForm) -> Result<(Step, String), WebError> {
    Ok(validate_review(&ReviewInput { decision: f.decision.clone(), reason: f.reason.clone() })?)
}

/// `POST /enterprises/{id}/review`: the command approves or rejects, with a reason.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ReviewForm>,
) -> Result<Response, WebError> {
    step_page(&state, &ctx, id, None, Some(&f)).await
}

/// How many applications wait for this reviewer: counted where they are, not read — the city's
/// 20,000 waiting applications were read in full on every view of the register (256 of its
/// 260 ms, issue 21).
pub(super) async fn waiting(state: &AppState, ctx: &Ctx) -> Result<i64, WebError> {
    let u = ctx.user()?.units_for(Permission::ResumptionReview);
    let applied = EnterpriseFilter { resumption: Some(Resumption::Applied), ..Default::default() };
    if u.district {
        return Ok(enterprises::count(&state.db, Within::District, &applied).await?.0);
    }
    let mut n = 0;
    for s in u.streets {
        n += enterprises::count(&state.db, Within::Street(s), &applied).await?.0;
    }
    Ok(n)
}

/// The queue's search, street and page, as the address carries them.
#[derive(Deserialize, Default)]
pub struct QueueFilter {
    /// Part of the name, or the start of the credit code.
    #[serde(default)]
    q: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    page: String,
}

/// Whose applications the queue shows and the street chosen in it: the district's (any street
/// may be chosen), or one of the reviewer's streets (the first, unless another of theirs is
/// chosen). A street that is not theirs is refused on its field.
fn queue_scope(ctx: &Ctx, f: &QueueFilter) -> Result<(Within, Option<i64>, Vec<i64>), WebError> {
    let u = ctx.user()?.units_for(Permission::ResumptionReview);
    let chosen = match f.street.trim() {
        "" => None,
        s => Some(parse_int(s, 1, i64::MAX, "3").on("street")?),
    };
    if u.district {
        return Ok((Within::District, chosen, u.streets));
    }
    let street = match chosen {
        Some(id) if u.streets.contains(&id) => id,
        Some(_) => {
            return Err(WebError::Rule {
                field: Some("street".into()),
                key: "error.street_out_of_scope",
            });
        }
        None => *u.streets.first().ok_or(WebError::Forbidden)?,
    };
    Ok((Within::Street(street), Some(street), u.streets))
}

#[derive(Template)]
#[template(path = "enterprises/review.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<View>,
    pager: Pager,
    /// The streets the reviewer may choose between (none: only one, nothing to choose).
    streets: Vec<Street>,
    all_streets: bool,
    f: QueueFilter,
    /// The chosen street's id ("" for all).
    street: String,
    query: String,
    error: Option<String>,
}

async fn queue_page(
    state: &AppState,
    ctx: &Ctx,
    f: QueueFilter,
    e: Option<&WebError>,
) -> Result<QueuePage, WebError> {
    let tr = ctx.tr();
    let page = page_of(Some(&f.page))?;
    let (within, chosen, mine) = queue_scope(ctx, &f)?;
    let filter = EnterpriseFilter {
        search: f.q.trim().chars().take(50).collect(),
        street_id: chosen,
        resumption: Some(Resumption::Applied),
        ..Default::default()
    };
    let total = enterprises::count(&state.db, within, &filter).await?.0;
    let rows = enterprises::page(
        &state.db,
        within,
        &filter,
        EnterpriseSort::Applied,
        PER_PAGE,
        Pager::offset(page),
    )
    .await?;
    let all_streets = within == Within::District;
    let streets: Vec<Street> = yizhan_store::station::stations::streets(&state.db)
        .await?
        .into_iter()
        .filter(|s| all_streets || mine.contains(&s.id))
        .collect();
    let street = chosen.map(|s| s.to_string()).unwrap_or_default();
    // The export is the register's, narrowed to these applications.
    let query = serde_urlencoded::to_string([
        ("q", f.q.as_str()),
        ("street", street.as_str()),
        ("resumption", Resumption::Applied.as_str()),
    ])
    .unwrap_or_default();
    Ok(QueuePage {
        layout: Layout::new(state, ctx, "resumption.queue"),
        pager: Pager::new(
            &tr,
            "/enterprises/review",
            &[("q", &f.q), ("street", street.as_str())],
            page,
            total,
        ),
        rows: rows.into_iter().map(|e| view(&tr, e)).collect(),
        streets: if all_streets || mine.len() > 1 { streets } else { Vec::new() },
        all_streets,
        street,
        query,
        f,
        error: e.map(|e| e.message(&tr)),
    })
}

/// `GET /enterprises/review`: the review queue (复工申请待审核) of the street or the district,
/// oldest application first, paged and searched on the server.
pub async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<QueueFilter>,
) -> Result<Response, WebError> {
    render::page(&queue_page(&state, &ctx, f, None).await?)
}

/// `POST /api/v1/enterprises/{id}/apply`.
pub async fn api_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<View>, WebError> {
    let acting = acting(&state, &ctx, id).await?;
    let e = take_step(&state, &ctx, acting, Step::Apply, None).await?;
    Ok(Json(view(&ctx.tr(), e)))
}

/// `POST /api/v1/enterprises/{id}/resumed`.
pub async fn api_resumed(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<View>, WebError> {
    let acting = acting(&state, &ctx, id).await?;
    let e = take_step(&state, &ctx, acting, Step::Resume, None).await?;
    Ok(Json(view(&ctx.tr(), e)))
}

/// `POST /api/v1/enterprises/{id}/review` with `{"decision": "approve"|"reject", "reason"}`.
pub async fn api_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Json<View>, WebError> {
    let acting = acting(&state, &ctx, id).await?;
    let f: ReviewInput = json_form(&body)?;
    let (step, reason) = validate_review(&f)?;
    let e = take_step(&state, &ctx, acting, step, Some(&reason)).await?;
    Ok(Json(view(&ctx.tr(), e)))
}
