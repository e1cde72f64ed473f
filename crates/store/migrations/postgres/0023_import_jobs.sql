-- Imports run as jobs: progress and outcome on the run, its problems one row each (a report of a
-- million-row file no longer fits in one text value), and each imported worker tagged with the
-- run that brought it, so an all-or-nothing run that fails can take its rows back (PostgreSQL
-- dialect).

ALTER TABLE import_runs ADD COLUMN status TEXT NOT NULL DEFAULT 'done'
    CONSTRAINT ck_import_runs_status CHECK (status IN ('running', 'done', 'failed', 'interrupted'));
ALTER TABLE import_runs ADD COLUMN permille BIGINT NOT NULL DEFAULT 1000
    CONSTRAINT ck_import_runs_permille CHECK (permille BETWEEN 0 AND 1000);
ALTER TABLE import_runs ADD COLUMN rows_bad BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_runs ADD COLUMN problems BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_runs ADD COLUMN failure TEXT;
ALTER TABLE import_runs ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE import_runs ADD COLUMN finished_at TIMESTAMPTZ;

CREATE TABLE import_problems (
    run_id BIGINT NOT NULL REFERENCES import_runs (id),
    seq BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    column_name TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

INSERT INTO import_problems (run_id, seq, row_no, column_name, message)
SELECT r.id, e.ord - 1, (e.v ->> 0)::BIGINT, e.v ->> 1, e.v ->> 2
FROM import_runs r, json_array_elements(r.report::json) WITH ORDINALITY AS e (v, ord)
WHERE r.report <> '';

UPDATE import_runs SET
    problems = (SELECT COUNT(*) FROM import_problems p WHERE p.run_id = import_runs.id),
    rows_bad = (SELECT COUNT(DISTINCT row_no) FROM import_problems p WHERE p.run_id = import_runs.id),
    updated_at = created_at,
    finished_at = created_at;

ALTER TABLE import_runs DROP COLUMN report;

ALTER TABLE returning_workers ADD COLUMN import_run_id BIGINT REFERENCES import_runs (id);
CREATE INDEX ix_returning_workers_import_run ON returning_workers (import_run_id)
    WHERE import_run_id IS NOT NULL;
