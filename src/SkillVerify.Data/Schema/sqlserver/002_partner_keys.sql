-- Partner API keys (other provinces' systems, 跨区域互认). Only a SHA-256 digest of each key is stored:
-- the plaintext is shown once, when the key is created, and cannot be recovered from the database.

IF OBJECT_ID(N'dbo.partner_keys', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.partner_keys (
        id                  VARCHAR(32)       NOT NULL CONSTRAINT pk_partner_keys PRIMARY KEY,  -- public part of the key (svk_<id>_…)
        name                NVARCHAR(200)     NOT NULL,
        key_hash            VARBINARY(32)     NOT NULL,                                        -- SHA-256 of the whole key
        provinces           VARCHAR(400)      NOT NULL,                                        -- comma-separated province codes, or '*'
        batch_allowed       INT               NOT NULL CONSTRAINT df_partner_keys_batch DEFAULT 0,
        id_matching_allowed INT               NOT NULL CONSTRAINT df_partner_keys_id DEFAULT 0,
        requests_per_minute INT               NOT NULL,
        expires_at          DATETIMEOFFSET(3) NULL,                                            -- NULL = no expiry
        revoked_at          DATETIMEOFFSET(3) NULL,                                            -- NULL = in force
        created_at          DATETIMEOFFSET(3) NOT NULL,
        CONSTRAINT ck_partner_keys_batch CHECK (batch_allowed IN (0, 1)),
        CONSTRAINT ck_partner_keys_id CHECK (id_matching_allowed IN (0, 1)),
        CONSTRAINT ck_partner_keys_rpm CHECK (requests_per_minute > 0),
        CONSTRAINT ck_partner_keys_key_hash_length CHECK (DATALENGTH(key_hash) = 32)
    );
END
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ux_partner_keys_key_hash' AND object_id = OBJECT_ID(N'dbo.partner_keys'))
    CREATE UNIQUE INDEX ux_partner_keys_key_hash ON dbo.partner_keys (key_hash);
GO
