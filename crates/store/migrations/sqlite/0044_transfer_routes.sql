-- What happened to a transfer on its way (issue 19): a receiving station refused the guest (the
-- transfer goes back to the command: to any station), or the command addressed it to a station.
-- Kept in order; the transfer's row says where it is addressed now.
CREATE TABLE transfer_routes (
    id INTEGER PRIMARY KEY,
    transfer_id INTEGER NOT NULL REFERENCES stay_transfers (id),
    kind TEXT NOT NULL CONSTRAINT ck_transfer_routes_kind CHECK (kind IN ('refused', 'redirected')),
    station_id INTEGER REFERENCES stations (id),
    reason TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX ix_transfer_routes_transfer ON transfer_routes (transfer_id, id);
