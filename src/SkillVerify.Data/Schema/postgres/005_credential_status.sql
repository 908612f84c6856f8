-- Status-list indexes of issued electronic credentials (SD-JWT VC, docs/credentials.md). One row per
-- certificate and standing the credential states ('current' or 'historical'), given the next free index
-- the first time such a credential is downloaded and never changed: a verifier holding an old credential
-- finds its bit at the same place in every later status list. No personal data: the code only.

CREATE TABLE IF NOT EXISTS credential_status (
    idx        INTEGER     NOT NULL PRIMARY KEY,        -- position in the status list (0-based)
    code       VARCHAR(32) NOT NULL,                    -- canonical certificate code
    standing   VARCHAR(20) NOT NULL,                    -- the standing the credential states
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_credential_status_code ON credential_status (code, standing);
