//! Supplies (物资) of a station: items with stock and low-stock alerts, movements in and out;
//! and the meal log (送餐) with the special diets of the guests staying now.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::care::supplies::{
    Category, Diet, ItemInput, Meal, MealInput, MovementInput, validate_item, validate_meal,
    validate_movement,
};
use yizhan_core::error::OnField;
use yizhan_core::mask::mask_name;
use yizhan_core::time::local_display;
use yizhan_core::validate::{optional_text, parse_choice};
use yizhan_store::care::supplies::{self, DietRow, Item, MealRow, Movement};
use yizhan_store::station::stations::Station;

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::export::{self, Cell};
use crate::kit::extract::{FormBody, Id, RawBody, json_form};
use crate::kit::layout::Layout;
use crate::kit::options;
use crate::kit::render;
use crate::kit::today;
use crate::policy::require;
use crate::state::AppState;
use crate::station::stations::visible;
use crate::station::stays::visible_stay;

#[derive(Template)]
#[template(path = "supplies/show.html")]
struct ShowPage {
    layout: Layout,
    station: Station,
    items: Vec<(Item, String)>,
    low: usize,
    movements: Vec<(Movement, String)>,
    categories: Vec<(&'static str, String)>,
    fi: ItemInput,
    can_manage: bool,
    error: Option<String>,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    fi: ItemInput,
    e: Option<&WebError>,
) -> Result<ShowPage, WebError> {
    let tr = ctx.tr();
    let items: Vec<(Item, String)> = supplies::items(&state.db, station.id)
        .await?
        .into_iter()
        .map(|i| {
            let c = tr.t(i.category.label_key()).to_owned();
            (i, c)
        })
        .collect();
    Ok(ShowPage {
        layout: Layout::new(state, ctx, "supplies.title"),
        low: items.iter().filter(|(i, _)| i.is_low()).count(),
        items,
        movements: supplies::movements(&state.db, station.id, 50)
            .await?
            .into_iter()
            .map(|m| {
                let at = local_display(m.at);
                (m, at)
            })
            .collect(),
        categories: options(&tr, Category::ALL, Category::as_str, Category::label_key),
        can_manage: ctx.user()?.can(Permission::SuppliesManage, station.target()),
        error: e.map(|e| e.message(&tr)),
        station,
        fi,
    })
}

fn blank_item() -> ItemInput {
    ItemInput { category: "ppe".into(), ..Default::default() }
}

/// `GET /stations/{id}/supplies`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    render::page(&show_page(&state, &ctx, station, blank_item(), None).await?)
}

