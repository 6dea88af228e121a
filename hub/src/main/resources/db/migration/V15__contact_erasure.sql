-- Portable SQL (H2 and PostgreSQL). Erasure of a contact's personal data (issue 20), done in steps recorded here so
-- that an erasure interrupted by a crash resumes where it stopped, and a second request finds the first one.
--
-- contacts.erased_at: when the hub erased the contact (its row stays, without a name, for the conversations and
-- counts that point at it; a customer writing again after that becomes a new contact).
ALTER TABLE contacts ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;

-- One erasure per contact (the contact a merged id leads to): a second DELETE answers the same job.
--   state        STORE (erase the hub's rows: one transaction), FILES (delete attachment files no other message
--                uses), DESKS (ask each desk to erase its requester), WIPE (rewrite the embedded store file so the
--                erased bytes are gone), DONE
--   requested_by the actor (see audit_events), never a secret
--   attachment_hashes  SHA-256 of the attachment files the erased messages referenced (not personal data),
--                one per line: what FILES deletes, kept durable so a crash between STORE and FILES loses none
--   figures      what was erased, "key=value" pairs without personal data (messages=12 conversations=2 ...)
CREATE TABLE contact_erasures (
    id                 VARCHAR(40)  PRIMARY KEY,
    contact_id         VARCHAR(40)  NOT NULL,
    state              VARCHAR(12)  NOT NULL,
    requested_by       VARCHAR(200) NOT NULL,
    requested_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at        TIMESTAMP WITH TIME ZONE,
    attachment_hashes  VARCHAR(1000000),
    figures            VARCHAR(2000),
    CONSTRAINT uq_contact_erasures_contact UNIQUE (contact_id)
);
CREATE INDEX ix_contact_erasures_state ON contact_erasures (state, id);

-- The desk step, one row per desk instance that had a requester or a ticket for the contact, written by the STORE
-- step before it deletes what the desks need to find the requester:
--   requester_ref  the desk's id of the requester (desk_requesters), or null
--   ticket_refs    the desk's tickets of the contact's conversations, one per line
--   addresses      the contact's addresses ("KIND:value" lines), for desks that look requesters up by address:
--                  personal data, so set to null as soon as the desk's outcome is final
--   outcome        null while pending; ERASED, NOT_FOUND, UNSUPPORTED (RequesterErasure.Result) or FAILED
--   detail         what the desk did or the last error, without personal data
CREATE TABLE contact_erasure_desks (
    erasure_id       VARCHAR(40)   NOT NULL,
    desk_instance    VARCHAR(100)  NOT NULL,
    requester_ref    VARCHAR(500),
    ticket_refs      VARCHAR(100000),
    addresses        VARCHAR(100000),
    outcome          VARCHAR(16),
    detail           VARCHAR(2000),
    attempts         INT           NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (erasure_id, desk_instance)
);
