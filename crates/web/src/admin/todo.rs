//! A person's to-do on the start page: what is waiting for them now, each a count that links to
//! its list — a station's readings, alerts, tests, releases, guests coming by transfer and rooms
//! to disinfect; a command's fixes to verify, difficulties to answer and relief to decide;
//! everyone's directives to confirm and rectifications due.

use yizhan_core::access::{Permission, Principal, Target};
use yizhan_core::command::rectification::Status as FixStatus;
use yizhan_core::station::health::{slot_at, slot_deadline};
use yizhan_core::station::room::RoomState;
use yizhan_core::work::difficulty::TicketStatus;
use yizhan_core::work::relief::ReliefStatus;
use yizhan_store::station::{board, health, releases, rooms};

use crate::auth::Ctx;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::layout::own_station;
use crate::kit::today;
use crate::state::AppState;

/// One thing waiting: how many, what, where to act on it, and how loud.
pub struct Todo {
    pub href: String,
    pub count: usize,
    pub label: String,
    /// Said beside the count (已超时, 可解除 2 …), or empty.
    pub note: String,
    /// A palette tone (kit/tone.rs); `ok` when nothing waits.
    pub tone: &'static str,
    pub key: &'static str,
}

fn todo(tr: &Tr, key: &'static str, href: String, count: usize, loud: &'static str) -> Todo {
    Todo {
        href,
        count,
        label: tr.t(&format!("todo.{key}")).to_owned(),
        note: String::new(),
        tone: if count == 0 { "ok" } else { loud },
        key,
    }
}

/// Everything waiting for this person, in the order they would act on it.
pub async fn todos(state: &AppState, ctx: &Ctx) -> Result<Vec<Todo>, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let mut out = Vec::new();
    if let Some(st) = own_station(p) {
        station_todos(state, &tr, p, st, &mut out).await?;
    } else if p.has(Permission::ReportsRead) {
        // The command: the open alerts of every station in its scope, on the overview.
        let alerts: i64 = yizhan_store::station::counters::lines(&state.db, today())
            .await?
            .iter()
            .filter(|l| {
                p.can(
                    Permission::StationsRead,
                    Target::Station { id: l.station_id, street: l.street_id },
                )
            })
            .map(|l| l.open_alerts)
            .sum();
        let alerts = usize::try_from(alerts).unwrap_or(0);
        out.push(todo(&tr, "district_alerts", "/command".into(), alerts, "danger"));
    }
    let pending = crate::command::directives::pending_for(state, p).await?;
    if p.has(Permission::DirectivesAcknowledge) {
        out.push(todo(&tr, "directives", "/directives".into(), pending, "warning"));
    }
    if p.has(Permission::InspectionsRead) {
        let rows = crate::command::rectifications::rows(state, ctx, &Default::default()).await?;
        let own = |r: &&crate::command::rectifications::Row| {
            crate::command::rectifications::acts_for_unit(p, r.r.unit)
        };
        let to_fix = rows
            .iter()
            .filter(own)
            .filter(|r| matches!(r.r.status(), FixStatus::Open | FixStatus::Reopened))
            .count();
        let overdue = rows.iter().filter(|r| r.overdue).count();
        let mut fix = if p.has(Permission::InspectionsManage) {
            let to_verify = rows.iter().filter(|r| r.r.status() == FixStatus::Submitted).count();
            todo(&tr, "rectifications_verify", "/rectifications".into(), to_verify, "warning")
        } else {
            todo(&tr, "rectifications", "/rectifications".into(), to_fix, "warning")
        };
        if overdue > 0 {
            fix.tone = "danger";
            fix.href = "/rectifications?overdue=1".into();
            fix.note = tr.f("todo.overdue", &[("n", &overdue.to_string())]);
        }
        out.push(fix);
    }
    if p.has(Permission::EnterprisesRead) {
        let open = crate::work::difficulties::rows(state, ctx)
            .await?
            .iter()
            .filter(|r| r.t.status != TicketStatus::Resolved)
            .count();
        out.push(todo(&tr, "difficulties", "/difficulties".into(), open, "warning"));
        let submitted = crate::work::relief::rows(state, ctx)
            .await?
            .iter()
            .filter(|r| r.a.status == ReliefStatus::Submitted)
            .count();
        out.push(todo(&tr, "relief", "/relief".into(), submitted, "info"));
    }
    Ok(out)
}

async fn station_todos(
    state: &AppState,
    tr: &Tr,
    p: &Principal,
    st: i64,
    out: &mut Vec<Todo>,
) -> Result<(), WebError> {
    let day = today();
    let (counts, _) = board::counts(&state.db, st, day).await?;
    if p.has(Permission::HealthRecord) {
        let now = yizhan_store::db::now();
        let (slot_day, slot) = slot_at(now, &state.config.slots);
        let mut read: Vec<i64> = health::of_station_day(&state.db, st, slot_day)
            .await?
            .into_iter()
            .filter(|h| h.slot == slot.as_str())
            .map(|h| h.stay_id)
            .collect();
        read.sort_unstable();
        read.dedup();
        let due = usize::try_from(counts.in_stay).unwrap_or(0).saturating_sub(read.len());
        let mut t = todo(tr, "readings", format!("/stations/{st}/round"), due, "warning");
        t.note = tr.t(slot.label_key()).to_owned();
        if due > 0 && now > slot_deadline(slot_day, slot, &state.config.slots) {
            t.tone = "danger";
            t.note = tr.t("todo.late").to_owned();
        }
        out.push(t);
    }
    let alerts = usize::try_from(counts.open_alerts).unwrap_or(0);
    out.push(todo(tr, "alerts", format!("/stations/{st}/attention"), alerts, "danger"));
    let to_sample = counts.tests_due_today - counts.tests_sampled_today;
    let to_sample = usize::try_from(to_sample).unwrap_or(0);
    out.push(todo(tr, "tests", format!("/stations/{st}/tests"), to_sample, "warning"));
    let due = releases::due(&state.db, st, day + chrono::Duration::days(1)).await?;
    let ready = due.iter().filter(|d| d.blockers(day).is_empty());
    let mut t = todo(tr, "releases", format!("/stations/{st}/releases"), due.len(), "info");
    t.note = tr.f("todo.ready", &[("n", &ready.count().to_string())]);
    out.push(t);
    if p.has(Permission::GuestsWrite) {
        let coming = yizhan_store::station::transfers::incoming(&state.db, st).await?.len();
        out.push(todo(tr, "transfers", format!("/stations/{st}/transfers"), coming, "warning"));
    }
    if p.has(Permission::StaffRead) {
        let dirty = rooms::list(&state.db, st)
            .await?
            .iter()
            .filter(|r| r.state == RoomState::AwaitingDisinfection)
            .count();
        out.push(todo(
            tr,
            "disinfection",
            format!("/stations/{st}/disinfection"),
            dirty,
            "warning",
        ));
    }
    Ok(())
}
