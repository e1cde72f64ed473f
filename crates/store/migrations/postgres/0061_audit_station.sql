-- The station an audit entry is about (issue 22: a station's or a street's system follows its own
-- stations' changes in the feed). Found at append from the entry's object (`audit::append`), not
-- part of the hash chain: it says where to find an entry, not what happened. Entries written
-- before this carry none and reach only district-wide followers.
ALTER TABLE audit_log ADD COLUMN station_id BIGINT;
CREATE INDEX ix_audit_log_station ON audit_log (station_id, seq) WHERE station_id IS NOT NULL;
