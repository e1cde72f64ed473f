-- Daily situation reports, archived per day, and the claims that make a scheduled job run once
-- however many nodes tick (SQLite dialect).

CREATE TABLE daily_reports (
    day TEXT PRIMARY KEY,
    complete BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    generated_by TEXT NOT NULL,
    generated_at TEXT NOT NULL
);

-- One row per (job, run): the node whose insert lands runs it; the others see the conflict.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    run_key TEXT NOT NULL,
    node TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (job, run_key)
);
