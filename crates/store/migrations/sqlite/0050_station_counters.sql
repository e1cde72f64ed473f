-- Per-station counters for the district and city boards (issue 21): the board reads a few hundred
-- rows instead of counting every stay, room, alert and case of the city. Triggers write each
-- change as a row of `station_counter_changes` in the writing transaction (appending never
-- waits for another writer's lock on PostgreSQL, and no write path can forget a counter); a job
-- folds the changes into `station_counters` and `station_days`; readers add what is not folded yet.
-- A row's contribution: +1 × what it counts now; an update writes −old and +new.

CREATE TABLE station_counters (
    station_id INTEGER PRIMARY KEY REFERENCES stations (id),
    beds_total INTEGER NOT NULL DEFAULT 0,
    beds_free INTEGER NOT NULL DEFAULT 0,
    in_stay INTEGER NOT NULL DEFAULT 0,
    open_alerts INTEGER NOT NULL DEFAULT 0,
    positives INTEGER NOT NULL DEFAULT 0,
    awaiting_disinfection INTEGER NOT NULL DEFAULT 0,
    turned_back INTEGER NOT NULL DEFAULT 0,
    exemption_revoked INTEGER NOT NULL DEFAULT 0,
    open_rectifications INTEGER NOT NULL DEFAULT 0
);

-- Check-ins and alerts raised per station and day (China Standard Time): today's figure and the
-- 14-day trend.
CREATE TABLE station_days (
    station_id INTEGER NOT NULL REFERENCES stations (id),
    day TEXT NOT NULL,
    check_ins INTEGER NOT NULL DEFAULT 0,
    alerts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, day)
);
-- Today's check-ins of every station and the district's last 14 days read by day.
CREATE INDEX ix_station_days_day ON station_days (day, station_id, check_ins, alerts);

CREATE TABLE station_counter_changes (
    id INTEGER PRIMARY KEY,
    station_id INTEGER NOT NULL,
    day TEXT,
    beds_total INTEGER NOT NULL DEFAULT 0,
    beds_free INTEGER NOT NULL DEFAULT 0,
    in_stay INTEGER NOT NULL DEFAULT 0,
    open_alerts INTEGER NOT NULL DEFAULT 0,
    positives INTEGER NOT NULL DEFAULT 0,
    awaiting_disinfection INTEGER NOT NULL DEFAULT 0,
    turned_back INTEGER NOT NULL DEFAULT 0,
    exemption_revoked INTEGER NOT NULL DEFAULT 0,
    open_rectifications INTEGER NOT NULL DEFAULT 0,
    check_ins INTEGER NOT NULL DEFAULT 0,
    alerts INTEGER NOT NULL DEFAULT 0
);

-- Rooms: beds in service, free beds (ready: all; occupied: those without an open stay),
-- rooms awaiting terminal disinfection.
CREATE TRIGGER rooms_counted_insert AFTER INSERT ON rooms BEGIN
    INSERT INTO station_counter_changes (station_id, beds_total, beds_free, awaiting_disinfection)
    VALUES (NEW.station_id,
            CASE WHEN NEW.state <> 'maintenance' THEN NEW.beds ELSE 0 END,
            CASE NEW.state WHEN 'ready' THEN NEW.beds
                 WHEN 'occupied' THEN NEW.beds - (SELECT COUNT(*) FROM stays s WHERE s.room_id = NEW.id AND s.ended_at IS NULL)
                 ELSE 0 END,
            NEW.state = 'awaiting_disinfection');
END;

CREATE TRIGGER rooms_counted_delete AFTER DELETE ON rooms BEGIN
    INSERT INTO station_counter_changes (station_id, beds_total, beds_free, awaiting_disinfection)
    VALUES (OLD.station_id,
            -(CASE WHEN OLD.state <> 'maintenance' THEN OLD.beds ELSE 0 END),
            -(CASE OLD.state WHEN 'ready' THEN OLD.beds
                 WHEN 'occupied' THEN OLD.beds - (SELECT COUNT(*) FROM stays s WHERE s.room_id = OLD.id AND s.ended_at IS NULL)
                 ELSE 0 END),
            -(OLD.state = 'awaiting_disinfection'));
END;

