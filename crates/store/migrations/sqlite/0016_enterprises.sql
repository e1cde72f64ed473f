-- Enterprises resuming work (复工复产) and their filed prevention plans (SQLite dialect).

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    uscc TEXT NOT NULL,
    name TEXT NOT NULL,
    street_id INTEGER NOT NULL REFERENCES streets (id),
    industry TEXT NOT NULL CONSTRAINT ck_enterprises_industry CHECK (industry IN
        ('manufacturing', 'logistics', 'construction', 'trade', 'catering', 'technology', 'services', 'other')),
    above_scale BOOLEAN NOT NULL,
    headcount INTEGER NOT NULL CONSTRAINT ck_enterprises_headcount CHECK (headcount >= 0),
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    resumption TEXT NOT NULL CONSTRAINT ck_enterprises_resumption CHECK (resumption IN ('not_started', 'applied', 'approved', 'resumed')),
    applied_on TEXT,
    approved_on TEXT,
    resumed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_enterprises_uscc UNIQUE (uscc),
    CONSTRAINT ck_enterprises_dates CHECK (
        (resumption = 'not_started' OR applied_on IS NOT NULL)
        AND (resumption NOT IN ('approved', 'resumed') OR approved_on IS NOT NULL)
        AND (resumption <> 'resumed' OR resumed_on IS NOT NULL))
);
CREATE INDEX ix_enterprises_street ON enterprises (street_id, resumption);

CREATE TABLE enterprise_plans (
    enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
