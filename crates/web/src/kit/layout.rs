//! What every page shares: language, the signed-in user, the navigation by area and role (with
//! the station in view as context), breadcrumbs, the CSRF token.

use yizhan_core::access::{Permission, Principal, Scope, Target};

use crate::auth::Ctx;
use crate::i18n::Tr;
use crate::state::AppState;

pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub active: bool,
    /// The id of the badge slot the nav's counts fill in (`admin::badges`).
    pub badge: String,
    /// The first page of the station in view: its name (filled in by `admin::badges`) heads it.
    pub starts_station: Option<i64>,
}

/// One area of the product in the side navigation.
pub struct NavGroup {
    pub label: &'static str,
    /// Its icon in `assets/vendor/icons.svg`: the area's name (station, people, command …).
    pub icon: &'static str,
    pub items: Vec<NavItem>,
}

/// A step of the breadcrumb above a page that is not itself in the navigation.
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

pub struct Layout {
    pub tr: Tr,
    pub title: String,
    pub csrf: String,
    pub user: Option<String>,
    pub nav: Vec<NavGroup>,
    pub crumbs: Vec<Crumb>,
    pub path: String,
    /// The station in view, for the counts' request.
    pub station: Option<i64>,
    /// What the person just did was saved: the page says so once (a toast).
    pub saved: bool,
}

/// Who sees an entry: a permission held somewhere, or one over the whole district.
#[derive(Clone, Copy)]
enum Need {
    Any(Permission),
    District(Permission),
    SignedIn,
}

impl Need {
    fn met(self, p: &Principal) -> bool {
        match self {
            Need::Any(perm) => p.has(perm),
            Need::District(perm) => p.can(perm, Target::District),
            Need::SignedIn => true,
        }
    }
}

type Entry = (&'static str, &'static str, Need);

use Need::*;
use Permission::*;

/// The district-wide part of each area: (group label, entries).
const AREAS: &[(&str, &[Entry])] = &[
    (
        "nav.group.station",
        &[
            ("/stations", "nav.stations", Any(StationsRead)),
            ("/board/district", "nav.district_board", District(StationsRead)),
            ("/cases", "case.title", Any(GuestsRead)),
            ("/transfers", "transfer.dispatch_title", District(TransfersAllocate)),
            ("/arrivals", "arrival.title", District(TransfersAllocate)),
        ],
    ),
    ("nav.group.people", &[]),
    (
        "nav.group.command",
        &[
            ("/command", "nav.overview", Any(ReportsRead)),
            ("/inspections", "nav.inspections", Any(InspectionsRead)),
            ("/rectifications", "nav.rectifications", Any(InspectionsRead)),
            ("/notices", "nav.notices", Any(InspectionsRead)),
            ("/directives", "nav.directives", Any(DirectivesRead)),
            ("/home-monitoring", "monitor.title", Any(HomeMonitoring)),
            ("/task-groups", "nav.task_groups", Any(ReportsRead)),
            ("/reports", "nav.reports", Any(ReportsRead)),
            ("/indicators", "nav.indicators", Any(ReportsRead)),
        ],
    ),
    (
        "nav.group.work",
        &[
            ("/enterprises", "nav.enterprises", Any(EnterprisesRead)),
            ("/workers", "nav.workers", Any(EnterprisesRead)),
            ("/transports", "nav.transports", Any(ReportsRead)),
            ("/resumption", "nav.resumption", Any(ReportsRead)),
            ("/difficulties", "nav.difficulties", Any(EnterprisesRead)),
            ("/relief", "nav.relief", Any(EnterprisesRead)),
        ],
    ),
    (
        "nav.group.system",
        &[
            ("/inbox", "nav.inbox", SignedIn),
            ("/policies", "nav.policies", SignedIn),
            ("/admin/users", "nav.users", Any(UsersManage)),
            ("/admin/audit", "nav.audit", Any(AuditRead)),
            ("/admin/channels", "nav.channels", Any(ChannelsManage)),
        ],
    ),
];

/// A station's own pages, by area: (group index in AREAS, suffix, label, permission).
const STATION_PAGES: &[(usize, &str, &str, Permission)] = &[
    (0, "", "nav.station_home", StationsRead),
    (0, "/round", "health.round", HealthRecord),
    (0, "/guests", "nav.guests", GuestsRead),
    (0, "/rooms", "nav.rooms", StationsRead),
    (0, "/attention", "attention.title", GuestsRead),
    (0, "/releases", "release.title", GuestsRead),
    (0, "/arrivals", "arrival.expected", GuestsRead),
    (0, "/requests", "request.title", GuestsRead),
    (0, "/transfers", "transfer.title", GuestsRead),
    (0, "/trips", "trip.title", GuestsRead),
    (0, "/tests", "nat.title", GuestsRead),
    (0, "/boards", "board.tokens", BoardsManage),
    (1, "/staff", "staff.title", GuestsRead),
    (1, "/roster", "roster.title", GuestsRead),
    (1, "/disinfection", "disinfection.title", GuestsRead),
    (1, "/supplies", "supplies.title", GuestsRead),
    (1, "/meals", "meals.title", GuestsRead),
    (1, "/relatives", "relatives.title", GuestsRead),
    (1, "/staff-tests", "staff_tests.title", GuestsRead),
    (1, "/plans", "plans.title", GuestsRead),
    (1, "/incidents", "incidents.title", GuestsRead),
    (1, "/escalation", "escalation.title", StaffRead),
];

