-- Special task groups (专责小组) of the district command and their tasks (SQLite dialect).

CREATE TABLE task_groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    leader TEXT NOT NULL,
    duties TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_task_groups_name UNIQUE (name)
);

CREATE TABLE group_tasks (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES task_groups (id),
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'open'
        CONSTRAINT ck_group_tasks_status CHECK (status IN ('open', 'in_progress', 'done', 'blocked')),
    note TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT,
    updated_at TEXT,
    CONSTRAINT ck_group_tasks_blocked CHECK (status <> 'blocked' OR note IS NOT NULL)
);
CREATE INDEX ix_group_tasks_group ON group_tasks (group_id, status);
