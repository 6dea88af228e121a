-- The dispatcher reads the outbox a page at a time per target (keyset paging on the id) instead of loading every
-- pending row at start: WHERE status = 'PENDING' AND target_instance = ? AND id > ? ORDER BY id FETCH FIRST n.
-- This index answers that query, and SELECT DISTINCT target_instance of the pending rows, without a sort.
CREATE INDEX ix_deliveries_pending ON deliveries (status, target_instance, id);
