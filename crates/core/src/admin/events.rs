//! The change feed (`GET /api/v1/events`): which entries of the audit log another system may
//! follow. A feed entry says that an object changed (its type, its id and the action), never
//! who did it or what the values are: the follower reads the object through the API, under its
//! own permissions. Sign-ins, reveals of ID numbers, unmasked exports, certificates fetched,
//! passwords and tokens, and counselling are not changes another system follows, so they are not
//! in it. The list is of what may go out: an action added later stays out until named here.

/// The action families whose entries the feed carries (`stay.check_in` is of family `stay`).
const FAMILIES: &[&str] = &[
    "alert",
    "arrival",
    "attention",
    "case",
    "complaint",
    "delivery",
    "difficulty",
    "directive",
    "disinfection",
    "district",
    "enterprise",
    "escalation",
    "exposure",
    "group",
    "guest",
    "handover",
    "health",
    "home",
    "incident",
    "inspection",
    "meals",
    "notice",
    "plan",
    "policy",
    "rectification",
    "relief",
    "report",
    "request",
    "room",
    "roster",
    "staff",
    "station",
    "stay",
    "supplies",
    "task",
    "task_group",
    "test",
    "transport",
    "trip",
    "waste",
    "worker",
];

/// Actions of a carried family that are still not changes (looking is not changing).
const LOOKS: &[&str] = &["guest.reveal"];

/// Whether an audit entry with this action goes into the change feed.
pub fn in_feed(action: &str) -> bool {
    let family = action.split('.').next().unwrap_or("");
    action.contains('.') && FAMILIES.contains(&family) && !LOOKS.contains(&action)
}

/// At most this many entries a page (and by default 100).
pub const MAX_PAGE: i64 = 500;
pub const DEFAULT_PAGE: i64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_go_out_and_looks_and_secrets_do_not() {
        for carried in [
            "stay.check_in",
            "stay.check_out",
            "health.record",
            "test.result",
            "room.state",
            "guest.create",
            "worker.import",
            "directive.publish",
            "rectification.step",
        ] {
            assert!(in_feed(carried), "{carried}");
        }
        for kept in [
            "login.ok",
            "logout",
            "guest.reveal",
            "export.unmasked",
            "certificate.download",
            "user.password",
            "user.create",
            "api_token.create",
            "counselling.record",
            "relatives.contact",
            "stay",
            "",
            "staysx.check_in",
        ] {
            assert!(!in_feed(kept), "{kept}");
        }
    }
}
