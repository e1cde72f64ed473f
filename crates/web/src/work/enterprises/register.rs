//! The register of enterprises: paged, searched, filtered and sorted on the server, its .xlsx
//! and its API twin.

use super::*;

/// A list's search, filters, order and page, as the address carries them.
#[derive(Deserialize, Default)]
pub struct Filter {
    /// Part of the name, or the start of the credit code.
    #[serde(default)]
    q: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    resumption: String,
    /// `1`: above-scale (规上) only.
    #[serde(default)]
    above_scale: String,
    /// `street` (default), `name`, `headcount` or `updated`.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

impl Filter {
    /// The store's filter; an unknown street, industry or status is refused on its field.
    fn store(&self) -> Result<EnterpriseFilter, WebError> {
        let blank = |s: &str| s.trim().is_empty();
        Ok(EnterpriseFilter {
            search: self.q.trim().chars().take(50).collect(),
            street_id: if blank(&self.street) {
                None
            } else {
                Some(parse_int(&self.street, 1, i64::MAX, "3").on("street")?)
            },
            industry: if blank(&self.industry) {
                None
            } else {
                Some(
                    parse_choice(&self.industry, Industry::parse, "manufacturing")
                        .on("industry")?,
                )
            },
            resumption: if blank(&self.resumption) {
                None
            } else {
                Some(
                    parse_choice(&self.resumption, Resumption::parse, "resumed")
                        .on("resumption")?,
                )
            },
            above_scale: self.above_scale == "1",
        })
    }

    fn sort(&self) -> Result<EnterpriseSort, WebError> {
        Ok(match self.sort.trim() {
            "" | "street" => EnterpriseSort::Street,
            "name" => EnterpriseSort::Name,
            "headcount" => EnterpriseSort::Headcount,
            "updated" => EnterpriseSort::Updated,
            _ => {
                return Err(WebError::invalid(
                    "sort",
                    Invalid::BadFormat { hint: "street, name, headcount, updated" }.text(),
                ));
            }
        })
    }

    /// The search and filters, for links that keep them (the pager, the export).
    fn params(&self) -> [(&'static str, &str); 6] {
        [
            ("q", &self.q),
            ("street", &self.street),
            ("industry", &self.industry),
            ("resumption", &self.resumption),
            ("above_scale", &self.above_scale),
            ("sort", &self.sort),
        ]
    }
}

/// One page of the list (`limit` rows from `offset`), the count it is out of and how many of
/// those have resumed.
async fn rows(
    state: &AppState,
    ctx: &Ctx,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<View>, i64, i64), WebError> {
    let tr = ctx.tr();
    let within = crate::work::scope_of(ctx)?;
    let filter = f.store()?;
    let (total, resumed) = enterprises::count(&state.db, within, &filter).await?;
    let page = enterprises::page(&state.db, within, &filter, f.sort()?, limit, offset).await?;
    Ok((page.into_iter().map(|e| view(&tr, e)).collect(), total, resumed))
}

#[derive(Template)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<View>,
    total: i64,
    resumed: i64,
    pager: Pager,
    streets: Vec<Street>,
    industries: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    sorts: Vec<(&'static str, String)>,
    f: Filter,
    can_create: bool,
    query: String,
    /// Applications waiting for this reviewer, when the person reviews.
    pending: Option<i64>,
}

/// `GET /enterprises`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let page = page_of(Some(&f.page))?;
    let (rows, total, resumed) = rows(&state, &ctx, &f, PER_PAGE, Pager::offset(page)).await?;
    let streets = writable_or_readable_streets(&state, &ctx, Permission::EnterprisesRead).await?;
    let pending = if ctx.user()?.has(Permission::ResumptionReview) {
        Some(super::review::waiting(&state, &ctx).await?)
    } else {
        None
    };
    render::page(&ListPage {
        layout: Layout::new(&state, &ctx, "enterprise.title"),
        pending,
        resumed,
        total,
        pager: Pager::new(&tr, "/enterprises", &f.params(), page, total),
        can_create: !writable_or_readable_streets(&state, &ctx, Permission::EnterprisesWrite)
            .await?
            .is_empty(),
        industries: options(&tr, Industry::ALL, Industry::as_str, Industry::label_key),
        statuses: options(&tr, Resumption::ALL, Resumption::as_str, Resumption::label_key),
        sorts: ["street", "name", "headcount", "updated"]
            .iter()
            .map(|k| (*k, tr.t(&format!("enterprise.sort.{k}")).to_owned()))
            .collect(),
        query: serde_urlencoded::to_string(f.params()).unwrap_or_default(),
        streets,
        rows,
        f,
    })
}

/// The most rows an export writes.
const EXPORT_ROWS: i64 = 100_000;

/// Streets where this person may do `perm` (an enterprise's own account has none).
pub(super) async fn writable_or_readable_streets(
    state: &AppState,
    ctx: &Ctx,
    perm: Permission,
) -> Result<Vec<Street>, WebError> {
    let p = ctx.user()?;
    Ok(yizhan_store::station::stations::streets(&state.db)
        .await?
        .into_iter()
        .filter(|s| p.can(perm, Target::Street(s.id)))
        .collect())
}

/// `GET /enterprises/export.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    let tr = ctx.tr();
    let yes = tr.t("common.yes").to_owned();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    // The whole list as filtered (a district's register: 20,000 rows).
    let data: Vec<Vec<Cell>> = rows(&state, &ctx, &f, EXPORT_ROWS, 0)
        .await?
        .0
        .into_iter()
        .map(|v| {
            vec![
                Cell::from(v.e.uscc.clone()),
                Cell::from(v.e.name.clone()),
                Cell::from(v.e.street.clone()),
                Cell::from(v.industry_label),
                Cell::from(if v.e.above_scale { yes.clone() } else { String::new() }),
                Cell::from(v.e.headcount),
                Cell::from(v.e.contact_name.clone()),
                Cell::from(v.e.contact_phone.clone()),
                Cell::from(v.resumption_label),
                Cell::from(date(v.e.applied_on)),
                Cell::from(date(v.e.approved_on)),
                Cell::from(date(v.e.resumed_on)),
                Cell::from(if v.e.has_plan { yes.clone() } else { String::new() }),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        tr.t("rectification.district"),
        "enterprise.title",
        &[
            "field.uscc",
            "field.name",
            "field.street_id",
            "field.industry",
            "field.above_scale",
            "field.headcount",
            "field.contact_name",
            "field.contact_phone",
            "field.resumption",
            "field.applied_on",
            "field.approved_on",
            "field.resumed_on",
            "enterprise.plan",
        ],
        &data,
    )
}

/// A page of the API's list: which page, how many there are, the rows.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiPage {
    pub total: i64,
    pub resumed: i64,
    pub page: i64,
    pub per_page: i64,
    pub enterprises: Vec<View>,
}

/// `GET /api/v1/enterprises`: a page of the enterprises in the reader's scope (phones masked),
/// searched and filtered like the page.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> Result<Json<ApiPage>, WebError> {
    let page = page_of(Some(&f.page))?;
    let (enterprises, total, resumed) =
        rows(&state, &ctx, &f, PER_PAGE, Pager::offset(page)).await?;
    Ok(Json(ApiPage { total, resumed, page, per_page: PER_PAGE, enterprises }))
}
