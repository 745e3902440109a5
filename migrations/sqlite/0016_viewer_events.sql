-- The 3D viewer's clickstream when no Kinesis stream is configured (the
-- embedded default): one row per event, as `vitrine_domain::clickstream`
-- describes them.
CREATE TABLE viewer_events (
    id             INTEGER PRIMARY KEY,
    received_at_ms INTEGER NOT NULL,
    page_view      TEXT    NOT NULL,
    product_slug   TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    at_ms          INTEGER NOT NULL,
    level          INTEGER,
    bytes          INTEGER,
    triangles      INTEGER,
    message        TEXT
);
CREATE INDEX viewer_events_by_product ON viewer_events (product_slug, received_at_ms);
