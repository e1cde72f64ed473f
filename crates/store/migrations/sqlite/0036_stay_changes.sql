-- A stay's period extended or shortened (issue 19): who did it, in which role, why, the release
-- date and the days before and after, and the calendar of tests as it stood (kept here: a
-- shortened calendar loses the tests it no longer needs).
CREATE TABLE stay_changes (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    old_days INTEGER NOT NULL,
    new_days INTEGER NOT NULL CONSTRAINT ck_stay_changes_days CHECK (new_days BETWEEN 1 AND 90),
    old_release TEXT NOT NULL,
    new_release TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved_role TEXT NOT NULL,
    old_calendar TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX ix_stay_changes_stay ON stay_changes (stay_id);
