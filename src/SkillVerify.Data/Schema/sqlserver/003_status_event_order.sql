-- Status events apply in the order they were recorded (seq), never by the status name, and the history
-- is append-only: a mistaken event is retracted by a correction that names it (domain.md §3).
-- 复核确认 can also be refused (review_state 'refused').

IF COL_LENGTH(N'dbo.organization_status_events', N'seq') IS NULL
ALTER TABLE dbo.organization_status_events ADD seq BIGINT IDENTITY(1, 1) NOT NULL;
GO

IF OBJECT_ID(N'dbo.organization_status_corrections', N'U') IS NULL
CREATE TABLE dbo.organization_status_corrections (
    organization_code NVARCHAR(13)  COLLATE Latin1_General_BIN2 NOT NULL CONSTRAINT fk_status_corrections_organization REFERENCES dbo.organizations (code),
    corrects_seq      BIGINT        NOT NULL,           -- the status event it retracts
    reason            NVARCHAR(400) COLLATE Chinese_PRC_CI_AS NOT NULL,
    recorded_at       DATETIMEOFFSET(3) NOT NULL,
    CONSTRAINT pk_organization_status_corrections PRIMARY KEY (organization_code, corrects_seq)
);
GO

ALTER TABLE dbo.certificates DROP CONSTRAINT ck_certificates_review;
ALTER TABLE dbo.certificates ADD CONSTRAINT ck_certificates_review
    CHECK (review_state IN (N'not_required', N'pending', N'confirmed', N'refused'));
GO
