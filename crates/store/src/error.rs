//! The store's one error type. Constraint violations are mapped to the field a user can fix.

use sqlx::error::ErrorKind;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A database constraint refused the write; `field` names the input that caused it.
    #[error("conflict on {field} ({constraint})")]
    Conflict { constraint: String, field: String },
    /// The database cannot take the request now (pool exhausted, disk full, server down).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The disk under the database is full: nothing of the request was saved.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// A domain rule, checked against data read inside the transaction, refused the change.
    #[error("refused: {0}")]
    Refused(yizhan_core::error::DomainError),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database error: {0}")]
    Other(String),
}

impl StoreError {
    /// A domain rule refused the change, on `field` when the person can fix it there.
    pub fn rule(field: Option<&'static str>, key: &'static str) -> StoreError {
        StoreError::Refused(yizhan_core::error::DomainError::Rule { field, key })
    }
}

/// A coded column holding a code its enum does not know: the data is not what this version
/// wrote, and nothing is guessed.
impl From<yizhan_core::error::UnknownCode> for StoreError {
    fn from(e: yizhan_core::error::UnknownCode) -> StoreError {
        StoreError::Other(e.to_string())
    }
}

/// Constraint names (PostgreSQL) or `table.column` (SQLite's message) → the field they guard.
/// Every constraint in the migrations is named so that both backends map to the same field.
const CONSTRAINT_FIELDS: &[(&str, &str)] = &[
    ("uq_users_username", "username"),
    ("users.username", "username"),
    ("uq_streets_name", "name"),
    ("streets.district_id, streets.name", "name"),
    ("uq_stations_name", "name"),
    ("stations.name", "name"),
    ("fk_stations_street", "street_id"),
    ("ck_stations_capacity", "capacity"),
    ("ck_user_roles_role", "role"),
    ("ck_user_roles_scope", "scope"),
    ("uq_rooms_number", "number"),
    ("rooms.station_id, rooms.number", "number"),
    ("ck_rooms_beds", "beds"),
    ("fk_stays_bed", "beds"),
    ("uq_guests_document", "doc_number"),
    ("guests.station_id, guests.doc_type, guests.doc_number", "doc_number"),
    ("uq_stays_open_guest", "guest_id"),
    ("stays.guest_id", "guest_id"),
    ("uq_stays_open_bed", "room_id"),
    ("stays.room_id, stays.bed_no", "room_id"),
    ("uq_policies_code_from", "code"),
    ("quarantine_policies.code, quarantine_policies.valid_from", "code"),
    ("uq_stay_tests_day", "day"),
    ("uq_board_tokens_hash", "token"),
    ("uq_working_groups_name", "name"),
    ("working_groups.station_id, working_groups.name", "name"),
    ("uq_staff_phone", "phone"),
    ("staff.station_id, staff.phone", "phone"),
    ("uq_roster_shifts_person", "shift"),
    ("roster_shifts.staff_id, roster_shifts.day, roster_shifts.shift", "shift"),
    ("uq_emergency_plans_version", "kind"),
    ("ck_deliveries_disinfected_first", "status"),
    ("uq_relative_links_one_per_relative", "relative_name"),
    ("relative_links.stay_id, relative_links.relative_name", "relative_name"),
    ("uq_supply_items_name", "name"),
    ("supply_items.station_id, supply_items.name", "name"),
    ("ck_supply_items_stock", "quantity"),
    ("uq_meals_day_meal", "meal"),
    ("meals.station_id, meals.day, meals.meal", "meal"),
    ("uq_disinfection_areas_name", "name"),
    ("disinfection_areas.station_id, disinfection_areas.name", "name"),
    ("ck_disinfection_second_person", "verifier"),
    ("ck_waste_two_signatures", "received_by"),
    ("uq_handovers_shift", "shift"),
    ("uq_rectifications_item", "item_id"),
    ("uq_task_groups_name", "name"),
    ("uq_enterprises_uscc", "uscc"),
    ("uq_returning_workers_id_number", "id_number"),
    ("uq_manifest_worker", "worker_id"),
    ("manifest.worker_id", "worker_id"),
    ("returning_workers.id_number", "id_number"),
    ("ck_returning_workers_arrival", "arrival_date"),
    ("ck_indicator_figures_indicator", "indicator"),
    ("ck_indicator_figures_month", "month"),
    ("ck_indicator_figures_value", "value"),
    ("ck_indicator_figures_target", "target_value"),
    ("enterprises.uscc", "uscc"),
    ("task_groups.name", "name"),
    ("rectifications.inspection_id, rectifications.item_id", "item_id"),
    ("handovers.group_id, handovers.day, handovers.shift", "shift"),
];

pub fn field_for_constraint(constraint: &str) -> String {
    CONSTRAINT_FIELDS
        .iter()
        .find(|(c, _)| *c == constraint)
        .map(|(_, f)| (*f).to_owned())
        .unwrap_or_else(|| constraint.to_owned())
}

/// SQLite names the columns ("UNIQUE constraint failed: users.username") or the check
/// ("CHECK constraint failed: ck_x"); PostgreSQL gives the constraint name directly.
fn constraint_name(db: &dyn sqlx::error::DatabaseError) -> String {
    if let Some(c) = db.constraint() {
        return c.to_owned();
    }
    let msg = db.message();
    msg.split_once(" failed: ")
        .map(|(_, rest)| rest.trim().to_owned())
        .unwrap_or_else(|| msg.to_owned())
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation
                | ErrorKind::ForeignKeyViolation
                | ErrorKind::CheckViolation
                | ErrorKind::NotNullViolation => {
                    let constraint = constraint_name(db.as_ref());
                    StoreError::Conflict { field: field_for_constraint(&constraint), constraint }
                }
                _ => {
                    // SQLite: FULL (13), BUSY (5), IOERR (10), also as extended codes (the low
                    // byte is the primary code, e.g. IOERR_WRITE 778). PostgreSQL: 53100
                    // disk_full, 53xxx resources, 57P0x shutdown.
                    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                    let sqlite = (code.len() <= 4)
                        .then(|| code.parse::<u32>().ok())
                        .flatten()
                        .map(|n| n & 0xff);
                    if sqlite == Some(13) || code == "53100" {
                        StoreError::StorageFull(db.message().to_owned())
                    } else if matches!(sqlite, Some(5 | 10))
                        || code.starts_with("53")
                        || code.starts_with("57P")
                    {
                        StoreError::Unavailable(db.message().to_owned())
                    } else {
                        StoreError::Other(db.message().to_owned())
                    }
                }
            },
            other => StoreError::Other(other.to_string()),
        }
    }
}

impl From<yizhan_core::error::DomainError> for StoreError {
    fn from(e: yizhan_core::error::DomainError) -> Self {
        StoreError::Refused(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Other(format!("migration failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_a_constraint_map_to_one_field() {
        assert_eq!(field_for_constraint("uq_users_username"), "username");
        assert_eq!(field_for_constraint("users.username"), "username");
        assert_eq!(field_for_constraint("unknown_thing"), "unknown_thing");
    }
}
