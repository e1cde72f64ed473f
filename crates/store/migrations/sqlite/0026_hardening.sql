-- Certificate check codes were FNV-1a over the number and a constant in the public source:
-- anyone could compute the code of every (sequential) number. Each certificate now holds 128
-- random bits; existing ones are given theirs here (SQLite's randomblob draws from the OS).
UPDATE certificates SET code = lower(hex(randomblob(16)));

-- Failed logins are also counted per client address: one client spraying many names is
-- slowed, and a name under attack stays open to a client that has not been failing.
ALTER TABLE login_attempts ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX ix_login_attempts_client_at ON login_attempts (client, at);
