//! The start page: the person's to-do (admin/todo.rs) first, then what they can reach, and who
//! they are here — a station's or an enterprise's name, not a number.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use yizhan_core::access::{Permission, Scope};
use yizhan_store::{admin::users, station::stations};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::kit::layout::Layout;
use crate::kit::render;
use crate::state::AppState;

pub struct Tile {
    pub href: &'static str,
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    greeting: String,
    todos: Vec<crate::admin::todo::Todo>,
    tiles: Vec<Tile>,
    grants: Vec<String>,
}

/// `GET /`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let mut tiles = Vec::new();
    // A station worker's station is in the menu and the to-do; the count of one is no news.
    if p.has(Permission::StationsRead) && crate::kit::layout::own_station(p).is_none() {
        let all = stations::list(&state.db).await?;
        let visible = all.iter().filter(|s| p.can(Permission::StationsRead, s.target())).count();
        tiles.push(Tile {
            href: "/stations",
            value: visible.to_string(),
            label: tr.t("home.stations").to_owned(),
        });
    }
    if p.has(Permission::UsersManage) {
        tiles.push(Tile {
            href: "/admin/users",
            value: users::count(&state.db).await?.to_string(),
            label: tr.t("home.users").to_owned(),
        });
    }
    let streets = stations::streets(&state.db).await?;
    let mut enterprises = Vec::new();
    for g in &p.grants {
        if let Scope::Enterprise(id) = g.scope {
            enterprises.push((id, yizhan_store::work::enterprises::get(&state.db, id).await?.name));
        }
    }
    let all_stations = stations::list(&state.db).await?;
    let grants = p
        .grants
        .iter()
        .map(|g| {
            let scope = match g.scope {
                Scope::District => tr.t("scope.district").to_owned(),
                Scope::Street(id) => streets
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| format!("#{id}")),
                Scope::Station(id) => all_stations
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| format!("#{id}")),
                Scope::Enterprise(id) => enterprises
                    .iter()
                    .find(|e| e.0 == id)
                    .map(|e| e.1.clone())
                    .unwrap_or_else(|| format!("{} #{id}", tr.t("scope.enterprise"))),
            };
            format!("{} · {scope}", tr.t(&format!("role.{}", g.role.as_str())))
        })
        .collect();
    let todos = crate::admin::todo::todos(&state, &ctx).await?;
    render::page(&HomePage {
        todos,
        greeting: tr.f("home.greeting", &[("name", &p.display_name)]),
        layout: Layout::new(&state, &ctx, "home.title"),
        tiles,
        grants,
    })
}
