//! The enterprise picker: a district has 20,000 enterprises, so a form that names one (a
//! worker's employer) or many (a directive's recipients) searches for them on the server — by
//! name or credit code, street and industry — 50 at a time, keeping those already chosen, with
//! "all that this search finds" for a directive. `GET /enterprises/pick` answers the form's
//! searches with the same fragment the form starts with.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use yizhan_core::access::Principal;
use yizhan_core::work::enterprise::Industry;
use yizhan_store::station::stations::Street;
use yizhan_store::work::enterprises::{self, Enterprise, EnterpriseFilter, EnterpriseSort};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::extract::Query;
use crate::kit::options;
use crate::kit::render;
use crate::state::AppState;
use crate::work::scope_of;

/// How many matches a search shows.
const SHOWN: i64 = 50;

/// The fields a picker can fill: a directive's recipients (many) or a worker's employer (one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Recipient,
    Employer,
    /// The enterprise an inspection is of.
    Unit,
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        match s {
            "recipient" => Some(Field::Recipient),
            "enterprise_id" => Some(Field::Employer),
            "unit" => Some(Field::Unit),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Field::Recipient => "recipient",
            Field::Employer => "enterprise_id",
            Field::Unit => "unit",
        }
    }
    pub fn multi(self) -> bool {
        self == Field::Recipient
    }
    /// The value an enterprise is sent as.
    pub fn value(self, id: &i64) -> String {
        match self {
            Field::Recipient | Field::Unit => format!("enterprise:{id}"),
            Field::Employer => id.to_string(),
        }
    }
    /// The enterprise a sent value names.
    fn id_of(self, v: &str) -> Option<i64> {
        match self {
            Field::Recipient | Field::Unit => v.strip_prefix("enterprise:")?.parse().ok(),
            Field::Employer => v.parse().ok(),
        }
    }
}

/// A picker's search: what is typed, the street and the industry (`pick_*`, so that they do
/// not mix with the form's own fields).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Search {
    #[serde(default)]
    pub pick_q: String,
    #[serde(default)]
    pub pick_street: String,
    #[serde(default)]
    pub pick_industry: String,
}

impl Search {
    /// The store's filter; a street or industry that is not one finds nothing rather than all.
    pub fn filter(&self) -> EnterpriseFilter {
        EnterpriseFilter {
            search: self.pick_q.trim().chars().take(50).collect(),
            street_id: self
                .pick_street
                .trim()
                .parse()
                .ok()
                .or_else(|| (!self.pick_street.trim().is_empty()).then_some(-1)),
            industry: Industry::parse(self.pick_industry.trim()),
            ..Default::default()
        }
    }
    fn narrowed(&self) -> bool {
        !(self.pick_q.trim().is_empty()
            && self.pick_street.trim().is_empty()
            && self.pick_industry.trim().is_empty())
    }
}

#[derive(Template)]
#[template(path = "kit/enterprise_picker.html")]
pub struct Picker {
    pub tr: Tr,
    pub field: Field,
    pub search: Search,
    pub selected: Vec<Enterprise>,
    pub found: Vec<Enterprise>,
    pub total: i64,
    pub streets: Vec<Street>,
    pub industries: Vec<(&'static str, String)>,
    /// Only the results (a search's answer), not the search fields around them.
    pub results_only: bool,
}

impl Picker {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }
    /// The picker inside a form's page.
    pub fn html(&self) -> String {
        self.render().unwrap_or_default()
    }
    /// "All that this search finds" for a directive, as the value the form sends.
    pub fn all_value(&self) -> String {
        serde_urlencoded::to_string([
            ("pick_q", self.search.pick_q.trim()),
            ("pick_street", self.search.pick_street.trim()),
            ("pick_industry", self.search.pick_industry.trim()),
        ])
        .unwrap_or_default()
    }
    pub fn offers_all(&self) -> bool {
        self.field.multi() && self.search.narrowed() && self.total > 0
    }
    pub fn summary(&self) -> String {
        let key = if self.total > SHOWN { "picker.more" } else { "picker.found" };
        self.tr.f(key, &[("n", &self.total.to_string()), ("shown", &SHOWN.to_string())])
    }
    pub fn all_label(&self) -> String {
        self.tr.f("picker.all", &[("n", &self.total.to_string())])
    }
    pub fn is_selected(&self, id: &i64) -> bool {
        self.selected.iter().any(|e| e.id == *id)
    }
}

