-- Lists paged on the server read their first page from an index in their order, not by sorting
-- a district's 20,000 enterprises for every page.
CREATE INDEX ix_enterprises_street_name ON enterprises (street_id, name);
CREATE INDEX ix_enterprises_headcount ON enterprises (headcount);
-- A worker is found by the start of the name (a range on this index) as well as by ID number.
CREATE INDEX ix_returning_workers_name ON returning_workers (name);
-- The district board's 14-day trends read the check-ins and alerts of the last days.
CREATE INDEX ix_stays_checked_in ON stays (checked_in_at);
CREATE INDEX ix_alerts_raised ON alerts (raised_at);
