-- Service accounts (systems, not people: no password sign-in) and their API tokens, sent as
-- `Authorization: Bearer` on /api/v1 (issue 22). Only the token's SHA-256 is kept; its first
-- characters tell tokens apart in lists.
ALTER TABLE users ADD COLUMN service INTEGER NOT NULL DEFAULT 0 CHECK (service IN (0, 1));

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL CONSTRAINT uq_api_tokens_hash UNIQUE,
    prefix TEXT NOT NULL,
    per_minute INTEGER NOT NULL CONSTRAINT ck_api_tokens_rate CHECK (per_minute BETWEEN 1 AND 100000),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);