/// Detail pages that live outside their list's path: (path prefix, the station page it is of).
const PARENTS: &[(&str, &str)] = &[
    ("/guests/", "/guests"),
    ("/stays/", "/guests"),
    ("/rooms/", "/rooms"),
    ("/alerts/", "/attention"),
    ("/flags/", "/attention"),
    ("/plans/", "/plans"),
    ("/staff/", "/staff"),
    ("/incidents/", "/incidents"),
];

/// The station a path is about: `/stations/7/…` or `/board/7`.
fn station_in_path(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/stations/").or_else(|| path.strip_prefix("/board/"))?;
    rest.split(['/', '?']).next()?.parse().ok()
}

/// The station a station worker works in (the first station grant).
pub fn own_station(p: &Principal) -> Option<i64> {
    p.grants.iter().find_map(|g| match g.scope {
        Scope::Station(id) => Some(id),
        _ => None,
    })
}

/// The id of an entry's badge slot, from its address.
pub fn badge_id(href: &str) -> String {
    let path = href.split('?').next().unwrap_or(href);
    let slug: String =
        path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("badge{slug}")
}

/// The navigation of a person on a path: the areas they work in, each with the entries they
/// may use; the station in view (theirs, or the one the path is about) inside the first two.
pub fn nav_for(
    p: &Principal,
    path: &str,
    about: Option<i64>,
    tr: &Tr,
) -> (Vec<NavGroup>, Option<i64>) {
    let own = own_station(p);
    let station = station_in_path(path).or(about).or(own);
    let item = |href: String, label: &'static str| NavItem {
        badge: badge_id(&href),
        href,
        label: tr.t(label),
        active: false,
        starts_station: None,
    };
    let mut groups: Vec<NavGroup> = AREAS
        .iter()
        .map(|(label, entries)| NavGroup {
            label: tr.t(label),
            icon: label.trim_start_matches("nav.group."),
            items: entries
                .iter()
                .filter(|(_, _, need)| need.met(p))
                .map(|(href, label, _)| item((*href).to_owned(), label))
                .collect(),
        })
        .collect();
    if let Some(st) = station {
        for (n, g) in groups.iter_mut().enumerate() {
            let mut pages: Vec<NavItem> = STATION_PAGES
                .iter()
                .filter(|(group, _, _, perm)| *group == n && p.has(*perm))
                .map(|(_, suffix, label, _)| item(format!("/stations/{st}{suffix}"), label))
                .collect();
            if pages.is_empty() {
                continue;
            }
            if n == 0 {
                pages[0].starts_station = Some(st);
            }
            // A station's own staff find it first; the command after the district's lists.
            let at = if own == Some(st) { 0 } else { g.items.len() };
            g.items.splice(at..at, pages);
        }
    }
    // The entry a page belongs to: the longest address it starts with (or its list's, for
    // details kept elsewhere), so that /stations/1/guests lights 住客 and not 驿站.
    let own = station.map(|st| format!("/stations/{st}"));
    let target = PARENTS
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .and_then(|(_, suffix)| own.as_ref().map(|o| format!("{o}{suffix}")))
        .unwrap_or_else(|| path.to_owned());
    let best = groups
        .iter()
        .flat_map(|g| g.items.iter())
        .filter(|i| under(&target, &i.href))
        .map(|i| i.href.len())
        .max();
    for i in groups.iter_mut().flat_map(|g| g.items.iter_mut()) {
        i.active = best == Some(i.href.len()) && under(&target, &i.href);
    }
    groups.retain(|g| !g.items.is_empty());
    (groups, station)
}

/// Is `path` the page at `href` or one below it?
fn under(path: &str, href: &str) -> bool {
    path == href || path.starts_with(&format!("{href}/")) || path.starts_with(&format!("{href}?"))
}

impl Layout {
    pub fn new(state: &AppState, ctx: &Ctx, title_key: &str) -> Layout {
        Layout::about(state, ctx, title_key, None)
    }

    /// An error page: the navigation of home, whatever station the refused address named (it
    /// may be one the person may not see, or none at all).
    pub fn refused(state: &AppState, ctx: &Ctx, title_key: &str) -> Layout {
        let mut layout = Layout::about(state, ctx, title_key, None);
        if let Some(p) = ctx.principal.as_ref().filter(|p| !p.must_change_password) {
            (layout.nav, layout.station) = nav_for(p, "/", None, &layout.tr);
            layout.crumbs.clear();
        }
        layout
    }

