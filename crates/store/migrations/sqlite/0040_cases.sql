-- A positive case's response (阳性处置, issue 19): opened by a positive result in the result's
-- transaction, one per stay; its steps timed from the opening (the emergency plan's schedule),
-- each done once with what it records. The case closes when its last step is done.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    room_id INTEGER NOT NULL REFERENCES rooms (id),
    reason TEXT NOT NULL CONSTRAINT ck_cases_reason CHECK (reason IN ('positive', 'fever_escalated')),
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    CONSTRAINT uq_cases_stay UNIQUE (stay_id)
);
CREATE INDEX ix_cases_open ON cases (closed_at, station_id);

CREATE TABLE case_steps (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    step TEXT NOT NULL CONSTRAINT ck_case_steps_step CHECK (step IN ('report', 'confirm', 'transfer', 'disinfect', 'unseal')),
    due_at TEXT NOT NULL,
    done_at TEXT,
    done_by TEXT,
    detail TEXT,
    CONSTRAINT uq_case_steps UNIQUE (case_id, step),
    CONSTRAINT ck_case_steps_done CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX ix_case_steps_due ON case_steps (done_at, due_at);
