//! One guest's page: details (masked unless revealed), the open stay with its test calendar,
//! health readings, alerts, flags and notes, relatives, past stays; reveal and relatives.

use super::moves::{TripPart, transfer_lines, transfer_targets, trip_part};
use super::*;
use yizhan_core::station::room::RoomState;

pub struct StayRow {
    pub id: i64,
    pub room: String,
    pub checked_in: String,
    pub ended: String,
    pub outcome: String,
    pub policy: String,
}

pub struct TestRow {
    pub day: i64,
    pub due: String,
    pub result: String,
    /// positive in its own colour, negative ok, invalid a warning, waiting for a result info.
    pub tone: &'static str,
}

pub struct Option2 {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "guests/show.html")]
struct ShowPage {
    layout: Layout,
    v: GuestView,
    station_id: i64,
    doc_label: String,
    category: String,
    sex: String,
    relatives: Vec<(Relative, String)>,
    stays: Vec<StayRow>,
    open_stay: Option<StayRow>,
    stay_day: i64,
    tests: Vec<TestRow>,
    rooms: Vec<Option2>,
    policies: Vec<Option2>,
    outcomes: Vec<(&'static str, String)>,
    can_write: bool,
    can_reveal: bool,
    error: Option<String>,
    checks: Vec<ReadingLine>,
    alerts: Vec<(String, String, bool, &'static str)>,
    flags: Vec<yizhan_store::station::attention::Flag>,
    notes: Vec<(String, String, String)>,
    can_record_health: bool,
    can_manage_attention: bool,
    certificate_stays: Vec<i64>,
    /// Counselling sessions of the open stay without their notes: (time, counsellor, risk tone, risk label).
    counselling: Vec<(String, String, String, String)>,
    can_counsel: bool,
    symptoms: Vec<(&'static str, String)>,
    can_release: bool,
    /// The transfers this record took part in, each in one line with its tone, latest first.
    transfers: Vec<(&'static str, String, String)>,
    /// On the way to another station: not checked in here again.
    in_transit: bool,
    /// A driver's trips and violations.
    trips: TripPart,
    /// The positive case of the open stay, if one was opened, and whether it is still open.
    case: Option<(i64, bool)>,
    /// The lead (or the command): records a driver's violation.
    can_manage_exemption: bool,
    /// The home monitoring that followed the latest release, said in one line.
    home_monitoring: Option<String>,
    /// Where the open stay can be transferred: the other stations, and any station.
    transfer_targets: Vec<Option2>,
    /// The open stay's centralized period in days, and its release date.
    period_days: i64,
    release: String,
    /// The open stay's period changes, each said in one line, oldest first.
    period_changes: Vec<String>,
    /// The open stay's relatives' links, and where to revoke one (empty: may not).
    links: Vec<crate::care::relative_links::LinkLine>,
    links_revoke: &'static str,
}

impl ShowPage {
    fn exemption(&self, s: &str) -> String {
        self.layout.tr.t(&format!("exemption.{s}")).to_owned()
    }
}

/// The guest's page; `revealed` shows the full document and phones (already audited by the caller).
pub async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    g: Guest,
    revealed: bool,
    error: Option<&WebError>,
) -> Result<Response, WebError> {
    let p = ctx.user()?;
    let tr = ctx.tr();
    let now = yizhan_store::db::now();
    let all_stays = stays::of_guest(&state.db, g.id).await?;
    let stay_row = |s: &stays::Stay| StayRow {
        id: s.id,
        room: s.room_number.clone(),
        checked_in: local_display(s.checked_in_at),
        ended: s.ended_at.map(local_display).unwrap_or_default(),
        outcome: s.outcome.map(|o| tr.t(&format!("outcome.{o}")).to_owned()).unwrap_or_default(),
        policy: s.policy_code.clone(),
    };
    let policy_rows = policies::list(&state.db).await?;
    let policy_name = |code: &str| {
        policy_rows
            .iter()
            .rev()
            .find(|p| p.code == code)
            .map(|p| if tr.is_zh() { p.name_zh.clone() } else { p.name_en.clone() })
            .unwrap_or_else(|| code.to_owned())
    };
    let stay_row = |s: &stays::Stay| StayRow { policy: policy_name(&s.policy_code), ..stay_row(s) };
    let open = all_stays.iter().find(|s| s.is_open());
    let tests = match open {
        Some(s) => stays::tests(&state.db, s.id)
            .await?
            .into_iter()
            .map(|t| TestRow {
                day: t.day,
                due: t.due_date.to_string(),
                result: match (&t.result, &t.sampled_at) {
                    (Some(r), _) => tr.t(&format!("test.result.{r}")).to_owned(),
                    (None, Some(_)) => tr.t("test.sampled").to_owned(),
                    (None, None) => tr.t("test.not_sampled").to_owned(),
                },
                tone: crate::kit::tone::of_test(t.result, t.sampled_at.is_some()),
            })
            .collect(),
        None => Vec::new(),
    };
    let room_options = room_choices(state, &tr, g.station_id, open.map(|s| s.room_id)).await?;
    let default_policy =
        if g.category == GuestCategory::CrossBorderDriver { "driver" } else { "14+7" };
    let policy_options = policy_rows
        .iter()
        .filter(|pol| {
            yizhan_core::station::quarantine::in_force(pol.valid_from, pol.valid_to, today())
        })
        .map(|pol| Option2 {
            value: pol.id.to_string(),
            label: if tr.is_zh() { pol.name_zh.clone() } else { pol.name_en.clone() },
            selected: pol.code == default_policy,
        })
        .collect();
    let relatives = guests::relatives(&state.db, g.id)
        .await?
        .into_iter()
        .map(|r| {
            let phone = if revealed { r.phone.clone() } else { mask_phone(&r.phone) };
            (r, phone)
        })
        .collect();
    let m = monitoring(state, &tr, &all_stays).await?;
    let mut period_changes = Vec::new();
    if let Some(s) = open {
        for c in yizhan_store::station::period::history(&state.db, s.id).await? {
            period_changes.push(tr.f(
                "stays.period_changed",
                &[
                    ("at", &local_display(c.changed_at)),
                    ("who", &c.changed_by),
                    ("role", tr.t(&format!("role.{}", c.approved_role))),
                    ("from", &c.old_days.to_string()),
                    ("to", &c.new_days.to_string()),
                    ("old_release", &c.old_release.to_string()),
                    ("new_release", &c.new_release.to_string()),
                    ("reason", &c.reason),
                ],
            ));
        }
    }
    let (transfers, in_transit) = transfer_lines(state, &tr, &g).await?;
    let transfer_targets = match open {
        Some(_) => transfer_targets(state, &tr, g.station_id).await?,
        None => Vec::new(),
    };
    let released = all_stays.iter().find(|s| s.outcome == Some(Outcome::Released));
    let home_monitoring = match released {
        Some(s) => {
            yizhan_store::station::home_monitoring::of_stay(&state.db, s.id).await?.map(|m| {
                tr.f(
                    "stays.home_monitoring",
                    &[
                        ("start", &m.start_date.to_string()),
                        ("end", &m.end_date.to_string()),
                        ("street", &m.street),
                    ],
                )
            })
        }
        None => None,
    };
    let trips = trip_part(state, &tr, &g, open).await?;
    let case = match all_stays.first() {
        Some(s) => yizhan_store::station::cases::of_stay(&state.db, s.id)
            .await?
            .map(|c| (c.id, c.closed_at.is_none())),
        None => None,
    };
    let links = match open {
        Some(s) => crate::care::relative_links::link_lines(
            &tr,
            &yizhan_store::care::relative_links::of_stay(&state.db, s.id).await?,
            now,
        ),
        None => Vec::new(),
    };
    let can_write = p.can(Permission::GuestsWrite, g.target());
    let page = ShowPage {
        links,
        links_revoke: if can_write { "/relative-links/" } else { "" },
        case,
        trips,
        can_manage_exemption: p.can(Permission::ExemptionManage, g.target()),
        home_monitoring,
        in_transit,
        transfers,
        transfer_targets,
        period_days: open.map(yizhan_store::station::period::days_of).unwrap_or_default(),
        release: open.map(|s| s.planned_release.to_string()).unwrap_or_default(),
        period_changes,
        checks: m.checks,
        alerts: m.alerts,
        flags: m.flags,
        notes: m.notes,
        certificate_stays: m.certificate_stays,
        counselling: m.counselling,
        can_counsel: p.can(Permission::CounselNotes, g.target()),
        symptoms: yizhan_core::station::health::Symptom::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(s.label_key()).to_owned()))
            .collect(),
        can_release: p.can(Permission::ReleaseApprove, g.target()),
        can_record_health: p.can(Permission::HealthRecord, g.target()),
        can_manage_attention: p.can(Permission::AttentionManage, g.target()),
        layout: Layout::about(state, ctx, "guests.guest", Some(g.station_id)),

        station_id: g.station_id,
        doc_label: doc_label(&tr, g.doc_type),
        category: category_label(&tr, g.category),
        sex: tr.t(&format!("sex.{}", g.sex.as_str())).to_owned(),
        relatives,
        stays: all_stays.iter().filter(|s| !s.is_open()).map(stay_row).collect(),
        stay_day: open.map(|s| stay_day(s.checked_in_at, now)).unwrap_or(0),
        open_stay: open.map(stay_row),
        tests,
        rooms: room_options,
        policies: policy_options,
        outcomes: Outcome::ALL
            .iter()
            .map(|o| (o.as_str(), tr.t(&format!("outcome.{}", o.as_str())).to_owned()))
            .collect(),
        can_write,
        can_reveal: p.can(Permission::PiiReveal, g.target()),
        error: error.map(|e| e.message(&tr)),
        v: GuestView::of(&g, p, revealed, today()),
    };
    render::form_page(&page, error)
}

/// The rooms of `station_id` a guest can go to, as the clerk chooses between them: ready (空闲 ·
/// 1 床), or occupied with a free bed (同住 1/2 · 余 1 床); not the room `except` they are in.
pub async fn room_choices(
    state: &AppState,
    tr: &Tr,
    station_id: i64,
    except: Option<i64>,
) -> Result<Vec<Option2>, WebError> {
    Ok(rooms::list(&state.db, station_id)
        .await?
        .into_iter()
        .filter(|r| except != Some(r.id))
        .filter(|r| {
            r.state == RoomState::Ready || (r.state == RoomState::Occupied && r.free_beds() > 0)
        })
        .map(|r| Option2 {
            value: r.id.to_string(),
            label: if r.state == RoomState::Ready {
                tr.f("stays.room_free", &[("number", &r.number), ("beds", &r.beds.to_string())])
            } else {
                tr.f(
                    "stays.room_shared",
                    &[
                        ("number", &r.number),
                        ("occupied", &r.occupied.to_string()),
                        ("beds", &r.beds.to_string()),
                        ("free", &r.free_beds().to_string()),
                    ],
                )
            },
            selected: false,
        })
        .collect())
}

/// A reading on the guest's page: when, the temperature, the symptoms, and what it signals (its
/// tone and word), if anything.
pub struct ReadingLine {
    pub when: String,
    pub temperature: String,
    pub symptoms: String,
    pub sign: Option<(&'static str, String)>,
}

/// Health readings, alerts, flags and notes of the open stay; certificates of past ones.
struct Monitoring {
    checks: Vec<ReadingLine>,
    alerts: Vec<(String, String, bool, &'static str)>,
    flags: Vec<yizhan_store::station::attention::Flag>,
    notes: Vec<(String, String, String)>,
    certificate_stays: Vec<i64>,
    counselling: Vec<(String, String, String, String)>,
}

async fn monitoring(
    state: &AppState,
    tr: &Tr,
    all: &[stays::Stay],
) -> Result<Monitoring, WebError> {
    let mut m = Monitoring {
        checks: vec![],
        alerts: vec![],
        flags: vec![],
        notes: vec![],
        certificate_stays: vec![],
        counselling: vec![],
    };
    for s in all {
        if yizhan_store::station::stays::certificate_of(&state.db, s.id).await?.is_some() {
            m.certificate_stays.push(s.id);
        }
    }
    let Some(open) = all.iter().find(|s| s.is_open()) else {
        return Ok(m);
    };
    for h in yizhan_store::station::health::of_stay(&state.db, open.id).await?.into_iter().take(14)
    {
        let symptoms: Vec<&str> = h
            .symptoms
            .split(',')
            .filter_map(yizhan_core::station::health::Symptom::parse)
            .map(|s| tr.t(s.label_key()))
            .collect();
        let sign = yizhan_core::station::health::sign_of(h.temperature, &h.symptoms)
            .map(|a| crate::kit::tone::sign(tr, a));
        m.checks.push(ReadingLine {
            when: format!("{} {}", h.day, tr.t(&format!("slot.{}", h.slot))),
            temperature: format!("{}.{}℃", h.temperature / 10, h.temperature % 10),
            symptoms: symptoms.join(tr.t("punct.list_sep")),
            sign,
        });
    }
    for a in yizhan_store::station::health::alerts_of_stay(&state.db, open.id).await? {
        m.alerts.push((
            tr.t(a.kind.label_key()).to_owned(),
            local_display(a.raised_at),
            a.closed_at.is_none(),
            crate::kit::tone::of_alert(a.kind),
        ));
    }
    m.flags = yizhan_store::station::attention::flags(&state.db, open.id).await?;
    m.notes = yizhan_store::station::attention::notes(&state.db, open.id)
        .await?
        .into_iter()
        .map(|n| (local_display(n.at), n.author, n.note))
        .collect();
    m.counselling = yizhan_store::care::counselling::summaries(&state.db, open.id)
        .await?
        .into_iter()
        .map(|c| {
            let label = tr.t(c.risk.label_key()).to_owned();
            let tone = crate::kit::tone::of_psych_risk(&c.risk).to_owned();
            (local_display(c.held_at), c.counsellor, tone, label)
        })
        .collect();
    Ok(m)
}

/// `GET /guests/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsRead).await?;
    show_page(&state, &ctx, g, false, None).await
}

/// `POST /guests/{id}/reveal`.
/// Shows the unmasked document and phones once, and writes who looked into the audit log.
pub async fn reveal(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::PiiReveal).await?;
    audit::record(&state.db, &Actor::from(ctx.user()?), Entry::new("guest.reveal", "guest", id))
        .await?;
    show_page(&state, &ctx, g, true, None).await
}

/// `POST /guests/{id}/relatives`.
pub async fn add_relative(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(i): FormBody<RelativeInput>,
) -> Result<Response, WebError> {
    let g = visible_guest(&state, &ctx, id, Permission::GuestsWrite).await?;
    match validate_relative(&i) {
        Ok(r) => {
            guests::add_relative(&state.db, &Actor::from(ctx.user()?), id, &r).await?;
            Ok(Redirect::to(&format!("/guests/{id}")).into_response())
        }
        Err(e) => show_page(&state, &ctx, g, false, Some(&WebError::of_person(e))).await,
    }
}

/// Every field defaults: a malformed form must not answer before the scope check does.
#[derive(Deserialize)]
pub struct RelativeRef {
    #[serde(default)]
    relative_id: String,
}

/// `POST /guests/{id}/relatives/delete`.
pub async fn remove_relative(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    FormBody(f): FormBody<RelativeRef>,
) -> Result<Response, WebError> {
    visible_guest(&state, &ctx, id, Permission::GuestsWrite).await?;
    let rid = {
        use yizhan_core::error::OnField;
        yizhan_core::station::stations::parse_id(&f.relative_id).on("relative_id")?
    };

    guests::remove_relative(&state.db, &Actor::from(ctx.user()?), id, rid).await?;
    Ok(Redirect::to(&format!("/guests/{id}")).into_response())
}
