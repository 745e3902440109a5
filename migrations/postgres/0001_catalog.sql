-- The catalog: categories, products, and the variants shoppers buy.
CREATE TABLE categories (
    id   BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE products (
    id           BIGSERIAL   PRIMARY KEY,
    slug         TEXT        NOT NULL UNIQUE,
    title        TEXT        NOT NULL,
    description  TEXT        NOT NULL DEFAULT '',
    category_id  BIGINT      REFERENCES categories (id),
    -- Key of the GLB in the asset store (content-addressed), if any.
    model_key    TEXT,
    model_credit TEXT,
    published    BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE variants (
    id               BIGSERIAL PRIMARY KEY,
    product_id       BIGINT    NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position         INTEGER   NOT NULL DEFAULT 0,
    sku              TEXT      NOT NULL UNIQUE,
    name             TEXT      NOT NULL,
    -- Option values as a JSON array of [name, value] pairs.
    options          TEXT      NOT NULL DEFAULT '[]',
    price_minor      BIGINT    NOT NULL CHECK (price_minor >= 0),
    currency         TEXT      NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    stock_on_hand    BIGINT    NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
    -- The glTF KHR_materials_variants name that shows this variant in 3D.
    material_variant TEXT
);
CREATE INDEX variants_by_product ON variants (product_id, position);
