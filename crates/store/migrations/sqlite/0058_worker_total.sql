-- How many returning workers the district has, kept by triggers (issue 21): the register's
-- unfiltered total read from one row instead of counting 10,000,000 (95 ms on the city, the
-- commanders' slowest list). Only inserts and deletes move it; filtered and street views count.
CREATE TABLE worker_total (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO worker_total (id, n) SELECT 1, COUNT(*) FROM returning_workers;

CREATE TRIGGER returning_workers_counted_insert AFTER INSERT ON returning_workers BEGIN
    UPDATE worker_total SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER returning_workers_counted_delete AFTER DELETE ON returning_workers BEGIN
    UPDATE worker_total SET n = n - 1 WHERE id = 1;
END;
