-- Per-station change marks (issue 21): a station's wall board, its event stream and its cached
-- snapshot follow the writes of that station, not every write of the city. At 60 readings a
-- second across 300 stations the global audit sequence moved for every board at every write,
-- so each board fetch rebuilt its snapshot and every TV was told to fetch again.
-- Triggers bump the mark of each station whose board a row appears on, in the writing
-- transaction: the tables the board reads (stays, rooms, readings, tests, alerts, flags,
-- requests, cases, incidents, complaints, counselling, movements, staff, groups, shifts, the
-- station itself, the names of its guests, its TVs' tokens). Readers compare marks; their value
-- means nothing.

CREATE TABLE station_marks (
    station_id INTEGER PRIMARY KEY REFERENCES stations (id),
    mark INTEGER NOT NULL DEFAULT 0
);
INSERT INTO station_marks (station_id) SELECT id FROM stations;

CREATE TRIGGER stations_marked_insert AFTER INSERT ON stations BEGIN
    INSERT INTO station_marks (station_id) VALUES (NEW.id);
END;
CREATE TRIGGER stations_marked_update AFTER UPDATE ON stations BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.id;
END;

CREATE TRIGGER stays_marked_insert AFTER INSERT ON stays BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER stays_marked_update AFTER UPDATE ON stays BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER stays_marked_delete AFTER DELETE ON stays BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER rooms_marked_insert AFTER INSERT ON rooms BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER rooms_marked_update AFTER UPDATE ON rooms BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER rooms_marked_delete AFTER DELETE ON rooms BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER health_checks_marked_insert AFTER INSERT ON health_checks BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER health_checks_marked_update AFTER UPDATE ON health_checks BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER health_checks_marked_delete AFTER DELETE ON health_checks BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER alerts_marked_insert AFTER INSERT ON alerts BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER alerts_marked_update AFTER UPDATE ON alerts BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER alerts_marked_delete AFTER DELETE ON alerts BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER complaints_marked_insert AFTER INSERT ON complaints BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER complaints_marked_update AFTER UPDATE ON complaints BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER complaints_marked_delete AFTER DELETE ON complaints BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER counselling_sessions_marked_insert AFTER INSERT ON counselling_sessions BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER counselling_sessions_marked_update AFTER UPDATE ON counselling_sessions BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER counselling_sessions_marked_delete AFTER DELETE ON counselling_sessions BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER guest_requests_marked_insert AFTER INSERT ON guest_requests BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER guest_requests_marked_update AFTER UPDATE ON guest_requests BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER guest_requests_marked_delete AFTER DELETE ON guest_requests BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER cases_marked_insert AFTER INSERT ON cases BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER cases_marked_update AFTER UPDATE ON cases BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER cases_marked_delete AFTER DELETE ON cases BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER incidents_marked_insert AFTER INSERT ON incidents BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER incidents_marked_update AFTER UPDATE ON incidents BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER incidents_marked_delete AFTER DELETE ON incidents BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER stay_events_marked_insert AFTER INSERT ON stay_events BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER stay_events_marked_update AFTER UPDATE ON stay_events BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER stay_events_marked_delete AFTER DELETE ON stay_events BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER staff_marked_insert AFTER INSERT ON staff BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER staff_marked_update AFTER UPDATE ON staff BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER staff_marked_delete AFTER DELETE ON staff BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER working_groups_marked_insert AFTER INSERT ON working_groups BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = NEW.station_id;
END;
CREATE TRIGGER working_groups_marked_update AFTER UPDATE ON working_groups BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER working_groups_marked_delete AFTER DELETE ON working_groups BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;

CREATE TRIGGER stay_tests_marked_insert AFTER INSERT ON stay_tests BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = (SELECT station_id FROM stays WHERE id = NEW.stay_id);
END;
CREATE TRIGGER stay_tests_marked_update AFTER UPDATE ON stay_tests BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (SELECT station_id FROM stays WHERE id IN (OLD.stay_id, NEW.stay_id));
END;
CREATE TRIGGER stay_tests_marked_delete AFTER DELETE ON stay_tests BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = (SELECT station_id FROM stays WHERE id = OLD.stay_id);
END;

CREATE TRIGGER attention_flags_marked_insert AFTER INSERT ON attention_flags BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = (SELECT station_id FROM stays WHERE id = NEW.stay_id);
END;
CREATE TRIGGER attention_flags_marked_update AFTER UPDATE ON attention_flags BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (SELECT station_id FROM stays WHERE id IN (OLD.stay_id, NEW.stay_id));
END;
CREATE TRIGGER attention_flags_marked_delete AFTER DELETE ON attention_flags BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = (SELECT station_id FROM stays WHERE id = OLD.stay_id);
END;

CREATE TRIGGER roster_shifts_marked_insert AFTER INSERT ON roster_shifts BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = (SELECT station_id FROM working_groups WHERE id = NEW.group_id);
END;
CREATE TRIGGER roster_shifts_marked_update AFTER UPDATE ON roster_shifts BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (SELECT station_id FROM working_groups WHERE id IN (OLD.group_id, NEW.group_id));
END;
CREATE TRIGGER roster_shifts_marked_delete AFTER DELETE ON roster_shifts BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = (SELECT station_id FROM working_groups WHERE id = OLD.group_id);
END;

-- A guest's name is on the boards of the stations that hold its stays.
CREATE TRIGGER guests_marked_update AFTER UPDATE ON guests BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (SELECT station_id FROM stays WHERE guest_id = NEW.id);
END;

-- A TV shows that its token was revoked (not every fetch's `last_used_at`).
CREATE TRIGGER board_tokens_marked_update AFTER UPDATE OF revoked_at ON board_tokens BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id IN (OLD.station_id, NEW.station_id);
END;
CREATE TRIGGER board_tokens_marked_delete AFTER DELETE ON board_tokens BEGIN
    UPDATE station_marks SET mark = mark + 1 WHERE station_id = OLD.station_id;
END;
