-- E-mail (SMTP) and SMS-gateway channels beside the group robots: who a channel writes to
-- (addresses, or fixed mobiles besides the people on duty a level @-mentions), the sender of its
-- mail, and the body a gateway takes. And digests: a burst beyond a channel's rate goes out as
-- one message, whose notifications name the one that carried them (digest_id). Two more events
-- notify: a daily report that came out incomplete (per station), and an import that did not
-- land (told to the person who started it: the centre's items may name one person).
ALTER TABLE notification_channels DROP CONSTRAINT ck_channels_kind;
ALTER TABLE notification_channels ADD CONSTRAINT ck_channels_kind CHECK (kind IN ('wecom', 'feishu', 'dingtalk', 'webhook', 'email', 'sms'));
ALTER TABLE notification_channels ADD COLUMN recipients TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_channels ADD COLUMN sender TEXT NOT NULL DEFAULT '';
ALTER TABLE notification_channels ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN digest_id BIGINT;
ALTER TABLE notifications DROP CONSTRAINT ck_notifications_source;
ALTER TABLE notifications ADD CONSTRAINT ck_notifications_source CHECK (source IN ('alert', 'incident', 'supply', 'channel', 'counselling', 'rectification', 'directive', 'room', 'round', 'sampling', 'report', 'import'));
ALTER TABLE inbox ADD COLUMN user_id BIGINT REFERENCES users (id);
CREATE INDEX ix_inbox_user ON inbox (user_id) WHERE user_id IS NOT NULL;