async fn back_or_redisplay(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    fi: ItemInput,
    result: Result<(), WebError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{}/supplies", station.id)).into_response()),
        Err(e) if e.is_correctable() => {
            let page = show_page(state, ctx, station, fi, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /stations/{id}/supplies`.
pub async fn create_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<ItemInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::SuppliesManage).await?;
    let result = async {
        let i = validate_item(&f)?;
        supplies::create_item(&state.db, &Actor::from(ctx.user()?), id, &i).await?;
        Ok(())
    }
    .await;
    back_or_redisplay(&state, &ctx, station, f, result).await
}

async fn move_for(
    state: &AppState,
    ctx: &Ctx,
    item: &Item,
    f: &MovementInput,
) -> Result<i64, WebError> {
    let m = validate_movement(f)?;
    Ok(supplies::move_stock(&state.db, &Actor::from(ctx.user()?), item.id, &m).await?)
}

async fn visible_item(state: &AppState, ctx: &Ctx, id: i64) -> Result<Item, WebError> {
    let item = supplies::item(&state.db, id).await?;
    require(state, ctx, Permission::SuppliesManage, item.target(), format!("supply item {id}"))
        .await?;
    Ok(item)
}

/// `POST /supplies/{id}/movements`.
pub async fn move_stock(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<MovementInput>,
) -> Result<Response, WebError> {
    let item = visible_item(&state, &ctx, id).await?;
    let station = yizhan_store::station::stations::get(&state.db, item.station_id).await?;
    let result = move_for(&state, &ctx, &item, &f).await.map(|_| ());
    back_or_redisplay(&state, &ctx, station, blank_item(), result).await
}

/// `GET /stations/{id}/supplies/export.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = supplies::items(&state.db, id)
        .await?
        .into_iter()
        .map(|i| {
            vec![
                Cell::from(i.name.clone()),
                Cell::from(tr.t(i.category.label_key()).to_owned()),
                Cell::from(i.stock),
                Cell::from(i.unit.clone()),
                Cell::from(i.low_threshold),
                Cell::from(if i.is_low() {
                    tr.t("supplies.low").to_owned()
                } else {
                    String::new()
                }),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "supplies.title",
        &[
            "field.name",
            "field.supply_category",
            "field.stock",
            "field.unit",
            "field.low_threshold",
            "supplies.status",
        ],
        &rows,
    )
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ApiItem {
    #[serde(flatten)]
    pub item: Item,
    pub low: bool,
}

/// `GET /api/v1/stations/{id}/supplies`: items with `low` when at or below their threshold.
pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<Vec<ApiItem>>, WebError> {
    visible(&state, &ctx, id, Permission::StaffRead).await?;
    Ok(Json(
        supplies::items(&state.db, id)
            .await?
            .into_iter()
            .map(|item| ApiItem { low: item.is_low(), item })
            .collect(),
    ))
}

/// `POST /api/v1/supplies/{id}/movements` {direction: in|out, quantity, reason}.
pub async fn api_move(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    RawBody(body): RawBody,
) -> Result<Response, WebError> {
    let item = visible_item(&state, &ctx, id).await?;
    let f: MovementInput = json_form(&body)?;
    let stock = move_for(&state, &ctx, &item, &f).await?;
    let item = supplies::item(&state.db, id).await?;
    Ok(Json(ApiItem { low: item.is_low(), item: Item { stock, ..item } }).into_response())
}

#[derive(Template)]
#[template(path = "supplies/meals.html")]
struct MealsPage {
    layout: Layout,
    station: Station,
    meals: Vec<(MealRow, String)>,
    diets: Vec<(DietRow, String, String)>,
    stays: Vec<(i64, String)>,
    meal_options: Vec<(&'static str, String)>,
    diet_options: Vec<(&'static str, String)>,
    fm: MealInput,
    can_record: bool,
    error: Option<String>,
}

async fn meals_page(
    state: &AppState,
    ctx: &Ctx,
    station: Station,
    fm: MealInput,
    e: Option<&WebError>,
) -> Result<MealsPage, WebError> {
    let tr = ctx.tr();
    Ok(MealsPage {
        layout: Layout::new(state, ctx, "meals.title"),
        meals: supplies::meals(&state.db, station.id, 60)
            .await?
            .into_iter()
            .map(|m| {
                let l = tr.t(m.meal.label_key()).to_owned();
                (m, l)
            })
            .collect(),
        diets: supplies::diets(&state.db, station.id)
            .await?
            .into_iter()
            .map(|d| {
                let l = tr.t(d.diet.label_key()).to_owned();
                let n = mask_name(&d.guest_name);
                (d, n, l)
            })
            .collect(),
        stays: yizhan_store::station::attention::facts(&state.db, station.id, today())
            .await?
            .into_iter()
            .map(|f| (f.stay_id, format!("{} {}", f.room_number, mask_name(&f.guest_name))))
            .collect(),
        meal_options: options(&tr, Meal::ALL, Meal::as_str, Meal::label_key),
        diet_options: options(&tr, Diet::ALL, Diet::as_str, Diet::label_key),
        can_record: ctx.user()?.can(Permission::CareRecord, station.target()),
        error: e.map(|e| e.message(&tr)),
        station,
        fm,
    })
}

fn blank_meal() -> MealInput {
    MealInput { day: today().to_string(), meal: "lunch".into(), ..Default::default() }
}

/// `GET /stations/{id}/meals`.
pub async fn meals(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    render::page(&meals_page(&state, &ctx, station, blank_meal(), None).await?)
}

/// `POST /stations/{id}/meals`.
pub async fn record_meal(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<MealInput>,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::CareRecord).await?;
    let result = async {
        let m = validate_meal(&f, today())?;
        supplies::record_meal(&state.db, &Actor::from(ctx.user()?), id, &m).await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/stations/{id}/meals")).into_response()),
        Err(e) if e.is_correctable() => {
            let page = meals_page(&state, &ctx, station, f, Some(&e)).await?;
            Ok((e.status(), render::page(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct DietForm {
    #[serde(default)]
    diet: String,
    #[serde(default)]
    note: String,
}

/// `POST /stays/{id}/diet`.
pub async fn set_diet(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<DietForm>,
) -> Result<Response, WebError> {
    let stay = visible_stay(&state, &ctx, id, Permission::CareRecord).await?;
    let diet = parse_choice(&f.diet, Diet::parse, "halal").on("diet")?;
    let note = optional_text(&f.note, 100).on("note")?;
    supplies::set_diet(&state.db, &Actor::from(ctx.user()?), id, diet, note.as_deref()).await?;
    Ok(Redirect::to(&format!("/stations/{}/meals", stay.station_id)).into_response())
}

/// `GET /stations/{id}/meals/export.xlsx`.
pub async fn export_meals(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let station = visible(&state, &ctx, id, Permission::StaffRead).await?;
    let tr = ctx.tr();
    let rows: Vec<Vec<Cell>> = supplies::meals(&state.db, id, 100_000)
        .await?
        .into_iter()
        .map(|m| {
            vec![
                Cell::from(m.day.to_string()),
                Cell::from(tr.t(m.meal.label_key()).to_owned()),
                Cell::from(m.portions),
                Cell::from(m.special),
                Cell::from(m.note.unwrap_or_default()),
                Cell::from(m.recorded_by),
            ]
        })
        .collect();
    export::station_list(
        &tr,
        &station.name,
        "meals.title",
        &[
            "field.day",
            "field.meal",
            "field.portions",
            "field.special",
            "field.note",
            "meals.recorded_by",
        ],
        &rows,
    )
}
