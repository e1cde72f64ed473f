-- Station staff and care, part 1: working groups and staff, counselling, incidents and
-- complaints (SQLite dialect).

-- 工作组; the command team (专班) is the group with is_command.
CREATE TABLE working_groups (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    name TEXT NOT NULL,
    is_command BOOLEAN NOT NULL DEFAULT FALSE,
    pattern TEXT NOT NULL CONSTRAINT ck_working_groups_pattern CHECK (pattern IN ('three_eights', 'two_twelves')),
    min_per_shift INTEGER NOT NULL CONSTRAINT ck_working_groups_min CHECK (min_per_shift BETWEEN 1 AND 20),
    duties TEXT,
    leader_id INTEGER,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_working_groups_name UNIQUE (station_id, name)
);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    group_id INTEGER REFERENCES working_groups (id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    post TEXT,
    organisation TEXT NOT NULL,
    post_risk TEXT NOT NULL CONSTRAINT ck_staff_post_risk CHECK (post_risk IN ('high', 'medium', 'low')),
    loop_status TEXT NOT NULL CONSTRAINT ck_staff_loop CHECK (loop_status IN ('not_in_loop', 'in_loop', 'monitoring', 'ended')),
    loop_start TEXT,
    loop_end TEXT,
    monitor_until TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_staff_phone UNIQUE (station_id, phone),
    CONSTRAINT ck_staff_loop_dates CHECK (loop_end IS NULL OR loop_start IS NULL OR loop_end >= loop_start)
);
CREATE INDEX ix_staff_group ON staff (group_id);

-- Counselling (心理咨询). `notes` is read only by counsellors; the web layer never selects it
-- for anyone else.
CREATE TABLE counselling_sessions (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    counsellor_id INTEGER NOT NULL,
    counsellor TEXT NOT NULL,
    held_at TEXT NOT NULL,
    minutes INTEGER NOT NULL CONSTRAINT ck_counselling_minutes CHECK (minutes BETWEEN 1 AND 480),
    risk TEXT NOT NULL CONSTRAINT ck_counselling_risk CHECK (risk IN ('low', 'medium', 'high')),
    notes TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_counselling_stay ON counselling_sessions (stay_id, held_at);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    kind TEXT NOT NULL CONSTRAINT ck_incidents_kind CHECK (kind IN ('accident', 'security', 'fire', 'escape_attempt', 'other')),
    occurred_at TEXT NOT NULL,
    place TEXT NOT NULL,
    description TEXT NOT NULL,
    injured INTEGER NOT NULL CONSTRAINT ck_incidents_injured CHECK (injured BETWEEN 0 AND 1000),
    action_taken TEXT,
    reported_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    close_note TEXT
);
CREATE INDEX ix_incidents_station ON incidents (station_id, occurred_at);

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    stay_id INTEGER REFERENCES stays (id),
    source TEXT NOT NULL CONSTRAINT ck_complaints_source CHECK (source IN ('guest', 'relative', 'other')),
    complainant TEXT NOT NULL,
    topic TEXT NOT NULL,
    detail TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT ck_complaints_status CHECK (status IN ('open', 'in_progress', 'resolved')),
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL,
    resolution TEXT,
    resolved_at TEXT,
    resolved_by TEXT,
    CONSTRAINT ck_complaints_resolved CHECK ((status = 'resolved') = (resolution IS NOT NULL AND resolved_at IS NOT NULL))
);
CREATE INDEX ix_complaints_station ON complaints (station_id, received_at);
CREATE INDEX ix_complaints_stay ON complaints (stay_id);
