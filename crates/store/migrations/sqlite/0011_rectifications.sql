-- Rectification orders from failed inspection items, and evidence photos (re-encoded JPEG,
-- stored in the database so every node serves them) (SQLite dialect).

CREATE TABLE rectifications (
    id INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    item_id INTEGER NOT NULL REFERENCES inspection_items (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    severity TEXT NOT NULL CONSTRAINT ck_rectifications_severity CHECK (severity IN ('minor', 'major', 'critical')),
    finding TEXT NOT NULL,
    responsible TEXT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open'
        CONSTRAINT ck_rectifications_status CHECK (status IN ('open', 'submitted', 'closed', 'reopened')),
    reply TEXT,
    submitted_by TEXT,
    submitted_at TEXT,
    verdict TEXT,
    verified_by TEXT,
    verified_at TEXT,
    reopened INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_rectifications_item UNIQUE (inspection_id, item_id),
    CONSTRAINT ck_rectifications_submitted CHECK (status = 'open' OR (reply IS NOT NULL AND submitted_by IS NOT NULL)),
    CONSTRAINT ck_rectifications_closed CHECK (status <> 'closed' OR verified_by IS NOT NULL)
);
CREATE INDEX ix_rectifications_station ON rectifications (station_id, status, deadline);

CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    item_id INTEGER REFERENCES inspection_items (id),
    rectification_id INTEGER REFERENCES rectifications (id),
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    CONSTRAINT ck_photos_subject CHECK ((item_id IS NULL) <> (rectification_id IS NULL))
);
CREATE INDEX ix_photos_inspection ON photos (inspection_id, item_id);
CREATE INDEX ix_photos_rectification ON photos (rectification_id);

CREATE TABLE photo_data (
    photo_id INTEGER PRIMARY KEY REFERENCES photos (id),
    jpeg BLOB NOT NULL,
    thumb BLOB NOT NULL
);
