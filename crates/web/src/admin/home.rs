//! The start page: what this person can reach, with counts.

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
    tiles: Vec<Tile>,
    grants: Vec<String>,
    /// "N directives to confirm", when the person's unit has any.
    pending: Option<String>,
}

/// `GET /`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let mut tiles = Vec::new();
    if p.has(Permission::StationsRead) {
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
                Scope::Enterprise(id) => format!("{} #{id}", tr.t("scope.enterprise")),
            };
            format!("{} · {scope}", tr.t(&format!("role.{}", g.role.as_str())))
        })
        .collect();
    let pending = match crate::command::directives::pending_for(&state, p).await? {
        0 => None,
        n => Some(tr.f("directive.pending", &[("n", &n.to_string())])),
    };
    render::page(&HomePage {
        pending,
        greeting: tr.f("home.greeting", &[("name", &p.display_name)]),
        layout: Layout::new(&state, &ctx, "home.title"),
        tiles,
        grants,
    })
}
