-- Difficulty tickets from enterprises, routed to a department and resolved (SQLite dialect).

CREATE TABLE difficulties (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    category TEXT NOT NULL CONSTRAINT ck_difficulties_category CHECK (category IN ('labour', 'transport', 'materials', 'other')),
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CONSTRAINT ck_difficulties_status CHECK (status IN ('open', 'routed', 'resolved')),
    department TEXT,
    resolution TEXT,
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    resolved_by TEXT,
    resolved_at TEXT,
    CONSTRAINT ck_difficulties_routed CHECK (status = 'open' OR department IS NOT NULL),
    CONSTRAINT ck_difficulties_resolved CHECK (status <> 'resolved' OR (resolution IS NOT NULL AND resolved_at IS NOT NULL))
);
CREATE INDEX ix_difficulties_enterprise ON difficulties (enterprise_id, status);
