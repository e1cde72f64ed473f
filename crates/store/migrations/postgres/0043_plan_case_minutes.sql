-- A positive-case plan's own time limits for a case's steps (issue 19), in minutes from the
-- case's opening, as JSON {"report": 30, ...}; a case opened at the station is timed by the
-- plan in force, the steps it does not set by the usual limits.
ALTER TABLE emergency_plans ADD COLUMN case_minutes TEXT;
