-- Display tokens for wall boards: a TV opens its board with one, no login. Revocable.
CREATE TABLE board_tokens (
    id INTEGER PRIMARY KEY,
    station_id INTEGER REFERENCES stations (id),
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL CONSTRAINT uq_board_tokens_hash UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX ix_board_tokens_station ON board_tokens (station_id);
