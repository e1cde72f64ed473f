-- A positive test's alert said "nucleic acid positive" in English as its detail, shown beside its
-- label (核酸阳性) in a Chinese page. The label says it in the reader's language; the detail goes.
UPDATE alerts SET detail = '' WHERE kind = 'positive' AND detail = 'nucleic acid positive';
