-- Inspection checklists (versioned), inspections of stations, planned or unannounced, and their
-- results per item (SQLite dialect).

CREATE TABLE inspection_templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_inspection_templates_version UNIQUE (name, version)
);

CREATE TABLE inspection_items (
    id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES inspection_templates (id),
    position INTEGER NOT NULL,
    topic TEXT NOT NULL,
    text TEXT NOT NULL,
    standard TEXT NOT NULL
);
CREATE INDEX ix_inspection_items_template ON inspection_items (template_id, position);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES inspection_templates (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    kind TEXT NOT NULL CONSTRAINT ck_inspections_kind CHECK (kind IN ('planned', 'unannounced')),
    planned_on TEXT NOT NULL,
    team TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_by TEXT,
    started_at TEXT,
    finished_at TEXT,
    CONSTRAINT ck_inspections_order CHECK (finished_at IS NULL OR started_at IS NOT NULL)
);
CREATE INDEX ix_inspections_station ON inspections (station_id, planned_on);

CREATE TABLE inspection_results (
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    item_id INTEGER NOT NULL REFERENCES inspection_items (id),
    result TEXT NOT NULL CONSTRAINT ck_inspection_results_result CHECK (result IN ('pass', 'fail', 'na')),
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (inspection_id, item_id),
    CONSTRAINT ck_inspection_results_fail_note CHECK (result <> 'fail' OR note IS NOT NULL)
);
