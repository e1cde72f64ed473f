-- Disinfection areas and records, and the medical-waste ledger (SQLite dialect).
-- Two rules live here as well as in code: a record is of one area or one room, and the person
-- who verifies a terminal disinfection is not the one who did it; waste needs two signatures.

CREATE TABLE disinfection_areas (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT ck_disinfection_areas_kind CHECK (kind IN ('corridor', 'lift', 'public', 'other')),
    every_hours INTEGER NOT NULL CONSTRAINT ck_disinfection_areas_every CHECK (every_hours BETWEEN 1 AND 168),
    created_at TEXT NOT NULL,
    CONSTRAINT uq_disinfection_areas_name UNIQUE (station_id, name)
);

CREATE TABLE disinfection_records (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    area_id INTEGER REFERENCES disinfection_areas (id),
    room_id INTEGER REFERENCES rooms (id),
    agent TEXT NOT NULL,
    concentration INTEGER NOT NULL CONSTRAINT ck_disinfection_concentration CHECK (concentration BETWEEN 1 AND 20000),
    minutes INTEGER NOT NULL CONSTRAINT ck_disinfection_minutes CHECK (minutes BETWEEN 1 AND 1440),
    operator TEXT NOT NULL,
    done_at TEXT NOT NULL,
    recorded_by_id INTEGER,
    recorded_by TEXT NOT NULL,
    verifier_id INTEGER,
    verifier TEXT,
    verified_at TEXT,
    CONSTRAINT ck_disinfection_one_place CHECK ((area_id IS NULL) <> (room_id IS NULL)),
    CONSTRAINT ck_disinfection_second_person CHECK (verifier IS NULL OR verifier <> operator)
);
CREATE INDEX ix_disinfection_records_station ON disinfection_records (station_id, done_at);
CREATE INDEX ix_disinfection_records_area ON disinfection_records (area_id, done_at);
CREATE INDEX ix_disinfection_records_room ON disinfection_records (room_id, done_at);

CREATE TABLE waste_handovers (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    day TEXT NOT NULL,
    bags INTEGER NOT NULL CONSTRAINT ck_waste_bags CHECK (bags BETWEEN 0 AND 10000),
    weight_tenths INTEGER NOT NULL CONSTRAINT ck_waste_weight CHECK (weight_tenths BETWEEN 0 AND 100000),
    contractor TEXT NOT NULL,
    handed_by TEXT NOT NULL,
    received_by TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT ck_waste_two_signatures CHECK (handed_by <> received_by)
);
CREATE INDEX ix_waste_handovers_station ON waste_handovers (station_id, day);
