-- SkillVerify schema, SQLite dialect. Dates are ISO 8601 text (yyyy-MM-dd), instants ISO 8601 with offset.
-- Personal data is never stored in plaintext: keyed hashes (HMAC-SHA256) and masked display forms only.

CREATE TABLE IF NOT EXISTS organizations (
    code            TEXT NOT NULL PRIMARY KEY,          -- positions 1–13 of the certificate code
    type            TEXT NOT NULL CHECK (type IN ('Y', 'S')),
    name            TEXT NOT NULL,
    province        TEXT NOT NULL,
    parent_code     TEXT NULL,                          -- the body a site belongs to
    address         TEXT NULL,
    contact         TEXT NULL,
    registered_from TEXT NOT NULL,                      -- 备案 window
    registered_to   TEXT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_organizations_province_type ON organizations (province, type);
CREATE INDEX IF NOT EXISTS ix_organizations_name ON organizations (name);

CREATE TABLE IF NOT EXISTS organization_status_events (
    organization_code TEXT NOT NULL REFERENCES organizations (code),
    effective_date    TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('registered', 'suspended', 'revoked', 'withdrawn')),
    reason            TEXT NULL,
    PRIMARY KEY (organization_code, effective_date, status)
);

CREATE TABLE IF NOT EXISTS organization_scopes (
    organization_code TEXT NOT NULL REFERENCES organizations (code),
    occupation_code   TEXT NOT NULL,                    -- 2022 classification, e.g. 4-04-05-01
    occupation_name   TEXT NOT NULL,
    work_type         TEXT NOT NULL DEFAULT '',         -- 工种, '' when the whole occupation
    levels            TEXT NOT NULL,                    -- level characters it may assess, e.g. '54321'
    valid_from        TEXT NOT NULL,
    valid_to          TEXT NULL,
    PRIMARY KEY (organization_code, occupation_code, work_type, valid_from)
);
CREATE INDEX IF NOT EXISTS ix_organization_scopes_occupation ON organization_scopes (occupation_code);

CREATE TABLE IF NOT EXISTS organization_aliases (
    organization_code TEXT NOT NULL REFERENCES organizations (code),
    alias             TEXT NOT NULL,                    -- e.g. 首席技能大师
    level_code        TEXT NOT NULL,
    PRIMARY KEY (organization_code, alias)
);

CREATE TABLE IF NOT EXISTS organization_quality_results (
    organization_code TEXT NOT NULL REFERENCES organizations (code),
    published_on      TEXT NOT NULL,
    result            TEXT NOT NULL,
    note              TEXT NULL,
    PRIMARY KEY (organization_code, published_on)
);

CREATE TABLE IF NOT EXISTS certificates (
    code              TEXT NOT NULL PRIMARY KEY,        -- 22 characters, canonical form
    issuer_code       TEXT NOT NULL,
    level_code        TEXT NOT NULL,
    issue_date        TEXT NOT NULL,
    occupation_code   TEXT NOT NULL,
    occupation_name   TEXT NOT NULL,
    work_type         TEXT NULL,
    name_hash         BLOB NOT NULL,                    -- HMAC-SHA256 of the normalized name
    name_masked       TEXT NOT NULL,                    -- 张*三
    id_hash           BLOB NULL,                        -- HMAC-SHA256 of the normalized ID number
    id_masked         TEXT NULL,                        -- 4301**********1234
    obtained_by       TEXT NOT NULL,                    -- 考核 / 以赛代评 / 直接认定 / 评聘 / 复核确认
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    revoked_on        TEXT NULL,
    revocation_reason TEXT NULL,
    term_from         TEXT NULL,                        -- 评聘 appointment term, T and S only
    term_to           TEXT NULL,
    review_state      TEXT NOT NULL DEFAULT 'not_required' CHECK (review_state IN ('not_required', 'pending', 'confirmed')),
    updated_at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_certificates_issuer ON certificates (issuer_code);

CREATE TABLE IF NOT EXISTS registry_snapshot (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT OR IGNORE INTO registry_snapshot (id, version, updated_at) VALUES (1, 0, '2000-01-01T00:00:00+00:00');
