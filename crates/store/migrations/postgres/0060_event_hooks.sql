-- A service account's change hook (issue 22): the change feed (`GET /api/v1/events`) pushed to
-- the account's address, signed with its secret, in order and at least once. The address and
-- the secret are sealed with the deployment's key like a channel's. `delivered_seq` is the last
-- audit sequence number the receiver acknowledged; a failed delivery waits `next_at`.
CREATE TABLE event_hooks (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    url_sealed TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    delivered_seq BIGINT NOT NULL,
    tries BIGINT NOT NULL DEFAULT 0,
    next_at TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    last_error TEXT,
    last_ok_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_event_hooks_next ON event_hooks (next_at);
