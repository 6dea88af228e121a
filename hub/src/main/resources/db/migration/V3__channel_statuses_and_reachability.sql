-- Delivery reports channels send about messages the hub sent (Twilio, WhatsApp status callbacks). Keyed by the
-- channel's message id, not by delivery row: a report may arrive before the send call has returned its id.
CREATE TABLE channel_message_status (
    instance_id         VARCHAR(100) NOT NULL,
    channel_message_id  VARCHAR(500) NOT NULL,
    state               VARCHAR(16)  NOT NULL,
    error_code          VARCHAR(100),
    error_message       VARCHAR(1000),
    reported_at         TIMESTAMP WITH TIME ZONE,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (instance_id, channel_message_id)
);

-- An address a customer opted out on (SMS STOP) or that blocked the channel: no outbound message goes there.
ALTER TABLE contact_addresses ADD COLUMN unreachable_reason VARCHAR(500);
ALTER TABLE contact_addresses ADD COLUMN reachability_changed_at TIMESTAMP WITH TIME ZONE;
