-- Special trains and chartered buses, their seats and manifests (SQLite dialect). The seats
-- are rows: a manifest line must take one (foreign key) and a seat holds one worker (primary
-- key), so a manifest can never exceed the capacity, however many clerks add at once.

CREATE TABLE transports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CONSTRAINT ck_transports_kind CHECK (kind IN ('train', 'bus')),
    name TEXT NOT NULL,
    origin TEXT NOT NULL,
    departs_on TEXT NOT NULL,
    capacity INTEGER NOT NULL CONSTRAINT ck_transports_capacity CHECK (capacity BETWEEN 1 AND 2000),
    carriages INTEGER,
    plate TEXT,
    driver TEXT,
    arrival_place TEXT NOT NULL,
    arrives_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT ck_transports_vehicle CHECK ((kind = 'train' AND carriages IS NOT NULL) OR (kind = 'bus' AND plate IS NOT NULL AND driver IS NOT NULL))
);

CREATE TABLE transport_seats (
    transport_id INTEGER NOT NULL REFERENCES transports (id),
    seat_no INTEGER NOT NULL,
    PRIMARY KEY (transport_id, seat_no)
);

CREATE TABLE manifest (
    transport_id INTEGER NOT NULL,
    seat_no INTEGER NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES returning_workers (id),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (transport_id, seat_no),
    CONSTRAINT fk_manifest_seat FOREIGN KEY (transport_id, seat_no) REFERENCES transport_seats (transport_id, seat_no),
    CONSTRAINT uq_manifest_worker UNIQUE (worker_id)
);
