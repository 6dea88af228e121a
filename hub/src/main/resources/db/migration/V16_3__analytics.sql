-- Portable SQL (H2 and PostgreSQL). Service analytics (issue 21).
--
-- analytics_volumes: how many messages each channel instance received from customers (INBOUND) and sent to them
-- (OUTBOUND) per hour (hour_start, UTC). Not written with each message: the journal writer adds the counts of the
-- messages stored since its last pass in bulk about once a second (AnalyticsVolumes), moving the mark
-- 'analytics_volumes' in store_marks in the same transaction, so that no message is counted twice or lost. Reads take
-- this table up to the mark and count the few messages above it from messages itself. A month is at most
-- 744 rows per channel and direction, whatever the traffic; the counts outlive retention purges and erasures (they
-- name nobody).
CREATE TABLE analytics_volumes (
    hour_start        TIMESTAMP WITH TIME ZONE NOT NULL,
    channel_instance  VARCHAR(100) NOT NULL,
    direction         VARCHAR(16)  NOT NULL,
    messages          BIGINT       NOT NULL,
    PRIMARY KEY (hour_start, channel_instance, direction)
);
INSERT INTO store_marks (name, mark) VALUES ('analytics_volumes', 0);

-- Resolution times read the conversations resolved in a range; first-response figures and SLA breaches the timer
-- events of a range. Both columns change a few times per conversation, never per message.
CREATE INDEX ix_conversations_resolved ON conversations (resolved_at);
CREATE INDEX ix_first_response_events_at ON first_response_events (happened_at);
