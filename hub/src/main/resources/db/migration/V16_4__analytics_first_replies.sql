-- Portable SQL (H2 and PostgreSQL). Service analytics (issue 21): each conversation's first reply and its
-- first-response target, one row each per conversation, so that a month's figures read about one narrow row per
-- conversation instead of every timer event (a few per conversation).
--
-- Both tables are written by the journal writer about once a second (AnalyticsFirstReplies) from the
-- first_response_events stored since its last pass, moving the mark 'analytics_first_replies' in store_marks in the
-- same transaction; event_id is the event a row was made from, so that a read can take the rows up to the mark and
-- work out the few events above it itself. Rows are only ever inserted; they name no customer and outlive retention.
--
-- analytics_first_replies: the conversation's first agent reply (its first ANSWERED timer event): when, and how long
-- the customer had waited for it (from the first unanswered message of that clock, in calendar time), at the
-- priority the clock had.
CREATE TABLE analytics_first_replies (
    conversation_id   VARCHAR(40)  PRIMARY KEY,
    event_id          BIGINT       NOT NULL,
    answered_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    channel_instance  VARCHAR(100) NOT NULL,
    priority          VARCHAR(8)   NOT NULL,
    waited_millis     BIGINT       NOT NULL
);
CREATE INDEX ix_analytics_first_replies_at ON analytics_first_replies (answered_at);

-- analytics_first_reply_targets: how the conversation's first-response target was settled, at the first of its
-- timer events ANSWERED (outcome MET), BREACHED or CLOSED (resolved without an answer before the breach), and whether
-- the warning had fired before.
CREATE TABLE analytics_first_reply_targets (
    conversation_id   VARCHAR(40)  PRIMARY KEY,
    event_id          BIGINT       NOT NULL,
    settled_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    channel_instance  VARCHAR(100) NOT NULL,
    priority          VARCHAR(8)   NOT NULL,
    outcome           VARCHAR(8)   NOT NULL,
    warned            BOOLEAN      NOT NULL
);
CREATE INDEX ix_analytics_first_reply_targets_at ON analytics_first_reply_targets (settled_at);
INSERT INTO store_marks (name, mark) VALUES ('analytics_first_replies', 0);
