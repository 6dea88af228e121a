-- Portable SQL (H2 and PostgreSQL). The messages of a conversation were found through the index
-- ix_messages_conversation (conversation_id, seq). Messages arrive for many conversations at once, so each one
-- landed in another leaf of that index: every group commit rewrote as many leaves (and their parents) as it had
-- messages, some 3 KB written per message on H2. Instead the journal writer copies (conversation_id, seq) of the
-- messages stored since its last copy into conversation_messages in bulk, about once a second: a conversation's
-- new entries then share their leaf. store_marks holds the largest seq copied, updated in the copy's transaction,
-- so that a crash neither loses nor repeats an entry. Readers (ConversationMessages) read the copied part from this
-- table and the messages above the mark from messages itself (a range of its primary key).

CREATE TABLE conversation_messages (
    conversation_id  VARCHAR(40) NOT NULL,
    seq              BIGINT      NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

CREATE TABLE store_marks (
    name  VARCHAR(40) PRIMARY KEY,
    mark  BIGINT      NOT NULL
);

INSERT INTO conversation_messages (conversation_id, seq) SELECT conversation_id, seq FROM messages;
INSERT INTO store_marks (name, mark) SELECT 'conversation_messages', COALESCE(MAX(seq), 0) FROM messages;
DROP INDEX ix_messages_conversation;
