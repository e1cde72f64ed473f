-- Relatives in the loop (issue 20): a link a guest (or staff, on the guest's recorded consent)
-- makes for one named relative. Only the SHA-256 of the token is kept; a link is good while its
-- stay is open, before it expires and until revoked. One good link per relative of a stay: a new
-- one for the same name revokes the old (the partial index holds it under concurrency).
CREATE TABLE relative_links (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    relative_name TEXT NOT NULL,
    relation TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    -- Whether the relative sees test results and whether today's readings were normal.
    share_health BOOLEAN NOT NULL DEFAULT FALSE,
    -- 'guest' when the guest made it on their page; else the staff member, with the consent.
    created_by TEXT NOT NULL,
    consent TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT,
    CONSTRAINT uq_relative_links_token UNIQUE (token_hash)
);
CREATE UNIQUE INDEX uq_relative_links_one_per_relative ON relative_links (stay_id, relative_name)
    WHERE revoked_at IS NULL;

-- A delivery a relative books for a time window; at the gate staff receive it, and from then on
-- it is a delivery of the log (disinfected before it reaches the room).
CREATE TABLE delivery_bookings (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL REFERENCES relative_links (id),
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    item TEXT NOT NULL,
    day TEXT NOT NULL,
    time_window TEXT NOT NULL CONSTRAINT ck_delivery_bookings_window CHECK (time_window IN ('am', 'pm')),
    state TEXT NOT NULL CONSTRAINT ck_delivery_bookings_state CHECK (state IN ('booked', 'received', 'cancelled')),
    delivery_id INTEGER REFERENCES deliveries (id),
    created_at TEXT NOT NULL,
    CONSTRAINT ck_delivery_bookings_received CHECK ((state = 'received') = (delivery_id IS NOT NULL))
);
CREATE INDEX ix_delivery_bookings_station ON delivery_bookings (station_id, state, day);
CREATE INDEX ix_delivery_bookings_link ON delivery_bookings (link_id);

-- A relative's message to the front desk is a request of the stay, marked as the relative's.
ALTER TABLE guest_requests ADD COLUMN relative_link_id INTEGER REFERENCES relative_links (id);
