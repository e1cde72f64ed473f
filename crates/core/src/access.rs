//! Roles, scopes and the one authorization rule every route and object goes through (docs/design.md §2).

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Commander,
    StationLead,
    StationStaff,
    Medical,
    Counsellor,
    Inspector,
    Enterprise,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::Commander,
        Role::StationLead,
        Role::StationStaff,
        Role::Medical,
        Role::Counsellor,
        Role::Inspector,
        Role::Enterprise,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Commander => "commander",
            Role::StationLead => "station_lead",
            Role::StationStaff => "station_staff",
            Role::Medical => "medical",
            Role::Counsellor => "counsellor",
            Role::Inspector => "inspector",
            Role::Enterprise => "enterprise",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The scope kinds that make sense for a role; the first is the default.
    pub fn allowed_scopes(self) -> &'static [ScopeKind] {
        use ScopeKind::*;
        match self {
            Role::Admin => &[District],
            Role::Commander | Role::Inspector | Role::Viewer => &[District, Street],
            Role::StationLead | Role::StationStaff | Role::Medical | Role::Counsellor => &[Station],
            Role::Enterprise => &[Enterprise],
        }
    }
}
stored_code!(Role);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    District,
    Street,
    Station,
    Enterprise,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::District => "district",
            ScopeKind::Street => "street",
            ScopeKind::Station => "station",
            ScopeKind::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> Option<ScopeKind> {
        [ScopeKind::District, ScopeKind::Street, ScopeKind::Station, ScopeKind::Enterprise]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}
stored_code!(ScopeKind);

/// Where a grant applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    District,
    Street(i64),
    Station(i64),
    Enterprise(i64),
}

impl Scope {
    pub fn kind(self) -> ScopeKind {
        match self {
            Scope::District => ScopeKind::District,
            Scope::Street(_) => ScopeKind::Street,
            Scope::Station(_) => ScopeKind::Station,
            Scope::Enterprise(_) => ScopeKind::Enterprise,
        }
    }

    pub fn id(self) -> Option<i64> {
        match self {
            Scope::District => None,
            Scope::Street(i) | Scope::Station(i) | Scope::Enterprise(i) => Some(i),
        }
    }

    pub fn from_parts(kind: ScopeKind, id: Option<i64>) -> Option<Scope> {
        match (kind, id) {
            (ScopeKind::District, None) => Some(Scope::District),
            (ScopeKind::Street, Some(i)) => Some(Scope::Street(i)),
            (ScopeKind::Station, Some(i)) => Some(Scope::Station(i)),
            (ScopeKind::Enterprise, Some(i)) => Some(Scope::Enterprise(i)),
            _ => None,
        }
    }

    /// Does this scope contain the target? A street contains its stations and enterprises.
    pub fn covers(self, target: Target) -> bool {
        match (self, target) {
            (Scope::District, _) => true,
            (Scope::Street(s), Target::Street(t)) => s == t,
            (Scope::Street(s), Target::Station { street, .. }) => s == street,
            (Scope::Street(s), Target::Enterprise { street, .. }) => s == street,
            (Scope::Station(s), Target::Station { id, .. }) => s == id,
            (Scope::Enterprise(e), Target::Enterprise { id, .. }) => e == id,
            _ => false,
        }
    }
}