/// A picker for `field` after `search`, with the enterprises `chosen` (the form's values) kept.
pub async fn picker(
    state: &AppState,
    ctx: &Ctx,
    field: Field,
    search: Search,
    chosen: &[String],
) -> Result<Picker, WebError> {
    let tr = ctx.tr();
    let within = scope_of(ctx)?;
    let p: &Principal = ctx.user()?;
    let ids: Vec<i64> = chosen.iter().filter_map(|v| field.id_of(v)).take(500).collect();
    let selected: Vec<Enterprise> = enterprises::by_ids(&state.db, &ids)
        .await?
        .into_iter()
        .filter(|e| p.can(yizhan_core::access::Permission::EnterprisesRead, e.target()))
        .collect();
    let filter = search.filter();
    let (total, _) = enterprises::count(&state.db, within, &filter).await?;
    let found =
        enterprises::page(&state.db, within, &filter, EnterpriseSort::Name, SHOWN, 0).await?;
    let streets = yizhan_store::station::stations::streets(&state.db).await?;
    Ok(Picker {
        industries: options(&tr, Industry::ALL, Industry::as_str, Industry::label_key),
        tr,
        field,
        search,
        selected,
        found,
        total,
        streets,
        results_only: false,
    })
}

/// Who searches enterprises in a form: those who write for them, issue directives or plan
/// inspections.
pub fn may_pick(p: &Principal) -> bool {
    use yizhan_core::access::Permission::*;
    [EnterprisesWrite, DirectivesIssue, InspectionsManage].iter().any(|perm| p.has(*perm))
}

/// `GET /enterprises/pick`: a picker's search, answered with its results.
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !may_pick(ctx.user()?) {
        return Err(
            crate::policy::deny(&state, &ctx, "enterprise search", WebError::Forbidden).await
        );
    }
    let get =
        |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let field = Field::parse(&get("field")).ok_or_else(|| {
        WebError::invalid(
            "field",
            yizhan_core::validate::Invalid::BadFormat { hint: "recipient, enterprise_id" }.text(),
        )
    })?;
    let chosen: Vec<String> =
        pairs.iter().filter(|(k, _)| k == field.name()).map(|(_, v)| v.clone()).collect();
    let search = Search {
        pick_q: get("pick_q"),
        pick_street: get("pick_street"),
        pick_industry: get("pick_industry"),
    };
    let mut p = picker(&state, &ctx, field, search, &chosen).await?;
    p.results_only = true;
    render::page(&p)
}

/// The enterprises "all that this search finds" stands for, as a directive's recipients.
pub async fn all_found(
    state: &AppState,
    ctx: &Ctx,
    value: &str,
    limit: i64,
) -> Result<Vec<String>, WebError> {
    let search: Search = serde_urlencoded::from_str(value).unwrap_or_default();
    if !search.narrowed() {
        return Ok(Vec::new());
    }
    let ids = enterprises::ids(&state.db, scope_of(ctx)?, &search.filter(), limit).await?;
    Ok(ids.iter().map(|id| Field::Recipient.value(id)).collect())
}

/// The employer picker of a form that acts for one enterprise (a worker, a difficulty, a
/// relief application), for someone who writes for enterprises; an enterprise's own clerk finds
/// theirs chosen already. None for someone who does not.
pub async fn enterprise_field(
    state: &AppState,
    ctx: &Ctx,
    chosen: &str,
) -> Result<Option<Picker>, WebError> {
    if !ctx.user()?.has(yizhan_core::access::Permission::EnterprisesWrite) {
        return Ok(None);
    }
    let chosen = match (chosen.trim(), scope_of(ctx)?) {
        ("", yizhan_store::work::Within::Enterprise(id)) => id.to_string(),
        (c, _) => c.to_owned(),
    };
    Ok(Some(picker(state, ctx, Field::Employer, Search::default(), &[chosen]).await?))
}
