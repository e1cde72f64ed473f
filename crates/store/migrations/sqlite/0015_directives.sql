-- Directives (通知、工作方案) from the command to streets, stations and enterprises, their
-- attachments, and each recipient's reading, confirmation and reminders (SQLite dialect).

CREATE TABLE directives (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT ck_directives_kind CHECK (kind IN ('notice', 'work_plan', 'guideline')),
    body TEXT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CONSTRAINT ck_directives_status CHECK (status IN ('draft', 'published')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    published_at TEXT,
    CONSTRAINT ck_directives_published CHECK (status = 'draft' OR published_at IS NOT NULL)
);

CREATE TABLE directive_recipients (
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    kind TEXT NOT NULL CONSTRAINT ck_directive_recipients_kind CHECK (kind IN ('street', 'station', 'enterprise')),
    target_id INTEGER NOT NULL,
    read_at TEXT,
    read_by TEXT,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    reminders INTEGER NOT NULL DEFAULT 0,
    reminded_at TEXT,
    PRIMARY KEY (directive_id, kind, target_id),
    CONSTRAINT ck_directive_recipients_order CHECK (acknowledged_at IS NULL OR read_at IS NOT NULL)
);
CREATE INDEX ix_directive_recipients_unit ON directive_recipients (kind, target_id);

CREATE TABLE directive_files (
    id INTEGER PRIMARY KEY,
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX ix_directive_files_directive ON directive_files (directive_id);
