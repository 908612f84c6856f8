-- Which holder hash key (Privacy:HashKey) the stored name and ID hashes were made with: a fingerprint of the key
-- (16 hex characters of an HMAC under the key; it tells nothing about the key itself). The import and the
-- service refuse a different key, which would otherwise make every stored holder silently stop matching.

CREATE TABLE IF NOT EXISTS service_settings (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,   -- e.g. holder_hash_key_fingerprint
    value       VARCHAR(200) NOT NULL,
    recorded_at TIMESTAMPTZ  NOT NULL
);
