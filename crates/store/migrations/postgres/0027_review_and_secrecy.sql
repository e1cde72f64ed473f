-- Resumption review and the inspecting street (PostgreSQL dialect).
--
-- Resumption: the enterprise applies, the command of its street or the district approves or
-- rejects with a reason. The last decision is kept with the enterprise (a rejection puts it back
-- to not_started, the reason shown to it until it applies again).
ALTER TABLE enterprises ADD COLUMN review_decision TEXT
    CONSTRAINT ck_enterprises_review_decision CHECK (review_decision IN ('approved', 'rejected'));
ALTER TABLE enterprises ADD COLUMN review_reason TEXT;
ALTER TABLE enterprises ADD COLUMN reviewed_by TEXT;
ALTER TABLE enterprises ADD COLUMN reviewed_at TIMESTAMPTZ;

-- Who inspects (四不两直): the street whose command planned the inspection, NULL for the
-- district. Before an unannounced inspection starts only the inspecting side sees it, so the
-- inspected unit's street office (and every viewer) is kept out unless it is the inspector.
ALTER TABLE inspections ADD COLUMN inspector_street_id BIGINT REFERENCES streets (id);
-- Existing inspections: planned by someone with no district-wide inspecting grant but a
-- street's that holds the inspected unit → that street.
UPDATE inspections SET inspector_street_id = (
    SELECT r.scope_id FROM users u JOIN user_roles r ON r.user_id = u.id
     WHERE u.username = inspections.created_by AND r.role IN ('commander', 'inspector')
       AND r.scope_kind = 'street'
       AND r.scope_id = COALESCE((SELECT st.street_id FROM stations st WHERE st.id = inspections.station_id),
                                 (SELECT e.street_id FROM enterprises e WHERE e.id = inspections.enterprise_id),
                                 inspections.street_id)
     LIMIT 1)
 WHERE NOT EXISTS (
    SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
     WHERE u.username = inspections.created_by AND r.role IN ('commander', 'inspector')
       AND r.scope_kind = 'district');
