-- Inspections (and so rectifications) of a street or an enterprise as well as a station
-- (PostgreSQL dialect).

ALTER TABLE inspections ALTER COLUMN station_id DROP NOT NULL;
ALTER TABLE inspections ADD COLUMN unit_kind TEXT NOT NULL DEFAULT 'station'
    CONSTRAINT ck_inspections_unit_kind CHECK (unit_kind IN ('station', 'street', 'enterprise'));
ALTER TABLE inspections ADD COLUMN street_id BIGINT REFERENCES streets (id);
ALTER TABLE inspections ADD COLUMN enterprise_id BIGINT REFERENCES enterprises (id);
ALTER TABLE inspections ADD CONSTRAINT ck_inspections_unit CHECK (
    (unit_kind = 'station') = (station_id IS NOT NULL)
    AND (unit_kind = 'street') = (street_id IS NOT NULL)
    AND (unit_kind = 'enterprise') = (enterprise_id IS NOT NULL));
CREATE INDEX ix_inspections_enterprise ON inspections (enterprise_id, planned_on);

ALTER TABLE rectifications ALTER COLUMN station_id DROP NOT NULL;
ALTER TABLE rectifications ADD COLUMN unit_kind TEXT NOT NULL DEFAULT 'station'
    CONSTRAINT ck_rectifications_unit_kind CHECK (unit_kind IN ('station', 'street', 'enterprise'));
ALTER TABLE rectifications ADD COLUMN street_id BIGINT REFERENCES streets (id);
ALTER TABLE rectifications ADD COLUMN enterprise_id BIGINT REFERENCES enterprises (id);
ALTER TABLE rectifications ADD CONSTRAINT ck_rectifications_unit CHECK (
    (unit_kind = 'station') = (station_id IS NOT NULL)
    AND (unit_kind = 'street') = (street_id IS NOT NULL)
    AND (unit_kind = 'enterprise') = (enterprise_id IS NOT NULL));
CREATE INDEX ix_rectifications_enterprise ON rectifications (enterprise_id, status, deadline);
