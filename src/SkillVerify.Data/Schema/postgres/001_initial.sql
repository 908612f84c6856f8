-- SkillVerify schema, PostgreSQL dialect (mirrors sqlite/001_initial.sql). Dates are DATE, instants TIMESTAMPTZ (UTC).
-- Personal data is never stored in plaintext: keyed hashes (HMAC-SHA256) and masked display forms only.

CREATE TABLE IF NOT EXISTS organizations (
    code            VARCHAR(13)  NOT NULL PRIMARY KEY,  -- positions 1–13 of the certificate code
    type            VARCHAR(1)   NOT NULL CHECK (type IN ('Y', 'S')),
    name            VARCHAR(200) NOT NULL,
    province        VARCHAR(2)   NOT NULL,
    parent_code     VARCHAR(13)  NULL,                  -- the body a site belongs to
    address         VARCHAR(400) NULL,
    contact         VARCHAR(200) NULL,
    registered_from DATE         NOT NULL,              -- 备案 window
    registered_to   DATE         NULL,
    updated_at      TIMESTAMPTZ  NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_organizations_province_type ON organizations (province, type);
CREATE INDEX IF NOT EXISTS ix_organizations_name ON organizations (name);

CREATE TABLE IF NOT EXISTS organization_status_events (
    organization_code VARCHAR(13)  NOT NULL REFERENCES organizations (code),
    effective_date    DATE         NOT NULL,
    status            VARCHAR(20)  NOT NULL CHECK (status IN ('registered', 'suspended', 'revoked', 'withdrawn')),
    reason            VARCHAR(400) NULL,
    PRIMARY KEY (organization_code, effective_date, status)
);

CREATE TABLE IF NOT EXISTS organization_scopes (
    organization_code VARCHAR(13)  NOT NULL REFERENCES organizations (code),
    occupation_code   VARCHAR(20)  NOT NULL,            -- 2022 classification, e.g. 4-04-05-01
    occupation_name   VARCHAR(100) NOT NULL,
    work_type         VARCHAR(100) NOT NULL DEFAULT '', -- 工种, '' when the whole occupation
    levels            VARCHAR(8)   NOT NULL,            -- level characters it may assess, e.g. '54321'
    valid_from        DATE         NOT NULL,
    valid_to          DATE         NULL,
    PRIMARY KEY (organization_code, occupation_code, work_type, valid_from)
);
CREATE INDEX IF NOT EXISTS ix_organization_scopes_occupation ON organization_scopes (occupation_code);

CREATE TABLE IF NOT EXISTS organization_aliases (
    organization_code VARCHAR(13)  NOT NULL REFERENCES organizations (code),
    alias             VARCHAR(100) NOT NULL,            -- e.g. 首席技能大师
    level_code        VARCHAR(1)   NOT NULL,
    PRIMARY KEY (organization_code, alias)
);

CREATE TABLE IF NOT EXISTS organization_quality_results (
    organization_code VARCHAR(13)  NOT NULL REFERENCES organizations (code),
    published_on      DATE         NOT NULL,
    result            VARCHAR(100) NOT NULL,
    note              VARCHAR(400) NULL,
    PRIMARY KEY (organization_code, published_on)
);

CREATE TABLE IF NOT EXISTS certificates (
    code              VARCHAR(22)  NOT NULL PRIMARY KEY, -- 22 characters, canonical form
    issuer_code       VARCHAR(13)  NOT NULL,
    level_code        VARCHAR(1)   NOT NULL,
    issue_date        DATE         NOT NULL,
    occupation_code   VARCHAR(20)  NOT NULL,
    occupation_name   VARCHAR(100) NOT NULL,
    work_type         VARCHAR(100) NULL,
    name_hash         BYTEA        NOT NULL,             -- HMAC-SHA256 of the normalized name
    name_masked       VARCHAR(64)  NOT NULL,             -- 张*三
    id_hash           BYTEA        NULL,                 -- HMAC-SHA256 of the normalized ID number
    id_masked         VARCHAR(32)  NULL,                 -- 4301**********1234
    obtained_by       VARCHAR(20)  NOT NULL,             -- 考核 / 以赛代评 / 直接认定 / 评聘 / 复核确认
    status            VARCHAR(10)  NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    revoked_on        DATE         NULL,
    revocation_reason VARCHAR(400) NULL,
    term_from         DATE         NULL,                 -- 评聘 appointment term, T and S only
    term_to           DATE         NULL,
    review_state      VARCHAR(20)  NOT NULL DEFAULT 'not_required' CHECK (review_state IN ('not_required', 'pending', 'confirmed')),
    updated_at        TIMESTAMPTZ  NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_certificates_issuer ON certificates (issuer_code);

CREATE TABLE IF NOT EXISTS registry_snapshot (
    id         INTEGER     NOT NULL PRIMARY KEY CHECK (id = 1),
    version    BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
INSERT INTO registry_snapshot (id, version, updated_at) VALUES (1, 0, '2000-01-01T00:00:00+00:00') ON CONFLICT (id) DO NOTHING;
