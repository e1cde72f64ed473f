-- Notices (通报) of inspection findings for a period and scope; published content is frozen
-- in `body` (SQLite dialect).

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    street_id INTEGER REFERENCES streets (id),
    summary TEXT,
    status TEXT NOT NULL DEFAULT 'draft' CONSTRAINT ck_notices_status CHECK (status IN ('draft', 'published')),
    body TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT,
    CONSTRAINT ck_notices_period CHECK (period_to >= period_from),
    CONSTRAINT ck_notices_published CHECK (status = 'draft' OR (body IS NOT NULL AND published_at IS NOT NULL))
);
CREATE INDEX ix_notices_period ON notices (period_to);
