-- The duty roster (排班), requested days off and shift handovers (交接班) (SQLite dialect).
-- One person works a shift once: the unique index, not only the generator, says so.

CREATE TABLE roster_shifts (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES working_groups (id),
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    day TEXT NOT NULL,
    shift INTEGER NOT NULL CONSTRAINT ck_roster_shifts_shift CHECK (shift BETWEEN 0 AND 5),
    created_at TEXT NOT NULL,
    CONSTRAINT uq_roster_shifts_person UNIQUE (staff_id, day, shift)
);
CREATE INDEX ix_roster_shifts_group_day ON roster_shifts (group_id, day);

CREATE TABLE staff_days_off (
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    day TEXT NOT NULL,
    PRIMARY KEY (staff_id, day)
);

CREATE TABLE handovers (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES working_groups (id),
    day TEXT NOT NULL,
    shift INTEGER NOT NULL,
    notes TEXT NOT NULL,
    written_by_id INTEGER,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    acknowledged_by_id INTEGER,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    CONSTRAINT uq_handovers_shift UNIQUE (group_id, day, shift),
    CONSTRAINT ck_handovers_other_person CHECK (acknowledged_by_id IS NULL OR written_by_id IS NULL OR acknowledged_by_id <> written_by_id)
);

-- Open items travel from one handover to the next until someone marks them done.
CREATE TABLE handover_items (
    id INTEGER PRIMARY KEY,
    handover_id INTEGER NOT NULL REFERENCES handovers (id),
    text TEXT NOT NULL,
    carried_from INTEGER REFERENCES handover_items (id),
    done_at TEXT,
    done_by TEXT
);
CREATE INDEX ix_handover_items_handover ON handover_items (handover_id);
