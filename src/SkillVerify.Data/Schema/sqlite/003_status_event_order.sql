-- Status events apply in the order they were recorded (seq), never by the status name, and the history
-- is append-only: a mistaken event is retracted by a correction that names it (domain.md §3).
-- 复核确认 can also be refused (review_state 'refused'), which SQLite's CHECK needs a table rebuild for.

ALTER TABLE organization_status_events ADD COLUMN seq INTEGER NULL;
UPDATE organization_status_events SET seq = rowid WHERE seq IS NULL;
-- Every insert (the import's bulk writer, the admin endpoint) gets the next number, without either knowing.
CREATE TRIGGER IF NOT EXISTS tr_status_events_seq AFTER INSERT ON organization_status_events
WHEN NEW.seq IS NULL
BEGIN
    UPDATE organization_status_events
    SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM organization_status_events)
    WHERE rowid = NEW.rowid;
END;

CREATE TABLE IF NOT EXISTS organization_status_corrections (
    organization_code TEXT    NOT NULL REFERENCES organizations (code),
    corrects_seq      INTEGER NOT NULL,                 -- the status event it retracts
    reason            TEXT    NOT NULL,
    recorded_at       TEXT    NOT NULL,
    PRIMARY KEY (organization_code, corrects_seq)
);

CREATE TABLE certificates_003 (
    code              TEXT NOT NULL PRIMARY KEY,
    issuer_code       TEXT NOT NULL,
    level_code        TEXT NOT NULL,
    issue_date        TEXT NOT NULL,
    occupation_code   TEXT NOT NULL,
    occupation_name   TEXT NOT NULL,
    work_type         TEXT NULL,
    name_hash         BLOB NOT NULL,
    name_masked       TEXT NOT NULL,
    id_hash           BLOB NULL,
    id_masked         TEXT NULL,
    obtained_by       TEXT NOT NULL,                    -- 考核 / 以赛代评 / 直接认定 / 评聘 / 复核确认 / 转正定级考核
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    revoked_on        TEXT NULL,
    revocation_reason TEXT NULL,
    term_from         TEXT NULL,
    term_to           TEXT NULL,
    review_state      TEXT NOT NULL DEFAULT 'not_required' CHECK (review_state IN ('not_required', 'pending', 'confirmed', 'refused')),
    updated_at        TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO certificates_003 SELECT code, issuer_code, level_code, issue_date, occupation_code, occupation_name, work_type,
    name_hash, name_masked, id_hash, id_masked, obtained_by, status, revoked_on, revocation_reason, term_from, term_to,
    review_state, updated_at FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_003 RENAME TO certificates;
CREATE INDEX IF NOT EXISTS ix_certificates_issuer ON certificates (issuer_code);
