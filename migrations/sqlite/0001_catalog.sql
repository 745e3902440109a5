-- The catalog: categories, products, and the variants shoppers buy.
CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    category_id  INTEGER REFERENCES categories (id),
    -- Key of the GLB in the asset store (content-addressed), if any.
    model_key    TEXT,
    model_credit TEXT,
    published    INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE variants (
    id               INTEGER PRIMARY KEY,
    product_id       INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL DEFAULT 0,
    sku              TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    -- Option values as a JSON array of [name, value] pairs.
    options          TEXT    NOT NULL DEFAULT '[]',
    price_minor      INTEGER NOT NULL CHECK (price_minor >= 0),
    currency         TEXT    NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    stock_on_hand    INTEGER NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
    -- The glTF KHR_materials_variants name that shows this variant in 3D.
    material_variant TEXT
);
CREATE INDEX variants_by_product ON variants (product_id, position);
