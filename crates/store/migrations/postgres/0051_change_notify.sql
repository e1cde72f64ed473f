-- Other nodes learn of a write at its commit (issue 21): every write appends to the audit log in
-- its transaction, and PostgreSQL delivers a NOTIFY at commit, one per transaction and channel.
-- Readers still poll the audit sequence, so a lost notification only delays them.
CREATE FUNCTION audit_log_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('yizhan_changes', '');
    RETURN NULL;
END $$;

CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_notify();
