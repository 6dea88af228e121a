-- Portable SQL (H2 and PostgreSQL). Issue 25: what each node kept for itself and several nodes must share. Created
-- on every store so that H2 and PostgreSQL have the same schema versions; used only in cluster mode.
--
-- cluster_secrets: secrets every node must use alike, made once by the first node that needs one (INSERT ... ON
-- CONFLICT DO NOTHING, then read), e.g. the key signing links to stored files ("file-links").
--   secret  base64 of the key's bytes; never logged nor shown by any API
CREATE TABLE cluster_secrets (
    name        VARCHAR(100) PRIMARY KEY,
    secret      VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- oidc_pending: single sign-ins in progress, so that the provider's callback may land on another node than the
-- one that started it. Used once (deleted when the callback takes it), valid ten minutes (older rows are purged).
--   state_hash    SHA-256 (hex) of the sign-in's state; the state itself is only in the browser's address
--   browser_hash  SHA-256 (base64) of the value of the cookie binding the sign-in to its browser
--   verifier      the PKCE code verifier, sent to the provider with the code
CREATE TABLE oidc_pending (
    state_hash    VARCHAR(64)  PRIMARY KEY,
    nonce         VARCHAR(100) NOT NULL,
    verifier      VARCHAR(100) NOT NULL,
    browser_hash  VARCHAR(100) NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_oidc_pending_started ON oidc_pending (started_at);

-- attachment_blobs: attachment bytes in the store (cluster mode), so that any node serves what another stored. The
-- same content as the files of <dataDir>/attachments: encrypted with the store's key when it is set.
--   sha256      hex SHA-256 of the plain content (the attachment's location is attachment:<sha256>)
--   size        plain size in bytes
--   written_at  when it was last stored (retention keeps content stored again meanwhile)
CREATE TABLE attachment_blobs (
    sha256      VARCHAR(64) PRIMARY KEY,
    content     BYTEA       NOT NULL,
    size        BIGINT      NOT NULL,
    written_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
