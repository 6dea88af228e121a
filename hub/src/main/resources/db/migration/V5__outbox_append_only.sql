-- Portable SQL (H2 and PostgreSQL). The single deliveries table (five indexes, every finished row kept, every
-- UPDATE rewriting all five) becomes three:
--   outbox            pending work only: a row lives from its message's commit to its delivery's outcome;
--   delivery_results  finished deliveries (DONE, SENT_BY_DESK), append-only: the console's history, echo
--                     detection and annotations (lookups by the item id the target answered, result_ref);
--   dead_letters      deliveries given up on, until an operator replays them (back into the outbox, same id).
-- A delivery keeps its id in all three, so the API's delivery ids do not change. Ids are assigned by the hub's
-- single writer (above the largest id of the three tables), in commit order: the dispatcher pages the outbox by id.
-- No foreign keys: the rows are written by the only writer in their message's own transaction, and each key would
-- cost a lookup per row.

CREATE TABLE outbox (
    id               BIGINT       PRIMARY KEY,
    message_id       VARCHAR(40)  NOT NULL,
    conversation_id  VARCHAR(40)  NOT NULL,
    target_instance  VARCHAR(100) NOT NULL,
    kind             VARCHAR(8)   NOT NULL,
    attempts         INT          NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       VARCHAR(2000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
-- A target's pages (keyset on the id) and SELECT DISTINCT target_instance. A retry changes only columns outside
-- every index, so it rewrites no index entry (on PostgreSQL it can be a HOT update).
CREATE INDEX ix_outbox_target ON outbox (target_instance, id);
-- A conversation's rows: a lane reading its own rows, a message's deliveries in the console.
CREATE INDEX ix_outbox_conversation ON outbox (conversation_id, id);

CREATE TABLE delivery_results (
    id               BIGINT       PRIMARY KEY,
    message_id       VARCHAR(40)  NOT NULL,
    target_instance  VARCHAR(100) NOT NULL,
    kind             VARCHAR(8)   NOT NULL,
    status           VARCHAR(12)  NOT NULL,
    attempts         INT          NOT NULL,
    result_ref       VARCHAR(500),
    finished_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_results_message ON delivery_results (message_id);
CREATE INDEX ix_results_ref ON delivery_results (target_instance, result_ref);

CREATE TABLE dead_letters (
    id               BIGINT       PRIMARY KEY,
    message_id       VARCHAR(40)  NOT NULL,
    conversation_id  VARCHAR(40)  NOT NULL,
    target_instance  VARCHAR(100) NOT NULL,
    kind             VARCHAR(8)   NOT NULL,
    attempts         INT          NOT NULL,
    reason           VARCHAR(2000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    failed_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_dead_letters_message ON dead_letters (message_id);
-- The console's failures per hour.
CREATE INDEX ix_dead_letters_failed ON dead_letters (failed_at);

INSERT INTO outbox (id, message_id, conversation_id, target_instance, kind, attempts, next_attempt_at, last_error,
                    created_at, updated_at)
    SELECT id, message_id, conversation_id, target_instance, kind, attempts, next_attempt_at, last_error, created_at,
           updated_at
    FROM deliveries WHERE status = 'PENDING';
INSERT INTO delivery_results (id, message_id, target_instance, kind, status, attempts, result_ref, finished_at)
    SELECT id, message_id, target_instance, kind, status, attempts, result_ref, updated_at
    FROM deliveries WHERE status NOT IN ('PENDING', 'DEAD');
INSERT INTO dead_letters (id, message_id, conversation_id, target_instance, kind, attempts, reason, created_at,
                          failed_at)
    SELECT id, message_id, conversation_id, target_instance, kind, attempts, last_error, created_at, updated_at
    FROM deliveries WHERE status = 'DEAD';
DROP TABLE deliveries;
