-- Which holder hash key (Privacy:HashKey) the stored name and ID hashes were made with: a fingerprint of the key
-- (16 hex characters of an HMAC under the key; it tells nothing about the key itself). The import and the
-- service refuse a different key, which would otherwise make every stored holder silently stop matching.

IF OBJECT_ID(N'dbo.service_settings', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.service_settings (
        name        VARCHAR(64)       NOT NULL CONSTRAINT pk_service_settings PRIMARY KEY,  -- e.g. holder_hash_key_fingerprint
        value       NVARCHAR(200)     NOT NULL,
        recorded_at DATETIMEOFFSET(3) NOT NULL
    );
END
GO
