-- E-mail (SMTP) and SMS-gateway channels beside the group robots: who a channel writes to
-- (addresses, or fixed mobiles besides the people on duty a level @-mentions), the sender of its
-- mail, and the body a gateway takes. And digests: a burst beyond a channel's rate goes out as
-- one message, whose notifications name the one that carried them (digest_id). Two more events
-- notify: a daily report that came out incomplete (per station), and an import that did not
-- land (told to the person who started it: the centre's items may name one person).
-- SQLite cannot change a CHECK in place, and a parent table rebuilt under its children fails
-- their foreign keys at commit: the outbox (the only child) is set aside, both are rebuilt with
-- the same rows and indexes, and the outbox is put back.
CREATE TABLE notifications_kept AS SELECT * FROM notifications;
DROP TABLE notifications;

CREATE TABLE notification_channels_new (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT ck_channels_kind CHECK (kind IN ('wecom', 'feishu', 'dingtalk', 'webhook', 'email', 'sms')),
    street_id INTEGER REFERENCES streets (id),
    station_id INTEGER REFERENCES stations (id),
    min_severity TEXT NOT NULL CONSTRAINT ck_channels_severity CHECK (min_severity IN ('critical', 'danger', 'warning', 'info')),
    per_minute INTEGER NOT NULL DEFAULT 20 CONSTRAINT ck_channels_rate CHECK (per_minute BETWEEN 1 AND 10000),
    url_sealed TEXT NOT NULL,
    url_hint TEXT NOT NULL,
    secret_sealed TEXT,
    recipients TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT ck_channels_scope CHECK (street_id IS NULL OR station_id IS NULL)
);
INSERT INTO notification_channels_new (id, name, kind, street_id, station_id, min_severity,
    per_minute, url_sealed, url_hint, secret_sealed, active, created_by, created_at)
    SELECT id, name, kind, street_id, station_id, min_severity, per_minute, url_sealed, url_hint,
           secret_sealed, active, created_by, created_at FROM notification_channels;
DROP TABLE notification_channels;
ALTER TABLE notification_channels_new RENAME TO notification_channels;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES notification_channels (id),
    source TEXT NOT NULL CONSTRAINT ck_notifications_source CHECK (source IN ('alert', 'incident', 'supply', 'channel', 'counselling', 'rectification', 'directive', 'room', 'round', 'sampling', 'report', 'import')),
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
INSERT INTO notifications (id, channel_id, source, source_id, event, severity, station_id, facts,
    status, attempts, next_at, lease_until, claimed_by, last_error, created_at, sent_at)
    SELECT id, channel_id, source, source_id, event, severity, station_id, facts, status,
           attempts, next_at, lease_until, claimed_by, last_error, created_at, sent_at
      FROM notifications_kept;
DROP TABLE notifications_kept;
CREATE INDEX ix_notifications_due ON notifications (status, next_at);
CREATE INDEX ix_notifications_channel_sent ON notifications (channel_id, sent_at);

ALTER TABLE inbox ADD COLUMN user_id INTEGER REFERENCES users (id);
CREATE INDEX ix_inbox_user ON inbox (user_id) WHERE user_id IS NOT NULL;