/// The object an action is about, with the street it belongs to so street scopes can be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    District,
    Street(i64),
    Station { id: i64, street: i64 },
    Enterprise { id: i64, street: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

/// What an action needs. Grows as modules land; each is granted to roles in `role_allows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read the district's streets and stations (within scope).
    StationsRead,
    /// Create and edit stations (within scope).
    StationsWrite,
    /// Manage user accounts and their roles.
    UsersManage,
    /// Read the audit log.
    AuditRead,
    /// Create rooms, edit them, bulk-create ranges.
    RoomsManage,
    /// Change a room's state (maintenance, disinfected, ready, sealed).
    RoomsOperate,
    /// See guests and stays (names and documents masked).
    GuestsRead,
    /// Register and edit guests; check in, move and check out.
    GuestsWrite,
    /// Unmask an ID number or phone (audited each time).
    PiiReveal,
    /// Record temperatures and symptoms (the round).
    HealthRecord,
    /// Record samples and results of nucleic-acid tests.
    TestsRecord,
    /// Flag a guest for attention, write follow-ups, close flags.
    AttentionManage,
    /// Close a fever, symptom or positive alert.
    AlertsClose,
    /// Acknowledge an alert (已知悉), which stops its escalation: whoever it reaches.
    AlertsAcknowledge,
    /// Publish a new version of a station's escalation rules.
    EscalationManage,
    /// Connect, stop and test notification channels (group robots) within one's scope: an
    /// administrator or a command for the district or a street, a lead for their station.
    ChannelsManage,
    /// Follow up people under home health monitoring after their release (居家健康监测): a
    /// street's command for its street, the district's for all.
    HomeMonitoring,
    /// Address a guest in transit to a station (转运调度), after a refusal or for "any station":
    /// the district's command.
    TransfersAllocate,
    /// Record a cross-border driver's violation and suspend their exemption: the station's lead
    /// (a revocation comes with the check-out).
    ExemptionManage,
    /// Publish a new quarantine policy (or a new dated version of one).
    PoliciesManage,
    /// Create and revoke wall-board display tokens.
    BoardsManage,
    /// Approve a release from quarantine (解除): a medical user or the lead.
    ReleaseApprove,
    /// See working groups, staff (phones masked), the roster and who is on duty.
    StaffRead,
    /// Create groups and staff, generate and change the roster.
    StaffManage,
    /// Write counselling sessions and read their notes: counsellors only (docs/design.md §2).
    CounselNotes,
    /// Record incidents and complaints, and move complaints along.
    IncidentsRecord,
    /// Close an incident after review: the lead.
    IncidentsClose,
    /// The daily records of people on duty: handovers and their items.
    DutyRecord,
    /// Record disinfection (routine and terminal) and medical-waste hand-overs.
    HygieneRecord,
    /// Verify a terminal disinfection so the room can be used again (效果评估).
    HygieneVerify,
    /// Create supply items and move stock in and out.
    SuppliesManage,
    /// Care records: meals and diets, relatives' contacts and deliveries.
    CareRecord,
    /// See inspections (a station sees its own; an unannounced one not yet started only the
    /// inspecting side sees: `inspection::may_see`).
    InspectionsRead,
    /// Write checklists, plan and carry out inspections, order and verify rectifications.
    InspectionsManage,
    /// Report a rectification as done, with evidence: the responsible station's lead.
    RectificationsSubmit,
    /// Read the daily situation reports (日报) and their archive.
    ReportsRead,
    /// Produce (or reproduce) a day's report by hand.
    ReportsGenerate,
    /// Create special task groups and their tasks, and move tasks along.
    TaskGroupsManage,
    /// Write, publish and follow up directives (district-wide commanders; checked in scope).
    DirectivesIssue,
    /// Read directives: the command's, and a unit's own.
    DirectivesRead,
    /// Confirm a directive on behalf of the unit it was sent to.
    DirectivesAcknowledge,
    /// See enterprises (an enterprise user: its own only; a street: its own).
    EnterprisesRead,
    /// Register and edit enterprises and file the prevention plan. The resumption status is
    /// moved by the steps below (an enterprise's own account cannot set it in the edit form).
    EnterprisesWrite,
    /// Apply for resumption (复工申请) and report having resumed: the enterprise's own account.
    ResumptionApply,
    /// Approve or reject a resumption application, with a reason: a commander of the
    /// enterprise's street or of the district.
    ResumptionReview,
    /// Organise special trains and chartered buses and their manifests.
    TransportManage,
    /// Route enterprises' difficulty tickets to departments and record their resolution.
    DifficultiesHandle,
    /// Approve or reject relief applications (rent reduction and other measures).
    ReliefDecide,
    /// Enter and import the district's monthly economic indicators (经济指标); the figures are
    /// the district's, so the handler also requires the grant to be district-wide. Reading them
    /// needs `ReportsRead`.
    IndicatorsWrite,
}

