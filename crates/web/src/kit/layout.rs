//! What every page shares: language, the signed-in user, navigation by role, the CSRF token.

use yizhan_core::access::Permission;

use crate::auth::Ctx;
use crate::i18n::Tr;
use crate::state::AppState;

pub struct NavItem {
    pub href: String,

    pub label: &'static str,
    pub active: bool,
}

pub struct Layout {
    pub tr: Tr,
    pub title: String,
    pub csrf: String,
    pub user: Option<String>,
    pub nav: Vec<NavItem>,
    pub path: String,
}

/// Navigation entries and the permission each needs (None: any signed-in user).
const NAV: &[(&str, &str, Option<Permission>)] = &[
    ("/", "nav.home", None),
    ("/command", "nav.overview", Some(Permission::ReportsRead)),
    ("/stations", "nav.stations", Some(Permission::StationsRead)),
    ("/inspections", "nav.inspections", Some(Permission::InspectionsRead)),
    ("/rectifications", "nav.rectifications", Some(Permission::InspectionsRead)),
    ("/reports", "nav.reports", Some(Permission::ReportsRead)),
    ("/notices", "nav.notices", Some(Permission::InspectionsRead)),
    ("/enterprises", "nav.enterprises", Some(Permission::EnterprisesRead)),
    ("/workers", "nav.workers", Some(Permission::EnterprisesRead)),
    ("/transports", "nav.transports", Some(Permission::ReportsRead)),
    ("/resumption", "nav.resumption", Some(Permission::ReportsRead)),
    ("/indicators", "nav.indicators", Some(Permission::ReportsRead)),
    ("/directives", "nav.directives", Some(Permission::DirectivesRead)),
    ("/task-groups", "nav.task_groups", Some(Permission::ReportsRead)),
    ("/policies", "nav.policies", Some(Permission::PoliciesManage)),
    ("/admin/users", "nav.users", Some(Permission::UsersManage)),
    ("/admin/audit", "nav.audit", Some(Permission::AuditRead)),
];

impl Layout {
    pub fn new(_state: &AppState, ctx: &Ctx, title_key: &str) -> Layout {
        let tr = ctx.tr();
        let active = |href: &str| {
            if href == "/" { ctx.path == "/" } else { ctx.path.starts_with(href) }
        };
        let nav = match &ctx.principal {
            Some(p) if !p.must_change_password => {
                let mut items: Vec<NavItem> = NAV
                    .iter()
                    .filter(|(_, _, perm)| perm.is_none_or(|perm| p.has(perm)))
                    .map(|(href, label, _)| NavItem {
                        href: (*href).to_owned(),
                        label: tr.t(label),
                        active: active(href),
                    })
                    .collect();
                // Station staff work in one station: its round, rooms, guests and key attention
                // are one tap away (inserted in turn after 首页, so the last comes first).
                if let Some(station) = p.grants.iter().find_map(|g| match g.scope {
                    yizhan_core::access::Scope::Station(id) => Some(id),
                    _ => None,
                }) {
                    for (suffix, label, perm) in [
                        ("releases", "release.title", Permission::GuestsRead),
                        ("attention", "attention.title", Permission::GuestsRead),
                        ("guests", "nav.guests", Permission::GuestsRead),
                        ("rooms", "nav.rooms", Permission::StationsRead),
                        ("round", "health.round", Permission::HealthRecord),
                    ] {
                        if p.has(perm) {
                            let href = format!("/stations/{station}/{suffix}");
                            items.insert(
                                1,
                                NavItem { active: active(&href), href, label: tr.t(label) },
                            );
                        }
                    }
                }
                items
            }
            _ => Vec::new(),
        };
        Layout {
            title: tr.t(title_key).to_owned(),
            csrf: ctx.csrf.clone(),
            user: ctx.principal.as_ref().map(|p| p.display_name.clone()),
            nav,
            path: ctx.path.clone(),
            tr,
        }
    }

    /// For pages rendered before a request context exists.
    pub fn bare(tr: Tr, title_key: &str) -> Layout {
        Layout {
            title: tr.t(title_key).to_owned(),
            csrf: String::new(),
            user: None,
            nav: Vec::new(),
            path: "/".into(),
            tr,
        }
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }
}
