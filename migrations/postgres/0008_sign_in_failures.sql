-- Failed sign-ins per email, shared by every server instance: after a few,
-- that account's sign-in waits (see domain/src/throttle.rs).
CREATE TABLE sign_in_failures (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    failed_at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, failed_at);
