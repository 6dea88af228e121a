-- Portable SQL (H2 and PostgreSQL). The conversation a skipped item belongs to, when its channel can tell (an
-- auto-reply to the hub's acknowledgement, a bounce of its reply): the thread key, in the bounded form
-- conversations.thread_key has (Columns.key). The conversation's timeline finds its skipped items by
-- (instance_id, thread_key); most skipped items have none, and the index carries id so the newest come first.
ALTER TABLE inbound_skipped ADD COLUMN thread_key VARCHAR(500);
CREATE INDEX ix_inbound_skipped_thread ON inbound_skipped (instance_id, thread_key, id);
