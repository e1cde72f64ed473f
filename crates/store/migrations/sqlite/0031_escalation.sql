-- Escalation rules: per station, published as numbered versions (a new version never rewrites
-- an old one; an alert keeps the version it was raised under). `rules` is the JSON of
-- yizhan_core::notify::escalation::Rules.
CREATE TABLE escalation_rules (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL REFERENCES stations (id),
    version INTEGER NOT NULL,
    rules TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT uq_escalation_rules_version UNIQUE (station_id, version)
);

-- An alert's owner (the working group that hears of it first), its acknowledgement (已知悉) and
-- where its escalation stands: the next level and when it is due (NULL: none left, or someone
-- acknowledged or closed it).
ALTER TABLE alerts ADD COLUMN rules_id INTEGER REFERENCES escalation_rules (id);
ALTER TABLE alerts ADD COLUMN owner_group_id INTEGER REFERENCES working_groups (id);
ALTER TABLE alerts ADD COLUMN acked_at TEXT;
ALTER TABLE alerts ADD COLUMN acked_by TEXT;
ALTER TABLE alerts ADD COLUMN next_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN next_level_at TEXT;
CREATE INDEX ix_alerts_next_level ON alerts (next_level_at);

-- The alert's timeline besides its notifications: raised, each level reached (whom, by name),
-- acknowledged, closed.
CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    kind TEXT NOT NULL CONSTRAINT ck_alert_events_kind CHECK (kind IN ('raised', 'escalated', 'acknowledged', 'closed')),
    level INTEGER,
    audience TEXT NOT NULL DEFAULT '',
    people TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, id);
