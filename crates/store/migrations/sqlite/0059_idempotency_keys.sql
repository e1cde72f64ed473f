-- The first answer to a state-changing API request sent with an `Idempotency-Key` (issue 22):
-- a retry with the same key and body gets it again and changes nothing, on any node, for 24 h.
-- Keys are the caller's own (one caller's key never meets another's). `status` is NULL while
-- the first request runs.
CREATE TABLE idempotency_keys (
    caller INTEGER NOT NULL,
    request_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    location TEXT,
    body BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (caller, request_key)
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
