-- Portable SQL (H2 and PostgreSQL). Several hub nodes on one PostgreSQL store (issue 25). Created on every store so
-- that H2 and PostgreSQL stores have the same schema versions (migrate-store compares them); only a node with
-- hub.cluster.enabled (on PostgreSQL) uses them. Times are the database's (clock_timestamp()), never a node's.
--
-- cluster_nodes: one row per node id, written by its heartbeat every leaseTtl/3.
--   heartbeat_at    a node is live while this is within leaseTtl
--   stopping        the node stopped gracefully (its leases were given up at once)
--   advertised_url  hub.cluster.advertisedUrl, for the console's node list
--   health          a short JSON summary of the node's health, for the console on the other nodes
CREATE TABLE cluster_nodes (
    node_id         VARCHAR(64)   PRIMARY KEY,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    stopping        BOOLEAN       NOT NULL,
    advertised_url  VARCHAR(500),
    version         VARCHAR(40),
    health          VARCHAR(8000)
);

-- cluster_leases: work that runs on one node at a time ('shard:17', 'poll:telegram-1:updates', 'timer:retention').
--   holder      the node holding it; null: nobody (never held, or given up)
--   token       the fencing token: +1 at every acquisition, checked in the transaction that stores the work
--   expires_at  the holder must renew before this; a lease past it is free for any node
CREATE TABLE cluster_leases (
    name         VARCHAR(200)  PRIMARY KEY,
    holder       VARCHAR(64),
    token        BIGINT        NOT NULL DEFAULT 0,
    acquired_at  TIMESTAMP WITH TIME ZONE,
    expires_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX ix_cluster_leases_holder ON cluster_leases (holder);
