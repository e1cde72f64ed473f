-- Per-station change marks (issue 21): a station's wall board, its event stream and its cached
-- snapshot follow the writes of that station, not every write of the city. At 60 readings a
-- second across 300 stations the global audit sequence moved for every board at every write,
-- so each board fetch rebuilt its snapshot and every TV was told to fetch again.
-- A write bumps the mark of each station whose board one of its rows appears on: the tables the board reads (stays, rooms, readings, tests, alerts, flags,
-- requests, cases, incidents, complaints, counselling, movements, staff, groups, shifts, the
-- station itself, the names of its guests, its TVs' tokens). Readers compare marks; their value
-- means nothing.


-- On PostgreSQL a row's trigger only notes its stations in a setting local to the transaction,
-- and the marks are bumped once per transaction by a deferred trigger on the audit log, at
-- commit: by then the writer holds the audit log's advisory lock, so no two writers take the
-- marks' row locks in opposite orders (no deadlock) and a transaction holds them only while it
-- commits. Writes that append no audit entry (the scale generator) bump nothing; like the audit
-- sequence, the marks follow the application's writes.
CREATE TABLE station_marks (
    station_id BIGINT PRIMARY KEY REFERENCES stations (id),
    mark BIGINT NOT NULL DEFAULT 0
);
INSERT INTO station_marks (station_id) SELECT id FROM stations;

CREATE FUNCTION station_marks_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO station_marks (station_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER stations_marked_insert AFTER INSERT ON stations
    FOR EACH ROW EXECUTE FUNCTION station_marks_add();

-- Notes stations as touched by this transaction: ',3,17,' in `yizhan.marked`.
CREATE FUNCTION station_touch(ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    seen TEXT := COALESCE(current_setting('yizhan.marked', true), '');
    now_seen TEXT := seen;
    s BIGINT;
BEGIN
    FOREACH s IN ARRAY ids LOOP
        IF s IS NOT NULL AND position(',' || s || ',' IN now_seen) = 0 THEN
            now_seen := CASE WHEN now_seen = '' THEN ',' ELSE now_seen END || s || ',';
        END IF;
    END LOOP;
    IF now_seen <> seen THEN
        PERFORM set_config('yizhan.marked', now_seen, true);
    END IF;
END $$;

CREATE FUNCTION station_touched_by_station() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM station_touch(ARRAY[OLD.station_id]); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM station_touch(ARRAY[NEW.station_id]); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION station_touched_by_stay() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM station_touch(ARRAY(SELECT station_id FROM stays WHERE id = OLD.stay_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM station_touch(ARRAY(SELECT station_id FROM stays WHERE id = NEW.stay_id));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION station_touched_by_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM station_touch(ARRAY(SELECT station_id FROM working_groups WHERE id = OLD.group_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM station_touch(ARRAY(SELECT station_id FROM working_groups WHERE id = NEW.group_id));
    END IF;
    RETURN NULL;
END $$;

-- A guest's name is on the boards of the stations that hold its stays.
CREATE FUNCTION station_touched_by_guest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM station_touch(ARRAY(SELECT station_id FROM stays WHERE guest_id = NEW.id));
    RETURN NULL;
END $$;

CREATE FUNCTION station_touched_itself() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM station_touch(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

CREATE FUNCTION station_marks_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seen TEXT := COALESCE(current_setting('yizhan.marked', true), '');
BEGIN
    IF seen <> '' THEN
        UPDATE station_marks SET mark = mark + 1
         WHERE station_id = ANY (string_to_array(trim(BOTH ',' FROM seen), ',')::BIGINT[]);
        PERFORM set_config('yizhan.marked', '', true);
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER audit_log_marks AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION station_marks_bump();

CREATE TRIGGER stations_marked AFTER UPDATE ON stations
    FOR EACH ROW EXECUTE FUNCTION station_touched_itself();
CREATE TRIGGER guests_marked AFTER UPDATE ON guests
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_guest();
CREATE TRIGGER roster_shifts_marked AFTER INSERT OR UPDATE OR DELETE ON roster_shifts
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_group();
CREATE TRIGGER stay_tests_marked AFTER INSERT OR UPDATE OR DELETE ON stay_tests
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_stay();
CREATE TRIGGER attention_flags_marked AFTER INSERT OR UPDATE OR DELETE ON attention_flags
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_stay();
CREATE TRIGGER stays_marked AFTER INSERT OR UPDATE OR DELETE ON stays
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER rooms_marked AFTER INSERT OR UPDATE OR DELETE ON rooms
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER health_checks_marked AFTER INSERT OR UPDATE OR DELETE ON health_checks
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER alerts_marked AFTER INSERT OR UPDATE OR DELETE ON alerts
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER complaints_marked AFTER INSERT OR UPDATE OR DELETE ON complaints
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER counselling_sessions_marked AFTER INSERT OR UPDATE OR DELETE ON counselling_sessions
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER guest_requests_marked AFTER INSERT OR UPDATE OR DELETE ON guest_requests
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER cases_marked AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER incidents_marked AFTER INSERT OR UPDATE OR DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER stay_events_marked AFTER INSERT OR UPDATE OR DELETE ON stay_events
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER staff_marked AFTER INSERT OR UPDATE OR DELETE ON staff
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
CREATE TRIGGER working_groups_marked AFTER INSERT OR UPDATE OR DELETE ON working_groups
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
-- A TV shows that its token was revoked (not every fetch's `last_used_at`).
CREATE TRIGGER board_tokens_marked AFTER UPDATE OF revoked_at OR DELETE ON board_tokens
    FOR EACH ROW EXECUTE FUNCTION station_touched_by_station();
