//! Inspections (督导检查): versioned checklist templates, planned or unannounced visits (四不两直)
//! and a result per item. An unannounced inspection stays hidden until the team starts it on
//! site from everyone but the inspecting side (`may_see`): not only the inspected unit, but
//! every account of its street — unless that street is the one inspecting — and the viewers.

use crate::validate::date::planned_for;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::access::{Grant, Permission, Role, Scope, Target, role_allows};
use crate::error::{DomainError, OnField};
use crate::validate::{Invalid, optional_text, parse_choice, required_text};

code_enum!(
    /// Announced ahead, or unannounced (四不两直: no notice, no greeting, straight to the site).
    InspectionKind, "inspection.kind.", [
        Planned => "planned",
        Unannounced => "unannounced",
    ]
);

code_enum!(
    /// The result of one checklist item.
    Outcome, "inspection.result.", [
        Pass => "pass",
        Fail => "fail",
        NotApplicable => "na",
    ]
);

/// One checklist item: its topic (e.g. 三区两通道), what is checked and the standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub topic: String,
    pub text: String,
    pub standard: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TemplateInput {
    #[serde(default)]
    pub name: String,
    /// One item per line: `topic | item | standard`.
    #[serde(default)]
    pub items: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTemplate {
    pub name: String,
    pub items: Vec<Item>,
}

pub const MAX_ITEMS: usize = 200;

/// Reads the checklist, one `topic | item | standard` per line (full-width ｜ too). A bad line
/// is named by its number so the inspector can find it.
pub fn validate_template(i: &TemplateInput) -> Result<NewTemplate, DomainError> {
    let name = required_text(&i.name, 60).on("name")?;
    let mut items = Vec::new();
    for line in i.items.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
            // The web layer names the line with `bad_line`.
            return Err(DomainError::Rule { field: Some("items"), key: KEY_ITEM_LINE });
        }
        items.push(Item {
            topic: required_text(parts[0], 30).on("items")?,
            text: required_text(parts[1], 200).on("items")?,
            standard: required_text(parts[2], 300).on("items")?,
        });
    }
    if items.is_empty() {
        return Err(Invalid::Empty).on("items");
    }
    if items.len() > MAX_ITEMS {
        return Err(Invalid::OutOfRange { min: "1".into(), max: MAX_ITEMS.to_string() })
            .on("items");
    }
    Ok(NewTemplate { name, items })
}

/// The first malformed checklist line, 1-based, if any (for the message).
pub fn bad_line(items: &str) -> Option<usize> {
    items.lines().enumerate().find_map(|(n, l)| {
        let l = l.trim();
        if l.is_empty() {
            return None;
        }
        let parts: Vec<&str> = l.split(['|', '｜']).map(str::trim).collect();
        (parts.len() != 3 || parts.iter().any(|p| p.is_empty())).then_some(n + 1)
    })
}

/// The inspected unit: a station, a street (its office) or an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Station(i64),
    Street(i64),
    Enterprise(i64),
}

