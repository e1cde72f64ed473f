-- Bulk imports and their error reports, kept so a report can be downloaded later (SQLite dialect).

CREATE TABLE import_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL CONSTRAINT ck_import_runs_mode CHECK (mode IN ('all', 'valid')),
    file_name TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    imported INTEGER NOT NULL,
    report TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
