-- Issue 25: the help-center entries the cluster's sync leader (lease timer:knowledge:<desk>) read last, as JSON, so
-- that every other node builds its search index from them instead of asking the desk itself. Portable (created on
-- H2 too, unused there: a hub on its own syncs by itself).
CREATE TABLE knowledge_snapshots (
    source    VARCHAR(200) PRIMARY KEY,
    version   BIGINT NOT NULL,
    entries   TEXT NOT NULL,
    synced_at TIMESTAMP WITH TIME ZONE NOT NULL
);
