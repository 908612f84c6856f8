-- Status-list indexes of issued electronic credentials (SD-JWT VC, docs/credentials.md). One row per
-- certificate and standing the credential states ('current' or 'historical'), given the next free index
-- the first time such a credential is downloaded and never changed: a verifier holding an old credential
-- finds its bit at the same place in every later status list. No personal data: the code only.

IF OBJECT_ID(N'dbo.credential_status', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.credential_status (
        idx        INT               NOT NULL CONSTRAINT pk_credential_status PRIMARY KEY,  -- position in the status list (0-based)
        code       VARCHAR(32)       NOT NULL,                                            -- canonical certificate code
        standing   VARCHAR(20)       NOT NULL,                                            -- the standing the credential states
        created_at DATETIMEOFFSET(3) NOT NULL
    );
END
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ux_credential_status_code' AND object_id = OBJECT_ID(N'dbo.credential_status'))
    CREATE UNIQUE INDEX ux_credential_status_code ON dbo.credential_status (code, standing);
GO
