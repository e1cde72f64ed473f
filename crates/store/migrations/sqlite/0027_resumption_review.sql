-- Resumption review (SQLite dialect): the enterprise applies, the command of its street or the
-- district approves or rejects with a reason. The last decision is kept with the enterprise (a
-- rejection puts it back to not_started, the reason shown to it until it applies again).
ALTER TABLE enterprises ADD COLUMN review_decision TEXT
    CONSTRAINT ck_enterprises_review_decision CHECK (review_decision IN ('approved', 'rejected'));
ALTER TABLE enterprises ADD COLUMN review_reason TEXT;
ALTER TABLE enterprises ADD COLUMN reviewed_by TEXT;
ALTER TABLE enterprises ADD COLUMN reviewed_at TEXT;
