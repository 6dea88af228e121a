-- Portable SQL (H2 and PostgreSQL). Issue 25, several hub nodes on one PostgreSQL: the deliveries of a conversation
-- belong to one of hub.cluster.shards shares (floorMod(crc32(conversation_id), shards), computed in Java by the
-- writer), and the node holding that share's lease runs them, so a conversation's order holds across nodes. A dead
-- letter keeps its share for its replay. On a single node the value is written but never read.
-- Rows stored before this migration are in share 0; a cluster node puts them right when it starts (Dispatcher).
ALTER TABLE outbox ADD COLUMN shard SMALLINT DEFAULT 0 NOT NULL;
ALTER TABLE dead_letters ADD COLUMN shard SMALLINT DEFAULT 0 NOT NULL;
-- A node that takes a share over reads its rows of each target from the start.
CREATE INDEX ix_outbox_shard ON outbox (shard, target_instance, id);
