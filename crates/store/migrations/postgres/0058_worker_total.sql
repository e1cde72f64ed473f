-- How many returning workers the district has, kept by triggers (issue 21): the register's
-- unfiltered total read from one row instead of counting 10,000,000 (the commanders' slowest
-- list). Only inserts and deletes move it; filtered and street views count. Once a statement
-- (its transition table), not once a row: an import's COPY of a million rows updates it once.
CREATE TABLE worker_total (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO worker_total (id, n) SELECT 1, COUNT(*) FROM returning_workers;

CREATE FUNCTION returning_workers_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_total SET n = n + (SELECT COUNT(*) FROM added) WHERE id = 1;
    RETURN NULL;
END $$;
CREATE FUNCTION returning_workers_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_total SET n = n - (SELECT COUNT(*) FROM removed) WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER returning_workers_counted_insert AFTER INSERT ON returning_workers
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION returning_workers_added();
CREATE TRIGGER returning_workers_counted_delete AFTER DELETE ON returning_workers
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION returning_workers_removed();