    /// A page about one station whose address does not say which (a guest's, a room's): the
    /// navigation shows that station's pages and the way back to its list.
    pub fn about(_state: &AppState, ctx: &Ctx, title_key: &str, about: Option<i64>) -> Layout {
        let tr = ctx.tr();
        let title = tr.t(title_key).to_owned();
        let (nav, station) = match &ctx.principal {
            Some(p) if !p.must_change_password => nav_for(p, &ctx.path, about, &tr),
            _ => (Vec::new(), None),
        };
        // A page below an entry gets the way back to it: area › entry › this page.
        let crumbs = nav
            .iter()
            .find_map(|g| {
                let i = g.items.iter().find(|i| i.active)?;
                (i.href != ctx.path && ctx.path != "/").then(|| {
                    vec![
                        Crumb { label: g.label.to_owned(), href: None },
                        Crumb { label: i.label.to_owned(), href: Some(i.href.clone()) },
                        Crumb { label: title.clone(), href: None },
                    ]
                })
            })
            .unwrap_or_default();
        Layout {
            title,
            csrf: ctx.csrf.clone(),
            user: ctx.principal.as_ref().map(|p| p.display_name.clone()),
            nav,
            crumbs,
            path: ctx.path.clone(),
            station,
            saved: ctx.saved,
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
            crumbs: Vec::new(),
            path: "/".into(),
            station: None,
            saved: false,
            tr,
        }
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.tr.t(key)
    }

    /// Is the home page the one shown?
    pub fn at_home(&self) -> bool {
        self.path == "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yizhan_core::access::{Grant, Role};

    fn person(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            grants: vec![Grant { role, scope }],
            must_change_password: false,
        }
    }

    fn active(groups: &[NavGroup]) -> Vec<&str> {
        groups.iter().flat_map(|g| &g.items).filter(|i| i.active).map(|i| i.href.as_str()).collect()
    }

    #[test]
    fn a_station_worker_sees_their_station_by_area_and_the_page_they_are_on() {
        let tr = Tr::new(crate::i18n::Lang::Zh);
        let p = person(Role::StationStaff, Scope::Station(7));
        let (groups, st) = nav_for(&p, "/stations/7/guests", None, &tr);
        assert_eq!(st, Some(7));
        assert_eq!(groups[0].items[0].href, "/stations/7");
        assert_eq!(groups[0].items[0].starts_station, Some(7));
        assert!(groups[0].items.iter().any(|i| i.href == "/stations/7/round"));
        assert!(groups[1].items.iter().any(|i| i.href == "/stations/7/roster"));
        assert_eq!(active(&groups), ["/stations/7/guests"]);
        // A guest's page is under the station's guests.
        assert_eq!(active(&nav_for(&p, "/guests/12", None, &tr).0), ["/stations/7/guests"]);
        assert!(groups.iter().flat_map(|g| &g.items).all(|i| i.href != "/admin/users"));
    }

    #[test]
    fn the_command_sees_the_station_it_looks_at_and_every_area() {
        let tr = Tr::new(crate::i18n::Lang::Zh);
        let p = person(Role::Commander, Scope::District);
        let (groups, st) = nav_for(&p, "/", None, &tr);
        assert_eq!(st, None);
        let hrefs: Vec<&str> =
            groups.iter().flat_map(|g| &g.items).map(|i| i.href.as_str()).collect();
        for h in ["/stations", "/board/district", "/command", "/difficulties", "/relief"] {
            assert!(hrefs.contains(&h), "{h} missing: {hrefs:?}");
        }
        let (groups, st) = nav_for(&p, "/stations/3/roster", None, &tr);
        assert_eq!(st, Some(3));
        assert_eq!(active(&groups), ["/stations/3/roster"]);
        assert_eq!(active(&nav_for(&p, "/enterprises/5/edit", None, &tr).0), ["/enterprises"]);
        assert_eq!(active(&nav_for(&p, "/stations", None, &tr).0), ["/stations"]);
        // A guest of station 3: its guests are where the page belongs, after the district's.
        let (groups, _) = nav_for(&p, "/guests/9", Some(3), &tr);
        assert_eq!(active(&groups), ["/stations/3/guests"]);
        assert_eq!(groups[0].items[0].href, "/stations");
        // The district's entries (stations, the district board, positive cases, transfer
        // dispatch, intake), then station 3's.
        assert_eq!(groups[0].items[2].href, "/cases");
        assert_eq!(groups[0].items[3].href, "/transfers");
        assert_eq!(groups[0].items[4].href, "/arrivals");
        assert_eq!(groups[0].items[5].starts_station, Some(3));
    }

    #[test]
    fn badge_slots_are_named_after_the_address() {
        assert_eq!(badge_id("/stations/7/attention"), "badge-stations-7-attention");
        assert_eq!(badge_id("/rectifications?overdue=1"), "badge-rectifications");
    }
}