impl Unit {
    pub fn kind(self) -> &'static str {
        match self {
            Unit::Station(_) => "station",
            Unit::Street(_) => "street",
            Unit::Enterprise(_) => "enterprise",
        }
    }
    pub fn id(self) -> i64 {
        match self {
            Unit::Station(id) | Unit::Street(id) | Unit::Enterprise(id) => id,
        }
    }
    /// From the stored columns: the kind and the one id it names.
    pub fn from_parts(
        kind: &str,
        station: Option<i64>,
        street: Option<i64>,
        enterprise: Option<i64>,
    ) -> Option<Unit> {
        match kind {
            "station" => station.map(Unit::Station),
            "street" => street.map(Unit::Street),
            "enterprise" => enterprise.map(Unit::Enterprise),
            _ => None,
        }
    }
    /// `station:3`, `street:1`, `enterprise:12` (a form's choice).
    pub fn parse(s: &str) -> Result<Unit, Invalid> {
        use crate::command::directive::{RecipientKind, parse_recipient};
        let (kind, id) = parse_recipient(s)?;
        Ok(match kind {
            RecipientKind::Station => Unit::Station(id),
            RecipientKind::Street => Unit::Street(id),
            RecipientKind::Enterprise => Unit::Enterprise(id),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct InspectionInput {
    #[serde(default)]
    pub template_id: String,
    /// The unit as `kind:id`; older clients send `station_id` instead.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub station_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub planned_on: String,
    #[serde(default)]
    pub team: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInspection {
    pub template_id: i64,
    pub unit: Unit,
    pub kind: InspectionKind,
    pub planned_on: NaiveDate,
    pub team: String,
    /// The street inspecting, when a street's command plans it (`inspecting_street`); `None`
    /// for the district. Not read from the form: the handler sets it from the planner's grants.
    pub inspector_street: Option<i64>,
}

pub fn validate_inspection(
    i: &InspectionInput,
    today: NaiveDate,
) -> Result<NewInspection, DomainError> {
    let planned_on = crate::station::guest::parse_date(&i.planned_on)
        .and_then(|d| planned_for(d, today))
        .on("planned_on")?;
    if planned_on < today {
        return Err(DomainError::Rule { field: Some("planned_on"), key: KEY_PLANNED_IN_PAST });
    }
    Ok(NewInspection {
        template_id: crate::validate::parse_int(&i.template_id, 1, i64::MAX, "1")
            .on("template_id")?,
        unit: if i.unit.trim().is_empty() {
            Unit::Station(
                crate::validate::parse_int(&i.station_id, 1, i64::MAX, "1").on("station_id")?,
            )
        } else {
            Unit::parse(i.unit.trim()).on("unit")?
        },
        kind: parse_choice(&i.kind, InspectionKind::parse, "unannounced").on("kind")?,
        planned_on,
        team: required_text(&i.team, 100).on("team")?,
        inspector_street: None,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResultInput {
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub note: String,
}

/// A failed item needs a note saying what was wrong: it becomes the finding.
pub fn validate_result(i: &ResultInput) -> Result<(Outcome, Option<String>), DomainError> {
    let outcome = parse_choice(&i.result, Outcome::parse, "pass").on("result")?;
    let note = optional_text(&i.note, 500).on("note")?;
    if outcome == Outcome::Fail && note.is_none() {
        return Err(DomainError::Rule { field: Some("note"), key: KEY_FAIL_NEEDS_NOTE });
    }
    Ok((outcome, note))
}

/// One item's answer on the checklist: the result chosen (blank: not yet) and the note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub item_id: i64,
    pub result: String,
    pub note: String,
}

/// An answered item, validated.
pub type Answered = (i64, Outcome, Option<String>);

/// A whole checklist's answers, validated together: the answered items, or every refusal at
/// once with its item. An item left blank is simply not answered yet (no item defaults to a
/// pass); a note with no result chosen is refused, as the result was forgotten.
pub fn validate_checklist(answers: &[Answer]) -> Result<Vec<Answered>, Vec<(i64, DomainError)>> {
    let mut ok = Vec::new();
    let mut refused = Vec::new();
    for a in answers {
        if a.result.trim().is_empty() {
            if !a.note.trim().is_empty() {
                let missing = DomainError::Rule { field: Some("result"), key: KEY_RESULT_MISSING };
                refused.push((a.item_id, missing));
            }
            continue;
        }
        match validate_result(&ResultInput { result: a.result.clone(), note: a.note.clone() }) {
            Ok((outcome, note)) => ok.push((a.item_id, outcome, note)),
            Err(e) => refused.push((a.item_id, e)),
        }
    }
    if refused.is_empty() { Ok(ok) } else { Err(refused) }
}

/// The items of `items` (in checklist order) that have no result among `answered`.
pub fn unanswered(items: &[i64], answered: &[i64]) -> Vec<i64> {
    items.iter().copied().filter(|i| !answered.contains(i)).collect()
}

pub const KEY_ITEM_LINE: &str = "error.inspection_item_line";
pub const KEY_PLANNED_IN_PAST: &str = "error.inspection_planned_in_past";
pub const KEY_FAIL_NEEDS_NOTE: &str = "error.inspection_fail_needs_note";
pub const KEY_NOT_STARTED: &str = "error.inspection_not_started";
pub const KEY_FINISHED: &str = "error.inspection_finished";
pub const KEY_INCOMPLETE: &str = "error.inspection_incomplete";
pub const KEY_RESULT_MISSING: &str = "error.inspection_result_missing";
pub const RULE_KEYS: &[&str] = &[
    KEY_RESULT_MISSING,
    KEY_ITEM_LINE,
    KEY_PLANNED_IN_PAST,
    KEY_FAIL_NEEDS_NOTE,
    KEY_NOT_STARTED,
    KEY_FINISHED,
    KEY_INCOMPLETE,
];

/// Whether the inspected unit may see an inspection: a planned one always (it was announced),
/// an unannounced one only once the team has started it on site.
pub fn visible_to_inspected(kind: InspectionKind, started: bool) -> bool {
    kind == InspectionKind::Planned || started
}

/// Who inspects, when someone holding `grants` plans an inspection of `target`: the district
/// (`None`) if they inspect district-wide, else the street whose command they are and which
/// holds the target. The street is what `may_see` lets in before an unannounced visit starts.
pub fn inspecting_street(grants: &[Grant], target: Target) -> Option<i64> {
    let inspects =
        |g: &&Grant| role_allows(g.role, Permission::InspectionsManage) && g.scope.covers(target);
    if grants.iter().filter(inspects).any(|g| g.scope == Scope::District) {
        return None;
    }
    grants.iter().filter(inspects).find_map(|g| match g.scope {
        Scope::Street(s) => Some(s),
        _ => None,
    })
}

/// May someone holding `grants` see this inspection (by id, in a list, in a count, its photos
/// and orders)? Each grant must cover the inspected unit (`target`) and let its role read
/// inspections. A planned inspection, or one started, is then visible as before. An unannounced
/// one not yet started (四不两直) is known only to the inspecting side: the district's
/// commanders and inspectors, and — when a street inspects (`inspector_street`) — that
/// street's. Everyone else is kept out until the team arrives: the inspected station or
/// enterprise, every account of the unit's street (its office would warn the unit), and the
/// viewers, whatever their scope.
pub fn may_see(
    grants: &[Grant],
    target: Target,
    kind: InspectionKind,
    started: bool,
    inspector_street: Option<i64>,
) -> bool {
    grants.iter().any(|g| {
        let reads = role_allows(g.role, Permission::InspectionsRead)
            || role_allows(g.role, Permission::InspectionsManage);
        if !reads || !g.scope.covers(target) {
            return false;
        }
        if visible_to_inspected(kind, started) {
            return true;
        }
        let inspecting_side = match g.scope {
            Scope::District => true,
            Scope::Street(s) => inspector_street == Some(s),
            Scope::Station(_) | Scope::Enterprise(_) => false,
        };
        inspecting_side
            && g.role != Role::Viewer
            && role_allows(g.role, Permission::InspectionsManage)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklists_read_line_by_line() {
        let t = validate_template(&TemplateInput {
            name: "健康驿站督导检查表".into(),
            items: "三区两通道 | 污染区、缓冲区、清洁区划分 | 标识清楚、物理隔断\n\n消杀｜终末消毒记录｜每间退房后有记录".into(),
        })
        .unwrap();
        assert_eq!(t.items.len(), 2);
        assert_eq!(t.items[1].topic, "消杀");
        assert_eq!(t.items[1].standard, "每间退房后有记录");
        let bad = TemplateInput { name: "x".into(), items: "a | b | c\nonly two | parts".into() };
        assert_eq!(validate_template(&bad).unwrap_err().field(), Some("items"));
        assert_eq!(bad_line(&bad.items), Some(2));
        assert_eq!(bad_line("a|b|c"), None);
        let empty = TemplateInput { name: "x".into(), items: "  \n".into() };
        assert_eq!(validate_template(&empty).unwrap_err().field(), Some("items"));
    }

    #[test]
    fn inspections_and_results() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let good = InspectionInput {
            template_id: "1".into(),
            station_id: "2".into(),
            kind: "unannounced".into(),
            planned_on: "2026-01-02".into(),
            team: "区督导组 孙督导、李干事".into(),
            ..Default::default()
        };
        let n = validate_inspection(&good, today).unwrap();
        assert_eq!((n.kind, n.unit), (InspectionKind::Unannounced, Unit::Station(2)));
        let enterprise = InspectionInput { unit: "enterprise:7".into(), ..good.clone() };
        assert_eq!(validate_inspection(&enterprise, today).unwrap().unit, Unit::Enterprise(7));
        let street = InspectionInput { unit: "street:3".into(), ..good.clone() };
        assert_eq!(validate_inspection(&street, today).unwrap().unit, Unit::Street(3));
        assert_eq!(Unit::from_parts("enterprise", None, None, Some(7)), Some(Unit::Enterprise(7)));
        assert_eq!(Unit::from_parts("street", Some(1), None, None), None);
        for (bad, field) in [
            (InspectionInput { planned_on: "2026-01-01".into(), ..good.clone() }, "planned_on"),
            (InspectionInput { kind: "secret".into(), ..good.clone() }, "kind"),
            (InspectionInput { team: String::new(), ..good.clone() }, "team"),
            (InspectionInput { station_id: "x".into(), ..good.clone() }, "station_id"),
            (InspectionInput { unit: "town:1".into(), ..good.clone() }, "unit"),
        ] {
            assert_eq!(validate_inspection(&bad, today).unwrap_err().field(), Some(field));
        }
        assert_eq!(
            validate_result(&ResultInput { result: "pass".into(), note: String::new() }).unwrap(),
            (Outcome::Pass, None)
        );
        assert_eq!(
            validate_result(&ResultInput { result: "fail".into(), note: String::new() })
                .unwrap_err()
                .field(),
            Some("note")
        );
        assert!(validate_result(&ResultInput { result: "na".into(), note: String::new() }).is_ok());
    }

    fn answer(item_id: i64, result: &str, note: &str) -> Answer {
        Answer { item_id, result: result.into(), note: note.into() }
    }

    #[test]
    fn a_checklist_is_validated_whole_and_blank_is_not_a_pass() {
        let all = [
            answer(1, "pass", ""),
            answer(2, "", ""),
            answer(3, "fail", "无终末消毒记录"),
            answer(4, "na", ""),
        ];
        assert_eq!(
            validate_checklist(&all),
            Ok(vec![
                (1, Outcome::Pass, None),
                (3, Outcome::Fail, Some("无终末消毒记录".into())),
                (4, Outcome::NotApplicable, None),
            ])
        );
        // Every refusal at once, each with its item: a fail without a note, a note without a
        // result, a result that is none.
        let bad = [
            answer(1, "fail", " "),
            answer(2, "", "门口无测温点"),
            answer(3, "pass", ""),
            answer(4, "good", ""),
        ];
        let refused = validate_checklist(&bad).unwrap_err();
        let items: Vec<(i64, Option<&str>)> =
            refused.iter().map(|(i, e)| (*i, e.field())).collect();
        assert_eq!(items, [(1, Some("note")), (2, Some("result")), (4, Some("result"))]);
        assert_eq!(validate_checklist(&[]), Ok(vec![]));
    }

    #[test]
    fn unanswered_items_keep_the_checklist_order() {
        assert_eq!(unanswered(&[5, 3, 9, 1], &[9, 5]), [3, 1]);
        assert!(unanswered(&[5, 3], &[3, 5]).is_empty());
    }

    #[test]
    fn unannounced_is_hidden_until_started() {
        assert!(visible_to_inspected(InspectionKind::Planned, false));
        assert!(!visible_to_inspected(InspectionKind::Unannounced, false));
        assert!(visible_to_inspected(InspectionKind::Unannounced, true));
    }

    fn g(role: Role, scope: Scope) -> Grant {
        Grant { role, scope }
    }

    /// Station 1 and enterprise 7 in street 10; street 20 is elsewhere.
    const STATION: Target = Target::Station { id: 1, street: 10 };
    const ENTERPRISE: Target = Target::Enterprise { id: 7, street: 10 };

    #[test]
    fn the_inspecting_street_is_the_planners_unless_they_inspect_district_wide() {
        let street = [g(Role::Commander, Scope::Street(10))];
        assert_eq!(inspecting_street(&street, STATION), Some(10));
        assert_eq!(
            inspecting_street(&[g(Role::Inspector, Scope::Street(10))], ENTERPRISE),
            Some(10)
        );
        assert_eq!(inspecting_street(&[g(Role::Commander, Scope::District)], STATION), None);
        // Both: the district's grant wins (the district inspects).
        let both = [g(Role::Commander, Scope::Street(10)), g(Role::Inspector, Scope::District)];
        assert_eq!(inspecting_street(&both, STATION), None);
        assert_eq!(
            inspecting_street(&[g(Role::Commander, Scope::Street(10))], Target::Street(10)),
            Some(10)
        );
        // A street's grant elsewhere, or a role that does not inspect, is no inspector.
        assert_eq!(inspecting_street(&[g(Role::Commander, Scope::Street(20))], STATION), None);
        assert_eq!(inspecting_street(&[g(Role::Viewer, Scope::Street(10))], STATION), None);
    }

    #[test]
    fn an_unannounced_inspection_is_known_only_to_the_inspecting_side_until_it_starts() {
        use InspectionKind::{Planned, Unannounced};
        let district_cmd = [g(Role::Commander, Scope::District)];
        let district_insp = [g(Role::Inspector, Scope::District)];
        let street_cmd = [g(Role::Commander, Scope::Street(10))];
        let street_insp = [g(Role::Inspector, Scope::Street(10))];
        let street_viewer = [g(Role::Viewer, Scope::Street(10))];
        let district_viewer = [g(Role::Viewer, Scope::District)];
        let lead = [g(Role::StationLead, Scope::Station(1))];
        let clerk = [g(Role::Enterprise, Scope::Enterprise(7))];
        let other_street = [g(Role::Commander, Scope::Street(20))];
        let admin = [g(Role::Admin, Scope::District)];
        // (who, target, inspecting street) → sees it before the start?
        let before: &[(&[Grant], Target, Option<i64>, bool)] = &[
            // The district inspects: its command sees it; the unit's street does not.
            (&district_cmd, STATION, None, true),
            (&district_insp, STATION, None, true),
            (&street_cmd, STATION, None, false),
            (&street_insp, STATION, None, false),
            (&street_cmd, ENTERPRISE, None, false),
            (&street_cmd, Target::Street(10), None, false),
            (&lead, STATION, None, false),
            (&clerk, ENTERPRISE, None, false),
            (&district_viewer, STATION, None, false),
            (&street_viewer, STATION, None, false),
            (&other_street, STATION, None, false),
            (&admin, STATION, None, false),
            // Street 10 inspects: its command sees it, and so does the district's.
            (&street_cmd, STATION, Some(10), true),
            (&street_insp, ENTERPRISE, Some(10), true),
            (&street_cmd, Target::Street(10), Some(10), true),
            (&district_cmd, STATION, Some(10), true),
            // Still not the unit, nor any viewer, nor another street.
            (&lead, STATION, Some(10), false),
            (&clerk, ENTERPRISE, Some(10), false),
            (&street_viewer, STATION, Some(10), false),
            (&district_viewer, STATION, Some(10), false),
            (&other_street, STATION, Some(10), false),
            // A street's own inspection of a unit elsewhere does not let it see others'.
            (&street_cmd, STATION, Some(20), false),
        ];
        for (n, (who, target, by, expected)) in before.iter().enumerate() {
            assert_eq!(
                may_see(who, *target, Unannounced, false, *by),
                *expected,
                "vector {n}: {who:?}"
            );
        }
        // Once started, or when planned, everyone who reads inspections of the unit sees it.
        for who in
            [&district_cmd[..], &street_cmd, &street_insp, &street_viewer, &district_viewer, &lead]
        {
            assert!(may_see(who, STATION, Unannounced, true, None), "{who:?}");
            assert!(may_see(who, STATION, Planned, false, None), "{who:?}");
        }
        assert!(may_see(&clerk, ENTERPRISE, Unannounced, true, Some(10)));
        // Scope still holds: never another street's or station's, never for the admin.
        for (who, target) in [
            (&other_street[..], STATION),
            (&admin, STATION),
            (&lead, Target::Station { id: 2, street: 10 }),
            (&clerk, Target::Enterprise { id: 8, street: 10 }),
        ] {
            assert!(!may_see(who, target, Planned, true, None), "{who:?}");
        }
    }
}
