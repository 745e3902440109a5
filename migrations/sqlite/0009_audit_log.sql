-- Who did what from the admin side: one row per change, never updated.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          BIGINT  NOT NULL,
    -- Kept when the account goes: the email says who it was.
    actor_id    BIGINT,
    actor_email TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_newest ON audit_log (id DESC);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id);
