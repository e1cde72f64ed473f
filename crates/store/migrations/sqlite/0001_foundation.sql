-- Foundation: reference data, accounts, sessions, throttling, audit log (SQLite dialect).
-- Timestamps are TEXT in one fixed UTC format written by the app (see db.rs).

CREATE TABLE district (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL
);

CREATE TABLE streets (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES district (id),
    name TEXT NOT NULL,
    CONSTRAINT uq_streets_name UNIQUE (district_id, name)
);

CREATE TABLE stations (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL CONSTRAINT fk_stations_street REFERENCES streets (id),
    name TEXT NOT NULL CONSTRAINT uq_stations_name UNIQUE,
    address TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT ck_stations_kind CHECK (kind IN ('hotel', 'centralized', 'other')),
    capacity INTEGER NOT NULL CONSTRAINT ck_stations_capacity CHECK (capacity >= 0),
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_stations_street ON stations (street_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL CONSTRAINT uq_users_username UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE user_roles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CONSTRAINT ck_user_roles_role CHECK (role IN
        ('admin', 'commander', 'station_lead', 'station_staff', 'medical', 'counsellor',
         'inspector', 'enterprise', 'viewer')),
    scope_kind TEXT NOT NULL,
    scope_id INTEGER,
    CONSTRAINT ck_user_roles_scope CHECK (
        (scope_kind = 'district' AND scope_id IS NULL)
        OR (scope_kind IN ('street', 'station', 'enterprise') AND scope_id IS NOT NULL))
);
CREATE INDEX ix_user_roles_user ON user_roles (user_id);

-- The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at TEXT NOT NULL,
    ok BOOLEAN NOT NULL
);
CREATE INDEX ix_login_attempts_user_at ON login_attempts (username, at);

-- Append-only and hash-chained: hash = sha256(prev_hash | seq | at | actor | action | object | detail).
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX ix_audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
