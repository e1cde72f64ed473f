-- The daily report and key attention read every station at once (issue 21: the city's report
-- in a second): tests sampled and waiting for a result, a stay's alerts, and the day's
-- counselling sessions and guest requests of a station, each found by an index instead of a
-- walk through the station's whole history.
CREATE INDEX ix_stay_tests_pending ON stay_tests (stay_id) WHERE sampled_at IS NOT NULL AND result IS NULL;
CREATE INDEX ix_alerts_stay ON alerts (stay_id);
CREATE INDEX ix_counselling_station ON counselling_sessions (station_id, held_at);
CREATE INDEX ix_guest_requests_station_created ON guest_requests (station_id, created_at);
