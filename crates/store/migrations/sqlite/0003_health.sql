-- Health monitoring, alerts, key attention and release certificates (SQLite dialect).

CREATE TABLE health_checks (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    day TEXT NOT NULL,
    slot TEXT NOT NULL CONSTRAINT ck_health_checks_slot CHECK (slot IN ('am', 'pm')),
    temperature INTEGER NOT NULL CONSTRAINT ck_health_checks_temperature CHECK (temperature BETWEEN 340 AND 430),
    symptoms TEXT NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT uq_health_checks_slot UNIQUE (stay_id, day, slot)
);
CREATE INDEX ix_health_checks_station_day ON health_checks (station_id, day);

-- Fever, symptoms, positive results: open until a person closes them with a note.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    kind TEXT NOT NULL CONSTRAINT ck_alerts_kind CHECK (kind IN ('fever', 'symptoms', 'fever_and_symptoms', 'positive')),
    detail TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    close_note TEXT
);
CREATE INDEX ix_alerts_station_open ON alerts (station_id, closed_at);

-- Manual key-attention flags and the follow-up notes on a stay.
CREATE TABLE attention_flags (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    reason TEXT NOT NULL,
    flagged_by TEXT NOT NULL,
    flagged_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    close_note TEXT
);
CREATE INDEX ix_attention_flags_stay ON attention_flags (stay_id);

CREATE TABLE attention_notes (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_attention_notes_stay ON attention_notes (stay_id);

CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL CONSTRAINT uq_certificates_stay UNIQUE REFERENCES stays (id),
    number TEXT NOT NULL CONSTRAINT uq_certificates_number UNIQUE,
    code TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL
);

CREATE INDEX ix_stay_tests_barcode ON stay_tests (barcode);
