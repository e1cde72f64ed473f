-- Guests in the loop (issue 20): the room card's link to a guest's own page. Only the SHA-256 of
-- the token is kept; it is valid while its stay is open and until revoked (a new card, a room
-- change, a check-out). A browser proves itself once with the last four characters of the
-- document and keeps a device secret (also only hashed); failures are counted per link, and
-- five in a row lock the link's second factor for a while.
CREATE TABLE guest_links (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    CONSTRAINT uq_guest_links_token UNIQUE (token_hash)
);
CREATE INDEX ix_guest_links_stay ON guest_links (stay_id);

CREATE TABLE guest_devices (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL REFERENCES guest_links (id),
    device_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_guest_devices UNIQUE (link_id, device_hash)
);

-- What a guest reports of themselves for a slot, kept beside the staff's reading (never over it).
CREATE TABLE self_reports (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    day TEXT NOT NULL,
    slot TEXT NOT NULL CONSTRAINT ck_self_reports_slot CHECK (slot IN ('am', 'pm')),
    temperature INTEGER NOT NULL,
    symptoms TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    CONSTRAINT uq_self_reports UNIQUE (stay_id, day, slot)
);
CREATE INDEX ix_self_reports_station_day ON self_reports (station_id, day);

-- An alert raised by a guest's own report: staff confirm it with their reading.
ALTER TABLE alerts ADD COLUMN self_reported BOOLEAN NOT NULL DEFAULT FALSE;
