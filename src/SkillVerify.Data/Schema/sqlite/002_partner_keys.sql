-- Partner API keys (other provinces' systems, 跨区域互认). Only a SHA-256 digest of each key is stored:
-- the plaintext is shown once, when the key is created, and cannot be recovered from the database.

CREATE TABLE IF NOT EXISTS partner_keys (
    id                  TEXT    NOT NULL PRIMARY KEY,   -- public part of the key (svk_<id>_…), shown in listings
    name                TEXT    NOT NULL,               -- who holds it, e.g. 江苏省人社厅互认平台
    key_hash            BLOB    NOT NULL,               -- SHA-256 of the whole key (32 bytes)
    provinces           TEXT    NOT NULL,               -- province codes it may query, comma-separated, or '*'
    batch_allowed       INTEGER NOT NULL DEFAULT 0 CHECK (batch_allowed IN (0, 1)),
    id_matching_allowed INTEGER NOT NULL DEFAULT 0 CHECK (id_matching_allowed IN (0, 1)),
    requests_per_minute INTEGER NOT NULL CHECK (requests_per_minute > 0),
    expires_at          TEXT    NULL,                   -- instant, ISO 8601 UTC; NULL = no expiry
    revoked_at          TEXT    NULL,                   -- instant the key was revoked; NULL = in force
    created_at          TEXT    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_partner_keys_key_hash ON partner_keys (key_hash);
