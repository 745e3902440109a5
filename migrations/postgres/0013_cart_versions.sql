-- Carts are saved with optimistic concurrency: a save names the version it
-- read and fails if another request saved the cart first.
ALTER TABLE carts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
