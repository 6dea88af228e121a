-- Issue 21, self-service bot: the customer message an event is about (the question answered, the message that
-- triggered the hand-off), so the conversation's timeline shows the event under it. Null for an event about the
-- conversation as a whole (an agent took over).
ALTER TABLE self_service_events ADD COLUMN message_id VARCHAR(40);
