-- no-transaction
-- Inspections (and so rectifications) of a street or an enterprise as well as a station
-- (SQLite dialect). SQLite cannot drop NOT NULL, so both tables are rebuilt as its manual
-- describes: foreign keys off (outside a transaction), copy, swap, check, foreign keys on.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE inspections_new (
    id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES inspection_templates (id),
    unit_kind TEXT NOT NULL DEFAULT 'station'
        CONSTRAINT ck_inspections_unit_kind CHECK (unit_kind IN ('station', 'street', 'enterprise')),
    station_id INTEGER REFERENCES stations (id),
    street_id INTEGER REFERENCES streets (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
    kind TEXT NOT NULL CONSTRAINT ck_inspections_kind CHECK (kind IN ('planned', 'unannounced')),
    planned_on TEXT NOT NULL,
    team TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_by TEXT,
    started_at TEXT,
    finished_at TEXT,
    CONSTRAINT ck_inspections_order CHECK (finished_at IS NULL OR started_at IS NOT NULL),
    CONSTRAINT ck_inspections_unit CHECK (
        (unit_kind = 'station') = (station_id IS NOT NULL)
        AND (unit_kind = 'street') = (street_id IS NOT NULL)
        AND (unit_kind = 'enterprise') = (enterprise_id IS NOT NULL))
);
INSERT INTO inspections_new (id, template_id, unit_kind, station_id, kind, planned_on, team, created_by,
                             created_at, started_by, started_at, finished_at)
    SELECT id, template_id, 'station', station_id, kind, planned_on, team, created_by, created_at,
           started_by, started_at, finished_at
      FROM inspections;
DROP TABLE inspections;
ALTER TABLE inspections_new RENAME TO inspections;
CREATE INDEX ix_inspections_station ON inspections (station_id, planned_on);
CREATE INDEX ix_inspections_enterprise ON inspections (enterprise_id, planned_on);

CREATE TABLE rectifications_new (
    id INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    item_id INTEGER NOT NULL REFERENCES inspection_items (id),
    unit_kind TEXT NOT NULL DEFAULT 'station'
        CONSTRAINT ck_rectifications_unit_kind CHECK (unit_kind IN ('station', 'street', 'enterprise')),
    station_id INTEGER REFERENCES stations (id),
    street_id INTEGER REFERENCES streets (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
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
    CONSTRAINT ck_rectifications_closed CHECK (status <> 'closed' OR verified_by IS NOT NULL),
    CONSTRAINT ck_rectifications_unit CHECK (
        (unit_kind = 'station') = (station_id IS NOT NULL)
        AND (unit_kind = 'street') = (street_id IS NOT NULL)
        AND (unit_kind = 'enterprise') = (enterprise_id IS NOT NULL))
);
INSERT INTO rectifications_new (id, inspection_id, item_id, unit_kind, station_id, severity, finding,
                                responsible, deadline, status, reply, submitted_by, submitted_at, verdict,
                                verified_by, verified_at, reopened, created_by, created_at)
    SELECT id, inspection_id, item_id, 'station', station_id, severity, finding, responsible, deadline,
           status, reply, submitted_by, submitted_at, verdict, verified_by, verified_at, reopened,
           created_by, created_at
      FROM rectifications;
DROP TABLE rectifications;
ALTER TABLE rectifications_new RENAME TO rectifications;
CREATE INDEX ix_rectifications_station ON rectifications (station_id, status, deadline);
CREATE INDEX ix_rectifications_enterprise ON rectifications (enterprise_id, status, deadline);

COMMIT;
PRAGMA foreign_keys = ON;
