-- Where notifications go: a group robot or a webhook, for the district, a street or a station,
-- from a severity up. Its address and secret are sealed by the application (a key outside the
-- database); the database never holds them in the clear.
CREATE TABLE notification_channels (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT ck_channels_kind CHECK (kind IN ('wecom', 'feishu', 'dingtalk', 'webhook')),
    street_id INTEGER REFERENCES streets (id),
    station_id INTEGER REFERENCES stations (id),
    min_severity TEXT NOT NULL CONSTRAINT ck_channels_severity CHECK (min_severity IN ('critical', 'danger', 'warning', 'info')),
    per_minute INTEGER NOT NULL DEFAULT 20 CONSTRAINT ck_channels_rate CHECK (per_minute BETWEEN 1 AND 10000),
    url_sealed TEXT NOT NULL,
    url_hint TEXT NOT NULL,
    secret_sealed TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT ck_channels_scope CHECK (street_id IS NULL OR station_id IS NULL)
);

-- The outbox: one row per (event, channel), written in the transaction of the event that causes
-- it, so a notification exists exactly when its event does. A dispatcher claims due rows for a
-- lease, sends, and records the outcome; a node that dies mid-send leaves its lease to expire.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES notification_channels (id),
    source TEXT NOT NULL CONSTRAINT ck_notifications_source CHECK (source IN ('alert')),
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
CREATE INDEX ix_notifications_due ON notifications (status, next_at);
CREATE INDEX ix_notifications_channel_sent ON notifications (channel_id, sent_at);
