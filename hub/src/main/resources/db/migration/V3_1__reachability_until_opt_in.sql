-- Whether only an opt-in ends an address's unreachable mark (an opt-out such as SMS STOP), or the customer's next
-- message ends it too (a failed send: the bot was blocked, the chat was not found).
ALTER TABLE contact_addresses ADD COLUMN unreachable_until_opt_in BOOLEAN DEFAULT TRUE NOT NULL;
-- Marks the Telegram connector recorded before there was a choice were failed sends, not opt-outs.
UPDATE contact_addresses SET unreachable_until_opt_in = FALSE WHERE kind = 'CHAT_USER'
    AND (unreachable_reason IN ('chat not found', 'blocked the bot', 'bot may not write to this chat')
         OR unreachable_reason LIKE 'Forbidden:%');
