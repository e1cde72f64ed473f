-- Relief applications: rent reduction and other support measures (SQLite dialect).

CREATE TABLE relief_applications (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    kind TEXT NOT NULL CONSTRAINT ck_relief_kind CHECK (kind IN ('rent', 'other')),
    property TEXT,
    landlord TEXT CONSTRAINT ck_relief_landlord CHECK (landlord IN ('state_owned', 'other')),
    months INTEGER CONSTRAINT ck_relief_months CHECK (months BETWEEN 1 AND 12),
    monthly_rent INTEGER,
    measure TEXT,
    amount INTEGER NOT NULL CONSTRAINT ck_relief_amount CHECK (amount >= 0),
    status TEXT NOT NULL DEFAULT 'submitted' CONSTRAINT ck_relief_status CHECK (status IN ('submitted', 'approved', 'rejected')),
    decision_note TEXT,
    decided_by TEXT,
    decided_at TEXT,
    applied_by TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    CONSTRAINT ck_relief_rent CHECK (kind <> 'rent' OR (property IS NOT NULL AND landlord IS NOT NULL AND months IS NOT NULL AND monthly_rent IS NOT NULL AND amount = months * monthly_rent)),
    CONSTRAINT ck_relief_rejected CHECK (status <> 'rejected' OR decision_note IS NOT NULL)
);
CREATE INDEX ix_relief_enterprise ON relief_applications (enterprise_id, status);
