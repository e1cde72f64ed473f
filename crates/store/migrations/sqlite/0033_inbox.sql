-- The in-app notification centre: every event that notifies, once, whatever channels there are,
-- for the people whose scope holds its station (its street kept so a street's command reads its
-- own); and how far each person has read.
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    event TEXT NOT NULL,
    severity TEXT NOT NULL CONSTRAINT ck_inbox_severity CHECK (severity IN ('critical', 'danger', 'warning', 'info')),
    station_id INTEGER REFERENCES stations (id),
    street_id INTEGER REFERENCES streets (id),
    facts TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_inbox_once UNIQUE (source, source_id, event)
);
CREATE INDEX ix_inbox_station ON inbox (station_id, id);
CREATE INDEX ix_inbox_street ON inbox (street_id, id);

CREATE TABLE inbox_reads (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    seen_id INTEGER NOT NULL,
    at TEXT NOT NULL
);