/// The role → permission table, in one place.
pub fn role_allows(role: Role, perm: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match perm {
        StationsRead => matches!(
            role,
            Admin
                | Commander
                | StationLead
                | StationStaff
                | Medical
                | Counsellor
                | Inspector
                | Viewer
        ),
        StationsWrite => matches!(role, Admin | Commander),
        UsersManage | AuditRead => matches!(role, Admin),
        RoomsManage => matches!(role, StationLead),
        RoomsOperate => matches!(role, StationLead | StationStaff | Medical),
        GuestsRead => matches!(
            role,
            Commander | StationLead | StationStaff | Medical | Counsellor | Inspector | Viewer
        ),
        GuestsWrite => matches!(role, StationLead | StationStaff),
        PiiReveal => matches!(role, Commander | StationLead | StationStaff | Medical),
        HealthRecord => matches!(role, StationLead | StationStaff | Medical),
        TestsRecord | AlertsClose => matches!(role, StationLead | Medical),
        PoliciesManage => matches!(role, Admin | Commander),
        HomeMonitoring => matches!(role, Commander),
        TransfersAllocate => matches!(role, Commander),
        ExemptionManage => matches!(role, StationLead),
        AlertsAcknowledge => matches!(role, Commander | StationLead | StationStaff | Medical),
        EscalationManage => matches!(role, Commander | StationLead),
        ChannelsManage => matches!(role, Admin | Commander | StationLead),
        BoardsManage => matches!(role, StationLead | Commander),
        ReleaseApprove => matches!(role, StationLead | Medical),
        StaffRead => matches!(
            role,
            Commander | StationLead | StationStaff | Medical | Counsellor | Inspector | Viewer
        ),
        StaffManage => matches!(role, StationLead),
        CounselNotes => matches!(role, Counsellor),
        IncidentsRecord => matches!(role, StationLead | StationStaff | Medical | Counsellor),
        IncidentsClose => matches!(role, StationLead),
        DutyRecord => matches!(role, StationLead | StationStaff | Medical | Counsellor),
        HygieneRecord => matches!(role, StationLead | StationStaff | Medical),
        HygieneVerify => matches!(role, StationLead | Medical),
        SuppliesManage => matches!(role, StationLead | StationStaff),
        CareRecord => matches!(role, StationLead | StationStaff | Medical | Counsellor),
        InspectionsRead => {
            matches!(role, Commander | Inspector | Viewer | StationLead | StationStaff | Enterprise)
        }
        InspectionsManage => matches!(role, Commander | Inspector),
        // The unit itself reports: a station's lead, an enterprise, a street's commander (the
        // handler checks the grant is for that very unit).
        RectificationsSubmit => matches!(role, StationLead | Enterprise | Commander),
        ReportsRead => matches!(role, Commander | Inspector | Viewer),
        ReportsGenerate => matches!(role, Commander),
        TaskGroupsManage => matches!(role, Commander | Inspector),
        DirectivesIssue => matches!(role, Commander),
        DirectivesRead => {
            matches!(role, Commander | Inspector | Viewer | StationLead | StationStaff | Enterprise)
        }
        DirectivesAcknowledge => matches!(role, Commander | StationLead | Enterprise),
        EnterprisesRead => matches!(role, Commander | Inspector | Viewer | Enterprise),
        EnterprisesWrite => matches!(role, Commander | Enterprise),
        ResumptionApply => matches!(role, Enterprise),
        ResumptionReview => matches!(role, Commander),
        TransportManage | DifficultiesHandle | ReliefDecide | IndicatorsWrite => {
            matches!(role, Commander)
        }

        AttentionManage => matches!(role, StationLead | StationStaff | Medical | Counsellor),
    }
}

/// A signed-in person and their grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
    pub must_change_password: bool,
}

impl Principal {
    /// The units this person reads directives for — their station, their enterprise, their street
    /// if they command it — each with whether they may confirm receipt for it. (Other scopes
    /// reach directives as the command, not as a recipient.)
    pub fn directive_units(&self) -> Vec<(Scope, bool)> {
        self.grants
            .iter()
            .filter(|g| role_allows(g.role, Permission::DirectivesRead))
            .filter(|g| match g.scope {
                Scope::Station(_) | Scope::Enterprise(_) => true,
                Scope::Street(_) => g.role == Role::Commander,
                _ => false,
            })
            .map(|g| (g.scope, role_allows(g.role, Permission::DirectivesAcknowledge)))
            .collect()
    }

    /// May this person do `perm` anywhere at all? (Route-level check; objects are checked with `can`.)
    pub fn has(&self, perm: Permission) -> bool {
        self.grants.iter().any(|g| role_allows(g.role, perm))
    }

    /// May this person do `perm` on this object?
    pub fn can(&self, perm: Permission, target: Target) -> bool {
        self.grants.iter().any(|g| role_allows(g.role, perm) && g.scope.covers(target))
    }

