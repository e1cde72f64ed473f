-- A guest transferred to another station (issue 19): the sending stay is ended (transferred_other)
-- and the guest is in transit until a receiving station accepts them into a bed; then the new stay
-- is linked here. Addressed to one station, or to any station of the district (to_station_id NULL)
-- when the command has not chosen one: the first to accept takes the guest, once.
CREATE TABLE stay_transfers (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    guest_id INTEGER NOT NULL REFERENCES guests (id),
    from_station_id INTEGER NOT NULL REFERENCES stations (id),
    to_station_id INTEGER REFERENCES stations (id),
    reason TEXT NOT NULL,
    state TEXT NOT NULL CONSTRAINT ck_stay_transfers_state CHECK (state IN ('in_transit', 'accepted')),
    sent_by TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    accepted_stay_id INTEGER REFERENCES stays (id),
    accepted_by TEXT,
    accepted_at TEXT,
    CONSTRAINT uq_stay_transfers_stay UNIQUE (stay_id),
    CONSTRAINT uq_stay_transfers_accepted UNIQUE (accepted_stay_id),
    CONSTRAINT ck_stay_transfers_accepted CHECK (
        (state = 'in_transit' AND accepted_stay_id IS NULL AND accepted_at IS NULL)
        OR (state = 'accepted' AND accepted_stay_id IS NOT NULL AND accepted_at IS NOT NULL
            AND to_station_id IS NOT NULL))
);
CREATE UNIQUE INDEX uq_stay_transfers_in_transit ON stay_transfers (guest_id) WHERE state = 'in_transit';
CREATE INDEX ix_stay_transfers_to ON stay_transfers (state, to_station_id);
CREATE INDEX ix_stay_transfers_from ON stay_transfers (from_station_id, sent_at);
