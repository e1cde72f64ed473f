-- Measures a lead orders for people on a case's exposure list (issue 19): a guest's period
-- extended, tested now or daily, moved to another room; a staff member quarantined at home,
-- which takes them off the roster until `staff.quarantined_until`. Each measure is kept with who
-- ordered it and what it did.
CREATE TABLE exposure_measures (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    person_kind TEXT NOT NULL CONSTRAINT ck_exposure_measures_kind CHECK (person_kind IN ('guest', 'staff')),
    guest_id INTEGER REFERENCES guests (id),
    staff_id INTEGER REFERENCES staff (id),
    measure TEXT NOT NULL CONSTRAINT ck_exposure_measures_measure CHECK (measure IN ('extend', 'test_now', 'test_daily', 'move_room', 'home_quarantine')),
    detail TEXT NOT NULL,
    note TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    CONSTRAINT ck_exposure_measures_person CHECK ((person_kind = 'guest') = (guest_id IS NOT NULL) AND (person_kind = 'staff') = (staff_id IS NOT NULL))
);
CREATE INDEX ix_exposure_measures_case ON exposure_measures (case_id);

ALTER TABLE staff ADD COLUMN quarantined_until TEXT;
