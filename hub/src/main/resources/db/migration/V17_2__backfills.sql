-- Portable SQL (H2 and PostgreSQL). Issue 22, backfill: a desk newly added to a route is sent the history of the
-- conversations it should have (those of a date range, or the open ones), page by page on the journal's writer. The
-- row is the progress: each page's outbox rows and the cursor move in one transaction, so a backfill interrupted by a
-- restart resumes after the last conversation it finished, and sends none twice.
--   state          RUNNING, DONE
--   open_only      the open conversations (else those created in [from_at, to_at))
--   after_created  cursor: created_at of the last conversation handled (conversations go oldest first)
--   after_id       cursor: its id (ties on created_at)
--   conversations  conversations sent to the desk so far; skipped those it already had
--   messages       messages queued to the desk so far
CREATE TABLE backfills (
    id             VARCHAR(40)  PRIMARY KEY,
    desk_instance  VARCHAR(200) NOT NULL,
    open_only      BOOLEAN      NOT NULL,
    from_at        TIMESTAMP WITH TIME ZONE,
    to_at          TIMESTAMP WITH TIME ZONE,
    state          VARCHAR(12)  NOT NULL,
    after_created  TIMESTAMP WITH TIME ZONE,
    after_id       VARCHAR(40),
    conversations  INT          NOT NULL,
    skipped        INT          NOT NULL,
    messages       INT          NOT NULL,
    requested_by   VARCHAR(200) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX ix_backfills_state ON backfills (state, created_at);
CREATE INDEX ix_conversations_created ON conversations (created_at, id);
