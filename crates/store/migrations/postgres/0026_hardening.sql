-- Certificate check codes were FNV-1a over the number and a constant in the public source:
-- anyone could compute the code of every (sequential) number. Each certificate now holds 128
-- bits drawn from gen_random_uuid() (pg_strong_random; two UUIDs give 244 random bits, hashed
-- down to 32 hex digits); existing ones are given theirs here.
UPDATE certificates
   SET code = substr(encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex'), 1, 32);

-- Failed logins are also counted per client address: one client spraying many names is
-- slowed, and a name under attack stays open to a client that has not been failing.
ALTER TABLE login_attempts ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX ix_login_attempts_client_at ON login_attempts (client, at);
