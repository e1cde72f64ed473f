//! What the guest's page says of the guest's moves beyond the room: transfers to and from other
//! stations, and a driver's trips and violations.

use super::*;
use crate::station::guests::show::Option2;

/// The transfers of guest `g`, said: out (in transit, or received where), or in (from where);
/// and whether the guest is on the road now.
pub async fn transfer_lines(
    state: &AppState,
    tr: &Tr,
    g: &Guest,
) -> Result<(Vec<(&'static str, String, String)>, bool), WebError> {
    use yizhan_core::station::transfer::TransferState;
    let any = tr.t("transfer.any_station").to_owned();
    let all = yizhan_store::station::transfers::of_guest(&state.db, g.id).await?;
    let in_transit = all.iter().any(|t| t.guest_id == g.id && t.state == TransferState::InTransit);
    let lines = all
        .into_iter()
        .map(|t| {
            let to = t.to_station.clone().unwrap_or_else(|| any.clone());
            let at = t.accepted_at.map(local_display).unwrap_or_default();
            let sent = local_display(t.sent_at);
            match (t.guest_id == g.id, t.state) {
                (true, TransferState::InTransit) => (
                    "warning",
                    tr.t("transfer.state.in_transit").to_owned(),
                    tr.f(
                        "transfer.line_in_transit",
                        &[("to", &to), ("at", &sent), ("who", &t.sent_by), ("reason", &t.reason)],
                    ),
                ),
                (true, TransferState::Accepted) => (
                    "info",
                    tr.t("transfer.state.accepted").to_owned(),
                    tr.f(
                        "transfer.line_received",
                        &[("to", &to), ("at", &at), ("reason", &t.reason)],
                    ),
                ),
                (false, _) => (
                    "info",
                    tr.t("transfer.arrived").to_owned(),
                    tr.f(
                        "transfer.line_arrived",
                        &[("from", &t.from_station), ("at", &at), ("reason", &t.reason)],
                    ),
                ),
            }
        })
        .collect();
    Ok((lines, in_transit))
}

/// The stations a guest of `from` can be sent to: every other one, then "any station".
pub async fn transfer_targets(
    state: &AppState,
    tr: &Tr,
    from: i64,
) -> Result<Vec<Option2>, WebError> {
    let mut all: Vec<Option2> = yizhan_store::station::stations::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.id != from)
        .map(|s| Option2 { value: s.id.to_string(), label: s.name, selected: false })
        .collect();
    all.push(Option2 {
        value: yizhan_core::station::transfer::ANY_STATION.to_owned(),
        label: tr.t("transfer.any_station").to_owned(),
        selected: false,
    });
    Ok(all)
}

/// A driver's trips and violations as the guest's page shows them.
#[derive(Default)]
pub struct TripPart {
    /// A cross-border driver in an open stay: may go out on a run.
    pub may_go: bool,
    /// The trip out now: its id, said in one line, and whether it is past its time.
    pub out: Option<(i64, String, bool)>,
    /// Earlier trips of the stay, latest first.
    pub lines: Vec<String>,
    /// Violations: (tone, proposal's word, the line).
    pub violations: Vec<(&'static str, String, String)>,
    /// The plate the trip form starts with (the driver's mainland plate).
    pub plate: String,
    /// The land ports a driver crosses at, offered as they type.
    pub ports: Vec<String>,
}

pub async fn trip_part(
    state: &AppState,
    tr: &Tr,
    g: &Guest,
    open: Option<&stays::Stay>,
) -> Result<TripPart, WebError> {
    use yizhan_core::station::trip::{Proposal, is_late};
    use yizhan_store::station::trips;
    let driver = g.category == GuestCategory::CrossBorderDriver;
    let Some(s) = open.filter(|_| driver) else {
        return Ok(TripPart::default());
    };
    let now = yizhan_store::db::now();
    let mut part = TripPart {
        may_go: true,
        plate: g.plate_cn.clone().or_else(|| g.plate_hk.clone()).unwrap_or_default(),
        ports: tr.t("trip.ports").split(',').map(str::to_owned).collect(),
        ..TripPart::default()
    };
    for t in trips::of_stay(&state.db, s.id).await? {
        let args = [
            ("port", t.port.as_str()),
            ("destination", t.destination.as_str()),
            ("plate", t.plate.as_str()),
            ("out", &local_display(t.out_at)),
            ("expected", &local_display(t.expected_back_at)),
            ("back", &t.back_at.map(local_display).unwrap_or_default()),
        ];
        match t.back_at {
            None => {
                let late = is_late(t.expected_back_at, None, now);
                part.out = Some((t.id, tr.f("trip.line_out", &args), late));
            }
            Some(_) => part.lines.push(tr.f("trip.line_back", &args)),
        }
    }
    for v in trips::violations(&state.db, s.id).await? {
        let tone = match v.proposal {
            Proposal::Warn => "warning",
            Proposal::Suspend | Proposal::Revoke => "danger",
        };
        let line = format!("{} · {} {}", v.what, v.recorded_by, local_display(v.recorded_at));
        part.violations.push((tone, tr.t(v.proposal.label_key()).to_owned(), line));
    }
    Ok(part)
}
