-- Roles waiting for someone to register: an admin invites an email as a
-- merchandiser (or admin); the account made with it gets the role.
CREATE TABLE staff_invitations (
    email_key  TEXT   PRIMARY KEY,
    email      TEXT   NOT NULL,
    role       TEXT   NOT NULL CHECK (role IN ('merchandiser', 'admin')),
    invited_at BIGINT NOT NULL
);
