-- A guest's stays by guest: the board marks' trigger on a guest's update (migration 0054) and a
-- guest's history. Without it every check-in — which locks its guest with an UPDATE — scanned
-- all stays: register and check-in 3 → 127 ms on the city's 2,000,000 stays (issue 21).
CREATE INDEX ix_stays_guest ON stays (guest_id);
