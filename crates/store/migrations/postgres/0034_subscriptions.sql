-- What a person wants to hear in the app: from which severity up, narrowed to one station or
-- street of theirs, and quiet hours (minutes after local midnight) in which only danger pops up.
-- No row: the role's default.
CREATE TABLE subscriptions (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    min_severity TEXT NOT NULL CONSTRAINT ck_subscriptions_severity CHECK (min_severity IN ('critical', 'danger', 'warning', 'info')),
    station_id BIGINT REFERENCES stations (id),
    street_id BIGINT REFERENCES streets (id),
    quiet_from BIGINT CONSTRAINT ck_subscriptions_from CHECK (quiet_from BETWEEN 0 AND 1439),
    quiet_to BIGINT CONSTRAINT ck_subscriptions_to CHECK (quiet_to BETWEEN 0 AND 1439),
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck_subscriptions_quiet CHECK ((quiet_from IS NULL) = (quiet_to IS NULL)),
    CONSTRAINT ck_subscriptions_scope CHECK (station_id IS NULL OR street_id IS NULL)
);
