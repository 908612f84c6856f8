-- SkillVerify schema, SQL Server dialect (mirrors sqlite/001_initial.sql). Batches are separated by GO.
-- Names and other Chinese text use Chinese_PRC_CI_AS (pinyin order, case-insensitive); codes are compared exactly (BIN2).
-- Dates are DATE, instants DATETIMEOFFSET (UTC). Personal data only as keyed hashes (HMAC-SHA256) and masked forms.

IF OBJECT_ID(N'dbo.organizations', N'U') IS NULL
CREATE TABLE dbo.organizations (
    code            NVARCHAR(13)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT pk_organizations PRIMARY KEY,
    type            NVARCHAR(1)   COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT ck_organizations_type CHECK (type IN (N'Y', N'S')),
    name            NVARCHAR(200) COLLATE Chinese_PRC_CI_AS NOT NULL,
    province        NVARCHAR(2)   COLLATE Latin1_General_BIN2 NOT NULL,
    parent_code     NVARCHAR(13)  COLLATE Latin1_General_BIN2 NULL,  -- the body a site belongs to
    address         NVARCHAR(400) COLLATE Chinese_PRC_CI_AS NULL,
    contact         NVARCHAR(200) COLLATE Chinese_PRC_CI_AS NULL,
    registered_from DATE           NOT NULL,                           -- 备案 window
    registered_to   DATE           NULL,
    updated_at      DATETIMEOFFSET NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_organizations_province_type')
CREATE INDEX ix_organizations_province_type ON dbo.organizations (province, type);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_organizations_name')
CREATE INDEX ix_organizations_name ON dbo.organizations (name);
GO

IF OBJECT_ID(N'dbo.organization_status_events', N'U') IS NULL
CREATE TABLE dbo.organization_status_events (
    organization_code NVARCHAR(13)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT fk_status_events_organization REFERENCES dbo.organizations (code),
    effective_date    DATE          NOT NULL,
    status            NVARCHAR(20)  COLLATE Latin1_General_BIN2 NOT NULL
        CONSTRAINT ck_status_events_status CHECK (status IN (N'registered', N'suspended', N'revoked', N'withdrawn')),
    reason            NVARCHAR(400) COLLATE Chinese_PRC_CI_AS NULL,
    CONSTRAINT pk_organization_status_events PRIMARY KEY (organization_code, effective_date, status)
);
GO

IF OBJECT_ID(N'dbo.organization_scopes', N'U') IS NULL
CREATE TABLE dbo.organization_scopes (
    organization_code NVARCHAR(13)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT fk_scopes_organization REFERENCES dbo.organizations (code),
    occupation_code   NVARCHAR(20)  COLLATE Latin1_General_BIN2 NOT NULL,   -- 2022 classification, e.g. 4-04-05-01
    occupation_name   NVARCHAR(100) COLLATE Chinese_PRC_CI_AS NOT NULL,
    work_type         NVARCHAR(100) COLLATE Chinese_PRC_CI_AS NOT NULL CONSTRAINT df_scopes_work_type DEFAULT N'', -- 工种
    levels            NVARCHAR(8)   COLLATE Latin1_General_BIN2 NOT NULL,   -- level characters it may assess, e.g. '54321'
    valid_from        DATE          NOT NULL,
    valid_to          DATE          NULL,
    CONSTRAINT pk_organization_scopes PRIMARY KEY (organization_code, occupation_code, work_type, valid_from)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_organization_scopes_occupation')
CREATE INDEX ix_organization_scopes_occupation ON dbo.organization_scopes (occupation_code);
GO

IF OBJECT_ID(N'dbo.organization_aliases', N'U') IS NULL
CREATE TABLE dbo.organization_aliases (
    organization_code NVARCHAR(13)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT fk_aliases_organization REFERENCES dbo.organizations (code),
    alias             NVARCHAR(100) COLLATE Chinese_PRC_CI_AS NOT NULL,     -- e.g. 首席技能大师
    level_code        NVARCHAR(1)   COLLATE Latin1_General_BIN2 NOT NULL,
    CONSTRAINT pk_organization_aliases PRIMARY KEY (organization_code, alias)
);
GO

IF OBJECT_ID(N'dbo.organization_quality_results', N'U') IS NULL
CREATE TABLE dbo.organization_quality_results (
    organization_code NVARCHAR(13)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT fk_quality_organization REFERENCES dbo.organizations (code),
    published_on      DATE          NOT NULL,
    result            NVARCHAR(100) COLLATE Chinese_PRC_CI_AS NOT NULL,
    note              NVARCHAR(400) COLLATE Chinese_PRC_CI_AS NULL,
    CONSTRAINT pk_organization_quality_results PRIMARY KEY (organization_code, published_on)
);
GO

IF OBJECT_ID(N'dbo.certificates', N'U') IS NULL
CREATE TABLE dbo.certificates (
    code              NVARCHAR(22)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT pk_certificates PRIMARY KEY, -- canonical form
    issuer_code       NVARCHAR(13)  COLLATE Latin1_General_BIN2 NOT NULL,
    level_code        NVARCHAR(1)   COLLATE Latin1_General_BIN2 NOT NULL,
    issue_date        DATE          NOT NULL,
    occupation_code   NVARCHAR(20)  COLLATE Latin1_General_BIN2 NOT NULL,
    occupation_name   NVARCHAR(100) COLLATE Chinese_PRC_CI_AS NOT NULL,
    work_type         NVARCHAR(100) COLLATE Chinese_PRC_CI_AS NULL,
    name_hash         VARBINARY(32) NOT NULL,            -- HMAC-SHA256 of the normalized name
    name_masked       NVARCHAR(64)  COLLATE Chinese_PRC_CI_AS NOT NULL,      -- 张*三
    id_hash           VARBINARY(32) NULL,                -- HMAC-SHA256 of the normalized ID number
    id_masked         NVARCHAR(32)  COLLATE Latin1_General_BIN2 NULL,        -- 4301**********1234
    obtained_by       NVARCHAR(20)  COLLATE Chinese_PRC_CI_AS NOT NULL,      -- 考核 / 以赛代评 / 直接认定 / 评聘 / 复核确认
    status            NVARCHAR(10)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT df_certificates_status DEFAULT N'active'
        CONSTRAINT ck_certificates_status CHECK (status IN (N'active', N'revoked')),
    revoked_on        DATE          NULL,
    revocation_reason NVARCHAR(400) COLLATE Chinese_PRC_CI_AS NULL,
    term_from         DATE          NULL,                -- 评聘 appointment term, T and S only
    term_to           DATE          NULL,
    review_state      NVARCHAR(20)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT df_certificates_review DEFAULT N'not_required'
        CONSTRAINT ck_certificates_review CHECK (review_state IN (N'not_required', N'pending', N'confirmed')),
    updated_at        DATETIMEOFFSET NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_certificates_issuer')
CREATE INDEX ix_certificates_issuer ON dbo.certificates (issuer_code);
GO

IF OBJECT_ID(N'dbo.registry_snapshot', N'U') IS NULL
CREATE TABLE dbo.registry_snapshot (
    id         INT            NOT NULL CONSTRAINT pk_registry_snapshot PRIMARY KEY CONSTRAINT ck_registry_snapshot_id CHECK (id = 1),
    version    BIGINT         NOT NULL,
    updated_at DATETIMEOFFSET NOT NULL
);
GO
IF NOT EXISTS (SELECT 1 FROM dbo.registry_snapshot WHERE id = 1)
INSERT INTO dbo.registry_snapshot (id, version, updated_at) VALUES (1, 0, '2000-01-01T00:00:00+00:00');
GO
