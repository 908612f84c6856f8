-- Which holder hash key (Privacy:HashKey) the stored name and ID hashes were made with: a fingerprint of the key
-- (16 hex characters of an HMAC under the key; it tells nothing about the key itself). The import and the
-- service refuse a different key, which would otherwise make every stored holder silently stop matching.

CREATE TABLE IF NOT EXISTS service_settings (
    name        TEXT NOT NULL PRIMARY KEY,   -- e.g. holder_hash_key_fingerprint
    value       TEXT NOT NULL,
    recorded_at TEXT NOT NULL                -- instant, ISO 8601 UTC
);
