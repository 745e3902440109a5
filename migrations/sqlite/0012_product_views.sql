-- Product page views per product and day (midnight UTC, unix seconds), for
-- the admin dashboard's most-viewed list.
CREATE TABLE product_views (
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    day        BIGINT NOT NULL,
    views      BIGINT NOT NULL,
    PRIMARY KEY (product_id, day)
);
CREATE INDEX product_views_by_day ON product_views (day);
