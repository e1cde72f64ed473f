-- Station operations: rooms and beds, room-state events, quarantine policies, guests, relatives,
-- stays with their movements and test calendars (SQLite dialect).
-- Two invariants live here, not in code: one open stay per guest, and one open stay per bed
-- (a room's beds are rows, so "open stays ≤ beds" is a unique index on both backends).

CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    number TEXT NOT NULL,
    floor INTEGER NOT NULL,
    beds INTEGER NOT NULL CONSTRAINT ck_rooms_beds CHECK (beds BETWEEN 1 AND 6),
    kind TEXT NOT NULL CONSTRAINT ck_rooms_kind CHECK (kind IN ('single', 'family', 'barrier_free')),
    state TEXT NOT NULL CONSTRAINT ck_rooms_state CHECK (state IN
        ('ready', 'occupied', 'awaiting_disinfection', 'disinfected', 'maintenance', 'sealed')),
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_rooms_number UNIQUE (station_id, number)
);
CREATE INDEX ix_rooms_station ON rooms (station_id, floor);

CREATE TABLE beds (
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    bed_no INTEGER NOT NULL,
    PRIMARY KEY (room_id, bed_no)
);

CREATE TABLE room_events (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    cause TEXT NOT NULL,
    reason TEXT,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_room_events_room ON room_events (room_id, at);

CREATE TABLE quarantine_policies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    centralized_days INTEGER NOT NULL CONSTRAINT ck_policies_days CHECK (centralized_days BETWEEN 1 AND 60),
    home_days INTEGER NOT NULL,
    test_days TEXT NOT NULL,
    daily_test BOOLEAN NOT NULL,
    sample_type TEXT NOT NULL,
    double_sampling BOOLEAN NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    CONSTRAINT uq_policies_code_from UNIQUE (code, valid_from)
);

CREATE TABLE guests (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    doc_type TEXT NOT NULL,
    doc_number TEXT NOT NULL,
    name TEXT NOT NULL,
    sex TEXT NOT NULL CONSTRAINT ck_guests_sex CHECK (sex IN ('male', 'female')),
    birth_date TEXT NOT NULL,
    phone TEXT NOT NULL,
    phone2 TEXT,
    region TEXT NOT NULL,
    category TEXT NOT NULL CONSTRAINT ck_guests_category CHECK (category IN
        ('cross_border_driver', 'inbound_traveller', 'close_contact', 'secondary_contact', 'other')),
    chronic_disease TEXT,
    pregnant BOOLEAN NOT NULL,
    medical_notes TEXT,
    employer TEXT,
    plate_cn TEXT,
    plate_hk TEXT,
    exemption_status TEXT CONSTRAINT ck_guests_exemption CHECK (exemption_status IN ('valid', 'suspended', 'revoked')),
    exemption_date TEXT,
    exemption_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_guests_document UNIQUE (station_id, doc_type, doc_number)
);
CREATE INDEX ix_guests_station ON guests (station_id);

CREATE TABLE relatives (
    id INTEGER PRIMARY KEY,
    guest_id INTEGER NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_relatives_guest ON relatives (guest_id);

CREATE TABLE stays (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    guest_id INTEGER NOT NULL REFERENCES guests (id),
    room_id INTEGER NOT NULL,
    bed_no INTEGER NOT NULL,
    policy_id INTEGER NOT NULL REFERENCES quarantine_policies (id),
    checked_in_at TEXT NOT NULL,
    planned_release TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT CONSTRAINT ck_stays_outcome CHECK (outcome IN
        ('released', 'transferred_hospital', 'turned_back', 'exemption_revoked', 'transferred_other', 'other')),
    outcome_reason TEXT,
    CONSTRAINT fk_stays_bed FOREIGN KEY (room_id, bed_no) REFERENCES beds (room_id, bed_no),
    CONSTRAINT ck_stays_closed CHECK ((ended_at IS NULL AND outcome IS NULL) OR (ended_at IS NOT NULL AND outcome IS NOT NULL))
);
CREATE UNIQUE INDEX uq_stays_open_guest ON stays (guest_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX uq_stays_open_bed ON stays (room_id, bed_no) WHERE ended_at IS NULL;
CREATE INDEX ix_stays_station ON stays (station_id, ended_at);

-- Guest movements: check-in, room change, check-out (the wall board's feed).
CREATE TABLE stay_events (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    kind TEXT NOT NULL,
    room_id INTEGER NOT NULL,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_stay_events_station ON stay_events (station_id, at);

-- The test calendar of a stay, generated from the policy in force at check-in.
CREATE TABLE stay_tests (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    day INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    barcode TEXT,
    sampled_at TEXT,
    sampled_by TEXT,
    result TEXT CONSTRAINT ck_stay_tests_result CHECK (result IN ('negative', 'positive', 'invalid')),
    result_at TEXT,
    CONSTRAINT uq_stay_tests_day UNIQUE (stay_id, day)
);
CREATE INDEX ix_stay_tests_due ON stay_tests (due_date);
