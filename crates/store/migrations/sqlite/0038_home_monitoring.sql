-- Home health monitoring (居家健康监测, issue 19): a release under a policy with home days hands
-- the person to a street for that many days, from the release day; the street follows up once a
-- day (reached or not, temperature and symptoms, a test). A day nobody reached the person is a
-- missed day, told once (the sweep notes the last day it looked at); the monitoring closes after its last day.
CREATE TABLE home_monitoring (
    id INTEGER PRIMARY KEY,
    stay_id INTEGER NOT NULL REFERENCES stays (id),
    guest_id INTEGER NOT NULL REFERENCES guests (id),
    station_id INTEGER NOT NULL REFERENCES stations (id),
    street_id INTEGER NOT NULL REFERENCES streets (id),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CONSTRAINT ck_home_monitoring_state CHECK (state IN ('open', 'closed')),
    swept_through TEXT,
    closed_at TEXT,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_home_monitoring_stay UNIQUE (stay_id),
    CONSTRAINT ck_home_monitoring_period CHECK (start_date <= end_date)
);
CREATE INDEX ix_home_monitoring_street ON home_monitoring (street_id, state);

CREATE TABLE home_followups (
    id INTEGER PRIMARY KEY,
    monitoring_id INTEGER NOT NULL REFERENCES home_monitoring (id),
    day TEXT NOT NULL,
    reached BOOLEAN NOT NULL,
    temperature INTEGER,
    symptoms TEXT NOT NULL DEFAULT '',
    test TEXT CONSTRAINT ck_home_followups_test CHECK (test IN ('negative', 'pending', 'positive')),
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT uq_home_followups_day UNIQUE (monitoring_id, day),
    CONSTRAINT ck_home_followups_reached CHECK (reached = (temperature IS NOT NULL))
);

-- The outbox hears of the new records: home monitoring now, cases, trips, transfers and guests'
-- own reports as they land (one rebuild of the table instead of one per source). The table is a
-- leaf, so on SQLite it is rebuilt in place with its rows and indexes.
CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES notification_channels (id),
    source TEXT NOT NULL CONSTRAINT ck_notifications_source CHECK (source IN ('alert', 'incident', 'supply', 'channel', 'counselling', 'rectification', 'directive', 'room', 'round', 'sampling', 'report', 'import', 'home', 'case', 'trip', 'transfer', 'guest')),
    source_id INTEGER NOT NULL,
    event TEXT NOT NULL,
    severity TEXT NOT NULL CONSTRAINT ck_notifications_severity CHECK (severity IN ('critical', 'danger', 'warning', 'info')),
    station_id INTEGER REFERENCES stations (id),
    facts TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT ck_notifications_status CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    lease_until TEXT,
    claimed_by TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    digest_id INTEGER,
    CONSTRAINT uq_notifications_once UNIQUE (source, source_id, event, channel_id)
);
INSERT INTO notifications_new SELECT id, channel_id, source, source_id, event, severity, station_id,
    facts, status, attempts, next_at, lease_until, claimed_by, last_error, created_at, sent_at,
    digest_id FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX ix_notifications_due ON notifications (status, next_at);
CREATE INDEX ix_notifications_channel_sent ON notifications (channel_id, sent_at);
