-- Notifications of more than health alerts: an incident, a supply gone below its minimum, a high
-- psychological risk, an overdue rectification or directive, a room left waiting for its terminal
-- disinfection, a missed health round or sampling, and a
-- channel that gave up on a notification (told to the other channels, so a dead robot is noticed).
-- SQLite cannot change a CHECK in place: the table is rebuilt with the same rows and indexes.
CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES notification_channels (id),
    source TEXT NOT NULL CONSTRAINT ck_notifications_source CHECK (source IN ('alert', 'incident', 'supply', 'channel', 'counselling', 'rectification', 'directive', 'room', 'round', 'sampling')),
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
    CONSTRAINT uq_notifications_once UNIQUE (source, source_id, event, channel_id)
);
INSERT INTO notifications_new SELECT id, channel_id, source, source_id, event, severity, station_id,
    facts, status, attempts, next_at, lease_until, claimed_by, last_error, created_at, sent_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX ix_notifications_due ON notifications (status, next_at);
CREATE INDEX ix_notifications_channel_sent ON notifications (channel_id, sent_at);