    /// Where `perm` is held, as a store filters its rows: the whole district, or these streets,
    /// stations and enterprises (each sorted, once). The policy still decides each row; this
    /// only keeps the rows read to those it could allow.
    pub fn units_for(&self, perm: Permission) -> Units {
        let mut u = Units::default();
        for g in self.grants.iter().filter(|g| role_allows(g.role, perm)) {
            match g.scope {
                Scope::District => u.district = true,
                Scope::Street(id) => u.streets.push(id),
                Scope::Station(id) => u.stations.push(id),
                Scope::Enterprise(id) => u.enterprises.push(id),
            }
        }
        for v in [&mut u.streets, &mut u.stations, &mut u.enterprises] {
            v.sort_unstable();
            v.dedup();
        }
        u
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
}

/// The units in which a person holds a permission (`Principal::units_for`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Units {
    pub district: bool,
    pub streets: Vec<i64>,
    pub stations: Vec<i64>,
    pub enterprises: Vec<i64>,
}

/// Who did something, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor { user_id: None, name: "system".into() }
    }
}

impl From<&Principal> for Actor {
    fn from(p: &Principal) -> Actor {
        Actor { user_id: Some(p.user_id), name: p.username.clone() }
    }
}

/// Parses a grant from a role name and a scope token (`district`, `street:3`, `station:5`,
/// `enterprise:9`), refusing scopes that make no sense for the role (a district-wide counsellor).
pub fn parse_grant(role: &str, scope: &str) -> Result<Grant, DomainError> {
    let role =
        Role::parse(role.trim()).ok_or(Invalid::BadFormat { hint: "station_staff" }).on("role")?;
    let scope = parse_scope(scope).on("scope")?;
    if !role.allowed_scopes().contains(&scope.kind()) {
        return Err(DomainError::Rule { field: Some("scope"), key: "error.scope_not_for_role" });
    }
    Ok(Grant { role, scope })
}

pub fn parse_scope(s: &str) -> Result<Scope, Invalid> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Invalid::Empty);
    }
    let (kind, id) = match s.split_once(':') {
        Some((k, i)) => {
            (k, Some(i.parse::<i64>().map_err(|_| Invalid::BadFormat { hint: "station:1" })?))
        }
        None => (s, None),
    };
    ScopeKind::parse(kind)
        .and_then(|k| Scope::from_parts(k, id))
        .ok_or(Invalid::BadFormat { hint: "station:1" })
}

