-- What guests ask of the station from their own page (issue 20): each request routed to the
-- working group that answers its kind, with a deadline by kind; the guest sees its state.
CREATE TABLE guest_requests (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    kind TEXT NOT NULL CONSTRAINT ck_guest_requests_kind CHECK (kind IN ('meal', 'necessities', 'medicine', 'counselling', 'complaint', 'other')),
    body TEXT NOT NULL,
    group_id INTEGER REFERENCES working_groups (id),
    state TEXT NOT NULL CONSTRAINT ck_guest_requests_state CHECK (state IN ('received', 'in_progress', 'done')),
    due_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at TEXT,
    done_at TEXT,
    CONSTRAINT ck_guest_requests_done CHECK ((state = 'done') = (done_at IS NOT NULL))
);
CREATE INDEX ix_guest_requests_station ON guest_requests (station_id, state, due_at);
CREATE INDEX ix_guest_requests_stay ON guest_requests (stay_id);
