-- What a station tells its guests on their own page (issue 20): meal times, rules, whom to call.
ALTER TABLE stations ADD COLUMN guest_notice TEXT NOT NULL DEFAULT '';