impl Scope {
    /// The token `parse_scope` reads back.
    pub fn token(self) -> String {
        match self.id() {
            Some(i) => format!("{}:{i}", self.kind().as_str()),
            None => self.kind().as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, scope: Scope) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            grants: vec![Grant { role, scope }],
            must_change_password: false,
        }
    }

    #[test]
    fn units_gather_the_grants_that_hold_a_permission() {
        use Role::*;
        let mut p = who(Commander, Scope::Street(20));
        p.grants.push(Grant { role: Viewer, scope: Scope::Street(30) });
        p.grants.push(Grant { role: Commander, scope: Scope::Street(10) });
        p.grants.push(Grant { role: Commander, scope: Scope::Street(20) });
        p.grants.push(Grant { role: Enterprise, scope: Scope::Enterprise(7) });
        p.grants.push(Grant { role: StationLead, scope: Scope::Station(4) });
        // Reviewing: the two commanded streets, once each and in order; not the viewed one.
        let review = p.units_for(Permission::ResumptionReview);
        assert_eq!(
            review,
            Units { district: false, streets: vec![10, 20], stations: vec![], enterprises: vec![] }
        );
        // Writing enterprises: the commanded streets and the enterprise's own account.
        let write = p.units_for(Permission::EnterprisesWrite);
        assert_eq!((write.streets, write.enterprises), (vec![10, 20], vec![7]));
        assert!(!write.district);
        // A permission held nowhere gives no units; the district is a flag, not a list.
        assert_eq!(
            who(Viewer, Scope::Street(3)).units_for(Permission::ResumptionReview),
            Units::default()
        );
        let d = who(Commander, Scope::District).units_for(Permission::ResumptionReview);
        assert!(d.district && d.streets.is_empty());
        assert_eq!(p.units_for(Permission::AttentionManage).stations, vec![4]);
    }

    const ST_1: Target = Target::Station { id: 1, street: 10 };
    const ST_2: Target = Target::Station { id: 2, street: 20 };

    #[test]
    fn directives_reach_a_station_an_enterprise_and_a_commanded_street() {
        use Role::*;
        let units = |role, scope| who(role, scope).directive_units();
        // The station's lead confirms; its staff read.
        assert_eq!(units(StationLead, Scope::Station(1)), vec![(Scope::Station(1), true)]);
        assert_eq!(units(StationStaff, Scope::Station(1)), vec![(Scope::Station(1), false)]);
        assert_eq!(units(Enterprise, Scope::Enterprise(7)), vec![(Scope::Enterprise(7), true)]);
        // A street receives directives through its commander only; its inspector or viewer
        // is not a recipient.
        assert_eq!(units(Commander, Scope::Street(3)), vec![(Scope::Street(3), true)]);
        assert_eq!(units(Inspector, Scope::Street(3)), vec![]);
        assert_eq!(units(Viewer, Scope::Street(3)), vec![]);
        // The district reads as the command, not as a recipient; a medical user reads none.
        assert_eq!(units(Commander, Scope::District), vec![]);
        assert_eq!(units(Medical, Scope::Station(1)), vec![]);
    }

    #[test]
    fn station_scope_sees_only_its_station() {
        let p = who(Role::StationStaff, Scope::Station(1));
        assert!(p.can(Permission::StationsRead, ST_1));
        assert!(!p.can(Permission::StationsRead, ST_2));
        assert!(!p.can(Permission::StationsWrite, ST_1));
    }

    #[test]
    fn street_commander_covers_stations_of_the_street_only() {
        let p = who(Role::Commander, Scope::Street(10));
        assert!(p.can(Permission::StationsWrite, ST_1));
        assert!(!p.can(Permission::StationsWrite, ST_2));
        assert!(p.can(Permission::StationsRead, Target::Street(10)));
        assert!(!p.can(Permission::StationsRead, Target::District));
    }

    #[test]
    fn enterprise_users_read_no_stations_and_viewers_write_nothing() {
        assert!(!who(Role::Enterprise, Scope::Enterprise(5)).has(Permission::StationsRead));
        let v = who(Role::Viewer, Scope::District);
        assert!(v.has(Permission::StationsRead));
        assert!(!v.has(Permission::StationsWrite));
        assert!(!v.has(Permission::UsersManage));
    }

    #[test]
    fn admins_see_no_guests_and_viewers_never_unmask() {
        assert!(!role_allows(Role::Admin, Permission::GuestsRead));
        assert!(!role_allows(Role::Viewer, Permission::PiiReveal));
        assert!(!role_allows(Role::Enterprise, Permission::GuestsRead));
        let staff = who(Role::StationStaff, Scope::Station(1));
        assert!(staff.can(Permission::GuestsWrite, ST_1));
        assert!(!staff.can(Permission::GuestsWrite, ST_2));
        assert!(!staff.can(Permission::RoomsManage, ST_1));
        assert!(who(Role::StationLead, Scope::Station(1)).can(Permission::RoomsManage, ST_1));
    }

    #[test]
    fn only_admin_manages_users() {
        for r in Role::ALL {
            assert_eq!(role_allows(r, Permission::UsersManage), r == Role::Admin, "{r:?}");
        }
    }

    #[test]
    fn scope_parts_roundtrip_and_reject_mismatch() {
        assert_eq!(Scope::from_parts(ScopeKind::Station, Some(3)), Some(Scope::Station(3)));
        assert_eq!(Scope::from_parts(ScopeKind::District, Some(3)), None);
        assert_eq!(Scope::from_parts(ScopeKind::Street, None), None);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn grants_parse_and_check_the_scope_fits_the_role() {
        assert_eq!(
            parse_grant("station_lead", "station:4"),
            Ok(Grant { role: Role::StationLead, scope: Scope::Station(4) })
        );
        assert_eq!(parse_grant("admin", "district").unwrap().scope, Scope::District);
        assert_eq!(parse_grant("boss", "district").unwrap_err().field(), Some("role"));
        assert_eq!(parse_grant("viewer", "street:x").unwrap_err().field(), Some("scope"));
        assert!(matches!(
            parse_grant("counsellor", "district"),
            Err(DomainError::Rule { key: "error.scope_not_for_role", .. })
        ));
        assert_eq!(Scope::Street(3).token(), "street:3");
        assert_eq!(parse_scope(&Scope::Street(3).token()), Ok(Scope::Street(3)));
    }
}