CREATE TRIGGER rooms_counted_update AFTER UPDATE OF state, beds, station_id ON rooms
WHEN OLD.state <> NEW.state OR OLD.beds <> NEW.beds OR OLD.station_id <> NEW.station_id BEGIN
    INSERT INTO station_counter_changes (station_id, beds_total, beds_free, awaiting_disinfection)
    VALUES (OLD.station_id,
            -(CASE WHEN OLD.state <> 'maintenance' THEN OLD.beds ELSE 0 END),
            -(CASE OLD.state WHEN 'ready' THEN OLD.beds
                 WHEN 'occupied' THEN OLD.beds - (SELECT COUNT(*) FROM stays s WHERE s.room_id = OLD.id AND s.ended_at IS NULL)
                 ELSE 0 END),
            -(OLD.state = 'awaiting_disinfection'));
    INSERT INTO station_counter_changes (station_id, beds_total, beds_free, awaiting_disinfection)
    VALUES (NEW.station_id,
            CASE WHEN NEW.state <> 'maintenance' THEN NEW.beds ELSE 0 END,
            CASE NEW.state WHEN 'ready' THEN NEW.beds
                 WHEN 'occupied' THEN NEW.beds - (SELECT COUNT(*) FROM stays s WHERE s.room_id = NEW.id AND s.ended_at IS NULL)
                 ELSE 0 END,
            NEW.state = 'awaiting_disinfection');
END;

-- Stays: in stay, turned back, exemption revoked, check-ins of the day; an open stay in an
-- occupied room takes one of its free beds.
CREATE TRIGGER stays_counted_insert AFTER INSERT ON stays BEGIN
    INSERT INTO station_counter_changes (station_id, day, in_stay, turned_back, exemption_revoked, beds_free, check_ins)
    VALUES (NEW.station_id, date(NEW.checked_in_at, '+8 hours'),
            NEW.ended_at IS NULL, NEW.outcome IS 'turned_back', NEW.outcome IS 'exemption_revoked',
            -(NEW.ended_at IS NULL AND (SELECT state FROM rooms r WHERE r.id = NEW.room_id) IS 'occupied'),
            1);
END;

CREATE TRIGGER stays_counted_delete AFTER DELETE ON stays BEGIN
    INSERT INTO station_counter_changes (station_id, day, in_stay, turned_back, exemption_revoked, beds_free, check_ins)
    VALUES (OLD.station_id, date(OLD.checked_in_at, '+8 hours'),
            -(OLD.ended_at IS NULL), -(OLD.outcome IS 'turned_back'), -(OLD.outcome IS 'exemption_revoked'),
            (OLD.ended_at IS NULL AND (SELECT state FROM rooms r WHERE r.id = OLD.room_id) IS 'occupied'),
            -1);
END;

CREATE TRIGGER stays_counted_update AFTER UPDATE OF ended_at, outcome, room_id, station_id, checked_in_at ON stays
WHEN OLD.ended_at IS NOT NEW.ended_at OR OLD.outcome IS NOT NEW.outcome OR OLD.room_id <> NEW.room_id
  OR OLD.station_id <> NEW.station_id OR OLD.checked_in_at <> NEW.checked_in_at BEGIN
    INSERT INTO station_counter_changes (station_id, day, in_stay, turned_back, exemption_revoked, beds_free, check_ins)
    VALUES (OLD.station_id, date(OLD.checked_in_at, '+8 hours'),
            -(OLD.ended_at IS NULL), -(OLD.outcome IS 'turned_back'), -(OLD.outcome IS 'exemption_revoked'),
            (OLD.ended_at IS NULL AND (SELECT state FROM rooms r WHERE r.id = OLD.room_id) IS 'occupied'),
            -1);
    INSERT INTO station_counter_changes (station_id, day, in_stay, turned_back, exemption_revoked, beds_free, check_ins)
    VALUES (NEW.station_id, date(NEW.checked_in_at, '+8 hours'),
            NEW.ended_at IS NULL, NEW.outcome IS 'turned_back', NEW.outcome IS 'exemption_revoked',
            -(NEW.ended_at IS NULL AND (SELECT state FROM rooms r WHERE r.id = NEW.room_id) IS 'occupied'),
            1);
END;

-- Alerts: open now, and raised per day.
CREATE TRIGGER alerts_counted_insert AFTER INSERT ON alerts BEGIN
    INSERT INTO station_counter_changes (station_id, day, open_alerts, alerts)
    VALUES (NEW.station_id, date(NEW.raised_at, '+8 hours'), NEW.closed_at IS NULL, 1);
END;

CREATE TRIGGER alerts_counted_delete AFTER DELETE ON alerts BEGIN
    INSERT INTO station_counter_changes (station_id, day, open_alerts, alerts)
    VALUES (OLD.station_id, date(OLD.raised_at, '+8 hours'), -(OLD.closed_at IS NULL), -1);
END;

