-- Partner API keys (other provinces' systems, 跨区域互认). Only a SHA-256 digest of each key is stored:
-- the plaintext is shown once, when the key is created, and cannot be recovered from the database.

CREATE TABLE IF NOT EXISTS partner_keys (
    id                  VARCHAR(32)  NOT NULL PRIMARY KEY,  -- public part of the key (svk_<id>_…), shown in listings
    name                VARCHAR(200) NOT NULL,
    key_hash            BYTEA        NOT NULL,              -- SHA-256 of the whole key (32 bytes)
    provinces           VARCHAR(400) NOT NULL,              -- province codes it may query, comma-separated, or '*'
    batch_allowed       INTEGER      NOT NULL DEFAULT 0 CHECK (batch_allowed IN (0, 1)),
    id_matching_allowed INTEGER      NOT NULL DEFAULT 0 CHECK (id_matching_allowed IN (0, 1)),
    requests_per_minute INTEGER      NOT NULL CHECK (requests_per_minute > 0),
    expires_at          TIMESTAMPTZ  NULL,                  -- NULL = no expiry
    revoked_at          TIMESTAMPTZ  NULL,                  -- NULL = in force
    created_at          TIMESTAMPTZ  NOT NULL,
    CONSTRAINT ck_partner_keys_key_hash_length CHECK (octet_length(key_hash) = 32)
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_partner_keys_key_hash ON partner_keys (key_hash);
