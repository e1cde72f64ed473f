-- Returning workers (返岗人员) and where their return stands (SQLite dialect).

CREATE TABLE returning_workers (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT NOT NULL,
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    transport TEXT NOT NULL CONSTRAINT ck_returning_workers_transport CHECK (transport IN ('train', 'bus', 'own', 'other')),
    arrival_date TEXT,
    status TEXT NOT NULL CONSTRAINT ck_returning_workers_status CHECK (status IN ('registered', 'booked', 'arrived', 'at_work')),
    health TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT uq_returning_workers_id_number UNIQUE (id_number),
    CONSTRAINT ck_returning_workers_arrival CHECK (status NOT IN ('arrived', 'at_work') OR arrival_date IS NOT NULL)
);
CREATE INDEX ix_returning_workers_enterprise ON returning_workers (enterprise_id, status);
CREATE INDEX ix_returning_workers_status ON returning_workers (status, province);
