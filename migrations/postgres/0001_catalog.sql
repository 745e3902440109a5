-- The catalog: products with a price and an optional 3D model.
CREATE TABLE products (
    id           BIGSERIAL   PRIMARY KEY,
    slug         TEXT        NOT NULL UNIQUE,
    title        TEXT        NOT NULL,
    description  TEXT        NOT NULL DEFAULT '',
    price_minor  BIGINT      NOT NULL CHECK (price_minor >= 0),
    currency     TEXT        NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    -- Key of the GLB in the asset store (content-addressed), if any.
    model_key    TEXT,
    model_credit TEXT,
    published    BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
