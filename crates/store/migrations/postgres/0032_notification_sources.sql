-- Notifications of more than health alerts: an incident, a supply gone below its minimum, a high
-- psychological risk, an overdue rectification or directive, a room left waiting for its terminal
-- disinfection, a missed health round or sampling, and a
-- channel that gave up on a notification (told to the other channels, so a dead robot is noticed).
ALTER TABLE notifications DROP CONSTRAINT ck_notifications_source;
ALTER TABLE notifications ADD CONSTRAINT ck_notifications_source CHECK (source IN ('alert', 'incident', 'supply', 'channel', 'counselling', 'rectification', 'directive', 'room', 'round', 'sampling'));
