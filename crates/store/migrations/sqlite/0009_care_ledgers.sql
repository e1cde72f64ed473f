-- Relatives' contact log and deliveries (三角沟通), staff tests of the closed loop, emergency
-- plans with their drills (SQLite dialect).

CREATE TABLE relative_contacts (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    relative_name TEXT NOT NULL,
    channel TEXT NOT NULL CONSTRAINT ck_relative_contacts_channel CHECK (channel IN ('phone', 'wechat', 'video', 'in_person', 'other')),
    direction TEXT NOT NULL CONSTRAINT ck_relative_contacts_direction CHECK (direction IN ('incoming', 'outgoing')),
    topic TEXT NOT NULL,
    outcome TEXT,
    staff TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_relative_contacts_station ON relative_contacts (station_id, at);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    sender TEXT NOT NULL,
    item TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT ck_deliveries_status CHECK (status IN ('received', 'disinfected', 'delivered', 'refused')),
    received_by TEXT NOT NULL,
    received_at TEXT NOT NULL,
    disinfected_by TEXT,
    disinfected_at TEXT,
    delivered_by TEXT,
    delivered_at TEXT,
    note TEXT,
    -- Nothing reaches a room undisinfected.
    CONSTRAINT ck_deliveries_disinfected_first CHECK (status <> 'delivered' OR disinfected_at IS NOT NULL)
);
CREATE INDEX ix_deliveries_station ON deliveries (station_id, received_at);

CREATE TABLE staff_tests (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    day TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT ck_staff_tests_status CHECK (status IN ('done', 'missed')),
    result TEXT CONSTRAINT ck_staff_tests_result CHECK (result IN ('negative', 'positive')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT uq_staff_tests_day UNIQUE (staff_id, day)
);

CREATE TABLE emergency_plans (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    kind TEXT NOT NULL CONSTRAINT ck_emergency_plans_kind CHECK (kind IN ('positive_case', 'fever', 'fire', 'escape', 'power_outage', 'other')),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    steps TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    CONSTRAINT uq_emergency_plans_version UNIQUE (station_id, kind, version)
);

CREATE TABLE drills (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES emergency_plans (id),
    held_on TEXT NOT NULL,
    participants INTEGER NOT NULL CONSTRAINT ck_drills_participants CHECK (participants BETWEEN 1 AND 1000),
    minutes INTEGER NOT NULL CONSTRAINT ck_drills_minutes CHECK (minutes BETWEEN 1 AND 1440),
    gaps TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_drills_plan ON drills (plan_id, held_on);