CREATE TRIGGER alerts_counted_update AFTER UPDATE OF closed_at, station_id, raised_at ON alerts
WHEN OLD.closed_at IS NOT NEW.closed_at OR OLD.station_id <> NEW.station_id OR OLD.raised_at <> NEW.raised_at BEGIN
    INSERT INTO station_counter_changes (station_id, day, open_alerts, alerts)
    VALUES (OLD.station_id, date(OLD.raised_at, '+8 hours'), -(OLD.closed_at IS NULL), -1);
    INSERT INTO station_counter_changes (station_id, day, open_alerts, alerts)
    VALUES (NEW.station_id, date(NEW.raised_at, '+8 hours'), NEW.closed_at IS NULL, 1);
END;

-- Cases: every positive (or escalated fever) the station has had.
CREATE TRIGGER cases_counted_insert AFTER INSERT ON cases BEGIN
    INSERT INTO station_counter_changes (station_id, positives) VALUES (NEW.station_id, 1);
END;

CREATE TRIGGER cases_counted_delete AFTER DELETE ON cases BEGIN
    INSERT INTO station_counter_changes (station_id, positives) VALUES (OLD.station_id, -1);
END;

CREATE TRIGGER cases_counted_update AFTER UPDATE OF station_id ON cases
WHEN OLD.station_id <> NEW.station_id BEGIN
    INSERT INTO station_counter_changes (station_id, positives) VALUES (OLD.station_id, -1);
    INSERT INTO station_counter_changes (station_id, positives) VALUES (NEW.station_id, 1);
END;

-- Rectification orders of a station (not of a street or an enterprise) not yet closed (销号).
CREATE TRIGGER rectifications_counted_insert AFTER INSERT ON rectifications
WHEN NEW.station_id IS NOT NULL BEGIN
    INSERT INTO station_counter_changes (station_id, open_rectifications) VALUES (NEW.station_id, NEW.status <> 'closed');
END;

CREATE TRIGGER rectifications_counted_delete AFTER DELETE ON rectifications
WHEN OLD.station_id IS NOT NULL BEGIN
    INSERT INTO station_counter_changes (station_id, open_rectifications) VALUES (OLD.station_id, -(OLD.status <> 'closed'));
END;

CREATE TRIGGER rectifications_counted_update AFTER UPDATE OF status, station_id ON rectifications
WHEN OLD.status <> NEW.status OR OLD.station_id IS NOT NEW.station_id BEGIN
    INSERT INTO station_counter_changes (station_id, open_rectifications)
    SELECT OLD.station_id, -(OLD.status <> 'closed') WHERE OLD.station_id IS NOT NULL;
    INSERT INTO station_counter_changes (station_id, open_rectifications)
    SELECT NEW.station_id, NEW.status <> 'closed' WHERE NEW.station_id IS NOT NULL;
END;

-- What the records say today.
INSERT INTO station_counters (station_id, beds_total, beds_free, in_stay, open_alerts, positives,
                              awaiting_disinfection, turned_back, exemption_revoked, open_rectifications)
SELECT st.id,
       (SELECT COALESCE(SUM(r.beds), 0) FROM rooms r WHERE r.station_id = st.id AND r.state <> 'maintenance'),
       (SELECT COALESCE(SUM(CASE r.state WHEN 'ready' THEN r.beds WHEN 'occupied' THEN r.beds - (SELECT COUNT(*) FROM stays s WHERE s.room_id = r.id AND s.ended_at IS NULL) ELSE 0 END), 0) FROM rooms r WHERE r.station_id = st.id),
       (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.ended_at IS NULL),
       (SELECT COUNT(*) FROM alerts a WHERE a.station_id = st.id AND a.closed_at IS NULL),
       (SELECT COUNT(*) FROM cases c WHERE c.station_id = st.id),
       (SELECT COUNT(*) FROM rooms r WHERE r.station_id = st.id AND r.state = 'awaiting_disinfection'),
       (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.outcome = 'turned_back'),
       (SELECT COUNT(*) FROM stays s WHERE s.station_id = st.id AND s.outcome = 'exemption_revoked'),
       (SELECT COUNT(*) FROM rectifications x WHERE x.station_id = st.id AND x.status <> 'closed')
  FROM stations st;

INSERT INTO station_days (station_id, day, check_ins, alerts)
SELECT station_id, day, SUM(check_ins), SUM(alerts) FROM (
    SELECT station_id, date(checked_in_at, '+8 hours') AS day, 1 AS check_ins, 0 AS alerts FROM stays
    UNION ALL
    SELECT station_id, date(raised_at, '+8 hours'), 0, 1 FROM alerts
) GROUP BY station_id, day;
