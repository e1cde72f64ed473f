-- Cross-border drivers' trips (出车, issue 19): a driver lodged at the station leaves for a run
-- and comes back; the plate, the port, where to, when expected back. One trip out at a time per
-- stay. A late return and a return day without a test are told once (the outbox's uniqueness).
CREATE TABLE driver_trips (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    plate TEXT NOT NULL,
    port TEXT NOT NULL,
    destination TEXT NOT NULL,
    out_at TEXT NOT NULL,
    expected_back_at TEXT NOT NULL,
    back_at TEXT,
    out_by TEXT NOT NULL,
    back_by TEXT,
    CONSTRAINT ck_driver_trips_back CHECK (back_at IS NULL OR back_at >= out_at),
    CONSTRAINT ck_driver_trips_expected CHECK (expected_back_at > out_at)
);
CREATE UNIQUE INDEX uq_driver_trips_out ON driver_trips (stay_id) WHERE back_at IS NULL;
CREATE INDEX ix_driver_trips_station ON driver_trips (station_id, out_at);

-- A driver's violation recorded by the lead, with what it proposes for the exemption; applying
-- a suspension sets the guest's exemption status, a revocation comes with the check-out.
CREATE TABLE driver_violations (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    what TEXT NOT NULL,
    proposal TEXT NOT NULL CONSTRAINT ck_driver_violations_proposal CHECK (proposal IN ('warn', 'suspend', 'revoke')),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_driver_violations_stay ON driver_violations (stay_id);
