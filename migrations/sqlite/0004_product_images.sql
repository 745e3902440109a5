-- Product photos, in the merchant's order.
CREATE TABLE product_images (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    -- Key of the image in the asset store (content-addressed).
    asset_key  TEXT    NOT NULL,
    -- What the photo shows, for people who cannot see it.
    alt        TEXT    NOT NULL
);
CREATE INDEX product_images_by_product ON product_images (product_id, position);
