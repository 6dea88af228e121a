-- Portable SQL (H2 and PostgreSQL). Accounts and access (issue 22): people log into the console with an account
-- (a role each), not with the one admin token.
--
-- accounts: one row per person.
--   email          unique, stored lower-case (the login name)
--   role           VIEWER, AGENT or ADMIN
--   password_hash  bcrypt (cost 10); null for an account that only signs in through single sign-on
--   issuer/subject the external identity (OpenID Connect) the account belongs to, null for local accounts
--   failed_logins  wrong passwords in a row; at the configured limit the account is locked until locked_until
CREATE TABLE accounts (
    id             VARCHAR(40)  PRIMARY KEY,
    email          VARCHAR(320) NOT NULL,
    name           VARCHAR(200) NOT NULL,
    role           VARCHAR(16)  NOT NULL,
    password_hash  VARCHAR(100),
    disabled       BOOLEAN      NOT NULL,
    issuer         VARCHAR(500),
    subject        VARCHAR(255),
    failed_logins  INT          NOT NULL,
    locked_until   TIMESTAMP WITH TIME ZONE,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX ux_accounts_email ON accounts (email);
CREATE UNIQUE INDEX ux_accounts_external ON accounts (issuer, subject);

-- console_sessions: logins, so that they survive a restart. The cookie holds a random id; only its SHA-256 is stored
-- here, so a copy of the database opens no session.
--   account_id    the account logged in, or null for a session of the admin token (first start, before any account)
--   last_seen_at  for the idle timeout (moved at most once a minute); expires_at is the absolute one
CREATE TABLE console_sessions (
    id_hash       VARCHAR(64)  PRIMARY KEY,
    account_id    VARCHAR(40),
    csrf          VARCHAR(64)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_console_sessions_account ON console_sessions (account_id);

-- The audit trail is filtered by who and by when.
CREATE INDEX ix_audit_events_actor ON audit_events (actor, id);
