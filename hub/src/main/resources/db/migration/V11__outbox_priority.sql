-- Portable SQL (H2 and PostgreSQL). Urgent first in delivery (issue 19): every pending delivery carries its
-- message's priority (LOW, NORMAL, HIGH, URGENT), so that the dispatcher can run the lanes of urgent conversations
-- before the others when deliveries wait, after a restart too. A dead letter keeps it for its replay. Rows stored
-- before this migration are NORMAL, what every message was until then.
-- No index: the dispatcher learns the priority of new rows as they are committed; only at start-up (or when more
-- urgent rows wait behind a backlog than it keeps in mind) does it read a target's remaining rows for them.
ALTER TABLE outbox ADD COLUMN priority VARCHAR(8) DEFAULT 'NORMAL' NOT NULL;
ALTER TABLE dead_letters ADD COLUMN priority VARCHAR(8) DEFAULT 'NORMAL' NOT NULL;
