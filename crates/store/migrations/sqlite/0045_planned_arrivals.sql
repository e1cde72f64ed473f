-- Intake (issue 19): the people a port or the district says will arrive, imported from their list
-- before they come, given a station by the command and checked in there with one action. Each
-- carries what the guest registration asks, so the check-in copies it into the station's guests.
-- Stations say which categories they take (empty: every one), e.g. drivers only at a drivers'
-- station.
ALTER TABLE stations ADD COLUMN takes TEXT NOT NULL DEFAULT '';

CREATE TABLE planned_arrivals (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES import_runs (id),
    doc_type TEXT NOT NULL,
    doc_number TEXT NOT NULL,
    name TEXT NOT NULL,
    sex TEXT NOT NULL CONSTRAINT ck_planned_arrivals_sex CHECK (sex IN ('male', 'female')),
    birth_date TEXT NOT NULL,
    phone TEXT NOT NULL,
    phone2 TEXT,
    region TEXT NOT NULL,
    category TEXT NOT NULL CONSTRAINT ck_planned_arrivals_category CHECK (category IN
        ('cross_border_driver', 'inbound_traveller', 'close_contact', 'secondary_contact', 'other')),
    chronic_disease TEXT,
    pregnant BOOLEAN NOT NULL,
    medical_notes TEXT,
    employer TEXT,
    plate_cn TEXT,
    plate_hk TEXT,
    exemption_status TEXT CONSTRAINT ck_planned_arrivals_exemption CHECK (exemption_status IN ('valid', 'suspended', 'revoked')),
    exemption_date TEXT,
    exemption_reason TEXT,
    party TEXT,
    expected_on TEXT NOT NULL,
    port TEXT NOT NULL,
    policy_code TEXT NOT NULL,
    state TEXT NOT NULL CONSTRAINT ck_planned_arrivals_state CHECK (state IN ('planned', 'allocated', 'arrived', 'cancelled')),
    station_id INTEGER REFERENCES stations (id),
    allocated_by TEXT,
    allocated_at TEXT,
    guest_id INTEGER REFERENCES guests (id),
    stay_id INTEGER REFERENCES stays (id),
    arrived_at TEXT,
    cancel_reason TEXT,
    created_at TEXT NOT NULL,
    CONSTRAINT ck_planned_arrivals_station CHECK (state NOT IN ('allocated', 'arrived') OR station_id IS NOT NULL),
    CONSTRAINT ck_planned_arrivals_stay CHECK ((state = 'arrived') = (stay_id IS NOT NULL)),
    CONSTRAINT uq_planned_arrivals_stay UNIQUE (stay_id)
);
-- One person is on the list once a day, unless taken off it.
CREATE UNIQUE INDEX uq_planned_arrivals_person ON planned_arrivals (doc_type, doc_number, expected_on)
    WHERE state <> 'cancelled';
CREATE INDEX ix_planned_arrivals_station ON planned_arrivals (station_id, state);
CREATE INDEX ix_planned_arrivals_state ON planned_arrivals (state, expected_on);
CREATE INDEX ix_planned_arrivals_run ON planned_arrivals (run_id);
